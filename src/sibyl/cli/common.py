"""Helpers shared by the command modules."""

from __future__ import annotations

import sys
from datetime import date

import typer
from rich.console import Console

from sibyl.errors import SibylInputError
from sibyl.tabular import parse_date

console = Console()
err_console = Console(stderr=True)


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
