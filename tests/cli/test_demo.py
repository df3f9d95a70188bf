"""``sibyl demo`` writes the statements it reports, they add up, and its database holds no
identity code in the clear."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from sibyl.cli import main


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo, run once as a user would (its own process, its own folder)."""
    folder = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIBYL_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env["COLUMNS"] = "200"
    result = subprocess.run(
        [sys.executable, "-m", "sibyl", "demo", "--seed", "7"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return folder / "sibyl-demo", result.stdout


def test_demo__statements_match_the_printed_table(demo_run):
    folder, text = demo_run
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


def test_demo__starts_from_referrals_and_fills_the_cohort_to_capacity(demo_run):
    folder, text = demo_run
    with (folder / "referrals.csv").open(encoding="utf-8") as stream:
        referrals = list(csv.DictReader(stream))
    assert len(referrals) == 400
    assert {row["referral_source"] for row in referrals} >= {
        "early_childhood_education",
        "child_health_clinic",
    }
    assert "Referrals: 400 screened" in text
    assert "200 enrolled (capacity 200)" in text
    with (folder / "cohort.csv").open(encoding="utf-8") as stream:
        cohort = {row["hetu"] for row in csv.DictReader(stream)}
    assert len(cohort) == 200
    assert cohort <= {row["hetu"] for row in referrals}
    assert (folder / "activity.csv").stat().st_size > 0


def test_demo__store_has_approved_years_and_a_late_correction_as_adjustments(demo_run):
    folder, text = demo_run
    assert "Throwaway keys made for this demo only" in text
    assert "the approved statements stay as they were" in text
    assert (folder / "store_statement_2025.xlsx").stat().st_size > 0


def test_demo__prints_the_funds_position_and_a_10000_run_simulation(demo_run):
    _, text = demo_run
    assert "The fund on 2026-03-31" in text
    assert "investors' XIRR to date" in text
    assert "Monte Carlo of the contract, 10,000 runs" in text
    assert "P(investors lose capital)" in text


def test_demo__database_file_holds_no_identity_code_in_the_clear(demo_run):
    folder, _ = demo_run
    with (folder / "referrals.csv").open(encoding="utf-8") as stream:
        codes = {row["hetu"] for row in csv.DictReader(stream)}
    assert len(codes) == 400
    database = b"".join(
        path.read_bytes() for path in folder.iterdir() if path.name.startswith("sibyl.sqlite3")
    )
    assert len(database) > 0
    found = [
        code[:7] + "****"
        for code in codes
        if code.encode() in database or (code[:6] + code[7:]).encode() in database
    ]
    assert found == []


def test_demo__refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("important", encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.suppress(SystemExit):
        main(["demo", "--out", str(tmp_path / "mine")])
    assert "is not a Sibyl demo folder" in err.getvalue()
    assert (tmp_path / "mine" / "thesis.txt").read_text(encoding="utf-8") == "important"


def test_demo__settles_the_other_contracts_from_files_each_year_under_its_version(demo_run):
    folder, text = demo_run
    assert "City of Hämeenlinna, Icehearts teams (forecast savings)" in text
    assert "City of Vantaa" in text
    assert "(priced deductions)" in text
    for name, years in (("hameenlinna", range(2018, 2026)), ("vantaa", range(2019, 2025))):
        for year in years:
            with (folder / name / f"statement_{year}.csv").open(encoding="utf-8") as stream:
                rows = list(csv.DictReader(stream))
            assert rows, (name, year)
            # Every payment is what its child-year's base and deduction leave (never below 0).
            for row in rows:
                base, deduction = Decimal(row["base"]), Decimal(row["deduction"])
                assert Decimal(row["payment"]) >= 0
                if name == "vantaa":  # priced deductions, netted per child-year
                    assert Decimal(row["payment"]) == max(Decimal(0), base - deduction)
    # Vantaa's version 2 (from 1 September 2021) is the version in force for 2021 onwards.
    assert "│ 2020 │ vantaa v1 │" in text
    assert "│ 2021 │ vantaa v2 │" in text
    assert "No new children or families are taken into the programme" in text
    # Hämeenlinna nets over the cohort: the year pays half of Σ forecast − Σ actual.
    with (folder / "hameenlinna" / "statement_2019.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    forecast = sum(Decimal(row["base"]) for row in rows)
    actual = sum(Decimal(row["deduction"]) for row in rows)
    half = ((forecast - actual) / 2).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert f"{half:,.2f}" in text
