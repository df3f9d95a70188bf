"""The report's comparison with the ex-ante business case (DOMAIN.md 3.6, docs/finance.md).

The savings scenario gives, for each year and year of age, the expected child-years of the
planned cohort and, for each service, the probability of use and the units used when the service
is used. The report holds the cohort actually followed against it:

* per child-year of a year, the scenario's expected cost **without** the intervention (the
  counterfactual) and **with** it, and the expected units with it, each service separately:
  ``Σ_age child-years × probability × (units × unit price, half up to cents) ÷ child-years``;
* those rates × the **actual** child-years of the year's statement (Σ follow-up days ÷ days in
  the year) give what the case expects for the children actually followed;
* the actual use is the statement's (its deduction lines price exactly the use in follow-up);
* gross saving so far = Σ (counterfactual − actual priced use); net saving = gross saving −
  the outcome payments invoiced − the city's own costs of the scenario.

The ages of the actual children are not used (they are not in the store outside the vault), so
the actual cohort is taken to have the planned cohort's mix of ages in each year. Rounded to
cents once per figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from sibyl.contract import Contract
from sibyl.finance.savings import child_years, line_cents, savings_case
from sibyl.finance.scenario import Scenario
from sibyl.money import CENT


@dataclass(frozen=True)
class Rates:
    """Expected figures per child-year of one year (euros and units, not rounded)."""

    year: int
    plan_child_years: Decimal
    units_with: dict[int, Decimal]  # service → expected units with the intervention
    cost_with: dict[int, Decimal]  # service → expected euros with the intervention
    cost_without: dict[int, Decimal]  # service → expected euros without (counterfactual)


def rates(scenario: Scenario, contract: Contract, year: int) -> Rates | None:
    """The scenario's expectations per child-year in ``year`` (``None`` outside its years)."""
    by_age = child_years(scenario).get(year)
    if not by_age:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        total = sum(by_age.values(), Decimal(0))
        if total == 0:
            return None
        units_with: dict[int, Decimal] = {}
        cost_with: dict[int, Decimal] = {}
        cost_without: dict[int, Decimal] = {}
        for service in scenario.services:
            u = w = c = Decimal(0)
            for age, n in by_age.items():
                units = scenario.units[service].get(age, 0)
                if units == 0:
                    continue
                cents = Decimal(line_cents(contract, scenario, year, service, units))
                p_without = scenario.counterfactual_probability(service, age)
                p_with = scenario.with_probability(service, age)
                u += n * p_with * units
                w += n * p_with * cents
                c += n * p_without * cents
            units_with[service] = u / total
            cost_with[service] = w / total / 100
            cost_without[service] = c / total / 100
    return Rates(year, total, units_with, cost_with, cost_without)


def scaled(rate: Decimal, child_years_actual: Decimal, places: Decimal = CENT) -> Decimal:
    """A per-child-year rate × the actual child-years, rounded half up (cents by default)."""
    with localcontext() as ctx:
        ctx.prec = 40
        return (rate * child_years_actual).quantize(places)


def plan_gross_savings(scenario: Scenario, contract: Contract) -> dict[int, Decimal]:
    """The scenario's own expected gross saving per year (its planned cohort)."""
    return {row.year: row.gross_saving for row in savings_case(scenario, contract).years}
