"""The reports pages: the investors' page (public figures, downloads by role) and the annual
report's downloads (the edition a role may take, the language, the audit entry).

Most tests use the world of ``tests/reports/report_world.py`` (10 children, so that the public
edition has figures to show); the small-year cases use the shared web world (2 children).
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings

from reports.report_world import build_world
from sibyl.errors import SibylInputError
from sibyl.reports import edition, render
from sibyl.web.audit.models import AuditEntry
from sibyl.web.store.report import build_report

pypdf = pytest.importorskip("pypdf")


@pytest.fixture
def report_world(db, users, keyring, tmp_path):
    return build_world(tmp_path)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_investor_page__public_figures_and_only_the_public_edition_for_the_investor(
    report_world, client_for
):
    response = client_for("investor").get("/reports/")
    assert response.status_code == 200
    page = response.content.decode()
    # 2022: 10 children, 3 with a deduction (hidden: fewer than 5), invoice 32,606.75;
    # 2023: 9 children, 2 with a deduction (hidden), invoice 31,723.99.
    assert "32,606.75" in page
    assert "31,723.99" in page
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert rows.count('<td class="num">..</td>') >= 4  # with / without a deduction, two years
    assert "/reports/2023/public.pdf?language=en" in page
    assert "/reports/2023/city." not in page


def test_investor_page__coordinator_and_fund_manager_may_take_the_city_edition(
    report_world, client_for
):
    for user in ("coordinator", "fund_manager"):
        page = client_for(user).get("/reports/").content.decode()
        assert "/reports/2023/city.pdf?language=fi" in page, user
        assert "/reports/2023/public.html?language=en" in page, user


def test_download__public_pdf_for_the_investor_is_audited_and_holds_no_pseudonym(
    report_world, client_for
):
    response = client_for("investor").get("/reports/2023/public.pdf?language=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="sibyl-helsinki-2023-public-en.pdf"'
    )
    text = pdf_text(response.content)
    assert "31,723.99" in text
    for pseudonym in report_world.pseudonyms.values():
        assert pseudonym not in text
    entry = AuditEntry.objects.filter(action="report.download").get()
    assert entry.actor == "investor"
    assert (entry.details["year"], entry.details["edition"], entry.details["format"]) == (
        2023,
        "public",
        "pdf",
    )


def test_download__the_fund_managers_city_edition_has_the_annex_by_pseudonym(
    report_world, client_for
):
    response = client_for("fund_manager").get("/reports/2023/city.html?language=en")
    assert response.status_code == 200
    page = response.content.decode()
    assert report_world.pseudonyms["E1"] in page
    assert "Annex: the child-years by pseudonym" in page
    entry = AuditEntry.objects.filter(action="report.download").get()
    assert (entry.actor, entry.details["edition"]) == ("fund_manager", "city")


def test_download__in_the_pages_language_when_none_is_asked(report_world, client_for):
    client = client_for("investor")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    response = client.get("/reports/2023/public.html")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-fi.html"')
    assert '<html lang="fi">' in response.content.decode()


def test_download__the_investor_may_not_take_the_city_edition(report_world, client_for):
    assert client_for("investor").get("/reports/2023/city.pdf").status_code == 403
    assert not AuditEntry.objects.filter(action="report.download").exists()


def test_small_year__no_public_figures_and_the_public_download_says_why(world, client_for):
    # The shared web world's 2022 statement has 2 children: nothing of it is public.
    client = client_for("coordinator")
    page = client.get("/reports/").content.decode()
    assert "Fewer than 5 children were in follow-up" in page
    assert "/reports/2022/public." not in page
    assert "/reports/2022/city.pdf?language=en" in page
    response = client.get("/reports/2022/public.pdf", follow=True)
    assert response.redirect_chain == [("/reports/", 302)]
    assert "fewer than 5 children were in follow-up" in response.content.decode()
    assert not AuditEntry.objects.filter(action="report.download").exists()


def test_no_report_yet__the_page_says_so(users, client_for):
    page = client_for("investor").get("/reports/").content.decode()
    assert "No year has an approved statement yet" in page


def test_draft_year__refused_unless_previewed_and_then_marked_draft(world):
    # The shared web world's 2023 statement is a draft: the report is written from approved
    # statements only, and says how to get one; a preview must be asked for and is marked.
    with pytest.raises(SibylInputError, match=r"still a draft.*approve it first"):
        build_report("helsinki", world.draft_year)
    data = build_report("helsinki", world.draft_year, allow_draft=True)
    assert data.draft
    document = edition.build(data, "city", "en")
    assert document.notes[0].startswith("A preview from the draft statement")
    assert "DRAFT" in pdf_text(render.pdf(document))
