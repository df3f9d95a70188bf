"""``sibyl keys create --out PATH`` and ``sibyl keys check``: the keys, never shown."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Annotated

import typer

from sibyl import identity
from sibyl.cli import app
from sibyl.cli.common import console, err_console

keys_app = typer.Typer(
    help="Create and check the keys for pseudonyms and the identity vault.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def create(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="The new key file (never replaced if it exists); keep it outside the database "
            "and its backups.",
        ),
    ],
) -> None:
    """Create a new key file, readable only by you (mode 600). The keys are never printed."""
    path = identity.write_key_file(identity.create_keys(), out)
    location = path.absolute()
    console.print(
        f"Wrote new keys to {location} (mode 600, readable only by you). Keep this file outside "
        "the database and its backups, and back it up on its own: without it the identity vault "
        "cannot be read.",
        highlight=False,
    )
    console.print("Put these two lines in the environment of every Sibyl process:", highlight=False)
    console.print(
        f"  export {identity.ENV_KEY_FILE}={shlex.quote(str(location))}\n"
        f"  unset {identity.ENV_PSEUDONYM_KEY} {identity.ENV_VAULT_KEY}",
        highlight=False,
        markup=False,
    )


@keys_app.command("check")
def check() -> None:
    """Load the keys from the environment and say where they come from (no secret is shown)."""
    keyring = identity.load_keys(os.environ)
    count = len(keyring.vault_keys)
    older = (
        ""
        if count == 1
        else f", and {count - 1} older key{'s' if count > 2 else ''} kept for reading until a "
        "rotation completes"
    )
    console.print(
        f"Keys loaded from {keyring.source}: a pseudonym key (id {keyring.pseudonym_key_id}) "
        f"and {count} vault key{'s' if count > 1 else ''} (current id {keyring.vault_key_id}"
        f"{older}).",
        highlight=False,
        markup=False,
    )
    from_file = bool(os.environ.get(identity.ENV_KEY_FILE, "").strip())
    names = (identity.ENV_PSEUDONYM_KEY, identity.ENV_VAULT_KEY)
    ignored = [name for name in names if from_file and os.environ.get(name, "").strip()]
    if ignored:
        err_console.print(
            f"warning: {' and '.join(ignored)} {'is' if len(ignored) == 1 else 'are'} also set "
            f"but ignored, since {identity.ENV_KEY_FILE} takes precedence; unset "
            f"{'it' if len(ignored) == 1 else 'them'} to avoid confusion.",
            highlight=False,
            markup=False,
        )
