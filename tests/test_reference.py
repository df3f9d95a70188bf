"""The reference implementation (tests/reference.py) against the hand-computed scenarios.

Each scenario's expected values were worked out by hand (the ``working`` in the file); here the
independent reference must arrive at exactly the same child-year lines, deduction lines and
totals. The engine is checked against the same files by the plugin in tests/scenarios.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from reference import (
    cents,
    difference_report,
    load_scenario,
    prices_from_rows,
    read_price_rows,
    reference_for_scenario,
    round_half_up,
    scenario_differences,
    scenario_files,
    working_days_in_year,
)

SCENARIOS = scenario_files()


def test_there_are_at_least_twenty_scenarios():
    assert len(SCENARIOS) >= 20


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_reference_agrees_with_the_hand_computed_scenario(path):
    scenario = load_scenario(path)
    child_years, lines, totals = reference_for_scenario(scenario)
    children = {
        key: dict(zip(("followup_days", "base", "deduction", "payment"), value, strict=True))
        for key, value in child_years.items()
    }
    line_rows = {
        key: dict(zip(("units", "amount"), value, strict=True)) for key, value in lines.items()
    }
    total_rows = {year: asdict(row) for year, row in totals.items()}
    differences = scenario_differences(scenario, children, line_rows, total_rows)
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
    child_years, lines, _ = reference_for_scenario(scenario)
    children = {
        key: dict(zip(("followup_days", "base", "deduction", "payment"), value, strict=True))
        for key, value in child_years.items()
    }
    line_rows = {
        key: dict(zip(("units", "amount"), value, strict=True)) for key, value in lines.items()
    }
    report = difference_report(
        scenario, scenario_differences(scenario, children, line_rows, {}), "The engine"
    )
    assert (
        "deduction line [child child-A, year 2023, service 1] amount: expected 915.41, got "
        "915.40" in report
    )
    assert "child-year [child child-B, year 2023]: expected (followup_days 365" in report
    assert "but there is no such line" in report
    assert "10 care days × 91.54 = 915.40" in report  # the working is shown


def test_every_scenario_file_reads():
    for path in SCENARIOS:
        scenario = load_scenario(path)
        assert isinstance(scenario.as_of, date), path.name
        assert scenario.working, f"{path.name} shows no working"
