"""The ``priced_deductions`` engine: the base per child-year pro rata, minus the priced use.

For every child-year in follow-up (DOMAIN.md 3.3):

* ``base = base_per_child_year × followup_days ÷ days_in_year``, rounded half up to cents;
* ``deduction`` = the sum of the child's priced use lines of the component's services;
* ``payment = max(0, base − deduction)`` (:func:`sibyl.settlement.netting.payment`).
"""

from __future__ import annotations

import ibis

from sibyl.mechanisms.base import Component, ComponentTables, EngineTables
from sibyl.mechanisms.parameters import for_year
from sibyl.money import to_cents
from sibyl.settlement.engine import by_year
from sibyl.settlement.netting import half_up, payment


def base_cents(parameters, years: list[int]) -> dict[int, int]:
    """The full base per child-year of each year, in cents."""
    return {year: to_cents(for_year(parameters, "base_per_child_year", year)) for year in years}


def engine(component: Component, tables: EngineTables) -> ComponentTables:
    parameters = component.parameters
    followup, lines = tables.followup, tables.lines
    if parameters.services is not None:
        lines = lines.filter(lines.service.isin(parameters.services))
    deductions = lines.group_by(["person", "year"]).aggregate(
        deduction_cents=lines.amount_cents.sum()
    )
    child = followup.left_join(
        deductions, [followup.person == deductions.person, followup.year == deductions.year]
    )
    full = by_year(child.year, base_cents(parameters, tables.years))
    base = half_up(full * child.followup_days, child.days_in_year)
    deduction = child.deduction_cents.fill_null(0).cast("int64")
    amounts = child.select(
        *(child[column] for column in followup.columns),
        base_cents=base,
        deduction_cents=deduction,
        payment_cents=payment(base, deduction, maximum=ibis.greatest).cast("int64"),
    )
    return ComponentTables(amounts=amounts)
