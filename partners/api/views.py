"""Read-only endpoints of the partner API, v1. Authentication, permission, throttling, the
choice of format and the refusal of unknown parameters are declared once, on PartnerAPIView."""

import datetime

import orjson
from django.db.models import Count, Sum
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import AuthenticationFailed, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from partners.api import exports, serializers
from partners.api.documents import OperationDocumentSerializer
from partners.api.filters import OperationFilter, RemovalFilter
from partners.api.negotiation import FormatFirstNegotiation, UnknownFormat
from partners.api.pagination import KeysetPagination, Ordering, PartnerCursorPagination
from partners.api.params import refused_params
from partners.api.renderers import CSV_LAYOUTS, ITEMS, CSVRenderer, GeoJSONRenderer, JSONRenderer
from partners.models import OperationRemoval, PublishedFacet, PublishedOperation, PublishedSource
from partners.permissions import PartnerAPIReadOnly, is_partner, may_see_personal_data
from partners.publication import mg_to_kg
from partners.throttling import FailedKeyThrottle, PartnerKeyRateThrottle
from seizures.models import Agency, CriminalGroup


class ByCode(PartnerCursorPagination):
    ordering = "code"


class ById(PartnerCursorPagination):
    ordering = "id"


class BySource(PartnerCursorPagination):
    ordering = "source_id"


def _staff_session(request) -> bool:
    # The site's own login (AuthenticationMiddleware), known before any key is looked at.
    user = getattr(request._request, "user", None)
    return bool(user and user.is_authenticated and user.is_staff)


class PartnerAPIView(APIView):
    # Authentication: REST_FRAMEWORK's defaults (an Api-Key header, else the site's session).
    permission_classes = [PartnerAPIReadOnly]
    throttle_classes = [PartnerKeyRateThrottle]
    content_negotiation_class = FormatFirstNegotiation
    # Query parameters the view reads itself, besides its filters, its pages and `format`:
    # anything else is refused (partners.api.params).
    extra_query_params: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        self.refused_format = None
        super().initial(request, *args, **kwargs)
        # Parameters are judged once the caller is known: without a valid key, the 401 (and
        # the failure count) comes first, whatever the query asks for.
        refused = {**(self.refused_format.detail if self.refused_format else {}), **refused_params(request, self)}
        if refused:
            raise ValidationError(refused)

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except UnknownFormat as refused:
            self.refused_format = refused  # answered in initial(), with the other parameters
            return JSONRenderer(), JSONRenderer.media_type

    def perform_authentication(self, request):
        # Requests without a valid key are counted per address (FailedKeyThrottle), and an
        # address past its limit is refused before any key it sends is checked.
        if _staff_session(request):
            return super().perform_authentication(request)
        failures = FailedKeyThrottle()
        if failures.exhausted(request, self):
            raise Throttled(failures.wait(), detail="Too many requests without a valid API key from this address.")
        try:
            super().perform_authentication(request)
        except AuthenticationFailed:
            failures.count_failure()
            raise
        if not is_partner(request):
            failures.count_failure()

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors and OPTIONS descriptions are JSON whatever format was asked for: a CSV or
        # GeoJSON body has no room for them.
        if request.method == "OPTIONS" or response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class PartnerListView(PartnerAPIView, generics.ListAPIView):
    pass


class AgencyList(PartnerListView):
    """Agencies: law-enforcement and state bodies that carry out or announce seizures, by code."""

    serializer_class = serializers.AgencySerializer
    # Reference data: whoever may use the API sees every agency.
    queryset = Agency.objects.select_related("parent")
    pagination_class = ByCode


class CriminalGroupList(PartnerListView):
    """Criminal groups named by verified records, with the countries where they operate, in the
    order they were recorded."""

    serializer_class = serializers.CriminalGroupSerializer
    # Only groups a published operation names (never their notes): ingestion records a group
    # for any name it reads, and a name read only in an unverified draft is unverified too.
    queryset = CriminalGroup.objects.filter(
        pk__in=PublishedOperation.objects.filter(criminal_group_id__isnull=False).values("criminal_group_id")
    ).prefetch_related("countries")
    pagination_class = ById


OPERATION_ORDERINGS = {
    "-date": Ordering("date_start", True, datetime.date, "newest operations first"),
    "date": Ordering("date_start", False, datetime.date, "oldest operations first"),
    "modified": Ordering("modified_at", False, datetime.datetime, "least recently changed first (for syncing)"),
    "-modified": Ordering("modified_at", True, datetime.datetime, "most recently changed first"),
}


def _document_column(request) -> str:
    return "document_personal" if may_see_personal_data(request) else "document"


ROWS = "rows"
ROWS_PARAMETER = OpenApiParameter(
    ROWS,
    str,
    enum=list(CSV_LAYOUTS),
    description="CSV only: " + "; ".join(f"`{name}`, {meaning}" for name, meaning in CSV_LAYOUTS.items()) + ".",
)


def _csv_layout(request) -> str:
    """The CSV layout `rows=` asks for; a 400 for a layout there is not, or in another format."""
    layout = request.query_params.get(ROWS)
    if layout is None:
        return ITEMS
    if layout not in CSV_LAYOUTS:
        raise ValidationError({ROWS: [f"Unknown layout {layout!r}: use {' or '.join(CSV_LAYOUTS)}."]})
    if request.accepted_renderer.format != "csv":
        raise ValidationError({ROWS: ["Only for CSV: add format=csv, or leave rows out."]})
    return layout


@extend_schema(
    parameters=[ROWS_PARAMETER],
    responses={
        (200, "application/json"): OperationDocumentSerializer(many=True),
        (200, "text/csv"): OpenApiResponse(
            OpenApiTypes.STR, description="One row per evidence item, or per operation with `rows=operations`."
        ),
        (200, "application/geo+json"): OpenApiResponse(
            OpenApiTypes.OBJECT, description="A FeatureCollection of the operations that have coordinates."
        ),
    },
)
class OperationList(PartnerListView):
    """Verified operations, each as its last verified version (an edit waiting for review is not
    shown until it is verified), with evidence items, detainees, agencies, routes and
    citations.

    To keep a copy in sync: ask for `?ordering=modified&updated_since=<time of your last
    sync, less a few minutes>`, follow `next` to the end, then apply
    `/api/v1/operations/removed/?since=<the same time>`.

    Formats: JSON (default), CSV (`?format=csv` or `Accept: text/csv`; one row per evidence
    item, or per operation with `rows=operations`) and GeoJSON (`?format=geojson` or
    `Accept: application/geo+json`; operations with coordinates only). `format` wins over
    `Accept`. In every format a page says that more follows in its `Link: <...>; rel="next"`
    header (a CSV file has no room for `next`); `/api/v1/operations/export/` gives everything
    in one file instead.
    """

    queryset = PublishedOperation.objects.all()
    serializer_class = OperationDocumentSerializer  # the schema of the stored documents
    filter_backends = [DjangoFilterBackend]
    filterset_class = OperationFilter
    pagination_class = KeysetPagination
    renderer_classes = [JSONRenderer, CSVRenderer, GeoJSONRenderer]
    orderings = OPERATION_ORDERINGS
    default_ordering = "-date"
    extra_query_params = (ROWS,)

    def get_renderer_context(self):
        return {**super().get_renderer_context(), "csv_layout": getattr(self, "csv_layout", ITEMS)}

    def filter_queryset(self, queryset):
        # Building the filter set costs more than the rest of a page: skip it when no filter
        # is asked for (a partner's full download).
        if self.request.query_params.keys() & OperationFilter.base_filters.keys():
            return super().filter_queryset(queryset)
        return queryset

    def list(self, request, *args, **kwargs):
        self.csv_layout = _csv_layout(request)
        queryset = self.filter_queryset(self.get_queryset())
        spliced = request.accepted_renderer.format == "json"
        if request.accepted_renderer.format == "geojson":
            queryset = queryset.filter(has_coordinates=True)
        column = _document_column(request)
        _, ordering = self.paginator.get_ordering(request, self)
        rows = self.paginator.paginate_queryset(queryset.values("id", ordering.field, column), request, view=self)
        documents = [orjson.Fragment(row[column]) if spliced else orjson.loads(row[column]) for row in rows]
        return self.paginator.get_paginated_response(documents)


@extend_schema(
    filters=True,
    parameters=[ROWS_PARAMETER],
    responses={
        (200, "text/csv"): OpenApiResponse(
            OpenApiTypes.STR,
            description="Every matching operation: one row per evidence item, or per operation with `rows=operations`.",
        ),
        (200, "application/geo+json"): OpenApiResponse(
            OpenApiTypes.OBJECT, description="A FeatureCollection of every matching operation that has coordinates."
        ),
    },
)
class OperationExport(PartnerAPIView, generics.GenericAPIView):
    """Every verified operation that matches the filters (the same filters, and the same
    documents for the key's scope, as the operations list), in one file to save: CSV
    (`?format=csv`, the default; `rows=` as on the list) or GeoJSON (`?format=geojson`).
    Newest operations first. The file is written as it is read from the database, so it
    starts at once and may be large; there are no pages and no `next`."""

    queryset = PublishedOperation.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = OperationFilter
    pagination_class = None
    renderer_classes = [CSVRenderer, GeoJSONRenderer]
    extra_query_params = (ROWS,)

    def get(self, request):
        layout = _csv_layout(request)
        operations = self.filter_queryset(self.get_queryset())  # a bad filter: 400 before any byte is sent
        renderer = request.accepted_renderer
        if renderer.format == "geojson":
            operations = operations.filter(has_coordinates=True)
        operations = operations.order_by("-date_start", "-id")
        # The database is chosen now, while the router still knows this is a partner's read
        # (the replica, if any): the rows are only read once the view has returned.
        operations = operations.using(operations.db)
        documents = exports.documents(operations, _document_column(request))
        if renderer.format == "csv":
            pieces, content_type = exports.csv_pieces(documents, layout), f"{renderer.media_type}; charset=utf-8"
        else:
            pieces, content_type = exports.geojson_pieces(documents), renderer.media_type
        response = StreamingHttpResponse(pieces, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="operations.{renderer.format}"'
        return response


class OperationDetail(PartnerAPIView, generics.RetrieveAPIView):
    """One verified operation by its public id. A removed one answers 404 and says why."""

    serializer_class = OperationDocumentSerializer

    def get(self, request, public_id):
        column = _document_column(request)
        document = PublishedOperation.objects.filter(public_id=public_id).values_list(column, flat=True).first()
        if document is None:
            removal = OperationRemoval.objects.filter(public_id=public_id).first()
            if removal is None:
                raise Http404("No verified operation has this id.")
            message = f"This operation was removed ({removal.get_reason_display().lower()})"
            if removal.surviving_public_id:
                message += f"; it now forms part of operation {removal.surviving_public_id}"
            raise Http404(message + ".")
        return Response(orjson.Fragment(document))


class RemovalList(PartnerListView):
    """Operations partners must delete from their copies, with why and when: sent back to
    review, rejected, deleted, or merged into another (whose id is given). An operation
    published again leaves this feed and comes back in the operations feed; one whose reason
    changes (sent back to review, then rejected) is listed again with the new reason and time."""

    queryset = OperationRemoval.objects.all()
    serializer_class = serializers.RemovalSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RemovalFilter
    pagination_class = KeysetPagination
    orderings = {"removed": Ordering("removed_at", False, datetime.datetime, "oldest removals first")}
    default_ordering = "removed"


class StatsView(PartnerAPIView, generics.GenericAPIView):
    """Totals over the verified operations that match the filters (the same filters as the
    operations list): kilograms and operation counts by drug, and detainees by nationality.
    With `drug` or `nationality` filters, only those drugs or nationalities are broken down;
    `operations` and `detainees` count the matching operations and all their detainees."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = OperationFilter
    queryset = PublishedOperation.objects.all()
    pagination_class = None

    @extend_schema(filters=True, responses=serializers.StatsSerializer)
    def get(self, request):
        # The backend's own filter set, as the operations list builds it; kept, not just
        # applied, because its cleaned values say which drugs and nationalities to break down.
        filterset = self.filter_backends[0]().get_filterset(request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        operations = filterset.qs
        chosen = filterset.form.cleaned_data
        totals = operations.aggregate(operations=Count("pk"), detainees=Sum("detainee_count"))
        facets = PublishedFacet.objects.filter(publication__in=operations.values("pk"))
        drugs = facets.filter(kind=PublishedFacet.Kind.DRUG)
        if chosen.get("drug"):
            drugs = drugs.filter(code__in=chosen["drug"])
        nationalities = facets.filter(kind=PublishedFacet.Kind.NATIONALITY)
        if chosen.get("nationality"):
            nationalities = nationalities.filter(code__in=[c.strip().upper() for c in chosen["nationality"]])
        by_drug = drugs.values("code").annotate(mg=Sum("amount"), operations=Count("publication_id")).order_by("code")
        by_nationality = nationalities.values("code").annotate(detainees=Sum("amount")).order_by("code")
        data = {
            "operations": totals["operations"],
            "detainees": totals["detainees"] or 0,
            "drugs": [
                {"drug_type": row["code"], "kg": mg_to_kg(row["mg"]), "operations": row["operations"]}
                for row in by_drug
            ],
            "detainees_by_nationality": [
                {"nationality": row["code"] or None, "detainees": row["detainees"]} for row in by_nationality
            ],
        }
        return Response(serializers.StatsSerializer(data).data)


class SourceViewMixin:
    # The sources as published (partners.publication.refresh_published_sources), not their
    # live rows: an edit reaches partners when an operation citing the source is verified.
    queryset = PublishedSource.objects.all()

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or may_see_personal_data(self.request):
            return serializers.SourceWithTextSerializer
        return serializers.SourceSerializer


class SourceList(SourceViewMixin, PartnerListView):
    """The sources cited by verified operations: metadata, and their full text only for keys
    with the personal-data scope (reports name people)."""

    pagination_class = BySource


# A source's id as the database holds it: a larger one names no source (and would overflow
# SQLite's integers).
MAX_ID = 2**63 - 1


@extend_schema(
    parameters=[
        OpenApiParameter(
            "id",
            {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            OpenApiParameter.PATH,
            description="The source's id, as operations' citations give it.",
        )
    ]
)
class SourceDetail(SourceViewMixin, PartnerAPIView, generics.RetrieveAPIView):
    """One cited source."""

    def get_object(self):
        if not 0 < self.kwargs["id"] <= MAX_ID:
            raise Http404
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["id"])


def not_found(request, *args, **kwargs):
    return JsonResponse(
        {"detail": "No such endpoint or record: see /api/docs/ for the endpoints and their ids."}, status=404
    )
