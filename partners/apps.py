from django.apps import AppConfig


class PartnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = "Partners"

    def ready(self):
        # Registers the Api-Key security scheme with drf-spectacular, and withdraws published
        # operations that are deleted.
        from partners import schema, signals  # noqa: F401
