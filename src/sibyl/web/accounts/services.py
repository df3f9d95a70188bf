"""Account operations shared by the administrator's pages and ``sibyl user``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from sibyl.web.accounts.models import Profile
from sibyl.web.audit import log as audit


def create_user(data: dict[str, Any], *, actor: str):
    """Create a user and their profile from a valid ``NewUserForm``'s data, audited."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.create_user(
            username=data["username"], email=data.get("email", ""), password=data["password1"]
        )
        first, _sep, last = (data.get("full_name") or "").strip().partition(" ")
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
        profile = Profile.objects.create(
            user=user,
            role=data["role"],
            contract_id=data["contract_id"],
            organisation=(data.get("organisation") or "").strip(),
        )
        audit.record(
            "account.create",
            actor=actor,
            object_type="user",
            object_id=user.pk,
            contract_id=profile.contract_id,
            details={
                "username": user.username,
                "role": profile.role,
                "contract": profile.contract_id,
                "organisation": profile.organisation,
            },
        )
    return user
