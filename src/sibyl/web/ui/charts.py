"""Charts as responses: SVG drawn on the server by ``sibyl.reports.charts``, shown with <img>.

An SVG shown as an image runs no script, and matplotlib's SVG styles its shapes inline, so the
chart responses are exempt from the content security policy (the pages that show them are not).
They are private to the signed-in user and never cached by a shared cache. A browser must ask
again each time (``no-cache``): the same address answers in the page's language, and Chromium
reuses a kept image without looking at ``Vary``, so a chart stayed in the old language for a
minute after the user switched.
"""

from __future__ import annotations

from csp.decorators import csp_exempt
from django.http import HttpResponse
from django.views.decorators.cache import cache_control


def svg_response(svg: bytes) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response


def chart_view(view):
    """Decorate a chart view: exempt from the CSP (an image), private, asked for again each time."""
    return csp_exempt()(cache_control(private=True, no_cache=True)(view))
