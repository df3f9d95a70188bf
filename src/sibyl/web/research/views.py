"""Pages of the research area: the evaluator's pseudonymised research extracts (DOMAIN.md 4).

The evaluator sees each extract of their contract (description, columns, rows today) with its
download links, and their own download history from the audit log. Every download is built,
encoded and written to the audit log by :func:`sibyl.web.store.research.download`; the coordinator
has the command line, other roles have no access.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sibyl.errors import SibylInputError
from sibyl.web.accounts.access import allow
from sibyl.web.accounts.roles import Role
from sibyl.web.store import research
from sibyl.web.ui.contracts import contract_title


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    profile = request.profile
    listing = None
    if not error:
        try:
            listing = research.catalogue(profile.contract_id)
        except SibylInputError as exc:  # e.g. the server's keys are missing: say so, no 500
            error, status = exc.message, 503
    return render(
        request,
        "research/extracts.html",
        {
            "listing": listing,
            "formats": list(research.FORMATS.values()),
            "history": research.download_history(profile.contract_id, request.user.get_username()),
            "contract_name": contract_title(profile.contract_id),
            "error": error,
        },
        status=status,
    )


@allow(Role.EVALUATOR)
def extracts(request: HttpRequest) -> HttpResponse:
    """The extracts of the evaluator's contract, and the evaluator's own downloads."""
    return _page(request)


@allow(Role.EVALUATOR)
def download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """One extract as a file; the download is written to the audit log before it is sent."""
    try:
        research.extract_named(name)
        chosen = research.format_named(fmt)
    except research.UnknownExtract:
        raise Http404 from None
    if request.method == "HEAD":
        # A HEAD request sends no file, so nothing is built and no download is logged.
        return HttpResponse(content_type=chosen.media_type, headers=_private())
    try:
        sent = research.download(
            request.profile.contract_id, name, fmt, actor=request.user.get_username()
        )
    except SibylInputError as exc:
        return _page(request, error=exc.message, status=503)
    return HttpResponse(
        sent.content,
        content_type=sent.media_type,
        headers={
            **_private(),
            "Content-Disposition": f'attachment; filename="{sent.filename}"',
            "X-Content-SHA256": sent.sha256,
        },
    )


def _private() -> dict[str, str]:
    """Pseudonymised personal data: never kept by a browser or a shared cache."""
    return {"Cache-Control": "no-store, private"}
