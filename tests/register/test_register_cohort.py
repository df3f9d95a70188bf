"""Reading cohort files: follow-up spells, exits, returns, and every reject reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from register_synthetic import (
    CHILD_A,
    CHILD_B,
    CHILD_C,
    FIXTURES,
    TEMPORARY,
    with_wrong_check_character,
)

from sibyl.contract import Contract
from sibyl.errors import SibylInputError
from sibyl.identity import mask
from sibyl.register import Cohort, FollowupSpell, RejectedRow, read_cohort

HEADER = ["hetu", "enrolled_on", "exited_on", "exit_reason"]


def everything_shown(cohort: Cohort) -> str:
    parts = [f"{r.line} {r.column} {r.value} {r.reason}" for r in cohort.rejects]
    parts += [f"{w.line} {w.column} {w.message}" for w in cohort.warnings]
    return "\n".join(parts)


def only_reject(cohort: Cohort) -> RejectedRow:
    assert len(cohort.rejects) == 1, cohort.rejects
    return cohort.rejects[0]


def test_read_cohort__comma_fixture(helsinki: Contract) -> None:
    cohort = read_cohort(FIXTURES / "cohort.csv", helsinki)
    assert cohort.identifier == "hetu"
    assert cohort.spells == [
        FollowupSpell(CHILD_A, date(2020, 9, 1), None, None, 2),
        FollowupSpell(CHILD_B, date(2021, 2, 15), date(2022, 6, 30), "moved_out", 3),
        FollowupSpell(CHILD_B, date(2025, 3, 1), None, None, 4),
        FollowupSpell(CHILD_C, date(2024, 12, 31), date(2026, 1, 5), "consent_withdrawn", 5),
    ]
    assert cohort.rejects == []
    assert cohort.warnings == []
    assert cohort.people == {CHILD_A, CHILD_B, CHILD_C}


def test_read_cohort__xlsx_with_finnish_reasons(helsinki: Contract, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["HETU", "Enrolled_On", "Exited_On", "Exit_Reason"])
    sheet.append([CHILD_A, date(2020, 9, 1), date(2021, 9, 1), "Muutti"])
    sheet.append([CHILD_B, date(2021, 2, 15), date(2023, 1, 2), "kuoli"])
    sheet.append([CHILD_C, "1.3.2022", "2.4.2023", "suostumus peruttu"])
    sheet.append([CHILD_A, date(2022, 1, 1), None, None])
    path = tmp_path / "cohort.xlsx"
    workbook.save(path)

    cohort = read_cohort(path, helsinki)

    assert cohort.spells == [
        FollowupSpell(CHILD_A, date(2020, 9, 1), date(2021, 9, 1), "moved_out", 2),
        FollowupSpell(CHILD_B, date(2021, 2, 15), date(2023, 1, 2), "died", 3),
        FollowupSpell(CHILD_C, date(2022, 3, 1), date(2023, 4, 2), "consent_withdrawn", 4),
        FollowupSpell(CHILD_A, date(2022, 1, 1), None, None, 5),
    ]
    assert cohort.rejects == []


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("moved_out", "moved_out"),
        ("moved", "moved_out"),
        ("Moved out", "moved_out"),
        ("muutti", "moved_out"),
        ("died", "died"),
        ("KUOLI", "died"),
        ("consent_withdrawn", "consent_withdrawn"),
        ("suostumus_peruttu", "consent_withdrawn"),
        ("suostumus-peruttu", "consent_withdrawn"),
        ("other", "other"),
        ("muu", "other"),
    ],
)
def test_read_cohort__exit_reason_aliases(
    helsinki: Contract, write_csv, written: str, reason: str
) -> None:
    path = write_csv([HEADER, [CHILD_A, "2021-01-01", "2022-01-01", written]])
    [spell] = read_cohort(path, helsinki).spells
    assert spell.exit_reason == reason


def test_read_cohort__pseudonyms_and_only_required_columns(helsinki: Contract, write_csv) -> None:
    path = write_csv([["Pseudonym", "enrolled_on"], ["p-7", "2022-05-05"]])
    cohort = read_cohort(path, helsinki)
    assert cohort.identifier == "pseudonym"
    assert cohort.spells == [FollowupSpell("p-7", date(2022, 5, 5), None, None, 2)]


def test_read_cohort__missing_columns_refuse_the_file(helsinki: Contract, write_csv) -> None:
    path = write_csv([["hetu", "exited_on"], [CHILD_A, ""]], name="cohort.csv")
    with pytest.raises(SibylInputError) as raised:
        read_cohort(path, helsinki)
    message = raised.value.message
    assert "cohort.csv" in message
    assert "the cohort file has no column 'enrolled_on'" in message
    assert "a cohort file needs the columns hetu (or pseudonym) and enrolled_on" in message
    assert CHILD_A not in message


# ---------------------------------------------------------------------------------------------
# Rejected rows


def test_read_cohort__rejects_invalid_identity_code(helsinki: Contract, write_csv) -> None:
    bad = with_wrong_check_character(CHILD_C)
    cohort = read_cohort(write_csv([HEADER, [bad, "2021-01-01", "", ""]]), helsinki)
    reject = only_reject(cohort)
    assert (reject.line, reject.column, reject.value) == (2, "hetu", mask(bad))
    assert reject.reason.startswith("the identity code is not valid: the check character")
    assert bad not in everything_shown(cohort)


def test_read_cohort__rejects_temporary_code(helsinki: Contract, write_csv) -> None:
    cohort = read_cohort(write_csv([HEADER, [TEMPORARY, "2021-01-01", "", ""]]), helsinki)
    assert "temporary identity code" in only_reject(cohort).reason
    assert TEMPORARY not in everything_shown(cohort)


def test_read_cohort__rejects_empty_pseudonym(helsinki: Contract, write_csv) -> None:
    cohort = read_cohort(write_csv([["pseudonym", "enrolled_on"], ["", "2021-01-01"]]), helsinki)
    assert only_reject(cohort).reason.startswith("the pseudonym is empty")


def test_read_cohort__rejects_empty_enrolment_date(helsinki: Contract, write_csv) -> None:
    cohort = read_cohort(write_csv([HEADER, [CHILD_A, "", "", ""]]), helsinki)
    reject = only_reject(cohort)
    assert reject.column == "enrolled_on"
    assert reject.reason == (
        "the enrolment date is empty; write the first day of the child's follow-up as "
        "YYYY-MM-DD or D.M.YYYY."
    )


def test_read_cohort__rejects_bad_enrolment_date(helsinki: Contract, write_csv) -> None:
    path = write_csv([HEADER, [CHILD_A, "2021-13-01", "", ""], [CHILD_B, "01/02/2021", "", ""]])
    cohort = read_cohort(path, helsinki)
    assert [(r.line, r.column, r.reason) for r in cohort.rejects] == [
        (
            2,
            "enrolled_on",
            "the enrolment date '2021-13-01' is not a day of the calendar; correct the date.",
        ),
        (
            3,
            "enrolled_on",
            "the enrolment date '01/02/2021' is not of the form YYYY-MM-DD or D.M.YYYY; "
            "correct the date.",
        ),
    ]


def test_read_cohort__rejects_bad_exit_date(helsinki: Contract, write_csv) -> None:
    path = write_csv([HEADER, [CHILD_A, "2021-01-01", "31.6.2022", "muutti"]])
    reject = only_reject(read_cohort(path, helsinki))
    assert (reject.column, reject.value) == ("exited_on", "31.6.2022")
    assert reject.reason == (
        "the exit date '31.6.2022' is not a day of the calendar; correct the date, or leave it "
        "empty if the child has not exited."
    )


@pytest.mark.parametrize("exited", ["2021-01-01", "2020-12-31"])
def test_read_cohort__rejects_exit_not_after_enrolment(
    helsinki: Contract, write_csv, exited: str
) -> None:
    path = write_csv([HEADER, [CHILD_A, "2021-01-01", exited, "other"]])
    reject = only_reject(read_cohort(path, helsinki))
    assert reject.column == "exited_on"
    assert reject.reason == (
        f"the exit date {exited} is not after the enrolment date 2021-01-01; correct one of "
        "the two dates (a child exits at the earliest on the day after enrolment)."
    )


def test_read_cohort__rejects_exit_reason_without_exit_date(helsinki: Contract, write_csv) -> None:
    path = write_csv([HEADER, [CHILD_A, "2021-01-01", "", "muutti"]])
    reject = only_reject(read_cohort(path, helsinki))
    assert (reject.column, reject.value) == ("exit_reason", "muutti")
    assert reject.reason == (
        "the exit reason 'muutti' is given but the exit date is empty; fill in exited_on, or "
        "leave the exit reason empty."
    )


def test_read_cohort__rejects_unknown_exit_reason(helsinki: Contract, write_csv) -> None:
    path = write_csv([HEADER, [CHILD_A, "2021-01-01", "2022-01-01", "holiday"]])
    reject = only_reject(read_cohort(path, helsinki))
    assert reject.column == "exit_reason"
    assert reject.reason == (
        "the exit reason 'holiday' is not known; write one of moved_out, died, "
        "consent_withdrawn, other (in Finnish muutti, kuoli, suostumus_peruttu, muu)."
    )


@pytest.mark.parametrize(("enrolled", "side"), [("2019-12-31", "before"), ("2025-01-01", "after")])
def test_read_cohort__rejects_first_spell_outside_enrolment_window(
    helsinki: Contract, write_csv, enrolled: str, side: str
) -> None:
    reject = only_reject(read_cohort(write_csv([HEADER, [CHILD_A, enrolled, "", ""]]), helsinki))
    assert (reject.column, reject.value) == ("enrolled_on", enrolled)
    assert reject.reason == (
        f"the child's first follow-up spell starts on {enrolled}, {side} the contract's "
        "enrolment window (2020-01-01 to 2024-12-31); correct the date, or leave the row out if "
        "the child was not enrolled in the window."
    )


def test_read_cohort__window_edges_are_inside(helsinki: Contract, write_csv) -> None:
    path = write_csv([HEADER, [CHILD_A, "2020-01-01", "", ""], [CHILD_B, "31.12.2024", "", ""]])
    assert len(read_cohort(path, helsinki).spells) == 2


def test_read_cohort__return_after_window_is_accepted(helsinki: Contract, write_csv) -> None:
    path = write_csv(
        [
            HEADER,
            [CHILD_A, "2027-05-01", "", ""],  # the return, listed first
            [CHILD_A, "2022-01-01", "2026-02-01", "moved"],
        ]
    )
    cohort = read_cohort(path, helsinki)
    assert cohort.rejects == []
    assert [spell.line for spell in cohort.spells] == [2, 3]


def test_read_cohort__return_may_start_on_the_exit_day(helsinki: Contract, write_csv) -> None:
    path = write_csv(
        [HEADER, [CHILD_A, "2022-01-01", "2023-01-01", "moved"], [CHILD_A, "2023-01-01", "", ""]]
    )
    assert read_cohort(path, helsinki).rejects == []


def test_read_cohort__rejects_return_after_followup_end(helsinki: Contract, write_csv) -> None:
    path = write_csv(
        [HEADER, [CHILD_A, "2022-01-01", "2030-01-01", "moved"], [CHILD_A, "2033-01-01", "", ""]]
    )
    reject = only_reject(read_cohort(path, helsinki))
    assert (reject.line, reject.column) == (3, "enrolled_on")
    assert reject.reason == (
        "the return on 2033-01-01 is after the end of follow-up (2032-12-31); leave the row "
        "out, it cannot count."
    )


def test_read_cohort__rejects_spell_overlapping_an_open_one(helsinki: Contract, write_csv) -> None:
    path = write_csv(
        [HEADER, [CHILD_A, "2021-01-01", "", ""], [CHILD_A, "2022-03-01", "2023-01-01", "muu"]]
    )
    cohort = read_cohort(path, helsinki)
    assert [spell.line for spell in cohort.spells] == [2]
    reject = only_reject(cohort)
    assert (reject.line, reject.column, reject.value) == (3, "enrolled_on", "2022-03-01")
    assert reject.reason == (
        "this follow-up spell overlaps the child's spell on line 2 (enrolled 2021-01-01, no "
        "exit date); a return starts on or after the exit date of the spell before it, so "
        "correct the dates or remove the repeated spell."
    )
    assert CHILD_A not in everything_shown(cohort)


def test_read_cohort__rejects_the_later_of_two_overlapping_spells(
    helsinki: Contract, write_csv
) -> None:
    path = write_csv(
        [
            HEADER,
            [CHILD_B, "2023-06-01", "", ""],
            [CHILD_B, "2021-01-01", "2023-07-01", "moved"],
        ]
    )
    cohort = read_cohort(path, helsinki)
    assert [spell.line for spell in cohort.spells] == [3]
    reject = only_reject(cohort)
    assert reject.line == 2
    assert "overlaps the child's spell on line 3 (enrolled 2021-01-01, exited 2023-07-01)" in (
        reject.reason
    )


def test_read_cohort__first_valid_spell_counts_as_first(helsinki: Contract, write_csv) -> None:
    # The earliest row is outside the window and rejected; the next one is the child's first.
    path = write_csv(
        [HEADER, [CHILD_C, "2019-06-01", "2019-08-01", "moved"], [CHILD_C, "2021-01-01", "", ""]]
    )
    cohort = read_cohort(path, helsinki)
    assert [spell.line for spell in cohort.spells] == [3]
    assert [reject.line for reject in cohort.rejects] == [2]


def test_read_cohort__exact_duplicate_is_kept_once_with_warning(
    helsinki: Contract, write_csv
) -> None:
    row = [CHILD_A, "2021-01-01", "2022-01-01", "moved"]
    cohort = read_cohort(write_csv([HEADER, row, row]), helsinki)
    assert [spell.line for spell in cohort.spells] == [2]
    assert cohort.rejects == []
    assert [w.message for w in cohort.warnings] == [
        "this row repeats line 2 exactly; it is counted once, remove the repeated row from the "
        "file to silence this warning."
    ]


def test_read_cohort__rejects_are_in_line_order(helsinki: Contract, write_csv) -> None:
    path = write_csv(
        [
            HEADER,
            [CHILD_A, "2021-01-01", "", ""],
            [CHILD_A, "2021-02-01", "", ""],  # overlaps line 2 (found in the second pass)
            [CHILD_B, "", "", ""],  # empty date (found in the first pass)
        ]
    )
    assert [r.line for r in read_cohort(path, helsinki).rejects] == [3, 4]
