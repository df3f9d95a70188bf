"""``sibyl screen``: screen a file of referrals against the contract's target group.

File in, file out, no database. The decisions file carries referral ids only, never an identity
code; rejected rows are shown with the code masked.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sibyl.cli import app
from sibyl.cli.common import console, err_console, parse_option_date, print_rejects
from sibyl.contract import load_contract
from sibyl.eligibility import Decision, criteria_codes, screen
from sibyl.errors import Location, SibylInputError
from sibyl.register import read_extract
from sibyl.register.model import RejectedRow
from sibyl.register.referrals import read_referrals, with_register_services
from sibyl.settlement.export import atomic_write

DECISION_COLUMNS = ("referral_id", "eligible", "failed")


def write_decisions(decisions: list[Decision], path: Path) -> None:
    """``referral_id, eligible, failed`` (codes space-separated, sorted), written atomically."""
    with atomic_write(path) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(DECISION_COLUMNS)
        for decision in decisions:
            writer.writerow(
                [
                    decision.referral_id,
                    "true" if decision.eligible else "false",
                    " ".join(decision.failed),
                ]
            )


def print_summary(decisions: list[Decision], title: str, criteria: tuple[str, ...]) -> None:
    """How many are eligible, and how many fail each of the contract's ``criteria``."""
    eligible = sum(decision.eligible for decision in decisions)
    failed = Counter(code for decision in decisions for code in decision.failed)
    table = Table(title=title, title_justify="left")
    table.add_column("", overflow="fold")
    table.add_column("referrals", justify="right")
    table.add_row("eligible", str(eligible))
    table.add_row("not eligible", str(len(decisions) - eligible))
    for code in criteria:
        table.add_row(f"  failed: {code}", str(failed[code]))
    console.print(table)


@app.command("screen")
def screen_command(
    referrals: Annotated[
        Path, typer.Argument(help="The referral file (CSV or .xlsx).", dir_okay=False)
    ],
    out: Annotated[
        Path,
        typer.Option(help="Where to write the decisions (CSV).", dir_okay=False),
    ],
    contract: Annotated[
        str, typer.Option(help="A built-in contract name (helsinki) or a contract file.")
    ] = "helsinki",
    register: Annotated[
        Path | None,
        typer.Option(
            help="A register extract (hetu, service, start, end): the ongoing services are "
            "taken from it instead of the referral file's ongoing_services column.",
            dir_okay=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The extract's as-of date (YYYY-MM-DD or D.M.YYYY)."),
    ] = None,
) -> None:
    """Screen referrals: who is eligible, and which criteria the others fail."""
    as_of_date = parse_option_date(as_of, "--as-of")
    if register is not None and as_of_date is None:
        raise SibylInputError(
            "--register needs the extract's as-of date",
            None,
            "add --as-of DATE (the day the extract was taken)",
        )
    if register is None and as_of_date is not None:
        raise SibylInputError(
            "--as-of is the as-of date of a register extract, but no --register was given",
            None,
            "add --register EXTRACT.csv or leave out --as-of",
        )
    loaded = load_contract(contract)
    accepted, rejects = read_referrals(referrals, loaded)
    extract_rejects: list[RejectedRow] = []
    if register is not None:
        extract = read_extract(register, loaded, as_of=as_of_date)
        if extract.identifier != "hetu":
            raise SibylInputError(
                "the register extract identifies children by pseudonym, but referrals by "
                "identity code",
                Location(str(register)),
                "give an extract with a hetu column",
            )
        extract_rejects = extract.rejects
        accepted = with_register_services(accepted, extract.episodes)
        later = sum(1 for referral in accepted if as_of_date and referral.referred_on > as_of_date)
        if later:
            err_console.print(
                f"warning: {later} referral(s) are dated after the extract's as-of date "
                f"{as_of_date}; the extract cannot show services that started after that "
                "date, so use an extract taken on or after the latest referral date.",
                highlight=False,
                markup=False,
            )
    decisions = [screen(referral, loaded) for referral in accepted]
    write_decisions(decisions, out)
    print_summary(
        decisions, f"Screening of {referrals} under {loaded.label}", criteria_codes(loaded)
    )
    if rejects:
        print_rejects(f"Rejected rows in {referrals} (not screened)", rejects)
    if extract_rejects:
        print_rejects(f"Rejected rows in {register} (not used)", extract_rejects)
    console.print(
        f"{len(decisions)} decisions written to {out}; {len(rejects)} rows rejected.",
        highlight=False,
    )
    if rejects or extract_rejects:
        raise typer.Exit(1)
