"""Reading a register extract: the city's file of service periods, checked row by row.

The format (DESIGN.md 3): CSV with ``,`` or ``;``, UTF-8 with or without a byte-order mark or
Latin-1, CRLF or LF line ends, or the same columns on the first sheet of an ``.xlsx`` workbook.
Header names are case-insensitive and surrounding spaces are ignored.

========== ====================================================================================
column     meaning
========== ====================================================================================
hetu       the child's identity code; or ``pseudonym`` instead, when the city pseudonymised the
           file already (exactly one of the two)
service    the contract's service code (Helsinki: 1–9)
start      first day of the period, inclusive (``YYYY-MM-DD`` or ``D.M.YYYY``)
end        last day of the period, inclusive; empty while the period is ongoing
days       optional: the care days the register reports for the row (care-day services)
========== ====================================================================================

A file without the required columns is refused whole (:class:`~sibyl.errors.SibylInputError`).
Otherwise every row is either accepted (an :class:`~sibyl.register.model.Episode`) or rejected (a
:class:`~sibyl.register.model.RejectedRow` with its line, column, masked value and reason); the
first problem of a row, checked column by column in the order hetu (or pseudonym), service, start,
end, days, is the one reported. A row is rejected when:

- the identity code is empty or not valid (check character, birth date, form); a temporary code
  (individual number 900–999) is valid only if the contract allows temporary codes on the
  extract's as-of date (today when there is none); codes with the century signs of the 2023
  reform are valid;
- the pseudonym is empty;
- the service code is empty or not one of the contract's services;
- ``start`` is empty, not of the form ``YYYY-MM-DD`` or ``D.M.YYYY``, not a real day, or after
  the as-of date (when one is given);
- ``end`` is not of either form or not a real day, or it is before ``start``;
- ``days`` is not a whole number of 0 or more, or exceeds the calendar days of the row's period
  (``start`` to ``end`` inclusive; for an ongoing row ``start`` to the as-of date; an ongoing row
  without an as-of date is not checked).

Warnings (:class:`~sibyl.register.model.ReadWarning`) do not stop a row: columns Sibyl does not
use (one warning naming them), a ``days`` value on a working-day service (the value is ignored,
``days`` is ``None``), and exact duplicates (the same values after normalisation; the first row
is kept, the others are counted in ``Extract.duplicates``).

Identity codes are stored normalised (:func:`sibyl.identity.normalise`) and are never shown: a
rejected row shows the masked code (``131052-****``), and any other value that looks like an
identity code is masked too.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from sibyl import identity
from sibyl.contract import Contract
from sibyl.errors import Location, SibylInputError
from sibyl.register.model import Episode, Extract, Identifier, ReadWarning, RejectedRow
from sibyl.tabular import DateFormError, ImpossibleDate, TextTable, parse_date, read_text_table

EXTRACT_COLUMNS: tuple[str, ...] = ("hetu", "pseudonym", "service", "start", "end", "days")
DATE_FORMS = "YYYY-MM-DD or D.M.YYYY"

# Anything that contains what could be an identity code is masked before it is shown.
_CODE_LIKE = re.compile(r"\d{6}\s*[-+A-Za-z]\s*\d{3}")
_WHOLE_NUMBER = re.compile(r"^\d+(?:[.,]0+)?$")


# ---------------------------------------------------------------------------------------------
# Helpers shared with the cohort reader.


def displayable(value: str) -> str:
    """``value`` as it may be shown: masked if it contains anything like an identity code."""
    if _CODE_LIKE.search(value):
        return identity.mask(value)
    return value


def quoted(value: str) -> str:
    """A value for a message, quoted, masked if it looks like an identity code."""
    return repr(displayable(value))


def today_in_helsinki() -> dt.date:
    """Today's date where the contracts run."""
    return dt.datetime.now(tz=ZoneInfo("Europe/Helsinki")).date()


def temporary_codes_allowed(contract: Contract, day: dt.date) -> bool:
    """Whether the contract accepts temporary identity codes on ``day``.

    A day before the parameter's first value takes the first value.
    """
    first = contract.parameter("allow_temporary_identity_codes").first_start()
    return contract.allows_temporary_codes(max(day, first))


def resolve_columns(
    table: TextTable, *, kind: str, required: tuple[str, ...], known: tuple[str, ...], fix: str
) -> tuple[Identifier, dict[str, int], list[ReadWarning]]:
    """Find the identifier column (``hetu`` or ``pseudonym``) and the other known columns.

    Returns the identifier, the position of each known column present, and a warning naming any
    extra columns. Raises :class:`SibylInputError` when a required column is missing, when both
    or neither of ``hetu`` and ``pseudonym`` are present, or when a known column appears twice.
    """
    source = table.source
    where = Location(source)
    names = [name.strip().lower() for name in table.header]
    seen: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in known and name in seen:
            raise SibylInputError(
                f"the column {name!r} appears twice in the header of the {kind}",
                where,
                "keep one of them",
            )
        seen.setdefault(name, position)
    shown_header = ", ".join(displayable(name) or "(no name)" for name in names) or "none"
    has_hetu, has_pseudonym = "hetu" in seen, "pseudonym" in seen
    if has_hetu and has_pseudonym:
        raise SibylInputError(
            f"the {kind} has both a 'hetu' and a 'pseudonym' column",
            where,
            "keep only one: 'hetu' when the file has identity codes, 'pseudonym' when the "
            "city pseudonymised them already",
        )
    missing = [name for name in required if name not in seen]
    if not has_hetu and not has_pseudonym:
        missing.insert(0, "hetu (or pseudonym)")
    if missing:
        raise SibylInputError(
            f"the {kind} has no column {', '.join(repr(m) for m in missing)} "
            f"(the header line has: {shown_header})",
            where,
            fix,
        )
    identifier: Identifier = "hetu" if has_hetu else "pseudonym"
    positions = {name: seen[name] for name in known if name in seen}
    extra = [
        repr(displayable(table.header[position].strip()))
        if names[position]
        else f"column {position + 1} (no name)"
        for position, name in enumerate(names)
        if name not in known
    ]
    warnings: list[ReadWarning] = []
    if extra:
        warnings.append(
            ReadWarning(
                line=None,
                column=None,
                message=(
                    f"{source}: the {kind} has columns Sibyl does not use ({', '.join(extra)}); "
                    "they are ignored, remove them from the file to silence this warning."
                ),
            )
        )
    return identifier, positions, warnings


class IdentityChecker:
    """Validates identity codes once per distinct text (python-stdnum is slow per call).

    ``check(text)`` gives ``(normalised code, None)`` or ``(None, reason)``; the reason is one
    sentence that never contains the code.
    """

    def __init__(self, *, allow_temporary: bool):
        self.allow_temporary = allow_temporary
        self._cache: dict[str, tuple[str | None, str | None]] = {}
        #: Text to normalised code, for the codes found valid (a fast path for large files).
        self.valid: dict[str, str] = {}

    def check(self, text: str) -> tuple[str | None, str | None]:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        result: tuple[str | None, str | None]
        if not text:
            result = (
                None,
                "the identity code is empty; fill in the child's identity code or leave the "
                "row out of the file.",
            )
        else:
            try:
                code = identity.validate(text, allow_temporary=self.allow_temporary)
                self.valid[text] = code
                result = (code, None)
            except identity.InvalidIdentityCode as exc:
                why = str(exc)
                if isinstance(exc, identity.TemporaryIdentityCode):
                    fix = "give the child's permanent identity code instead"
                else:
                    fix = "check the code in the register and correct it"
                result = (None, f"the identity code is not valid: {why}; {fix}.")
        self._cache[text] = result
        return result


class DateParser:
    """Parses dates once per distinct text; ``parse(text, what)`` gives ``(date, None)`` or
    ``(None, reason)`` where ``what`` names the date in the reason (e.g. ``"start date"``)."""

    def __init__(self) -> None:
        self._cache: dict[str, dt.date | bool] = {}  # False: wrong form, True: not a real day
        #: Text to date, for the texts that are dates (a fast path for large files).
        self.valid: dict[str, dt.date] = {}

    def parse(self, text: str, what: str, fix: str) -> tuple[dt.date | None, str | None]:
        value = self._cache.get(text)
        if value is None:
            try:
                value = parse_date(text)
            except ImpossibleDate:
                value = True
            except DateFormError:
                value = False
            else:
                self.valid[text] = value
            self._cache[text] = value
        if isinstance(value, dt.date):
            return value, None
        if value:
            return None, f"the {what} {quoted(text)} is not a day of the calendar; {fix}."
        return None, f"the {what} {quoted(text)} is not of the form {DATE_FORMS}; {fix}."


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of rows that form no cycles.

    The collector would otherwise walk the growing lists again and again (a third of the time).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cell_getter(position: int | None) -> Callable[[list[str]], str]:
    """A function that takes a row's cells and gives the stripped text at ``position``."""
    if position is None:
        return lambda cells: ""

    def get(cells: list[str]) -> str:
        return cells[position].strip() if position < len(cells) else ""

    return get


def service_list(codes: Iterable[int]) -> str:
    """``1, 2, 3`` or ``1–9`` when the codes run without a gap."""
    ordered = sorted(codes)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}–{ordered[-1]}"
    return ", ".join(str(code) for code in ordered)


# ---------------------------------------------------------------------------------------------
# The extract reader.

EMPTY_PSEUDONYM = (
    "the pseudonym is empty; fill in the child's pseudonym or leave the row out of the file."
)
EMPTY_START = f"the start date is empty; write the first day of the period as {DATE_FORMS}."


def _unknown_service(text: str, contract: Contract) -> str:
    codes = service_list(contract.services)
    if not text:
        return f"the service code is empty; write the contract's code of the service ({codes})."
    return (
        f"the service code {quoted(text)} is not one of the services of the contract "
        f"{contract.id} ({codes}); write the contract's code of the service."
    )


def _start_after_as_of(start: dt.date, as_of: dt.date) -> str:
    return (
        f"the start date {start.isoformat()} is after the extract's as-of date "
        f"{as_of.isoformat()}; correct the date, or use an as-of date on or after it."
    )


def _end_before_start(end: dt.date, start: dt.date) -> str:
    return (
        f"the end date {end.isoformat()} is before the start date {start.isoformat()}; "
        "correct one of the two dates."
    )


def _days_not_whole(text: str) -> str:
    return (
        f"the days value {quoted(text)} is not a whole number of 0 or more; write the care "
        "days as a whole number, or leave it empty."
    )


def _days_too_many(days: int, start: dt.date, last: dt.date, ongoing: bool) -> str:
    period_days = (last - start).days + 1
    until = (
        f"the as-of date {last.isoformat()} (the row is ongoing)" if ongoing else last.isoformat()
    )
    return (
        f"the days value {days} is more than the {period_days} calendar days from "
        f"{start.isoformat()} to {until}; correct the days or the dates of the period."
    )


def _days_ignored(line: int, service: int, text: str) -> ReadWarning:
    return ReadWarning(
        line,
        "days",
        f"service {service} is counted in working days, so its days value "
        f"{quoted(text)} is ignored; leave days empty for working-day services.",
    )


def _duplicate(line: int, first_line: int) -> ReadWarning:
    return ReadWarning(
        line,
        None,
        f"this row repeats line {first_line} exactly; it is counted once, remove the "
        "repeated row from the file to silence this warning.",
    )


PROGRESS_EVERY = 50_000
"""How often :func:`read_extract` reports progress, in rows."""


def read_extract(
    path: str | Path,
    contract: Contract,
    *,
    as_of: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Extract:
    """Read and check a register extract (the rules are in the module docstring).

    ``as_of`` is the extract's as-of date: rows that start after it are rejected, and an
    ongoing row's ``days`` may not exceed the days from its start to the as-of date.
    ``progress(rows_checked, rows)`` is called every :data:`PROGRESS_EVERY` rows and at the end.
    Raises :class:`SibylInputError` when the file cannot be read as an extract at all.
    """
    table = read_text_table(path)
    identifier, positions, warnings = resolve_columns(
        table,
        kind="extract",
        required=("service", "start", "end"),
        known=EXTRACT_COLUMNS,
        fix=(
            "a register extract needs the columns hetu (or pseudonym), service, start and end, "
            "and may have days; correct the header line"
        ),
    )
    # Plain positions, local names and caches per distinct text: this loop runs once per row of
    # files of a million rows.
    at_person, at_service = positions[identifier], positions["service"]
    at_start, at_end, at_days = positions["start"], positions["end"], positions.get("days")
    width = max(positions.values()) + 1
    padding = [""] * width
    by_hetu = identifier == "hetu"
    checker = IdentityChecker(
        allow_temporary=temporary_codes_allowed(contract, as_of or today_in_helsinki())
    )
    valid_codes = checker.valid
    dates = DateParser()
    valid_dates = dates.valid
    services = contract.services
    care_day = {code for code, service in services.items() if service.basis == "care_day"}
    service_of: dict[str, int | None] = {}

    episodes: list[Episode] = []
    rejects: list[RejectedRow] = []
    reject = rejects.append
    first_line_of: dict[tuple[object, ...], int] = {}
    duplicates = 0

    total = len(table.rows)
    with _no_cyclic_gc():
        for index, (line, row) in enumerate(table.rows):
            if progress is not None and index % PROGRESS_EVERY == 0:
                progress(index, total)
            cells = row if len(row) >= width else (row + padding)[:width]

            raw_person = cells[at_person].strip()
            if by_hetu:
                person = valid_codes.get(raw_person)
                if person is None:
                    person, reason = checker.check(raw_person)
                    if person is None:
                        reject(RejectedRow(line, "hetu", identity.mask(raw_person), reason or ""))
                        continue
            else:
                person = raw_person
                if not person:
                    reject(RejectedRow(line, "pseudonym", "", EMPTY_PSEUDONYM))
                    continue

            service_text = cells[at_service].strip()
            if service_text in service_of:
                service = service_of[service_text]
            else:
                service = int(service_text) if service_text.isdigit() else None
                service = service_of[service_text] = service if service in services else None
            if service is None:
                reason = _unknown_service(service_text, contract)
                reject(RejectedRow(line, "service", displayable(service_text), reason))
                continue

            start_text = cells[at_start].strip()
            start = valid_dates.get(start_text)
            if start is None:
                if not start_text:
                    reject(RejectedRow(line, "start", "", EMPTY_START))
                    continue
                start, reason = dates.parse(start_text, "start date", "correct the date")
                if start is None:
                    reject(RejectedRow(line, "start", displayable(start_text), reason or ""))
                    continue
            if as_of is not None and start > as_of:
                reject(RejectedRow(line, "start", start_text, _start_after_as_of(start, as_of)))
                continue

            end_text = cells[at_end].strip()
            end = valid_dates.get(end_text) if end_text else None
            if end is None and end_text:
                fix = "correct the date, or leave it empty while the period is ongoing"
                end, reason = dates.parse(end_text, "end date", fix)
                if end is None:
                    reject(RejectedRow(line, "end", displayable(end_text), reason or ""))
                    continue
            if end is not None and end < start:
                reject(RejectedRow(line, "end", end_text, _end_before_start(end, start)))
                continue

            days: int | None = None
            days_text = cells[at_days].strip() if at_days is not None else ""
            if days_text:
                if service not in care_day:
                    warnings.append(_days_ignored(line, service, days_text))
                elif not _WHOLE_NUMBER.match(days_text):
                    reject(
                        RejectedRow(
                            line, "days", displayable(days_text), _days_not_whole(days_text)
                        )
                    )
                    continue
                else:
                    days = int(days_text.replace(",", ".").split(".")[0])
                    last = end if end is not None else as_of
                    if last is not None and days > (last - start).days + 1:
                        reason = _days_too_many(days, start, last, ongoing=end is None)
                        reject(RejectedRow(line, "days", days_text, reason))
                        continue

            key = (person, service, start, end, days)
            first_line = first_line_of.setdefault(key, line)
            if first_line != line:
                duplicates += 1
                warnings.append(_duplicate(line, first_line))
                continue
            episodes.append(Episode(person, service, start, end, days, line))

    if progress is not None:
        progress(total, total)
    return Extract(
        source=table.source,
        sha256=table.sha256,
        as_of=as_of,
        identifier=identifier,
        episodes=episodes,
        rejects=rejects,
        warnings=warnings,
        rows=len(table.rows),
        duplicates=duplicates,
    )
