"""The operations feed: only verified versions are served, filters read those versions, and
the keyset cursor walks every record once, even while new ones are published."""

import base64
import datetime
from decimal import Decimal

import orjson
import pytest

from partners.models import PublishedOperation
from seizures.models import Agency, Country, Operation, Subdivision
from seizures.services import operation_reject, operation_reopen, operation_touch, operation_update
from tests import factories

pytestmark = pytest.mark.django_db

OPERATIONS = "/api/v1/operations/"
REMOVED = "/api/v1/operations/removed/"
STATS = "/api/v1/stats/"
SOURCES = "/api/v1/sources/"
AGENCIES = "/api/v1/agencies/"
GROUPS = "/api/v1/criminal-groups/"


def detail(operation: Operation) -> str:
    return f"{OPERATIONS}{operation.public_id}/"


def make(
    reviewer,
    *,
    items=({},),
    detainees=(),
    agencies=(),
    destinations=(),
    transit=(),
    verify=True,
    **fields,
) -> Operation:
    """An operation with the given evidence items (EvidenceItemFactory arguments), detainees
    (nationality codes), agencies and routes, and one citation; verified unless told not to."""
    operation = factories.OperationFactory(**fields)
    for item in items:
        factories.EvidenceItemFactory(operation=operation, **item)
    for code in detainees:
        factories.DetaineeFactory(operation=operation, nationality=Country.objects.get(code=code) if code else None)
    operation.agencies.set(Agency.objects.filter(code__in=agencies))
    operation.destinations.set(Country.objects.filter(code__in=destinations))
    operation.transit.set(Country.objects.filter(code__in=transit))
    factories.CitationFactory(operation=operation)
    if verify:
        operation = factories.verify_checked(operation=operation, by=reviewer)
    return operation


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [document["id"] for document in response.json()["results"]]


def pid(operation: Operation) -> str:
    return str(operation.public_id)


def edit_pending(operation: Operation, by, **changes) -> None:
    """Edit a verified operation's own fields as `by`: it goes back to review."""
    copy = Operation.objects.get(pk=operation.pk)
    for name, value in changes.items():
        setattr(copy, name, value)
    operation_update(operation=copy, by=by)


# --- What is listed ----------------------------------------------------------------------


def test_only_verified_operations_are_listed(key_client, reviewer, editor):
    published = make(reviewer)
    draft = make(reviewer, verify=False, status=Operation.Status.DRAFT)
    in_review = make(reviewer, verify=False)
    rejected = make(reviewer, verify=False)
    operation_reject(operation=rejected, by=reviewer, reason="Duplicate report.")

    listed = ids(key_client.get(OPERATIONS))

    assert listed == [pid(published)]
    assert not {pid(draft), pid(in_review), pid(rejected)} & set(listed)


def test_an_operation_rejected_or_reopened_after_verification_leaves_the_feed(key_client, reviewer, editor):
    kept = make(reviewer)
    reopened = make(reviewer)
    rejected = make(reviewer)
    assert set(ids(key_client.get(OPERATIONS))) == {pid(kept), pid(reopened), pid(rejected)}

    operation_reopen(operation=reopened, by=reviewer)
    edit_pending(rejected, editor, place="Sullana")
    operation_reject(operation=rejected, by=reviewer, reason="Not a seizure.")

    assert ids(key_client.get(OPERATIONS)) == [pid(kept)]


def listed_document(client) -> dict:
    (document,) = client.get(OPERATIONS).json()["results"]
    return document


def test_an_edit_awaiting_review_is_served_as_its_last_verified_version(key_client, reviewer, editor):
    operation = make(reviewer, place="Paita Port")
    first = listed_document(key_client)
    old_items = [item["id"] for item in first["evidence_items"]]
    assert (first["id"], first["version"], first["place"]) == (pid(operation), 1, "Paita Port")

    edit_pending(operation, editor, place="Sullana")
    added = factories.EvidenceItemFactory(operation=operation, drug_type="cannabis", quantity_kg=Decimal("7"))
    operation_touch(operation=operation, by=editor, reason="evidence item added")
    operation.refresh_from_db()
    assert (operation.status, operation.place) == (Operation.Status.NEEDS_REVIEW, "Sullana")

    assert listed_document(key_client) == first

    factories.verify_checked(operation=operation, by=reviewer)

    document = listed_document(key_client)
    assert (document["id"], document["version"], document["place"]) == (pid(operation), 2, "Sullana")
    assert [item["id"] for item in document["evidence_items"]] == [*old_items, added.pk]
    assert document["modified_at"] > first["modified_at"]


def test_the_detail_of_an_operation_with_an_edit_awaiting_review_is_its_last_verified_version(
    key_client, reviewer, editor
):
    operation = make(reviewer, place="Paita Port")
    edit_pending(operation, editor, place="Sullana")

    response = key_client.get(detail(operation))

    assert response.status_code == 200
    assert (response.json()["version"], response.json()["place"]) == (1, "Paita Port")


# --- One operation -----------------------------------------------------------------------


def test_the_detail_of_a_published_operation_is_its_document(key_client, reviewer):
    operation = make(reviewer)
    response = key_client.get(detail(operation))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == key_client.get(OPERATIONS).json()["results"][0]
    assert response.json()["id"] == pid(operation)


def test_the_detail_of_an_unknown_or_never_verified_id_is_404(key_client, reviewer):
    in_review = make(reviewer, verify=False)
    for url in (f"{OPERATIONS}00000000-0000-4000-8000-000000000000/", detail(in_review)):
        response = key_client.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "No verified operation has this id."}


def _reject(operation, reviewer, editor):
    edit_pending(operation, editor, place="Sullana")
    operation_reject(operation=operation, by=reviewer, reason="Duplicate report.")


def _reopen(operation, reviewer, editor):
    operation_reopen(operation=operation, by=reviewer)


def _delete(operation, reviewer, editor):
    operation.delete()


@pytest.mark.parametrize(
    ("remove", "reason"),
    [(_reject, "rejected"), (_reopen, "sent back to review"), (_delete, "deleted")],
    ids=["rejected", "reopened", "deleted"],
)
def test_the_detail_of_a_removed_operation_is_404_saying_why(key_client, reviewer, editor, remove, reason):
    operation = make(reviewer)
    assert key_client.get(detail(operation)).status_code == 200

    remove(operation, reviewer, editor)

    response = key_client.get(detail(operation))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": f"This operation was removed ({reason})."}


# --- Filters -----------------------------------------------------------------------------


def test_date_from_and_date_to_bound_the_start_date(key_client, reviewer):
    early = make(reviewer, date_start=datetime.date(2021, 2, 5))
    middle = make(reviewer, date_start=datetime.date(2021, 2, 15))
    late = make(reviewer, date_start=datetime.date(2021, 2, 25))

    assert set(ids(key_client.get(OPERATIONS, {"date_from": "2021-02-10"}))) == {pid(middle), pid(late)}
    assert set(ids(key_client.get(OPERATIONS, {"date_to": "2021-02-15"}))) == {pid(early), pid(middle)}
    both = {"date_from": "2021-02-15", "date_to": "2021-02-15"}
    assert ids(key_client.get(OPERATIONS, both)) == [pid(middle)]


def test_country_takes_a_case_insensitive_comma_list(key_client, reviewer):
    peru = make(reviewer, country=Country.objects.get(code="PE"))
    colombia = make(reviewer, country=Country.objects.get(code="CO"))
    make(reviewer, country=Country.objects.get(code="EC"))

    assert ids(key_client.get(OPERATIONS, {"country": "co"})) == [pid(colombia)]
    assert set(ids(key_client.get(OPERATIONS, {"country": "pe, CO"}))) == {pid(peru), pid(colombia)}


def test_subdivision_filters_by_iso_3166_2_code(key_client, reviewer):
    piura = make(reviewer, subdivision=Subdivision.objects.get(code="PE-PIU"))
    make(reviewer, subdivision=Subdivision.objects.get(code="PE-LOR"))

    assert ids(key_client.get(OPERATIONS, {"subdivision": "PE-PIU"})) == [pid(piura)]
    assert ids(key_client.get(OPERATIONS, {"subdivision": "pe-piu"})) == [pid(piura)]


def test_drug_keeps_operations_that_seized_any_of_the_drugs(key_client, reviewer):
    cocaine = make(reviewer, items=[{"drug_type": "cocaine"}])
    cannabis = make(reviewer, items=[{"drug_type": "cannabis"}])
    make(reviewer, items=[{"category": "cash", "drug_type": "", "quantity": 500, "unit": "", "currency": "USD"}])

    assert ids(key_client.get(OPERATIONS, {"drug": "cannabis"})) == [pid(cannabis)]
    assert set(ids(key_client.get(OPERATIONS, {"drug": "cocaine,cannabis"}))) == {pid(cocaine), pid(cannabis)}


@pytest.fixture
def weighed(reviewer):
    """One operation with 120 kg of cocaine, one with 10 kg of cocaine and 50 of cannabis."""
    heavy = make(reviewer, items=[{"drug_type": "cocaine", "quantity": 120, "quantity_kg": Decimal("120")}])
    mixed = make(
        reviewer,
        items=[
            {"drug_type": "cocaine", "quantity": 10, "quantity_kg": Decimal("10")},
            {"drug_type": "cannabis", "quantity": 50, "quantity_kg": Decimal("50")},
        ],
    )
    return heavy, mixed


def test_kg_bounds_without_drug_compare_the_total_of_all_drugs(key_client, weighed):
    heavy, mixed = weighed
    assert ids(key_client.get(OPERATIONS, {"kg_min": "100"})) == [pid(heavy)]
    assert ids(key_client.get(OPERATIONS, {"kg_max": "100"})) == [pid(mixed)]
    # 60 kg in all, though no single drug reaches 55.
    assert ids(key_client.get(OPERATIONS, {"kg_min": "55", "kg_max": "60"})) == [pid(mixed)]


def test_kg_bounds_with_drug_compare_that_drug_alone(key_client, weighed):
    heavy, mixed = weighed
    assert ids(key_client.get(OPERATIONS, {"drug": "cocaine", "kg_min": "50"})) == [pid(heavy)]
    assert ids(key_client.get(OPERATIONS, {"drug": "cocaine", "kg_max": "50"})) == [pid(mixed)]
    # The mixed operation has 60 kg in all but only 10 of cocaine.
    assert ids(key_client.get(OPERATIONS, {"drug": "cocaine", "kg_min": "55", "kg_max": "60"})) == []
    assert ids(key_client.get(OPERATIONS, {"drug": "cannabis", "kg_min": "40"})) == [pid(mixed)]


def test_agency_filters_by_agency_code(key_client, reviewer):
    factories.AgencyFactory(code="ALPHA")
    factories.AgencyFactory(code="BETA")
    alpha = make(reviewer, agencies=["ALPHA"])
    make(reviewer, agencies=["BETA"])

    assert ids(key_client.get(OPERATIONS, {"agency": "ALPHA"})) == [pid(alpha)]
    assert ids(key_client.get(OPERATIONS, {"agency": "alpha"})) == [pid(alpha)]


def test_criminal_group_filters_by_group_id(key_client, reviewer):
    group = factories.CriminalGroupFactory(name="Los Pulpos")
    other = factories.CriminalGroupFactory(name="Los Injertos")
    pulpos = make(reviewer, criminal_group=group)
    make(reviewer, criminal_group=other)
    make(reviewer)

    assert ids(key_client.get(OPERATIONS, {"criminal_group": group.pk})) == [pid(pulpos)]


def test_destination_filters_by_country_bound_for(key_client, reviewer):
    spain = make(reviewer, destinations=["ES", "NL"])
    make(reviewer, destinations=["US"])

    assert ids(key_client.get(OPERATIONS, {"destination": "es"})) == [pid(spain)]


def test_transit_filters_by_country_on_the_way(key_client, reviewer):
    via_panama = make(reviewer, destinations=["FR"], transit=["PA"])
    make(reviewer, destinations=["FR"], transit=["EC"])

    assert ids(key_client.get(OPERATIONS, {"transit": "PA"})) == [pid(via_panama)]
    # A destination is not a transit country.
    assert ids(key_client.get(OPERATIONS, {"transit": "FR"})) == []


def test_nationality_filters_by_a_detainees_nationality(key_client, reviewer):
    colombians = make(reviewer, detainees=["CO", "PE"])
    make(reviewer, detainees=["PE", None])

    assert ids(key_client.get(OPERATIONS, {"nationality": "co"})) == [pid(colombians)]


def test_updated_since_keeps_records_published_at_or_after_the_time(key_client, reviewer):
    older = make(reviewer)
    newer = make(reviewer)
    older_at = PublishedOperation.objects.get(operation=older).modified_at
    newer_at = PublishedOperation.objects.get(operation=newer).modified_at
    assert older_at < newer_at

    assert ids(key_client.get(OPERATIONS, {"updated_since": newer_at.isoformat()})) == [pid(newer)]
    assert set(ids(key_client.get(OPERATIONS, {"updated_since": older_at.isoformat()}))) == {pid(older), pid(newer)}


def test_filters_read_the_verified_version_not_a_pending_edit(key_client, reviewer, editor):
    operation = make(reviewer, country=Country.objects.get(code="PE"), destinations=["ES"])
    edit_pending(operation, editor, country=Country.objects.get(code="CO"), subdivision=None)
    operation.destinations.set(Country.objects.filter(code="US"))
    operation_touch(operation=operation, by=editor, reason="destination changed")

    assert ids(key_client.get(OPERATIONS, {"country": "CO"})) == []
    assert ids(key_client.get(OPERATIONS, {"destination": "US"})) == []
    assert ids(key_client.get(OPERATIONS, {"country": "PE"})) == [pid(operation)]
    assert ids(key_client.get(OPERATIONS, {"destination": "ES"})) == [pid(operation)]


INVALID = [
    ({"date_from": "2021-13-01"}, "date_from"),
    ({"date_to": "yesterday"}, "date_to"),
    ({"date_from": "2021-03-01", "date_to": "2021-02-01"}, "date_to"),
    ({"drug": "snow"}, "drug"),
    ({"kg_min": "heavy"}, "kg_min"),
    ({"kg_min": "-1"}, "kg_min"),
    ({"kg_min": "10", "kg_max": "5"}, "kg_max"),
    ({"criminal_group": "pulpos"}, "criminal_group"),
    ({"updated_since": "last week"}, "updated_since"),
    ({"ordering": "place"}, "ordering"),
    ({"page_size": "0"}, "page_size"),
    ({"page_size": "5000"}, "page_size"),
    ({"page_size": "ten"}, "page_size"),
    ({"cursor": "not a cursor"}, "cursor"),
    ({"cursor": base64.urlsafe_b64encode(b'{"o": "-date"}').decode()}, "cursor"),
    ({"cursor": base64.urlsafe_b64encode(b'{"o": "-date", "v": "soon", "id": 1}').decode()}, "cursor"),
]


@pytest.mark.parametrize(("params", "name"), INVALID, ids=[f"{'&'.join(p)}={list(p.values())[-1]}" for p, _ in INVALID])
def test_an_invalid_parameter_is_a_400_naming_it(key_client, reviewer, params, name):
    make(reviewer)
    assert key_client.get(OPERATIONS).status_code == 200

    response = key_client.get(OPERATIONS, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [name]


def test_an_invalid_since_on_the_removals_feed_is_a_400_naming_it(key_client, reviewer):
    operation_reopen(operation=make(reviewer), by=reviewer)
    assert len(key_client.get(REMOVED).json()["results"]) == 1

    response = key_client.get(REMOVED, {"since": "last week"})

    assert response.status_code == 400
    assert list(response.json()) == ["since"]


def test_a_cursor_from_another_ordering_is_a_400(key_client, reviewer):
    for _ in range(3):
        make(reviewer)
    following = key_client.get(OPERATIONS, {"ordering": "date", "page_size": 1}).json()["next"]
    assert key_client.get(following).status_code == 200
    cursor = following.split("cursor=")[1].split("&")[0]

    response = key_client.get(OPERATIONS, {"ordering": "-date", "cursor": cursor, "page_size": 1})

    assert response.status_code == 400
    assert "another ordering" in response.json()["cursor"]


# --- Pagination --------------------------------------------------------------------------


def walk(client, url: str, **params) -> list[str]:
    """Every id of the feed, following `next`; checks the Link header on each page."""
    response = client.get(url, params)
    seen = []
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [document["id"] for document in body["results"]]
        if body["next"] is None:
            assert "Link" not in response
            return seen
        assert response["Link"] == f'<{body["next"]}>; rel="next"'
        response = client.get(body["next"])


DATES = [datetime.date(2021, 2, day) for day in (11, 14, 11, 25, 11, 14, 3)]


@pytest.fixture
def seven(reviewer) -> list[tuple[datetime.date, int, str]]:
    """Seven operations, three on one date and two on another: (date, order of verification,
    public id) each."""
    return [(date, n, pid(make(reviewer, date_start=date))) for n, date in enumerate(DATES)]


def test_next_walks_every_operation_once_newest_date_first_then_newest_publication(key_client, seven):
    expected = [public_id for _, _, public_id in sorted(seven, reverse=True)]
    assert walk(key_client, OPERATIONS, page_size=2) == expected
    assert walk(key_client, OPERATIONS, page_size=2, ordering="-date") == expected


def test_next_walks_every_operation_once_oldest_date_first(key_client, seven):
    expected = [public_id for _, _, public_id in sorted(seven)]
    assert walk(key_client, OPERATIONS, page_size=2, ordering="date") == expected


def test_next_walks_every_operation_once_in_order_of_change(key_client, seven):
    in_order = [public_id for _, _, public_id in seven]
    assert walk(key_client, OPERATIONS, page_size=2, ordering="modified") == in_order
    assert walk(key_client, OPERATIONS, page_size=2, ordering="-modified") == in_order[::-1]


def test_next_keeps_the_filters_and_the_ordering(key_client, seven):
    on_the_11th = [public_id for date, _, public_id in seven if date.day == 11]
    assert len(on_the_11th) == 3
    walked = walk(key_client, OPERATIONS, page_size=1, ordering="date", date_from="2021-02-11", date_to="2021-02-11")
    assert walked == on_the_11th


@pytest.mark.parametrize("ordering", ["-date", "date"])
def test_publishing_while_a_partner_pages_repeats_and_skips_nothing(key_client, reviewer, seven, ordering):
    originals = walk(key_client, OPERATIONS, page_size=3, ordering=ordering)
    first = key_client.get(OPERATIONS, {"page_size": 3, "ordering": ordering}).json()
    page_one = [document["id"] for document in first["results"]]
    assert page_one == originals[:3]
    last_date = datetime.date.fromisoformat(first["results"][-1]["date_start"])

    arrivals = [
        make(reviewer, date_start=last_date),
        make(reviewer, date_start=last_date),
        make(reviewer, date_start=datetime.date(2021, 3, 1)),
        make(reviewer, date_start=datetime.date(2021, 1, 1)),
    ]
    response = key_client.get(first["next"])
    rest = []
    while True:
        body = response.json()
        rest += [document["id"] for document in body["results"]]
        if not body["next"]:
            break
        response = key_client.get(body["next"])

    assert not set(page_one) & set(rest)
    assert len(rest) == len(set(rest))
    assert [i for i in rest if i in originals] == originals[3:]
    assert set(rest) - set(originals) <= {pid(op) for op in arrivals}


# --- Read-only ---------------------------------------------------------------------------


@pytest.fixture
def every_url(reviewer):
    operation = make(reviewer)
    source = operation.citations.get().source
    return [
        OPERATIONS,
        REMOVED,
        detail(operation),
        STATS,
        SOURCES,
        f"{SOURCES}{source.pk}/",
        AGENCIES,
        GROUPS,
    ]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_partner_key_can_write_nowhere(key_client, every_url, method):
    before = list(PublishedOperation.objects.values_list("pk", "version", "document"))
    for url in every_url:
        assert key_client.get(url).status_code == 200, url
        response = getattr(key_client, method)(url, data={"place": "X"}, content_type="application/json")
        assert response.status_code in (403, 405), (url, response.status_code)
    assert list(PublishedOperation.objects.values_list("pk", "version", "document")) == before


# --- Nested content ----------------------------------------------------------------------


def test_a_document_nests_agencies_routes_group_items_detainees_and_citations(key_client, reviewer):
    factories.AgencyFactory(code="ALPHA", name="Alpha Anti-Drug Unit")
    group = factories.CriminalGroupFactory(name="Los Aceiteros de Paita")
    source = factories.SourceFactory(
        title="Liquid cocaine found in palm oil",
        outlet="Diario del Norte",
        url="https://diario.example.pe/paita",
        published=datetime.date(2021, 2, 12),
        text="Officers found 3,082.5 kilograms of liquid cocaine mixed into the oil. The cargo was bound for Panama.",
    )
    operation = factories.OperationFactory(criminal_group=group, summary="Liquid cocaine in palm oil.")
    liquid = factories.EvidenceItemFactory(
        operation=operation,
        form="liquid",
        quantity=Decimal("3082.5"),
        quantity_kg=Decimal("3082.5"),
        concealment="palm-oil bottles",
    )
    grams = factories.EvidenceItemFactory(
        operation=operation, drug_type="cannabis", quantity=Decimal("250"), unit="g", quantity_kg=Decimal("0.25")
    )
    cash = factories.EvidenceItemFactory(
        operation=operation,
        category="cash",
        drug_type="",
        quantity=Decimal("15000"),
        unit="",
        currency="USD",
        quantity_kg=None,
    )
    factories.DetaineeFactory(operation=operation)
    operation.agencies.set(Agency.objects.filter(code__in=["ALPHA", "DIRANDRO"]))
    operation.destinations.set(Country.objects.filter(code__in=["PA", "ES"]))
    operation.transit.set(Country.objects.filter(code="EC"))
    quote = "Officers found 3,082.5 kilograms of liquid cocaine mixed into the oil."
    factories.CitationFactory(operation=operation, source=source, quote=quote, evidence_item=liquid, field="quantity")
    factories.verify_checked(operation=operation, by=reviewer)

    document = key_client.get(detail(operation)).json()

    assert document["agencies"] == [
        {"code": "ALPHA", "name": "Alpha Anti-Drug Unit"},
        {"code": "DIRANDRO", "name": "Dirección Antidrogas de la PNP"},
    ]
    assert document["destinations"] == ["ES", "PA"]
    assert document["transit"] == ["EC"]
    assert document["criminal_group"] == {"id": group.pk, "name": "Los Aceiteros de Paita"}
    assert document["summary"] == "Liquid cocaine in palm oil."
    assert document["evidence_items"] == [
        {
            "id": liquid.pk,
            "category": "drug",
            "drug_type": "cocaine",
            "form": "liquid",
            "description": "",
            "quantity": "3082.5",
            "unit": "kg",
            "currency": "",
            "quantity_kg": "3082.5",
            "concealment": "palm-oil bottles",
        },
        {
            "id": grams.pk,
            "category": "drug",
            "drug_type": "cannabis",
            "form": "",
            "description": "",
            "quantity": "250",
            "unit": "g",
            "currency": "",
            "quantity_kg": "0.25",
            "concealment": "",
        },
        {
            "id": cash.pk,
            "category": "cash",
            "drug_type": "",
            "form": "",
            "description": "",
            "quantity": "15000",
            "unit": "",
            "currency": "USD",
            "quantity_kg": None,
            "concealment": "",
        },
    ]
    assert document["detainee_count"] == 1
    assert document["detainees"] == [{"nationality": "PE"}]
    start = source.text.index(quote)
    assert document["citations"] == [
        {
            "source": {
                "id": source.pk,
                "title": "Liquid cocaine found in palm oil",
                "outlet": "Diario del Norte",
                "url": "https://diario.example.pe/paita",
                "published": "2021-02-12",
            },
            "quote": quote,
            "start": start,
            "end": start + len(quote),
            "field": "quantity",
            "evidence_item": liquid.pk,
        }
    ]


def test_decimals_are_exact_strings_in_the_raw_body(key_client, reviewer):
    operation = make(reviewer, items=[{"quantity": Decimal("0.1"), "unit": "kg", "quantity_kg": Decimal("0.1")}])
    raw = orjson.loads(key_client.get(detail(operation)).content)
    item = raw["evidence_items"][0]
    assert (item["quantity"], item["quantity_kg"]) == ("0.1", "0.1")
