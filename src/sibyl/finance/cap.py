"""The investor return cap (DOMAIN.md 3.5): the city never pays more than the amount that brings
the investors' IRR to the cap (8 % for Helsinki).

The outcome payment received on ``pay_date`` is passed on to the investors as a distribution on
``pay_date + lag_days``. The **headroom** is the largest distribution ``D`` (whole cents) such that
the investors' XIRR with ``D`` added is at most the cap.

How it is solved: for investors' flows in which money goes in before it comes back (every
contribution before the first distribution, the normal life of a fund), the net present value
at rate ``r``, ``XNPV(r) = Σ a_i / (1 + r)^(days_i / 365)``, falls as ``r`` rises, so
``XIRR ≤ cap ⇔ XNPV(cap) ≤ 0``. Adding ``D`` raises ``XNPV(cap)`` in proportion to ``D``, so the
condition is monotone in ``D`` and bisection over whole cents finds the largest ``D`` exactly;
``XNPV`` is evaluated in ``Decimal`` at 40 digits. The payable amount is
``min(computed, headroom)``: rounding down to the cent, so the cap is never exceeded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sibyl.finance.cashflows import CashFlow
from sibyl.finance.irr import xnpv
from sibyl.money import from_cents, to_cents


def _npv_with(cap: Decimal, flows: Sequence[CashFlow], when: date, cents: int, origin: date):
    extra = CashFlow(when, from_cents(cents), "distribution")
    return xnpv(cap, [*flows, extra], start=origin)


def cap_headroom_cents(
    flows: Sequence[CashFlow], distribution_date: date, cap: Decimal = Decimal("0.08")
) -> int:
    """The largest distribution (cents) on ``distribution_date`` keeping the XIRR ≤ ``cap``.

    ``flows`` are the investors' flows so far (contributions negative). 0 when the investors are
    already at or above the cap.
    """
    cap = Decimal(cap)
    if not flows:
        return 0
    origin = min(min(f.date for f in flows), distribution_date)

    def within(cents: int) -> bool:
        return _npv_with(cap, flows, distribution_date, cents, origin) <= 0

    if not within(0):
        return 0
    # Bracket: the closed form -XNPV(cap)·(1+cap)^t, plus a margin, then doubling if needed.
    npv0 = xnpv(cap, flows, start=origin)
    years = Decimal((distribution_date - origin).days) / 365
    estimate = int(-npv0 * (1 + cap) ** years * 100) + 2
    low, high = 0, max(estimate, 1)
    while within(high):
        low, high = high, high * 2
    while high - low > 1:  # invariant: within(low), not within(high)
        middle = (low + high) // 2
        if within(middle):
            low = middle
        else:
            high = middle
    return low


@dataclass(frozen=True)
class CapResult:
    """The cap applied to one outcome payment."""

    computed: Decimal
    headroom: Decimal
    payable: Decimal
    distribution_date: date

    @property
    def withheld(self) -> Decimal:
        return self.computed - self.payable


def apply_cap(
    flows: Sequence[CashFlow],
    computed: Decimal,
    pay_date: date,
    cap: Decimal = Decimal("0.08"),
    lag_days: int = 0,
) -> CapResult:
    """The payable amount of an outcome payment ``computed`` (euros) paid on ``pay_date``."""
    when = pay_date + timedelta(days=lag_days)
    headroom = cap_headroom_cents(flows, when, cap)
    payable = min(to_cents(Decimal(computed)), headroom)
    return CapResult(Decimal(computed), from_cents(headroom), from_cents(max(payable, 0)), when)
