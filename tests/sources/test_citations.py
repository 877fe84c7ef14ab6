"""Sources and the citations that tie an operation's records to their words."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from seizures.models import Operation
from seizures.services import WorkflowError, operation_reject
from sources.models import Citation, Source
from sources.services import citation_create, citation_delete, source_create
from tests import factories

pytestmark = pytest.mark.django_db

SEIZED = "Police seized 120 kilograms of cocaine at the port on Monday."
DETAINED = "Two men were detained."


@pytest.fixture
def source(db):
    return factories.SourceFactory()


def refused_fields(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


# --- Quotes and offsets ------------------------------------------------------------------


def test_it_refuses_a_quote_that_is_not_in_the_source_and_saves_nothing(operation, source, editor):
    citations = Citation.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        citation_create(by=editor, source=source, operation=operation, quote="Police seized 12 tonnes of cocaine.")

    assert refused_fields(excinfo) == {"quote"}
    assert "does not occur in the source text" in excinfo.value.message_dict["quote"][0]
    assert Citation.objects.count() == citations
    operation.refresh_from_db()
    assert (operation.version, operation.last_edited_by) == (1, None)


def test_full_clean_refuses_a_quote_that_is_not_in_the_source(operation, source):
    citation = Citation(source=source, operation=operation, quote="Three women were detained.")

    with pytest.raises(ValidationError) as excinfo:
        citation.full_clean()

    assert refused_fields(excinfo) == {"quote"}


def test_it_refuses_an_empty_quote(operation, source):
    with pytest.raises(ValidationError) as excinfo:
        Citation(source=source, operation=operation, quote="   ").full_clean()

    assert "quote" in refused_fields(excinfo)


def test_a_quote_found_in_the_source_gets_its_offsets(operation, source, editor):
    citation = citation_create(by=editor, source=source, operation=operation, quote=f"  {DETAINED}\n")

    citation.refresh_from_db()
    assert citation.quote == DETAINED
    assert citation.start == source.text.index(DETAINED)
    assert citation.end == citation.start + len(DETAINED)
    assert source.text[citation.start : citation.end] == citation.quote


def test_a_correct_explicit_start_is_kept(operation, editor):
    source = factories.SourceFactory(text=f"{DETAINED} Later that day: {DETAINED}")
    second = source.text.rindex(DETAINED)

    citation = citation_create(by=editor, source=source, operation=operation, quote=DETAINED, start=second)

    citation.refresh_from_db()
    assert (citation.start, citation.end) == (second, second + len(DETAINED))


def test_it_refuses_a_wrong_explicit_start(operation, source, editor):
    citations = Citation.objects.count()
    wrong = source.text.index(DETAINED) + 1

    with pytest.raises(ValidationError) as excinfo:
        citation_create(by=editor, source=source, operation=operation, quote=DETAINED, start=wrong)

    assert refused_fields(excinfo) == {"start"}
    assert Citation.objects.count() == citations


# --- What a citation may support ----------------------------------------------------------


def test_it_accepts_an_evidence_item_of_the_same_operation(operation, source, editor):
    item = operation.evidence_items.get()

    citation = citation_create(by=editor, source=source, operation=operation, quote=SEIZED, evidence_item=item)

    assert citation.target_kind == "evidence_item"
    assert item.citations.get() == citation


@pytest.mark.parametrize("target", ["evidence_item", "detainee"])
def test_it_refuses_a_record_of_another_operation(target, operation, source, editor):
    factory = {"evidence_item": factories.EvidenceItemFactory, "detainee": factories.DetaineeFactory}[target]
    record = factory(operation=factories.OperationFactory())
    citations = Citation.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        citation_create(by=editor, source=source, operation=operation, quote=SEIZED, **{target: record})

    assert refused_fields(excinfo) == {target}
    assert excinfo.value.message_dict[target] == ["This record belongs to another operation."]
    assert Citation.objects.count() == citations


def test_it_refuses_a_citation_of_an_item_and_a_detainee_at_once(operation, source):
    item = operation.evidence_items.get()
    detainee = factories.DetaineeFactory(operation=operation)

    with pytest.raises(ValidationError) as excinfo:
        Citation(source=source, operation=operation, quote=SEIZED, evidence_item=item, detainee=detainee).full_clean()

    assert "detainee" in refused_fields(excinfo)


@pytest.mark.parametrize(
    ("target", "field"),
    [("operation", "place"), ("operation", "agencies"), ("evidence_item", "quantity"), ("detainee", "age")],
)
def test_it_accepts_a_real_field_of_the_cited_record(target, field, operation, source, editor):
    records = {
        "evidence_item": operation.evidence_items.get(),
        "detainee": factories.DetaineeFactory(operation=operation),
    }
    kwargs = {target: records[target]} if target in records else {}

    citation = citation_create(by=editor, source=source, operation=operation, quote=SEIZED, field=field, **kwargs)

    citation.refresh_from_db()
    assert (citation.target_kind, citation.field) == (target, field)


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ("operation", "weight"),
        ("operation", "status"),  # workflow bookkeeping, not a fact a source states
        ("operation", "quantity"),  # a field of evidence items, not of the operation
        ("evidence_item", "place"),
    ],
)
def test_it_refuses_a_field_the_cited_record_does_not_have(target, field, operation, source, editor):
    kwargs = {"evidence_item": operation.evidence_items.get()} if target == "evidence_item" else {}
    citations = Citation.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        citation_create(by=editor, source=source, operation=operation, quote=SEIZED, field=field, **kwargs)

    assert refused_fields(excinfo) == {"field"}
    assert Citation.objects.count() == citations


# --- Sources --------------------------------------------------------------------------------


def test_it_stores_the_sha256_of_the_text(source):
    source.refresh_from_db()
    assert source.text_sha256 == hashlib.sha256(source.text.encode("utf-8")).hexdigest()


def test_saving_only_the_text_updates_its_sha256_too(source):
    source.text = "Corrected: police seized 121 kilograms of cocaine, the ministry says."
    source.save(update_fields=["text"])

    source.refresh_from_db()
    assert source.text_sha256 == hashlib.sha256(source.text.encode("utf-8")).hexdigest()


def test_it_refuses_a_text_edit_that_breaks_a_citation(source):
    citation = factories.CitationFactory(source=source)
    source.text = source.text.replace("120 kilograms", "12 kilograms")

    with pytest.raises(ValidationError) as excinfo:
        source.full_clean()

    assert refused_fields(excinfo) == {"text"}
    assert f"Citations #{citation.pk} quote this text" in excinfo.value.message_dict["text"][0]
    source.refresh_from_db()
    assert "120 kilograms" in source.text


def test_it_accepts_a_text_edit_that_leaves_citations_matching(source):
    factories.CitationFactory(source=source)
    source.text += " Updated at 18:00."

    source.full_clean()


def test_it_refuses_a_second_source_with_the_same_text(source, editor):
    sources = Source.objects.count()
    twin = Source(text=source.text, url="https://elsewhere.example.com/copy")

    with pytest.raises(ValidationError) as excinfo:
        source_create(by=editor, source=twin)

    assert refused_fields(excinfo) == {"text"}
    assert f"already source #{source.pk}" in excinfo.value.message_dict["text"][0]
    assert Source.objects.count() == sources


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.org/a",
        "HTTPS://News.Example.org:443/a#frag",
        "https://news.example.org:443/%61",
    ],
)
def test_it_refuses_a_second_source_with_the_same_url_after_normalisation(url, editor):
    first = factories.SourceFactory(url="https://news.example.org/a")
    sources = Source.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        source_create(by=editor, source=Source(text="A different article altogether.", url=url))

    assert refused_fields(excinfo) == {"url"}
    assert f"already source #{first.pk}" in excinfo.value.message_dict["url"][0]
    assert Source.objects.count() == sources


def test_it_stores_a_url_in_its_normalised_form(editor):
    source = source_create(by=editor, source=Source(text="Some text.", url="HTTPS://News.Example.org:443/a#frag"))

    source.refresh_from_db()
    assert source.url == "https://news.example.org/a"


def test_sources_without_a_url_do_not_clash(editor):
    first = source_create(by=editor, source=Source(text="A broadcast transcript.", url=""))
    second = source_create(by=editor, source=Source(text="Another broadcast transcript."))

    assert Source.objects.filter(pk__in=[first.pk, second.pk], url__isnull=True).count() == 2


# --- Adding and removing citations is an edit of the operation -------------------------------


def test_adding_a_citation_by_a_person_counts_as_an_edit(operation, source, editor):
    citation_create(by=editor, source=source, operation=operation, quote=DETAINED)

    operation.refresh_from_db()
    assert (operation.version, operation.last_edited_by) == (2, editor)


def test_a_citation_from_the_extractor_is_not_an_edit(operation, source):
    citation_create(by=None, source=source, operation=operation, quote=DETAINED)

    operation.refresh_from_db()
    assert (operation.version, operation.last_edited_by) == (1, None)


def test_removing_a_citation_counts_as_an_edit_and_sends_a_verified_operation_back_to_review(
    operation, reviewer, editor
):
    factories.verify_checked(operation=operation, by=reviewer)
    published = Operation.objects.get(pk=operation.pk).verified_version
    version = Operation.objects.get(pk=operation.pk).version
    citation = operation.citations.get()

    citation_delete(by=editor, citation=citation)

    operation.refresh_from_db()
    assert not Citation.objects.filter(pk=citation.pk).exists()
    assert operation.version == version + 1
    assert operation.last_edited_by == editor
    assert operation.status == Operation.Status.NEEDS_REVIEW
    assert operation.verified_version == published


def test_it_refuses_to_add_a_citation_to_a_rejected_operation(operation, source, reviewer, editor):
    operation_reject(operation=operation, by=reviewer, reason="Duplicate report.")
    citations = Citation.objects.count()

    with pytest.raises(WorkflowError, match="Reopen it before editing it"):
        citation_create(by=editor, source=source, operation=operation, quote=DETAINED)

    assert Citation.objects.count() == citations


def test_it_refuses_to_remove_a_citation_of_a_rejected_operation(operation, reviewer, editor):
    operation_reject(operation=operation, by=reviewer, reason="Duplicate report.")
    citation = operation.citations.get()

    with pytest.raises(WorkflowError, match="Reopen it before editing it"):
        citation_delete(by=editor, citation=citation)

    assert operation.citations.count() == 1
    operation.refresh_from_db()
    assert operation.version == 1
