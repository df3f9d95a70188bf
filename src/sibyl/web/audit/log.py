"""Writing and verifying the audit log (who, when, what, on which record).

Each entry's hash covers the previous entry's hash and the entry's own fields in a canonical JSON
form, so that the log is a chain: an edited, inserted or deleted entry breaks it. ``verify``
walks the chain and names the first entry that does not fit. ``head`` gives the newest hash,
which an auditor can note elsewhere to detect a truncated log too.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction

from sibyl.web.audit.models import AuditEntry

GENESIS = "0" * 64
_LOCK_ID = 7_340_032  # PostgreSQL advisory lock that serialises appends to the chain


def default_actor() -> str:
    """The operating-system user, for commands run without ``--actor``."""
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        return "os:unknown"


def _canonical(entry: AuditEntry) -> bytes:
    body = {
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "contract_id": entry.contract_id,
        "details": entry.details,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(entry.prev_hash.encode("ascii") + _canonical(entry)).hexdigest()


def record(
    action: str,
    *,
    actor: str,
    object_type: str = "",
    object_id: str | int = "",
    contract_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry. ``details`` must hold text, whole numbers, booleans, lists and mappings
    (no identity code: give pseudonyms or masked values)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
        last = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        entry = AuditEntry(
            at=datetime.now(UTC),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            contract_id=contract_id,
            details=json.loads(json.dumps(details or {}, sort_keys=True)),
            prev_hash=last or GENESIS,
        )
        entry.entry_hash = entry_hash(entry)
        entry.save()
    return entry


@dataclass
class Verification:
    ok: bool
    entries: int
    head: str
    problem: str | None = None
    bad_entry: int | None = None


def verify() -> Verification:
    """Walk the chain from the first entry; stop at the first entry that does not fit."""
    previous = GENESIS
    count = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if entry.prev_hash != previous:
            return Verification(
                False,
                count,
                previous,
                f"entry {entry.id} does not follow the entry before it (an entry was removed "
                "or inserted)",
                entry.id,
            )
        if entry_hash(entry) != entry.entry_hash:
            return Verification(
                False,
                count,
                previous,
                f"entry {entry.id} was changed after it was written (its hash does not match)",
                entry.id,
            )
        previous = entry.entry_hash
    return Verification(True, count, previous)
