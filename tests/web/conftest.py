"""Fixtures of the web tests: throwaway keys, one user per role, and a small contract's world
built through the store's own operations (no row is written behind the store's back).

The world (``world`` fixture), contract ``helsinki``:

* referrals ``R-1`` (eligible, by ``referrer``), ``R-2`` (not eligible: one difficulty, by
  ``referrer``), ``R-3`` (eligible, by ``referrer2``), ``R-4`` (eligible, waiting, by
  ``referrer``);
* ``R-1`` enrolled on 2022-01-03 with SOS-Lapsikylä (the ``sos`` family), ``R-3`` on the same
  day with Diakonissalaitos Vamos (the ``vamos`` family); a contact logged for each;
* a register extract as of 2023-03-31 with one row for each family and one rejected row;
* the statement for 2022 created and approved, the draft for 2023 created;
* the fund: two contributions, a provider payment and the 2022 outcome payment.

The users are named for their roles (``coordinator``, ``referrer``, ``provider``, …), plus
``referrer2`` and ``provider2`` (Vamos) for the other side of each row-level rule.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from webworld import (
    CODE_1,
    CODE_2,
    CODE_3,
    CODE_4,
    CODE_OUTSIDE,
    PASSWORD,
    SOS,
    USERS,
    VAMOS,
    World,
    referral,
    sign_in,
)

from sibyl import identity
from sibyl.contract import load_contract
from sibyl.web.accounts.models import Profile


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Argon2 (the production hasher, see test_accounts) takes 0.16 s a password: the web tests
    make many users, so they hash with MD5; nothing here depends on the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_to_begin_with():
    """Each test starts in English: a request of an earlier test in the same process may have
    left Finnish or Swedish active (Django's locale middleware does not switch back)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> identity.Keyring:
    keys = identity.create_keys()
    path = identity.write_key_file(keys, tmp_path / "keys.json")
    monkeypatch.setenv("SIBYL_KEY_FILE", str(path))
    monkeypatch.delenv("SIBYL_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("SIBYL_VAULT_KEY", raising=False)
    return identity.load_keys()


@pytest.fixture
def contract():
    return load_contract("helsinki")


@pytest.fixture
def users(db) -> dict[str, object]:
    User = get_user_model()
    made = {}
    for name, (role, organisation) in USERS.items():
        user = User.objects.create_user(username=name, password=PASSWORD)
        Profile.objects.create(
            user=user, role=role, contract_id="helsinki", organisation=organisation
        )
        made[name] = user
    return made


@pytest.fixture
def client_for(users):
    """``client_for("coordinator")``: a test client signed in as that user."""

    def make(name: str) -> Client:
        return sign_in(Client(), users[name])

    return make


@pytest.fixture
def world(db, users, keyring, contract, tmp_path: Path) -> World:
    from sibyl.web.store.enrolment import enrol, import_activity, refer
    from sibyl.web.store.fund import add_flow
    from sibyl.web.store.imports import import_register
    from sibyl.web.store.statements import approve_statement, create_statement

    first = refer(contract, referral("R-1", CODE_1, date(2021, 12, 1)), actor="referrer")
    refer(
        contract,
        referral("R-2", CODE_2, date(2021, 12, 2), behaviour=False),
        actor="referrer",
    )
    third = refer(contract, referral("R-3", CODE_3, date(2021, 12, 3)), actor="referrer2")
    refer(contract, referral("R-4", CODE_4, date(2021, 12, 4)), actor="referrer")
    enrol(contract, "R-1", date(2022, 1, 3), SOS, actor="coordinator")
    enrol(contract, "R-3", date(2022, 1, 3), VAMOS, actor="coordinator")
    activity = tmp_path / "activity.csv"
    activity.write_text(
        "referral_id,date,component,minutes,participants,provider\n"
        f"R-1,2022-02-01,individual_support,60,child and mother,{SOS}\n"
        f"R-3,2022-02-02,family_group,90,child and father,{VAMOS}\n",
        encoding="utf-8",
    )
    import_activity(activity, contract, actor="provider")
    extract = tmp_path / "extract_2023-03-31.csv"
    extract.write_text(
        "hetu,service,start,end,days\n"
        f"{CODE_1},5,2022-03-01,2022-03-31,\n"
        f"{CODE_3},1,2022-06-01,2022-06-10,\n"
        f"{CODE_OUTSIDE},1,2022-01-01,2022-01-31,\n"
        f"{CODE_1[:-1]}X,1,2022-01-01,2022-01-31,\n",
        encoding="utf-8",
    )
    result = import_register(extract, contract, as_of=date(2023, 3, 31), actor="coordinator")
    for day, amount, kind, investor in (
        (date(2020, 1, 15), "1000000.00", "contribution", "Investor Oy"),
        (date(2020, 1, 15), "500000.00", "contribution", "Other Investor Oy"),
        (date(2020, 2, 1), "400000.00", "provider_payment", ""),
    ):
        add_flow(contract.id, day, amount, kind, investor, actor="fund_manager")
    create_statement(contract.id, 2022, actor="coordinator")
    approved = approve_statement(contract.id, 2022, actor="coordinator")
    add_flow(
        contract.id,
        date(2023, 6, 30),
        approved.invoice_total,
        "outcome_payment",
        actor="fund_manager",
    )
    create_statement(contract.id, 2023, actor="coordinator")
    return World(
        contract=contract,
        sos=first.child.pseudonym,
        vamos=third.child.pseudonym,
        not_eligible=identity.pseudonymise(CODE_2, contract.id, keyring),
        register_import_id=result.register_import.id,
        approved_year=2022,
        draft_year=2023,
        extract=extract,
    )
