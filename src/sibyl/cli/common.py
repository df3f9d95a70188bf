"""Helpers shared by the command modules."""

from __future__ import annotations

import sys
from datetime import date

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sibyl.errors import SibylInputError
from sibyl.register.model import RejectedRow
from sibyl.tabular import parse_date

# soft_wrap: sentences are not broken at the terminal's width, so they can be searched and piped.
# Tables get a generous width when the output is a file or a pipe rather than a terminal.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(soft_wrap=True, width=_WIDTH)
err_console = Console(stderr=True, soft_wrap=True, width=_WIDTH)


def fail(error: SibylInputError) -> None:
    """Print a user's mistake as one sentence and exit with status 2."""
    typer.echo(f"error: {error.message}", err=True)
    sys.exit(2)


def parse_option_date(value: str | None, option: str) -> date | None:
    """A date given on the command line (``YYYY-MM-DD`` or ``D.M.YYYY``)."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise SibylInputError(
            f"{option} {value!r}: {exc}", None, "write the date as YYYY-MM-DD"
        ) from None


def print_rejects(title: str, rejects: list[RejectedRow], limit: int = 50) -> None:
    """The rejected rows of an input file on standard error (values already masked)."""
    if not rejects:
        return
    table = Table(title=title, title_justify="left")
    for column in ("line", "column", "value", "reason"):
        table.add_column(column, overflow="fold")
    for reject in rejects[:limit]:
        # Cells are Text, not markup: a file's contents must never be read as rich markup.
        table.add_row(
            *(Text(str(cell)) for cell in (reject.line, reject.column, reject.value, reject.reason))
        )
    err_console.print(table)
    if len(rejects) > limit:
        err_console.print(f"… and {len(rejects) - limit} more rejected rows.")


def open_store() -> None:
    """Set up Django and the store (imported here: the file commands need no database). The
    command line speaks English, whatever language a page last used in this process."""
    from django.utils import translation

    from sibyl.web.bootstrap import setup

    setup()
    translation.activate("en")


def actor_name(actor: str | None) -> str:
    """Who does this, for the audit log: ``--actor``, or else the operating-system user."""
    from sibyl.web.audit.log import default_actor

    return actor.strip() if actor and actor.strip() else default_actor()
