"""Who may open a page: a rule declared on every view, checked before the view runs.

Each view is decorated with one of

- ``@allow(Role.COORDINATOR, ..., methods=("GET", "POST"))``: signed-in users of these roles;
- ``@signed_in(methods=...)``: any signed-in user with a role (e.g. their own password page);
- ``@public(methods=...)``: anybody (the sign-in page, the health check, the language switch);
- ``@api_view``: the JSON API, whose operations check their roles themselves (``sibyl.web.api``).

:class:`~sibyl.web.accounts.middleware.AccessRuleMiddleware` refuses a view that declares no
rule (403), so a new page without a rule is closed, and the permission-matrix test fails until
the page is added to it. What a role sees *inside* an allowed page is narrowed by the query sets
of :mod:`sibyl.web.accounts.scopes` (a family of another provider answers 404).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from sibyl.web.accounts.roles import ALL_ROLES, Role

View = TypeVar("View", bound=Callable)

PUBLIC = "public"
SIGNED_IN = "signed_in"
ROLES = "roles"
API = "api"


@dataclass(frozen=True)
class Rule:
    kind: str
    roles: frozenset[Role] = frozenset()
    methods: frozenset[str] = frozenset({"GET", "HEAD"})
    before_totp: bool = False  # may be opened before the one-time code is given
    only: tuple[tuple[Role, str], ...] = ()  # what part a role sees, for docs/permissions.md

    def admits(self, role: str | None) -> bool:
        if self.kind in (PUBLIC, API):
            return True
        if role is None:
            return False
        return self.kind == SIGNED_IN or role in self.roles


def _methods(methods: Iterable[str]) -> frozenset[str]:
    found = {m.upper() for m in methods}
    if "GET" in found:
        found.add("HEAD")
    return frozenset(found)


def _attach(rule: Rule) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        view.sibyl_rule = rule  # type: ignore[attr-defined]
        return view

    return decorate


def allow(
    *roles: Role, methods: Iterable[str] = ("GET",), only: Mapping[Role, str] | None = None
) -> Callable[[View], View]:
    """Open the view to signed-in users of ``roles`` (and only for ``methods``).

    ``only`` says, for the docs, which part a role sees when its query set narrows the page
    (e.g. ``{Role.PROVIDER: "families assigned to their organisation"}``).
    """
    if not roles or not set(roles) <= ALL_ROLES:
        raise ValueError("allow() needs one or more roles")
    notes = tuple(sorted((only or {}).items()))
    if not {role for role, _ in notes} <= set(roles):
        raise ValueError("allow(only=...) names a role the rule does not admit")
    return _attach(Rule(ROLES, frozenset(roles), _methods(methods), only=notes))


def signed_in(
    methods: Iterable[str] = ("GET",), *, before_totp: bool = False
) -> Callable[[View], View]:
    """Open the view to any signed-in user who has a role."""
    return _attach(Rule(SIGNED_IN, ALL_ROLES, _methods(methods), before_totp))


def public(methods: Iterable[str] = ("GET",)) -> Callable[[View], View]:
    """Open the view to anybody, signed in or not."""
    return _attach(Rule(PUBLIC, frozenset(), _methods(methods), True))


def api_view(view: View) -> View:
    """The JSON API: its operations authenticate and check roles themselves."""
    view.sibyl_rule = Rule(API, frozenset(), _methods(("GET", "POST", "PUT", "PATCH", "DELETE")))  # type: ignore[attr-defined]
    return view


def rule_of(view: Callable) -> Rule | None:
    """The rule declared on a view (or on the function a class-based view wraps)."""
    rule = getattr(view, "sibyl_rule", None)
    if rule is None and hasattr(view, "view_class"):
        rule = getattr(view.view_class, "sibyl_rule", None)
    return rule
