"""The JSON API's permission matrix: every operation of the OpenAPI spec, as every role's token
and with none, and every record outside a role's scope.

The expected roles are written here from DOMAIN.md 4 (who may see what), independently of the
code: an operation of the spec without a row fails ``test_api_matrix__covers_every_operation``;
an operation whose declared roles (``x-sibyl-roles``) differ from its row fails
``test_api_matrix__declared_roles``; an answer other than the row's fails
``test_api_matrix__status`` (admitted roles: the operation's success status; other roles: 403;
no token: 401) and ``test_api_matrix__out_of_scope`` (404).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from matrix import EVERYONE, ROLE_USERS
from webworld import World

from sibyl import identity
from sibyl.web.accounts.models import ApiToken

ROLE_OF = {
    "coordinator": "coordinator",
    "referrer": "referrer",
    "provider": "provider",
    "fund_manager": "fund_manager",
    "investor": "investor",
    "evaluator": "evaluator",
    "admin": "administrator",
}
"""The user of each role in the ``users`` fixture."""


def _referral(user: str, world: World) -> dict[str, Any]:
    """A new referral for each caller (its own id and child), eligible in the world's contract."""
    number = EVERYONE.index(user) + 20
    return {
        "json": {
            "referral_id": f"R-{number}",
            "hetu": identity.make(date(2018, 3, number % 28 + 1), 200 + number),
            "referred_on": "2021-12-15",
            "district": "Vuosaari",
            "referral_source": "child_health_clinic",
            "answers": {
                "concentration": True,
                "behaviour": True,
                "parent_out_of_work": True,
                "parenting_difficulties": True,
            },
        }
    }


def _extract(user: str, world: World) -> dict[str, Any]:
    """A register extract of one row of the SOS family (a new file for each caller)."""
    code = world.sos_code
    text = f"hetu,service,start,end\n{code},4,2023-0{EVERYONE.index(user) + 1}-02,2023-08-31\n"
    return {
        "multipart": {
            "file": SimpleUploadedFile(f"{user}.csv", text.encode(), "text/csv"),
            "as_of": "2023-09-30",
        }
    }


def _activity(user: str, world: World) -> dict[str, Any]:
    return {
        "json": {
            "on": "2022-03-15",
            "component": "family_group",
            "minutes": 45,
            "participants": "child, mother",
        }
    }


@dataclass(frozen=True)
class Op:
    """One operation: who may call it, with which success status, and its records."""

    method: str
    path: str
    admits: tuple[str, ...]
    success: int = 200
    params: Callable[[World], dict[str, Any]] = lambda w: {}
    query: str = ""
    body: Callable[[str, World], dict[str, Any]] | None = None
    out_of_scope: dict[str, Callable[[World], dict[str, Any]]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


EVERY_ROLE = tuple(ROLE_USERS)

OPS: list[Op] = [
    Op("GET", "/api/me", EVERY_ROLE),
    Op("GET", "/api/cohort/status", ("coordinator",), query="?on=2023-01-01"),
    Op("GET", "/api/referrals", ("coordinator", "referrer")),
    Op("POST", "/api/referrals", ("coordinator", "referrer"), success=201, body=_referral),
    Op(
        "GET",
        "/api/referrals/{referral_id}",
        ("coordinator", "referrer"),
        params=lambda w: {"referral_id": "R-1"},
        # R-3 was referred by referrer2: not the referrer's.
        out_of_scope={
            "referrer": lambda w: {"referral_id": "R-3"},
            "coordinator": lambda w: {"referral_id": "R-99"},
        },
    ),
    Op("GET", "/api/families", ("coordinator", "provider")),
    Op(
        "POST",
        "/api/families/{pseudonym}/activities",
        ("provider",),
        success=201,
        params=lambda w: {"pseudonym": w.sos},
        body=_activity,
        # The Vamos family is assigned to another provider.
        out_of_scope={"provider": lambda w: {"pseudonym": w.vamos}},
    ),
    Op("POST", "/api/imports/register", ("coordinator",), success=201, body=_extract),
    Op("GET", "/api/imports", ("coordinator",)),
    Op(
        "GET",
        "/api/imports/{import_id}",
        ("coordinator",),
        params=lambda w: {"import_id": w.register_import_id},
        out_of_scope={"coordinator": lambda w: {"import_id": w.register_import_id + 1000}},
    ),
    Op(
        "GET",
        "/api/imports/{import_id}/rejects",
        ("coordinator",),
        params=lambda w: {"import_id": w.register_import_id},
        out_of_scope={"coordinator": lambda w: {"import_id": w.register_import_id + 1000}},
    ),
    Op("GET", "/api/statements", ("coordinator", "fund_manager")),
    Op(
        "GET",
        "/api/statements/{year}",
        ("coordinator", "fund_manager"),
        params=lambda w: {"year": w.approved_year},
        out_of_scope={
            "coordinator": lambda w: {"year": 2031},
            "fund_manager": lambda w: {"year": 2031},
        },
    ),
    Op(
        "POST",
        "/api/statements/{year}",
        ("coordinator",),
        success=201,
        params=lambda w: {"year": w.draft_year},
    ),
    Op(
        "POST",
        "/api/statements/{year}/approve",
        ("coordinator",),
        params=lambda w: {"year": w.draft_year},
    ),
    Op("GET", "/api/fund/position", ("fund_manager", "coordinator")),
    Op("GET", "/api/fund/ledger", ("fund_manager", "coordinator")),
    Op("GET", "/api/research/extracts", ("evaluator",)),
    Op(
        "GET",
        "/api/research/extracts/{name}",
        ("evaluator",),
        params=lambda w: {"name": "children"},
        query="?format=parquet",
        out_of_scope={"evaluator": lambda w: {"name": "identities"}},
    ),
    Op("GET", "/api/audit/verify", ("admin",)),
]
BY_KEY = {op.key: op for op in OPS}


def spec_operations() -> dict[str, dict]:
    from sibyl.web.api import api

    document = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}": operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def test_api_matrix__covers_every_operation(db):
    assert set(spec_operations()) == set(BY_KEY)


@pytest.mark.parametrize("op", OPS, ids=[op.key for op in OPS])
def test_api_matrix__declared_roles(op: Op, db):
    declared = spec_operations()[op.key]["x-sibyl-roles"]
    assert sorted(declared) == sorted(ROLE_OF[user] for user in op.admits)


@dataclass
class Place:
    world: World
    sos_code: str

    def __getattr__(self, name):
        return getattr(self.world, name)


@pytest.fixture
def place(world) -> Place:
    from webworld import CODE_1

    return Place(world, CODE_1)


@pytest.fixture
def tokens(users) -> dict[str, str]:
    return {
        name: ApiToken.issue(users[name], "matrix", created_by="test")[1] for name in ROLE_USERS
    }


def send(op: Op, place: Place, token: str | None, params: dict[str, Any], user: str):
    url = op.path.format(**params) + op.query
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    client = Client()
    if op.method == "GET":
        return client.get(url, **headers)
    body = op.body(user, place) if op.body else {}
    if "json" in body:
        return client.post(
            url, json.dumps(body["json"]), content_type="application/json", **headers
        )
    return client.post(url, body.get("multipart", {}), **headers)


@pytest.mark.parametrize("op", OPS, ids=[op.key for op in OPS])
def test_api_matrix__status(op: Op, place, tokens):
    expected = {user: (op.success if user in op.admits else 403) for user in ROLE_USERS}
    expected["anonymous"] = 401
    # Refusals first, so that an admitted call that changes the store comes last.
    order = sorted(expected, key=lambda user: expected[user] < 400)
    answers = {}
    for user in order:
        token = tokens.get(user)
        response = send(op, place, token, op.params(place), user)
        answers[user] = response.status_code
    assert answers == {user: expected[user] for user in order}


SCOPED = [(op, user) for op in OPS for user in op.out_of_scope]


@pytest.mark.parametrize(("op", "user"), SCOPED, ids=[f"{op.key} as {user}" for op, user in SCOPED])
def test_api_matrix__out_of_scope(op: Op, user: str, place, tokens):
    response = send(op, place, tokens[user], op.out_of_scope[user](place), user)
    assert response.status_code == 404
    assert response.json()["detail"]


# ---------------------------------------------------------------------------------------------
# Records of another contract: the same store, another contract (``vantaa``, a copy of the
# Helsinki contract under another id), made through the store's operations.


@pytest.fixture
def other_contract(world, tmp_path):
    from webworld import SOS, referral

    from sibyl.contract import load_contract
    from sibyl.web.store.enrolment import enrol, refer
    from sibyl.web.store.fund import add_flow
    from sibyl.web.store.imports import import_register

    folder = Path(load_contract("helsinki").source).parent
    text = (folder / "contract.yaml").read_text(encoding="utf-8")
    (tmp_path / "vantaa").mkdir()
    (tmp_path / "vantaa" / "contract.yaml").write_text(
        text.replace("\nid: helsinki\n", "\nid: vantaa\n"), encoding="utf-8"
    )
    (tmp_path / "vantaa" / "prices.csv").write_bytes((folder / "prices.csv").read_bytes())
    other = load_contract(tmp_path / "vantaa" / "contract.yaml")
    assert other.id == "vantaa"
    code = identity.make(date(2018, 6, 1), 246)
    refer(other, referral("V-1", code, date(2021, 12, 1)), actor="vantaa-referrer")
    child = enrol(other, "V-1", date(2022, 1, 3), SOS, actor="vantaa-coordinator").child
    extract = tmp_path / "vantaa_extract.csv"
    extract.write_text(f"hetu,service,start,end\n{code},4,2022-02-01,2022-02-28\n")
    imported = import_register(extract, other, as_of=date(2022, 12, 31), actor="vantaa")
    add_flow("vantaa", date(2020, 1, 1), "77777.00", "contribution", "Vantaa Investor", actor="x")
    # The records exist (so that a 404 below is the scope's, not a missing record's).
    assert imported.register_import.contract_id == "vantaa"
    assert imported.register_import.accepted == 1
    return {
        "referral_id": "V-1",
        "pseudonym": child.pseudonym,
        "import_id": imported.register_import.id,
    }


def test_api_matrix__records_of_another_contract_answer_404(other_contract, tokens):
    def get(path: str, user: str):
        return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {tokens[user]}")

    assert get(f"/api/referrals/{other_contract['referral_id']}", "coordinator").status_code == 404
    assert get(f"/api/imports/{other_contract['import_id']}", "coordinator").status_code == 404
    assert (
        get(f"/api/imports/{other_contract['import_id']}/rejects", "coordinator").status_code == 404
    )
    activity = json.dumps(_activity("provider", None)["json"])
    answer = Client().post(
        f"/api/families/{other_contract['pseudonym']}/activities",
        activity,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens['provider']}",  # SOS-Lapsikylä, as in Vantaa
    )
    assert answer.status_code == 404
    # Nor do the lists show them.
    referrals = [r["referral_id"] for r in get("/api/referrals", "coordinator").json()]
    assert "V-1" not in referrals
    imports = [i["id"] for i in get("/api/imports", "coordinator").json()]
    assert other_contract["import_id"] not in imports
    families = [f["pseudonym"] for f in get("/api/families", "provider").json()]
    assert other_contract["pseudonym"] not in families
    ledger = get("/api/fund/ledger", "fund_manager").json()
    assert all(line["investor"] != "Vantaa Investor" for line in ledger)
