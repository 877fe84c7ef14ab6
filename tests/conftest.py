from io import StringIO

import pytest
from django.core import serializers
from django.db import transaction
from django.db.backends.base.creation import BaseDatabaseCreation

from tests import factories


def restore_in_bulk(self, data: str) -> None:
    """Django's `deserialize_db_from_string`, which puts back the reference data migrations
    loaded (countries, subdivisions, agencies, roles) before each transactional test, with an
    INSERT per model instead of a save per row: 0.5 s instead of 1.6 s, for each of some 50
    such tests a run. The same rows, without signals (every handler here, simple-history's
    included, skips the raw saves Django makes), each model's after the ones it refers to; a
    row still there (the first such test finds the database as migrations left it) is
    updated, as a save would; constraints checked at the end, as Django does.
    tests/test_conftest.py checks the result."""
    alias = self.connection.alias
    tables = set()

    def save(run: list) -> None:
        model = type(run[0].object)
        if model._meta.parents:  # multi-table inheritance: bulk_create refuses it
            for deserialized in run:
                deserialized.save()
        else:
            model._base_manager.using(alias).bulk_create(
                [deserialized.object for deserialized in run],
                update_conflicts=True,
                unique_fields=[model._meta.pk.name],
                update_fields=[field.name for field in model._meta.concrete_fields if not field.primary_key],
            )
            for field in model._meta.many_to_many:
                through = field.remote_field.through
                rows = [
                    through(**{field.m2m_column_name(): deserialized.object.pk, field.m2m_reverse_name(): pk})
                    for deserialized in run
                    for pk in (deserialized.m2m_data or {}).get(field.name, ())
                ]
                through._base_manager.using(alias).bulk_create(rows, ignore_conflicts=True)
                tables.add(through._meta.db_table)
        tables.add(model._meta.db_table)

    with transaction.atomic(using=alias):
        with self.connection.constraint_checks_disabled():
            run: list = []
            for deserialized in serializers.deserialize("json", StringIO(data), using=alias):
                if run and type(run[0].object) is not type(deserialized.object):
                    save(run)
                    run = []
                run.append(deserialized)
            if run:
                save(run)
        self.connection.check_constraints(table_names=tables)


BaseDatabaseCreation.deserialize_db_from_string = restore_in_bulk


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Factories give every user a password; the production hasher costs ~0.2 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reviewer(db):
    return factories.reviewer(username="rita")


@pytest.fixture
def second_reviewer(db):
    return factories.reviewer(username="raul")


@pytest.fixture
def editor(db):
    return factories.editor(username="eddie")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def operation(db):
    """An operation in review with an item and a citation, ready to verify."""
    return factories.cited_operation()


def pytest_collection_modifyitems(config, items):
    """A transactional test empties the database when it ends; one that does not restore the
    reference data migrations loaded (countries, agencies, roles...) leaves the tests after it
    without them. Refuse such a test at collection, rather than let later tests fail."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        transactional = (marker and marker.kwargs.get("transaction")) or {"live_server", "transactional_db"} & set(
            fixtures
        )
        if transactional and not (marker and marker.kwargs.get("serialized_rollback")):
            raise pytest.UsageError(
                f"{item.nodeid}: a transactional test must also say serialized_rollback=True, "
                "or the tests after it run without the reference data."
            )
