"""Reading contract files of an older format.

Format 1 (before payment mechanisms were plug-ins) had no ``format`` key; its only payment rule
was the base per child-year minus the priced use of every service, with ``base_per_child_year``
and ``netting`` among the ``parameters``, and its target group was written in the code: the
Helsinki criteria of DOMAIN.md 2.1, the school service (9) not counting as a corrective service,
and the city paying on 30 June of the following year. A format-1 file is read as the format-2
file that says exactly that, so that a statement made under a format-1 file (whose text the store
keeps) can still be explained from it. The file itself is never rewritten; its SHA-256 stays what
it was.
"""

from __future__ import annotations

import copy
from typing import Any

FORMAT = 2
FORMAT_1_COMPONENT = "outcome_payment"
FORMAT_1_MECHANISM = "priced_deductions"
"""The one payment component a format-1 contract had, and its mechanism (also the component of a
statement stored before components were recorded)."""

_FORMAT_1 = "the contract format 1 (the rule of Sibyl before payment mechanisms were plug-ins)"


def _text(fi: str, en: str, sv: str) -> dict[str, str]:
    return {"fi": fi, "en": en, "sv": sv}


FORMAT_1_ITEMS: list[dict[str, Any]] = [
    {
        "code": "concentration",
        "question": _text(
            "Keskittymisen vaikeuksia", "Difficulties of concentration", "Koncentrationssvårigheter"
        ),
    },
    {
        "code": "behaviour",
        "question": _text(
            "Käyttäytymisen vaikeuksia", "Difficulties of behaviour", "Beteendesvårigheter"
        ),
    },
    {
        "code": "social_interaction",
        "question": _text(
            "Sosiaalisen vuorovaikutuksen vaikeuksia",
            "Difficulties of social interaction",
            "Svårigheter i social interaktion",
        ),
    },
    {
        "code": "emotional_life",
        "question": _text(
            "Tunne-elämän vaikeuksia", "Difficulties of emotional life", "Svårigheter i känslolivet"
        ),
    },
    {
        "code": "parent_no_education",
        "question": _text(
            "Vanhemmalla ei perusasteen jälkeistä koulutusta",
            "A parent has no education beyond basic school",
            "En förälder saknar utbildning efter grundskolan",
        ),
    },
    {
        "code": "parent_out_of_work",
        "question": _text(
            "Vanhempi on työelämän ulkopuolella",
            "A parent is out of working life",
            "En förälder står utanför arbetslivet",
        ),
    },
    {
        "code": "parenting_difficulties",
        "question": _text(
            "Vanhemmuuden vaikeuksia", "Difficulties in parenting", "Svårigheter i föräldraskapet"
        ),
    },
    {
        "code": "stressful_life_situation",
        "question": _text(
            "Kuormittava elämäntilanne", "A stressful life situation", "En belastande livssituation"
        ),
    },
]

FORMAT_1_CRITERIA: list[dict[str, Any]] = [
    {
        "code": "age",
        "question": _text(
            "Onko lapsi ohjauspäivänä ikärajojen sisällä?",
            "Is the child within the age limits on the referral date?",
            "Är barnet inom åldersgränserna på remissdagen?",
        ),
        "rule": "age_between",
        "evidence": "the age in whole years on the referral date, from the identity code",
        "reference": _FORMAT_1,
    },
    {
        "code": "difficulties",
        "question": _text(
            "Onko lapsella useampi kuin yksi itsesäätelyn vaikeus?",
            "Does the child have more than one difficulty of self-regulation?",
            "Har barnet fler än en svårighet med självreglering?",
        ),
        "rule": "at_least",
        "items": ["concentration", "behaviour", "social_interaction", "emotional_life"],
        "count": 2,
        "evidence": "the difficulties the referral marks",
        "reference": _FORMAT_1,
    },
    {
        "code": "parent_situation",
        "question": _text(
            "Onko vanhempi vailla jatkokoulutusta tai työelämän ulkopuolella?",
            "Has a parent no education beyond basic school, or is a parent out of work?",
            "Saknar en förälder vidareutbildning eller står utanför arbetslivet?",
        ),
        "rule": "any_of",
        "items": ["parent_no_education", "parent_out_of_work"],
        "evidence": "the parent's situation the referral marks",
        "reference": _FORMAT_1,
    },
    {
        "code": "family_situation",
        "question": _text(
            "Onko perheellä vanhemmuuden vaikeuksia tai kuormittava elämäntilanne?",
            "Has the family difficulties in parenting or a stressful life situation?",
            "Har familjen svårigheter i föräldraskapet eller en belastande livssituation?",
        ),
        "rule": "any_of",
        "items": ["parenting_difficulties", "stressful_life_situation"],
        "evidence": "the family's situation the referral marks",
        "reference": _FORMAT_1,
    },
    {
        "code": "district",
        "question": _text(
            "Asuuko perhe sopimuksen alueella?",
            "Does the family live in one of the contract's districts?",
            "Bor familjen i ett av avtalets distrikt?",
        ),
        "rule": "district_in",
        "evidence": "the district the referral gives",
        "reference": _FORMAT_1,
    },
    {
        "code": "referral_source",
        "question": _text(
            "Tuleeko ohjaus hyväksytyltä ohjaajalta?",
            "Does the referral come from an accepted source?",
            "Kommer remissen från en godkänd remittent?",
        ),
        "rule": "referral_source_in",
        "evidence": "who referred the child",
        "reference": _FORMAT_1,
    },
    {
        "code": "ongoing_services",
        "question": _text(
            "Onko lapsi ilman käynnissä olevaa korjaavaa palvelua?",
            "Is the child without an ongoing corrective service?",
            "Är barnet utan pågående korrigerande tjänst?",
        ),
        "rule": "no_ongoing_services",
        "services": [1, 2, 3, 4, 5, 6, 7, 8],
        "evidence": "the register's episodes ongoing on the referral date",
        "reference": _FORMAT_1,
    },
    {
        "code": "enrolment_window",
        "question": _text(
            "Onko ohjaus tehty mukaantuloaikana?",
            "Is the referral inside the enrolment window?",
            "Är remissen gjord inom inskrivningsperioden?",
        ),
        "rule": "in_enrolment_window",
        "evidence": "the referral date",
        "reference": _FORMAT_1,
    },
]


def upgrade(data: Any) -> tuple[Any, int | None]:
    """The contract's data in the current format, and the format it was read from (``None`` when
    it is already current). Anything that is not a format-1 contract is returned as it is, for
    the model to judge."""
    if not isinstance(data, dict) or "format" in data:
        return data, None
    parameters = data.get("parameters")
    if not isinstance(parameters, dict):
        return {"format": FORMAT, **data}, 1
    upgraded = copy.deepcopy(data)
    parameters = upgraded["parameters"]
    component: dict[str, Any] = {
        "id": FORMAT_1_COMPONENT,
        "mechanism": FORMAT_1_MECHANISM,
        "description": "The base per child-year minus the priced use of the contract's services.",
        "reference": _FORMAT_1,
    }
    for name in ("base_per_child_year", "netting"):
        if name in parameters:
            component[name] = parameters.pop(name)
    upgraded["format"] = FORMAT
    upgraded.setdefault(
        "eligibility",
        {
            "description": "The target group as format 1 had it (DOMAIN.md 2.1).",
            "reference": _FORMAT_1,
            "items": copy.deepcopy(FORMAT_1_ITEMS),
            "criteria": copy.deepcopy(FORMAT_1_CRITERIA),
        },
    )
    upgraded.setdefault(
        "payment",
        {
            "description": "The outcome payment as format 1 had it.",
            "reference": _FORMAT_1,
            "pay_day": {
                "month": 6,
                "day": 30,
                "description": "A year's outcome payment is paid on 30 June of the next year.",
                "reference": _FORMAT_1,
            },
            "components": [component],
        },
    )
    return upgraded, 1
