"""``sibyl report``: the annual outcome report of a year, from the store (docs/report.md)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from sibyl.cli import app
from sibyl.cli.common import actor_name, console, open_store
from sibyl.errors import SibylInputError

EDITIONS = ("city", "public")
FORMATS = ("html", "pdf")
LANGUAGES = ("en", "fi")


def _choice(option: str, value: str, allowed: tuple[str, ...], meaning: str) -> str:
    cleaned = value.strip().lower()
    if cleaned not in allowed:
        raise SibylInputError(
            f"{option} {value!r} is not known", None, f"use {' or '.join(allowed)} ({meaning})"
        )
    return cleaned


@app.command("report")
def report(
    year: Annotated[int, typer.Option(help="The year (its statement must be approved).")],
    out: Annotated[Path, typer.Option(help="The file to write (.pdf or .html).")],
    edition: Annotated[
        str,
        typer.Option(
            help="city (every figure, with the pseudonymised child-level annex) or public "
            "(counts below 5 suppressed, no annex)."
        ),
    ] = "public",
    fmt: Annotated[
        str | None, typer.Option("--format", help="pdf or html (default: from --out).")
    ] = None,
    language: Annotated[str, typer.Option(help="en or fi.")] = "en",
    contract: Annotated[
        str, typer.Option(help="A built-in contract name (helsinki) or a contract file.")
    ] = "helsinki",
    draft: Annotated[
        bool,
        typer.Option(
            "--draft", help="Write a preview from the year's draft statement, marked DRAFT."
        ),
    ] = False,
    scenario: Annotated[
        str | None,
        typer.Option(help="The ex-ante case: a scenario name or file (default: CONTRACT-base)."),
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="Who writes it, for the audit log (default: the OS user).")
    ] = None,
) -> None:
    """Write the annual outcome report of a year (HTML or PDF, Finnish or English)."""
    chosen_edition = _choice("--edition", edition, EDITIONS, "the edition")
    chosen_language = _choice("--language", language, LANGUAGES, "the language")
    suffix = out.suffix.lower().lstrip(".")
    if fmt is None and suffix not in FORMATS:
        raise SibylInputError(
            f"--out {out.name!r} ends neither in .pdf nor in .html",
            None,
            "give --format pdf or --format html, or name the file so",
        )
    chosen_format = _choice("--format", fmt or suffix, FORMATS, "the file format")
    if not out.parent.is_dir():
        raise SibylInputError(
            f"the folder of --out {str(out)!r} does not exist", None, "create it first"
        )
    open_store()
    from sibyl.web.store.report import build_report, write_report

    started = time.perf_counter()
    data = build_report(contract, year, allow_draft=draft, scenario=scenario)
    write_report(
        data,
        out,
        edition=chosen_edition,
        fmt=chosen_format,
        language=chosen_language,
        actor=actor_name(actor),
    )
    kind = "DRAFT preview" if data.draft else "report"
    console.print(
        f"The {chosen_edition} edition of the {year} {kind} ({chosen_language}, "
        f"{chosen_format}) written to {out} in {time.perf_counter() - started:.1f} s.",
        highlight=False,
    )
