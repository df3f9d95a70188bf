"""Synthetic referrals and provider activity for the demo (seeded; nothing here is real data).

About 400 referrals over the enrolment window, from early childhood education and child health
clinics (a few from other sources), of which about two thirds meet every criterion of DOMAIN.md
2.1; the rest fail one criterion each, in proportions chosen to show every reason in the demo
(assumptions: no public figure gives them). Activity: contacts per enrolled family that are
intensive at first and taper over one to three years, in the three service components.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from sibyl import identity
from sibyl.contract import Contract
from sibyl.settlement.export import atomic_write
from sibyl.synth import years_before

REFERRAL_COLUMNS = [
    "referral_id",
    "hetu",
    "referred_on",
    "district",
    "referral_source",
    "concentration",
    "behaviour",
    "social_interaction",
    "emotional_life",
    "parent_no_education",
    "parent_out_of_work",
    "parenting_difficulties",
    "stressful_life_situation",
    "ongoing_services",
]

REFERRALS = 400
"""About 400 referrals for a cohort of 200 (the issue's figure for the demo)."""

FAILURE_SHARES = {
    "age": 0.05,
    "difficulties": 0.08,
    "parent_situation": 0.04,
    "family_situation": 0.04,
    "district": 0.06,
    "referral_source": 0.02,
    "ongoing_services": 0.05,
    "enrolment_window": 0.01,
}
"""Share of referrals failing each criterion (one failure each; assumption for the demo)."""

SOURCE_SHARES = {"early_childhood_education": 0.6, "child_health_clinic": 0.4}
"""Referrals come mainly from early childhood education and the child health clinic."""

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


def synth_referrals(
    contract: Contract, *, seed: int, size: int = REFERRALS
) -> list[dict[str, str]]:
    """Referral file rows (DESIGN.md 3), in referral order, with synthetic identity codes."""
    rng = np.random.default_rng(seed)
    districts = list(contract.spec.districts.items)
    first, last = contract.enrolment_start, contract.enrolment_end
    codes: set[str] = set()
    failures = list(FAILURE_SHARES)
    shares = np.array(list(FAILURE_SHARES.values()))
    rows: list[tuple[date, dict[str, str]]] = []
    for _ in range(size):
        draw = rng.random()
        failing = None
        cumulative = np.cumsum(shares)
        if draw < cumulative[-1]:
            failing = failures[int(np.searchsorted(cumulative, draw, side="right"))]
        referred = _referral_day(rng, first, last)
        if failing == "enrolment_window":
            referred = last + timedelta(days=int(rng.integers(1, 60)))
        years_old = int(rng.choice([2, 7])) if failing == "age" else int(rng.integers(3, 7))
        # Exactly `years_old` on the referral date.
        oldest = years_before(referred, years_old + 1) + timedelta(days=1)
        youngest = years_before(referred, years_old)
        birth = oldest + timedelta(days=int(rng.integers(0, (youngest - oldest).days + 1)))
        while True:
            code = identity.make(birth, int(rng.integers(2, 900)))
            if code not in codes:
                codes.add(code)
                break
        difficulties = [True, True] + [bool(rng.random() < 0.4) for _ in range(2)]
        if failing == "difficulties":
            difficulties = [True, False, False, False]
        rng.shuffle(difficulties)
        parent = [bool(rng.random() < 0.6), bool(rng.random() < 0.6)]
        if not any(parent):
            parent[0] = True
        if failing == "parent_situation":
            parent = [False, False]
        family = [bool(rng.random() < 0.6), bool(rng.random() < 0.6)]
        if not any(family):
            family[1] = True
        if failing == "family_situation":
            family = [False, False]
        source = str(rng.choice(list(SOURCE_SHARES), p=list(SOURCE_SHARES.values())))
        if failing == "referral_source":
            source = "other"
        district = str(rng.choice(districts))
        if failing == "district":
            district = str(rng.choice(["Kallio", "Herttoniemi", "Malmi"]))
        ongoing = str(int(rng.choice([4, 5]))) if failing == "ongoing_services" else ""
        flag = {True: "1", False: "0"}
        rows.append(
            (
                referred,
                {
                    "hetu": code,
                    "referred_on": referred.isoformat(),
                    "district": district,
                    "referral_source": source,
                    "concentration": flag[difficulties[0]],
                    "behaviour": flag[difficulties[1]],
                    "social_interaction": flag[difficulties[2]],
                    "emotional_life": flag[difficulties[3]],
                    "parent_no_education": flag[parent[0]],
                    "parent_out_of_work": flag[parent[1]],
                    "parenting_difficulties": flag[family[0]],
                    "stressful_life_situation": flag[family[1]],
                    "ongoing_services": ongoing,
                },
            )
        )
    rows.sort(key=lambda pair: pair[0])
    return [{"referral_id": f"R{index:04d}", **row} for index, (_, row) in enumerate(rows, start=1)]


def write_referrals_csv(path: str | Path, rows: Iterable[dict[str, str]]) -> Path:
    with atomic_write(path) as stream:
        writer = csv.DictWriter(stream, fieldnames=REFERRAL_COLUMNS, lineterminator="\n")
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
