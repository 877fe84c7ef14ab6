"""A database that cannot be reached answers 503, not a 500 page.

When PostgreSQL restarts or fails over, requests in flight lose their connection. Django's
CONN_HEALTH_CHECKS makes the next request open a fresh one, so the app recovers by itself;
until then every request that needs the database gets a short 503 with Retry-After (JSON for
the API, plain text elsewhere), which clients and load balancers know to retry.

The middleware answers for errors raised in views; `server_error` (the project's handler500)
for those raised in other middleware, such as a session that cannot be saved.
"""

import sys

import psycopg
import structlog
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.views.defaults import server_error as django_server_error

logger = structlog.get_logger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "The database is unavailable for a moment. Nothing was saved by this request; try again shortly."


# SQLSTATEs of a server that is going away or not there yet: connection exceptions (class 08),
# and "admin shutdown", "crash shutdown", "cannot connect now" (the server is starting up).
_LOST_SQLSTATES = ("57P01", "57P02", "57P03")


def connection_lost(error: BaseException | None) -> bool:
    """Is this the loss of a database connection, rather than an error of a query?

    Decided from the error itself, not from the connections' state afterwards (by then
    something may have reconnected): PostgreSQL's SQLSTATE says so, and a psycopg error with
    no SQLSTATE is one the client met talking to the server (refused, closed, timed out).
    An OperationalError of a working connection (SQLite's "database is locked", a statement
    timeout) is a fault of the request and stays a 500, to be seen and fixed.
    """
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, psycopg.Error):
        sqlstate = cause.sqlstate
        return sqlstate is None or sqlstate.startswith("08") or sqlstate in _LOST_SQLSTATES
    # Another database (SQLite): lost if a connection could not be opened or no longer answers.
    return any(
        connection.connection is None or not connection.is_usable()
        for connection in connections.all(initialized_only=True)
    )


def close_broken_connections() -> None:
    """Drop the connections that no longer answer, so that the next use opens new ones."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.is_usable():
            connection.close()


def unavailable(request) -> HttpResponse:
    close_broken_connections()
    if request.path.startswith("/api/") or request.path.startswith("/healthz"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        response = HttpResponse(MESSAGE, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not connection_lost(exception):
            return None
        logger.warning("database_unavailable", error=str(exception).strip().split("\n")[0][:200])
        return unavailable(request)


def server_error(request, *args, **kwargs):
    """handler500: a lost database is a 503 here too; anything else is Django's 500 page."""
    error = sys.exc_info()[1]
    if connection_lost(error):
        logger.warning("database_unavailable", error=str(error).strip().split("\n")[0][:200])
        return unavailable(request)
    return django_server_error(request, *args, **kwargs)
