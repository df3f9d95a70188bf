"""The rules themselves: one per criterion, named by its code, and the age arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from sibyl.contract import load_contract
from sibyl.eligibility import CRITERIA, RULES, Referral, age_on, corrective_services, screen
from sibyl.identity import make


def test_rules__one_per_criterion_named_by_its_code() -> None:
    assert CRITERIA == (
        "age",
        "difficulties",
        "parent_situation",
        "family_situation",
        "district",
        "referral_source",
        "ongoing_services",
        "enrolment_window",
    )
    referral = Referral("r", make(date(2018, 6, 15), 123), date(2022, 9, 1), "", "other")
    decision = screen(referral, load_contract("helsinki"))
    assert [result.code for result in decision.criteria] == [rule.__name__ for rule in RULES]
    assert decision.failed == sorted(decision.failed)
    assert not decision.eligible


def test_rules__corrective_services_are_the_contract_services_but_school_support() -> None:
    assert corrective_services(load_contract("helsinki")) == frozenset(range(1, 9))


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
