"""The cohort by pseudonym: children and their follow-up spells (DOMAIN.md 3.1)."""

from __future__ import annotations

from django.db import models


class Child(models.Model):
    """A child of a contract's cohort, known only by the contract's pseudonym.

    Episodes and statement lines refer to this row, not to the pseudonym, so a key rotation that
    re-keys pseudonyms changes only this table and the vault.
    """

    contract_id = models.CharField(max_length=64)
    pseudonym = models.CharField(max_length=64)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract_id", "pseudonym"], name="child_once")
        ]
        ordering = ["contract_id", "pseudonym"]

    def __str__(self) -> str:
        return self.pseudonym


class FollowupSpell(models.Model):
    """From enrolment (or return) to exit; the exit day itself is not in follow-up."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="spells")
    enrolled_on = models.DateField()
    exited_on = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["child", "enrolled_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(exited_on__isnull=True)
                | models.Q(exited_on__gt=models.F("enrolled_on")),
                name="exit_after_enrolment",
            )
        ]
