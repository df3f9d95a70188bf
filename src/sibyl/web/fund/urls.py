from django.urls import path  # noqa: F401

from sibyl.web.fund import views  # noqa: F401

app_name = "fund"
urlpatterns: list = []
