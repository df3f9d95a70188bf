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


class Referral(models.Model):
    """A referral of a child and its screening (DOMAIN.md 2.1), by pseudonym only.

    The child is created (pseudonym and vault entry) when referred; the identity code is never
    stored here. ``answers`` holds the referral's answers to the contract's items (item code →
    true or false, as the contract's ``eligibility.items`` name them); ``criteria`` each
    criterion's code, whether it was met and the evidence in words (never an identity code or a
    birth date). The decision may be overridden
    (:class:`Override`); the screening itself never changes.
    """

    contract_id = models.CharField(max_length=64)
    referral_id = models.CharField(max_length=64)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="referrals")
    referred_on = models.DateField()
    referrer = models.CharField(max_length=200, help_text="who referred (a user name)")
    source = models.CharField(max_length=32)
    district = models.CharField(max_length=100)
    answers = models.JSONField(
        default=dict, help_text="the answers to the contract's referral items: item → true/false"
    )
    ongoing_services = models.JSONField(default=list)
    eligible = models.BooleanField(help_text="the screening's decision, before any override")
    failed = models.JSONField(default=list)
    criteria = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract_id", "referral_id"], name="referral_once")
        ]
        ordering = ["contract_id", "referred_on", "id"]

    def __str__(self) -> str:
        return self.referral_id


class Override(models.Model):
    """A coordinator's decision that replaces the screening's, with a written reason (kept)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="overrides")
    eligible = models.BooleanField()
    reason = models.TextField()
    by = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["referral", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="override_has_reason")
        ]


class Consent(models.Model):
    """Consent for data processing: given on enrolment (or return), possibly withdrawn."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="consents")
    given_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["child", "given_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            )
        ]


class Enrolment(models.Model):
    """A referral taken into the programme: the child, the day and the provider assigned."""

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="enrolment")
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="enrolment")
    provider = models.CharField(max_length=200)
    enrolled_on = models.DateField()
    by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enrolled_on", "id"]


class Activity(models.Model):
    """One contact of a provider with a family (DOMAIN.md 4: the provider's activity log)."""

    INDIVIDUAL_SUPPORT = "individual_support"
    FAMILY_GROUP = "family_group"
    COMMUNITY = "community"
    COMPONENTS = [
        (INDIVIDUAL_SUPPORT, "individual support"),
        (FAMILY_GROUP, "family group (kotipesä)"),
        (COMMUNITY, "community and peer activity"),
    ]

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="activities")
    provider = models.CharField(max_length=200)
    on = models.DateField()
    component = models.CharField(max_length=32, choices=COMPONENTS)
    minutes = models.PositiveIntegerField()
    participants = models.CharField(max_length=200, blank=True)
    recorded_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="activity_minutes")
        ]
