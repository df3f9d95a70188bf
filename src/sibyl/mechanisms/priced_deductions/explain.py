"""Explaining a ``priced_deductions`` child-year: the base pro rata, the deductions, the payment."""

from __future__ import annotations

from sibyl.mechanisms.base import Component, ComponentExplanation, ExplainContext
from sibyl.mechanisms.parameters import for_year
from sibyl.money import format_money


def explain(component: Component, context: ExplainContext) -> ComponentExplanation:
    parameters = component.parameters
    per_year = for_year(parameters, "base_per_child_year", context.year)
    services = parameters.services
    counted = [use for use in context.services if services is None or use.service in services]
    lines = [
        f"Base: EUR {per_year} × {context.followup_days} ÷ {context.days_in_year} "
        f"= EUR {format_money(context.base)} (rounded half up to cents)",
        f"Deductions: EUR {format_money(context.deduction)}"
        + (
            f" (the priced use of service{'s' if len(counted) > 1 else ''} "
            f"{', '.join(str(use.service) for use in counted)})"
            if counted
            else " (no use of the services counted)"
        ),
        f"Payment: max(0, EUR {format_money(context.base)} − EUR "
        f"{format_money(context.deduction)}) = EUR {format_money(context.payment)}",
    ]
    if for_year(parameters, "netting", context.year) == "cohort_year":
        lines.append(
            "The contract nets over the cohort: the year's payment is max(0, Σ base − Σ "
            "deductions) of all children; this child's own line is shown for reference."
        )
    return ComponentExplanation(
        component=component.id,
        mechanism=component.name,
        base=context.base,
        deduction=context.deduction,
        payment=context.payment,
        lines=lines,
        data={
            "base_per_child_year": per_year,
            "followup_days": context.followup_days,
            "days_in_year": context.days_in_year,
            "netting": for_year(parameters, "netting", context.year),
            "services": [use.service for use in counted],
        },
    )
