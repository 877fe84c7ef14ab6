"""Merging from the review queue, and undoing it from the merged operation's page."""

import pytest
from django.contrib.messages import get_messages

from seizures.models import Operation, OperationMerge
from tests import factories

pytestmark = pytest.mark.django_db

QUEUE = "/admin/seizures/operation/"
Status = Operation.Status


def change_url(operation) -> str:
    return f"{QUEUE}{operation.pk}/change/"


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def merge_post(client, operations, **extra):
    # From the queue showing every status: a verified report and a new draft of it.
    data = {"action": "merge_selected", "index": "0", "_selected_action": [op.pk for op in operations], **extra}
    return client.post(f"{QUEUE}?status=all", data)


def test_merging_asks_which_operation_stays_suggesting_the_verified_one(client, reviewer):
    verified, draft = factories.verified_operation(by=reviewer), factories.cited_operation()
    client.force_login(reviewer)

    response = merge_post(client, [draft, verified])

    assert response.status_code == 200
    assert "admin/seizures/operation/merge_selected.html" in [t.name for t in response.templates]
    assert response.context["suggested"] == verified
    assert f'value="{verified.pk}" checked'.encode() in response.content
    assert not OperationMerge.objects.exists()


def test_confirming_merges_and_opens_the_survivor_which_shows_what_it_holds(client, reviewer):
    survivor, duplicate = factories.cited_operation(), factories.cited_operation()
    client.force_login(reviewer)

    response = merge_post(client, [survivor, duplicate], confirm="yes", survivor=survivor.pk, reason="Same ship")

    assert response.status_code == 302
    assert response["Location"] == change_url(survivor)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (Status.MERGED, survivor.pk)
    assert OperationMerge.objects.get().reason == "Same ship"
    level, text = messages_of(response)[0]
    assert level == "success" and "look reported twice" in text  # both hold 120 kg of cocaine
    page = client.get(change_url(survivor)).content.decode()
    assert f'Holds <a href="{change_url(duplicate)}">operation #{duplicate.pk}</a>' in page
    items = sorted(survivor.evidence_items.values_list("pk", flat=True))
    assert f"Evidence items #{items[0]} and #{items[1]}: Cocaine 120" in page

    # Once the reviewer keeps one of the pair, the page stops flagging it.
    survivor.evidence_items.filter(pk=items[1]).delete()
    page = client.get(change_url(survivor)).content.decode()
    assert "Possibly reported twice" not in page


@pytest.mark.parametrize("count", [1, 3])
def test_merging_needs_exactly_two_operations(client, reviewer, count):
    operations = [factories.cited_operation() for _ in range(count)]
    client.force_login(reviewer)

    response = merge_post(client, operations, confirm="yes", survivor=operations[0].pk)

    assert messages_of(response) == [("error", "Select exactly two operations to merge.")]
    assert not OperationMerge.objects.exists()


def test_editors_cannot_merge(client, editor):
    first, second = factories.cited_operation(), factories.cited_operation()
    client.force_login(editor)

    assert b"merge_selected" not in client.get(QUEUE).content
    merge_post(client, [first, second], confirm="yes", survivor=first.pk)

    assert not OperationMerge.objects.exists()


def test_a_merged_operation_is_read_only_and_its_merge_can_be_undone_from_its_page(client, reviewer):
    survivor, duplicate = factories.cited_operation(), factories.cited_operation()
    client.force_login(reviewer)
    merge_post(client, [survivor, duplicate], confirm="yes", survivor=survivor.pk)

    page = client.get(change_url(duplicate))
    assert f'Merged into <a href="{change_url(survivor)}">operation #{survivor.pk}</a>' in page.content.decode()
    assert "Undo the merge" in page.content.decode()
    assert page.context["has_change_permission"] is False

    response = client.post(f"{QUEUE}{duplicate.pk}/transition/unmerge/")

    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (Status.NEEDS_REVIEW, None)
    assert duplicate.evidence_items.count() == 1
    assert OperationMerge.objects.get().undone_by == reviewer


def test_undoing_a_merge_of_an_operation_that_is_not_merged_says_so(client, reviewer):
    operation = factories.cited_operation()
    client.force_login(reviewer)

    response = client.post(f"{QUEUE}{operation.pk}/transition/unmerge/")

    assert messages_of(response) == [("error", "This operation is not merged into another.")]


def test_editors_cannot_undo_a_merge(client, reviewer, editor):
    survivor, duplicate = factories.cited_operation(), factories.cited_operation()
    client.force_login(reviewer)
    merge_post(client, [survivor, duplicate], confirm="yes", survivor=survivor.pk)
    client.force_login(editor)

    assert "Undo the merge" not in client.get(change_url(duplicate)).content.decode()
    assert client.post(f"{QUEUE}{duplicate.pk}/transition/unmerge/").status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED
