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
        current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
        items = NAV.get(Role(profile.role), [])
        # The page's own link, else the first link of the page's area (one link at most).
        names = [name for name, _ in items]
        area = current.split(":")[0] + ":"
        active = (
            current
            if current in names
            else next((name for name in names if name.startswith(area)), None)
        )
        for name, label in items:
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            links.append({"url": url, "label": label, "active": name == active})
    return {
        "demo_mode": settings.DEMO,
        "profile": profile,
        "role_label": Role(profile.role).label if profile else "",
        "contract_title": contract_title(profile.contract_id) if profile else "",
        "nav_links": links,
    }
