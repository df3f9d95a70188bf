"""Pages of the imports area: the register extracts, the upload, the import report, the rejects.

Only the coordinator sees them (register data is personal data; the provider never sees it). An
upload is saved to a temporary folder under its original name, stored by
``store.imports.import_register`` (all or nothing) and deleted; only the store keeps its rows.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sibyl.contract import Contract
from sibyl.errors import SibylInputError
from sibyl.web.accounts import scopes
from sibyl.web.accounts.access import allow
from sibyl.web.accounts.roles import Role
from sibyl.web.imports.forms import UploadForm
from sibyl.web.imports.models import RegisterImport
from sibyl.web.store.imports import ImportResult, effective_imports, export_rejects, import_register
from sibyl.web.ui.contracts import contract_of, localised

REJECTS_PER_PAGE = 100
REJECTS_IN_UPLOAD_REPORT = 20


def services_text(codes) -> str:
    """Service codes as short ranges: ``[1, 2, 3, 4, 9]`` → ``1–4, 9``."""
    ordered = sorted({int(code) for code in codes})
    parts: list[str] = []
    start = previous = None
    for code in [*ordered, None]:
        if code is not None and previous is not None and code == previous + 1:
            previous = code
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = code
    return ", ".join(parts)


def _service_name(contract: Contract, code: int) -> str:
    service = contract.services.get(int(code))
    return localised(service.name) if service else str(code)


def _usage(contract: Contract, register_import: RegisterImport, effective) -> list[dict]:
    """For each service the import covers: whether it is the one in use, or which one is."""
    rows = []
    for code in sorted(int(c) for c in register_import.services):
        used = effective.get(code)
        rows.append(
            {
                "code": code,
                "name": _service_name(contract, code),
                "in_use": used is not None and used.id == register_import.id,
                "used": used,
            }
        )
    return rows


def _report_context(request: HttpRequest, register_import: RegisterImport, *, page_size: int):
    contract = contract_of(register_import.contract_id)
    effective = effective_imports(register_import.contract_id)
    rejects = register_import.rejects.order_by("line", "id")
    return {
        "imp": register_import,
        "services_text": services_text(register_import.services),
        "usage": _usage(contract, register_import, effective),
        "rejects": Paginator(rejects, page_size).get_page(request.GET.get("page")),
    }


def _list_context(request: HttpRequest, contract: Contract) -> dict:
    """The extracts, newest first, and which one is in use for each service."""
    effective = effective_imports(contract.id)
    imports = list(scopes.register_imports(request.profile).order_by("-as_of", "-imported_at"))
    for register_import in imports:
        register_import.serves = services_text(
            code for code, used in effective.items() if used.id == register_import.id
        )
        register_import.covers = services_text(register_import.services)
    in_use = [
        {"code": code, "name": _service_name(contract, code), "used": effective.get(code)}
        for code in sorted(contract.services)
    ]
    return {"imports": imports, "in_use": in_use}


@allow(Role.COORDINATOR)
def import_list(request: HttpRequest) -> HttpResponse:
    """The extracts in the store and the one in use for each service; the upload form."""
    contract = contract_of(request.profile.contract_id)
    context = _list_context(request, contract) | {"form": UploadForm(contract=contract)}
    return render(request, "imports/list.html", context)


def _store_upload(form: UploadForm, contract: Contract, actor: str) -> ImportResult:
    """Save the upload under its own name in a temporary folder, import it, delete it."""
    upload = form.cleaned_data["file"]
    name = Path(upload.name).name
    with tempfile.TemporaryDirectory(prefix="sibyl-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            return import_register(
                path,
                contract,
                as_of=form.cleaned_data["as_of"],
                actor=actor,
                services=form.cleaned_data["services"],
            )
        except SibylInputError as exc:
            # The store names the file by its path; the user knows it by its own name.
            message = exc.message.replace(str(path), name).replace(folder + "/", "")
            raise SibylInputError(message) from None


@allow(Role.COORDINATOR, methods=("GET", "POST"))
def upload(request: HttpRequest) -> HttpResponse:
    """Upload an extract (CSV or .xlsx) with its as-of date: stored all or nothing.

    With htmx the answer is the upload panel with the import report (or the form with its
    message); without JavaScript, a redirect to the report."""
    contract = contract_of(request.profile.contract_id)
    htmx = request.headers.get("HX-Request") == "true"
    form = UploadForm(request.POST or None, request.FILES or None, contract=contract)
    status = 200
    report = None
    notice = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                result = _store_upload(form, contract, request.user.get_username())
            except SibylInputError as exc:
                form.add_error(None, exc.message)
            else:
                imported = result.register_import
                if result.already_imported:
                    notice = _(
                        "This file (SHA-256 %(sha)s…) was already imported on %(when)s as "
                        "import %(id)s; nothing changed."
                    ) % {
                        "sha": imported.sha256[:12],
                        "when": localtime(imported.imported_at).strftime("%Y-%m-%d %H:%M"),
                        "id": imported.id,
                    }
                else:
                    notice = ngettext(
                        "The extract %(file)s was imported: %(accepted)s of %(rows)s row "
                        "accepted, %(rejected)s rejected.",
                        "The extract %(file)s was imported: %(accepted)s of %(rows)s rows "
                        "accepted, %(rejected)s rejected.",
                        imported.rows,
                    ) % {
                        "file": imported.file_name,
                        "accepted": imported.accepted,
                        "rows": imported.rows,
                        "rejected": imported.rejected,
                    }
                if not htmx:
                    if result.already_imported:
                        messages.warning(request, notice)
                    else:
                        messages.success(request, notice)
                    return redirect("imports:detail", pk=imported.pk)
                report = _report_context(request, imported, page_size=REJECTS_IN_UPLOAD_REPORT)
                report["already_imported"] = result.already_imported
                form = UploadForm(contract=contract)
        if report is None:
            status = 400
    context = {"form": form, "report": report, "notice": notice}
    if not htmx:
        return render(request, "imports/upload.html", context, status=status)
    # Sent from the list page: its tables of extracts are refreshed too (out of band).
    sent_from = urlsplit(request.headers.get("HX-Current-URL", "")).path
    if report is not None and sent_from == reverse("imports:list"):
        context |= _list_context(request, contract) | {"refresh_list": True}
    return render(request, "imports/_upload_response.html", context, status=status)


@allow(Role.COORDINATOR)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The import report: counts, warnings, rejected rows (masked), the services it is used for."""
    register_import = get_object_or_404(scopes.register_imports(request.profile), pk=pk)
    context = _report_context(request, register_import, page_size=REJECTS_PER_PAGE)
    return render(request, "imports/detail.html", context)


@allow(Role.COORDINATOR)
def rejects(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejected rows (values masked) as CSV, for the city to fix at the source; audited."""
    register_import = get_object_or_404(scopes.register_imports(request.profile), pk=pk)
    with tempfile.TemporaryDirectory(prefix="sibyl-rejects-") as folder:
        path = Path(folder) / "rejects.csv"
        export_rejects(register_import, path, actor=request.user.get_username())
        content = path.read_bytes()
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejects_{register_import.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
