"""``sibyl register``: commands on register extracts.

``sibyl register check FILE`` reads an extract the way a settlement would and says what it found:
the counts, every rejected row (line, column, masked value, reason) and the warnings. Exit status
0 when every row is accepted, 1 when some rows are rejected, 2 when the file (or the contract, or
an option) cannot be used at all. Identity codes are only ever shown masked.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from sibyl.cli import app
from sibyl.cli.common import console, fail, parse_option_date
from sibyl.contract import Contract, load_contract
from sibyl.errors import SibylInputError
from sibyl.register import Extract, ReadWarning, read_extract

register_app = typer.Typer(
    help="Register extracts: check a file before a settlement uses it.",
    no_args_is_help=True,
)
app.add_typer(register_app, name="register")

#: At most this many rejected rows and warnings are printed as text (``--json`` lists them all).
MAX_SHOWN = 1000


@register_app.command("check")
def check(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="The extract: a CSV (',' or ';') or .xlsx file.")
    ],
    contract: Annotated[
        str, typer.Option("--contract", help="A built-in contract's name or a contract file.")
    ] = "helsinki",
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The extract's as-of date (YYYY-MM-DD): rows that start after it are rejected.",
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of tables.")
    ] = False,
) -> None:
    """Validate a register extract: counts, rejected rows and warnings."""
    try:
        as_of_day = parse_option_date(as_of, "--as-of")
        loaded = load_contract(contract)
        extract = read_extract(file, loaded, as_of=as_of_day)
    except SibylInputError as exc:
        fail(exc)
        return
    if json_output:
        typer.echo(json.dumps(report(extract, loaded), ensure_ascii=False))
    else:
        print_report(extract, loaded)
    if extract.rejects:
        raise typer.Exit(1)


def report(extract: Extract, contract: Contract) -> dict[str, Any]:
    """What ``--json`` prints: counts, every rejected row (masked) and every warning."""
    return {
        "file": extract.source,
        "sha256": extract.sha256,
        "contract": contract.label,
        "as_of": extract.as_of.isoformat() if extract.as_of else None,
        "identifier": extract.identifier,
        "rows": extract.rows,
        "accepted": extract.accepted,
        "rejected": len(extract.rejects),
        "warnings": len(extract.warnings),
        "duplicates": extract.duplicates,
        "rejects": [
            {
                "line": reject.line,
                "column": reject.column,
                "value": reject.value,
                "reason": reject.reason,
            }
            for reject in extract.rejects
        ],
        "warning_messages": [located(warning) for warning in extract.warnings],
    }


def print_report(extract: Extract, contract: Contract) -> None:
    """The counts, the rejected rows as a table, and the warnings, for a person to read."""
    as_of = f", as of {extract.as_of.isoformat()}" if extract.as_of else ""
    console.print(Text(f"Register extract {extract.source} ({contract.label}{as_of})"))
    console.print(Text(f"sha256 {extract.sha256}"))

    counts = Table(show_header=False, box=None, padding=(0, 2))
    counts.add_column("what")
    counts.add_column("count", justify="right")
    for label, count in (
        ("rows read", extract.rows),
        ("accepted", extract.accepted),
        ("rejected", len(extract.rejects)),
        ("warnings", len(extract.warnings)),
        ("duplicates", extract.duplicates),
    ):
        counts.add_row(label, str(count))
    console.print(counts)

    if extract.rejects:
        rejected = Table(title="Rejected rows", title_justify="left")
        rejected.add_column("line", justify="right")
        rejected.add_column("column")
        rejected.add_column("value")
        rejected.add_column("reason")
        for reject in extract.rejects[:MAX_SHOWN]:
            rejected.add_row(
                str(reject.line), Text(reject.column), Text(reject.value), Text(reject.reason)
            )
        console.print(rejected)
        _more(len(extract.rejects), "rejected rows")

    if extract.warnings:
        console.print(Text("Warnings"))
        for warning in extract.warnings[:MAX_SHOWN]:
            console.print(Text(f"- {located(warning)}"))
        _more(len(extract.warnings), "warnings")

    if extract.rejects:
        console.print(
            Text(
                f"{len(extract.rejects)} of {extract.rows} rows rejected; correct them in the "
                "file and check it again."
            )
        )
    else:
        console.print(Text(f"All {extract.rows} rows accepted."))


def located(warning: ReadWarning) -> str:
    """A warning's message with its line in front, when it is about one row."""
    return f"line {warning.line}: {warning.message}" if warning.line else warning.message


def _more(total: int, what: str) -> None:
    if total > MAX_SHOWN:
        console.print(Text(f"… and {total - MAX_SHOWN} more {what}; use --json to list them all."))
