"""Claims on operations in review, and each reviewer's inbox."""

import datetime

import pytest
from django.utils import timezone

from seizures.models import Operation
from seizures.services import (
    operation_claim,
    operation_reopen,
    operation_submit,
    operation_update,
)
from tests import factories

pytestmark = pytest.mark.django_db

QUEUE = "/admin/seizures/operation/"
Status = Operation.Status


def change_url(operation) -> str:
    return f"{QUEUE}{operation.pk}/change/"


def test_opening_an_operation_in_review_claims_it_and_others_see_who_has_it(client, reviewer, second_reviewer):
    operation = factories.cited_operation()

    client.force_login(reviewer)
    mine = client.get(change_url(operation))
    client.force_login(second_reviewer)
    theirs = client.get(change_url(operation))

    operation.refresh_from_db()
    assert operation.claimed_by == reviewer
    assert "You are reviewing this operation" in mine.content.decode()
    assert theirs.context["claim_holder"] == reviewer
    assert f"{reviewer.get_username()} is reviewing this operation" in theirs.content.decode()


def test_a_claim_lapses_and_the_next_reviewer_gets_it(reviewer, second_reviewer, settings):
    settings.SEIZURES_CLAIM_MINUTES = 30
    operation = factories.cited_operation()
    assert operation_claim(operation=operation, by=reviewer) == reviewer
    assert operation_claim(operation=operation, by=second_reviewer) == reviewer

    Operation.objects.filter(pk=operation.pk).update(claimed_at=timezone.now() - datetime.timedelta(minutes=31))

    assert operation_claim(operation=operation, by=second_reviewer) == second_reviewer


def test_a_reviewer_who_edits_what_they_claimed_lets_the_next_reviewer_take_it(reviewer, second_reviewer):
    """Under the four-eyes rule the editor cannot verify their own edit, so their claim must
    not keep it from the reviewer who can."""
    operation = factories.cited_operation()
    assert operation_claim(operation=operation, by=reviewer) == reviewer
    operation.place = "Paita port terminal"
    operation_update(operation=operation, by=reviewer)

    assert operation in Operation.objects.to_review_by(second_reviewer)
    assert operation not in Operation.objects.to_review_by(reviewer)
    assert operation not in Operation.objects.claimed_by_user(reviewer)
    assert operation_claim(operation=operation, by=reviewer) is None  # no claim for who cannot verify
    assert operation_claim(operation=operation, by=second_reviewer) == second_reviewer
    assert operation_claim(operation=operation, by=reviewer) == second_reviewer


def test_without_four_eyes_an_edit_keeps_the_claim(reviewer, second_reviewer, settings):
    settings.SEIZURES_FOUR_EYES = False
    operation = factories.cited_operation()
    operation_claim(operation=operation, by=reviewer)
    operation.place = "Paita port terminal"
    operation_update(operation=operation, by=reviewer)

    assert operation not in Operation.objects.to_review_by(second_reviewer)
    assert operation_claim(operation=operation, by=second_reviewer) == reviewer


def test_verifying_ends_the_claim_and_only_operations_in_review_are_claimed(reviewer):
    operation = factories.cited_operation()
    draft = factories.cited_operation(status=Status.DRAFT)
    operation_claim(operation=operation, by=reviewer)

    factories.verify_checked(operation=operation, by=reviewer)

    operation.refresh_from_db()
    assert (operation.claimed_by, operation.claimed_at) == (None, None)
    assert operation_claim(operation=operation, by=reviewer) is None
    assert operation_claim(operation=draft, by=reviewer) is None


def test_claims_leave_no_trace_in_the_history(reviewer):
    operation = factories.cited_operation()
    before = operation.history.count()

    operation_claim(operation=operation, by=reviewer)

    assert operation.history.count() == before


def test_the_inbox_splits_the_queue_for_each_reviewer(client, reviewer, second_reviewer, editor):
    free, mine, theirs = (factories.cited_operation() for _ in range(3))
    operation_claim(operation=mine, by=reviewer)
    operation_claim(operation=theirs, by=second_reviewer)
    came_back = factories.cited_operation(status=Status.DRAFT, last_edited_by=reviewer)
    operation_submit(operation=came_back, by=reviewer)
    factories.verify_checked(operation=came_back, by=second_reviewer)
    operation_reopen(operation=came_back, by=second_reviewer, reason="Check the weight")
    client.force_login(reviewer)

    def listed(inbox):
        return {op.pk for op in client.get(QUEUE, {"inbox": inbox}).context["cl"].result_list}

    # Not what came back: the reviewer edited it last, so another must verify it.
    assert listed("to_review") == {free.pk, mine.pk}
    assert listed("claimed") == {mine.pk}
    assert listed("came_back") == {came_back.pk}
    index = client.get("/admin/").content.decode()
    assert f'<a href="{QUEUE}?inbox=to_review">To review: <strong>2</strong></a>' in index
    assert f'<a href="{QUEUE}?inbox=claimed">Claimed by me: <strong>1</strong></a>' in index
    assert f'<a href="{QUEUE}?inbox=came_back">Came back to me: <strong>1</strong></a>' in index


def test_an_editor_sees_what_came_back_to_them(client, editor, reviewer):
    operation = factories.cited_operation(status=Status.DRAFT, last_edited_by=editor)
    operation_submit(operation=operation, by=editor)
    factories.verify_checked(operation=operation, by=reviewer)
    operation_reopen(operation=operation, by=reviewer, reason="Which port?")
    client.force_login(editor)

    index = client.get("/admin/").content.decode()

    assert f'<a href="{QUEUE}?inbox=came_back">Came back to me: <strong>1</strong></a>' in index
    assert "To review:" not in index
