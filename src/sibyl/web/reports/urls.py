from django.urls import path  # noqa: F401

from sibyl.web.reports import views  # noqa: F401

app_name = "reports"
urlpatterns: list = []
