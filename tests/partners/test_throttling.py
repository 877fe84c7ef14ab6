import pytest

from tests import factories
from tests.partners.conftest import AGENCIES, GROUPS


@pytest.fixture
def two_a_minute(settings):
    settings.PARTNER_API_RATE = "2/minute"


def test_a_key_past_its_rate_gets_429_with_retry_after(two_a_minute, key_client):
    assert key_client.get(AGENCIES).status_code == 200
    assert key_client.get(GROUPS).status_code == 200  # one count per key, across endpoints
    response = key_client.get(AGENCIES)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"].lower()


def test_each_key_has_its_own_count(two_a_minute, client, db):
    partner = factories.PartnerFactory()
    first, second = factories.partner_api_key(partner=partner)[1], factories.partner_api_key(partner=partner)[1]
    for _ in range(2):
        assert client.get(AGENCIES, headers={"Authorization": f"Api-Key {first}"}).status_code == 200
    assert client.get(AGENCIES, headers={"Authorization": f"Api-Key {first}"}).status_code == 429
    assert client.get(AGENCIES, headers={"Authorization": f"Api-Key {second}"}).status_code == 200


def test_reviewers_sessions_are_not_throttled(two_a_minute, client, reviewer):
    client.force_login(reviewer)
    assert [client.get(AGENCIES).status_code for _ in range(4)] == [200] * 4


def test_a_malformed_rate_is_refused_at_start_up():
    from tests.test_settings import manage

    result = manage("check", PARTNER_API_RATE="lots")
    assert result.returncode != 0
    assert "PARTNER_API_RATE='lots'" in result.stderr
