"""Batch ingestion: thousands of files taken in by background workers, with progress.

    batch = batch_create(files=[(name, data), ...], by=user, label="february/")
    batch_start(batch=batch)          # sends the work to the workers (inline without a broker)
    batch_progress(batch)             # counts by status, for the command line and the admin
    batch_cancel(batch=batch, by=user)
    batch_resume(batch=batch)         # after a worker or the broker was lost: the rest is done

Every file is an `IngestItem` in the database, and each is taken in inside one transaction
with the source and drafts it creates: a worker killed midway rolls its item back (still
pending, nothing saved), so running the batch again creates no source twice and loses none.
Workers take items with SELECT ... FOR UPDATE SKIP LOCKED, so several of them can work one
batch side by side; the broker only says "work on batch N", so a broker that restarts empty
loses no item either.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import structlog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from sources.ingestion import SUFFIXES, DuplicateSourceError, IngestError, source_from_bytes, source_ingest
from sources.models import IngestBatch, IngestItem
from sources.text import TextError, check_size

logger = structlog.get_logger(__name__)

Status = IngestItem.Status
# Rows written at a time when a batch is created from files.
CREATE_CHUNK = 200
# A running batch with pending items and no item done for this long has lost its workers.
STALLED_AFTER = datetime.timedelta(minutes=2)


class BatchError(Exception):
    """A batch that cannot be created, started, resumed or cancelled. Meant for the user."""


@dataclass(frozen=True)
class Progress:
    total: int
    pending: int
    created: int
    duplicate: int
    failed: int

    @property
    def done(self) -> int:
        return self.total - self.pending

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.done * 100 // self.total

    def __str__(self):
        return (
            f"{self.done:,} of {self.total:,} done: {self.created:,} created, "
            f"{self.duplicate:,} already ingested, {self.failed:,} failed"
        )


def batch_progress(batch: IngestBatch) -> Progress:
    counts = IngestItem.objects.filter(batch=batch).aggregate(
        total=Count("pk"), **{status: Count("pk", filter=Q(status=status)) for status in Status.values}
    )
    return Progress(
        total=counts["total"],
        pending=counts[Status.PENDING],
        created=counts[Status.CREATED],
        duplicate=counts[Status.DUPLICATE],
        failed=counts[Status.FAILED],
    )


def batch_create(*, files: Iterable[tuple[str, bytes | Exception]], by=None, label: str = "", metadata=None):
    """A batch of the given files, nothing started yet. A file given as an exception (one that
    could not be read) or that is too large or of the wrong type is recorded as failed at once
    with its reason, so the batch accounts for every file it was given."""
    metadata = dict(metadata or {})
    unknown = set(metadata) - {"outlet", "kind", "language", "published", "author"}
    if unknown:
        raise BatchError(f"Not batch metadata: {', '.join(sorted(unknown))}.")
    if isinstance(metadata.get("published"), datetime.date):
        metadata["published"] = metadata["published"].isoformat()
    with transaction.atomic():
        batch = IngestBatch.objects.create(label=label[:300], metadata=metadata, created_by=by)
        chunk: list[IngestItem] = []
        position = 0
        for position, (name, data) in enumerate(files, start=1):
            chunk.append(_item(batch, position, name, data))
            if len(chunk) >= CREATE_CHUNK:
                IngestItem.objects.bulk_create(chunk)
                chunk = []
        IngestItem.objects.bulk_create(chunk)
        if position == 0:
            raise BatchError("No files to ingest.")
        batch.total = position
        batch.save(update_fields=["total"])
    logger.info("batch_created", batch=batch.pk, files=batch.total)
    return batch


def _item(batch: IngestBatch, position: int, name: str, data: bytes | Exception) -> IngestItem:
    item = IngestItem(batch=batch, position=position, name=str(name)[:500])
    problem = None
    if isinstance(data, Exception):
        problem = str(data)
    elif not str(name).lower().endswith(tuple(SUFFIXES)):
        problem = "Unsupported file type: use .txt, .html or .json."
    else:
        try:
            check_size(len(data))
        except TextError as error:
            problem = str(error)
    if problem:
        item.status, item.message, item.finished_at = Status.FAILED, problem, timezone.now()
    else:
        item.content = data
    return item


def batch_start(*, batch: IngestBatch, workers: int = 1) -> None:
    """Send the batch to `workers` background workers (they share its items); without a
    broker, take it in here and now."""
    from sources.tasks import ingest_batch

    for _ in range(max(1, workers) if not settings.CELERY_TASK_ALWAYS_EAGER else 1):
        ingest_batch.delay(batch.pk)


def batch_resume(*, batch: IngestBatch, workers: int = 1) -> Progress:
    """Send the rest of a batch out again: after a worker died, the broker was restarted, or
    the batch was cancelled. Items done stay done; only pending ones are taken."""
    progress = batch_reopen(batch=batch)
    batch_start(batch=batch, workers=workers)
    return progress


def batch_reopen(*, batch: IngestBatch) -> Progress:
    """Mark a batch running again, with the progress it had, without sending it out: for a
    caller that runs it itself (`ingest_batch resume` without a broker)."""
    with transaction.atomic():
        batch = IngestBatch.objects.select_for_update().get(pk=batch.pk)
        progress = batch_progress(batch)
        if not progress.pending:
            raise BatchError(f"{batch} has nothing left to do ({progress}).")
        batch.status, batch.finished_at, batch.cancelled_by = IngestBatch.Status.RUNNING, None, None
        batch.save(update_fields=["status", "finished_at", "cancelled_by"])
    logger.info("batch_resumed", batch=batch.pk, pending=progress.pending)
    return progress


def batch_cancel(*, batch: IngestBatch, by=None) -> Progress:
    """Stop a running batch: workers finish the file in hand and take no other. What was
    taken in stays; the rest stays pending and can be resumed."""
    with transaction.atomic():
        batch = IngestBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != IngestBatch.Status.RUNNING:
            raise BatchError(f"{batch} is {batch.get_status_display().lower()}, not running.")
        batch.status, batch.cancelled_by, batch.finished_at = IngestBatch.Status.CANCELLED, by, timezone.now()
        batch.save(update_fields=["status", "cancelled_by", "finished_at"])
    logger.info("batch_cancelled", batch=batch.pk)
    return batch_progress(batch)


def is_stalled(batch: IngestBatch, progress: Progress, *, now=None) -> bool:
    """Running, with work left, and no item done for a while: its workers are gone."""
    if batch.status != IngestBatch.Status.RUNNING or not progress.pending:
        return False
    last = batch.heartbeat_at or batch.created_at
    return (now or timezone.now()) - last > STALLED_AFTER


def batch_run(batch_id: int, *, on_item: Callable[[IngestItem], None] | None = None) -> int:
    """Take in pending items of the batch until none is left or it is cancelled; the number
    taken in by this call. What a worker runs; several may run on one batch at once."""
    done = 0
    # Whoever started the batch is the creator of every source in it: looked up once a run.
    created_by = IngestBatch.objects.filter(pk=batch_id).values_list("created_by", flat=True).first()
    by = get_user_model().objects.filter(pk=created_by).first() if created_by else None
    while True:
        item = _take_one(batch_id, by=by)
        if item is None:
            break
        done += 1
        if on_item:
            on_item(item)
    _finish_if_done(batch_id)
    return done


def _take_one(batch_id: int, *, by) -> IngestItem | None:
    with transaction.atomic():
        batch = IngestBatch.objects.filter(pk=batch_id).values("status", "metadata").first()
        if batch is None or batch["status"] != IngestBatch.Status.RUNNING:
            return None
        item = (
            IngestItem.objects.select_for_update(skip_locked=True)
            .filter(batch_id=batch_id, status=Status.PENDING)
            .order_by("position")
            .first()
        )
        if item is None:
            return None
        _ingest(item, metadata=batch["metadata"], by=by)
        item.content, item.finished_at = b"", timezone.now()
        item.save(update_fields=["status", "source", "message", "content", "finished_at"])
        IngestBatch.objects.filter(pk=batch_id).update(heartbeat_at=item.finished_at)
    logger.debug("batch_item", batch=batch_id, position=item.position, status=item.status, source=item.source_id)
    return item


def _ingest(item: IngestItem, *, metadata: dict, by) -> None:
    """Take the item in, within the caller's transaction; its status says how it went."""
    try:
        with transaction.atomic():
            source = source_from_bytes(bytes(item.content), filename=item.name, **metadata)
            result = source_ingest(by=by, source=source)
    except DuplicateSourceError as error:
        item.status, item.source, item.message = Status.DUPLICATE, error.existing, str(error)
    except IngestError as error:
        item.status, item.message = Status.FAILED, str(error)
    except DatabaseError:
        # The database, not the file: leave the item pending for the next attempt.
        raise
    except Exception as error:  # noqa: BLE001 - one broken file must not stop the batch
        logger.exception("batch_item_crashed", batch=item.batch_id, position=item.position)
        item.status, item.message = Status.FAILED, f"Failed, nothing saved: {error!r}"[:2000]
    else:
        item.status, item.source = Status.CREATED, result.source


def _finish_if_done(batch_id: int) -> None:
    with transaction.atomic():
        batch = IngestBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != IngestBatch.Status.RUNNING:
            return
        if IngestItem.objects.filter(batch_id=batch_id, status=Status.PENDING).exists():
            return
        batch.status, batch.finished_at = IngestBatch.Status.DONE, timezone.now()
        batch.save(update_fields=["status", "finished_at"])
    logger.info("batch_done", batch=batch_id)
