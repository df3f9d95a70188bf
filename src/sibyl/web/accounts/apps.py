from django.apps import AppConfig


class Config(AppConfig):
    name = "sibyl.web.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sibyl.web.accounts import signals  # noqa: F401  (sign-in events to the audit log)
