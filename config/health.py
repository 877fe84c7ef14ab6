"""`/healthz`: can this app server reach its database and its broker?

For load balancers and monitors: 200 when both answer, 503 (with what failed) when one does
not. It says nothing else about the deployment and needs no login. Each check has a short
timeout, so a hung service makes the probe fail rather than hang.
"""

import time

import structlog
from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.middleware import close_broken_connections

logger = structlog.get_logger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def check_database(alias: str = "default") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> str:
    """ "inline" when there is no broker (tasks run in the web process), else "ok"."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "inline"
    from config.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    return "ok"


@never_cache
@require_safe
def healthz(request):
    started = time.monotonic()
    checks: dict[str, str] = {}
    healthy = True
    for alias in connections:
        try:
            check_database(alias)
            checks[f"database:{alias}" if alias != "default" else "database"] = "ok"
        except Exception as error:  # noqa: BLE001 - any failure is "down"; the reason goes to the log
            healthy = False
            checks["database" if alias == "default" else f"database:{alias}"] = "unavailable"
            logger.warning("healthz_database_down", database=alias, error=str(error).strip()[:200])
            # A broken connection is not reused by the next probe.
            close_broken_connections()
    try:
        checks["broker"] = check_broker()
    except Exception as error:  # noqa: BLE001
        healthy = False
        checks["broker"] = "unavailable"
        logger.warning("healthz_broker_down", error=str(error).strip()[:200])
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": checks,
        "ms": round((time.monotonic() - started) * 1000),
    }
    response = JsonResponse(body, status=200 if healthy else 503)
    if not healthy:
        response["Retry-After"] = "5"
    return response
