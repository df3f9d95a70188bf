"""Explaining a ``forecast_savings`` child-year: forecast and actual cost side by side."""

from __future__ import annotations

from decimal import Decimal

from sibyl.mechanisms.base import Component, ComponentExplanation, ExplainContext
from sibyl.mechanisms.forecast_savings.engine import share_of
from sibyl.mechanisms.parameters import for_year
from sibyl.money import format_money
from sibyl.settlement.netting import net


def key_text(by: str, key: int | None) -> str:
    if key is None:
        return "unknown"
    return f"year {key} since enrolment" if by == "year_since_enrolment" else f"age {key}"


def explain(component: Component, context: ExplainContext) -> ComponentExplanation:
    parameters = component.parameters
    forecast = parameters.forecast
    year = context.year
    if forecast.by == "age":
        key = year - context.birth_year if context.birth_year is not None else None
    else:
        key = year - context.first_year + 1 if context.first_year is not None else None
    lines_by_service = {int(d.item): d for d in context.details if d.kind == "forecast"}
    actual_by_service = {use.service: use for use in context.services}
    zero = Decimal("0.00")
    rows = []
    for service in forecast.services:
        line = lines_by_service.get(service)
        use = actual_by_service.get(service)
        name = context.contract.services[service].name.en
        rows.append(
            {
                "service": service,
                "name": name,
                "units": line.quantity if line else zero,
                "unit_price": line.unit_price if line else None,
                "forecast": line.amount if line else zero,
                "actual_units": use.units if use else 0,
                "actual": use.amount if use else zero,
            }
        )
    share = share_of(parameters, year)
    # net() gives the int 0 when the actual cost is above the forecast; keep it in euros.
    saving = net(context.base, context.deduction) + zero
    text = [
        f"Forecast ({key_text(forecast.by, key)}; {forecast.reference}):",
    ]
    for row in rows:
        price = f"EUR {Decimal(row['unit_price']):.6f}" if row["unit_price"] is not None else "–"
        text.append(
            f"  service {row['service']} {row['name']}: {row['units']} units per child-year × "
            f"{price} × {context.followup_days} ÷ {context.days_in_year} = EUR "
            f"{format_money(row['forecast'])}; actual {row['actual_units']} units = EUR "
            f"{format_money(row['actual'])}"
        )
    text += [
        f"Forecast cost: EUR {format_money(context.base)}; actual cost: EUR "
        f"{format_money(context.deduction)}",
        f"Saving: max(0, EUR {format_money(context.base)} − EUR "
        f"{format_money(context.deduction)}) = EUR {format_money(saving)}",
        f"Payment: {share_text(share)} × EUR {format_money(saving)} = EUR "
        f"{format_money(context.payment)} (rounded half up to cents)",
    ]
    netting = for_year(parameters, "netting", year)
    if netting == "cohort_year":
        text.append(
            "The contract nets over the cohort: the year's payment is the share of max(0, Σ "
            "forecast − Σ actual) of all children; this child's own line is shown for reference."
        )
    return ComponentExplanation(
        component=component.id,
        mechanism=component.name,
        base=context.base,
        deduction=context.deduction,
        payment=context.payment,
        lines=text,
        data={
            "by": forecast.by,
            "key": key,
            "source": forecast.reference,
            "rows": rows,
            "share": share,
            "share_percent": Decimal(share.numerator) / Decimal(share.denominator) * 100,
            "saving": saving,
            "netting": netting,
            "followup_days": context.followup_days,
            "days_in_year": context.days_in_year,
        },
    )


def share_text(share) -> str:
    percent = Decimal(share.numerator) / Decimal(share.denominator) * 100
    return f"{percent.normalize():f} %"
