"""WSGI entry point for a production server (``sibyl serve`` uses it with Waitress; e.g.
``gunicorn sibyl.web.wsgi`` works too). Refuses to start without ``SIBYL_SECRET_KEY`` outside the
demo: a per-process random secret would sign users out at every restart and differ between
workers."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sibyl.web.settings")
if not os.environ.get("SIBYL_SECRET_KEY") and os.environ.get("SIBYL_DEMO", "").lower() != "true":
    raise ImproperlyConfigured(
        "SIBYL_SECRET_KEY is not set; set it to a long random text kept secret (docs/web.md)."
    )
application = get_wsgi_application()
