"""Reading a cohort file: the enrolled children and their follow-up spells (DOMAIN.md 3.1).

Same formats as a register extract (:mod:`sibyl.register.reader`): CSV with ``,`` or ``;``,
UTF-8 with or without a byte-order mark or Latin-1, CRLF or LF, or the first sheet of an
``.xlsx`` workbook; dates ``YYYY-MM-DD`` or ``D.M.YYYY``; header names case-insensitive.

============ ==================================================================================
column       meaning
============ ==================================================================================
hetu         the child's identity code; or ``pseudonym`` instead (exactly one of the two)
enrolled_on  the first day of the follow-up spell
exited_on    optional: the day the child left follow-up (not in follow-up from that day on)
exit_reason  optional: ``moved_out``, ``died``, ``consent_withdrawn`` or ``other``; the Finnish
             ``muutti`` and the English ``moved`` mean ``moved_out``, ``kuoli`` means ``died``,
             ``suostumus_peruttu`` means ``consent_withdrawn`` and ``muu`` means ``other``
             (case-insensitive; a space or hyphen may stand for the underscore)
============ ==================================================================================

A child with several rows has several follow-up spells: a child who moves back re-enters
follow-up from the return date. A row is rejected (the first problem, checked in the order
hetu, enrolled_on, exited_on, exit_reason) when:

- the identity code is empty or not valid (temporary codes only if the contract allows them
  today), or the pseudonym is empty;
- ``enrolled_on`` is empty, not of the form ``YYYY-MM-DD`` or ``D.M.YYYY``, or not a real day;
- ``exited_on`` is not of either form, not a real day, or not after ``enrolled_on``;
- ``exit_reason`` is given without ``exited_on``, or is not one of the reasons above;
- it is the child's first spell (the earliest accepted one) and ``enrolled_on`` is outside the
  contract's enrolment window (``enrolment_start`` to ``enrolment_end``);
- it is a later spell (a return) and ``enrolled_on`` is after the contract's ``followup_end``;
- it overlaps an earlier spell of the same child (the later of the two is rejected): a return
  starts on or after the exit date of the spell before it.

Exact duplicate rows are kept once, with a warning; columns Sibyl does not use get one warning.
Identity codes are stored normalised and only ever shown masked (``131052-****``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sibyl import identity
from sibyl.contract import Contract
from sibyl.register.model import EXIT_REASONS, Cohort, FollowupSpell, ReadWarning, RejectedRow
from sibyl.register.reader import (
    DATE_FORMS,
    DateParser,
    IdentityChecker,
    cell_getter,
    displayable,
    quoted,
    resolve_columns,
    temporary_codes_allowed,
    today_in_helsinki,
)
from sibyl.tabular import read_text_table

COHORT_COLUMNS: tuple[str, ...] = ("hetu", "pseudonym", "enrolled_on", "exited_on", "exit_reason")

#: Accepted spellings of the exit reasons (after lower-casing and turning spaces and hyphens
#: into underscores).
EXIT_REASON_ALIASES: dict[str, str] = {
    **{reason: reason for reason in EXIT_REASONS},
    "moved": "moved_out",
    "muutti": "moved_out",
    "kuoli": "died",
    "suostumus_peruttu": "consent_withdrawn",
    "muu": "other",
}


def normalise_exit_reason(text: str) -> str | None:
    """The exit reason ``text`` stands for, or ``None`` if it is not one."""
    key = "_".join(text.strip().lower().replace("-", " ").split())
    return EXIT_REASON_ALIASES.get(key)


def read_cohort(path: str | Path, contract: Contract) -> Cohort:
    """Read and check a cohort file (the rules are in the module docstring).

    Spells come back in file order; rejected rows in line order. Raises
    :class:`~sibyl.errors.SibylInputError` when the file cannot be read as a cohort at all.
    """
    table = read_text_table(path)
    identifier, positions, warnings = resolve_columns(
        table,
        kind="cohort file",
        required=("enrolled_on",),
        known=COHORT_COLUMNS,
        fix=(
            "a cohort file needs the columns hetu (or pseudonym) and enrolled_on, and may have "
            "exited_on and exit_reason; correct the header line"
        ),
    )
    get_person = cell_getter(positions[identifier])
    get_enrolled = cell_getter(positions["enrolled_on"])
    get_exited = cell_getter(positions.get("exited_on"))
    get_reason = cell_getter(positions.get("exit_reason"))
    checker = IdentityChecker(
        allow_temporary=temporary_codes_allowed(contract, today_in_helsinki())
    )
    dates = DateParser()
    by_hetu = identifier == "hetu"

    rejects: list[RejectedRow] = []
    candidates: list[FollowupSpell] = []
    first_line_of: dict[tuple[object, ...], int] = {}

    for line, cells in table.rows:
        raw_person = get_person(cells)
        if by_hetu:
            person, reason = checker.check(raw_person)
            if reason is not None:
                rejects.append(RejectedRow(line, "hetu", identity.mask(raw_person), reason))
                continue
        else:
            person = raw_person
            if not person:
                rejects.append(
                    RejectedRow(
                        line,
                        "pseudonym",
                        "",
                        "the pseudonym is empty; fill in the child's pseudonym or leave the row "
                        "out of the file.",
                    )
                )
                continue
        assert person is not None

        enrolled_text = get_enrolled(cells)
        if not enrolled_text:
            rejects.append(
                RejectedRow(
                    line,
                    "enrolled_on",
                    "",
                    "the enrolment date is empty; write the first day of the child's follow-up "
                    f"as {DATE_FORMS}.",
                )
            )
            continue
        enrolled_on, reason = dates.parse(enrolled_text, "enrolment date", "correct the date")
        if enrolled_on is None:
            rejects.append(
                RejectedRow(line, "enrolled_on", displayable(enrolled_text), reason or "")
            )
            continue

        exited_text = get_exited(cells)
        exited_on: dt.date | None = None
        if exited_text:
            exited_on, reason = dates.parse(
                exited_text,
                "exit date",
                "correct the date, or leave it empty if the child has not exited",
            )
            if exited_on is None:
                rejects.append(
                    RejectedRow(line, "exited_on", displayable(exited_text), reason or "")
                )
                continue
            if exited_on <= enrolled_on:
                rejects.append(
                    RejectedRow(
                        line,
                        "exited_on",
                        exited_text,
                        f"the exit date {exited_on.isoformat()} is not after the enrolment date "
                        f"{enrolled_on.isoformat()}; correct one of the two dates (a child "
                        "exits at the earliest on the day after enrolment).",
                    )
                )
                continue

        reason_text = get_reason(cells)
        exit_reason: str | None = None
        if reason_text:
            exit_reason = normalise_exit_reason(reason_text)
            if exit_reason is None:
                rejects.append(
                    RejectedRow(
                        line,
                        "exit_reason",
                        displayable(reason_text),
                        f"the exit reason {quoted(reason_text)} is not known; write one of "
                        f"{', '.join(EXIT_REASONS)} (in Finnish muutti, kuoli, "
                        "suostumus_peruttu, muu).",
                    )
                )
                continue
            if exited_on is None:
                rejects.append(
                    RejectedRow(
                        line,
                        "exit_reason",
                        displayable(reason_text),
                        f"the exit reason {quoted(reason_text)} is given but the exit date is "
                        "empty; fill in exited_on, or leave the exit reason empty.",
                    )
                )
                continue

        key = (person, enrolled_on, exited_on, exit_reason)
        first_line = first_line_of.setdefault(key, line)
        if first_line != line:
            warnings.append(
                ReadWarning(
                    line,
                    None,
                    f"this row repeats line {first_line} exactly; it is counted once, "
                    "remove the repeated row from the file to silence this warning.",
                )
            )
            continue
        candidates.append(FollowupSpell(person, enrolled_on, exited_on, exit_reason, line))

    accepted, spell_rejects = _check_spells(candidates, contract)
    rejects.extend(spell_rejects)
    rejects.sort(key=lambda reject: reject.line)
    return Cohort(
        source=table.source,
        sha256=table.sha256,
        identifier=identifier,
        spells=accepted,
        rejects=rejects,
        warnings=warnings,
    )


def _check_spells(
    candidates: list[FollowupSpell], contract: Contract
) -> tuple[list[FollowupSpell], list[RejectedRow]]:
    """Check each child's spells together: the enrolment window, returns, overlaps."""
    window_start, window_end = contract.enrolment_start, contract.enrolment_end
    followup_end = contract.followup_end
    window = f"{window_start.isoformat()} to {window_end.isoformat()}"
    by_person: dict[str, list[FollowupSpell]] = {}
    for spell in candidates:
        by_person.setdefault(spell.person, []).append(spell)

    accepted_lines: set[int] = set()
    rejects: list[RejectedRow] = []
    for spells in by_person.values():
        spells.sort(key=lambda spell: (spell.enrolled_on, spell.line or 0))
        previous: FollowupSpell | None = None
        for spell in spells:
            line = spell.line or 0
            enrolled = spell.enrolled_on.isoformat()
            reason: str | None = None
            if previous is None:
                if not window_start <= spell.enrolled_on <= window_end:
                    side = "before" if spell.enrolled_on < window_start else "after"
                    reason = (
                        f"the child's first follow-up spell starts on {enrolled}, {side} the "
                        f"contract's enrolment window ({window}); correct the date, or leave "
                        "the row out if the child was not enrolled in the window."
                    )
            elif previous.exited_on is None or spell.enrolled_on < previous.exited_on:
                until = (
                    f"exited {previous.exited_on.isoformat()}"
                    if previous.exited_on
                    else "no exit date"
                )
                reason = (
                    f"this follow-up spell overlaps the child's spell on line {previous.line} "
                    f"(enrolled {previous.enrolled_on.isoformat()}, {until}); a return starts "
                    "on or after the exit date of the spell before it, so correct the dates or "
                    "remove the repeated spell."
                )
            elif spell.enrolled_on > followup_end:
                reason = (
                    f"the return on {enrolled} is after the end of follow-up "
                    f"({followup_end.isoformat()}); leave the row out, it cannot count."
                )
            if reason is None:
                accepted_lines.add(line)
                previous = spell
            else:
                rejects.append(RejectedRow(line, "enrolled_on", enrolled, reason))
    accepted = [spell for spell in candidates if (spell.line or 0) in accepted_lines]
    return accepted, rejects
