"""The library (``sibyl.*`` outside ``sibyl.web``) never imports Django (DESIGN.md 1)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import sibyl


def test_library__imports_no_django():
    modules = sorted(
        info.name
        for info in pkgutil.walk_packages(sibyl.__path__, "sibyl.")
        if not info.name.startswith(("sibyl.web", "sibyl.cli", "sibyl.__main__"))
    )
    assert "sibyl.settlement.engine" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
