"""Every list endpoint of the partner API runs a fixed number of queries, however many records
a page holds and however many items, detainees and citations each record has."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seizures.models import Country
from seizures.services import operation_reopen
from tests import factories

pytestmark = pytest.mark.django_db

# (name, url, most queries). For a key: the key with its partner, then what the page needs.
ENDPOINTS = [
    # The page of stored documents: nothing per record.
    ("operations", "/api/v1/operations/", 2),
    ("operations, personal", "/api/v1/operations/", 2),
    ("operations, filtered", "/api/v1/operations/?country=PE&drug=cocaine&kg_min=1&nationality=CO&agency=PNP", 2),
    ("operations csv", "/api/v1/operations/?format=csv", 2),
    ("operations geojson", "/api/v1/operations/?format=geojson", 2),
    ("removed", "/api/v1/operations/removed/", 2),
    # Totals, by drug, by nationality.
    ("stats", "/api/v1/stats/", 4),
    ("stats, filtered", "/api/v1/stats/?country=PE&drug=cocaine&nationality=CO", 4),
    # The page, then the names to withhold from its titles.
    ("sources", "/api/v1/sources/", 3),
    ("sources, personal", "/api/v1/sources/", 2),
    ("agencies", "/api/v1/agencies/", 2),
    # The page, the page's countries.
    ("criminal groups", "/api/v1/criminal-groups/", 3),
]


def add_operations(reviewer, count: int, *, children: int, citations: int) -> None:
    """`count` verified operations with coordinates, an agency, a destination and a criminal
    group, each with `children` evidence items and detainees and `citations` citations."""
    colombia, spain = Country.objects.get(code="CO"), Country.objects.get(code="ES")
    group = factories.CriminalGroupFactory(name="Los Pulpos")
    agencies = list(factories.Agency.objects.filter(code__in=["PNP", "DIRANDRO"]))
    for _ in range(count):
        operation = factories.OperationFactory(
            latitude=Decimal("-5.08917"), longitude=Decimal("-81.11444"), criminal_group=group
        )
        operation.agencies.set(agencies)
        operation.destinations.set([spain])
        operation.transit.set([colombia])
        for n in range(children):
            factories.EvidenceItemFactory(operation=operation, quantity=Decimal(n + 1), quantity_kg=Decimal(n + 1))
            factories.DetaineeFactory(operation=operation, nationality=colombia, name=f"Person {n}", age=30 + n)
        for _ in range(citations):
            factories.CitationFactory(operation=operation)
        factories.verify_checked(operation=operation, by=reviewer)


def add_removals(reviewer, count: int) -> None:
    for _ in range(count):
        operation_reopen(operation=factories.verified_operation(by=reviewer), by=reviewer)


def add_reference_data(count: int) -> None:
    countries = list(Country.objects.filter(code__in=["PE", "CO", "EC"]))
    for group in factories.CriminalGroupFactory.create_batch(count):
        group.countries.set(countries)
    factories.AgencyFactory.create_batch(count, parent=factories.Agency.objects.get(code="PNP"))


def measure(client, headers, django_assert_max_num_queries) -> dict[str, int]:
    counts = {}
    for name, url, most in ENDPOINTS:
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(most):
            # stats/ has no pages, and refuses a page size like any other parameter it does not take.
            params = {} if name.startswith("stats") else {"page_size": 100}
            response = client.get(url, params, headers=headers["personal" if "personal" in name else "key"])
        assert response.status_code == 200, (name, response.content)
        assert response.content
        counts[name] = len(queries)
    return counts


def test_every_list_endpoint_runs_the_same_few_queries_for_a_small_and_a_large_page(
    client, reviewer, django_assert_max_num_queries
):
    headers = {
        "key": {"Authorization": f"Api-Key {factories.partner_api_key()[1]}"},
        "personal": {"Authorization": f"Api-Key {factories.partner_api_key(personal_data=True)[1]}"},
    }
    add_operations(reviewer, 3, children=1, citations=1)
    add_removals(reviewer, 1)
    add_reference_data(1)
    small = measure(client, headers, django_assert_max_num_queries)
    first_page = client.get("/api/v1/operations/", {"page_size": 100}, headers=headers["key"]).json()["results"]
    assert len(first_page) == 3

    add_operations(reviewer, 27, children=5, citations=3)
    add_removals(reviewer, 9)
    add_reference_data(12)
    large = measure(client, headers, django_assert_max_num_queries)

    assert large == small
    page = client.get("/api/v1/operations/", {"page_size": 100}, headers=headers["personal"]).json()["results"]
    assert len(page) == 30
    assert max(len(d["evidence_items"]) for d in page) == 5
    assert max(len(d["detainees"]) for d in page) == 5
    assert max(len(d["citations"]) for d in page) == 3
    assert (
        len(client.get("/api/v1/operations/removed/", {"page_size": 100}, headers=headers["key"]).json()["results"])
        == 10
    )
    assert (
        len(client.get("/api/v1/sources/", {"page_size": 100}, headers=headers["key"]).json()["results"]) == 3 + 27 * 3
    )


def test_a_staff_session_runs_the_same_few_queries_for_a_small_and_a_large_page(
    client, reviewer, editor, django_assert_max_num_queries
):
    add_operations(reviewer, 2, children=1, citations=1)
    small = {}
    for user in (reviewer, editor):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/operations/").status_code == 200
        small[user.username] = len(queries)
    add_operations(reviewer, 6, children=3, citations=2)
    for user in (reviewer, editor):
        client.force_login(user)
        # Session, user, the user's own and their groups' permissions (then cached), page.
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(5):
            response = client.get("/api/v1/operations/", {"page_size": 100})
        assert len(response.json()["results"]) == 8
        assert len(queries) == small[user.username]
