from django.urls import path

from sibyl.web.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.log, name="log"),
    path("audit/verify/", views.verify, name="verify"),
]
