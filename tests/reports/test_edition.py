"""The editions of the annual report, built from figures made by hand (no database): what the
public edition hides, what the city's edition shows, the languages, and the two renderings.

The figures of ``sample()`` are small on purpose, so that the public edition has to hide counts
and their complements; the hidden pattern of each table with totals is checked with the
independent brute-force checker (``checker.py``), not with the suppression code itself.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from checker import grid_alternatives, tree_alternatives

from sibyl.contract import load_contract
from sibyl.errors import SibylInputError
from sibyl.reports import numbers, render
from sibyl.reports.charts import FundYear, MonthPoint
from sibyl.reports.edition import (
    HIDDEN,
    Document,
    Table,
    build,
    code_ranges,
    key_figures,
    round5,
)
from sibyl.reports.model import (
    Activity,
    AdjustedYear,
    Band,
    ChildLine,
    Cohort,
    Extract,
    Fund,
    Methods,
    Payments,
    Price,
    ProviderActivity,
    ReportData,
    ServiceUse,
    ServiceYear,
    ServiceYearActivity,
    YearTotal,
    payment_rules,
)
from sibyl.reports.suppression import is_small

D = Decimal


def sample(**changes) -> ReportData:
    """A year (2023) of a small cohort. Children by band: 9 with no deduction, 3 at 75–100 %,
    1 at 50–75 %, 0, 0, 2 with nothing: 15 in all, 6 with a deduction."""
    bands = (
        Band("full", 9, D("36000.00")),
        Band("75", 3, D("10500.00")),
        Band("50", 1, D("2500.00")),
        Band("25", 0, D("0.00")),
        Band("under_25", 0, D("0.00")),
        Band("zero", 2, D("0.00")),
    )
    computed = sum((b.payments for b in bands), D(0))  # 49,000.00
    services = (
        # 2022: service 1 by 2 children (EUR 30), service 5 by 7 (EUR 70), service 9 by 1 (EUR 10)
        ServiceYear(1, 2022, 2, 20, D("30.00")),
        ServiceYear(5, 2022, 7, 90, D("70.00")),
        ServiceYear(9, 2022, 1, 40, D("10.00")),
        # 2023: service 4 by 3 (EUR 5), service 5 by 6 (EUR 60), service 9 by 0
        ServiceYear(4, 2023, 3, 30, D("5.00")),
        ServiceYear(5, 2023, 6, 60, D("60.00")),
    )
    rows = tuple(
        next((r for r in services if r.service == code and r.year == year), None)
        or ServiceYear(code, year, 0, 0, D("0.00"))
        for code in range(1, 10)
        for year in (2022, 2023)
    )
    data = ReportData(
        contract_id="helsinki",
        title={"en": "Test contract", "fi": "Testisopimus"},
        service_names={
            code: {"en": f"Service {code}", "fi": f"Palvelu {code}"} for code in range(1, 10)
        },
        year=2023,
        written_on=date(2024, 9, 1),
        draft=False,
        cohort=Cohort(
            on=date(2023, 12, 31),
            capacity=200,
            referred=30,
            not_eligible=8,
            waiting=2,
            enrolled=20,
            in_followup=16,
            exited={"moved_out": 3, "consent_withdrawn": 1},
            enrolled_in_year=4,
            series=(
                MonthPoint(date(2022, 1, 1), 3, 3),
                MonthPoint(date(2022, 2, 1), 12, 12),
                MonthPoint(date(2023, 12, 1), 20, 16),
            ),
        ),
        services=ServiceUse(
            years=(2022, 2023), rows=rows, deductions={2022: D("110.00"), 2023: D("65.00")}
        ),
        payments=Payments(
            children=15,
            children_with_deductions=6,
            child_years=D("14.50"),
            base=D("49065.00"),
            deductions=D("65.00"),
            computed=computed,
            payable=computed,
            adjustments=D("-12.34"),
            invoice=computed - D("12.34"),
            caps_applied=(),
            cap_notes=(
                "investor return cap 8 %: headroom EUR 100000.00 for a payment on 2024-06-30",
            ),
            bands=bands,
            adjusted=(AdjustedYear(2022, 2, D("-12.34")),),
            history=(
                YearTotal(
                    2022,
                    "approved",
                    12,
                    3,
                    D("40000.00"),
                    D("110.00"),
                    D("39890.00"),
                    D("39890.00"),
                    D("0.00"),
                    D("39890.00"),
                    {1: D("30.00")},
                ),
                YearTotal(
                    2023,
                    "approved",
                    15,
                    6,
                    D("49065.00"),
                    D("65.00"),
                    computed,
                    computed,
                    D("-12.34"),
                    computed - D("12.34"),
                    {5: D("60.00")},
                ),
            ),
        ),
        exante=None,
        fund=Fund(
            on=date(2023, 12, 31),
            contributions=D("500000.00"),
            distributions=D("39890.00"),
            outcome_payments=D("39890.00"),
            provider_payments=D("150000.00"),
            fees=D("10000.00"),
            balance=D("340000.00"),
            xirr=None,
            xirr_reason="no_distributions",
            moic=D("0.08"),
            cap_rate=D("0.08"),
            pay_date=date(2024, 6, 30),
            headroom=D("100000.00"),
            invoice=computed - D("12.34"),
            years=(FundYear(2023, {"contribution": D("500000.00")}, {}, D("500000.00")),),
        ),
        activity=Activity(
            by_service_year=(
                ServiceYearActivity(1, 20, {"individual_support": 200, "family_group": 40}, 9000),
                ServiceYearActivity(2, 3, {"individual_support": 6}, 300),
            ),
            by_provider=(
                ProviderActivity("SOS-Lapsikylä", 12, {"individual_support": 30}, 1800),
                ProviderActivity("Diakonissalaitos Vamos", 2, {"community": 4}, 240),
            ),
        ),
        methods=Methods(
            contract_version=1,
            contract_sha256="a" * 64,
            price_list_sha256="b" * 64,
            statement_status="approved",
            approved_on=date(2024, 8, 30),
            result_status="final",
            status_reasons=(),
            as_of=date(2024, 3, 31),
            payment=payment_rules(load_contract("helsinki"), 2023),
            pay_day=date(2024, 6, 30),
            extracts=(Extract("extract.csv", "c" * 64, date(2024, 3, 31), (1, 2, 3)),),
            prices=(
                Price(
                    5,
                    "working_day",
                    "confirmed",
                    D("12.871202689243027888446215"),
                    None,
                    D("25845375"),
                    8000,
                    251,
                ),
            ),
        ),
        annex=(
            ChildLine("ps-aaaa", 365, 365, D("4000.00"), D("0.00"), D("4000.00"), ()),
            ChildLine(
                "ps-bbbb",
                365,
                365,
                D("4000.00"),
                D("257.42"),
                D("3742.58"),
                ((5, 20, D("257.42")),),
            ),
        ),
    )
    return replace(data, **changes)


def cells_of(table: Table) -> dict[str, list]:
    return {row[0].text: row[1:] for row in table.rows + table.foot}


def table(document: Document, key: str) -> Table:
    return next(t for t in document.tables() if t.key == key)


# ---------------------------------------------------------------------------------------------
# The public edition.


def test_public__no_published_count_from_1_to_4_anywhere():
    # Rule: counts 1–4 are hidden (DOMAIN.md 4); 0 is shown. Every count cell of every table and
    # fact list of the public edition is either hidden or outside 1–4.
    document = build(sample(), "public", "en")
    shown = [c.value for c in document.cells() if c.kind == "count" and not c.hidden]
    assert shown, "the public edition shows some counts"
    assert not [v for v in shown if is_small(v)]
    assert any(c.hidden for c in document.cells())
    # A hidden cell carries no figure at all, only the sign.
    assert all(c.value is None and c.text == HIDDEN for c in document.cells() if c.hidden)


def test_public__the_cohort_table_gives_no_hidden_count_away():
    # The funnel: referred 30 = eligible 22 (enrolled 20 + waiting 2) + not eligible 8;
    # enrolled 20 = in follow-up 16 + out of follow-up 4 (moved out 3, died 0, consent 1, other 0).
    document = build(sample(), "public", "en")
    rows = cells_of(table(document, "cohort"))
    labels = {
        "Children referred": "referred",
        "eligible": "eligible",
        "enrolled": "enrolled",
        "in follow-up": "followup",
        "out of follow-up": "exited",
        "moved out of the city": "moved",
        "died": "died",
        "consent withdrawn": "consent",
        "other reason": "other",
        "waiting for a place": "waiting",
        "not eligible": "not_eligible",
    }
    hidden = {labels[label] for label, cells in rows.items() if cells[0].hidden}
    # Primary: waiting 2, exited 4, moved out 3, consent 1 (0s stay shown).
    assert {"waiting", "exited", "moved", "consent"} <= hidden
    assert not {"died", "other"} & hidden
    leaves = {
        "followup": 16,
        "moved": 3,
        "died": 0,
        "consent": 1,
        "other": 0,
        "waiting": 2,
        "not_eligible": 8,
    }
    subtotals = {
        "exited": ["moved", "died", "consent", "other"],
        "enrolled": ["followup", "exited"],
        "eligible": ["enrolled", "waiting"],
        "referred": ["eligible", "not_eligible"],
    }
    answers = tree_alternatives(leaves, subtotals, "referred", hidden)
    assert all(answers.values()), answers


def test_public__the_payments_per_child_give_no_small_band_away():
    # Children: 15 = no deduction 9 + with a deduction 6; 6 = 3 + 1 + 0 + 0 + 2.
    # Primary: 3, 1, 2 (the bands); "with" 6 stays unless needed as a complement.
    document = build(sample(), "public", "en")
    rows = cells_of(table(document, "bands"))
    keys = ["full", "with", "75", "50", "25", "under_25", "zero"]
    hidden = {
        key for key, cells in zip(keys, list(rows.values())[:7], strict=True) if cells[0].hidden
    }
    assert {"75", "50", "zero"} <= hidden
    leaves = {"full": 9, "75": 3, "50": 1, "25": 0, "under_25": 0, "zero": 2}
    answers = tree_alternatives(
        leaves,
        {"with": ["75", "50", "25", "under_25", "zero"], "all": ["full", "with"]},
        "all",
        hidden,
    )
    assert all(answers.values()), answers
    # The payments of a hidden band are hidden with it; the total (the statement's) is shown.
    for key, cells in zip(keys, list(rows.values())[:7], strict=True):
        assert cells[2].hidden == (key in hidden)
    assert rows["All children"][2].text == "49,000.00"


def test_public__deductions_by_service_cannot_be_worked_out_from_the_statements_totals():
    # 2022: children 2 (service 1) and 1 (service 9) are hidden, with their euros; the year's
    # total EUR 110 (the statement's) stays, so at least two euro cells are hidden in the
    # column and none can be solved for. 2023: service 4's 3 children and EUR 5 are hidden,
    # and a complement (the smallest amount, a 0) goes too.
    document = build(sample(), "public", "en")
    amounts = cells_of(table(document, "Deductions, by year (EUR)"))
    children = cells_of(table(document, "Children who used each service, by year"))
    true = {
        (f"{r.service}. Service {r.service}", r.year): int(r.amount) for r in sample().services.rows
    }
    for column, (year, total) in enumerate(((2022, 110), (2023, 65))):
        hidden = {label for label, cells in amounts.items() if cells[column].hidden}
        # The same cells are hidden in the children's table (one pattern for a service-year).
        assert hidden == {label for label, cells in children.items() if cells[column].hidden}
        assert len(hidden) >= 2
        cells = {key: value for key, value in true.items() if key[1] == year}
        assert sum(cells.values()) == total
        answers = grid_alternatives(
            cells, {(label, year) for label in hidden}, row_totals=False, grand_total=False
        )
        assert all(answers.values()), (year, answers)
    assert amounts["Total"][0].text == "110.00"


def test_public__no_annex_and_no_pseudonym():
    document = build(sample(), "public", "en")
    assert "annex" not in [s.key for s in document.sections]
    assert "ps-aaaa" not in render.html(document)


def test_public__a_single_adjusted_year_is_not_broken_down():
    # One earlier year with 2 child-years adjusted: its count is hidden (2), and its amount
    # would equal the statement's total, which is always published; so the year is not listed,
    # only the total (count hidden, EUR -12.34 shown).
    document = build(sample(), "public", "en")
    adjustments = table(document, "adjustments")
    assert adjustments.rows == []
    total = adjustments.foot[0]
    assert total[1].hidden
    assert total[2].text == "-12.34"


def test_public__refused_when_fewer_than_5_children_were_in_follow_up():
    data = sample(payments=replace(sample().payments, children=4))
    with pytest.raises(SibylInputError, match="only 4 children were in follow-up, fewer than 5"):
        build(data, "public", "en")


def test_public__the_enrolment_chart_is_rounded_to_five():
    # 3 → 5, 12 → 10, 16 → 15, 20 → 20 (nearest 5), so month-to-month changes reveal no group.
    assert [round5(n) for n in (0, 1, 2, 3, 4, 7, 8, 12, 16, 20)] == [
        0,
        0,
        0,
        5,
        5,
        5,
        10,
        10,
        15,
        20,
    ]
    document = build(sample(), "public", "en")
    series = table(document, "enrolment_series")
    assert [row[1].value for row in series.rows] == [5, 10, 20]


def test_key_figures__public_hides_a_small_year_and_small_bands():
    payments = sample().payments
    assert key_figures(2023, replace(payments, children=3), public=True).published is False
    figures = key_figures(2023, payments, public=True)
    assert figures.children == 15
    # "with a deduction" (6) is shown only if the public bands table shows it.
    document = build(sample(), "public", "en")
    with_row = cells_of(table(document, "bands"))["with a deduction"]
    assert (figures.with_deduction is None) == with_row[0].hidden
    assert key_figures(2023, payments, public=False).no_deduction_share == D(9) / D(15)


# ---------------------------------------------------------------------------------------------
# The city's edition, languages, renderings.


def test_city__shows_every_figure_and_the_annex_by_pseudonym():
    document = build(sample(), "city", "en")
    assert not any(c.hidden for c in document.cells())
    annex = table(document, "annex")
    assert [row[0].text for row in annex.rows] == ["ps-aaaa", "ps-bbbb"]
    # The small counts are there: moved out 3, consent withdrawn 1.
    cohort = cells_of(table(document, "cohort"))
    assert cohort["moved out of the city"][0].text == "3"
    assert cohort["consent withdrawn"][0].text == "1"


def test_finnish__every_text_is_translated_and_numbers_are_finnish():
    # The translator raises on a text without Finnish, so building both editions proves them.
    for edition in ("city", "public"):
        document = build(sample(), edition, "fi")
        assert document.title == "Vuosiraportti 2023"
    city = build(sample(), "city", "fi")
    facts = dict(next(b for b in city.sections[3].blocks if b.type == "facts").items)
    # 49,000.00 − 12.34 = 48,987.66: Finnish groups with a no-break space and a decimal comma.
    assert facts["Laskun loppusumma"].text == "48\u00a0987,66\u00a0€"


def test_numbers__exact_to_the_cent_in_both_languages():
    assert numbers.money(D("1234567.005"), "en") == "1,234,567.01"  # half up
    assert numbers.money(D("-2917.22"), "fi") == "-2\u00a0917,22"
    assert numbers.count(1234, "fi") == "1\u00a0234"
    assert numbers.percent(D("0.0812"), "en", 1) == "8.1\u00a0%"
    assert numbers.day(date(2024, 12, 31), "fi") == "31.12.2024"
    assert numbers.day(date(2024, 12, 31), "en") == "31 December 2024"


def test_html__self_contained_no_script_charts_inline_and_draft_marked():
    document = build(sample(draft=True), "public", "en")
    page = render.html(document)
    assert "<script" not in page.lower()
    assert "http://" not in page
    assert "https://" not in page
    assert page.count("data:image/svg+xml;base64,") == sum(
        1 for s in document.sections for b in s.blocks if b.type == "chart"
    )
    assert 'class="draft-mark"' in page
    assert ">DRAFT<" in page


def test_html_and_pdf__say_the_same_figures():
    pypdf = pytest.importorskip("pypdf")
    import io

    document = build(sample(), "city", "en")
    page = re.sub(r"<style>.*?</style>", "", render.html(document), flags=re.S)
    text = "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render.pdf(document))).pages
    )
    amounts = set(re.findall(r"-?\d{1,3}(?:,\d{3})*\.\d\d\b", page))
    assert "48,987.66" in amounts
    missing = [a for a in amounts if a not in text]
    assert missing == []


def test_edition_and_language__unknown_ones_are_refused_in_one_sentence():
    with pytest.raises(SibylInputError, match="the edition 'secret' is not known"):
        build(sample(), "secret", "en")
    with pytest.raises(SibylInputError, match="not written in 'sv'; use fi or en"):
        build(sample(), "public", "sv")


def test_public__a_year_of_fewer_than_5_children_shows_no_figure():
    # 2022 had 3 children in follow-up: nothing of it is published, in any table.
    small = sample()
    history = (replace(small.payments.history[0], children=3), small.payments.history[1])
    document = build(replace(small, payments=replace(small.payments, history=history)),
                     "public", "en")  # fmt: skip
    row = cells_of(table(document, "history"))["2022"]
    assert all(cell.hidden for cell in row[1:])  # status is text; the rest hidden
    for key in ("Children who used each service, by year", "Deductions, by year (EUR)"):
        columns = cells_of(table(document, key))
        assert all(cells[0].hidden for label, cells in columns.items()), key
    assert not cells_of(table(document, "history"))["2023"][1].hidden


def test_without_fund_or_ex_ante_case__the_sections_say_so():
    document = build(sample(fund=None, exante=None), "city", "en")
    texts = {s.key: [b.text for b in s.blocks if b.type == "paragraph"] for s in
             document.sections}  # fmt: skip
    assert texts["fund"] == ["No fund ledger is in the store for this contract."]
    assert texts["exante"] == ["No ex-ante case (savings scenario) is given for this contract."]
    render.pdf(document)  # and it still typesets


def test_code_ranges__consecutive_services_as_ranges():
    assert code_ranges([1, 2, 3, 4, 5, 6, 7, 8, 9]) == "1–9"
    assert code_ranges([9, 1, 2, 3, 5, 7, 8]) == "1–3, 5, 7–9"
    assert code_ranges([4]) == "4"
