"""Views shared by the whole site."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.i18n import set_language as django_set_language

from sibyl.web.accounts.access import public


@public()
def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the application answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@public(methods=("POST",))
def set_language(request: HttpRequest):
    """Choose the pages' language (Finnish, Swedish or English); kept in a cookie."""
    return django_set_language(request)
