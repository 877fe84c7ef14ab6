"""The overview's figures, read from the partner API's publication (`partners.models`):
totals, drugs, months, subdivisions, places, agencies and map points of the filtered
operations. They are aggregated in the database: the number of queries does not grow with
the operations."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, JSONField, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncMonth

from partners.models import PublishedFacet
from partners.publication import MG_PER_KG
from seizures import vocabularies as vocab
from seizures.models import Agency, Country, Subdivision

Kind = PublishedFacet.Kind
TOP_ROWS = 10  # rows in each "busiest" table
MAP_DOTS = 500  # operations drawn at their own coordinates, the largest first


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
