"""The Monte Carlo: reproducible for a seed, its mean converging to the analytic expectation, and
its vectorised cap and IRR agreeing with the exact ones."""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest
import pyxirr
from test_irr_cap import run

from sibyl.finance.cap import apply_cap
from sibyl.finance.cashflows import make_flow
from sibyl.finance.montecarlo import build_model, irr_vectorised, pro_rata, simulate
from sibyl.finance.savings import gross_saving_exact, savings_case
from sibyl.finance.scenario import load_scenario
from sibyl.money import from_cents, round_half_up_div


@pytest.fixture(scope="module")
def base():
    return load_scenario("helsinki-base")


@pytest.fixture(scope="module")
def small(base):
    """30 children enrolled in 2020, followed 2020–2022, no dropout, a certain effect size."""
    scenario = copy.copy(base)
    scenario.effect_size_sd = Decimal(0)
    scenario.children = 30
    scenario.enrolment_pace = {2020: Decimal(1)}
    scenario.followup_end_year = 2022
    return scenario


def test_same_seed_same_result_for_any_number_of_workers(base):
    one = simulate(base, 300, seed=11, batch_size=100)
    again = simulate(base, 300, seed=11, batch_size=100)
    two = simulate(base, 300, seed=11, batch_size=100, workers=2)
    other = simulate(base, 300, seed=12, batch_size=100)
    assert np.array_equal(one.computed, again.computed)
    assert np.array_equal(one.computed, two.computed)
    assert np.array_equal(one.irr, two.irr)
    assert not np.array_equal(one.computed, other.computed)


def test_mean_converges_to_the_analytic_expectation(small):
    # The analytic expectation (savings.savings_case) enumerates the 2^k combinations of services
    # per child-year; the Monte Carlo mean must be within 4 standard errors of it every year,
    # and the error must shrink as the runs grow (16× the runs: the standard error ÷ 4).
    expected = np.array([float(y.outcome_payments) for y in savings_case(small).years]) * 100
    result = simulate(small, 8000, seed=5, batch_size=2000)
    mean = result.computed.mean(0)
    se = result.computed.std(0, ddof=1) / np.sqrt(result.runs)
    assert np.all(np.abs(mean - expected) < 4 * se), (mean - expected) / se
    gross = float(gross_saving_exact(small)) * 100
    gross_se = result.gross_saving.std(ddof=1) / np.sqrt(result.runs)
    assert abs(result.gross_saving.mean() - gross) < 4 * gross_se
    few = simulate(small, 500, seed=6, batch_size=500)
    assert se[0] < few.computed[:, 0].std(ddof=1) / np.sqrt(500) / 3


def test_vectorised_cap_matches_the_exact_cap(base):
    result = simulate(base, 20, seed=3, batch_size=20)
    model = build_model(base)
    lag = timedelta(days=base.distribution_lag_days)
    for r in range(3):
        flows = [make_flow(f.date, f.amount, "contribution") for f in base.capital_calls]
        for yi, year in enumerate(base.years):
            capped = apply_cap(
                flows,
                from_cents(int(result.computed[r, yi])),
                base.payment_date(year),
                base.cap,
                base.distribution_lag_days,
            )
            assert abs(int(capped.payable * 100) - int(result.payable[r, yi])) <= 1
            flows.append(make_flow(base.payment_date(year) + lag, capped.payable, "distribution"))
        dates = [f.date for f in flows]
        amounts = [float(f.amount) for f in flows]
        assert result.irr[r] == pytest.approx(pyxirr.xirr(dates, amounts), abs=1e-7)
    assert model.cap == pytest.approx(0.08)


def test_uncertain_effect__spreads_the_results_around_the_same_mean(base, small):
    # 200 children: the shared effect size moves a whole run, the children's own luck averages.
    certain = copy.copy(small)
    certain.children = 200
    uncertain = copy.copy(certain)
    uncertain.effect_size_sd = Decimal("0.15")
    a = simulate(certain, 2000, seed=8, batch_size=1000)
    b = simulate(uncertain, 2000, seed=8, batch_size=1000)
    assert b.computed.sum(1).std() > 1.2 * a.computed.sum(1).std()
    se = np.hypot(a.gross_saving.std(), b.gross_saving.std()) / np.sqrt(2000)
    # Clipping at 0.95 is far from 0.40 ± 0.15, so the mean stays (within 4 standard errors).
    assert abs(a.gross_saving.mean() - b.gross_saving.mean()) < 4 * se


def test_vectorised_irr_matches_pyxirr_without_the_cap(base):
    scenario = copy.copy(base)
    scenario.cap = Decimal("5")
    result = simulate(scenario, 10, seed=4, batch_size=10)
    assert np.array_equal(result.payable, result.computed)
    lag = timedelta(days=base.distribution_lag_days)
    for r in range(3):
        dates = [f.date for f in base.capital_calls] + [
            base.payment_date(y) + lag for y in base.years
        ]
        amounts = [-float(f.amount) for f in base.capital_calls] + list(result.payable[r] / 100)
        assert result.irr[r] == pytest.approx(pyxirr.xirr(dates, amounts), abs=1e-7)


def test_simulate_cli__summary_table():
    code, out, err = run("simulate", "--scenario", "helsinki-base", "--runs", "200", "--seed", "1")
    assert code == 0, err
    assert "P(investors lose capital)" in out
    assert "P(city pays more than it saves)" in out
    assert "investors' IRR" in out


def test_simulate_cli__writes_the_charts(tmp_path):
    folder = tmp_path / "charts"
    code, _out, err = run("simulate", "--runs", "100", "--charts", str(folder))
    assert code == 0, err
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        f"{chart}.{suffix}"
        for chart in ("fund-cashflows", "cap", "fan", "irr")
        for suffix in ("png", "svg")
    )
    assert (folder / "fan.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (folder / "irr.svg").read_bytes()[:2000]


def test_vectorised_irr__losses_and_nothing_back(base):
    model = build_model(base)
    payable = np.zeros((3, len(base.years)), dtype=np.int64)
    payable[0, :] = 1_000_000  # EUR 10,000 a year back for EUR 3.0 M in: a heavy loss
    payable[1, :] = 20_000_000  # EUR 200,000 a year: a small loss
    irr = irr_vectorised(model, payable)
    lag = timedelta(days=base.distribution_lag_days)
    dates = [f.date for f in base.capital_calls] + [base.payment_date(y) + lag for y in base.years]
    for r in range(2):
        amounts = [-float(f.amount) for f in base.capital_calls] + list(payable[r] / 100)
        assert irr[r] == pytest.approx(pyxirr.xirr(dates, amounts), abs=1e-7)
    assert irr[2] == -1.0


def test_pro_rata_in_float_is_the_exact_half_up():
    rng = np.random.default_rng(0)
    for days in (365, 366):
        cents = rng.integers(0, 10**8, 200_000)
        fdays = rng.integers(0, days + 1, 200_000)
        expected = [
            round_half_up_div(int(c) * int(f), days) for c, f in zip(cents, fdays, strict=True)
        ]
        assert np.array_equal(pro_rata(cents, fdays, days), expected)
    # Exact ties (cents × fdays / days = k + 0.5) exist only for 366 days: cents = (2k + 1)·183.
    k = rng.integers(0, 10**6, 10_000)
    tie_cents = (2 * k + 1) * 183
    ties = pro_rata(tie_cents, np.ones(k.size, dtype=np.int64), 366)
    assert np.array_equal(ties, k + 1)
