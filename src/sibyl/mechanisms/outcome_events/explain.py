"""Explaining an ``outcome_events`` child-year: each claim of the year, paid or rejected, and
why."""

from __future__ import annotations

from sibyl.mechanisms.base import Component, ComponentExplanation, ExplainContext
from sibyl.money import format_money


def explain(component: Component, context: ExplainContext) -> ComponentExplanation:
    card = component.parameters.rate_card
    claims = [d for d in context.details if d.kind == "claim"]
    rows = []
    lines = []
    if not claims:
        lines.append("No outcome was claimed for this child in the year.")
    else:
        lines.append("Outcome claims:")
    for claim in claims:
        outcome = card.outcome(claim.item)
        name = outcome.name.en if outcome else claim.item
        rows.append(
            {
                "outcome": claim.item,
                "name": name,
                "price": claim.unit_price,
                "amount": claim.amount,
                "status": claim.status,
                "note": claim.note,
            }
        )
        lines.append(
            f"  {claim.item} ({name}), price EUR {claim.unit_price}: {claim.status}, paid EUR "
            f"{format_money(claim.amount)}; {claim.note}"
        )
    lines.append(f"Payment: the claims paid = EUR {format_money(context.payment)}")
    return ComponentExplanation(
        component=component.id,
        mechanism=component.name,
        base=context.base,
        deduction=context.deduction,
        payment=context.payment,
        lines=lines,
        data={"claims": rows},
    )
