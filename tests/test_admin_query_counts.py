"""Every admin list and change page runs a fixed number of queries, whatever the number of
rows or children (the operation queue and page are pinned in tests/seizures/test_admin_queue.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seizures.models import Agency, Country
from sources.services import citation_create
from tests import factories

pytestmark = pytest.mark.django_db

QUOTE = "Police seized 120 kilograms of cocaine at the port on Monday."


def cited_sources(n):
    for _ in range(n):
        operation = factories.OperationFactory()
        source = factories.SourceFactory()
        citation_create(by=None, source=source, operation=operation, quote=QUOTE)
        citation_create(by=None, source=source, operation=operation, quote="Two men were detained.")


def groups(n):
    for _ in range(n):
        group = factories.CriminalGroupFactory()
        group.countries.set(Country.objects.filter(code__in=["PE", "CO"]))


def queries(client, url) -> int:
    client.get(url)  # warm the per-process caches (content types, site) the first request fills
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


LISTS = [
    ("/admin/sources/source/", cited_sources),
    ("/admin/sources/citation/", cited_sources),
    ("/admin/seizures/criminalgroup/", groups),
    ("/admin/seizures/agency/", None),
    ("/admin/seizures/subdivision/", None),
    ("/admin/seizures/country/", None),
]


@pytest.mark.parametrize(("url", "make"), LISTS)
def test_admin_lists_run_as_many_queries_for_many_rows_as_for_few(client, reviewer, url, make):
    client.force_login(reviewer)
    if make:
        make(2)
    few = queries(client, url)
    if make:
        make(10)
    assert queries(client, url) == few
    assert few <= 12


def test_the_source_page_costs_the_same_with_one_citation_or_many(client, reviewer):
    client.force_login(reviewer)
    source = factories.SourceFactory()
    citation_create(by=None, source=source, operation=factories.OperationFactory(), quote=QUOTE)
    url = f"/admin/sources/source/{source.pk}/change/"
    few = queries(client, url)
    for _ in range(8):
        citation_create(by=None, source=source, operation=factories.OperationFactory(), quote=QUOTE)
    assert queries(client, url) == few


def test_the_agency_page_costs_the_same_whatever_its_units(client, reviewer):
    client.force_login(reviewer)
    url = f"/admin/seizures/agency/{Agency.objects.get(code='PNP').pk}/change/"
    few = queries(client, url)
    for n in range(8):
        Agency.objects.create(
            code=f"UNIT-{n}", name=f"Unit {n}", country_id="PE", parent=Agency.objects.get(code="PNP")
        )
    assert queries(client, url) == few
