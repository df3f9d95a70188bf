"""Reading register extracts: one tiny fixture per format, one test per reject and warning."""

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
    with_impossible_birth_date,
    with_wrong_check_character,
)

from sibyl.contract import Contract
from sibyl.errors import SibylInputError
from sibyl.identity import make, mask
from sibyl.register import Episode, Extract, ReadWarning, RejectedRow, read_extract

HEADER = ["hetu", "service", "start", "end", "days"]

# What every format fixture holds (lines 2–5 of each file).
EXPECTED = [
    Episode(CHILD_A, 1, date(2021, 3, 1), date(2021, 3, 31), 31, 2),
    Episode(CHILD_B, 5, date(2022, 1, 10), None, None, 3),
    Episode(CHILD_C, 4, date(2021, 6, 1), date(2021, 12, 31), None, 4),
    Episode(CHILD_A, 9, date(2023, 8, 15), date(2024, 5, 31), None, 5),
]


def everything_shown(extract: Extract) -> str:
    """All the text a person could see about an extract's rejects and warnings."""
    parts = [f"{r.line} {r.column} {r.value} {r.reason}" for r in extract.rejects]
    parts += [f"{w.line} {w.column} {w.message}" for w in extract.warnings]
    return "\n".join(parts)


def only_reject(extract: Extract) -> RejectedRow:
    assert extract.episodes == []
    assert len(extract.rejects) == 1
    return extract.rejects[0]


# ---------------------------------------------------------------------------------------------
# Formats


@pytest.mark.parametrize(
    "name",
    ["comma.csv", "semicolon.csv", "crlf.csv", "finnish_dates.csv"],
)
def test_read_extract__csv_formats_give_the_same_episodes(helsinki: Contract, name: str) -> None:
    extract = read_extract(FIXTURES / name, helsinki)
    assert extract.episodes == EXPECTED
    assert extract.rejects == []
    assert extract.warnings == []
    assert extract.identifier == "hetu"
    assert extract.rows == 4


def test_read_extract__semicolon(helsinki: Contract) -> None:
    extract = read_extract(FIXTURES / "semicolon.csv", helsinki)
    assert extract.episodes == EXPECTED


def test_read_extract__bom_utf8_with_mixed_case_spaced_header(helsinki: Contract) -> None:
    extract = read_extract(FIXTURES / "bom_utf8.csv", helsinki)
    assert extract.episodes == EXPECTED
    assert extract.warnings == []


def test_read_extract__semicolon_latin1_extra_column_warns(helsinki: Contract) -> None:
    extract = read_extract(FIXTURES / "latin1_extra_column.csv", helsinki)
    assert extract.episodes == EXPECTED
    assert extract.rejects == []
    [warning] = extract.warnings
    assert warning.line is None
    assert "latin1_extra_column.csv" in warning.message
    assert "columns Sibyl does not use ('huomautus')" in warning.message
    assert "they are ignored" in warning.message
    assert "remove them" in warning.message


def test_read_extract__finnish_dates(helsinki: Contract) -> None:
    extract = read_extract(FIXTURES / "finnish_dates.csv", helsinki)
    assert extract.episodes == EXPECTED


def test_read_extract__crlf(helsinki: Contract) -> None:
    assert (FIXTURES / "crlf.csv").read_bytes().count(b"\r\n") == 5
    extract = read_extract(FIXTURES / "crlf.csv", helsinki)
    assert extract.episodes == EXPECTED


def test_read_extract__xlsx_with_date_and_number_cells(helsinki: Contract, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Hetu", "Service", "Start", "End", "Days"])
    sheet.append([CHILD_A, 1, date(2021, 3, 1), date(2021, 3, 31), 31])
    sheet.append([CHILD_B, 5, date(2022, 1, 10), None, None])
    sheet.append([CHILD_C, "4", "2021-06-01", "31.12.2021", None])
    sheet.append([CHILD_A, 9.0, date(2023, 8, 15), date(2024, 5, 31), None])
    path = tmp_path / "extract.xlsx"
    workbook.save(path)

    extract = read_extract(path, helsinki)

    assert extract.episodes == EXPECTED
    assert extract.rejects == []
    assert extract.warnings == []


def test_read_extract__pseudonymised_file(helsinki: Contract) -> None:
    extract = read_extract(FIXTURES / "pseudonym.csv", helsinki)
    assert extract.identifier == "pseudonym"
    assert extract.episodes == [
        Episode("ps-1", 1, date(2021, 3, 1), date(2021, 3, 31), 31, 2),
        Episode("ps-2", 5, date(2022, 1, 10), None, None, 3),
        Episode("ps-3", 4, date(2021, 6, 1), date(2021, 12, 31), None, 4),
        Episode("ps-4", 9, date(2023, 8, 15), date(2024, 5, 31), None, 5),
    ]


def test_read_extract__fixture_codes_are_the_synthetic_ones() -> None:
    text = (FIXTURES / "comma.csv").read_text(encoding="utf-8")
    assert {CHILD_A, CHILD_B, CHILD_C} <= set(text.replace(",", "\n").split())


def test_read_extract__identity_code_is_stored_normalised(helsinki: Contract, write_csv) -> None:
    path = write_csv([HEADER, [f"  {CHILD_B.lower()} ", "1", "2021-01-01", "2021-01-02", ""]])
    [episode] = read_extract(path, helsinki).episodes
    assert episode.person == CHILD_B


def test_read_extract__2023_century_signs_are_valid(helsinki: Contract, write_csv) -> None:
    parent_era = make(date(1985, 4, 2), 123, new_century_signs=True)  # sign Y
    child = make(date(2019, 7, 9), 456, new_century_signs=True)  # sign B
    path = write_csv(
        [HEADER, [parent_era, "1", "2021-01-01", "", ""], [child, "1", "2021-01-01", "", ""]]
    )
    extract = read_extract(path, helsinki)
    assert [e.person for e in extract.episodes] == [parent_era, child]
    assert extract.rejects == []


def test_read_extract__blank_lines_and_short_rows(helsinki: Contract, write_csv) -> None:
    path = write_csv([HEADER, [CHILD_A, "5", "2021-01-01"], [""], [CHILD_C, "5", "2022-02-01", ""]])
    extract = read_extract(path, helsinki)
    assert extract.episodes == [
        Episode(CHILD_A, 5, date(2021, 1, 1), None, None, 2),
        Episode(CHILD_C, 5, date(2022, 2, 1), None, None, 4),
    ]
    assert extract.rows == 2


# ---------------------------------------------------------------------------------------------
# Files refused whole


def test_read_extract__missing_columns_refuse_the_file(helsinki: Contract, write_csv) -> None:
    path = write_csv([["hetu", "start"], [CHILD_A, "2021-01-01"]], name="no_service.csv")
    with pytest.raises(SibylInputError) as raised:
        read_extract(path, helsinki)
    message = raised.value.message
    assert "no_service.csv" in message
    assert "has no column 'service', 'end'" in message
    assert "the header line has: hetu, start" in message
    assert "needs the columns hetu (or pseudonym), service, start and end" in message
    assert "correct the header line" in message
    assert CHILD_A not in message


def test_read_extract__neither_hetu_nor_pseudonym_refuses_the_file(
    helsinki: Contract, write_csv
) -> None:
    path = write_csv([["person", "service", "start", "end"], ["x", "1", "2021-01-01", ""]])
    with pytest.raises(SibylInputError, match=r"has no column 'hetu \(or pseudonym\)'"):
        read_extract(path, helsinki)


def test_read_extract__both_hetu_and_pseudonym_refuse_the_file(
    helsinki: Contract, write_csv
) -> None:
    path = write_csv([["hetu", "pseudonym", "service", "start", "end"]], name="both.csv")
    with pytest.raises(SibylInputError) as raised:
        read_extract(path, helsinki)
    message = raised.value.message
    assert "both.csv" in message
    assert "has both a 'hetu' and a 'pseudonym' column" in message
    assert "keep only one" in message


def test_read_extract__a_column_twice_refuses_the_file(helsinki: Contract, write_csv) -> None:
    path = write_csv([["hetu", "service", "start", "end", "START"]])
    with pytest.raises(SibylInputError, match=r"the column 'start' appears twice.*keep one"):
        read_extract(path, helsinki)


def test_read_extract__file_without_header_never_shows_the_code(
    helsinki: Contract, write_csv
) -> None:
    path = write_csv([[CHILD_A, "1", "2021-01-01", "2021-01-31", ""]])
    with pytest.raises(SibylInputError) as raised:
        read_extract(path, helsinki)
    message = raised.value.message.upper()
    assert CHILD_A not in message
    assert mask(CHILD_A) in message


def test_read_extract__missing_file(helsinki: Contract, tmp_path: Path) -> None:
    with pytest.raises(SibylInputError, match="no such file"):
        read_extract(tmp_path / "nothing.csv", helsinki)


def test_read_extract__damaged_utf8_after_bom_is_refused(
    helsinki: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "damaged.csv"
    path.write_bytes(b"\xef\xbb\xbfhetu;service;start;end\n\xff\xfe;1;2021-01-01;\n")
    with pytest.raises(
        SibylInputError,
        match=r"line 2: the file starts with a UTF-8 byte-order "
        r"mark but is not valid UTF-8 text; save the file again as UTF-8",
    ):
        read_extract(path, helsinki)


def test_read_extract__header_only_is_an_empty_extract(helsinki: Contract, write_csv) -> None:
    extract = read_extract(write_csv([HEADER]), helsinki)
    assert (extract.rows, extract.episodes, extract.rejects) == (0, [], [])


# ---------------------------------------------------------------------------------------------
# Rejected rows: one test per reason


def test_read_extract__rejects_wrong_check_character(helsinki: Contract, write_csv) -> None:
    bad = with_wrong_check_character(CHILD_A)
    path = write_csv([HEADER, [bad, "1", "2021-01-01", "", ""]])
    extract = read_extract(path, helsinki)
    reject = only_reject(extract)
    assert (reject.line, reject.column, reject.value) == (2, "hetu", "140517A****")
    assert reject.reason == (
        "the identity code is not valid: the check character does not match; "
        "check the code in the register and correct it."
    )
    assert bad not in everything_shown(extract)


def test_read_extract__rejects_impossible_birth_date(helsinki: Contract, write_csv) -> None:
    bad = with_impossible_birth_date()
    extract = read_extract(write_csv([HEADER, [bad, "1", "2021-01-01", "", ""]]), helsinki)
    reject = only_reject(extract)
    assert reject.column == "hetu"
    assert reject.value == "310217A****"
    assert "the birth date in the code is not a real date" in reject.reason
    assert bad not in everything_shown(extract)


def test_read_extract__rejects_code_of_wrong_form(helsinki: Contract, write_csv) -> None:
    bad = CHILD_A.replace("A", "/")
    extract = read_extract(write_csv([HEADER, [bad, "1", "2021-01-01", "", ""]]), helsinki)
    reject = only_reject(extract)
    assert "not an identity code of the form DDMMYY" in reject.reason
    assert bad not in everything_shown(extract)


def test_read_extract__rejects_empty_identity_code(helsinki: Contract, write_csv) -> None:
    extract = read_extract(write_csv([HEADER, ["", "1", "2021-01-01", "", ""]]), helsinki)
    reject = only_reject(extract)
    assert (reject.column, reject.value) == ("hetu", "")
    assert reject.reason.startswith("the identity code is empty; fill in")


def test_read_extract__rejects_temporary_code_when_contract_refuses_them(
    helsinki: Contract, write_csv
) -> None:
    extract = read_extract(write_csv([HEADER, [TEMPORARY, "1", "2021-01-01", "", ""]]), helsinki)
    reject = only_reject(extract)
    assert reject.value == mask(TEMPORARY)
    assert "temporary identity code (individual number 900–999)" in reject.reason
    assert "give the child's permanent identity code instead" in reject.reason
    assert TEMPORARY not in everything_shown(extract)


def test_read_extract__accepts_temporary_code_when_contract_allows_them(
    helsinki: Contract, write_csv
) -> None:
    allowing = helsinki.with_parameters(allow_temporary_identity_codes=True)
    path = write_csv([HEADER, [TEMPORARY, "1", "2021-01-01", "", ""]])
    extract = read_extract(path, allowing, as_of=date(2024, 1, 1))
    assert [e.person for e in extract.episodes] == [TEMPORARY]


def test_read_extract__rejects_empty_pseudonym(helsinki: Contract, write_csv) -> None:
    header = ["pseudonym", "service", "start", "end"]
    extract = read_extract(write_csv([header, ["", "1", "2021-01-01", ""]]), helsinki)
    reject = only_reject(extract)
    assert (reject.column, reject.value) == ("pseudonym", "")
    assert reject.reason == (
        "the pseudonym is empty; fill in the child's pseudonym or leave the row out of the file."
    )


@pytest.mark.parametrize("code", ["12", "0", "x", "1.5"])
def test_read_extract__rejects_unknown_service(helsinki: Contract, write_csv, code: str) -> None:
    extract = read_extract(write_csv([HEADER, [CHILD_A, code, "2021-01-01", "", ""]]), helsinki)
    reject = only_reject(extract)
    assert (reject.column, reject.value) == ("service", code)
    assert reject.reason == (
        f"the service code '{code}' is not one of the services of the contract helsinki (1–9); "
        "write the contract's code of the service."
    )


def test_read_extract__rejects_empty_service(helsinki: Contract, write_csv) -> None:
    extract = read_extract(write_csv([HEADER, [CHILD_A, "", "2021-01-01", "", ""]]), helsinki)
    assert only_reject(extract).reason == (
        "the service code is empty; write the contract's code of the service (1–9)."
    )


def test_read_extract__rejects_start_of_wrong_form(helsinki: Contract, write_csv) -> None:
    extract = read_extract(write_csv([HEADER, [CHILD_A, "1", "2021/03/01", "", ""]]), helsinki)
    reject = only_reject(extract)
    assert (reject.column, reject.value) == ("start", "2021/03/01")
    assert reject.reason == (
        "the start date '2021/03/01' is not of the form YYYY-MM-DD or D.M.YYYY; correct the date."
    )


def test_read_extract__rejects_impossible_start(helsinki: Contract, write_csv) -> None:
    extract = read_extract(write_csv([HEADER, [CHILD_A, "1", "30.2.2021", "", ""]]), helsinki)
    reject = only_reject(extract)
    assert reject.reason == (
        "the start date '30.2.2021' is not a day of the calendar; correct the date."
    )


def test_read_extract__rejects_empty_start(helsinki: Contract, write_csv) -> None:
    extract = read_extract(write_csv([HEADER, [CHILD_A, "1", "", "", ""]]), helsinki)
    reject = only_reject(extract)
    assert reject.column == "start"
    assert reject.reason == (
        "the start date is empty; write the first day of the period as YYYY-MM-DD or D.M.YYYY."
    )


def test_read_extract__rejects_start_after_as_of(helsinki: Contract, write_csv) -> None:
    path = write_csv([HEADER, [CHILD_A, "1", "2024-04-01", "", ""]])
    extract = read_extract(path, helsinki, as_of=date(2024, 3, 31))
    reject = only_reject(extract)
    assert (reject.column, reject.value) == ("start", "2024-04-01")
    assert reject.reason == (
        "the start date 2024-04-01 is after the extract's as-of date 2024-03-31; correct the "
        "date, or use an as-of date on or after it."
    )
    assert read_extract(path, helsinki).rejects == []  # without an as-of date: no check


def test_read_extract__rejects_end_of_wrong_form(helsinki: Contract, write_csv) -> None:
    extract = read_extract(write_csv([HEADER, [CHILD_A, "1", "2021-01-01", "soon", ""]]), helsinki)
    reject = only_reject(extract)
    assert (reject.column, reject.value) == ("end", "soon")
    assert reject.reason == (
        "the end date 'soon' is not of the form YYYY-MM-DD or D.M.YYYY; correct the date, or "
        "leave it empty while the period is ongoing."
    )


def test_read_extract__rejects_impossible_end(helsinki: Contract, write_csv) -> None:
    path = write_csv([HEADER, [CHILD_A, "1", "2021-01-01", "2021-04-31", ""]])
    reject = only_reject(read_extract(path, helsinki))
    assert reject.column == "end"
    assert reject.reason.startswith("the end date '2021-04-31' is not a day of the calendar;")


def test_read_extract__rejects_end_before_start(helsinki: Contract, write_csv) -> None:
    path = write_csv([HEADER, [CHILD_A, "1", "2021-02-01", "2021-01-31", ""]])
    reject = only_reject(read_extract(path, helsinki))
    assert (reject.column, reject.value) == ("end", "2021-01-31")
    assert reject.reason == (
        "the end date 2021-01-31 is before the start date 2021-02-01; correct one of the two dates."
    )


@pytest.mark.parametrize("days", ["3.5", "-1", "many", "1e3"])
def test_read_extract__rejects_days_not_whole(helsinki: Contract, write_csv, days: str) -> None:
    path = write_csv([HEADER, [CHILD_A, "1", "2021-01-01", "2021-01-31", days]])
    reject = only_reject(read_extract(path, helsinki))
    assert (reject.column, reject.value) == ("days", days)
    assert reject.reason == (
        f"the days value '{days}' is not a whole number of 0 or more; write the care days as a "
        "whole number, or leave it empty."
    )


def test_read_extract__accepts_zero_days_and_whole_decimals(helsinki: Contract, write_csv) -> None:
    path = write_csv(
        [
            HEADER,
            [CHILD_A, "1", "2021-01-01", "2021-01-31", "0"],
            [CHILD_B, "2", "2021-01-01", "2021-01-31", "31.0"],
        ]
    )
    assert [e.days for e in read_extract(path, helsinki).episodes] == [0, 31]


def test_read_extract__rejects_days_beyond_the_period(helsinki: Contract, write_csv) -> None:
    path = write_csv([HEADER, [CHILD_A, "1", "2021-02-01", "2021-02-28", "29"]])
    reject = only_reject(read_extract(path, helsinki))
    assert (reject.column, reject.value) == ("days", "29")
    assert reject.reason == (
        "the days value 29 is more than the 28 calendar days from 2021-02-01 to 2021-02-28; "
        "correct the days or the dates of the period."
    )


def test_read_extract__rejects_days_beyond_ongoing_period_to_as_of(
    helsinki: Contract, write_csv
) -> None:
    path = write_csv([HEADER, [CHILD_A, "1", "2024-03-01", "", "32"]])
    reject = only_reject(read_extract(path, helsinki, as_of=date(2024, 3, 31)))
    assert reject.reason == (
        "the days value 32 is more than the 31 calendar days from 2024-03-01 to the as-of date "
        "2024-03-31 (the row is ongoing); correct the days or the dates of the period."
    )
    # Without an as-of date an ongoing row's days cannot be checked.
    [episode] = read_extract(path, helsinki).episodes
    assert episode.days == 32


def test_read_extract__one_reject_per_row_the_first_column(helsinki: Contract, write_csv) -> None:
    bad = with_wrong_check_character(CHILD_C)
    path = write_csv([HEADER, [bad, "99", "never", "", "x"]])
    reject = only_reject(read_extract(path, helsinki))
    assert reject.column == "hetu"


def test_read_extract__code_in_a_wrong_column_is_masked(helsinki: Contract, write_csv) -> None:
    path = write_csv([HEADER, [CHILD_A, "1", CHILD_B, "", ""]])
    extract = read_extract(path, helsinki)
    reject = only_reject(extract)
    assert reject.column == "start"
    assert reject.value == mask(CHILD_B)
    assert CHILD_B not in everything_shown(extract)


def test_read_extract__rejected_and_accepted_rows_in_one_file(
    helsinki: Contract, write_csv
) -> None:
    path = write_csv(
        [
            HEADER,
            [CHILD_A, "1", "2021-01-01", "2021-01-10", "10"],
            [with_wrong_check_character(CHILD_B), "1", "2021-01-01", "", ""],
            [CHILD_C, "3", "2021-05-01", "2021-04-01", ""],
        ]
    )
    extract = read_extract(path, helsinki)
    assert extract.episodes == [Episode(CHILD_A, 1, date(2021, 1, 1), date(2021, 1, 10), 10, 2)]
    assert [(r.line, r.column) for r in extract.rejects] == [(3, "hetu"), (4, "end")]
    assert (extract.rows, extract.accepted) == (3, 1)


# ---------------------------------------------------------------------------------------------
# Warnings


def test_read_extract__days_on_working_day_service_is_ignored_with_warning(
    helsinki: Contract, write_csv
) -> None:
    path = write_csv([HEADER, [CHILD_A, "5", "2021-01-01", "2021-01-31", "12"]])
    extract = read_extract(path, helsinki)
    assert extract.episodes == [Episode(CHILD_A, 5, date(2021, 1, 1), date(2021, 1, 31), None, 2)]
    assert extract.warnings == [
        ReadWarning(
            2,
            "days",
            "service 5 is counted in working days, so its days value '12' is ignored; "
            "leave days empty for working-day services.",
        )
    ]


def test_read_extract__exact_duplicates_are_kept_once_with_warning(
    helsinki: Contract, write_csv
) -> None:
    row = [CHILD_A, "1", "2021-01-01", "2021-01-31", "31"]
    path = write_csv([HEADER, row, [CHILD_B, "1", "2021-01-01", "", ""], row, row])
    extract = read_extract(path, helsinki)
    assert [e.line for e in extract.episodes] == [2, 3]
    assert extract.duplicates == 2
    assert [w.message for w in extract.warnings] == [
        "this row repeats line 2 exactly; it is counted once, remove the repeated row from the "
        "file to silence this warning.",
        "this row repeats line 2 exactly; it is counted once, remove the repeated row from the "
        "file to silence this warning.",
    ]
    assert CHILD_A not in everything_shown(extract)


def test_read_extract__duplicates_compare_normalised_values(helsinki: Contract, write_csv) -> None:
    path = write_csv(
        [
            HEADER,
            [CHILD_A, "1", "2021-01-01", "2021-01-31", "31"],
            [CHILD_A.lower(), "01", "1.1.2021", "31.1.2021", "31"],
        ]
    )
    extract = read_extract(path, helsinki)
    assert extract.duplicates == 1
    assert extract.accepted == 1


def test_read_extract__extra_columns_named_in_one_warning(helsinki: Contract, write_csv) -> None:
    path = write_csv(
        [[*HEADER, "note", "Unit"], [CHILD_A, "1", "2021-01-01", "", "", "x", "y"]],
        name="extra.csv",
    )
    extract = read_extract(path, helsinki)
    [warning] = extract.warnings
    assert warning.message == (
        f"{path}: the extract has columns Sibyl does not use ('note', 'Unit'); they are "
        "ignored, remove them from the file to silence this warning."
    )


def test_read_extract__reports_progress_from_the_first_row_to_the_last(
    helsinki: Contract, write_csv
) -> None:
    calls: list[tuple[int, int]] = []
    rows = [HEADER] + [[CHILD_A, "5", f"2021-01-0{day}", "", ""] for day in range(1, 4)]
    read_extract(
        write_csv(rows), helsinki, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(0, 3), (3, 3)]
