"""Who calls the API, and which roles each operation admits.

Two ways in, tried in this order:

1. ``Authorization: Bearer <token>``: an :class:`~sibyl.web.accounts.models.ApiToken` of a
   machine client (only its SHA-256 is stored; :meth:`ApiTokenQuerySet.usable` leaves out
   revoked and expired tokens and inactive users). A token stands on its own: no one-time code.
   When the header is there, it alone decides (a bad token is 401, even with a session).
2. The signed-in session of the pages (for htmx): unsafe methods need the CSRF header, and a
   role that needs a one-time code (coordinator, administrator) must have given it, as on the
   pages.

Then the role: every operation is declared with :meth:`Operations.get` / :meth:`Operations.post`
and the roles it admits (``roles=(Role.COORDINATOR, ...)``). That one declaration both checks
them (before the request's parameters are even read: a refused role learns nothing from a 422)
and records them in the OpenAPI document (``x-sibyl-roles``), where the API's permission matrix
test reads them. A refused role answers 403 and is written to the audit log, as on the pages.
A user without a profile (no role) is refused with 403.

What a role sees *inside* an operation is narrowed by :mod:`sibyl.web.accounts.scopes`, exactly
as on the pages: a record outside the caller's scope answers 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from sibyl.web.accounts.middleware import profile_of, totp_pending
from sibyl.web.accounts.models import ApiToken, Profile, hash_token
from sibyl.web.accounts.roles import ALL_ROLES, Role
from sibyl.web.api.errors import masked_path
from sibyl.web.api.schemas import ErrorOut, ValidationErrorOut
from sibyl.web.audit import log as audit

ROLES_KEY = "x-sibyl-roles"
"""The OpenAPI extension of every operation that lists the roles it admits."""

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of an operation (``request.auth``)."""

    user: Any
    profile: Profile
    via: str  # "token" or "session"

    @property
    def username(self) -> str:
        return self.user.get_username()

    @property
    def role(self) -> Role:
        return Role(self.profile.role)


class Unauthorized(AuthenticationError):
    """401 with a sentence saying how to authenticate."""

    def __init__(self, message: str) -> None:
        super().__init__(401, message)


def _admit(request: HttpRequest, caller: Caller, roles: frozenset[Role]) -> Caller:
    """The caller if their role is admitted; else 403, written to the audit log."""
    request.user = caller.user  # type: ignore[attr-defined]
    request.profile = caller.profile  # type: ignore[attr-defined]
    if caller.role in roles:
        return caller
    audit.record(
        "access.denied",
        actor=caller.username,
        object_type="api",
        object_id=masked_path(request.path)[:128],
        contract_id=caller.profile.contract_id,
        details={"method": request.method, "reason": "role", "via": caller.via},
    )
    raise HttpError(
        403,
        f"the role {caller.role.value} may not use {request.method} {masked_path(request.path)}; "
        "docs/api.md lists the operations of each role",
    )


def _no_role(request: HttpRequest, user, via: str) -> HttpError:
    """403 for a user without a role, written to the audit log as the pages do."""
    audit.record(
        "access.denied",
        actor=user.get_username(),
        object_type="api",
        object_id=masked_path(request.path)[:128],
        details={"method": request.method, "reason": "no_role", "via": via},
    )
    return HttpError(
        403,
        f"the user {user.get_username()} has no role in any contract; ask the administrator to "
        "give the account a role",
    )


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``: a machine client's API token."""

    def __init__(self, roles: frozenset[Role]) -> None:
        self.roles = roles
        super().__init__()

    def __call__(self, request: HttpRequest) -> Caller | None:
        header = request.headers.get("Authorization")
        if not header:
            return None  # no token: the session may still authenticate
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(
                "the Authorization header is not of the form 'Bearer TOKEN'; send the token "
                "the administrator gave you as 'Authorization: Bearer TOKEN'"
            )
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        row = (
            ApiToken.objects.usable()
            .select_related("user")
            .filter(digest=hash_token(token))
            .first()
        )
        if row is None:
            raise Unauthorized(
                "the API token is not known, or it was revoked or has expired, or its user is "
                "inactive; ask the administrator for a new token"
            )
        profile = profile_of(row.user)
        if profile is None:
            raise _no_role(request, row.user, "token")
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        return _admit(request, Caller(row.user, profile, "token"), self.roles)


class SignedInSession(APIKeyCookie):
    """The session of a signed-in user of the pages, with the CSRF check for unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, roles: frozenset[Role]) -> None:
        self.roles = roles
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Caller | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        unsafe = request.method not in SAFE_METHODS
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if unsafe and not exempt and check_csrf(request) is not None:
            raise HttpError(
                403,
                "the CSRF check failed; send the page's CSRF token in the X-CSRFToken header "
                "(htmx does this from the page), or use an API token instead of the session",
            )
        return self.authenticate(request, None)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller:
        user = request.user
        profile = profile_of(user)
        if profile is None:
            raise _no_role(request, user, "session")
        if totp_pending(request, profile):
            raise Unauthorized(
                "this session has not given its one-time code yet; sign in on the pages with "
                "the code, or use an API token"
            )
        return _admit(request, Caller(user, profile, "session"), self.roles)


def access(roles: Iterable[Role]) -> list[Callable]:
    """The authentication of an operation that admits ``roles``: a token, else the session."""
    admitted = frozenset(roles)
    if not admitted or not admitted <= ALL_ROLES:
        raise ValueError("an operation must admit one or more roles")
    return [BearerToken(admitted), SignedInSession(admitted)]


def caller(request: HttpRequest) -> Caller:
    """The caller of the operation running (set by the authentication)."""
    return request.auth  # type: ignore[attr-defined,no-any-return]


class Operations(Router):
    """A router whose operations each declare the roles they admit, once.

    ``@router.get("/path", roles=(Role.COORDINATOR,), response=Out)``: the roles are checked by
    the operation's authentication (:func:`access`) and written in the OpenAPI document under
    ``x-sibyl-roles``. The documented responses get the errors every operation may answer: 401,
    403 and 422, 404 for a path with a parameter, and the ``errors`` given (e.g. 400 for an
    operation that changes the store).
    """

    def get(self, path: str, *, roles: Iterable[Role], **kwargs: Any):  # type: ignore[override]
        return self._declare("GET", path, roles, **kwargs)

    def post(self, path: str, *, roles: Iterable[Role], **kwargs: Any):  # type: ignore[override]
        return self._declare("POST", path, roles, **kwargs)

    def _declare(
        self,
        method: str,
        path: str,
        roles: Iterable[Role],
        *,
        response: Any,
        errors: Iterable[int] = (),
        **kwargs: Any,
    ):
        admitted = sorted({Role(role) for role in roles}, key=lambda role: role.value)
        responses: dict[int, Any] = (
            dict(response) if isinstance(response, dict) else {200: response}
        )
        codes = {401, 403, *errors} | ({404} if "{" in path else set())
        for code in sorted(codes):
            responses.setdefault(code, ErrorOut)
        responses.setdefault(422, ValidationErrorOut)
        extra = dict(kwargs.pop("openapi_extra", None) or {})
        extra[ROLES_KEY] = [role.value for role in admitted]

        def declare(view: Callable) -> Callable:
            return self.api_operation(
                [method],
                path,
                auth=access(admitted),
                response=responses,
                openapi_extra=extra,
                summary=kwargs.pop("summary", None) or first_sentence(view.__doc__),
                **kwargs,
            )(view)

        return declare


def first_sentence(text: str | None) -> str | None:
    """The first sentence of a docstring, as the operation's summary in the docs."""
    if not text:
        return None
    words = " ".join(text.split())
    end = words.find(". ")
    return words if end < 0 else words[: end + 1]
