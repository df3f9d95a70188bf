"""Register imports: each extract kept whole, its episodes by pseudonym and its rejected rows.

An extract is a snapshot of the register as of its date for the services it covers. For
settlement, the newest extract covering a service supersedes older ones for that service; the
older ones stay stored for audit.
"""

from __future__ import annotations

from django.db import models


class RegisterImport(models.Model):
    contract_id = models.CharField(max_length=64)
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=500)
    as_of = models.DateField()
    services = models.JSONField(help_text="the service codes this extract covers")
    identifier = models.CharField(max_length=16, help_text="hetu or pseudonym in the file")
    rows = models.PositiveIntegerField()
    accepted = models.PositiveIntegerField()
    rejected = models.PositiveIntegerField()
    duplicates = models.PositiveIntegerField(default=0)
    outside_cohort = models.PositiveIntegerField(
        default=0, help_text="accepted rows of people not in the cohort, not stored"
    )
    warnings = models.JSONField(default=list)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract_id", "sha256"], name="extract_once")
        ]
        ordering = ["contract_id", "as_of", "imported_at", "id"]

    def __str__(self) -> str:
        return f"{self.file_name} as of {self.as_of} ({self.sha256[:12]})"


class ServiceEpisode(models.Model):
    register_import = models.ForeignKey(
        RegisterImport, on_delete=models.CASCADE, related_name="episodes"
    )
    child = models.ForeignKey("cohort.Child", on_delete=models.PROTECT, related_name="+")
    service = models.PositiveSmallIntegerField()
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    days = models.PositiveIntegerField(null=True, blank=True)
    line = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["register_import", "service"])]


class RejectedRow(models.Model):
    """A row the reader rejected: the value is masked (never a raw identity code)."""

    register_import = models.ForeignKey(
        RegisterImport, on_delete=models.CASCADE, related_name="rejects"
    )
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=64)
    value = models.CharField(max_length=200)
    reason = models.TextField()

    class Meta:
        ordering = ["register_import", "line"]
