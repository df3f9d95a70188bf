"""Commands that work on the store: imports, statements, the audit log, the identity vault.

The store is the embedded SQLite database in ``SIBYL_DATA_DIR`` (``./sibyl-data``) unless
``DATABASE_URL`` names another (PostgreSQL in production). Every command that changes the store,
or reads an identity, writes an audit entry; ``--actor`` names who (default: the OS user).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from sibyl.cli import app
from sibyl.cli.common import (
    actor_name,
    console,
    err_console,
    open_store,
    parse_option_date,
    print_rejects,
)
from sibyl.errors import SibylInputError

import_app = typer.Typer(
    help="Import cohort files, register extracts and price lists.", no_args_is_help=True
)
statement_app = typer.Typer(help="Create, approve and export statements.", no_args_is_help=True)
audit_app = typer.Typer(help="Check and read the audit log.", no_args_is_help=True)
identity_app = typer.Typer(help="The identity vault (each look is logged).", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(statement_app, name="statement")
app.add_typer(audit_app, name="audit")
app.add_typer(identity_app, name="identity")

ContractOption = Annotated[
    str, typer.Option(help="A built-in contract name (helsinki) or a contract file.")
]
ActorOption = Annotated[
    str | None, typer.Option(help="Who does this, for the audit log (default: the OS user).")
]


def _services(text: str | None) -> list[int] | None:
    if not text:
        return None
    codes: list[int] = []
    try:
        for part in text.replace(" ", "").split(","):
            if "-" in part:
                low, high = (int(x) for x in part.split("-", 1))
                codes.extend(range(low, high + 1))
            elif part:
                codes.append(int(part))
    except ValueError:
        raise SibylInputError(
            f"--services {text!r} is not a list of service codes", None, "write e.g. 1-8 or 1,2,9"
        ) from None
    return codes


@import_app.command("cohort")
def import_cohort_command(
    file: Annotated[Path, typer.Argument(help="The cohort file.", dir_okay=False)],
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Store a cohort file: children by pseudonym, their follow-up spells, the vault."""
    open_store()
    from sibyl.contract import load_contract
    from sibyl.web.store.cohort import import_cohort

    loaded = load_contract(contract)
    try:
        result = import_cohort(file, loaded, actor=actor_name(actor))
    except SibylInputError:
        from sibyl.register import read_cohort

        print_rejects("Rejected rows", read_cohort(file, loaded).rejects)
        raise
    console.print(
        f"{file}: {result.children} children, {result.new_children} new, "
        f"{result.changed_children} with changed follow-up; stored by pseudonym.",
        highlight=False,
    )


@import_app.command("register")
def import_register_command(
    file: Annotated[Path, typer.Argument(help="The register extract.", dir_okay=False)],
    as_of: Annotated[str, typer.Option("--as-of", help="The extract's as-of date.")],
    contract: ContractOption = "helsinki",
    services: Annotated[
        str | None,
        typer.Option(help="The services the extract covers, e.g. 1-8 (default: all)."),
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Validate, pseudonymise and store a register extract in one transaction."""
    open_store()
    from django.utils.timezone import localtime

    from sibyl.contract import load_contract
    from sibyl.web.store.imports import import_register

    day = parse_option_date(as_of, "--as-of")
    assert day is not None
    loaded = load_contract(contract)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as progress:
        tasks: dict[str, object] = {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                label = "Checking rows" if stage == "checking" else "Storing episodes"
                tasks[stage] = progress.add_task(label, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        result = import_register(
            file,
            loaded,
            as_of=day,
            actor=actor_name(actor),
            services=_services(services),
            progress=advance,
        )
    imported = result.register_import
    if result.already_imported:
        console.print(
            f"{file}: this file (SHA-256 {imported.sha256[:12]}…) was already imported on "
            f"{localtime(imported.imported_at):%Y-%m-%d %H:%M} as import {imported.id}; "
            "nothing changed.",
            highlight=False,
        )
        return
    console.print(
        f"{file}: import {imported.id} as of {imported.as_of}, services "
        f"{', '.join(map(str, imported.services))}: {imported.rows} rows, {imported.accepted} "
        f"accepted, {imported.rejected} rejected, {imported.outside_cohort} of people not in the "
        "cohort (not stored).",
        highlight=False,
    )
    if result.extract is not None and result.extract.rejects:
        print_rejects("Rejected rows", result.extract.rejects)
        err_console.print(
            f"Export them for the city with `sibyl import rejects {imported.id} --out FILE`.",
            highlight=False,
        )


@import_app.command("list")
def import_list(contract: ContractOption = "helsinki") -> None:
    """List the stored register extracts, and which one settlement uses for each service."""
    open_store()
    from sibyl.contract import load_contract
    from sibyl.web.imports.models import RegisterImport
    from sibyl.web.store.imports import effective_imports

    contract_id = load_contract(contract).id
    used = effective_imports(contract_id)
    table = Table(title=f"Register extracts of {contract_id}", title_justify="left")
    for column in ("id", "file", "as of", "services", "rows", "rejected", "used for"):
        table.add_column(column)
    for imp in RegisterImport.objects.filter(contract_id=contract_id):
        serves = [str(code) for code, chosen in sorted(used.items()) if chosen.id == imp.id]
        table.add_row(
            str(imp.id), imp.file_name, str(imp.as_of), ",".join(map(str, imp.services)),
            str(imp.rows), str(imp.rejected), ",".join(serves) or "superseded",
        )  # fmt: skip
    console.print(table)


@import_app.command("rejects")
def import_rejects(
    import_id: Annotated[int, typer.Argument(help="The import's id (see `sibyl import list`).")],
    out: Annotated[Path, typer.Option(help="Where to write the rejected rows (CSV).")],
) -> None:
    """Export an import's rejected rows (codes masked) for the city to fix at the source."""
    open_store()
    from sibyl.web.imports.models import RegisterImport
    from sibyl.web.store.imports import export_rejects

    register_import = RegisterImport.objects.filter(id=import_id).first()
    if register_import is None:
        raise SibylInputError(
            f"there is no import {import_id}", None, "see `sibyl import list` for the ids"
        )
    count = export_rejects(register_import, out)
    console.print(f"{count} rejected rows written to {out}.", highlight=False)


@import_app.command("prices")
def import_prices_command(
    file: Annotated[Path, typer.Argument(help="A price list CSV.", dir_okay=False)],
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Store a new price list (e.g. with confirmed prices); later statements use it."""
    open_store()
    from sibyl.web.store.contracts import import_prices

    version, new = import_prices(contract, file, actor=actor_name(actor))
    if new:
        console.print(f"{file}: stored as price list {version.sha256[:12]}.", highlight=False)
    else:
        console.print(f"{file}: this price list is already stored; nothing changed.")


@statement_app.command("create")
def statement_create(
    year: Annotated[int, typer.Option(help="The year to settle.")],
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Settle a year from the store as a draft statement (with adjustments for approved years)."""
    open_store()
    from sibyl.web.store.statements import create_statement

    statement = create_statement(contract, year, actor=actor_name(actor))
    show_statements([statement])


@statement_app.command("approve")
def statement_approve(
    year: Annotated[int, typer.Option(help="The year whose draft to approve.")],
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Approve a draft statement: from now on it never changes."""
    open_store()
    from sibyl.contract import load_contract
    from sibyl.web.store.statements import approve_statement

    statement = approve_statement(load_contract(contract).id, year, actor=actor_name(actor))
    console.print(
        f"Statement {statement.id} for {year} approved by {statement.approved_by}; "
        f"invoice EUR {statement.invoice_total:,.2f}.",
        highlight=False,
    )


@statement_app.command("export")
def statement_export(
    year: Annotated[int, typer.Option(help="The statement's year.")],
    out: Annotated[
        Path, typer.Option(help="A .csv (with _lines and _adjustments beside it) or .xlsx file.")
    ],
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Write a statement by pseudonym (the approved one, or else the draft)."""
    open_store()
    from sibyl.contract import load_contract
    from sibyl.web.store.statements import export_statement, get_statement

    statement = get_statement(load_contract(contract).id, year)
    written = export_statement(statement, out, actor=actor_name(actor))
    console.print(
        f"Statement {statement.id} ({statement.status}) written to "
        f"{', '.join(str(p) for p in written)}.",
        highlight=False,
    )


@statement_app.command("list")
def statement_list(contract: ContractOption = "helsinki") -> None:
    """List the stored statements."""
    open_store()
    from sibyl.contract import load_contract
    from sibyl.web.statements.models import Statement

    show_statements(list(Statement.objects.filter(contract_id=load_contract(contract).id)))


def show_statements(statements) -> None:
    table = Table(title="Statements (EUR)", title_justify="left")
    for column, justify in [
        ("id", "right"), ("year", "left"), ("status", "left"), ("as of", "left"),
        ("children", "right"), ("deductions", "right"), ("payable", "right"),
        ("adjustments", "right"), ("invoice", "right"), ("result", "left"),
    ]:  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for s in statements:
        table.add_row(
            str(s.id), str(s.year), s.status, str(s.as_of), str(s.children),
            f"{s.deductions:,.2f}", f"{s.payable:,.2f}", f"{s.adjustments_total:,.2f}",
            f"{s.invoice_total:,.2f}", s.result_status,
        )  # fmt: skip
    console.print(table)


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; exit 1 if an entry was changed, removed or inserted."""
    open_store()
    from sibyl.web.audit.log import verify

    result = verify()
    if result.ok:
        console.print(
            f"The audit log is intact: {result.entries} entries, head {result.head}.",
            highlight=False,
        )
        return
    err_console.print(f"The audit log is broken: {result.problem}.", highlight=False)
    raise typer.Exit(1)


@audit_app.command("show")
def audit_show(last: Annotated[int, typer.Option(help="How many entries.")] = 20) -> None:
    """Show the newest audit entries."""
    open_store()
    from django.utils.timezone import localtime

    from sibyl.web.audit.models import AuditEntry

    table = Table(title="Audit log (local time)", title_justify="left")
    for column in ("id", "at", "actor", "action", "object", "details"):
        table.add_column(column, overflow="fold")
    for entry in reversed(list(AuditEntry.objects.order_by("-id")[:last])):
        table.add_row(
            str(entry.id), f"{localtime(entry.at):%Y-%m-%d %H:%M:%S}", Text(entry.actor),
            entry.action,
            Text(f"{entry.object_type} {entry.object_id}".strip()), Text(str(entry.details)),
        )  # fmt: skip
    console.print(table)


@identity_app.command("reveal")
def identity_reveal(
    pseudonym: Annotated[str, typer.Argument(help="The pseudonym, as in a statement.")],
    reason: Annotated[str, typer.Option(help="Why you need the identity (kept in the log).")],
    contract: ContractOption = "helsinki",
    actor: ActorOption = None,
) -> None:
    """Show the identity code behind a pseudonym; the look is written to the audit log."""
    open_store()
    from sibyl.contract import load_contract
    from sibyl.web.store.cohort import reveal

    code = reveal(load_contract(contract).id, pseudonym, actor=actor_name(actor), reason=reason)
    typer.echo(code)


@identity_app.command("rotate-keys")
def identity_rotate_keys(
    to: Annotated[
        Path, typer.Option(help="The new key file (from `sibyl keys create`).", dir_okay=False)
    ],
    actor: ActorOption = None,
) -> None:
    """Re-encrypt the vault with the new key file's keys, and re-key pseudonyms if its
    pseudonym key differs; then point SIBYL_KEY_FILE at the new file."""
    open_store()
    import os

    from sibyl import identity
    from sibyl.web.store.vault import rotate_keys

    old = identity.load_keys()
    new = identity.load_keys({**os.environ, "SIBYL_KEY_FILE": str(to)})
    result = rotate_keys(old, new, actor=actor_name(actor))
    console.print(
        f"{result.entries} vault entries re-encrypted, {result.repseudonymised} pseudonyms "
        f"re-keyed. Now set SIBYL_KEY_FILE={to} for every Sibyl process.",
        highlight=False,
    )
