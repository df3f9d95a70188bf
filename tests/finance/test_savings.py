"""The savings case and its calibration to the seed's EUR 7.7 M."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from test_irr_cap import run

from sibyl.errors import SibylInputError
from sibyl.finance.savings import (
    calibrate_scale,
    child_years,
    expected_payment_per_child_year,
    gross_saving_exact,
    savings_case,
)
from sibyl.finance.scenario import builtin_scenario_path, load_scenario, write_with_scale


@pytest.fixture(scope="module")
def base():
    return load_scenario("helsinki-base")


def test_builtin_scenario__reproduces_the_seed_to_the_euro(base):
    assert abs(gross_saving_exact(base) - Decimal(7_700_000)) < Decimal("0.5")
    case = savings_case(base)
    assert abs(case.total("gross_saving") - Decimal(7_700_000)) <= Decimal("1")


def test_calibration__from_an_uncalibrated_file_to_the_euro(base, tmp_path):
    uncalibrated = tmp_path / "one.yaml"
    write_with_scale(base, Decimal(1), "Uncalibrated.", uncalibrated)
    scenario = load_scenario(uncalibrated)
    assert scenario.scale == 1
    code, _out, err = run(
        "savings",
        "--scenario",
        str(uncalibrated),
        "--calibrate",
        "7700000",
        "--out",
        str(tmp_path / "cal.yaml"),
    )
    assert code == 0, err
    calibrated = load_scenario(tmp_path / "cal.yaml")
    assert calibrated.scale == base.scale
    assert round(gross_saving_exact(calibrated)) == 7_700_000
    # Only the scale and its source change; the rest of the file, comments included, stays.
    before = uncalibrated.read_text(encoding="utf-8").splitlines()
    after = (tmp_path / "cal.yaml").read_text(encoding="utf-8").splitlines()
    assert len(before) == len(after)
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 2


def test_gross_saving_is_linear_in_scale_and_effect(base):
    calibrated = calibrate_scale(base, Decimal(3_850_000))
    assert abs(calibrated / base.scale - Decimal("0.5")) < Decimal("1e-13")


def test_child_years__closed_form_without_dropout(base):
    # Without dropout, a child enrolled in year e is followed (days+1)/(2·days) of year e and
    # every year after it to 2032: 200 × Σ_e pace_e × (share_e + 2032 − e).
    base.dropout_per_year = Decimal(0)
    try:
        total = sum(sum(by_age.values()) for by_age in child_years(base).values())
        expected = Decimal(0)
        for year, pace in base.enrolment_pace.items():
            days = Decimal(366 if year % 4 == 0 else 365)
            expected += 200 * pace * ((days + 1) / (2 * days) + (2032 - year))
        assert abs(total - expected) < Decimal("1e-20")
    finally:
        base.dropout_per_year = Decimal("0.011")


def test_expected_payment__enumerates_the_combinations():
    # Two services: p 0.5 and 0.25, 3,000 and 500,000 cents; base 400,000 cents.
    # E = 0.5·0.75·400000 + 0.5·0.75·397000 + (·0.25 → deductions over the base) = 298,875.
    value = expected_payment_per_child_year(
        400_000, np.array([0.5, 0.25]), np.array([3_000, 500_000])
    )
    assert value == pytest.approx(0.375 * 400_000 + 0.375 * 397_000)


def test_savings_cli__prints_the_case(tmp_path):
    code, out, _ = run("savings", "--scenario", "helsinki-base")
    assert code == 0
    assert "7,700,000" in out
    assert "2032" in out


def test_bad_scenario__one_sentence_with_the_key(tmp_path, base):
    text = builtin_scenario_path("helsinki-base").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("value: 0.40", "value: 1.40"), encoding="utf-8")
    with pytest.raises(SibylInputError, match=r"intervention\.effect_size"):
        load_scenario(bad)
    code, _, err = run("savings", "--scenario", str(bad))
    assert code == 2
    assert "line" in err
