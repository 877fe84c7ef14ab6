"""Background work of the partners app, run by Celery workers (inline without a broker)."""

from celery import shared_task

from partners.publication import republish


@shared_task(name="partners.republish")
def republish_operations(operation_ids: list[int]) -> int:
    """Render these operations' documents again; safe to run twice (the second run renders
    them once more)."""
    return republish(operation_ids=operation_ids)
