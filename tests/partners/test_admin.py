"""Partners and their keys in the admin: superusers only; a new key is shown once."""

import pytest

from partners.models import PartnerAPIKey
from tests import factories

KEYS = "/admin/partners/partnerapikey/"
PARTNERS = "/admin/partners/partner/"


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="sue", is_superuser=True)


@pytest.mark.parametrize("url", [KEYS, PARTNERS, KEYS + "add/"])
@pytest.mark.parametrize(("role", "expected"), [("reviewer", 403), ("editor", 403), ("superuser", 200)])
def test_only_superusers_manage_partners_and_keys(client, db, url, role, expected):
    user = {
        "reviewer": lambda: factories.reviewer(username="rita"),
        "editor": lambda: factories.editor(username="eddie"),
        "superuser": lambda: factories.UserFactory(username="sue", is_superuser=True),
    }[role]()
    client.force_login(user)
    assert client.get(url).status_code == expected


def test_adding_a_key_in_the_admin_shows_it_once(client, superuser):
    partner = factories.PartnerFactory(name="Observatorio Andino")
    client.force_login(superuser)
    response = client.post(
        KEYS + "add/", {"partner": partner.pk, "name": "from admin", "personal_data": "on"}, follow=True
    )
    assert response.status_code == 200
    api_key = PartnerAPIKey.objects.get(name="from admin")
    assert api_key.personal_data is True
    [message] = [str(m) for m in response.context["messages"] if "you will not be able to see it again" in str(m)]
    key = message.split("is: ")[1].split(". ")[0]
    assert client.get("/api/v1/agencies/", headers={"Authorization": f"Api-Key {key}"}).status_code == 200
    assert key not in client.get(KEYS + f"{api_key.pk}/change/").content.decode()


def test_the_key_list_is_a_fixed_number_of_queries(client, superuser, django_assert_max_num_queries):
    for _ in range(5):
        factories.partner_api_key()
    client.force_login(superuser)
    with django_assert_max_num_queries(8):
        assert client.get(KEYS).status_code == 200
