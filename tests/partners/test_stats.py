"""Totals over the verified operations matching the filters: the demo case's published figures,
and what changes them (filters) and what must not (anything not yet verified)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from seizures.models import Country, Operation
from seizures.services import operation_touch, operation_update
from tests import factories

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats/"
FEBRUARY = {"country": "PE", "date_from": "2021-02-10", "date_to": "2021-02-25"}

# The demo case, from the text of its source (seizures.demo): start date, kg of cocaine,
# detainees' nationalities.
DEMO = [
    ("2021-02-11", Decimal("3082"), ["PE", "PE", "VE", "VE"]),  # Paita Port
    ("2021-02-10", Decimal("900"), ["CO"] * 4),  # Mariscal Ramón Castilla camp, 600 + 300
    ("2021-02-10", Decimal("517"), []),  # Callao
    ("2021-02-14", Decimal("225"), []),  # Satipo
    ("2021-02-25", Decimal("216"), []),  # Alto Amazonas
]


@pytest.fixture
def demo(db):
    call_command("load_demo", "--verify", stdout=io.StringIO())
    assert Operation.objects.verified().count() == 5


def expected(date_from: str, date_to: str) -> dict:
    """The stats of the demo operations that started between the two dates, from DEMO (kg as
    Decimal: see `numeric`)."""
    chosen = [op for op in DEMO if date_from <= op[0] <= date_to]
    nationalities = sorted(code for _, _, codes in chosen for code in codes)
    return {
        "operations": len(chosen),
        "detainees": len(nationalities),
        "drugs": [{"drug_type": "cocaine", "kg": sum(kg for _, kg, _ in chosen), "operations": len(chosen)}]
        if chosen
        else [],
        "detainees_by_nationality": [
            {"nationality": code, "detainees": nationalities.count(code)} for code in sorted(set(nationalities))
        ],
    }


def numeric(stats: dict) -> dict:
    """`stats` with each kg read as a Decimal, for tests about the figures rather than their
    spelling (which `test_kg_is_an_exact_decimal_string` checks)."""
    drugs = [{**row, "kg": None if row["kg"] is None else Decimal(row["kg"])} for row in stats["drugs"]]
    return {**stats, "drugs": drugs}


def test_the_demo_case_totals_4940_kg_in_five_operations_with_eight_detainees(key_client, demo):
    response = key_client.get(STATS, FEBRUARY)

    assert response.status_code == 200
    assert response.json() == {
        "operations": 5,
        "detainees": 8,
        "drugs": [{"drug_type": "cocaine", "kg": "4940", "operations": 5}],
        "detainees_by_nationality": [
            {"nationality": "CO", "detainees": 4},
            {"nationality": "PE", "detainees": 2},
            {"nationality": "VE", "detainees": 2},
        ],
    }


def test_filters_narrow_the_demo_totals(key_client, demo):
    first_two_days = numeric(key_client.get(STATS, {**FEBRUARY, "date_to": "2021-02-11"}).json())
    assert first_two_days == expected("2021-02-10", "2021-02-11")
    assert first_two_days == {
        "operations": 3,
        "detainees": 8,
        "drugs": [{"drug_type": "cocaine", "kg": Decimal("4499"), "operations": 3}],
        "detainees_by_nationality": [
            {"nationality": "CO", "detainees": 4},
            {"nationality": "PE", "detainees": 2},
            {"nationality": "VE", "detainees": 2},
        ],
    }
    later = numeric(key_client.get(STATS, {**FEBRUARY, "date_from": "2021-02-12"}).json())
    assert later == expected("2021-02-12", "2021-02-25")
    assert (later["operations"], later["detainees"], later["drugs"][0]["kg"]) == (2, 0, Decimal("441"))
    venezuelans = numeric(key_client.get(STATS, {**FEBRUARY, "nationality": "VE"}).json())
    assert (venezuelans["operations"], venezuelans["detainees"]) == (1, 4)  # Paita: 2 Peruvians, 2 Venezuelans
    assert venezuelans["drugs"] == [{"drug_type": "cocaine", "kg": Decimal("3082"), "operations": 1}]
    assert {"nationality": "VE", "detainees": 2} in venezuelans["detainees_by_nationality"]
    assert key_client.get(STATS, {**FEBRUARY, "country": "CO"}).json() == expected("2021-03-01", "2021-03-01")


def test_stats_ignore_pending_edits_and_unverified_operations(key_client, demo, editor):
    before = key_client.get(STATS, FEBRUARY).json()
    # A pending edit of Paita: more cocaine, one more detainee, moved out of the date range.
    paita = Operation.objects.get(place="Paita Port")
    paita.date_start = paita.date_end = paita.date_start.replace(month=3)
    operation_update(operation=paita, by=editor)
    factories.EvidenceItemFactory(operation=paita, quantity=Decimal("1000"), quantity_kg=Decimal("1000"))
    factories.DetaineeFactory(operation=paita, nationality=Country.objects.get(code="EC"))
    operation_touch(operation=paita, by=editor, reason="item and detainee added")
    # A new operation in range, never verified.
    unverified = factories.cited_operation()
    factories.DetaineeFactory(operation=unverified)
    assert Operation.objects.get(pk=paita.pk).status == Operation.Status.NEEDS_REVIEW

    after = key_client.get(STATS, FEBRUARY).json()

    assert after == before
    assert numeric(after) == expected("2021-02-10", "2021-02-25")

    factories.verify_checked(operation=paita, by=factories.reviewer())

    verified = numeric(key_client.get(STATS, FEBRUARY).json())
    assert (verified["operations"], verified["detainees"]) == (4, 4)
    assert verified["drugs"] == [{"drug_type": "cocaine", "kg": Decimal("1858"), "operations": 4}]
    assert verified["detainees_by_nationality"] == [{"nationality": "CO", "detainees": 4}]
    march = numeric(key_client.get(STATS, {"date_from": "2021-03-01", "date_to": "2021-03-31"}).json())
    assert march["drugs"] == [{"drug_type": "cocaine", "kg": Decimal("4082"), "operations": 1}]
    assert march["detainees"] == 5


# --- Outside the demo --------------------------------------------------------------------


def make(reviewer, *, items, nationalities=(), **fields) -> Operation:
    operation = factories.OperationFactory(**fields)
    for item in items:
        factories.EvidenceItemFactory(operation=operation, **item)
    for code in nationalities:
        factories.DetaineeFactory(operation=operation, nationality=Country.objects.get(code=code) if code else None)
    factories.CitationFactory(operation=operation)
    return factories.verify_checked(operation=operation, by=reviewer)


def kg(drug: str, amount: str) -> dict:
    return {"drug_type": drug, "quantity": Decimal(amount), "quantity_kg": Decimal(amount)}


def test_a_drug_filter_keeps_only_that_drugs_rows(key_client, reviewer):
    make(reviewer, items=[kg("cocaine", "100"), kg("cannabis", "40")], nationalities=["PE"])
    make(reviewer, items=[kg("cocaine", "20")], nationalities=["CO", "CO"])
    make(reviewer, items=[kg("cannabis", "2.5"), kg("cannabis", "0.5")])

    everything = numeric(key_client.get(STATS).json())
    assert everything["drugs"] == [
        {"drug_type": "cannabis", "kg": Decimal("43"), "operations": 2},
        {"drug_type": "cocaine", "kg": Decimal("120"), "operations": 2},
    ]
    cannabis = numeric(key_client.get(STATS, {"drug": "cannabis"}).json())
    assert cannabis == {
        "operations": 2,
        "detainees": 1,
        "drugs": [{"drug_type": "cannabis", "kg": Decimal("43"), "operations": 2}],
        "detainees_by_nationality": [{"nationality": "PE", "detainees": 1}],
    }


def test_kg_bounds_with_a_drug_count_only_the_operations_within_them(key_client, reviewer):
    make(reviewer, items=[kg("cocaine", "100"), kg("cannabis", "40")])
    make(reviewer, items=[kg("cocaine", "20")])

    stats = numeric(key_client.get(STATS, {"drug": "cocaine", "kg_min": "50"}).json())

    assert stats["operations"] == 1
    assert stats["drugs"] == [{"drug_type": "cocaine", "kg": Decimal("100"), "operations": 1}]


def test_kg_is_an_exact_decimal_string(key_client, reviewer):
    # As in the operation documents: the figure the sources give, with no float rounding and
    # no padding ("43", "2.75"), whichever database serves it.
    make(reviewer, items=[kg("cannabis", "40.25"), kg("cocaine", "1000")])
    make(reviewer, items=[kg("cannabis", "2.5"), kg("heroin", "0.001")])

    drugs = key_client.get(STATS).json()["drugs"]

    assert drugs == [
        {"drug_type": "cannabis", "kg": "42.75", "operations": 2},
        {"drug_type": "cocaine", "kg": "1000", "operations": 1},
        {"drug_type": "heroin", "kg": "0.001", "operations": 1},
    ]


def test_a_detainee_of_unknown_nationality_is_counted_under_null(key_client, reviewer):
    make(reviewer, items=[kg("cocaine", "1")], nationalities=["PE", None, None])

    stats = key_client.get(STATS).json()

    assert stats["detainees"] == 3
    assert sorted(stats["detainees_by_nationality"], key=lambda row: row["nationality"] or "") == [
        {"nationality": None, "detainees": 2},
        {"nationality": "PE", "detainees": 1},
    ]


def test_a_drug_without_a_known_weight_counts_operations_with_a_null_kg(key_client, reviewer):
    make(reviewer, items=[{"drug_type": "mdma", "quantity": Decimal("500"), "unit": "unit", "quantity_kg": None}])
    stats = key_client.get(STATS).json()
    assert stats["drugs"] == [{"drug_type": "mdma", "kg": None, "operations": 1}]


def test_an_invalid_filter_is_a_400_naming_it(key_client, reviewer):
    make(reviewer, items=[kg("cocaine", "1")])
    assert key_client.get(STATS).json()["operations"] == 1
    response = key_client.get(STATS, {"drug": "snow"})
    assert response.status_code == 400
    assert list(response.json()) == ["drug"]


def test_a_nationality_filter_keeps_only_those_nationalities_rows_and_drug_names_ignore_case(key_client, reviewer):
    make(reviewer, items=[kg("cocaine", "100")], nationalities=["PE", "CO"])
    make(reviewer, items=[kg("cocaine", "20")], nationalities=["VE"])

    stats = numeric(key_client.get(STATS, {"nationality": "co", "drug": "Cocaine"}).json())

    assert stats == {
        "operations": 1,
        "detainees": 2,
        "drugs": [{"drug_type": "cocaine", "kg": Decimal("100"), "operations": 1}],
        "detainees_by_nationality": [{"nationality": "CO", "detainees": 1}],
    }
