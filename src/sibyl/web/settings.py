"""Django settings, read from typed environment variables with documented defaults.

| variable | default | meaning |
|---|---|---|
| ``SIBYL_DATA_DIR`` | ``./sibyl-data`` | folder of the embedded SQLite database |
| ``DATABASE_URL`` | (unset: SQLite in ``SIBYL_DATA_DIR``) | e.g. ``postgres://user@host:5432/db`` |
| ``SIBYL_SECRET_KEY`` | (a random key per process) | Django's secret (sessions, CSRF) |
| ``SIBYL_DEBUG`` | ``false`` | Django debug mode; never in production |
| ``SIBYL_ALLOWED_HOSTS`` | ``localhost,127.0.0.1`` | host names the web application answers |
| ``SIBYL_TIME_ZONE`` | ``Europe/Helsinki`` | time zone of timestamps shown to people |

The identity keys (``SIBYL_KEY_FILE`` or ``SIBYL_PSEUDONYM_KEY`` and ``SIBYL_VAULT_KEY``) are
read by :mod:`sibyl.identity` when identities are handled; see ``docs/keys.md``. They are never
stored in the database. ``docs/configuration.md`` lists every variable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "kyllä"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DATA_DIR = Path(os.environ.get("SIBYL_DATA_DIR", "sibyl-data"))
DEBUG = env_bool("SIBYL_DEBUG", False)
SECRET_KEY = os.environ.get("SIBYL_SECRET_KEY") or secrets.token_urlsafe(50)
ALLOWED_HOSTS = env_list("SIBYL_ALLOWED_HOSTS", "localhost,127.0.0.1")

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=0)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "sibyl.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "sibyl.web.contracts",
    "sibyl.web.cohort",
    "sibyl.web.vault",
    "sibyl.web.imports",
    "sibyl.web.statements",
    "sibyl.web.fund",
    "sibyl.web.audit",
]
MIDDLEWARE: list[str] = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "sibyl.web.urls"
WSGI_APPLICATION = "sibyl.web.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = os.environ.get("SIBYL_TIME_ZONE", "Europe/Helsinki")
LANGUAGE_CODE = "en"
USE_I18N = True
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SIBYL_LOG_LEVEL", "WARNING")},
}
