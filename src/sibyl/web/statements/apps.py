from django.apps import AppConfig


class Config(AppConfig):
    name = "sibyl.web.statements"
    label = "statements"
    default_auto_field = "django.db.models.BigAutoField"
