"""Signing in and out, one-time codes, one's own password, and the administrator's user pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from sibyl.web.accounts.access import allow, public, signed_in
from sibyl.web.accounts.forms import EditUserForm, NewTokenForm, NewUserForm, TokenForm
from sibyl.web.accounts.models import ApiToken, Profile
from sibyl.web.accounts.roles import Role
from sibyl.web.accounts.services import create_user
from sibyl.web.audit import log as audit

User = get_user_model()


# ---------------------------------------------------------------------------------------------
# Signing in and out.


@public(methods=("GET", "POST"))
def login(request: HttpRequest) -> HttpResponse:
    """Django's sign-in (argon2 passwords, throttled by django-axes)."""
    return auth_views.LoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True
    )(request)


@signed_in(methods=("POST",), before_totp=True)
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out (a form's POST, so another site cannot sign a user out)."""
    return auth_views.LogoutView.as_view()(request)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _confirmed_devices(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def _code_refused(device: TOTPDevice, token: str, wrong: str) -> str | None:
    """Why ``token`` is refused for ``device`` (``wrong`` when it is simply not right), or
    ``None`` when it is right. After a wrong code django-otp makes the next try wait (1 s, then
    2, 4, …): say so, rather than calling the right code wrong."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        until = (info or {}).get("locked_until")
        seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
        return ngettext(
            "Too many wrong codes in a row: wait %(seconds)s second, then give the newest code.",
            "Too many wrong codes in a row: wait %(seconds)s seconds, then give the newest code.",
            seconds,
        ) % {"seconds": seconds}
    return None if device.verify_token(token) else wrong


@signed_in(methods=("GET", "POST"), before_totp=True)
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the one-time code of a role that needs one (coordinator, administrator)."""
    if not settings.REQUIRE_TOTP or not request.profile.needs_totp or request.user.is_verified():
        return redirect(_next(request) or "home")
    devices = list(_confirmed_devices(request.user))
    if not devices:
        return redirect("accounts:setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wrong = _("The code is not right. Check the time on your phone and give the newest code.")
        refusals = []
        for device in devices:
            refusal = _code_refused(device, form.cleaned_data["otp_token"], wrong)
            refusals.append(refusal)
            if refusal is None:
                otp_login(request, device)
                audit.record(
                    "account.verify",
                    actor=request.user.get_username(),
                    object_type="user",
                    object_id=request.user.pk,
                    contract_id=request.profile.contract_id,
                )
                return redirect(_next(request) or "home")
        form.add_error("otp_token", next((r for r in refusals if r != wrong), wrong))
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)})


@signed_in(methods=("GET", "POST"), before_totp=True)
def setup(request: HttpRequest) -> HttpResponse:
    """Pair an authenticator app: a QR code (drawn here, no outside service) and a first code."""
    if not settings.REQUIRE_TOTP or not request.profile.needs_totp:
        return redirect("home")
    if _confirmed_devices(request.user).exists():
        return redirect("accounts:verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by(
        "-id"
    ).first() or TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    wrong = _("The code is not right. Give the code the app shows now.")
    refusal = (
        _code_refused(device, form.cleaned_data["otp_token"], wrong)
        if request.method == "POST" and form.is_valid()
        else wrong
    )
    if request.method == "POST" and form.is_valid():
        if refusal is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(
                "account.totp_setup",
                actor=request.user.get_username(),
                object_type="user",
                object_id=request.user.pk,
                contract_id=request.profile.contract_id,
            )
            messages.success(request, _("Your authenticator app is paired."))
            return redirect("home")
        form.add_error("otp_token", refusal)
    import base64

    import segno

    qr = segno.make(device.config_url, error="m")
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "accounts/setup.html",
        {
            "form": form,
            "qr": qr.svg_data_uri(scale=5, border=2),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


@signed_in(methods=("GET", "POST"))
def password(request: HttpRequest) -> HttpResponse:
    """Change one's own password (the old one first)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        audit.record(
            "account.password",
            actor=request.user.get_username(),
            object_type="user",
            object_id=request.user.pk,
            contract_id=request.profile.contract_id,
        )
        messages.success(request, _("Your password was changed."))
        return redirect("home")
    return render(request, "accounts/password.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# The administrator's pages: users, roles, one-time code resets and API tokens.


@allow(Role.ADMINISTRATOR)
def users(request: HttpRequest) -> HttpResponse:
    """The users: role, contract, organisation, one-time codes, tokens, last sign-in."""
    rows = (
        User.objects.select_related("profile").prefetch_related("api_tokens").order_by("username")
    )
    paired = set(
        TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True).distinct()
    )
    return render(request, "accounts/users.html", {"users": rows, "paired": paired})


def _profile_details(profile: Profile) -> dict[str, str]:
    return {
        "role": profile.role,
        "contract": profile.contract_id,
        "organisation": profile.organisation,
    }


@allow(Role.ADMINISTRATOR, methods=("GET", "POST"))
def user_new(request: HttpRequest) -> HttpResponse:
    """Create a user with a role in a contract (a provider's worker in one of its providers)."""
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = create_user(form.cleaned_data, actor=request.user.get_username())
        messages.success(request, _("The user %(name)s was created.") % {"name": user.username})
        return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/user_new.html", {"form": form})


@allow(Role.ADMINISTRATOR, methods=("GET", "POST"))
def user(request: HttpRequest, pk: int) -> HttpResponse:
    """A user: change the role, contract, organisation, or deactivate; their tokens."""
    account = get_object_or_404(User.objects.select_related("profile"), pk=pk)
    profile = Profile.objects.filter(user=account).first()
    initial = {
        "full_name": account.get_full_name(),
        "email": account.email,
        "is_active": account.is_active,
        "role": getattr(profile, "role", ""),
        "contract_id": getattr(profile, "contract_id", "helsinki"),
        "organisation": getattr(profile, "organisation", ""),
    }
    form = EditUserForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if account == request.user and (
            not data["is_active"] or data["role"] != Role.ADMINISTRATOR
        ):
            form.add_error(
                None, _("You cannot take away your own administrator role or deactivate yourself.")
            )
        else:
            with transaction.atomic():
                first, _sep, last = data["full_name"].strip().partition(" ")
                account.first_name, account.last_name = first, last
                account.email = data["email"]
                account.is_active = data["is_active"]
                account.save(update_fields=["first_name", "last_name", "email", "is_active"])
                profile = profile or Profile(user=account)
                profile.role = data["role"]
                profile.contract_id = data["contract_id"]
                profile.organisation = data["organisation"].strip()
                profile.save()
                audit.record(
                    "account.change",
                    actor=request.user.get_username(),
                    object_type="user",
                    object_id=account.pk,
                    contract_id=profile.contract_id,
                    details={
                        "username": account.username,
                        "active": account.is_active,
                        **_profile_details(profile),
                    },
                )
            messages.success(request, _("The changes were saved."))
            return redirect("accounts:user", pk=account.pk)
    tokens = ApiToken.objects.filter(user=account).order_by("-created_at")
    return render(
        request,
        "accounts/user.html",
        {
            "account": account,
            "form": form,
            "tokens": tokens,
            "token_form": NewTokenForm(),
            "paired": _confirmed_devices(account).exists(),
            "new_token": request.session.pop("new_token", None),
        },
    )


@allow(Role.ADMINISTRATOR, methods=("POST",))
def user_reset_totp(request: HttpRequest, pk: int) -> HttpResponse:
    """Forget a user's authenticator app (lost phone): they pair a new one at next sign-in."""
    account = get_object_or_404(User, pk=pk)
    removed, _details = TOTPDevice.objects.filter(user=account).delete()
    audit.record(
        "account.totp_reset",
        actor=request.user.get_username(),
        object_type="user",
        object_id=account.pk,
        details={"username": account.username, "devices": removed},
    )
    messages.success(
        request,
        _("The one-time codes of %(name)s were reset: they pair a new app at the next sign-in.")
        % {"name": account.username},
    )
    return redirect("accounts:user", pk=account.pk)


@allow(Role.ADMINISTRATOR, methods=("POST",))
def user_token(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue an API token for a user (a machine client acts with that user's role)."""
    account = get_object_or_404(User, pk=pk)
    form = NewTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what uses the token."))
        return redirect("accounts:user", pk=account.pk)
    row, token = ApiToken.issue(
        account, form.cleaned_data["name"], created_by=request.user.get_username()
    )
    audit.record(
        "account.token_issue",
        actor=request.user.get_username(),
        object_type="api_token",
        object_id=row.pk,
        details={"username": account.username, "name": row.name, "prefix": row.prefix},
    )
    # Shown once, on the next page; only its SHA-256 is stored.
    request.session["new_token"] = token
    return redirect("accounts:user", pk=account.pk)


@allow(Role.ADMINISTRATOR, methods=("POST",))
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke an API token: it is refused from then on."""
    row = get_object_or_404(ApiToken, pk=pk)
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        audit.record(
            "account.token_revoke",
            actor=request.user.get_username(),
            object_type="api_token",
            object_id=row.pk,
            details={"username": row.user.username, "prefix": row.prefix},
        )
    messages.success(request, _("The token %(prefix)s… was revoked.") % {"prefix": row.prefix})
    return redirect("accounts:user", pk=row.user_id)
