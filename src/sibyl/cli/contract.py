"""``sibyl contract check FILE`` and ``sibyl contract show NAME``."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from sibyl.cli import app
from sibyl.cli.common import console
from sibyl.contract import Parameter, load_contract

contract_app = typer.Typer(
    help="Check and show contract files (the contract as code).", no_args_is_help=True
)
app.add_typer(contract_app, name="contract")


@contract_app.command("check")
def check(
    file: Annotated[str, typer.Argument(help="A contract file (YAML) or a built-in name.")],
    prices: Annotated[
        str | None, typer.Option(help="A price list to check instead of the contract's own.")
    ] = None,
) -> None:
    """Validate a contract file and its price list; exit 2 with the problems if it is not valid."""
    contract = load_contract(file, prices=prices)
    years = contract.prices.years()
    if contract.upgraded_from is not None:
        console.print(
            f"{file}: written in the contract format {contract.upgraded_from} and read as format 2 "
            "(docs/contract-format.md, Format 1); write `format: 2` files for new contracts.",
            highlight=False,
        )
    console.print(
        f"{file}: valid contract [bold]{contract.label}[/bold] "
        f"({len(contract.services)} services, price list {contract.prices.source} "
        f"with {len(years)} years {years[0] if years else ''}–{years[-1] if years else ''})",
        highlight=False,
    )


@contract_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="A built-in contract name or a contract file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract as JSON.")] = False,
) -> None:
    """Show a contract: parties, dates, parameters, services and prices."""
    contract = load_contract(name)
    spec = contract.spec
    if as_json:
        typer.echo(json.dumps(spec.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]{spec.title.en}[/bold] ({contract.label}, valid from {spec.valid_from})")
    if spec.amendment is not None:
        console.print(
            f"Amended on {spec.amendment.decided_on}: {spec.amendment.description}",
            highlight=False,
        )
    console.print(spec.description, highlight=False)
    console.print(f"Source: {contract.source}  SHA-256 {contract.sha256}", highlight=False)

    parties = spec.parties
    console.print(
        f"\nOutcome payer: {parties.outcome_payer.name}\n"
        f"Fund manager: {parties.fund_manager.name}\n"
        f"Providers: {', '.join(p.name for p in parties.providers)}\n"
        f"Evaluators: {', '.join(p.name for p in parties.evaluators) or '–'}",
        highlight=False,
    )
    dates = spec.dates
    console.print(
        f"Enrolment window: {dates.enrolment_start.value} – {dates.enrolment_end.value}; "
        f"follow-up until {dates.followup_end.value}\n"
        f"Districts: {', '.join(spec.districts.items)}\n"
        f"Referral sources: {', '.join(spec.referral_sources.items)}\n"
        f"Working days: {', '.join(spec.calendar.work_week)} minus "
        f"{spec.calendar.holidays or 'no'} public holidays",
        highlight=False,
    )

    params = Table(title="Parameters", title_justify="left")
    for column in ("parameter", "from", "value", "unit", "reference"):
        params.add_column(column, overflow="fold")
    rows: list[tuple[str, Parameter]] = [
        (name, getattr(spec.parameters, name)) for name in type(spec.parameters).model_fields
    ]
    for component in contract.components:
        for name in type(component.parameters).model_fields:
            value = getattr(component.parameters, name)
            if isinstance(value, Parameter):
                rows.append((f"{component.id}.{name}", value))
    for name, parameter in rows:
        for start, value in sorted(parameter.values.items()):
            params.add_row(
                name,
                start.isoformat(),
                "none" if value is None else str(value),
                parameter.unit,
                parameter.reference,
            )
    console.print(
        "Payment: "
        + "; ".join(f"{c.id} ({c.name.replace('_', ' ')})" for c in contract.components)
        + f"; paid on {spec.payment.pay_day.day}.{spec.payment.pay_day.month}. of the next year",
        highlight=False,
    )
    console.print(params)

    services = Table(title="Services", title_justify="left")
    for column in ("code", "service", "basis", "price unit"):
        services.add_column(column, overflow="fold")
    for service in spec.services.items:
        services.add_row(str(service.code), service.name.en, service.basis, service.price_unit)
    console.print(services)

    criteria = Table(title="Eligibility: criteria (every one must be met)", title_justify="left")
    for column in ("criterion", "rule", "looks at", "question"):
        criteria.add_column(column, overflow="fold")
    for criterion in spec.eligibility.criteria:
        looks_at = ", ".join(criterion.items) or ", ".join(map(str, criterion.services))
        if criterion.count is not None:
            looks_at = f"{criterion.count} of {looks_at}"
        criteria.add_row(criterion.code, criterion.rule, looks_at, criterion.question.en)
    console.print(criteria)
    items = Table(title="Eligibility: referral items (yes/no columns)", title_justify="left")
    for column in ("item", "question"):
        items.add_column(column, overflow="fold")
    for item in spec.eligibility.items:
        items.add_row(item.code, item.question.en)
    console.print(items)

    prices = Table(title=f"Unit prices (EUR) from {contract.prices.source}", title_justify="left")
    prices.add_column("year")
    for code in contract.services:
        prices.add_column(str(code), justify="right")
    prices.add_column("status")
    for year in contract.prices.years():
        row = [str(year)]
        for code in contract.services:
            price = contract.prices.get(year, code)
            row.append("–" if price is None else f"{price.unit_price:.2f}")
        row.append(contract.prices.status(year) or "incomplete")
        prices.add_row(*row)
    console.print(prices)
    console.print(
        "Working-day prices are annual cost ÷ clients ÷ working days, kept exact; shown rounded.",
        highlight=False,
    )
