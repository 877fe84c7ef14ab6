"""Every change leaves a django-simple-history row saying who did what, and why."""

from decimal import Decimal

import pytest

from seizures.models import Detainee, EvidenceItem, Operation
from seizures.services import (
    operation_create,
    operation_reject,
    operation_reopen,
    operation_submit,
    operation_touch,
    operation_update,
    operation_verify,
)
from sources.models import Citation
from sources.services import citation_create, citation_delete
from tests import factories

pytestmark = pytest.mark.django_db


def newest(operation: Operation):
    return operation.history.order_by("-history_id").first()


def changes(record) -> dict:
    """{field: (old, new)} between a history row and the one before it."""
    delta = record.diff_against(record.prev_record)
    return {change.field: (change.old, change.new) for change in delta.changes}


def test_verifying_records_the_reviewer_the_version_and_the_status_change(operation, reviewer):
    factories.check(operation)
    rows_before = operation.history.count()

    operation_verify(operation=operation, by=reviewer)

    assert operation.history.count() == rows_before + 1
    record = newest(operation)
    assert record.history_user == reviewer
    assert record.history_change_reason == "verified (version 1)"
    assert (record.prev_record.status, record.status) == ("needs_review", "verified")


def test_the_admin_history_page_shows_workflow_changes_with_old_and_new_values(client, operation, reviewer):
    # simple-history's own diff skips non-editable fields such as status; the operation's
    # history page must still show them.
    operation_reject(operation=operation, by=reviewer, reason="A monthly total.")
    client.force_login(reviewer)

    response = client.get(f"/admin/seizures/operation/{operation.pk}/history/")

    assert response.status_code == 200
    record = response.context["page_obj"].object_list[0]
    changed = {str(change["field"]).lower(): change for change in record.history_delta_changes}
    assert (changed["status"]["old"], changed["status"]["new"]) == ("Needs review", "Rejected")
    assert changed["rejection reason"]["new"] == "A monthly total."
    assert "rejected: A monthly total." in response.content.decode()
    # An empty reference reads as a dash, not as a deleted record.
    assert "pk=None" not in response.content.decode()


def test_rejecting_records_the_reason(operation, reviewer):
    operation_reject(operation=operation, by=reviewer, reason="An annual total, not one seizure.")

    record = newest(operation)
    assert record.history_user == reviewer
    assert record.history_change_reason == "rejected: An annual total, not one seizure."
    assert (record.prev_record.status, record.status) == ("needs_review", "rejected")
    assert (record.prev_record.rejection_reason, record.rejection_reason) == ("", "An annual total, not one seizure.")


def test_an_edit_records_the_old_and_new_values(operation, editor):
    copy = Operation.objects.get(pk=operation.pk)
    copy.place = "Paita, Piura"

    operation_update(operation=copy, by=editor)

    record = newest(operation)
    assert record.history_user == editor
    assert record.history_change_reason == "edited"
    assert changes(record)["place"] == ("Paita Port", "Paita, Piura")


def test_editing_a_verified_operation_says_it_went_back_to_review(operation, reviewer, editor):
    factories.verify_checked(operation=operation, by=reviewer)

    operation_update(operation=Operation.objects.get(pk=operation.pk), by=editor, reason="corrected the place")

    record = newest(operation)
    assert record.history_user == editor
    assert record.history_change_reason == (
        "corrected the place; back to review (the verified version stays published)"
    )
    assert (record.prev_record.status, record.status) == ("verified", "needs_review")


def test_the_whole_workflow_is_recorded_in_order(reviewer, second_reviewer, editor):
    operation = operation_create(by=editor, operation=factories.OperationFactory.build())
    factories.CitationFactory(operation=operation)
    operation_submit(operation=operation, by=editor)
    factories.verify_checked(operation=operation, by=reviewer)
    operation_reopen(operation=operation, by=second_reviewer, reason="figure corrected by the police")
    operation_touch(operation=operation, by=editor, reason="evidence item changed")
    operation_reject(operation=operation, by=reviewer, reason="Duplicate.")

    rows = list(operation.history.order_by("history_id"))
    assert [(r.history_change_reason, r.history_user, r.status) for r in rows] == [
        ("created", editor, "draft"),
        ("submitted for review", editor, "needs_review"),
        ("verified (version 1)", reviewer, "verified"),
        ("reopened: figure corrected by the police", second_reviewer, "needs_review"),
        ("evidence item changed", editor, "needs_review"),
        ("rejected: Duplicate.", reviewer, "rejected"),
    ]


def test_evidence_items_and_detainees_have_history(operation):
    item = operation.evidence_items.get()
    detainee = factories.DetaineeFactory(operation=operation)
    detainee_pk = detainee.pk
    item.quantity = Decimal("121")
    item.save()
    detainee.delete()

    items = EvidenceItem.history.filter(operation_id=operation.pk).order_by("history_id")
    assert [(r.id, r.history_type) for r in items] == [(item.pk, "+"), (item.pk, "~")]
    assert changes(items.last())["quantity"][1] == Decimal("121")
    detainees = Detainee.history.filter(operation_id=operation.pk).order_by("history_id")
    assert [(r.id, r.history_type) for r in detainees] == [(detainee_pk, "+"), (detainee_pk, "-")]


def test_citations_record_who_added_and_removed_them(operation, editor):
    source = factories.SourceFactory()
    citation = citation_create(by=editor, source=source, operation=operation, quote="Two men were detained.")
    citation_delete(by=editor, citation=Citation.objects.get(pk=citation.pk))

    rows = Citation.history.filter(operation_id=operation.pk, id=citation.pk).order_by("history_id")
    assert [(r.history_type, r.history_user, r.quote) for r in rows] == [
        ("+", editor, "Two men were detained."),
        ("-", editor, "Two men were detained."),
    ]
    reasons = list(operation.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["citation added", "citation removed"]
