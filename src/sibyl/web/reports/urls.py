from django.urls import path

from sibyl.web.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.investor, name="investor"),
    path("reports/<int:year>/<slug:edition>.<slug:fmt>", views.download, name="download"),
]
