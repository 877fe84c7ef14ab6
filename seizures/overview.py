"""The overview page (`/overview/`): the verified data at a glance, as partners read it.

Everything here is read from the partner API's publication (`partners.models`), filtered by
the API's own filter set, so the page and `/api/v1/stats/` agree on what matches. Figures
are aggregated in the database: the number of queries does not grow with the operations.
The map and the chart are SVG drawn here, from outlines shipped with the code
(`seizures/data/outlines/`), with no tile server and no script.
"""

import calendar
import datetime
import functools
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, JSONField, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncMonth
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django_filters.widgets import BaseCSVWidget

from partners.api.filters import OperationFilter
from partners.models import PublishedFacet, PublishedOperation
from partners.publication import MG_PER_KG
from seizures import vocabularies as vocab
from seizures.models import Agency, Country, CriminalGroup, Subdivision

Kind = PublishedFacet.Kind
OUTLINES = Path(__file__).resolve().parent / "data" / "outlines" / "admin1.topo.json"
TOP_ROWS = 10  # rows in each "busiest" table
MAP_DOTS = 500  # operations drawn at their own coordinates, the largest first


# --- Filters ------------------------------------------------------------------------------


class CSVSelect(BaseCSVWidget, forms.Select):
    """A select for one code of a comma-separated filter; a list typed into the URL
    ("PE,CO") is shown as text, as django-filter does, so that it is not lost."""


LABELS = {
    "date_from": "From",
    "date_to": "To",
    "country": "Country",
    "subdivision": "Subdivision",
    "drug": "Drug",
    "agency": "Agency",
    "kg_min": "At least (kg)",
    "kg_max": "At most (kg)",
    "criminal_group": "Criminal group",
    "destination": "Bound for (country codes)",
    "transit": "Through (country codes)",
    "nationality": "Detainee nationality (country codes)",
    "updated_since": "Published or changed since",
}
HELP = {
    "destination": "ISO codes, comma-separated, e.g. ES,NL",
    "transit": "ISO codes, comma-separated, e.g. EC,PA",
    "nationality": "ISO codes, comma-separated, e.g. CO",
    "updated_since": "ISO 8601 time, e.g. 2021-03-01T00:00:00Z",
}
MAIN_FILTERS = ["date_from", "date_to", "country", "subdivision", "drug", "agency"]


class OverviewFilter(OperationFilter):
    """The partner API's filters, with the same names and the same validation, dressed for
    a form: labels, date pickers, and lists of what the verified data holds."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.form.label_suffix = ""
        fields = self.form.fields
        for name, field in fields.items():
            field.label = LABELS.get(name, field.label)
            field.help_text = HELP.get(name, "")
        for name in ("date_from", "date_to"):
            fields[name].widget = forms.DateInput(attrs={"type": "date"})
        for name in ("kg_min", "kg_max"):
            fields[name].widget.attrs.update(min="0", step="any")
        published = PublishedOperation.objects.all()
        countries = Country.objects.filter(code__in=published.values("country")).values_list("code", "name")
        subdivisions = (
            Subdivision.objects.filter(code__in=published.values("subdivision"))
            .order_by("country__name", "name")
            .values_list("code", "name", "country__name")
        )
        by_country = {}
        for code, name, country in subdivisions:
            by_country.setdefault(country, []).append((code, name))
        agencies = Agency.objects.filter(
            code__in=PublishedFacet.objects.filter(kind=Kind.AGENCY).values("code")
        ).values_list("code", "name")
        groups = CriminalGroup.objects.filter(pk__in=published.values("criminal_group_id")).values_list("pk", "name")
        self._select("country", "Any country", list(countries))
        self._select("subdivision", "Any subdivision", list(by_country.items()))
        self._select("agency", "Any agency", [(code, f"{name} ({code})") for code, name in agencies])
        self._select("drug", "Any drug", list(vocab.DrugType.choices))
        self._select("criminal_group", "Any group", [(str(pk), n) for pk, n in groups], widget_class=forms.Select)

    def _select(self, name: str, empty: str, choices: list, *, widget_class=CSVSelect) -> None:
        field = self.form.fields[name]
        if hasattr(field, "empty_label"):  # a choice field (drug): it validates against these
            field.empty_label, field.choices = empty, choices
            options = list(field.choices)
        else:
            options = [("", empty), *choices]
        # A value given in the URL but not listed (lower case, or naming nothing verified) is
        # still offered, selected, so that the form shows what is applied.
        given = (self.form.data.get(name) or "").strip()
        listed = {str(value) for value, label in options if not isinstance(label, list)}
        listed |= {str(value) for _, label in options if isinstance(label, list) for value, _ in label}
        if given and "," not in given and given not in listed:
            options.append((given, given))
        field.widget = widget_class(choices=options)

    def main_fields(self):
        return [self.form[name] for name in MAIN_FILTERS]

    def more_fields(self):
        return [self.form[name] for name in self.form.fields if name not in MAIN_FILTERS]

    def more_given(self) -> bool:
        return any(self.form.data.get(name) for name in self.form.fields if name not in MAIN_FILTERS)


# --- Figures ------------------------------------------------------------------------------


def format_kg(mg) -> str:
    """4940000000 mg → "4,940"; small amounts keep up to two decimals ("0.25")."""
    kg = (mg or 0) / MG_PER_KG
    if kg >= 100 or kg == int(kg):
        return f"{kg:,.0f}"
    return f"{kg:,.2f}".rstrip("0").rstrip(".")


@dataclass
class Figures:
    operations: int
    detainees: int
    first: datetime.date | None  # the earliest and latest start dates
    last: datetime.date | None
    mg: int
    drugs: list[dict]  # code, label, mg, operations, colour
    months: list[tuple[datetime.date, dict[str, int]]]  # every month from the first to the last
    subdivisions: list[dict]  # all, busiest first
    places: list[dict]  # the busiest TOP_ROWS
    agencies: list[dict]  # the busiest TOP_ROWS
    agency_count: int
    place_count: int
    dots: list[dict]  # operations with coordinates: latitude, longitude, mg, place, date


# Okabe & Ito's palette, told apart with any colour vision.
DRUG_COLOURS = {
    "cocaine": "#0072B2",
    "cannabis": "#009E73",
    "heroin": "#D55E00",
    "methamphetamine": "#CC79A7",
    "mdma": "#E69F00",
    "fentanyl": "#56B4E9",
    "other": "#7f7f7f",
}
DRUG_LABELS = dict(vocab.DrugType.choices)


def _whole_mg(rows, *keys) -> list[dict]:
    """Sums of milligrams as ints: PostgreSQL sums bigints as numeric (Decimal), SQLite as
    integers; the chart and the map compute with floats."""
    rows = list(rows)
    for row in rows:
        for key in keys:
            row[key] = int(row[key] or 0)
    return rows


def _busiest(row) -> tuple:
    return (-row["operations"], -(row["mg"] or 0))


def overview_figures(operations, drugs: list[str] | None) -> Figures:
    """Totals, months, places, agencies and map points of `operations` (a filtered
    PublishedOperation queryset). With `drugs`, weights count those drugs only, as the
    stats endpoint does."""
    drug_facet = Q(kind=Kind.DRUG) & (Q(code__in=drugs) if drugs else Q())
    joined_drug = Q(facets__kind=Kind.DRUG) & (Q(facets__code__in=drugs) if drugs else Q())
    facets = PublishedFacet.objects.filter(publication__in=operations.values("pk"))
    drug_facets = facets.filter(drug_facet)

    totals = operations.aggregate(
        operations=Count("pk"), detainees=Sum("detainee_count"), first=Min("date_start"), last=Max("date_start")
    )
    by_drug = drug_facets.values("code").annotate(mg=Sum("amount"), operations=Count("publication_id"))
    drug_rows = sorted(
        (
            {
                "code": row["code"],
                "label": DRUG_LABELS.get(row["code"], row["code"]),
                "mg": int(row["mg"] or 0),
                "operations": row["operations"],
                "colour": DRUG_COLOURS.get(row["code"], DRUG_COLOURS["other"]),
            }
            for row in by_drug
        ),
        key=lambda row: (-row["mg"], row["code"]),
    )

    monthly = (
        drug_facets.filter(amount__isnull=False)
        .annotate(month=TruncMonth("publication__date_start"))
        .values("month", "code")
        .annotate(mg=Sum("amount"))
        .order_by("month")
    )
    months = _every_month({(row["month"], row["code"]): int(row["mg"]) for row in monthly})

    # Grouping over a join of the facets: operations are counted once, drugs' weights summed.
    no_point = Q(has_coordinates=False)
    subdivisions = sorted(
        _whole_mg(
            operations.values("country", "subdivision").annotate(
                operations=Count("pk", distinct=True),
                mg=Sum("facets__amount", filter=joined_drug),
                unplaced=Count("pk", distinct=True, filter=no_point),
                unplaced_mg=Sum("facets__amount", filter=joined_drug & no_point),
            ),
            "mg",
            "unplaced_mg",
        ),
        key=lambda row: (*_busiest(row), row["subdivision"]),
    )

    # The place is not a column of the publication: it is read from the public document.
    document = Cast("document", JSONField())
    places = operations.annotate(place=KeyTextTransform("place", document)).values("country", "subdivision", "place")
    place_rows = _whole_mg(
        places.annotate(operations=Count("pk", distinct=True), mg=Sum("facets__amount", filter=joined_drug)).order_by(
            "-operations", F("mg").desc(nulls_last=True), "place"
        )[:TOP_ROWS],
        "mg",
    )
    place_count = places.distinct().count()

    agency_facets = facets.filter(kind=Kind.AGENCY)
    agency_rows = _whole_mg(
        agency_facets.values("code")
        .annotate(
            operations=Count("publication_id", distinct=True),
            mg=Sum(
                "publication__facets__amount",
                filter=Q(publication__facets__kind=Kind.DRUG)
                & (Q(publication__facets__code__in=drugs) if drugs else Q()),
            ),
        )
        .order_by("-operations", F("mg").desc(nulls_last=True), "code")[:TOP_ROWS],
        "mg",
    )
    agency_count = agency_facets.values("code").distinct().count()
    names = dict(Agency.objects.filter(code__in=[r["code"] for r in agency_rows]).values_list("code", "name"))
    for row in agency_rows:
        row["name"] = names.get(row["code"], row["code"])

    operation_mg = (
        PublishedFacet.objects.filter(drug_facet, publication=OuterRef("pk"))
        .values("publication")
        .annotate(mg=Sum("amount"))
        .values("mg")
    )
    dots = _whole_mg(
        operations.filter(has_coordinates=True)
        .annotate(
            mg=Subquery(operation_mg),
            latitude=KeyTextTransform("latitude", document),
            longitude=KeyTextTransform("longitude", document),
            place=KeyTextTransform("place", document),
        )
        .order_by(F("mg").desc(nulls_last=True), "-date_start", "pk")
        .values("mg", "latitude", "longitude", "place", "date_start", "country", "subdivision")[:MAP_DOTS],
        "mg",
    )

    _name_places(subdivisions, place_rows)
    return Figures(
        operations=totals["operations"],
        detainees=totals["detainees"] or 0,
        first=totals["first"],
        last=totals["last"],
        mg=sum(row["mg"] for row in drug_rows),
        drugs=drug_rows,
        months=months,
        subdivisions=subdivisions,
        places=place_rows,
        agencies=agency_rows,
        agency_count=agency_count,
        place_count=place_count,
        dots=dots,
    )


def _every_month(mg_by_month_and_drug: dict) -> list[tuple[datetime.date, dict[str, int]]]:
    if not mg_by_month_and_drug:
        return []
    # TruncMonth gives dates on some databases and datetimes on others.
    keyed = {}
    for (month, code), mg in mg_by_month_and_drug.items():
        month = month.date() if isinstance(month, datetime.datetime) else month
        keyed.setdefault(month, {})[code] = mg
    first, last = min(keyed), max(keyed)
    months, month = [], first
    while month <= last:
        months.append((month, keyed.get(month, {})))
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def _name_places(subdivisions: list[dict], places: list[dict]) -> None:
    """Add ISO names to rows with `country` and `subdivision` codes (two queries)."""
    rows = subdivisions + places
    country_names = dict(Country.objects.filter(code__in={r["country"] for r in rows}).values_list("code", "name"))
    subdivision_names = dict(
        Subdivision.objects.filter(code__in={r["subdivision"] for r in rows if r["subdivision"]}).values_list(
            "code", "name"
        )
    )
    for row in rows:
        row["country_name"] = country_names.get(row["country"], row["country"])
        row["subdivision_name"] = subdivision_names.get(row["subdivision"], row["subdivision"])


# --- The chart: kilograms per month, by drug ------------------------------------------------

CHART_W, CHART_H = 420, 280
PLOT = {"left": 64, "right": 12, "top": 12, "bottom": 44}


def _nice_step(value: float) -> float:
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= value)


def month_chart(figures: Figures) -> dict | None:
    """Stacked bars, one per month, the heaviest drug at the bottom; every shape carries a
    title, and the template gives the same figures as a table."""
    if not figures.months:
        return None
    order = [d["code"] for d in figures.drugs]
    peak = max(sum(by_drug.values()) for _, by_drug in figures.months) / MG_PER_KG
    step = _nice_step(max(peak, 1) / 4)
    top = step * math.ceil(max(peak, 1) / step)
    left, plot_w = PLOT["left"], CHART_W - PLOT["left"] - PLOT["right"]
    plot_h, base = CHART_H - PLOT["top"] - PLOT["bottom"], CHART_H - PLOT["bottom"]
    slot = plot_w / len(figures.months)
    bar_w = min(slot * 0.7, 48)
    every = math.ceil(len(figures.months) / 12)
    bars, ticks, labels = [], [], []
    for i, (month, by_drug) in enumerate(figures.months):
        x, y = left + i * slot + (slot - bar_w) / 2, base
        name = f"{calendar.month_name[month.month]} {month.year}"
        for code in order:
            mg = by_drug.get(code)
            if not mg:
                continue
            height = mg / MG_PER_KG / top * plot_h
            y -= height
            bars.append(
                {
                    "x": f"{x:.1f}",
                    "y": f"{y:.1f}",
                    "w": f"{bar_w:.1f}",
                    "h": f"{max(height, 0.5):.1f}",
                    "colour": DRUG_COLOURS.get(code, DRUG_COLOURS["other"]),
                    "title": f"{name}, {DRUG_LABELS.get(code, code).lower()}: {format_kg(mg)} kg",
                }
            )
        if i % every == 0:
            first_line = calendar.month_abbr[month.month]
            second = str(month.year) if i == 0 or month.month <= every else ""
            labels.append({"x": f"{left + (i + 0.5) * slot:.1f}", "month": first_line, "year": second})
    value = 0.0
    while value <= top + step / 2:
        y = base - value / top * plot_h
        ticks.append({"y": f"{y:.1f}", "label": f"{value:,.0f}" if step >= 1 else f"{value:,.2f}"})
        value += step
    rows = [
        {
            "month": month,
            "cells": [format_kg(by_drug[c]) if by_drug.get(c) else "–" for c in order],
            "total": format_kg(sum(by_drug.values())),
        }
        for month, by_drug in figures.months
    ]
    described = [
        f"{calendar.month_name[m.month]} {m.year}: "
        + ", ".join(f"{DRUG_LABELS.get(c, c).lower()} {format_kg(v)} kg" for c, v in by_drug.items() if v)
        for m, by_drug in figures.months
        if by_drug
    ]
    return {
        "width": CHART_W,
        "height": CHART_H,
        "bars": bars,
        "ticks": ticks,
        "labels": labels,
        "axis": {"x0": left, "x1": CHART_W - PLOT["right"], "y": base, "label_x": left - 8},
        "axis_title_x": 14,
        "axis_title_y": PLOT["top"] + plot_h / 2,
        "table_drugs": [DRUG_LABELS.get(c, c) for c in order],
        "table_rows": rows,
        "description": "; ".join(described[:24]) + ("; and more: see the table." if len(described) > 24 else "."),
    }


# --- The map --------------------------------------------------------------------------------

WORLD = 100_000  # width of the Mercator plane in map units: one unit is about 400 m at the equator
MAP_W, MAP_H = 600, 520  # about the drawing's size on a laptop screen, in CSS pixels


def mercator(lon: float, lat: float) -> tuple[float, float]:
    lat = max(-85.0, min(85.0, lat))
    y = (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2
    return (lon + 180) / 360 * WORLD, y * WORLD


def simplify(points: list, tolerance: float) -> list:
    """Douglas–Peucker with both ends kept; a closed line is first split at its farthest point."""
    if len(points) < 3:
        return points
    if points[0] == points[-1]:
        far = max(range(len(points)), key=lambda i: math.dist(points[0], points[i]))
        if far == 0:
            return points[:1] * 2
        return simplify(points[: far + 1], tolerance)[:-1] + simplify(points[far:], tolerance)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = points[first], points[last]
        length = math.hypot(x1 - x0, y1 - y0)
        worst, index = 0.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            d = abs((x1 - x0) * (y0 - y) - (x0 - x) * (y1 - y0)) / length if length else math.hypot(x - x0, y - y0)
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 on the Mercator plane (y grows southwards)


def _box_of(points) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _lon_lat_box(extent) -> Box:
    (x0, y1), (x1, y0) = mercator(extent[0], extent[1]), mercator(extent[2], extent[3])
    return x0, y0, x1, y1


def _union(boxes) -> Box:
    x0s, y0s, x1s, y1s = zip(*boxes, strict=True)
    return min(x0s), min(y0s), max(x1s), max(y1s)


def _meets(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


@dataclass
class Area:
    code: str  # top-level ISO 3166-2, or "" for land with no code
    country: str
    name: str
    rings: list[list[int]]  # arcs of each ring, outer rings and holes alike (drawn with nonzero fill)
    box: Box
    extent: Box  # where to zoom for it: its main land, without far-off islands
    label: tuple[float, float]


class Outlines:
    """The shipped TopoJSON, decoded once per process onto the Mercator plane. Each arc is
    classed by what it separates: land from sea, two countries, or two subdivisions."""

    def __init__(self, topology: dict):
        (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
        self.arcs = []
        for encoded in topology["arcs"]:
            x = y = 0
            points = []
            for dx, dy in encoded:
                x, y = x + dx, y + dy
                px, py = mercator(x * sx + tx, y * sy + ty)
                points.append((round(px), round(py)))
            self.arcs.append(points)
        self.arc_boxes = [_box_of(points) for points in self.arcs]
        # The plane's size of the stored simplification, the base for coarser drawings.
        self.tolerance = sx * 2 / 360 * WORLD
        self.areas = []
        users = [[] for _ in self.arcs]
        for geometry in topology["objects"]["subdivisions"]["geometries"]:
            props = geometry["properties"]
            rings = [ring for polygon in geometry["arcs"] for ring in polygon]
            area = Area(
                code=geometry.get("id") or "",
                country=props["country"],
                name=props["name"],
                rings=rings,
                box=_union(self.arc_boxes[i if i >= 0 else ~i] for ring in rings for i in ring),
                extent=_lon_lat_box(props["extent"]),
                label=mercator(*props["label"]),
            )
            for ring in rings:
                for i in ring:
                    users[i if i >= 0 else ~i].append(len(self.areas))
            self.areas.append(area)
        self.by_code = {a.code: a for a in self.areas if a.code}
        self.country_extents = {code: _lon_lat_box(c["extent"]) for code, c in topology["countries"].items()}
        self.kinds = []
        self.arc_countries = [self.areas[around[0]].country if around else "" for around in users]
        for around in users:
            countries = {self.areas[a].country for a in around}
            if len(around) < 2:
                self.kinds.append("coast")
            elif len(countries) > 1:
                self.kinds.append("country")
            elif len(set(around)) > 1:
                self.kinds.append("subdivision")
            else:
                self.kinds.append("inner")  # between two Natural Earth units of one area

    @functools.cache  # noqa: B019 -- one Outlines per process, kept for its life
    def arcs_at(self, level: int) -> list[list[tuple[int, int]]]:
        """Arcs simplified for a drawing 2**level times coarser than the stored one. Arcs
        are shared, so neighbours still meet."""
        if level == 0:
            return self.arcs
        tolerance = self.tolerance * 2**level
        return [simplify(points, tolerance) for points in self.arcs]


@functools.cache
def outlines() -> Outlines:
    return Outlines(json.loads(OUTLINES.read_text(encoding="utf-8")))


def _path(points, close: bool) -> str:
    x0, y0 = points[0]
    deltas = " ".join(f"{x1 - x0} {y1 - y0}" for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False))
    return f"M{x0} {y0}l{deltas}{'z' if close else ''}"


def _ring(arcs, ring_arcs) -> list:
    points = []
    for i in ring_arcs:
        part = arcs[i] if i >= 0 else arcs[~i][::-1]
        points += part if not points else part[1:]
    return points


SHADES = ["#fff3d6", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000"]  # kg classes, light to dark


def _shade_classes(peak_mg: int) -> list[tuple[int, str, str]]:
    """(lower bound in mg, colour, legend) of each class: a doubling scale under the
    largest figure, since one port often outweighs the rest of a country."""
    if not peak_mg:
        return [(0, SHADES[0], "weight not known")]
    bounds = [0, peak_mg // 8, peak_mg // 4, peak_mg // 2]
    classes = [(0, SHADES[0], "weight not known")]
    for i, low in enumerate(bounds):
        high = bounds[i + 1] if i + 1 < len(bounds) else None
        if high is None:
            legend = f"{format_kg(low)} kg or more"
        elif low == 0:
            legend = f"under {format_kg(high)} kg"
        else:
            legend = f"{format_kg(low)} to {format_kg(high)} kg"
        classes.append((max(low, 1), SHADES[i + 1], legend))
    return classes


def _whole_country(shapes: "Outlines", country: str, boxes: list[Box]) -> list[Box]:
    """Operations spanning most of a country's width or height show the whole country (the
    demo's five Peruvian operations show Peru); fewer show just where they are."""
    extent = shapes.country_extents.get(country)
    if extent is None:
        return boxes
    x0, y0, x1, y1 = _union(boxes)
    if x1 - x0 >= (extent[2] - extent[0]) / 2 or y1 - y0 >= (extent[3] - extent[1]) / 2:
        return [*boxes, extent]
    return boxes


def _fit(boxes: list[Box]) -> Box:
    """The view around `boxes`, padded, no smaller than a few degrees, in the map's shape."""
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    w, h = max(x1 - x0, WORLD / 90), max(y1 - y0, WORLD / 90)
    w, h = w * 1.15, h * 1.15
    if w / h < MAP_W / MAP_H:
        w = h * MAP_W / MAP_H
    else:
        h = w * MAP_H / MAP_W
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def operations_map(figures: Figures) -> dict | None:
    """The map: land and borders from the outlines, subdivisions shaded by kilograms, and
    the operations as dots, filled where they were reported with coordinates, hollow at
    their subdivision's centre where they were not."""
    if not figures.operations:
        return None
    shapes = outlines()
    dots, boxes, shaded = [], defaultdict(list), {}  # boxes by country
    peak_mg = max((row["mg"] or 0 for row in figures.subdivisions if row["subdivision"]), default=0)
    classes = _shade_classes(peak_mg)
    unmapped = 0
    for row in figures.subdivisions:
        area = shapes.by_code.get(row["subdivision"])
        if area is not None:
            shaded[area.code] = row
            boxes[row["country"]].append(area.extent)
            if row["unplaced"]:
                dots.append({"point": area.label, "mg": row["unplaced_mg"] or 0, "exact": False, "row": row})
        elif row["unplaced"]:
            if row["country"] in shapes.country_extents:
                boxes[row["country"]].append(shapes.country_extents[row["country"]])
            unmapped += row["unplaced"]
    for dot in figures.dots:
        try:
            point = mercator(float(dot["longitude"]), float(dot["latitude"]))
        except (TypeError, ValueError):
            continue
        dots.append({"point": point, "mg": dot["mg"] or 0, "exact": True, "row": dot})
        boxes[dot["country"]].append((point[0], point[1], point[0], point[1]))
    if not boxes:
        return {"unmapped": unmapped}
    view = _fit([box for country, found in boxes.items() for box in _whole_country(shapes, country, found)])
    per_px = (view[2] - view[0]) / MAP_W
    needed = per_px  # a pixel: finer detail than that is not seen
    level = max(0, math.floor(math.log2(needed / shapes.tolerance))) if needed > 2 * shapes.tolerance else 0
    arcs = shapes.arcs_at(min(level, 8))
    margin = per_px * 20
    window = (view[0] - margin, view[1] - margin, view[2] + margin, view[3] + margin)
    visible = [a for a in shapes.areas if _meets(a.box, window)]
    countries_with_operations = {row["country"] for row in figures.subdivisions}
    # Wide views keep subdivision borders for the countries with operations only.
    wide = view[2] - view[0] > WORLD / 9

    land = {}
    for area in visible:
        for ring in area.rings:
            points = _ring(arcs, ring)
            box = _box_of(points)
            if len(points) > 3 and (box[2] - box[0] > per_px or box[3] - box[1] > per_px):
                land.setdefault(area.country, []).append(_path(points, close=True))

    fills = []
    for code, row in shaded.items():
        area = shapes.by_code[code]
        colour = next(colour for low, colour, _ in reversed(classes) if (row["mg"] or 0) >= low)
        paths = [_path(p, close=True) for p in (_ring(arcs, r) for r in area.rings) if len(p) > 3]
        title = f"{row['subdivision_name']}: {_operations(row['operations'])}, {format_kg(row['mg'])} kg"
        fills.append({"d": "".join(paths), "colour": colour, "title": title})

    lines = {"coast": [], "country": []}
    subdivision_lines = defaultdict(list)  # by country
    for i, kind in enumerate(shapes.kinds):
        box = shapes.arc_boxes[i]
        if kind == "inner" or not _meets(box, window) or (box[2] - box[0] < per_px and box[3] - box[1] < per_px):
            continue
        if kind == "subdivision":
            if not wide or shapes.arc_countries[i] in countries_with_operations:
                subdivision_lines[shapes.arc_countries[i]].append(_path(arcs[i], close=False))
        else:
            lines[kind].append(_path(arcs[i], close=False))

    peak_dot = max((d["mg"] for d in dots), default=0) or 1
    circles = []
    for dot in sorted(dots, key=lambda d: -d["mg"]):
        radius = _radius(dot["mg"], peak_dot) * per_px
        row = dot["row"]
        if dot["exact"]:
            where = row["place"] or row["subdivision"] or "Operation"
            day = row["date_start"]
            title = f"{where}, {day.day} {day:%b %Y}: {format_kg(dot['mg'])} kg"
        else:
            title = (
                f"{row['subdivision_name']}: {_operations(row['unplaced'])} without coordinates, "
                f"{format_kg(row['unplaced_mg'])} kg"
            )
        circles.append(
            {
                "cx": f"{dot['point'][0]:.0f}",
                "cy": f"{dot['point'][1]:.0f}",
                "r": f"{radius:.1f}",
                "exact": dot["exact"],
                "title": title,
            }
        )
    # The busiest subdivisions are named, under their centre (and its hollow dot, if any).
    labels = []
    for code, row in sorted(shaded.items(), key=lambda item: -(item[1]["mg"] or 0))[:12]:
        x, y = shapes.by_code[code].label
        below = 4 + (_radius(row["unplaced_mg"] or 0, peak_dot) if row["unplaced"] else 0)
        labels.append({"x": f"{x:.0f}", "y": f"{y + below * per_px:.0f}", "text": row["subdivision_name"]})

    return {
        "width": MAP_W,
        "height": MAP_H,
        "view_box": " ".join(f"{v:.0f}" for v in (view[0], view[1], view[2] - view[0], view[3] - view[1])),
        "sea": {
            "x": f"{view[0]:.0f}",
            "y": f"{view[1]:.0f}",
            "w": f"{view[2] - view[0]:.0f}",
            "h": f"{view[3] - view[1]:.0f}",
        },
        "land": [{"country": country, "d": "".join(paths)} for country, paths in land.items()],
        "fills": fills,
        "coast": "".join(lines["coast"]),
        "country_borders": "".join(lines["country"]),
        "subdivision_borders": [
            {"country": country, "d": "".join(paths)} for country, paths in subdivision_lines.items()
        ],
        "dots": circles,
        "has_approximate": any(not d["exact"] for d in circles),
        "labels": labels,
        "font_size": f"{13 * per_px:.0f}",
        "halo": f"{3 * per_px:.0f}",
        "legend": [
            {"colour": colour, "text": text}
            for low, colour, text in classes
            if low or any(not (row["mg"] or 0) for row in shaded.values())
        ],
        "unmapped": unmapped,
        "capped": len(figures.dots) >= MAP_DOTS,
    }


def _radius(mg: int, peak_mg: int) -> float:
    """A dot's radius in pixels: its area grows with the weight."""
    return 4 + 14 * math.sqrt(mg / peak_mg)


def _operations(n: int) -> str:
    return f"{n:,} operation{'s' if n != 1 else ''}"


# --- The view -------------------------------------------------------------------------------


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
