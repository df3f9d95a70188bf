"""The rule kinds: one function each, the contract's criteria run in the contract's order, and
the age arithmetic."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date
from typing import Any, get_args

import pytest
from pydantic import ValidationError

from sibyl.contract import Contract, ContractSpec, load_contract
from sibyl.contract.model import CriterionRule
from sibyl.eligibility import (
    RULES,
    Referral,
    age_on,
    criteria_codes,
    screen,
    screened_services,
    unknown_answers,
)
from sibyl.identity import make

CHILD = make(date(2018, 6, 15), 123)


def eligible_in_helsinki(**answers: bool) -> Referral:
    """A referral that meets every Helsinki criterion, with some answers changed."""
    yes = {"concentration", "behaviour", "parent_out_of_work", "stressful_life_situation"}
    items = [item.code for item in load_contract("helsinki").spec.eligibility.items]
    return Referral(
        "r",
        CHILD,
        date(2022, 9, 1),
        "Vuosaari",
        "early_childhood_education",
        answers={**{item: item in yes for item in items}, **answers},
    )


def with_eligibility(contract: Contract, change) -> Contract:
    """The contract with its eligibility section changed by ``change`` (a function of the
    section as data), checked as a contract file would be."""
    data: dict[str, Any] = contract.spec.model_dump(mode="python", exclude_none=True)
    section = copy.deepcopy(data["eligibility"])
    change(section)
    data["eligibility"] = section
    return replace(contract, spec=ContractSpec.model_validate(data))


def test_rules__one_function_per_rule_kind_of_the_contract_model() -> None:
    assert set(RULES) == set(get_args(CriterionRule))
    assert all(RULES[name].__name__ == name for name in RULES)


def test_rules__helsinki_criteria_in_the_contract_order() -> None:
    helsinki = load_contract("helsinki")
    assert criteria_codes(helsinki) == (
        "age",
        "difficulties",
        "parent_situation",
        "family_situation",
        "district",
        "referral_source",
        "ongoing_services",
        "enrolment_window",
    )
    referral = Referral("r", CHILD, date(2022, 9, 1), "", "other")
    decision = screen(referral, helsinki)
    assert [result.code for result in decision.criteria] == list(criteria_codes(helsinki))
    assert decision.failed == sorted(decision.failed)
    assert not decision.eligible


def test_rules__the_screened_services_are_the_criterion_s_not_school_support() -> None:
    assert screened_services(load_contract("helsinki")) == frozenset(range(1, 9))


def test_screen__criteria_come_from_the_contract() -> None:
    """A copy of the Helsinki contract with one more item (``speech``) and a criterion
    ``speech_and_family`` (all_of: speech and parenting difficulties) screens by it, in the place
    the contract gives it, and its evidence names the items."""

    def add_speech(section: dict) -> None:
        section["items"].append(
            {"code": "speech", "question": {"fi": "Puheen vaikeuksia", "en": "Speech"}}
        )
        section["criteria"].insert(
            1,
            {
                "code": "speech_and_family",
                "question": {"fi": "Puhe ja perhe?", "en": "Speech and family?"},
                "rule": "all_of",
                "items": ["speech", "parenting_difficulties"],
                "evidence": "the items the referral marks",
                "reference": "a test",
            },
        )

    contract = with_eligibility(load_contract("helsinki"), add_speech)
    assert criteria_codes(contract)[:3] == ("age", "speech_and_family", "difficulties")

    both = screen(eligible_in_helsinki(speech=True, parenting_difficulties=True), contract)
    assert both.eligible
    assert both.criteria[1].evidence == (
        "speech, parenting difficulties; all of speech, parenting difficulties needed"
    )
    one = screen(eligible_in_helsinki(speech=True), contract)
    assert (one.eligible, one.failed) == (False, ["speech_and_family"])
    assert one.criteria[1].evidence == "speech; all of speech, parenting difficulties needed"
    # The same referral meets every criterion of Helsinki itself, which does not ask of speech.
    assert screen(eligible_in_helsinki(), load_contract("helsinki")).eligible
    assert unknown_answers(eligible_in_helsinki(speech=True), load_contract("helsinki")) == [
        "speech"
    ]
    assert unknown_answers(eligible_in_helsinki(speech=True), contract) == []


def test_screen__a_criterion_left_out_of_the_contract_is_not_screened() -> None:
    def no_districts(section: dict) -> None:
        section["criteria"] = [c for c in section["criteria"] if c["rule"] != "district_in"]

    contract = with_eligibility(load_contract("helsinki"), no_districts)
    decision = screen(replace(eligible_in_helsinki(), district="Kallio"), contract)
    assert decision.eligible
    assert "district" not in [result.code for result in decision.criteria]


def test_screen__an_item_not_answered_counts_as_no() -> None:
    referral = eligible_in_helsinki()
    unanswered = replace(referral, answers={"concentration": True, "behaviour": True})
    decision = screen(unanswered, load_contract("helsinki"))
    assert decision.failed == ["family_situation", "parent_situation"]
    assert decision.criteria[2].evidence == (
        "none; one of parent no education, parent out of work needed"
    )


def test_contract__an_item_may_not_take_the_name_of_a_referral_field() -> None:
    def district_item(section: dict) -> None:
        section["items"].append({"code": "district", "question": {"fi": "Alue", "en": "Area"}})

    with pytest.raises(ValidationError, match="name of a referral's own field"):
        with_eligibility(load_contract("helsinki"), district_item)


@pytest.mark.parametrize(
    ("born", "day", "years"),
    [
        (date(2019, 5, 3), date(2022, 5, 2), 2),
        (date(2019, 5, 3), date(2022, 5, 3), 3),
        (date(2016, 5, 3), date(2023, 5, 3), 7),
        (date(2020, 2, 29), date(2021, 2, 27), 0),
        (date(2020, 2, 29), date(2021, 2, 28), 1),  # 150/1930 3 §: the month's last day
        (date(2020, 2, 29), date(2024, 2, 28), 3),  # a leap year: the birthday is 29 February
        (date(2020, 2, 29), date(2024, 2, 29), 4),
        (date(2019, 3, 1), date(2020, 2, 29), 0),
        (date(2019, 12, 31), date(2020, 1, 1), 0),
    ],
)
def test_age_on__full_years_from_the_birthday(born: date, day: date, years: int) -> None:
    assert age_on(born, day) == years
