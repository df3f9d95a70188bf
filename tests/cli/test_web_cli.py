"""``sibyl serve`` refuses to start without its secrets outside the demo; ``sibyl user`` makes
users and API tokens from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from cli_runner import sibyl
from sibyl.cli.web import _data_dir, is_demo_folder
from sibyl.web.accounts.models import ApiToken, Profile, hash_token
from sibyl.web.audit.models import AuditEntry

GOOD_PASSWORD = "correct horse battery staple 9"


@pytest.fixture
def no_sibyl_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SIBYL_SECRET_KEY",
        "SIBYL_DATA_DIR",
        "DATABASE_URL",
        "SIBYL_KEY_FILE",
        "SIBYL_PSEUDONYM_KEY",
        "SIBYL_VAULT_KEY",
        "SIBYL_DEMO",
    ):
        # set, then removed: the teardown then also removes what `sibyl serve` sets itself
        monkeypatch.setenv(name, "x")
        monkeypatch.delenv(name)


def test_serve__refuses_to_start_without_a_secret_key_outside_the_demo(
    no_sibyl_environment, tmp_path: Path
):
    result = sibyl("serve", "--data-dir", str(tmp_path))
    assert result.code == 2
    assert result.err.startswith("error: SIBYL_SECRET_KEY is not set")
    assert "export SIBYL_SECRET_KEY=" in result.err
    assert "Traceback" not in result.err


def test_serve__refuses_to_start_without_identity_keys(
    no_sibyl_environment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SIBYL_SECRET_KEY", "x" * 50)
    result = sibyl("serve", "--data-dir", str(tmp_path))
    assert result.code == 2
    assert "sibyl keys create" in result.err


def test_serve__a_missing_folder_is_a_clear_error(no_sibyl_environment, tmp_path: Path):
    result = sibyl("serve", "--data-dir", str(tmp_path / "nowhere"))
    assert result.code == 2
    assert result.err == (
        f"error: {tmp_path / 'nowhere'}: the folder does not exist; give the folder of a store, "
        "e.g. sibyl-demo after `sibyl demo`.\n"
    )


def test_serve__finds_the_demo_folder_when_there_is_no_other_store(
    no_sibyl_environment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    assert _data_dir(None) == Path("sibyl-data")
    (tmp_path / "sibyl-demo").mkdir()
    (tmp_path / "sibyl-demo" / ".sibyl-demo").write_text("demo")
    assert _data_dir(None) == Path("sibyl-demo")
    assert is_demo_folder(Path("sibyl-demo"))
    (tmp_path / "sibyl-data").mkdir()
    (tmp_path / "sibyl-data" / "sibyl.sqlite3").write_bytes(b"")
    assert _data_dir(None) == Path("sibyl-data")  # a real store wins over the demo
    assert not is_demo_folder(Path("sibyl-data"))
    monkeypatch.setenv("DATABASE_URL", "postgres://db/sibyl")
    assert _data_dir(None) is None  # PostgreSQL
    assert _data_dir(tmp_path) == tmp_path  # the option wins


@pytest.mark.django_db
def test_user_create__makes_a_provider_worker_with_an_audited_entry():
    result = sibyl(
        "user", "create", "sos1", "--role", "provider", "--organisation", "SOS-Lapsikylä",
        "--full-name", "Sanna Sos", "--password-stdin", "--actor", "admin",
        stdin=GOOD_PASSWORD + "\n",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out == "User sos1 created: provider in helsinki, SOS-Lapsikylä.\n"
    user = get_user_model().objects.get(username="sos1")
    assert user.check_password(GOOD_PASSWORD)
    assert user.password.startswith("argon2")
    profile = Profile.objects.get(user=user)
    assert (profile.role, profile.organisation, profile.contract_id) == (
        "provider",
        "SOS-Lapsikylä",
        "helsinki",
    )
    entry = AuditEntry.objects.get(action="account.create")
    assert entry.actor == "admin"
    assert GOOD_PASSWORD not in str(entry.details)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--role", "provider", "--organisation", "Nobody Oy"], GOOD_PASSWORD,
         "error: --organisation: A provider's worker belongs to one of the contract's providers: "
         "SOS-Lapsikylä, Diakonissalaitos Vamos; correct it and run the command again.\n"),
        (["--role", "wizard"], GOOD_PASSWORD,
         "error: --role: Select a valid choice. wizard is not one of the available choices; "
         "correct it and run the command again.\n"),
        (["--role", "investor"], "short",
         "error: the password: This password is too short. It must contain at least 12 "
         "characters; correct it and run the command again.\n"),
    ],
)  # fmt: skip
def test_user_create__refuses_bad_input_in_one_sentence(args, password, message):
    result = sibyl("user", "create", "someone", *args, "--password-stdin", stdin=password + "\n")
    assert result.code == 2
    assert result.err == message
    assert not get_user_model().objects.filter(username="someone").exists()


@pytest.mark.django_db
def test_user_token__printed_once_and_stored_as_a_hash():
    sibyl("user", "create", "registry", "--role", "coordinator", "--password-stdin",
          stdin=GOOD_PASSWORD + "\n")  # fmt: skip
    result = sibyl("user", "token", "registry", "--name", "register system")
    assert result.code == 0, result.err
    token = result.out.splitlines()[0]
    assert token.startswith("sib_")
    row = ApiToken.objects.get(user__username="registry")
    assert row.digest == hash_token(token)
    assert row.name == "register system"
    unknown = sibyl("user", "token", "ghost", "--name", "x")
    assert unknown.code == 2
    assert unknown.err == (
        "error: there is no user 'ghost'; see `sibyl user list` for the user names.\n"
    )
