from django.urls import path  # noqa: F401

from sibyl.web.statements import views  # noqa: F401

app_name = "statements"
urlpatterns: list = []
