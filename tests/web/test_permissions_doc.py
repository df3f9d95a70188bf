"""docs/permissions.md says what the code does: its tables are made from the views' rules."""

from __future__ import annotations

from pathlib import Path

from sibyl.web.accounts.permissions_doc import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def test_permissions_doc__tables_match_the_rules_the_views_declare():
    text = DOC.read_text(encoding="utf-8")
    assert text == render(text), (
        "docs/permissions.md differs from the code: run "
        "`python -m sibyl.web.accounts.permissions_doc --write` and review the change"
    )
