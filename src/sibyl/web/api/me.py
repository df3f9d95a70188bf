"""``GET /api/me``: who the credentials belong to (any role)."""

from __future__ import annotations

from django.http import HttpRequest

from sibyl.web.accounts.roles import ALL_ROLES
from sibyl.web.api.auth import Operations, caller
from sibyl.web.api.schemas import MeOut
from sibyl.web.ui.contracts import contract_title

router = Operations(tags=["me"])


@router.get("/me", roles=ALL_ROLES, response=MeOut)
def get_me(request: HttpRequest):
    """The user name, role, contract and organisation of the token or session."""
    who = caller(request)
    return {
        "username": who.username,
        "role": who.role.value,
        "contract": {
            "id": who.profile.contract_id,
            "title": contract_title(who.profile.contract_id),
        },
        "organisation": who.profile.organisation,
        "authenticated_by": who.via,
    }
