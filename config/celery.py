"""The Celery application: background work on workers, with Redis as the broker.

Workers start with `make worker` (`celery -A config worker`). Without CELERY_BROKER_URL or
REDIS_URL (the local demo) tasks run inline in the process that sends them
(CELERY_TASK_ALWAYS_EAGER), so nothing else has to be running.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("seizures")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each task's log lines carry its task id (and the request id of the request that sent it).
from django_structlog.celery.steps import DjangoStructLogInitStep  # noqa: E402

app.steps["worker"].add(DjangoStructLogInitStep)
