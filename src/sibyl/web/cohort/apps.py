from django.apps import AppConfig


class Config(AppConfig):
    name = "sibyl.web.cohort"
    label = "cohort"
    default_auto_field = "django.db.models.BigAutoField"
