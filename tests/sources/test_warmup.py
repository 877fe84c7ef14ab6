"""Warming up web server processes: only they start the warm-up, and it needs no database
(nothing here is marked django_db, so any query would fail the test)."""

import logging
import threading

import pytest

from sources import warmup


@pytest.mark.parametrize(
    ("argv", "environ", "serves"),
    [
        (["/srv/app/.venv/bin/gunicorn", "-c", "config/gunicorn.py", "config.wsgi"], {}, True),
        (["/srv/app/.venv/lib/python3.11/site-packages/gunicorn/__main__.py", "config.wsgi"], {}, True),
        (["manage.py", "runserver", "127.0.0.1:8000"], {"RUN_MAIN": "true"}, True),
        (["manage.py", "runserver", "--noreload"], {}, True),
        # The autoreloader's first process only watches files.
        (["manage.py", "runserver", "127.0.0.1:8000"], {}, False),
        (["manage.py", "migrate", "--no-input"], {}, False),
        (["manage.py", "check"], {}, False),
        (["manage.py", "extract", "article.json"], {}, False),
        (["manage.py", "ingest", "article.json"], {"RUN_MAIN": "true"}, False),
        (["/srv/app/.venv/bin/celery", "-A", "config", "worker"], {}, False),
        (["/srv/app/.venv/bin/pytest", "-n", "2"], {}, False),
        (["-c"], {}, False),
        ([], {}, False),
    ],
)
def test_only_web_server_processes_warm_up(argv, environ, serves):
    assert warmup.serves_requests(argv, environ) is serves


def test_the_tests_start_no_warm_up():
    assert not any(thread.name == "sources-warm-up" for thread in threading.enumerate())


def test_the_warm_up_drafts_every_sample_without_the_database():
    warmup.warm_up()


def test_a_failing_warm_up_is_logged_not_raised(monkeypatch, caplog):
    def broken():
        raise RuntimeError("no extractor")

    uncaught = []
    monkeypatch.setattr(threading, "excepthook", uncaught.append)
    monkeypatch.setattr(warmup, "warm_up", broken)
    caplog.set_level(logging.ERROR, logger="sources.warmup")
    thread = warmup.warm_up_in_background()
    thread.join(timeout=10)

    assert not thread.is_alive()
    assert uncaught == []
    assert [record.msg["event"] for record in caplog.records] == ["extractor_warm_up_failed"]
