"""Logging in: wrong passwords are counted and locked out (django-axes), and reviewers and
editors may turn on two-factor login with an authenticator app (django-otp, TOTP)."""

import logging
import re
import time

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def log_in(client, username, password="pass", code=None, address="10.0.0.7"):
    data = {"username": username, "password": password, "next": "/admin/"}
    if code is not None:
        data["otp_token"] = code
    return client.post(LOGIN, data, REMOTE_ADDR=address)


def code_of(device: TOTPDevice, *, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


@pytest.fixture
def rita(db):
    user = factories.reviewer(username="rita")
    user.set_password("pass")
    user.save()
    return user


# --- Brute force -------------------------------------------------------------------------------


def test_wrong_passwords_lock_the_account_out_from_that_address_and_are_logged(client, rita, settings, caplog):
    caplog.set_level(logging.WARNING, logger="axes")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "rita", "guess")
        assert response.status_code == 200 and b"Please enter the correct username" in response.content
    locked = log_in(client, "rita", "guess")
    assert locked.status_code == 429
    assert b"Login locked for now" in locked.content
    # Locked: even the right password is refused now, from that address.
    assert log_in(client, "rita", "pass").status_code == 429
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username="rita")
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT and attempt.ip_address == "10.0.0.7"
    # The password tried is never stored or logged.
    assert "guess" not in str(attempt.get_data) + str(attempt.post_data)
    assert any("locking out" in record.getMessage().lower() for record in caplog.records)
    assert not any("guess" in record.getMessage() for record in caplog.records)

    # The same person from another address, and other users, are not held back.
    assert log_in(client, "rita", "pass", address="10.0.0.8").status_code == 302


def test_a_successful_login_clears_the_count(client, rita, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "rita", "guess")
    assert log_in(client, "rita", "pass").status_code == 302
    client.logout()
    assert log_in(client, "rita", "guess").status_code == 200  # counting from one again


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


# --- Two-factor login ---------------------------------------------------------------------------


def test_without_a_device_the_password_is_enough(client, rita):
    response = log_in(client, "rita")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_with_a_device_the_login_needs_its_current_code(client, rita):
    device = TOTPDevice.objects.create(user=rita, name="phone", confirmed=True)
    response = log_in(client, "rita")
    assert response.status_code == 200
    assert b"Enter the six-digit code from your authenticator app" in response.content
    assert "_auth_user_id" not in client.session
    response = log_in(client, "rita", code="000000" if code_of(device) != "000000" else "111111")
    assert b"That code is not right" in response.content
    device.refresh_from_db()
    # django-otp slows guessing down after a failure; wait it out, as a person would.
    device.throttling_failure_count = 0
    device.save()
    response = log_in(client, "rita", code=code_of(device))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_session_opened_without_the_code_no_longer_reaches_the_admin(client, rita):
    client.force_login(rita)
    assert client.get("/admin/").status_code == 200
    # A superuser gives rita a device; the session she has was not opened with a code.
    TOTPDevice.objects.create(user=rita, name="phone", confirmed=True)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_a_reviewer_turns_two_factor_on_and_off_for_herself(client, rita):
    client.force_login(rita)
    url = reverse("admin:two_factor")
    page = client.get(url)
    assert page.status_code == 200
    assert b"Two-factor login is <strong>off</strong>" in page.content
    assert re.search(rb'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', page.content)
    device = TOTPDevice.objects.get(user=rita, confirmed=False)
    secret = re.search(rb"<code>([A-Z2-7]+)</code>", page.content).group(1).decode()
    assert len(secret) >= 32

    wrong = client.post(url, {"code": "12345"})
    assert b"That code is not right" in wrong.content
    device.refresh_from_db()
    assert not device.confirmed
    device.throttling_failure_count = 0
    device.save()

    response = client.post(url, {"code": code_of(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    # This session gave the code: it goes on working.
    assert client.get("/admin/").status_code == 200
    assert b"Two-factor login is <strong>on</strong>" in client.get(url).content

    # Turning it off needs a code too (the last one is spent: wait for the next one).
    time.sleep(0.01)
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    response = client.post(url, {"code": code_of(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=rita).exists()


def test_the_login_page_asks_for_the_code_with_a_label(client):
    page = client.get(LOGIN)
    assert page.status_code == 200
    assert b'<label for="id_otp_token">Two-factor code:</label>' in page.content
    assert b'autocomplete="one-time-code"' in page.content
    assert b"otp_challenge" not in page.content
