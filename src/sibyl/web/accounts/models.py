"""Who uses Sibyl: Django's users, each with a role in one contract and an organisation, and the
API tokens of machine clients.

A user without a profile, or with an inactive account, can open no page (see ``access``).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from sibyl.web.accounts.roles import TOTP_ROLES, Role


class Profile(models.Model):
    """A user's role in a contract, and the organisation they work for.

    For a provider's worker the organisation is the provider's name exactly as the contract
    writes it (``parties.providers``): it decides which families they see.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    contract_id = models.CharField(max_length=64, default="helsinki")
    organisation = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract_id", "role", "user__username"]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.role}, {self.contract_id})"

    @property
    def needs_totp(self) -> bool:
        return self.role in TOTP_ROLES


TOKEN_PREFIX = "sib_"


def hash_token(token: str) -> str:
    """Tokens are 32 random bytes: SHA-256 suffices to store them (no guessing to slow down)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token of the JSON API; it acts as its user, with the user's role.

    Only the SHA-256 of the token is stored; the token itself is shown once, when made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="what uses it, e.g. the register system")
    prefix = models.CharField(max_length=12, help_text="the first characters, to recognise it")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user", "-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @classmethod
    def issue(cls, user, name: str, *, created_by: str, expires_at=None) -> tuple[ApiToken, str]:
        """A new token for ``user``: the stored row and the token text (shown only now)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user,
            name=name,
            prefix=token[: len(TOKEN_PREFIX) + 6],
            digest=hash_token(token),
            created_by=created_by,
            expires_at=expires_at,
        )
        return row, token
