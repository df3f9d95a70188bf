"""``sibyl register check``: counts, rejected rows, warnings, JSON, exit status 0/1/2, and no raw
identity code in any output."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

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

import sibyl.cli.register as register_cli
from cli_runner import sibyl as run
from sibyl.identity import mask

SIBYL = Path(__file__).parents[2] / ".venv" / "bin" / "sibyl"
HEADER = ["hetu", "service", "start", "end", "days"]
BAD_CHECK = with_wrong_check_character(CHILD_B)
BAD_DATE = with_impossible_birth_date()
ALL_CODES = [CHILD_A, CHILD_B, CHILD_C, TEMPORARY, BAD_CHECK, BAD_DATE]

# One accepted row, one row per reject reason, a working-day row with days, a duplicate.
MIXED = [
    HEADER,
    [CHILD_A, "1", "2021-03-01", "2021-03-31", "31"],  # 2 accepted
    [BAD_CHECK, "1", "2021-03-01", "", ""],  # 3 hetu
    [BAD_DATE, "1", "2021-03-01", "", ""],  # 4 hetu
    [TEMPORARY, "1", "2021-03-01", "", ""],  # 5 hetu
    [CHILD_B, "42", "2021-03-01", "", ""],  # 6 service
    [CHILD_B, "2", "2021-02-30", "", ""],  # 7 start
    [CHILD_B, "2", "2021-03-01", "2021-02-01", ""],  # 8 end
    [CHILD_C, "3", "2021-03-01", "2021-03-10", "11"],  # 9 days
    [CHILD_C, "4", "2021-03-01", "2021-03-10", "5"],  # 10 accepted, days ignored (warning)
    [CHILD_A, "1", "2021-03-01", "2021-03-31", "31"],  # 11 duplicate of 2 (warning)
]


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def assert_no_raw_code(text: str) -> None:
    upper = text.upper()
    for code in ALL_CODES:
        assert code not in upper


@pytest.fixture
def mixed(write_csv) -> Path:
    return write_csv(MIXED, name="mixed.csv")


def test_register_check__clean_file_exits_0_with_counts() -> None:
    result = run("register", "check", str(FIXTURES / "semicolon.csv"))
    assert result.code == 0
    assert result.stderr == ""
    assert "helsinki v1" in result.stdout
    for label, count in [("rows read", 4), ("accepted", 4), ("rejected", 0), ("duplicates", 0)]:
        assert f"{label}  " in result.stdout
        assert any(
            line.split()[-1:] == [str(count)]
            for line in result.stdout.splitlines()
            if line.strip().startswith(label)
        )
    assert "All 4 rows accepted." in result.stdout
    assert_no_raw_code(result.everything)


def test_register_check__rejected_rows_exit_1_with_masked_table(mixed: Path) -> None:
    result = run("register", "check", str(mixed))
    assert result.code == 1
    out = result.stdout
    assert "Rejected rows" in out
    assert mask(BAD_CHECK) in out
    assert mask(TEMPORARY) in out
    assert "the check character does not match" in out
    assert "is not one of the services of the contract helsinki" in out
    assert "is not a day of the calendar" in out
    assert "is before the start date" in out
    assert "more than the 10 calendar days" in out
    assert "Warnings" in out
    assert "line 10: service 4 is counted in working days" in out
    assert "line 11: this row repeats line 2 exactly" in out
    assert "7 of 10 rows rejected; correct them in the file and check it again." in out
    assert_no_raw_code(result.everything)


def test_register_check__json_is_one_object_with_counts_and_rejects(mixed: Path) -> None:
    result = run("register", "check", str(mixed), "--json")
    assert result.code == 1
    report = json.loads(result.stdout)  # exactly one JSON document
    assert result.stdout.count("\n") == 1
    assert report["accepted"] == 2
    assert report["rejected"] == 7
    assert report["warnings"] == 2
    assert report["duplicates"] == 1
    assert report["rows"] == 10
    assert report["contract"] == "helsinki v1"
    assert report["file"] == str(mixed)
    assert len(report["sha256"]) == 64
    assert [(r["line"], r["column"]) for r in report["rejects"]] == [
        (3, "hetu"),
        (4, "hetu"),
        (5, "hetu"),
        (6, "service"),
        (7, "start"),
        (8, "end"),
        (9, "days"),
    ]
    assert report["rejects"][0]["value"] == mask(BAD_CHECK)
    assert all(set(r) == {"line", "column", "value", "reason"} for r in report["rejects"])
    assert len(report["warning_messages"]) == 2
    assert_no_raw_code(result.everything)


def test_register_check__json_clean_file_exits_0() -> None:
    result = run("register", "check", str(FIXTURES / "comma.csv"), "--json")
    assert result.code == 0
    report = json.loads(result.stdout)
    assert (report["accepted"], report["rejected"], report["warnings"]) == (4, 0, 0)
    assert report["rejects"] == []


def test_register_check__as_of_rejects_later_starts() -> None:
    path = str(FIXTURES / "finnish_dates.csv")
    result = run("register", "check", path, "--as-of", "31.12.2022", "--json")
    assert result.code == 1
    report = json.loads(result.stdout)
    assert report["as_of"] == "2022-12-31"
    [reject] = report["rejects"]
    assert (reject["line"], reject["column"]) == (5, "start")
    assert "after the extract's as-of date 2022-12-31" in reject["reason"]


def test_register_check__contract_as_a_path() -> None:
    from sibyl.contract.loader import builtin_path

    contract = str(builtin_path("helsinki"))
    result = run("register", "check", str(FIXTURES / "comma.csv"), "--contract", contract)
    assert result.code == 0


def test_register_check__warnings_only_exit_0() -> None:
    result = run("register", "check", str(FIXTURES / "latin1_extra_column.csv"))
    assert result.code == 0
    assert "columns Sibyl does not use ('huomautus')" in result.stdout


def test_register_check__long_lists_are_cut_with_a_pointer_to_json(
    mixed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(register_cli, "MAX_SHOWN", 3)
    result = run("register", "check", str(mixed))
    assert result.code == 1
    assert "… and 4 more rejected rows; use --json to list them all." in result.stdout


def test_register_check__missing_columns_exit_2(write_csv) -> None:
    path = write_csv([["hetu", "service"], [CHILD_A, "1"]], name="short.csv")
    result = run("register", "check", str(path))
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "short.csv: the extract has no column 'start', 'end'" in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert_no_raw_code(result.everything)


def test_register_check__missing_file_exit_2(tmp_path: Path) -> None:
    result = run("register", "check", str(tmp_path / "nothing.csv"))
    assert result.code == 2
    assert result.stderr == (
        f"error: {tmp_path / 'nothing.csv'}: no such file; check the path and the file name.\n"
    )


def test_register_check__bad_as_of_exit_2() -> None:
    result = run("register", "check", str(FIXTURES / "comma.csv"), "--as-of", "2024-02-30")
    assert result.code == 2
    assert result.stderr.startswith("error: --as-of '2024-02-30'")
    assert "Traceback" not in result.stderr


def test_register_check__unknown_contract_exit_2() -> None:
    result = run("register", "check", str(FIXTURES / "comma.csv"), "--contract", "nowhere")
    assert result.code == 2
    assert "there is no built-in contract 'nowhere'" in result.stderr


def test_register_check__without_file_shows_usage() -> None:
    result = run("register", "check")
    assert result.code == 2
    assert "FILE" in result.everything


@pytest.mark.skipif(not SIBYL.exists(), reason="the sibyl command is not installed in .venv")
def test_register_check__installed_command_exit_codes(mixed: Path) -> None:
    def sibyl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SIBYL), *args],
            capture_output=True,
            text=True,
            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
            check=False,
        )

    clean = sibyl("register", "check", str(FIXTURES / "comma.csv"))
    rejected = sibyl("register", "check", str(mixed), "--json")
    broken = sibyl("register", "check", str(FIXTURES / "comma.csv"), "--as-of", "soon")
    assert (clean.returncode, rejected.returncode, broken.returncode) == (0, 1, 2)
    assert json.loads(rejected.stdout)["rejected"] == 7
    assert broken.stderr.startswith("error: ")
    for result in (clean, rejected, broken):
        assert "Traceback" not in result.stderr
        assert_no_raw_code(result.stdout + result.stderr)


def test_register_check__markup_like_values_are_printed_as_text(write_csv) -> None:
    path = write_csv([HEADER, [CHILD_A, "[bold]", "[/]", "", ""]])
    result = run("register", "check", str(path))
    assert result.code == 1
    assert "the service code '[bold]' is not one of the services" in result.stdout
