"""Every command of the command line is documented (Datasette's habit: a test fails when a
command is undocumented)."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from sibyl.cli import _register_commands, app

ROOT = Path(__file__).parents[1]


def _commands(group, prefix: str) -> list[str]:
    names = []
    for name, command in getattr(group, "commands", {}).items():
        full = f"{prefix} {name}"
        if getattr(command, "commands", None):
            names.extend(_commands(command, full))
        else:
            names.append(full)
    return names


def test_docs__every_command_is_documented():
    _register_commands()
    commands = _commands(typer.main.get_command(app), "sibyl")
    assert "sibyl settle" in commands
    text = "\n".join(
        path.read_text(encoding="utf-8")
        for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    )
    undocumented = [
        command
        for command in commands
        if not re.search(re.escape(command) + r"(?![\w-])", text)  # not a prefix of another
    ]
    assert undocumented == []
