"""The review queue (the Operation changelist), the operation page's cost in queries, and
the bulk actions reviewers run from the queue."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from seizures.models import Agency, Country, Operation, Subdivision
from sources.services import citation_create
from tests import factories

QUEUE = "/admin/seizures/operation/"
Status = Operation.Status


def seized(*, items=(("cocaine", "600"), ("cocaine", "300")), detainees=2, citations=1, **kwargs) -> Operation:
    """An operation in review with drug items of the given kilograms, detainees and citations
    (each from its own source)."""
    operation = factories.OperationFactory(**kwargs)
    for drug, kg in items:
        factories.EvidenceItemFactory(
            operation=operation, drug_type=drug, quantity=Decimal(kg), quantity_kg=Decimal(kg)
        )
    factories.DetaineeFactory.create_batch(detainees, operation=operation)
    for _ in range(citations):
        cite(operation)
    return operation


def cite(operation, source=None, evidence_item=None, **source_fields):
    """Cite `operation` as the extractor does, so that whatever the queue keeps about its
    sources is kept up to date."""
    source = source or factories.SourceFactory(**source_fields)
    quote = "Police seized 120 kilograms of cocaine at the port on Monday."
    return citation_create(by=None, source=source, operation=operation, quote=quote, evidence_item=evidence_item)


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [operation.pk for operation in response.context["cl"].result_list]


def row_cells(response, operation) -> dict[str, str]:
    """The queue row of `operation` as {column: text}."""
    html = response.content.decode()
    link = f'href="/admin/seizures/operation/{operation.pk}/change/'
    rows = [row for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S) if link in row]
    assert len(rows) == 1, f"operation {operation.pk} is listed {len(rows)} times"
    cells = re.findall(r'<t[hd] class="field-(\w+)[^"]*"[^>]*>(.*?)</t[hd]>', rows[0], re.S)
    return {name: " ".join(strip_tags(content).split()) for name, content in cells}


# --- What the queue lists ------------------------------------------------------------------


def test_the_queue_lists_only_operations_needing_review_by_default(reviewer_client):
    waiting = seized()
    verified = seized(status=Status.VERIFIED)
    draft = seized(status=Status.DRAFT)

    assert listed(reviewer_client.get(QUEUE)) == [waiting.pk]
    assert listed(reviewer_client.get(QUEUE, {"status": "verified"})) == [verified.pk]
    assert listed(reviewer_client.get(QUEUE, {"status": "draft"})) == [draft.pk]
    assert set(listed(reviewer_client.get(QUEUE, {"status": "all"}))) == {waiting.pk, verified.pk, draft.pk}


def test_the_status_filter_shows_needs_review_as_selected_when_no_status_is_given(reviewer_client):
    response = reviewer_client.get(QUEUE)

    status_filter = next(spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "status")
    selected = [choice["display"] for choice in status_filter.choices(response.context["cl"]) if choice["selected"]]
    assert selected == ["Needs review"]


def test_the_queue_filters_by_country(reviewer_client):
    in_peru = seized()
    in_colombia = seized(country=Country.objects.get(code="CO"), place="Buenaventura")

    assert listed(reviewer_client.get(QUEUE, {"country__code__exact": "PE"})) == [in_peru.pk]
    assert listed(reviewer_client.get(QUEUE, {"country__code__exact": "CO"})) == [in_colombia.pk]


def test_the_country_filter_offers_only_countries_that_have_operations(reviewer_client):
    seized()
    seized(country=Country.objects.get(code="CO"), place="Buenaventura")

    response = reviewer_client.get(QUEUE)

    country_filter = next(
        spec for spec in response.context["cl"].filter_specs if getattr(spec, "field_path", None) == "country"
    )
    assert sorted(code for code, _ in country_filter.lookup_choices) == ["CO", "PE"]


def test_the_queue_filters_by_subdivision(reviewer_client):
    in_piura = seized(subdivision=Subdivision.objects.get(code="PE-PIU"))
    seized(subdivision=Subdivision.objects.get(code="PE-LIM"), place="Callao")

    assert listed(reviewer_client.get(QUEUE, {"subdivision__code__exact": "PE-PIU"})) == [in_piura.pk]


def test_the_queue_filters_by_date_range(reviewer_client):
    seized(date_start=datetime.date(2020, 12, 31))
    in_january = seized(date_start=datetime.date(2021, 1, 15))
    seized(date_start=datetime.date(2021, 2, 1))

    response = reviewer_client.get(
        QUEUE, {"date_start__range__gte": "2021-01-01", "date_start__range__lte": "2021-01-31"}
    )

    assert listed(response) == [in_january.pk]


def test_the_queue_filters_by_agency(reviewer_client):
    by_dirandro = seized()
    by_dirandro.agencies.add(Agency.objects.get(code="DIRANDRO"))
    by_police = seized()
    by_police.agencies.add(Agency.objects.get(code="PNP"))

    response = reviewer_client.get(QUEUE, {"agencies__id__exact": Agency.objects.get(code="DIRANDRO").pk})

    assert listed(response) == [by_dirandro.pk]


def test_the_queue_filters_by_drug_and_lists_an_operation_once_however_many_items_match(reviewer_client):
    cocaine = seized(items=[("cocaine", "600"), ("cocaine", "300")])
    seized(items=[("cannabis", "50")])

    assert listed(reviewer_client.get(QUEUE, {"drug": "cocaine"})) == [cocaine.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Chiclayo", "by_place"), ("Los Pulpos", "by_group"), ("Navy intercepts semi-submersible", "by_source_title")],
)
def test_the_queue_searches_place_criminal_group_and_source_title(reviewer_client, query, expected):
    operations = {
        "by_place": seized(place="Puerto Eten, Chiclayo"),
        "by_group": seized(criminal_group=factories.CriminalGroupFactory(name="Los Pulpos")),
        "by_source_title": seized(citations=0),
        "unrelated": seized(citations=2),
    }
    source = cite(operations["by_source_title"], title="Navy intercepts semi-submersible off Tumbes").source
    # A second citation from the same matching source must not list the operation twice.
    cite(operations["by_source_title"], source=source)

    assert listed(reviewer_client.get(QUEUE, {"q": query})) == [operations[expected].pk]


def test_each_row_shows_date_place_kilograms_by_drug_detainees_citations_and_status(reviewer_client):
    operation = seized(
        items=[("cocaine", "600"), ("cannabis", "50"), ("cocaine", "300"), ("cocaine", "1200")],
        detainees=3,
        citations=2,
        date_start=datetime.date(2021, 2, 11),
        date_end=datetime.date(2021, 2, 12),
        place="Paita Port",
        subdivision=Subdivision.objects.get(code="PE-PIU"),
    )
    # Non-drug items count for nothing in the drug totals.
    factories.EvidenceItemFactory(
        operation=operation, category="cash", drug_type="", quantity=Decimal("5000"), unit="", currency="USD"
    )

    cells = row_cells(reviewer_client.get(QUEUE), operation)

    assert cells["date"] == "2021-02-11 – 2021-02-12"
    assert cells["where"] == "Paita Port, Piura, PE"
    assert cells["drugs"] == "Cannabis 50 kg, Cocaine 2,100 kg"
    assert cells["detainees"] == "3"
    assert cells["citations"] == "2"
    assert cells["status_label"] == "Needs review"
    assert cells["newest_source"] == "March 1, 2021"


def test_a_row_adds_up_the_kilograms_of_the_same_drug(reviewer_client):
    operation = seized(items=[("cocaine", "600"), ("cocaine", "300")], detainees=0, citations=0)

    cells = row_cells(reviewer_client.get(QUEUE), operation)

    assert cells["drugs"] == "Cocaine 900 kg"
    assert cells["detainees"] == "0"
    assert cells["citations"] == "0"
    assert cells["newest_source"] == "–"


def test_the_queue_puts_the_operation_with_the_newest_source_first(reviewer_client):
    reported_2021 = seized(citations=0, date_start=datetime.date(2021, 6, 1))
    cite(reported_2021, published=datetime.date(2021, 6, 2))
    reported_2022 = seized(citations=0, date_start=datetime.date(2020, 1, 1))
    cite(reported_2022, published=datetime.date(2022, 5, 1))
    cite(reported_2022, published=datetime.date(2021, 1, 1))
    uncited_recent = seized(citations=0, date_start=datetime.date(2023, 1, 1))
    uncited_older = seized(citations=0, date_start=datetime.date(2019, 1, 1))

    assert listed(reviewer_client.get(QUEUE)) == [
        reported_2022.pk,
        reported_2021.pk,
        uncited_recent.pk,
        uncited_older.pk,
    ]


# --- Query counts --------------------------------------------------------------------------

# Each admin page also asks whether the user turned on two-factor login (config/admin_site.py).
QUEUE_QUERIES = 11
# With the merges it holds, its likely duplicates (items, then candidates) and the claim
# (one UPDATE, then reading who holds it), the sources put beside it, and the machine's
# proposals with the decisions taken on them, and the items and detainees a quote may support;
# and what may stop the reviewer verifying it (seizures.services.verify_blockers): its
# citations, who checked its values since its last verification, and whether any of its items
# or detainees is published in another operation.
CHANGE_PAGE_QUERIES = 39


def busy_operations(count):
    """`count` operations with several items, detainees, citations and agencies each, in
    two countries and several subdivisions."""
    agencies = list(Agency.objects.filter(code__in=["PNP", "DIRANDRO"]))
    group = factories.CriminalGroupFactory(name="Los Pulpos")
    subdivisions = list(Subdivision.objects.filter(code__in=["PE-PIU", "PE-LIM", "PE-TUM"]))
    operations = []
    for n in range(count):
        operation = seized(
            items=[("cocaine", "600"), ("cannabis", "40"), ("cocaine", "300")],
            detainees=3,
            citations=3,
            subdivision=subdivisions[n % len(subdivisions)],
            criminal_group=group,
            date_start=datetime.date(2021, 1, 1) + datetime.timedelta(days=n),
        )
        operation.agencies.set(agencies)
        operations.append(operation)
    return operations


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_the_queue_runs_as_many_queries_for_twelve_operations_as_for_two(
    reviewer_client, django_assert_num_queries, django_assert_max_num_queries
):
    busy_operations(2)
    small, response = count_queries(reviewer_client, QUEUE)
    assert len(listed(response)) == 2

    busy_operations(10)
    with django_assert_num_queries(small):
        response = reviewer_client.get(QUEUE)
    assert len(listed(response)) == 12
    with django_assert_max_num_queries(QUEUE_QUERIES):
        reviewer_client.get(QUEUE)


def test_the_filtered_and_searched_queue_runs_as_many_queries_for_twelve_operations_as_for_two(
    reviewer_client, django_assert_num_queries, django_assert_max_num_queries
):
    params = {"status": "all", "drug": "cocaine", "q": "Seizure report", "country__code__exact": "PE"}
    busy_operations(2)
    small, response = count_queries(reviewer_client, QUEUE, **params)
    assert len(listed(response)) == 2

    busy_operations(10)
    with django_assert_num_queries(small):
        response = reviewer_client.get(QUEUE, params)
    assert len(listed(response)) == 12
    with django_assert_max_num_queries(QUEUE_QUERIES):
        reviewer_client.get(QUEUE, params)


def operation_with_children(n):
    operation = seized(items=[("cocaine", "100")] * n, detainees=n, citations=0)
    operation.agencies.set(Agency.objects.filter(code__in=["PNP", "DIRANDRO"]))
    source = factories.SourceFactory()
    items = list(operation.evidence_items.all())
    for i in range(n):
        # Citations of the operation, of an item, and of another source, as reviewers add them.
        cite(operation, source=source if i % 2 else None, evidence_item=items[i])
    return operation


def change_url(operation):
    return f"/admin/seizures/operation/{operation.pk}/change/"


def test_the_operation_page_runs_as_many_queries_with_eight_children_of_each_kind_as_with_one(
    reviewer_client, django_assert_num_queries, django_assert_max_num_queries
):
    few = operation_with_children(1)
    many = operation_with_children(8)
    count_queries(reviewer_client, change_url(few))  # warm caches (content types, sessions)
    small, response = count_queries(reviewer_client, change_url(few))
    assert response.context["sources_panel"]

    with django_assert_num_queries(small):
        response = reviewer_client.get(change_url(many))
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 8
    with django_assert_max_num_queries(CHANGE_PAGE_QUERIES):
        reviewer_client.get(change_url(many))


# --- Bulk actions ---------------------------------------------------------------------------


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_verify_selected_verifies_the_eligible_operations_and_reports_each_refusal(reviewer_client):
    first, second = factories.check(factories.cited_operation()), factories.check(factories.cited_operation())
    uncited = factories.OperationFactory()
    factories.check(uncited)

    response = reviewer_client.post(
        QUEUE,
        {
            "action": "verify_selected",
            "index": "0",
            "_selected_action": [first.pk, second.pk, uncited.pk],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    for operation in (first, second, uncited):
        operation.refresh_from_db()
    assert (first.status, second.status) == (Status.VERIFIED, Status.VERIFIED)
    assert first.verified_version.verified_by.username == "rita"
    assert uncited.status == Status.NEEDS_REVIEW
    assert uncited.verified_version is None
    assert messages_of(response) == [
        ("success", "2 operation(s) verified."),
        ("error", "1 operation(s) not verified:"),
        (
            "error",
            f"{uncited}: Not verified. An operation needs at least one citation from a source before it can be "
            "verified.",
        ),
    ]


def test_verify_selected_refuses_what_the_reviewer_edited_last_and_verifies_the_rest(reviewer_client, reviewer):
    edited_by_me = factories.cited_operation(checked_by=reviewer)
    other = factories.check(factories.cited_operation())

    response = reviewer_client.post(
        QUEUE,
        {"action": "verify_selected", "index": "0", "_selected_action": [edited_by_me.pk, other.pk], "post": "yes"},
    )

    edited_by_me.refresh_from_db()
    other.refresh_from_db()
    assert edited_by_me.status == Status.NEEDS_REVIEW
    assert other.status == Status.VERIFIED
    four_eyes = (
        "Not verified. You decided or edited its values since it was last verified, so another reviewer must verify "
        "it (four-eyes rule)."
    )
    assert messages_of(response) == [
        ("success", "1 operation(s) verified."),
        ("error", "1 operation(s) not verified:"),
        ("error", f"{edited_by_me}: {four_eyes}"),
    ]


def test_reject_selected_first_asks_for_a_reason_and_changes_nothing(reviewer_client):
    first, second = factories.cited_operation(), factories.cited_operation()

    response = reviewer_client.post(
        QUEUE, {"action": "reject_selected", "index": "0", "_selected_action": [first.pk, second.pk]}
    )

    assert response.status_code == 200
    assert "admin/seizures/operation/reject_selected.html" in [t.name for t in response.templates]
    assert {operation.pk for operation in response.context["operations"]} == {first.pk, second.pk}
    assert b'name="confirm" value="yes"' in response.content
    assert b'name="reason"' in response.content
    assert set(Operation.objects.values_list("status", flat=True)) == {Status.NEEDS_REVIEW}


def test_reject_selected_without_a_reason_asks_again_and_changes_nothing(reviewer_client):
    operation = factories.cited_operation()

    response = reviewer_client.post(
        QUEUE, {"action": "reject_selected", "_selected_action": [operation.pk], "confirm": "yes", "reason": "  "}
    )

    assert response.status_code == 200
    assert ("error", "Say why the operations are rejected.") in messages_of(response)
    operation.refresh_from_db()
    assert operation.status == Status.NEEDS_REVIEW


def test_reject_selected_with_a_reason_rejects_them_all_with_that_reason(reviewer_client):
    first, second = factories.cited_operation(), factories.OperationFactory(status=Status.DRAFT)
    untouched = factories.cited_operation()
    reason = "Monthly totals from a police bulletin, not operations."

    response = reviewer_client.post(
        QUEUE + "?status=all",
        {
            "action": "reject_selected",
            "_selected_action": [first.pk, second.pk],
            "confirm": "yes",
            "reason": reason,
        },
    )

    assert response.status_code == 302
    for operation in (first, second, untouched):
        operation.refresh_from_db()
    assert (first.status, first.rejection_reason) == (Status.REJECTED, reason)
    assert (second.status, second.rejection_reason) == (Status.REJECTED, reason)
    assert untouched.status == Status.NEEDS_REVIEW
    assert ("success", "2 operation(s) rejected.") in messages_of(response)
