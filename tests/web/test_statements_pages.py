"""The statements pages: the list and its chart, creating and approving drafts, the exports, and
the explanation of a child-year from the statement's own inputs.

The world (conftest): R-1's child (``world.sos``) and R-3's child (``world.vamos``) enrolled on
2022-01-03; an extract as of 2023-03-31 with R-1's service 5 (child-protection open-care social
work, a working-day service) from 2022-03-01 to 2022-03-31 and R-3's service 1 (family care, a
care-day service) from 2022-06-01 to 2022-06-10; 2022 approved, 2023 a draft.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from webworld import CODE_1, CODE_2, CODE_3, CODE_4, CODE_OUTSIDE

from sibyl.web.audit.models import AuditEntry
from sibyl.web.statements.models import Adjustment, ChildYearLine, DeductionLine, Statement

CENT = Decimal("0.01")
ALL_CODES = (CODE_1, CODE_2, CODE_3, CODE_4, CODE_OUTSIDE)

# Hand computation of R-1's 2022 (DOMAIN.md 3.1–3.3), prices from contracts/helsinki/prices.csv:
# Follow-up 2022-01-03 … 2022-12-31: 365 − 2 days (1 and 2 January) = 363 days.
# Base: EUR 4,000.00 × 363 ÷ 365 = 3,978.0821… → 3,978.08 (half up to cents).
R1_FOLLOWUP_DAYS = 363
R1_BASE = Decimal("3978.08")
# Service 5 in March 2022: 1 March is a Tuesday, so Mon–Fri days are 1–4 (4), 7–11 (5),
# 14–18 (5), 21–25 (5), 28–31 (4) = 23; Finland has no public holiday in March 2022 (Easter
# was 17 April).
R1_UNITS = 23
# Unit price (working-day rule): annual cost ÷ clients ÷ working days of 2022 =
# 25,215,000 ÷ 8,000 ÷ 253. Amount: 23 × 25,215,000 ÷ (8,000 × 253) = 579,945,000 ÷ 2,024,000
# = 286.5341… → 286.53.
R1_AMOUNT = Decimal("286.53")
# Payment: max(0, 3,978.08 − 286.53) = 3,691.55.
R1_PAYMENT = Decimal("3691.55")


def weekdays(first: date, last: date) -> int:
    """An independent count of Monday–Friday days (for months without public holidays)."""
    return sum(1 for n in range((last - first).days + 1) if (first + timedelta(n)).weekday() < 5)


def assert_no_identity_code(text: str) -> None:
    for code in ALL_CODES:
        assert code not in text


def statement_snapshot(statement: Statement) -> tuple:
    """Everything a statement holds: its row and its lines."""
    row = Statement.objects.filter(pk=statement.pk).values().get()
    return (
        row,
        list(ChildYearLine.objects.filter(statement=statement).values()),
        list(DeductionLine.objects.filter(statement=statement).values()),
        list(Adjustment.objects.filter(statement=statement).values()),
    )


def stored(year: int) -> Statement:
    return Statement.objects.get(contract_id="helsinki", year=year)


# ---------------------------------------------------------------------------------------------
# The list, creating a draft, approving it.


@pytest.mark.django_db
def test_list__shows_each_year_with_its_status_and_totals(world, client_for):
    text = client_for("fund_manager").get(reverse("statements:list")).content.decode()

    approved, draft = stored(2022), stored(2023)
    assert reverse("statements:detail", kwargs={"year": 2022}) in text
    assert reverse("statements:detail", kwargs={"year": 2023}) in text
    assert f"{approved.invoice_total:,.2f}" in text
    assert f"{draft.invoice_total:,.2f}" in text
    assert reverse("statements:chart") in text
    assert "Create the draft" not in text  # the fund manager reads only
    assert_no_identity_code(text)


@pytest.mark.django_db
def test_create__a_draft_is_made_and_shown(world, client_for):
    client = client_for("coordinator")

    response = client.post(reverse("statements:create"), {"year": 2024})

    assert response.status_code == 302
    assert response["Location"] == reverse("statements:detail", kwargs={"year": 2024})
    draft = stored(2024)
    assert draft.status == Statement.DRAFT
    assert draft.created_by == "coordinator"
    assert AuditEntry.objects.filter(action="statement.create", object_id=str(draft.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "The draft statement for 2024 was created" in page
    assert 'class="badge warn">draft' in page
    assert reverse("statements:approve", kwargs={"year": 2024}) in page


@pytest.mark.django_db
def test_create__year_outside_the_contract__the_stores_sentence_400_and_nothing_stored(
    world, client_for
):
    before = Statement.objects.count()

    response = client_for("coordinator").post(reverse("statements:create"), {"year": 2040})

    assert response.status_code == 400
    # contract.yaml: enrolment_start 2020-01-01, followup_end 2032-12-31.
    assert (
        "2040 is outside the contract&#x27;s follow-up years 2020–2032; give a year from 2020 "
        "to 2032." in response.content.decode()
    )
    assert Statement.objects.count() == before


@pytest.mark.django_db
def test_create__an_approved_year_is_refused_and_stays_as_it_was(world, client_for):
    approved = stored(2022)
    before = statement_snapshot(approved)

    response = client_for("coordinator").post(reverse("statements:create"), {"year": 2022})

    assert response.status_code == 400
    assert "the statement for 2022 is approved and cannot be replaced" in response.content.decode()
    assert statement_snapshot(approved) == before


@pytest.mark.django_db
def test_approve__the_draft_is_approved_the_button_goes_and_it_never_changes(world, client_for):
    client = client_for("coordinator")
    draft = stored(2023)
    approve_url = reverse("statements:approve", kwargs={"year": 2023})
    assert (
        approve_url
        in client.get(reverse("statements:detail", kwargs={"year": 2023})).content.decode()
    )

    response = client.post(approve_url)

    assert response.status_code == 302
    approved = stored(2023)
    assert approved.pk == draft.pk
    assert (approved.status, approved.approved_by) == (Statement.APPROVED, "coordinator")
    page = client.get(response["Location"]).content.decode()
    assert approve_url not in page  # the button is gone
    assert "This statement is approved and never changes." in page
    snapshot = statement_snapshot(approved)

    # Rule (DOMAIN.md 3.4): an approved statement is never changed, neither by approving
    # again nor by settling the year again.
    again = client.post(approve_url)
    replaced = client.post(reverse("statements:create"), {"year": 2023})

    assert again.status_code == 400
    assert "is already approved" in again.content.decode()
    assert replaced.status_code == 400
    assert statement_snapshot(approved) == snapshot


# ---------------------------------------------------------------------------------------------
# The statement page and its exports.


@pytest.mark.django_db
def test_detail__fund_manager_reads_lines_by_pseudonym_without_explanations(world, client_for):
    text = (
        client_for("fund_manager")
        .get(reverse("statements:detail", kwargs={"year": 2022}))
        .content.decode()
    )

    assert world.sos in text
    assert world.vamos in text
    assert f"{R1_PAYMENT:,.2f}" in text
    assert "/children/" not in text  # no explanation links
    assert reverse("statements:approve", kwargs={"year": 2022}) not in text
    assert stored(2022).price_list_sha256 in text  # the fingerprints
    assert stored(2022).extracts[0]["sha256"] in text
    assert_no_identity_code(text)


@pytest.mark.django_db
def test_detail__search_by_pseudonym_shows_only_matching_lines(world, client_for):
    url = reverse("statements:detail", kwargs={"year": 2022})

    text = client_for("coordinator").get(url, {"q": world.sos}).content.decode()

    assert world.sos in text
    assert world.vamos not in text


@pytest.mark.django_db
def test_export_xlsx__the_workbooks_totals_equal_the_statement(world, client_for):
    from openpyxl import load_workbook

    statement = stored(2022)

    response = client_for("fund_manager").get(
        reverse("statements:export", kwargs={"year": 2022, "fmt": "xlsx"})
    )

    assert response.status_code == 200
    assert 'filename="statement_2022.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, values = [[cell.value for cell in row] for row in book["Totals"].iter_rows(max_row=2)]
    totals = dict(zip(header, values, strict=True))
    assert totals["year"] == 2022
    assert totals["children"] == statement.children == 2
    for name in ("base", "deductions", "computed", "payable"):
        assert Decimal(str(totals[name])).quantize(CENT) == getattr(statement, name)
    children = list(book["Child-years"].iter_rows(min_row=2, values_only=True))
    # Per child-year netting: the computed total is the sum of the child payments.
    payments = sum(Decimal(str(row[-1])).quantize(CENT) for row in children)
    assert payments == statement.computed
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.actor, entry.object_id) == (
        "statement.export",
        "fund_manager",
        str(statement.pk),
    )


@pytest.mark.django_db
def test_export_csv__a_zip_of_the_three_files_by_pseudonym(world, client_for):
    response = client_for("coordinator").get(
        reverse("statements:export", kwargs={"year": 2022, "fmt": "csv"})
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == [
        "statement_2022.csv",
        "statement_2022_adjustments.csv",
        "statement_2022_lines.csv",
    ]
    lines = list(csv.DictReader(io.StringIO(archive.read("statement_2022_lines.csv").decode())))
    r1 = [row for row in lines if row["pseudonym"] == world.sos]
    assert [(row["service"], row["units"], row["amount"]) for row in r1] == [
        ("5", str(R1_UNITS), str(R1_AMOUNT))
    ]
    for name in archive.namelist():
        assert_no_identity_code(archive.read(name).decode())
    assert AuditEntry.objects.latest("id").details["files"] == [
        "statement_2022.csv",
        "statement_2022_lines.csv",
        "statement_2022_adjustments.csv",
    ]


@pytest.mark.django_db
def test_chart__an_svg_image_exempt_from_the_page_policy(world, client_for):
    response = client_for("fund_manager").get(reverse("statements:chart"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<?xml")


@pytest.mark.django_db
def test_chart_table__service_names_in_the_pages_language(world, client_for):
    client = client_for("fund_manager")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"

    text = client.get(reverse("statements:list")).content.decode()

    # contract.yaml, services 1 and 5 (the world's deductions) in Finnish.
    assert "Lastensuojelun avohuollon sosiaalityö" in text
    assert "Kodin ulkopuolelle sijoitetut" in text


# ---------------------------------------------------------------------------------------------
# The explanation of a child-year.


def explanation_url(world, year: int = 2022) -> str:
    return reverse("statements:child", kwargs={"year": year, "pseudonym": world.sos})


@pytest.mark.django_db
def test_explanation__payment_equals_the_stored_line_and_the_hand_computation(world, client_for):
    assert weekdays(date(2022, 3, 1), date(2022, 3, 31)) == R1_UNITS
    line = ChildYearLine.objects.get(statement=stored(2022), child__pseudonym=world.sos)
    deduction = DeductionLine.objects.get(statement=stored(2022), child__pseudonym=world.sos)
    assert (line.followup_days, line.base, line.payment) == (
        R1_FOLLOWUP_DAYS,
        R1_BASE,
        R1_PAYMENT,
    )
    assert (deduction.service, deduction.units, deduction.amount) == (5, R1_UNITS, R1_AMOUNT)
    exact = (Decimal(23 * 25_215_000) / Decimal(8_000 * 253)).quantize(CENT, ROUND_HALF_UP)
    assert exact == R1_AMOUNT

    text = client_for("coordinator").get(explanation_url(world)).content.decode()

    assert 'class="badge ok">matches' in text
    assert "differs" not in text
    assert f"EUR 4,000.00 × {R1_FOLLOWUP_DAYS} ÷ 365 = EUR {R1_BASE:,.2f}" in text
    assert "23 working days" in text
    assert "EUR 25,215,000.00 ÷ 8,000 clients ÷ 253 working days" in text
    assert f"23 × EUR 12.458004… = EUR {R1_AMOUNT}" in text  # 3,151.875 ÷ 253 = 12.4580039…
    assert f"max(0, EUR {R1_BASE:,.2f} − EUR {R1_AMOUNT}) = EUR {R1_PAYMENT:,.2f}" in text
    assert "extract_2023-03-31.csv" in text
    assert "2,022" not in text  # a year is not a number with a thousands separator
    assert_no_identity_code(text)


@pytest.mark.django_db
def test_explanation__a_care_day_service_counts_calendar_days(world, client_for):
    # R-3's service 1 from 1 to 10 June 2022, all in follow-up: 10 calendar days (care-day
    # rule, DOMAIN.md 3.2) × EUR 89.30 a care day (2022) = 893.00.
    url = reverse("statements:child", kwargs={"year": 2022, "pseudonym": world.vamos})

    text = client_for("coordinator").get(url).content.decode()

    assert "10 calendar days" in text
    assert "EUR 89.30 per care day" in text
    assert "10 × EUR 89.30 = EUR 893.00" in text
    assert 'class="badge ok">matches' in text


@pytest.mark.django_db
def test_explanation__a_newer_extract_after_approval_does_not_change_the_approved_year(
    world, client_for, tmp_path
):
    from sibyl.web.store.imports import import_register
    from sibyl.web.store.statements import create_statement

    client = client_for("coordinator")
    before = client.get(explanation_url(world)).content.decode()
    newer = tmp_path / "extract_2023-06-30.csv"
    newer.write_text(
        f"hetu,service,start,end,days\n{CODE_1},5,2022-03-01,2022-04-30,\n", encoding="utf-8"
    )
    import_register(newer, world.contract, as_of=date(2023, 6, 30), actor="coordinator")

    after = client.get(explanation_url(world)).content.decode()

    # The approved 2022 statement names only the old extract, so its explanation is the same.
    assert 'class="badge ok">matches' in after
    assert f"= EUR {R1_PAYMENT:,.2f}" in after
    assert "extract_2023-06-30.csv" not in after
    assert after.count("working days") == before.count("working days")
    # The newer extract does change 2022 when the store settles it again: the next statement
    # carries R-1's adjustment. April 2022 adds 19 working days (1; 4–8; 11–14, Good Friday
    # the 15th off; 19–22, Easter Monday the 18th off; 25–29): 42 × 25,215,000 ÷ 2,024,000 =
    # 523.2361… → 523.24; the payment falls by 523.24 − 286.53 = 236.71.
    draft = create_statement("helsinki", 2023, actor="coordinator")
    adjustment = Adjustment.objects.get(statement=draft, year=2022, child__pseudonym=world.sos)
    assert adjustment.difference == Decimal("-236.71")


@pytest.mark.django_db
def test_explanation__spells_changed_after_approval__the_page_says_it_differs(world, client_for):
    from sibyl.web.store.enrolment import exit_child

    exit_child("helsinki", world.sos, date(2022, 7, 1), "moved_out", actor="coordinator")

    text = client_for("coordinator").get(explanation_url(world)).content.decode()

    assert "The figures recomputed now differ from the statement's stored line." in text
    # Stored: 363 days and EUR 3,978.08. Now: 2022-01-03 … 2022-06-30 (the exit day is not in
    # follow-up) = 29 + 28 + 31 + 30 + 31 + 30 = 179 days; 4,000 × 179 ÷ 365 = 1,961.6438… →
    # 1,961.64. Service 5 in March is inside the spell, so its 23 days still count.
    assert f"{R1_BASE:,.2f}" in text
    assert "EUR 4,000.00 × 179 ÷ 365 = EUR 1,961.64" in text
    assert "max(0, EUR 1,961.64 − EUR 286.53) = EUR 1,675.11" in text
    # Follow-up days, base and payment differ; the deductions and service 5's line do not.
    assert text.count('class="badge bad">differs') == 3


@pytest.mark.django_db
def test_explanation__each_service_comes_from_the_extract_the_statement_used_for_it(
    world, client_for, tmp_path
):
    from sibyl.web.store.explain import statement_extracts
    from sibyl.web.store.imports import import_register
    from sibyl.web.store.statements import create_statement

    # Rule (docs/store.md): for each service the newest extract covering it is used. B covers
    # 1–8 only, so the 2023 draft takes service 9 from the world's extract A and 1–8 from B.
    b_file = tmp_path / "b_services_1-8.csv"
    b_file.write_text(f"hetu,service,start,end\n{CODE_1},5,2023-02-01,2023-02-28\n")
    import_register(
        b_file, world.contract, as_of=date(2023, 6, 30), actor="coordinator", services=range(1, 9)
    )
    draft = create_statement("helsinki", 2023, actor="coordinator")
    # C, imported after the draft, covers everything; the draft still names A and B only.
    c_file = tmp_path / "c_all.csv"
    c_file.write_text(f"hetu,service,start,end\n{CODE_1},5,2023-02-01,2023-03-31\n")
    import_register(c_file, world.contract, as_of=date(2023, 9, 30), actor="coordinator")

    used = [(u.register_import.file_name, u.services) for u in statement_extracts(draft)]
    text = (
        client_for("coordinator")
        .get(reverse("statements:child", kwargs={"year": 2023, "pseudonym": world.sos}))
        .content.decode()
    )

    assert used == [("extract_2023-03-31.csv", [9]), ("b_services_1-8.csv", list(range(1, 9)))]
    assert "c_all.csv" not in text
    # February 2023 from B: 1 February is a Wednesday; Mon–Fri days 1–3 (3), 6–10, 13–17,
    # 20–24 (15), 27–28 (2) = 20, no public holiday in February.
    assert weekdays(date(2023, 2, 1), date(2023, 2, 28)) == 20
    assert "20 working days" in text
    assert 'class="badge ok">matches' in text


@pytest.mark.django_db
def test_explanation__a_statement_of_another_contract_version_uses_its_stored_text(world):
    from dataclasses import replace

    from sibyl.web.store.explain import explain_child_year

    statement = stored(2022)
    # As if the contract file had been changed since: its SHA-256 is not the statement's, so
    # the version the statement recorded is loaded from the store.
    changed = replace(world.contract, sha256="0" * 64)

    result = explain_child_year(statement, world.sos, current=changed)

    assert result.contract.sha256 == statement.contract_sha256
    assert result.contract.prices.sha256 == statement.price_list_sha256
    assert result.matches
    assert result.explanation.payment == R1_PAYMENT
