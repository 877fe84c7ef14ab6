"""Background work of the sources app, run by Celery workers (inline without a broker)."""

import structlog
from celery import shared_task

from sources.batches import batch_run

logger = structlog.get_logger(__name__)


@shared_task(name="sources.ingest_batch")
def ingest_batch(batch_id: int) -> int:
    """Take in the pending files of a batch; the number this worker took in.

    Safe to run more than once, and on several workers at once: items are claimed one at a
    time in the transaction that ingests them (see sources.batches)."""
    return batch_run(batch_id)


@shared_task(name="sources.reextract")
def reextract_sources(source_ids: list[int]) -> int:
    """Run the current extractor again on these sources (see `manage.py reextract`); the number
    done. A source that fails is logged and left as it was; the others go on."""
    from sources.ingestion import source_extract
    from sources.models import Source

    done = 0
    for source in Source.objects.filter(pk__in=source_ids).order_by("pk"):
        try:
            source_extract(source=source)
        except Exception:  # noqa: BLE001 - one failure must not stop the others
            logger.exception("reextract_failed", source=source.pk)
            continue
        done += 1
    return done
