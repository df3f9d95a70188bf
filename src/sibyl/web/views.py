"""Views shared by the whole site."""

from django.db import connection
from django.http import HttpRequest, JsonResponse

from sibyl.web.accounts.access import public


@public()
def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the application answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
