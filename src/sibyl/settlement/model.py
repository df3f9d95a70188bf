"""The settlement's results: priced use, child-year lines, detail lines, yearly totals, the
statement.

Whatever the payment mechanism, a child-year line has a *base* (what would be paid with nothing
set against it: Helsinki's base per child-year, Hämeenlinna's forecast cost, the prices of the
outcomes claimed), a *deduction* set against it (the priced use of the corrective services, the
actual cost) and the *payment*. With several payment components each keeps its own three figures
(:class:`ComponentYear`) and the line holds their sums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from sibyl.mechanisms.base import DetailLine

Status = Literal["final", "provisional"]

__all__ = [
    "ChildYear",
    "ComponentTotals",
    "ComponentYear",
    "DetailLine",
    "Statement",
    "UseLine",
    "YearTotals",
]


@dataclass(frozen=True)
class UseLine:
    """The priced use of one service by one child in one year (DOMAIN.md 3.2–3.3).

    ``amount = units × unit_price`` rounded half up to cents; ``unit_price`` is shown to 28
    significant digits but the amount is computed from the exact fraction. Helsinki deducts these
    amounts from the base; a forecast contract compares them with its forecast.
    """

    person: str
    year: int
    service: int
    units: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class ComponentYear:
    """One payment component's figures for one child-year."""

    component: str
    base: Decimal
    deduction: Decimal
    payment: Decimal


@dataclass(frozen=True)
class ChildYear:
    """One child in follow-up in one year: the base, the deduction and the payment (the sums over
    the contract's payment components, each of which is in ``components``)."""

    person: str
    year: int
    followup_days: int
    days_in_year: int
    base: Decimal
    deduction: Decimal
    payment: Decimal
    components: tuple[ComponentYear, ...] = ()


@dataclass(frozen=True)
class ComponentTotals:
    """One component's result for a year: its sums, its netted amount and its own limits."""

    component: str
    mechanism: str
    netting: str
    base: Decimal
    deductions: Decimal
    computed: Decimal  # after the component's netting, share, floor and cap
    limits: tuple[str, ...] = ()  # "year_floor", "year_cap"


@dataclass(frozen=True)
class YearTotals:
    """The cohort's result for one year, before and after the contract's caps."""

    year: int
    children: int  # children in follow-up at some time in the year
    children_with_deductions: int
    base: Decimal
    deductions: Decimal
    computed: Decimal  # the sum of the components' netted amounts
    payable: Decimal  # after the caps
    caps_applied: tuple[str, ...]  # the contract parameters that limited the payment
    status: Status
    status_reasons: tuple[str, ...]
    cap_notes: tuple[str, ...] = ()  # each applied cap in words, for people
    components: tuple[ComponentTotals, ...] = ()


@dataclass
class Statement:
    """The result for one contract and one or more years, with what is needed to reproduce it."""

    contract: str  # e.g. "helsinki v1"
    contract_sha256: str
    price_list: str
    price_list_sha256: str
    as_of: date
    years: list[int]
    identifier: str  # "hetu" or "pseudonym": the identifiers the inputs used
    child_years: list[ChildYear]
    lines: list[UseLine]
    totals: dict[int, YearTotals]
    inputs: dict[str, str] = field(default_factory=dict)  # input file -> SHA-256
    details: list[DetailLine] = field(default_factory=list)
    ignored_register_rows: int = 0  # register rows of people not in the cohort
    use_label: str = "Deductions"  # what the priced use is to the contract's mechanism

    def child_year(self, person: str, year: int) -> ChildYear | None:
        for line in self.child_years:
            if line.person == person and line.year == year:
                return line
        return None

    def lines_of(self, person: str, year: int) -> list[UseLine]:
        return [line for line in self.lines if line.person == person and line.year == year]

    def details_of(self, person: str, year: int) -> list[DetailLine]:
        return [line for line in self.details if line.person == person and line.year == year]

    @property
    def netting(self) -> str:
        """The netting of the components, in one word (``mixed`` when they differ)."""
        kinds = {c.netting for t in self.totals.values() for c in t.components}
        return kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "child_year")
