"""Fixtures for the store tests: throwaway keys, small synthetic files, the Helsinki contract.

These tests run on the embedded SQLite database, and again on PostgreSQL when
``SIBYL_TEST_DATABASE_URL`` is set (``make test`` then reruns this folder with
``DATABASE_URL`` pointing there).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sibyl import identity
from sibyl.contract import load_contract
from store_codes import CHILD_A, CHILD_B, CHILD_OUTSIDE


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
def files(tmp_path: Path) -> dict[str, Path]:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(
        f"hetu,enrolled_on,exited_on,exit_reason\n{CHILD_A},2022-01-01,,\n{CHILD_B},2022-01-01,,\n",
        encoding="utf-8",
    )
    first = tmp_path / "extract_2024-03-31.csv"
    first.write_text(
        "hetu,service,start,end,days\n"
        f"{CHILD_B},3,2023-03-01,2023-03-02,\n"
        f"{CHILD_OUTSIDE},1,2023-01-01,2023-01-31,\n"
        f"{CHILD_A[:-1]}X,1,2023-01-01,2023-01-31,\n",
        encoding="utf-8",
    )
    corrected = tmp_path / "extract_2024-06-30.csv"
    corrected.write_text(
        "hetu,service,start,end,days\n"
        f"{CHILD_B},3,2023-03-01,2023-03-02,\n"
        f"{CHILD_A},1,2023-05-01,2023-05-10,\n",
        encoding="utf-8",
    )
    return {"cohort": cohort, "first": first, "corrected": corrected}
