"""Changes to sources and citations. A citation is part of the record it supports, so adding
or removing one counts as an edit of that operation (and sends a verified one back to review)."""

from django.db import transaction

from seizures.services import operation_refresh_newest_source, operation_touch
from sources.models import AttachedSource, Citation, Source


@transaction.atomic
def source_create(*, by, source: Source) -> Source:
    """Save a new source after checking it (text present, not a duplicate text or URL)."""
    source.created_by = by
    source.full_clean()
    source._history_user = by
    source.save()
    return source


@transaction.atomic
def citation_create(
    *,
    by,
    source: Source,
    operation,
    quote: str,
    start: int | None = None,
    evidence_item=None,
    detainee=None,
    field: str = "",
) -> Citation:
    """Attach a quote from `source` to `operation` (or one of its items or detainees).
    Raises ValidationError if the quote is not in the source's text. `by=None` is the
    extractor, whose citations come with its machine drafts."""
    citation = Citation(
        source=source,
        operation=operation,
        quote=quote,
        start=start,
        evidence_item=evidence_item,
        detainee=detainee,
        field=field,
        created_by=by,
    )
    citation.full_clean()
    citation._history_user = by
    citation.save()
    operation_refresh_newest_source(operation_ids=[operation.pk])
    if by is not None:
        operation_touch(operation=operation, by=by, reason="citation added")
    return citation


@transaction.atomic
def citation_delete(*, by, citation: Citation) -> None:
    operation = citation.operation
    citation._history_user = by
    citation.delete()
    operation_refresh_newest_source(operation_ids=[operation.pk])
    operation_touch(operation=operation, by=by, reason="citation removed")


@transaction.atomic
def source_update(*, by, source: Source) -> Source:
    """Save an edited source (already validated: a text edit may not break its citations).
    A changed publication date re-orders the operations citing it in the queue."""
    source._history_user = by
    source.save()
    operation_refresh_newest_source(operation_ids=source.citations.values_list("operation_id", flat=True).distinct())
    return source


@transaction.atomic
def source_attach(*, by, operation, source: Source) -> bool:
    """Put `source` beside `operation` on its page, to cite from (kept even once the source
    is cited, so the page says who put it there). False if it had been put there before. Not
    an edit of the operation: only a citation from the source is."""
    # get_or_create: another editor may be putting it beside the operation right now.
    _, created = AttachedSource.objects.get_or_create(operation=operation, source=source, defaults={"added_by": by})
    return created
