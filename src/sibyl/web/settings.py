"""Django settings, read from typed environment variables with documented defaults.

| variable | default | meaning |
|---|---|---|
| ``SIBYL_DATA_DIR`` | ``./sibyl-data`` | folder of the embedded SQLite database |
| ``DATABASE_URL`` | (unset: SQLite in ``SIBYL_DATA_DIR``) | e.g. ``postgres://user@host:5432/db`` |
| ``SIBYL_SECRET_KEY`` | (a random key per process) | Django's secret (sessions, CSRF); the web
  application refuses to start without it outside the demo |
| ``SIBYL_DEBUG`` | ``false`` | Django debug mode; never in production |
| ``SIBYL_ALLOWED_HOSTS`` | ``localhost,127.0.0.1`` | host names the web application answers |
| ``SIBYL_TIME_ZONE`` | ``Europe/Helsinki`` | time zone of timestamps shown to people |
| ``SIBYL_DEMO`` | ``false`` | demo mode (set by ``sibyl serve`` on a demo folder): one-time
  codes switched off, and said so on every page |
| ``SIBYL_SECURE_COOKIES`` | ``true`` | session and CSRF cookies only over HTTPS (browsers treat
  ``http://localhost`` as secure too) |
| ``SIBYL_SESSION_MINUTES`` | ``30`` | a session ends after this many minutes without a request |
| ``SIBYL_HTTPS`` | ``false`` | behind a TLS proxy: redirect to HTTPS, HSTS, trust
  ``X-Forwarded-Proto`` |
| ``SIBYL_LOGIN_ATTEMPTS`` | ``5`` | failed sign-ins of a user name from one address before a lock |
| ``SIBYL_LOCKOUT_MINUTES`` | ``15`` | how long that lock lasts |

The identity keys (``SIBYL_KEY_FILE`` or ``SIBYL_PSEUDONYM_KEY`` and ``SIBYL_VAULT_KEY``) are
read by :mod:`sibyl.identity` when identities are handled; see ``docs/keys.md``. They are never
stored in the database. ``docs/web.md`` lists every variable and how to run in production.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "kyllä"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


WEB_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("SIBYL_DATA_DIR", "sibyl-data"))
DEBUG = env_bool("SIBYL_DEBUG", False)
DEMO = env_bool("SIBYL_DEMO", False)
SECRET_KEY = os.environ.get("SIBYL_SECRET_KEY") or secrets.token_urlsafe(50)
SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("SIBYL_SECRET_KEY"))
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
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "sibyl.web.ui",
    "sibyl.web.accounts",
    "sibyl.web.contracts",
    "sibyl.web.cohort",
    "sibyl.web.vault",
    "sibyl.web.imports",
    "sibyl.web.statements",
    "sibyl.web.fund",
    "sibyl.web.audit",
    "sibyl.web.research",
    "sibyl.web.reports",
]
MIDDLEWARE: list[str] = [
    "django.middleware.security.SecurityMiddleware",
    "sibyl.web.ui.middleware.RefuseControlCharacters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Every view declares who may open it; a view without a rule answers 403 (docs/permissions.md).
    "sibyl.web.accounts.middleware.AccessRuleMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]
ROOT_URLCONF = "sibyl.web.urls"
WSGI_APPLICATION = "sibyl.web.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def mechanism_template_dirs() -> list[Path]:
    from sibyl.mechanisms import registry

    return [m.folder / "templates" for m in registry.MECHANISMS.values()]


TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The payment mechanisms bring the templates of their parts of the pages
        # (mechanisms/<name>/…), found through the registry.
        "DIRS": [WEB_DIR / "templates", *mechanism_template_dirs()],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sibyl.web.ui.context.site",
            ],
        },
    }
]

# Time, languages and numbers. Pages are in Finnish, Swedish and English (the browser's language
# first, then the one chosen in the page header).
USE_TZ = True
TIME_ZONE = os.environ.get("SIBYL_TIME_ZONE", "Europe/Helsinki")
LANGUAGE_CODE = "en"
LANGUAGES = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["sibyl.web.formats"]  # English dates as 2026-11-30, not 11/30/2026

# Static files: served by the application itself (WhiteNoise), nothing from another server.
STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # straight from the package: no collectstatic step
WHITENOISE_AUTOREFRESH = DEBUG

# Accounts and sign-in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

SECURE_COOKIES = env_bool("SIBYL_SECURE_COOKIES", True)
SESSION_COOKIE_AGE = env_int("SIBYL_SESSION_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "sibyl_session"
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_NAME = "sibyl_csrf"
CSRF_FAILURE_VIEW = "sibyl.web.ui.views.csrf_failure"
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("SIBYL_HTTPS", False):
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# One-time codes (TOTP) for the roles that can see identities (coordinator, administrator);
# switched off in demo mode only.
REQUIRE_TOTP = not DEMO
OTP_TOTP_ISSUER = "Sibyl"

# Login throttling (django-axes): a user name from one address is locked after this many failures.
AXES_FAILURE_LIMIT = env_int("SIBYL_LOGIN_ATTEMPTS", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIBYL_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

# Content security policy: everything from this server, nothing inline, no frames.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_codes": {"()": "sibyl.web.ui.masking.MaskIdentityCodes"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_codes"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("SIBYL_LOG_LEVEL", "WARNING")},
}
