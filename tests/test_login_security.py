"""Logging in: failed logins are counted and locked out (django-axes), by the client's address
even behind a proxy and whatever X-Forwarded-For it sends, and reviewers and editors may turn
on two-factor login with an authenticator app (django-otp, TOTP)."""

import logging
import re
import time

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def log_in(client, username, password="pass", code=None, address="10.0.0.7", forwarded_for=None):
    data = {"username": username, "password": password, "next": "/admin/"}
    if code is not None:
        data["otp_token"] = code
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return client.post(LOGIN, data, REMOTE_ADDR=address, **headers)


def code_of(device: TOTPDevice, *, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


@pytest.fixture
def rita(db):
    user = factories.reviewer(username="rita")
    user.set_password("pass")
    user.save()
    return user


# --- The client's address, behind a proxy or not ------------------------------------------------

PROXY = "10.0.0.1"  # the proxy's own address: REMOTE_ADDR of every request that comes through it


def through_proxy(sent: str | None, client_address: str) -> str:
    """X-Forwarded-For as the app gets it: the proxy appends the address it got the request from
    to whatever the client sent."""
    return client_address if sent is None else f"{sent}, {client_address}"


# What a client sends to pass for another address at each try ({n}: a new one each time):
# addresses, a chain of them, the quoted strings python-ipware reads as RFC 7239 (the first two
# make it answer the address they name), and something that is not an address.
SPOOFS = [
    "198.51.100.{n}",
    "192.0.2.1, 198.51.100.{n}",
    'for="198.51.100.{n}";x="',
    '198.51.100.{n}, "',
    "unknown-{n}",
]


@pytest.mark.parametrize("spoof", SPOOFS)
def test_behind_a_proxy_a_forged_forwarded_for_does_not_escape_the_lock_out(client, rita, settings, spoof):
    settings.PROXY_COUNT = 1
    real = "203.0.113.5"
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "rita", "guess", address=PROXY, forwarded_for=through_proxy(spoof.format(n=n), real))
        assert response.status_code == 200
    locked = log_in(client, "rita", "guess", address=PROXY, forwarded_for=through_proxy(spoof.format(n=98), real))
    assert locked.status_code == 429
    again = log_in(client, "rita", "pass", address=PROXY, forwarded_for=through_proxy(spoof.format(n=99), real))
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {real}


@pytest.mark.parametrize("spoof", SPOOFS)
def test_with_no_proxy_configured_a_forwarded_for_from_the_client_is_ignored(client, rita, settings, spoof):
    settings.PROXY_COUNT = 0
    real = "203.0.113.5"
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "rita", "guess", address=real, forwarded_for=spoof.format(n=n)).status_code == 200
    assert log_in(client, "rita", "guess", address=real, forwarded_for=spoof.format(n=98)).status_code == 429
    assert log_in(client, "rita", "pass", address=real, forwarded_for=spoof.format(n=99)).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {real}


def test_behind_a_proxy_a_lock_out_holds_the_address_it_came_from_and_no_other(client, rita, settings):
    settings.PROXY_COUNT = 1
    victim, attacker = "203.0.113.5", "198.51.100.66"
    # The attacker names the victim's address in the header: its failures count against its own.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "rita", "guess", address=PROXY, forwarded_for=through_proxy(victim, attacker))
    assert (
        log_in(client, "rita", "pass", address=PROXY, forwarded_for=through_proxy(victim, attacker)).status_code == 429
    )
    assert log_in(client, "rita", "pass", address=PROXY, forwarded_for=through_proxy(None, victim)).status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        # Never what the client wrote: no proxy configured, so the header is the client's.
        (0, "198.51.100.1", "10.0.0.1"),
        (0, "198.51.100.1, 203.0.113.5", "10.0.0.1"),
        # One proxy: what it appended, whatever the client put before it.
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),
        (1, 'for="198.51.100.1";x=", 203.0.113.5', "203.0.113.5"),
        (1, '198.51.100.1, ", 203.0.113.5', "203.0.113.5"),
        # Fewer entries than proxies: it did not come through them all, so the socket's address.
        (2, "198.51.100.1", "10.0.0.1"),
        # Not an address where the proxy writes one, or no header: the socket's address.
        (1, "203.0.113.5, unknown", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, None, "10.0.0.1"),
        # Allowed: the entry as many places from the right as there are proxies.
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "2001:db8::5", "2001:db8::5"),
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5,10.0.0.2", "203.0.113.5"),
    ],
)
def test_the_client_address_is_the_one_the_first_trusted_proxy_saw(settings, proxies, forwarded_for, expected):
    settings.PROXY_COUNT = proxies
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="10.0.0.1", **headers)
    # axes' own entry point, as its backend and handler call it.
    assert get_client_ip_address(request) == expected


# --- Brute force -------------------------------------------------------------------------------


def test_made_up_usernames_from_one_address_are_locked_out_together(client, rita, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, f"nobody{n}", "guess").status_code == 200
    locked = log_in(client, "nobody-else", "guess")
    assert locked.status_code == 429
    assert b"Login locked for now" in locked.content
    assert log_in(client, "yet-another", "guess").status_code == 429


def test_made_up_usernames_do_not_lock_a_real_user_out(client, rita, settings):
    spray = "10.0.0.66"
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"nobody{n}", "guess", address=spray)
    assert log_in(client, "nobody-else", "guess", address=spray).status_code == 429
    # From another address her wrong password is counted from one, and the right one lets her in.
    assert log_in(client, "rita", "guess", address="10.0.0.7").status_code == 200
    assert log_in(client, "rita", "pass", address="10.0.0.7").status_code == 302
    client.logout()
    # Her name keeps its own count even from the sprayed address (an office behind one address).
    assert log_in(client, "rita", "pass", address=spray).status_code == 302


def test_a_deactivated_account_counts_as_a_made_up_name(client, rita, settings):
    rita.is_active = False
    rita.save()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, f"nobody{n}", "guess")
    assert log_in(client, "rita", "pass").status_code == 429


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
