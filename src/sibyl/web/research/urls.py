from django.urls import path

from sibyl.web.research import views

app_name = "research"
urlpatterns = [
    path("research/", views.extracts, name="extracts"),
    path("research/<slug:name>.<slug:fmt>", views.download, name="download"),
]
