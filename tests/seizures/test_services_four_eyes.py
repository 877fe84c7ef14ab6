"""The four-eyes rule: whoever made the last edit of an operation cannot verify it."""

import pytest

from seizures.models import Operation, VerifiedVersion
from seizures.services import WorkflowError, operation_touch, operation_update, operation_verify
from sources.services import citation_create
from tests import factories

pytestmark = pytest.mark.django_db

FOUR_EYES = "another reviewer must verify it \\(four-eyes rule\\)"


def row(operation: Operation) -> dict:
    return Operation.objects.filter(pk=operation.pk).values().get()


def edit_fields(operation, by):
    operation.place = "Paita, Piura"
    operation_update(operation=operation, by=by)


def touch(operation, by):
    operation_touch(operation=operation, by=by, reason="evidence item changed")


def add_citation(operation, by):
    source = factories.SourceFactory()
    citation_create(by=by, source=source, operation=operation, quote="Two men were detained.")


EDITS = pytest.mark.parametrize("edit", [edit_fields, touch, add_citation], ids=["update", "touch", "citation"])


@EDITS
def test_the_last_editor_cannot_verify(edit, operation, reviewer):
    edit(operation, reviewer)
    before = row(operation)

    with pytest.raises(WorkflowError, match=FOUR_EYES):
        operation_verify(operation=operation, by=reviewer)

    assert row(operation) == before
    assert row(operation)["status"] == Operation.Status.NEEDS_REVIEW
    assert not VerifiedVersion.objects.exists()


@EDITS
def test_another_reviewer_can_verify_after_an_edit(edit, operation, reviewer, second_reviewer):
    edit(operation, reviewer)

    operation_verify(operation=operation, by=second_reviewer)

    operation.refresh_from_db()
    assert operation.status == Operation.Status.VERIFIED
    assert operation.verified_version.verified_by == second_reviewer


def test_an_editors_edit_leaves_any_reviewer_free_to_verify(operation, editor, reviewer):
    edit_fields(operation, editor)

    operation_verify(operation=operation, by=reviewer)

    operation.refresh_from_db()
    assert operation.status == Operation.Status.VERIFIED


def test_only_the_last_edit_counts(operation, reviewer, second_reviewer):
    touch(operation, reviewer)
    touch(operation, second_reviewer)

    with pytest.raises(WorkflowError, match=FOUR_EYES):
        operation_verify(operation=operation, by=second_reviewer)
    operation_verify(operation=operation, by=reviewer)

    operation.refresh_from_db()
    assert operation.verified_version.verified_by == reviewer


@pytest.mark.parametrize("who", ["reviewer", "second_reviewer"])
def test_an_untouched_machine_draft_can_be_verified_by_any_reviewer(who, operation, request):
    by = request.getfixturevalue(who)
    assert operation.last_edited_by is None

    operation_verify(operation=operation, by=by)

    operation.refresh_from_db()
    assert operation.status == Operation.Status.VERIFIED
    assert operation.verified_version.verified_by == by


@EDITS
def test_without_the_four_eyes_rule_the_last_editor_can_verify(edit, operation, reviewer, settings):
    settings.SEIZURES_FOUR_EYES = False
    edit(operation, reviewer)

    operation_verify(operation=operation, by=reviewer)

    operation.refresh_from_db()
    assert operation.last_edited_by == reviewer
    assert operation.status == Operation.Status.VERIFIED
    assert operation.verified_version.verified_by == reviewer
