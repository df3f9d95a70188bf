"""A plain, slow, obviously correct reference for the outcome-payment rules (DOMAIN.md 3.1–3.3)
and for the payment mechanisms ``priced_deductions``, ``forecast_savings`` and ``outcome_events``.

Written independently of the settlement engine and of the mechanisms' code, to check them: every
rule is spelled out with Python sets of calendar days, exact fractions (:class:`fractions.Fraction`)
for money and the ``decimal`` module's ROUND_HALF_UP for rounding. Working days come straight from
the ``holidays`` package (Monday–Friday minus Finland's public holidays, Midsummer Eve and Christmas
Eve), not from ``sibyl.calendar``; contracts are read as plain YAML, not with ``sibyl.contract``.
Nothing here imports ``sibyl.settlement`` or ``sibyl.mechanisms``. Nothing here is fast; nothing
here needs to be.

The second half reads the YAML scenario files of ``tests/scenarios`` and of each mechanism's
``scenarios`` folder (see tests/scenarios/README.md) into plain Python values, for the scenario
plugin and for ``tests/test_reference.py``.
"""

from __future__ import annotations

import copy
import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import holidays
import yaml

from sibyl.register.model import Episode, FollowupSpell

ONE_DAY = timedelta(days=1)
ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "src" / "sibyl" / "contracts"
MECHANISMS = ROOT / "src" / "sibyl" / "mechanisms"
ZERO = Decimal("0.00")


# ---------------------------------------------------------------------------------------------
# Days, working days and rounding


def days_from_to(first: date, last: date) -> set[date]:
    """Every calendar day from ``first`` to ``last``, both included (empty if ``last < first``)."""
    days = set()
    day = first
    while day <= last:
        days.add(day)
        day += ONE_DAY
    return days


def year_days(year: int) -> set[date]:
    return days_from_to(date(year, 1, 1), date(year, 12, 31))


@cache
def finnish_holidays(year: int) -> frozenset[date]:
    """Finland's public holidays, Midsummer Eve and Christmas Eve, as ``holidays`` lists them."""
    return frozenset(holidays.country_holidays("FI", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in finnish_holidays(day.year)


@cache
def working_days_in_year(year: int) -> int:
    return sum(1 for day in year_days(year) if is_working_day(day))


def round_half_up(value: Fraction, places: int = 0) -> Decimal:
    """``value`` (not negative) rounded half up to ``places`` decimals, exactly.

    The decision between rounding down and up depends only on whether the part beyond the last
    kept decimal is below one half, so the value is first cut (towards zero) to a whole number of
    half-units of the last decimal, which a Decimal holds exactly; ``decimal`` then rounds that
    half up.
    """
    if value < 0:
        raise ValueError(f"round_half_up expects a value that is not negative, got {value}")
    scaled = value * 10**places
    halves = (scaled * 2).numerator // (scaled * 2).denominator  # floor(2 × scaled)
    exact = Decimal(halves) / 2  # ends in .0 or .5: exact
    whole = exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return whole.scaleb(-places) if places else whole


def cents(value: Fraction) -> Decimal:
    """Euros rounded half up to cents, written with two decimals."""
    return round_half_up(value, 2).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------------------------
# Contract figures and prices, read from the raw files


def read_price_rows(path: Path | None = None) -> list[dict[str, str]]:
    """The rows of a price list CSV as plain strings (default: the Helsinki price list)."""
    path = path or CONTRACTS / "helsinki" / "prices.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def prices_from_rows(
    rows: Iterable[Mapping[str, Any]],
) -> tuple[dict[tuple[int, int], Fraction], set[int], dict[int, set[str]]]:
    """Unit prices in euros by ``(year, service)``, the care-day services and each year's price
    statuses, from price list rows (``year, service, basis, daily_price, annual_cost, clients,
    status``).

    A care day costs ``daily_price``; a working day costs ``annual_cost ÷ clients ÷ working days
    of the year``, kept as an exact fraction.
    """
    prices: dict[tuple[int, int], Fraction] = {}
    care_day_services: set[int] = set()
    statuses: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        year, service = int(row["year"]), int(row["service"])
        if row["basis"] == "care_day":
            prices[(year, service)] = Fraction(str(row["daily_price"]))
            care_day_services.add(service)
        elif row["basis"] == "working_day":
            prices[(year, service)] = (
                Fraction(str(row["annual_cost"])) / int(row["clients"]) / working_days_in_year(year)
            )
        else:
            raise ValueError(f"unknown basis {row['basis']!r}")
        statuses[year].add(str(row["status"]))
    return prices, care_day_services, statuses


@cache
def contract_figures(name: str = "helsinki") -> dict[str, Any]:
    """The figures of a built-in contract that the rules need, read from its YAML file."""
    data = yaml.safe_load((CONTRACTS / name / "contract.yaml").read_text(encoding="utf-8"))
    # The contract's one payment component: the base per child-year minus the priced use.
    (component,) = data["payment"]["components"]
    assert component["mechanism"] == "priced_deductions"

    def first_value(parameter: str, section: dict | None = None) -> Any:
        values = (section or data["parameters"])[parameter]["values"]
        return values[min(values)]

    return {
        "followup_end": data["dates"]["followup_end"]["value"],
        "base_per_child_year": Decimal(str(first_value("base_per_child_year", component))),
        "netting": first_value("netting", component),
        "max_total_outcome_payments": first_value("max_total_outcome_payments"),
        "services": {item["code"]: item["basis"] for item in data["services"]["items"]},
    }


# ---------------------------------------------------------------------------------------------
# The rules


ChildYears = dict[tuple[str, int], tuple[int, Decimal, Decimal, Decimal]]
Lines = dict[tuple[str, int, int], tuple[int, Decimal]]


def followup_days(spells: Iterable[FollowupSpell], followup_end: date) -> dict[str, set[date]]:
    """DOMAIN.md 3.1: the days each child is in follow-up, over all of the child's spells.

    In follow-up on day d: ``enrolled_on ≤ d ≤ followup_end`` and, after an exit, ``d < exited_on``.
    """
    days: dict[str, set[date]] = defaultdict(set)
    for spell in spells:
        last = followup_end
        if spell.exited_on is not None:
            last = min(last, spell.exited_on - ONE_DAY)
        days[spell.person] |= days_from_to(spell.enrolled_on, last)
    return days


def priced_use(
    spells: Iterable[FollowupSpell],
    episodes: Iterable[Episode],
    *,
    years: Iterable[int],
    as_of: date,
    followup_end: date,
    prices: Mapping[tuple[int, int], Fraction],
    care_day_services: set[int],
) -> tuple[dict[str, set[date]], Lines]:
    """DOMAIN.md 3.1–3.3: the days each child is in follow-up, and the priced use of every service.

    Returns the follow-up days by child and ``lines[(person, year, service)] = (units, amount)``
    for every line with units: ``amount = units × unit price``, rounded half up to cents.
    """
    in_followup = followup_days(spells, followup_end)
    episodes = list(episodes)

    # Periods: an ongoing period runs to as_of; no period counts past as_of.
    def counted_days(episode: Episode) -> set[date]:
        end = episode.end if episode.end is not None else as_of
        return days_from_to(episode.start, min(end, as_of))

    # The union of the periods: working-day services (all rows; ``days`` ignored) and care-day
    # rows without ``days``.
    union: dict[tuple[str, int], set[date]] = defaultdict(set)
    with_days: list[Episode] = []
    for episode in episodes:
        if episode.service in care_day_services and episode.days is not None:
            with_days.append(episode)
        else:
            union[(episode.person, episode.service)] |= counted_days(episode)

    lines: Lines = {}
    for year in years:
        this_year = year_days(year)
        units: dict[tuple[str, int], int] = defaultdict(int)
        for (person, service), days in union.items():
            counted = days & in_followup.get(person, set()) & this_year
            if service in care_day_services:
                units[(person, service)] += len(counted)
            else:
                units[(person, service)] += sum(1 for day in counted if is_working_day(day))
        for episode in with_days:
            # A row's care days, allocated to the year in proportion to the calendar days of its
            # period that fall in follow-up in the year; rounded half up per row and year.
            end = episode.end if episode.end is not None else as_of
            whole_period = len(days_from_to(episode.start, end))
            counted = counted_days(episode) & in_followup.get(episode.person, set()) & this_year
            if whole_period == 0 or not counted:
                continue
            share = Fraction(episode.days * len(counted), whole_period)
            units[(episode.person, episode.service)] += int(round_half_up(share))

        for (person, service), count in units.items():
            if count > 0:
                amount = cents(count * prices[(year, service)])
                lines[(person, year, service)] = (count, amount)
    return in_followup, lines


def reference_settle(
    spells: Iterable[FollowupSpell],
    episodes: Iterable[Episode],
    *,
    years: Iterable[int],
    as_of: date,
    followup_end: date,
    base_per_child_year: Decimal,
    prices: Mapping[tuple[int, int], Fraction],
    care_day_services: set[int],
    netting: str = "child_year",
) -> tuple[ChildYears, Lines]:
    """The child-year lines and deduction lines of DOMAIN.md 3.1–3.3 (Helsinki's rule: the base
    per child-year minus the priced use of every service).

    Returns ``child_years[(person, year)] = (followup_days, base, deduction, payment)`` for every
    child with follow-up days in the year, and ``lines[(person, year, service)] = (units,
    amount)`` for every line with units. The netting does not change these lines (each child's
    payment is ``max(0, base − deduction)``); it changes the cohort's total, see
    :func:`reference_totals`.
    """
    if netting not in ("child_year", "cohort_year"):
        raise ValueError(f"unknown netting {netting!r}")
    years = list(years)
    in_followup, lines = priced_use(
        spells,
        episodes,
        years=years,
        as_of=as_of,
        followup_end=followup_end,
        prices=prices,
        care_day_services=care_day_services,
    )
    child_years: ChildYears = {}
    for year in years:
        this_year = year_days(year)
        for person, days in in_followup.items():
            counted = len(days & this_year)
            if counted == 0:
                continue
            base = cents(Fraction(base_per_child_year) * counted / len(this_year))
            deduction = sum(
                (amount for (p, y, _), (_, amount) in lines.items() if p == person and y == year),
                ZERO,
            )
            payment = max(ZERO, base - deduction)
            child_years[(person, year)] = (counted, base, deduction, payment)
    return child_years, lines


@dataclass(frozen=True)
class ReferenceTotals:
    year: int
    children: int
    children_with_deductions: int
    base: Decimal
    deductions: Decimal
    computed: Decimal
    payable: Decimal
    caps_applied: tuple[str, ...]
    status: str


def reference_totals(
    child_years: ChildYears,
    *,
    years: Iterable[int],
    as_of: date,
    netting: str,
    statuses: Mapping[int, set[str]],
    max_total_outcome_payments: Decimal | None = None,
    paid_before: Decimal = Decimal(0),
) -> dict[int, ReferenceTotals]:
    """The cohort's totals per year (DOMAIN.md 3.3, 3.4).

    ``computed`` is the sum of the child-year payments (child-year netting) or ``max(0, Σ base −
    Σ deductions)`` (cohort-year netting); ``payable`` is ``computed`` limited to what the
    cumulative maximum leaves after ``paid_before`` (and after the earlier years of the same run),
    never below 0. A year is final when ``as_of`` is after 31 December and all its prices are
    confirmed.
    """
    totals: dict[int, ReferenceTotals] = {}
    paid = paid_before
    for year in sorted(years):
        rows = [value for (_, y), value in child_years.items() if y == year]
        base = sum((row[1] for row in rows), Decimal("0.00"))
        deductions = sum((row[2] for row in rows), Decimal("0.00"))
        if netting == "cohort_year":
            computed = max(Decimal("0.00"), base - deductions)
        else:
            computed = sum((row[3] for row in rows), Decimal("0.00"))
        payable = computed
        caps: tuple[str, ...] = ()
        if max_total_outcome_payments is not None:
            left = max(Decimal("0.00"), max_total_outcome_payments - paid)
            if computed > left:
                payable = left
                caps = ("max_total_outcome_payments",)
        paid += payable
        final = as_of > date(year, 12, 31) and statuses.get(year) == {"confirmed"}
        totals[year] = ReferenceTotals(
            year=year,
            children=len(rows),
            children_with_deductions=sum(1 for row in rows if row[2] > 0),
            base=base,
            deductions=deductions,
            computed=computed,
            payable=payable,
            caps_applied=caps,
            status="final" if final else "provisional",
        )
    return totals


# ---------------------------------------------------------------------------------------------
# A contract of any payment mechanism, read from its raw YAML file


@dataclass
class ContractFile:
    """What the rules need of a contract file (format 2), read with plain YAML.

    ``parameters`` are the contract's dated parameters (``{start day: value}``); ``components``
    the payment components as written (a component's dated parameter is a mapping with
    ``values``).
    """

    path: Path
    followup_end: date
    services: dict[int, str]  # code → basis (care_day or working_day)
    parameters: dict[str, dict[date, Any]]
    components: list[dict[str, Any]]
    prices: Path | None  # the price list named by the contract, beside it


def read_contract(path: Path) -> ContractFile:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("format") != 2:
        raise ValueError(f"{path}: the reference reads contract files of format 2")
    return ContractFile(
        path=path,
        followup_end=data["dates"]["followup_end"]["value"],
        services={item["code"]: item["basis"] for item in data["services"].get("items") or []},
        parameters={name: dict(p["values"]) for name, p in data["parameters"].items()},
        components=list(data["payment"]["components"]),
        prices=path.parent / data["prices"] if data.get("prices") else None,
    )


def with_overrides(contract: ContractFile, overrides: Mapping[str, Any]) -> ContractFile:
    """The contract with some parameters set to one value from their first start day: a
    parameter of the contract, or of the first payment component that has one of that name."""
    parameters = {name: dict(values) for name, values in contract.parameters.items()}
    components = copy.deepcopy(contract.components)
    for name, value in overrides.items():
        if name in parameters:
            target = parameters[name]
        else:
            found = [c for c in components if isinstance(c.get(name), dict) and "values" in c[name]]
            if not found:
                raise ValueError(f"the contract has no parameter {name!r}")
            target = found[0][name]["values"]
        first = min(target)
        target.clear()
        target[first] = value
    return ContractFile(
        contract.path,
        contract.followup_end,
        contract.services,
        parameters,
        components,
        contract.prices,
    )


def in_force(values: Mapping[date, Any], year: int) -> Any:
    """A yearly parameter: the value in force on 1 January of ``year``."""
    starts = [start for start in values if start <= date(year, 1, 1)]
    if not starts:
        raise LookupError(f"no value in force on 1 January {year}")
    return values[max(starts)]


def exact(value: Any) -> Fraction | None:
    """A number as written in a file (int, float, Decimal or text) as an exact fraction."""
    return None if value is None else Fraction(str(value))


def to_fraction(amount: Decimal) -> Fraction:
    return Fraction(amount)


def months_later(first: date, months: int) -> date:
    """The day ``months`` months after ``first`` with the same day number, or the last day of
    that month when it has no such day (Act 150/1930 § 3)."""
    month_index = first.month - 1 + months
    year, month = first.year + month_index // 12, month_index % 12 + 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - ONE_DAY).day
    return date(year, month, min(first.day, last_day))


# ---------------------------------------------------------------------------------------------
# The payment mechanisms, one function each: a component's base, deduction and payment for every
# child-year in follow-up, and its detail lines.

Amounts = dict[tuple[str, int], tuple[Decimal, Decimal, Decimal]]  # (base, deduction, payment)
DetailKey = tuple[str, int, str, str, str, str]  # person, year, component, kind, item, claim
Details = dict[DetailKey, dict[str, Any]]  # quantity, amount, status


@dataclass(frozen=True)
class Cohort:
    """What every mechanism may look at: follow-up days per child-year, first enrolments, birth
    years, the priced use lines."""

    followup: dict[tuple[str, int], int]  # (person, year) → days in follow-up (> 0)
    in_followup: dict[str, set[date]]
    first_enrolment: dict[str, date]
    birth_years: Mapping[str, int]
    lines: Lines
    prices: Mapping[tuple[int, int], Fraction]
    as_of: date
    years: list[int]

    def use(self, person: str, year: int, services: Iterable[int]) -> Decimal:
        """The priced use of ``services`` by the child in the year: the sum of its lines."""
        wanted = set(services)
        return sum(
            (
                amount
                for (p, y, s), (_, amount) in self.lines.items()
                if p == person and y == year and s in wanted
            ),
            ZERO,
        )


def days_in(year: int) -> int:
    return len(year_days(year))


def priced_deductions_amounts(
    component: Mapping[str, Any], contract: ContractFile, cohort: Cohort
) -> tuple[Amounts, Details]:
    """``base = base_per_child_year × follow-up days ÷ days in the year`` (half up to cents);
    ``deduction`` = the priced use of the component's services (default: all of the
    contract's); ``payment = max(0, base − deduction)``."""
    services = component.get("services") or list(contract.services)
    out: Amounts = {}
    for (person, year), days in cohort.followup.items():
        full = exact(in_force(component["base_per_child_year"]["values"], year))
        base = cents(full * days / days_in(year))
        deduction = cohort.use(person, year, services)
        out[(person, year)] = (base, deduction, max(ZERO, base - deduction))
    return out, {}


def forecast_savings_amounts(
    component: Mapping[str, Any], contract: ContractFile, cohort: Cohort
) -> tuple[Amounts, Details]:
    """Per child-year: a forecast line per service of the forecast = expected units per
    child-year (for the child's year since enrolment, 1 in the calendar year of the first
    enrolment, or for its age, the year minus the birth year) × the year's unit price ×
    follow-up days ÷ days in the year, half up to cents; ``base`` = Σ forecast lines;
    ``deduction`` = the priced use of the forecast's services; ``payment = share × max(0, base −
    deduction)``, half up to cents."""
    forecast = component["forecast"]
    units: dict[tuple[int, int], Any] = {}
    for row in forecast["rows"]:
        for key in range(row["from"], row["to"] + 1):
            units[(key, row["service"])] = row["units"]
    services = sorted({row["service"] for row in forecast["rows"]})
    out: Amounts = {}
    details: Details = {}
    for (person, year), days in cohort.followup.items():
        if forecast["by"] == "age":
            if person not in cohort.birth_years:
                raise ValueError(f"the forecast is by age and {person}'s birth year is not given")
            key = year - cohort.birth_years[person]
        elif forecast["by"] == "year_since_enrolment":
            key = year - cohort.first_enrolment[person].year + 1
        else:
            raise ValueError(f"unknown forecast key {forecast['by']!r}")
        base = ZERO
        for service in services:
            if (key, service) not in units:
                continue
            expected = exact(units[(key, service)])
            amount = cents(expected * cohort.prices[(year, service)] * days / days_in(year))
            base += amount
            details[(person, year, component["id"], "forecast", str(service), "")] = {
                "quantity": Decimal(str(units[(key, service)])).quantize(Decimal("0.01")),
                "amount": amount,
                "status": "",
            }
        deduction = cohort.use(person, year, services)
        share = exact(in_force(component["share"]["values"], year))
        payment = cents(share * to_fraction(max(ZERO, base - deduction)))
        out[(person, year)] = (base, deduction, payment)
    return out, details


def outcome_events_amounts(
    component: Mapping[str, Any], contract: ContractFile, cohort: Cohort, claims: list[dict]
) -> tuple[Amounts, Details]:
    """The rate card: claims in order of the day reached (on one day, a claim after the same
    child's claims of the outcomes it requires), then claim id, up to the last year settled. A
    claim is paid its outcome's price when the child is in the cohort and in follow-up on the
    day, the day is not after the as-of date, it is inside the outcome's window (first enrolment
    to the same day number ``months`` later, or that month's last day; both included), every
    outcome it requires has a paid claim reached on or before the day, no claim of that outcome
    was paid for the child before, and the child's cap over the contract is not used up (a claim
    over it is paid what is left). The child-year's base and payment are the sum of its paid
    claims; nothing is deducted."""
    card = {outcome["code"]: outcome for outcome in component["rate_card"]["outcomes"]}
    last_year = max(cohort.years)
    paid_on: dict[tuple[str, str], date] = {}  # (person, outcome) → day reached, of paid claims
    paid_to: dict[str, Fraction] = defaultdict(Fraction)
    paid: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    details: Details = {}

    def requires_all(code: str) -> set[str]:
        """Every outcome ``code`` requires, directly or through another."""
        found: set[str] = set()
        todo = list(card[code].get("requires") or [])
        while todo:
            other = todo.pop()
            if other not in found:
                found.add(other)
                todo.extend(card[other].get("requires") or [])
        return found

    def in_order(claims: list[dict]) -> list[dict]:
        """By day; on one day, a claim waits for the same child's claims of outcomes it requires
        (so that an outcome and its prerequisite reached on the same day are both decided as
        'reached on or before'); otherwise by claim id."""
        ordered: list[dict] = []
        for day in sorted({c["achieved_on"] for c in claims}):
            pending = sorted(
                (c for c in claims if c["achieved_on"] == day), key=lambda c: c["claim_id"]
            )
            while pending:
                for claim in pending:
                    waits = requires_all(claim["outcome"])
                    if not any(
                        o["child"] == claim["child"] and o["outcome"] in waits for o in pending
                    ):
                        break
                pending.remove(claim)
                ordered.append(claim)
        return ordered

    for claim in in_order(list(claims)):
        person, day = claim["child"], claim["achieved_on"]
        if day.year > last_year:
            continue
        outcome = card[claim["outcome"]]
        price = exact(outcome["price"])
        ok = (
            day in cohort.in_followup.get(person, set())
            and day <= cohort.as_of
            and cohort.first_enrolment[person]
            <= day
            <= months_later(cohort.first_enrolment[person], outcome["window"]["months"])
            and all(
                (person, needed) in paid_on and paid_on[(person, needed)] <= day
                for needed in outcome.get("requires") or []
            )
            and (person, claim["outcome"]) not in paid_on
        )
        amount = price
        cap = exact(in_force(component["subject_cap"]["values"], day.year)) if ok else None
        if cap is not None:
            left = max(Fraction(0), cap - paid_to[person])
            if left == 0:
                ok = False
            amount = min(price, left)
        if not ok:
            amount = Fraction(0)
        else:
            paid_on[(person, claim["outcome"])] = day
            paid_to[person] += amount
        if day.year in cohort.years:
            money = cents(amount)
            if ok:
                paid[(person, day.year)] += money
            details[
                (person, day.year, component["id"], "claim", claim["outcome"], claim["claim_id"])
            ] = {
                "quantity": Decimal(1),
                "amount": money,
                "status": "accepted" if ok else "rejected",
            }
    out: Amounts = {}
    for key in cohort.followup:
        out[key] = (paid[key], ZERO, paid[key])
    return out, details


@dataclass(frozen=True)
class Rule:
    """A component's yearly rule: netting, share of the saving, floor and cap of the year."""

    netting: str = "child_year"
    share: Fraction = Fraction(1)
    floor: Fraction | None = None
    cap: Fraction | None = None


def year_rule_of(component: Mapping[str, Any], year: int) -> Rule:
    def value(name: str) -> Any:
        return in_force(component[name]["values"], year)

    mechanism = component["mechanism"]
    if mechanism == "priced_deductions":
        return Rule(netting=value("netting"))
    if mechanism == "forecast_savings":
        return Rule(
            netting=value("netting"),
            share=exact(value("share")),
            floor=exact(value("year_floor")),
            cap=exact(value("year_cap")),
        )
    if mechanism == "outcome_events":
        return Rule(cap=exact(value("year_cap")))
    raise ValueError(f"the reference knows no mechanism {mechanism!r}")


@dataclass
class ReferenceResult:
    """The reference's statement as plain dicts, keyed like a scenario's expectations:
    ``children[(person, year)]``, ``lines[(person, year, service)]``, ``totals[year]``,
    ``details[(person, year, component, kind, item, claim)]``."""

    children: dict[tuple[str, int], dict[str, Any]]
    lines: dict[tuple[str, int, int], dict[str, Any]]
    totals: dict[int, dict[str, Any]]
    details: dict[DetailKey, dict[str, Any]]


def reference_statement(
    contract: ContractFile,
    spells: list[FollowupSpell],
    episodes: list[Episode],
    *,
    years: list[int],
    as_of: date,
    prices: Mapping[tuple[int, int], Fraction],
    statuses: Mapping[int, set[str]],
    claims: list[dict] | None = None,
    birth_years: Mapping[str, int] | None = None,
    paid_before: Decimal = ZERO,
) -> ReferenceResult:
    """A statement of a contract with any payment components.

    Each component gives every child-year its base, deduction and payment; the child-year's
    figures are their sums. Each component's year is netted by its rule (``child_year``: the sum
    of the child-years' payments; ``cohort_year``: ``share × max(0, Σ base − Σ deduction)``, half
    up to cents), then raised to its year floor and cut to its year cap; the year's computed
    payment is the sum of the components, and payable is that limited by what the cumulative
    maximum of the contract leaves after ``paid_before`` and the earlier years of the run. A
    year is final when ``as_of`` is after 31 December and every service of the contract has a
    confirmed price for the year.
    """
    years = sorted(years)
    care_day = {code for code, basis in contract.services.items() if basis == "care_day"}
    in_followup, lines = priced_use(
        spells,
        episodes,
        years=years,
        as_of=as_of,
        followup_end=contract.followup_end,
        prices=prices,
        care_day_services=care_day,
    )
    followup = {
        (person, year): len(days & year_days(year))
        for person, days in in_followup.items()
        for year in years
        if days & year_days(year)
    }
    first_enrolment: dict[str, date] = {}
    for spell in spells:
        if spell.person not in first_enrolment or spell.enrolled_on < first_enrolment[spell.person]:
            first_enrolment[spell.person] = spell.enrolled_on
    cohort = Cohort(
        followup=followup,
        in_followup=in_followup,
        first_enrolment=first_enrolment,
        birth_years=birth_years or {},
        lines=lines,
        prices=prices,
        as_of=as_of,
        years=years,
    )
    parts: dict[str, Amounts] = {}
    details: Details = {}
    for component in contract.components:
        mechanism = component["mechanism"]
        if mechanism == "priced_deductions":
            amounts, own = priced_deductions_amounts(component, contract, cohort)
        elif mechanism == "forecast_savings":
            amounts, own = forecast_savings_amounts(component, contract, cohort)
        elif mechanism == "outcome_events":
            amounts, own = outcome_events_amounts(component, contract, cohort, claims or [])
        else:
            raise ValueError(f"the reference knows no mechanism {mechanism!r}")
        parts[component["id"]] = amounts
        details.update(own)

    children: dict[tuple[str, int], dict[str, Any]] = {}
    for key, days in followup.items():
        own = {
            cid: dict(zip(("base", "deduction", "payment"), amounts[key], strict=True))
            for cid, amounts in parts.items()
        }
        children[key] = {
            "followup_days": days,
            "base": sum((c["base"] for c in own.values()), ZERO),
            "deduction": sum((c["deduction"] for c in own.values()), ZERO),
            "payment": sum((c["payment"] for c in own.values()), ZERO),
            "components": own,
        }

    totals: dict[int, dict[str, Any]] = {}
    paid = paid_before
    for year in years:
        rows = {key: row for key, row in children.items() if key[1] == year}
        computed = ZERO
        caps: list[str] = []
        component_totals: dict[str, dict[str, Any]] = {}
        for component in contract.components:
            cid = component["id"]
            rule = year_rule_of(component, year)
            own = [row["components"][cid] for row in rows.values()]
            base = sum((c["base"] for c in own), ZERO)
            deductions = sum((c["deduction"] for c in own), ZERO)
            if rule.netting == "cohort_year":
                amount = cents(rule.share * to_fraction(max(ZERO, base - deductions)))
            elif rule.netting == "child_year":
                amount = sum((c["payment"] for c in own), ZERO)
            else:
                raise ValueError(f"unknown netting {rule.netting!r}")
            limits: list[str] = []
            if own:  # with no child in follow-up there is nothing to pay, nor floor nor cap
                if rule.floor is not None and to_fraction(amount) < rule.floor:
                    amount, limits = cents(rule.floor), [*limits, "year_floor"]
                if rule.cap is not None and to_fraction(amount) > rule.cap:
                    amount, limits = cents(rule.cap), [*limits, "year_cap"]
            caps += [f"{cid}.{limit}" for limit in limits]
            computed += amount
            component_totals[cid] = {
                "mechanism": component["mechanism"],
                "netting": rule.netting,
                "base": base,
                "deductions": deductions,
                "computed": amount,
                "limits": tuple(limits),
            }
        payable = computed
        maximum = exact(in_force(contract.parameters["max_total_outcome_payments"], year))
        if maximum is not None:
            left = max(ZERO, cents(maximum) - paid)
            if computed > left:
                payable = left
                caps.append("max_total_outcome_payments")
        paid += payable
        confirmed = not contract.services or statuses.get(year) == {"confirmed"}
        totals[year] = {
            "children": len(rows),
            "children_with_deductions": sum(1 for row in rows.values() if row["deduction"] > 0),
            "base": sum((row["base"] for row in rows.values()), ZERO),
            "deductions": sum((row["deduction"] for row in rows.values()), ZERO),
            "computed": computed,
            "payable": payable,
            "caps_applied": tuple(caps),
            "status": "final" if as_of > date(year, 12, 31) and confirmed else "provisional",
            "components": component_totals,
        }
    line_rows = {key: {"units": units, "amount": amount} for key, (units, amount) in lines.items()}
    return ReferenceResult(children, line_rows, totals, details)


# ---------------------------------------------------------------------------------------------
# Scenario files (tests/scenarios/*.yaml, src/sibyl/mechanisms/*/scenarios/*.yaml): plain
# values, no rules


@dataclass
class Scenario:
    """One scenario file, read. Expected rows are dicts with a ``year`` key added."""

    path: Path
    name: str
    rule: str
    working: str
    contract: str  # as written: a built-in contract's name, or a path relative to the file
    parameters: dict[str, Any]
    price_rows: list[dict[str, Any]] | None
    years: list[int]
    as_of: date
    paid_before: Decimal
    spells: list[FollowupSpell]
    episodes: list[Episode]
    expected_children: list[dict[str, Any]]
    expected_lines: list[dict[str, Any]]
    expected_totals: dict[int, dict[str, Any]] = field(default_factory=dict)
    contract_path: Path | None = None  # the scenario's own contract file; None for a built-in
    birth_years: dict[str, int] = field(default_factory=dict)
    claims: list[dict[str, Any]] | None = None  # None: the file lists no claims
    expected_details: list[dict[str, Any]] | None = None  # None: details are not compared

    @property
    def contract_file(self) -> Path:
        """The contract file itself (a built-in contract's ``contract.yaml``)."""
        return self.contract_path or CONTRACTS / self.contract / "contract.yaml"

    @property
    def label(self) -> str:
        """The file's path from the project's root (its name, when it is elsewhere)."""
        try:
            return str(self.path.resolve().relative_to(ROOT))
        except ValueError:
            return self.path.name


SCENARIO_KEYS = {
    "name",
    "rule",
    "working",
    "contract",
    "parameters",
    "prices",
    "year",
    "years",
    "as_of",
    "paid_before",
    "cohort",
    "register",
    "claims",
    "expected",
}
COHORT_KEYS = {"child", "enrolled_on", "exited_on", "exit_reason", "birth_year"}
REGISTER_KEYS = {"child", "service", "start", "end", "days"}
CLAIM_KEYS = ("claim_id", "child", "outcome", "achieved_on", "evidence")
EXPECTED_KEYS = {"children", "lines", "details", "totals"}
CHILD_KEYS = ("child", "followup_days", "base", "deduction", "payment")
COMPONENT_KEYS = ("component", "base", "deduction", "payment")
LINE_KEYS = ("child", "service", "units", "amount")
DETAIL_KEYS = ("child", "component", "kind", "item", "quantity", "amount")
DETAIL_KEY_NAMES = ("child", "year", "component", "kind", "item", "claim")
TOTAL_KEYS = {
    "children",
    "children_with_deductions",
    "base",
    "deductions",
    "computed",
    "payable",
    "status",
    "caps_applied",
}
TOTAL_COMPONENT_KEYS = {"mechanism", "netting", "base", "deductions", "computed", "limits"}
MONEY_KEYS = {"base", "deduction", "payment", "amount", "deductions", "computed", "payable"}


class ScenarioFileError(ValueError):
    """A scenario file that does not follow tests/scenarios/README.md."""


def _money(value: Any, where: str) -> Decimal:
    if not isinstance(value, str):
        raise ScenarioFileError(f'{where}: write money as a quoted string, e.g. "1234.56"')
    amount = Decimal(value)
    if amount != amount.quantize(Decimal("0.01")):
        raise ScenarioFileError(f"{where}: money has at most two decimals, got {value!r}")
    return amount


def _date(value: Any, where: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    raise ScenarioFileError(f"{where}: {value!r} is not a date (write YYYY-MM-DD)")


def _known_keys(row: Any, allowed: set[str], where: str) -> None:
    if not isinstance(row, dict):
        raise ScenarioFileError(f"{where}: a row is a mapping of keys to values")
    unknown = set(row) - allowed
    if unknown:
        raise ScenarioFileError(
            f"{where}: unknown key(s) {sorted(unknown)}; "
            f"a row may have {', '.join(sorted(allowed))}"
        )


def _expected_rows(
    rows: list[dict[str, Any]],
    keys: tuple[str, ...],
    years: list[int],
    where: str,
    optional: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    out = []
    for number, row in enumerate(rows or [], start=1):
        here = f"{where} row {number}"
        unknown = set(row) - {*keys, *optional, "year"}
        missing = set(keys) - set(row)
        if unknown or missing:
            also = f" (optional: {', '.join(optional)})" if optional else ""
            raise ScenarioFileError(
                f"{here}: unknown {sorted(unknown)} / missing {sorted(missing)}; "
                f"a row has {', '.join(keys)}{also} (and year when the scenario has several years)"
            )
        if "year" not in row and len(years) > 1:
            raise ScenarioFileError(f"{here}: say the year; the scenario has several years")
        clean = {key: row[key] for key in (*keys, *optional) if key in row}
        clean["year"] = int(row.get("year", years[0]))
        if clean["year"] not in years:
            raise ScenarioFileError(f"{here}: {clean['year']} is not a year of the scenario")
        for key in keys:
            if key in MONEY_KEYS:
                clean[key] = _money(row[key], f"{here}, {key}")
        out.append(clean)
    return out


def _unique(rows: list[dict[str, Any]], names: tuple[str, ...], where: str) -> None:
    seen: set[tuple[Any, ...]] = set()
    for row in rows:
        key = tuple(row[name] for name in names)
        if key in seen:
            raise ScenarioFileError(f"{where}: two rows for {dict(zip(names, key, strict=True))}")
        seen.add(key)


def _contract(value: Any, path: Path) -> tuple[str, Path | None]:
    """The ``contract`` key: a built-in contract's name, or a path relative to the scenario file
    (a contract file, or a folder with a ``contract.yaml``)."""
    text = str(value)
    if text.endswith((".yaml", ".yml")) or "/" in text:
        candidate = path.parent / text
        if candidate.is_dir():
            candidate = candidate / "contract.yaml"
        if not candidate.is_file():
            raise ScenarioFileError(
                f"{path.name}: there is no contract file {text!r} (a path is relative to the "
                "scenario file)"
            )
        return text, candidate.resolve()
    if not (CONTRACTS / text / "contract.yaml").is_file():
        raise ScenarioFileError(
            f"{path.name}: there is no built-in contract {text!r}; give a built-in name or the "
            "path of a contract file relative to the scenario file"
        )
    return text, None


def _component_rows(rows: Any, where: str) -> dict[str, dict[str, Decimal]]:
    if not isinstance(rows, list):
        raise ScenarioFileError(
            f"{where}: components is a list of rows ({', '.join(COMPONENT_KEYS)})"
        )
    out: dict[str, dict[str, Decimal]] = {}
    for number, row in enumerate(rows, start=1):
        here = f"{where}, component row {number}"
        _known_keys(row, set(COMPONENT_KEYS), here)
        missing = set(COMPONENT_KEYS) - set(row)
        if missing:
            raise ScenarioFileError(f"{here}: missing {sorted(missing)}")
        name = str(row["component"])
        if name in out:
            raise ScenarioFileError(f"{here}: the component {name} is listed twice")
        out[name] = {key: _money(row[key], f"{here}, {key}") for key in COMPONENT_KEYS[1:]}
    return out


def load_scenario(path: Path) -> Scenario:
    """Read one scenario file; ``ScenarioFileError`` names what is wrong in it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = path.name
    if not isinstance(data, dict):
        raise ScenarioFileError(f"{where}: a scenario is a mapping (name, rule, year, …)")
    unknown = set(data) - SCENARIO_KEYS
    if unknown:
        raise ScenarioFileError(f"{where}: unknown key(s) {sorted(unknown)}")
    for key in ("name", "rule", "as_of", "cohort", "expected"):
        if key not in data:
            raise ScenarioFileError(f"{where}: the key {key!r} is missing")
    if ("year" in data) == ("years" in data):
        raise ScenarioFileError(f"{where}: give either year or years")
    years = [int(data["year"])] if "year" in data else [int(y) for y in data["years"]]
    contract, contract_path = _contract(data.get("contract", "helsinki"), path)

    spells = []
    birth_years: dict[str, int] = {}
    for number, row in enumerate(data["cohort"], start=1):
        here = f"{where}, cohort row {number}"
        _known_keys(row, COHORT_KEYS, here)
        person = str(row["child"])
        spells.append(
            FollowupSpell(
                person=person,
                enrolled_on=_date(row["enrolled_on"], here),  # type: ignore[arg-type]
                exited_on=_date(row.get("exited_on"), here),
                exit_reason=row.get("exit_reason"),
                line=number,
            )
        )
        if row.get("birth_year") is not None:
            born = int(row["birth_year"])
            if birth_years.setdefault(person, born) != born:
                raise ScenarioFileError(f"{here}: {person} has two birth years")
    episodes = []
    for number, row in enumerate(data.get("register") or [], start=1):
        here = f"{where}, register row {number}"
        _known_keys(row, REGISTER_KEYS, here)
        days = row.get("days")
        episodes.append(
            Episode(
                person=str(row["child"]),
                service=int(row["service"]),
                start=_date(row["start"], here),  # type: ignore[arg-type]
                end=_date(row.get("end"), here),
                days=None if days is None or days == "" else int(days),
                line=number,
            )
        )
    claims: list[dict[str, Any]] | None = None
    if "claims" in data:
        claims = []
        for number, row in enumerate(data["claims"] or [], start=1):
            here = f"{where}, claims row {number}"
            _known_keys(row, set(CLAIM_KEYS), here)
            missing = set(CLAIM_KEYS) - set(row)
            if missing:
                raise ScenarioFileError(f"{here}: missing {sorted(missing)}")
            claims.append(
                {
                    "claim_id": str(row["claim_id"]),
                    "child": str(row["child"]),
                    "outcome": str(row["outcome"]),
                    "achieved_on": _date(row["achieved_on"], f"{here}, achieved_on"),
                    "evidence": str(row["evidence"]),
                }
            )
        ids = [claim["claim_id"] for claim in claims]
        if len(ids) != len(set(ids)):
            raise ScenarioFileError(f"{where}: a claim id is used twice")

    expected = data["expected"]
    unknown = set(expected) - EXPECTED_KEYS
    if unknown:
        raise ScenarioFileError(f"{where}, expected: unknown key(s) {sorted(unknown)}")
    children = _expected_rows(
        expected.get("children") or [],
        CHILD_KEYS,
        years,
        f"{where}, expected children",
        optional=("components",),
    )
    for row in children:
        if "components" in row:
            row["components"] = _component_rows(
                row["components"], f"{where}, expected children {row['child']} {row['year']}"
            )
    _unique(children, ("child", "year"), f"{where}, expected children")
    lines = _expected_rows(
        expected.get("lines") or [], LINE_KEYS, years, f"{where}, expected lines"
    )
    _unique(lines, ("child", "year", "service"), f"{where}, expected lines")
    details: list[dict[str, Any]] | None = None
    if "details" in expected:
        details = _expected_rows(
            expected["details"] or [],
            DETAIL_KEYS,
            years,
            f"{where}, expected details",
            optional=("status", "claim"),
        )
        for number, row in enumerate(details, start=1):
            row["item"] = str(row["item"])
            row["quantity"] = Decimal(str(row["quantity"]))
            row["status"] = str(row.get("status") or "")
            row["claim"] = str(row.get("claim") or "")
            if (row["kind"] == "claim") != bool(row["claim"]):
                raise ScenarioFileError(
                    f"{where}, expected details row {number}: a claim's line names its claim "
                    "(claim: the claim id), and only a claim's line does"
                )
        _unique(details, DETAIL_KEY_NAMES, f"{where}, expected details")

    totals_data = expected.get("totals") or {}
    if totals_data and len(years) == 1 and years[0] not in totals_data:
        totals_data = {years[0]: totals_data}
    totals: dict[int, dict[str, Any]] = {}
    for year, values in totals_data.items():
        here = f"{where}, totals {year}"
        unknown = set(values) - TOTAL_KEYS - {"components"}
        if unknown:
            raise ScenarioFileError(f"{here}: unknown key(s) {sorted(unknown)}")
        clean = dict(values)
        for key in MONEY_KEYS & set(values):
            clean[key] = _money(values[key], f"{here}, {key}")
        if "caps_applied" in clean:
            clean["caps_applied"] = tuple(clean["caps_applied"] or ())
        if "components" in clean:
            parts: dict[str, dict[str, Any]] = {}
            for name, part in (values["components"] or {}).items():
                _known_keys(part, TOTAL_COMPONENT_KEYS, f"{here}, component {name}")
                part = dict(part)
                for key in MONEY_KEYS & set(part):
                    part[key] = _money(part[key], f"{here}, component {name}, {key}")
                if "limits" in part:
                    part["limits"] = tuple(part["limits"] or ())
                parts[str(name)] = part
            clean["components"] = parts
        totals[int(year)] = clean

    return Scenario(
        path=path,
        name=str(data["name"]),
        rule=" ".join(str(data["rule"]).split()),
        working=str(data.get("working", "")).rstrip(),
        contract=contract,
        parameters=dict(data.get("parameters") or {}),
        price_rows=data.get("prices"),
        years=years,
        as_of=_date(data["as_of"], f"{where}, as_of"),  # type: ignore[arg-type]
        paid_before=_money(str(data.get("paid_before", "0.00")), f"{where}, paid_before"),
        spells=spells,
        episodes=episodes,
        expected_children=children,
        expected_lines=lines,
        expected_totals=totals,
        contract_path=contract_path,
        birth_years=birth_years,
        claims=claims,
        expected_details=details,
    )


def scenario_files() -> list[Path]:
    """The scenarios of the settlement rules (tests/scenarios)."""
    return sorted((Path(__file__).resolve().parent / "scenarios").glob("*.yaml"))


def mechanism_scenario_files() -> list[Path]:
    """Each payment mechanism's scenarios (src/sibyl/mechanisms/<name>/scenarios/*.yaml)."""
    return sorted(MECHANISMS.glob("*/scenarios/*.yaml"))


def scenario_id(path: Path) -> str:
    """A short test id: ``forecast_savings/netting_child_year`` (the mechanism and the file)."""
    if path.parent.name == "scenarios" and path.parent.parent.parent == MECHANISMS:
        return f"{path.parent.parent.name}/{path.stem}"
    return path.stem


def reference_for_scenario(scenario: Scenario) -> ReferenceResult:
    """Run the reference on a scenario, with its contract and the scenario's overrides."""
    contract = read_contract(scenario.contract_file)
    if scenario.parameters:
        contract = with_overrides(contract, scenario.parameters)
    rows = scenario.price_rows
    if rows is None:
        rows = read_price_rows(contract.prices) if contract.prices is not None else []
    prices, _, statuses = prices_from_rows(rows)
    # Every service of the contract needs a price for the year to be final.
    services = set(contract.services)
    for year in scenario.years:
        priced = {int(row["service"]) for row in rows if int(row["year"]) == year}
        if priced != services:
            statuses[year] = statuses[year] | {"missing"}
    return reference_statement(
        contract,
        scenario.spells,
        scenario.episodes,
        years=scenario.years,
        as_of=scenario.as_of,
        prices=prices,
        statuses=statuses,
        claims=scenario.claims,
        birth_years=scenario.birth_years,
        paid_before=scenario.paid_before,
    )


# Comparing results with a scenario's expectations. ``children`` maps ``(child, year)``,
# ``lines`` maps ``(child, year, service)`` and ``details`` maps ``(child, year, component, kind,
# item, claim)`` to their values by name (a child-year's ``components`` maps each component to
# its base, deduction and payment); ``totals`` maps a year to its totals by name (``components``:
# each component's totals by name). Only the years of the scenario are compared.

Row = dict[str, Any]


def _fmt(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _compare_rows(
    title: str,
    key_names: tuple[str, ...],
    value_names: tuple[str, ...],
    expected: dict[tuple[Any, ...], Row],
    actual: dict[tuple[Any, ...], Row],
) -> list[str]:
    out: list[str] = []
    for key in sorted(set(expected) | set(actual), key=lambda k: tuple(map(str, k))):
        label = ", ".join(
            f"{name} {value}" for name, value in zip(key_names, key, strict=True) if value != ""
        )
        if key not in actual:
            values = ", ".join(f"{n} {_fmt(expected[key][n])}" for n in value_names)
            out.append(f"  {title} [{label}]: expected ({values}), but there is no such line")
        elif key not in expected:
            values = ", ".join(f"{n} {_fmt(actual[key][n])}" for n in value_names)
            out.append(f"  {title} [{label}]: not expected, but got ({values})")
        else:
            for name in value_names:
                want, got = expected[key][name], actual[key][name]
                if want != got:
                    out.append(
                        f"  {title} [{label}] {name}: expected {_fmt(want)}, got {_fmt(got)}"
                    )
    return out


def scenario_differences(
    scenario: Scenario,
    children: dict[tuple[str, int], Row],
    lines: dict[tuple[str, int, int], Row],
    totals: dict[int, Row],
    details: dict[tuple[Any, ...], Row] | None = None,
) -> list[str]:
    """Each difference between the scenario's expectations and a result, as a sentence."""
    years = set(scenario.years)
    want_children = {(r["child"], r["year"]): r for r in scenario.expected_children}
    want_lines = {(r["child"], r["year"], r["service"]): r for r in scenario.expected_lines}
    got_children = {key: row for key, row in children.items() if key[1] in years}
    got_lines = {key: row for key, row in lines.items() if key[1] in years}
    out = _compare_rows(
        "child-year",
        ("child", "year"),
        ("followup_days", "base", "deduction", "payment"),
        want_children,
        got_children,
    )
    for key, wanted in sorted(want_children.items()):
        if "components" in wanted and key in got_children:
            out += _compare_rows(
                f"child-year [child {key[0]}, year {key[1]}] component",
                ("component",),
                ("base", "deduction", "payment"),
                {(name,): row for name, row in wanted["components"].items()},
                {(name,): row for name, row in got_children[key].get("components", {}).items()},
            )
    out += _compare_rows(
        "deduction line",
        ("child", "year", "service"),
        ("units", "amount"),
        want_lines,
        got_lines,
    )
    if scenario.expected_details is not None:
        want_details = {
            tuple(r[name] for name in DETAIL_KEY_NAMES): r for r in scenario.expected_details
        }
        got_details = {key: row for key, row in (details or {}).items() if key[1] in years}
        out += _compare_rows(
            "detail line",
            DETAIL_KEY_NAMES,
            ("quantity", "amount", "status"),
            want_details,
            got_details,
        )
    for year, wanted in sorted(scenario.expected_totals.items()):
        got = totals.get(year)
        if got is None:
            out.append(f"  totals {year}: expected, but the result has no totals for {year}")
            continue
        for name, value in wanted.items():
            if name == "components":
                for part, fields in value.items():
                    got_part = got.get("components", {}).get(part)
                    if got_part is None:
                        out.append(
                            f"  totals {year} component {part}: expected, but the result has "
                            "no such component"
                        )
                        continue
                    for key, want in fields.items():
                        if got_part[key] != want:
                            out.append(
                                f"  totals {year} component {part} {key}: expected "
                                f"{_fmt(want)}, got {_fmt(got_part[key])}"
                            )
            elif got[name] != value:
                out.append(f"  totals {year} {name}: expected {_fmt(value)}, got {_fmt(got[name])}")
    return out


def difference_report(scenario: Scenario, differences: list[str], against: str) -> str:
    """A failure message a reader of the scenario file can follow."""
    working = "\n".join(f"    {line}" for line in scenario.working.splitlines())
    return "\n".join(
        [
            f"Scenario {scenario.label}: {scenario.name}",
            f"Rule: {scenario.rule}",
            f"{against} disagrees with the expected values:",
            *differences,
            "The scenario's working:",
            working,
        ]
    )
