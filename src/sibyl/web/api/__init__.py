"""Sibyl's JSON API (django-ninja), mounted at ``/api/``.

The OpenAPI document is ``/api/openapi.json`` and its browsable docs ``/api/docs`` (Swagger UI
served from the ``ninja`` app's own static files: nothing from another server). Both describe
the software, not anybody's data, so they are open to anybody, as the source is.

Every operation authenticates (a bearer token, or the pages' session) and admits the roles it
declares (:mod:`sibyl.web.api.auth`); what a role sees inside is narrowed by the same query
sets as the pages (:mod:`sibyl.web.accounts.scopes`). Errors are one sentence in
``{"detail": ...}`` (:mod:`sibyl.web.api.errors`). ``docs/api.md`` is the user's guide.
"""

from __future__ import annotations

from django.urls import URLPattern
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from sibyl import __version__
from sibyl.web.accounts.access import api_view
from sibyl.web.accounts.roles import Role
from sibyl.web.api import audit, cohort, errors, fund, imports, me, research, statements
from sibyl.web.api.auth import ROLES_KEY

DESCRIPTION = """\
Outcome-based contracts of child and family services: the cohort, register extracts,
statements, the fund, research extracts and the audit log, with the same permissions as the
pages. Authenticate with `Authorization: Bearer TOKEN` (a token made with
`sibyl user token NAME --name ...` or on the administrator's user page). Money is a string of
euros with two decimals (`"1234.50"`), dates are `YYYY-MM-DD`. Each operation lists the roles it
admits under `x-sibyl-roles`.
"""


class SibylAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """The view's own name (``list_referrals``), unique across the API."""
        return operation.view_func.__name__


api = SibylAPI(
    title="Sibyl",
    version=__version__,
    description=DESCRIPTION,
    urls_namespace="api",
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_url="/docs",
)
errors.install(api)

for area in (me, cohort, imports, statements, fund, research, audit):
    api.add_router("", area.router)


def urls() -> tuple[list[URLPattern], str, str]:
    """The API's URL patterns for ``include``, each marked as an API view for the access
    middleware (``sibyl.web.accounts.access.api_view``): the API authenticates by itself."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        api_view(pattern.callback)
    return patterns, app_name, namespace


def operation_roles() -> dict[tuple[str, str], frozenset[Role]]:
    """Every operation (``("GET", "/api/me")``) and the roles it admits, as it declares them
    (``docs/permissions.md`` is made from this; the API's matrix test checks it)."""
    document = api.get_openapi_schema()
    return {
        (method.upper(), path): frozenset(Role(role) for role in operation[ROLES_KEY])
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
