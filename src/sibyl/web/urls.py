"""URL configuration; the pages of the web application come with the web issue."""

from django.urls import path

from sibyl.web import views

urlpatterns = [path("health", views.health, name="health")]
