"""Publishing verified operations to partners, and withdrawing them.

The review workflow (`seizures.services`) calls `publish` when an operation is verified and
`withdraw` when a published one is rejected, reopened, merged or deleted. Publishing renders
the verified version into the two JSON documents the partner API serves (with and without
personal data) and the facets it filters and counts by; withdrawing deletes them and leaves an
`OperationRemoval` for the partners' removals feed.

Documents are built from the frozen `VerifiedVersion`, never from the live rows, so an edit
waiting for review changes nothing partners see until it is verified.
"""

import functools
import re
import uuid
from decimal import Decimal

import orjson
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from partners.api.documents import OperationDocumentSerializer
from partners.models import OperationRemoval, PublishedFacet, PublishedOperation, PublishedPart

WITHHELD = "[name withheld]"
MG_PER_KG = 10**6  # facets count drugs in whole milligrams: quantity_kg has six decimal places


# Words of a name too common to withhold alone ("de" in "Juan de la Cruz").
_NAME_PARTICLES = {"de", "del", "la", "las", "los", "da", "das", "do", "dos", "di", "van", "von", "y", "e", "el", "al"}


def name_pattern(names: list[str]) -> re.Pattern | None:
    """Whole names first, then each distinctive word of them alone ("Quispe" for "Ana Quispe
    Mamani"): reports often name a person in full once, then by surname."""
    words = set()
    for name in names:
        words.add(name.strip())
        words.update(w for w in re.split(r"[\s,]+", name) if len(w) > 2 and w.lower() not in _NAME_PARTICLES)
    words.discard("")
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def withhold_names(text: str, pattern: re.Pattern | None) -> str:
    if pattern is None:
        return text
    # A run of withheld words ("Ana Quispe" matched word by word) reads as one.
    return re.sub(rf"{re.escape(WITHHELD)}(?:\s+{re.escape(WITHHELD)})+", WITHHELD, pattern.sub(WITHHELD, text))


@functools.cache
def _document_serializer(*, personal: bool) -> OperationDocumentSerializer:
    # Making a serializer deep-copies every declared field, nested ones included: most of the
    # cost of a document. One per scope renders every operation; to_representation keeps
    # no state between calls.
    return OperationDocumentSerializer(context={"personal": personal})


def detainee_names(snapshot: dict) -> list[str]:
    return [d["name"] for d in snapshot["detainees"] if d.get("name")]


def operation_documents(
    snapshot: dict,
    *,
    version: int,
    verified_at,
    modified_at,
    agency_names: dict[str, str],
    group_ids: dict[str, int],
) -> tuple[dict, dict]:
    """The public and the personal document of one verified version (`snapshot`, as made by
    `seizures.snapshots`). A pure function of its arguments, so that a data migration can
    use it too."""
    names = detainee_names(snapshot)
    group = snapshot.get("criminal_group")
    instance = {
        **snapshot,
        "id": snapshot["public_id"],
        "version": version,
        "verified_at": verified_at,
        "modified_at": modified_at,
        "subdivision": snapshot["subdivision"] or None,
        "latitude": snapshot["latitude"] and float(snapshot["latitude"]),
        "longitude": snapshot["longitude"] and float(snapshot["longitude"]),
        "agencies": [{"code": code, "name": agency_names.get(code, code)} for code in snapshot["agencies"]],
        "criminal_group": {"id": group_ids.get(group), "name": group} if group else None,
        "detainee_count": len(snapshot["detainees"]),
        "citations": [
            {
                **c,
                "source": {
                    "id": c["source_id"],
                    "title": c["source_title"],
                    "outlet": c["outlet"],
                    "url": c["url"],
                    "published": c["published"],
                },
            }
            for c in snapshot["citations"]
        ],
    }
    personal = _document_serializer(personal=True).to_representation(instance)
    public = _document_serializer(personal=False).to_representation(instance)
    # Without the scope, a quote about a detainee is left out, and detainees' names are
    # withheld from the rest, from the summary and from the cited sources' titles.
    pattern = name_pattern(names)
    public["summary"] = withhold_names(public["summary"], pattern)
    public["citations"] = [
        {
            **c,
            "quote": withhold_names(c["quote"], pattern),
            "source": {**c["source"], "title": withhold_names(c["source"]["title"], pattern)},
        }
        for c, original in zip(public["citations"], snapshot["citations"], strict=True)
        if original["detainee"] is None
    ]
    return public, personal


def kg_to_mg(kg) -> int:
    return int(Decimal(kg) * MG_PER_KG)


def mg_to_kg(mg: int | None) -> Decimal | None:
    return None if mg is None else (Decimal(mg) / MG_PER_KG).normalize()


def operation_facets(snapshot: dict) -> list[tuple[str, str, int | None]]:
    """(kind, code, amount) rows of one verified version: what the API filters and counts by.
    A drug's amount is its known weight in milligrams; a nationality's, its detainees."""
    Kind = PublishedFacet.Kind
    facets = []
    drugs: dict[str, int | None] = {}
    for item in snapshot["evidence_items"]:
        if item["drug_type"]:
            mg = kg_to_mg(item["quantity_kg"]) if item["quantity_kg"] is not None else None
            known = drugs.get(item["drug_type"])
            drugs[item["drug_type"]] = mg if known is None else known + (mg or 0)
    facets += [(Kind.DRUG, drug, mg) for drug, mg in drugs.items()]
    facets += [(Kind.AGENCY, code, None) for code in snapshot["agencies"]]
    facets += [(Kind.DESTINATION, code, None) for code in snapshot["destinations"]]
    facets += [(Kind.TRANSIT, code, None) for code in snapshot["transit"]]
    nationalities: dict[str, int] = {}
    for person in snapshot["detainees"]:
        code = person["nationality"] or ""
        nationalities[code] = nationalities.get(code, 0) + 1
    facets += [(Kind.NATIONALITY, code, n) for code, n in nationalities.items()]
    facets += [(Kind.SOURCE, str(sid), None) for sid in sorted({c["source_id"] for c in snapshot["citations"]})]
    return facets


def publication_fields(snapshot: dict, facets) -> dict:
    """The filter columns of a PublishedOperation row."""
    mgs = [amount for kind, _, amount in facets if kind == PublishedFacet.Kind.DRUG and amount is not None]
    return {
        "public_id": uuid.UUID(snapshot["public_id"]),
        "date_start": snapshot["date_start"],
        "date_end": snapshot["date_end"],
        "country": snapshot["country"],
        "subdivision": snapshot["subdivision"] or "",
        "has_coordinates": snapshot["latitude"] is not None,
        "drug_kg": mg_to_kg(sum(mgs)) if mgs else None,
        "detainee_count": len(snapshot["detainees"]),
        "detainee_names": detainee_names(snapshot),
    }


def reference_lookups(snapshot: dict | None = None) -> dict:
    """Agency names by code and criminal group ids by name: those `snapshot` needs, or all."""
    from seizures.models import Agency, CriminalGroup

    agencies, groups = Agency.objects.all(), CriminalGroup.objects.all()
    if snapshot is not None:
        agencies = agencies.filter(code__in=snapshot["agencies"])
        groups = groups.filter(name=snapshot.get("criminal_group") or "")
    return {
        "agency_names": dict(agencies.values_list("code", "name")),
        "group_ids": dict(groups.values_list("name", "pk")),
    }


def write_publication(
    *,
    operation,
    verified_version,
    modified_at,
    agency_names: dict[str, str],
    group_ids: dict[str, int],
    models=(PublishedOperation, PublishedFacet, PublishedPart),
):
    """Create the publication rows of `verified_version`. `models` lets a data migration pass
    its historical models (without the parts' model, before it existed)."""
    published_model, facet_model, *part_model = models
    snapshot = verified_version.data
    public, personal = operation_documents(
        snapshot,
        version=verified_version.number,
        verified_at=verified_version.verified_at,
        modified_at=modified_at,
        agency_names=agency_names,
        group_ids=group_ids,
    )
    facets = operation_facets(snapshot)
    group = public["criminal_group"]
    publication = published_model.objects.create(
        operation=operation,
        version=verified_version.number,
        verified_at=verified_version.verified_at,
        modified_at=modified_at,
        criminal_group_id=group["id"] if group else None,
        document=orjson.dumps(public).decode(),
        document_personal=orjson.dumps(personal).decode(),
        **publication_fields(snapshot, facets),
    )
    facet_model.objects.bulk_create(
        facet_model(publication=publication, kind=kind, code=code, amount=amount) for kind, code, amount in facets
    )
    if part_model:
        # Unique per part: the database refuses an item or a person in two publications.
        part_model[0].objects.bulk_create(
            part_model[0](publication=publication, kind=kind, part_id=pk) for kind, pk in snapshot_parts(snapshot)
        )
    return publication


def snapshot_parts(snapshot: dict) -> list[tuple[str, int]]:
    """(kind, id) of the evidence items and detainees a verified version holds."""
    Kind = PublishedPart.Kind
    return [(Kind.EVIDENCE_ITEM, item["id"]) for item in snapshot["evidence_items"]] + [
        (Kind.DETAINEE, person["id"]) for person in snapshot["detainees"]
    ]


def parts_published_elsewhere(*, operation, snapshot: dict, leaving=()) -> list[tuple[str, int, object]]:
    """(kind, id, operation id) of the parts of `snapshot` that another operation's
    publication holds: publishing it would put them in two. `leaving`: operations whose
    publications go in the same transaction (those merged into `operation`)."""
    parts = snapshot_parts(snapshot)
    if not parts:
        return []
    wanted = Q()
    for kind in {kind for kind, _ in parts}:
        wanted |= Q(kind=kind, part_id__in=[pk for k, pk in parts if k == kind])
    return list(
        PublishedPart.objects.filter(wanted)
        .exclude(publication__operation__in=[operation, *leaving])
        .order_by("kind", "part_id")
        .values_list("kind", "part_id", "publication__operation_id")
    )


@transaction.atomic
def publish(*, operation, verified_version) -> PublishedOperation:
    """Serve `verified_version` of `operation` to partners from now on, in place of any
    earlier version, and clear any removal of it from the removals feed."""
    PublishedOperation.objects.filter(operation=operation).delete()
    OperationRemoval.objects.filter(public_id=operation.public_id).delete()
    return write_publication(
        operation=operation,
        verified_version=verified_version,
        modified_at=timezone.now(),
        **reference_lookups(verified_version.data),
    )


@transaction.atomic
def withdraw(*, operation, reason: str, surviving=None) -> OperationRemoval | None:
    """Stop serving `operation` to partners and tell them why in the removals feed. For a
    merge, `surviving` is the operation that now holds its facts.

    An operation already in the feed (sent back to review, say, and now rejected) is listed
    again with the later reason, so that partners learn it will not come back. Does nothing
    (and returns None) if partners were never served the operation."""
    if reason == OperationRemoval.Reason.MERGED and surviving is None:
        raise ValueError("A merge must name the surviving operation.")
    deleted, _ = PublishedOperation.objects.filter(operation_id=operation.pk).delete()
    if not deleted and not OperationRemoval.objects.filter(public_id=operation.public_id).exists():
        return None
    removal, _ = OperationRemoval.objects.update_or_create(
        public_id=operation.public_id,
        defaults={
            "reason": reason,
            "surviving_public_id": surviving.public_id if surviving is not None else None,
            "removed_at": timezone.now(),
        },
    )
    return removal


@transaction.atomic
def republish(*, operation_ids: list[int], lookups: dict | None = None) -> int:
    """Render these operations' documents again from their verified versions (after a change
    to what partners are served); the number republished. Their `modified_at` moves on, so
    partners' next incremental sync fetches them again."""
    from seizures.models import Operation

    lookups = lookups if lookups is not None else reference_lookups()
    # Locked as the workflow locks them: an operation withdrawn or verified again since the
    # list was read is skipped, or published as it now is.
    operations = list(
        Operation.objects.select_for_update(of=("self",))
        .select_related("verified_version")
        .filter(pk__in=operation_ids, verified_version__isnull=False)
    )
    PublishedOperation.objects.filter(operation__in=operations).delete()
    now = timezone.now()
    for operation in operations:
        write_publication(operation=operation, verified_version=operation.verified_version, modified_at=now, **lookups)
    return len(operations)
