"""Monte Carlo of the cohort, the settlement, the return cap and the investors' IRR (NumPy,
vectorised, in batches, seeded).

One run draws, for each of the cohort's children: the enrolment year (the scenario's pace), the
enrolment day (uniform in the year), the age at enrolment, and the year and day of leaving
follow-up (``dropout_per_year``, uniform day). Then, for each year to the end of follow-up and
each of the nine services, whether the child uses the service (probability by age, lowered by the
intervention's effect) and, when used, the scenario's units for that age. With
``effect_size_sd`` above 0, each run first draws its own effect size (normal around
``effect_size``, clipped to [-0.5, 0.95]): the uncertainty about the intervention is shared by
all the children of a run, which is what makes the city's and the investors' results uncertain.

**Settlement, as the contract's rules, in integer cents.** A child-year's priced use lines are
``units × unit price`` rounded half up (:func:`sibyl.finance.savings.line_table`, exact contract
prices). Each payment component of the contract pays as its mechanism says
(:meth:`~sibyl.mechanisms.base.Mechanism.expected`): a base per child-year (by year and age),
the priced use of some services set against it, a share of what is left
(:func:`sibyl.settlement.netting.payment`), netted per child-year or over the cohort, then the
year's floor and cap; the components are added up. *Approximation:* service periods are not
simulated day by day; the register's units are replaced by "units per year when used", and in a
partial year (enrolment or exit) both the base and the deduction are the full-year amounts times
``follow-up days ÷ days of the year``, rounded half up to cents (DOMAIN.md 3.3 pro-rates the base
the same way). A rate card's claims are valued at their expectation per child-year.

**Fund and cap.** The payment for year ``y`` is paid on the scenario's payment date in ``y + 1``
and distributed to investors ``distribution_lag_days`` later. Each year's payable amount is
``min(computed, headroom)``, the headroom coming from the net present value at the cap rate of
the investors' flows so far (the same rule as :mod:`sibyl.finance.cap`, here in float64 for all
runs at once; the exact cent-by-cent solver is for real statements). The investors' flows are the
scenario's capital calls (negative) and these distributions; their XIRR (actual/365) is solved
for all runs at once by Newton's method (bisection where it does not settle).

**The city.** Gross saving of a run = expected counterfactual cost of the run's child-years (the
counterfactual is not observable, so its expectation is used) − the run's priced use; net saving =
gross saving − outcome payments after the cap − the city's own costs. "The city pays more than it
saves" means net saving < 0.

Batches use ``SeedSequence(seed).spawn``: batch ``i`` always gets the same stream, so results are
the same for any number of worker processes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

import numpy as np

from sibyl.contract import Contract, load_contract
from sibyl.finance.savings import days_in_year, expected_components, line_table, probability_table
from sibyl.finance.scenario import Scenario
from sibyl.money import to_cents
from sibyl.settlement.netting import half_up, net, shared


@dataclass
class Part:
    """One payment component, as arrays: how its child-years pay (picklable)."""

    lookup: np.ndarray  # (Y, AGES, 2^S) full-year deduction cents by the code of services used
    all_use: bool  # every service's priced use is deducted (lookup is the model's lines_lookup)
    base_by_days: np.ndarray  # (Y, AGES, 367) the base in cents for 0..366 follow-up days
    fixed_by_days: np.ndarray | None  # (Y, AGES, 367) expected claims in cents, or None
    cohort: np.ndarray  # (Y,) bool: netted over the cohort
    share_num: np.ndarray  # (Y,) int64
    share_den: np.ndarray  # (Y,) int64
    floor: np.ndarray  # (Y,) int64, -1 for none
    cap: np.ndarray  # (Y,) int64, -1 for none


@dataclass
class Model:
    """Everything a batch needs, as arrays (picklable for worker processes)."""

    children: int
    ages_count: int
    years: np.ndarray  # (Y,)
    days: np.ndarray  # (Y,) days of each year
    parts: list[Part]
    thresholds: np.ndarray  # (AGES, S) uint32: used if a uniform uint32 < threshold
    p_counterfactual: np.ndarray  # (AGES, S) float
    effect: float
    effect_sd: float  # > 0: each run draws its own effect size (uncertainty shared by the cohort)
    cf_expected: np.ndarray  # (Y, AGES) expected counterfactual cents of a full child-year
    lines_lookup: np.ndarray  # (Y, AGES, 2^S) the priced use in cents by the code of services
    min_age: int
    pace_years: np.ndarray  # enrolment years
    pace_cum: np.ndarray  # cumulative shares
    ages: np.ndarray
    age_cum: np.ndarray
    dropout: float
    # the fund
    call_days: np.ndarray  # days since origin of the capital calls
    call_cents: np.ndarray
    distribution_days: np.ndarray  # (Y,) days since origin of each year's distribution
    cap: float
    city_costs_cents: int


def _by_days(cents: np.ndarray, years: list[int]) -> np.ndarray:
    """``cents[y, a] × d ÷ days of the year`` rounded half up, for d = 0..366."""
    d = np.arange(367, dtype=np.int64)
    days = np.array([days_in_year(y) for y in years], dtype=np.int64)
    return half_up(cents[:, :, None] * d[None, None, :], days[:, None, None]).astype(np.int64)


def build_model(scenario: Scenario, contract: Contract | None = None) -> Model:
    contract = contract or load_contract(scenario.contract)
    years = scenario.years
    lines = line_table(contract, scenario)  # (Y, AGES, S) int64
    count = len(scenario.services)
    codes = np.arange(2**count)
    bits = (codes[:, None] >> np.arange(count)[None, :]) & 1  # (2^S, S)
    parts = []
    for part in expected_components(contract, scenario, lines):
        weighted = lines * part.deduction_weight[None, None, :]
        rules = part.rule_by_year
        fixed = None
        if part.fixed_cents is not None:
            fixed = _by_days(np.rint(part.fixed_cents).astype(np.int64), years)
        parts.append(
            Part(
                lookup=np.einsum("yas,cs->yac", weighted, bits).astype(np.int64),
                all_use=bool(part.deduction_weight.all()),
                base_by_days=_by_days(part.base_cents.astype(np.int64), years),
                fixed_by_days=fixed,
                cohort=np.array([r.netting == "cohort_year" for r in rules]),
                share_num=np.array([r.share.numerator for r in rules], dtype=np.int64),
                share_den=np.array([r.share.denominator for r in rules], dtype=np.int64),
                floor=np.array(
                    [-1 if r.floor_cents is None else r.floor_cents for r in rules], np.int64
                ),
                cap=np.array([-1 if r.cap_cents is None else r.cap_cents for r in rules], np.int64),
            )
        )
    p_with = probability_table(scenario, counterfactual=False)
    p_cf = probability_table(scenario, counterfactual=True)
    thresholds = np.minimum(np.floor(p_with * 2.0**32), 2.0**32 - 1).astype(np.uint32)
    origin = scenario.capital_calls[0].date if scenario.capital_calls else date(years[0], 1, 1)
    lag = timedelta(days=scenario.distribution_lag_days)
    distribution_days = np.array(
        [(scenario.payment_date(y) + lag - origin).days for y in years], dtype=np.float64
    )
    pace_years = np.array(sorted(scenario.enrolment_pace))
    ages = np.array(sorted(scenario.age_at_enrolment))
    return Model(
        children=scenario.children,
        ages_count=len(scenario.ages),
        years=np.array(years),
        days=np.array([days_in_year(y) for y in years], dtype=np.int64),
        parts=parts,
        thresholds=thresholds,
        p_counterfactual=p_cf,
        effect=float(scenario.effect_size),
        effect_sd=float(scenario.effect_size_sd),
        cf_expected=(p_cf[None, :, :] * lines).sum(-1),
        lines_lookup=np.einsum("yas,cs->yac", lines, bits).astype(np.int64),
        min_age=scenario.min_age,
        pace_years=pace_years,
        pace_cum=np.cumsum([float(scenario.enrolment_pace[y]) for y in pace_years]),
        ages=ages,
        age_cum=np.cumsum([float(scenario.age_at_enrolment[a]) for a in ages]),
        dropout=float(scenario.dropout_per_year),
        call_days=np.array([(f.date - origin).days for f in scenario.capital_calls], float),
        call_cents=np.array([to_cents(f.amount) for f in scenario.capital_calls], np.int64),
        distribution_days=distribution_days,
        cap=float(scenario.cap),
        city_costs_cents=to_cents(scenario.city_costs_per_year),
    )


def _pick(rng: np.random.Generator, cum: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    index = np.searchsorted(cum / cum[-1], rng.random(shape), side="right")
    return np.minimum(index, cum.size - 1)


def pro_rata(cents: np.ndarray, fdays: np.ndarray, days: int) -> np.ndarray:
    """``cents × fdays ÷ days`` rounded half up, exactly as integer arithmetic would.

    In float64: ``cents × fdays`` (below 2^53) is exact, the division is correctly rounded, and a
    quotient that is not a tie is at least ``1 / (2·days)`` away from one, so adding 0.5 and
    flooring gives the integer half-up result (tested against ``round_half_up_div``).
    """
    return np.floor(cents * fdays.astype(np.float64) / days + 0.5).astype(np.int64)


@dataclass
class Batch:
    computed: np.ndarray  # (runs, Y) cents, outcome payments before the cap
    use_cents: np.ndarray  # (runs,) priced use of the cohort (with intervention)
    cf_cents: np.ndarray  # (runs,) expected counterfactual cost of the run's child-years


def simulate_batch(model: Model, seed: np.random.SeedSequence, runs: int) -> Batch:
    """One batch of ``runs`` runs: the cohort's outcome payments per year, before the cap."""
    rng = np.random.Generator(np.random.SFC64(seed))
    n = model.children
    shape = (runs, n)
    n_years = len(model.years)
    year_start = np.concatenate([[0], np.cumsum(model.days)])  # day numbers from 1 Jan, year 0
    first_year = int(model.years[0])
    enrol_yi = model.pace_years[_pick(rng, model.pace_cum, shape)] - first_year
    enrol_day = np.floor(rng.random(shape) * model.days[enrol_yi]).astype(np.int64)
    enrol = year_start[enrol_yi] + enrol_day
    age_offset = model.ages[_pick(rng, model.age_cum, shape)] - enrol_yi - model.min_age
    if model.dropout > 0:
        exit_yi = np.minimum(enrol_yi + rng.geometric(model.dropout, size=shape), n_years)
    else:
        exit_yi = np.full(shape, n_years, dtype=np.int64)
    exit_days = np.concatenate([model.days, [1]])[exit_yi]
    exit_at = year_start[exit_yi] + np.floor(rng.random(shape) * exit_days).astype(np.int64)
    exit_at = np.where(exit_yi >= n_years, year_start[-1], exit_at)  # in follow-up to the end
    enrol, exit_at = enrol.astype(np.int32), exit_at.astype(np.int32)
    age_offset = age_offset.astype(np.int32)

    services = model.thresholds.shape[1]
    if model.effect_sd > 0:
        # The run's effect size, shared by all its children: normal, clipped to [-0.5, 0.95].
        effect = np.clip(rng.normal(model.effect, model.effect_sd, runs), -0.5, 0.95)
        scaled = model.p_counterfactual[None, :, :] * (1 - effect)[:, None, None] * 2.0**32
        run_thresholds = np.minimum(np.floor(scaled), 2.0**32 - 1).astype(np.uint32)
        row = (np.arange(runs, dtype=np.int32) * model.ages_count)[:, None]
    else:
        run_thresholds = None
    varying = [
        s for s in range(services) if (model.thresholds[:, s] != model.thresholds[-1, s]).any()
    ]
    computed = np.zeros((runs, n_years), dtype=np.int64)
    use = np.zeros(runs, dtype=np.int64)
    cf = np.zeros(runs, dtype=np.float64)
    for yi in range(n_years):
        days = int(model.days[yi])
        fdays = np.minimum(exit_at, year_start[yi + 1]) - np.maximum(enrol, year_start[yi])
        np.maximum(fdays, 0, out=fdays)
        if not fdays.any():
            continue
        age_index = np.clip(age_offset + yi, 0, model.ages_count - 1)
        # One uniform uint32 per child and service, compared with the service's threshold for
        # the child's age (a scalar for the services whose threshold is the same at every
        # age); the services used make a 9-bit code for the lookup table of deductions.
        raw = rng.bit_generator.random_raw((runs * n * services + 1) // 2)
        uniform = raw.view(np.uint32)[: runs * n * services].reshape(services, runs, n)
        code = np.zeros(shape, dtype=np.uint16)
        for service in range(services):
            if not model.p_counterfactual[:, service].any():
                continue  # never used
            if run_thresholds is not None:
                if service in varying:
                    flat = run_thresholds[:, :, service].ravel()
                    threshold = np.take(flat, row + age_index)
                else:
                    threshold = run_thresholds[:, -1, service][:, None]
            elif service in varying:
                threshold = np.take(model.thresholds[:, service], age_index)
            else:
                threshold = model.thresholds[-1, service]
            code |= (uniform[service] < threshold).astype(np.uint16) << service
        width = model.lines_lookup.shape[2]
        index = age_index * width + code
        # Pro rata for partial years (and 0 for children not in follow-up), half up, in cents.
        priced = pro_rata(np.take(model.lines_lookup[yi].ravel(), index), fdays, days)
        use += priced.sum(1)
        for part in model.parts:
            if part.all_use:
                deduction = priced
            else:
                deduction = pro_rata(np.take(part.lookup[yi].ravel(), index), fdays, days)
            base = np.take(part.base_by_days[yi].ravel(), age_index * 367 + fdays)
            num, den = int(part.share_num[yi]), int(part.share_den[yi])
            share = Fraction(num, den)
            if part.cohort[yi]:
                year = shared(net(base.sum(1), deduction.sum(1), maximum=np.maximum), share)
            else:
                year = shared(net(base, deduction, maximum=np.maximum), share).sum(1)
            if part.fixed_by_days is not None:
                year = year + np.take(part.fixed_by_days[yi].ravel(), age_index * 367 + fdays).sum(
                    1
                )
            active = (fdays > 0).any(1)
            if part.floor[yi] >= 0:
                year = np.where(active, np.maximum(year, part.floor[yi]), year)
            if part.cap[yi] >= 0:
                year = np.where(active, np.minimum(year, part.cap[yi]), year)
            computed[:, yi] += year
        cf += (np.take(model.cf_expected[yi], age_index) * fdays).sum(1) / days
    return Batch(computed, use, cf)


def apply_cap_vectorised(model: Model, computed: np.ndarray) -> np.ndarray:
    """Payable cents per run and year: each year ``min(computed, headroom at the cap)``."""
    factor = (1 + model.cap) ** (model.distribution_days / 365)  # value at t of 1 at origin
    npv = -(model.call_cents / (1 + model.cap) ** (model.call_days / 365)).sum()
    npv = np.full(computed.shape[0], npv, dtype=np.float64)
    payable = np.zeros_like(computed)
    for yi in range(computed.shape[1]):
        headroom = np.floor(np.maximum(-npv, 0) * factor[yi] * (1 - 1e-12)).astype(np.int64)
        payable[:, yi] = np.minimum(computed[:, yi], headroom)
        npv += payable[:, yi] / factor[yi]
    return payable


def _npv(amounts: np.ndarray, times: np.ndarray, rate: np.ndarray) -> np.ndarray:
    return (amounts * np.exp(-np.log1p(rate)[:, None] * times[None, :])).sum(1)


def irr_vectorised(model: Model, payable: np.ndarray) -> np.ndarray:
    """The investors' XIRR of each run (capital calls and the payable distributions).

    Newton's method from the cap rate (a few iterations: most runs sit at or near the cap), then
    bisection on ``(-0.9999, 10)`` for any run where Newton did not settle. A run with no
    distribution at all gets -1 (everything lost).
    """
    times = np.concatenate([model.call_days, model.distribution_days]) / 365
    amounts = np.concatenate(
        [np.broadcast_to(-model.call_cents, (payable.shape[0], model.call_cents.size)), payable],
        axis=1,
    ).astype(np.float64)
    rate = np.full(payable.shape[0], model.cap)
    for _ in range(12):
        discount = np.exp(-np.log1p(rate)[:, None] * times[None, :])
        value = (amounts * discount).sum(1)
        slope = -(amounts * discount * times[None, :]).sum(1) / (1 + rate)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.clip(rate - value / slope, -0.9999, 10.0)
    scale = np.abs(amounts).sum(1)
    with np.errstate(invalid="ignore"):
        unsettled = ~(np.abs(_npv(amounts, times, rate)) <= 1e-9 * scale)
    if unsettled.any():
        rows = amounts[unsettled]
        low = np.full(rows.shape[0], -0.9999)
        high = np.full(rows.shape[0], 10.0)
        for _ in range(80):
            middle = (low + high) / 2
            positive = _npv(rows, times, middle) > 0  # NPV falls as the rate rises
            low = np.where(positive, middle, low)
            high = np.where(positive, high, middle)
        rate[unsettled] = (low + high) / 2
    return np.where(payable.sum(1) > 0, rate, -1.0)


@dataclass
class Result:
    """All runs: cents arrays, runs in batch order."""

    years: np.ndarray
    computed: np.ndarray  # (runs, Y)
    payable: np.ndarray  # (runs, Y)
    irr: np.ndarray  # (runs,)
    gross_saving: np.ndarray  # (runs,) cents
    net_saving: np.ndarray  # (runs,) cents
    contributions: int  # cents

    @property
    def runs(self) -> int:
        return self.computed.shape[0]

    def summary(self) -> dict[str, float]:
        paid = self.payable.sum(1)
        return {
            "runs": self.runs,
            "p_investors_lose_capital": float((paid < self.contributions).mean()),
            "p_city_pays_more_than_it_saves": float((self.net_saving < 0).mean()),
            "p_cap_binds": float((self.payable.sum(1) < self.computed.sum(1)).mean()),
            "mean_outcome_payments": float(paid.mean()) / 100,
            "mean_irr": float(self.irr.mean()),
            "mean_net_saving": float(self.net_saving.mean()) / 100,
        }

    def percentiles(self, qs=(5, 25, 50, 75, 95)) -> dict[str, np.ndarray]:
        return {
            "outcome payments after the cap (EUR)": np.percentile(self.payable.sum(1), qs) / 100,
            "outcome payments before the cap (EUR)": np.percentile(self.computed.sum(1), qs) / 100,
            "investors' IRR": np.percentile(self.irr, qs),
            "city's gross saving (EUR)": np.percentile(self.gross_saving, qs) / 100,
            "city's net saving (EUR)": np.percentile(self.net_saving, qs) / 100,
        }


def _batch_job(args: tuple[Model, np.random.SeedSequence, int]) -> Batch:
    return simulate_batch(*args)


def simulate(
    scenario: Scenario,
    runs: int,
    seed: int | None = None,
    *,
    batch_size: int | None = None,
    workers: int = 1,
    contract: Contract | None = None,
    progress: Callable[[int], None] | None = None,
) -> Result:
    """``runs`` runs of the scenario. Same ``seed`` and ``batch_size``: same result, for any
    number of ``workers`` (processes)."""
    model = build_model(scenario, contract)
    size = batch_size or scenario.batch_size
    seed = scenario.seed if seed is None else seed
    sizes = [min(size, runs - start) for start in range(0, runs, size)]
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    jobs = [(model, s, k) for s, k in zip(seeds, sizes, strict=True)]
    batches: list[Batch] = []
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            for batch in pool.map(_batch_job, jobs):
                batches.append(batch)
                if progress:
                    progress(batch.computed.shape[0])
    else:
        for job in jobs:
            batches.append(_batch_job(job))
            if progress:
                progress(job[2])
    computed = np.concatenate([b.computed for b in batches])
    use = np.concatenate([b.use_cents for b in batches])
    cf = np.concatenate([b.cf_cents for b in batches])
    payable = apply_cap_vectorised(model, computed)
    gross = np.rint(cf).astype(np.int64) - use
    own = model.city_costs_cents * len(model.years)
    return Result(
        years=model.years,
        computed=computed,
        payable=payable,
        irr=irr_vectorised(model, payable),
        gross_saving=gross,
        net_saving=gross - payable.sum(1) - own,
        contributions=int(model.call_cents.sum()),
    )


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))
