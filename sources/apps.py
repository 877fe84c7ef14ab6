from django.apps import AppConfig
from django.conf import settings


class SourcesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sources"
    verbose_name = "Sources"

    def ready(self):
        from sources import warmup

        if settings.SOURCES_WARM_UP and warmup.serves_requests():
            warmup.warm_up_in_background()
