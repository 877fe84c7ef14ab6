import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from partners.models import Partner, PartnerAPIKey
from tests.partners.conftest import AGENCIES


def create_key(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("create_partner_key", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


@pytest.mark.django_db
def test_it_prints_a_key_that_then_authenticates(client):
    key, message = create_key("Observatorio Andino")
    assert "shown only this once" in message
    response = client.get(AGENCIES, headers={"Authorization": f"Api-Key {key}"})
    assert response.status_code == 200
    api_key = PartnerAPIKey.objects.get()
    assert api_key.partner.name == "Observatorio Andino"
    assert api_key.personal_data is False
    assert key not in (api_key.id, api_key.hashed_key)  # stored hashed
    # Expires in a year unless told otherwise.
    assert api_key.expiry_date - timezone.now() > datetime.timedelta(days=364)


@pytest.mark.django_db
def test_a_second_key_joins_the_existing_organisation():
    create_key("Observatorio Andino")
    create_key("  Observatorio Andino ", "--name", "backup", "--personal-data", "--no-expiry")
    assert Partner.objects.count() == 1
    second = PartnerAPIKey.objects.get(name="backup")
    assert second.personal_data is True
    assert second.expiry_date is None


@pytest.mark.django_db
def test_a_given_expiry_day_is_included():
    tomorrow = timezone.now().date() + datetime.timedelta(days=1)
    create_key("Observatorio Andino", "--expires", tomorrow.isoformat())
    assert PartnerAPIKey.objects.get().expiry_date.date() == tomorrow + datetime.timedelta(days=1)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", "   "])
def test_it_refuses_an_empty_organisation_name(name):
    with pytest.raises(CommandError, match="The organisation name must not be empty."):
        create_key(name)
    assert not Partner.objects.exists()
    assert not PartnerAPIKey.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_expiry_in_the_past():
    with pytest.raises(CommandError, match="is in the past"):
        create_key("Observatorio Andino", "--expires", "2020-01-01")
    assert not PartnerAPIKey.objects.exists()
