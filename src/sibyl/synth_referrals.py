"""Synthetic referrals and provider activity for the demo (seeded; nothing here is real data).

About 400 referrals over the enrolment window, from the sources the contract accepts (Helsinki:
early childhood education and child health clinics, and a few from other sources), answering the
contract's own referral items, of which about two thirds meet every criterion of the contract's
target group; the rest fail one criterion each, in proportions by the criterion's rule kind chosen
to show every reason in the demo (assumptions: no public figure gives them). Activity: contacts
per enrolled family that are intensive at first and taper over one to three years, in the three
service components.

The answers are drawn criterion by criterion, in the contract's order (an item that two criteria
name takes the later one's draw; an item that no criterion names is answered yes half of the
time), so that the same seed gives the same rows for the same contract.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import get_args

import numpy as np

from sibyl import identity
from sibyl.contract import Contract
from sibyl.contract.model import Criterion, ReferralSource
from sibyl.eligibility import items_of, parameter_on
from sibyl.register.referrals import FIXED_COLUMNS, OPTIONAL_COLUMNS, referral_columns
from sibyl.settlement.export import atomic_write
from sibyl.synth import years_before

REFERRALS = 400
"""About 400 referrals for a cohort of 200 (the issue's figure for the demo)."""

FAILURE_SHARES = {
    "age_between": 0.05,
    "at_least": 0.08,
    "any_of": 0.04,
    "all_of": 0.04,
    "district_in": 0.06,
    "referral_source_in": 0.02,
    "no_ongoing_services": 0.05,
    "in_enrolment_window": 0.01,
}
"""Share of referrals failing a criterion, by its rule kind (one failure each; assumption for
the demo). Helsinki: age 5 %, difficulties 8 %, the parent's and the family's situation 4 % each,
district 6 %, referral source 2 %, ongoing services 5 %, enrolment window 1 %."""

MAX_FAILING = 0.5
"""At most this share of referrals fails a criterion, however many criteria a contract has."""

SOURCE_SHARES: dict[str, float] = {
    "early_childhood_education": 0.6,
    "child_health_clinic": 0.4,
    "child_protection": 0.4,
    "school": 0.4,
}
"""Weights of the accepted referral sources (Helsinki: mainly early childhood education, then
the child health clinic); a contract's accepted sources share in proportion to them."""

OTHER_DISTRICTS = ("Kallio", "Herttoniemi", "Malmi")
"""Districts of the referrals that fail the district criterion (none of them a contract's)."""

TYPICAL_ONGOING = ("intensified_family_work", "open_care_social_work")
"""The kinds of service that a referral failing ``no_ongoing_services`` has ongoing, when the
criterion names services of these kinds (Helsinki: 4 and 5); otherwise any of its services."""

YES_SHARE_AT_LEAST = 0.4
"""Beyond the ``count`` an ``at_least`` criterion needs, each of its items is answered yes with
this probability."""

YES_SHARE_ANY_OF = 0.6
"""Each item of an ``any_of`` criterion is answered yes with this probability (one at least)."""

COMPONENT_MINUTES = {"individual_support": 90, "family_group": 120, "community": 60}
"""Typical length of a contact, by component (assumption)."""


@dataclass(frozen=True)
class ActivityRow:
    referral_id: str
    provider: str
    on: date
    component: str
    minutes: int
    participants: str


def _referral_day(rng: np.random.Generator, first: date, last: date) -> date:
    # Most referrals in the first three years of the window, like enrolments.
    years = list(range(first.year, last.year + 1))
    weights = np.array([0.32, 0.28, 0.2, 0.12, 0.08][: len(years)], dtype=float)
    year = int(rng.choice(years, p=weights / weights.sum()))
    start = max(first, date(year, 1, 1))
    end = min(last, date(year, 12, 31))
    return start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _answers(
    rng: np.random.Generator, criteria: Sequence[Criterion], failing: Criterion | None
) -> dict[str, bool]:
    """Answers to the items of the criteria that name items: each met, but ``failing``."""
    answers: dict[str, bool] = {}
    any_of_seen = 0
    for criterion in criteria:
        items, fails = criterion.items, criterion is failing
        if criterion.rule == "at_least":
            count = criterion.count or 1
            values = [True] * count + [
                bool(rng.random() < YES_SHARE_AT_LEAST) for _ in range(len(items) - count)
            ]
            if fails:
                values = [True] * (count - 1) + [False] * (len(items) - count + 1)
            rng.shuffle(values)
        elif criterion.rule == "any_of":
            values = [bool(rng.random() < YES_SHARE_ANY_OF) for _ in items]
            if not any(values):
                # The item answered yes alternates between the any_of criteria.
                values[any_of_seen % len(items)] = True
            any_of_seen += 1
            if fails:
                values = [False] * len(items)
        elif criterion.rule == "all_of":
            values = [True] * len(items)
            if fails:
                values[int(rng.integers(0, len(items)))] = False
        else:
            continue
        answers.update(zip(items, values, strict=True))
    return answers


def _sources(contract: Contract) -> tuple[list[str], list[float]]:
    """The sources referrals come from (the contract's accepted ones but ``other``), weighted."""
    accepted = [s for s in contract.spec.referral_sources.items if s != "other"]
    accepted = accepted or list(contract.spec.referral_sources.items)
    weights = [SOURCE_SHARES.get(source, 0.4) for source in accepted]
    total = sum(weights)
    return accepted, [weight / total for weight in weights]


def _refused_source(contract: Contract) -> str:
    accepted = set(contract.spec.referral_sources.items)
    candidates = ["other", *get_args(ReferralSource)]
    return next((source for source in candidates if source not in accepted), "other")


def _ongoing_choices(contract: Contract, criterion: Criterion) -> list[int]:
    typical = [
        code for code in criterion.services if contract.services[code].category in TYPICAL_ONGOING
    ]
    return typical or list(criterion.services)


def synth_referrals(
    contract: Contract, *, seed: int, size: int = REFERRALS
) -> list[dict[str, str]]:
    """Referral file rows (DESIGN.md 3; the contract's items as columns), in referral order,
    with synthetic identity codes."""
    rng = np.random.default_rng(seed)
    districts = list(contract.spec.districts.items)
    outside = [name for name in OTHER_DISTRICTS if name not in districts] or ["Elsewhere"]
    first, last = contract.enrolment_start, contract.enrolment_end
    criteria = list(contract.spec.eligibility.criteria)
    items = [item.code for item in items_of(contract)]
    named = {item for criterion in criteria for item in criterion.items}
    sources, source_shares = _sources(contract)
    codes: set[str] = set()
    shares = np.array([FAILURE_SHARES[criterion.rule] for criterion in criteria])
    if shares.sum() > MAX_FAILING:
        shares = shares * (MAX_FAILING / shares.sum())
    rows: list[tuple[date, dict[str, str]]] = []
    for _ in range(size):
        draw = rng.random()
        failing: Criterion | None = None
        cumulative = np.cumsum(shares)
        if len(criteria) and draw < cumulative[-1]:
            failing = criteria[int(np.searchsorted(cumulative, draw, side="right"))]
        fails = failing.rule if failing is not None else None
        referred = _referral_day(rng, first, last)
        if fails == "in_enrolment_window":
            referred = last + timedelta(days=int(rng.integers(1, 60)))
        low = parameter_on(contract, "min_age_years", referred)
        high = parameter_on(contract, "max_age_years", referred)
        if fails == "age_between":
            years_old = int(rng.choice([age for age in (low - 1, high) if age >= 0]))
        else:
            years_old = int(rng.integers(low, high))
        # Exactly `years_old` on the referral date.
        oldest = years_before(referred, years_old + 1) + timedelta(days=1)
        youngest = years_before(referred, years_old)
        birth = oldest + timedelta(days=int(rng.integers(0, (youngest - oldest).days + 1)))
        while True:
            code = identity.make(birth, int(rng.integers(2, 900)))
            if code not in codes:
                codes.add(code)
                break
        answers = _answers(rng, criteria, failing)
        for item in items:
            if item not in named:
                answers[item] = bool(rng.random() < 0.5)
        source = str(rng.choice(sources, p=source_shares))
        if fails == "referral_source_in":
            source = _refused_source(contract)
        district = str(rng.choice(districts))
        if fails == "district_in":
            district = str(rng.choice(outside))
        ongoing = ""
        if failing is not None and fails == "no_ongoing_services":
            ongoing = str(int(rng.choice(_ongoing_choices(contract, failing))))
        flag = {True: "1", False: "0"}
        rows.append(
            (
                referred,
                {
                    "hetu": code,
                    "referred_on": referred.isoformat(),
                    "district": district,
                    "referral_source": source,
                    **{item: flag[answers.get(item, False)] for item in items},
                    "ongoing_services": ongoing,
                },
            )
        )
    rows.sort(key=lambda pair: pair[0])
    return [{"referral_id": f"R{index:04d}", **row} for index, (_, row) in enumerate(rows, start=1)]


def write_referrals_csv(
    path: str | Path, rows: Iterable[dict[str, str]], contract: Contract | None = None
) -> Path:
    """The rows as a referral file: the contract's columns, or else the first row's."""
    rows = list(rows)
    if contract is not None:
        columns = list(referral_columns(contract))
    elif rows:
        columns = list(rows[0])
    else:
        columns = [*FIXED_COLUMNS, *OPTIONAL_COLUMNS]
    with atomic_write(path) as stream:
        writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return Path(path)


def synth_activity(
    enrolments: Sequence[tuple[str, str, date, date]], *, seed: int, until: date
) -> list[ActivityRow]:
    """Contacts for each ``(referral_id, provider, enrolled_on, last_day)``: about weekly in the
    first half year, fortnightly to month 12, monthly after, ending after one to three years."""
    rng = np.random.default_rng(seed)
    rows: list[ActivityRow] = []
    components = list(COMPONENT_MINUTES)
    for referral_id, provider, enrolled_on, last_day in enrolments:
        service_end = min(
            enrolled_on + timedelta(days=int(rng.integers(365, 3 * 365))), last_day, until
        )
        day = enrolled_on + timedelta(days=int(rng.integers(0, 7)))
        while day <= service_end:
            months = (day - enrolled_on).days / 30.4
            gap = 7 if months < 6 else 14 if months < 12 else 30
            component = str(rng.choice(components, p=[0.6, 0.25, 0.15]))
            minutes = int(COMPONENT_MINUTES[component] * rng.uniform(0.6, 1.4))
            who = "child, parent" if component != "community" else "family"
            rows.append(ActivityRow(referral_id, provider, day, component, minutes, who))
            day += timedelta(days=gap + int(rng.integers(-2, 3)))
    return rows


def write_activity_csv(path: str | Path, rows: Iterable[ActivityRow]) -> Path:
    with atomic_write(path) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["referral_id", "date", "component", "minutes", "participants", "provider"])
        for row in rows:
            writer.writerow(
                [row.referral_id, row.on.isoformat(), row.component, row.minutes,
                 row.participants, row.provider]
            )  # fmt: skip
    return Path(path)
