"""Statements: drafts that can be replaced, and approved statements that never change.

Immutability is enforced three times: the model refuses to save or delete an approved statement
or its lines, the query sets refuse bulk updates and deletes of them, and database triggers
(migration 0002) refuse the same at the SQL level, so no command can change one.
"""

from __future__ import annotations

from django.db import models


class ApprovedStatementError(Exception):
    """An attempt to change or delete an approved statement or one of its lines."""


MONEY = {"max_digits": 16, "decimal_places": 2}


class StatementQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        if self.filter(status=Statement.APPROVED).exists():
            raise ApprovedStatementError("an approved statement cannot be changed")
        return super().update(**kwargs)

    def delete(self):  # type: ignore[override]
        if self.filter(status=Statement.APPROVED).exists():
            raise ApprovedStatementError("an approved statement cannot be deleted")
        return super().delete()


class Statement(models.Model):
    DRAFT = "draft"
    APPROVED = "approved"

    contract_id = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, default=DRAFT)
    as_of = models.DateField()
    contract_version = models.PositiveIntegerField()
    contract_sha256 = models.CharField(max_length=64)
    price_list_sha256 = models.CharField(max_length=64)
    extracts = models.JSONField(help_text="file, SHA-256, as-of date and services of each extract")
    netting = models.CharField(max_length=16, help_text="the components' netting, or mixed")
    components = models.JSONField(
        null=True,
        blank=True,
        help_text=(
            "each payment component's totals: component, mechanism, netting, base, deductions, "
            "computed and limits (money as text); null for a statement made before components"
        ),
    )
    result_status = models.CharField(max_length=16, help_text="final or provisional")
    status_reasons = models.JSONField(default=list)
    children = models.PositiveIntegerField()
    children_with_deductions = models.PositiveIntegerField()
    base = models.DecimalField(**MONEY)
    deductions = models.DecimalField(**MONEY)
    computed = models.DecimalField(**MONEY)
    payable = models.DecimalField(**MONEY)
    adjustments_total = models.DecimalField(**MONEY, default=0)
    invoice_total = models.DecimalField(
        **MONEY, help_text="payable for the year plus the adjustments for earlier years"
    )
    caps_applied = models.JSONField(default=list)
    cap_notes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.CharField(max_length=150, blank=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract_id", "year"],
                condition=models.Q(status="approved"),
                name="one_approved_statement_a_year",
            ),
            models.UniqueConstraint(
                fields=["contract_id", "year"],
                condition=models.Q(status="draft"),
                name="one_draft_statement_a_year",
            ),
        ]
        ordering = ["contract_id", "year", "created_at"]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.year} ({self.status})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = Statement.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.APPROVED:
                raise ApprovedStatementError("an approved statement cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == self.APPROVED:
            raise ApprovedStatementError("an approved statement cannot be deleted")
        return super().delete(*args, **kwargs)


class LineQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        if self.filter(statement__status=Statement.APPROVED).exists():
            raise ApprovedStatementError("the lines of an approved statement cannot be changed")
        return super().update(**kwargs)

    def delete(self):  # type: ignore[override]
        if self.filter(statement__status=Statement.APPROVED).exists():
            raise ApprovedStatementError("the lines of an approved statement cannot be deleted")
        return super().delete()


class StatementLine(models.Model):
    """Base class of the lines of a statement: frozen once the statement is approved."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    objects = LineQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if Statement.objects.filter(pk=self.statement_id, status=Statement.APPROVED).exists():
            raise ApprovedStatementError("the lines of an approved statement cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Statement.objects.filter(pk=self.statement_id, status=Statement.APPROVED).exists():
            raise ApprovedStatementError("the lines of an approved statement cannot be deleted")
        return super().delete(*args, **kwargs)


class ChildYearLine(StatementLine):
    """A child-year: base, deduction and payment summed over the payment components, and each
    component's own three figures (``components``, money as text)."""

    child = models.ForeignKey("cohort.Child", on_delete=models.PROTECT, related_name="+")
    followup_days = models.PositiveSmallIntegerField()
    days_in_year = models.PositiveSmallIntegerField()
    base = models.DecimalField(**MONEY)
    deduction = models.DecimalField(**MONEY)
    payment = models.DecimalField(**MONEY)
    components = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["statement", "child"]


class DeductionLine(StatementLine):
    """The priced use of one service by one child in the statement's year (units × unit price).
    A payment component deducts it from its base or compares it with its forecast, as its
    mechanism says."""

    child = models.ForeignKey("cohort.Child", on_delete=models.PROTECT, related_name="+")
    service = models.PositiveSmallIntegerField()
    units = models.PositiveIntegerField()
    price_num = models.BigIntegerField(help_text="unit price = price_num / price_den cents")
    price_den = models.BigIntegerField()
    unit_price = models.DecimalField(max_digits=30, decimal_places=12)
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["statement", "child", "service"]


class DetailLine(StatementLine):
    """A payment mechanism's own line for a child-year: a service's forecast, an outcome claim
    (accepted or rejected, with why)."""

    child = models.ForeignKey("cohort.Child", on_delete=models.PROTECT, related_name="+")
    component = models.CharField(max_length=64)
    kind = models.CharField(max_length=32)
    item = models.CharField(max_length=64)
    quantity = models.DecimalField(max_digits=20, decimal_places=4)
    unit_price = models.DecimalField(max_digits=30, decimal_places=12, null=True, blank=True)
    amount = models.DecimalField(**MONEY)
    status = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["statement", "child", "component", "kind", "item"]


class Adjustment(StatementLine):
    """A correction to an earlier approved year: the difference per child-year."""

    year = models.PositiveSmallIntegerField()
    child = models.ForeignKey("cohort.Child", on_delete=models.PROTECT, related_name="+")
    approved_payment = models.DecimalField(**MONEY)
    recomputed_payment = models.DecimalField(**MONEY)
    difference = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["statement", "year", "child"]
