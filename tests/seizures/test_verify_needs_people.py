""" "Verified" means people checked every value: one decides each field the extractor proposed,
another verifies, and the machine is never one of them. Tried on the demo case, the way the
extractor drafts it, through every path that verifies."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db.models import Sum

from partners.models import PublishedOperation
from seizures.models import Operation
from seizures.services import (
    VerifyRefused,
    operation_claim,
    operation_reopen,
    operation_update,
    operation_verify,
    verify_blockers,
)
from sources.ingestion import is_untouched, source_ingest
from sources.models import Source
from sources.review import field_accept_all, field_decide, field_reviews, open_fields
from tests import factories

pytestmark = pytest.mark.django_db
Status = Operation.Status
QUEUE = "/admin/seizures/operation/"

# Another outlet's report of the Paita seizure, close enough in weight to be matched to it at
# ingest, with a weight of its own.
PAITA_AGAIN = (
    "PAITA. Police at Paita Port in the Piura region seized 3,100 kilograms of liquid cocaine on "
    "11 February 2021, hidden in bottles of palm oil bound for Panama. Four people were arrested."
)
PAITA_SAME = (
    "PIURA. On 11 February 2021 agents of DIRANDRO found 3,082 kilograms of liquid cocaine in palm oil "
    "bottles at Paita Port, bound for Panama."
)


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())
    users = {user.username: user for user in get_user_model().objects.all()}
    users["third"] = factories.reviewer(username="third")
    return users


def at(place: str) -> Operation:
    return Operation.objects.get(place=place)


def keep_the_record(operation: Operation, *, by) -> None:
    """Settle every open field, keeping the value the record holds."""
    for row in field_reviews(operation):
        if row.is_open:
            kept = next(voice for voice in row.voices if voice.on_record)
            field_decide(operation=operation, key=row.key, decision="accepted", source_id=kept.source.pk, by=by)


def ingest(text: str, outlet: str) -> Source:
    return source_ingest(by=None, source=Source(text=text, outlet=outlet, title=outlet, language="en")).source


# --- Refused -----------------------------------------------------------------------------------


def test_an_untouched_machine_draft_is_refused_and_told_every_field_still_open(demo):
    paita = at("Paita Port")

    with pytest.raises(VerifyRefused) as refused:
        operation_verify(operation=paita, by=demo["reviewer"])

    message = str(refused.value)
    assert "Start date (not decided)" in message and "Country (not decided)" in message
    assert "Item 1 (not decided)" in message
    assert "No person has decided or edited its values yet" in message
    paita.refresh_from_db()
    assert paita.status == Status.NEEDS_REVIEW and paita.verified_version is None
    assert not PublishedOperation.objects.exists()


def test_the_reviewer_who_decided_the_fields_may_not_verify_them(demo):
    paita = at("Paita Port")
    accepted, left = field_accept_all(operation=paita, by=demo["reviewer"])
    assert accepted > 5 and left == []

    with pytest.raises(VerifyRefused, match="You decided or edited its values"):
        operation_verify(operation=paita, by=demo["reviewer"])

    verified = operation_verify(operation=paita, by=demo["reviewer2"])
    assert verified.status == Status.VERIFIED
    assert PublishedOperation.objects.filter(operation=paita).exists()


def test_everyone_who_decided_or_edited_since_the_last_verification_is_excluded(demo):
    paita = at("Paita Port")
    field_accept_all(operation=paita, by=demo["reviewer"])
    paita.summary = "Liquid cocaine mixed into palm oil."
    operation_update(operation=paita, by=demo["reviewer2"])

    for person in ("reviewer", "reviewer2"):
        with pytest.raises(VerifyRefused, match="four-eyes"):
            operation_verify(operation=paita, by=demo[person])
    assert operation_verify(operation=paita, by=demo["third"]).status == Status.VERIFIED


def test_with_four_eyes_relaxed_one_person_still_decides_every_field_before_verifying(demo, settings):
    settings.SEIZURES_FOUR_EYES = False
    paita = at("Paita Port")
    with pytest.raises(VerifyRefused, match=r"still open: Start date \(not decided\)"):
        operation_verify(operation=paita, by=demo["reviewer"])

    field_accept_all(operation=paita, by=demo["reviewer"])
    assert operation_verify(operation=paita, by=demo["reviewer"]).status == Status.VERIFIED


def test_sources_that_disagree_are_settled_by_a_person_before_verifying(demo):
    callao = at("Callao")  # a second outlet gives 520 kg where the first says 517
    accepted, left = field_accept_all(operation=callao, by=demo["reviewer"])
    assert "Item 1" in left

    with pytest.raises(VerifyRefused, match=r"Item 1 \(sources disagree: pick one\)"):
        operation_verify(operation=callao, by=demo["reviewer2"])

    keep_the_record(callao, by=demo["reviewer"])
    assert open_fields(callao) == []
    assert operation_verify(operation=callao, by=demo["reviewer2"]).status == Status.VERIFIED


def test_a_decision_taken_before_another_source_disagreed_is_open_again(demo):
    paita = at("Paita Port")
    field_accept_all(operation=paita, by=demo["reviewer"])
    assert open_fields(paita) == []

    ingest(PAITA_AGAIN, "Harbour Bulletin")  # matched at ingest: 3,100 kg against 3,082

    rows = {row.key: row for row in field_reviews(paita)}
    assert rows["item-1"].disagree and rows["item-1"].state == "disputed"
    with pytest.raises(VerifyRefused, match=r"Item 1 \(sources disagree: pick one\)"):
        operation_verify(operation=paita, by=demo["reviewer2"])
    keep_the_record(paita, by=demo["reviewer"])
    assert operation_verify(operation=paita, by=demo["reviewer2"]).status == Status.VERIFIED


def test_reopened_without_changes_it_is_verified_by_someone_other_than_who_checked_it(demo):
    paita = at("Paita Port")
    field_accept_all(operation=paita, by=demo["reviewer"])
    operation_verify(operation=paita, by=demo["reviewer2"])
    operation_reopen(operation=paita, by=demo["reviewer2"], reason="check the date")

    with pytest.raises(VerifyRefused, match="You decided or edited"):
        operation_verify(operation=paita, by=demo["reviewer"])
    assert operation_verify(operation=paita, by=demo["reviewer2"]).verified_version.number == 2


def test_a_decided_draft_is_never_rewritten_by_the_extractor(demo):
    paita = at("Paita Port")
    assert is_untouched(paita)
    field_accept_all(operation=paita, by=demo["reviewer"])  # edits nothing: no editor recorded
    paita.refresh_from_db()
    assert paita.last_edited_by is None
    assert not is_untouched(paita)


# --- A new source at ingest ----------------------------------------------------------------------


def test_a_new_source_of_a_verified_operation_sends_it_back_to_review_and_partners_keep_it(demo):
    paita = at("Paita Port")
    field_accept_all(operation=paita, by=demo["reviewer"])
    operation_verify(operation=paita, by=demo["reviewer2"])
    published = PublishedOperation.objects.get(operation=paita)

    ingest(PAITA_SAME, "Coast Radio")

    paita.refresh_from_db()
    assert paita.status == Status.NEEDS_REVIEW
    assert paita.verified_version.number == 1  # partners keep what was verified
    assert PublishedOperation.objects.get(operation=paita).document == published.document
    assert list(Operation.objects.new_source_since_verified()) == [paita]
    assert paita.history.first().history_change_reason.startswith("new source since verified")
    assert paita.last_edited_by is None  # the extractor edited nothing a person must answer for
    # The new report agrees, so nothing is open; the reviewer who checked it may still not verify.
    assert open_fields(paita) == []
    with pytest.raises(VerifyRefused, match="You decided or edited"):
        operation_verify(operation=paita, by=demo["reviewer"])
    verified = operation_verify(operation=paita, by=demo["reviewer2"])
    assert "Coast Radio" in {c["outlet"] for c in verified.verified_version.data["citations"]}
    assert not Operation.objects.new_source_since_verified().exists()


def test_the_inbox_counts_operations_with_a_new_source_since_verified(client, demo):
    paita = at("Paita Port")
    field_accept_all(operation=paita, by=demo["reviewer"])
    operation_verify(operation=paita, by=demo["reviewer2"])
    ingest(PAITA_SAME, "Coast Radio")
    client.force_login(demo["reviewer2"])

    index = client.get("/admin/").content.decode()
    assert "New source since verified: <strong>1</strong>" in index
    queue = client.get(QUEUE, {"inbox": "new_source"}).content.decode()
    assert f"{QUEUE}{paita.pk}/change/" in queue
    assert f"{QUEUE}{at('Callao').pk}/change/" not in queue


# --- The bulk action -----------------------------------------------------------------------------


def bulk(client, ids, **extra):
    return client.post(QUEUE, {"action": "verify_selected", "index": "0", "_selected_action": ids, **extra})


def test_the_bulk_action_lists_each_operation_and_why_it_cannot_be_verified(client, demo):
    paita = at("Paita Port")
    field_accept_all(operation=paita, by=demo["reviewer"])
    ids = list(Operation.objects.values_list("pk", flat=True))
    client.force_login(demo["reviewer2"])

    page = bulk(client, ids)

    assert page.status_code == 200
    assert [op.pk for op in page.context["ready"]] == [paita.pk]
    assert page.context["refused_count"] == 4
    html = page.content.decode()
    assert "Start date (not decided)" in html
    assert 'value="Verify 1 operation (not the 4 refused)"' in html
    assert not Operation.objects.filter(status=Status.VERIFIED).exists()  # nothing until confirmed

    done = bulk(client, [paita.pk], post="yes", refused="4")

    assert done.status_code == 302
    assert list(Operation.objects.filter(status=Status.VERIFIED)) == [paita]
    texts = [str(m) for m in get_messages(done.wsgi_request)]
    assert "1 operation(s) verified." in texts
    assert any("4 other selected operation(s) were not verified" in t for t in texts)


def test_a_confirmation_posted_for_undecided_drafts_still_verifies_none(client, demo):
    ids = list(Operation.objects.values_list("pk", flat=True))
    for name in ("reviewer", "reviewer2"):
        client.force_login(demo[name])
        response = bulk(client, ids, post="yes", confirm="yes")
        assert response.status_code == 302
        texts = [str(m) for m in get_messages(response.wsgi_request)]
        assert "5 operation(s) not verified:" in texts
    assert not Operation.objects.filter(status=Status.VERIFIED).exists()


def test_the_operation_page_says_why_it_cannot_be_verified_yet(client, demo):
    paita = at("Paita Port")
    client.force_login(demo["reviewer"])
    page = client.get(f"{QUEUE}{paita.pk}/change/")
    assert page.context["verify_blockers"]
    assert ("verify", "Verify") not in page.context["transitions"]
    assert "Not ready to verify" in page.content.decode()

    field_accept_all(operation=paita, by=demo["reviewer"])
    client.force_login(demo["reviewer2"])
    page = client.get(f"{QUEUE}{paita.pk}/change/")
    assert page.context["verify_blockers"] == []
    assert ("verify", "Verify") in page.context["transitions"]
    # The button posts to the same service, which checks again.
    assert verify_blockers(operation=paita, by=demo["reviewer"])


# --- The demo's own verification -----------------------------------------------------------------


def test_load_demo_verify_decides_as_one_reviewer_and_verifies_as_another(demo):
    call_command("load_demo", "--verify", stdout=io.StringIO())

    operations = list(Operation.objects.all())
    assert {op.status for op in operations} == {Status.VERIFIED}
    assert {op.verified_version.verified_by.username for op in operations} == {"reviewer2"}
    for operation in operations:
        deciders = set(operation.field_decisions.values_list("decided_by__username", flat=True))
        assert deciders == {"reviewer"}
        assert open_fields(operation) == []
    kg = PublishedOperation.objects.aggregate(kg=Sum("drug_kg"))["kg"]
    assert kg == 4940


# --- Who reviews next --------------------------------------------------------------------------


def test_a_reviewer_who_decided_the_fields_holds_no_one_back_with_their_claim(demo):
    """They may not verify what they decided, so their claim must not keep the record from
    the reviewer who can: it is in the second reviewer's inbox at once, not 30 minutes later."""
    paita = at("Paita Port")
    reviewer, second = demo["reviewer"], demo["reviewer2"]
    assert operation_claim(operation=paita, by=reviewer) == reviewer
    assert paita not in Operation.objects.to_review_by(second)

    field_accept_all(operation=paita, by=reviewer)

    assert paita in Operation.objects.to_review_by(second)
    assert paita not in Operation.objects.to_review_by(reviewer)
    assert paita not in Operation.objects.claimed_by_user(reviewer)
    assert operation_claim(operation=paita, by=reviewer) is None  # no claim for who cannot verify
    assert operation_claim(operation=paita, by=second) == second
    assert operation_claim(operation=paita, by=reviewer) == second
