from django.apps import AppConfig


class Config(AppConfig):
    """The pages' common parts: base templates, static files, template tags, charts, errors."""

    name = "sibyl.web.ui"
    label = "ui"
