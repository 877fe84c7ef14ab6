"""Migration 0003 publishes operations verified before the partner API existed, with the
models as they were at that migration."""

from importlib import import_module

import orjson
import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from partners.models import PublishedFacet, PublishedOperation
from tests import factories

pytestmark = pytest.mark.django_db

migration = import_module("partners.migrations.0003_publish_verified")


def without_modified_at(document: str) -> dict:
    data = orjson.loads(document)
    data.pop("modified_at")
    return data


def test_the_backfill_publishes_verified_operations_as_verifying_does(reviewer):
    operation = factories.verified_operation(by=reviewer)
    factories.DetaineeFactory(operation=operation, name="Ana Quispe")  # after verification: not published
    factories.cited_operation()  # never verified
    published = PublishedOperation.objects.get()
    facets = sorted(PublishedFacet.objects.values_list("kind", "code", "amount"))
    PublishedOperation.objects.all().delete()

    historical = MigrationLoader(connection).project_state(("partners", "0003_publish_verified")).apps
    migration.publish_verified(historical, None)

    backfilled = PublishedOperation.objects.get()
    assert backfilled.public_id == operation.public_id
    assert without_modified_at(backfilled.document) == without_modified_at(published.document)
    assert without_modified_at(backfilled.document_personal) == without_modified_at(published.document_personal)
    assert sorted(PublishedFacet.objects.values_list("kind", "code", "amount")) == facets
    assert "Ana Quispe" not in backfilled.document_personal
