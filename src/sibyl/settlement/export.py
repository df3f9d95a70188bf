"""Writing statements: CSV (money with two decimals and a point) and Excel.

Files are written to a temporary file beside the target and renamed into place when complete,
so a failure never leaves a half-written statement behind.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO

from sibyl.errors import Location, SibylInputError
from sibyl.money import format_money
from sibyl.settlement.model import Statement

STATEMENT_COLUMNS = ["year", "followup_days", "base", "deduction", "payment"]
LINE_COLUMNS = ["service", "units", "unit_price", "amount"]
DETAIL_COLUMNS = [
    "year",
    "component",
    "kind",
    "item",
    "quantity",
    "unit_price",
    "amount",
    "status",
    "note",
]
UNIT_PRICE_DECIMALS = 6


def component_ids(statement: Statement) -> list[str]:
    """The payment components of a statement with several (their columns follow the sums)."""
    ids: list[str] = []
    for row in statement.child_years:
        for part in row.components:
            if part.component not in ids:
                ids.append(part.component)
    return ids if len(ids) > 1 else []


def component_columns(statement: Statement) -> list[str]:
    return [
        f"{component}_{name}"
        for component in component_ids(statement)
        for name in ("base", "deduction", "payment")
    ]


@contextmanager
def atomic_write(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it to ``path`` only if the block succeeds."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise SibylInputError(
            "the folder to write into does not exist",
            Location(str(path)),
            "create the folder first or give another path",
        )
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        if "b" in mode:
            with os.fdopen(handle, mode) as stream:
                yield stream
        else:
            with os.fdopen(handle, mode, encoding="utf-8", newline="") as stream:
                yield stream
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def format_unit_price(price: Decimal) -> str:
    """A unit price for display: six decimals (the amount uses the exact price)."""
    return f"{price.quantize(Decimal(1).scaleb(-UNIT_PRICE_DECIMALS), rounding=ROUND_HALF_UP):f}"


def statement_rows(statement: Statement, year: int | None = None) -> list[list[str]]:
    ids = component_ids(statement)
    rows = []
    for row in statement.child_years:
        if year is not None and row.year != year:
            continue
        parts = {part.component: part for part in row.components}
        extra = []
        for component in ids:
            part = parts.get(component)
            extra += (
                [format_money(part.base), format_money(part.deduction), format_money(part.payment)]
                if part
                else ["0.00", "0.00", "0.00"]
            )
        rows.append(
            [
                row.person,
                str(row.year),
                str(row.followup_days),
                format_money(row.base),
                format_money(row.deduction),
                format_money(row.payment),
                *extra,
            ]
        )
    return rows


def detail_rows(statement: Statement, year: int | None = None) -> list[list[str]]:
    return [
        [
            row.person,
            str(row.year),
            row.component,
            row.kind,
            row.item,
            f"{row.quantity:f}",
            "" if row.unit_price is None else format_unit_price(row.unit_price),
            format_money(row.amount),
            row.status,
            row.note,
        ]
        for row in statement.details
        if year is None or row.year == year
    ]


def line_rows(statement: Statement, year: int | None = None) -> list[list[str]]:
    return [
        [
            row.person,
            str(row.year),
            str(row.service),
            str(row.units),
            format_unit_price(row.unit_price),
            format_money(row.amount),
        ]
        for row in statement.lines
        if year is None or row.year == year
    ]


def write_statement_csv(statement: Statement, path: str | Path, year: int | None = None) -> None:
    """One row per child-year: the identifier column, year, follow-up days, base, deduction,
    payment (the sums over the payment components), then each component's three figures when
    the contract has several."""
    with atomic_write(path) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow([statement.identifier, *STATEMENT_COLUMNS, *component_columns(statement)])
        writer.writerows(statement_rows(statement, year))


def write_details_csv(statement: Statement, path: str | Path, year: int | None = None) -> None:
    """One row per detail line of the payment mechanisms (a service's forecast, an outcome
    claim with its decision): the identifier column, year, component, kind, item, quantity,
    unit price, amount, status (accepted or rejected for a claim) and a note."""
    with atomic_write(path) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow([statement.identifier, *DETAIL_COLUMNS])
        writer.writerows(detail_rows(statement, year))


def write_lines_csv(statement: Statement, path: str | Path, year: int | None = None) -> None:
    """One row per priced use of a service (a deduction, for a contract that deducts it): the
    identifier column, year, service, units, unit price, amount.

    The unit price is shown to six decimals; the amount is computed from the exact price.
    """
    with atomic_write(path) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow([statement.identifier, "year", *LINE_COLUMNS])
        writer.writerows(line_rows(statement, year))


def write_statement_xlsx(
    statement: Statement,
    path: str | Path,
    *,
    adjustments: list[tuple[int, str, Decimal, Decimal, Decimal]] | None = None,
) -> None:
    """A workbook: the totals, the child-years and the deduction lines, money as numbers with
    two decimals, and the fingerprints of the inputs. ``adjustments`` (year, person, approved,
    recomputed, difference) add a sheet of corrections to earlier approved years."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    money_format = "#,##0.00"
    book = Workbook()
    summary = book.active
    summary.title = "Totals"
    bold = Font(bold=True)
    header = [
        "year",
        "status",
        "children",
        "children_with_deductions",
        "base",
        "deductions",
        "computed",
        "payable",
        "caps_applied",
    ]
    summary.append(header)
    for cell in summary[1]:
        cell.font = bold
    for year in statement.years:
        total = statement.totals[year]
        summary.append(
            [
                year,
                total.status,
                total.children,
                total.children_with_deductions,
                total.base,
                total.deductions,
                total.computed,
                total.payable,
                "; ".join(total.cap_notes),
            ]
        )
    summary.append([])
    for label, value in [
        ("contract", statement.contract),
        ("contract SHA-256", statement.contract_sha256),
        ("price list", statement.price_list),
        ("price list SHA-256", statement.price_list_sha256),
        ("as of", statement.as_of.isoformat()),
        ("netting", statement.netting),
        *(
            (f"component {c.component}", f"{c.mechanism}, EUR {c.computed}")
            for total in statement.totals.values()
            for c in total.components
            if len(total.components) > 1
        ),
        *((f"input {name}", sha) for name, sha in statement.inputs.items()),
    ]:
        summary.append([label, value])

    children = book.create_sheet("Child-years")
    children.append([statement.identifier, *STATEMENT_COLUMNS, *component_columns(statement)])
    ids = component_ids(statement)
    for row in statement.child_years:
        parts = {part.component: part for part in row.components}
        extra = [
            getattr(parts[c], name) if c in parts else Decimal("0.00")
            for c in ids
            for name in ("base", "deduction", "payment")
        ]
        children.append(
            [row.person, row.year, row.followup_days, row.base, row.deduction, row.payment, *extra]
        )
    lines = book.create_sheet(statement.use_label)
    lines.append([statement.identifier, "year", *LINE_COLUMNS])
    for row in statement.lines:
        lines.append(
            [
                row.person,
                row.year,
                row.service,
                row.units,
                Decimal(format_unit_price(row.unit_price)),
                row.amount,
            ]
        )
    sheets = [summary, children, lines]
    if statement.details:
        detail_sheet = book.create_sheet("Details")
        detail_sheet.append([statement.identifier, *DETAIL_COLUMNS])
        for row in statement.details:
            detail_sheet.append(
                [
                    row.person,
                    row.year,
                    row.component,
                    row.kind,
                    row.item,
                    row.quantity,
                    row.unit_price,
                    row.amount,
                    row.status,
                    row.note,
                ]
            )
        sheets.append(detail_sheet)
    if adjustments is not None:
        corrections = book.create_sheet("Adjustments")
        corrections.append(
            [statement.identifier, "year", "approved_payment", "recomputed_payment", "difference"]
        )
        for year, person, approved, recomputed, difference in adjustments:
            corrections.append([person, year, approved, recomputed, difference])
        sheets.append(corrections)
    for sheet in sheets:
        for cell in sheet[1]:
            cell.font = bold
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, Decimal):
                    cell.number_format = (
                        "0.000000"
                        if cell.value != cell.value.quantize(Decimal("0.01"))
                        else money_format
                    )
        sheet.column_dimensions["A"].width = 16
    with atomic_write(path, "wb") as stream:
        book.save(stream)
