"""XIRR against a spreadsheet's documented example, the multiple, and hand-computed cap cases."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import pyxirr

from cli_runner import sibyl as run
from sibyl.errors import SibylInputError
from sibyl.finance import apply_cap, cap_headroom_cents, investor_flows, moic, read_cashflows, xirr
from sibyl.finance.cashflows import balances, make_flow

# Microsoft's documentation of the Excel function XIRR
# (https://support.microsoft.com/en-us/office/xirr-function-de1242ec-6477-445b-b11b-a303ad9adc9d):
# the example's flows give "0.373362535 or 37.34%" (shown to 9 decimals, hence abs=5e-9).
EXCEL_EXAMPLE = """date,amount
2008-01-01,-10000
2008-03-01,2750
2008-10-30,4250
2009-02-15,3250
2009-04-01,2750
"""


def write(tmp_path: Path, text: str, name: str = "cashflows.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_xirr__matches_the_excel_documentation_example(tmp_path):
    flows = read_cashflows(write(tmp_path, EXCEL_EXAMPLE))
    assert xirr(investor_flows(flows)) == pytest.approx(0.373362535, abs=5e-9)
    assert moic(investor_flows(flows)) == Decimal("1.3")


def test_fund_irr_cli__prints_a_decimal_fraction(tmp_path):
    code, out, _ = run("fund", "irr", str(write(tmp_path, EXCEL_EXAMPLE)))
    assert code == 0
    assert float(out.strip()) == pytest.approx(0.373362535, abs=5e-9)


def test_fund_irr_cli__no_sign_change_is_a_clear_error(tmp_path):
    path = write(tmp_path, "date,amount\n2020-01-01,-100\n2021-01-01,-50\n")
    code, _out, err = run("fund", "irr", str(path))
    assert code == 2
    assert "never change sign" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("day,amount\n2020-01-01,-100\n", "column 'date'"),
        ("date,amount\n2020-13-01,-100\n2021-01-01,200\n", "line 2"),
        ("date,amount\n2020-01-01,abc\n2021-01-01,200\n", "line 2"),
        ("date,amount,kind\n2020-01-01,-100,loan\n2021-01-01,200,distribution\n", "line 2"),
    ],
)
def test_fund_irr_cli__bad_files_are_one_sentence_exit_2(tmp_path, text, where):
    code, _, err = run("fund", "irr", str(write(tmp_path, text)))
    assert code == 2
    assert where in err
    assert "Traceback" not in err


def test_kinds__signs_forced_and_fund_flows_left_out(tmp_path):
    text = (
        "date,amount,kind,investor\n"
        "2021-01-01,1000000,contribution,A\n"
        "2021-02-01,-600000,provider_payment,\n"
        "2022-01-01,1080000,outcome_payment,\n"
        "2022-01-01,1080000,distribution,A\n"
    )
    flows = read_cashflows(write(tmp_path, text))
    mine = investor_flows(flows)
    assert [f.amount for f in mine] == [Decimal(-1000000), Decimal(1080000)]
    assert xirr(mine) == pytest.approx(0.08, abs=1e-12)
    assert balances(flows)[-1][1] == Decimal(1000000 - 600000 + 1080000 - 1080000)


# --- The cap. Each expected value is derived by hand in closed form (rate 8 %, actual/365):
# one contribution C at t0 and distributions D_k at t0 + n_k·365 days keep XIRR ≤ 8 % iff
# -C + Σ D_k / 1.08^n_k ≤ 0.

T0 = date(2021, 1, 1)
C = make_flow(T0, "1000000", "contribution")


def test_cap__payable_exactly_at_the_cap():
    # D_max = C × 1.08 = 1,080,000.00 exactly (2022-01-01 is 365 days after 2021-01-01).
    pay = T0 + timedelta(days=365)
    assert cap_headroom_cents([C], pay) == 108_000_000
    result = apply_cap([C], Decimal("1080000.00"), pay)
    assert result.payable == Decimal("1080000.00")
    assert result.withheld == 0
    # One cent more than the headroom is cut back to the headroom.
    assert apply_cap([C], Decimal("1080000.01"), pay).payable == Decimal("1080000.00")


def test_cap__below_the_cap_pays_the_computed_amount():
    result = apply_cap([C], Decimal("500000.00"), T0 + timedelta(days=365))
    assert result.headroom == Decimal("1080000.00")
    assert result.payable == Decimal("500000.00")


def test_cap__after_earlier_years_used_part_of_it():
    # Year 1 paid 540,000 (worth 500,000 at t0); what is left of C at t0 is 500,000, which
    # grows over two years at 8 %: D_max = 500,000 × 1.08² = 583,200.00.
    earlier = make_flow(T0 + timedelta(days=365), "540000", "distribution")
    pay = T0 + timedelta(days=730)
    result = apply_cap([C, earlier], Decimal("900000.00"), pay)
    assert result.headroom == Decimal("583200.00")
    assert result.payable == Decimal("583200.00")
    assert result.withheld == Decimal("316800.00")


def test_cap__with_a_lag_the_headroom_grows_to_the_distribution_date():
    # Paid on 2021-12-02 and passed on 30 days later (365 days after t0): the same 1,080,000.
    result = apply_cap([C], Decimal("2000000.00"), T0 + timedelta(days=335), lag_days=30)
    assert result.distribution_date == T0 + timedelta(days=365)
    assert result.payable == Decimal("1080000.00")


def test_cap__already_above_the_cap_pays_nothing():
    earlier = make_flow(T0 + timedelta(days=365), "1200000", "distribution")
    assert cap_headroom_cents([C, earlier], T0 + timedelta(days=730)) == 0


def test_cap__rounds_down_so_the_cap_is_never_exceeded():
    # A broken period (182 days): the headroom is the last cent at which XIRR ≤ 8 %, checked
    # independently with pyxirr; the next cent is above the cap.
    pay = T0 + timedelta(days=182)
    cents = cap_headroom_cents([C], pay)
    exact = 1_000_000 * 1.08 ** (182 / 365)
    assert cents == int(exact * 100)
    assert pyxirr.xirr([T0, pay], [-1_000_000, cents / 100]) <= 0.08
    assert pyxirr.xirr([T0, pay], [-1_000_000, (cents + 1) / 100]) > 0.08


def test_xirr__empty_is_an_input_error():
    with pytest.raises(SibylInputError):
        xirr([])


def test_fund_cap_cli(tmp_path):
    path = write(tmp_path, "date,amount\n2021-01-01,-1000000\n")
    code, out, _ = run("fund", "cap", str(path), "--amount", "1100000", "--date", "2022-01-01")
    assert code == 0
    assert "headroom 1080000.00" in out
    assert "payable 1080000.00" in out
