"""The audit log (administrator): check its hash chain, as ``sibyl audit verify`` does."""

from __future__ import annotations

from django.http import HttpRequest

from sibyl.web.accounts.roles import Role
from sibyl.web.api.auth import Operations, caller
from sibyl.web.api.schemas import AuditVerificationOut
from sibyl.web.audit import log

router = Operations(tags=["audit"])


@router.get("/audit/verify", roles=(Role.ADMINISTRATOR,), response=AuditVerificationOut)
def verify_audit_log(request: HttpRequest):
    """Walk the chain from the first entry; ``ok`` is false and ``problem`` names the first entry
    that was changed, removed or inserted. The check itself is written to the log (after it)."""
    result = log.verify()
    log.record(
        "audit.verify",
        actor=caller(request).username,
        object_type="audit",
        details={"ok": result.ok, "entries": result.entries, "via": "api"},
    )
    return {
        "ok": result.ok,
        "entries": result.entries,
        "head": result.head,
        "problem": result.problem,
        "bad_entry": result.bad_entry,
    }
