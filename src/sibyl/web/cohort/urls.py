from django.urls import path  # noqa: F401

from sibyl.web.cohort import views  # noqa: F401

app_name = "cohort"
urlpatterns: list = []
