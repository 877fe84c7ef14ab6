"""Background work of the sources app, run by Celery workers (inline without a broker)."""

from celery import shared_task

from sources.batches import batch_run


@shared_task(name="sources.ingest_batch")
def ingest_batch(batch_id: int) -> int:
    """Take in the pending files of a batch; the number this worker took in.

    Safe to run more than once, and on several workers at once: items are claimed one at a
    time in the transaction that ingests them (see sources.batches)."""
    return batch_run(batch_id)
