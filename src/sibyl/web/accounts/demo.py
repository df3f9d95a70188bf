"""The demo's users: one per role, password ``demo``. Made only by ``sibyl demo`` (and by
``sibyl serve`` on a demo folder that lacks them), never in a store that is not a demo's."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from sibyl.contract import Contract
from sibyl.web.accounts.models import Profile
from sibyl.web.accounts.roles import Role
from sibyl.web.audit import log as audit

DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    organisation: str
    full_name: str


def demo_users(contract: Contract) -> list[DemoUser]:
    providers = [party.name for party in contract.spec.parties.providers]
    payer = (
        "City of Helsinki"
        if contract.id == "helsinki"
        else contract.spec.parties.outcome_payer.name
    )
    return [
        DemoUser("coordinator", Role.COORDINATOR, payer, "Demo Coordinator"),
        DemoUser("referrer", Role.REFERRER, "Vuosaari child health clinic", "Demo Nurse"),
        DemoUser("provider", Role.PROVIDER, providers[0], "Demo Companion"),
        DemoUser(
            "fund_manager",
            Role.FUND_MANAGER,
            contract.spec.parties.fund_manager.name,
            "Demo Manager",
        ),
        DemoUser("investor", Role.INVESTOR, "Demo investor", "Demo Investor"),
        DemoUser("evaluator", Role.EVALUATOR, "THL", "Demo Researcher"),
        DemoUser("admin", Role.ADMINISTRATOR, payer, "Demo Administrator"),
    ]


def create_demo_users(contract: Contract) -> list[DemoUser]:
    """Create the demo users that do not exist yet (all with the password ``demo``)."""
    User = get_user_model()
    made: list[DemoUser] = []
    with transaction.atomic():
        for spec in demo_users(contract):
            if User.objects.filter(username=spec.username).exists():
                continue
            first, _sep, last = spec.full_name.partition(" ")
            user = User.objects.create_user(
                username=spec.username, password=DEMO_PASSWORD, first_name=first, last_name=last
            )
            Profile.objects.create(
                user=user, role=spec.role, contract_id=contract.id, organisation=spec.organisation
            )
            made.append(spec)
        if made:
            audit.record(
                "account.demo_users",
                actor="sibyl demo",
                object_type="user",
                contract_id=contract.id,
                details={"users": [spec.username for spec in made]},
            )
    return made
