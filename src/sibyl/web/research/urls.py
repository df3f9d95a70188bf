from django.urls import path  # noqa: F401

from sibyl.web.research import views  # noqa: F401

app_name = "research"
urlpatterns: list = []
