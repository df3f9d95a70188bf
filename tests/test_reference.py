"""The reference implementation (tests/reference.py) against the hand-computed scenarios.

Each scenario's expected values were worked out by hand (the ``working`` in the file); here the
independent reference must arrive at exactly the same child-year lines (with each component's
figures), deduction lines, detail lines and totals: the scenarios of the settlement rules
(tests/scenarios) and each payment mechanism's own (src/sibyl/mechanisms/*/scenarios). The engine
is checked against the same files by the plugin in tests/scenarios.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from reference import (
    cents,
    difference_report,
    load_scenario,
    mechanism_scenario_files,
    months_later,
    prices_from_rows,
    read_price_rows,
    reference_for_scenario,
    round_half_up,
    scenario_differences,
    scenario_files,
    scenario_id,
    working_days_in_year,
)

SCENARIOS = scenario_files()
MECHANISM_SCENARIOS = mechanism_scenario_files()
EVERY_SCENARIO = SCENARIOS + MECHANISM_SCENARIOS


def test_there_are_at_least_twenty_scenarios():
    assert len(SCENARIOS) >= 20


def test_each_mechanism_has_scenarios():
    counts = {
        name: sum(1 for path in MECHANISM_SCENARIOS if path.parent.parent.name == name)
        for name in ("priced_deductions", "forecast_savings", "outcome_events")
    }
    assert counts["forecast_savings"] >= 8, counts
    assert counts["outcome_events"] >= 8, counts
    assert counts["priced_deductions"] >= 1, counts


@pytest.mark.parametrize("path", EVERY_SCENARIO, ids=[scenario_id(path) for path in EVERY_SCENARIO])
def test_reference_agrees_with_the_hand_computed_scenario(path):
    scenario = load_scenario(path)
    result = reference_for_scenario(scenario)
    differences = scenario_differences(
        scenario, result.children, result.lines, result.totals, result.details
    )
    assert not differences, difference_report(scenario, differences, "The reference")


def test_round_half_up__half_goes_up_and_below_half_goes_down():
    assert round_half_up(Fraction(15, 2)) == 8
    assert round_half_up(Fraction(13, 2)) == 7
    assert round_half_up(Fraction(9, 4)) == 2
    assert round_half_up(Fraction(15, 4)) == 4
    assert cents(Fraction(25125, 1000)) == Decimal("25.13")
    assert cents(Fraction(25124999, 1000000)) == Decimal("25.12")


def test_working_days_per_year_match_domain_md():
    # DOMAIN.md 3.2: Mon–Fri working days per year.
    expected = {2019: 251, 2020: 253, 2021: 253, 2022: 253, 2023: 251, 2024: 252, 2025: 251}
    expected |= {2026: 252, 2027: 253, 2028: 251, 2029: 251, 2030: 251, 2031: 251, 2032: 254}
    assert {year: working_days_in_year(year) for year in expected} == expected


def test_reference_prices__working_day_price_is_the_exact_fraction():
    prices, care_day_services, statuses = prices_from_rows(read_price_rows())
    assert prices[(2023, 5)] == Fraction(25845375, 8000 * 251)
    assert prices[(2023, 1)] == Fraction("91.54")
    assert care_day_services == {1, 2, 3, 6}
    assert statuses[2023] == {"confirmed"}
    assert statuses[2026] == {"provisional"}


def test_a_wrong_expectation_is_reported_readably():
    scenario = load_scenario(SCENARIOS[0].parent / "count_care_days_full_year.yaml")
    scenario.expected_lines[0]["amount"] = Decimal("915.41")
    scenario.expected_children.append(
        {"child": "child-B", "year": 2023, "followup_days": 365, "base": Decimal("4000.00")}
        | {"deduction": Decimal("0.00"), "payment": Decimal("4000.00")}
    )
    result = reference_for_scenario(scenario)
    report = difference_report(
        scenario, scenario_differences(scenario, result.children, result.lines, {}), "The engine"
    )
    assert (
        "deduction line [child child-A, year 2023, service 1] amount: expected 915.41, got "
        "915.40" in report
    )
    assert "child-year [child child-B, year 2023]: expected (followup_days 365" in report
    assert "but there is no such line" in report
    assert "10 care days × 91.54 = 915.40" in report  # the working is shown


def test_every_scenario_file_reads():
    for path in EVERY_SCENARIO:
        scenario = load_scenario(path)
        assert isinstance(scenario.as_of, date), path.name
        assert scenario.working, f"{path.name} shows no working"


def test_every_mechanism_scenario_names_its_rounding():
    # The brief of every mechanism scenario: money to the cent, the rounding rule named.
    for path in MECHANISM_SCENARIOS:
        assert "half up" in load_scenario(path).working, f"{path.name} names no rounding rule"


def test_months_later__the_same_day_number_or_the_last_day_of_the_month():
    assert months_later(date(2023, 3, 15), 24) == date(2025, 3, 15)
    assert months_later(date(2023, 8, 31), 18) == date(2025, 2, 28)
    assert months_later(date(2022, 8, 31), 18) == date(2024, 2, 29)
    assert months_later(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert months_later(date(2023, 12, 31), 12) == date(2024, 12, 31)
