"""The settlement's results: deduction lines, child-year lines, yearly totals, the statement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Status = Literal["final", "provisional"]


@dataclass(frozen=True)
class DeductionLine:
    """The priced use of one service by one child in one year (DOMAIN.md 3.3).

    ``amount = units × unit_price`` rounded half up to cents; ``unit_price`` is shown to 28
    significant digits but the amount is computed from the exact fraction.
    """

    person: str
    year: int
    service: int
    units: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class ChildYear:
    """One child in follow-up in one year: the base, the deductions and the payment."""

    person: str
    year: int
    followup_days: int
    days_in_year: int
    base: Decimal
    deduction: Decimal
    payment: Decimal


@dataclass(frozen=True)
class YearTotals:
    """The cohort's result for one year, before and after the contract's caps."""

    year: int
    children: int  # children in follow-up at some time in the year
    children_with_deductions: int
    base: Decimal
    deductions: Decimal
    computed: Decimal  # sum of the child-year payments (or the cohort net, with cohort netting)
    payable: Decimal  # after the caps
    caps_applied: tuple[str, ...]  # the contract parameters that limited the payment
    status: Status
    status_reasons: tuple[str, ...]
    cap_notes: tuple[str, ...] = ()  # each applied cap in words, for people


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
    lines: list[DeductionLine]
    totals: dict[int, YearTotals]
    inputs: dict[str, str] = field(default_factory=dict)  # input file -> SHA-256
    netting: str = "child_year"
    ignored_register_rows: int = 0  # register rows of people not in the cohort

    def child_year(self, person: str, year: int) -> ChildYear | None:
        for line in self.child_years:
            if line.person == person and line.year == year:
                return line
        return None

    def lines_of(self, person: str, year: int) -> list[DeductionLine]:
        return [line for line in self.lines if line.person == person and line.year == year]
