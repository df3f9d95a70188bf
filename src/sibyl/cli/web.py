"""``sibyl serve`` (the web application) and ``sibyl user`` (accounts from the command line).

``sibyl serve`` runs the application in Waitress, a production WSGI server, on the store:

* ``--data-dir DIR`` or ``SIBYL_DATA_DIR``, else ``DATABASE_URL``, else ``./sibyl-data`` when it
  holds a store, else the demo's folder ``./sibyl-demo`` when ``sibyl demo`` has written one;
* a demo folder runs in **demo mode**: its throwaway keys, a secret kept in the folder, the demo
  users, one-time codes switched off (and every page says so);
* anything else needs ``SIBYL_SECRET_KEY`` and the identity keys, or it does not start.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer

from sibyl.cli import app
from sibyl.cli.common import actor_name, console, open_store
from sibyl.errors import Location, SibylInputError

DEMO_MARKER = ".sibyl-demo"
DEFAULT_DATA_DIR = Path("sibyl-data")
DEMO_DIR = Path("sibyl-demo")

user_app = typer.Typer(
    help="Users of the web application and their API tokens.", no_args_is_help=True
)
app.add_typer(user_app, name="user")


def _data_dir(option: Path | None) -> Path | None:
    """The folder of the embedded store to serve, or ``None`` for ``DATABASE_URL``."""
    if option is not None:
        return option
    if os.environ.get("SIBYL_DATA_DIR"):
        return Path(os.environ["SIBYL_DATA_DIR"])
    if os.environ.get("DATABASE_URL"):
        return None
    if (DEFAULT_DATA_DIR / "sibyl.sqlite3").exists():
        return DEFAULT_DATA_DIR
    if (DEMO_DIR / DEMO_MARKER).exists():
        return DEMO_DIR
    return DEFAULT_DATA_DIR


def is_demo_folder(folder: Path | None) -> bool:
    return folder is not None and (folder / DEMO_MARKER).exists()


def _demo_secret(folder: Path) -> str:
    """The demo's Django secret, kept in its folder so that sessions outlive a restart."""
    path = folder / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def prepare_environment(folder: Path | None) -> bool:
    """Point the settings at the store; returns whether it is a demo. Must run before Django."""
    demo = is_demo_folder(folder)
    if folder is not None:
        os.environ["SIBYL_DATA_DIR"] = str(folder)
    if demo:
        assert folder is not None
        os.environ["SIBYL_DEMO"] = "true"
        os.environ["SIBYL_KEY_FILE"] = str(folder / "keys.json")
        os.environ["SIBYL_SECRET_KEY"] = _demo_secret(folder)
        for name in ("DATABASE_URL", "SIBYL_PSEUDONYM_KEY", "SIBYL_VAULT_KEY"):
            os.environ.pop(name, None)
        return True
    os.environ.pop("SIBYL_DEMO", None)
    if not os.environ.get("SIBYL_SECRET_KEY"):
        raise SibylInputError(
            "SIBYL_SECRET_KEY is not set, and the web application does not start without it "
            "(it signs the sessions)",
            None,
            "set it to a long random text kept secret, e.g. export SIBYL_SECRET_KEY="
            "\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\"",
        )
    from sibyl import identity

    identity.load_keys()  # raises MissingKeys, with how to make them, when there are none
    return False


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.")] = 8000,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="The folder of the embedded store (default: SIBYL_DATA_DIR, else DATABASE_URL, "
            "else ./sibyl-data, else the demo's ./sibyl-demo).",
            file_okay=False,
        ),
    ] = None,
    threads: Annotated[int, typer.Option(help="Worker threads.")] = 4,
) -> None:
    """Start the web application (Waitress) on the store; a demo folder runs in demo mode."""
    folder = _data_dir(data_dir)
    if data_dir is not None and not data_dir.exists():
        raise SibylInputError(
            "the folder does not exist",
            Location(str(data_dir)),
            "give the folder of a store, e.g. sibyl-demo after `sibyl demo`",
        )
    demo = prepare_environment(folder)
    open_store()
    from django.contrib.auth import get_user_model

    from sibyl.contract import load_contract
    from sibyl.web.accounts.demo import create_demo_users, demo_users

    where = f"{folder / 'sibyl.sqlite3'}" if folder is not None else "DATABASE_URL"
    url = f"http://{'localhost' if host in ('127.0.0.1', 'localhost') else host}:{port}/"
    lines = [f"Sibyl on {url} (store: {where}). Stop it with Ctrl+C."]
    if demo:
        contract = load_contract("helsinki")
        create_demo_users(contract)
        names = ", ".join(user.username for user in demo_users(contract))
        lines.append(
            "Demo mode: synthetic data, throwaway keys, one-time codes switched off. "
            f"Sign in as {names}; the password of each is demo."
        )
    elif not get_user_model().objects.exists():
        lines.append(
            "The store has no users yet: make the first administrator with "
            "`sibyl user create NAME --role administrator`."
        )
    for line in lines:
        console.print(line, highlight=False, markup=False)
    from waitress import serve as waitress_serve

    from sibyl.web.wsgi import application

    waitress_serve(application, host=host, port=port, threads=threads, ident="Sibyl")


@user_app.command("create")
def user_create(
    username: Annotated[str, typer.Argument(help="The user name to sign in with.")],
    role: Annotated[
        str,
        typer.Option(
            help="coordinator, referrer, provider, fund_manager, investor, evaluator or "
            "administrator."
        ),
    ],
    organisation: Annotated[
        str, typer.Option(help="The organisation (a provider's exact name for a provider).")
    ] = "",
    contract: Annotated[str, typer.Option(help="The contract the user works in.")] = "helsinki",
    full_name: Annotated[str, typer.Option(help="The user's name.")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    actor: Annotated[str | None, typer.Option(help="Who does this, for the audit log.")] = None,
) -> None:
    """Create a user with a role (the password is asked for, or read from standard input)."""
    open_store()
    from sibyl.web.accounts.forms import NewUserForm

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        again = password
    else:
        password = typer.prompt("Password", hide_input=True)
        again = typer.prompt("Password again", hide_input=True)
    form = NewUserForm(
        {
            "username": username,
            "full_name": full_name,
            "email": "",
            "role": role,
            "contract_id": contract,
            "organisation": organisation,
            "password1": password,
            "password2": again,
        }
    )
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        option = {"password1": "the password", "password2": "the password", "__all__": "the user"}
        raise SibylInputError(
            f"{option.get(field, '--' + field.replace('_id', '').replace('_', '-'))}: "
            f"{' '.join(str(e).rstrip('.') for e in errors)}",
            None,
            "correct it and run the command again",
        )
    from sibyl.web.accounts.services import create_user

    user = create_user(form.cleaned_data, actor=actor_name(actor))
    console.print(
        f"User {user.username} created: {role} in {contract}"
        + (f", {organisation}" if organisation else "")
        + ".",
        highlight=False,
        markup=False,
    )


@user_app.command("list")
def user_list() -> None:
    """The users, their roles, contracts and organisations."""
    open_store()
    from django.contrib.auth import get_user_model
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Users", title_justify="left")
    for column in ("user name", "role", "contract", "organisation", "active"):
        table.add_column(column)
    for user in get_user_model().objects.select_related("profile").order_by("username"):
        profile = getattr(user, "profile", None)
        table.add_row(
            Text(user.username),
            getattr(profile, "role", "—"),
            getattr(profile, "contract_id", "—"),
            Text(getattr(profile, "organisation", "")),
            "yes" if user.is_active else "no",
        )
    console.print(table)


@user_app.command("token")
def user_token(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What uses the token, e.g. 'register system'.")],
    actor: Annotated[str | None, typer.Option(help="Who does this, for the audit log.")] = None,
) -> None:
    """Make an API token for a user (printed once; only its SHA-256 is stored)."""
    open_store()
    from django.contrib.auth import get_user_model

    from sibyl.web.accounts.models import ApiToken
    from sibyl.web.audit import log as audit

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise SibylInputError(
            f"there is no user {username!r}", None, "see `sibyl user list` for the user names"
        )
    row, token = ApiToken.issue(user, name, created_by=actor_name(actor))
    audit.record(
        "account.token_issue",
        actor=actor_name(actor),
        object_type="api_token",
        object_id=row.pk,
        details={"username": user.username, "name": row.name, "prefix": row.prefix},
    )
    console.print(token, highlight=False, markup=False)
    console.print(
        "Keep it secret: it is shown only now. Send it as the header "
        "`Authorization: Bearer TOKEN`.",
        highlight=False,
        markup=False,
        style="dim",
    )
