"""Register extracts (coordinator): the city's register system pushes an extract; the reports.

``POST /imports/register`` takes the file as multipart form data with ``as_of`` and optional
``services`` and stores it through :func:`sibyl.web.store.imports.import_register`, all or
nothing: a file that cannot be used answers 400 with the store's sentence and stores nothing;
the same file again answers 200 with ``already_imported: true`` and changes nothing; a new file
answers 201 with its report. Rejected rows are kept (identity codes masked) and listed by
``GET /imports/{id}/rejects``, a read written to the audit log.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from django.http import HttpRequest
from ninja import File, Form
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from sibyl.errors import SibylInputError
from sibyl.register.reader import displayable
from sibyl.web.accounts import scopes
from sibyl.web.accounts.roles import Role
from sibyl.web.api.auth import Operations, caller
from sibyl.web.api.schemas import Day, ImportOut, ImportReportOut, ImportResultOut, RejectOut
from sibyl.web.audit import log as audit
from sibyl.web.imports.models import RegisterImport
from sibyl.web.store.imports import effective_imports, import_register
from sibyl.web.ui.contracts import contract_of

router = Operations(tags=["imports"])

MAX_SERVICES = 99
SUFFIXES = (".csv", ".txt", ".xlsx")


def parse_services(text: str | None) -> list[int] | None:
    """``"1-8"`` or ``"1,2,9"`` (or both, ``"1-3,9"``) as service codes; empty is all."""
    if text is None or not text.strip():
        return None
    codes: set[int] = set()
    for part in text.replace(" ", "").split(","):
        low, dash, high = part.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise SibylInputError(
                f"services {displayable(text)!r} is not a list of service codes",
                None,
                "write e.g. 1-8 or 1,2,9",
            )
        first, last = int(low), int(high) if dash else int(low)
        if last < first or last > MAX_SERVICES:
            raise SibylInputError(
                f"services {displayable(text)!r} has the range {part!r}, which is not a range of "
                "service codes",
                None,
                "write the lower code first, e.g. 1-8",
            )
        codes.update(range(first, last + 1))
    return sorted(codes)


def upload_name(name: str | None) -> str:
    """A safe file name for the upload, kept with the import: its last part, no odd characters,
    an identity code masked; the suffix tells the reader the format (CSV by default)."""
    base = Path((name or "").replace("\\", "/")).name
    base = re.sub(r"[^\w.\-]+", "_", displayable(base)).strip("._")[:100] or "extract"
    if not base.lower().endswith(SUFFIXES):
        base += ".csv"
    return base


def _report(row: RegisterImport, used: dict[int, RegisterImport]) -> dict:
    return {
        **_summary(row),
        "warnings": [
            {"line": w.get("line"), "column": w.get("column"), "message": w.get("message", "")}
            for w in row.warnings
        ],
        "used_for": sorted(service for service, chosen in used.items() if chosen.pk == row.pk),
    }


def _summary(row: RegisterImport) -> dict:
    return {
        "id": row.id,
        "file_name": row.file_name,
        "sha256": row.sha256,
        "as_of": row.as_of,
        "services": [int(code) for code in row.services],
        "identifier": row.identifier,
        "rows": row.rows,
        "accepted": row.accepted,
        "rejected": row.rejected,
        "duplicates": row.duplicates,
        "outside_cohort": row.outside_cohort,
        "imported_at": row.imported_at,
        "imported_by": row.imported_by,
    }


def _one(request: HttpRequest, import_id: int) -> RegisterImport:
    row = scopes.register_imports(caller(request).profile).filter(pk=import_id).first()
    if row is None:
        raise HttpError(404, f"there is no register import {import_id} that you may see")
    return row


@router.post(
    "/imports/register",
    roles=(Role.COORDINATOR,),
    response={201: ImportResultOut, 200: ImportResultOut},
    errors=(400,),
)
def push_register(
    request: HttpRequest,
    file: File[UploadedFile],
    as_of: Form[Day],
    services: Form[str | None] = None,
):
    """Store a register extract (CSV or Excel) as of ``as_of``, all or nothing. ``services``
    says which services it covers (``1-8``, ``1,2,9``; default all the contract's). A new file
    answers 201 with its report, a file already stored 200 with ``already_imported: true``, a
    file that cannot be used 400 (nothing stored)."""
    who = caller(request)
    contract = contract_of(who.profile.contract_id)
    codes = parse_services(services)
    with tempfile.TemporaryDirectory(prefix="sibyl-upload-") as folder:
        path = Path(folder) / upload_name(file.name)
        with path.open("wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        try:
            result = import_register(
                path, contract, as_of=as_of, actor=who.username, services=codes
            )
        except SibylInputError as problem:
            # The store names the file by its path: name it as the client sent it.
            message = problem.message.replace(f"{folder}/", "").replace(folder, "")
            raise SibylInputError(message) from None
    used = effective_imports(contract.id)
    body = {**_report(result.register_import, used), "already_imported": result.already_imported}
    return Status(200 if result.already_imported else 201, body)


@router.get("/imports", roles=(Role.COORDINATOR,), response=list[ImportOut])
def list_register_imports(request: HttpRequest):
    """The contract's register imports, oldest first (by as-of date, then import time)."""
    rows = scopes.register_imports(caller(request).profile).order_by("as_of", "imported_at", "id")
    return [_summary(row) for row in rows]


@router.get("/imports/{import_id}", roles=(Role.COORDINATOR,), response=ImportReportOut)
def get_register_import(request: HttpRequest, import_id: int):
    """One import's report: counts, warnings, and the services it is used for."""
    row = _one(request, import_id)
    return _report(row, effective_imports(row.contract_id))


@router.get("/imports/{import_id}/rejects", roles=(Role.COORDINATOR,), response=list[RejectOut])
def get_register_rejects(request: HttpRequest, import_id: int):
    """The import's rejected rows (line, column, value with any identity code masked, reason),
    for the city to fix at the source. Written to the audit log."""
    row = _one(request, import_id)
    rejects = list(row.rejects.order_by("line", "id"))
    audit.record(
        "import.rejects_export",
        actor=caller(request).username,
        object_type="register_import",
        object_id=row.id,
        contract_id=row.contract_id,
        details={"file": row.file_name, "rows": len(rejects), "via": "api"},
    )
    return [
        {"line": r.line, "column": r.column, "value": displayable(r.value), "reason": r.reason}
        for r in rejects
    ]
