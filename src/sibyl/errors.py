"""Errors that a user can fix.

Every error Sibyl raises for bad input is a :class:`SibylInputError`: one sentence that says what
is wrong, where (file, line, column or key) and how to fix it. The command line prints the message
to standard error and exits with status 2; it never shows a traceback for such an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where in an input something is: a file, and optionally a line, a column or a key."""

    file: str | None = None
    line: int | None = None
    column: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.key:
            parts.append(f"key {self.key!r}")
        return ", ".join(parts)


class SibylError(Exception):
    """Base class of all errors Sibyl raises on purpose."""


class SibylInputError(SibylError):
    """An input (file, option, value) that cannot be used; the message says how to fix it.

    ``what`` says what is wrong, ``where`` where it is, ``fix`` what the user can do about it.
    """

    def __init__(self, what: str, where: Location | None = None, fix: str | None = None):
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.where}: {self.what}" if self.where and str(self.where) else self.what
        if self.fix:
            text = f"{text}; {self.fix}"
        return text if text.endswith(".") else text + "."


def display_path(path: str | Path) -> str:
    """A path as the user gave it (no resolution, so messages match what they typed)."""
    return str(path)
