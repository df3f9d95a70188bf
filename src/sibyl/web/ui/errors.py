"""The pages of refusal and failure (403, 404, 500, a failed CSRF check), in the site's layout.

A refusal of a signed-in user is written to the audit log (who, which page); a path that looks
like it holds an identity code is masked there like everywhere else.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from sibyl.web.ui.masking import masked_path

REASONS = {
    "role": "role",
    "no_role": "no_role",
    "no_rule": "no_rule",
    "scope": "scope",
}


def _render(request: HttpRequest, template: str, status: int, **context) -> HttpResponse:
    return HttpResponse(render_to_string(template, context, request=request), status=status)


def forbidden(request: HttpRequest, *, reason: str = "role") -> HttpResponse:
    """403, written to the audit log when somebody is signed in."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from sibyl.web.audit import log as audit

        profile = getattr(request, "profile", None)
        audit.record(
            "access.denied",
            actor=user.get_username(),
            object_type="page",
            object_id=masked_path(request.path)[:128],
            contract_id=getattr(profile, "contract_id", "") or "",
            details={"method": request.method, "reason": REASONS.get(reason, "role")},
        )
    return _render(request, "403.html", 403, reason=reason)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _render(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_to_string("500.html"), status=500)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return forbidden(request, reason="scope")
