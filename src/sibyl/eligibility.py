"""Eligibility: the target group of DOMAIN.md 2.1 as one small named rule per criterion.

Each rule is a pure function of a :class:`Referral` and a :class:`~sibyl.contract.Contract`
that returns a :class:`CriterionResult` (its code, whether it is met, and the evidence in words);
:func:`screen` runs every rule and combines them into a :class:`Decision`: a referral is eligible
when every criterion is met. The rules read their parameters from the contract (age limits,
districts, accepted referral sources, the enrolment window and its services).

========================  =====================================================================
code                      met when
========================  =====================================================================
``age``                   the child is at least ``min_age_years`` and under ``max_age_years``
                          on the referral date (Helsinki: 3–6), the age taken from the
                          identity code's birth date: 3 on the third birthday, 7 on the
                          seventh (:func:`age_on`)
``difficulties``          at least two (more than one) of concentration, behaviour, social
                          interaction, emotional life
``parent_situation``      a parent has no education beyond basic school, or is out of work
``family_situation``      difficulties in parenting, or a stressful life situation
``district``              the family's district is one of the contract's districts (letter case
                          and surrounding or repeated spaces ignored; ``ä`` and ``ö`` are
                          letters of their own, so ``Mellunkyla`` is not ``Mellunkylä``)
``referral_source``       the referral comes from one of the contract's accepted sources
``ongoing_services``      no ongoing episode of a corrective service on the referral date
                          (:func:`corrective_services`: DOMAIN.md 2.1 point 5)
``enrolment_window``      the referral date is inside the contract's enrolment window (both
                          ends inclusive)
========================  =====================================================================

A parameter is read as in force on the referral date; a referral dated before a parameter's first
value takes that first value (the enrolment window criterion refuses such a referral anyway).

Only :mod:`sibyl.identity` interprets identity codes; the evidence never shows one.
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sibyl import identity
from sibyl.contract import Contract

ReferralSource = Literal["early_childhood_education", "child_health_clinic", "other"]
CriterionCode = Literal[
    "age",
    "difficulties",
    "parent_situation",
    "family_situation",
    "district",
    "referral_source",
    "ongoing_services",
    "enrolment_window",
]

DIFFICULTIES: tuple[str, ...] = (
    "concentration",
    "behaviour",
    "social_interaction",
    "emotional_life",
)
"""The difficulties of self-regulation of DOMAIN.md 2.1 point 1 (fields of :class:`Referral`)."""

MIN_DIFFICULTIES = 2
"""DOMAIN.md 2.1 point 1: *more than one* difficulty, so at least two."""

PARENT_SITUATIONS: tuple[str, ...] = ("parent_no_education", "parent_out_of_work")
"""DOMAIN.md 2.1 point 2: either is enough."""

FAMILY_SITUATIONS: tuple[str, ...] = ("parenting_difficulties", "stressful_life_situation")
"""DOMAIN.md 2.1 point 3: either is enough."""

SCHOOL_SUPPORT_SERVICES: frozenset[int] = frozenset({9})
"""The contract services that are *not* heavy corrective services (Helsinki: 9, pupils with
special support).

DOMAIN.md 2.1 point 5: a family is not eligible when, at screening, the child has an ongoing
episode of any outcome-criteria child-protection service (Helsinki: codes 1–8). Those are the
contract's services except the school one, see :func:`corrective_services`. Which services count
should become a contract parameter; until then this constant holds the exception.
"""

LEAP_DAY_BIRTHDAY_IN_COMMON_YEAR = (2, 28)
"""(month, day) on which a child born on 29 February has their birthday in a common year.

Finnish rule, applied here by analogy: *Laki säädettyjen määräaikain laskemisesta* (150/1930) 3 §:
a period counted in years ends on the day of the month with the same number; "if that month has no
such day, the last day of the month is the last day of the period". A period of *n* years from
29 February therefore ends on 28 February of a common year, so the child reaches age *n* on
28 February (https://finlex.fi/fi/laki/ajantasa/1930/19300150). Swedish law has the same rule
(lag 1930:173 1 §). Some other jurisdictions use 1 March instead (e.g. the United Kingdom, New
Zealand); should the contract parties agree on that, change this constant to (3, 1) and the
leap-day scenarios in ``tests/eligibility/scenarios/age.yaml``.
"""


@dataclass(frozen=True)
class Referral:
    """One referral of a child, as read from a referral file (DESIGN.md 3).

    ``hetu`` is the child's normalised identity code (:func:`sibyl.identity.normalise`);
    ``ongoing_services`` the service codes with an episode ongoing on ``referred_on``.
    """

    referral_id: str
    hetu: str
    referred_on: date
    district: str
    referral_source: ReferralSource
    concentration: bool = False
    behaviour: bool = False
    social_interaction: bool = False
    emotional_life: bool = False
    parent_no_education: bool = False
    parent_out_of_work: bool = False
    parenting_difficulties: bool = False
    stressful_life_situation: bool = False
    ongoing_services: frozenset[int] = field(default_factory=frozenset)
    line: int | None = None


@dataclass(frozen=True)
class CriterionResult:
    """One criterion of one referral: its code, whether it is met, and why (in words)."""

    code: CriterionCode
    met: bool
    evidence: str


@dataclass(frozen=True)
class Decision:
    """The screening of one referral: every criterion, and the codes of those that failed."""

    referral_id: str
    eligible: bool
    criteria: list[CriterionResult]
    failed: list[str]


# ---------------------------------------------------------------------------------------------
# Helpers.


def birthday_in(birth: date, year: int) -> date:
    """The child's birthday in ``year`` (29 February: see
    :data:`LEAP_DAY_BIRTHDAY_IN_COMMON_YEAR`)."""
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        month, day = LEAP_DAY_BIRTHDAY_IN_COMMON_YEAR
        return date(year, month, day)
    return date(year, birth.month, birth.day)


def age_on(birth: date, day: date) -> int:
    """Full years of a child born on ``birth`` on ``day``: one more from the birthday on."""
    years = day.year - birth.year
    if day < birthday_in(birth, day.year):
        years -= 1
    return years


def parameter_on(contract: Contract, name: str, day: date) -> Any:
    """The contract parameter in force on ``day``, or its first value for an earlier day."""
    first = contract.parameter(name).first_start()
    return contract.value(name, max(day, first))


def normalise_district(name: str) -> str:
    """A district name for comparison: Unicode NFC, case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def corrective_services(contract: Contract) -> frozenset[int]:
    """The contract's heavy corrective services (Helsinki: 1–8), DOMAIN.md 2.1 point 5."""
    return frozenset(contract.services) - SCHOOL_SUPPORT_SERVICES


def _codes(codes: Iterable[int]) -> str:
    ordered = sorted(codes)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}–{ordered[-1]}"
    return ", ".join(str(code) for code in ordered)


def _words(names: Iterable[str]) -> str:
    return ", ".join(name.replace("_", " ") for name in names) or "none"


# ---------------------------------------------------------------------------------------------
# The rules: one per criterion.


def age(referral: Referral, contract: Contract) -> CriterionResult:
    """DOMAIN.md 2.1: at least ``min_age_years`` and not yet ``max_age_years`` on the referral
    date, the age by :func:`age_on` (29 February: :data:`LEAP_DAY_BIRTHDAY_IN_COMMON_YEAR`)."""
    day = referral.referred_on
    low = parameter_on(contract, "min_age_years", day)
    high = parameter_on(contract, "max_age_years", day)
    years = age_on(identity.birth_date(referral.hetu), day)
    met = low <= years < high
    return CriterionResult(
        "age",
        met,
        f"{years} years old on {day.isoformat()}; the contract accepts children of at least "
        f"{low} and under {high} years",
    )


def difficulties(referral: Referral, contract: Contract) -> CriterionResult:
    """DOMAIN.md 2.1 point 1: more than one difficulty of self-regulation."""
    present = [name for name in DIFFICULTIES if getattr(referral, name)]
    return CriterionResult(
        "difficulties",
        len(present) >= MIN_DIFFICULTIES,
        f"{len(present)} difficulties ({_words(present)}); at least {MIN_DIFFICULTIES} needed",
    )


def parent_situation(referral: Referral, contract: Contract) -> CriterionResult:
    """DOMAIN.md 2.1 point 2: a parent without education beyond basic school or out of work."""
    present = [name for name in PARENT_SITUATIONS if getattr(referral, name)]
    return CriterionResult(
        "parent_situation",
        bool(present),
        f"{_words(present)}; one of {_words(PARENT_SITUATIONS)} needed",
    )


def family_situation(referral: Referral, contract: Contract) -> CriterionResult:
    """DOMAIN.md 2.1 point 3: difficulties in parenting or a stressful life situation."""
    present = [name for name in FAMILY_SITUATIONS if getattr(referral, name)]
    return CriterionResult(
        "family_situation",
        bool(present),
        f"{_words(present)}; one of {_words(FAMILY_SITUATIONS)} needed",
    )


def district(referral: Referral, contract: Contract) -> CriterionResult:
    """DOMAIN.md 2.1 point 4: the family lives in one of the contract's districts."""
    districts = contract.spec.districts.items
    wanted = normalise_district(referral.district)
    met = any(normalise_district(name) == wanted for name in districts)
    shown = referral.district.strip() or "(none given)"
    return CriterionResult(
        "district", met, f"district {shown}; the contract's districts: {', '.join(districts)}"
    )


def referral_source(referral: Referral, contract: Contract) -> CriterionResult:
    """DOMAIN.md 2.1: the referral comes from a source the contract accepts."""
    accepted = contract.spec.referral_sources.items
    return CriterionResult(
        "referral_source",
        referral.referral_source in accepted,
        f"referred by {_words([referral.referral_source])}; the contract accepts "
        f"{_words(accepted)}",
    )


def ongoing_services(referral: Referral, contract: Contract) -> CriterionResult:
    """DOMAIN.md 2.1 point 5: no ongoing episode of a corrective service at screening."""
    corrective = corrective_services(contract)
    ongoing = referral.ongoing_services & corrective
    if ongoing:
        names = "; ".join(f"{code} ({contract.services[code].name.en})" for code in sorted(ongoing))
        evidence = f"ongoing corrective services: {names}"
    else:
        evidence = f"no ongoing episode of services {_codes(corrective)}"
        others = sorted(referral.ongoing_services - corrective)
        if others:
            evidence += f" (ongoing {_codes(others)}, which does not count)"
    return CriterionResult("ongoing_services", not ongoing, evidence)


def enrolment_window(referral: Referral, contract: Contract) -> CriterionResult:
    """DOMAIN.md 2.1: the referral date is inside the contract's enrolment window."""
    start, end = contract.enrolment_start, contract.enrolment_end
    day = referral.referred_on
    return CriterionResult(
        "enrolment_window",
        start <= day <= end,
        f"referred on {day.isoformat()}; the enrolment window is {start.isoformat()} to "
        f"{end.isoformat()}",
    )


Rule = Callable[[Referral, Contract], CriterionResult]

RULES: tuple[Rule, ...] = (
    age,
    difficulties,
    parent_situation,
    family_situation,
    district,
    referral_source,
    ongoing_services,
    enrolment_window,
)
"""Every criterion of DOMAIN.md 2.1, in the order decisions list them."""

CRITERIA: tuple[str, ...] = tuple(rule.__name__ for rule in RULES)


def screen(referral: Referral, contract: Contract) -> Decision:
    """Screen one referral: eligible when every criterion is met."""
    criteria = [rule(referral, contract) for rule in RULES]
    failed = sorted(result.code for result in criteria if not result.met)
    return Decision(referral.referral_id, not failed, criteria, failed)
