"""``sibyl settle``, ``sibyl explain`` and ``sibyl contract``: files in, files out, exit codes,
and no raw identity code where it does not belong."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from cli_runner import sibyl as run
from sibyl.identity import make

CHILD_A = make(date(2017, 5, 3), 123)
CHILD_B = make(date(2016, 8, 9), 456, new_century_signs=True)
BAD_CODE = CHILD_A[:-1] + ("B" if CHILD_A[-1] != "B" else "C")  # wrong check character


def run_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sibyl ARGS`` as a separate process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "sibyl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        check=False,
    )


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "cohort.csv").write_text(
        "hetu,enrolled_on,exited_on,exit_reason\n"
        f"{CHILD_A},2021-03-01,2023-07-01,moved_out\n"
        f"{CHILD_B},1.1.2020,,\n",
        encoding="utf-8",
    )
    (tmp_path / "register.csv").write_text(
        "hetu;service;start;end;days\n"
        f"{CHILD_A};1;2023-02-01;2023-02-10;\n"
        f"{CHILD_A};1;5.2.2023;12.2.2023;\n"
        f"{CHILD_B};2;2022-12-01;2023-01-31;40\n",
        encoding="utf-8",
    )
    return tmp_path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


SETTLE_2023 = ["--year", "2023", "--as-of", "2024-03-31", "--out", "statement.csv"]


def test_settle__writes_statement_and_lines_to_the_cent(files: Path):
    result = run(
        "settle",
        "--cohort",
        "cohort.csv",
        "--register",
        "register.csv",
        *SETTLE_2023,
        "--lines",
        "lines.csv",
        cwd=files,
    )
    assert result.returncode == 0, result.stderr
    # A: follow-up 2023-01-01..2023-06-30 (exit day excluded) = 181 days;
    #    base 4000 × 181 / 365 = 1983.5616… → 1983.56.
    #    Service 1 periods 1–10 Feb and 5–12 Feb overlap: 12 days × 91.54 = 1098.48.
    # B: full year, base 4000.00. Service 2 row 2022-12-01..2023-01-31 (62 days) with 40 care
    #    days: 40 × 31 / 62 = 20 days in 2023 × 323.07 = 6461.40 → payment max(0, …) = 0.00.
    assert read_csv(files / "statement.csv") == [
        {
            "hetu": CHILD_A,
            "year": "2023",
            "followup_days": "181",
            "base": "1983.56",
            "deduction": "1098.48",
            "payment": "885.08",
        },
        {
            "hetu": CHILD_B,
            "year": "2023",
            "followup_days": "365",
            "base": "4000.00",
            "deduction": "6461.40",
            "payment": "0.00",
        },
    ]
    assert read_csv(files / "lines.csv") == [
        {
            "hetu": CHILD_A,
            "year": "2023",
            "service": "1",
            "units": "12",
            "unit_price": "91.540000",
            "amount": "1098.48",
        },
        {
            "hetu": CHILD_B,
            "year": "2023",
            "service": "2",
            "units": "20",
            "unit_price": "323.070000",
            "amount": "6461.40",
        },
    ]
    assert "885.08" in result.stdout
    assert "final" in result.stdout


def test_settle__rejected_register_rows_are_printed_masked_and_exit_1(files: Path):
    with (files / "register.csv").open("a", encoding="utf-8") as stream:
        stream.write(f"{BAD_CODE};1;2023-01-01;2023-01-02;\n")
    result = run(
        "settle", "--cohort", "cohort.csv", "--register", "register.csv", *SETTLE_2023, cwd=files
    )
    assert result.returncode == 1
    assert BAD_CODE not in result.stdout + result.stderr
    assert BAD_CODE[:7] + "****" in result.stderr
    assert (files / "statement.csv").exists()


def test_settle__provisional_when_as_of_is_inside_the_year(files: Path):
    result = run(
        "settle",
        "--cohort",
        "cohort.csv",
        "--register",
        "register.csv",
        "--year",
        "2023",
        "--as-of",
        "2023-06-30",
        "--out",
        "statement.csv",
        cwd=files,
    )
    assert result.returncode == 0, result.stderr
    assert "2023 is provisional: the register extract is as of 2023-06-30, not after 2023" in (
        result.stdout.replace("\n", " ")
    )


def test_settle__missing_file_is_one_sentence_and_exit_2(files: Path):
    result = run_process(
        "settle", "--cohort", "nope.csv", "--register", "register.csv", *SETTLE_2023, cwd=files
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: nope.csv: no such file")
    assert "Traceback" not in result.stderr
    assert not (files / "statement.csv").exists()


def test_settle__bad_as_of_date_says_the_form(files: Path):
    result = run(
        "settle",
        "--cohort",
        "cohort.csv",
        "--register",
        "register.csv",
        "--year",
        "2023",
        "--as-of",
        "2024-02-30",
        "--out",
        "statement.csv",
        cwd=files,
    )
    assert result.returncode == 2
    assert "--as-of '2024-02-30'" in result.stderr
    assert "impossible date" in result.stderr


def test_settle__year_outside_the_contract_is_refused(files: Path):
    result = run(
        "settle",
        "--cohort",
        "cohort.csv",
        "--register",
        "register.csv",
        "--year",
        "2040",
        "--as-of",
        "2041-03-31",
        "--out",
        "statement.csv",
        cwd=files,
    )
    assert result.returncode == 2
    assert "2040 is outside the contract's follow-up years 2020–2032" in result.stderr


def test_settle__cohort_with_a_rejected_row_is_refused_whole(files: Path):
    with (files / "cohort.csv").open("a", encoding="utf-8") as stream:
        stream.write(f"{BAD_CODE},2021-01-01,,\n")
    result = run(
        "settle", "--cohort", "cohort.csv", "--register", "register.csv", *SETTLE_2023, cwd=files
    )
    assert result.returncode == 2
    assert "row(s) of the cohort file were rejected" in result.stderr
    assert BAD_CODE not in result.stderr + result.stdout
    assert not (files / "statement.csv").exists()


def test_settle__identifier_columns_must_match(files: Path):
    (files / "pseudo.csv").write_text(
        "pseudonym,service,start,end\nchild-A,1,2023-01-01,2023-01-02\n", encoding="utf-8"
    )
    result = run(
        "settle", "--cohort", "cohort.csv", "--register", "pseudo.csv", *SETTLE_2023, cwd=files
    )
    assert result.returncode == 2
    assert "identifies children by hetu but the register extract by pseudonym" in result.stderr


def test_settle__pseudonymised_inputs_answer_in_pseudonyms(tmp_path: Path):
    (tmp_path / "cohort.csv").write_text(
        "pseudonym,enrolled_on\nchild-A,2022-01-01\n", encoding="utf-8"
    )
    (tmp_path / "register.csv").write_text(
        "pseudonym,service,start,end\nchild-A,3,2023-03-01,2023-03-02\n", encoding="utf-8"
    )
    result = run(
        "settle", "--cohort", "cohort.csv", "--register", "register.csv", *SETTLE_2023, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    # 2 care days × 646.13 (service 3, 2023) = 1292.26; 4000.00 − 1292.26 = 2707.74
    assert read_csv(tmp_path / "statement.csv") == [
        {
            "pseudonym": "child-A",
            "year": "2023",
            "followup_days": "365",
            "base": "4000.00",
            "deduction": "1292.26",
            "payment": "2707.74",
        },
    ]


def test_settle__xlsx_output_is_a_workbook_with_the_fingerprints(files: Path):
    from openpyxl import load_workbook

    result = run(
        "settle",
        "--cohort",
        "cohort.csv",
        "--register",
        "register.csv",
        "--year",
        "2023",
        "--as-of",
        "2024-03-31",
        "--out",
        "statement.xlsx",
        cwd=files,
    )
    assert result.returncode == 0, result.stderr
    book = load_workbook(files / "statement.xlsx")
    assert book.sheetnames == ["Totals", "Child-years", "Deductions"]
    totals = list(book["Totals"].iter_rows(values_only=True))
    assert totals[1][:2] == (2023, "final")
    labels = {row[0] for row in totals if row}
    assert "input register.csv" in labels
    assert "contract SHA-256" in labels


def test_explain__prints_every_step_of_the_child_year(files: Path):
    result = run(
        "explain",
        "--cohort",
        "cohort.csv",
        "--register",
        "register.csv",
        "--year",
        "2023",
        "--as-of",
        "2024-03-31",
        "--child",
        CHILD_A.lower(),
        cwd=files,
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "Follow-up in 2023: 2023-01-01–2023-06-30 = 181 of 365 days" in text
    assert "EUR 4000.00 × 181 ÷ 365 = EUR 1983.56" in text
    assert "register line 2: 2023-02-01–2023-02-10" in text
    assert "register line 3: 2023-02-05–2023-02-12" in text
    assert "units: 12" in text
    assert "EUR 91.54 per care day" in text
    assert "Payment: max(0, EUR 1983.56 − EUR 1098.48) = EUR 885.08" in text


def test_explain__unknown_child_is_masked_in_the_message(files: Path):
    result = run(
        "explain",
        "--cohort",
        "cohort.csv",
        "--register",
        "register.csv",
        "--year",
        "2023",
        "--as-of",
        "2024-03-31",
        "--child",
        BAD_CODE,
        cwd=files,
    )
    assert result.returncode == 2
    assert BAD_CODE not in result.stderr
    assert "is not in the cohort file" in result.stderr


def test_contract_check__valid_and_invalid(tmp_path: Path):
    ok = run("contract", "check", "helsinki", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "valid contract helsinki v1" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: helsinki\nversion: 1\nextra: 2\n", encoding="utf-8")
    result = run_process("contract", "check", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown key 'extra'" in result.stderr
    assert "Traceback" not in result.stderr


def test_contract_show__lists_parameters_services_and_prices(tmp_path: Path):
    result = run("contract", "show", "helsinki", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for text in ("base_per_child_year", "4000.00", "Intensified family work", "provisional"):
        assert text in result.stdout
