"""Signing in: argon2 passwords, login throttling, one-time codes for the roles that see
identities, secure cookies, the content security policy, and the sign-in events in the audit log.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from webworld import PASSWORD

from sibyl.web.accounts.models import ApiToken, Profile, hash_token
from sibyl.web.accounts.roles import Role
from sibyl.web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def code_of(device: TOTPDevice) -> str:
    """The code an authenticator app shows now (RFC 6238, as the app computes it)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_settings__passwords_are_hashed_with_argon2_first():
    from sibyl.web import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_sign_in__investor_lands_on_their_main_page(users):
    client = Client()
    assert sign_in(client, "investor").status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:investor")
    assert AuditEntry.objects.filter(action="account.login", actor="investor").count() == 1


def test_sign_in__wrong_password_is_refused_and_logged_without_a_code(users):
    client = Client()
    response = sign_in(client, "investor", "not the password")
    assert response.status_code == 200
    assert b"Sign in to Sibyl" in response.content
    assert "_auth_user_id" not in client.session
    failed = AuditEntry.objects.get(action="account.login_failed")
    assert failed.actor == "investor"


def test_sign_in__an_identity_code_typed_as_user_name_is_masked_in_the_audit_log(users):
    from webworld import CODE_1

    sign_in(Client(), CODE_1, "whatever")
    failed = AuditEntry.objects.get(action="account.login_failed")
    assert CODE_1 not in failed.actor
    assert failed.actor == CODE_1[:7] + "****"


def test_sign_in__locked_after_the_configured_number_of_failures(users):
    """django-axes: the fifth wrong password locks the user name from that address; even the
    right password is refused until the lock ends."""
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "investor", "wrong")
    response = sign_in(client, "investor")
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_totp__coordinator_must_pair_an_app_before_any_page(users):
    client = Client()
    sign_in(client, "coordinator")
    response = client.get(reverse("cohort:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    response = client.get(reverse("accounts:verify"))
    assert response["Location"] == reverse("accounts:setup")
    page = client.get(reverse("accounts:setup"))
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content  # the QR code is drawn here, not fetched
    device = TOTPDevice.objects.get(user=users["coordinator"], confirmed=False)
    wrong = "000001" if code_of(device) == "000000" else "000000"
    refused = client.post(reverse("accounts:setup"), {"otp_token": wrong})
    assert refused.status_code == 200
    assert b"The code is not right" in refused.content
    # django-otp makes the next try wait a second after a wrong code: the page says so rather
    # than calling the right code wrong.
    hurried = client.post(reverse("accounts:setup"), {"otp_token": code_of(device)})
    assert b"Too many wrong codes in a row: wait 1 second," in hurried.content
    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(seconds=2)  # the second has passed
    device.save()
    paired = client.post(reverse("accounts:setup"), {"otp_token": code_of(device)})
    assert paired.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home"))["Location"] == reverse("cohort:dashboard")


def test_totp__a_paired_coordinator_gives_the_code_at_each_sign_in(users):
    device = TOTPDevice.objects.create(user=users["coordinator"], name="phone", confirmed=True)
    client = Client()
    sign_in(client, "coordinator")
    assert client.get(reverse("statements:list"))["Location"] == reverse("accounts:verify")
    assert client.post(reverse("accounts:verify"), {"otp_token": "12x456"}).status_code == 200
    response = client.post(reverse("accounts:verify"), {"otp_token": code_of(device)})
    assert response.status_code == 302
    assert client.get(reverse("statements:list")).status_code == 200
    assert AuditEntry.objects.filter(action="account.verify", actor="coordinator").exists()


def test_totp__roles_without_identities_need_no_code(users):
    client = Client()
    sign_in(client, "fund_manager")
    assert client.get(reverse("statements:list")).status_code == 200


def test_totp__switched_off_in_demo_mode_only(users, settings):
    settings.REQUIRE_TOTP = False
    client = Client()
    sign_in(client, "coordinator")
    assert client.get(reverse("cohort:dashboard")).status_code == 200


def test_cookies__session_and_csrf_cookies_are_secure_and_http_only(users):
    client = Client()
    client.get(reverse("accounts:login"))
    response = sign_in(client, "investor")
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"]
    assert csrf["httponly"]


def test_session__ends_after_30_idle_minutes_and_with_the_browser():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # the age counts from the last request
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_csp__pages_allow_nothing_from_other_servers_and_nothing_inline(users):
    response = Client().get(reverse("accounts:login"))
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert b"<script>" not in response.content
    assert b"style=" not in response.content


def test_access__a_user_without_a_role_opens_no_page():
    user = get_user_model().objects.create_user("nobody", password=PASSWORD)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 403
    assert client.get(reverse("accounts:password")).status_code == 403


def test_access__a_refusal_is_written_to_the_audit_log(client_for, world):
    response = client_for("investor").get(reverse("cohort:family", args=[world.sos]))
    assert response.status_code == 403
    entry = AuditEntry.objects.filter(action="access.denied").latest("id")
    assert entry.actor == "investor"
    assert entry.object_id == reverse("cohort:family", args=[world.sos])
    assert entry.details == {"method": "GET", "reason": "role"}


def test_access__a_view_without_a_rule_is_closed(rf, users):
    from sibyl.web.accounts.middleware import AccessRuleMiddleware

    def unruled(request):  # pragma: no cover - must never run
        raise AssertionError("a view without a rule ran")

    request = rf.get("/somewhere")
    request.user = users["admin"]
    response = AccessRuleMiddleware(lambda r: None).process_view(request, unruled, (), {})
    assert response.status_code == 403


def test_admin__creates_a_provider_only_with_a_provider_of_the_contract(client_for):
    client = client_for("admin")
    data = {
        "username": "worker",
        "full_name": "New Worker",
        "email": "",
        "role": Role.PROVIDER,
        "contract_id": "helsinki",
        "organisation": "Some Other Org",
        "password1": "a long enough new password 42",
        "password2": "a long enough new password 42",
    }
    refused = client.post(reverse("accounts:user_new"), data)
    assert refused.status_code == 200
    assert b"one of the contract" in refused.content
    assert not get_user_model().objects.filter(username="worker").exists()
    created = client.post(reverse("accounts:user_new"), data | {"organisation": "SOS-Lapsikylä"})
    assert created.status_code == 302
    profile = Profile.objects.get(user__username="worker")
    assert (profile.role, profile.organisation) == (Role.PROVIDER, "SOS-Lapsikylä")
    assert AuditEntry.objects.filter(action="account.create", actor="admin").exists()


def test_admin__a_token_is_shown_once_and_only_its_hash_is_stored(client_for, users):
    client = client_for("admin")
    user = users["evaluator"]
    client.post(reverse("accounts:user_token", args=[user.pk]), {"name": "THL job"})
    first = client.get(reverse("accounts:user", args=[user.pk])).content.decode()
    row = ApiToken.objects.get(user=user)
    start = first.index('id="new-token">') + len('id="new-token">')
    token = first[start : first.index("<", start)]
    assert token.startswith("sib_")
    assert row.digest == hash_token(token)
    assert token not in {row.prefix, row.digest, row.name}
    again = client.get(reverse("accounts:user", args=[user.pk])).content.decode()
    assert token not in again


def test_admin__cannot_remove_their_own_administrator_role(client_for, users):
    client = client_for("admin")
    admin = users["admin"]
    response = client.post(
        reverse("accounts:user", args=[admin.pk]),
        {"role": Role.INVESTOR, "contract_id": "helsinki", "organisation": "", "is_active": "on"},
    )
    assert response.status_code == 200
    assert Profile.objects.get(user=admin).role == Role.ADMINISTRATOR


def test_demo__the_sign_in_page_lists_the_demo_users_only_in_demo_mode(settings, db):
    assert b"Demo users" not in Client().get(reverse("accounts:login")).content
    settings.DEMO = True
    page = Client().get(reverse("accounts:login")).content
    assert b"Demo users" in page
    assert b"switched off in demo mode only" in page
