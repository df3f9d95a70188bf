"""Requests refused before anything reads them."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

NOT_NAMED = "No page or record is named with a control character."


class RefuseControlCharacters:
    """An address whose path holds a NUL or another control character answers 404: no page or
    record is named so, and PostgreSQL could not even look one up (it refuses NUL in text).
    Query values are the views' and forms' to check (Django's form fields refuse NUL)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(ord(char) < 32 or ord(char) == 127 for char in request.path):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NOT_NAMED}, status=404)
            raise Http404(NOT_NAMED)
        return self.get_response(request)
