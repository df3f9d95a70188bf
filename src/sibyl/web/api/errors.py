"""How the API answers a request it cannot serve: one sentence in ``{"detail": ...}``.

- a :class:`~sibyl.errors.SibylInputError` of the store (bad file, approved statement, ...) → 400;
- no or bad credentials → 401 with ``WWW-Authenticate: Bearer``;
- a role the operation does not admit → 403; a record outside the caller's scope → 404;
- parameters that do not fit the schema (ninja's validation) → 422 with every problem, where
  nothing the caller sent is echoed back: pydantic's ``input`` and ``ctx`` are dropped and any
  word that looks like an identity code is masked (``131052-****``).

Each such answer is logged here with the path masked (a client may put an identity code in a
URL), instead of by Django, which would log the raw path.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sibyl.errors import SibylInputError
from sibyl.register.reader import displayable
from sibyl.web.ui.masking import masked_path

log = logging.getLogger(__name__)

NEEDS_CREDENTIALS = (
    "this operation needs an API token, sent as 'Authorization: Bearer TOKEN' (docs/api.md says "
    "how to get one), or a signed-in session of the pages"
)


def scrub(text: str) -> str:
    """``text`` with every word that looks like an identity code masked."""
    return " ".join(displayable(word) for word in str(text).split(" "))


def _location(loc) -> str:
    return ".".join(str(part) for part in loc) or "request"


def problems(errors: list[dict]) -> list[dict[str, str]]:
    """Pydantic's errors as location and message only (never the value that was sent)."""
    found: list[dict[str, str]] = []
    for error in errors:
        message = str(error.get("msg") or "is not valid")
        found.append(
            {"location": scrub(_location(error.get("loc", ()))), "message": scrub(message)}
        )
    return found


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api``."""

    def answer(request: HttpRequest, detail: str, status: int) -> HttpResponse:
        return logged(request, api.create_response(request, {"detail": detail}, status=status))

    @api.exception_handler(SibylInputError)
    def input_error(request: HttpRequest, exc: SibylInputError) -> HttpResponse:
        return answer(request, scrub(exc.message), 400)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = exc.message if exc.message != "Unauthorized" else NEEDS_CREDENTIALS
        response = answer(request, _sentence(message), 401)
        response["WWW-Authenticate"] = 'Bearer realm="sibyl"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return answer(request, _sentence(scrub(exc.message)), exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return answer(request, "not found, or not yours to see.", 404)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        found = problems(exc.errors)
        detail = "; ".join(f"{p['location']}: {p['message']}" for p in found)
        body = {
            "detail": _sentence(f"the request does not fit the operation's schema: {detail}"),
            "errors": found,
        }
        return logged(request, api.create_response(request, body, status=422))


def logged(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Log a refusal with the path masked, and keep Django from logging the raw path."""
    log.warning(
        "%s %s: %s %s", response.status_code, response.reason_phrase, request.method,
        masked_path(request.path),
    )  # fmt: skip
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _sentence(text: str) -> str:
    """One sentence as the store writes them: ending with a full stop."""
    text = text.strip()
    return text if not text or text.endswith(".") else text + "."
