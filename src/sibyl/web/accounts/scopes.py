"""What each role may see inside the pages it may open: query sets narrowed by role, contract and
organisation (DOMAIN.md 4). Views look records up only through these, so a record outside a
user's scope answers 404 whatever its URL.

| query set | coordinator | referrer | provider | fund manager | others |
|---|---|---|---|---|---|
| :func:`referrals` | the contract's | their own | — | — | — |
| :func:`families` | the contract's enrolled | — | assigned to their organisation | — | — |
| :func:`statements` | the contract's | — | — | the contract's | — |
| :func:`register_imports` | the contract's | — | — | — | — |
| :func:`fund_flows` | the contract's | — | — | the contract's | — |
"""

from __future__ import annotations

from django.db.models import QuerySet

from sibyl.web.accounts.models import Profile
from sibyl.web.accounts.roles import Role
from sibyl.web.cohort.models import Child, Referral
from sibyl.web.fund.models import FundFlow
from sibyl.web.imports.models import RegisterImport
from sibyl.web.statements.models import Statement


def referrals(profile: Profile) -> QuerySet[Referral]:
    rows = Referral.objects.filter(contract_id=profile.contract_id)
    if profile.role == Role.COORDINATOR:
        return rows
    if profile.role == Role.REFERRER:
        return rows.filter(referrer=profile.user.get_username())
    return rows.none()


def families(profile: Profile) -> QuerySet[Child]:
    """Enrolled children (the family is the client), by the provider's organisation."""
    rows = Child.objects.filter(contract_id=profile.contract_id, enrolment__isnull=False)
    if profile.role == Role.COORDINATOR:
        return rows
    if profile.role == Role.PROVIDER and profile.organisation:
        return rows.filter(enrolment__provider=profile.organisation)
    return rows.none()


def statements(profile: Profile) -> QuerySet[Statement]:
    rows = Statement.objects.filter(contract_id=profile.contract_id)
    if profile.role in (Role.COORDINATOR, Role.FUND_MANAGER):
        return rows
    return rows.none()


def register_imports(profile: Profile) -> QuerySet[RegisterImport]:
    rows = RegisterImport.objects.filter(contract_id=profile.contract_id)
    return rows if profile.role == Role.COORDINATOR else rows.none()


def fund_flows(profile: Profile) -> QuerySet[FundFlow]:
    rows = FundFlow.objects.filter(contract_id=profile.contract_id)
    if profile.role in (Role.COORDINATOR, Role.FUND_MANAGER):
        return rows
    return rows.none()
