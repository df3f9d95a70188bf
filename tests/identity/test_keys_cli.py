"""``sibyl keys create`` and ``sibyl keys check``: exit codes, file mode, and no key ever shown."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from synthetic_keys import FIXED_PSEUDONYM_KEY, FIXED_VAULT_KEY, OLDER_VAULT_KEY

from cli_runner import Result
from cli_runner import sibyl as run
from sibyl import identity

KEY_VARIABLES = ("SIBYL_KEY_FILE", "SIBYL_PSEUDONYM_KEY", "SIBYL_VAULT_KEY")


@pytest.fixture(autouse=True)
def no_keys_in_environment(monkeypatch):
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def _secrets_in(path: Path) -> list[str]:
    """Every key in a key file, in every form it could be printed in."""
    data = json.loads(path.read_text(encoding="utf-8"))
    raw = base64.urlsafe_b64decode(data["pseudonym_key"])
    forms = [data["pseudonym_key"], data["pseudonym_key"].rstrip("="), raw.hex(), repr(raw)]
    for key in data["vault_keys"]:
        forms += [key, key.rstrip("="), base64.urlsafe_b64decode(key).hex()]
    return forms


def _assert_no_secret(result: Result, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in result.out
        assert secret not in result.err
        assert secret[:12] not in result.out + result.err


def test_keys_create__writes_a_private_key_file_and_prints_no_key(tmp_path):
    path = tmp_path / "sibyl-keys.json"
    result = run("keys", "create", "--out", str(path))
    assert result.code == 0, result.err
    assert result.err == ""
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert f"Wrote new keys to {path}" in result.out
    assert f"export SIBYL_KEY_FILE={path}" in result.out
    assert "unset SIBYL_PSEUDONYM_KEY SIBYL_VAULT_KEY" in result.out
    assert "outside the database and its backups" in result.out
    _assert_no_secret(result, _secrets_in(path))
    assert identity.load_keys({"SIBYL_KEY_FILE": str(path)}).vault_keys[0] in path.read_text(
        encoding="utf-8"
    )


def test_keys_create__quotes_a_path_with_spaces_for_the_shell(tmp_path):
    folder = tmp_path / "city keys"
    folder.mkdir()
    result = run("keys", "create", "--out", str(folder / "k.json"))
    assert result.code == 0, result.err
    assert f"export SIBYL_KEY_FILE='{folder / 'k.json'}'" in result.out


def test_keys_create__refuses_to_replace_a_key_file_exit_2(tmp_path):
    path = tmp_path / "sibyl-keys.json"
    assert run("keys", "create", "--out", str(path)).code == 0
    before = path.read_text(encoding="utf-8")
    result = run("keys", "create", "--out", str(path))
    assert result.code == 2
    assert result.err.startswith(f"error: {path}: a file of this name already exists")
    assert result.err.count("\n") == 1
    assert path.read_text(encoding="utf-8") == before
    _assert_no_secret(result, _secrets_in(path))


def test_keys_create__needs_out(tmp_path):
    assert run("keys", "create").code == 2


def test_keys_check__without_keys_exits_2_and_says_how_to_create_them():
    result = run("keys", "check")
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("error: no keys: SIBYL_KEY_FILE is not set")
    assert "`sibyl keys create --out PATH`" in result.err
    assert result.err.count("\n") == 1


def test_keys_check__names_the_key_file_and_counts_vault_keys(tmp_path, monkeypatch):
    path = tmp_path / "sibyl-keys.json"
    assert run("keys", "create", "--out", str(path)).code == 0
    monkeypatch.setenv("SIBYL_KEY_FILE", str(path))
    result = run("keys", "check")
    assert result.code == 0, result.err
    assert f"Keys loaded from the key file {path}" in result.out
    assert "and 1 vault key (current id " in result.out
    _assert_no_secret(result, _secrets_in(path))


def test_keys_check__from_the_environment_variables_with_an_older_key(monkeypatch):
    pseudonym_text = base64.urlsafe_b64encode(FIXED_PSEUDONYM_KEY).decode("ascii")
    monkeypatch.setenv("SIBYL_PSEUDONYM_KEY", pseudonym_text)
    monkeypatch.setenv("SIBYL_VAULT_KEY", f"{FIXED_VAULT_KEY},{OLDER_VAULT_KEY}")
    result = run("keys", "check")
    assert result.code == 0, result.err
    assert "from the environment variables SIBYL_PSEUDONYM_KEY and SIBYL_VAULT_KEY" in result.out
    assert "2 vault keys" in result.out
    assert "1 older key kept for reading until a rotation completes" in result.out
    _assert_no_secret(result, [pseudonym_text, FIXED_VAULT_KEY, OLDER_VAULT_KEY])


def test_keys_check__warns_when_variables_are_ignored_for_the_key_file(tmp_path, monkeypatch):
    path = tmp_path / "sibyl-keys.json"
    assert run("keys", "create", "--out", str(path)).code == 0
    monkeypatch.setenv("SIBYL_KEY_FILE", str(path))
    monkeypatch.setenv("SIBYL_VAULT_KEY", FIXED_VAULT_KEY)
    result = run("keys", "check")
    assert result.code == 0
    assert "SIBYL_VAULT_KEY is also set but ignored" in result.err
    _assert_no_secret(result, [*_secrets_in(path), FIXED_VAULT_KEY])


@pytest.mark.skipif(os.name != "posix", reason="POSIX file permissions")
def test_keys_check__refuses_a_key_file_others_may_read_exit_2(tmp_path, monkeypatch):
    path = tmp_path / "sibyl-keys.json"
    assert run("keys", "create", "--out", str(path)).code == 0
    path.chmod(0o644)
    monkeypatch.setenv("SIBYL_KEY_FILE", str(path))
    result = run("keys", "check")
    assert result.code == 2
    assert f"chmod 600 {path}" in result.err
    _assert_no_secret(result, _secrets_in(path))


def test_keys_check__a_broken_key_file_exits_2_without_quoting_it(tmp_path, monkeypatch):
    path = tmp_path / "sibyl-keys.json"
    data = {"format": "sibyl-keys/1", "pseudonym_key": "SECRETSECRET", "vault_keys": ["x"]}
    path.write_text(json.dumps(data), "utf-8")
    path.chmod(0o600)
    monkeypatch.setenv("SIBYL_KEY_FILE", str(path))
    result = run("keys", "check")
    assert result.code == 2
    assert '"pseudonym_key" is not url-safe base64 of 32 bytes' in result.err
    assert "SECRET" not in result.err
