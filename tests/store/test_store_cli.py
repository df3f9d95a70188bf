"""The store's commands: what a coordinator types, the answers and the exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import sibyl
from sibyl import identity
from sibyl.web.audit.models import AuditEntry
from store_codes import CHILD_A

pytestmark = pytest.mark.django_db


def test_cli__a_year_of_work_through_the_store(files, keyring, tmp_path: Path):
    first = sibyl("import", "cohort", str(files["cohort"]), "--actor", "coordinator")
    assert first.code == 0, first.err
    assert "2 children, 2 new" in first.out
    register = sibyl("import", "register", str(files["first"]), "--as-of", "2024-03-31")
    assert register.code == 0, register.err
    assert "3 rows, 2 accepted, 1 rejected, 1 of people not in the cohort" in register.out
    assert CHILD_A not in register.out + register.err
    again = sibyl("import", "register", str(files["first"]), "--as-of", "2024-03-31")
    assert again.code == 0
    assert "was already imported" in again.out
    assert "nothing changed" in again.out

    assert sibyl("statement", "create", "--year", "2023").code == 0
    approved = sibyl("statement", "approve", "--year", "2023", "--actor", "coordinator")
    assert approved.code == 0, approved.err
    assert "approved by coordinator; invoice EUR 6,707.74" in approved.out
    twice = sibyl("statement", "approve", "--year", "2023")
    assert twice.code == 2
    assert "there is no draft statement for 2023 to approve" in twice.err
    replaced = sibyl("statement", "create", "--year", "2023")
    assert replaced.code == 2
    assert "is approved and cannot be replaced" in replaced.err

    exported = sibyl("statement", "export", "--year", "2023", "--out", str(tmp_path / "s.csv"))
    assert exported.code == 0, exported.err
    assert (tmp_path / "s_lines.csv").exists()
    assert CHILD_A not in (tmp_path / "s.csv").read_text(encoding="utf-8")

    pseudonym = identity.pseudonymise(CHILD_A, "helsinki", keyring)
    revealed = sibyl("identity", "reveal", pseudonym, "--reason", "court order 12/2026")
    assert revealed.code == 0, revealed.err
    assert revealed.out.strip() == CHILD_A
    assert AuditEntry.objects.filter(action="identity.reveal").count() == 1

    verified = sibyl("audit", "verify")
    assert verified.code == 0
    assert "The audit log is intact" in verified.out


def test_cli__register_before_cohort_is_refused(files, keyring):
    result = sibyl("import", "register", str(files["first"]), "--as-of", "2024-03-31")
    assert result.code == 2
    assert "has no cohort in the store yet" in result.err
    assert "sibyl import cohort" in result.err


def test_cli__no_keys_no_import_and_the_message_says_how_to_make_them(
    files, monkeypatch: pytest.MonkeyPatch
):
    for name in ("SIBYL_KEY_FILE", "SIBYL_PSEUDONYM_KEY", "SIBYL_VAULT_KEY"):
        monkeypatch.delenv(name, raising=False)
    result = sibyl("import", "cohort", str(files["cohort"]))
    assert result.code == 2
    assert "sibyl keys create" in result.err
    assert "Traceback" not in result.err
