"""The permission matrix (docs/permissions.md): every page, as every role and as nobody.

Every URL of the site must have its rows in ``tests/web/matrix``; a new page without them fails
``test_matrix__covers_every_page``, and a page that answers a role otherwise than its row says
fails ``test_matrix__status``. Pages that show a record are visited for a record the user may
see and for one they may not (404), so the row-level rules are tried as well as the page rules.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from matrix import AREAS, EVERYONE, Row
from webworld import World, sign_in

ROWS: list[Row] = [row for area in AREAS for row in importlib.import_module(f"matrix.{area}").ROWS]


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    """Every named URL of the site (the JSON API has a matrix of its own)."""
    found: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace == "api":
                continue
            found |= url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            found.add(namespace + entry.name)
    return found


def test_matrix__covers_every_page():
    assert url_names() - {row.name for row in ROWS} == set()


def test_matrix__has_no_rows_of_pages_that_are_gone():
    assert {row.name for row in ROWS} - url_names() == set()


@dataclass
class MatrixWorld:
    world: World
    users: dict
    token_pk: int

    def __getattr__(self, name):
        return getattr(self.world, name)

    def user_pk(self, name: str) -> int:
        return self.users[name].pk


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_matrix__status(row: Row, world, users):
    from sibyl.web.accounts.models import ApiToken

    token, _ = ApiToken.issue(users["evaluator"], "matrix", created_by="test")
    place = MatrixWorld(world, users, token.pk)
    url = reverse(row.name, kwargs=row.kwargs(place)) + row.query
    # Refusals first, so that an allowed POST that changes the store comes last.
    order = sorted(EVERYONE, key=lambda user: row.status(user) < 400)
    answers: dict[str, int] = {}
    for user in order:
        client = Client() if user == "anonymous" else sign_in(Client(), users[user])
        method = getattr(client, row.method.lower())
        response = method(url, row.data(place)) if row.method == "POST" else method(url)
        answers[user] = response.status_code
    assert answers == {user: row.status(user) for user in order}
