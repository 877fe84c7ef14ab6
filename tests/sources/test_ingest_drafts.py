"""What ingesting a source drafts: operations in review with their items, detainees and
citations, the extraction run kept with every proposal, and reports of an operation already
recorded turned into citations of it instead of duplicates."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest

from partners.models import PublishedOperation
from seizures.models import CriminalGroup, Operation
from sources.extraction import ExtractedItem, get_extractor
from sources.ingestion import citation_spans, source_from_text, source_ingest
from sources.matching import Event, same_event
from sources.models import Citation, ExtractionRun, OperationProposal, Source
from tests import factories
from tests.sources import fake_extractor
from tests.sources.fake_extractor import drug, proposal

pytestmark = pytest.mark.django_db

PAITA = "On 11 February DIRANDRO officers found 3,082 kilograms of liquid cocaine in a container at Paita Port."
ROUTE = "The shipment was bound for Panama by way of Ecuador."
ARRESTS = "Two Peruvians, two Venezuelans and one other man were arrested."
GROUP = "Investigators blame Los Aceiteros de Paita."
SATIPO = "On 14 February a patrol seized 225 kilograms of cocaine in Satipo province."
REPORT = f"Peru: two seizures in one week.\n\n{PAITA} {ROUTE} {ARRESTS} {GROUP}\n\n{SATIPO} Nobody was arrested.\n"

FEB_11, FEB_14 = datetime.date(2021, 2, 11), datetime.date(2021, 2, 14)


@pytest.fixture(autouse=True)
def fake(settings):
    with fake_extractor.installed(settings) as fake:
        yield fake


def paita(text, **overrides):
    fields = {
        "date": FEB_11,
        "items": [drug(text, "3,082 kilograms", "cocaine", 3082, form="liquid")],
        "place": "Paita Port",
        "admin1": "PE-PIU",
        "agencies": ["DIRANDRO"],
        "detainees": 5,
        "nationalities": {"PE": 2, "VE": 2},
        "destinations": ["PA"],
        "transit": ["EC"],
        "organization": "Los Aceiteros de Paita",
        **overrides,
    }
    # The route sentence is left out: the citations are the runs PAITA, and ARRESTS + GROUP.
    return proposal(text, PAITA, ARRESTS, GROUP, **fields)


def satipo(text, **overrides):
    fields = {"date": FEB_14, "items": [drug(text, "225 kilograms", "cocaine", 225)], "place": "Satipo province"}
    fields["admin1"] = "PE-JUN"
    return proposal(text, SATIPO, **{**fields, **overrides})


def ingest(text=REPORT, **fields):
    fields.setdefault("outlet", "Andean Test Wire")
    fields.setdefault("published", datetime.date(2021, 3, 1))
    return source_ingest(by=None, source=source_from_text(text, **fields))


# --- The drafts -----------------------------------------------------------------------------


def test_each_extracted_operation_becomes_a_machine_draft_in_review(fake):
    fake.script = lambda text: [paita(text), satipo(text)]

    result = ingest()

    drafts = list(Operation.objects.order_by("date_start"))
    assert [(op.date_start, op.place) for op in drafts] == [(FEB_11, "Paita Port"), (FEB_14, "Satipo province")]
    for op in drafts:
        assert op.status == Operation.Status.NEEDS_REVIEW
        assert (op.created_by, op.last_edited_by, op.version) == (None, None, 1)
        assert op.newest_source_date == datetime.date(2021, 3, 1)
    assert {p.operation for p in result.run.proposals.all()} == set(drafts)


def test_a_draft_gets_its_place_agencies_route_and_group(fake):
    fake.script = lambda text: [paita(text)]

    ingest()

    op = Operation.objects.get()
    assert (op.country_id, op.subdivision_id, op.date_end) == ("PE", "PE-PIU", FEB_11)
    assert list(op.agencies.values_list("code", flat=True)) == ["DIRANDRO"]
    assert list(op.destinations.values_list("code", flat=True)) == ["PA"]
    assert list(op.transit.values_list("code", flat=True)) == ["EC"]
    assert op.criminal_group.name == "Los Aceiteros de Paita"


def test_a_draft_gets_its_evidence_items(fake):
    fake.script = lambda text: [paita(text)]

    ingest()

    item = Operation.objects.get().evidence_items.get()
    assert (item.category, item.drug_type, item.form, item.unit) == ("drug", "cocaine", "liquid", "kg")
    assert (item.quantity, item.quantity_kg) == (Decimal("3082"), Decimal("3082"))


def test_a_draft_gets_one_detainee_row_per_person(fake):
    fake.script = lambda text: [paita(text)]

    ingest()

    nationalities = Counter(Operation.objects.get().detainees.values_list("nationality", flat=True))
    # Two Peruvians, two Venezuelans and one whose nationality the report does not give.
    assert nationalities == {"PE": 2, "VE": 2, None: 1}


def test_counts_by_nationality_larger_than_the_total_still_give_one_row_each(fake):
    fake.script = lambda text: [paita(text, detainees=1, nationalities={"PE": 2, "CO": 1})]

    ingest()

    assert sorted(Operation.objects.get().detainees.values_list("nationality", flat=True)) == ["CO", "PE", "PE"]


def test_an_unknown_nationality_is_counted_without_one_and_the_run_says_so(fake):
    fake.script = lambda text: [paita(text, detainees=2, nationalities={"ZZ": 2})]

    result = ingest()

    op = Operation.objects.get()
    assert op.detainees.count() == 2
    assert op.detainees.filter(nationality__isnull=True).count() == 2
    assert "Unknown nationality ZZ" in result.run.proposals.get().note


def test_each_run_of_adjacent_sentences_becomes_one_citation_quoting_the_source_exactly(fake):
    fake.script = lambda text: [paita(text)]

    result = ingest()

    citations = list(Operation.objects.get().citations.order_by("start"))
    assert [c.quote for c in citations] == [PAITA, f"{ARRESTS} {GROUP}"]
    for citation in citations:
        assert result.source.text[citation.start : citation.end] == citation.quote
        assert (citation.source, citation.created_by) == (result.source, None)


def test_citation_spans_are_trimmed_and_merged_across_line_breaks():
    text = "First sentence.\n  Second one.  \n\nThird, after a blank line.   Not cited. Fourth."
    op = proposal(text, "First sentence.\n  ", "Second one.", "Third, after a blank line.", "Fourth.", date=FEB_11)

    spans = citation_spans(text, op)

    assert [text[s:e] for s, e in spans] == [
        "First sentence.\n  Second one.  \n\nThird, after a blank line.",
        "Fourth.",
    ]


def test_the_extraction_run_is_kept_with_the_extractors_output_and_each_proposal(fake):
    fake.script = lambda text: [paita(text), satipo(text)]

    result = ingest()

    run = ExtractionRun.objects.get()
    assert run == result.run and run.source == result.source
    assert (run.extractor, run.version) == ("fake", "1.0")
    assert run.duration >= datetime.timedelta(0)
    expected = fake.script(REPORT)
    assert [op["date_start"]["value"] for op in run.output["operations"]] == ["2021-02-11", "2021-02-14"]
    assert run.output["operations"][0]["items"][0]["quantity_kg"] == "3082"
    proposals = list(run.proposals.all())
    assert [(p.index, p.outcome) for p in proposals] == [(0, "created"), (1, "created")]
    # Each operation's own proposal: its values with the spans they were read from.
    first = proposals[0].data
    assert first == run.output["operations"][0]
    place = REPORT.index("Paita Port")
    assert first["place"] == {
        "value": "Paita Port",
        "start": place,
        "end": place + len("Paita Port"),
        "confidence": 0.9,
    }
    assert first["sentences"] == [list(span) for span in expected[0].sentences]
    assert proposals[0].operation.place == "Paita Port"


def test_a_source_with_no_operation_is_kept_with_its_empty_run(fake):
    result = ingest("The ministry published its yearly figures today.")

    assert Source.objects.count() == 1 and Operation.objects.count() == 0
    assert result.run.output["operations"] == [] and result.run.proposals.count() == 0


# --- What cannot be recorded ----------------------------------------------------------------


def test_an_operation_in_an_unknown_country_is_skipped_and_the_run_says_so(fake):
    fake.script = lambda text: [paita(text, country="XX"), satipo(text)]

    result = ingest()

    assert list(Operation.objects.values_list("place", flat=True)) == ["Satipo province"]
    skipped = result.run.proposals.get(index=0)
    assert (skipped.outcome, skipped.operation) == ("skipped", None)
    assert "Country XX is not a known ISO 3166-1 country" in skipped.note
    assert skipped.data["country"]["value"] == "XX"


@pytest.mark.parametrize(
    ("country", "admin1"),
    # In another country; not a subdivision at all; a province under a Spanish autonomous community.
    [("PE", "CO-ANT"), ("PE", "PE-XXX"), ("ES", "ES-A")],
)
def test_a_subdivision_is_set_only_if_it_is_top_level_in_that_country(fake, country, admin1):
    fake.script = lambda text: [paita(text, country=country, admin1=admin1)]

    result = ingest()

    op = Operation.objects.get()
    assert (op.country_id, op.subdivision) == (country, None)
    assert f"{admin1} is not a top-level subdivision of {country}" in result.run.proposals.get().note


def test_a_top_level_subdivision_is_set(fake):
    fake.script = lambda text: [paita(text, country="ES", admin1="es-vc")]

    ingest()

    assert Operation.objects.get().subdivision_id == "ES-VC"


def test_unknown_agencies_and_countries_are_left_out_and_noted(fake):
    fake.script = lambda text: [paita(text, agencies=["DIRANDRO", "NOPE"], destinations=["PA", "QQ"])]

    result = ingest()

    op = Operation.objects.get()
    assert list(op.agencies.values_list("code", flat=True)) == ["DIRANDRO"]
    assert list(op.destinations.values_list("code", flat=True)) == ["PA"]
    note = result.run.proposals.get().note
    assert "Unknown agency NOPE" in note and "Unknown destination QQ" in note


def test_an_invalid_item_is_left_out_and_noted_while_the_others_are_kept(fake):
    def script(text):
        start, end = text.index("container"), text.index("container") + len("container")
        no_drug_type = ExtractedItem(category="drug", start=start, end=end, confidence=0.5)
        return [paita(text, items=[drug(text, "3,082 kilograms", "cocaine", 3082), no_drug_type])]

    fake.script = script

    result = ingest()

    assert Operation.objects.get().evidence_items.count() == 1
    assert "Item 2 left out: drug_type: Choose the drug type" in result.run.proposals.get().note


def test_a_weight_in_pounds_is_rounded_to_what_the_field_keeps(fake):
    def script(text):
        item = drug(text, "225 kilograms", "cocaine", 225)
        item.quantity_kg = Decimal("225") * Decimal("0.45359237")  # eight decimals
        item.unit, item.quantity = "lb", item.quantity
        return [satipo(text, items=[item])]

    fake.script = script

    ingest()

    assert Operation.objects.get().evidence_items.get().quantity_kg == Decimal("102.058283")


# --- Criminal groups ------------------------------------------------------------------------


def test_a_known_group_is_found_by_name_ignoring_case(fake):
    known = factories.CriminalGroupFactory(name="LOS ACEITEROS DE PAITA")
    fake.script = lambda text: [paita(text)]

    ingest()

    assert Operation.objects.get().criminal_group == known
    assert CriminalGroup.objects.count() == 1


def test_a_known_group_is_found_by_alias_ignoring_case(fake):
    known = factories.CriminalGroupFactory(name="Aceiteros", aliases=["los aceiteros de paita"])
    fake.script = lambda text: [paita(text)]

    ingest()

    assert Operation.objects.get().criminal_group == known
    assert CriminalGroup.objects.count() == 1


# --- The same operation reported again ------------------------------------------------------

BASE = Event(country="PE", date_start=FEB_11, date_end=FEB_11, place="Paita Port", drugs=(("cocaine", Decimal(3082)),))


@pytest.mark.parametrize(
    ("other", "same"),
    [
        ({}, True),
        ({"date_start": FEB_14, "date_end": FEB_14, "place": ""}, True),  # three days later, same weight
        ({"date_start": datetime.date(2021, 2, 15), "date_end": datetime.date(2021, 2, 15)}, False),  # four days
        ({"drugs": (("cocaine", Decimal("3140")),), "place": ""}, True),  # 1.9% apart
        ({"drugs": (("cocaine", Decimal("3150")),), "place": ""}, False),  # 2.2% apart
        ({"drugs": (("cannabis", Decimal("3082")),), "place": ""}, False),  # another drug
        ({"country": "EC"}, False),
        ({"drugs": (), "place": "PAITA PORT"}, True),  # same place, same day, no weight
        ({"drugs": (), "date_start": datetime.date(2021, 2, 12), "date_end": datetime.date(2021, 2, 12)}, False),
        ({"drugs": (), "place": "Callao"}, False),
        # A range reported as its last day is within the window of its first.
        ({"date_start": datetime.date(2021, 2, 8), "date_end": datetime.date(2021, 2, 9), "place": ""}, True),
    ],
)
def test_the_matching_rule(other, same):
    fields = {**BASE.__dict__, **other}
    assert same_event(BASE, Event(**fields)) is same
    assert same_event(Event(**fields), BASE) is same


def test_a_report_of_an_operation_already_recorded_becomes_another_citation_of_it(fake):
    fake.script = lambda text: [paita(text)]
    first = ingest(outlet="Andean Test Wire")
    original = Operation.objects.get()
    second_text = (
        "Police say the 3,100 kilograms of liquid cocaine found in Paita on 12 February were headed to Panama."
    )
    fake.script = lambda text: [
        proposal(text, text, date=datetime.date(2021, 2, 12), items=[drug(text, "3,100 kilograms", "cocaine", 3100)])
    ]

    second = ingest(second_text, outlet="Pacific Test Wire", title="Paita follow-up")

    assert Operation.objects.get() == original
    cited = original.citations.get(source=second.source)
    assert (cited.quote, cited.created_by) == (second_text, None)
    assert original.citations.filter(source=first.source).count() == 2
    matched = second.run.proposals.get()
    assert (matched.outcome, matched.operation) == ("cited", original)
    original.refresh_from_db()
    assert (original.last_edited_by, original.version) == (None, 1)


def test_a_report_matching_an_operation_a_person_entered_cites_it_without_editing_it(fake, editor):
    entered = factories.OperationFactory(place="Paita Port", date_start=FEB_11, last_edited_by=editor)
    factories.EvidenceItemFactory(operation=entered, quantity=Decimal("3082"), quantity_kg=Decimal("3082"))
    fake.script = lambda text: [paita(text, place="Paita port", items=[])]

    result = ingest()

    assert Operation.objects.count() == 1
    assert Citation.objects.filter(operation=entered, source=result.source).count() == 2
    entered.refresh_from_db()
    assert (entered.last_edited_by, entered.place, entered.version) == (editor, "Paita Port", 1)


def test_a_report_matching_a_verified_operation_sends_it_back_to_review_and_partners_keep_the_verified_one(
    fake, reviewer
):
    verified = factories.cited_operation(date_start=FEB_11)
    factories.verify_checked(operation=verified, by=reviewer)
    published = Operation.objects.get(pk=verified.pk).verified_version
    version = Operation.objects.get(pk=verified.pk).version
    fake.script = lambda text: [paita(text, items=[drug(text, "3,082 kilograms", "cocaine", 120)])]

    result = ingest()

    verified.refresh_from_db()
    assert Operation.objects.count() == 1
    assert verified.citations.filter(source=result.source).exists()
    # A new source is new evidence: a person looks again before it is verified again.
    assert verified.status == Operation.Status.NEEDS_REVIEW
    assert verified.version == version + 1
    assert verified.verified_version == published
    assert PublishedOperation.objects.get(operation=verified).version == published.number
    assert list(Operation.objects.new_source_since_verified()) == [verified]
    reason = verified.history.order_by("-history_id").first().history_change_reason
    assert reason == f"new source since verified: #{result.source.pk} ({result.source.outlet})"


def test_a_report_of_another_operation_is_drafted_even_nearby(fake):
    fake.script = lambda text: [paita(text)]
    ingest()
    other = "On 11 February police found 40 kilograms of cannabis in a truck at Paita Port bus station."
    fake.script = lambda text: [
        proposal(text, text, date=FEB_11, place="bus station", items=[drug(text, "40 kilograms", "cannabis", 40)])
    ]

    result = ingest(other)

    assert Operation.objects.count() == 2
    assert result.run.proposals.get().outcome == OperationProposal.Outcome.CREATED


# --- With the real extractor ----------------------------------------------------------------


def test_the_configured_rule_extractor_drafts_operations_whose_citations_quote_the_source(settings):
    settings.SOURCES_EXTRACTOR = "sources.extraction.rules.RuleExtractor"
    get_extractor.cache_clear()
    text = (
        "Peruvian police seize three tonnes of cocaine in Paita\n\n"
        "On February 11, officers of the anti-drug directorate DIRANDRO found 3,082 kilograms of liquid "
        "cocaine hidden in palm oil bottles in a container at Paita Port, in the Piura region. The shipment "
        "was bound for Panama. Two Peruvians and two Venezuelans were arrested."
    )
    try:
        result = ingest(text, published=datetime.date(2021, 2, 12), language="en")
    finally:
        get_extractor.cache_clear()

    assert result.run.extractor == "rules"
    drafts = list(Operation.objects.all())
    assert drafts, result.run.output
    for draft in drafts:
        assert (draft.status, draft.last_edited_by) == (Operation.Status.NEEDS_REVIEW, None)
        assert draft.citations.exists()
        for citation in draft.citations.all():
            assert text[citation.start : citation.end] == citation.quote
    assert Operation.objects.filter(country="PE", evidence_items__quantity_kg=Decimal("3082")).exists()
