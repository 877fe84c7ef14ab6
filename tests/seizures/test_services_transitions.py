"""Status transitions of the review workflow: submit, verify, reject and reopen."""

import pytest

from seizures.models import Operation, VerifiedVersion
from seizures.services import (
    ConcurrentEditError,
    WorkflowError,
    operation_reject,
    operation_reopen,
    operation_submit,
    operation_update,
    operation_verify,
)
from tests import factories

pytestmark = pytest.mark.django_db

Status = Operation.Status


def row(operation: Operation) -> dict:
    """Every column of the operation as stored, to show that a refusal changed nothing."""
    return Operation.objects.filter(pk=operation.pk).values().get()


def assert_unchanged(operation: Operation, before: dict) -> None:
    operation.refresh_from_db()
    assert row(operation) == before


@pytest.fixture
def draft(db):
    operation = factories.OperationFactory(status=Status.DRAFT)
    factories.CitationFactory(operation=operation)
    return operation


@pytest.fixture
def verified(operation, reviewer):
    return factories.verify_checked(operation=operation, by=reviewer)


@pytest.fixture
def rejected(operation, reviewer):
    return operation_reject(operation=operation, by=reviewer, reason="An annual total, not one seizure.")


# --- submit ------------------------------------------------------------------------------


def test_it_submits_a_draft_for_review(draft, editor):
    operation_submit(operation=draft, by=editor)

    draft.refresh_from_db()
    assert draft.status == Status.NEEDS_REVIEW
    assert draft.status_changed_by == editor
    assert draft.status_changed_at is not None


@pytest.mark.parametrize("state", ["operation", "verified", "rejected"])
def test_it_refuses_to_submit_anything_but_a_draft(state, request, editor):
    operation = request.getfixturevalue(state)
    before = row(operation)

    with pytest.raises(WorkflowError, match="Only drafts can be submitted for review"):
        operation_submit(operation=operation, by=editor)

    assert_unchanged(operation, before)


# --- verify ------------------------------------------------------------------------------


def test_it_verifies_an_operation_in_review(operation, reviewer):
    factories.verify_checked(operation=operation, by=reviewer)

    operation.refresh_from_db()
    assert operation.status == Status.VERIFIED
    assert operation.status_changed_by == reviewer
    assert operation.verified_version.number == 1
    assert operation.verified_version.verified_by == reviewer


def test_it_refuses_to_verify_values_changed_since_the_reviewer_opened_the_record(operation, reviewer, editor):
    seen = operation.version
    operation.place = "Changed meanwhile"
    operation_update(operation=operation, by=factories.editor(username="ed", first_name="Edna", last_name="Ruiz"))
    with pytest.raises(ConcurrentEditError, match="Edna Ruiz changed this operation after you opened it"):
        factories.verify_checked(operation=Operation.objects.get(pk=operation.pk), by=reviewer, expected_version=seen)
    assert Operation.objects.get(pk=operation.pk).status == Status.NEEDS_REVIEW

    current = Operation.objects.get(pk=operation.pk)
    factories.verify_checked(operation=current, by=reviewer, expected_version=current.version)
    assert Operation.objects.get(pk=operation.pk).verified_version.data["place"] == "Changed meanwhile"


def test_the_verify_button_sends_the_version_the_page_showed(client, operation, reviewer):
    operation = factories.check(operation)
    client.force_login(reviewer)
    page = client.get(f"/admin/seizures/operation/{operation.pk}/change/").content.decode()
    assert f'<input type="hidden" name="base_version" value="{operation.version}">' in page
    operation.place = "Changed meanwhile"
    operation_update(operation=operation, by=factories.editor(username="ed"))
    response = client.post(
        f"/admin/seizures/operation/{operation.pk}/transition/verify/",
        {"base_version": operation.version - 1},
        follow=True,
    )
    assert "changed this operation after you opened it" in response.content.decode()
    assert Operation.objects.get(pk=operation.pk).status == Status.NEEDS_REVIEW


def test_it_refuses_to_verify_without_a_citation(reviewer):
    operation = factories.OperationFactory()
    factories.EvidenceItemFactory(operation=operation)
    before = row(operation)

    with pytest.raises(WorkflowError, match="needs at least one citation"):
        operation_verify(operation=operation, by=reviewer)

    assert_unchanged(operation, before)
    assert not VerifiedVersion.objects.exists()


@pytest.mark.parametrize(
    ("state", "shown_as"), [("draft", "draft"), ("verified", "verified"), ("rejected", "rejected")]
)
def test_it_refuses_to_verify_an_operation_not_in_review(state, shown_as, request, second_reviewer):
    operation = request.getfixturevalue(state)
    versions = VerifiedVersion.objects.count()
    before = row(operation)

    with pytest.raises(
        WorkflowError, match=f"Only operations that need review can be verified; this one is {shown_as}"
    ):
        factories.verify_checked(operation=operation, by=second_reviewer)

    assert_unchanged(operation, before)
    assert VerifiedVersion.objects.count() == versions


def test_it_refuses_to_let_an_editor_verify(operation, editor):
    before = row(operation)

    with pytest.raises(WorkflowError, match="You do not have permission to verify operations"):
        operation_verify(operation=operation, by=editor)

    assert_unchanged(operation, before)
    assert not VerifiedVersion.objects.exists()


def test_it_numbers_verified_versions_one_then_two_after_re_verification(operation, reviewer, second_reviewer):
    factories.verify_checked(operation=operation, by=reviewer)
    operation_reopen(operation=operation, by=reviewer)
    factories.verify_checked(operation=operation, by=second_reviewer)

    operation.refresh_from_db()
    versions = list(operation.verified_versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert [v.verified_by for v in versions] == [reviewer, second_reviewer]
    assert operation.verified_version == versions[1]


def test_the_verified_snapshot_holds_items_detainees_and_citations(operation, reviewer):
    item = operation.evidence_items.get()
    detainee = factories.DetaineeFactory(operation=operation, age=34, role="courier")
    citation = operation.citations.get()

    factories.verify_checked(operation=operation, by=reviewer)

    data = VerifiedVersion.objects.get(operation=operation).data
    assert data["public_id"] == str(operation.public_id)
    assert data["place"] == "Paita Port"
    assert [(i["id"], i["drug_type"], i["quantity"]) for i in data["evidence_items"]] == [(item.pk, "cocaine", "120")]
    assert [(d["id"], d["age"], d["role"], d["nationality"]) for d in data["detainees"]] == [
        (detainee.pk, 34, "courier", "PE")
    ]
    assert [(c["id"], c["quote"], c["start"], c["end"]) for c in data["citations"]] == [
        (citation.pk, citation.quote, citation.start, citation.end)
    ]


# --- reject ------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "operation"])
def test_it_rejects_drafts_and_operations_in_review(state, request, reviewer):
    operation = request.getfixturevalue(state)

    operation_reject(operation=operation, by=reviewer, reason="  Duplicate of another report.  ")

    operation.refresh_from_db()
    assert operation.status == Status.REJECTED
    assert operation.rejection_reason == "Duplicate of another report."
    assert operation.status_changed_by == reviewer


def test_a_long_rejection_reason_is_kept_whole_and_cut_only_in_the_history(operation, reviewer):
    reason = "A monthly total reported by the ministry, not one operation: " + "see the table. " * 20

    operation_reject(operation=operation, by=reviewer, reason=reason)

    operation.refresh_from_db()
    assert operation.rejection_reason == reason.strip()
    logged = operation.history.first().history_change_reason
    assert len(logged) == 100 and logged.startswith("rejected: A monthly total") and logged.endswith("…")


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_it_refuses_to_reject_without_a_reason(reason, operation, reviewer):
    before = row(operation)

    with pytest.raises(WorkflowError, match="Say why the operation is rejected"):
        operation_reject(operation=operation, by=reviewer, reason=reason)

    assert_unchanged(operation, before)


@pytest.mark.parametrize(("state", "shown_as"), [("verified", "verified"), ("rejected", "rejected")])
def test_it_refuses_to_reject_a_verified_or_rejected_operation(state, shown_as, request, second_reviewer):
    operation = request.getfixturevalue(state)
    before = row(operation)

    with pytest.raises(
        WorkflowError, match=f"Only drafts and operations in review can be rejected; this one is {shown_as}"
    ):
        operation_reject(operation=operation, by=second_reviewer, reason="Another reason.")

    assert_unchanged(operation, before)


def test_it_refuses_to_let_an_editor_reject(operation, editor):
    before = row(operation)

    with pytest.raises(WorkflowError, match="You do not have permission to reject operations"):
        operation_reject(operation=operation, by=editor, reason="Duplicate.")

    assert_unchanged(operation, before)


def test_rejecting_an_edit_of_a_verified_operation_withdraws_its_verified_version(verified, reviewer, second_reviewer):
    verified.place = "Paita"
    operation_update(operation=verified, by=reviewer)
    verified.refresh_from_db()
    assert verified.status == Status.NEEDS_REVIEW
    assert verified.verified_version is not None

    operation_reject(operation=verified, by=second_reviewer, reason="Misread: no seizure took place.")

    verified.refresh_from_db()
    assert verified.status == Status.REJECTED
    assert verified.verified_version is None
    assert not Operation.objects.published().filter(pk=verified.pk).exists()


# --- reopen ------------------------------------------------------------------------------


def test_it_reopens_a_verified_operation_and_withdraws_it(verified, second_reviewer):
    operation_reopen(operation=verified, by=second_reviewer, reason="The police corrected the figure.")

    verified.refresh_from_db()
    assert verified.status == Status.NEEDS_REVIEW
    assert verified.verified_version is None
    assert verified.status_changed_by == second_reviewer
    # The verified version itself is kept as a record of what was published.
    assert verified.verified_versions.count() == 1


def test_it_reopens_a_rejected_operation_and_clears_the_reason(rejected, second_reviewer):
    operation_reopen(operation=rejected, by=second_reviewer)

    rejected.refresh_from_db()
    assert rejected.status == Status.NEEDS_REVIEW
    assert rejected.rejection_reason == ""
    assert rejected.verified_version is None


@pytest.mark.parametrize(("state", "shown_as"), [("draft", "draft"), ("operation", "needs review")])
def test_it_refuses_to_reopen_a_draft_or_an_operation_in_review(state, shown_as, request, reviewer):
    operation = request.getfixturevalue(state)
    before = row(operation)

    with pytest.raises(
        WorkflowError, match=f"Only verified or rejected operations can be reopened; this one is {shown_as}"
    ):
        operation_reopen(operation=operation, by=reviewer)

    assert_unchanged(operation, before)


@pytest.mark.parametrize("state", ["verified", "rejected"])
def test_it_refuses_to_let_an_editor_reopen(state, request, editor):
    operation = request.getfixturevalue(state)
    before = row(operation)

    with pytest.raises(WorkflowError, match="You do not have permission to reopen operations"):
        operation_reopen(operation=operation, by=editor)

    assert_unchanged(operation, before)
