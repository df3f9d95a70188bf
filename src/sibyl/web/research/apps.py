from django.apps import AppConfig


class Config(AppConfig):
    """The evaluators' pseudonymised research extracts (each download logged)."""

    name = "sibyl.web.research"
    label = "research"
