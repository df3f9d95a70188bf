"""``sibyl research``: the evaluators' pseudonymised research extracts from the command line (for
the city's coordinator, who may see everything of the contract; docs/research.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sibyl.cli import app
from sibyl.cli.common import actor_name, console, open_store
from sibyl.settlement.export import atomic_write

research_app = typer.Typer(
    help="Pseudonymised research extracts (each export is logged).", no_args_is_help=True
)
app.add_typer(research_app, name="research")


@research_app.command("list")
def research_list(
    contract: Annotated[str, typer.Option(help="The contract.")] = "helsinki",
) -> None:
    """The extracts, what each holds and how many rows it has today."""
    open_store()
    from rich.table import Table

    from sibyl.web.store.research import catalogue

    found = catalogue(contract)
    table = Table(title=f"Research extracts of {contract}", title_justify="left")
    for column in ("extract", "rows", "what it holds"):
        table.add_column(column)
    for item in found.extracts:
        table.add_row(item.extract.name, f"{item.rows:,}", str(item.extract.description))
    console.print(table)


@research_app.command("export")
def research_export(
    name: Annotated[
        str, typer.Argument(help="The extract, e.g. children (see `sibyl research list`).")
    ],
    out: Annotated[Path, typer.Option(help="The file to write.", dir_okay=False)],
    format: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    contract: Annotated[str, typer.Option(help="The contract.")] = "helsinki",
    actor: Annotated[str | None, typer.Option(help="Who does this, for the audit log.")] = None,
) -> None:
    """Write one extract (by research id, never a pseudonym or an identity code); audited."""
    open_store()
    from sibyl.web.store.research import download

    # The file is written beside its place first: nothing is logged as exported unless the folder
    # can take it, and nothing is left half-written if the extract cannot be built.
    with atomic_write(out, "wb") as stream:
        sent = download(contract, name, format, actor=actor_name(actor))
        stream.write(sent.content)
    console.print(
        f"{out}: the {name} extract, {len(sent.content):,} bytes, SHA-256 {sent.sha256} "
        "(written to the audit log).",
        highlight=False,
        markup=False,
    )
