"""The links in the page header, by role: the pages each role works in, in a useful order."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sibyl.web.accounts.roles import Role

NAV: dict[Role, list[tuple[str, object]]] = {
    Role.COORDINATOR: [
        ("cohort:dashboard", _("Dashboard")),
        ("cohort:referrals", _("Referrals")),
        ("cohort:families", _("Families")),
        ("imports:list", _("Register imports")),
        ("statements:list", _("Statements")),
        ("fund:ledger", _("Fund")),
        ("reports:investor", _("Reports")),
    ],
    Role.REFERRER: [
        ("cohort:referral_new", _("New referral")),
        ("cohort:referrals", _("My referrals")),
    ],
    Role.PROVIDER: [
        ("cohort:families", _("Families")),
    ],
    Role.FUND_MANAGER: [
        ("fund:ledger", _("Fund")),
        ("statements:list", _("Statements")),
        ("fund:simulate", _("Simulations")),
        ("reports:investor", _("Reports")),
    ],
    Role.INVESTOR: [
        ("reports:investor", _("Reports")),
    ],
    Role.EVALUATOR: [
        ("research:extracts", _("Research extracts")),
    ],
    Role.ADMINISTRATOR: [
        ("accounts:users", _("Users")),
        ("audit:log", _("Audit log")),
    ],
}
