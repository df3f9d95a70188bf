"""docs/keys.md documents every variable, key-file field, command and rotation function (Datasette's
habit: a test fails when something is undocumented)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sibyl import identity

DOC = Path(__file__).parents[2] / "docs/keys.md"


@pytest.mark.parametrize(
    "needed",
    [
        identity.ENV_KEY_FILE,
        identity.ENV_PSEUDONYM_KEY,
        identity.ENV_VAULT_KEY,
        identity.KEY_FILE_FORMAT,
        "`pseudonym_key`",
        "`vault_keys`",
        "`created`",
        "`format`",
        "sibyl keys create --out",
        "sibyl keys check",
        "chmod 600",
        "outside the database and its backups",
        "rotated_keyring(",
        "rotate_token(",
        "repseudonymise(",
        "retire_old_vault_keys(",
        "write_key_file(",
        "Re-issue the research extracts",
        "sibyl/pseudonym/v1/",
    ],
)
def test_keys_doc__documents(needed):
    assert needed in DOC.read_text(encoding="utf-8")


def test_keys_doc__the_pseudonym_example_has_the_real_length():
    code = identity.make(date(2019, 1, 1), 5)
    assert len(identity.pseudonymise(code, "c", identity.create_keys())) == 35
    assert "# 35 characters" in DOC.read_text(encoding="utf-8")
