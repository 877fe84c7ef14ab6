import pytest
from django.contrib.auth.models import Group

from seizures.models import Agency, Country, Subdivision

pytestmark = pytest.mark.django_db


def test_countries_and_top_level_subdivisions_are_loaded():
    assert Country.objects.get(code="PE").name == "Peru"
    piura = Subdivision.objects.get(code="PE-PIU")
    assert piura.country_id == "PE" and piura.parent_id is None
    # Spanish provinces sit under autonomous communities: only the latter are top level.
    assert Subdivision.objects.get(code="ES-CA").parent_id == "ES-AN"


def test_the_agency_registry_is_loaded_with_units_aliases_and_international_bodies():
    dirandro = Agency.objects.get(code="DIRANDRO")
    assert dirandro.parent.code == "PNP"
    assert dirandro.country_id == "PE"
    assert "Dirandro" in dirandro.aliases
    assert Agency.objects.get(code="EUROPOL").country is None
    # added to the registry after its first load, brought in by the sync migration
    assert "PF" in Agency.objects.get(code="PF-BR").aliases
    assert Agency.objects.count() >= 50


def test_roles_hold_exactly_the_permissions_they_need():
    perms = {
        g.name: {f"{p.content_type.app_label}.{p.codename}" for p in g.permissions.all()} for g in Group.objects.all()
    }
    assert "seizures.verify_operation" in perms["Reviewer"]
    assert "seizures.verify_operation" not in perms["Editor"]
    assert {"seizures.change_operation", "sources.add_citation"} <= perms["Editor"]
    assert not any(p.startswith("auth.") for p in perms["Reviewer"] | perms["Editor"])
    assert not any(p.startswith("seizures.delete_operation") for p in perms["Reviewer"] | perms["Editor"])
    assert perms["Partner"] == set()
