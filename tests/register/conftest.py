"""Fixtures of the register tests: the Helsinki contract and tiny files written on the fly."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from sibyl.contract import Contract, load_contract


@pytest.fixture(scope="session")
def helsinki() -> Contract:
    return load_contract("helsinki")


WriteCsv = Callable[..., Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """Write rows (the first is the header) as a ``;`` CSV in UTF-8 and give its path."""

    def write(rows: Sequence[Sequence[str]], name: str = "file.csv", sep: str = ";") -> Path:
        path = tmp_path / name
        path.write_text("".join(sep.join(row) + "\n" for row in rows), encoding="utf-8")
        return path

    return write
