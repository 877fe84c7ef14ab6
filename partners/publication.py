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
import uuid
from collections.abc import Iterable
from decimal import Decimal

import orjson
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from partners.api.documents import OperationDocumentSerializer
from partners.models import OperationRemoval, PublishedFacet, PublishedOperation, PublishedPart
from partners.redaction import Names, withhold_from_document

MG_PER_KG = 10**6  # facets count drugs in whole milligrams: quantity_kg has six decimal places


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
    withheld_names: Iterable[str] = (),
) -> tuple[dict, dict]:
    """The public and the personal document of one verified version (`snapshot`, as made by
    `seizures.snapshots`). A pure function of its arguments, so that a data migration can
    use it too. The public document is withheld of the names of the snapshot's detainees and
    of `withheld_names` (those of the other operations citing its sources: a report names
    everyone it is about)."""
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
    # Without the scope, a quote about a detainee is left out, and detainees' names (and
    # ages written next to them) are withheld from all the free text left and from the cited
    # sources' titles and URLs (`partners.redaction`).
    public["citations"] = [
        c
        for c, original in zip(public["citations"], snapshot["citations"], strict=True)
        if original["detainee"] is None
    ]
    names = Names([*detainee_names(snapshot), *withheld_names])
    public = withhold_from_document(public, personal, names=names)
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
    names_by_source: dict[int, set[str]] | None = None,
    models=(PublishedOperation, PublishedFacet, PublishedPart),
):
    """Create the publication rows of `verified_version`. `models` lets a data migration pass
    its historical models (without the parts' model, before it existed). `names_by_source`:
    `names_citing` of (at least) its sources, for a caller publishing many at once; read
    here if not given."""
    published_model, facet_model, *part_model = models
    snapshot = verified_version.data
    if names_by_source is None:
        names_by_source = names_citing(snapshot_sources(snapshot))
    withheld = withheld_from(snapshot, names_by_source)
    public, personal = operation_documents(
        snapshot,
        version=verified_version.number,
        verified_at=verified_version.verified_at,
        modified_at=modified_at,
        agency_names=agency_names,
        group_ids=group_ids,
        withheld_names=withheld,
    )
    facets = operation_facets(snapshot)
    group = public["criminal_group"]
    if any(f.name == "withheld_names" for f in published_model._meta.fields):  # not in migration 0003's model
        extra = {"withheld_names": sorted(withheld)}
    else:
        extra = {}
    publication = published_model.objects.create(
        operation=operation,
        version=verified_version.number,
        verified_at=verified_version.verified_at,
        modified_at=modified_at,
        criminal_group_id=group["id"] if group else None,
        document=orjson.dumps(public).decode(),
        document_personal=orjson.dumps(personal).decode(),
        **publication_fields(snapshot, facets),
        **extra,
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
    earlier = cited_sources(PublishedOperation.objects.filter(operation=operation))
    PublishedOperation.objects.filter(operation=operation).delete()
    OperationRemoval.objects.filter(public_id=operation.public_id).delete()
    publication = write_publication(
        operation=operation,
        verified_version=verified_version,
        modified_at=timezone.now(),
        **reference_lookups(verified_version.data),
    )
    cited = snapshot_sources(verified_version.data)
    # The reports it cites name its detainees, and so do the other published operations'
    # citations of them.
    withhold_new_names(cited, detainee_names(verified_version.data), refresh_sources=False)
    refresh_published_sources(earlier | cited)
    return publication


def withhold_new_names(source_ids, names, *, refresh_sources: bool = True) -> int:
    """Render again, from their verified versions, the publications citing these sources
    whose public documents do not withhold all of `names` yet, and (`refresh_sources`) the
    sources; the number rendered again. Nothing to do, and one query, in the usual case: a
    name recorded before the publication was rendered is withheld already."""
    names = set(names)
    codes = [str(pk) for pk in source_ids]
    if not names or not codes:
        return 0
    citing = PublishedOperation.objects.filter(facets__kind=PublishedFacet.Kind.SOURCE, facets__code__in=codes)
    lacking = sorted(
        {
            operation_id
            for operation_id, withheld in citing.values_list("operation_id", "withheld_names")
            if not names <= set(withheld)
        }
    )
    # The sources are rendered with the same names as the publications citing them: if
    # none of those lacks a name, neither do they.
    return republish(operation_ids=lacking, skip_locked=True, refresh_sources=refresh_sources) if lacking else 0


@transaction.atomic
def withdraw(*, operation, reason: str, surviving=None) -> OperationRemoval | None:
    """Stop serving `operation` to partners and tell them why in the removals feed. For a
    merge, `surviving` is the operation that now holds its facts.

    An operation already in the feed (sent back to review, say, and now rejected) is listed
    again with the later reason, so that partners learn it will not come back. Does nothing
    (and returns None) if partners were never served the operation."""
    if reason == OperationRemoval.Reason.MERGED and surviving is None:
        raise ValueError("A merge must name the surviving operation.")
    cited = cited_sources(PublishedOperation.objects.filter(operation_id=operation.pk))
    deleted, _ = PublishedOperation.objects.filter(operation_id=operation.pk).delete()
    refresh_published_sources(cited)
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
def republish(
    *, operation_ids: list[int], lookups: dict | None = None, skip_locked: bool = False, refresh_sources: bool = True
) -> int:
    """Render these operations' documents again from their verified versions (after a change
    to what partners are served); the number republished. Their `modified_at` moves on, so
    partners' next incremental sync fetches them again. `skip_locked`: leave out those that
    another transaction holds (it is verifying or withdrawing them, so renders them itself):
    for a republish from inside the workflow, which must not wait on, or deadlock with,
    another verification."""
    from seizures.models import Operation

    lookups = lookups if lookups is not None else reference_lookups()
    # Locked as the workflow locks them: an operation withdrawn or verified again since the
    # list was read is skipped, or published as it now is.
    operations = list(
        Operation.objects.select_for_update(of=("self",), skip_locked=skip_locked)
        .select_related("verified_version")
        .filter(pk__in=operation_ids, verified_version__isnull=False)
    )
    earlier = cited_sources(PublishedOperation.objects.filter(operation__in=operations))
    PublishedOperation.objects.filter(operation__in=operations).delete()
    cited = set().union(*(snapshot_sources(operation.verified_version.data) for operation in operations))
    names_by_source = names_citing(cited)  # once for the batch, not twice an operation
    now = timezone.now()
    for operation in operations:
        write_publication(
            operation=operation,
            verified_version=operation.verified_version,
            modified_at=now,
            names_by_source=names_by_source,
            **lookups,
        )
    if refresh_sources:
        refresh_published_sources(earlier | cited)
    return len(operations)


# --- Sources -------------------------------------------------------------------------------


def cited_sources(publications) -> set[int]:
    """The ids of the sources that the publications in the queryset `publications` cite."""
    codes = PublishedFacet.objects.filter(publication__in=publications, kind=PublishedFacet.Kind.SOURCE)
    return {int(code) for code in codes.values_list("code", flat=True)}


def snapshot_sources(snapshot: dict) -> set[int]:
    """The ids of the sources a verified version cites."""
    return {c["source_id"] for c in snapshot["citations"]}


def names_citing(source_ids, *, apps=None) -> dict[int, set[str]]:
    """The detainees' names to withhold from what cites these sources, or is one of them, by
    source id: those of every operation citing them, whatever its state (a draft's detainee
    is named in the same report), and those of the published versions (a name corrected
    since is still in the text)."""
    from django.apps import apps as live_apps

    apps = apps or live_apps
    Detainee = apps.get_model("seizures", "Detainee")
    PublishedFacet = apps.get_model("partners", "PublishedFacet")
    source_ids = [int(pk) for pk in source_ids]
    names: dict[int, set[str]] = {}
    if not source_ids:
        return names
    live = (
        Detainee.objects.filter(operation__citations__source_id__in=source_ids)
        .exclude(name="")
        .values_list("operation__citations__source_id", "name")
    )
    published = PublishedFacet.objects.filter(kind="source", code__in=[str(pk) for pk in source_ids]).values_list(
        "code", "publication__detainee_names"
    )
    for source_id, name in live:
        names.setdefault(source_id, set()).add(name)
    for code, publication_names in published:
        names.setdefault(int(code), set()).update(publication_names)
    return names


def withheld_from(snapshot: dict, names_by_source: dict[int, set[str]]) -> set[str]:
    """The names a verified version's public document withholds: its detainees', and those
    of every operation citing its sources (`names_citing`)."""
    return set(detainee_names(snapshot)).union(*(names_by_source.get(pk, ()) for pk in snapshot_sources(snapshot)))


def withhold_again(public: dict, personal: dict, names_by_source: dict[int, set[str]]) -> tuple[dict, list[str]]:
    """A stored public document withheld again from its personal one by the rule of
    `withheld_from` (for documents rendered by an older rule, or in bulk), and the names
    withheld: read from the documents, so no snapshot is needed."""
    names = {person["name"] for person in personal["detainees"] if person.get("name")}
    names = names.union(*(names_by_source.get(c["source"]["id"], ()) for c in personal["citations"]))
    return withhold_from_document(public, personal, names=Names(names)), sorted(names)


def source_documents(cited: dict, *, live, names: Names, published_personal: dict | None) -> tuple[dict, dict]:
    """The public and the personal document of a source as a verified version cites it
    (`cited`: one of its snapshot's citations). `live`: the source's row, for what snapshots
    made before they held it (kind, author, language) and for the text, served only while it
    is the text the quotes were checked against; else the text last published is kept, or
    none is served. `published_personal`: the personal document served until now, if any."""
    checked = cited.get("text_sha256")
    if checked is None or checked == live.text_sha256:
        text = live.text
    else:
        text = (published_personal or {}).get("text")
    personal = {
        "id": cited["source_id"],
        "kind": cited.get("source_kind", live.kind),
        "outlet": cited["outlet"],
        "url": cited["url"],
        "title": cited["source_title"],
        "author": cited.get("author", live.author),
        "published": cited["published"],
        "language": cited.get("language", live.language),
    }
    public = {
        **personal,
        "outlet": names.withhold(personal["outlet"]),
        "title": names.withhold(personal["title"]),
        "url": names.withhold_url(personal["url"]),
    }
    return public, {**personal, "text": text}


def refresh_published_sources(source_ids, *, apps=None) -> None:
    """Render these sources again as the newest verified version citing each cites it, with
    the names of the detainees of every operation citing it withheld (`names_citing`); a
    source no published operation cites any more is no longer served. `apps`: a data
    migration's historical models."""
    from django.apps import apps as live_apps

    apps = apps or live_apps
    source_ids = sorted({int(pk) for pk in source_ids})
    if not source_ids:
        return
    Source = apps.get_model("sources", "Source")
    VerifiedVersion = apps.get_model("seizures", "VerifiedVersion")
    Published = apps.get_model("partners", "PublishedOperation")
    Served = apps.get_model("partners", "PublishedSource")

    # The newest publication citing each source, and the snapshot it was rendered from.
    newest: dict[int, tuple] = {}
    citing = Published.objects.filter(
        facets__kind="source", facets__code__in=[str(pk) for pk in source_ids]
    ).values_list("facets__code", "verified_at", "pk", "operation_id", "version")
    for code, verified_at, pk, operation_id, version in citing:
        key = (verified_at, pk)
        if int(code) not in newest or key > newest[int(code)][0]:
            newest[int(code)] = (key, operation_id, version)
    wanted = {(operation_id, version) for _, operation_id, version in newest.values()}
    snapshots = {}
    if wanted:
        query = Q()
        for operation_id, version in wanted:
            query |= Q(operation_id=operation_id, number=version)
        snapshots = {(v.operation_id, v.number): v.data for v in VerifiedVersion.objects.filter(query)}

    Served.objects.filter(source_id__in=source_ids).exclude(source_id__in=newest).delete()
    names = names_citing(newest, apps=apps)
    served = {row.source_id: row for row in Served.objects.filter(source_id__in=newest)}
    now = timezone.now()
    for live in Source.objects.filter(pk__in=newest):
        _, operation_id, version = newest[live.pk]
        cited = next(c for c in snapshots[operation_id, version]["citations"] if c["source_id"] == live.pk)
        row = served.get(live.pk)
        public, personal = source_documents(
            cited,
            live=live,
            names=Names(names.get(live.pk, ())),
            published_personal=orjson.loads(row.document_personal) if row else None,
        )
        document, document_personal = orjson.dumps(public).decode(), orjson.dumps(personal).decode()
        if row is None:
            Served.objects.create(source=live, modified_at=now, document=document, document_personal=document_personal)
        elif (row.document, row.document_personal) != (document, document_personal):
            row.document, row.document_personal, row.modified_at = document, document_personal, now
            row.save(update_fields=["document", "document_personal", "modified_at"])
