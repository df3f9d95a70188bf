"""``sibyl demo``: the whole pipeline on synthetic data, in a folder of its own.

It writes a synthetic cohort and register extract as the city would hand them over (with a few
deliberately broken rows), reads them back through the same readers as ``sibyl settle``, settles
every year 2020–2025 and writes the statements as CSV and Excel.

Then it runs the same through the store, as the city would: throwaway keys made for the demo, an
embedded SQLite database in the demo folder, the files imported (identity codes pseudonymised,
sealed in the vault), statements 2020–2024 created and approved, and a late correction of the
register that arrives as adjustments in the 2025 statement.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
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
CORRECTION_AS_OF = date(2026, 6, 30)
APPROVED_YEARS = list(range(2020, 2025))


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
    _store_demo(out, contract, cohort_path, register_path, statement)
    example = _example_line(cohort.spells, statement, 2023)
    console.print(
        f"\nFiles in {out}/:\n"
        f"  {cohort_path.name}, {register_path.name}  the synthetic inputs\n"
        f"  statement_YYYY.csv, lines_YYYY.csv  one statement and its deduction lines per year\n"
        f"  statements_2020-2025.xlsx  all years in one workbook, with the inputs' SHA-256\n"
        f"  sibyl.sqlite3, keys.json  the demo's store and its throwaway keys\n"
        f"  store_statement_2025.xlsx  the 2025 statement from the store, with its adjustments\n"
        f"\nUse the demo's store from the command line, e.g.:\n"
        f"  export SIBYL_DATA_DIR={out} SIBYL_KEY_FILE={out}/keys.json\n"
        f"  sibyl statement list; sibyl import list; sibyl audit verify\n"
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


def _store_demo(out: Path, contract, cohort_path: Path, register_path: Path, statement) -> None:
    """The same data through the store: import, approve 2020–2024, a late correction."""
    from sibyl import identity

    keys = identity.write_key_file(identity.create_keys(), out / "keys.json")
    # The demo uses its own folder and keys, whatever the environment says.
    os.environ["SIBYL_DATA_DIR"] = str(out)
    os.environ["SIBYL_KEY_FILE"] = str(keys)
    for name in ("DATABASE_URL", "SIBYL_PSEUDONYM_KEY", "SIBYL_VAULT_KEY"):
        os.environ.pop(name, None)
    console.print(
        f"\nThe store: throwaway keys made for this demo only ({keys}); an embedded database "
        f"{out / 'sibyl.sqlite3'}.",
        highlight=False,
    )
    from sibyl.web.bootstrap import setup

    setup()
    from sibyl.cli.store import _show
    from sibyl.web.statements.models import Adjustment
    from sibyl.web.store.cohort import import_cohort
    from sibyl.web.store.imports import import_register
    from sibyl.web.store.statements import approve_statement, create_statement, export_statement

    actor = "demo-coordinator"
    import_cohort(cohort_path, contract, actor=actor)
    import_register(register_path, contract, as_of=DEMO_AS_OF, actor=actor)
    for year in APPROVED_YEARS:
        create_statement(contract.id, year, actor=actor)
        approve_statement(contract.id, year, actor=actor)

    corrected = out / f"register_{CORRECTION_AS_OF.isoformat()}.csv"
    corrected.write_text(
        register_path.read_text(encoding="utf-8") + _late_rows(statement, cohort_path),
        encoding="utf-8",
    )
    import_register(corrected, contract, as_of=CORRECTION_AS_OF, actor=actor)
    latest = create_statement(contract.id, 2025, actor=actor)
    export_statement(latest, out / "store_statement_2025.xlsx", actor=actor)
    from sibyl.web.statements.models import Statement as StoredStatement

    _show(list(StoredStatement.objects.filter(contract_id=contract.id)))
    adjustments = Adjustment.objects.filter(statement=latest)
    console.print(
        f"A late correction ({corrected.name}, as of {CORRECTION_AS_OF.isoformat()}) changed "
        f"{adjustments.count()} child-years of approved years: the approved statements stay as "
        f"they were, and the 2025 draft carries adjustments of EUR "
        f"{latest.adjustments_total:,.2f}.",
        highlight=False,
    )


def _late_rows(statement, cohort_path: Path) -> str:
    """Register rows the city adds later: open-care social work for three children in autumn
    2024 who had no deductions that year (CSV lines, identity codes as in the cohort file)."""
    import csv

    with cohort_path.open(encoding="utf-8", newline="") as stream:
        codes = [row["hetu"] for row in csv.DictReader(stream)]
    clean = {
        row.person
        for row in statement.child_years
        if row.year == 2024 and row.followup_days == 366 and not row.deduction
    }
    chosen = [code for code in codes if code in clean][:3]
    start = date(2024, 9, 2)
    return "".join(
        f"{code},5,{(start + timedelta(days=7 * i)).isoformat()},2024-12-20,\n"
        for i, code in enumerate(chosen)
    )
