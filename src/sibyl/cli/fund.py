"""``sibyl fund irr/cap``, ``sibyl savings`` and ``sibyl simulate``: the fund's returns, the return
cap, the savings case and the Monte Carlo, file in, no database; ``sibyl fund import/add/ledger/
show``: the fund ledger kept in the store."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from sibyl.cli import app
from sibyl.cli.common import actor_name, console, open_store, parse_option_date
from sibyl.errors import SibylInputError
from sibyl.finance.cap import apply_cap
from sibyl.finance.cashflows import investor_flows, read_cashflows
from sibyl.finance.irr import moic, xirr
from sibyl.money import parse_decimal

fund_app = typer.Typer(
    help="The fund: its ledger, investors' XIRR, the multiple and the return cap.",
    no_args_is_help=True,
)
app.add_typer(fund_app, name="fund")

CashflowsArgument = Annotated[
    Path,
    typer.Argument(
        help="Cash flows: date, amount (investors' view: contributions negative), optional "
        "kind and investor.",
        dir_okay=False,
    ),
]


def _parse_money_option(text: str, option: str) -> Decimal:
    try:
        return parse_decimal(text)
    except ValueError:
        raise SibylInputError(
            f"{option} {text!r} is not an amount", None, "write euros, e.g. 250000.00"
        ) from None


@fund_app.command("irr")
def irr_command(
    cashflows: CashflowsArgument,
    investor: Annotated[
        str | None, typer.Option(help="Only this investor's flows (the column investor).")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also print the multiple and the totals.")
    ] = False,
) -> None:
    """Print the investors' XIRR (actual dates) as a decimal fraction, e.g. 0.0812."""
    flows = investor_flows(read_cashflows(cashflows), investor)
    rate = xirr(flows)
    typer.echo(f"{rate:.10f}")
    if verbose:
        paid = -sum((f.amount for f in flows if f.amount < 0), Decimal(0))
        back = sum((f.amount for f in flows if f.amount > 0), Decimal(0))
        typer.echo(
            f"contributions {paid:.2f}, distributions {back:.2f}, multiple {moic(flows):.4f}"
        )


@fund_app.command("cap")
def cap_command(
    cashflows: CashflowsArgument,
    amount: Annotated[str, typer.Option(help="The computed outcome payment, euros.")],
    on: Annotated[str, typer.Option("--date", help="The payment date (YYYY-MM-DD).")],
    lag_days: Annotated[
        int, typer.Option(help="Days from the city's payment to the distribution.", min=0)
    ] = 0,
    cap: Annotated[str, typer.Option(help="The return cap as a fraction.")] = "0.08",
) -> None:
    """The cap headroom and the payable amount of a proposed outcome payment."""
    flows = investor_flows(read_cashflows(cashflows))
    pay_date = parse_option_date(on, "--date")
    assert pay_date is not None
    result = apply_cap(
        flows,
        _parse_money_option(amount, "--amount"),
        pay_date,
        _parse_money_option(cap, "--cap"),
        lag_days,
    )
    typer.echo(f"computed {result.computed:.2f}")
    typer.echo(f"headroom {result.headroom:.2f}")
    typer.echo(f"payable {result.payable:.2f}")
    if result.withheld > 0:
        console.print(f"{result.withheld:.2f} is above the return cap and is not invoiced.")


ContractOption = Annotated[
    str, typer.Option(help="A built-in contract name (helsinki) or a contract file.")
]
ActorOption = Annotated[
    str | None, typer.Option(help="Who does this, for the audit log (default: the OS user).")
]


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


@fund_app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="A cash-flow file: date, amount, kind, investor.", dir_okay=False)
    ],
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Store a cash-flow file in the fund ledger, all rows or none; the same file once."""
    open_store()
    from django.utils.timezone import localtime

    from sibyl.contract import load_contract
    from sibyl.web.store.fund import import_flows

    loaded = load_contract(contract)
    result = import_flows(file, loaded.id, actor=actor_name(actor))
    imported = result.fund_import
    if result.already_imported:
        console.print(
            f"{file}: this file (SHA-256 {imported.sha256[:12]}…) was already imported on "
            f"{localtime(imported.imported_at):%Y-%m-%d %H:%M}; nothing changed.",
            highlight=False,
        )
        return
    console.print(
        f"{file}: {result.flows} flows stored in the {loaded.id} fund ledger.", highlight=False
    )


@fund_app.command("add")
def add_command(
    on: Annotated[str, typer.Option("--date", help="The date of the flow (YYYY-MM-DD).")],
    amount: Annotated[str, typer.Option(help="Euros (contributions may be written positive).")],
    kind: Annotated[
        str,
        typer.Option(help="contribution, provider_payment, fee, outcome_payment or distribution."),
    ],
    investor: Annotated[
        str, typer.Option(help="The investor (contributions, distributions).")
    ] = "",
    note: Annotated[str, typer.Option(help="A note kept with the flow.")] = "",
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Add one flow to the fund ledger."""
    open_store()
    from sibyl.contract import load_contract
    from sibyl.web.store.fund import add_flow

    day = parse_option_date(on, "--date")
    assert day is not None
    loaded = load_contract(contract)
    flow = add_flow(
        loaded.id,
        day,
        _parse_money_option(amount, "--amount"),
        kind.strip().lower(),
        investor,
        note,
        actor=actor_name(actor),
    )
    console.print(
        f"Flow {flow.id}: {flow.on} {flow.kind} {flow.amount:.2f} {flow.investor}".rstrip() + ".",
        highlight=False,
    )


@fund_app.command("ledger")
def ledger_command(contract: ContractOption = "helsinki") -> None:
    """The fund's flows in date order with the running cash balance."""
    open_store()
    from rich.table import Table

    from sibyl.contract import load_contract
    from sibyl.web.store.fund import ledger

    loaded = load_contract(contract)
    lines = ledger(loaded.id)
    if not lines:
        raise SibylInputError(
            f"the {loaded.id} fund ledger has no flows yet",
            None,
            "load them with `sibyl fund import FILE`",
        )
    table = Table(title=f"Fund ledger: {loaded.id} (EUR, investors' view)")
    for name, justify in (
        ("date", "left"),
        ("kind", "left"),
        ("investor", "left"),
        ("amount", "right"),
        ("balance", "right"),
        ("source", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for line in lines:
        flow = line.flow
        table.add_row(
            flow.on.isoformat(),
            flow.kind,
            flow.investor,
            _money(flow.amount),
            _money(line.balance),
            flow.source_file or flow.note,
        )
    console.print(table)


@fund_app.command("show")
def show_command(
    contract: ContractOption = "helsinki",
    on: Annotated[
        str | None,
        typer.Option("--on", help="The position on this date (default: today in Helsinki)."),
    ] = None,
    lag_days: Annotated[
        int, typer.Option(help="Days from the city's payment to the distribution.", min=0)
    ] = 0,
) -> None:
    """The fund's position: totals, each investor's share, XIRR, multiple and cap headroom."""
    open_store()
    from datetime import date

    from rich.table import Table

    from sibyl.contract import load_contract
    from sibyl.register.reader import today_in_helsinki
    from sibyl.web.store.fund import headroom, position

    loaded = load_contract(contract)
    day = parse_option_date(on, "--on") or today_in_helsinki()
    found = position(loaded.id, day)
    table = Table(title=f"Fund position: {loaded.id} on {day.isoformat()} (EUR)")
    table.add_column("item")
    table.add_column("value", justify="right")
    for label, value in (
        ("contributions", found.contributions),
        ("provider payments", found.provider_payments),
        ("fees", found.fees),
        ("outcome payments received", found.outcome_payments),
        ("distributions", found.distributions),
        ("balance", found.balance),
    ):
        table.add_row(label, _money(value))
    for name, share in found.shares.items():
        table.add_row(
            f"share of {name or '(no investor named)'}",
            f"{_money(found.contributed_by[name])} ({share * 100:.2f} %)",
        )
    table.add_row("investors' XIRR", "—" if found.xirr is None else f"{found.xirr * 100:.2f} %")
    table.add_row("multiple (MOIC)", "—" if found.moic is None else f"{found.moic:.4f}")
    year = day.year + 1
    cap = loaded.for_year("investor_return_cap", year)
    pay_date = date(year, 6, 30)
    if cap is not None:
        room = headroom(loaded.id, pay_date, Decimal(str(cap)), lag_days)
        table.add_row(
            f"cap headroom, payment {pay_date.isoformat()} at {Decimal(str(cap)) * 100:.2f} %",
            _money(room),
        )
    console.print(table)
    if found.xirr is None:
        console.print(f"No XIRR yet: {found.xirr_reason}.", highlight=False)
    if cap is None:
        console.print(f"The contract sets no investor return cap for {year}.", highlight=False)


ScenarioOption = Annotated[
    str,
    typer.Option(help="A scenario YAML file, or a built-in scenario name (helsinki-base)."),
]


@app.command("savings")
def savings_command(
    scenario: ScenarioOption = "helsinki-base",
    calibrate: Annotated[
        str | None,
        typer.Option(help="Scale the counterfactual so that the gross saving is this (euros)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the calibrated scenario (with --calibrate).", dir_okay=False
        ),
    ] = None,
) -> None:
    """The savings case per year (DOMAIN.md 3.6), or calibrate it to a total gross saving."""
    from rich.table import Table

    from sibyl.finance.savings import calibrate_scale, gross_saving_exact, savings_case
    from sibyl.finance.scenario import load_scenario, write_with_scale

    loaded = load_scenario(scenario)
    if calibrate is not None:
        if out is None:
            raise SibylInputError(
                "--calibrate needs --out", None, "name the scenario file to write with --out"
            )
        target = _parse_money_option(calibrate, "--calibrate")
        scale = calibrate_scale(loaded, target)
        note = (
            f"Calibrated by `sibyl savings --calibrate {target}`: with this scale the expected "
            f"gross saving of the cohort over the whole project is EUR {target} "
            "(seed: Helsinki Lapset SIB estimated savings EUR 7.7 M, hankintakeino.fi)."
        )
        write_with_scale(loaded, scale, note, out)
        check = load_scenario(out)
        typer.echo(f"scale {scale}")
        typer.echo(f"gross saving {gross_saving_exact(check):.2f}")
        typer.echo(f"wrote {out}")
        return
    case = savings_case(loaded)
    table = Table(title=f"Savings case: {loaded.name} (expected values, EUR)")
    for name in (
        "year",
        "child-years",
        "counterfactual",
        "with intervention",
        "gross saving",
        "outcome payments",
        "city costs",
        "net saving",
    ):
        table.add_column(name, justify="right")
    for y in case.years:
        table.add_row(
            str(y.year),
            f"{y.child_years:.1f}",
            f"{y.counterfactual_cost:,.0f}",
            f"{y.with_intervention_cost:,.0f}",
            f"{y.gross_saving:,.0f}",
            f"{y.outcome_payments:,.0f}",
            f"{y.city_costs:,.0f}",
            f"{y.net_saving:,.0f}",
        )
    table.add_row(
        "total",
        f"{case.total('child_years'):.1f}",
        f"{case.total('counterfactual_cost'):,.0f}",
        f"{case.total('with_intervention_cost'):,.0f}",
        f"{case.total('gross_saving'):,.0f}",
        f"{case.total('outcome_payments'):,.0f}",
        f"{case.total('city_costs'):,.0f}",
        f"{case.total('net_saving'):,.0f}",
    )
    console.print(table)
    console.print(
        "Outcome payments are expected values before the return cap; `sibyl simulate` applies it."
    )


@app.command("simulate")
def simulate_command(
    scenario: ScenarioOption = "helsinki-base",
    runs: Annotated[int, typer.Option(help="Number of Monte Carlo runs.", min=1)] = 10_000,
    seed: Annotated[
        int | None, typer.Option(help="Random seed (default: the scenario's).", min=0)
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Worker processes (results do not depend on it).", min=1)
    ] = 1,
    charts: Annotated[
        Path | None,
        typer.Option(help="Write the charts (PNG and SVG) to this folder.", file_okay=False),
    ] = None,
) -> None:
    """Monte Carlo of the cohort: outcome payments, investors' IRR after the cap, city savings."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    from sibyl.cli.common import err_console
    from sibyl.finance.montecarlo import simulate
    from sibyl.finance.scenario import load_scenario

    loaded = load_scenario(scenario)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("simulating", total=runs)
        result = simulate(
            loaded, runs, seed, workers=workers, progress=lambda k: progress.advance(task, k)
        )
    summary = result.summary()
    table = Table(
        title=f"Monte Carlo: {loaded.name}, {runs:,} runs, seed "
        f"{loaded.seed if seed is None else seed}"
    )
    table.add_column("measure")
    for q in (5, 25, 50, 75, 95):
        table.add_column(f"P{q}", justify="right")
    for name, values in result.percentiles().items():
        fmt = "{:.4f}" if "IRR" in name else "{:,.0f}"
        table.add_row(name, *(fmt.format(v) for v in values))
    console.print(table)
    console.print(f"P(investors lose capital): {summary['p_investors_lose_capital']:.4f}")
    console.print(
        f"P(city pays more than it saves): {summary['p_city_pays_more_than_it_saves']:.4f}"
    )
    console.print(f"P(return cap binds): {summary['p_cap_binds']:.4f}")
    if charts is not None:
        from sibyl.finance.charts import write_charts

        written = write_charts(loaded, result, charts)
        console.print(f"Charts: {len(written)} files in {charts}")
    console.print(
        f"Mean outcome payments after the cap EUR {summary['mean_outcome_payments']:,.0f}; "
        f"mean net saving EUR {summary['mean_net_saving']:,.0f}."
    )
