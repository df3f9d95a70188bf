"""A plain, slow, obviously correct reference for the outcome-payment rules (DOMAIN.md 3.1–3.3).

Written independently of the settlement engine, to check it: every rule is spelled out with Python
sets of calendar days, exact fractions (:class:`fractions.Fraction`) for money and the ``decimal``
module's ROUND_HALF_UP for rounding. Working days come straight from the ``holidays`` package
(Monday–Friday minus Finland's public holidays, Midsummer Eve and Christmas Eve), not from
``sibyl.calendar``. Nothing here is fast; nothing here needs to be.

The second half reads the YAML scenario files of ``tests/scenarios`` (see the README there) into
plain Python values, for the scenario plugin and for ``tests/test_reference.py``.
"""

from __future__ import annotations

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
CONTRACTS = Path(__file__).resolve().parents[1] / "src" / "sibyl" / "contracts"

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
    """The child-year lines and deduction lines of DOMAIN.md 3.1–3.3.

    Returns ``child_years[(person, year)] = (followup_days, base, deduction, payment)`` for every
    child with follow-up days in the year, and ``lines[(person, year, service)] = (units,
    amount)`` for every line with units. The netting does not change these lines (each child's
    payment is ``max(0, base − deduction)``); it changes the cohort's total, see
    :func:`reference_totals`.
    """
    if netting not in ("child_year", "cohort_year"):
        raise ValueError(f"unknown netting {netting!r}")
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

    child_years: ChildYears = {}
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

        for person, days in in_followup.items():
            counted = len(days & this_year)
            if counted == 0:
                continue
            base = cents(Fraction(base_per_child_year) * counted / len(this_year))
            deduction = sum(
                (amount for (p, y, _), (_, amount) in lines.items() if p == person and y == year),
                Decimal("0.00"),
            )
            payment = max(Decimal("0.00"), base - deduction)
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
# Scenario files (tests/scenarios/*.yaml): plain values, no rules


@dataclass
class Scenario:
    """One scenario file, read. Expected rows are dicts with a ``year`` key added."""

    path: Path
    name: str
    rule: str
    working: str
    contract: str
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
    "expected",
}
CHILD_KEYS = ("child", "followup_days", "base", "deduction", "payment")
LINE_KEYS = ("child", "service", "units", "amount")
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


def _expected_rows(
    rows: list[dict[str, Any]], keys: tuple[str, ...], years: list[int], where: str
) -> list[dict[str, Any]]:
    out = []
    for number, row in enumerate(rows or [], start=1):
        here = f"{where} row {number}"
        unknown = set(row) - {*keys, "year"}
        missing = set(keys) - set(row)
        if unknown or missing:
            raise ScenarioFileError(
                f"{here}: unknown {sorted(unknown)} / missing {sorted(missing)}; "
                f"a row has {', '.join(keys)} (and year when the scenario has several years)"
            )
        if "year" not in row and len(years) > 1:
            raise ScenarioFileError(f"{here}: say the year; the scenario has several years")
        clean = {key: row[key] for key in keys}
        clean["year"] = int(row.get("year", years[0]))
        for key in keys:
            if key in MONEY_KEYS:
                clean[key] = _money(row[key], f"{here}, {key}")
        out.append(clean)
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

    spells = []
    for number, row in enumerate(data["cohort"], start=1):
        here = f"{where}, cohort row {number}"
        spells.append(
            FollowupSpell(
                person=str(row["child"]),
                enrolled_on=_date(row["enrolled_on"], here),  # type: ignore[arg-type]
                exited_on=_date(row.get("exited_on"), here),
                exit_reason=row.get("exit_reason"),
                line=number,
            )
        )
    episodes = []
    for number, row in enumerate(data.get("register") or [], start=1):
        here = f"{where}, register row {number}"
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

    expected = data["expected"]
    totals_data = expected.get("totals") or {}
    if totals_data and len(years) == 1 and years[0] not in totals_data:
        totals_data = {years[0]: totals_data}
    totals: dict[int, dict[str, Any]] = {}
    for year, values in totals_data.items():
        here = f"{where}, totals {year}"
        unknown = set(values) - TOTAL_KEYS
        if unknown:
            raise ScenarioFileError(f"{here}: unknown key(s) {sorted(unknown)}")
        clean = dict(values)
        for key in MONEY_KEYS & set(values):
            clean[key] = _money(values[key], f"{here}, {key}")
        if "caps_applied" in clean:
            clean["caps_applied"] = tuple(clean["caps_applied"] or ())
        totals[int(year)] = clean

    return Scenario(
        path=path,
        name=str(data["name"]),
        rule=" ".join(str(data["rule"]).split()),
        working=str(data.get("working", "")).rstrip(),
        contract=str(data.get("contract", "helsinki")),
        parameters=dict(data.get("parameters") or {}),
        price_rows=data.get("prices"),
        years=years,
        as_of=_date(data["as_of"], f"{where}, as_of"),  # type: ignore[arg-type]
        paid_before=_money(str(data.get("paid_before", "0.00")), f"{where}, paid_before"),
        spells=spells,
        episodes=episodes,
        expected_children=_expected_rows(
            expected.get("children") or [], CHILD_KEYS, years, f"{where}, expected children"
        ),
        expected_lines=_expected_rows(
            expected.get("lines") or [], LINE_KEYS, years, f"{where}, expected lines"
        ),
        expected_totals=totals,
    )


def scenario_files() -> list[Path]:
    return sorted((Path(__file__).resolve().parent / "scenarios").glob("*.yaml"))


def reference_for_scenario(
    scenario: Scenario,
) -> tuple[ChildYears, Lines, dict[int, ReferenceTotals]]:
    """Run the reference on a scenario, with the contract's figures and the scenario's overrides."""
    figures = dict(contract_figures(scenario.contract))
    figures.update(scenario.parameters)
    rows = scenario.price_rows
    if rows is None:
        rows = read_price_rows(CONTRACTS / scenario.contract / "prices.csv")
    prices, _, statuses = prices_from_rows(rows)
    care_day_services = {code for code, basis in figures["services"].items() if basis == "care_day"}
    # Every service of the contract needs a price for the year to be final.
    services = set(figures["services"])
    for year in scenario.years:
        priced = {int(row["service"]) for row in rows if int(row["year"]) == year}
        if priced != services:
            statuses[year] = statuses[year] | {"missing"}
    netting = figures["netting"]
    child_years, lines = reference_settle(
        scenario.spells,
        scenario.episodes,
        years=scenario.years,
        as_of=scenario.as_of,
        followup_end=figures["followup_end"],
        base_per_child_year=Decimal(str(figures["base_per_child_year"])),
        prices=prices,
        care_day_services=care_day_services,
        netting=netting,
    )
    cap = figures["max_total_outcome_payments"]
    totals = reference_totals(
        child_years,
        years=scenario.years,
        as_of=scenario.as_of,
        netting=netting,
        statuses=statuses,
        max_total_outcome_payments=None if cap is None else Decimal(str(cap)),
        paid_before=scenario.paid_before,
    )
    return child_years, lines, totals


# Comparing results with a scenario's expectations. ``children`` maps ``(child, year)`` and
# ``lines`` maps ``(child, year, service)`` to their values by name; ``totals`` maps a year to its
# totals by name. Only the years of the scenario are compared.

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
        label = ", ".join(f"{name} {value}" for name, value in zip(key_names, key, strict=True))
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
    out += _compare_rows(
        "deduction line",
        ("child", "year", "service"),
        ("units", "amount"),
        want_lines,
        got_lines,
    )
    for year, wanted in sorted(scenario.expected_totals.items()):
        got = totals.get(year)
        if got is None:
            out.append(f"  totals {year}: expected, but the result has no totals for {year}")
            continue
        for name, value in wanted.items():
            if got[name] != value:
                out.append(f"  totals {year} {name}: expected {_fmt(value)}, got {_fmt(got[name])}")
    return out


def difference_report(scenario: Scenario, differences: list[str], against: str) -> str:
    """A failure message a reader of the scenario file can follow."""
    working = "\n".join(f"    {line}" for line in scenario.working.splitlines())
    return "\n".join(
        [
            f"Scenario {scenario.path.name}: {scenario.name}",
            f"Rule: {scenario.rule}",
            f"{against} disagrees with the expected values:",
            *differences,
            "The scenario's working:",
            working,
        ]
    )
