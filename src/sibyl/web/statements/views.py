"""Pages of the statements area: each year's statement, the payments chart, the exports, and (for
the coordinator) creating and approving drafts and the explanation of every child-year.

The fund manager reads and exports statements by pseudonym; only the coordinator creates,
approves and opens the explanations (they show the register's lines of each child).
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.timezone import localdate
from django.utils.translation import gettext as _

from sibyl.contract import Contract
from sibyl.errors import SibylInputError
from sibyl.reports.charts import YearPayments, payments_chart
from sibyl.settlement.explain import RowExplanation
from sibyl.web.accounts import scopes
from sibyl.web.accounts.access import allow
from sibyl.web.accounts.roles import Role
from sibyl.web.imports.models import RegisterImport
from sibyl.web.statements.forms import CreateStatementForm
from sibyl.web.statements.models import (
    Adjustment,
    ChildYearLine,
    DeductionLine,
    DetailLine,
    Statement,
)
from sibyl.web.store import aggregates
from sibyl.web.store.explain import StoredExplanation, explain_child_year
from sibyl.web.store.statements import (
    approve_statement,
    create_statement,
    export_statement,
    stored_component_totals,
)
from sibyl.web.ui.charts import chart_view, svg_response
from sibyl.web.ui.contracts import contract_of, localised

LINES_PER_PAGE = 50
FUND_MANAGER_PART = "statements by pseudonym, to read and export; no drafts made or approved"


def _service_names(contract: Contract) -> dict[int, str]:
    return {code: localised(service.name) for code, service in contract.services.items()}


def _statement_of_year(request: HttpRequest, year: int) -> Statement:
    """The year's approved statement, else its draft, within the user's scope (404 if none)."""
    rows = scopes.statements(request.profile).filter(year=year)
    statement = (
        rows.filter(status=Statement.APPROVED).first()
        or rows.filter(status=Statement.DRAFT).first()
    )
    if statement is None:
        raise Http404("no statement for this year")
    return statement


# ---------------------------------------------------------------------------------------------
# The list, the create form and the chart.


def _years_for_chart(contract_id: str, contract: Contract) -> list[YearPayments]:
    statements = aggregates.statements_by_year(contract_id)
    deductions = aggregates.deductions_by_year_and_service(statements)
    return [
        YearPayments(
            year=statement.year,
            base=statement.base,
            payable=statement.payable,
            deductions_by_service=deductions.get(statement.year, {}),
        )
        for statement in statements
    ]


def _list_page(request: HttpRequest, form: CreateStatementForm, status: int = 200):
    contract_id = request.profile.contract_id
    contract = contract_of(contract_id)
    statements = list(scopes.statements(request.profile).order_by("-year", "status", "-id"))
    years = _years_for_chart(contract_id, contract)
    names = _service_names(contract)
    services = sorted({code for year in years for code in year.deductions_by_service})
    chart_rows = [
        {
            "year": year.year,
            "base": year.base,
            "payable": year.payable,
            "deductions": [
                year.deductions_by_service.get(code, Decimal("0.00")) for code in services
            ],
        }
        for year in years
    ]
    return render(
        request,
        "statements/list.html",
        {
            "statements": statements,
            "form": form,
            "can_act": request.profile.role == Role.COORDINATOR,
            "chart_rows": chart_rows,
            "chart_services": [(code, names.get(code, str(code))) for code in services],
        },
        status=status,
    )


@allow(Role.COORDINATOR, Role.FUND_MANAGER, only={Role.FUND_MANAGER: FUND_MANAGER_PART})
def statement_list(request: HttpRequest) -> HttpResponse:
    """Each year's statements with their totals and the payments chart; the create form."""
    # The year most often settled next: last year (the register is read after the year ends).
    return _list_page(request, CreateStatementForm(initial={"year": localdate().year - 1}))


@allow(Role.COORDINATOR, methods=("POST",))
def create(request: HttpRequest) -> HttpResponse:
    """Settle a year as a draft (replacing that year's draft)."""
    form = CreateStatementForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            create_statement(request.profile.contract_id, year, actor=request.user.get_username())
        except SibylInputError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The draft statement for %(year)s was created. Check it, then approve it.")
                % {"year": year},
            )
            return redirect("statements:detail", year=year)
    return _list_page(request, form, status=400)


@allow(Role.COORDINATOR, Role.FUND_MANAGER)
@chart_view
def chart(request: HttpRequest) -> HttpResponse:
    """The yearly outcome payments beside the deductions stacked by service, and the base."""
    contract_id = request.profile.contract_id
    contract = contract_of(contract_id)
    svg = payments_chart(
        _years_for_chart(contract_id, contract),
        _service_names(contract),
        labels={
            "title": _("Outcome payments and deductions by year"),
            "payment": _("outcome payment"),
            "base": _("base (before deductions)"),
            "euros": _("EUR thousand"),
        },
    )
    return svg_response(svg)


# ---------------------------------------------------------------------------------------------
# One year's statement, its approval and its exports.


def _extracts(statement: Statement, *, link: bool) -> list[dict]:
    imports = (
        {
            imp.sha256: imp.pk
            for imp in RegisterImport.objects.filter(
                contract_id=statement.contract_id,
                sha256__in=[entry["sha256"] for entry in statement.extracts],
            )
        }
        if link
        else {}
    )
    return [
        {
            "file": entry["file"],
            "sha256": entry["sha256"],
            "as_of": date.fromisoformat(entry["as_of"]),
            "services": entry["services"],
            "pk": imports.get(entry["sha256"]),
        }
        for entry in statement.extracts
    ]


def _details_summary(statement: Statement) -> list[dict]:
    """The mechanisms' detail lines of the statement, by component, kind, item and status."""
    return list(
        DetailLine.objects.filter(statement=statement)
        .values("component", "kind", "item", "status")
        .annotate(lines=Count("id"), children=Count("child", distinct=True), amount=Sum("amount"))
        .order_by("component", "kind", "item", "status")
    )


def _detail_page(request: HttpRequest, statement: Statement, *, error: str = "", status=200):
    contract = contract_of(statement.contract_id)
    names = _service_names(contract)
    coordinator = request.profile.role == Role.COORDINATOR
    by_service = [
        {**row, "name": names.get(row["service"], str(row["service"]))}
        for row in DeductionLine.objects.filter(statement=statement)
        .values("service")
        .annotate(children=Count("child", distinct=True), units=Sum("units"), amount=Sum("amount"))
        .order_by("service")
    ]
    query = request.GET.get("q", "").strip()
    lines = ChildYearLine.objects.filter(statement=statement).select_related("child")
    if query:
        lines = lines.filter(child__pseudonym__icontains=query)
    page = Paginator(lines.order_by("child__pseudonym"), LINES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    adjustments = (
        Adjustment.objects.filter(statement=statement)
        .select_related("child")
        .order_by("year", "child__pseudonym")
    )
    adjustment_years = (
        adjustments.values("year")
        .annotate(
            children=Count("child"),
            approved=Sum("approved_payment"),
            recomputed=Sum("recomputed_payment"),
            difference=Sum("difference"),
        )
        .order_by("year")
    )
    labels = contract.labels
    components = stored_component_totals(statement)
    return render(
        request,
        "statements/detail.html",
        {
            "statement": statement,
            "labels": {
                "base": _(labels.base),
                "deduction": _(labels.deduction),
                "payment": _(labels.payment),
                "by_service": _(labels.by_service),
            },
            "components": components if len(components) > 1 else [],
            "details": _details_summary(statement),
            "approved": statement.status == Statement.APPROVED,
            "can_act": coordinator,
            "extracts": _extracts(statement, link=coordinator),
            "by_service": by_service,
            "page": page,
            "query": query,
            "adjustments": adjustments,
            "adjustment_years": adjustment_years,
            "error": error,
        },
        status=status,
    )


@allow(Role.COORDINATOR, Role.FUND_MANAGER, only={Role.FUND_MANAGER: FUND_MANAGER_PART})
def detail(request: HttpRequest, year: int) -> HttpResponse:
    """A year's statement (approved, else the draft): totals, inputs, lines, adjustments."""
    return _detail_page(request, _statement_of_year(request, year))


@allow(Role.COORDINATOR, methods=("POST",))
def approve(request: HttpRequest, year: int) -> HttpResponse:
    """Approve the year's draft: from then on it never changes."""
    statement = _statement_of_year(request, year)
    if statement.status == Statement.APPROVED:
        message = _(
            "The statement for %(year)s is already approved, and an approved statement never "
            "changes; later corrections are settled as adjustments in the next statement."
        ) % {"year": year}
        return _detail_page(request, statement, error=message, status=400)
    try:
        approved = approve_statement(statement.contract_id, year, actor=request.user.get_username())
    except SibylInputError as exc:
        return _detail_page(request, statement, error=exc.message, status=400)
    messages.success(
        request,
        _("The statement for %(year)s is approved; from now on it never changes.")
        % {"year": approved.year},
    )
    return redirect("statements:detail", year=year)


EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
}


@allow(Role.COORDINATOR, Role.FUND_MANAGER, only={Role.FUND_MANAGER: FUND_MANAGER_PART})
def export(request: HttpRequest, year: int, fmt: str) -> FileResponse:
    """The statement by pseudonym: a workbook, or its three CSV files zipped; audited.

    ``xlsx``: one workbook (totals, child-years, deductions, adjustments). ``csv``: the three CSV
    files the store writes (child-years, deduction lines, adjustments) in one zip, because the
    child-year file alone would leave out the deduction lines and the adjustments that the invoice
    total depends on, and the audit entry names all three.
    """
    if fmt not in EXPORT_TYPES:
        raise Http404("no such format")
    statement = _statement_of_year(request, year)
    # An anonymous temporary file, deleted when the response has streamed and closed it.
    stream = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        with tempfile.TemporaryDirectory(prefix="sibyl-export-") as folder:
            out = Path(folder) / f"statement_{year}.{fmt}"
            written = export_statement(statement, out, actor=request.user.get_username())
            if fmt == "csv":
                with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
                    for path in written:
                        archive.write(path, arcname=path.name)
                filename = f"statement_{year}_csv.zip"
            else:
                with out.open("rb") as source:
                    shutil.copyfileobj(source, stream)
                filename = out.name
    except BaseException:
        stream.close()
        raise
    stream.seek(0)
    response = FileResponse(
        stream, as_attachment=True, filename=filename, content_type=EXPORT_TYPES[fmt]
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# The explanation of one child-year.


@dataclass
class RowView:
    """A register row of the explanation, with what the page says about how it counted."""

    row: RowExplanation
    counted_days: int
    working_days: int | None
    period_days: int | None  # calendar days of the row's period (for care days allocated)
    ongoing: bool
    cut_at_as_of: bool


def _row_views(stored: StoredExplanation, basis: str, rows: list[RowExplanation]) -> list[RowView]:
    as_of = stored.statement.as_of
    calendar = stored.contract.calendar
    views = []
    for row in rows:
        counted_days = sum((last - first).days + 1 for first, last in row.counted)
        views.append(
            RowView(
                row=row,
                counted_days=counted_days,
                working_days=sum(calendar.working_days(a, b) for a, b in row.counted)
                if basis == "working_day"
                else None,
                period_days=((row.end or as_of) - row.start).days + 1
                if basis == "care_day" and row.days is not None
                else None,
                ongoing=row.end is None,
                cut_at_as_of=row.end is not None and row.end > as_of,
            )
        )
    return views


def _price_text(price: Decimal) -> str:
    """A unit price: to the cent when it is whole cents, else to 6 decimals (the amount is
    computed from the exact fraction, as the engine does)."""
    if price == price.quantize(Decimal("0.01")):
        return f"{price:.2f}"
    return f"{price:.6f}…"


def _comparison(stored: StoredExplanation, names: dict[int, str]) -> list[dict]:
    """The stored line beside the figures recomputed now, row by row."""
    line, now = stored.line, stored.explanation
    labels = stored.labels
    rows = [
        {"label": _("Follow-up days"), "stored": line.followup_days, "now": now.followup_days},
        {"label": _(labels.base), "stored": line.base, "now": now.base, "money": True},
    ]
    stored_lines = {row.service: row for row in stored.stored_deductions}
    now_lines = {item.service: item for item in now.services}
    zero = Decimal("0.00")
    for code in sorted(set(stored_lines) | set(now_lines)):
        before, after = stored_lines.get(code), now_lines.get(code)
        label = _("Service %(code)s %(name)s") % {"code": code, "name": names.get(code, "")}
        rows.append(
            {
                "label": label + " · " + _("units"),
                "stored": before.units if before else 0,
                "now": after.units if after else 0,
            }
        )
        rows.append(
            {
                "label": label + " · " + _("amount"),
                "stored": before.amount if before else zero,
                "now": after.amount if after else zero,
                "money": True,
            }
        )
    rows += [
        {
            "label": _(labels.deduction),
            "stored": line.deduction,
            "now": now.deduction,
            "money": True,
        },
        {"label": _(labels.payment), "stored": line.payment, "now": now.payment, "money": True},
    ]
    for row in rows:
        row["differs"] = row["stored"] != row["now"]
    return rows


def _explanation_context(stored: StoredExplanation) -> dict:
    contract = stored.contract
    names = _service_names(contract)
    services = []
    for item in stored.explanation.services:
        services.append(
            {
                "item": item,
                "name": names.get(item.service, item.name),
                "rows": _row_views(stored, item.basis, item.rows),
                "price": contract.prices.get(stored.statement.year, item.service),
                "price_text": _price_text(item.unit_price),
                "with_days": any(row.days is not None for row in item.rows),
            }
        )
    return {
        "services": services,
        "several_components": len(stored.explanation.components) > 1,
        "comparison": _comparison(stored, names),
        "extracts_used": [
            {
                "imp": use.register_import,
                "services": ", ".join(str(code) for code in use.services),
            }
            for use in stored.extracts
        ],
    }


@allow(Role.COORDINATOR)
def child(request: HttpRequest, year: int, pseudonym: str) -> HttpResponse:
    """How the statement's payment for one child was computed, from the statement's inputs."""
    statement = _statement_of_year(request, year)
    line = (
        ChildYearLine.objects.filter(statement=statement, child__pseudonym=pseudonym)
        .select_related("child")
        .first()
    )
    if line is None:
        raise Http404("no such child in this statement")
    context: dict = {"statement": statement, "line": line, "pseudonym": pseudonym}
    try:
        stored = explain_child_year(
            statement, pseudonym, current=contract_of(statement.contract_id)
        )
    except SibylInputError as exc:
        context["error"] = exc.message
    else:
        context |= {
            "stored": stored,
            "explanation": stored.explanation,
            **_explanation_context(stored),
        }
    return render(request, "statements/child.html", context)
