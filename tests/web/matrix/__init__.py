"""The rows of the permission matrix: for each page (URL name) and method, the status every role
answers with. Each area's rows are in a module of this package, listed in ``AREAS``.

A row names the users (``coordinator``, ``referrer``, ``provider``, ``fund_manager``,
``investor``, ``evaluator``, ``admin``) whose status is not the default: 403 for a signed-in
user, a redirect to the sign-in page (302) for ``anonymous``. Rows of pages that show a record
name which record (``kwargs``), so that the same page appears once for a record the user may see
and once for one they may not (404).
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLE_USERS = (
    "coordinator",
    "referrer",
    "provider",
    "fund_manager",
    "investor",
    "evaluator",
    "admin",
)
EVERYONE = (*ROLE_USERS, "anonymous")


@dataclass(frozen=True)
class Row:
    name: str
    expect: dict[str, int]
    method: str = "GET"
    kwargs: Callable[[Any], dict[str, Any]] = lambda world: {}
    data: Callable[[Any], dict[str, Any]] = lambda world: {}
    query: str = ""
    label: str = ""
    anonymous: int = 302
    others: int = 403
    default: dict[str, int] = field(default_factory=dict)

    def status(self, user: str) -> int:
        if user in self.expect:
            return self.expect[user]
        return self.anonymous if user == "anonymous" else self.others

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}{' ' + self.label if self.label else ''}"


def allowed(*users: str, status: int = 200) -> dict[str, int]:
    return dict.fromkeys(users, status)


AREAS = tuple(
    sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
)
"""The modules of this package, one per area of the site, each with its ``ROWS``."""
