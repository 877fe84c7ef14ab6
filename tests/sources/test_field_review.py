"""Field-level review: the machine's proposal beside the record, and the reviewer's answers."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from seizures.models import Operation
from seizures.services import VerifyRefused, WorkflowError, four_eyes_blocks, operation_update, operation_verify
from sources.ingestion import source_extract, source_from_text, source_ingest
from sources.models import FieldDecision
from sources.review import field_accept_all, field_decide, field_reviews, review_progress
from tests.factories import OperationProposalFactory, SourceFactory, proposal_data
from tests.seizures.test_admin_forms import form_data
from tests.sources import fake_extractor
from tests.sources.fake_extractor import at, drug, proposal

pytestmark = pytest.mark.django_db

PAITA = "On 11 February DIRANDRO officers found 3,082 kilograms of cocaine at Paita Port, bound for Panama."
ARRESTS = "Two Peruvians and two Venezuelans were arrested."
TEXT = f"{PAITA} {ARRESTS}"
FEB_11 = datetime.date(2021, 2, 11)
Decision = FieldDecision.Decision


def paita(text, *, kg=3082, place="Paita Port", agencies=("DIRANDRO",)):
    return [
        proposal(
            text,
            PAITA if PAITA in text else text.split(".")[0] + ".",
            date=FEB_11,
            place=place,
            agencies=agencies,
            destinations=["PA"],
            nationalities={"PE": 2, "VE": 2},
            items=[
                drug(
                    text,
                    next(p for p in ("3,082 kilograms", "half a ton", "1,200 kilograms") if p in text),
                    "cocaine",
                    kg,
                )
            ],
        )
    ]


@pytest.fixture
def fake(settings):
    with fake_extractor.installed(settings) as extractor:
        extractor.script = paita
        yield extractor


@pytest.fixture
def drafted(fake):
    """An untouched machine draft of the Paita seizure, and its source."""
    result = source_ingest(by=None, source=source_from_text(TEXT, outlet="Diario", published=FEB_11))
    return Operation.objects.get(proposals__run=result.run), result.source


def rows_by_key(operation):
    return {row.key: row for row in field_reviews(operation)}


def change_url(operation):
    return reverse("admin:seizures_operation_change", args=[operation.pk])


def field_url(operation, key, decision):
    return reverse("admin:seizures_operation_field", args=[operation.pk, key, decision])


# --- What the page shows ---------------------------------------------------------------------


def test_every_proposed_field_is_listed_with_its_value_confidence_and_words(drafted):
    operation, source = drafted
    rows = rows_by_key(operation)

    assert list(rows) == [
        "date_start",
        "date_end",
        "country",
        "place",
        "agencies",
        "destinations",
        "detainees",
        "item-1",
    ]
    place = rows["place"].voices[0]
    assert (place.value, place.display, place.percent, place.on_record) == ("Paita Port", "Paita Port", 90, True)
    assert source.text[slice(*place.spans[0])] == "Paita Port"
    assert rows["detainees"].voices[0].display == "4: 2 PE, 2 VE"
    assert rows["item-1"].voices[0].display == "Cocaine 3082 kg"
    assert rows["country"].voices[0].display == "Peru (PE)"
    assert all(row.state == "undecided" for row in rows.values())
    assert review_progress(list(rows.values())) == (0, 8)


def test_the_page_links_each_highlighted_value_to_its_field_and_back(drafted, reviewer_client):
    operation, source = drafted
    html = reviewer_client.get(change_url(operation)).content.decode()

    # In the source text: the place's words link to its row, and carry the id the row links back to.
    assert re.search(
        rf'<span class="span-anchor" id="span-{source.pk}-place"></span>'
        r'<a class="field-span" href="#field-place" data-fields="place [^"]*" [^>]*>Paita Port</a>',
        html,
    )
    assert f'id="span-{source.pk}-destinations"' in html  # every field has its way back
    assert f'href="#span-{source.pk}-place"' in html
    assert 'id="field-place" data-field="place"' in html
    assert "90%" in html


def test_a_person_entered_operation_has_no_proposal_to_review(operation, reviewer_client):
    assert field_reviews(operation) == []
    assert "Machine proposal" not in reviewer_client.get(change_url(operation)).content.decode()


# --- Check first -----------------------------------------------------------------------------


def unsure_draft():
    """A machine draft of the Paita seizure whose place (40%) and agencies (55%) the extractor
    was unsure of, and its source."""
    source = SourceFactory(text=TEXT, outlet="Diario", published=FEB_11)
    extracted = proposal(TEXT, PAITA, date=FEB_11, place="Paita Port", agencies=["DIRANDRO"])
    extracted.place = at(TEXT, "Paita Port", "Paita Port", confidence=0.4)
    extracted.agencies = [at(TEXT, "DIRANDRO", "DIRANDRO", confidence=0.55)]
    return OperationProposalFactory(run__source=source, data=proposal_data(extracted)).operation, source


def field_row(html: str, key: str) -> str:
    row = re.search(rf'<tr class="[^"]*" id="field-{key}".*?</tr>', html, re.S)
    assert row, f"no row for {key}"
    return row.group(0)


def test_the_fields_proposed_with_low_confidence_are_marked_check_first_and_listed_least_sure_first(
    reviewer_client,
):
    operation, _ = unsure_draft()

    html = reviewer_client.get(change_url(operation)).content.decode()

    assert "check first</span>" in field_row(html, "place")
    assert "check-first" in field_row(html, "agencies").split(">")[0]
    for sure in ("date_start", "date_end", "country"):
        assert "check first" not in field_row(html, sure)
        assert "check-first" not in field_row(html, sure).split(">")[0]
    listed = re.search(r'<div class="check-first-list".*?</div>', html, re.S)
    assert listed, "no list of the fields to check first"
    assert re.findall(r'href="#field-([\w-]+)"', listed.group(0)) == ["place", "agencies"]
    assert "Place</a> (40% confidence)" in listed.group(0)


def test_a_decided_field_is_no_longer_marked_check_first(reviewer_client, reviewer):
    operation, source = unsure_draft()
    field_decide(operation=operation, key="place", decision=Decision.ACCEPTED, by=reviewer, source_id=source.pk)

    html = reviewer_client.get(change_url(operation)).content.decode()

    assert "check first" not in field_row(html, "place")
    assert "40% (low)" in field_row(html, "place")  # its confidence is still shown for what it is
    assert "check first</span>" in field_row(html, "agencies")


def test_nothing_is_listed_to_check_first_when_the_extractor_was_sure_of_every_field(drafted, reviewer_client):
    operation, _ = drafted

    html = reviewer_client.get(change_url(operation)).content.decode()

    assert "check-first" not in html
    assert "check first" not in html


# --- Accept, reject, edit ------------------------------------------------------------------


def test_accepting_a_value_the_record_holds_is_not_an_edit(drafted, reviewer):
    operation, source = drafted
    version = operation.version

    field_decide(operation=operation, key="place", decision=Decision.ACCEPTED, by=reviewer, source_id=source.pk)

    operation.refresh_from_db()
    assert (operation.version, operation.last_edited_by) == (version, None)
    # It is a check of the value, though: the one who made it is not the second pair of eyes.
    assert four_eyes_blocks(operation=operation, by=reviewer)
    decision = FieldDecision.objects.get(operation=operation, field="place")
    assert (decision.decision, decision.proposed, decision.source, decision.decided_by) == (
        "accepted",
        "Paita Port",
        source,
        reviewer,
    )
    assert rows_by_key(operation)["place"].state == "accepted"


def test_rejecting_a_value_takes_it_off_the_record_as_an_edit(drafted, reviewer):
    operation, _ = drafted

    field_decide(operation=operation, key="destinations", decision=Decision.REJECTED, by=reviewer)
    field_decide(operation=operation, key="item-1", decision=Decision.REJECTED, by=reviewer)
    field_decide(operation=operation, key="detainees", decision=Decision.REJECTED, by=reviewer)

    operation.refresh_from_db()
    assert list(operation.destinations.all()) == []
    assert operation.evidence_items.count() == 0
    assert operation.detainees.count() == 0
    assert operation.last_edited_by == reviewer
    assert four_eyes_blocks(operation=operation, by=reviewer)
    assert operation.history.first().history_change_reason == "rejected the proposed detainees"
    rows = rows_by_key(operation)
    assert rows["destinations"].state == "rejected"
    assert rows["destinations"].record_display == "—"


def test_a_required_field_is_corrected_not_rejected(drafted, reviewer):
    operation, _ = drafted
    with pytest.raises(WorkflowError, match="required"):
        field_decide(operation=operation, key="date_start", decision=Decision.REJECTED, by=reviewer)
    assert not FieldDecision.objects.exists()


def test_accepting_a_proposal_the_record_lost_puts_it_back(drafted, reviewer, second_reviewer):
    operation, _ = drafted
    operation.place = "Somewhere else"
    operation_update(operation=operation, by=second_reviewer)

    field_decide(operation=operation, key="place", decision=Decision.ACCEPTED, by=reviewer)

    operation.refresh_from_db()
    assert (operation.place, operation.last_edited_by) == ("Paita Port", reviewer)


def test_a_decision_on_a_page_that_is_out_of_date_is_refused(drafted, reviewer, second_reviewer):
    operation, _ = drafted
    loaded = operation.version
    operation.place = "Paita"
    operation_update(operation=operation, by=second_reviewer)

    with pytest.raises(WorkflowError, match="while you were editing"):
        field_decide(operation=operation, key="place", decision=Decision.REJECTED, by=reviewer, expected_version=loaded)
    operation.refresh_from_db()
    assert operation.place == "Paita"
    assert not FieldDecision.objects.exists()


def test_accept_all_accepts_what_the_record_holds_and_leaves_the_rest(drafted, reviewer, second_reviewer):
    operation, _ = drafted
    operation.place = "Paita container terminal"
    operation_update(operation=operation, by=second_reviewer)
    version = Operation.objects.get(pk=operation.pk).version

    accepted, left = field_accept_all(operation=operation, by=reviewer)

    assert (accepted, left) == (7, ["Place"])
    operation.refresh_from_db()
    assert (operation.place, operation.version) == ("Paita container terminal", version)
    rows = rows_by_key(operation)
    assert rows["place"].state == "undecided"
    assert {row.state for key, row in rows.items() if key != "place"} == {"accepted"}


def test_a_field_changed_in_the_form_is_recorded_as_edited(drafted, reviewer_client, reviewer):
    operation, source = drafted
    response = reviewer_client.get(change_url(operation))
    data = form_data(response)
    data["place"] = "Paita port terminal"

    response = reviewer_client.post(change_url(operation), data)

    assert response.status_code == 302
    decision = FieldDecision.objects.get(operation=operation, field="place")
    assert (decision.decision, decision.proposed, decision.decided_by) == ("edited", "Paita Port", reviewer)
    assert not FieldDecision.objects.exclude(field="place").exists()


def test_the_admin_buttons_decide_and_return_to_the_field(drafted, reviewer_client):
    operation, source = drafted
    data = {"base_version": operation.version, "source": source.pk}

    response = reviewer_client.post(field_url(operation, "agencies", "reject"), data)

    assert response.status_code == 302
    assert response["Location"].endswith(change_url(operation) + "#field-agencies")
    assert list(operation.agencies.all()) == []
    page = reviewer_client.get(change_url(operation)).content.decode()
    assert "Agencies: rejected." in page

    stale = reviewer_client.post(field_url(operation, "place", "accept"), data, follow=True)
    assert "while you were editing" in stale.content.decode()
    assert not FieldDecision.objects.filter(field="place").exists()

    response = reviewer_client.post(field_url(operation, "all", "accept"), {}, follow=True)
    assert "Accepted 7 fields." in response.content.decode()


def test_the_admin_refuses_bad_decisions(drafted, reviewer_client, client, django_user_model):
    operation, _ = drafted
    assert reviewer_client.get(field_url(operation, "place", "accept")).status_code == 405
    assert reviewer_client.post(field_url(operation, "place", "maybe")).status_code == 404
    unknown = reviewer_client.post(field_url(operation, "public_id", "accept"), follow=True)
    assert "is not a field the extractor proposes" in unknown.content.decode()
    assert reviewer_client.post(field_url(operation, "place", "accept"), {"source": "x"}).status_code == 400
    viewer = django_user_model.objects.create_user("viewer", password="pass", is_staff=True)
    client.force_login(viewer)
    assert client.post(field_url(operation, "place", "accept")).status_code == 403
    assert not FieldDecision.objects.exists()


def test_fields_of_a_rejected_operation_are_settled(drafted, reviewer):
    from seizures.services import operation_reject

    operation, _ = drafted
    operation_reject(operation=operation, by=reviewer, reason="a monthly total")
    with pytest.raises(WorkflowError, match="rejected"):
        field_decide(operation=operation, key="place", decision=Decision.ACCEPTED, by=reviewer)


# --- Re-extraction and disagreeing sources -------------------------------------------------


def test_re_extraction_shows_changed_and_obsolete_proposals_without_touching_decisions(drafted, fake, reviewer):
    operation, source = drafted
    field_decide(operation=operation, key="place", decision=Decision.ACCEPTED, by=reviewer)
    field_decide(operation=operation, key="agencies", decision=Decision.REJECTED, by=reviewer)
    field_decide(operation=operation, key="item-1", decision=Decision.ACCEPTED, by=reviewer)
    before = list(FieldDecision.objects.order_by("field").values_list("field", "decision", "proposed"))

    # A newer extractor reads the place differently and no longer sees an agency.
    fake.version = "2.0"
    fake.script = lambda text: paita(text, place="Paita", agencies=())
    source_extract(source=source)

    assert list(FieldDecision.objects.order_by("field").values_list("field", "decision", "proposed")) == before
    rows = rows_by_key(operation)
    assert (rows["place"].state, rows["place"].changed_to, rows["place"].decided_display) == (
        "changed",
        "Paita",
        "Paita Port",
    )
    assert rows["agencies"].state == "obsolete"
    assert rows["agencies"].voices == []
    assert rows["item-1"].state == "accepted"
    assert review_progress(list(rows.values())) == (1, 7)


def test_where_sources_disagree_each_value_is_shown_with_its_quote_and_the_reviewer_picks(
    drafted, fake, reviewer, reviewer_client
):
    operation, first = drafted
    other_text = "Police found more than half a ton of cocaine at Paita Port on 11 February."
    fake.script = lambda text: paita(text, kg=520)  # close enough to be matched to the same event
    second = source_ingest(by=None, source=source_from_text(other_text, outlet="Radio Norte")).source
    assert operation.proposals.filter(run__source=second).exists()

    row = rows_by_key(operation)["item-1"]
    assert row.disagree
    assert [(v.source, v.display, v.on_record) for v in row.voices] == [
        (second, "Cocaine 520 kg", False),
        (first, "Cocaine 3082 kg", True),
    ] or [(v.source, v.display, v.on_record) for v in row.voices] == [
        (first, "Cocaine 3082 kg", True),
        (second, "Cocaine 520 kg", False),
    ]
    assert {v.quote for v in row.voices} == {"half a ton", "3,082 kilograms"}
    page = reviewer_client.get(change_url(operation)).content.decode()
    assert "Sources disagree." in page
    assert "Radio Norte:" in page

    item = operation.evidence_items.get()
    field_decide(operation=operation, key="item-1", decision=Decision.ACCEPTED, by=reviewer, source_id=second.pk)

    # The reviewer's pick replaces the other source's value: the same item, corrected.
    corrected = operation.evidence_items.get()
    assert (corrected.pk, f"{corrected.quantity_kg.normalize():f}") == (item.pk, "520")
    decision = FieldDecision.objects.get(field="item-1")
    assert (decision.source, decision.proposed["quantity_kg"]) == (second, "520")
    row = rows_by_key(operation)["item-1"]
    assert [(v.source, v.on_record) for v in row.voices if v.on_record] == [(second, True)]


def test_a_reviewer_who_only_accepted_values_is_still_the_first_pair_of_eyes(drafted, reviewer, second_reviewer):
    operation, _ = drafted
    field_accept_all(operation=operation, by=reviewer)

    with pytest.raises(VerifyRefused, match="another reviewer must verify it"):
        operation_verify(operation=operation, by=reviewer)
    operation_verify(operation=operation, by=second_reviewer)

    operation.refresh_from_db()
    assert operation.status == Operation.Status.VERIFIED


def test_after_a_merge_the_survivor_hears_the_duplicate_s_source_too(drafted, fake, reviewer):
    from seizures.services import operation_merge

    survivor, first = drafted
    other_text = "Police found 1,200 kilograms of cocaine in Paita harbour on 11 February."
    # Another place and another weight: not matched to the first, so a second draft.
    fake.script = lambda text: paita(text, kg=1200, place="Paita harbour")
    second = source_ingest(by=None, source=source_from_text(other_text, outlet="Radio Norte")).source
    duplicate = Operation.objects.get(proposals__run__source=second)
    assert duplicate != survivor

    operation_merge(survivor=survivor, duplicate=duplicate, by=reviewer, reason="same seizure")

    row = rows_by_key(survivor)["item-1"]
    assert row.disagree
    assert {(v.source, v.display) for v in row.voices} == {(first, "Cocaine 3082 kg"), (second, "Cocaine 1200 kg")}
    assert rows_by_key(survivor)["place"].disagree
    assert not rows_by_key(survivor)["country"].disagree


def test_decisions_are_in_the_operation_s_history(drafted, reviewer, reviewer_client):
    operation, _ = drafted
    field_decide(operation=operation, key="place", decision=Decision.ACCEPTED, by=reviewer)

    response = reviewer_client.get(reverse("admin:seizures_operation_history", args=[operation.pk]))

    rows = [row for row in response.context["related_history"] if row["record"].startswith("Field decision")]
    assert len(rows) == 1
    changes = {c["field"]: c["new"] for c in rows[0]["changes"]}
    assert (changes["field"], changes["decision"]) == ("place", "accepted")


def test_a_proposed_value_the_record_cannot_take_is_refused_with_nothing_changed(fake, reviewer):
    from sources.extraction import Extracted, ExtractedItem

    def unitless(text):
        # A number with no unit: ingestion leaves the item out, and says so.
        start = text.index("3,082")
        item = ExtractedItem(
            category="drug",
            start=start,
            end=start + 5,
            confidence=0.4,
            drug_type=Extracted("cocaine", start, start + 5),
            quantity=Extracted(Decimal("3082"), start, start + 5),
        )
        return [proposal(text, PAITA, date=FEB_11, place="Paita Port", items=[item])]

    fake.script = unitless
    operation = Operation.objects.get(proposals__run=source_ingest(by=None, source=source_from_text(TEXT)).run)
    assert operation.evidence_items.count() == 0
    version = operation.version

    with pytest.raises(WorkflowError, match="cannot be taken: Give the unit"):
        field_decide(operation=operation, key="item-1", decision=Decision.ACCEPTED, by=reviewer)

    operation.refresh_from_db()
    assert (operation.evidence_items.count(), operation.version, operation.last_edited_by) == (0, version, None)
    assert not FieldDecision.objects.exists()


def test_the_page_shows_sources_in_the_order_they_were_first_cited(fake, reviewer_client):
    first = source_ingest(by=None, source=source_from_text(f"From our correspondent in Piura. {TEXT}")).source
    operation = Operation.objects.get(citations__source=first)
    # The second report is cited from its first character, before the first's quote starts.
    other_text = "More than half a ton of cocaine was found at Paita Port on 11 February."
    fake.script = lambda text: paita(text, kg=520)
    second = source_ingest(by=None, source=source_from_text(other_text, outlet="Radio Norte")).source
    assert operation.citations.get(source=second).start < operation.citations.get(source=first).start

    panel = reviewer_client.get(change_url(operation)).context["sources_panel"]

    assert [entry["source"] for entry in panel] == [first, second]


def test_picking_one_source_s_agencies_and_detainees_replaces_the_other_s(drafted, fake, reviewer):
    operation, first = drafted
    other_text = "Police found 3,082 kilograms of cocaine at Paita Port on 11 February; three Peruvians were held."
    fake.script = lambda text: [
        proposal(
            text,
            text,
            date=FEB_11,
            place="Paita Port",
            agencies=["PNP"],
            nationalities={"PE": 3},
            items=[drug(text, "3,082 kilograms", "cocaine", 3082)],
        )
    ]
    second = source_ingest(by=None, source=source_from_text(other_text, outlet="Radio Norte")).source
    rows = rows_by_key(operation)
    assert rows["agencies"].disagree and rows["detainees"].disagree and not rows["item-1"].disagree

    field_decide(operation=operation, key="agencies", decision=Decision.ACCEPTED, by=reviewer, source_id=second.pk)
    field_decide(operation=operation, key="detainees", decision=Decision.ACCEPTED, by=reviewer, source_id=second.pk)

    assert list(operation.agencies.values_list("code", flat=True)) == ["PNP"]
    assert sorted(operation.detainees.values_list("nationality_id", flat=True)) == ["PE", "PE", "PE"]
    rows = rows_by_key(operation)
    assert [v.source for v in rows["agencies"].voices if v.on_record] == [second]
    assert [v.source for v in rows["detainees"].voices if v.on_record] == [second]
