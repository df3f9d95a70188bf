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
        # The link whose address is the longest start of this page's address is the current one
        # (a family's page belongs to Families, the fund's add form to Fund).
        resolved: list[tuple[str, object]] = []
        for name, label in NAV.get(Role(profile.role), []):
            try:
                resolved.append((reverse(name), label))
            except NoReverseMatch:
                continue
        current = max(
            (url for url, _ in resolved if request.path.startswith(url)), key=len, default=None
        )
        links = [{"url": url, "label": label, "active": url == current} for url, label in resolved]
    return {
        "demo_mode": settings.DEMO,
        "profile": profile,
        "role_label": Role(profile.role).label if profile else "",
        "contract_title": contract_title(profile.contract_id) if profile else "",
        "nav_links": links,
    }
