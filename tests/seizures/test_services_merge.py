"""Merging two reports of one event, and undoing it."""

import pytest

from partners.models import OperationRemoval, PublishedOperation
from seizures.models import Country, Operation, OperationMerge
from seizures.services import (
    WorkflowError,
    operation_merge,
    operation_reject,
    operation_unmerge,
    operation_update,
    operation_verify,
)
from sources.models import Citation
from tests import factories

pytestmark = pytest.mark.django_db

Status = Operation.Status


@pytest.fixture
def pair(reviewer):
    """Two reports of the Paita seizure: one verified (published), one drafted from another
    outlet, with an item, a detainee and a destination of its own."""
    survivor = factories.verified_operation(by=reviewer)
    duplicate = factories.cited_operation()
    factories.DetaineeFactory(operation=duplicate, name="Ana Quispe")
    duplicate.destinations.add(Country.objects.get(code="PA"))
    return survivor, duplicate


def parts(operation: Operation) -> dict[str, set[int]]:
    return {
        "items": set(operation.evidence_items.values_list("pk", flat=True)),
        "detainees": set(operation.detainees.values_list("pk", flat=True)),
        "citations": set(Citation.objects.filter(operation=operation).values_list("pk", flat=True)),
    }


def test_a_merge_moves_every_part_to_the_survivor_and_leaves_a_pointer(pair, second_reviewer):
    survivor, duplicate = pair
    before_survivor, before_duplicate = parts(survivor), parts(duplicate)

    merge = operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="Same container")

    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert parts(survivor) == {k: before_survivor[k] | before_duplicate[k] for k in before_survivor}
    assert parts(duplicate) == {"items": set(), "detainees": set(), "citations": set()}
    assert list(survivor.destinations.values_list("code", flat=True)) == ["PA"]
    assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, survivor)
    assert merge.moved["destinations"] == ["PA"]
    assert duplicate.history.first().history_change_reason == f"merged into #{survivor.pk}: Same container"


def test_the_survivor_goes_back_to_review_and_partners_keep_its_verified_version(pair, second_reviewer):
    survivor, duplicate = pair
    published = survivor.verified_version

    operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer)

    survivor.refresh_from_db()
    assert survivor.status == Status.NEEDS_REVIEW
    assert survivor.verified_version == published
    assert PublishedOperation.objects.get(operation=survivor).version == 1
    # The merger made the last edit: another reviewer verifies the merged record.
    with pytest.raises(WorkflowError, match="four-eyes"):
        operation_verify(operation=survivor, by=second_reviewer)


def test_a_published_duplicate_goes_to_the_removals_feed_naming_the_survivor(reviewer, second_reviewer):
    survivor, duplicate = factories.verified_operation(by=reviewer), factories.verified_operation(by=reviewer)

    operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer)

    removal = OperationRemoval.objects.get()
    assert (removal.public_id, removal.reason, removal.surviving_public_id) == (
        duplicate.public_id,
        OperationRemoval.Reason.MERGED,
        survivor.public_id,
    )
    assert not PublishedOperation.objects.filter(operation=duplicate).exists()
    assert not Operation.objects.published().filter(pk=duplicate.pk).exists()


def test_parts_that_look_reported_twice_are_flagged(pair, second_reviewer):
    survivor, duplicate = pair
    factories.DetaineeFactory(operation=survivor, name="ana quispe ")

    merge = operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer)

    kinds = sorted(p["kind"] for p in merge.possible_duplicates)
    # Both factories give 120 kg of cocaine, and both citations quote the same words of
    # different sources (not the same span of one source: not flagged).
    assert kinds == ["detainee", "evidence_item"]


@pytest.mark.parametrize(
    ("case", "message"),
    [("self", "into itself"), ("merged", "already merged"), ("rejected", "rejected")],
)
def test_merges_the_rules_refuse(pair, reviewer, second_reviewer, case, message):
    survivor, duplicate = pair
    if case == "self":
        duplicate = survivor
    elif case == "merged":
        operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer)
    elif case == "rejected":
        operation_reject(operation=duplicate, by=reviewer, reason="An aggregate")
    with pytest.raises(WorkflowError, match=message):
        operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer)


def test_only_reviewers_merge(pair):
    survivor, duplicate = pair
    with pytest.raises(WorkflowError, match="permission"):
        operation_merge(survivor=survivor, duplicate=duplicate, by=factories.editor())
    assert not OperationMerge.objects.exists()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.NEEDS_REVIEW


def test_a_merged_operation_cannot_be_edited(pair, second_reviewer, editor):
    survivor, duplicate = pair
    operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer)
    duplicate.refresh_from_db()
    duplicate.place = "Callao"
    with pytest.raises(WorkflowError, match=f"merged into #{survivor.pk}"):
        operation_update(operation=duplicate, by=editor)


def test_undoing_a_merge_puts_back_what_it_moved_and_returns_the_duplicate_to_review(pair, second_reviewer):
    survivor, duplicate = pair
    before_survivor, before_duplicate = parts(survivor), parts(duplicate)
    merge = operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer)

    operation_unmerge(merge=merge, by=second_reviewer)

    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert parts(survivor) == before_survivor
    assert parts(duplicate) == before_duplicate
    assert not survivor.destinations.exists()
    assert (duplicate.status, duplicate.merged_into) == (Status.NEEDS_REVIEW, None)
    merge.refresh_from_db()
    assert merge.undone_by == second_reviewer and merge.undone_at is not None
    with pytest.raises(WorkflowError, match="undone already"):
        operation_unmerge(merge=merge, by=second_reviewer)


def test_an_undone_merge_returns_the_duplicate_to_partners_once_verified_again(reviewer, second_reviewer):
    survivor, duplicate = factories.verified_operation(by=reviewer), factories.verified_operation(by=reviewer)
    merge = operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer)
    operation_unmerge(merge=merge, by=second_reviewer)
    # Still removed, but no longer as part of the survivor: back in review, it may return.
    removal = OperationRemoval.objects.get(public_id=duplicate.public_id)
    assert (removal.reason, removal.surviving_public_id) == ("unverified", None)

    operation_verify(operation=duplicate, by=reviewer)

    assert PublishedOperation.objects.filter(public_id=duplicate.public_id).exists()
    assert not OperationRemoval.objects.filter(public_id=duplicate.public_id).exists()


def test_a_part_deleted_after_the_merge_is_simply_not_moved_back(pair, second_reviewer):
    survivor, duplicate = pair
    merge = operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer)
    duplicate.refresh_from_db()
    moved_detainee = merge.moved["detainees"][0]
    survivor.detainees.filter(pk=moved_detainee).delete()

    operation_unmerge(merge=merge, by=second_reviewer)

    assert list(duplicate.detainees.all()) == []
    assert len(merge.moved["evidence_items"]) == duplicate.evidence_items.count() == 1
