"""The formats of the partner API: JSON, CSV and GeoJSON, chosen by `?format=` or `Accept`.

Operation documents are stored as JSON text; the JSON renderer splices them into the page as
they are (orjson.Fragment), which is what makes a page of operations cheap to serve. CSV and
GeoJSON are built from the decoded documents.
"""

import csv
import io
import re
from decimal import Decimal

import orjson
from rest_framework.renderers import BaseRenderer


def _default(value):
    # Lazy translation strings and the like; orjson handles the rest (str subclasses included).
    return str(value)


class JSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None  # JSON is UTF-8 by definition (RFC 8259)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=_default)


# Cells a spreadsheet would run as a formula. A plain number ("-12.5") is left alone.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def spreadsheet_safe(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")  # -0.00005, never -5e-05
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


# CSV layouts (`rows=`): one row per evidence item (the default; an operation without items
# still gets one row, and its columns repeat on each of its items' rows), or one per operation.
ITEMS, OPERATIONS = "items", "operations"
CSV_LAYOUTS = {
    ITEMS: "one row per evidence item (the default); the operation's columns, `detainee_count` "
    "among them, repeat on each of its items' rows",
    OPERATIONS: "one row per operation, with a summary of its items instead of the item columns",
}

OPERATION_COLUMNS = [
    "operation_id",
    "version",
    "verified_at",
    "modified_at",
    "date_start",
    "date_end",
    "date_precision",
    "country",
    "subdivision",
    "place",
    "latitude",
    "longitude",
    "geo_precision",
    "agencies",
    "criminal_group",
    "destinations",
    "transit",
    "transport_mode",
    "location_type",
    "detainee_count",
    "detainee_nationalities",
    "source_urls",
]
ITEM_COLUMNS = [
    "item_id",
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
EMPTY_ITEM = dict.fromkeys(["id", *ITEM_COLUMNS[1:]])
# rows=operations: instead of ITEM_COLUMNS. drug_kg adds the drugs whose weight is known.
SUMMARY_COLUMNS = ["evidence_item_count", "drug_types", "drug_kg"]


def csv_header(layout: str = ITEMS) -> list[str]:
    return OPERATION_COLUMNS + (SUMMARY_COLUMNS if layout == OPERATIONS else ITEM_COLUMNS)


def _item_summary(items: list[dict]) -> list:
    drugs = [item for item in items if item["category"] == "drug"]
    weights = [Decimal(item["quantity_kg"]) for item in drugs if item["quantity_kg"] is not None]
    return [
        len(items),
        ";".join(dict.fromkeys(item["drug_type"] for item in drugs if item["drug_type"])),
        format(sum(weights), "f") if weights else None,
    ]


def operation_rows(doc: dict, layout: str = ITEMS):
    urls = []
    for citation in doc["citations"]:
        url = citation["source"]["url"]
        if url and url not in urls:
            urls.append(url)
    common = [
        doc["id"],
        doc["version"],
        doc["verified_at"],
        doc["modified_at"],
        doc["date_start"],
        doc["date_end"],
        doc["date_precision"],
        doc["country"],
        doc["subdivision"],
        doc["place"],
        doc["latitude"],
        doc["longitude"],
        doc["geo_precision"],
        ";".join(a["code"] for a in doc["agencies"]),
        doc["criminal_group"]["name"] if doc["criminal_group"] else "",
        ";".join(doc["destinations"]),
        ";".join(doc["transit"]),
        doc["transport_mode"],
        doc["location_type"],
        doc["detainee_count"],
        ";".join(d["nationality"] or "unknown" for d in doc["detainees"]),
        " ".join(urls),
    ]
    if layout == OPERATIONS:
        yield common + _item_summary(doc["evidence_items"])
        return
    for item in doc["evidence_items"] or [EMPTY_ITEM]:
        yield common + [item["id"], *(item[name] for name in ITEM_COLUMNS[1:])]


def write_operations(writer, documents, layout: str = ITEMS) -> None:
    for doc in documents:
        for row in operation_rows(doc, layout):
            writer.writerow(spreadsheet_safe(cell) for cell in row)


class CSVRenderer(BaseRenderer):
    """Operations, one row per evidence item (or per operation: the view's renderer context
    says which, as `csv_layout`), UTF-8, every cell safe to open in a spreadsheet."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        layout = (renderer_context or {}).get("csv_layout", ITEMS)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(csv_header(layout))
        write_operations(writer, data["results"], layout)
        return out.getvalue().encode("utf-8")


def feature(doc: dict) -> dict:
    """An operation with coordinates as a GeoJSON Feature: a Point, and its document (less
    the coordinates) as properties."""
    return {
        "type": "Feature",
        "id": doc["id"],
        "geometry": {"type": "Point", "coordinates": [doc["longitude"], doc["latitude"]]},
        "properties": {k: v for k, v in doc.items() if k not in ("latitude", "longitude")},
    }


class GeoJSONRenderer(BaseRenderer):
    """Operations with coordinates as a GeoJSON FeatureCollection (RFC 7946): a Point per
    operation, its document (less the coordinates) as properties."""

    media_type = "application/geo+json"
    format = "geojson"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        features = [feature(doc) for doc in data["results"]]
        # `next` is a foreign member (RFC 7946 §6.1); the Link header carries it too.
        return orjson.dumps({"type": "FeatureCollection", "features": features, "next": data["next"]})
