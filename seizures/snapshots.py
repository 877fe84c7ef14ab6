"""A frozen, JSON-ready copy of an operation as it was verified.

The copy holds everything partners may be shown, personal fields included; what a given
partner actually receives is filtered from it by the API according to the key's scopes.
"""


def _decimal(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def operation_snapshot(operation) -> dict:
    operation = type(operation).objects.select_related("country", "subdivision", "criminal_group").get(pk=operation.pk)
    items = list(operation.evidence_items.all())
    detainees = list(operation.detainees.all())
    citations = list(operation.citations.select_related("source"))
    return {
        "public_id": str(operation.public_id),
        "date_start": operation.date_start.isoformat(),
        "date_end": operation.date_end.isoformat(),
        "date_precision": operation.date_precision,
        "country": operation.country_id,
        "subdivision": operation.subdivision_id,
        "place": operation.place,
        "latitude": _decimal(operation.latitude),
        "longitude": _decimal(operation.longitude),
        "geo_precision": operation.geo_precision,
        "agencies": sorted(operation.agencies.values_list("code", flat=True)),
        "criminal_group": operation.criminal_group.name if operation.criminal_group else None,
        "destinations": sorted(operation.destinations.values_list("code", flat=True)),
        "transit": sorted(operation.transit.values_list("code", flat=True)),
        "transport_mode": operation.transport_mode,
        "location_type": operation.location_type,
        "summary": operation.summary,
        "evidence_items": [
            {
                "id": item.pk,
                "category": item.category,
                "drug_type": item.drug_type,
                "form": item.form,
                "description": item.description,
                "quantity": _decimal(item.quantity),
                "unit": item.unit,
                "currency": item.currency,
                "quantity_kg": _decimal(item.quantity_kg),
                "concealment": item.concealment,
            }
            for item in items
        ],
        "detainees": [
            {
                "id": person.pk,
                "nationality": person.nationality_id,
                "name": person.name,
                "age": person.age,
                "sex": person.sex,
                "role": person.role,
            }
            for person in detainees
        ],
        "citations": [
            {
                "id": citation.pk,
                "source_id": citation.source_id,
                "source_title": citation.source.title,
                "outlet": citation.source.outlet,
                "url": citation.source.url,
                "published": citation.source.published.isoformat() if citation.source.published else None,
                "source_kind": citation.source.kind,
                "author": citation.source.author,
                "language": citation.source.language,
                # The text as the reviewer checked the quote against it: partners with the
                # personal-data scope are served a source's text only while it is this one.
                "text_sha256": citation.source.text_sha256,
                "quote": citation.quote,
                "start": citation.start,
                "end": citation.end,
                "evidence_item": citation.evidence_item_id,
                "detainee": citation.detainee_id,
                "field": citation.field,
            }
            for citation in citations
        ],
    }
