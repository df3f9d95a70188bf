"""The fund ledger in the store: import and dedupe, the position by hand, the cap on stored flows,
and the `sibyl fund import/add/ledger/show` commands. Synthetic figures only."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import pyxirr

from cli_runner import sibyl
from sibyl.errors import SibylInputError
from sibyl.finance.cap import apply_cap, cap_headroom_cents
from sibyl.finance.cashflows import make_flow
from sibyl.money import from_cents
from sibyl.web.audit.models import AuditEntry
from sibyl.web.fund.models import FundFlow, FundImport
from sibyl.web.store import fund

pytestmark = pytest.mark.django_db

LEDGER = """date,amount,kind,investor
2020-03-01,-600000,contribution,A
2020-03-01,400000,contribution,B
2020-06-30,300000,provider_payment,
2021-06-30,50000,fee,
2022-06-30,500000,outcome_payment,
2022-07-30,300000,distribution,A
2022-07-30,200000,distribution,B
"""


@pytest.fixture
def ledger_file(tmp_path: Path) -> Path:
    path = tmp_path / "fund.csv"
    path.write_text(LEDGER, encoding="utf-8")
    return path


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(LEDGER + "2022-13-01,100,fee,\n", encoding="utf-8")
    return path


def _counts() -> tuple[int, int, int]:
    return FundFlow.objects.count(), FundImport.objects.count(), AuditEntry.objects.count()


# -- import ---------------------------------------------------------------------------------------


def test_import__stores_every_flow_with_one_audit_entry(ledger_file: Path):
    result = fund.import_flows(ledger_file, "helsinki", actor="manager")
    assert not result.already_imported
    assert result.flows == 7
    assert _counts() == (7, 1, 1)
    entry = AuditEntry.objects.get()
    assert entry.action == "fund.import"
    assert entry.actor == "manager"
    assert entry.details["rows"] == 7
    stored = FundFlow.objects.filter(investor="B", kind="contribution").get()
    assert stored.amount == Decimal("-400000.00")  # sign forced to the investors' view
    assert stored.source_file == "fund.csv"
    assert stored.import_sha256 == result.fund_import.sha256


def test_import__the_same_file_twice_changes_nothing(ledger_file: Path):
    first = fund.import_flows(ledger_file, "helsinki", actor="manager")
    again = fund.import_flows(ledger_file, "helsinki", actor="someone else")
    assert again.already_imported
    assert again.fund_import.id == first.fund_import.id
    assert _counts() == (7, 1, 1)


def test_import__the_same_file_for_another_contract_is_its_own(ledger_file: Path):
    fund.import_flows(ledger_file, "helsinki", actor="manager")
    fund.import_flows(ledger_file, "espoo", actor="manager")
    assert FundFlow.objects.filter(contract_id="espoo").count() == 7


def test_import__a_bad_file_changes_nothing(ledger_file: Path, bad_file: Path):
    fund.import_flows(ledger_file, "helsinki", actor="manager")
    before = _counts()
    with pytest.raises(SibylInputError) as error:
        fund.import_flows(bad_file, "helsinki", actor="manager")
    assert "line 9" in error.value.message
    assert _counts() == before


def test_add_flow__signs_kinds_and_audit():
    flow = fund.add_flow(
        "helsinki", date(2020, 3, 1), "250000", "contribution", "C", "call 1", actor="manager"
    )
    assert flow.amount == Decimal("-250000.00")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.details["amount"]) == (
        "fund.add_flow",
        str(flow.id),
        "-250000",
    )
    with pytest.raises(SibylInputError, match="kind 'gift' is not known"):
        fund.add_flow("helsinki", date(2020, 3, 1), "1", "gift", actor="manager")
    with pytest.raises(SibylInputError, match="whole number of cents"):
        fund.add_flow("helsinki", date(2020, 3, 1), "1.001", "fee", actor="manager")
    with pytest.raises(SibylInputError, match="names no investor"):
        fund.add_flow("helsinki", date(2020, 3, 1), "1", "fee", "A", actor="manager")
    assert _counts() == (1, 0, 1)


# -- ledger and position --------------------------------------------------------------------------


def test_ledger__date_order_with_running_balance(ledger_file: Path):
    fund.import_flows(ledger_file, "helsinki", actor="manager")
    lines = fund.ledger("helsinki")
    assert [line.balance for line in lines] == [
        Decimal("600000"),
        Decimal("1000000"),
        Decimal("700000"),
        Decimal("650000"),
        Decimal("1150000"),
        Decimal("850000"),
        Decimal("650000"),
    ]
    assert [line.flow.on for line in lines] == sorted(line.flow.on for line in lines)


def test_position__figures_by_hand(ledger_file: Path):
    fund.import_flows(ledger_file, "helsinki", actor="manager")
    found = fund.position("helsinki", date(2022, 12, 31))
    assert found.contributions == Decimal("1000000")
    assert found.provider_payments == Decimal("300000")
    assert found.fees == Decimal("50000")
    assert found.outcome_payments == Decimal("500000")
    assert found.distributions == Decimal("500000")
    # 1,000,000 − 300,000 − 50,000 + 500,000 − 500,000
    assert found.balance == Decimal("650000")
    assert found.contributed_by == {"A": Decimal("600000"), "B": Decimal("400000")}
    assert found.shares == {"A": Decimal("0.6"), "B": Decimal("0.4")}
    assert found.moic == Decimal("0.5")
    # −1,000,000 on 2020-03-01 and +500,000 on 2022-07-30, 365 + 365 + 151 = 881 days apart:
    # (1 + r)^(881/365) = 0.5.
    assert (date(2022, 7, 30) - date(2020, 3, 1)).days == 881
    by_hand = 0.5 ** (365 / 881) - 1
    assert found.xirr == pytest.approx(by_hand, abs=1e-9)
    same_flows = pyxirr.xirr(
        [date(2020, 3, 1), date(2020, 3, 1), date(2022, 7, 30), date(2022, 7, 30)],
        [-600000, -400000, 300000, 200000],
    )
    assert found.xirr == pytest.approx(same_flows, abs=1e-12)
    assert found.xirr_reason is None


def test_position__before_any_distribution_has_no_xirr_and_says_why(ledger_file: Path):
    fund.import_flows(ledger_file, "helsinki", actor="manager")
    found = fund.position("helsinki", date(2021, 12, 31))
    assert found.balance == Decimal("650000")
    assert found.outcome_payments == 0
    assert found.xirr is None
    assert "no distributions yet" in (found.xirr_reason or "")
    assert found.moic == 0
    empty = fund.position("helsinki", date(2019, 12, 31))
    assert empty.contributions == 0
    assert empty.shares == {}
    assert empty.moic is None
    assert empty.xirr is None
    assert "no contributions" in (empty.xirr_reason or "")


def test_position__a_positive_return_by_hand():
    fund.add_flow("helsinki", date(2021, 1, 1), "-1000000", "contribution", "A", actor="m")
    fund.add_flow("helsinki", date(2022, 1, 1), "1080000", "distribution", "A", actor="m")
    found = fund.position("helsinki", date(2022, 12, 31))
    assert found.xirr == pytest.approx(0.08, abs=1e-10)  # 365 days, 1.08 back
    assert found.moic == Decimal("1.08")


# -- the cap on stored flows ----------------------------------------------------------------------


def test_headroom__closed_form_one_contribution():
    fund.add_flow("helsinki", date(2021, 1, 1), "1000000", "contribution", "A", actor="m")
    # one contribution C, a distribution 365 days later: D_max = C × 1.08
    assert fund.headroom("helsinki", date(2022, 1, 1), Decimal("0.08")) == Decimal("1080000.00")


def test_headroom__equals_sibyl_finance_cap_on_the_same_flows(ledger_file: Path):
    fund.import_flows(ledger_file, "helsinki", actor="manager")
    flows = [
        make_flow(date(2020, 3, 1), "-600000", "contribution", "A"),
        make_flow(date(2020, 3, 1), "-400000", "contribution", "B"),
        make_flow(date(2022, 7, 30), "300000", "distribution", "A"),
        make_flow(date(2022, 7, 30), "200000", "distribution", "B"),
    ]
    pay_date = date(2023, 6, 30)
    for lag in (0, 30):
        expected = from_cents(
            cap_headroom_cents(flows, date.fromordinal(pay_date.toordinal() + lag), Decimal("0.08"))
        )
        assert fund.headroom("helsinki", pay_date, Decimal("0.08"), lag) == expected
        assert expected > 0
    result = fund.apply_return_cap("helsinki", Decimal("900000.00"), pay_date, Decimal("0.08"), 30)
    assert result == apply_cap(flows, Decimal("900000.00"), pay_date, Decimal("0.08"), 30)
    assert result.payable == min(result.computed, result.headroom)


def test_headroom__a_distribution_already_recorded_on_the_date_is_not_counted_twice(
    ledger_file: Path,
):
    fund.import_flows(ledger_file, "helsinki", actor="manager")
    before = fund.headroom("helsinki", date(2022, 6, 30), Decimal("0.08"), 30)
    # the 2022 distribution (2022-07-30) is this payment's own: the same answer as without it
    assert before == from_cents(
        cap_headroom_cents(
            [
                make_flow(date(2020, 3, 1), "-600000", "contribution", "A"),
                make_flow(date(2020, 3, 1), "-400000", "contribution", "B"),
            ],
            date(2022, 7, 30),
        )
    )


# -- the commands ---------------------------------------------------------------------------------


def test_cli__import_ledger_show(ledger_file: Path):
    first = sibyl("fund", "import", str(ledger_file), "--actor", "manager")
    assert first.code == 0, first.err
    assert "7 flows stored in the helsinki fund ledger" in first.out
    again = sibyl("fund", "import", str(ledger_file))
    assert again.code == 0, again.err
    assert "nothing changed" in again.out
    assert FundFlow.objects.count() == 7

    shown = sibyl("fund", "ledger")
    assert shown.code == 0, shown.err
    assert "650,000.00" in shown.out
    assert "outcome_payment" in shown.out

    position = sibyl("fund", "show", "--on", "2022-12-31")
    assert position.code == 0, position.err
    by_hand = (0.5 ** (365 / 881) - 1) * 100
    assert f"{by_hand:.2f} %" in position.out
    assert "600,000.00 (60.00 %)" in position.out
    assert "400,000.00 (40.00 %)" in position.out
    assert "0.5000" in position.out
    room = fund.headroom("helsinki", date(2023, 6, 30), Decimal("0.08"))
    assert f"{room:,.2f}" in position.out
    assert "2023-06-30 at 8.00 %" in position.out


def test_cli__add_and_no_xirr_yet():
    added = sibyl(
        "fund", "add", "--date", "2020-03-01", "--amount", "1000000", "--kind", "contribution",
        "--investor", "A",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "contribution -1000000.00 A" in added.out
    shown = sibyl("fund", "show", "--on", "2020-12-31")
    assert shown.code == 0, shown.err
    assert "No XIRR yet: there are no distributions yet" in shown.out
    # one contribution, a payment on 2021-06-30: D_max = C × 1.08^(486/365)
    expected = 1000000 * 1.08 ** ((date(2021, 6, 30) - date(2020, 3, 1)).days / 365)
    assert math.isclose(
        float(fund.headroom("helsinki", date(2021, 6, 30), Decimal("0.08"))), expected, abs_tol=0.01
    )


def test_cli__errors_are_one_sentence_with_status_2(bad_file: Path):
    bad = sibyl("fund", "import", str(bad_file))
    assert bad.code == 2
    assert "line 9" in bad.err
    assert bad.err.count("\n") == 1
    assert _counts() == (0, 0, 0)
    empty = sibyl("fund", "ledger")
    assert empty.code == 2
    assert "has no flows yet" in empty.err
    assert sibyl("fund", "show", "--on", "yesterday").code == 2
    wrong = sibyl(
        "fund", "add", "--date", "2020-03-01", "--amount", "1", "--kind", "gift",
    )  # fmt: skip
    assert wrong.code == 2
    assert "the kind 'gift' is not known" in wrong.err
    assert sibyl("fund", "irr", str(bad_file)).code == 2  # the file commands still answer
