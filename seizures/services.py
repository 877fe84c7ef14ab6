"""The review workflow: every change of an operation's status, and every edit, goes through here.

    draft ──submit──▶ needs_review ──verify──▶ verified
      │                 │   ▲                    │
      └──────reject─────┴───┼── edit ◀───────────┘   (the verified version stays published)
                  ▼         │
              rejected ──reopen──▶ needs_review    (verified ──reopen──▶ needs_review, withdrawn)

Two reports of one event are merged (`operation_merge`): the duplicate's parts move to the
survivor, and the duplicate becomes `merged`, a pointer to it, until the merge is undone
(`operation_unmerge`).

Admin actions, API views and management commands call these functions; nothing else sets
`Operation.status`. Verifying publishes the verified version to partners; rejecting or
reopening a published operation withdraws it (`partners.publication`). Each function runs in one transaction, locks the operation row where two
people could race, and leaves a history row saying who did what.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from partners.models import OperationRemoval
from partners.publication import publish, withdraw
from seizures.models import (
    OPERATION_WORKFLOW_FIELDS,
    Detainee,
    EvidenceItem,
    Operation,
    OperationMerge,
    VerifiedVersion,
)
from seizures.snapshots import operation_snapshot

Status = Operation.Status
VERIFY_PERMISSION = "seizures.verify_operation"
EDIT_PERMISSION = "seizures.change_operation"


EDIT_BOOKKEEPING = ["version", "last_edited_by", "last_edited_at", "updated_at"]


def operation_fact_fields() -> list[str]:
    """The fields an edit may change: the facts of the operation, not its record-keeping."""
    managed = {*OPERATION_WORKFLOW_FIELDS, *EDIT_BOOKKEEPING, "public_id", "created_by", "created_at"}
    return [f.name for f in Operation._meta.concrete_fields if not f.primary_key and f.name not in managed]


class WorkflowError(Exception):
    """A transition or edit that the rules refuse. The message is meant for the user."""


class ConcurrentEditError(WorkflowError):
    pass


class VerifyRefused(WorkflowError):
    """Verification refused; `reasons` lists each thing still open."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("Not verified. " + " ".join(reasons))


def _lock(operation: Operation) -> Operation:
    # Row lock until the transaction ends: two reviewers verifying, or a reviewer verifying
    # while an editor saves, must happen one after the other, each seeing the other's result.
    return Operation.objects.select_for_update().get(pk=operation.pk)


def _require(user, permission: str, action: str) -> None:
    if user is None or not user.has_perm(permission):
        raise WorkflowError(f"You do not have permission to {action} operations.")


def _who(user) -> str:
    if user is None:
        return "the extractor"
    return user.get_full_name() or user.get_username()


def concurrent_edit_message(current: Operation) -> str:
    editor = _who(current.last_edited_by)
    when = timezone.localtime(current.last_edited_at).strftime("%Y-%m-%d %H:%M") if current.last_edited_at else "?"
    return (
        f"{editor} saved this operation at {when} while you were editing it. "
        "Your changes were not saved: reload the page to see theirs, then make your changes again."
    )


def value_checkers(operation: Operation) -> set[int]:
    """Ids of the people who answer for the operation's current values: who decided or edited
    them since it was last verified. The extractor is nobody. If nobody did (reopened, or sent
    back by a new source, with nothing changed yet), the values are still those the people of
    the verification before decided, and they are the ones who answer for them."""
    from sources.models import FieldDecision

    times = list(operation.verified_versions.order_by("-verified_at").values_list("verified_at", flat=True))
    bounds = [None, *times]  # newest first: (times[0], now], (times[1], times[0]], ...
    for upper, lower in zip(bounds, [*times, None], strict=True):
        edits = Operation.history.filter(id=operation.pk, last_edited_by__isnull=False)
        decisions = FieldDecision.history.filter(operation_id=operation.pk, history_user__isnull=False)
        if lower is not None:
            edits, decisions = edits.filter(last_edited_at__gt=lower), decisions.filter(history_date__gt=lower)
        if upper is not None:
            edits, decisions = edits.filter(last_edited_at__lte=upper), decisions.filter(history_date__lte=upper)
        people = set(edits.values_list("last_edited_by", flat=True)) | set(
            decisions.values_list("history_user", flat=True)
        )
        if people:
            return people
    return set()


def four_eyes_blocks(*, operation: Operation, by) -> bool:
    """Whether the four-eyes rule stops `by` from verifying `operation`: they decided or
    edited its values (`value_checkers`), or nobody but them would have checked it."""
    if not settings.SEIZURES_FOUR_EYES:
        return False
    checkers = value_checkers(operation)
    return not checkers or by.pk in checkers


def verify_blockers(*, operation: Operation, by, open_fields: list[tuple[str, str]] | None = None) -> list[str]:
    """Why `by` may not verify `operation` now, one sentence a reason; empty if they may.
    Every path that verifies (the button, the bulk action, the keyboard, a command) goes
    through `operation_verify`, which refuses with these; pages call it to say so early
    (passing the `open_fields` of the rows they show, or they are read here)."""
    from sources import review

    if operation.status != Status.NEEDS_REVIEW:
        return [
            f"Only operations that need review can be verified; this one is {operation.get_status_display().lower()}."
        ]
    reasons = []
    if not operation.citations.exists():
        reasons.append("An operation needs at least one citation from a source before it can be verified.")
    open_ = review.open_fields(operation) if open_fields is None else open_fields
    if open_:
        reasons.append(
            "Every value the extractor proposed needs a person's decision first; still open: "
            + "; ".join(f"{label} ({why})" for label, why in open_)
            + "."
        )
    if settings.SEIZURES_FOUR_EYES:
        checkers = value_checkers(operation)
        if not checkers:
            reasons.append(
                "No person has decided or edited its values yet: one reviewer checks them, "
                "another verifies (four-eyes rule)."
            )
        elif by.pk in checkers:
            reasons.append(
                "You decided or edited its values since it was last verified, so another reviewer must "
                "verify it (four-eyes rule)."
            )
    reasons += _published_elsewhere(operation)
    return reasons


def _published_elsewhere(operation: Operation) -> list[str]:
    from partners.publication import parts_published_elsewhere

    parts = {
        "evidence_items": [{"id": pk} for pk in operation.evidence_items.values_list("pk", flat=True)],
        "detainees": [{"id": pk} for pk in operation.detainees.values_list("pk", flat=True)],
    }
    clashes = parts_published_elsewhere(operation=operation, snapshot=parts, leaving=merged_into(operation))
    names = {"evidence_item": "Evidence item", "detainee": "Detainee"}
    return [
        f"{names[kind]} #{pk} is still published as part of operation #{other} (a merge was undone): "
        f"verify #{other} again first, so that partners never count it twice."
        for kind, pk, other in clashes
    ]


# django-simple-history keeps a change's reason in 100 characters.
HISTORY_REASON_LENGTH = 100


def history_reason(text: str) -> str:
    """`text` cut to what the history keeps (a rejection's reason may be a paragraph; the
    operation keeps it whole in `rejection_reason`)."""
    if len(text) <= HISTORY_REASON_LENGTH:
        return text
    return text[: HISTORY_REASON_LENGTH - 1].rstrip() + "…"


def _save(operation: Operation, *, by, fields: list[str], reason: str) -> None:
    operation._history_user = by
    operation._change_reason = history_reason(reason)
    operation.save(update_fields=[*fields, "updated_at"])


def _set_status(operation: Operation, status: str, *, by) -> list[str]:
    operation.status = status
    operation.status_changed_at = timezone.now()
    operation.status_changed_by = by
    # Whatever the change, the review someone had claimed is over.
    operation.claimed_by = None
    operation.claimed_at = None
    return ["status", "status_changed_at", "status_changed_by", "claimed_by", "claimed_at"]


def operation_claim(*, operation: Operation, by: AbstractBaseUser):
    """Claim an operation in review for `by`, unless someone else holds a claim that has not
    lapsed (settings.SEIZURES_CLAIM_MINUTES). Returns who holds the claim now (None if the
    operation is not in review). One UPDATE, so two reviewers opening it at once cannot both
    get it. Claims are advisory: they are shown, and they order the inbox; they refuse nothing."""
    now = timezone.now()
    lapsed = now - timedelta(minutes=settings.SEIZURES_CLAIM_MINUTES)
    claimable = Q(claimed_by__isnull=True) | Q(claimed_by=by) | Q(claimed_at__lt=lapsed)
    from seizures.models import fields_decided_by

    may_verify = ~Q(last_edited_by=by)
    if settings.SEIZURES_FOUR_EYES:
        # Whoever made the last edit, or decided a field, cannot verify (as `to_review_by`
        # reckons it): they neither take a claim nor keep others out.
        claimable |= Q(claimed_by=F("last_edited_by")) | Q(Exists(fields_decided_by()))
        may_verify &= ~Q(Exists(fields_decided_by(by)))
    else:
        may_verify = Q()
    Operation.objects.filter(claimable, may_verify, pk=operation.pk, status=Status.NEEDS_REVIEW).update(
        claimed_by=by, claimed_at=now
    )
    current = (
        Operation.objects.select_related("claimed_by")
        .annotate(claimant_decided=Exists(fields_decided_by()))
        .get(pk=operation.pk)
    )
    operation.claimed_by, operation.claimed_at = current.claimed_by, current.claimed_at
    if current.status != Status.NEEDS_REVIEW or current.claimed_at is None or current.claimed_at < lapsed:
        return None
    if settings.SEIZURES_FOUR_EYES and (current.claimed_by_id == current.last_edited_by_id or current.claimant_decided):
        return None
    return current.claimed_by


def claim_lapses_at(operation: Operation):
    return operation.claimed_at + timedelta(minutes=settings.SEIZURES_CLAIM_MINUTES) if operation.claimed_at else None


@transaction.atomic
def operation_create(*, by: AbstractBaseUser | None, operation: Operation, submit: bool = False) -> Operation:
    """Save a new operation built by a person (a draft) or by the extractor (`by=None`,
    straight into review). `operation` is an unsaved, validated instance."""
    if operation.pk is not None:
        raise WorkflowError("This operation already exists.")
    if operation.date_end is None:
        operation.date_end = operation.date_start
    operation.status = Status.NEEDS_REVIEW if (by is None or submit) else Status.DRAFT
    operation.created_by = by
    operation.last_edited_by = by
    operation.last_edited_at = timezone.now()
    operation.status_changed_at = operation.last_edited_at
    operation.status_changed_by = by
    operation._history_user = by
    operation._change_reason = "created"
    operation.save()
    return operation


def _mark_edited(operation: Operation, *, current: Operation, by: AbstractBaseUser) -> str:
    """Set the bookkeeping of an edit on `operation` from the locked row `current`; return
    what the history row should add to its reason."""
    if current.status == Status.REJECTED:
        raise WorkflowError("This operation was rejected. Reopen it before editing it.")
    if current.status == Status.MERGED:
        raise WorkflowError(f"This operation was merged into #{current.merged_into_id}: edit that one instead.")
    # The workflow's fields always come from the locked row, never from the caller's copy,
    # which may predate a transition (transitions do not bump the version).
    for name in OPERATION_WORKFLOW_FIELDS:
        attname = Operation._meta.get_field(name).attname
        setattr(operation, attname, getattr(current, attname))
    operation.version = current.version + 1
    operation.last_edited_by = by
    operation.last_edited_at = timezone.now()
    if current.status == Status.VERIFIED:
        _set_status(operation, Status.NEEDS_REVIEW, by=by)
        return "; back to review (the verified version stays published)"
    return ""


@transaction.atomic
def operation_update(
    *, operation: Operation, by: AbstractBaseUser, expected_version: int | None = None, reason: str = "edited"
) -> Operation:
    """Save an edited operation: `operation` carries the new field values; its items,
    detainees and citations, if they changed too, are saved by the caller in the same
    transaction.

    Refuses the edit when someone saved the operation since the editor loaded it
    (`expected_version`), so a second reviewer never silently overwrites the first.
    Editing a verified operation sends it back to review; its verified version stays what
    partners see until the edit is verified.
    """
    _require(by, EDIT_PERMISSION, "edit")
    current = _lock(operation)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError(concurrent_edit_message(current))
    reason += _mark_edited(operation, current=current, by=by)
    operation._history_user = by
    operation._change_reason = history_reason(reason)
    operation.save(update_fields=[*operation_fact_fields(), *EDIT_BOOKKEEPING, *OPERATION_WORKFLOW_FIELDS])
    return operation


@transaction.atomic
def operation_touch(*, operation: Operation, by: AbstractBaseUser, reason: str) -> Operation:
    """Record an edit of something that belongs to `operation` (an evidence item, a
    detainee, a citation) made outside the operation's own form. Only the bookkeeping is
    written, so a stale copy of the operation can never overwrite its fields."""
    _require(by, EDIT_PERMISSION, "edit")
    current = _lock(operation)
    _touch_locked(current, by=by, reason=reason)
    return current


def _touch_locked(operation: Operation, *, by, reason: str) -> None:
    """The bookkeeping of an edit of `operation`'s parts, on a row this transaction locked."""
    reason += _mark_edited(operation, current=operation, by=by)
    fields = ["version", "last_edited_by", "last_edited_at", "status", "status_changed_at", "status_changed_by"]
    _save(operation, by=by, fields=fields, reason=reason)


@transaction.atomic
def operation_source_added(*, operation: Operation, source) -> Operation:
    """The extractor cited another report (`source`) on `operation`. A verified operation
    changed by it goes back to review like any edit, partners keeping its verified version,
    and the inbox shows it as having a new source since it was verified. Nobody edited it:
    its editors stay who they were, so four eyes still count the people who checked it."""
    current = _lock(operation)
    if current.status != Status.VERIFIED:
        return current
    fields = _set_status(current, Status.NEEDS_REVIEW, by=None)
    # A page opened before this shows a record without the new source: it cannot verify.
    current.version += 1
    label = f"#{source.pk}" + (f" ({source.outlet})" if source.outlet else "")
    _save(current, by=None, fields=[*fields, "version"], reason=f"new source since verified: {label}")
    return current


def operation_refresh_newest_source(*, operation_ids) -> None:
    """Recompute the queue's ordering date of these operations: the publication date of the
    newest source citing each. Called whenever citations or a source's date change."""
    from sources.models import Citation

    newest = (
        Citation.objects.filter(operation=OuterRef("pk"), source__published__isnull=False)
        .order_by("-source__published")
        .values("source__published")[:1]
    )
    Operation.objects.filter(pk__in=list(operation_ids)).update(newest_source_date=Subquery(newest))


@transaction.atomic
def operation_submit(*, operation: Operation, by: AbstractBaseUser) -> Operation:
    _require(by, EDIT_PERMISSION, "submit")
    operation = _lock(operation)
    if operation.status != Status.DRAFT:
        raise WorkflowError(
            f"Only drafts can be submitted for review; this one is {operation.get_status_display().lower()}."
        )
    fields = _set_status(operation, Status.NEEDS_REVIEW, by=by)
    _save(operation, by=by, fields=fields, reason="submitted for review")
    return operation


@transaction.atomic
def operation_verify(*, operation: Operation, by: AbstractBaseUser, expected_version: int | None = None) -> Operation:
    """Verify an operation in review. With `expected_version` (the version the reviewer's page
    showed), refuse if it was changed since: a reviewer never verifies values they did not see."""
    _require(by, VERIFY_PERMISSION, "verify")
    operation = _lock(operation)
    if (
        expected_version is not None
        and operation.version != expected_version
        and operation.status == Status.NEEDS_REVIEW
    ):
        editor = _who(operation.last_edited_by) if operation.last_edited_by_id else "Someone"
        raise ConcurrentEditError(
            f"{editor} changed this operation after you opened it, so it was not verified: "
            "reload the page, check the changes, then verify."
        )
    blockers = verify_blockers(operation=operation, by=by)
    if blockers:
        raise VerifyRefused(blockers)
    _withdraw_merged_into(operation, by=by)
    now = timezone.now()
    number = (operation.verified_versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = VerifiedVersion.objects.create(
        operation=operation, number=number, data=operation_snapshot(operation), verified_by=by, verified_at=now
    )
    operation.verified_version = version
    fields = [*_set_status(operation, Status.VERIFIED, by=by), "verified_version", "rejection_reason"]
    operation.rejection_reason = ""
    _save(operation, by=by, fields=fields, reason=f"verified (version {number})")
    publish(operation=operation, verified_version=version)
    return operation


@transaction.atomic
def operation_reject(*, operation: Operation, by: AbstractBaseUser, reason: str) -> Operation:
    """Reject an operation that is not a real seizure event (an aggregate, a duplicate
    report, a misreading). It is withdrawn from partners if it had been verified before."""
    _require(by, VERIFY_PERMISSION, "reject")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Say why the operation is rejected.")
    operation = _lock(operation)
    if operation.status not in (Status.DRAFT, Status.NEEDS_REVIEW):
        raise WorkflowError(
            f"Only drafts and operations in review can be rejected; this one is {operation.get_status_display().lower()}."
        )
    operation.rejection_reason = reason
    operation.verified_version = None
    fields = [*_set_status(operation, Status.REJECTED, by=by), "rejection_reason", "verified_version"]
    _save(operation, by=by, fields=fields, reason=f"rejected: {reason}")
    withdraw(operation=operation, reason=OperationRemoval.Reason.REJECTED)
    return operation


@transaction.atomic
def operation_reopen(*, operation: Operation, by: AbstractBaseUser, reason: str = "") -> Operation:
    """Send a verified or rejected operation back to review. A verified one is withdrawn
    from partners until it is verified again."""
    _require(by, VERIFY_PERMISSION, "reopen")
    operation = _lock(operation)
    if operation.status not in (Status.VERIFIED, Status.REJECTED):
        raise WorkflowError(
            f"Only verified or rejected operations can be reopened; this one is {operation.get_status_display().lower()}."
        )
    operation.verified_version = None
    operation.rejection_reason = ""
    fields = [*_set_status(operation, Status.NEEDS_REVIEW, by=by), "verified_version", "rejection_reason"]
    reason = (reason or "").strip()
    _save(operation, by=by, fields=fields, reason=f"reopened: {reason}" if reason else "reopened")
    withdraw(operation=operation, reason=OperationRemoval.Reason.UNVERIFIED)
    return operation


# --- Merging duplicates ------------------------------------------------------------------

# The countries and agencies a merge adds to the survivor, by the name of their relation.
MERGED_RELATIONS = ["agencies", "destinations", "transit"]


def _lock_pair(first: Operation, second: Operation) -> tuple[Operation, Operation]:
    # Always in the same order, so two merges of the same pair cannot deadlock.
    rows = {op.pk: op for op in Operation.objects.select_for_update().filter(pk__in=[first.pk, second.pk])}
    return rows[first.pk], rows[second.pk]


def _move(children, *, to: Operation, by, reason: str, **also) -> list[int]:
    moved = []
    for child in children:
        child.operation = to
        for name, value in also.items():
            setattr(child, name, value)
        child._history_user = by
        child._change_reason = history_reason(reason)
        child.save(update_fields=["operation", *also])
        moved.append(child.pk)
    return moved


def _save_part(part, *, by, reason: str, fields: list[str]) -> None:
    part._history_user = by
    part._change_reason = history_reason(reason)
    part.save(update_fields=fields)


def merged_into(operation: Operation) -> list[Operation]:
    """The operations merged into `operation`, and those merged into them, and so on."""
    found, todo = [], [operation.pk]
    while todo:
        rows = list(Operation.objects.filter(merged_into_id__in=todo, status=Status.MERGED))
        found += rows
        todo = [row.pk for row in rows]
    return found


def _withdraw_merged_into(operation: Operation, *, by) -> None:
    """`operation` is being verified: the operations merged into it since it was last verified,
    which partners kept while the merge waited for review, leave the feed for it now."""
    for duplicate in merged_into(operation):
        if duplicate.verified_version_id is not None:
            duplicate.verified_version = None
            _save(
                duplicate,
                by=by,
                fields=["verified_version"],
                reason=f"withdrawn: #{operation.pk}, which holds it, verified",
            )
        elif not OperationRemoval.objects.filter(public_id=duplicate.public_id).exclude(
            reason=OperationRemoval.Reason.MERGED, surviving_public_id=operation.public_id
        ):
            continue  # never published, or partners were told already
        # Partners who were told it was back in review now learn that it will not come back.
        withdraw(operation=duplicate, reason=OperationRemoval.Reason.MERGED, surviving=operation)


def possible_duplicate_parts(operation: Operation) -> list[dict]:
    """Pairs of `operation`'s items, detainees or citations that look like one thing reported
    twice (as happens when two reports of one event are merged), for a reviewer to look at."""
    from sources.models import Citation

    pairs = []

    def pair_up(kind: str, rows, key):
        seen = {}
        for row in rows:
            k = key(row)
            if k is None:
                continue
            if k in seen:
                pairs.append({"kind": kind, "ids": [seen[k], row.pk]})
            else:
                seen[k] = row.pk

    pair_up(
        "evidence_item",
        operation.evidence_items.order_by("pk"),
        lambda i: (i.category, i.drug_type, i.quantity, i.unit, i.currency) if i.quantity is not None else None,
    )
    pair_up(
        "detainee",
        operation.detainees.order_by("pk"),
        lambda d: ("name", d.name.strip().casefold()) if d.name.strip() else None,
    )
    pair_up(
        "citation",
        Citation.objects.filter(operation=operation).order_by("pk"),
        lambda c: (
            (c.source_id, c.start, c.end, c.evidence_item_id, c.detainee_id, c.field) if c.start is not None else None
        ),
    )
    return pairs


def _json_value(value):
    return format(value, "f") if isinstance(value, Decimal) else value


@transaction.atomic
def operation_merge(
    *, survivor: Operation, duplicate: Operation, by: AbstractBaseUser, reason: str, plan=None
) -> OperationMerge:
    """Make `duplicate` part of `survivor`, counting what both report once.

    `plan` (a `seizures.merging.MergePlan`; `default_plan` if None) pairs the items and the
    detainees that are the same ones reported twice. A pair stays one: the survivor's item,
    with the duplicate's values if the plan keeps them, and the duplicate's citations of it
    pointing at it; the duplicate's own item stays behind with the duplicate. Unpaired items
    and detainees, and every citation, move over; agencies and countries are added.

    The survivor changed, so it goes (back) to review. Until it is verified, partners keep
    both verified versions: the duplicate leaves their feed (reason `merged`) when the
    survivor is verified (`operation_verify`). `operation_unmerge` undoes the merge exactly.
    """
    from seizures.merging import (
        DETAINEE_FIELDS,
        ITEM_VALUE_FIELDS,
        KEEP_DUPLICATE,
        PlanError,
        checked_plan,
        default_plan,
    )
    from sources.models import Citation

    _require(by, VERIFY_PERMISSION, "merge")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Say why the two are the same event: the reason stays with the merge.")
    if survivor.pk == duplicate.pk:
        raise WorkflowError("An operation cannot be merged into itself.")
    survivor, duplicate = _lock_pair(survivor, duplicate)
    for operation in (survivor, duplicate):
        if operation.status == Status.MERGED:
            raise WorkflowError(f"#{operation.pk} was already merged into #{operation.merged_into_id}.")
        if operation.status == Status.REJECTED:
            raise WorkflowError(f"#{operation.pk} was rejected: reopen it before merging it.")
    try:
        plan = checked_plan(
            plan if plan is not None else default_plan(survivor, duplicate), survivor=survivor, duplicate=duplicate
        )
    except PlanError as error:
        raise WorkflowError(str(error)) from None
    note = f"moved from #{duplicate.pk} by a merge into #{survivor.pk}"
    same_items = {pair.duplicate: pair for pair in plan.items}
    same_people = {pair.duplicate: pair for pair in plan.detainees}

    # One item, one person: the survivor's takes what the plan keeps of its twin.
    restore = {"evidence_items": {}, "detainees": {}}
    items = {item.pk: item for item in EvidenceItem.objects.filter(operation__in=[survivor, duplicate])}
    for pair in plan.items:
        mine, theirs = items[pair.survivor], items[pair.duplicate]
        if pair.keep == KEEP_DUPLICATE:
            restore["evidence_items"][mine.pk] = {f: _json_value(getattr(mine, f)) for f in ITEM_VALUE_FIELDS}
            for name in ITEM_VALUE_FIELDS:
                setattr(mine, name, getattr(theirs, name))
            _save_part(
                mine, by=by, reason=f"values of #{duplicate.pk}'s report taken by a merge", fields=ITEM_VALUE_FIELDS
            )
    people = {person.pk: person for person in Detainee.objects.filter(operation__in=[survivor, duplicate])}
    for pair in plan.detainees:
        mine, theirs = people[pair.survivor], people[pair.duplicate]
        filled = [f for f in DETAINEE_FIELDS if getattr(mine, f) in (None, "") and getattr(theirs, f) not in (None, "")]
        if filled:
            restore["detainees"][mine.pk] = {f: getattr(mine, Detainee._meta.get_field(f).attname) for f in filled}
            for name in filled:
                setattr(mine, name, getattr(theirs, name))
            _save_part(mine, by=by, reason=f"completed from #{duplicate.pk}'s report by a merge", fields=filled)

    # Citations of a part reported twice now support the one kept.
    retargeted = {}
    citations = list(Citation.objects.filter(operation=duplicate).order_by("pk"))
    for citation in citations:
        if citation.evidence_item_id in same_items:
            retargeted[citation.pk] = ["evidence_item", citation.evidence_item_id]
            citation.evidence_item_id = same_items[citation.evidence_item_id].survivor
        elif citation.detainee_id in same_people:
            retargeted[citation.pk] = ["detainee", citation.detainee_id]
            citation.detainee_id = same_people[citation.detainee_id].survivor
    moved = {
        "evidence_items": _move(
            duplicate.evidence_items.exclude(pk__in=same_items).order_by("pk"), to=survivor, by=by, reason=note
        ),
        "detainees": _move(
            duplicate.detainees.exclude(pk__in=same_people).order_by("pk"), to=survivor, by=by, reason=note
        ),
        "citations": [],
    }
    for citation in citations:
        moved["citations"] += _move(
            [citation],
            to=survivor,
            by=by,
            reason=note,
            evidence_item_id=citation.evidence_item_id,
            detainee_id=citation.detainee_id,
        )
    for relation in MERGED_RELATIONS:
        theirs = getattr(duplicate, relation).all()
        added = sorted(
            set(theirs.values_list("pk", flat=True)) - set(getattr(survivor, relation).values_list("pk", flat=True))
        )
        getattr(survivor, relation).add(*added)
        moved[relation] = added
    moved["plan"] = plan.to_json()
    moved["restore"] = restore
    moved["retargeted"] = retargeted

    # The duplicate keeps its verified version (partners keep it) until the survivor is verified.
    duplicate.merged_into = survivor
    fields = [*_set_status(duplicate, Status.MERGED, by=by), "merged_into"]
    _save(duplicate, by=by, fields=fields, reason=f"merged into #{survivor.pk}: {reason}")

    _touch_locked(survivor, by=by, reason=f"#{duplicate.pk} merged into it")
    operation_refresh_newest_source(operation_ids=[survivor.pk, duplicate.pk])
    return OperationMerge.objects.create(
        survivor=survivor,
        duplicate=duplicate,
        reason=reason,
        merged_by=by,
        merged_at=timezone.now(),
        moved=moved,
        possible_duplicates=possible_duplicate_parts(survivor),
    )


@transaction.atomic
def operation_unmerge(*, merge: OperationMerge, by: AbstractBaseUser) -> Operation:
    """Undo `merge`: what it moved and is still on the survivor goes back to the duplicate,
    citations it pointed at the survivor's items and detainees point at the duplicate's again,
    values it gave the survivor's parts are put back, the countries and agencies it added are
    taken off, and the duplicate returns to review. Partners who still had the duplicate
    (the survivor was not verified since) keep it; those who were told it was merged learn
    it may come back. Returns the duplicate."""
    from sources.models import Citation

    _require(by, VERIFY_PERMISSION, "undo merges of")
    merge = OperationMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise WorkflowError("This merge was undone already.")
    survivor, duplicate = _lock_pair(merge.survivor, merge.duplicate)
    if duplicate.status != Status.MERGED or duplicate.merged_into_id != survivor.pk:
        raise WorkflowError(f"#{duplicate.pk} is no longer merged into #{survivor.pk}.")
    if survivor.status == Status.MERGED:
        raise WorkflowError(f"#{survivor.pk} was merged into #{survivor.merged_into_id} since: undo that merge first.")
    note = f"moved back to #{duplicate.pk}: merge into #{survivor.pk} undone"
    moved = merge.moved
    for model, key in ((EvidenceItem, "evidence_items"), (Detainee, "detainees")):
        children = model.objects.filter(operation=survivor, pk__in=moved.get(key, [])).order_by("pk")
        _move(children, to=duplicate, by=by, reason=note)
    retargeted = moved.get("retargeted", {})
    for citation in Citation.objects.filter(operation=survivor, pk__in=moved.get("citations", [])).order_by("pk"):
        target = retargeted.get(str(citation.pk))
        also = {}
        if target is not None:
            name, pk = target
            model = EvidenceItem if name == "evidence_item" else Detainee
            # The duplicate's own part, if it is still there; else the citation supports the record.
            also = {f"{name}_id": pk if model.objects.filter(pk=pk, operation=duplicate).exists() else None}
        _move([citation], to=duplicate, by=by, reason=note, **also)
    for model, key in ((EvidenceItem, "evidence_items"), (Detainee, "detainees")):
        for pk, values in moved.get("restore", {}).get(key, {}).items():
            part = model.objects.filter(pk=int(pk), operation=survivor).first()
            if part is None:
                continue
            for name, value in values.items():
                field = model._meta.get_field(name)
                setattr(part, field.attname, field.to_python(value))
            _save_part(
                part, by=by, reason=note.replace("moved back to", "values given back: merge of"), fields=list(values)
            )
    for relation in MERGED_RELATIONS:
        getattr(survivor, relation).remove(*moved.get(relation, []))

    duplicate.merged_into = None
    fields = [*_set_status(duplicate, Status.NEEDS_REVIEW, by=by), "merged_into"]
    _save(duplicate, by=by, fields=fields, reason=f"merge into #{survivor.pk} undone")
    if duplicate.verified_version_id is None:
        # Partners were told it was merged: now it is back in review, and may return.
        withdraw(operation=duplicate, reason=OperationRemoval.Reason.UNVERIFIED)
    _touch_locked(survivor, by=by, reason=f"merge of #{duplicate.pk} undone")
    operation_refresh_newest_source(operation_ids=[survivor.pk, duplicate.pk])
    merge.undone_by = by
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_by", "undone_at"])
    return duplicate
