"""The audit log: append-only, each entry chained to the one before by SHA-256.

``entry_hash = SHA-256(prev_hash + canonical JSON of the entry)``; editing or deleting an entry
breaks the chain, which ``sibyl audit verify`` detects. The model refuses updates and deletes,
and database triggers (migration 0002) refuse them at the SQL level.
"""

from __future__ import annotations

from django.db import models


class AuditLogIsAppendOnly(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise AuditLogIsAppendOnly("audit entries cannot be changed")

    def delete(self):  # type: ignore[override]
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")


class AuditEntry(models.Model):
    at = models.DateTimeField()
    actor = models.CharField(max_length=150, help_text="who: a user name or the OS user")
    action = models.CharField(max_length=64, help_text="what, e.g. import.register")
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=128, blank=True)
    contract_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditLogIsAppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")
