"""Synthetic cohorts and register extracts, seeded, for the demo, the tests and the benchmarks.

Nothing here is real data. The rates are calibrated on the public figures in
``data/public_figures.csv`` (each constant below names the figure it comes from) for an at-risk
group of young children: in a given year most children use none of the outcome-measure services;
a few percent are clients of child-protection open care, some of them with intensified family
work; placements (family care, institutions) are rare but long and dear, with substitute-care
social work alongside; 24-hour family rehabilitation is rare and short; special support at school
grows from the first school year to about 10–15 %; after-care practically never happens at this
age; child and adolescent psychiatry (for a contract that counts it) is used by a few percent a
year, more in adolescence.

The model of service use works in the *categories* of services (``category`` of a contract's
service, :data:`~sibyl.contract.model.ServiceCategory`), not in any contract's codes: each
category's periods become the periods of the contract's service of that category (the first one
listed), counted as that service's basis says (care days or working days); a category the
contract does not count is left out (institutional care at the basic and the special level stand
in for each other when a contract counts only one of them). Ages at enrolment, the cohort's size
and the enrolment window are the contract's; a period of a service that the contract's
``no_ongoing_services`` criterion looks at never runs over the day a child is enrolled. For the
Helsinki contract, whose nine services are the first nine categories in order, this is exactly
the model of nine codes it was first written as: the same seed gives the same rows.

Three generators share one model of service use (:func:`_simulate`, vectorised with NumPy):

- :func:`synth_cohort`: the contract's cohort (Helsinki: 200 children aged 3–6 at enrolment) as
  :class:`~sibyl.register.model.FollowupSpell` rows with valid synthetic identity codes;
- :func:`synth_register`: one register extract for such a cohort as
  :class:`~sibyl.register.model.Episode` rows, with use before enrolment, ongoing periods, care
  days reported per row, overlapping rows and the city's gaps while a family lives elsewhere;
- :func:`synth_national`: the national scale for benchmarks, as Arrow tables in the engine's
  shape (pseudonym-like ids, no identity codes), with no Python loop per row.

:func:`write_extract_csv` and :func:`write_cohort_csv` write the files of DESIGN.md 3, and
:func:`inject_demo_errors` adds a few deliberately bad rows to an extract for the demo.
"""

from __future__ import annotations

import csv
import itertools
import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from sibyl import identity
from sibyl.register.model import EPISODE_SCHEMA, Episode, FollowupSpell

if TYPE_CHECKING:
    from sibyl.contract import Contract

logger = logging.getLogger(__name__)

DEFAULT_SEED = 2020

# ---------------------------------------------------------------------------------------------
# The cohort.

# The cohort's size is the contract's capacity (Helsinki: "Helsinki Lapset SIB cohort, 200
# children", public_figures.csv) and the children's ages at enrolment are the contract's
# min_age_years and max_age_years (Helsinki: at least 3 and not yet 7, DOMAIN.md 2.1).

ENROLMENT_YEAR_SHARES: tuple[float, ...] = (0.30, 0.30, 0.22, 0.11, 0.07)
"""Share of enrolments in each calendar year of the enrolment window (its first, second, …
year), 5 % a year beyond the fifth. Assumption: Helsinki's window is 2020–2024 (DOMAIN.md 2) and
a cohort of 200 fills mostly in its first three years; no public figure gives the yearly split.
A contract that enrols in intakes (teams) gives them to :func:`synth_cohort` instead
(:func:`school_year_intakes`)."""

EXIT_MOVED_OUT_SHARE = 0.08
"""Share of children whose family moves out of the city during follow-up. Assumption (no public
figure for the cohort): families with young children in rented housing move often."""
EXIT_CONSENT_WITHDRAWN_SHARE = 0.02
"""Share of families that withdraw their consent. Assumption."""
EXIT_DIED_SHARE = 0.001
"""Share of children who die during follow-up: very rare at ages 3–16. Assumption."""
RETURN_AFTER_MOVE_SHARE = 0.25
"""Share of moved-out children who move back (a second follow-up spell, DOMAIN.md 3.1)."""
RETURN_AFTER_DAYS = (90, 540)
"""A return comes 3–18 months after the move."""
NEW_CENTURY_SIGN_SHARE = 0.25
"""Share of identity codes written with the century signs of the 2023 reform (``B`` instead of
``A``): DVV on the 2023 identity-code reform."""

# ---------------------------------------------------------------------------------------------
# Service use. Onsets are hazards per child-year; durations are log-normal (median and the
# standard deviation of the log), clipped to a range.


# The categories of services, as the model knows them (internal numbers; a contract's own codes
# are its own). The first nine are Helsinki's codes 1–9 in order.
FAMILY_CARE = 1  # family_care_placement
INSTITUTION_BASIC = 2  # institutional_care_basic
INSTITUTION_SPECIAL = 3  # institutional_care_special
FAMILY_WORK = 4  # intensified_family_work
OPEN_CARE = 5  # open_care_social_work
REHABILITATION = 6  # family_rehabilitation
SUBSTITUTE_CARE_WORK = 7  # substitute_care_social_work
AFTER_CARE = 8  # after_care_social_work
SPECIAL_SUPPORT = 9  # special_support_pupils
PSYCHIATRY = 10  # child_psychiatry

CATEGORIES: Mapping[str, int] = {
    "family_care_placement": FAMILY_CARE,
    "institutional_care_basic": INSTITUTION_BASIC,
    "institutional_care_special": INSTITUTION_SPECIAL,
    "intensified_family_work": FAMILY_WORK,
    "open_care_social_work": OPEN_CARE,
    "family_rehabilitation": REHABILITATION,
    "substitute_care_social_work": SUBSTITUTE_CARE_WORK,
    "after_care_social_work": AFTER_CARE,
    "special_support_pupils": SPECIAL_SUPPORT,
    "child_psychiatry": PSYCHIATRY,
}
"""Each :data:`~sibyl.contract.model.ServiceCategory` and the model's number for it."""

STAND_INS: Mapping[int, int] = {
    INSTITUTION_SPECIAL: INSTITUTION_BASIC,
    INSTITUTION_BASIC: INSTITUTION_SPECIAL,
}
"""A category the contract does not count, and the category whose service counts it instead:
a contract with one service of institutional care counts both levels in it."""


@dataclass(frozen=True)
class Duration:
    median_days: float
    log_sd: float
    min_days: int
    max_days: int


OPEN_CARE_ONSET_PER_YEAR = 0.035
"""Open-care client periods (5) begin at 3.5 % per child-year; with periods of about 8 months
this gives about 6 % of child-years with open-care social work. Source: "Six cities
child-protection clients share of 0-17, 5.7 %" (Kuusikko 2018) and "National open-care clients
share of 0-20, 4.2 %" (THL 2018), a little higher for an at-risk group."""
OPEN_CARE_DURATION = Duration(median_days=240, log_sd=0.6, min_days=30, max_days=4 * 365)

FAMILY_WORK_WITH_OPEN_CARE = 0.45
"""Intensified family work (4) is an open-care support measure: 45 % of open-care client periods
come with a family-work period starting within a month, so about 3 % of child-years. Assumption;
no public figure separates it."""
FAMILY_WORK_DURATION = Duration(median_days=150, log_sd=0.5, min_days=30, max_days=540)

PLACEMENT_ONSET_PER_YEAR = 0.005
"""Placements outside the home begin at 0.5 % per child-year. Source: "Birth cohort 1999 ever
placed by age 17, 5.8 %" (THL 9/2018) is 0.34 % a year for all children; an at-risk group is
higher. With the long durations below, about 2–4 % of child-years are in a placement, against
"Six cities placed share of 0-17, 1.6 %" (2018) for all children."""
PLACEMENT_DURATION = Duration(median_days=632, log_sd=1.85, min_days=7, max_days=15 * 365)
"""Source: "Placement durations: share under 6 months, 25 %" and "share over 6 years, 25 %"
(THL 9/2018): log-normal quartiles at 182 and 2190 days give a median of 632 days and a log
standard deviation of 1.85."""
PLACEMENT_KIND_SHARES: Mapping[int, float] = {
    FAMILY_CARE: 0.60,
    INSTITUTION_BASIC: 0.30,
    INSTITUTION_SPECIAL: 0.10,
}
"""Family care, institutions at the basic and at the special level. Assumption: the Child
Welfare Act makes family care the first choice of substitute care, above all for young children;
the special level is for the hardest cases ("Special-level substitute care day 600–1900 EUR")."""
# Substitute-care social work runs alongside every placement, over the same days
# (DOMAIN.md 3.2: "a placed child typically also has substitute-care social work").

REHABILITATION_ONSET_PER_YEAR = 0.006
"""24-hour family rehabilitation: rare and short, weeks. Assumption; no public figure."""
REHABILITATION_DURATION = Duration(median_days=35, log_sd=0.4, min_days=7, max_days=120)

SPECIAL_SUPPORT_AT_SCHOOL_START = 0.09
"""Share of pupils with special support from their first school year (August of the year they
turn 7). Source: "Helsinki pupils with special support, 10 %" (2015)."""
SPECIAL_SUPPORT_ONSET_PER_YEAR = 0.015
"""Further pupils begin special support at 1.5 % per school year, so that the share grows to
about 12–15 % by the fourth school year (an at-risk group, above the city's 10 %)."""
SPECIAL_SUPPORT_DURATION = Duration(median_days=3 * 365, log_sd=0.7, min_days=300, max_days=3650)

AFTER_CARE_AFTER_PLACEMENT = 0.05
"""After-care follows 5 % of the placements that end: practically never at these ages
(after-care is mostly for young people aged 18–25 who were placed). Assumption."""
AFTER_CARE_DURATION = Duration(median_days=365, log_sd=0.5, min_days=60, max_days=3 * 365)

PSYCHIATRY_ONSET_PER_YEAR = 0.025
"""Child psychiatry (for a contract that counts child and adolescent psychiatry): treatment
periods begin at 2.5 % per child-year before the 13th birthday. Source: HUS treats about 8,000
patients a year in child psychiatry (ages 0–12) and as many in adolescent psychiatry (13–17), a
few percent of its area's children a year, more of the adolescents (HUS press release on child
and adolescent psychiatry, via terveydenasialla.com); an at-risk group is a little higher.
With periods of about 9 months this gives about 2 % of child-years in treatment."""
PSYCHIATRY_ONSET_PER_YEAR_ADOLESCENT = 0.05
"""Adolescent psychiatry: treatment periods begin at 5 % per child-year from the 13th birthday
to the 18th (about 4 % of child-years in treatment). Same source; assumption for the rate."""
PSYCHIATRY_DURATION = Duration(median_days=270, log_sd=0.7, min_days=30, max_days=3 * 365)
"""Treatment periods of about 9 months, a month to three years. Assumption."""
PSYCHIATRY_AGES = (13, 18)
"""Adolescent psychiatry from the 13th birthday; child and adolescent psychiatry ends at the
18th (adult psychiatry is another service)."""

HISTORY_BEFORE_ENROLMENT_DAYS = 2 * 365
"""Register history starts two years before enrolment: use before enrolment does not count."""
ELIGIBILITY_GAP_DAYS = (1, 90)
"""A child has no ongoing service of those the contract's ``no_ongoing_services`` criterion
looks at (Helsinki: services 1–8, DOMAIN.md 2.1 criterion 5): a period of those services running
over the enrolment day ends 1–90 days before it instead."""

# How the register writes the periods down.
CARE_DAY_MONTHLY_SHARE = 0.40
"""Share of the periods of care-day services (the contract's ``basis: care_day``; Helsinki's
1, 2, 3 and 6) the city's register reports as one row per calendar month (the others as one row
for the whole period)."""
CARE_DAY_DAYS_SHARE = 0.50
"""Share of care-day periods whose closed rows carry the care days (``days``)."""
ABSENCE_SHARE = 0.15
"""Share of rows with care days whose care days are 1–3 below the calendar days (home leave)."""
PLANNED_END_SHARE = 0.30
"""Share of working-day client periods running at the as-of date whose row already carries the
decided end date (after the as-of date) instead of an empty end."""
DUPLICATE_ROW_SHARE = 0.02
"""Share of rows the register reports twice, shifted by up to two weeks (overlapping rows of the
same child and service, which count each day once)."""

_EPOCH = date(1970, 1, 1)
_NO_DAY = np.iinfo(np.int64).max // 4  # "never" for day numbers


def _day(value: date) -> int:
    return (value - _EPOCH).days


def _date(day: int) -> date:
    return _EPOCH + timedelta(days=int(day))


def years_before(value: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return value.replace(year=value.year - years)
    except ValueError:
        return value.replace(year=value.year - years, day=28)


def _durations(rng: np.random.Generator, size: int, duration: Duration) -> np.ndarray:
    days = np.exp(np.log(duration.median_days) + duration.log_sd * rng.standard_normal(size))
    return np.clip(np.rint(days), duration.min_days, duration.max_days).astype(np.int64)


def _uniform_days(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """A uniformly random day in ``[first, last]`` for each pair (``last >= first``)."""
    span = last - first + 1
    return first + np.floor(rng.random(first.size) * span).astype(np.int64)


def _onsets(
    rng: np.random.Generator, first: np.ndarray, last: np.ndarray, per_year: float
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson onsets at ``per_year`` in each person's window: (person index, start day)."""
    length = np.maximum(last - first + 1, 0)
    counts = rng.poisson(per_year * length / 365.25)
    person = np.repeat(np.arange(first.size), counts)
    return person, _uniform_days(rng, first[person], last[person])


def _school_start(birth: np.ndarray) -> np.ndarray:
    """1 August of the year a child born on ``birth`` turns 7."""
    years = birth.astype("datetime64[D]").astype("datetime64[Y]") + 7
    return (years.astype("datetime64[M]") + 7).astype("datetime64[D]").astype(np.int64)


@dataclass
class _Periods:
    """Service periods: person index, service, first and last day (inclusive, day numbers)."""

    person: np.ndarray
    service: np.ndarray
    start: np.ndarray
    end: np.ndarray

    @classmethod
    def concat(cls, parts: Sequence[_Periods]) -> _Periods:
        return cls(
            person=np.concatenate([p.person for p in parts]),
            service=np.concatenate([p.service for p in parts]),
            start=np.concatenate([p.start for p in parts]),
            end=np.concatenate([p.end for p in parts]),
        )

    def take(self, index: np.ndarray) -> _Periods:
        return _Periods(self.person[index], self.service[index], self.start[index], self.end[index])


def _periods(person: np.ndarray, service: int | np.ndarray, start: np.ndarray, end: np.ndarray):
    services = np.broadcast_to(np.asarray(service, dtype=np.int32), person.shape).copy()
    return _Periods(person.astype(np.int64), services, start, end)


@dataclass(frozen=True)
class ServiceMap:
    """How the model's categories of services become a contract's services.

    ``code[c]`` is the contract's service code for the model's category number ``c`` (0 when the
    contract does not count that category); ``care_day`` the contract's codes counted in care
    days; ``ended_before_enrolment[c]`` whether a period of category ``c`` may not run over the
    enrolment day (the contract's ``no_ongoing_services`` criterion); ``psychiatry`` whether the
    contract counts child and adolescent psychiatry (only then is it simulated, so that the
    random draws of a contract without it stay as they were).
    """

    code: np.ndarray
    care_day: frozenset[int]
    ended_before_enrolment: np.ndarray
    psychiatry: bool

    @classmethod
    def of(cls, contract: Contract) -> ServiceMap:
        """The map of ``contract``: each category to the first of its services of that category
        (or of the category that stands in for it, :data:`STAND_INS`)."""
        size = max(CATEGORIES.values()) + 1
        code = np.zeros(size, np.int32)
        for service in contract.spec.services.items:
            if service.category is not None and code[CATEGORIES[service.category]] == 0:
                code[CATEGORIES[service.category]] = service.code
        for category, stand_in in STAND_INS.items():
            if code[category] == 0:
                code[category] = code[stand_in]
        watched = {
            service
            for criterion in contract.spec.eligibility.criteria
            if criterion.rule == "no_ongoing_services"
            for service in criterion.services
        }
        ended = np.array([c > 0 and int(c) in watched for c in code], bool)
        care_day = frozenset(s.code for s in contract.spec.services.items if s.basis == "care_day")
        return cls(code, care_day, ended, bool(code[PSYCHIATRY]))

    def apply(self, periods: _Periods, keep: np.ndarray | None = None) -> _Periods:
        """The periods of the categories the contract counts (and, with ``keep``, only those
        marked there), with the contract's service codes."""
        codes = self.code[periods.service]
        wanted = codes > 0 if keep is None else keep & (codes > 0)
        index = np.flatnonzero(wanted)
        out = periods.take(index)
        out.service = codes[index]
        return out


def _birthday_days(birth: np.ndarray, years: int) -> np.ndarray:
    """About the ``years``-th birthday of each day number in ``birth`` (365.25 days a year)."""
    return birth + int(years * 365.25)


def _simulate(
    rng: np.random.Generator,
    birth: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    enrolled: np.ndarray,
    services: ServiceMap,
    *,
    intensity: float = 1.0,
) -> _Periods:
    """Each person's service periods in the register window ``[first, last]``, by the model's
    category numbers (:data:`CATEGORIES`; :meth:`ServiceMap.apply` turns them into the
    contract's services).

    ``enrolled`` is the first enrolment day: a period of a category the contract's
    ``no_ongoing_services`` criterion looks at running over it is ended before it (eligibility).
    ``intensity`` scales every onset rate (for the national benchmark). Periods may run past
    ``last`` (still ongoing at the end of the window).
    """
    parts: list[_Periods] = []

    person, start = _onsets(rng, first, last, OPEN_CARE_ONSET_PER_YEAR * intensity)
    end = start + _durations(rng, person.size, OPEN_CARE_DURATION) - 1
    parts.append(_periods(person, OPEN_CARE, start, end))
    with_work = rng.random(person.size) < FAMILY_WORK_WITH_OPEN_CARE
    work_start = start[with_work] + rng.integers(0, 31, int(with_work.sum()))
    work_end = work_start + _durations(rng, work_start.size, FAMILY_WORK_DURATION) - 1
    parts.append(_periods(person[with_work], FAMILY_WORK, work_start, work_end))

    person, start = _onsets(rng, first, last, PLACEMENT_ONSET_PER_YEAR * intensity)
    end = start + _durations(rng, person.size, PLACEMENT_DURATION) - 1
    kinds = np.array(list(PLACEMENT_KIND_SHARES), dtype=np.int32)
    shares = np.array(list(PLACEMENT_KIND_SHARES.values()))
    kind = rng.choice(kinds, size=person.size, p=shares / shares.sum())
    parts.append(_periods(person, kind, start, end))
    parts.append(_periods(person, SUBSTITUTE_CARE_WORK, start, end))
    ended = end < last[person]
    after = ended & (rng.random(person.size) < AFTER_CARE_AFTER_PLACEMENT)
    after_start = end[after] + 1
    after_end = after_start + _durations(rng, after_start.size, AFTER_CARE_DURATION) - 1
    parts.append(_periods(person[after], AFTER_CARE, after_start, after_end))

    person, start = _onsets(rng, first, last, REHABILITATION_ONSET_PER_YEAR * intensity)
    end = start + _durations(rng, person.size, REHABILITATION_DURATION) - 1
    parts.append(_periods(person, REHABILITATION, start, end))

    school = np.maximum(_school_start(birth), first)
    at_start = (school <= last) & (
        rng.random(birth.size) < SPECIAL_SUPPORT_AT_SCHOOL_START * intensity
    )
    person = np.flatnonzero(at_start)
    start = school[person]
    end = start + _durations(rng, person.size, SPECIAL_SUPPORT_DURATION) - 1
    parts.append(_periods(person, SPECIAL_SUPPORT, start, end))
    person, start = _onsets(rng, school, last, SPECIAL_SUPPORT_ONSET_PER_YEAR * intensity)
    end = start + _durations(rng, person.size, SPECIAL_SUPPORT_DURATION) - 1
    parts.append(_periods(person, SPECIAL_SUPPORT, start, end))

    if services.psychiatry:
        adolescent = _birthday_days(birth, PSYCHIATRY_AGES[0])
        adult = _birthday_days(birth, PSYCHIATRY_AGES[1])
        child_p, child_start = _onsets(
            rng, first, np.minimum(last, adolescent - 1), PSYCHIATRY_ONSET_PER_YEAR * intensity
        )
        teen_p, teen_start = _onsets(
            rng,
            np.maximum(first, adolescent),
            np.minimum(last, adult - 1),
            PSYCHIATRY_ONSET_PER_YEAR_ADOLESCENT * intensity,
        )
        person = np.concatenate([child_p, teen_p])
        start = np.concatenate([child_start, teen_start])
        end = start + _durations(rng, person.size, PSYCHIATRY_DURATION) - 1
        parts.append(_periods(person, PSYCHIATRY, start, np.minimum(end, adult[person] - 1)))

    periods = _Periods.concat(parts)
    # Eligibility: no service the contract's no_ongoing_services criterion looks at (Helsinki:
    # the corrective services 1–8) is ongoing on the enrolment day.
    enrol = enrolled[periods.person]
    watched = services.ended_before_enrolment[periods.service]
    running = watched & (periods.start < enrol) & (periods.end >= enrol)
    gap = rng.integers(ELIGIBILITY_GAP_DAYS[0], ELIGIBILITY_GAP_DAYS[1] + 1, periods.person.size)
    periods.end = np.where(running, enrol - gap, periods.end)
    return periods.take(np.flatnonzero(periods.end >= periods.start))


@dataclass
class _Rows:
    """Register rows: person index, service, start, end (-1: empty), days (-1: empty)."""

    person: np.ndarray
    service: np.ndarray
    start: np.ndarray
    end: np.ndarray
    days: np.ndarray

    def take(self, index: np.ndarray) -> _Rows:
        return _Rows(
            self.person[index],
            self.service[index],
            self.start[index],
            self.end[index],
            self.days[index],
        )

    @classmethod
    def concat(cls, parts: Sequence[_Rows]) -> _Rows:
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in cls.__annotations__))

    @property
    def size(self) -> int:
        return int(self.person.size)


_EMPTY = -1


def _monthly(periods: _Periods, horizon: np.ndarray) -> tuple[_Periods, np.ndarray]:
    """Each period cut at month ends (up to ``horizon``); also each piece's source index."""
    last = np.minimum(periods.end, horizon)
    first_month = periods.start.astype("datetime64[D]").astype("datetime64[M]")
    last_month = last.astype("datetime64[D]").astype("datetime64[M]")
    pieces = (last_month - first_month).astype(np.int64) + 1
    source = np.repeat(np.arange(pieces.size), pieces)
    offset = np.arange(source.size) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    month = first_month[source] + offset
    month_first = month.astype("datetime64[D]").astype(np.int64)
    month_last = (month + 1).astype("datetime64[D]").astype(np.int64) - 1
    start = np.maximum(periods.start[source], month_first)
    end = np.minimum(periods.end[source], month_last)
    return _Periods(periods.person[source], periods.service[source], start, end), source


def _register_rows(
    rng: np.random.Generator,
    periods: _Periods,
    horizon: int,
    care_day: Collection[int],
    *,
    monthly_care: float = CARE_DAY_MONTHLY_SHARE,
    monthly_working: float = 0.0,
) -> _Rows:
    """How the register writes the periods (with the contract's service codes) down as of
    ``horizon``; ``care_day`` are the codes of the services counted in care days.

    Rows starting after ``horizon`` are not there yet; a period running at ``horizon`` has an
    empty end (working-day periods sometimes carry their decided end date instead). A period is
    one row or, with the shares given, one row per calendar month; care-day periods carry care
    days on their closed rows in half the cases. A few rows are reported twice, shifted.
    """
    periods = periods.take(np.flatnonzero(periods.start <= horizon))
    n = periods.person.size
    care = np.isin(periods.service, sorted(care_day))
    monthly = rng.random(n) < np.where(care, monthly_care, monthly_working)
    has_days = care & (rng.random(n) < CARE_DAY_DAYS_SHARE)

    split = np.flatnonzero(monthly)
    pieces, source = _monthly(periods.take(split), np.full(split.size, horizon))
    whole = np.flatnonzero(~monthly)
    single = periods.take(whole)
    with_days = np.concatenate([has_days[split][source], has_days[whole]])
    planned = np.concatenate(
        [
            np.zeros(pieces.person.size, bool),
            ~care[whole] & (rng.random(whole.size) < PLANNED_END_SHARE),
        ]
    )
    rows = _Periods.concat([pieces, single])
    open_ = rows.end > horizon
    end = np.where(open_ & ~planned, _EMPTY, rows.end)
    length = rows.end - rows.start + 1
    absent = rng.random(length.size) < ABSENCE_SHARE
    care_days = length - np.where(absent, rng.integers(1, 4, length.size), 0)
    days = np.where(with_days & ~open_, np.maximum(care_days, 0), _EMPTY)
    out = _Rows(rows.person, rows.service, rows.start, end, days)

    twice = np.flatnonzero(rng.random(out.size) < DUPLICATE_ROW_SHARE)
    copy = out.take(twice)
    copy.start = np.minimum(copy.start + rng.integers(-14, 15, twice.size), horizon)
    shifted_end = np.maximum(copy.end + rng.integers(-14, 15, twice.size), copy.start)
    copy.end = np.where(copy.end == _EMPTY, _EMPTY, shifted_end)
    copy.days = np.full(twice.size, _EMPTY)
    return _Rows.concat([out, copy])


# ---------------------------------------------------------------------------------------------
# A contract's cohort and its register extract.


def _enrolment_day(rng: np.random.Generator, first: date, last: date) -> date:
    years = list(range(first.year, last.year + 1))
    shares = np.array(
        [
            ENROLMENT_YEAR_SHARES[i] if i < len(ENROLMENT_YEAR_SHARES) else 0.05
            for i in range(len(years))
        ]
    )
    year = years[int(rng.choice(len(years), p=shares / shares.sum()))]
    lo = max(first, date(year, 1, 1))
    hi = min(last, date(year, 12, 31))
    return lo + timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))


def school_year_intakes(
    contract: Contract, *, first_month: int = 8, last_month: int = 9
) -> list[tuple[date, date]]:
    """One intake per school year inside the contract's enrolment window: the days from the
    first of ``first_month`` to the end of ``last_month`` (default August–September) of each
    year, cut to the window. For :func:`synth_cohort`'s ``intakes``, for a contract that enrols
    in teams starting with the school year (Hämeenlinna's Icehearts teams: the first in autumn
    2018, the second a year later)."""
    start, end = contract.enrolment_start, contract.enrolment_end
    intakes: list[tuple[date, date]] = []
    for year in range(start.year, end.year + 1):
        month_end = date(year + (last_month == 12), last_month % 12 + 1, 1) - timedelta(days=1)
        lo, hi = max(start, date(year, first_month, 1)), min(end, month_end)
        if lo <= hi:
            intakes.append((lo, hi))
    if not intakes:
        raise ValueError(
            f"the enrolment window {start.isoformat()}–{end.isoformat()} of the contract "
            f"{contract.id} has no days in months {first_month}–{last_month}; give other months"
        )
    return intakes


def _age_band(contract: Contract, on: date) -> tuple[date, date]:
    """The first and the last birth day of a child the contract takes on ``on``: at least
    ``min_age_years`` and not yet ``max_age_years`` old."""
    youngest_age = int(contract.value("min_age_years", on))
    oldest_age = int(contract.value("max_age_years", on))
    if oldest_age <= youngest_age:
        raise ValueError(
            f"the contract {contract.id} takes children at least {youngest_age} and not yet "
            f"{oldest_age} years old on {on.isoformat()}, which no child is; correct "
            "min_age_years or max_age_years"
        )
    return years_before(on, oldest_age) + timedelta(days=1), years_before(on, youngest_age)


def synth_cohort(
    contract: Contract,
    *,
    seed: int = DEFAULT_SEED,
    size: int | None = None,
    as_of: date | None = None,
    intakes: Sequence[tuple[date, date]] | None = None,
) -> list[FollowupSpell]:
    """A synthetic cohort of the contract: ``size`` children (default: the contract's
    capacity) of the contract's ages at enrolment, with exits and returns.

    Children are enrolled inside the contract's enrolment window (mostly in its first three
    years), or, with ``intakes`` (``(first, last)`` day pairs inside the window, e.g.
    :func:`school_year_intakes`), in equal groups, one per intake in order (teams); their ages
    on the enrolment day are the contract's ``min_age_years`` to ``max_age_years``. They carry
    unique, valid synthetic identity codes (old and 2023 century signs). About 8 % move out of
    the city, 2 % withdraw consent and very few die; a quarter of those who moved come back, with
    a second spell. With ``as_of``, the cohort is as known on that day: later enrolments are left
    out and later exits (and returns) are not known yet.
    """
    rng = np.random.default_rng(seed)
    first, last = contract.enrolment_start, contract.enrolment_end
    followup_end = contract.followup_end
    if size is None:
        size = int(contract.value("capacity", first))
    if intakes is not None:
        intakes = list(intakes)
        if not intakes:
            raise ValueError("the list of intakes is empty; give at least one or leave it out")
        for lo, hi in intakes:
            if not first <= lo <= hi <= last:
                raise ValueError(
                    f"the intake {lo.isoformat()}–{hi.isoformat()} is not inside the enrolment "
                    f"window {first.isoformat()}–{last.isoformat()} of the contract "
                    f"{contract.id}; give (first, last) days inside the window"
                )
    taken: set[tuple[date, int]] = set()
    spells: list[FollowupSpell] = []
    for number in range(size):
        if intakes is None:
            enrolled = _enrolment_day(rng, first, last)
        else:
            lo, hi = intakes[number * len(intakes) // size]
            enrolled = lo + timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))
        oldest, youngest = _age_band(contract, enrolled)
        while True:
            birth = oldest + timedelta(days=int(rng.integers(0, (youngest - oldest).days + 1)))
            individual = int(rng.integers(2, 900))
            if (birth, individual) not in taken:
                taken.add((birth, individual))
                break
        code = identity.make(
            birth, individual, new_century_signs=bool(rng.random() < NEW_CENTURY_SIGN_SHARE)
        )
        draw = rng.random()
        reason: str | None = None
        if draw < EXIT_MOVED_OUT_SHARE:
            reason = "moved_out"
        elif draw < EXIT_MOVED_OUT_SHARE + EXIT_CONSENT_WITHDRAWN_SHARE:
            reason = "consent_withdrawn"
        elif draw < EXIT_MOVED_OUT_SHARE + EXIT_CONSENT_WITHDRAWN_SHARE + EXIT_DIED_SHARE:
            reason = "died"
        exited = None
        if reason is not None:
            span = (followup_end - enrolled).days
            exited = enrolled + timedelta(days=int(rng.integers(min(60, span), span + 1)))
        spells.append(FollowupSpell(code, enrolled, exited, reason))
        if reason == "moved_out" and exited is not None:
            back = exited + timedelta(days=int(rng.integers(*RETURN_AFTER_DAYS)))
            if rng.random() < RETURN_AFTER_MOVE_SHARE and back <= followup_end:
                spells.append(FollowupSpell(code, back))
    if as_of is not None:
        spells = [
            spell
            if spell.exited_on is None or spell.exited_on <= as_of
            else FollowupSpell(spell.person, spell.enrolled_on)
            for spell in spells
            if spell.enrolled_on <= as_of
        ]
    spells.sort(key=lambda s: (s.enrolled_on, s.person))
    return [
        FollowupSpell(s.person, s.enrolled_on, s.exited_on, s.exit_reason, line=i + 2)
        for i, s in enumerate(spells)
    ]


def synth_register(
    contract: Contract,
    spells: Sequence[FollowupSpell],
    *,
    as_of: date,
    seed: int = DEFAULT_SEED,
) -> list[Episode]:
    """One register extract as of ``as_of`` for the children of ``spells``.

    Rows run from two years before each child's first enrolment to ``as_of`` (use before
    enrolment is there and must not count), except while the family lives elsewhere (after a
    move, until the return) or after a death. Rows are sorted by child, service and start;
    ``line`` is the row's line in the CSV that :func:`write_extract_csv` writes.
    """
    rng = np.random.default_rng(seed)
    services = ServiceMap.of(contract)
    persons = sorted({spell.person for spell in spells})
    index = {person: i for i, person in enumerate(persons)}
    n = len(persons)
    enrolled = np.full(n, _NO_DAY, np.int64)
    gap_start = np.full(n, _NO_DAY, np.int64)
    gap_end = np.full(n, _NO_DAY, np.int64)
    returns: dict[int, int] = {}
    for spell in spells:
        i = index[spell.person]
        enrolled[i] = min(enrolled[i], _day(spell.enrolled_on))
    for spell in spells:
        i = index[spell.person]
        if spell.enrolled_on != _date(enrolled[i]):
            returns[i] = min(returns.get(i, _NO_DAY), _day(spell.enrolled_on))
    for spell in spells:
        i = index[spell.person]
        if spell.exited_on is None or spell.exit_reason not in ("moved_out", "died"):
            continue
        exit_day = _day(spell.exited_on)
        if exit_day < gap_start[i]:
            gap_start[i] = exit_day
            later = returns.get(i, _NO_DAY)
            gap_end[i] = later if spell.exit_reason == "moved_out" and later > exit_day else _NO_DAY
    # A pseudonym has no birth date: assume the middle of the contract's ages at enrolment
    # (Helsinki: five years).
    start = contract.enrolment_start
    ages = int(contract.value("min_age_years", start)) + int(contract.value("max_age_years", start))
    birth = np.empty(n, np.int64)
    for person, i in index.items():
        if identity.is_valid(person, allow_temporary=True):
            birth[i] = _day(identity.birth_date(person))
        else:
            birth[i] = enrolled[i] - ages * 365 // 2
    horizon = _day(as_of)
    first = enrolled - HISTORY_BEFORE_ENROLMENT_DAYS
    last = np.full(n, horizon, np.int64)

    periods = _simulate(rng, birth, first, last, enrolled, services)
    # The city's register has nothing while the family lives elsewhere, and nothing after death.
    p = periods.person
    away = (periods.start >= gap_start[p]) & (periods.start < gap_end[p])
    periods.end = np.where(
        periods.start < gap_start[p], np.minimum(periods.end, gap_start[p] - 1), periods.end
    )
    periods = services.apply(periods, keep=~away)
    rows = _register_rows(rng, periods, horizon, services.care_day)

    order = np.lexsort((rows.end, rows.start, rows.service, rows.person))
    rows = rows.take(order)
    return [
        Episode(
            person=persons[int(rows.person[k])],
            service=int(rows.service[k]),
            start=_date(rows.start[k]),
            end=None if rows.end[k] == _EMPTY else _date(rows.end[k]),
            days=None if rows.days[k] == _EMPTY else int(rows.days[k]),
            line=k + 2,
        )
        for k in range(rows.size)
    ]


# ---------------------------------------------------------------------------------------------
# Files (DESIGN.md 3) and deliberately bad rows for the demo.

EXTRACT_HEADER: tuple[str, ...] = ("hetu", "service", "start", "end", "days")
COHORT_HEADER: tuple[str, ...] = ("hetu", "enrolled_on", "exited_on", "exit_reason")


def extract_rows(episodes: Iterable[Episode]) -> list[dict[str, str]]:
    """Episodes as the text cells of an extract file (``hetu, service, start, end, days``)."""
    return [
        {
            "hetu": e.person,
            "service": str(e.service),
            "start": e.start.isoformat(),
            "end": e.end.isoformat() if e.end else "",
            "days": "" if e.days is None else str(e.days),
        }
        for e in episodes
    ]


def write_extract_csv(
    path: str | Path, rows: Iterable[Episode] | Iterable[Mapping[str, str]]
) -> Path:
    """Write a register extract CSV (UTF-8, ``,``, header ``hetu,service,start,end,days``).

    ``rows`` are episodes, or text rows from :func:`extract_rows` / :func:`inject_demo_errors`.
    """
    items = list(rows)
    cells = extract_rows(items) if items and isinstance(items[0], Episode) else items
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=EXTRACT_HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(cells)  # type: ignore[arg-type]
    return path


def write_cohort_csv(path: str | Path, spells: Iterable[FollowupSpell]) -> Path:
    """Write a cohort CSV (``hetu,enrolled_on,exited_on,exit_reason``), one row per spell."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COHORT_HEADER)
        for spell in spells:
            writer.writerow(
                [
                    spell.person,
                    spell.enrolled_on.isoformat(),
                    spell.exited_on.isoformat() if spell.exited_on else "",
                    spell.exit_reason or "",
                ]
            )
    return path


@dataclass(frozen=True)
class InjectedError:
    """A bad row put into an extract on purpose: its CSV line, the column and why it is bad."""

    line: int
    column: str
    reason: str


_CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def inject_demo_errors(
    rows: Sequence[Mapping[str, str]] | Sequence[Episode],
    *,
    seed: int = DEFAULT_SEED,
    services: Collection[int] = (),
) -> tuple[list[dict[str, str]], list[InjectedError]]:
    """The extract's text rows with three deliberately bad rows inserted, for the demo.

    The bad rows copy good ones and break one thing each: an identity code with a wrong check
    character, an unknown service code (12, or the first code from 12 up that is not among the
    contract's ``services``) and an end before the start. Returns the rows and where the bad
    ones are (CSV line numbers, the header being line 1).
    """
    cells = (
        extract_rows(rows)  # type: ignore[arg-type]
        if rows and isinstance(rows[0], Episode)
        else [dict(r) for r in rows]  # type: ignore[arg-type]
    )
    if not cells:
        raise ValueError("an extract needs at least one row to copy bad rows from")
    rng = np.random.default_rng(seed)
    bad: list[tuple[dict[str, str], str, str]] = []

    row = dict(cells[int(rng.integers(len(cells)))])
    code = row["hetu"]
    wrong = _CHECK_CHARACTERS[(_CHECK_CHARACTERS.index(code[-1]) + 1) % len(_CHECK_CHARACTERS)]
    row["hetu"] = code[:-1] + wrong
    bad.append((row, "hetu", "the check character does not match"))

    row = dict(cells[int(rng.integers(len(cells)))])
    unknown = next(code for code in itertools.count(12) if code not in set(services))
    row["service"] = str(unknown)
    bad.append((row, "service", f"service {unknown} is not in the contract's catalogue"))

    row = dict(cells[int(rng.integers(len(cells)))])
    start = date.fromisoformat(row["start"])
    row["end"] = (start - timedelta(days=int(rng.integers(1, 30)))).isoformat()
    row["days"] = ""
    bad.append((row, "end", "the end is before the start"))

    # Positions in the final list, filled in increasing order so that none shifts another.
    out = list(cells)
    positions = sorted(rng.choice(len(out) + len(bad), size=len(bad), replace=False).tolist())
    marked: list[InjectedError] = []
    for position, k in zip(positions, rng.permutation(len(bad)), strict=True):
        row, column, reason = bad[int(k)]
        out.insert(position, row)
        marked.append(InjectedError(line=position + 2, column=column, reason=reason))
    return out, marked


# ---------------------------------------------------------------------------------------------
# National scale, for benchmarks.

NATIONAL_MONTHLY_SHARE = 0.80
"""In the national case 80 % of all periods (every service) come as one row per calendar month,
as monthly statistics extracts do; the rest as one row per period. With the cohort's rates this
gives roughly the 20 rows per child of the benchmark (20 M rows for 1 M children over 2018–2032);
the generator then scales every onset rate by one factor to reach the exact row count, so the
services keep their mix and the prevalences stay near the cohort's."""


def _id_digits(index: np.ndarray, width: int) -> np.ndarray:
    """The characters of ``p`` and ``width`` digits of each (0-based) index + 1, one row each."""
    number = index.astype(np.int64) + 1
    digits = np.empty((number.size, width + 1), dtype=np.uint8)
    digits[:, 0] = ord("p")
    for position in range(width, 0, -1):  # a loop over digit positions, not rows
        digits[:, position] = ord("0") + number % 10
        number //= 10
    return digits


def _strings(digits: np.ndarray) -> pa.Array:
    """Fixed-width character rows as an Arrow string array, without a Python loop."""
    count, width = digits.shape
    offsets = np.arange(0, width * (count + 1), width, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), count, [None, pa.py_buffer(offsets), pa.py_buffer(digits.reshape(-1))]
    )


def _national_spells(
    rng: np.random.Generator,
    n: int,
    first_year: int,
    last_year: int,
    ages: tuple[int, ...],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Enrolment, birth and follow-up spells (person index, start, end) for ``n`` children aged
    at least ``ages[0]`` and not yet ``ages[1]`` at enrolment."""
    followup_end = _day(date(last_year, 12, 31))
    window_years = min(len(ENROLMENT_YEAR_SHARES), last_year - first_year + 1)
    shares = np.array(ENROLMENT_YEAR_SHARES[:window_years])
    year = first_year + rng.choice(window_years, size=n, p=shares / shares.sum())
    year_first = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    year_last = (year - 1969).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64) - 1
    enrolled = _uniform_days(rng, year_first, year_last)
    birth = enrolled - rng.integers(int(ages[0] * 365.25) + 1, int(ages[1] * 365.25) - 1, n)

    draw = rng.random(n)
    moved = draw < EXIT_MOVED_OUT_SHARE
    exits = draw < EXIT_MOVED_OUT_SHARE + EXIT_CONSENT_WITHDRAWN_SHARE + EXIT_DIED_SHARE
    exited = _uniform_days(rng, np.minimum(enrolled + 60, followup_end), np.full(n, followup_end))
    end = np.where(exits, exited - 1, followup_end)
    back = exited + rng.integers(*RETURN_AFTER_DAYS, n)
    returns = moved & (rng.random(n) < RETURN_AFTER_MOVE_SHARE) & (back <= followup_end)

    first_spells = np.flatnonzero(end >= enrolled)
    second = np.flatnonzero(returns)
    person = np.concatenate([first_spells, second])
    start = np.concatenate([enrolled[first_spells], back[second]])
    stop = np.concatenate([end[first_spells], np.full(second.size, followup_end)])
    order = np.argsort(
        person * 2 + np.concatenate([np.zeros(first_spells.size), np.ones(second.size)]),
        kind="stable",
    )
    return enrolled, birth, person[order], start[order], stop[order]


_BLOCK_ROWS = 1_000_000


def _national_block(
    rng: np.random.Generator,
    birth: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    enrolled: np.ndarray,
    services: ServiceMap,
    *,
    horizon: int,
    quota: int,
    per_child: float,
) -> _Rows:
    """Exactly ``quota`` register rows for one block of children, sorted by person and start."""
    batches: list[_Rows] = []
    total = 0
    while total < quota:
        intensity = ((quota - total) * 1.04 + 1) / (per_child * birth.size)
        periods = _simulate(rng, birth, first, last, enrolled, services, intensity=intensity)
        batch = _register_rows(
            rng,
            services.apply(periods),
            horizon,
            services.care_day,
            monthly_care=NATIONAL_MONTHLY_SHARE,
            monthly_working=NATIONAL_MONTHLY_SHARE,
        )
        batches.append(batch)
        total += batch.size
    rows = _Rows.concat(batches)
    if rows.size > quota:
        keep = np.ones(rows.size, bool)
        keep[rng.choice(rows.size, size=rows.size - quota, replace=False)] = False
        rows = rows.take(np.flatnonzero(keep))
    order = np.argsort(rows.person * (1 << 20) + (rows.start - rows.start.min()))
    return rows.take(order)


def synth_national(
    n_children: int = 1_000_000,
    n_rows: int = 20_000_000,
    *,
    first_year: int = 2020,
    last_year: int = 2032,
    seed: int = DEFAULT_SEED,
    contract: Contract | None = None,
) -> tuple[pa.Table, pa.Table]:
    """The national-scale case for benchmarks: ``(spells, episodes)`` as Arrow tables.

    The children are aged and served as in ``contract`` (default: the built-in Helsinki
    contract): its ages at enrolment, its services (by category) and their bases; the
    enrolments spread over ``first_year``… like the cohort's (:data:`ENROLMENT_YEAR_SHARES`).

    ``spells`` is ``person, start, end`` (``end`` the last day in follow-up, inclusive; spells of
    one person do not overlap), mostly one per child, with exits and returns like the cohort's.
    ``episodes`` has :data:`~sibyl.register.model.EPISODE_SCHEMA` and exactly ``n_rows`` rows,
    sorted by person and start, from the cohort's model of service use with every onset rate
    scaled to reach ``n_rows`` (see :data:`NATIONAL_MONTHLY_SHARE`): overlapping rows of one
    child and service, ongoing rows (empty end) and care days on care-day rows included. Register
    rows run from two years before enrolment to 31 December of ``last_year``. Person ids are
    ``p0000001``-like. Vectorised: no Python loop per row.
    """
    if contract is None:
        from sibyl.contract import load_contract

        contract = load_contract("helsinki")
    services = ServiceMap.of(contract)
    # The national years need not be the contract's: its ages in force on 1 January of the first
    # year, or its first ones.
    ages = tuple(
        int(parameter.at(max(date(first_year, 1, 1), parameter.first_start())))
        for parameter in (contract.parameter("min_age_years"), contract.parameter("max_age_years"))
    )
    rng = np.random.default_rng(seed)
    enrolled, birth, person, start, end = _national_spells(
        rng, n_children, first_year, last_year, ages
    )
    horizon = _day(date(last_year, 12, 31))
    width = max(7, len(str(n_children)))
    spells = pa.table(
        {
            "person": _strings(_id_digits(person, width)),
            "start": pa.array(start.astype(np.int32), pa.date32()),
            "end": pa.array(end.astype(np.int32), pa.date32()),
        }
    )

    first = enrolled - HISTORY_BEFORE_ENROLMENT_DAYS
    last = np.full(n_children, horizon, np.int64)
    # A pilot on a sample measures the rows one unit of intensity gives per child.
    pilot = min(n_children, 20_000)
    sample = rng.choice(n_children, size=pilot, replace=False)
    pilot_rows = _register_rows(
        rng,
        services.apply(
            _simulate(rng, birth[sample], first[sample], last[sample], enrolled[sample], services)
        ),
        horizon,
        services.care_day,
        monthly_care=NATIONAL_MONTHLY_SHARE,
        monthly_working=NATIONAL_MONTHLY_SHARE,
    ).size
    per_child = max(pilot_rows / pilot, 1e-3)
    logger.debug("national case: %.1f rows per child at the cohort's rates", per_child)

    # Blocks of children with about a million rows each: small arrays stay in the allocator's
    # reused memory (fresh page faults dominate otherwise), and rows sorted within a block of
    # consecutive children are sorted overall.
    block = max(1_000, int(_BLOCK_ROWS * n_children / max(n_rows, 1)))
    id_digits = _id_digits(np.arange(n_children), width)
    out_person = np.empty((n_rows, width + 1), np.uint8)
    out_service = np.empty(n_rows, np.int32)
    out_start = np.empty(n_rows, np.int32)
    out_end = np.empty(n_rows, np.int32)
    out_days = np.empty(n_rows, np.int32)
    done = 0
    for lo in range(0, n_children, block):  # a loop over blocks of children, not rows
        hi = min(lo + block, n_children)
        quota = n_rows * hi // n_children - n_rows * lo // n_children
        rows = _national_block(
            rng,
            birth[lo:hi],
            first[lo:hi],
            last[lo:hi],
            enrolled[lo:hi],
            services,
            horizon=horizon,
            quota=quota,
            per_child=per_child,
        )
        stop = done + quota
        out_person[done:stop] = id_digits[rows.person + lo]
        out_service[done:stop] = rows.service
        out_start[done:stop] = rows.start
        out_end[done:stop] = rows.end
        out_days[done:stop] = rows.days
        done = stop
    episodes = pa.table(
        {
            "person": _strings(out_person),
            "service": pa.array(out_service),
            "start": pa.array(out_start, pa.date32()),
            "end": pa.array(out_end, pa.date32(), mask=out_end == _EMPTY),
            "days": pa.array(out_days, pa.int32(), mask=out_days == _EMPTY),
            "row_id": pa.array(np.arange(n_rows, dtype=np.int64)),
        },
        schema=EPISODE_SCHEMA,
    )
    return spells, episodes
