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


def test_the_sources_backfill_serves_what_publishing_serves(reviewer):
    """Migration 0005 renders the sources of what is published, with its historical models,
    as publishing does."""
    from partners.models import PublishedSource

    sources_migration = import_module("partners.migrations.0005_published_sources")
    source = factories.SourceFactory(title="Ana Quispe detenida en Paita", url="https://a.example/ana-quispe-paita")
    operation = factories.OperationFactory()
    factories.EvidenceItemFactory(operation=operation)
    factories.CitationFactory(operation=operation, source=source)
    factories.DetaineeFactory(operation=operation, name="Ana Quispe")
    factories.verify_checked(operation=operation, by=reviewer)
    factories.verified_operation(by=reviewer)  # a second source, cited by another operation
    served = {row.pk: (row.document, row.document_personal) for row in PublishedSource.objects.all()}
    assert len(served) == 2
    PublishedSource.objects.all().delete()

    historical = MigrationLoader(connection).project_state(("partners", "0005_published_sources")).apps
    sources_migration.publish_sources(historical, None)

    assert {row.pk: (row.document, row.document_personal) for row in PublishedSource.objects.all()} == served
    public = orjson.loads(PublishedSource.objects.get(pk=source.pk).document)
    assert (public["title"], public["url"]) == ("[name withheld] detenida en Paita", "https://a.example/")


def test_the_documents_served_before_are_withheld_again_by_the_stronger_rule(reviewer):
    """Migration 0005 withholds again what the old rule let through (here a name in a source
    URL and a name without its accent), and tells partners' sync the document changed."""
    sources_migration = import_module("partners.migrations.0005_published_sources")
    source = factories.SourceFactory(url="https://a.example/2021/ana-quispe-detenida")
    operation = factories.OperationFactory(summary="ANA QUISPE was driving.")
    factories.EvidenceItemFactory(operation=operation)
    factories.CitationFactory(operation=operation, source=source)
    factories.DetaineeFactory(operation=operation, name="Ana Quíspe")
    factories.verify_checked(operation=operation, by=reviewer)
    publication = PublishedOperation.objects.get()
    # As the old rule left it: the name as typed only, and URLs as they were.
    old = orjson.loads(publication.document)
    old["summary"] = "ANA QUISPE was driving."
    old["citations"][0]["source"]["url"] = source.url
    PublishedOperation.objects.filter(pk=publication.pk).update(document=orjson.dumps(old).decode(), withheld_names=[])

    historical = MigrationLoader(connection).project_state(("partners", "0005_published_sources")).apps
    sources_migration.withhold_names(historical, None)

    again = PublishedOperation.objects.get()
    document = orjson.loads(again.document)
    assert document["summary"] == "[name withheld] was driving."
    assert document["citations"][0]["source"]["url"] == "https://a.example/"
    assert again.withheld_names == ["Ana Quíspe"]
    assert again.modified_at > publication.modified_at
