"""The operations feed as JSON, CSV (one row per evidence item, safe to open in a spreadsheet)
and GeoJSON (operations with coordinates)."""

import csv
import io
import json
import math
from decimal import Decimal

import pytest

from partners.api.documents import OperationDocumentSerializer
from partners.api.renderers import ITEM_COLUMNS, OPERATION_COLUMNS
from seizures.models import Subdivision
from tests import factories

pytestmark = pytest.mark.django_db

OPERATIONS = "/api/v1/operations/"


def make(reviewer, *, items=({},), **fields):
    operation = factories.OperationFactory(**fields)
    for item in items:
        factories.EvidenceItemFactory(operation=operation, **item)
    factories.CitationFactory(operation=operation)
    return factories.verify_checked(operation=operation, by=reviewer)


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    reader = csv.reader(io.StringIO(response.content.decode("utf-8"), newline=""))
    header, *body = list(reader)
    assert header == OPERATION_COLUMNS + ITEM_COLUMNS
    return [dict(zip(header, row, strict=True)) for row in body]


# --- CSV ---------------------------------------------------------------------------------


def test_csv_is_chosen_by_format_or_by_accept(key_client, reviewer):
    operation = make(reviewer)
    by_format = key_client.get(OPERATIONS, {"format": "csv"})
    by_accept = key_client.get(OPERATIONS, headers={"Accept": "text/csv"})
    assert rows(by_format) == rows(by_accept)
    assert [row["operation_id"] for row in rows(by_format)] == [str(operation.public_id)]


def test_csv_has_one_row_per_evidence_item_and_one_for_an_operation_without_items(key_client, reviewer):
    three = make(
        reviewer,
        items=[
            {"drug_type": "cocaine"},
            {"drug_type": "cannabis", "quantity": Decimal("2.5"), "quantity_kg": Decimal("2.5")},
            {"category": "cash", "drug_type": "", "quantity": 900, "unit": "", "currency": "USD", "quantity_kg": None},
        ],
    )
    none = make(reviewer, items=[])

    by_operation: dict[str, list[dict]] = {}
    for row in rows(key_client.get(OPERATIONS, {"format": "csv"})):
        by_operation.setdefault(row["operation_id"], []).append(row)

    items = list(three.evidence_items.order_by("pk"))
    assert [(r["item_id"], r["category"], r["drug_type"], r["quantity"], r["quantity_kg"], r["currency"])
            for r in by_operation[str(three.public_id)]] == [
        (str(items[0].pk), "drug", "cocaine", "120", "120", ""),
        (str(items[1].pk), "drug", "cannabis", "2.5", "2.5", ""),
        (str(items[2].pk), "cash", "", "900", "", "USD"),
    ]  # fmt: skip
    (empty,) = by_operation[str(none.public_id)]
    assert all(empty[column] == "" for column in ITEM_COLUMNS)
    assert (empty["place"], empty["country"], empty["version"]) == ("Paita Port", "PE", "1")


def test_csv_is_utf_8(key_client, reviewer):
    make(reviewer, place="Satipo, Junín", subdivision=Subdivision.objects.get(code="PE-JUN"))
    response = key_client.get(OPERATIONS, {"format": "csv"})
    assert "Junín".encode() in response.content
    assert [row["place"] for row in rows(response)] == ["Satipo, Junín"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(key_client, reviewer, start):
    formula = f'{start}HYPERLINK("http://evil.example")'
    make(
        reviewer,
        place=formula,
        summary=formula,
        latitude=Decimal("-11.25222"),
        longitude=Decimal("-74.6"),
        items=[{"description": formula, "concealment": formula, "form": formula}],
    )

    (row,) = rows(key_client.get(OPERATIONS, {"format": "csv"}))

    for column in ("place", "description", "concealment", "form"):
        assert row[column] == "'" + formula, column
    # Plain negative numbers stay numbers.
    assert (row["latitude"], row["longitude"]) == ("-11.25222", "-74.6")


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [("-11.25222", "-74.6"), ("-0.00005", "-78.45583"), ("-0.0001", "-0.00009")],
    ids=["Satipo", "just south of the equator", "near the Gulf of Guinea"],
)
def test_csv_coordinates_stay_numbers(key_client, reviewer, latitude, longitude):
    make(reviewer, latitude=Decimal(latitude), longitude=Decimal(longitude))

    (row,) = rows(key_client.get(OPERATIONS, {"format": "csv"}))

    assert not row["latitude"].startswith("'") and not row["longitude"].startswith("'")
    assert (Decimal(row["latitude"]), Decimal(row["longitude"])) == (Decimal(latitude), Decimal(longitude))


def test_an_error_asked_for_as_csv_comes_back_as_json(key_client, reviewer):
    make(reviewer)
    for params, headers in (
        ({"format": "csv", "date_from": "soon"}, {}),
        ({"date_from": "soon"}, {"Accept": "text/csv"}),
    ):
        response = key_client.get(OPERATIONS, params, headers=headers)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert list(response.json()) == ["date_from"]


def test_csv_pages_with_the_link_header(key_client, reviewer):
    made = {str(make(reviewer).public_id) for _ in range(3)}
    seen, response = [], key_client.get(OPERATIONS, {"format": "csv", "page_size": 2})
    while True:
        seen += [row["operation_id"] for row in rows(response)]
        if "Link" not in response:
            break
        response = key_client.get(response["Link"].split(">")[0].lstrip("<"))
    assert sorted(seen) == sorted(made)


# --- GeoJSON -----------------------------------------------------------------------------


@pytest.fixture
def mapped(reviewer):
    """Two operations with coordinates, one without."""
    paita = make(reviewer, latitude=Decimal("-5.08917"), longitude=Decimal("-81.11444"))
    satipo = make(reviewer, latitude=Decimal("-11.25222"), longitude=Decimal("-74.63861"))
    at_sea = make(reviewer)
    return paita, satipo, at_sea


def assert_feature_collection(body: dict) -> list[dict]:
    assert body["type"] == "FeatureCollection"
    assert isinstance(body["features"], list)
    for feature in body["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert all(isinstance(v, float) and math.isfinite(v) for v in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert feature["id"] == feature["properties"]["id"]
        assert "latitude" not in feature["properties"] and "longitude" not in feature["properties"]
    return body["features"]


@pytest.mark.parametrize("how", ["format", "accept"])
def test_geojson_is_a_feature_collection_of_the_operations_with_coordinates(key_client, mapped, how):
    paita, satipo, at_sea = mapped
    if how == "format":
        response = key_client.get(OPERATIONS, {"format": "geojson"})
    else:
        response = key_client.get(OPERATIONS, headers={"Accept": "application/geo+json"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    features = assert_feature_collection(json.loads(response.content))
    by_id = {feature["id"]: feature for feature in features}
    assert set(by_id) == {str(paita.public_id), str(satipo.public_id)}
    assert by_id[str(paita.public_id)]["geometry"]["coordinates"] == [-81.11444, -5.08917]
    assert by_id[str(satipo.public_id)]["geometry"]["coordinates"] == [-74.63861, -11.25222]
    assert by_id[str(paita.public_id)]["properties"]["place"] == "Paita Port"
    # The operation without coordinates is in the JSON feed, not on the map.
    assert str(at_sea.public_id) in {d["id"] for d in key_client.get(OPERATIONS).json()["results"]}


def test_geojson_pages_with_next(key_client, reviewer, mapped):
    extra = make(reviewer, latitude=Decimal("-12.05"), longitude=Decimal("-77.15"))
    expected = {str(op.public_id) for op in (*mapped[:2], extra)}
    seen, response = [], key_client.get(OPERATIONS, {"format": "geojson", "page_size": 1})
    pages = 0
    while True:
        body = json.loads(response.content)
        seen += [feature["id"] for feature in assert_feature_collection(body)]
        pages += 1
        if not body["next"]:
            break
        assert "format=geojson" in body["next"]
        assert response["Link"] == f'<{body["next"]}>; rel="next"'
        response = key_client.get(body["next"])
    assert sorted(seen) == sorted(expected)
    assert pages == 3


# --- JSON --------------------------------------------------------------------------------


def test_json_documents_have_exactly_the_documented_fields(key_client, reviewer):
    operation = factories.OperationFactory()
    factories.EvidenceItemFactory(operation=operation)
    factories.DetaineeFactory(operation=operation, name="Rosa Mamani")
    factories.CitationFactory(operation=operation)
    factories.verify_checked(operation=operation, by=reviewer)
    response = key_client.get(OPERATIONS)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert set(body) == {"next", "results"}
    (document,) = body["results"]
    fields = OperationDocumentSerializer().fields
    assert set(document) == set(fields)
    assert set(document["evidence_items"][0]) == set(fields["evidence_items"].child.fields)
    assert set(document["detainees"][0]) == {"nationality"}
    assert set(document["citations"][0]) == set(fields["citations"].child.fields) - {"detainee"}
    assert set(document["citations"][0]["source"]) == set(fields["citations"].child.fields["source"].fields)
    assert document["id"] == str(operation.public_id)


def test_json_documents_with_the_personal_scope_have_the_personal_fields_too(client, reviewer):
    operation = factories.OperationFactory()
    factories.DetaineeFactory(operation=operation, name="Rosa Mamani")
    factories.CitationFactory(operation=operation)
    factories.verify_checked(operation=operation, by=reviewer)
    _, key = factories.partner_api_key(personal_data=True)

    (document,) = client.get(OPERATIONS, headers={"Authorization": f"Api-Key {key}"}).json()["results"]

    fields = OperationDocumentSerializer().fields
    assert set(document) == set(fields)
    assert set(document["detainees"][0]) == set(fields["detainees"].child.fields)
    assert set(document["citations"][0]) == set(fields["citations"].child.fields)
