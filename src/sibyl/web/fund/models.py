"""The fund ledger (DOMAIN.md 3.5): dated cash flows of a contract's fund, and the files they
came from.

Amounts are euros with two decimals in **the investors' view** of
:mod:`sibyl.finance.cashflows`: contributions negative, distributions positive; the fund's own
flows (provider payments, fees, outcome payments received) are stored as read from the file or
the command line and count in the fund's balance by their kind, not by their sign.
"""

from __future__ import annotations

from django.db import models

KIND_CHOICES = [
    ("contribution", "contribution"),
    ("provider_payment", "provider payment"),
    ("fee", "fee"),
    ("outcome_payment", "outcome payment"),
    ("distribution", "distribution"),
]


class FundImport(models.Model):
    """A cash-flow file imported whole; the same file (SHA-256) is imported once per contract."""

    contract_id = models.CharField(max_length=64)
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=500)
    rows = models.PositiveIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract_id", "sha256"], name="fund_file_once")
        ]
        ordering = ["contract_id", "imported_at", "id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.sha256[:12]})"


class FundFlow(models.Model):
    """One dated flow of the fund."""

    contract_id = models.CharField(max_length=64)
    on = models.DateField()
    amount = models.DecimalField(
        max_digits=16, decimal_places=2, help_text="euros, investors' view (contributions < 0)"
    )
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    investor = models.CharField(max_length=150, blank=True, help_text="blank for the fund's own")
    note = models.TextField(blank=True)
    source_file = models.CharField(max_length=500, blank=True)
    import_sha256 = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["contract_id", "on", "id"]
        indexes = [models.Index(fields=["contract_id", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.kind} {self.amount} {self.investor}".strip()
