"""Deployment checks of this project's own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def shared_state(app_configs, **kwargs):
    problems = []
    if "default" not in getattr(settings, "CACHES", {}) or "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        problems.append(
            Warning(
                "REDIS_URL is not set: each app process counts partner API requests on its own, so "
                "with several processes a key gets several times its rate.",
                hint="Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) on every app server.",
                id="config.W001",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        problems.append(
            Warning(
                "No Celery broker: batch ingests run inside the web or command process.",
                hint="Set CELERY_BROKER_URL or REDIS_URL and run workers (`make worker`).",
                id="config.W002",
            )
        )
    return problems
