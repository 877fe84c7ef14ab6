"""The four-eyes rule: whoever decided or edited an operation's values since it was last
verified cannot verify it, and an operation no person has checked cannot be verified by anyone
(the extractor is nobody)."""

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


def test_everyone_who_edited_since_the_last_verification_counts(operation, reviewer, second_reviewer):
    touch(operation, reviewer)
    touch(operation, second_reviewer)

    for person in (reviewer, second_reviewer):
        with pytest.raises(WorkflowError, match=FOUR_EYES):
            operation_verify(operation=operation, by=person)
    third = factories.reviewer(username="third")
    operation_verify(operation=operation, by=third)

    operation.refresh_from_db()
    assert operation.verified_version.verified_by == third


@pytest.mark.parametrize("who", ["reviewer", "second_reviewer"])
def test_an_operation_no_person_has_checked_is_verified_by_nobody(who, operation, request):
    by = request.getfixturevalue(who)
    assert operation.last_edited_by is None

    with pytest.raises(WorkflowError, match="No person has decided or edited its values yet"):
        operation_verify(operation=operation, by=by)

    operation.refresh_from_db()
    assert operation.status == Operation.Status.NEEDS_REVIEW
    assert not VerifiedVersion.objects.exists()


def test_edits_before_the_last_verification_do_not_count_once_someone_edits_again(operation, reviewer, second_reviewer):
    touch(operation, reviewer)
    operation_verify(operation=operation, by=second_reviewer)
    touch(operation, second_reviewer)  # back to review: now only this edit counts

    with pytest.raises(WorkflowError, match=FOUR_EYES):
        operation_verify(operation=operation, by=second_reviewer)
    assert operation_verify(operation=operation, by=reviewer).verified_version.number == 2


@EDITS
def test_without_the_four_eyes_rule_the_last_editor_can_verify(edit, operation, reviewer, settings):
    settings.SEIZURES_FOUR_EYES = False
    edit(operation, reviewer)

    operation_verify(operation=operation, by=reviewer)

    operation.refresh_from_db()
    assert operation.last_edited_by == reviewer
    assert operation.status == Operation.Status.VERIFIED
    assert operation.verified_version.verified_by == reviewer
