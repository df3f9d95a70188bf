"""The expected value of a ``priced_deductions`` component, for the savings case and the Monte
Carlo: the base per child-year of each year (the same at every age), with the priced use of the
component's services set against it."""

from __future__ import annotations

import numpy as np

from sibyl.mechanisms.base import Component, ExpectedComponent, ExpectedModel
from sibyl.mechanisms.parameters import for_year
from sibyl.mechanisms.priced_deductions.engine import base_cents
from sibyl.settlement.netting import YearRule


def expected(component: Component, model: ExpectedModel) -> ExpectedComponent:
    parameters = component.parameters
    years = list(model.years)
    full = base_cents(parameters, years)
    base = np.array([[full[year]] * len(model.ages) for year in years], dtype=np.int64)
    counted = set(parameters.services or model.services)
    weight = np.array([1 if s in counted else 0 for s in model.services], dtype=np.int64)
    rules = [YearRule(netting=for_year(parameters, "netting", year)) for year in years]
    return ExpectedComponent(base_cents=base, deduction_weight=weight, rule_by_year=rules)
