"""Rows of the site-wide pages, the accounts pages and the audit log."""

from matrix import EVERYONE, ROLE_USERS, Row, allowed

ROWS = [
    Row("health", allowed(*EVERYONE), anonymous=200),
    # Every role starts on its own main page.
    Row("home", allowed(*ROLE_USERS, status=302)),
    Row(
        "set_language",
        allowed(*EVERYONE, status=302),
        method="POST",
        anonymous=302,
        data=lambda w: {"language": "fi", "next": "/"},
    ),
    Row("set_language", allowed(*EVERYONE, status=405), method="GET", anonymous=405),
    Row("accounts:login", allowed(*ROLE_USERS, status=302), anonymous=200),
    # Wrong credentials: the form again, nobody signed in.
    Row(
        "accounts:login",
        allowed(*ROLE_USERS, status=302),
        method="POST",
        anonymous=200,
        data=lambda w: {"username": "nobody", "password": "wrong"},
    ),
    Row("accounts:logout", allowed(*ROLE_USERS, status=302), method="POST"),
    Row("accounts:logout", allowed(*ROLE_USERS, status=405), method="GET", anonymous=405),
    # Roles without one-time codes are sent home; the signed-in coordinator and admin already
    # gave their code.
    Row("accounts:verify", allowed(*ROLE_USERS, status=302)),
    Row("accounts:setup", allowed(*ROLE_USERS, status=302)),
    Row("accounts:password", allowed(*ROLE_USERS)),
    Row("accounts:password", allowed(*ROLE_USERS), method="POST"),
    Row("accounts:users", allowed("admin")),
    Row("accounts:user_new", allowed("admin")),
    Row("accounts:user_new", allowed("admin"), method="POST"),
    Row("accounts:user", allowed("admin"), kwargs=lambda w: {"pk": w.user_pk("investor")}),
    Row(
        "accounts:user",
        allowed("admin"),
        method="POST",
        kwargs=lambda w: {"pk": w.user_pk("investor")},
    ),
    Row(
        "accounts:user_reset_totp",
        allowed("admin", status=302),
        method="POST",
        kwargs=lambda w: {"pk": w.user_pk("coordinator")},
    ),
    Row(
        "accounts:user_reset_totp",
        {},
        method="GET",
        others=405,
        anonymous=405,
        kwargs=lambda w: {"pk": w.user_pk("coordinator")},
    ),
    Row(
        "accounts:user_token",
        allowed("admin", status=302),
        method="POST",
        kwargs=lambda w: {"pk": w.user_pk("evaluator")},
        data=lambda w: {"name": "job"},
    ),
    Row(
        "accounts:token_revoke",
        allowed("admin", status=302),
        method="POST",
        kwargs=lambda w: {"pk": w.token_pk},
    ),
    Row("audit:log", allowed("admin")),
    Row("audit:verify", allowed("admin", status=302), method="POST"),
    Row("audit:verify", {}, method="GET", others=405, anonymous=405),
]
