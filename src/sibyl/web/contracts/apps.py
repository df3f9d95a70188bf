from django.apps import AppConfig


class Config(AppConfig):
    name = "sibyl.web.contracts"
    label = "contracts"
    default_auto_field = "django.db.models.BigAutoField"
