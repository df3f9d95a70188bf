"""The reports area: the investors' page and the annual report's downloads (issue 7).

* ``reports:investor`` (``/reports/``): the investor's main page (the coordinator and the fund
  manager see it too): for every year with an approved statement, the figures of the **public**
  edition (a year with fewer than 5 children shows none; the children with or without a
  deduction only where the public payments table shows them), the investors' XIRR to date, and
  the downloads the role may take.
* ``reports:download`` (``/reports/<year>/<edition>.<fmt>``): one edition of the year's report
  as PDF or HTML, in the page's language (``?language=fi|en`` chooses). The **city** edition
  has a pseudonymised child-level annex: the coordinator may take it, and so may the fund
  manager (DOMAIN.md 4 lets the fund manager see pseudonymised statements, which is what the
  annex is); the investor may take only the **public** edition. Every download is written to
  the audit log (``report.download``).

A year without an approved statement has no report (404): a draft is previewed from the
command line only (``sibyl report --draft``), never handed out from here.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sibyl.errors import SibylInputError
from sibyl.reports.edition import EDITIONS, key_figures
from sibyl.reports.numbers import LANGUAGES
from sibyl.reports.suppression import is_small
from sibyl.web.accounts.access import allow
from sibyl.web.accounts.roles import Role
from sibyl.web.store.fund import position
from sibyl.web.store.report import (
    FORMATS,
    build_report,
    record_output,
    report_bytes,
    report_years,
    statement_for_report,
    year_summaries,
)
from sibyl.web.ui.contracts import contract_of

CITY_EDITION_ROLES = (Role.COORDINATOR, Role.FUND_MANAGER)
ONLY = {
    Role.INVESTOR: "the public edition only (counts below 5 suppressed), no child-level annex",
}
CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def _editions(profile) -> list[str]:
    """The editions the user's role may download: the public one for all three, the city's
    (with the pseudonymised annex) for the coordinator and the fund manager."""
    if profile.role in CITY_EDITION_ROLES:
        return ["public", "city"]
    return ["public"]


LANGUAGE_NAMES = {"fi": "suomi", "en": "English"}


def _downloads(year: int, editions: list[str], published: bool) -> list[tuple[str, list]]:
    """Per edition the year's links: each format in each language. A year whose public edition
    would show nothing (fewer than 5 children) offers only the city's."""
    names = {"public": _("Public"), "city": _("City's")}
    found = []
    for edition in editions:
        if edition == "public" and not published:
            continue
        links = [
            (
                reverse("reports:download", args=[year, edition, fmt]) + f"?language={code}",
                code,
                f"{fmt.upper()} {code}",
                LANGUAGE_NAMES[code],
            )
            for fmt in reversed(FORMATS)
            for code in LANGUAGE_NAMES
        ]
        found.append((names[edition], links))
    return found


def _page_language() -> str:
    """The report's language for the page's: Finnish for Finnish, English otherwise (the report
    has no Swedish edition yet)."""
    return "fi" if (get_language() or "en").startswith("fi") else "en"


@allow(Role.COORDINATOR, Role.FUND_MANAGER, Role.INVESTOR, only=ONLY)
def investor(request: HttpRequest) -> HttpResponse:
    profile = request.profile
    contract = contract_of(profile.contract_id)
    editions = _editions(profile)
    years = [
        key_figures(year, payments, public=True) for year, payments in year_summaries(contract.id)
    ]
    fund = position(contract.id, timezone.localdate())
    latest = next((f for f in reversed(years) if f.published), None)
    return render(
        request,
        "reports/investor.html",
        {
            "years": [(f, _downloads(f.year, editions, f.published)) for f in years],
            "latest": latest,
            "xirr": None if fund.xirr is None else round(fund.xirr, 4),
            "city_edition": "city" in editions,
        },
    )


@allow(Role.COORDINATOR, Role.FUND_MANAGER, Role.INVESTOR, only=ONLY)
def download(request: HttpRequest, year: int, edition: str, fmt: str) -> HttpResponse:
    profile = request.profile
    if edition not in EDITIONS or fmt not in FORMATS:
        raise Http404("no such edition or format")
    if edition not in _editions(profile):
        raise PermissionDenied("the city's edition holds pseudonymised personal data")
    if year not in report_years(profile.contract_id):
        raise Http404("no approved statement for that year")
    language = request.GET.get("language") or _page_language()
    if language not in LANGUAGES:
        return HttpResponseBadRequest(
            _("The report is written in Finnish (fi) and English (en); choose one of them.")
        )
    if edition == "public" and is_small(
        statement_for_report(profile.contract_id, year).children
    ):  # refused before the report is built (as editions.build would refuse it)
        messages.error(
            request,
            _(
                "The public edition of %(year)s cannot be written: fewer than 5 children were in "
                "follow-up, so every figure would reveal a small group; the city's edition has "
                "them."
            )
            % {"year": year},
        )
        return redirect("reports:investor")
    actor = request.user.get_username()
    data = build_report(profile.contract_id, year, actor=actor)
    try:
        content, document = report_bytes(data, edition, fmt, language)
    except SibylInputError as exc:
        messages.error(request, exc.message)
        return redirect("reports:investor")
    name = f"sibyl-{data.contract_id}-{year}-{edition}-{language}.{fmt}"
    record_output(data, document, actor=actor, fmt=fmt, where=name, action="report.download")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
