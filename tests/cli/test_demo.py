"""``sibyl demo`` writes the statements it reports, and they add up."""

from __future__ import annotations

import contextlib
import csv
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest

from sibyl.cli import main


def test_demo__writes_statements_whose_totals_match_the_printed_table(tmp_path: Path):
    out = io.StringIO()
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_info:
            main(["demo", "--seed", "7"])
    finally:
        os.chdir(previous)
    assert exit_info.value.code in (0, None)
    text = out.getvalue()
    folder = tmp_path / "sibyl-demo"
    for year in range(2020, 2026):
        with (folder / f"statement_{year}.csv").open(encoding="utf-8") as stream:
            rows = list(csv.DictReader(stream))
        with (folder / f"lines_{year}.csv").open(encoding="utf-8") as stream:
            lines = list(csv.DictReader(stream))
        payments = sum(Decimal(row["payment"]) for row in rows)
        deductions = sum(Decimal(row["deduction"]) for row in rows)
        # Each child-year's deduction is the sum of its lines (DOMAIN.md 3.3).
        assert deductions == sum(Decimal(line["amount"]) for line in lines)
        # The printed table shows the same payments, with thousands separators.
        assert f"{payments:,.2f}" in text, year
    assert (folder / "statements_2020-2025.xlsx").stat().st_size > 0
    assert "3 rejected (deliberately broken demo rows)" in text


def test_demo__refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("important", encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.suppress(SystemExit):
        main(["demo", "--out", str(tmp_path / "mine")])
    assert "is not a Sibyl demo folder" in err.getvalue()
    assert (tmp_path / "mine" / "thesis.txt").read_text(encoding="utf-8") == "important"
