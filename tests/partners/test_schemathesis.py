"""Schemathesis over the partner API's own OpenAPI schema.

For every operation of the schema, schemathesis sends generated requests (the schema's
examples, boundary and invalid values from its coverage phase, then random ones) with a valid
partner key, without and then with the personal-data scope. No answer may be a server error,
and each must be what the schema documents: status code, content type and body.

The schema is the one the app serves at /api/schema/, and requests go in process to
`config.wsgi.application` through Django's whole middleware stack (werkzeug's test client,
called by schemathesis): no server, no network. The API is read-only, so one set of published
records, made once for the module, serves every request.

The tests after the property-based one replay, as plain requests, what it found.
"""

import datetime
import os
import uuid
from decimal import Decimal

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from partners.models import OperationRemoval
from partners.publication import withdraw
from seizures.models import Agency, Country, Subdivision
from seizures.services import operation_reject, operation_reopen, operation_update
from tests import factories
from tests.module_rows import rows_for_the_module

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
FUZZ_RANDOM = os.environ.get("FUZZ_RANDOM", "") == "1"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# For requests below about the status only: the bodies of records are checked on their own.
STATUS_CHECKS = CHECKS[:3]

# Fixed ids, so that the schema can offer them as examples before the records exist: the
# detail endpoints then get published records, removed ones and unknown ids alike. (Explicit
# source ids do not move PostgreSQL's sequence; they are far above any id a test makes.)
PUBLIC_IDS = [uuid.UUID(f"5c4e0000-0000-4000-8000-{n:012d}") for n in range(1, 8)]
PUBLISHED_IDS, (REJECTED_ID, REOPENED_ID, MERGED_ID) = PUBLIC_IDS[:4], PUBLIC_IDS[4:]
SOURCE_IDS = [990_001, 990_002, 990_003, 990_004]
UNCITED_SOURCE_ID = 990_005  # cited by the rejected operation only: not served
PERSON = "Juan Pérez Quispe"


def served_schema():
    """The schema as the app serves it, with the seeded ids as examples of the path parameters."""
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content
    raw = response.json()
    examples = {
        "/api/v1/operations/{public_id}/": [str(public_id) for public_id in PUBLIC_IDS],
        "/api/v1/sources/{id}/": [*SOURCE_IDS, UNCITED_SOURCE_ID],
    }
    for path, values in examples.items():
        (parameter,) = (p for p in raw["paths"][path]["get"]["parameters"] if p["in"] == "path")
        parameter["examples"] = {f"seeded{n}": {"value": value} for n, value in enumerate(values)}
    config = schemathesis.Config.from_dict(
        {
            "seed": 20261126,
            # Every request carries a real key (see the test): values generated for the
            # Api-Key header or the session cookie would only be replaced.
            "generation": {"with-security-parameters": False},
        }
    )
    schema = schemathesis.openapi.from_dict(raw, config=config)
    schema.app = application  # case.call() goes to the WSGI app, in process
    return schema


schema = served_schema()


def _seed() -> dict[str, str]:
    reviewer = factories.reviewer(username="schemathesis-reviewer")
    editor = factories.editor(username="schemathesis-editor")
    peru, colombia, ecuador, spain = (Country.objects.get(code=code) for code in ("PE", "CO", "EC", "ES"))
    group = factories.CriminalGroupFactory(name="Los Pulpos", aliases=["Pulpos"], notes="internal: informant says…")
    group.countries.set([peru, ecuador])
    agencies = list(Agency.objects.filter(code__in=["PNP", "DIRANDRO", "EUROPOL"]))  # EUROPOL: no country
    sources = [
        factories.SourceFactory(
            id=source_id,
            text=(
                f"Report {n}. Police seized 120 kilograms of cocaine at the port on Monday. "
                f"{PERSON}, 34, was detained with a Colombian woman. The cargo was bound for Spain."
            ),
            # One source without a URL or a date: both are nullable in the documents.
            url=None if n == 1 else f"https://news.example.org/schemathesis/{n}",
            published=None if n == 1 else datetime.date(2021, 3, 1) + datetime.timedelta(days=n),
        )
        for n, source_id in enumerate([*SOURCE_IDS, UNCITED_SOURCE_ID])
    ]
    operations = {}
    for n, public_id in enumerate(PUBLIC_IDS):
        operation = factories.OperationFactory(
            public_id=public_id,
            date_start=datetime.date(2021, 2, 1) + datetime.timedelta(days=9 * n),
            date_end=datetime.date(2021, 2, 2) + datetime.timedelta(days=9 * n),
            date_precision="month" if n == 3 else "day",
            subdivision=Subdivision.objects.get(code="PE-PIU") if n % 3 == 0 else None,
            latitude=Decimal("-5.08333") if n % 2 == 0 else None,
            longitude=Decimal("-81.11444") if n % 2 == 0 else None,
            geo_precision="locality" if n % 2 == 0 else "",
            criminal_group=group if n < 2 else None,
            transport_mode="sea_container" if n % 2 == 0 else "",
            location_type="seaport",
            summary=f"{PERSON} was arrested with cocaine hidden in a banana container.",
        )
        drug = factories.EvidenceItemFactory(
            operation=operation,
            drug_type="cocaine" if n % 2 == 0 else "cannabis",
            quantity=Decimal("120.5") * (n + 1),
            quantity_kg=Decimal("120.5") * (n + 1),
            form="hydrochloride",
            concealment="banana boxes",
        )
        factories.EvidenceItemFactory(
            operation=operation, category="cash", drug_type="", quantity=Decimal("5000"), unit="", currency="USD"
        )
        factories.EvidenceItemFactory(
            operation=operation, category="weapon", drug_type="", quantity=2, unit="unit", quantity_kg=None
        )
        person = factories.DetaineeFactory(operation=operation, name=PERSON, age=34, sex="male", role="courier")
        factories.DetaineeFactory(operation=operation, nationality=colombia, sex="female")
        factories.DetaineeFactory(operation=operation, nationality=None)
        operation.agencies.set(agencies)
        operation.destinations.set([spain])
        operation.transit.set([ecuador])
        source = sources[-1] if public_id == REJECTED_ID else sources[n % len(SOURCE_IDS)]
        factories.CitationFactory(operation=operation, source=source)
        factories.CitationFactory(operation=operation, source=source, evidence_item=drug, field="quantity")
        factories.CitationFactory(
            operation=operation, source=source, quote=f"{PERSON}, 34, was detained", detainee=person
        )
        operations[public_id] = factories.verify_checked(operation=operation, by=reviewer)
    # The removals feed: an edit rejected, a verified operation reopened, a merge.
    rejected = operations[REJECTED_ID]
    rejected.place = "Somewhere else"
    operation_update(operation=rejected, by=editor)
    operation_reject(operation=rejected, by=reviewer, reason="A yearly total, not one seizure.")
    operation_reopen(operation=operations[REOPENED_ID], by=reviewer)
    withdraw(
        operation=operations[MERGED_ID], reason=OperationRemoval.Reason.MERGED, surviving=operations[PUBLIC_IDS[0]]
    )
    partner = factories.PartnerFactory(name="Schemathesis partner")
    return {
        "public-key": factories.partner_api_key(partner=partner, personal_data=False)[1],
        "personal-data-key": factories.partner_api_key(partner=partner, personal_data=True)[1],
    }


@pytest.fixture(scope="module")
def partner_keys(django_db_setup, django_db_blocker):
    """The published records, made once for the module (making them takes longer than the run
    of one operation) in a transaction rolled back after its last test; returns the two keys.

    Each test's `db` transaction nests in this one (a savepoint), and Hypothesis runs all the
    examples of an operation inside that one test call: every generated request sees the
    records, and nothing is left behind."""
    with rows_for_the_module(django_db_blocker):
        yield _seed()


@pytest.fixture(params=["public-key", "personal-data-key"])
def auth(request, partner_keys, db, settings):
    """The `Authorization` header of a key without, then with, the personal-data scope."""
    settings.PARTNER_API_RATE = "1000000/minute"  # hundreds of requests per key and test
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis' Host
    return {"Authorization": f"Api-Key {partner_keys[request.param]}"}


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Requests to the WSGI app send request_started/finished, whose close_old_connections
    would close the test's connection in the middle of its transaction (inside an atomic
    block autocommit is off, unlike the settings). Django's test client detaches it the same
    way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis.settings(
    # 30 examples an operation in the suite; the long form (docs/reliability.md) asks for more
    # and lets them vary from run to run: FUZZ_EXAMPLES=2000 FUZZ_RANDOM=1.
    max_examples=FUZZ_EXAMPLES,
    derandomize=not FUZZ_RANDOM,
    database=None,  # no example database: each run is the same run
    deadline=None,
    # The fixtures are set up once per operation and shared by its examples on purpose: the
    # API cannot change the records.
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
def test_no_server_error_and_every_response_as_documented(case, auth):
    case.call_and_validate(headers=auth, checks=CHECKS)


# --- What the run above found, one request each ---------------------------------------------
# Regression tests, each saying what went wrong more plainly than a shrunk generated example.


def call(path: str, auth: dict, *, path_parameters=None, query=None):
    case = schema[path]["GET"].Case(path_parameters=path_parameters or {}, query=query or {})
    return case, case.call(headers=auth)


def schema_failures(case, response) -> list[str]:
    try:
        case.validate_response(response, checks=CHECKS)
    except schemathesis.errors.FailureGroup as failure:
        return [f"{case.method} {response.request.url}\n{failure}"]
    return []


def test_every_record_matches_the_schema(auth):
    """Each list, and each published operation and source by its id, with the key's scope."""
    requests = [
        *((path, {}, {}) for path in ("/api/v1/operations/", "/api/v1/operations/removed/", "/api/v1/stats/")),
        *((path, {}, {"page_size": 100}) for path in ("/api/v1/agencies/", "/api/v1/criminal-groups/")),
        ("/api/v1/sources/", {}, {}),
        *(("/api/v1/operations/{public_id}/", {"public_id": str(id_)}, {}) for id_ in PUBLISHED_IDS),
        *(("/api/v1/sources/{id}/", {"id": id_}, {}) for id_ in SOURCE_IDS),
    ]
    failures = []
    for path, path_parameters, query in requests:
        case, response = call(path, auth, path_parameters=path_parameters, query=query)
        assert response.status_code == 200, (path, path_parameters, response.content)
        failures += schema_failures(case, response)
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


TIME_FILTERS = [("/api/v1/operations/", "updated_since"), ("/api/v1/stats/", "updated_since")]
TIME_FILTERS += [("/api/v1/operations/removed/", "since")]


@pytest.mark.parametrize("path, name", TIME_FILTERS)
def test_a_time_filter_that_is_not_a_time_is_refused_with_a_400(path, name, auth):
    case, response = call(path, auth, query={name: "yesterday"})
    assert response.status_code == 400, (
        f"GET {path}?{name}=yesterday answered {response.status_code}: the 'invalid' message of the time "
        "filters (BAD_TIME in partners/api/filters.py) contains '%2B', and django-filter's translate_validation "
        "%-formats messages: TypeError: not enough arguments for format string"
    )
    case.validate_response(response, checks=CHECKS)
    assert list(response.json()) == [name]


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59-23:59",  # SQLite and PostgreSQL
        "0001-01-01T00:00:00+05:00",  # SQLite
        "2021-03-01T00:00:00+23:00",  # PostgreSQL
    ],
)
@pytest.mark.parametrize("path, name", TIME_FILTERS)
def test_a_time_filter_the_database_cannot_take_is_no_server_error(path, name, value, auth):
    case, response = call(path, auth, query={name: value})
    assert response.status_code < 500, (
        f"GET {path}?{name}={value} answered {response.status_code}: the time filters accept any time Python "
        "parses (UTC offsets up to ±23:59, years 1-9999 before the offset) and pass it to the query as it is. "
        "SQLite: adapt_datetimefield_value converts it to UTC, OverflowError: date value out of range. "
        "PostgreSQL: DataError: time zone displacement out of range (offsets beyond ±15:59)."
    )
    case.validate_response(response, checks=STATUS_CHECKS)


@pytest.mark.parametrize(
    "query, headers",
    [
        pytest.param({"format": "csv"}, {}, id="format=csv"),
        pytest.param({}, {"Accept": "application/geo+json"}, id="Accept-geojson"),
    ],
)
def test_options_on_the_operations_list_in_csv_or_geojson_is_no_server_error(query, headers, auth):
    # OPTIONS is not in the schema, but DRF answers it (a browser's CORS preflight sends it,
    # to the URL of the GET to come).
    response = Client(raise_request_exception=False).options(
        "/api/v1/operations/", query_params=query, headers={**auth, **headers}
    )
    assert response.status_code < 500, (
        f"OPTIONS /api/v1/operations/ with {query or headers} answered {response.status_code}: DRF's metadata "
        "(no 'results') goes to CSVRenderer/GeoJSONRenderer.render, which read data['results']: KeyError"
    )


@pytest.mark.parametrize("path", ["/api/v1/operations/not-a-uuid/", "/api/v1/sources/not-a-number/"])
def test_a_malformed_id_in_the_path_gets_the_documented_json_404(path, auth):
    response = Client(raise_request_exception=False).get(path, headers=auth)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json", (
        f"GET {path} answered Django's HTML 404 page ({response['Content-Type']}): the URL pattern does not "
        "match, so no API view runs. The schema documents a 404 as application/json {detail}."
    )
