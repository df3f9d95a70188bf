"""The web tests' shared names: the synthetic identity codes and users of the world fixture, how
to sign a test client in, and the world itself (a module of its own, so that tests import it by a
name no other folder's ``conftest`` shares)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.test import Client

from sibyl import identity
from sibyl.eligibility import Referral
from sibyl.web.accounts.roles import Role

PASSWORD = "a long test password 123"
SOS = "SOS-Lapsikylä"
VAMOS = "Diakonissalaitos Vamos"

CODE_1 = identity.make(date(2018, 5, 14), 233)
CODE_2 = identity.make(date(2017, 11, 2), 344)
CODE_3 = identity.make(date(2018, 2, 20), 455, new_century_signs=True)
CODE_4 = identity.make(date(2018, 8, 8), 566)
CODE_OUTSIDE = identity.make(date(2016, 1, 1), 677)

USERS: dict[str, tuple[Role, str]] = {
    "coordinator": (Role.COORDINATOR, "City of Helsinki"),
    "referrer": (Role.REFERRER, "Vuosaari child health clinic"),
    "referrer2": (Role.REFERRER, "Mellunkylä day care"),
    "provider": (Role.PROVIDER, SOS),
    "provider2": (Role.PROVIDER, VAMOS),
    "fund_manager": (Role.FUND_MANAGER, "FIM Varainhoito Oy"),
    "investor": (Role.INVESTOR, "Investor Oy"),
    "evaluator": (Role.EVALUATOR, "THL"),
    "admin": (Role.ADMINISTRATOR, "City of Helsinki"),
}


def sign_in(client: Client, user) -> Client:
    """Sign ``user`` in, with a verified one-time code for the roles that need one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    if user.profile.needs_totp:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def referral(referral_id: str, code: str, referred_on: date, **criteria: bool) -> Referral:
    flags = {
        "concentration": True,
        "behaviour": True,
        "parent_out_of_work": True,
        "parenting_difficulties": True,
    }
    flags.update(criteria)
    return Referral(
        referral_id=referral_id,
        hetu=code,
        referred_on=referred_on,
        district="Vuosaari",
        referral_source="child_health_clinic",
        answers=flags,
    )


@dataclass
class World:
    contract: object
    sos: str  # pseudonym of the family assigned to SOS-Lapsikylä
    vamos: str  # pseudonym of the family assigned to Diakonissalaitos Vamos
    not_eligible: str  # pseudonym of the child of R-2
    register_import_id: int
    approved_year: int
    draft_year: int
    extract: Path
