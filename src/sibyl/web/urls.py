"""URL configuration: each area's pages, the JSON API, the language switch and the health check.

Every view declares who may open it (``sibyl.web.accounts.access``); ``docs/permissions.md`` is
the table of all of them, and ``tests/web/test_permission_matrix.py`` visits each as every role.
"""

from django.urls import include, path

from sibyl.web import views
from sibyl.web.api import urls as api_urls
from sibyl.web.ui import views as ui_views

urlpatterns = [
    path("", ui_views.home, name="home"),
    path("health", views.health, name="health"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("", include("sibyl.web.accounts.urls")),
    path("", include("sibyl.web.audit.urls")),
    path("", include("sibyl.web.cohort.urls")),
    path("", include("sibyl.web.imports.urls")),
    path("", include("sibyl.web.statements.urls")),
    path("", include("sibyl.web.fund.urls")),
    path("", include("sibyl.web.reports.urls")),
    path("", include("sibyl.web.research.urls")),
    path("api/", api_urls()),
]

handler403 = "sibyl.web.ui.errors.permission_denied"
handler404 = "sibyl.web.ui.errors.page_not_found"
handler500 = "sibyl.web.ui.errors.server_error"
