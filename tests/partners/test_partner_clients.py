"""The partner API as partners' own clients use it, over HTTP against a running server: GDAL
(what QGIS and ogr2ogr open a GeoJSON URL with), pandas reading the CSV export, and curl. Each
sends what it sends (GDAL an `Accept: text/plain, application/json`), not what a test client
would."""

import io
import json
import os
import shutil
import subprocess
from decimal import Decimal

import pandas
import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OGRINFO = shutil.which("ogrinfo")


def test_the_partner_client_tools_are_installed():
    # `make test` installs Debian's gdal-bin (Makefile); without it the GDAL tests would not run.
    assert OGRINFO, "ogrinfo (Debian's gdal-bin) is missing: run `make test`, which installs it"


@pytest.fixture
def served(live_server):
    """Three verified operations, two with coordinates (one with two drug items), a draft that
    must never show, and a key without the personal-data scope."""
    reviewer = factories.reviewer()
    verified = []
    for n, (latitude, longitude, items) in enumerate(
        [("-5.08917", "-81.11444", 2), ("-11.25222", "-74.63861", 1), (None, None, 1)]
    ):
        operation = factories.OperationFactory(
            place=f"Place {n}",
            latitude=latitude and Decimal(latitude),
            longitude=longitude and Decimal(longitude),
        )
        for _ in range(items):
            factories.EvidenceItemFactory(operation=operation)
        factories.DetaineeFactory(operation=operation, name="Rosa Elvira Huamán Torres")
        factories.CitationFactory(operation=operation)
        verified.append(factories.verify_checked(operation=operation, by=reviewer))
    factories.cited_operation(place="Not verified")
    _, key = factories.partner_api_key()
    return live_server.url, key, verified


def ogrinfo(url: str, key: str) -> str:
    done = subprocess.run(
        [OGRINFO, "-ro", "-al", "-so", url],
        env={**os.environ, "GDAL_HTTP_HEADERS": f"Authorization: Api-Key {key}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


@pytest.mark.parametrize("path", ["/api/v1/operations/?format=geojson", "/api/v1/operations/export/?format=geojson"])
def test_gdal_opens_the_geojson_the_readme_gives(served, path):
    base, key, _ = served

    summary = ogrinfo(base + path, key)

    assert "Feature Count: 2" in summary  # the two with coordinates
    assert "Geometry: Point" in summary


def test_gdal_is_told_why_a_misspelt_filter_is_refused(served):
    base, key, _ = served
    done = subprocess.run(
        [OGRINFO, "-ro", "-al", "-so", f"{base}/api/v1/operations/?format=geojson&countries=CO"],
        env={**os.environ, "GDAL_HTTP_HEADERS": f"Authorization: Api-Key {key}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "400" in done.stderr + done.stdout


def test_pandas_reads_the_whole_csv_export_one_row_per_item_or_per_operation(served):
    base, key, verified = served
    headers = {"Authorization": f"Api-Key {key}"}

    items = pandas.read_csv(f"{base}/api/v1/operations/export/?format=csv", storage_options=headers)
    operations = pandas.read_csv(
        f"{base}/api/v1/operations/export/?format=csv&rows=operations", storage_options=headers
    )

    assert len(items) == 4  # 2 + 1 + 1 items
    assert sorted(items["operation_id"].unique()) == sorted(str(op.public_id) for op in verified)
    # detainee_count repeats on each item row: summing it over item rows counts people twice.
    assert items["detainee_count"].sum() == 4
    assert len(operations) == 3
    assert operations["detainee_count"].sum() == 3
    assert operations["drug_kg"].sum() == pytest.approx(480.0)
    assert not items.astype(str).apply(lambda column: column.str.contains("Huam", case=False)).any().any()


def curl(*args: str) -> tuple[int, bytes]:
    done = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", *args], capture_output=True, timeout=60, check=True)
    body, _, code = done.stdout.rpartition(b"\n")
    return int(code), body


def test_curl_gets_a_400_naming_an_unknown_parameter_and_format_wins_over_accept(served):
    base, key, _ = served
    auth = f"Authorization: Api-Key {key}"

    code, body = curl("-H", auth, f"{base}/api/v1/operations/?countries=CO")
    assert code == 400
    assert "countries" in json.loads(body)

    code, body = curl("-H", auth, "-H", "Accept: text/plain, application/json", f"{base}/api/v1/operations/?format=csv")
    assert code == 200
    assert pandas.read_csv(io.BytesIO(body))["place"].tolist().count("Place 0") == 2

    code, body = curl("-H", auth, f"{base}/api/v1/operations/?format=xlsx")
    assert code == 400
    assert "format" in json.loads(body)
