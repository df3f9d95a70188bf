"""Keys: loaded from a key file or the environment, never a fallback, never shown."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from synthetic_keys import FIXED_PSEUDONYM_KEY, FIXED_VAULT_KEY, OLDER_VAULT_KEY

from sibyl import identity
from sibyl.errors import SibylInputError

POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="POSIX file permissions")

PSEUDONYM_TEXT = base64.urlsafe_b64encode(FIXED_PSEUDONYM_KEY).decode("ascii")


def _key_file(path: Path, data: object, mode: int = 0o600) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    path.chmod(mode)
    return path


def _good(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "format": "sibyl-keys/1",
        "pseudonym_key": PSEUDONYM_TEXT,
        "vault_keys": [FIXED_VAULT_KEY, OLDER_VAULT_KEY],
        "created": "2025-01-31T12:00:00+00:00",
    }
    data.update(changes)
    return data


def _assert_no_secret(message: str, *secrets: str) -> None:
    for secret in (PSEUDONYM_TEXT, FIXED_VAULT_KEY, OLDER_VAULT_KEY, *secrets):
        assert secret not in message
        assert secret[:16] not in message


# --- no fallback ------------------------------------------------------------------------------


def test_load_keys__an_empty_environment_raises_and_has_no_fallback():
    with pytest.raises(identity.MissingKeys) as error:
        identity.load_keys({})
    assert isinstance(error.value, SibylInputError)


def test_load_keys__the_message_says_how_to_create_keys():
    with pytest.raises(identity.MissingKeys) as error:
        identity.load_keys({})
    message = error.value.message
    assert "SIBYL_KEY_FILE" in message
    assert "`sibyl keys create --out PATH`" in message
    assert "outside the database and its backups" in message
    assert message.count(". ") == 0
    assert message.endswith(".")


def test_load_keys__does_not_read_the_process_environment_when_given_one(monkeypatch, tmp_path):
    monkeypatch.setenv("SIBYL_KEY_FILE", str(_key_file(tmp_path / "keys.json", _good())))
    with pytest.raises(identity.MissingKeys):
        identity.load_keys({})
    assert identity.load_keys().vault_keys == (FIXED_VAULT_KEY, OLDER_VAULT_KEY)


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"SIBYL_PSEUDONYM_KEY": PSEUDONYM_TEXT}, "SIBYL_VAULT_KEY is not set"),
        ({"SIBYL_VAULT_KEY": FIXED_VAULT_KEY}, "SIBYL_PSEUDONYM_KEY is not set"),
        ({"SIBYL_PSEUDONYM_KEY": " ", "SIBYL_VAULT_KEY": FIXED_VAULT_KEY}, "PSEUDONYM_KEY is not"),
        ({"SIBYL_KEY_FILE": "", "SIBYL_PSEUDONYM_KEY": PSEUDONYM_TEXT}, "SIBYL_VAULT_KEY is not"),
    ],
)
def test_load_keys__half_the_environment_variables_is_not_enough(environ, named):
    with pytest.raises(identity.MissingKeys) as error:
        identity.load_keys(environ)
    assert named in error.value.message
    assert "sibyl keys create" in error.value.message
    _assert_no_secret(error.value.message)


# --- from the environment ---------------------------------------------------------------------


def test_load_keys__from_the_environment(key_environ, keyring):
    loaded = identity.load_keys(key_environ)
    assert loaded == keyring
    assert "SIBYL_PSEUDONYM_KEY" in loaded.source


def test_load_keys__vault_keys_are_comma_separated_current_first(key_environ):
    key_environ["SIBYL_VAULT_KEY"] = f" {FIXED_VAULT_KEY} , {OLDER_VAULT_KEY}\n"
    assert identity.load_keys(key_environ).vault_keys == (FIXED_VAULT_KEY, OLDER_VAULT_KEY)


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("SIBYL_PSEUDONYM_KEY", "c2hvcnQ=", "SIBYL_PSEUDONYM_KEY is not url-safe base64 of 32"),
        ("SIBYL_PSEUDONYM_KEY", PSEUDONYM_TEXT + "AAAA", "not url-safe base64 of 32 bytes"),
        ("SIBYL_PSEUDONYM_KEY", "not base64 at all!", "not url-safe base64 of 32 bytes"),
        ("SIBYL_VAULT_KEY", "tooshortforfernet", "vault key 1 of 1 in SIBYL_VAULT_KEY is not a"),
        ("SIBYL_VAULT_KEY", FIXED_VAULT_KEY + ",x" + OLDER_VAULT_KEY, "vault key 2 of 2"),
        ("SIBYL_VAULT_KEY", FIXED_VAULT_KEY + ",", "holds an empty vault key"),
        ("SIBYL_VAULT_KEY", PSEUDONYM_TEXT, "must differ from every vault key"),
    ],
)
def test_load_keys__malformed_environment_keys_are_named_not_shown(
    key_environ, variable, value, words
):
    key_environ[variable] = value
    with pytest.raises(identity.MissingKeys) as error:
        identity.load_keys(key_environ)
    message = error.value.message
    assert words in message
    assert value.strip(",") not in message
    assert "new keys cannot read its vault" in message
    _assert_no_secret(message)


# --- from a key file --------------------------------------------------------------------------


def test_load_keys__from_a_key_file(tmp_path):
    path = _key_file(tmp_path / "keys.json", _good())
    loaded = identity.load_keys({"SIBYL_KEY_FILE": str(path)})
    assert loaded.pseudonym_key == FIXED_PSEUDONYM_KEY
    assert loaded.vault_keys == (FIXED_VAULT_KEY, OLDER_VAULT_KEY)
    assert loaded.source == f"the key file {path}"


def test_load_keys__the_key_file_wins_over_the_variables(tmp_path, key_environ):
    other = identity.create_keys()
    path = identity.write_key_file(other, tmp_path / "keys.json")
    loaded = identity.load_keys({**key_environ, "SIBYL_KEY_FILE": str(path)})
    assert loaded == other


def test_load_keys__a_missing_key_file_is_named(tmp_path):
    path = tmp_path / "nowhere.json"
    with pytest.raises(identity.MissingKeys) as error:
        identity.load_keys({"SIBYL_KEY_FILE": str(path)})
    message = error.value.message
    assert message.startswith(f"{path}: the key file named by SIBYL_KEY_FILE does not exist")
    assert "`sibyl keys create --out PATH`" in message


def test_load_keys__a_folder_is_not_a_key_file(tmp_path):
    with pytest.raises(identity.MissingKeys, match="names a folder"):
        identity.load_keys({"SIBYL_KEY_FILE": str(tmp_path)})


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("", "not valid JSON at line 1"),
        ('{"format": "sibyl-keys/1",\n "pseudonym_key": SECRETSECRETSECRET}', "not valid JSON at"),
        ("[]", '"format" is not "sibyl-keys/1"'),
        (_good(format="sibyl-keys/2"), '"format" is not "sibyl-keys/1"'),
        (_good(pseudonym_key=None), 'has no "pseudonym_key"'),
        (_good(pseudonym_key="SECRETSECRETSECRET"), '"pseudonym_key" is not url-safe base64'),
        (_good(vault_keys=[]), '"vault_keys" is not a non-empty list'),
        (_good(vault_keys=FIXED_VAULT_KEY), '"vault_keys" is not a non-empty list'),
        (_good(vault_keys=[FIXED_VAULT_KEY, "SECRETSECRETSECRET"]), "vault key 2 of 2"),
    ],
)
def test_load_keys__a_malformed_key_file_is_refused_without_quoting_it(tmp_path, content, words):
    path = _key_file(tmp_path / "keys.json", content)
    with pytest.raises(identity.MissingKeys) as error:
        identity.load_keys({"SIBYL_KEY_FILE": str(path)})
    message = error.value.message
    assert message.startswith(f"{path}: ")
    assert words in message
    assert "SECRET" not in message
    _assert_no_secret(message)


def test_load_keys__a_key_file_that_is_not_text_is_refused(tmp_path):
    path = tmp_path / "keys.json"
    path.write_bytes(b"\xff\xfe\x00binary")
    path.chmod(0o600)
    with pytest.raises(identity.MissingKeys, match="not UTF-8 text"):
        identity.load_keys({"SIBYL_KEY_FILE": str(path)})


# --- permissions ------------------------------------------------------------------------------


@POSIX_ONLY
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o602, 0o660, 0o666, 0o610])
def test_load_keys__refuses_a_key_file_other_users_may_read_or_change(tmp_path, mode):
    path = _key_file(tmp_path / "keys.json", _good(), mode)
    with pytest.raises(identity.UnsafeKeyFile) as error:
        identity.load_keys({"SIBYL_KEY_FILE": str(path)})
    assert isinstance(error.value, identity.MissingKeys)
    message = error.value.message
    assert f"chmod 600 {path}" in message
    assert f"(mode {mode:03o})" in message
    _assert_no_secret(message)


@POSIX_ONLY
@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_load_keys__accepts_a_key_file_only_its_owner_may_read(tmp_path, mode):
    path = _key_file(tmp_path / "keys.json", _good(), mode)
    assert identity.load_keys({"SIBYL_KEY_FILE": str(path)}).pseudonym_key == FIXED_PSEUDONYM_KEY


def test_load_keys__skips_the_permission_check_without_posix_permissions(tmp_path, monkeypatch):
    path = _key_file(tmp_path / "keys.json", _good(), 0o644)
    monkeypatch.setattr(identity.os, "name", "nt")
    assert identity.load_keys({"SIBYL_KEY_FILE": str(path)}).pseudonym_key == FIXED_PSEUDONYM_KEY


# --- creating and writing ---------------------------------------------------------------------


def test_create_keys__are_random_and_well_formed():
    first, second = identity.create_keys(), identity.create_keys()
    assert len(first.pseudonym_key) == 32
    assert len(first.vault_keys) == 1
    assert first.pseudonym_key != second.pseudonym_key
    assert first.vault_keys != second.vault_keys


@POSIX_ONLY
def test_write_key_file__is_mode_600_whatever_the_umask(tmp_path):
    previous = os.umask(0)
    try:
        path = identity.write_key_file(identity.create_keys(), tmp_path / "keys.json")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_write_key_file__round_trips_through_load_keys(tmp_path):
    keyring = identity.create_keys()
    path = identity.write_key_file(keyring, tmp_path / "keys.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "sibyl-keys/1"
    assert set(data) == {"format", "pseudonym_key", "vault_keys", "created"}
    assert data["created"].endswith("+00:00")
    assert identity.load_keys({"SIBYL_KEY_FILE": str(path)}) == keyring
    assert [p.name for p in tmp_path.iterdir()] == ["keys.json"]  # no temporary file left


def test_write_key_file__never_replaces_an_existing_file(tmp_path):
    path = tmp_path / "keys.json"
    path.write_text("the only copy of the keys in use", encoding="utf-8")
    with pytest.raises(SibylInputError) as error:
        identity.write_key_file(identity.create_keys(), path)
    assert "already exists and is never replaced" in error.value.message
    assert path.read_text(encoding="utf-8") == "the only copy of the keys in use"
    assert [p.name for p in tmp_path.iterdir()] == ["keys.json"]


def test_write_key_file__into_a_missing_folder_says_so(tmp_path):
    with pytest.raises(SibylInputError, match="folder for the key file does not exist"):
        identity.write_key_file(identity.create_keys(), tmp_path / "no" / "keys.json")


def test_keyring__repr_shows_no_key(keyring):
    text = repr(keyring) + str(keyring)
    _assert_no_secret(text)
    assert FIXED_PSEUDONYM_KEY.hex() not in text
    assert repr(FIXED_PSEUDONYM_KEY) not in text
    assert "1 vault key" in text


def test_keyring__refuses_malformed_keys_without_showing_them():
    with pytest.raises(ValueError, match="32 bytes") as error:
        identity.Keyring(pseudonym_key=b"short", vault_keys=(FIXED_VAULT_KEY,))
    with pytest.raises(ValueError, match="Fernet key") as error:
        identity.Keyring(pseudonym_key=FIXED_PSEUDONYM_KEY, vault_keys=("x" + FIXED_VAULT_KEY,))
    _assert_no_secret(str(error.value))
    with pytest.raises(ValueError, match="non-empty"):
        identity.Keyring(pseudonym_key=FIXED_PSEUDONYM_KEY, vault_keys=())
