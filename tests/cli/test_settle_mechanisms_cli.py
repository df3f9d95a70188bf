"""``sibyl settle`` and ``sibyl explain`` on contracts of other payment mechanisms: a combined
Karviainen-like contract (forecast savings + an outcome rate card) from files, its claims file
given with ``--input``, and the built-in Vantaa contract's versions.

The figures are those of the hand-computed scenario
``src/sibyl/mechanisms/forecast_savings/scenarios/combined_components_summed.yaml`` (its working
says how each is made): child A 2000.00 + 2000.00, child B 1500.00 + 500.00, the year 6000.00.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from cli_runner import sibyl as run
from sibyl.identity import make

ROOT = Path(__file__).parents[2]
KARVIAINEN = ROOT / "src/sibyl/mechanisms/forecast_savings/scenarios/contracts/karviainen"
CHILD_A = make(date(2019, 5, 3), 123)
CHILD_B = make(date(2019, 8, 9), 456)
SETTLE = ["--year", "2024", "--as-of", "2025-03-31"]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "cohort.csv").write_text(
        f"hetu,enrolled_on\n{CHILD_A},2023-02-01\n{CHILD_B},2023-02-01\n", encoding="utf-8"
    )
    (tmp_path / "register.csv").write_text(
        f"hetu,service,start,end,days\n{CHILD_B},1,2024-03-04,2024-03-13,\n", encoding="utf-8"
    )
    (tmp_path / "claims.csv").write_text(
        "claim_id,hetu,outcome,achieved_on,evidence\n"
        f"K1,{CHILD_A},parent_employed,2024-05-06,TR-2024-0117\n"
        f"K2,{CHILD_B},parent_in_education,15.4.2024,OPI-8812\n"
        f"K3,{CHILD_B},parent_in_education,2024-06-01,OPI-8813\n",
        encoding="utf-8",
    )
    return tmp_path


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_settle__combined_contract_pays_the_sum_of_its_components(files: Path):
    result = run(
        "settle",
        "--contract",
        str(KARVIAINEN),
        "--cohort",
        "cohort.csv",
        "--register",
        "register.csv",
        "--input",
        "claims=claims.csv",
        *SETTLE,
        "--out",
        "statement.csv",
        "--details",
        "details.csv",
        cwd=files,
    )
    assert result.code == 0, result.err
    statement = {row["hetu"]: row for row in rows(files / "statement.csv")}
    assert statement[CHILD_A]["payment"] == "4000.00"
    assert statement[CHILD_A]["savings_payment"] == "2000.00"
    assert statement[CHILD_A]["outcomes_payment"] == "2000.00"
    assert (statement[CHILD_B]["base"], statement[CHILD_B]["deduction"]) == ("4500.00", "1000.00")
    assert statement[CHILD_B]["payment"] == "2000.00"
    assert "savings (forecast savings) EUR 3,500.00; outcomes (outcome events) EUR 2,500.00" in (
        result.out
    )
    assert "6,000.00" in result.out
    # The second claim of the same outcome for child B is not paid, and says why.
    claims = {row["note"].split(";")[0]: row for row in rows(files / "details.csv")}
    assert claims["claim K3"]["status"] == "rejected"
    assert "a second claim of parent_in_education" in claims["claim K3"]["note"]
    assert claims["claim K2"]["amount"] == "500.00"
    assert "1 claim(s) not paid" in result.out


def test_settle__a_contract_with_a_rate_card_needs_its_claims_file(files: Path):
    result = run(
        "settle",
        "--contract",
        str(KARVIAINEN),
        "--cohort",
        "cohort.csv",
        "--register",
        "register.csv",
        *SETTLE,
        "--out",
        "statement.csv",
        cwd=files,
    )
    assert result.code == 2
    assert "also needs claims" in result.err
    assert "--input claims=FILE" in result.err
    assert not (files / "statement.csv").exists()


def test_settle__an_input_the_contract_does_not_read_is_refused(files: Path):
    result = run(
        "settle",
        "--cohort",
        "cohort.csv",
        "--register",
        "register.csv",
        "--input",
        "claims=claims.csv",
        *SETTLE,
        "--out",
        "statement.csv",
        cwd=files,
    )
    assert result.code == 2
    assert "reads no input called 'claims'" in result.err


def test_settle__a_broken_claim_row_is_rejected_with_its_line_and_no_code_shown(files: Path):
    text = (files / "claims.csv").read_text(encoding="utf-8")
    (files / "claims.csv").write_text(
        text + f"K4,{CHILD_A},parent_employed,2024-02-30,{CHILD_B}\n", encoding="utf-8"
    )
    result = run(
        "settle",
        "--contract",
        str(KARVIAINEN),
        "--cohort",
        "cohort.csv",
        "--register",
        "register.csv",
        "--input",
        "claims=claims.csv",
        *SETTLE,
        "--out",
        "statement.csv",
        cwd=files,
    )
    assert result.code == 2
    assert "1 row(s) of the claims file were rejected" in result.err
    assert "is not a day of the calendar" in result.err
    assert CHILD_A not in result.everything
    assert CHILD_B not in result.everything


def test_explain__combined_contract_shows_forecast_actual_and_claims(files: Path):
    result = run(
        "explain",
        "--contract",
        str(KARVIAINEN),
        "--cohort",
        "cohort.csv",
        "--register",
        "register.csv",
        "--input",
        "claims=claims.csv",
        *SETTLE,
        "--child",
        CHILD_B,
        cwd=files,
    )
    assert result.code == 0, result.err
    text = result.out
    assert "Component savings (forecast savings):" in text
    assert "Forecast cost: EUR 4000.00; actual cost: EUR 1000.00" in text
    assert "Payment: 50 % × EUR 3000.00 = EUR 1500.00" in text
    assert "Component outcomes (outcome events):" in text
    assert "parent_in_education" in text
    assert "accepted, paid EUR 500.00" in text
    assert "Payment: EUR 1500.00 + EUR 500.00 = EUR 2000.00" in text


def test_settle__vantaa_years_are_settled_under_the_version_in_force(tmp_path: Path):
    child = make(date(2016, 6, 1), 234)
    (tmp_path / "cohort.csv").write_text(f"hetu,enrolled_on\n{child},2020-03-02\n", "utf-8")
    (tmp_path / "register.csv").write_text("hetu,service,start,end,days\n", "utf-8")
    labels = {}
    for year in (2020, 2021):
        result = run(
            "settle",
            "--contract",
            "vantaa",
            "--cohort",
            "cohort.csv",
            "--register",
            "register.csv",
            "--year",
            str(year),
            "--as-of",
            "2022-03-31",
            "--out",
            f"statement_{year}.csv",
            cwd=tmp_path,
        )
        assert result.code == 0, result.err
        labels[year] = result.out
    assert "vantaa v1" in labels[2020]
    assert "vantaa v2" not in labels[2020]
    assert "vantaa v2" in labels[2021]


def test_settle_and_explain__hameenlinna_on_its_forecast(tmp_path: Path):
    # A pupil of the second team, enrolled in August 2019: 2020 is its year 2 since enrolment.
    child = make(date(2013, 4, 2), 345)
    (tmp_path / "cohort.csv").write_text(f"hetu,enrolled_on\n{child},2019-08-12\n", "utf-8")
    (tmp_path / "register.csv").write_text(
        f"hetu,service,start,end,days\n{child},1,2020-03-02,2020-03-11,\n", "utf-8"
    )
    common = ["--contract", "hameenlinna", "--cohort", "cohort.csv", "--register", "register.csv"]
    dates = ["--year", "2020", "--as-of", "2021-03-31"]
    result = run("settle", *common, *dates, "--out", "s.csv", "--details", "d.csv", cwd=tmp_path)
    assert result.code == 0, result.err
    (line,) = rows(tmp_path / "s.csv")
    forecast, actual = Decimal(line["base"]), Decimal(line["deduction"])
    # The forecast lines add up to the base; the share (0.5) of what is left is paid, over the
    # cohort (here one child), rounded half up to cents.
    assert sum(Decimal(d["amount"]) for d in rows(tmp_path / "d.csv")) == forecast
    half = (max(Decimal(0), forecast - actual) / 2).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert f"{half:,.2f}" in result.out
    explained = run("explain", *common, *dates, "--child", child, cwd=tmp_path)
    assert explained.code == 0, explained.err
    assert "year 2 since enrolment" in explained.out
    assert f"Forecast cost: EUR {forecast}; actual cost: EUR {actual}" in explained.out
    assert "10 calendar days" in explained.out  # 2–11 March 2020, service 1 (care days)
