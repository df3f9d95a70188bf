"""The fund's pages: the ledger and the fund's position (DOMAIN.md 3.5), the return cap's
headroom, adding and importing flows, the chart, and the simulations (DOMAIN.md 3.6).

The ``world`` fixture's fund (tests/web/conftest.py): contributions of EUR 1,000,000.00
(Investor Oy) and EUR 500,000.00 (Other Investor Oy) on 2020-01-15, a provider payment of
EUR 400,000.00 on 2020-02-01, and the 2022 outcome payment (the approved statement's invoice
total) on 2023-06-30. No distribution yet.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sibyl.contract import load_contract
from sibyl.errors import SibylInputError
from sibyl.finance.cashflows import CashFlow, investor_flows
from sibyl.finance.irr import xirr
from sibyl.finance.montecarlo import simulate
from sibyl.finance.scenario import load_scenario
from sibyl.web.audit.models import AuditEntry
from sibyl.web.fund.models import FundFlow, FundImport
from sibyl.web.statements.models import Statement
from sibyl.web.store import fund as store
from sibyl.web.ui.templatetags.sibyl import money, percent

pytestmark = pytest.mark.django_db

LEDGER = reverse("fund:ledger")


def invoice_2022() -> Decimal:
    return Statement.objects.get(
        contract_id="helsinki", year=2022, status=Statement.APPROVED
    ).invoice_total


# The ledger and the position.


def test_ledger__world_position_totals_by_hand(world, client_for):
    response = client_for("fund_manager").get(LEDGER)
    assert response.status_code == 200
    position = response.context["position"]
    invoice = invoice_2022()
    assert invoice > 0
    # Contributions: 1,000,000.00 + 500,000.00 = 1,500,000.00.
    assert position.contributions == Decimal("1500000.00")
    assert position.provider_payments == Decimal("400000.00")
    assert position.fees == Decimal("0.00")
    assert position.distributions == Decimal("0.00")
    assert position.outcome_payments == invoice
    # Cash: 1,500,000.00 in − 400,000.00 out + the outcome payment in.
    assert position.balance == Decimal("1100000.00") + invoice
    html = response.content.decode()
    for shown in ("1,500,000.00", "400,000.00", money(invoice), money(position.balance)):
        assert shown in html


def test_ledger__investor_shares_by_hand(world, client_for):
    response = client_for("fund_manager").get(LEDGER)
    shares = {row["name"]: row for row in response.context["investors"]}
    # 1,000,000 / 1,500,000 = 0.66666… → 66.67 %; 500,000 / 1,500,000 = 0.33333… → 33.33 %.
    assert shares["Investor Oy"]["share"] == Decimal("0.6667")
    assert shares["Other Investor Oy"]["share"] == Decimal("0.3333")
    html = response.content.decode()
    assert "66.67 %" in html
    assert "33.33 %" in html


def test_ledger__no_xirr_before_a_distribution_says_why(world, client_for):
    response = client_for("fund_manager").get(LEDGER)
    assert response.context["position"].xirr is None
    assert "There are no distributions yet" in response.content.decode()


def test_ledger__running_balance_by_hand(world, client_for):
    response = client_for("fund_manager").get(LEDGER)
    rows = response.context["rows"]
    invoice = invoice_2022()
    # 1,000,000 → 1,500,000 → 1,500,000 − 400,000 = 1,100,000 → 1,100,000 + invoice.
    assert [(r["flow"].on, r["inflow"], r["outflow"], r["balance"]) for r in rows] == [
        (date(2020, 1, 15), Decimal("1000000.00"), None, Decimal("1000000.00")),
        (date(2020, 1, 15), Decimal("500000.00"), None, Decimal("1500000.00")),
        (date(2020, 2, 1), None, Decimal("400000.00"), Decimal("1100000.00")),
        (date(2023, 6, 30), invoice, None, Decimal("1100000.00") + invoice),
    ]
    assert response.context["total_in"] == Decimal("1500000.00") + invoice
    assert response.context["total_out"] == Decimal("400000.00")


def test_ledger__position_on_a_day_counts_flows_up_to_it(world, client_for):
    response = client_for("coordinator").get(LEDGER, {"on": "2020-01-31"})
    assert response.status_code == 200
    position = response.context["position"]
    # Only the two contributions of 2020-01-15: the provider payment is on 2020-02-01.
    assert position.contributions == Decimal("1500000.00")
    assert position.provider_payments == Decimal("0.00")
    assert position.balance == Decimal("1500000.00")


def test_ledger__a_day_that_is_no_date_is_refused(world, client_for):
    response = client_for("fund_manager").get(LEDGER, {"on": "31.02.2023"})
    assert response.status_code == 400
    assert "The date of the position is not a date; write it as YYYY-MM-DD." in (
        response.content.decode()
    )


def test_ledger__a_day_too_far_ahead_is_refused(world, client_for):
    response = client_for("fund_manager").get(LEDGER, {"on": "9999-12-31"})
    assert response.status_code == 400
    assert "too far ahead; give a day before the year 9999." in response.content.decode()


def test_ledger__coordinator_reads_without_the_changing_links(world, client_for):
    html = client_for("coordinator").get(LEDGER).content.decode()
    assert reverse("fund:add") not in html
    assert reverse("fund:import") not in html
    html = client_for("fund_manager").get(LEDGER).content.decode()
    assert reverse("fund:add") in html
    assert reverse("fund:import") in html


def test_ledger__paginated_newest_page_first(world, client_for, users):
    for day in range(60):  # 60 fees, one a day from 2024-03-01: 64 flows, 2 pages of 50
        on = date(2024, 3, 1) + timedelta(days=day)
        store.add_flow("helsinki", on, "10.00", "fee", actor="fund_manager")
    client = client_for("fund_manager")
    last = client.get(LEDGER)
    assert last.context["page"].number == 2
    # Page 2 holds flows 51–64: the last 14 fees; the last is the 60th, 2024-04-29.
    assert len(last.context["rows"]) == 14
    assert last.context["rows"][-1]["flow"].on == date(2024, 4, 29)
    # Cash after all: 1,100,000.00 + invoice − 60 × 10.00.
    assert last.context["rows"][-1]["balance"] == Decimal("1099400.00") + invoice_2022()
    first = client.get(LEDGER, {"page": 1})
    assert first.context["rows"][0]["flow"].on == date(2020, 1, 15)
    assert len(first.context["rows"]) == 50


def test_ledger__empty_fund_says_so_and_cap_cannot_be_checked(users, client_for):
    response = client_for("fund_manager").get(LEDGER)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No flows yet." in html
    assert "The cap cannot be checked yet" in html
    assert response.context["headroom"].amount is None


# The return cap's headroom.


def test_headroom__shown_equals_the_store_for_the_same_day(world, client_for):
    response = client_for("fund_manager").get(LEDGER, {"on": "2023-12-31"})
    headroom = response.context["headroom"]
    # The payment for 2023 is paid on 30 June 2024 (RETURN_CAP_PAY_DAY), at the 8 % cap.
    assert headroom.pay_date == date(2024, 6, 30)
    assert headroom.rate == Decimal("0.08")
    expected = store.headroom("helsinki", date(2024, 6, 30), Decimal("0.08"))
    assert headroom.amount == expected
    assert money(expected) in response.content.decode()


def test_headroom__by_default_for_this_years_payment_next_30_june(world, client_for):
    from django.utils import timezone

    today = timezone.localdate()
    headroom = client_for("fund_manager").get(LEDGER).context["headroom"]
    # RETURN_CAP_PAY_DAY: this year's outcome payment is paid on 30 June of the next year.
    pay = date(today.year + 1, 6, 30)
    assert (headroom.year, headroom.pay_date) == (today.year, pay)
    assert headroom.amount == store.headroom("helsinki", pay, Decimal("0.08"))


def test_headroom__closed_form_of_one_contribution_date(world, client_for):
    """Both contributions are on 2020-01-15, so the largest distribution on 2024-06-30 that keeps
    the XIRR at 8 % is C × 1.08^(days/365), rounded down to the cent (docs/finance.md)."""
    response = client_for("fund_manager").get(LEDGER, {"on": "2023-12-31"})
    days = (date(2024, 6, 30) - date(2020, 1, 15)).days  # 1,628 days
    assert days == 1628
    with localcontext() as ctx:
        ctx.prec = 40
        closed = Decimal("1500000") * Decimal("1.08") ** (Decimal(days) / 365)
    assert response.context["headroom"].amount == closed.quantize(
        Decimal("0.01"), rounding=ROUND_DOWN
    )


def test_headroom__exactly_the_headroom_keeps_the_xirr_at_the_cap_a_cent_more_exceeds_it(
    world, client_for
):
    headroom = client_for("fund_manager").get(LEDGER, {"on": "2023-12-31"}).context["headroom"]
    flows = investor_flows(store.stored_flows("helsinki"))
    pay = date(2024, 6, 30)
    at_cap = xirr([*flows, CashFlow(pay, headroom.amount, "distribution")])
    above = xirr([*flows, CashFlow(pay, headroom.amount + Decimal("0.01"), "distribution")])
    assert at_cap <= 0.08 < above


# Adding a flow.


def flow_form(**values: str) -> dict[str, str]:
    return {
        "on": "2024-03-31",
        "kind": "contribution",
        "amount": "250 000,00",
        "investor": "New Investor Oy",
        "note": "capital call 3",
    } | values


def test_add__stores_the_flow_with_an_audit_entry_and_shows_it(world, client_for):
    client = client_for("fund_manager")
    flows, entries = FundFlow.objects.count(), AuditEntry.objects.count()
    response = client.post(reverse("fund:add"), flow_form())
    assert response.status_code == 302
    assert response["Location"] == LEDGER
    assert FundFlow.objects.count() == flows + 1
    stored = FundFlow.objects.latest("id")
    # A contribution written positive (Finnish "250 000,00") is stored in the investors' view.
    assert (stored.on, stored.kind, stored.amount, stored.investor, stored.note) == (
        date(2024, 3, 31),
        "contribution",
        Decimal("-250000.00"),
        "New Investor Oy",
        "capital call 3",
    )
    assert stored.created_by == "fund_manager"
    entry = AuditEntry.objects.latest("id")
    assert AuditEntry.objects.count() == entries + 1
    assert (entry.action, entry.actor, entry.object_id) == (
        "fund.add_flow",
        "fund_manager",
        str(stored.id),
    )
    page = client.get(LEDGER)
    html = page.content.decode()
    assert "Flow stored: contribution of EUR 250,000.00 on 2024-03-31 (New Investor Oy)." in html
    assert "capital call 3" in html
    # 1,500,000.00 + 250,000.00 = 1,750,000.00 contributed by today.
    assert page.context["position"].contributions == Decimal("1750000.00")


@pytest.mark.parametrize(
    "values",
    [
        {"amount": "12.345"},
        {"amount": "twelve"},
        {"kind": "fee", "investor": "Investor Oy", "amount": "1250.00"},
        {"amount": "100000000000000.00"},
        {"amount": "1E+30"},
    ],
    ids=[
        "fractions of a cent",
        "not a number",
        "investor on a fee",
        "more than the ledger holds",
        "more than Decimal holds",
    ],
)
def test_add__bad_input_is_refused_with_the_stores_sentence_and_nothing_stored(
    world, client_for, values
):
    data = flow_form(**values)
    with pytest.raises(SibylInputError) as refused:  # what the store says of the same input
        store.add_flow(
            "helsinki",
            date(2024, 3, 31),
            data["amount"],
            data["kind"],
            data["investor"],
            actor="test",
        )
    client = client_for("fund_manager")  # signing in writes its own audit entry
    flows, entries = FundFlow.objects.count(), AuditEntry.objects.count()
    response = client.post(reverse("fund:add"), data)
    assert response.status_code == 400
    assert refused.value.message in response.content.decode().replace("&#x27;", "'")
    assert "Nothing was stored." in response.content.decode()
    assert (FundFlow.objects.count(), AuditEntry.objects.count()) == (flows, entries)


def test_add__bad_amount_names_the_amount(world, client_for):
    response = client_for("fund_manager").post(reverse("fund:add"), flow_form(amount="12.345"))
    html = response.content.decode().replace("&#x27;", "'")
    assert "the amount '12.345' is not a whole number of cents; round it to cents." in html


def test_add__missing_date_is_refused_by_the_form(world, client_for):
    flows = FundFlow.objects.count()
    response = client_for("fund_manager").post(reverse("fund:add"), flow_form(on=""))
    assert response.status_code == 400
    assert "Give the date of the flow." in response.content.decode()
    assert FundFlow.objects.count() == flows


def test_add__coordinator_may_not_store_a_flow(world, client_for):
    flows = FundFlow.objects.count()
    response = client_for("coordinator").post(reverse("fund:add"), flow_form())
    assert response.status_code == 403
    assert FundFlow.objects.count() == flows


# Importing a cash-flow file.

CASHFLOWS = (
    b"date,amount,kind,investor\n"
    b"2024-06-30,-300000.00,contribution,Investor Oy\n"
    b"2024-07-31,120000.00,provider_payment,\n"
    b"2024-08-31,5000.00,fee,\n"
)


def upload(content: bytes, name: str = "flows-2024.csv") -> dict[str, object]:
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv")}


def test_import__stores_every_row_once_and_says_the_second_time_changed_nothing(world, client_for):
    client = client_for("fund_manager")
    flows = FundFlow.objects.count()
    first = client.post(reverse("fund:import"), upload(CASHFLOWS))
    assert first.status_code == 302
    assert FundFlow.objects.count() == flows + 3
    fund_import = FundImport.objects.get()
    assert (fund_import.file_name, fund_import.rows, fund_import.imported_by) == (
        "flows-2024.csv",
        3,
        "fund_manager",
    )
    assert AuditEntry.objects.filter(action="fund.import", actor="fund_manager").count() == 1
    page = client.get(LEDGER).content.decode()
    assert "flows-2024.csv: 3 flows stored in the fund ledger." in page
    entries = AuditEntry.objects.count()
    # The same contents again, under another name: nothing changes, and the page says so.
    second = client.post(reverse("fund:import"), upload(CASHFLOWS, "again.csv"), follow=True)
    html = second.content.decode()
    assert "again.csv was already imported (as flows-2024.csv on" in html
    assert "nothing changed" in html
    assert FundFlow.objects.count() == flows + 3
    assert FundImport.objects.count() == 1
    assert AuditEntry.objects.count() == entries


def test_import__a_bad_file_is_refused_in_one_sentence_and_nothing_is_stored(world, client_for):
    bad = CASHFLOWS + b"2024-09-30,abc,fee,\n"
    client = client_for("fund_manager")  # signing in writes its own audit entry
    flows, entries = FundFlow.objects.count(), AuditEntry.objects.count()
    response = client.post(reverse("fund:import"), upload(bad, "bad.csv"))
    assert response.status_code == 400
    html = response.content.decode().replace("&#x27;", "'")
    # The reader's sentence, naming the file as the user knows it (not the server's copy).
    assert (
        "bad.csv, line 5, column 'amount': 'abc' is not an amount; write euros with a decimal "
        "point, e.g. -250000.00." in html
    )
    assert "sibyl-fund-" not in html
    assert (FundFlow.objects.count(), AuditEntry.objects.count()) == (flows, entries)
    assert not FundImport.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (b"100000000000000.00", "the amount 100000000000000.00 of 2024-09-30 is larger than"),
        (b"1E+30", "an amount in the file is too large to be euros"),
    ],
)
def test_import__an_amount_too_large_for_the_ledger_is_refused(world, client_for, amount, message):
    bad = CASHFLOWS + b"2024-09-30," + amount + b",fee,\n"
    response = client_for("fund_manager").post(reverse("fund:import"), upload(bad, "big.csv"))
    assert response.status_code == 400
    html = response.content.decode()
    assert f"big.csv: {message}" in html
    assert "a flow is at most 99,999,999,999,999.99 euros." in html
    assert not FundImport.objects.exists()


def test_import__an_empty_file_is_refused(world, client_for):
    response = client_for("fund_manager").post(reverse("fund:import"), upload(b"", "empty.csv"))
    assert response.status_code == 400
    assert "The file is empty" in response.content.decode()
    assert not FundImport.objects.exists()


# The chart.


def test_chart__the_funds_years_as_svg_with_their_figures_on_the_page(world, client_for):
    client = client_for("coordinator")
    chart = client.get(reverse("fund:chart"))
    assert chart.status_code == 200
    assert chart["Content-Type"] == "image/svg+xml"
    assert chart.content.startswith(b"<?xml")
    table = client.get(LEDGER).context["chart_table"]
    assert table["columns"] == ["contribution", "outcome payment", "provider payment"]
    by_year = {row["year"]: (row["values"], row["balance"]) for row in table["rows"]}
    invoice = invoice_2022()
    # 2020: 1,500,000.00 in, 400,000.00 out → 1,100,000.00; 2021, 2022: nothing;
    # 2023: the outcome payment in → 1,100,000.00 + invoice.
    assert by_year == {
        2020: ([Decimal("1500000.00"), None, Decimal("400000.00")], Decimal("1100000.00")),
        2021: ([None, None, None], Decimal("1100000.00")),
        2022: ([None, None, None], Decimal("1100000.00")),
        2023: ([None, invoice, None], Decimal("1100000.00") + invoice),
    }


# The simulations.

SIMULATE = reverse("fund:simulate")


def reference(runs: int, seed: int, effect_size: str | None = None, base: str | None = None):
    """``sibyl.finance.montecarlo.simulate`` called directly, as ``sibyl simulate`` does."""
    scenario = load_scenario("helsinki-base")
    contract = load_contract("helsinki")
    if effect_size is not None:
        scenario = dataclasses.replace(scenario, effect_size=Decimal(effect_size))
    if base is not None:
        contract = contract.with_parameters(base_per_child_year=Decimal(base))
    return simulate(scenario, runs, seed, contract=contract)


def cents(euros: float) -> Decimal:
    """A simulated amount in euros, half up to the cent (DOMAIN.md 3.3's rounding)."""
    return Decimal(repr(float(euros))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def shown_percentiles(response) -> dict[str, list[Decimal]]:
    return {str(row["label"]): row["values"] for row in response.context["percentiles_rows"]}


def test_simulate__fixed_seed_shows_the_percentiles_of_simulate(users, client_for):
    response = client_for("fund_manager").get(
        SIMULATE, {"scenario": "helsinki-base", "runs": "1000", "seed": "7"}
    )
    assert response.status_code == 200
    direct = reference(1000, 7)
    shown = shown_percentiles(response)
    html = response.content.decode()
    labels = {
        "outcome payments after the cap (EUR)": "Outcome payments after the cap (EUR)",
        "outcome payments before the cap (EUR)": "Outcome payments before the cap (EUR)",
        "investors' IRR": "Investors' IRR",
        "city's gross saving (EUR)": "City's gross saving (EUR)",
        "city's net saving (EUR)": "City's net saving (EUR)",
    }
    for key, values in direct.percentiles().items():
        page = shown[labels[key]]
        if "IRR" in key:
            assert [float(v) for v in page] == pytest.approx(list(values), abs=5e-5)
            texts = [percent(v) for v in page]
        else:  # euros, half up to the cent
            assert page == [cents(v) for v in values]
            texts = [money(v) for v in page]
        for text in texts:
            assert text in html
    summary = direct.summary()
    assert float(response.context["cap_binds"]["p"]) == pytest.approx(
        summary["p_cap_binds"], abs=5e-5
    )
    assert float(response.context["lose_capital"]["p"]) == pytest.approx(
        summary["p_investors_lose_capital"], abs=5e-5
    )
    assert float(response.context["city_pays_more"]["p"]) == pytest.approx(
        summary["p_city_pays_more_than_it_saves"], abs=5e-5
    )
    assert response.context["cap_binds"]["runs"] == round(summary["p_cap_binds"] * 1000)


def test_simulate__same_address_same_figures(users, client_for):
    client = client_for("coordinator")
    query = {"scenario": "helsinki-base", "runs": "1000", "seed": "3"}
    first, second = client.get(SIMULATE, query), client.get(SIMULATE, query)
    assert shown_percentiles(first) == shown_percentiles(second)


def test_simulate__effect_size_and_base_override_the_scenario(users, client_for):
    response = client_for("fund_manager").get(
        SIMULATE,
        {
            "scenario": "helsinki-base",
            "runs": "1000",
            "seed": "5",
            "effect_size": "0",
            "base": "3000.00",
        },
    )
    assert response.status_code == 200
    direct = reference(1000, 5, effect_size="0", base="3000.00")
    after_cap = shown_percentiles(response)["Outcome payments after the cap (EUR)"]
    expected = direct.percentiles()["outcome payments after the cap (EUR)"]
    assert after_cap == [cents(v) for v in expected]
    assert response.context["base"] == Decimal("3000.00")
    assert response.context["scenario"].effect_size == Decimal("0")
    # Without the intervention's effect and with a lower base, the payments differ.
    default = reference(1000, 5).percentiles()["outcome payments after the cap (EUR)"]
    assert list(expected) != list(default)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"runs": "50"}, "Too few runs: give at least 1,000"),
        ({"runs": "50000"}, "Too many runs: give at most 20,000"),
        ({"runs": "many"}, "The number of runs is not a whole number"),
        ({"seed": "-1"}, "The seed is negative"),
        ({"effect_size": "1.5"}, "The effect size is above 1"),
        ({"base": "0"}, "The base payment must be above zero"),
        ({"scenario": "elsewhere"}, "There is no such scenario for this contract"),
    ],
)
def test_simulate__out_of_range_values_are_refused_with_a_form_error(
    users, client_for, values, message
):
    query = {"scenario": "helsinki-base", "runs": "1000"} | values
    response = client_for("fund_manager").get(SIMULATE, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'id="percentiles"' not in html  # no results


def test_simulate__the_form_alone_says_the_figures_are_illustrative(users, client_for):
    response = client_for("coordinator").get(SIMULATE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Illustrative figures, not a forecast." in html
    assert "The contract's real base payment is not public" in html
    assert 'id="percentiles"' not in html


def test_simulate__changes_nothing(world, client_for):
    client = client_for("fund_manager")  # signing in writes its own audit entry
    before = (FundFlow.objects.count(), AuditEntry.objects.count())
    assert client.get(SIMULATE, {"runs": "1000", "seed": "1"}).status_code == 200
    assert (FundFlow.objects.count(), AuditEntry.objects.count()) == before


def test_simulation_charts__svg_for_a_run_400_without_one(users, client_for):
    client = client_for("fund_manager")
    query = {"scenario": "helsinki-base", "runs": "1000", "seed": "7"}
    for name in ("fund:simulation_fan", "fund:simulation_irr"):
        chart = client.get(reverse(name), query)
        assert chart.status_code == 200
        assert chart["Content-Type"] == "image/svg+xml"
        refused = client.get(reverse(name), {"runs": "5"})
        assert refused.status_code == 400
        assert refused.content.startswith(b"The chart needs the parameters of a simulation")
