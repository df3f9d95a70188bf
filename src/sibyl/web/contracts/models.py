"""Contracts and price lists as loaded into the store: every version is kept, by fingerprint."""

from __future__ import annotations

from django.db import models


class ContractVersion(models.Model):
    """One version of a contract file, as it was when first used (its text and SHA-256)."""

    contract_id = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=500, help_text="where the file was loaded from")
    text = models.TextField(help_text="the contract file, exactly as loaded")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract_id", "sha256"], name="contract_sha_once")
        ]
        ordering = ["contract_id", "loaded_at"]

    def __str__(self) -> str:
        return f"{self.contract_id} v{self.version} ({self.sha256[:12]})"


class PriceListVersion(models.Model):
    """One version of a contract's price list (its CSV text), newest used for settlement."""

    contract_id = models.CharField(max_length=64)
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=500)
    text = models.TextField(help_text="the price list CSV, exactly as loaded")
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract_id", "sha256"], name="price_list_sha_once")
        ]
        ordering = ["contract_id", "loaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.contract_id} price list {self.sha256[:12]}"
