from django.apps import AppConfig


class Config(AppConfig):
    name = "sibyl.web.fund"
    label = "fund"
    default_auto_field = "django.db.models.BigAutoField"
