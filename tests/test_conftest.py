"""The suite's own machinery (tests/conftest.py)."""

import pytest
from django.core.management import call_command
from django.db import connection

from seizures.models import Agency, Subdivision


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reference_data_is_put_back_as_migrations_left_it_on_an_empty_or_a_full_database():
    migrated = connection._test_serialized_contents
    restore = connection.creation.deserialize_db_from_string
    assert restore.__name__ == "restore_in_bulk"
    # Put back before this test (on the database as migrations left it, or after a flush).
    assert connection.creation.serialize_db_to_string() == migrated

    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    assert not Subdivision.objects.exists()
    restore(migrated)
    assert connection.creation.serialize_db_to_string() == migrated

    Agency.objects.filter(pk=Agency.objects.order_by("pk")[0].pk).update(name="Renamed by a test")
    restore(migrated)  # over rows that are still there: changed ones are put back
    assert connection.creation.serialize_db_to_string() == migrated
    assert Subdivision.objects.count() > 5000
