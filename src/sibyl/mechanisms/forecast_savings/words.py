"""Numbers of the forecast as text: expected units and unit prices, exactly."""

from __future__ import annotations

from decimal import Decimal, localcontext


def units_text(units_100: int) -> str:
    """Hundredths of a unit as a decimal number: 1250 → 12.50."""
    return f"{Decimal(units_100) / 100:.2f}"


def price_text(numerator_cents: int, denominator: int) -> str:
    """A unit price ``numerator / denominator`` cents in euros, to 28 significant digits."""
    with localcontext() as context:
        context.prec = 28
        return str(Decimal(numerator_cents) / Decimal(denominator) / 100)
