from django.urls import path, register_converter

from sibyl.web.statements import views


class ExportFormat:
    """The formats a statement is exported in: ``xlsx`` or ``csv`` (the CSV files, zipped)."""

    regex = "xlsx|csv"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "statement_format")

app_name = "statements"
urlpatterns = [
    path("statements/", views.statement_list, name="list"),
    path("statements/create/", views.create, name="create"),
    path("statements/<int:year>/", views.detail, name="detail"),
    path("statements/<int:year>/approve/", views.approve, name="approve"),
    path("statements/<int:year>/export.<statement_format:fmt>", views.export, name="export"),
    path("statements/<int:year>/children/<str:pseudonym>/", views.child, name="child"),
    path("charts/payments.svg", views.chart, name="chart"),
]
