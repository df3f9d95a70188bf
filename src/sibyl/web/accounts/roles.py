"""The roles of DOMAIN.md 4, what each may do, and the page each starts from.

The rules of who may open which page are declared on the views themselves (see
:mod:`sibyl.web.accounts.access`); what a role may see *inside* a page is decided by the
query sets of :mod:`sibyl.web.accounts.scopes`. ``docs/permissions.md`` is the table of both.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("coordinator")
    REFERRER = "referrer", _("referrer")
    PROVIDER = "provider", _("provider")
    FUND_MANAGER = "fund_manager", _("fund manager")
    INVESTOR = "investor", _("investor")
    EVALUATOR = "evaluator", _("evaluator")
    ADMINISTRATOR = "administrator", _("administrator")


ALL_ROLES: frozenset[Role] = frozenset(Role)

TOTP_ROLES: frozenset[Role] = frozenset({Role.COORDINATOR, Role.ADMINISTRATOR})
"""Roles that can see identities (or grant the right to): they sign in with a one-time code too."""

HOME: dict[Role, str] = {
    Role.COORDINATOR: "cohort:dashboard",
    Role.REFERRER: "cohort:referrals",
    Role.PROVIDER: "cohort:families",
    Role.FUND_MANAGER: "fund:ledger",
    Role.INVESTOR: "reports:investor",
    Role.EVALUATOR: "research:extracts",
    Role.ADMINISTRATOR: "accounts:users",
}
"""The page each role starts from (its main page)."""
