"""What the deployment leans on: /healthz, a 503 when the database is gone, request ids in
responses and logs."""

import contextlib
import json
import logging
from unittest import mock

import psycopg
import pytest
import structlog
from django.db import OperationalError, connection, connections
from django.test import RequestFactory
from django.urls import reverse

from config import health
from config.logging import logging_config
from config.middleware import DatabaseUnavailableMiddleware, connection_lost, server_error
from tests import factories

pytestmark = pytest.mark.django_db


def test_healthz_is_public_and_says_what_it_checked(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    # No broker in the test settings: tasks run inline, which is healthy.
    assert body["checks"] == {"database": "ok", "broker": "inline"}
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def test_healthz_is_503_when_the_database_is_down(client):
    with mock.patch.object(health, "check_database", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"
    assert response["Retry-After"] == "5"
    # The reason is logged, not shown to whoever asks.
    assert b"refused" not in response.content


@contextlib.contextmanager
def broker_at(url: str):
    from config.celery import app

    before = app.conf.broker_url
    app.conf.broker_url = url
    try:
        yield
    finally:
        app.conf.broker_url = before


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # A port nothing listens on: the check gives up within its timeout.
    with broker_at("redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "unavailable"}


def test_healthz_reaches_the_real_broker_when_there_is_one(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with broker_at("redis://127.0.0.1:6379/0"):
        response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["broker"] == "ok"


# --- A lost database is a 503 ------------------------------------------------------------------


def lost_connection():
    """Make the test's connection look dead, as after a database restart."""
    return mock.patch.object(type(connections["default"]), "is_usable", return_value=False)


def test_a_query_error_on_a_working_connection_is_not_taken_for_an_outage():
    connection.ensure_connection()
    assert not connection_lost(OperationalError("database is locked"))
    with lost_connection():
        assert connection_lost(OperationalError("server closed the connection unexpectedly"))
    assert not connection_lost(ValueError("nope"))


def wrapped(cause: Exception) -> OperationalError:
    """Django's error around a psycopg one, as the database wrapper raises it."""
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("cause", "lost"),
    [
        (psycopg.OperationalError("connection refused"), True),  # no SQLSTATE: the client's
        (psycopg.errors.AdminShutdown("terminating connection due to administrator command"), True),
        (psycopg.errors.CannotConnectNow("the database system is starting up"), True),
        (psycopg.errors.ConnectionFailure("connection failure"), True),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), False),
        (psycopg.errors.LockNotAvailable("could not obtain lock"), False),
    ],
)
def test_a_lost_postgresql_connection_is_told_from_the_error_itself(cause, lost):
    # Whatever the connections look like by the time it is asked (something may have
    # reconnected already, as the server came back).
    connection.ensure_connection()
    assert connection_lost(wrapped(cause)) is lost


@pytest.mark.parametrize(
    ("path", "content_type"), [("/api/v1/operations/", "application/json"), ("/admin/", "text/plain")]
)
def test_a_view_that_loses_the_database_answers_503_with_retry_after(path, content_type):
    request = RequestFactory().get(path)
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    connection.ensure_connection()
    with lost_connection(), mock.patch.object(connections["default"], "close") as close:
        response = middleware.process_exception(request, OperationalError("terminating connection"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith(content_type)
    assert b"Nothing was saved" in response.content
    close.assert_called()
    # Any other error is left to Django (a 500, logged and seen).
    assert middleware.process_exception(request, ValueError("bug")) is None


def test_the_500_handler_also_answers_503_for_a_lost_database(client):
    request = RequestFactory().get("/admin/")
    connection.ensure_connection()
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        with lost_connection(), mock.patch.object(connections["default"], "close"):
            response = server_error(request)
    assert response.status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500


def test_through_the_stack_a_lost_database_is_a_503_not_a_500(client, settings):
    settings.DEBUG = False
    _, key = factories.partner_api_key(partner=factories.PartnerFactory(name="Observatorio Andino"))
    from partners.api import views

    with (
        mock.patch.object(views.OperationList, "list", side_effect=OperationalError("the database system is down")),
        lost_connection(),
        mock.patch.object(connections["default"], "close"),
    ):
        response = client.get("/api/v1/operations/", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("The database is unavailable")
    assert response["Retry-After"] == "5"


# --- Request ids -----------------------------------------------------------------------------


def test_every_response_carries_a_request_id_and_it_is_in_the_logs(client, caplog):
    caplog.set_level(logging.INFO, logger="django_structlog")
    response = client.get("/healthz?q=Zacarias+Qwertyname")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 36
    events = [record.msg for record in caplog.records if isinstance(record.msg, dict)]
    finished = next(event for event in events if event.get("event") == "request_finished")
    assert finished["request_id"] == request_id
    assert finished["code"] == 200
    # The path is logged, never the query string (searches carry names).
    assert finished["request"] == "GET /healthz"
    assert "Qwertyname" not in json.dumps(events, default=str)
    assert client.get("/healthz")["X-Request-ID"] != request_id


def test_json_logs_are_one_object_a_line_with_the_bound_request_id():
    config = logging_config(level="INFO", json=True)
    formatter = structlog.stdlib.ProcessorFormatter(
        **{k: v for k, v in config["formatters"]["structured"].items() if k != "()"}
    )
    structlog.contextvars.bind_contextvars(request_id="abc-123")
    try:
        record = logging.LogRecord("axes", logging.WARNING, __file__, 1, "AXES: locked out %s", ("someone",), None)
        line = formatter.format(record)
    finally:
        structlog.contextvars.clear_contextvars()
    event = json.loads(line)
    assert event["event"] == "AXES: locked out someone"
    assert event["request_id"] == "abc-123"
    assert event["level"] == "warning" and event["logger"] == "axes"


def test_the_health_url_is_named():
    assert reverse("healthz") == "/healthz"


# --- The read replica ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("get", "/api/v1/operations/", "replica"),
        ("head", "/api/v1/stats/", "replica"),
        ("get", "/admin/seizures/operation/", None),
        ("post", "/api/v1/operations/", None),
        ("get", "/overview/", None),
    ],
)
def test_only_the_partner_api_reads_from_the_replica(method, path, expected):
    from config import routers
    from seizures.models import Operation

    router = routers.PartnerAPIReplicaRouter()
    seen = {}

    def view(request):
        seen["read"] = router.db_for_read(Operation)
        seen["write"] = router.db_for_write(Operation)

    with mock.patch.object(routers, "has_replica", return_value=True):
        routers.PartnerAPIReplicaMiddleware(view)(getattr(RequestFactory(), method)(path))
        assert seen == {"read": expected, "write": "default"}
        # Outside the request, reads go to the primary.
        assert router.db_for_read(Operation) is None
    # No replica configured (as in these tests): the primary.
    assert not routers.has_replica()
    routers.PartnerAPIReplicaMiddleware(view)(RequestFactory().get("/api/v1/operations/"))
    assert seen["read"] is None
    assert router.allow_migrate("replica", "seizures") is False
