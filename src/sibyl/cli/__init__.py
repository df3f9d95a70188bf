"""The command line: a thin layer over the library.

Every command reports a user's mistake as one sentence on standard error (what, where, how to fix)
and exits with status 2; it never shows a traceback for one.
"""

from __future__ import annotations

import sys

import typer

from sibyl.errors import SibylInputError

app = typer.Typer(
    name="sibyl",
    help="Sibyl runs outcome-based contracts (social impact bonds) for child and family services.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _register_commands() -> None:
    # Imported here so that each module can import `app` helpers without cycles.
    from sibyl.cli import (  # noqa: F401
        cohort,
        contract,
        demo,
        fund,
        keys,
        register,
        report,
        research,
        screen,
        settle,
        store,
        web,
    )


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``sibyl`` command."""
    _register_commands()
    try:
        app(args=argv, standalone_mode=True)
    except SibylInputError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    except OSError as exc:
        # The file system said no (permission, full disk, a path that is a folder): the user's
        # environment, not a bug. strerror and filename never hold an identity code.
        where = f"{exc.filename}: " if exc.filename else ""
        reason = (exc.strerror or exc.__class__.__name__).lower()
        typer.echo(
            f"error: {where}{reason}; check the path and that you may read and write there.",
            err=True,
        )
        sys.exit(2)
