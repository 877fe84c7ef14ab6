"""The overview page (/overview/): verified data only, the partner API's filters, no names."""

import io
import json
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from seizures.models import Agency, Country, Subdivision
from seizures.overview import Outlines, format_kg, mercator, outlines
from seizures.services import operation_reopen
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/overview/"


def page(client, **params):
    return client.get(URL + ("?" + urlencode(params) if params else ""))


def text(response) -> str:
    """The page's visible text, tags removed, spaces collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def demo(db):
    call_command("load_demo", verify=True, stdout=io.StringIO())


@pytest.fixture
def logged_in(client, demo):
    client.force_login(get_user_model().objects.get(username="reviewer"))
    return client


def verified(*, by, drug="cocaine", kg="10", country="PE", subdivision=None, detainees=(), more=(), **fields):
    """A verified, published operation with a drug item (and `more` (drug, kg) items),
    through the workflow."""
    if subdivision:
        fields["subdivision"] = Subdivision.objects.get(code=subdivision)
    operation = factories.OperationFactory(country=Country.objects.get(code=country), **fields)
    for drug_type, weight in [(drug, kg), *more]:
        weight = Decimal(weight)
        factories.EvidenceItemFactory(operation=operation, drug_type=drug_type, quantity=weight, quantity_kg=weight)
    factories.CitationFactory(operation=operation)
    for name in detainees:
        factories.DetaineeFactory(operation=operation, name=name)
    return factories.verify_checked(operation=operation, by=by)


# --- Who may see it ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "method", "expected"),
    [
        ("anonymous", "get", 302),
        ("partner", "get", 302),  # not staff: the admin's login page says so
        ("staff without permissions", "get", 403),
        ("reviewer", "get", 200),
        ("editor", "get", 200),
        ("reviewer", "post", 405),
    ],
)
def test_only_staff_who_may_read_operations_see_it(client, role, method, expected):
    users = {
        "partner": lambda: factories.partner(username="pat"),
        "staff without permissions": lambda: factories.UserFactory(username="stan"),
        "reviewer": lambda: factories.reviewer(username="rita"),
        "editor": lambda: factories.editor(username="eddie"),
    }
    if role in users:
        client.force_login(users[role]())
    response = getattr(client, method)(URL)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == f"/admin/login/?next={URL}"


def test_it_is_named_overview_and_linked_from_the_admin_index(logged_in):
    assert reverse("overview") == URL
    index = logged_in.get("/admin/")
    assert f'href="{URL}"' in index.content.decode()
    assert "My inbox" in index.content.decode()  # the inbox is still there


# --- The demo case ---------------------------------------------------------------------------


def test_the_demo_case_is_in_the_totals(logged_in):
    response = page(logged_in)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.operations, figures.mg, figures.detainees) == (5, 4_940_000_000, 8)
    body = text(response)
    assert "Operations 5" in body
    assert "Drugs seized 4,940 kg" in body
    assert "Detainees 8" in body
    assert "10 Feb 2021 – 25 Feb 2021" in body


def test_the_demo_case_is_one_february_bar_of_cocaine(logged_in):
    response = page(logged_in)
    chart = response.context["chart"]
    assert [(row["month"].isoformat(), row["cells"]) for row in chart["table_rows"]] == [("2021-02-01", ["4,940"])]
    assert [bar["title"] for bar in chart["bars"]] == ["February 2021, cocaine: 4,940 kg"]
    html = response.content.decode()
    assert '<svg class="chart"' in html
    assert "<title>February 2021, cocaine: 4,940 kg</title>" in html
    assert "February 2021 4,940 4,940" in text(response)  # the chart's table: month, cocaine, all
    assert "Cocaine: 4,940 kg in 5 operations" in text(response)


def test_the_demo_case_fills_the_busiest_places_and_agencies(logged_in):
    response = page(logged_in)
    subdivisions = [(r["subdivision"], r["operations"], r["kg"]) for r in response.context["top_subdivisions"]]
    assert subdivisions == [("PE-LOR", 2, "1,116"), ("PE-PIU", 1, "3,082"), ("PE-CAL", 1, "517"), ("PE-JUN", 1, "225")]
    places = [(r["place"], r["subdivision_name"], r["kg"]) for r in response.context["figures"].places]
    assert places[0] == ("Paita Port", "Piura", "3,082")
    assert {p for p, _, _ in places} == {"Paita Port", "Mariscal Ramón Castilla", "Callao", "Satipo", "Alto Amazonas"}
    agencies = [(r["code"], r["operations"], r["kg"]) for r in response.context["figures"].agencies]
    assert agencies == [("PNP", 3, "1,341"), ("DIRANDRO", 2, "3,599"), ("CCFFAA", 1, "900")]
    body = text(response)
    assert "Loreto PE-LOR Peru 2 1,116" in body
    assert "Paita Port Piura, Peru 1 3,082" in body
    assert "Policía Nacional del Perú PNP 3 1,341" in body


def test_the_map_outlines_peru_and_shades_the_demo_subdivisions(logged_in):
    response = page(logged_in)
    drawn = response.context["map"]
    assert [f["title"] for f in drawn["fills"]] == [
        "Loreto: 2 operations, 1,116 kg",
        "Piura: 1 operation, 3,082 kg",
        "El Callao: 1 operation, 517 kg",
        "Junín: 1 operation, 225 kg",
    ]
    # Three operations have coordinates; Loreto's two have none and share a hollow dot.
    assert sorted(d["exact"] for d in drawn["dots"]) == [False, True, True, True]
    assert drawn["country_borders"]
    assert {"PE", "EC", "CO", "BR"} <= {b["country"] for b in drawn["subdivision_borders"]}
    assert {"PE", "EC", "CO", "BR", "BO", "CL"} <= {land["country"] for land in drawn["land"]}
    x, y, w, h = map(float, drawn["view_box"].split())
    for lon, lat in [(-81.1, -5.1), (-69.9, -0.1), (-70.4, -18.3)]:  # Paita; Peru's northeast and south ends
        px, py = mercator(lon, lat)
        assert x <= px <= x + w and y <= py <= y + h
    px, py = mercator(-3.7, 40.4)  # Madrid is far out of view
    assert not (x <= px <= x + w)
    html = response.content.decode()
    assert 'class="map"' in html and 'role="img"' in html
    assert "Map of the 5 matching operations" in html


# --- Filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "operations", "total"),
    [
        ({"date_from": "2021-02-12"}, 2, "441"),  # Satipo 225 + Alto Amazonas 216
        ({"date_to": "2021-02-10"}, 2, "1,417"),  # Callao 517 + Mariscal Ramón Castilla 900
        ({"subdivision": "PE-LOR"}, 2, "1,116"),
        ({"agency": "dirandro"}, 2, "3,599"),  # codes are upper-cased, as in the API
        ({"kg_min": "500", "kg_max": "1000"}, 2, "1,417"),
        ({"drug": "Cocaine"}, 5, "4,940"),
    ],
)
def test_filters_narrow_the_figures(logged_in, params, operations, total):
    response = page(logged_in, **params)
    assert response.status_code == 200
    assert response.context["figures"].operations == operations
    assert response.context["total_kg"] == total
    assert f"Drugs seized {total} kg" in text(response)


def test_a_drug_filter_counts_that_drug_only_and_agrees_with_the_stats_endpoint(logged_in):
    reviewer = get_user_model().objects.get(username="reviewer2")
    verified(
        by=reviewer, drug="heroin", kg="2.5", more=[("cocaine", "100")], subdivision="PE-LIM", date_start="2021-04-03"
    )
    verified(by=reviewer, drug="cannabis", kg="80", country="CO", date_start="2021-04-05")

    everything = page(logged_in)
    assert everything.context["total_kg"] == "5,122"  # 4,940 + 2.5 + 100 + 80, rounded
    assert [m.isoformat() for m, _ in everything.context["figures"].months] == [
        "2021-02-01",
        "2021-03-01",
        "2021-04-01",
    ]

    heroin = page(logged_in, drug="heroin")
    assert heroin.context["figures"].operations == 1
    assert heroin.context["total_kg"] == "2.5"  # not the 100 kg of cocaine seized with it
    assert [(r["subdivision"], r["kg"]) for r in heroin.context["top_subdivisions"]] == [("PE-LIM", "2.5")]
    assert [bar["title"] for bar in heroin.context["chart"]["bars"]] == ["April 2021, heroin: 2.5 kg"]

    for params in ({"drug": "heroin"}, {"country": "CO"}, {"date_from": "2021-04-01"}):
        stats = logged_in.get("/api/v1/stats/?" + urlencode(params)).json()
        shown = page(logged_in, **params).context["figures"]
        assert shown.operations == stats["operations"]
        assert shown.detainees == stats["detainees"]
        assert {d["code"]: format_kg(d["mg"]) for d in shown.drugs} == {
            d["drug_type"]: format_kg(Decimal(d["kg"]) * 10**6) for d in stats["drugs"]
        }


def test_a_filter_that_matches_nothing_says_so(logged_in):
    response = page(logged_in, date_from="2022-01-01")
    assert response.status_code == 200
    assert "No verified operation matches these filters." in text(response)
    assert "map" not in response.context or response.context["map"] is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2021-03-01", "date_to": "2021-02-01"}, "date_to is before date_from."),
        ({"kg_min": "900", "kg_max": "10"}, "kg_max is below kg_min."),
        ({"drug": "chocolate"}, "Select a valid choice. chocolate is not one of the available choices."),
        ({"kg_min": "lots"}, "Enter a number."),
        ({"date_from": "31/31/2021"}, "Give a date as YYYY-MM-DD"),
        ({"updated_since": "yesterday"}, "Give an ISO 8601 time"),
    ],
)
def test_an_invalid_filter_is_a_400_that_says_what_is_wrong(logged_in, params, message):
    response = page(logged_in, **params)
    assert response.status_code == 400
    body = text(response)
    assert "These filters cannot be applied:" in body
    assert message in body
    assert "Drugs seized" not in body  # no figures from a query that was not run


def test_a_subdivision_link_keeps_the_other_filters(logged_in):
    response = page(logged_in, date_to="2021-02-28")
    assert 'href="?date_to=2021-02-28&amp;subdivision=PE-LOR"' in response.content.decode()


# --- What never appears ----------------------------------------------------------------------


def test_operations_not_verified_or_withdrawn_do_not_count(logged_in):
    reviewer = get_user_model().objects.get(username="reviewer2")
    factories.cited_operation(country=Country.objects.get(code="CO"), place="Buenaventura")  # in review
    withdrawn = verified(by=reviewer, kg="777", country="EC", place="Guayaquil")
    operation_reopen(operation=withdrawn, by=reviewer, reason="wrong port")

    response = page(logged_in)
    figures = response.context["figures"]
    assert (figures.operations, figures.mg) == (5, 4_940_000_000)
    body = text(response)
    assert "Buenaventura" not in body and "Guayaquil" not in body and "777" not in body
    assert "Colombia" not in body and "Ecuador" not in body


def test_detainee_names_never_appear_even_to_those_who_may_see_them(client, demo):
    admin = get_user_model().objects.get(username="admin")  # a superuser: every permission
    verified(by=admin, detainees=["Wilmer Zapatatest Huamán"], place="Sullana", subdivision="PE-PIU")
    client.force_login(admin)
    response = page(client)
    assert response.context["figures"].detainees == 9
    assert "Sullana" in text(response)
    assert "Zapatatest" not in response.content.decode()
    assert "Wilmer" not in response.content.decode()


# --- Cost ----------------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_operations(client, django_assert_max_num_queries):
    reviewer = factories.reviewer(username="rita")
    client.force_login(factories.reviewer(username="raul"))
    dirandro = Agency.objects.get(code="DIRANDRO")
    first = verified(
        by=reviewer, subdivision="PE-PIU", place="Paita", latitude=Decimal("-5.08"), longitude=Decimal("-81.11")
    )
    first.agencies.add(dirandro)
    with CaptureQueriesContext(connection) as one:
        assert page(client, country="PE").status_code == 200

    places = ["PE-LOR", "PE-CAL", "PE-JUN", "PE-CUS", "PE-PUN", "PE-TUM"]
    for i in range(18):
        operation = verified(
            by=reviewer,
            drug=["cocaine", "cannabis", "heroin"][i % 3],
            kg=str(10 + i),
            subdivision=places[i % len(places)],
            place=f"Place {i}",
            date_start=f"2021-{1 + i % 12:02d}-15",
            detainees=[f"Person {i}"],
        )
        operation.agencies.add(dirandro, factories.AgencyFactory())
    with django_assert_max_num_queries(len(one)):
        response = page(client, country="PE")
    assert response.context["figures"].operations == 19
    assert len(response.context["figures"].months) == 12


# --- Pieces ---------------------------------------------------------------------------------------


def test_weights_are_shown_in_whole_kilograms_unless_small():
    assert format_kg(4_940_000_000) == "4,940"
    assert format_kg(2_500_000) == "2.5"
    assert format_kg(250_000) == "0.25"
    assert format_kg(None) == "0"


def test_the_outlines_name_every_peruvian_region_and_share_their_borders():
    shapes = outlines()
    peru = {a.code for a in shapes.areas if a.country == "PE"}
    assert len(peru) == 26 and "PE-LOR" in peru and "PE-LMA" in peru
    loreto, ucayali = shapes.by_code["PE-LOR"], shapes.by_code["PE-UCA"]
    shared = {abs(i if i >= 0 else ~i) for r in loreto.rings for i in r} & {
        abs(i if i >= 0 else ~i) for r in ucayali.rings for i in r
    }
    assert shared and {shapes.kinds[i] for i in shared} == {"subdivision"}
    ecuador = {i if i >= 0 else ~i for a in shapes.areas if a.country == "EC" for r in a.rings for i in r}
    border = {i if i >= 0 else ~i for r in loreto.rings for i in r} & ecuador
    assert border and {shapes.kinds[i] for i in border} == {"country"}


# --- Building the outlines ---------------------------------------------------------------------


def _unit(code, name, box, country=None):
    x0, y0, x1, y1 = box
    ring = [[x0, y0], [x0, y1], [x1, y1], [x1, y0], [x0, y0]]
    props = {"iso_a2": country or code[:2], "iso_3166_2": code, "name": name, "adm1_code": f"NE-{code}"}
    props |= {"longitude": (x0 + x1) / 2, "latitude": (y0 + y1) / 2}
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_build_outlines_gives_natural_earth_units_their_top_level_iso_code_and_shares_borders(tmp_path):
    source, output = tmp_path / "admin1.json", tmp_path / "out.topo.json"
    units = [
        _unit("PE-PIU", "Piura", (-81, -6, -80, -5)),
        _unit("PE-TUM", "Tumbes", (-80, -6, -79, -5)),
        _unit("EC-L", "Loja", (-79, -6, -78, -5)),
        _unit("FR-59", "Nord", (3, 50, 4, 51)),  # a department: drawn as its region
        _unit("FR-62", "Pas-de-Calais", (2, 50, 3, 51)),
        _unit("GT-JU", "Jutiapa", (-90, 14, -89, 15)),  # a code changed since: found by name
    ]
    source.write_text(json.dumps({"type": "FeatureCollection", "features": units}))
    call_command("build_outlines", str(source), output=str(output), stdout=io.StringIO())

    topology = json.loads(output.read_text())
    geometries = topology["objects"]["subdivisions"]["geometries"]
    assert sorted(g["id"] for g in geometries) == ["EC-L", "FR-HDF", "GT-22", "PE-PIU", "PE-TUM"]
    assert set(topology["countries"]) == {"PE", "EC", "FR", "GT"}
    shapes = Outlines(topology)

    def arcs_of(code):
        return {i if i >= 0 else ~i for r in shapes.by_code[code].rings for i in r}

    assert {shapes.kinds[i] for i in arcs_of("PE-PIU") & arcs_of("PE-TUM")} == {"subdivision"}
    assert {shapes.kinds[i] for i in arcs_of("PE-TUM") & arcs_of("EC-L")} == {"country"}
    # Nord and Pas-de-Calais are one region: the border between them is not drawn.
    assert "inner" in {shapes.kinds[i] for i in arcs_of("FR-HDF")}
