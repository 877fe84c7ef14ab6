"""Likely duplicates: other operations that may be the same event reported again.

A candidate is in the same country and either took place within three days with a drug of
the same type whose weight is within 2%, or at the same place on the same day. Pairs a
reviewer judged different (`DuplicateDecision`) are not proposed again; pairs judged the same
are merged (`seizures.services.operation_merge`).
"""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from seizures import vocabularies as vocab
from seizures.merging import SAME_EVENT_WEIGHT_TOLERANCE
from seizures.models import DuplicateDecision, EvidenceItem, Operation
from seizures.services import VERIFY_PERMISSION, WorkflowError, operation_merge

DAYS_APART = 3
# The same tolerance pairs the items of a merge (seizures.merging).
WEIGHT_TOLERANCE = SAME_EVENT_WEIGHT_TOLERANCE
MOST = 10


def likely_duplicates(operation: Operation) -> list[Operation]:
    """At most MOST candidates, nearest in date first."""
    window = datetime.timedelta(days=DAYS_APART)
    same_drug = Q()
    for drug_type, kg in operation.evidence_items.filter(
        category=vocab.EvidenceCategory.DRUG, quantity_kg__isnull=False
    ).values_list("drug_type", "quantity_kg"):
        same_drug |= Q(
            drug_type=drug_type,
            quantity_kg__gte=kg * (1 - WEIGHT_TOLERANCE),
            quantity_kg__lte=kg * (1 + WEIGHT_TOLERANCE),
        )
    matches = Q(date_start=operation.date_start, place__iexact=operation.place) if operation.place else Q(pk__in=[])
    if same_drug:
        weighed = EvidenceItem.objects.filter(same_drug, operation=OuterRef("pk"))
        matches |= Q(
            Exists(weighed),
            date_start__gte=operation.date_start - window,
            date_start__lte=operation.date_start + window,
        )
    decided = DuplicateDecision.objects.filter(
        Q(first=operation, second=OuterRef("pk")) | Q(first=OuterRef("pk"), second=operation)
    )
    candidates = (
        Operation.objects.filter(matches, country_id=operation.country_id)
        .exclude(pk=operation.pk)
        .exclude(status__in=Operation.FROZEN_STATUSES)
        .exclude(Exists(decided))
        .select_related("country", "subdivision")
    )
    return sorted(candidates[: MOST * 2], key=lambda c: (abs((c.date_start - operation.date_start).days), c.pk))[:MOST]


def _pair(a: Operation, b: Operation) -> tuple[Operation, Operation]:
    return (a, b) if a.pk < b.pk else (b, a)


def _record(operation: Operation, other: Operation, *, same: bool, by) -> DuplicateDecision:
    first, second = _pair(operation, other)
    decision, _ = DuplicateDecision.objects.update_or_create(
        first=first, second=second, defaults={"same": same, "decided_by": by, "decided_at": timezone.now()}
    )
    return decision


@transaction.atomic
def duplicate_reject(*, operation: Operation, other: Operation, by) -> DuplicateDecision:
    """Record that `operation` and `other` are different events: the pair is not proposed again."""
    if by is None or not by.has_perm(VERIFY_PERMISSION):
        raise WorkflowError("You do not have permission to judge duplicates.")
    if operation.pk == other.pk:
        raise WorkflowError("An operation is always the same event as itself.")
    return _record(operation, other, same=False, by=by)


@transaction.atomic
def duplicate_merge(*, survivor: Operation, duplicate: Operation, by, reason: str, plan=None):
    """Record that the two are the same event, and merge `duplicate` into `survivor` (`plan`:
    which of their parts are the same, as `operation_merge` takes it)."""
    merge = operation_merge(survivor=survivor, duplicate=duplicate, by=by, reason=reason, plan=plan)
    _record(survivor, duplicate, same=True, by=by)
    return merge
