"""The savings case (DOMAIN.md 3.6): what the city expects to save, year by year.

For every year of the project and year of age, the expected child-years in follow-up of the
cohort (enrolment pace, age at enrolment, dropout) times the expected priced use per child-year:

- **counterfactual cost**: Σ over services of ``scale × probability × units × unit price`` (the
  use of a target-group child without the intervention);
- **with-intervention cost**: the same with every probability lowered by ``effect_size``;
- **gross saving** = counterfactual − with-intervention cost;
- **expected outcome payments**: for each payment component of the contract, as its mechanism
  values it (:meth:`~sibyl.mechanisms.base.Mechanism.expected`): with netting per child-year,
  ``E[share × max(0, base − deductions)]`` per child-year, over the 2^k combinations of services
  used (independent services, units fixed when used), times the child-years; with netting over
  the cohort, ``share × max(0, Σ base − Σ E[deductions])`` (for a cohort of many children the
  expected value of the maximum is close to the maximum of the expected values); plus a rate
  card's expected claims; each year's floor and cap applied to the expected amount; before the
  return cap (the Monte Carlo applies the cap);
- **net saving** = gross saving − outcome payments − the city's own costs.

Prices are the contract's (exact: each line ``units × unit price`` rounded half up to cents, as
DOMAIN.md 3.3), optionally uprated by the scenario's ``price_growth`` after the last confirmed
year. Expected child-years (follow-up share of each year): the enrolment day is uniform in the
enrolment year, so the first year's share is ``(days + 1) / (2 · days)``; each later year a child
leaves with probability ``dropout_per_year`` on a uniform day (share ``(days − 1) / (2 · days)``
of that year). A partial year's base and use scale with its share (DOMAIN.md 3.3: base pro rata).
"""

from __future__ import annotations

import calendar
import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np

from sibyl.contract import Contract, load_contract
from sibyl.errors import SibylInputError
from sibyl.finance.scenario import Scenario
from sibyl.mechanisms.base import ExpectedComponent, ExpectedModel
from sibyl.money import CENT
from sibyl.settlement.netting import net


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def followup_share(scenario: Scenario, enrolled: int, year: int) -> Decimal:
    """Expected share of ``year`` in follow-up for a child enrolled in ``enrolled``."""
    if year < enrolled or year > scenario.followup_end_year:
        return Decimal(0)
    days = Decimal(days_in_year(year))
    if year == enrolled:
        return (days + 1) / (2 * days)
    d = scenario.dropout_per_year
    alive = (1 - d) ** (year - enrolled - 1)
    return alive * ((1 - d) + d * (days - 1) / (2 * days))


def child_years(scenario: Scenario) -> dict[int, dict[int, Decimal]]:
    """Expected child-years in follow-up by year and age: ``{year: {age: child-years}}``."""
    result: dict[int, dict[int, Decimal]] = {y: {} for y in scenario.years}
    with localcontext() as ctx:
        ctx.prec = 40
        for enrolled, pace in scenario.enrolment_pace.items():
            for age0, share in scenario.age_at_enrolment.items():
                for year in scenario.years:
                    f = followup_share(scenario, enrolled, year)
                    if f == 0:
                        continue
                    age = min(age0 + year - enrolled, scenario.max_age)
                    n = scenario.children * pace * share * f
                    result[year][age] = result[year].get(age, Decimal(0)) + n
    return result


def line_cents(contract: Contract, scenario: Scenario, year: int, service: int, units: int) -> int:
    """``units × unit price`` in cents, rounded half up (uprated when the scenario says so)."""
    if units == 0:
        return 0
    price = contract.prices.get(year, service)
    growth = scenario.price_growth
    if growth is not None:
        confirmed = [y for y in contract.prices.years() if contract.prices.status(y) == "confirmed"]
        anchor = max(confirmed) if confirmed else min(contract.prices.years())
        if year > anchor:
            base = contract.prices.get(anchor, service)
            if base is None:
                raise SibylInputError(
                    f"the price list has no price for {anchor}, service {service}"
                )
            with localcontext() as ctx:
                ctx.prec = 40
                exact = (
                    Decimal(units * base.numerator_cents)
                    / base.denominator
                    * (1 + growth) ** (year - anchor)
                )
                return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if price is None:
        raise SibylInputError(
            f"the contract's price list has no price for {year}, service {service}",
            None,
            "give a price list that covers the scenario's years or set prices.price_growth",
        )
    return price.amount_cents(units)


def line_table(contract: Contract, scenario: Scenario) -> np.ndarray:
    """Cents of a full year's use, ``[year index, age index, service index]`` (int64), ages and
    services in the scenario's order."""
    years = scenario.years
    table = np.zeros((len(years), len(scenario.ages), len(scenario.services)), dtype=np.int64)
    for yi, year in enumerate(years):
        for si, service in enumerate(scenario.services):
            for ai, age in enumerate(scenario.ages):
                units = scenario.units[service].get(age, 0)
                table[yi, ai, si] = line_cents(contract, scenario, year, service, units)
    return table


def probability_table(scenario: Scenario, *, counterfactual: bool) -> np.ndarray:
    """``[age index, service index]`` probabilities (float) with or without the intervention."""
    table = np.zeros((len(scenario.ages), len(scenario.services)))
    for si, service in enumerate(scenario.services):
        for ai, age in enumerate(scenario.ages):
            p = (
                scenario.counterfactual_probability(service, age)
                if counterfactual
                else scenario.with_probability(service, age)
            )
            table[ai, si] = float(p)
    return table


def expected_payment_per_child_year(base_cents: int, p: np.ndarray, amounts: np.ndarray) -> float:
    """``E[max(0, base − Σ used_s × amount_s)]`` in cents, services independent."""
    active = [s for s in range(len(p)) if p[s] > 0 and amounts[s] > 0]
    total = 0.0
    for used in itertools.product((0, 1), repeat=len(active)):
        prob = 1.0
        deduction = 0
        for flag, s in zip(used, active, strict=True):
            prob *= p[s] if flag else 1 - p[s]
            deduction += amounts[s] if flag else 0
        total += prob * net(base_cents, deduction)
    return total


def expected_model(contract: Contract, scenario: Scenario, lines: np.ndarray) -> ExpectedModel:
    return ExpectedModel(
        contract=contract,
        years=scenario.years,
        ages=scenario.ages,
        services=scenario.services,
        line_cents=lines,
        scenario=scenario,
    )


def expected_components(
    contract: Contract, scenario: Scenario, lines: np.ndarray
) -> list[ExpectedComponent]:
    """Each payment component of the contract as its mechanism values it."""
    model = expected_model(contract, scenario, lines)
    return [c.mechanism.expected(c, model) for c in contract.components]


def expected_year_payment(
    parts: list[ExpectedComponent],
    yi: int,
    counts: dict[int, float],
    p_with: np.ndarray,
    lines: np.ndarray,
) -> float:
    """The expected outcome payment of year index ``yi`` in cents (before the return cap), for
    ``counts[age index]`` expected child-years."""
    total = 0.0
    for part in parts:
        rule = part.rule_by_year[yi]
        share = float(rule.share)
        amounts = lines[yi] * part.deduction_weight  # (ages, services)
        if rule.netting == "cohort_year":
            base = sum(n * float(part.base_cents[yi, ai]) for ai, n in counts.items())
            used = sum(n * float((p_with[ai] * amounts[ai]).sum()) for ai, n in counts.items())
            value = share * net(base, used)
        else:
            value = 0.0
            for ai, n in counts.items():
                value += n * expected_payment_per_child_year(
                    int(part.base_cents[yi, ai]), p_with[ai], amounts[ai]
                )
            value *= share
        if part.fixed_cents is not None:
            value += sum(n * float(part.fixed_cents[yi, ai]) for ai, n in counts.items())
        if counts and rule.floor_cents is not None:
            value = max(value, float(rule.floor_cents))
        if counts and rule.cap_cents is not None:
            value = min(value, float(rule.cap_cents))
        total += value
    return total


@dataclass(frozen=True)
class SavingsYear:
    year: int
    child_years: Decimal
    counterfactual_cost: Decimal
    with_intervention_cost: Decimal
    gross_saving: Decimal
    outcome_payments: Decimal
    city_costs: Decimal

    @property
    def net_saving(self) -> Decimal:
        return self.gross_saving - self.outcome_payments - self.city_costs


@dataclass(frozen=True)
class SavingsCase:
    years: list[SavingsYear]

    def total(self, name: str) -> Decimal:
        return sum((getattr(y, name) for y in self.years), Decimal(0))


def gross_saving_exact(scenario: Scenario, contract: Contract | None = None) -> Decimal:
    """The expected gross saving over the whole project, euros, in Decimal (not rounded)."""
    contract = contract or load_contract(scenario.contract)
    cy = child_years(scenario)
    total = Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 40
        for year, by_age in cy.items():
            for age, n in by_age.items():
                for service in scenario.services:
                    units = scenario.units[service].get(age, 0)
                    p_cf = scenario.counterfactual_probability(service, age)
                    if units == 0 or p_cf == 0:
                        continue
                    amount = Decimal(line_cents(contract, scenario, year, service, units))
                    total += n * p_cf * scenario.effect_size * amount
        return total / 100


def savings_case(scenario: Scenario, contract: Contract | None = None) -> SavingsCase:
    """The savings case per year (amounts in euros, rounded to cents for display)."""
    contract = contract or load_contract(scenario.contract)
    cy = child_years(scenario)
    lines = line_table(contract, scenario)
    p_with = probability_table(scenario, counterfactual=False)
    parts = expected_components(contract, scenario, lines)
    first_age = scenario.min_age
    result = []
    with localcontext() as ctx:
        ctx.prec = 40
        for yi, year in enumerate(scenario.years):
            n_total = cf = wi = Decimal(0)
            for age, n in cy[year].items():
                n_total += n
                for si, service in enumerate(scenario.services):
                    amount = Decimal(int(lines[yi, age - first_age, si]))
                    p_cf = scenario.counterfactual_probability(service, age)
                    cf += n * p_cf * amount
                    wi += n * p_cf * (1 - scenario.effect_size) * amount
            counts = {age - first_age: float(n) for age, n in cy[year].items()}
            payments = expected_year_payment(parts, yi, counts, p_with, lines)
            own = scenario.city_costs_per_year if n_total > 0 else Decimal(0)
            result.append(
                SavingsYear(
                    year=year,
                    child_years=n_total,
                    counterfactual_cost=(cf / 100).quantize(CENT),
                    with_intervention_cost=(wi / 100).quantize(CENT),
                    gross_saving=((cf - wi) / 100).quantize(CENT),
                    outcome_payments=(Decimal(payments) / 100).quantize(CENT),
                    city_costs=own,
                )
            )
    return SavingsCase(result)


def calibrate_scale(
    scenario: Scenario, target: Decimal, contract: Contract | None = None
) -> Decimal:
    """The ``scale`` that makes the expected gross saving equal ``target`` euros.

    The gross saving is linear in ``scale``, so one division is exact; the scale is kept to 15
    significant digits (the saving then matches the target far below a cent).
    """
    contract = contract or load_contract(scenario.contract)
    gross = gross_saving_exact(scenario, contract)
    if gross <= 0:
        raise SibylInputError(
            "the scenario's expected gross saving is zero, so no scale can reach the target",
            None,
            "give a positive effect_size and some counterfactual use",
        )
    with localcontext() as ctx:
        ctx.prec = 15
        return +(scenario.scale * Decimal(target) / gross)
