"""``sibyl settle`` and ``sibyl explain``: file in, file out, no database.

These commands answer in the identifiers their input files used (identity codes or pseudonyms):
they run on the city's own files on the city's own machine and add no disclosure. Rejected rows
are always shown masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sibyl.cli import app
from sibyl.cli.common import console, err_console, parse_option_date, print_rejects
from sibyl.contract import Contract, load_contract
from sibyl.errors import Location, SibylInputError
from sibyl.identity import birth_date, mask
from sibyl.money import parse_decimal
from sibyl.register import read_cohort, read_extract
from sibyl.register.model import Cohort, Extract
from sibyl.settlement import Statement, settle
from sibyl.settlement.explain import explain as explain_child
from sibyl.settlement.export import (
    write_details_csv,
    write_lines_csv,
    write_statement_csv,
    write_statement_xlsx,
)

ContractOption = Annotated[
    str, typer.Option(help="A built-in contract name (helsinki) or a contract file.")
]
CohortOption = Annotated[
    Path,
    typer.Option(
        help="The cohort file: hetu (or pseudonym), enrolled_on, exited_on, exit_reason.",
        dir_okay=False,
    ),
]
RegisterOption = Annotated[
    Path,
    typer.Option(
        help="The register extract: hetu (or pseudonym), service, start, end, days.",
        dir_okay=False,
    ),
]
PricesOption = Annotated[
    Path | None,
    typer.Option(help="A price list to use instead of the contract's own.", dir_okay=False),
]
YearOption = Annotated[int, typer.Option(help="The year to settle.")]
InputOption = Annotated[
    list[str] | None,
    typer.Option(
        "--input",
        help=(
            "A file a payment mechanism of the contract reads, as NAME=FILE (e.g. "
            "claims=claims.csv for a rate card of outcomes); repeat for several."
        ),
    ),
]
AsOfOption = Annotated[
    str, typer.Option("--as-of", help="The extract's as-of date (YYYY-MM-DD or D.M.YYYY).")
]


@dataclass
class Inputs:
    contract: Contract
    cohort: Cohort
    extract: Extract
    as_of: date
    mechanism_inputs: dict[str, Any]
    files: dict[str, str]  # input file -> SHA-256

    @property
    def birth_years(self) -> dict[str, int] | None:
        """Birth years from the identity codes, when a payment component looks at ages."""
        if not self.contract.needs_birth_years or self.cohort.identifier != "hetu":
            return None
        return {person: birth_date(person).year for person in self.cohort.people}


def parse_inputs(values: list[str] | None, contract: Contract) -> dict[str, Path]:
    """``--input NAME=FILE`` options, checked against the files the contract's mechanisms read."""
    wanted = contract.input_names
    given: dict[str, Path] = {}
    for value in values or []:
        name, sep, path = value.partition("=")
        name = name.strip()
        if not sep or not path.strip():
            raise SibylInputError(
                f"--input {value!r} is not of the form NAME=FILE",
                None,
                f"write e.g. --input {wanted[0] if wanted else 'claims'}=FILE",
            )
        if name not in wanted:
            raise SibylInputError(
                f"the contract {contract.label} reads no input called {name!r}",
                None,
                f"its payment mechanisms read {', '.join(wanted)}"
                if wanted
                else "leave --input out: it needs only the cohort and the register",
            )
        if name in given:
            raise SibylInputError(f"--input {name} is given twice", None, "give it once")
        given[name] = Path(path.strip())
    missing = [name for name in wanted if name not in given]
    if missing:
        specs = {
            name: spec for c in contract.components for name, spec in c.mechanism.inputs.items()
        }
        raise SibylInputError(
            f"the contract {contract.label} also needs {', '.join(missing)} ("
            + "; ".join(specs[name].description for name in missing)
            + ")",
            None,
            "give " + " ".join(f"--input {name}=FILE" for name in missing),
        )
    return given


def load_inputs(
    contract_name: str,
    cohort: Path,
    register: Path,
    prices: Path | None,
    as_of_text: str,
    year: int,
    inputs: list[str] | None = None,
) -> Inputs:
    """Load the contract (the version in force at the end of ``year``), the cohort, the extract
    and the payment mechanisms' own files; refuse what cannot be settled."""
    as_of = parse_option_date(as_of_text, "--as-of")
    assert as_of is not None
    contract = load_contract(contract_name, prices=prices, on=date(year, 12, 31))
    cohort_file = read_cohort(cohort, contract)
    if cohort_file.rejects:
        print_rejects(f"Rejected rows in the cohort file {cohort}", cohort_file.rejects)
        raise SibylInputError(
            f"{len(cohort_file.rejects)} row(s) of the cohort file were rejected, so some "
            "children would be missing from the statement",
            Location(str(cohort)),
            "correct the rows listed above and run the command again",
        )
    extract = read_extract(register, contract, as_of=as_of)
    if extract.identifier != cohort_file.identifier:
        raise SibylInputError(
            f"the cohort file identifies children by {cohort_file.identifier} but the register "
            f"extract by {extract.identifier}",
            Location(str(register)),
            "give both files the same identifier column (hetu or pseudonym)",
        )
    files = {str(cohort): cohort_file.sha256, str(register): extract.sha256}
    read: dict[str, Any] = {}
    specs = {name: spec for c in contract.components for name, spec in c.mechanism.inputs.items()}
    for name, path in parse_inputs(inputs, contract).items():
        value = specs[name].reader(path, contract)
        rejects = getattr(value, "rejects", [])
        if rejects:
            print_rejects(f"Rejected rows in the {name} file {path}", rejects)
            raise SibylInputError(
                f"{len(rejects)} row(s) of the {name} file were rejected",
                Location(str(path)),
                "correct the rows listed above and run the command again",
            )
        if getattr(value, "identifier", cohort_file.identifier) != cohort_file.identifier:
            raise SibylInputError(
                f"the cohort file identifies children by {cohort_file.identifier} but the {name} "
                f"file by {value.identifier}",
                Location(str(path)),
                "give both files the same identifier column (hetu or pseudonym)",
            )
        read[name] = value
        files[str(path)] = getattr(value, "sha256", "")
    return Inputs(
        contract=contract,
        cohort=cohort_file,
        extract=extract,
        as_of=as_of,
        mechanism_inputs=read,
        files=files,
    )


def print_totals(statement: Statement) -> None:
    table = Table(
        title=f"Outcome payments in EUR, {statement.contract}",
        title_justify="left",
        caption="children: in follow-up in the year; with use: with a deduction",
        caption_justify="left",
    )
    for column, justify in [
        ("year", "left"),
        ("children", "right"),
        ("with use", "right"),
        ("base", "right"),
        ("deductions", "right"),
        ("payments", "right"),
        ("payable", "right"),
        ("status", "left"),
    ]:
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for year in statement.years:
        total = statement.totals[year]
        table.add_row(
            str(year),
            str(total.children),
            str(total.children_with_deductions),
            f"{total.base:,.2f}",
            f"{total.deductions:,.2f}",
            f"{total.computed:,.2f}",
            f"{total.payable:,.2f}",
            total.status,
        )
    console.print(table)
    for year in statement.years:
        total = statement.totals[year]
        if len(total.components) > 1:
            console.print(
                f"{year}: "
                + "; ".join(
                    f"{c.component} ({c.mechanism.replace('_', ' ')}) EUR {c.computed:,.2f}"
                    for c in total.components
                ),
                highlight=False,
            )
        for cap in total.cap_notes:
            console.print(f"{year}: capped by the {cap}.", highlight=False)
        for reason in total.status_reasons:
            console.print(f"{year} is provisional: {reason}.", highlight=False)


@app.command("settle")
def settle_command(
    cohort: CohortOption,
    register: RegisterOption,
    year: YearOption,
    as_of: AsOfOption,
    out: Annotated[
        Path,
        typer.Option(
            help="Where to write the statement (.csv, or .xlsx for a workbook).", dir_okay=False
        ),
    ],
    contract: ContractOption = "helsinki",
    prices: PricesOption = None,
    lines: Annotated[
        Path | None,
        typer.Option(help="Where to write the priced use lines (CSV).", dir_okay=False),
    ] = None,
    details: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the payment mechanisms' detail lines (CSV): forecasts, claims.",
            dir_okay=False,
        ),
    ] = None,
    inputs: InputOption = None,
    paid_before: Annotated[
        str,
        typer.Option(
            help="Outcome payments already invoiced for earlier years (EUR), for the cap."
        ),
    ] = "0",
) -> None:
    """Settle one year: the outcome payment of every child in follow-up, from files."""
    loaded = load_inputs(contract, cohort, register, prices, as_of, year, inputs)
    try:
        paid = parse_decimal(paid_before)
    except ValueError:
        raise SibylInputError(
            f"--paid-before {paid_before!r} is not an amount", None, "write e.g. 250000.00"
        ) from None
    statement = settle(
        loaded.contract,
        loaded.cohort.spells,
        loaded.extract.episodes,
        years=[year],
        as_of=loaded.as_of,
        identifier=loaded.cohort.identifier,
        paid_before=paid,
        inputs=loaded.files,
        mechanism_inputs=loaded.mechanism_inputs,
        birth_years=loaded.birth_years,
    )
    if out.suffix.lower() == ".xlsx":
        write_statement_xlsx(statement, out)
    else:
        write_statement_csv(statement, out)
    if lines is not None:
        write_lines_csv(statement, lines)
    if details is not None:
        write_details_csv(statement, details)
    _report_extract(loaded.extract, statement)
    print_totals(statement)
    rejected = [d for d in statement.details if d.status == "rejected"]
    if rejected:
        console.print(
            f"{len(rejected)} claim(s) not paid (the reasons are in the detail lines"
            + (f", {details}" if details else "; write them with --details FILE")
            + ").",
            highlight=False,
        )
    console.print(
        f"Statement written to {out}"
        + (f", priced use lines to {lines}" if lines else "")
        + (f", detail lines to {details}" if details else "")
        + ".",
        highlight=False,
    )
    if loaded.extract.rejects:
        # The statement is complete for the accepted rows; exit 1 says some rows were not used.
        raise typer.Exit(1)


def _report_extract(extract: Extract, statement: Statement) -> None:
    console.print(
        f"Register extract {extract.source}: {extract.rows} rows, {extract.accepted} accepted, "
        f"{len(extract.rejects)} rejected, {extract.duplicates} duplicates counted once; "
        f"{statement.ignored_register_rows} rows of people not in the cohort ignored.",
        highlight=False,
    )
    for warning in extract.warnings:
        where = f"line {warning.line}: " if warning.line else ""
        err_console.print(f"warning: {where}{warning.message}", highlight=False, markup=False)
    if extract.rejects:
        print_rejects(f"Rejected rows in {extract.source} (not settled)", extract.rejects)


@app.command("explain")
def explain_command(
    cohort: CohortOption,
    register: RegisterOption,
    year: YearOption,
    as_of: AsOfOption,
    child: Annotated[
        str, typer.Option(help="The child's identity code or pseudonym, as in the cohort file.")
    ],
    contract: ContractOption = "helsinki",
    prices: PricesOption = None,
    inputs: InputOption = None,
) -> None:
    """Explain how one child-year was computed, line by line."""
    loaded = load_inputs(contract, cohort, register, prices, as_of, year, inputs)
    person = child.strip()
    if loaded.cohort.identifier == "hetu":
        person = person.upper()
    if person not in loaded.cohort.people:
        shown = mask(person) if loaded.cohort.identifier == "hetu" else person
        raise SibylInputError(
            f"the child {shown} is not in the cohort file",
            Location(str(cohort)),
            "give the identifier exactly as the cohort file writes it",
        )
    explanation = explain_child(
        loaded.contract,
        loaded.cohort.spells,
        loaded.extract.episodes,
        person=person,
        year=year,
        as_of=loaded.as_of,
        mechanism_inputs=loaded.mechanism_inputs,
        birth_years=loaded.birth_years,
    )
    for text in explanation.lines():
        typer.echo(text)
