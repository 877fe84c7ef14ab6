"""Every way a partner's request can fail to authenticate ends in 401 with a JSON message."""

import datetime

import pytest
from django.utils import timezone

from tests import factories
from tests.partners.conftest import AGENCIES


def expired_key():
    return factories.partner_api_key(expiry_date=timezone.now() - datetime.timedelta(minutes=1))[1]


def revoked_key():
    api_key, key = factories.partner_api_key()
    api_key.revoked = True
    api_key.save()
    return key


def wrong_secret():
    _, key = factories.partner_api_key()
    prefix, _, secret = key.partition(".")
    return f"{prefix}.{'x' * len(secret)}"


# (case, Authorization header or a function making it, message the caller gets)
FAILURES = [
    ("no header", None, "Authentication credentials were not provided."),
    ("keyword alone", lambda: "Api-Key", "Malformed Api-Key header"),
    ("keyword and a space", lambda: "Api-Key ", "Malformed Api-Key header"),
    ("two values", lambda: f"Api-Key {factories.partner_api_key()[1]} extra", "Malformed Api-Key header"),
    ("no prefix separator", lambda: "Api-Key abcdefgh", "Malformed Api-Key header"),
    ("unknown prefix", lambda: "Api-Key nope1234.0123456789abcdef0123456789abcdef", "Invalid API key."),
    ("right prefix, wrong secret", lambda: f"Api-Key {wrong_secret()}", "Invalid API key."),
    ("revoked", lambda: f"Api-Key {revoked_key()}", "This API key has been revoked."),
    ("expired", lambda: f"Api-Key {expired_key()}", "This API key has expired."),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "header", "message"), FAILURES, ids=[f[0] for f in FAILURES])
def test_a_request_without_a_usable_key_gets_401_with_a_json_message(client, case, header, message):
    headers = {"Authorization": header()} if header else {}
    response = client.get(AGENCIES, headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith(message)
    assert response["WWW-Authenticate"] == "Api-Key"


@pytest.mark.django_db
def test_a_wrong_key_is_refused_even_with_a_reviewer_logged_in(client, reviewer):
    # A key that fails is never quietly replaced by the session.
    client.force_login(reviewer)
    response = client.get(AGENCIES, headers={"Authorization": f"Api-Key {wrong_secret()}"})
    assert response.status_code == 401


def test_a_valid_key_authenticates_as_its_partner_with_its_scope(key_client, api_key):
    response = key_client.get(AGENCIES)
    assert response.status_code == 200
    request = response.wsgi_request
    # DRF's request wraps the Django one; the view's request.auth is what later scopes read.
    assert response.renderer_context["request"].auth == api_key[0]
    assert response.renderer_context["request"].auth.partner.name == "Observatorio Andino"
    assert response.renderer_context["request"].auth.personal_data is False
    assert not request.user.is_authenticated


def test_the_keyword_is_case_insensitive(client, api_key):
    response = client.get(AGENCIES, headers={"Authorization": f"api-key {api_key[1]}"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_key_with_the_personal_data_scope_says_so_on_request_auth(client):
    _, key = factories.partner_api_key(personal_data=True)
    response = client.get(AGENCIES, headers={"Authorization": f"Api-Key {key}"})
    assert response.status_code == 200
    assert response.renderer_context["request"].auth.personal_data is True


@pytest.mark.django_db
def test_a_key_that_expires_later_still_works(client):
    _, key = factories.partner_api_key(expiry_date=timezone.now() + datetime.timedelta(days=1))
    assert client.get(AGENCIES, headers={"Authorization": f"Api-Key {key}"}).status_code == 200
