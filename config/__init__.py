# The Celery app is loaded with Django, so that tasks sent from the web process use it; the
# project's deployment checks are registered with it.
from config import checks  # noqa: F401
from config.celery import app as celery_app

__all__ = ["celery_app"]
