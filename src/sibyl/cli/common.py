"""Helpers shared by the command modules."""

from __future__ import annotations

import sys
from datetime import date

import typer
from rich.console import Console

from sibyl.errors import SibylInputError
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
