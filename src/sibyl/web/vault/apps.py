from django.apps import AppConfig


class Config(AppConfig):
    name = "sibyl.web.vault"
    label = "vault"
    default_auto_field = "django.db.models.BigAutoField"
