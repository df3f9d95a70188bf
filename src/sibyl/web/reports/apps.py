from django.apps import AppConfig


class Config(AppConfig):
    """Aggregate reports with small counts suppressed, and the annual report's downloads."""

    name = "sibyl.web.reports"
    label = "reports"
