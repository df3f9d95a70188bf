"""Figures of a contract's course, read from the store: the very rows the statements and the
ledger hold, so that a page, a chart and the annual report agree with them to the cent.

- :func:`enrolment_series`: families enrolled (cumulative) and in follow-up, month by month;
- :func:`statement_of_year` and :func:`year_figures`: each year's statement (the approved one,
  else the draft) and its totals;
- :func:`service_use`: per year and service, the children with a deduction, the units and the
  amounts, from the statements' deduction lines;
- :func:`fund_years`: the fund's flows by year and kind, and its cash at each year end;
- for the annual report (:mod:`sibyl.web.store.report`): :func:`approved_statements`,
  :func:`cohort_states` (each referred child in one state on a day), :func:`child_year_rows`,
  :func:`adjustments_by_year`, :func:`contacts_by_service_year` and :func:`contacts_by_provider`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Sum

from sibyl.contract import Contract
from sibyl.reports.charts import FundYear, MonthPoint
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
    enrolled by the month's end, and children in follow-up on its last day (or on ``until``).

    A family counts as enrolled from the start of its first follow-up spell, so that a cohort
    imported from the city's file counts as well as one enrolled through Sibyl."""
    spells = list(SpellRow.objects.filter(child__contract_id=contract.id))
    first_start: dict[int, date] = {}
    for spell in spells:
        first_start[spell.child_id] = min(
            spell.enrolled_on, first_start.get(spell.child_id, spell.enrolled_on)
        )
    enrolled_on = sorted(first_start.values())
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


# ---------------------------------------------------------------------------------------------
# The annual report's figures (sibyl.web.store.report assembles them).


def approved_statements(contract_id: str, until: int) -> list[Statement]:
    """The contract's approved statements of the years up to ``until``, by year."""
    return list(
        Statement.objects.filter(
            contract_id=contract_id, status=Statement.APPROVED, year__lte=until
        ).order_by("year")
    )


@dataclass(frozen=True)
class CohortStates:
    """Each referred child in one state on a day: enrolled and in follow-up, enrolled and out
    of follow-up (by the reason of its last exit), waiting (eligible, not enrolled) or not
    eligible. The states add up: ``referred = enrolled + waiting + not_eligible``."""

    on: date
    referred: int
    not_eligible: int
    waiting: int
    enrolled: int
    in_followup: int
    exited: dict[str, int]
    enrolled_in_year: int


def _spells_by_child(contract_id: str, on: date | None = None) -> dict[int, list[SpellRow]]:
    """The follow-up spells begun on or before ``on``, per child, in order. A child is enrolled
    from its first spell (enrolment opens it; a cohort imported from the city's file has spells
    and no enrolment row)."""
    rows = SpellRow.objects.filter(child__contract_id=contract_id)
    if on is not None:
        rows = rows.filter(enrolled_on__lte=on)
    found: dict[int, list[SpellRow]] = defaultdict(list)
    for spell in rows.order_by("child_id", "enrolled_on", "id"):
        found[spell.child_id].append(spell)
    return dict(found)


def cohort_states(contract: Contract, on: date) -> CohortStates:
    """The cohort on ``on``, one state per child (referrals made on or before ``on``; a
    referral's decision is the screening's or its latest override's)."""
    from sibyl.web.cohort.models import Referral

    eligible_children: set[int] = set()
    referred_children: set[int] = set()
    for row in Referral.objects.filter(
        contract_id=contract.id, referred_on__lte=on
    ).prefetch_related("overrides"):
        referred_children.add(row.child_id)
        latest = max(row.overrides.all(), key=lambda o: (o.at, o.id), default=None)
        if row.eligible if latest is None else latest.eligible:
            eligible_children.add(row.child_id)
    spells = _spells_by_child(contract.id, on)
    enrolments = {child_id: mine[0].enrolled_on for child_id, mine in spells.items()}
    following = 0
    exited: dict[str, int] = defaultdict(int)
    for mine in spells.values():
        if any(in_followup(s, on, contract.followup_end) for s in mine):
            following += 1
            continue
        closed = [s for s in mine if s.exited_on is not None and s.exited_on <= on]
        last = max(closed, key=lambda s: s.exited_on, default=None)
        exited[(last.exit_reason or "other") if last else "followup_ended"] += 1
    referred = referred_children | set(enrolments)
    waiting = len((eligible_children & referred) - set(enrolments))
    return CohortStates(
        on=on,
        referred=len(referred),
        not_eligible=len(referred) - len(enrolments) - waiting,
        waiting=waiting,
        enrolled=len(enrolments),
        in_followup=following,
        exited=dict(exited),
        enrolled_in_year=sum(1 for day in enrolments.values() if day.year == on.year),
    )


@dataclass(frozen=True)
class ChildYearRow:
    pseudonym: str
    followup_days: int
    days_in_year: int
    base: Decimal
    deduction: Decimal
    payment: Decimal
    services: tuple[tuple[int, int, Decimal], ...]  # (service, units, amount)


def child_year_rows(statement: Statement) -> list[ChildYearRow]:
    """A statement's child-years by pseudonym, each with its deduction lines."""
    from sibyl.web.statements.models import ChildYearLine

    lines: dict[int, list[tuple[int, int, Decimal]]] = defaultdict(list)
    for child_id, service, units, amount in (
        DeductionLine.objects.filter(statement=statement)
        .order_by("child_id", "service")
        .values_list("child_id", "service", "units", "amount")
    ):
        lines[child_id].append((service, units, amount))
    rows = [
        ChildYearRow(
            pseudonym=pseudonym,
            followup_days=days,
            days_in_year=year_days,
            base=base,
            deduction=deduction,
            payment=payment,
            services=tuple(lines.get(child_id, ())),
        )
        for child_id, pseudonym, days, year_days, base, deduction, payment in (
            ChildYearLine.objects.filter(statement=statement).values_list(
                "child_id",
                "child__pseudonym",
                "followup_days",
                "days_in_year",
                "base",
                "deduction",
                "payment",
            )
        )
    ]
    return sorted(rows, key=lambda row: row.pseudonym)


def adjustments_by_year(statement: Statement) -> dict[int, tuple[int, Decimal]]:
    """A statement's adjustments for earlier years: per year, child-years and the difference."""
    from sibyl.web.statements.models import Adjustment

    found: dict[int, tuple[int, Decimal]] = {}
    for item in (
        Adjustment.objects.filter(statement=statement)
        .values("year")
        .annotate(child_years=Count("id"), difference=Sum("difference"))
        .order_by("year")
    ):
        found[item["year"]] = (item["child_years"], item["difference"] or ZERO)
    return found


def _anniversary(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return date(day.year + years, 3, 1)


@dataclass(frozen=True)
class ServiceYearContacts:
    service_year: int
    families: int
    contacts: dict[str, int]
    minutes: int


def contacts_by_service_year(contract: Contract, on: date) -> list[ServiceYearContacts]:
    """The providers' contacts in each family's 1st, 2nd, … year of service, counting the
    families whose k-th year (from the enrolment day) had ended by ``on`` and who were in
    follow-up when it began."""
    from sibyl.web.cohort.models import Activity

    spells = _spells_by_child(contract.id)
    enrolled = {child: mine[0].enrolled_on for child, mine in spells.items()}
    enrolled = {child: day for child, day in enrolled.items() if day <= on}
    contacts: dict[int, list[tuple[date, str, int]]] = defaultdict(list)
    for child_id, day, component, minutes in Activity.objects.filter(
        child__contract_id=contract.id, on__lte=on
    ).values_list("child_id", "on", "component", "minutes"):
        contacts[child_id].append((day, component, minutes))
    rows: list[ServiceYearContacts] = []
    k = 1
    while True:
        families = 0
        counted: dict[str, int] = defaultdict(int)
        minutes = 0
        for child_id, start in enrolled.items():
            begins, ends = _anniversary(start, k - 1), _anniversary(start, k)
            if ends - timedelta(days=1) > on:
                continue
            if not any(
                in_followup(s, begins, contract.followup_end) for s in spells.get(child_id, [])
            ):
                continue
            families += 1
            for day, component, length in contacts.get(child_id, ()):
                if begins <= day < ends:
                    counted[component] += 1
                    minutes += length
        if families == 0:
            break
        rows.append(ServiceYearContacts(k, families, dict(counted), minutes))
        k += 1
    return rows


@dataclass(frozen=True)
class ProviderContacts:
    provider: str
    families: int
    contacts: dict[str, int]
    minutes: int


def contacts_by_provider(contract: Contract, year: int) -> list[ProviderContacts]:
    """Each provider's contacts in ``year``: families with a contact, contacts by component."""
    from sibyl.web.cohort.models import Activity

    providers = [party.name for party in contract.spec.parties.providers]
    families: dict[str, set[int]] = defaultdict(set)
    counted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    minutes: dict[str, int] = defaultdict(int)
    for provider, child_id, component, length in Activity.objects.filter(
        child__contract_id=contract.id, on__year=year
    ).values_list("provider", "child_id", "component", "minutes"):
        if provider not in providers:
            providers.append(provider)
        families[provider].add(child_id)
        counted[provider][component] += 1
        minutes[provider] += length
    return [
        ProviderContacts(name, len(families[name]), dict(counted[name]), minutes[name])
        for name in providers
    ]
