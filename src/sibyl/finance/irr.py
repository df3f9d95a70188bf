"""XIRR (actual dates, ``pyxirr``, the spreadsheets' convention) and the multiple on invested
capital.

XIRR solves ``Σ a_i / (1 + r)^((d_i − d_0) / 365) = 0`` (actual days over 365, as Excel's and
LibreOffice's XIRR). :func:`xnpv` evaluates the left side exactly in ``Decimal`` for the cap.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, localcontext

import pyxirr

from sibyl.errors import SibylInputError
from sibyl.finance.cashflows import CashFlow

DAYS_PER_YEAR = 365


def xirr(flows: Sequence[CashFlow]) -> float:
    """The XIRR of the flows (investors' view) as a decimal fraction (0.08 is 8 %).

    Raises :class:`SibylInputError` when the flows do not change sign (no rate exists) or when
    no rate can be found.
    """
    if not flows:
        raise SibylInputError("there are no cash flows", None, "give at least two dated amounts")
    amounts = [f.amount for f in flows]
    if not (any(a < 0 for a in amounts) and any(a > 0 for a in amounts)):
        raise SibylInputError(
            "the cash flows never change sign, so they have no internal rate of return",
            None,
            "give both contributions (negative) and distributions (positive)",
        )
    try:
        rate = pyxirr.xirr([f.date for f in flows], [float(a) for a in amounts])
    except pyxirr.InvalidPaymentsError as exc:
        raise SibylInputError(f"the cash flows have no XIRR: {exc}") from None
    if rate is None or rate != rate:
        raise SibylInputError(
            "no internal rate of return could be found for these cash flows",
            None,
            "check the signs and dates of the flows",
        )
    return float(rate)


def xnpv(rate: Decimal, flows: Sequence[CashFlow], start: date | None = None) -> Decimal:
    """``Σ a_i / (1 + rate)^((d_i − start) / 365)`` in ``Decimal`` at 40 digits (``start``: the
    first flow's date)."""
    if not flows:
        return Decimal(0)
    origin = start or min(f.date for f in flows)
    with localcontext() as ctx:
        ctx.prec = 40
        base = Decimal(1) + Decimal(rate)
        total = Decimal(0)
        for f in flows:
            exponent = Decimal((f.date - origin).days) / DAYS_PER_YEAR
            total += Decimal(f.amount) / base**exponent
        return +total


def moic(flows: Sequence[CashFlow]) -> Decimal:
    """Multiple on invested capital: distributions ÷ contributions (investors' flows)."""
    paid_in = -sum((f.amount for f in flows if f.amount < 0), Decimal(0))
    returned = sum((f.amount for f in flows if f.amount > 0), Decimal(0))
    if paid_in == 0:
        raise SibylInputError("there are no contributions", None, "add the capital calls")
    with localcontext() as ctx:
        ctx.prec = 28
        return returned / paid_in
