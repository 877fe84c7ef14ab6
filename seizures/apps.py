from django.apps import AppConfig


class SeizuresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "seizures"
    verbose_name = "Seizures"
