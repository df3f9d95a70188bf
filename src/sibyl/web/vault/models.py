"""The identity vault: pseudonym → encrypted identity code (Fernet), nothing else.

The only table that holds identity codes, and only encrypted with a key that is never stored in
the database. Everything else refers to a child by its row (``cohort.Child``), whose pseudonym
is the only name shown; re-keying pseudonyms changes that one column, never a statement.
Reading a code back is done by :mod:`sibyl.identity` and is written to the audit log.
"""

from __future__ import annotations

from django.db import models


class VaultEntry(models.Model):
    child = models.OneToOneField(
        "cohort.Child", on_delete=models.PROTECT, related_name="vault_entry"
    )
    token = models.TextField(help_text="the identity code encrypted with the vault key (Fernet)")
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"vault entry of child {self.child_id}"
