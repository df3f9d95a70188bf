"""Money: exact euros and cents, rounded half up as DOMAIN.md 3.3 says.

All money is :class:`decimal.Decimal` euros. The settlement engine computes in whole cents (Python
``int`` or SQL ``BIGINT``), which is exact, and rounds a quotient ``n / d`` half up with integer
arithmetic: ``(2 * n + d) // (2 * d)`` for ``n >= 0`` and ``d > 0``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def round_half_up_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up to a whole number (``numerator >= 0``)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    if numerator < 0:
        raise ValueError("numerator must not be negative")
    return (2 * numerator + denominator) // (2 * denominator)


def to_cents(amount: Decimal) -> int:
    """Euros to whole cents; the amount must already be a whole number of cents."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """Whole cents to euros with exactly two decimals."""
    return (Decimal(cents) / 100).quantize(CENT)


def round_cents(amount: Decimal) -> Decimal:
    """An amount in euros rounded half up to cents."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal) -> str:
    """Two decimals and a point, no thousands separator: the format of Sibyl's CSV files."""
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):f}"


def parse_decimal(text: str) -> Decimal:
    """A decimal number written with a point or a Finnish decimal comma; ``ValueError`` if not."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    return value
