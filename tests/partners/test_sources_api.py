"""The sources endpoint: only sources cited by what partners can see, their metadata, and their
text only with the personal-data scope."""

import datetime

import pytest

from partners.publication import republish
from seizures.models import Operation
from seizures.services import operation_merge, operation_reopen
from sources.services import citation_create, source_update
from tests import factories

pytestmark = pytest.mark.django_db

SOURCES = "/api/v1/sources/"
METADATA = {"id", "kind", "outlet", "url", "title", "author", "published", "language"}


def source_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [source["id"] for source in response.json()["results"]]


def cited_by(source, *, reviewer=None) -> Operation:
    """An operation citing `source`, verified if a reviewer is given."""
    operation = factories.OperationFactory()
    factories.EvidenceItemFactory(operation=operation)
    factories.CitationFactory(operation=operation, source=source)
    if reviewer is not None:
        operation = factories.verify_checked(operation=operation, by=reviewer)
    return operation


def test_only_sources_cited_by_a_published_operation_are_listed(key_client, reviewer):
    published = factories.SourceFactory()
    unverified = factories.SourceFactory()
    uncited = factories.SourceFactory()
    cited_by(published, reviewer=reviewer)
    cited_by(unverified)

    listed = source_ids(key_client.get(SOURCES))

    assert listed == [published.pk]
    assert not {unverified.pk, uncited.pk} & set(listed)


def test_a_source_cited_by_two_published_operations_is_listed_once(key_client, reviewer):
    source = factories.SourceFactory()
    cited_by(source, reviewer=reviewer)
    cited_by(source, reviewer=reviewer)
    assert source_ids(key_client.get(SOURCES)) == [source.pk]


def test_a_source_cited_only_in_an_edit_awaiting_review_is_not_listed(key_client, reviewer, editor):
    first = factories.SourceFactory()
    added = factories.SourceFactory(text="Customs officers found the cocaine in a banana shipment.")
    operation = cited_by(first, reviewer=reviewer)

    citation_create(by=editor, source=added, operation=operation, quote="Customs officers found the cocaine")

    assert Operation.objects.get(pk=operation.pk).status == Operation.Status.NEEDS_REVIEW
    assert source_ids(key_client.get(SOURCES)) == [first.pk]
    factories.verify_checked(operation=operation, by=reviewer)
    assert sorted(source_ids(key_client.get(SOURCES))) == sorted([first.pk, added.pk])


def test_a_source_leaves_the_list_when_its_only_operation_is_withdrawn(key_client, reviewer):
    kept = factories.SourceFactory()
    withdrawn = factories.SourceFactory()
    cited_by(kept, reviewer=reviewer)
    operation = cited_by(withdrawn, reviewer=reviewer)
    assert sorted(source_ids(key_client.get(SOURCES))) == sorted([kept.pk, withdrawn.pk])

    operation_reopen(operation=operation, by=reviewer)

    assert source_ids(key_client.get(SOURCES)) == [kept.pk]


def test_sources_show_their_metadata_but_not_their_text_without_the_scope(key_client, reviewer):
    source = factories.SourceFactory(
        kind="press_release",
        outlet="Ministerio del Interior",
        title="Comunicado 041-2021",
        author="Oficina de prensa",
        url="https://www.example.gob.pe/comunicados/041",
        published=datetime.date(2021, 2, 12),
        language="es",
    )
    cited_by(source, reviewer=reviewer)

    (listed,) = key_client.get(SOURCES).json()["results"]

    assert listed == {
        "id": source.pk,
        "kind": "press_release",
        "outlet": "Ministerio del Interior",
        "url": "https://www.example.gob.pe/comunicados/041",
        "title": "Comunicado 041-2021",
        "author": "Oficina de prensa",
        "published": "2021-02-12",
        "language": "es",
    }
    assert source.text not in key_client.get(SOURCES).content.decode()
    assert key_client.get(f"{SOURCES}{source.pk}/").json() == listed


def test_sources_show_their_text_with_the_scope(client, reviewer):
    source = factories.SourceFactory()
    cited_by(source, reviewer=reviewer)
    _, key = factories.partner_api_key(personal_data=True)
    headers = {"Authorization": f"Api-Key {key}"}

    (listed,) = client.get(SOURCES, headers=headers).json()["results"]
    one = client.get(f"{SOURCES}{source.pk}/", headers=headers).json()

    assert set(listed) == {*METADATA, "text"}
    assert listed["text"] == source.text
    assert one == listed


def test_the_detail_of_a_source_no_published_operation_cites_is_404(key_client, reviewer):
    published = factories.SourceFactory()
    unverified = factories.SourceFactory()
    uncited = factories.SourceFactory()
    cited_by(published, reviewer=reviewer)
    cited_by(unverified)

    assert key_client.get(f"{SOURCES}{published.pk}/").status_code == 200
    for source in (unverified, uncited):
        response = key_client.get(f"{SOURCES}{source.pk}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
    assert key_client.get(f"{SOURCES}999999/").status_code == 404


def test_sources_page_by_id(key_client, reviewer):
    sources = factories.SourceFactory.create_batch(5)
    for source in sources:
        cited_by(source, reviewer=reviewer)
    seen, url = [], f"{SOURCES}?page_size=2"
    while url:
        body = key_client.get(url).json()
        seen += [source["id"] for source in body["results"]]
        url = body["next"]
    assert seen == sorted(source.pk for source in sources)


def test_without_the_scope_detainees_names_are_withheld_from_source_titles(client, reviewer):
    source = factories.SourceFactory(title="Wilmer Quispe Huamán arrested at Paita with 120 kg")
    operation = factories.OperationFactory()
    factories.EvidenceItemFactory(operation=operation)
    factories.CitationFactory(operation=operation, source=source)
    factories.DetaineeFactory(operation=operation, name="Wilmer Quispe Huamán")
    factories.verify_checked(operation=operation, by=reviewer)
    public = {"Authorization": f"Api-Key {factories.partner_api_key()[1]}"}
    personal = {"Authorization": f"Api-Key {factories.partner_api_key(personal_data=True)[1]}"}

    for url in (SOURCES, f"{SOURCES}{source.pk}/"):
        body = client.get(url, headers=public).content.decode()
        assert "[name withheld] arrested at Paita with 120 kg" in body
        assert "Quispe" not in body
        assert "Wilmer Quispe Huamán arrested" in client.get(url, headers=personal).content.decode()


# --- What partners are served is what was verified ---------------------------------------


def test_an_edit_of_a_source_reaches_partners_only_when_an_operation_citing_it_is_verified_again(
    key_client, reviewer, editor
):
    source = factories.SourceFactory(title="Cocaine found at Paita", outlet="Diario A", url="https://a.example/paita")
    operation = cited_by(source, reviewer=reviewer)
    source.title, source.outlet, source.url = "Edited, unreviewed title", "Diario B", "https://b.example/paita"
    source_update(by=editor, source=source)

    for url in (SOURCES, f"{SOURCES}{source.pk}/"):
        body = key_client.get(url).content.decode()
        assert "Cocaine found at Paita" in body and "Diario A" in body and "https://a.example/paita" in body
        assert "Edited, unreviewed title" not in body and "Diario B" not in body

    operation = operation_reopen(operation=Operation.objects.get(pk=operation.pk), by=reviewer)
    factories.verify_checked(operation=operation, by=reviewer)

    (listed,) = key_client.get(SOURCES).json()["results"]
    assert (listed["title"], listed["outlet"], listed["url"]) == (
        "Edited, unreviewed title",
        "Diario B",
        "https://b.example/paita",
    )


def test_republish_serves_a_source_as_it_now_is(key_client, reviewer, editor):
    source = factories.SourceFactory(title="First title")
    operation = cited_by(source, reviewer=reviewer)
    source.title = "Corrected title"
    source_update(by=editor, source=source)
    assert key_client.get(f"{SOURCES}{source.pk}/").json()["title"] == "First title"

    # What `manage.py republish` does, after the snapshot of the source is taken again by a
    # verification: republishing alone renders the same verified version, title included.
    republish(operation_ids=[operation.pk])
    assert key_client.get(f"{SOURCES}{source.pk}/").json()["title"] == "First title"


def test_a_source_is_served_as_the_newest_verified_version_citing_it_cites_it(key_client, reviewer, editor):
    source = factories.SourceFactory(title="Old title")
    older = cited_by(source, reviewer=reviewer)
    source.title = "New title"
    source_update(by=editor, source=source)
    cited_by(source, reviewer=reviewer)
    assert key_client.get(f"{SOURCES}{source.pk}/").json()["title"] == "New title"

    # The newer one is withdrawn: the older verified version is what cites the source now.
    newer = Operation.objects.exclude(pk=older.pk).get()
    operation_reopen(operation=newer, by=reviewer)
    assert key_client.get(f"{SOURCES}{source.pk}/").json()["title"] == "Old title"


def test_a_text_changed_since_the_quotes_were_checked_is_not_served_in_their_place(client, reviewer, editor):
    checked = "Police seized 120 kilograms of cocaine at the port on Monday. More follows."
    source = factories.SourceFactory(text=checked)
    cited_by(source, reviewer=reviewer)
    headers = {"Authorization": f"Api-Key {factories.partner_api_key(personal_data=True)[1]}"}
    source.text = "Police seized 120 kilograms of cocaine at the port on Monday. An unreviewed paragraph naming people."
    source_update(by=editor, source=source)

    served = client.get(f"{SOURCES}{source.pk}/", headers=headers).json()
    assert served["text"] == checked

    # The record is republished (after a change of what partners are served): the text the
    # verified version checked is still the one served, not the edit.
    republish(operation_ids=list(Operation.objects.values_list("pk", flat=True)))
    assert client.get(f"{SOURCES}{source.pk}/", headers=headers).json()["text"] == checked


def test_the_names_of_every_operation_citing_a_source_are_withheld_from_it(key_client, reviewer):
    """One report names the detainees of two operations: neither name reaches a key without
    the scope, in the source's title or URL, nor in either operation's citations."""
    source = factories.SourceFactory(
        title="Rosa Huamán and Wilmer Quispe arrested in two raids",
        url="https://news.example.org/2021/02/rosa-huaman-y-wilmer-quispe-detenidos",
    )
    for name in ("Rosa Huamán", "Wilmer Quispe"):
        operation = factories.OperationFactory()
        factories.EvidenceItemFactory(operation=operation)
        factories.CitationFactory(operation=operation, source=source)
        factories.DetaineeFactory(operation=operation, name=name)
        factories.verify_checked(operation=operation, by=reviewer)

    for url in (SOURCES, f"{SOURCES}{source.pk}/", "/api/v1/operations/", "/api/v1/operations/?format=csv"):
        body = key_client.get(url).content.decode()
        assert source.title not in body
        assert "huam" not in body.lower() and "quispe" not in body.lower(), url
    listed = key_client.get(f"{SOURCES}{source.pk}/").json()
    assert listed["title"] == "[name withheld] and [name withheld] arrested in two raids"
    assert listed["url"] == "https://news.example.org/"


def test_the_text_of_a_source_is_withheld_from_keys_without_the_scope_whatever_is_asked(key_client, reviewer):
    source = factories.SourceFactory(
        text="Police seized 120 kilograms of cocaine at the port on Monday. Rosa Huamán was detained."
    )
    cited_by(source, reviewer=reviewer)
    for url in (SOURCES, f"{SOURCES}{source.pk}/", f"{SOURCES}?format=json"):
        response = key_client.get(url)
        assert response.status_code == 200
        assert "Rosa" not in response.content.decode()


def test_a_name_typed_into_a_draft_is_withheld_at_once_from_what_is_published_of_its_report(key_client, reviewer):
    """The report named her all along; once a reviewer records her as a detainee of another
    operation still in review, the published operation citing the same report and the
    report itself withhold her name, without waiting for that operation's verification."""
    source = factories.SourceFactory(title="Rosa Huamán held after the Paita seizure")
    published = cited_by(source, reviewer=reviewer)
    draft = cited_by(source)
    assert "Huamán" in key_client.get(f"{SOURCES}{source.pk}/").content.decode()  # no one knew it was a name

    factories.DetaineeFactory(operation=draft, name="Rosa Huamán")

    assert Operation.objects.get(pk=draft.pk).status == Operation.Status.NEEDS_REVIEW
    assert key_client.get(f"{SOURCES}{source.pk}/").json()["title"] == "[name withheld] held after the Paita seizure"
    document = key_client.get(f"/api/v1/operations/{published.public_id}/").content.decode()
    assert "Huam" not in document and "[name withheld] held after the Paita seizure" in document


def test_a_publication_already_withholding_the_names_is_not_rendered_again(reviewer):
    """Both operations' detainees were named before either was verified: verifying the
    second changes nothing partners already hold of the first (no new `modified_at`)."""
    from partners.models import PublishedOperation

    source = factories.SourceFactory(title="Rosa Huamán and Wilmer Quispe held")
    first, second = cited_by(source), cited_by(source)
    factories.DetaineeFactory(operation=first, name="Rosa Huamán")
    factories.DetaineeFactory(operation=second, name="Wilmer Quispe")
    factories.verify_checked(operation=first, by=reviewer)
    before = PublishedOperation.objects.get(operation=first)
    assert set(before.withheld_names) == {"Rosa Huamán", "Wilmer Quispe"}

    factories.verify_checked(operation=second, by=reviewer)

    after = PublishedOperation.objects.get(operation=first)
    assert (after.pk, after.modified_at, after.document) == (before.pk, before.modified_at, before.document)


def test_a_named_detainee_merged_into_another_report_is_withheld_from_it_at_once(key_client, reviewer):
    """The merge moves Rosa Huamán to an operation citing a report that a published
    operation cites too: that report names her, and is withheld of her name at once, not
    when the merged record is verified."""
    shared = factories.SourceFactory(title="Rosa Huamán among those held at Paita")
    published = cited_by(shared, reviewer=reviewer)
    survivor = cited_by(shared)
    duplicate = cited_by(factories.SourceFactory())
    factories.DetaineeFactory(operation=duplicate, name="Rosa Huamán")
    assert "Huamán" in key_client.get(f"/api/v1/operations/{published.public_id}/").content.decode()

    operation_merge(survivor=survivor, duplicate=duplicate, by=reviewer, reason="One seizure, two reports")

    assert "Huam" not in key_client.get(f"/api/v1/operations/{published.public_id}/").content.decode()
    assert key_client.get(f"{SOURCES}{shared.pk}/").json()["title"] == "[name withheld] among those held at Paita"
