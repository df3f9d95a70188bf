"""Synthetic identity codes and paths for the register tests.

Every identity code in these tests is synthetic, built with :func:`sibyl.identity.make` (the
fixture files hold the codes it gives for the same arguments).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sibyl.identity import make

FIXTURES = Path(__file__).parent / "fixtures"

# The synthetic children of the fixture files (tests/register/fixtures/*.csv).
CHILD_A = make(date(2017, 5, 14), 202)  # 140517A202Y
CHILD_B = make(date(2018, 11, 3), 415, new_century_signs=True)  # 031118B415U, a 2023 sign
CHILD_C = make(date(2016, 8, 30), 318)  # 300816A3186
TEMPORARY = make(date(2017, 2, 1), 905)  # individual number 900–999: a temporary code

_CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def with_wrong_check_character(code: str) -> str:
    """The code with another check character (so its checksum fails)."""
    position = _CHECK_CHARACTERS.index(code[-1])
    return code[:-1] + _CHECK_CHARACTERS[(position + 1) % len(_CHECK_CHARACTERS)]


def with_impossible_birth_date() -> str:
    """A code for 31 February 2017 whose check character is right (only the date is wrong)."""
    digits = "310217" + "202"
    return f"310217A202{_CHECK_CHARACTERS[int(digits) % 31]}"
