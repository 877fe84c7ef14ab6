import pytest
from django.core.cache import cache

from tests import factories

AGENCIES = "/api/v1/agencies/"
GROUPS = "/api/v1/criminal-groups/"


@pytest.fixture(autouse=True)
def empty_throttle_counts():
    # Throttle counts live in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_key(db):
    """A partner's usable key: (row, full value)."""
    return factories.partner_api_key(partner=factories.PartnerFactory(name="Observatorio Andino"))


@pytest.fixture
def key_client(client, api_key):
    """A client that sends the partner's key on every request."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {api_key[1]}"
    return client
