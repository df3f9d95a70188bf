"""``sibyl demo``: the whole pipeline on synthetic data, in a folder of its own.

It writes a synthetic cohort and register extract as the city would hand them over (with a few
deliberately broken rows), reads them back through the same readers as ``sibyl settle``, settles
every year 2020–2025 and writes the statements as CSV and Excel.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from sibyl.cli import app
from sibyl.cli.common import console
from sibyl.cli.settle import print_totals
from sibyl.contract import load_contract
from sibyl.errors import Location, SibylInputError

DEMO_YEARS = list(range(2020, 2026))
DEMO_AS_OF = date(2026, 3, 31)


@app.command("demo")
def demo(
    out: Annotated[
        Path,
        typer.Option(help="The folder for the demo's files (replaced if it is a demo folder)."),
    ] = Path("sibyl-demo"),
    seed: Annotated[int, typer.Option(help="Seed of the synthetic data.")] = 2020,
) -> None:
    """Run the whole pipeline on synthetic data: cohort, register extract, statements 2020–2025."""
    from sibyl import synth
    from sibyl.register import read_cohort, read_extract
    from sibyl.settlement import settle
    from sibyl.settlement.export import (
        write_lines_csv,
        write_statement_csv,
        write_statement_xlsx,
    )

    marker = out / ".sibyl-demo"
    if out.exists() and any(out.iterdir()) and not marker.exists():
        raise SibylInputError(
            "the folder exists and is not a Sibyl demo folder",
            Location(str(out)),
            "give another folder with --out, or empty this one",
        )
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    marker.write_text("This folder was written by `sibyl demo` and is replaced on each run.\n")

    contract = load_contract("helsinki")
    console.print(
        f"Sibyl demo: contract {contract.label}, synthetic data (seed {seed}), "
        f"register as of {DEMO_AS_OF.isoformat()}. All identity codes are synthetic.",
        highlight=False,
    )
    cohort_path = out / "cohort.csv"
    register_path = out / f"register_{DEMO_AS_OF.isoformat()}.csv"
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        steps = progress.add_task("Generating the synthetic cohort", total=6)
        spells = synth.synth_cohort(contract, seed=seed, as_of=DEMO_AS_OF)
        synth.write_cohort_csv(cohort_path, spells)
        progress.update(steps, advance=1, description="Generating the register extract")
        episodes = synth.synth_register(contract, spells, as_of=DEMO_AS_OF, seed=seed)
        rows, _ = synth.inject_demo_errors(episodes, seed=seed)
        synth.write_extract_csv(register_path, rows)
        progress.update(steps, advance=1, description="Reading the cohort file")
        cohort = read_cohort(cohort_path, contract)
        progress.update(steps, advance=1, description="Reading and checking the extract")
        extract = read_extract(register_path, contract, as_of=DEMO_AS_OF)
        progress.update(steps, advance=1, description="Settling 2020–2025")
        statement = settle(
            contract,
            cohort.spells,
            extract.episodes,
            years=DEMO_YEARS,
            as_of=DEMO_AS_OF,
            identifier=cohort.identifier,
            inputs={cohort_path.name: cohort.sha256, register_path.name: extract.sha256},
        )
        progress.update(steps, advance=1, description="Writing the statements")
        for year in DEMO_YEARS:
            write_statement_csv(statement, out / f"statement_{year}.csv", year=year)
            write_lines_csv(statement, out / f"lines_{year}.csv", year=year)
        write_statement_xlsx(statement, out / "statements_2020-2025.xlsx")
        progress.update(steps, advance=1, description="Done")

    console.print(
        f"\nRegister extract: {extract.rows} rows, {extract.accepted} accepted, "
        f"{len(extract.rejects)} rejected (deliberately broken demo rows), "
        f"{extract.duplicates} duplicates counted once.",
        highlight=False,
    )
    for reject in extract.rejects:
        console.print(
            f"  rejected line {reject.line}, column {reject.column} ({reject.value}): "
            f"{reject.reason}",
            highlight=False,
            markup=False,
        )
    print_totals(statement)
    example = _example_line(cohort.spells, statement, 2023)
    console.print(
        f"\nFiles in {out}/:\n"
        f"  {cohort_path.name}, {register_path.name}  the synthetic inputs\n"
        f"  statement_YYYY.csv, lines_YYYY.csv  one statement and its deduction lines per year\n"
        f"  statements_2020-2025.xlsx  all years in one workbook, with the inputs' SHA-256\n"
        f"\nExplain one child-year, e.g. that of the child on line {example} of the cohort file, "
        f"who had deductions in 2023:\n"
        f"  sibyl explain --cohort {cohort_path} --register {register_path} --year 2023 "
        f"--as-of {DEMO_AS_OF.isoformat()} "
        f'--child "$(sed -n {example}p {cohort_path} | cut -d, -f1)"',
        highlight=False,
        markup=False,
    )


def _example_line(spells: list, statement, year: int) -> int:
    """The cohort file line of a child with deductions in ``year`` (the first line otherwise).

    The demo names the child by its line, so that no identity code is printed.
    """
    with_use = {row.person for row in statement.child_years if row.year == year and row.deduction}
    for spell in spells:
        if spell.person in with_use and spell.line is not None:
            return spell.line
    return 2
