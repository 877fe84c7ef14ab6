"""Incremental sync: a partner's copy, kept with `updated_since` and the removals feed, stays
exactly the server's set of verified operations through any mix of workflow changes."""

import datetime
import random

import pytest
from django.utils import timezone

from partners.models import OperationRemoval, PublishedOperation
from partners.publication import withdraw
from seizures.models import Operation
from seizures.services import (
    WorkflowError,
    operation_merge,
    operation_reject,
    operation_reopen,
    operation_touch,
    operation_unmerge,
    operation_update,
)
from tests import factories
from tests.partners.partner_copy import OPERATIONS, REMOVED, PartnerCopy, walk

pytestmark = pytest.mark.django_db

Status = Operation.Status


def server_state(client) -> dict[str, dict]:
    return {document["id"]: document for document in walk(client, OPERATIONS)}


def verified_set() -> dict[str, tuple[int, str]]:
    """Public id -> (verified version number, place as verified), from the workflow's records."""
    return {
        str(public_id): (number, data["place"])
        for public_id, number, data in Operation.objects.published().values_list(
            "public_id", "verified_version__number", "verified_version__data"
        )
    }


class World:
    """Random workflow changes, each made the way the site makes them."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.reviewers = [factories.reviewer(), factories.reviewer()]
        self.editor = factories.editor()

    def pick(self, **filters) -> Operation | None:
        candidates = list(Operation.objects.filter(**filters).order_by("pk"))
        return self.random.choice(candidates) if candidates else None

    def verify(self, operation: Operation) -> None:
        refusals = []
        for reviewer in self.reviewers:  # the four-eyes rule stops the last editor only
            try:
                factories.verify_checked(operation=operation, by=reviewer)
                return
            except WorkflowError as refused:
                refusals.append(str(refused))
        raise AssertionError(f"Nobody could verify {operation}: {refusals}")

    def step(self) -> str:
        action = self.random.choice(
            ["create", "create", "edit", "reverify", "reject_edit", "reopen", "delete", "revive", "draft", "merge"]
        )
        if action == "create":
            self.verify(factories.cited_operation(date_start=datetime.date(2021, 2, self.random.randint(1, 5))))
        elif action == "draft":
            factories.cited_operation()  # never verified: must never reach the copy
        elif action == "edit" and (op := self.pick(status=Status.VERIFIED)):
            op.place = f"Edited place {self.random.randint(1, 10**6)}"
            operation_update(operation=op, by=self.editor)
            factories.EvidenceItemFactory(operation=op, quantity=7, quantity_kg=7)
            operation_touch(operation=op, by=self.editor, reason="added an item")
        elif action == "reverify" and (op := self.pick(status=Status.NEEDS_REVIEW)):
            self.verify(op)
        elif action == "reject_edit" and (op := self.pick(status=Status.NEEDS_REVIEW)):
            operation_reject(operation=op, by=self.reviewers[0], reason="Duplicate of another report")
        elif action == "reopen" and (op := self.pick(status=Status.VERIFIED)):
            operation_reopen(operation=op, by=self.reviewers[0], reason="Quantity in doubt")
        elif action == "delete" and (op := self.pick(merges_in=None, merges_out=None)):
            # (Operations in a merge are protected from deletion until it is undone.)
            op.delete()
        elif action == "merge" and (op := self.pick(status=Status.VERIFIED)):
            others = Operation.objects.filter(status__in=[Status.VERIFIED, Status.NEEDS_REVIEW]).exclude(pk=op.pk)
            if not others.exists():
                return "nothing"
            operation_merge(
                survivor=self.random.choice(list(others.order_by("pk"))),
                duplicate=op,
                by=self.reviewers[0],
                reason="the same seizure",
            )
        elif action == "revive" and (op := self.pick(status=Status.REJECTED)):
            operation_reopen(operation=op, by=self.reviewers[0])
            self.verify(op)
        else:
            return "nothing"
        return action


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_partner_copy_kept_by_incremental_sync_equals_the_verified_set(client, api_key, seed):
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {api_key[1]}"
    world = World(seed)
    copy = PartnerCopy(client)
    actions = set()
    for _ in range(4):
        world.verify(factories.cited_operation())
    copy.sync()

    # Rounds of changes, each followed by a sync, until every kind of change has happened.
    every_kind = {"create", "edit", "reverify", "reject_edit", "reopen", "delete", "merge", "revive"}
    rounds = 0
    while rounds < 8 or not every_kind <= actions:
        assert rounds < 40, f"the random mix never got to {every_kind - actions}"
        rounds += 1
        for _ in range(5):
            actions.add(world.step())
        copy.sync()
        expected = verified_set()
        assert set(copy.records) == set(expected)
        assert {pid: (doc["version"], doc["place"]) for pid, doc in copy.records.items()} == expected
        assert copy.records == server_state(client)

    assert copy.records


def test_a_pending_edit_reaches_the_copy_only_once_verified(client, api_key):
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {api_key[1]}"
    world = World(0)
    operation = factories.verified_operation()
    copy = PartnerCopy(client)
    copy.sync()
    public_id = str(operation.public_id)

    operation.place = "Callao"
    operation_update(operation=operation, by=world.editor)
    copy.sync()
    assert copy.records[public_id]["place"] == "Paita Port"

    world.verify(operation)
    copy.sync()
    assert copy.records[public_id]["place"] == "Callao"
    assert copy.records[public_id]["version"] == 2


def test_each_withdrawal_is_in_the_removals_feed_with_its_reason(client, api_key, reviewer):
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {api_key[1]}"
    editor = factories.editor()
    rejected, reopened, deleted, merged, survivor, kept = (factories.verified_operation(by=reviewer) for _ in range(6))
    rejected.place = "Somewhere else"
    operation_update(operation=rejected, by=editor)
    operation_reject(operation=rejected, by=reviewer, reason="Not a seizure: a yearly total")
    operation_reopen(operation=reopened, by=reviewer)
    deleted_id = deleted.public_id
    deleted.delete()
    withdraw(operation=merged, reason=OperationRemoval.Reason.MERGED, surviving=survivor)

    feed = {r["id"]: r for r in walk(client, REMOVED)}

    assert {pid: (r["reason"], r["surviving_id"]) for pid, r in feed.items()} == {
        str(rejected.public_id): ("rejected", None),
        str(reopened.public_id): ("unverified", None),
        str(deleted_id): ("deleted", None),
        str(merged.public_id): ("merged", str(survivor.public_id)),
    }
    listed = {doc["id"] for doc in walk(client, OPERATIONS)}
    assert listed == {str(survivor.public_id), str(kept.public_id)}


def test_a_removal_is_listed_again_with_the_reason_that_ends_it(client, api_key, reviewer):
    """Sent back to review, an operation may return; rejected, deleted or merged after that,
    it will not, and partners who synced in between must be told."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {api_key[1]}"
    rejected, deleted, merged, survivor = (factories.verified_operation(by=reviewer) for _ in range(4))
    for operation in (rejected, deleted, merged):
        operation_reopen(operation=operation, by=reviewer, reason="Quantity in doubt")
    first_seen = {r["id"]: r["reason"] for r in walk(client, REMOVED)}
    assert set(first_seen.values()) == {"unverified"}
    since = timezone.now()

    operation_reject(operation=rejected, by=reviewer, reason="Not a seizure: a yearly total")
    deleted_id = deleted.public_id
    deleted.delete()
    operation_merge(duplicate=merged, survivor=survivor, by=reviewer, reason="the same seizure")
    # The merge is an edit of the survivor: once it is verified, partners learn of the merge.
    factories.verify_checked(operation=survivor, by=factories.reviewer())

    feed = {r["id"]: (r["reason"], r["surviving_id"]) for r in walk(client, REMOVED, since=since.isoformat())}
    assert feed == {
        str(rejected.public_id): ("rejected", None),
        str(deleted_id): ("deleted", None),
        str(merged.public_id): ("merged", str(survivor.public_id)),
    }
    assert OperationRemoval.objects.count() == 3


def test_an_undone_merge_is_listed_again_as_back_in_review(client, api_key, reviewer):
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {api_key[1]}"
    duplicate, survivor = factories.verified_operation(by=reviewer), factories.verified_operation(by=reviewer)
    merge = operation_merge(duplicate=duplicate, survivor=survivor, by=reviewer, reason="the same seizure")
    factories.verify_checked(operation=survivor, by=factories.reviewer())
    assert [(r["id"], r["reason"]) for r in walk(client, REMOVED)] == [(str(duplicate.public_id), "merged")]
    since = timezone.now()

    operation_unmerge(merge=merge, by=reviewer)

    feed = walk(client, REMOVED, since=since.isoformat())
    assert [(r["id"], r["reason"], r["surviving_id"]) for r in feed] == [(str(duplicate.public_id), "unverified", None)]


def test_while_a_merge_waits_for_review_partners_keep_both_verified_versions(client, api_key, reviewer):
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {api_key[1]}"
    duplicate, survivor = factories.verified_operation(by=reviewer), factories.verified_operation(by=reviewer)
    before = server_state(client)

    merge = operation_merge(duplicate=duplicate, survivor=survivor, by=reviewer, reason="the same seizure")

    assert server_state(client) == before
    assert walk(client, REMOVED) == []
    operation_unmerge(merge=merge, by=reviewer)
    # Undone before it was verified: partners were never told anything changed.
    assert walk(client, REMOVED) == []
    assert set(server_state(client)) == set(before)


def test_operations_never_published_leave_no_removal(reviewer):
    draft = factories.cited_operation()
    operation_reject(operation=draft, by=reviewer, reason="Aggregate figure")
    factories.cited_operation().delete()

    assert not OperationRemoval.objects.exists()
    assert not PublishedOperation.objects.exists()


def test_publishing_again_takes_the_operation_out_of_the_removals_feed(client, api_key, reviewer):
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {api_key[1]}"
    operation = factories.verified_operation(by=reviewer)
    operation_reopen(operation=operation, by=reviewer)
    assert [r["id"] for r in walk(client, REMOVED)] == [str(operation.public_id)]

    factories.verify_checked(operation=operation, by=factories.reviewer())

    assert walk(client, REMOVED) == []
    assert [doc["id"] for doc in walk(client, OPERATIONS)] == [str(operation.public_id)]


def test_a_merge_must_name_the_surviving_operation(reviewer):
    operation = factories.verified_operation(by=reviewer)
    with pytest.raises(ValueError, match="surviving"):
        withdraw(operation=operation, reason=OperationRemoval.Reason.MERGED)
    assert PublishedOperation.objects.filter(operation=operation).exists()


def test_the_removals_feed_filters_by_time(client, api_key, reviewer):
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {api_key[1]}"
    early, late = factories.verified_operation(by=reviewer), factories.verified_operation(by=reviewer)
    operation_reopen(operation=early, by=reviewer)
    between = timezone.now()
    operation_reopen(operation=late, by=reviewer)

    assert [r["id"] for r in walk(client, REMOVED, since=between.isoformat())] == [str(late.public_id)]
    assert len(walk(client, REMOVED)) == 2
