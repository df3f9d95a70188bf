from django.apps import AppConfig


class Config(AppConfig):
    name = "sibyl.web.imports"
    label = "imports"
    default_auto_field = "django.db.models.BigAutoField"
