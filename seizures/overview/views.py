"""The overview's view (`/overview/`, `seizures/urls.py`): the filters, figures, chart and
map of the verified data, for staff who may read operations."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from partners.models import PublishedOperation
from seizures.overview.chart import month_chart
from seizures.overview.figures import TOP_ROWS, format_kg, overview_figures
from seizures.overview.filters import OverviewFilter
from seizures.overview.maps import operations_map


@require_safe
@staff_member_required
def overview(request):
    """Logged-in staff who may read operations: the same people the partner API serves."""
    if not request.user.has_perm("seizures.view_operation"):
        raise PermissionDenied
    filterset = OverviewFilter(request.GET, queryset=PublishedOperation.objects.all(), request=request)
    context = {
        **admin.site.each_context(request),
        "title": "Overview of verified data",
        "filter": filterset,
        "active": any(request.GET.get(name) for name in filterset.form.fields),
        # The filters given, without the form's empty fields: the same query for the API.
        "api_query": urlencode(
            [(name, value) for name in filterset.form.fields for value in request.GET.getlist(name) if value.strip()]
        ),
    }
    if not filterset.is_valid():
        return render(request, "seizures/overview.html", context, status=400)
    drugs = filterset.form.cleaned_data.get("drug") or None
    figures = overview_figures(filterset.qs, drugs)
    context.update(
        figures=figures,
        total_kg=format_kg(figures.mg),
        chart=month_chart(figures),
        map=operations_map(figures),
        top_subdivisions=figures.subdivisions[:TOP_ROWS],
        more={
            "subdivisions": max(0, len(figures.subdivisions) - TOP_ROWS),
            "places": max(0, figures.place_count - len(figures.places)),
            "agencies": max(0, figures.agency_count - len(figures.agencies)),
        },
    )
    for row in figures.drugs:
        row["kg"] = format_kg(row["mg"])
    for row in figures.subdivisions[:TOP_ROWS] + figures.places + figures.agencies:
        row["kg"] = format_kg(row["mg"])
    return render(request, "seizures/overview.html", context)
