"""The expected value of a ``forecast_savings`` component, for the savings case and the Monte
Carlo: the forecast cost of a full child-year at each age (the base), the actual priced use of
the forecast's services set against it, the share of what is left.

The savings case models children by age. A forecast by year since enrolment is turned into one by
age with the scenario's ages at enrolment: at age *a*, the forecast is the average of the years
since enrolment *a − e + 1* over the ages at enrolment *e ≤ a*, weighted by their shares (an
approximation: the child-years at each age are not split by enrolment age).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from sibyl.mechanisms.base import Component, ExpectedComponent, ExpectedModel
from sibyl.mechanisms.forecast_savings.engine import share_of
from sibyl.mechanisms.parameters import for_year
from sibyl.money import to_cents
from sibyl.settlement.netting import YearRule


def _limit(parameters, name: str, year: int) -> int | None:
    value = for_year(parameters, name, year)
    return None if value is None else to_cents(value)


def expected(component: Component, model: ExpectedModel) -> ExpectedComponent:
    parameters = component.parameters
    forecast = parameters.forecast
    units = forecast.units()
    contract = model.contract
    scenario = model.scenario
    base = np.zeros((len(model.years), len(model.ages)), dtype=np.int64)
    for yi, year in enumerate(model.years):
        for ai, age in enumerate(model.ages):
            if forecast.by == "age":
                weights = {age: Decimal(1)}
            else:
                shares = {
                    age - enrolled + 1: share
                    for enrolled, share in scenario.age_at_enrolment.items()
                    if enrolled <= age
                }
                total = sum(shares.values(), Decimal(0))
                weights = {k: v / total for k, v in shares.items()} if total else {}
            cents = Decimal(0)
            for service in forecast.services:
                price = contract.prices.get(year, service)
                if price is None:
                    continue
                for key, weight in weights.items():
                    u = units.get((key, service), Decimal(0))
                    cents += weight * u * price.numerator_cents / price.denominator
            base[yi, ai] = int(cents.to_integral_value())
    counted = set(forecast.services)
    weight = np.array([1 if s in counted else 0 for s in model.services], dtype=np.int64)
    rules = [
        YearRule(
            netting=for_year(parameters, "netting", year),
            share=share_of(parameters, year),
            floor_cents=_limit(parameters, "year_floor", year),
            cap_cents=_limit(parameters, "year_cap", year),
        )
        for year in model.years
    ]
    return ExpectedComponent(base_cents=base, deduction_weight=weight, rule_by_year=rules)
