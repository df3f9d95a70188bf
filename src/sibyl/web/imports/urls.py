from django.urls import path

from sibyl.web.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.import_list, name="list"),
    path("imports/upload/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.detail, name="detail"),
    path("imports/<int:pk>/rejects.csv", views.rejects, name="rejects"),
]
