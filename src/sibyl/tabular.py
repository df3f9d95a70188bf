"""Reading the tables people hand over: CSV (``,`` or ``;``) and Excel (``.xlsx``).

Every cell comes back as text, exactly as written, with the file's line number; the readers of
each format (register extracts, cohorts, price lists, referrals) parse the text with explicit
types. Nothing here guesses a type, so identity codes and ids stay strings.

CSV: UTF-8 with or without a byte-order mark, or Latin-1 (Windows exports); the delimiter is
whichever of ``,`` and ``;`` splits the header line; CRLF or LF line ends.
Excel: the first sheet; line numbers are the sheet's row numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sibyl.errors import Location, SibylInputError

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


class DateFormError(ValueError):
    """The text is not a date of the form ``YYYY-MM-DD`` or ``D.M.YYYY``."""


class ImpossibleDate(ValueError):
    """The text has a date's form but names no day of the calendar (``2023-02-30``)."""


@dataclass
class TextTable:
    """A table of text cells: the header, and each data row with its line number."""

    source: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    sha256: str
    encoding: str | None = None
    delimiter: str | None = None

    def column_index(self) -> dict[str, int]:
        """Header names (stripped, lower-case) to their position; first occurrence wins."""
        index: dict[str, int] = {}
        for position, name in enumerate(self.header):
            index.setdefault(name.strip().lower(), position)
        return index


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_bytes(path: str | Path) -> bytes:
    source = str(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise SibylInputError(
            "no such file", Location(source), "check the path and the file name"
        ) from None
    except IsADirectoryError:
        raise SibylInputError(
            "this is a folder, not a file", Location(source), "give the path of a file"
        ) from None
    except PermissionError:
        raise SibylInputError(
            "the file cannot be read (permission denied)",
            Location(source),
            "ask for read access or copy the file somewhere you can read it",
        ) from None


def _decode(data: bytes, source: str) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        raise SibylInputError(
            "this is not a text (CSV) file",
            Location(source),
            "export the data as CSV, or give an .xlsx file with the .xlsx extension",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            line = data[: exc.start + 3].count(b"\n") + 1
            raise SibylInputError(
                "the file starts with a UTF-8 byte-order mark but is not valid UTF-8 text",
                Location(source, line),
                "save the file again as UTF-8 (or as Latin-1 without a byte-order mark)",
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Windows exports from the city's systems are often Latin-1 (cp1252 is a superset for
        # the printable range); every byte sequence decodes, so this never fails.
        return data.decode("cp1252", errors="replace"), "latin-1"


def read_csv_text(path: str | Path) -> TextTable:
    """Read a CSV file as text cells (see the module docstring for what is accepted)."""
    source = str(path)
    data = _read_bytes(path)
    text, encoding = _decode(data, source)
    if not text.strip():
        raise SibylInputError(
            "the file is empty", Location(source), "export the data again with its header line"
        )
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            line = reader.line_num
            if header is None:
                header = [cell.strip() for cell in cells]
                continue
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are not rows
            rows.append((line, cells))
    except csv.Error as exc:
        raise SibylInputError(
            f"the CSV cannot be read: {exc}",
            Location(source, reader.line_num),
            "check the quotes on that line",
        ) from None
    return TextTable(
        source=source,
        header=header or [],
        rows=rows,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        delimiter=delimiter,
    )


def _excel_cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def read_excel_text(path: str | Path) -> TextTable:
    """Read the first sheet of an .xlsx workbook as text cells."""
    from python_calamine import CalamineWorkbook

    source = str(path)
    data = _read_bytes(path)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise SibylInputError("the workbook has no sheets", Location(source))
        sheet = workbook.get_sheet_by_index(0)
        values = sheet.to_python(skip_empty_area=False)
    except SibylInputError:
        raise
    except Exception:
        raise SibylInputError(
            "the file cannot be read as an Excel workbook (.xlsx)",
            Location(source),
            "open it in Excel and save it again as .xlsx, or export it as CSV",
        ) from None
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    for number, row in enumerate(values, start=1):
        cells = [_excel_cell_text(value) for value in row]
        if header is None:
            if not any(cell.strip() for cell in cells):
                continue
            header = [cell.strip() for cell in cells]
            continue
        if not any(cell.strip() for cell in cells):
            continue
        rows.append((number, cells))
    if header is None:
        raise SibylInputError(
            "the first sheet is empty", Location(source), "put the header row and data on it"
        )
    while header and not header[-1]:
        header.pop()
    return TextTable(
        source=source,
        header=header,
        rows=rows,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def read_text_table(path: str | Path) -> TextTable:
    """A CSV or Excel file, by its extension."""
    if Path(path).suffix.lower() in EXCEL_SUFFIXES:
        return read_excel_text(path)
    return read_csv_text(path)


def iter_cells(table: TextTable, names: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row as ``{column: text}`` for the named columns (missing cells are empty)."""
    index = table.column_index()
    positions = {name: index[name] for name in names if name in index}
    for line, cells in table.rows:
        yield (
            line,
            {
                name: (cells[pos].strip() if pos < len(cells) else "")
                for name, pos in positions.items()
            },
        )


def parse_date(text: str) -> dt.date:
    """``YYYY-MM-DD`` or ``D.M.YYYY``.

    Raises :class:`DateFormError` for text of another form and :class:`ImpossibleDate` for a
    value of the right form that is not a real day (``2023-02-30``); both are ``ValueError``s
    whose message quotes the text, so callers that might hold identity codes must not forward it.
    """
    value = text.strip()
    if len(value) >= 19 and value[10] in "T " and value[11:19] == "00:00:00":
        value = value[:10]  # Excel date-times at midnight
    parts: list[str] | None = None
    if value.count(".") == 2:
        day_text, month_text, year_text = value.split(".")
        if len(year_text) == 4 and 1 <= len(day_text) <= 2 and 1 <= len(month_text) <= 2:
            parts = [year_text, month_text, day_text]
    elif len(value) == 10 and value[4] == "-" and value[7] == "-":
        parts = [value[0:4], value[5:7], value[8:10]]
    if parts is None or not all(part.isdigit() for part in parts):
        raise DateFormError(f"not a date of the form YYYY-MM-DD or D.M.YYYY: {value!r}")
    year, month, day = (int(part) for part in parts)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ImpossibleDate(
            f"an impossible date: {value!r} is not a day of the calendar"
        ) from None
