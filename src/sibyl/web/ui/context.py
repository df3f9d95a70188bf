"""What every page's layout needs: the demo flag, the user's role and contract, the header links."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from sibyl.web.accounts.roles import Role
from sibyl.web.ui.contracts import contract_title
from sibyl.web.ui.nav import NAV


def site(request: HttpRequest) -> dict[str, object]:
    profile = getattr(request, "profile", None)
    links: list[dict[str, object]] = []
    if profile is not None:
        current = getattr(getattr(request, "resolver_match", None), "view_name", "")
        for name, label in NAV.get(Role(profile.role), []):
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            section = name.split(":")[0]
            active = current == name or (
                current.startswith(section + ":")
                and not any(current == n for n, _ in NAV[Role(profile.role)])
            )
            links.append({"url": url, "label": label, "active": active})
    return {
        "demo_mode": settings.DEMO,
        "profile": profile,
        "role_label": Role(profile.role).label if profile else "",
        "contract_title": contract_title(profile.contract_id) if profile else "",
        "nav_links": links,
    }
