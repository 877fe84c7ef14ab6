"""Merging from the review queue through the merge page (two records side by side, the
reviewer saying which parts are the same ones reported twice), and undoing it from the merged
operation's page."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from partners.models import PublishedOperation
from seizures.models import EvidenceItem, Operation, OperationMerge
from tests import factories

pytestmark = pytest.mark.django_db

QUEUE = "/admin/seizures/operation/"
Status = Operation.Status


def change_url(operation) -> str:
    return f"{QUEUE}{operation.pk}/change/"


def merge_url(survivor, duplicate) -> str:
    return f"{QUEUE}{survivor.pk}/merge/{duplicate.pk}/"


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def merge_action(client, operations):
    # From the queue showing every status: a verified report and a new draft of it.
    data = {"action": "merge_selected", "index": "0", "_selected_action": [op.pk for op in operations]}
    return client.post(f"{QUEUE}?status=all", data)


def page_pairs(response) -> dict[str, str]:
    """The form fields the merge page would post as it stands: the paired ones and the reason."""
    context = response.context
    data = {}
    for item, paired_with, pair in context["item_rows"]:
        data[f"item-{item.pk}"] = str(paired_with or "")
        data[f"keep-{item.pk}"] = pair.keep if pair else context["keep_survivor"]
    for person, _label, paired_with in context["detainee_rows"]:
        data[f"detainee-{person.pk}"] = str(paired_with or "")
    return data


def test_the_merge_action_opens_the_merge_page_with_the_verified_operation_staying(client, reviewer):
    verified, draft = factories.verified_operation(by=reviewer), factories.cited_operation()
    client.force_login(reviewer)

    response = merge_action(client, [draft, verified])

    assert response.status_code == 302
    assert response["Location"] == merge_url(verified, draft)
    assert not OperationMerge.objects.exists()


def test_the_merge_page_shows_both_records_and_pairs_the_same_drug_of_the_same_weight(client, reviewer):
    survivor, duplicate = factories.cited_operation(), factories.cited_operation()
    other_drug = factories.EvidenceItemFactory(
        operation=duplicate, drug_type="cannabis", quantity=Decimal("40"), quantity_kg=Decimal("40")
    )
    client.force_login(reviewer)

    response = client.get(merge_url(survivor, duplicate))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Stays: " in page and "Merged into it: " in page
    rows = {item.pk: paired_with for item, paired_with, _ in response.context["item_rows"]}
    ours = survivor.evidence_items.get()
    theirs = duplicate.evidence_items.exclude(pk=other_drug.pk).get()
    # 120 kg of cocaine on both: one seizure reported twice. The cannabis is not in the survivor.
    assert rows == {theirs.pk: ours.pk, other_drug.pk: None}
    assert f'<option value="{ours.pk}" selected>' in page
    assert 'name="reason"' in page and "required" in page
    assert not OperationMerge.objects.exists()


def test_merging_as_the_page_proposes_counts_a_paired_item_once(client, reviewer):
    survivor, duplicate = factories.cited_operation(), factories.cited_operation()
    client.force_login(reviewer)
    proposed = page_pairs(client.get(merge_url(survivor, duplicate)))

    response = client.post(merge_url(survivor, duplicate), {**proposed, "reason": "Same ship"})

    assert response.status_code == 302
    assert response["Location"] == change_url(survivor)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (Status.MERGED, survivor.pk)
    assert OperationMerge.objects.get().reason == "Same ship"
    assert survivor.evidence_items.count() == 1  # one seizure, not two
    assert survivor.evidence_items.get().quantity_kg == Decimal("120")
    level, text = messages_of(response)[0]
    assert level == "success" and "back in review" in text
    page = client.get(change_url(survivor)).content.decode()
    assert f'Holds <a href="{change_url(duplicate)}">operation #{duplicate.pk}</a>' in page


def test_a_reviewer_who_says_the_items_differ_gets_both(client, reviewer):
    survivor, duplicate = factories.cited_operation(), factories.cited_operation()
    client.force_login(reviewer)
    proposed = page_pairs(client.get(merge_url(survivor, duplicate)))
    unpaired = {name: ("" if name.startswith("item-") else value) for name, value in proposed.items()}

    client.post(merge_url(survivor, duplicate), {**unpaired, "reason": "Two containers on one ship"})

    assert survivor.evidence_items.count() == 2


def test_a_merge_without_a_reason_is_refused_and_nothing_moves(client, reviewer):
    survivor, duplicate = factories.cited_operation(), factories.cited_operation()
    client.force_login(reviewer)
    proposed = page_pairs(client.get(merge_url(survivor, duplicate)))

    response = client.post(merge_url(survivor, duplicate), {**proposed, "reason": "  "})

    assert response.status_code == 200
    assert any(level == "error" and "reason" in text.lower() for level, text in messages_of(response))
    assert not OperationMerge.objects.exists()
    assert EvidenceItem.objects.filter(operation=duplicate).count() == 1
    duplicate.refresh_from_db()
    assert duplicate.status == Status.NEEDS_REVIEW


def test_a_merge_waiting_for_review_leaves_partners_both_verified_versions(client, reviewer):
    survivor, duplicate = factories.verified_operation(by=reviewer), factories.verified_operation(by=reviewer)
    client.force_login(reviewer)
    proposed = page_pairs(client.get(merge_url(survivor, duplicate)))

    client.post(merge_url(survivor, duplicate), {**proposed, "reason": "Same container"})

    assert set(PublishedOperation.objects.values_list("operation_id", flat=True)) == {survivor.pk, duplicate.pk}


@pytest.mark.parametrize("count", [1, 3])
def test_merging_needs_exactly_two_operations(client, reviewer, count):
    operations = [factories.cited_operation() for _ in range(count)]
    client.force_login(reviewer)

    response = merge_action(client, operations)

    assert messages_of(response) == [("error", "Select exactly two operations to merge.")]
    assert not OperationMerge.objects.exists()


def test_editors_cannot_merge(client, editor):
    first, second = factories.cited_operation(), factories.cited_operation()
    client.force_login(editor)

    assert b"merge_selected" not in client.get(QUEUE).content
    assert client.get(merge_url(first, second)).status_code == 403
    assert client.post(merge_url(first, second), {"reason": "Same"}).status_code == 403
    assert not OperationMerge.objects.exists()


def merged_pair(client, reviewer):
    survivor, duplicate = factories.cited_operation(), factories.cited_operation()
    client.force_login(reviewer)
    proposed = page_pairs(client.get(merge_url(survivor, duplicate)))
    client.post(merge_url(survivor, duplicate), {**proposed, "reason": "Same ship"})
    return survivor, duplicate


def test_a_merged_operation_is_read_only_and_its_merge_can_be_undone_from_its_page(client, reviewer):
    survivor, duplicate = merged_pair(client, reviewer)

    page = client.get(change_url(duplicate))
    assert f'Merged into <a href="{change_url(survivor)}">operation #{survivor.pk}</a>' in page.content.decode()
    assert "Undo the merge" in page.content.decode()
    assert page.context["has_change_permission"] is False

    response = client.post(f"{QUEUE}{duplicate.pk}/transition/unmerge/")

    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (Status.NEEDS_REVIEW, None)
    assert duplicate.evidence_items.count() == 1
    assert survivor.evidence_items.count() == 1
    assert OperationMerge.objects.get().undone_by == reviewer


def test_undoing_a_merge_of_an_operation_that_is_not_merged_says_so(client, reviewer):
    operation = factories.cited_operation()
    client.force_login(reviewer)

    response = client.post(f"{QUEUE}{operation.pk}/transition/unmerge/")

    assert messages_of(response) == [("error", "This operation is not merged into another.")]


def test_editors_cannot_undo_a_merge(client, reviewer, editor):
    survivor, duplicate = merged_pair(client, reviewer)
    client.force_login(editor)

    assert "Undo the merge" not in client.get(change_url(duplicate)).content.decode()
    assert client.post(f"{QUEUE}{duplicate.pk}/transition/unmerge/").status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED
