"""The administrator's audit log: entries newest first, filtered, and the chain checked."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sibyl.web.accounts.access import allow
from sibyl.web.accounts.roles import Role
from sibyl.web.audit import log as audit
from sibyl.web.audit.models import AuditEntry

PAGE_SIZE = 50


@allow(Role.ADMINISTRATOR)
def log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, filtered by who and what."""
    entries = AuditEntry.objects.order_by("-id")
    actor = request.GET.get("actor", "").strip()
    action = request.GET.get("action", "").strip()
    if actor:
        entries = entries.filter(actor__icontains=actor)
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    actions = sorted(set(AuditEntry.objects.values_list("action", flat=True).distinct()))
    query = urlencode({k: v for k, v in (("actor", actor), ("action", action)) if v})
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "actor": actor,
            "action": action,
            "actions": actions,
            "query": query,
            "verification": request.session.pop("audit_verification", None),
        },
    )


@allow(Role.ADMINISTRATOR, methods=("POST",))
def verify(request: HttpRequest) -> HttpResponse:
    """``sibyl audit verify`` from the page: walk the chain, name the first entry that breaks it."""
    result = audit.verify()
    audit.record(
        "audit.verify",
        actor=request.user.get_username(),
        object_type="audit",
        details={"ok": result.ok, "entries": result.entries},
    )
    request.session["audit_verification"] = {
        "ok": result.ok,
        "entries": result.entries,
        "head": result.head,
        "problem": result.problem,
    }
    if result.ok:
        messages.success(request, _("The audit log is intact."))
    else:
        messages.error(request, _("The audit log is broken."))
    return redirect("audit:log")
