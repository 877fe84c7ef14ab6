"""Settings come from the environment: a demo with nothing set, a hardened deployment with
DJANGO_ENV=production, and a loud refusal of anything missing or malformed."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    unset = {"DATABASE_URL", "SECRET_KEY", "DJANGO_ENV", "DEBUG", "REDIS_URL", "CELERY_BROKER_URL", "PROXY_COUNT"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": "postgres://seizures@db.internal:5432/seizures",
    "ALLOWED_HOSTS": "records.example.org",
    "REDIS_URL": "redis://cache.internal:6379/0",
}


def test_production_settings_pass_the_deployment_checks_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_say_when_there_is_no_shared_cache_or_broker():
    env = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = manage("check", "--deploy", **env)
    assert "config.W001" in result.stderr and "rate" in result.stderr
    assert "config.W002" in result.stderr and "make worker" in result.stderr


def test_production_responses_carry_the_security_headers():
    # A page that needs neither the database nor collected static files: a 404.
    script = (
        "from django.conf import settings; from django.test import Client;"
        "r = Client().get('/no-such-page/', secure=True, HTTP_HOST='records.example.org');"
        "print(r.status_code);"
        "[print(f'{k}: {v}') for k, v in r.headers.items()];"
        "print('cookies secure', settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    )
    result = manage("shell", "--no-imports", "-c", script, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\n404\n" in f"\n{out}"
    assert "Strict-Transport-Security: max-age=31536000; includeSubDomains; preload" in out
    assert "X-Frame-Options: DENY" in out
    assert "X-Content-Type-Options: nosniff" in out
    assert "Referrer-Policy: same-origin" in out
    csp = next(line for line in out.splitlines() if line.startswith("Content-Security-Policy:"))
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert "X-Request-ID: " in out
    assert "cookies secure True True" in out


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_essential_settings(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_a_malformed_boolean_is_refused_not_guessed():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_an_unknown_environment_name_is_refused():
    result = manage("check", DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV='staging'" in result.stderr


@pytest.mark.parametrize(
    ("value", "message"), [("one", "PROXY_COUNT='one' is not a whole number"), ("-1", "PROXY_COUNT=-1")]
)
def test_a_malformed_proxy_count_is_refused(value, message):
    result = manage("check", **PRODUCTION, PROXY_COUNT=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


# A request that came through two proxies: the first saw 203.0.113.5, the second 10.0.0.2, and
# the app gets it from 10.0.0.1; the client sent 198.51.100.1 itself.
CLIENT_ADDRESSES = (
    "from django.conf import settings; from django.test import RequestFactory;"
    "from axes.helpers import get_client_ip_address; from rest_framework.throttling import BaseThrottle;"
    "r = RequestFactory().get('/', REMOTE_ADDR='10.0.0.1', HTTP_X_FORWARDED_FOR='198.51.100.1, 203.0.113.5, 10.0.0.2');"
    "print('proxies', settings.PROXY_COUNT, settings.REST_FRAMEWORK['NUM_PROXIES']);"
    "print('login', get_client_ip_address(r)); print('api', BaseThrottle().get_ident(r));"
    "print('keys', *sorted(settings.REST_FRAMEWORK))"
)


@pytest.mark.parametrize(
    ("env", "proxies", "client"),
    [
        ({}, 0, "10.0.0.1"),  # development: nothing in front, the header is the client's own
        ({**PRODUCTION, "PROXY_COUNT": "0"}, 0, "10.0.0.1"),
        (PRODUCTION, 1, "10.0.0.2"),  # production: its TLS proxy
        ({**PRODUCTION, "PROXY_COUNT": "2"}, 2, "203.0.113.5"),
    ],
)
def test_proxy_count_gives_login_lock_outs_and_api_throttles_one_client_address(env, proxies, client):
    result = manage("shell", "--no-imports", "-c", CLIENT_ADDRESSES, **env)
    assert result.returncode == 0, result.stderr
    assert f"proxies {proxies} {proxies}\n" in result.stdout
    assert f"login {client}\n" in result.stdout
    assert f"api {client}\n" in result.stdout
    # The partner API's other settings are still there.
    keys = next(line for line in result.stdout.splitlines() if line.startswith("keys ")).split()
    assert {"DEFAULT_AUTHENTICATION_CLASSES", "DEFAULT_PERMISSION_CLASSES", "DEFAULT_SCHEMA_CLASS"} <= set(keys)


def test_demo_data_is_never_loaded_in_production():
    result = manage("load_demo", **PRODUCTION)
    assert result.returncode != 0
    assert "never loaded in production" in result.stderr
