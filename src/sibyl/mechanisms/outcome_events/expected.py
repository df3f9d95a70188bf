"""The expected value of an ``outcome_events`` component, for the savings case and the Monte
Carlo: the scenario's probability that a child in follow-up reaches each outcome in a year, times
its price, per child-year (``fixed_cents``; nothing is netted). A scenario without
``outcome_events`` probabilities values the rate card at zero, and the savings case says so.

The expectation ignores the windows, the prerequisites and the cap per child: it is an upper
bound of what the rate card pays for the probabilities given.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from sibyl.mechanisms.base import Component, ExpectedComponent, ExpectedModel
from sibyl.mechanisms.parameters import for_year
from sibyl.money import to_cents
from sibyl.settlement.netting import YearRule


def expected(component: Component, model: ExpectedModel) -> ExpectedComponent:
    card = component.parameters.rate_card
    probabilities: dict[str, Decimal] = getattr(model.scenario, "outcome_probabilities", {}) or {}
    per_year = sum(
        (probabilities.get(o.code, Decimal(0)) * o.price * 100 for o in card.outcomes),
        Decimal(0),
    )
    fixed = np.full((len(model.years), len(model.ages)), float(per_year))
    rules = []
    for year in model.years:
        cap = for_year(component.parameters, "year_cap", year)
        rules.append(YearRule(cap_cents=None if cap is None else to_cents(cap)))
    return ExpectedComponent(
        base_cents=np.zeros((len(model.years), len(model.ages)), dtype=np.int64),
        deduction_weight=np.zeros(len(model.services), dtype=np.int64),
        rule_by_year=rules,
        fixed_cents=fixed,
    )
