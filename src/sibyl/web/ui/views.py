"""Views shared by the whole site: the start page of each role and the failed CSRF check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string

from sibyl.web.accounts.access import signed_in
from sibyl.web.accounts.roles import HOME, Role


@signed_in()
def home(request: HttpRequest) -> HttpResponse:
    """Each role starts from its own main page."""
    return redirect(HOME[Role(request.profile.role)])


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its CSRF token (or from another site): say so, change nothing."""
    return HttpResponse(render_to_string("csrf.html", request=request), status=403)
