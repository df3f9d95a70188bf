"""``sibyl ARGS`` run in the test's own process, as the command-line tests use it: the exit
status, standard output and standard error (one helper, not a copy in every test module)."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from sibyl.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    def __iter__(self):  # code, out, err = sibyl(...)
        return iter((self.code, self.out, self.err))

    # The names of subprocess.CompletedProcess, which some tests compare against.
    @property
    def returncode(self) -> int:
        return self.code

    @property
    def stdout(self) -> str:
        return self.out

    @property
    def stderr(self) -> str:
        return self.err

    @property
    def everything(self) -> str:
        return self.out + self.err


def sibyl(*args: str, cwd: Path | None = None, stdin: str | None = None) -> Result:
    """Run the command line in this process (as ``sibyl ARGS`` in ``cwd``, with ``stdin``)."""
    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    saved_stdin = sys.stdin
    if cwd is not None:
        os.chdir(cwd)
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.chdir(previous)
        sys.stdin = saved_stdin
    return Result(code, out.getvalue(), err.getvalue())
