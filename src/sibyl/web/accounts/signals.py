"""Sign-in events to the audit log: signed in, signed out, a failed attempt.

The user name of a failed attempt is whatever was typed; it is masked if it looks like an
identity code, as everywhere else.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from sibyl.register.reader import displayable


def _address(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "") if request is not None else ""


def _contract(user) -> str:
    profile = getattr(user, "profile", None) if user is not None else None
    return getattr(profile, "contract_id", "") or ""


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs) -> None:
    from sibyl.web.audit import log as audit

    audit.record(
        "account.login",
        actor=user.get_username(),
        object_type="user",
        object_id=user.pk,
        contract_id=_contract(user),
        details={"address": _address(request)},
    )


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    from sibyl.web.audit import log as audit

    audit.record(
        "account.logout",
        actor=user.get_username(),
        object_type="user",
        object_id=user.pk,
        contract_id=_contract(user),
    )


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    from sibyl.web.audit import log as audit

    typed = displayable(str(credentials.get("username", "")))[:150]
    audit.record(
        "account.login_failed",
        actor=typed or "(no user name)",
        object_type="user",
        details={"address": _address(request)},
    )
