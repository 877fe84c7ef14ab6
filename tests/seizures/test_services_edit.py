"""Edits of an operation: operation_update (its own fields) and operation_touch (its parts)."""

import pytest

from seizures.models import Operation, VerifiedVersion
from seizures.services import (
    ConcurrentEditError,
    WorkflowError,
    operation_reject,
    operation_reopen,
    operation_touch,
    operation_update,
)
from sources.services import citation_create
from tests import factories

pytestmark = pytest.mark.django_db

Status = Operation.Status


def row(operation: Operation) -> dict:
    return Operation.objects.filter(pk=operation.pk).values().get()


def fresh(operation: Operation) -> Operation:
    """A separate copy of the operation, as a second browser tab would load it."""
    return Operation.objects.get(pk=operation.pk)


@pytest.fixture
def verified(operation, reviewer):
    return factories.verify_checked(operation=operation, by=reviewer)


def test_editing_a_verified_operation_sends_it_back_to_review_and_keeps_the_published_version(
    verified, second_reviewer
):
    published = verified.verified_version
    copy = fresh(verified)
    copy.place = "Paita, Piura"

    operation_update(operation=copy, by=second_reviewer)

    verified.refresh_from_db()
    assert verified.status == Status.NEEDS_REVIEW
    assert verified.place == "Paita, Piura"
    assert verified.verified_version == published
    assert verified.verified_version.data["place"] == "Paita Port"
    assert VerifiedVersion.objects.count() == 1
    assert Operation.objects.published().filter(pk=verified.pk).exists()


def test_re_verifying_an_edit_publishes_version_two_with_the_new_values(verified, reviewer, second_reviewer):
    copy = fresh(verified)
    copy.place = "Paita, Piura"
    operation_update(operation=copy, by=reviewer)

    factories.verify_checked(operation=verified, by=second_reviewer)

    verified.refresh_from_db()
    assert verified.status == Status.VERIFIED
    assert verified.verified_version.number == 2
    assert verified.verified_version.data["place"] == "Paita, Piura"
    assert verified.verified_versions.get(number=1).data["place"] == "Paita Port"


def test_it_refuses_an_edit_made_from_a_stale_copy(operation, editor, reviewer):
    first, second = fresh(operation), fresh(operation)
    first.place = "Paita"
    operation_update(operation=first, by=editor, expected_version=1)
    second.place = "Sullana"
    second.summary = "Second editor's summary."

    with pytest.raises(ConcurrentEditError, match="eddie saved this operation at .* while you were editing it"):
        operation_update(operation=second, by=reviewer, expected_version=1)

    operation.refresh_from_db()
    assert (operation.place, operation.summary) == ("Paita", "")
    assert operation.version == 2
    assert operation.last_edited_by == editor


def test_a_citation_added_meanwhile_makes_a_stale_edit_refused(operation, editor, reviewer):
    stale = fresh(operation)
    citation_create(by=editor, source=factories.SourceFactory(), operation=operation, quote="Two men were detained.")
    stale.place = "Sullana"

    with pytest.raises(ConcurrentEditError, match="while you were editing"):
        operation_update(operation=stale, by=reviewer, expected_version=stale.version)

    operation.refresh_from_db()
    assert (operation.place, operation.version) == ("Paita Port", 2)


def test_a_concurrent_edit_is_a_workflow_error(operation, editor, reviewer):
    operation_update(operation=fresh(operation), by=editor, expected_version=1)

    with pytest.raises(WorkflowError):
        operation_update(operation=fresh(operation), by=reviewer, expected_version=1)


def test_an_edit_with_the_current_version_is_accepted(operation, editor, reviewer):
    operation_update(operation=fresh(operation), by=editor, expected_version=1)
    copy = fresh(operation)
    copy.place = "Sullana"

    operation_update(operation=copy, by=reviewer, expected_version=2)

    operation.refresh_from_db()
    assert (operation.place, operation.version, operation.last_edited_by) == ("Sullana", 3, reviewer)


def test_each_edit_bumps_the_version_by_one(operation, editor):
    assert operation.version == 1
    seen = []
    for place in ["Paita", "Sullana"]:
        copy = fresh(operation)
        copy.place = place
        operation_update(operation=copy, by=editor)
        seen.append(fresh(operation).version)
    operation_touch(operation=operation, by=editor, reason="detainee added")
    seen.append(fresh(operation).version)

    assert seen == [2, 3, 4]


def test_an_edit_records_who_made_it_and_when(operation, editor):
    operation_update(operation=fresh(operation), by=editor)

    operation.refresh_from_db()
    assert operation.last_edited_by == editor
    assert operation.last_edited_at is not None


@pytest.mark.parametrize("how", ["update", "touch"])
def test_it_refuses_to_edit_a_rejected_operation(how, operation, reviewer, editor):
    operation_reject(operation=operation, by=reviewer, reason="Duplicate report.")
    copy = fresh(operation)
    copy.place = "Sullana"
    before = row(operation)

    with pytest.raises(WorkflowError, match="This operation was rejected. Reopen it before editing it."):
        if how == "update":
            operation_update(operation=copy, by=editor)
        else:
            operation_touch(operation=copy, by=editor, reason="evidence item changed")

    assert row(operation) == before


def test_it_refuses_an_edit_by_someone_without_the_edit_permission(operation):
    before = row(operation)
    copy = fresh(operation)
    copy.place = "Sullana"

    with pytest.raises(WorkflowError, match="You do not have permission to edit operations"):
        operation_update(operation=copy, by=factories.partner())

    assert row(operation) == before


def test_touch_writes_only_the_bookkeeping_not_a_stale_copys_fields(operation, editor):
    stale = fresh(operation)
    stale.place = "Written by nobody"
    stale.summary = "Stale summary."

    operation_touch(operation=stale, by=editor, reason="evidence item changed")

    operation.refresh_from_db()
    assert (operation.place, operation.summary) == ("Paita Port", "")
    assert operation.version == 2
    assert operation.last_edited_by == editor


def test_touching_a_verified_operation_sends_it_back_to_review(verified, editor):
    published = verified.verified_version

    operation_touch(operation=verified, by=editor, reason="evidence item changed")

    verified.refresh_from_db()
    assert verified.status == Status.NEEDS_REVIEW
    assert verified.status_changed_by == editor
    assert verified.verified_version == published


def test_an_edit_from_a_copy_loaded_before_a_reopen_keeps_the_reopen(operation, reviewer, second_reviewer, editor):
    # Reopening does not bump `version`, so the copy passes the concurrency check; the
    # edit must still not bring back the workflow fields the copy was loaded with.
    operation_reject(operation=operation, by=reviewer, reason="Duplicate report.")
    copy = fresh(operation)
    operation_reopen(operation=operation, by=second_reviewer)
    copy.place = "Sullana"

    operation_update(operation=copy, by=editor, expected_version=copy.version)

    operation.refresh_from_db()
    assert operation.place == "Sullana"
    assert operation.status == Status.NEEDS_REVIEW
    assert operation.rejection_reason == ""
    assert operation.status_changed_by == second_reviewer
