"""The endpoints the partner API's operations list is measured against
(`benchmarks/partner_api.py`; results in docs/performance.md).

- `BaselineOperationList` (`/bench/baseline/operations/`): the same endpoint written the
  straightforward way: a DRF `ListAPIView` with nested `ModelSerializer`s over the live
  tables, the obvious `select_related`/`prefetch_related`, DRF's `CursorPagination` (100 a
  page, newest first) and the real view's authentication, permission and throttle classes.
  It applies the published documents' privacy rules (no personal fields, no quotes about a
  detainee, detainees' names withheld from the summary, the other quotes and the cited
  sources' titles, by `partners.publication`'s own helpers), so that it serves the same
  content: on data with no pending edits its documents equal the published ones.
- `floor_documents` (`/bench/floor/operations/`): the floor. A plain Django view, no DRF, no
  authentication: ONE raw SQL query for the page's stored public documents, parsed and
  dumped again with orjson. Nothing serving that page can do much less work than this.
- `floor_tables` (`/bench/floor-tables/operations/`): a second floor that builds the documents
  from the normalised tables in one SQL query (json_build_object and json_agg subqueries),
  parsed and dumped with orjson. It skips the withholding of names (regular expressions in
  Python), so it is cheaper than any real implementation over the live tables could be.

Both floors take the page's position as `?before_date=YYYY-MM-DD&before_id=N` (the last row
of the previous page, N its PublishedOperation id): the keyset the real cursor carries.
"""

import datetime

import orjson
from django.db import connection
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseBadRequest
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination

from partners.api.documents import OperationDocumentSerializer
from partners.api.renderers import JSONRenderer
from partners.api.views import PartnerAPIView
from partners.permissions import may_see_personal_data
from partners.redaction import Names
from seizures.models import Agency, Country, CriminalGroup, Detainee, EvidenceItem, Operation
from sources.models import Citation, Source

# --- (a) The baseline: nested ModelSerializers over the live tables ------------------------


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name"]


class CriminalGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriminalGroup
        fields = ["id", "name"]


class EvidenceItemSerializer(serializers.ModelSerializer):
    # Decimals come out at the column's scale ("120.000000" where the documents say "120"):
    # the benchmark compares them by value.

    class Meta:
        model = EvidenceItem
        fields = [
            "id",
            "category",
            "drug_type",
            "form",
            "description",
            "quantity",
            "unit",
            "currency",
            "quantity_kg",
            "concealment",
        ]


class DetaineeSerializer(serializers.ModelSerializer):
    nationality = serializers.CharField(source="nationality_id", allow_null=True)

    class Meta:
        model = Detainee
        fields = ["nationality", "id", "name", "age", "sex", "role"]
        personal = ["id", "name", "age", "sex", "role"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context["personal"]:
            for name in self.Meta.personal:
                data.pop(name)
        return data


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "title", "outlet", "url", "published"]


class CitationSerializer(serializers.ModelSerializer):
    source = SourceSerializer()

    class Meta:
        model = Citation
        fields = ["source", "quote", "start", "end", "field", "evidence_item", "detainee"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context["personal"]:
            del data["detainee"]
        return data


class OperationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    version = serializers.IntegerField(source="verified_version.number")
    verified_at = serializers.DateTimeField(source="verified_version.verified_at")
    # The live tables do not record when partners' copy last changed; the benchmark's
    # operations were published when verified.
    modified_at = serializers.DateTimeField(source="verified_version.verified_at")
    country = serializers.CharField(source="country_id")
    subdivision = serializers.CharField(source="subdivision_id", allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    agencies = AgencySerializer(many=True)
    criminal_group = CriminalGroupSerializer(allow_null=True)
    destinations = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    transit = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    evidence_items = EvidenceItemSerializer(many=True)
    detainee_count = serializers.SerializerMethodField()
    detainees = DetaineeSerializer(many=True)
    citations = CitationSerializer(many=True)

    class Meta:
        model = Operation
        # The fields of the document the real endpoint serves, in its order.
        fields = list(OperationDocumentSerializer._declared_fields)

    def get_detainee_count(self, operation) -> int:
        return len(operation.detainees.all())

    def to_representation(self, operation):
        data = super().to_representation(operation)
        if not self.context["personal"]:
            # By the project's rule: the names of the detainees of every operation citing
            # its sources withheld from the free text, the quotes and the sources' titles
            # and URLs. Two queries an operation, as a straightforward serializer would.
            # All its citations' sources, those about a detainee (not served here) included.
            cited = set(Citation.objects.filter(operation=operation).values_list("source_id", flat=True))
            others = Detainee.objects.filter(operation__citations__source_id__in=cited).exclude(name="")
            names = Names(
                [*(d.name for d in operation.detainees.all() if d.name), *others.values_list("name", flat=True)]
            )
            data["summary"] = names.withhold(data["summary"])
            for item in data["evidence_items"]:
                item["description"], item["concealment"] = (
                    names.withhold(item["description"]),
                    names.withhold(item["concealment"]),
                )
            for citation in data["citations"]:
                citation["quote"] = names.withhold(citation["quote"])
                citation["source"]["title"] = names.withhold(citation["source"]["title"])
                citation["source"]["url"] = names.withhold_url(citation["source"]["url"])
        return data


class BaselineCursorPagination(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = ("-date_start", "-id")


class BaselineOperationList(PartnerAPIView, generics.ListAPIView):
    serializer_class = OperationSerializer
    pagination_class = BaselineCursorPagination
    renderer_classes = [JSONRenderer]

    def get_queryset(self):
        by_code = Country.objects.order_by("code")
        citations = Citation.objects.select_related("source").defer("source__text")
        if not may_see_personal_data(self.request):
            # A quote about a detainee is personal data.
            citations = citations.filter(detainee__isnull=True)
        return (
            Operation.objects.published()
            .select_related("criminal_group", "verified_version")
            .defer("verified_version__data")
            .prefetch_related(
                Prefetch("agencies", queryset=Agency.objects.order_by("code")),
                Prefetch("destinations", queryset=by_code),
                Prefetch("transit", queryset=by_code),
                "evidence_items",
                "detainees",
                Prefetch("citations", queryset=citations),
            )
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "personal": may_see_personal_data(self.request)}


# --- (b) The floors: one raw SQL query, orjson ----------------------------------------------

PAGE_SIZE = 100


def _position(request):
    """(before_date, before_id) from the query string, or None for the first page."""
    raw_date, raw_id = request.GET.get("before_date"), request.GET.get("before_id")
    if not raw_date:
        return None
    return datetime.date.fromisoformat(raw_date), int(raw_id)


def _page(sql: str, request) -> HttpResponse:
    """Runs `sql` (a query of documents whose {where} is filled in here) for one page."""
    try:
        position = _position(request)
        size = min(max(int(request.GET.get("page_size", PAGE_SIZE)), 1), 1000)
    except (TypeError, ValueError):
        return HttpResponseBadRequest("before_date=YYYY-MM-DD&before_id=N&page_size=N")
    with connection.cursor() as cursor:
        if position is None:
            cursor.execute(sql.format(where=""), [size])
        else:
            cursor.execute(sql.format(where="WHERE (p.date_start, p.id) < (%s, %s)"), [*position, size])
        rows = cursor.fetchall()
    results = [orjson.loads(document) for (document,) in rows]
    return HttpResponse(orjson.dumps({"results": results}), content_type="application/json")


DOCUMENTS = """
    SELECT p.document FROM partners_publishedoperation p {where}
    ORDER BY p.date_start DESC, p.id DESC LIMIT %s
"""


def floor_documents(request):
    """The page's stored public documents: one indexed query, parsed and dumped by orjson."""
    return _page(DOCUMENTS, request)


# The public document of each operation of the page, built by PostgreSQL from the live rows.
# Paged like the real endpoint (by the published row's date and id) so the pages are the same.
TABLES = """
    SELECT json_build_object(
        'id', o.public_id,
        'version', vv.number,
        'verified_at', vv.verified_at,
        'modified_at', p.modified_at,
        'date_start', o.date_start,
        'date_end', o.date_end,
        'date_precision', o.date_precision,
        'country', o.country_id,
        'subdivision', o.subdivision_id,
        'place', o.place,
        'latitude', o.latitude::float8,
        'longitude', o.longitude::float8,
        'geo_precision', o.geo_precision,
        'agencies', COALESCE((
            SELECT json_agg(json_build_object('code', a.code, 'name', a.name) ORDER BY a.code)
            FROM seizures_operation_agencies oa JOIN seizures_agency a ON a.id = oa.agency_id
            WHERE oa.operation_id = o.id), '[]'),
        'criminal_group', CASE WHEN g.id IS NULL THEN NULL
            ELSE json_build_object('id', g.id, 'name', g.name) END,
        'destinations', COALESCE((
            SELECT json_agg(d.country_id ORDER BY d.country_id)
            FROM seizures_operation_destinations d WHERE d.operation_id = o.id), '[]'),
        'transit', COALESCE((
            SELECT json_agg(t.country_id ORDER BY t.country_id)
            FROM seizures_operation_transit t WHERE t.operation_id = o.id), '[]'),
        'transport_mode', o.transport_mode,
        'location_type', o.location_type,
        'summary', o.summary,
        'evidence_items', COALESCE((
            SELECT json_agg(json_build_object(
                'id', e.id, 'category', e.category, 'drug_type', e.drug_type, 'form', e.form,
                'description', e.description, 'quantity', trim_scale(e.quantity)::text, 'unit', e.unit,
                'currency', e.currency, 'quantity_kg', trim_scale(e.quantity_kg)::text,
                'concealment', e.concealment) ORDER BY e.id)
            FROM seizures_evidenceitem e WHERE e.operation_id = o.id), '[]'),
        'detainee_count', (SELECT count(*) FROM seizures_detainee x WHERE x.operation_id = o.id),
        'detainees', COALESCE((
            SELECT json_agg(json_build_object('nationality', x.nationality_id) ORDER BY x.id)
            FROM seizures_detainee x WHERE x.operation_id = o.id), '[]'),
        'citations', COALESCE((
            SELECT json_agg(json_build_object(
                'source', json_build_object('id', s.id, 'title', s.title, 'outlet', s.outlet,
                                            'url', s.url, 'published', s.published),
                'quote', c.quote, 'start', c.start, 'end', c."end", 'field', c.field,
                'evidence_item', c.evidence_item_id) ORDER BY c.start, c.id)
            FROM sources_citation c JOIN sources_source s ON s.id = c.source_id
            WHERE c.operation_id = o.id AND c.detainee_id IS NULL), '[]')
    )::text
    FROM partners_publishedoperation p
    JOIN seizures_operation o ON o.id = p.operation_id
    JOIN seizures_verifiedversion vv ON vv.id = o.verified_version_id
    LEFT JOIN seizures_criminalgroup g ON g.id = o.criminal_group_id
    {where}
    ORDER BY p.date_start DESC, p.id DESC LIMIT %s
"""


def floor_tables(request):
    """The page built from the normalised tables by PostgreSQL in one query."""
    return _page(TABLES, request)
