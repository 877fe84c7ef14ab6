"""Read-only endpoints of the partner API, v1. Authentication, permission, throttling and
pagination are declared once, on PartnerListView."""

from rest_framework import generics
from rest_framework.pagination import CursorPagination

from partners.api.serializers import AgencySerializer, CriminalGroupSerializer
from partners.permissions import PartnerAPIReadOnly
from partners.throttling import PartnerKeyRateThrottle
from seizures.models import Agency, CriminalGroup


class PartnerCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ByCode(PartnerCursorPagination):
    ordering = "code"


class ById(PartnerCursorPagination):
    ordering = "id"


class PartnerListView(generics.ListAPIView):
    # Authentication: REST_FRAMEWORK's defaults (an Api-Key header, else the site's session).
    permission_classes = [PartnerAPIReadOnly]
    throttle_classes = [PartnerKeyRateThrottle]


class AgencyList(PartnerListView):
    """Agencies: law-enforcement and state bodies that carry out or announce seizures, by code."""

    serializer_class = AgencySerializer
    # Reference data: whoever may use the API sees every agency.
    queryset = Agency.objects.select_related("parent")
    pagination_class = ByCode


class CriminalGroupList(PartnerListView):
    """Criminal groups, with the countries where they operate, in the order they were recorded."""

    serializer_class = CriminalGroupSerializer
    # Reference data: whoever may use the API sees every group (never its notes).
    queryset = CriminalGroup.objects.prefetch_related("countries")
    pagination_class = ById
