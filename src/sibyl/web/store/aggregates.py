"""Figures of a contract's course, read from the store: the very rows the statements and the
ledger hold, so that a page, a chart and the annual report agree with them to the cent.

- :func:`enrolment_series`: families enrolled (cumulative) and in follow-up, month by month;
- :func:`statement_of_year` and :func:`year_figures`: each year's statement (the approved one,
  else the draft) and its totals;
- :func:`service_use`: per year and service, the children with a deduction, the units and the
  amounts, from the statements' deduction lines;
- :func:`fund_years`: the fund's flows by year and kind, and its cash at each year end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Sum

from sibyl.contract import Contract
from sibyl.reports.charts import FundYear, MonthPoint
from sibyl.web.cohort.models import Enrolment
from sibyl.web.cohort.models import FollowupSpell as SpellRow
from sibyl.web.statements.models import DeductionLine, Statement
from sibyl.web.store.enrolment import in_followup
from sibyl.web.store.fund import INFLOW_KINDS, stored_flows

ZERO = Decimal("0.00")


def _month_end(first: date) -> date:
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def enrolment_series(contract: Contract, until: date) -> list[MonthPoint]:
    """For each month from the start of enrolment to ``until`` (or the follow-up end): families
    enrolled by the month's end, and children in follow-up on its last day (or on ``until``)."""
    enrolled_on = sorted(
        Enrolment.objects.filter(child__contract_id=contract.id).values_list(
            "enrolled_on", flat=True
        )
    )
    spells = list(SpellRow.objects.filter(child__contract_id=contract.id))
    last = min(until, contract.followup_end)
    points: list[MonthPoint] = []
    month = date(contract.enrolment_start.year, contract.enrolment_start.month, 1)
    while month <= last:
        day = min(_month_end(month), last)
        points.append(
            MonthPoint(
                month=month,
                enrolled=sum(1 for on in enrolled_on if on <= day),
                in_followup=len(
                    {s.child_id for s in spells if in_followup(s, day, contract.followup_end)}
                ),
            )
        )
        month = _month_end(month) + timedelta(days=1)
    return points


def statement_of_year(contract_id: str, year: int) -> Statement | None:
    """The year's approved statement, else its draft, else ``None``."""
    rows = Statement.objects.filter(contract_id=contract_id, year=year)
    return (
        rows.filter(status=Statement.APPROVED).first()
        or rows.filter(status=Statement.DRAFT).first()
    )


def statements_by_year(contract_id: str) -> list[Statement]:
    """One statement per year (approved, else draft), by year."""
    years = sorted(
        set(Statement.objects.filter(contract_id=contract_id).values_list("year", flat=True))
    )
    return [s for y in years if (s := statement_of_year(contract_id, y)) is not None]


@dataclass(frozen=True)
class ServiceUse:
    year: int
    service: int
    children: int  # children with a deduction line of this service
    units: int
    amount: Decimal


def service_use(statements: list[Statement]) -> list[ServiceUse]:
    """Per statement (year) and service: children, units and deducted euros."""
    rows: list[ServiceUse] = []
    for statement in statements:
        for item in (
            DeductionLine.objects.filter(statement=statement)
            .values("service")
            .annotate(
                children=Count("child", distinct=True), units=Sum("units"), amount=Sum("amount")
            )
            .order_by("service")
        ):
            rows.append(
                ServiceUse(
                    year=statement.year,
                    service=item["service"],
                    children=item["children"],
                    units=item["units"] or 0,
                    amount=item["amount"] or ZERO,
                )
            )
    return rows


def deductions_by_year_and_service(statements: list[Statement]) -> dict[int, dict[int, Decimal]]:
    found: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for use in service_use(statements):
        found[use.year][use.service] = use.amount
    return dict(found)


def fund_years(contract_id: str, until: date | None = None) -> list[FundYear]:
    """The fund's flows by calendar year and kind (positive euros), and its cash at year end."""
    flows = stored_flows(contract_id, until)
    if not flows:
        return []
    first, last = flows[0].date.year, flows[-1].date.year
    inflows: dict[int, dict[str, Decimal]] = {
        y: defaultdict(lambda: ZERO) for y in range(first, last + 1)
    }
    outflows: dict[int, dict[str, Decimal]] = {
        y: defaultdict(lambda: ZERO) for y in range(first, last + 1)
    }
    for flow in flows:
        target = inflows if flow.kind in INFLOW_KINDS else outflows
        target[flow.date.year][flow.kind] += abs(flow.amount)
    years: list[FundYear] = []
    cash = ZERO
    for year in range(first, last + 1):
        cash += sum(inflows[year].values(), ZERO) - sum(outflows[year].values(), ZERO)
        years.append(FundYear(year, dict(inflows[year]), dict(outflows[year]), cash))
    return years
