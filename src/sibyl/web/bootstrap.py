"""Starting Django from the command line: settings, set-up and migrations."""

from __future__ import annotations

import io
import os
from pathlib import Path

_READY = False


def setup(*, migrate: bool = True) -> None:
    """Configure Django for the store, create the data folder and apply migrations."""
    global _READY
    if _READY:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sibyl.web.settings")
    import django
    from django.conf import settings

    django.setup()
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if migrate:
        migrate_quietly()
    _READY = True


def migrate_quietly() -> None:
    """Apply any unapplied migrations, printing nothing unless something fails."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
