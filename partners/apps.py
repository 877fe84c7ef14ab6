from django.apps import AppConfig


class PartnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = "Partners"

    def ready(self):
        # Registers the Api-Key security scheme with drf-spectacular.
        from partners import schema  # noqa: F401
