"""Checks the rule every view declares (``sibyl.web.accounts.access``) before it runs.

In order: a view without a rule answers 403; a method the rule does not name answers 405;
public views run; a visitor who is not signed in is sent to the sign-in page; a user without a
role (no profile) answers 403; a role that needs a one-time code is sent to give it; a role the
rule does not admit answers 403, and the refusal is written to the audit log. Allowed requests
carry ``request.profile`` for the views and their query sets.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

from sibyl.web.accounts.access import API, PUBLIC, rule_of
from sibyl.web.accounts.models import Profile
from sibyl.web.ui.errors import forbidden

log = logging.getLogger(__name__)


def profile_of(user) -> Profile | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def totp_pending(request: HttpRequest, profile: Profile) -> bool:
    """The role needs a one-time code and this session has not given one."""
    if not settings.REQUIRE_TOTP or not profile.needs_totp:
        return False
    is_verified = getattr(request.user, "is_verified", None)
    return not (is_verified is not None and is_verified())


class AccessRuleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        rule = rule_of(view_func)
        if rule is None:
            log.error("the view %s declares no access rule", getattr(view_func, "__name__", "?"))
            return forbidden(request, reason="no_rule")
        if request.method not in rule.methods:
            return HttpResponseNotAllowed(sorted(rule.methods))
        profile = profile_of(request.user)
        request.profile = profile  # type: ignore[attr-defined]
        if rule.kind in (PUBLIC, API):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if profile is None:
            return forbidden(request, reason="no_role")
        if not rule.before_totp and totp_pending(request, profile):
            return redirect("accounts:verify")
        if not rule.admits(profile.role):
            return forbidden(request, reason="role")
        return None
