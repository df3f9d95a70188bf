"""Eligibility: the target group of a contract (DOMAIN.md 2.1), criterion by criterion.

A contract states its own target group (``eligibility`` in the contract file): the yes/no
questions a referral answers (its *items*) and the *criteria*, each decided by one of Sibyl's rule
kinds with the contract's arguments. This module holds one small named function per rule kind
(:data:`RULES`); :func:`screen` runs the contract's criteria in the contract's order and combines
them into a :class:`Decision`: a referral is eligible when every criterion is met. Each rule
returns a :class:`CriterionResult`: the criterion's code, whether it is met and the evidence in
words.

=======================  ======================================================================
rule kind                met when
=======================  ======================================================================
``age_between``          the child is at least ``min_age_years`` and under ``max_age_years``
                         (contract parameters) on the referral date, the age taken from the
                         identity code's birth date: 3 on the third birthday, 7 on the seventh
                         (:func:`age_on`)
``at_least``             at least ``count`` of the criterion's ``items`` are answered yes
``any_of``               one or more of the criterion's ``items`` is answered yes
``all_of``               every one of the criterion's ``items`` is answered yes
``district_in``          the family's district is one of the contract's districts (letter case
                         and surrounding or repeated spaces ignored; ``ä`` and ``ö`` are letters
                         of their own, so ``Mellunkyla`` is not ``Mellunkylä``)
``referral_source_in``   the referral comes from one of the contract's accepted sources
``no_ongoing_services``  no ongoing episode, on the referral date, of the criterion's
                         ``services`` (Helsinki: 1–8, the heavy corrective services)
``in_enrolment_window``  the referral date is inside the contract's enrolment window (both ends
                         inclusive)
=======================  ======================================================================

An item a referral does not answer counts as answered no; :func:`unknown_answers` names the
answers to questions the contract does not ask (the store refuses such a referral). A parameter
is read as in force on the referral date; a referral dated before a parameter's first value
takes that first value (the enrolment window criterion refuses such a referral anyway).

Only :mod:`sibyl.identity` interprets identity codes; the evidence never shows one.
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

from sibyl import identity
from sibyl.contract import Contract
from sibyl.contract.model import Criterion, CriterionRule, ReferralItem, ReferralSource

__all__ = [
    "LEAP_DAY_BIRTHDAY_IN_COMMON_YEAR",
    "RULES",
    "CriterionResult",
    "Decision",
    "Referral",
    "ReferralSource",
    "age_on",
    "criteria_codes",
    "items_of",
    "parameter_on",
    "screen",
    "screened_services",
    "unknown_answers",
]

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
    ``answers`` the referral's yes/no answers to the contract's items (item code → answer; an
    item not answered counts as no); ``ongoing_services`` the service codes with an episode
    ongoing on ``referred_on``.
    """

    referral_id: str
    hetu: str
    referred_on: date
    district: str
    referral_source: ReferralSource
    answers: Mapping[str, bool] = field(default_factory=dict)
    ongoing_services: frozenset[int] = field(default_factory=frozenset)
    line: int | None = None

    def answered_yes(self, item: str) -> bool:
        """Whether the referral answers the item yes (not answered: no)."""
        return bool(self.answers.get(item, False))


@dataclass(frozen=True)
class CriterionResult:
    """One criterion of one referral: its code, whether it is met, and why (in words)."""

    code: str
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


def items_of(contract: Contract) -> list[ReferralItem]:
    """The yes/no questions the contract's referrals answer, in the contract's order."""
    return list(contract.spec.eligibility.items)


def criteria_codes(contract: Contract) -> tuple[str, ...]:
    """The codes of the contract's criteria, in the contract's order."""
    return tuple(criterion.code for criterion in contract.spec.eligibility.criteria)


def screened_services(contract: Contract) -> frozenset[int]:
    """The services whose ongoing episode makes a referral not eligible: those of the contract's
    ``no_ongoing_services`` criteria (Helsinki: 1–8, DOMAIN.md 2.1 point 5)."""
    return frozenset(
        code
        for criterion in contract.spec.eligibility.criteria
        if criterion.rule == "no_ongoing_services"
        for code in criterion.services
    )


def unknown_answers(referral: Referral, contract: Contract) -> list[str]:
    """The referral's answers to questions that are not items of the contract, sorted."""
    known = {item.code for item in items_of(contract)}
    return sorted(set(referral.answers) - known)


def _codes(codes: Iterable[int]) -> str:
    ordered = sorted(codes)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}–{ordered[-1]}"
    return ", ".join(str(code) for code in ordered)


def _words(names: Iterable[str]) -> str:
    return ", ".join(name.replace("_", " ") for name in names) or "none"


def _marked(referral: Referral, criterion: Criterion) -> list[str]:
    """The criterion's items the referral answers yes, in the criterion's order."""
    return [item for item in criterion.items if referral.answered_yes(item)]


# ---------------------------------------------------------------------------------------------
# The rule kinds: one function each, named as the contract file names it.


def age_between(referral: Referral, contract: Contract, criterion: Criterion) -> CriterionResult:
    """At least ``min_age_years`` and not yet ``max_age_years`` on the referral date, the age by
    :func:`age_on` (29 February: :data:`LEAP_DAY_BIRTHDAY_IN_COMMON_YEAR`)."""
    day = referral.referred_on
    low = parameter_on(contract, "min_age_years", day)
    high = parameter_on(contract, "max_age_years", day)
    years = age_on(identity.birth_date(referral.hetu), day)
    return CriterionResult(
        criterion.code,
        low <= years < high,
        f"{years} years old on {day.isoformat()}; the contract accepts children of at least "
        f"{low} and under {high} years",
    )


def at_least(referral: Referral, contract: Contract, criterion: Criterion) -> CriterionResult:
    """At least ``count`` of the criterion's items answered yes (Helsinki: more than one
    difficulty of self-regulation, DOMAIN.md 2.1 point 1). The evidence counts them in the
    criterion's own word: ``2 difficulties (concentration, behaviour); at least 2 needed``."""
    present = _marked(referral, criterion)
    needed = criterion.count or 1
    return CriterionResult(
        criterion.code,
        len(present) >= needed,
        f"{len(present)} {_words([criterion.code])} ({_words(present)}); at least {needed} needed",
    )


def any_of(referral: Referral, contract: Contract, criterion: Criterion) -> CriterionResult:
    """One or more of the criterion's items answered yes (Helsinki: DOMAIN.md 2.1 points 2
    and 3)."""
    present = _marked(referral, criterion)
    return CriterionResult(
        criterion.code,
        bool(present),
        f"{_words(present)}; one of {_words(criterion.items)} needed",
    )


def all_of(referral: Referral, contract: Contract, criterion: Criterion) -> CriterionResult:
    """Every one of the criterion's items answered yes."""
    present = _marked(referral, criterion)
    return CriterionResult(
        criterion.code,
        len(present) == len(criterion.items),
        f"{_words(present)}; all of {_words(criterion.items)} needed",
    )


def district_in(referral: Referral, contract: Contract, criterion: Criterion) -> CriterionResult:
    """The family lives in one of the contract's districts (Helsinki: DOMAIN.md 2.1 point 4)."""
    districts = contract.spec.districts.items
    wanted = normalise_district(referral.district)
    met = any(normalise_district(name) == wanted for name in districts)
    shown = referral.district.strip() or "(none given)"
    return CriterionResult(
        criterion.code, met, f"district {shown}; the contract's districts: {', '.join(districts)}"
    )


def referral_source_in(
    referral: Referral, contract: Contract, criterion: Criterion
) -> CriterionResult:
    """The referral comes from a source the contract accepts."""
    accepted = contract.spec.referral_sources.items
    return CriterionResult(
        criterion.code,
        referral.referral_source in accepted,
        f"referred by {_words([referral.referral_source])}; the contract accepts "
        f"{_words(accepted)}",
    )


def no_ongoing_services(
    referral: Referral, contract: Contract, criterion: Criterion
) -> CriterionResult:
    """No ongoing episode of the criterion's services at screening (Helsinki: the heavy
    corrective services 1–8, DOMAIN.md 2.1 point 5)."""
    corrective = frozenset(criterion.services)
    ongoing = referral.ongoing_services & corrective
    if ongoing:
        names = "; ".join(f"{code} ({contract.services[code].name.en})" for code in sorted(ongoing))
        evidence = f"ongoing corrective services: {names}"
    else:
        evidence = f"no ongoing episode of services {_codes(corrective)}"
        others = sorted(referral.ongoing_services - corrective)
        if others:
            evidence += f" (ongoing {_codes(others)}, which does not count)"
    return CriterionResult(criterion.code, not ongoing, evidence)


def in_enrolment_window(
    referral: Referral, contract: Contract, criterion: Criterion
) -> CriterionResult:
    """The referral date is inside the contract's enrolment window."""
    start, end = contract.enrolment_start, contract.enrolment_end
    day = referral.referred_on
    return CriterionResult(
        criterion.code,
        start <= day <= end,
        f"referred on {day.isoformat()}; the enrolment window is {start.isoformat()} to "
        f"{end.isoformat()}",
    )


Rule = Callable[[Referral, Contract, Criterion], CriterionResult]

RULES: dict[str, Rule] = {
    rule.__name__: rule
    for rule in (
        age_between,
        at_least,
        any_of,
        all_of,
        district_in,
        referral_source_in,
        no_ongoing_services,
        in_enrolment_window,
    )
}
"""The rule kinds a contract's criteria may name (``rule``), each by its function."""

if set(RULES) != set(get_args(CriterionRule)):  # pragma: no cover - a programming error
    raise ImportError("sibyl.eligibility has no function for every rule kind of the contract model")


def screen(referral: Referral, contract: Contract) -> Decision:
    """Screen one referral by the contract's criteria, in the contract's order: eligible when
    every criterion is met; ``failed`` holds the codes of the others, sorted."""
    criteria = [
        RULES[criterion.rule](referral, contract, criterion)
        for criterion in contract.spec.eligibility.criteria
    ]
    failed = sorted(result.code for result in criteria if not result.met)
    return Decision(referral.referral_id, not failed, criteria, failed)
