"""What the read endpoints return, page by page, and in how many queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seizures.models import Agency, Country
from tests import factories
from tests.partners.conftest import AGENCIES, GROUPS


def test_agencies_show_code_name_country_parent_and_aliases_only(key_client):
    response = key_client.get(AGENCIES, {"page_size": 500})
    assert response.status_code == 200
    by_code = {row["code"]: row for row in response.json()["results"]}
    assert by_code["DIRANDRO"] == {
        "code": "DIRANDRO",
        "name": "Dirección Antidrogas de la PNP",
        "country": "PE",
        "parent": "PNP",
        "aliases": Agency.objects.get(code="DIRANDRO").aliases,
    }
    assert by_code["PNP"]["parent"] is None
    international = Agency.objects.filter(country__isnull=True).first()
    if international:
        assert by_code[international.code]["country"] is None


def test_criminal_groups_show_id_name_aliases_and_countries_but_not_notes(key_client):
    group = factories.CriminalGroupFactory(name="Los Pulpos", aliases=["Pulpos"], notes="internal: informant says…")
    group.countries.set(Country.objects.filter(code__in=["PE", "EC"]))
    factories.verified_operation(criminal_group=group)
    response = key_client.get(GROUPS)
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": group.pk, "name": "Los Pulpos", "aliases": ["Pulpos"], "countries": ["EC", "PE"]}
    ]


def test_only_groups_named_by_verified_records_are_served(key_client):
    # Ingestion records a group for any name it reads: one only an unverified draft names is
    # not a fact partners may see, until that draft is verified.
    named = factories.CriminalGroupFactory(name="Los Pulpos")
    factories.verified_operation(criminal_group=named)
    drafted = factories.CriminalGroupFactory(name="Cartel of an unverified draft")
    draft = factories.cited_operation(criminal_group=drafted)
    factories.CriminalGroupFactory(name="Named by nothing")
    assert [row["name"] for row in key_client.get(GROUPS).json()["results"]] == ["Los Pulpos"]

    factories.verify_checked(operation=draft, by=factories.reviewer(username="vera"))
    assert [row["name"] for row in key_client.get(GROUPS).json()["results"]] == [
        "Los Pulpos",
        "Cartel of an unverified draft",
    ]


def test_cursor_pagination_walks_every_agency_once(key_client):
    seen, url = [], AGENCIES + "?page_size=7"
    while url:
        body = key_client.get(url).json()
        assert set(body) == {"next", "previous", "results"}
        seen += [row["code"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(Agency.objects.values_list("code", flat=True))


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("caller", ["partner_key", "reviewer"])
def test_agency_queries_do_not_grow_with_the_page(client, api_key, reviewer, caller, django_assert_max_num_queries):
    if caller == "partner_key":
        client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {api_key[1]}"
    else:
        client.force_login(reviewer)
    parent = Agency.objects.get(code="PNP")
    factories.AgencyFactory.create_batch(12, parent=parent)
    small = queries_for(client, AGENCIES + "?page_size=2")
    large = queries_for(client, AGENCIES + "?page_size=12")
    assert small == large
    # Key: the key with its partner, the page. Session: session, user, permissions, page.
    with django_assert_max_num_queries(2 if caller == "partner_key" else 5):
        client.get(AGENCIES + "?page_size=12")


def test_criminal_group_queries_do_not_grow_with_the_page(key_client, django_assert_max_num_queries):
    countries = list(Country.objects.filter(code__in=["PE", "CO", "EC"]))
    for group in factories.CriminalGroupFactory.create_batch(12):
        group.countries.set(countries)
        factories.verified_operation(criminal_group=group)
    assert queries_for(key_client, GROUPS + "?page_size=2") == queries_for(key_client, GROUPS + "?page_size=12")
    # The key with its partner, the page, the page's countries.
    with django_assert_max_num_queries(3):
        response = key_client.get(GROUPS + "?page_size=12")
    assert len(response.json()["results"]) == 12
