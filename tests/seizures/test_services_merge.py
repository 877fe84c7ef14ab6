"""Merging two reports of one event, and undoing it."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum

from partners.models import OperationRemoval, PublishedOperation, PublishedPart
from seizures.merging import KEEP_DUPLICATE, MergePlan, Pair
from seizures.models import Country, EvidenceItem, Operation, OperationMerge
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


def test_a_merge_without_a_reason_is_refused_and_moves_nothing(pair, second_reviewer):
    survivor, duplicate = pair
    before = parts(duplicate)
    with pytest.raises(WorkflowError, match="Say why"):
        operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="  ")
    assert parts(duplicate) == before and not OperationMerge.objects.exists()


def test_a_plan_that_does_not_fit_the_two_is_refused_and_moves_nothing(pair, second_reviewer):
    survivor, duplicate = pair
    before = parts(duplicate)
    stranger = factories.EvidenceItemFactory()
    plan = MergePlan(items=[Pair(stranger.pk, duplicate.evidence_items.get().pk)])
    with pytest.raises(WorkflowError, match="not one of the two operations"):
        operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same", plan=plan)
    assert parts(duplicate) == before and not OperationMerge.objects.exists()


def test_a_merge_with_nothing_paired_moves_every_part_and_leaves_a_pointer(pair, second_reviewer):
    survivor, duplicate = pair
    before_survivor, before_duplicate = parts(survivor), parts(duplicate)

    merge = operation_merge(
        survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="Same container", plan=MergePlan()
    )

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

    operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same event")

    survivor.refresh_from_db()
    assert survivor.status == Status.NEEDS_REVIEW
    assert survivor.verified_version == published
    assert PublishedOperation.objects.get(operation=survivor).version == 1
    # The merger made the last edit: another reviewer verifies the merged record.
    with pytest.raises(WorkflowError, match="four-eyes"):
        factories.verify_checked(operation=survivor, by=second_reviewer)


def test_a_published_duplicate_stays_served_until_the_survivor_is_verified(reviewer, second_reviewer):
    survivor, duplicate = factories.verified_operation(by=reviewer), factories.verified_operation(by=reviewer)

    operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same event")

    # Partners keep both verified versions while the merge waits for review...
    assert PublishedOperation.objects.filter(operation__in=[survivor, duplicate]).count() == 2
    assert not OperationRemoval.objects.exists()

    operation_verify(operation=survivor, by=reviewer)

    # ...and once it is verified, the duplicate leaves their feed for it.
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

    merge = operation_merge(
        survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same event", plan=MergePlan()
    )

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
        operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same event")
    elif case == "rejected":
        operation_reject(operation=duplicate, by=reviewer, reason="An aggregate")
    with pytest.raises(WorkflowError, match=message):
        operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same event")


def test_only_reviewers_merge(pair):
    survivor, duplicate = pair
    with pytest.raises(WorkflowError, match="permission"):
        operation_merge(survivor=survivor, duplicate=duplicate, by=factories.editor(), reason="same event")
    assert not OperationMerge.objects.exists()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.NEEDS_REVIEW


def test_a_merged_operation_cannot_be_edited(pair, second_reviewer, editor):
    survivor, duplicate = pair
    operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same event")
    duplicate.refresh_from_db()
    duplicate.place = "Callao"
    with pytest.raises(WorkflowError, match=f"merged into #{survivor.pk}"):
        operation_update(operation=duplicate, by=editor)


def test_undoing_a_merge_puts_back_what_it_moved_and_returns_the_duplicate_to_review(pair, second_reviewer):
    survivor, duplicate = pair
    before_survivor, before_duplicate = parts(survivor), parts(duplicate)
    merge = operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same event")
    assert parts(duplicate)["items"] == before_duplicate["items"]  # its 120 kg are the survivor's

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


def test_a_merge_undone_before_verification_changes_nothing_partners_see(reviewer, second_reviewer):
    survivor, duplicate = factories.verified_operation(by=reviewer), factories.verified_operation(by=reviewer)
    served = dict(PublishedOperation.objects.values_list("public_id", "document"))
    merge = operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same event")

    operation_unmerge(merge=merge, by=second_reviewer)

    duplicate.refresh_from_db()
    assert duplicate.status == Status.NEEDS_REVIEW and duplicate.verified_version is not None
    assert dict(PublishedOperation.objects.values_list("public_id", "document")) == served
    assert not OperationRemoval.objects.exists()


def test_an_undone_merge_returns_the_duplicate_to_partners_once_verified_again(reviewer, second_reviewer):
    survivor, duplicate = factories.verified_operation(by=reviewer), factories.verified_operation(by=reviewer)
    merge = operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same event")
    operation_verify(operation=survivor, by=reviewer)
    operation_unmerge(merge=merge, by=second_reviewer)
    # Still removed, but no longer as part of the survivor: back in review, it may return.
    removal = OperationRemoval.objects.get(public_id=duplicate.public_id)
    assert (removal.reason, removal.surviving_public_id) == ("unverified", None)

    factories.verify_checked(operation=duplicate, by=reviewer)

    assert PublishedOperation.objects.filter(public_id=duplicate.public_id).exists()
    assert PublishedOperation.objects.filter(public_id=survivor.public_id).exists()
    assert not OperationRemoval.objects.filter(public_id=duplicate.public_id).exists()


def test_a_part_deleted_after_the_merge_is_simply_not_moved_back(pair, second_reviewer):
    survivor, duplicate = pair
    merge = operation_merge(
        survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same event", plan=MergePlan()
    )
    duplicate.refresh_from_db()
    moved_detainee = merge.moved["detainees"][0]
    survivor.detainees.filter(pk=moved_detainee).delete()

    operation_unmerge(merge=merge, by=second_reviewer)

    assert list(duplicate.detainees.all()) == []
    assert len(merge.moved["evidence_items"]) == duplicate.evidence_items.count() == 1


# --- One seizure counted once ------------------------------------------------------------------


def paita_report(*, kg="3082", nationalities=("PE", "PE", "VE", "VE")):
    """A report of the Paita seizure as an operation in review: one drug item and detainees."""
    operation = factories.OperationFactory(place="Paita Port")
    factories.CitationFactory(operation=operation)
    factories.EvidenceItemFactory(operation=operation, quantity=Decimal(kg), quantity_kg=Decimal(kg))
    for code in nationalities:
        factories.DetaineeFactory(operation=operation, nationality=Country.objects.get(code=code))
    return operation


def drug_kg(operation) -> Decimal:
    return operation.evidence_items.filter(category="drug").aggregate(kg=Sum("quantity_kg"))["kg"]


def test_a_second_report_of_the_paita_seizure_merged_in_counts_it_once(client, reviewer, second_reviewer):
    survivor = factories.verify_checked(operation=paita_report(), by=reviewer)
    duplicate = paita_report(kg="3080")  # "some 3,080 kg": within the same-event tolerance

    operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same seizure")
    factories.verify_checked(operation=survivor, by=reviewer)

    assert (drug_kg(survivor), survivor.detainees.count()) == (Decimal("3082"), 4)
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {factories.partner_api_key()[1]}"
    stats = client.get("/api/v1/stats/").json()
    assert stats["operations"] == 1
    assert [(d["drug_type"], Decimal(d["kg"])) for d in stats["drugs"]] == [("cocaine", Decimal("3082"))]
    assert stats["detainees"] == 4


def test_detainees_are_reconciled_by_nationality_never_summed(pair_of_reports, second_reviewer):
    survivor, _ = pair_of_reports
    duplicate = paita_report(nationalities=("PE", "PE", "VE", "VE", "CO"))

    operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same seizure")

    codes = sorted(survivor.detainees.values_list("nationality_id", flat=True))
    assert codes == ["CO", "PE", "PE", "VE", "VE"]  # the fifth person is new; the four are the same four


def test_detainees_known_by_name_are_paired_by_name_whatever_the_spelling(reviewer, second_reviewer):
    survivor, duplicate = paita_report(nationalities=("PE",)), paita_report(nationalities=("PE",))
    survivor.detainees.update(name="Rosa Huamán")
    duplicate.detainees.update(name="ROSA HUAMAN")
    factories.DetaineeFactory(operation=duplicate, name="Luis Ramos")

    operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same seizure")

    assert sorted(survivor.detainees.values_list("name", flat=True)) == ["Luis Ramos", "Rosa Huamán"]


@pytest.fixture
def pair_of_reports(reviewer):
    return factories.verify_checked(operation=paita_report(), by=reviewer), paita_report()


def test_a_pair_takes_the_value_the_reviewer_picks_and_the_undo_gives_the_old_one_back(reviewer, second_reviewer):
    survivor, duplicate = paita_report(kg="3082"), paita_report(kg="3080")
    ours, theirs = survivor.evidence_items.get(), duplicate.evidence_items.get()
    before = {"survivor": parts(survivor), "duplicate": parts(duplicate)}
    plan = MergePlan(items=[Pair(ours.pk, theirs.pk, KEEP_DUPLICATE)])

    merge = operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same", plan=plan)

    ours.refresh_from_db()
    assert (ours.operation_id, ours.quantity_kg) == (survivor.pk, Decimal("3080"))
    assert survivor.evidence_items.count() == 1
    # The duplicate's own item stays with the duplicate (its report's value, for the record).
    assert EvidenceItem.objects.get(pk=theirs.pk).operation_id == duplicate.pk

    operation_unmerge(merge=merge, by=second_reviewer)

    ours.refresh_from_db()
    assert ours.quantity_kg == Decimal("3082")
    assert {"survivor": parts(survivor), "duplicate": parts(duplicate)} == before


def test_a_citation_of_a_paired_item_supports_the_one_item_and_goes_back_on_undo(reviewer, second_reviewer):
    survivor, duplicate = paita_report(), paita_report()
    ours, theirs = survivor.evidence_items.get(), duplicate.evidence_items.get()
    quote = factories.CitationFactory(operation=duplicate, evidence_item=theirs)

    merge = operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same")

    quote.refresh_from_db()
    assert (quote.operation_id, quote.evidence_item_id) == (survivor.pk, ours.pk)
    operation_unmerge(merge=merge, by=second_reviewer)
    quote.refresh_from_db()
    assert (quote.operation_id, quote.evidence_item_id) == (duplicate.pk, theirs.pk)


def test_after_an_undo_the_duplicate_waits_until_the_survivor_no_longer_publishes_its_parts(reviewer, second_reviewer):
    survivor = factories.verify_checked(operation=paita_report(nationalities=()), by=reviewer)
    duplicate = factories.verify_checked(operation=paita_report(kg="50", nationalities=()), by=reviewer)
    item = duplicate.evidence_items.get()  # 50 kg against 3,082: not paired, so it moves
    merge = operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="same event")
    operation_verify(operation=survivor, by=reviewer)  # now partners have the 50 kg in the survivor
    operation_unmerge(merge=merge, by=second_reviewer)
    factories.check(duplicate, by=second_reviewer)

    with pytest.raises(WorkflowError, match=rf"Evidence item #{item.pk} is still published as part of operation"):
        operation_verify(operation=duplicate, by=reviewer)
    assert PublishedPart.objects.get(kind="evidence_item", part_id=item.pk).publication.operation_id == survivor.pk

    factories.verify_checked(operation=survivor, by=reviewer)
    operation_verify(operation=duplicate, by=reviewer)

    assert PublishedPart.objects.get(kind="evidence_item", part_id=item.pk).publication.operation_id == duplicate.pk


def test_the_database_refuses_one_item_in_two_publications(reviewer):
    first, second = factories.verified_operation(by=reviewer), factories.verified_operation(by=reviewer)
    item = first.evidence_items.first()
    other = PublishedOperation.objects.get(operation=second)

    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedPart.objects.create(publication=other, kind=PublishedPart.Kind.EVIDENCE_ITEM, part_id=item.pk)
