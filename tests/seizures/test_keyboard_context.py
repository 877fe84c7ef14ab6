"""The previous and next records of the reviewer's queue, as the operation page links them."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from seizures.admin.keyboard import keyboard_context, queue_neighbours
from seizures.models import Operation
from tests import factories

Status = Operation.Status
QUEUE = "/admin/seizures/operation/"


def request_by(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def day(n):
    return datetime.date(2021, 3, 1) + datetime.timedelta(days=n)


@pytest.fixture
def queue(db):
    """Operations in review whose queue order depends on each of its keys: the newest source
    date (empty ones last), then the start date, then the pk. Made in an order unlike it."""
    return {
        "undated_old": factories.OperationFactory(newest_source_date=None, date_start=day(1)),
        "newest": factories.OperationFactory(newest_source_date=day(9), date_start=day(0)),
        "older_start": factories.OperationFactory(newest_source_date=day(5), date_start=day(2)),
        "tie_first_made": factories.OperationFactory(newest_source_date=day(5), date_start=day(3)),
        "tie_last_made": factories.OperationFactory(newest_source_date=day(5), date_start=day(3)),
        "undated_new": factories.OperationFactory(newest_source_date=None, date_start=day(4)),
    }


def shown_queue(client):
    """The pks of the reviewer's queue in the order the changelist shows it."""
    response = client.get(QUEUE, {"inbox": "to_review"})
    assert response.status_code == 200
    return [operation.pk for operation in response.context["cl"].result_list]


def test_next_and_previous_walk_the_queue_in_the_order_the_changelist_shows(reviewer_client, reviewer, queue):
    order = shown_queue(reviewer_client)
    assert [queue[name].pk for name in ("newest", "tie_last_made", "tie_first_made", "older_start")] == order[:4]
    assert order[4:] == [queue["undated_new"].pk, queue["undated_old"].pk]

    operations = Operation.objects.in_bulk(order)
    for index, pk in enumerate(order):
        neighbours = queue_neighbours(request_by(reviewer), operations[pk])
        assert neighbours == {
            "position": index + 1,
            "total": len(order),
            "previous": order[index - 1] if index else None,
            "next": order[index + 1] if index + 1 < len(order) else None,
        }


def test_it_asks_the_database_once_however_long_the_queue(reviewer, queue, django_assert_num_queries):
    operation = queue["tie_first_made"]
    request = request_by(reviewer)
    with django_assert_num_queries(1):
        queue_neighbours(request, operation)
    factories.OperationFactory.create_batch(20, newest_source_date=day(7))
    with django_assert_num_queries(1):
        assert queue_neighbours(request, operation)["total"] == 26


def test_an_operation_outside_the_queue_has_no_position_and_leads_to_the_first_of_the_queue(reviewer, queue):
    verified = factories.OperationFactory(status=Status.VERIFIED, newest_source_date=day(20))

    assert queue_neighbours(request_by(reviewer), verified) == {
        "position": None,
        "total": 6,
        "previous": None,
        "next": queue["newest"].pk,
    }


def test_the_queue_leaves_out_what_others_are_reviewing_and_what_the_reviewer_edited_last(
    reviewer, second_reviewer, queue
):
    Operation.objects.filter(pk=queue["newest"].pk).update(claimed_by=second_reviewer, claimed_at=timezone.now())
    Operation.objects.filter(pk=queue["tie_last_made"].pk).update(last_edited_by=reviewer)
    # Claimed by the reviewer themselves: still theirs to review.
    Operation.objects.filter(pk=queue["older_start"].pk).update(claimed_by=reviewer, claimed_at=timezone.now())

    neighbours = queue_neighbours(request_by(reviewer), queue["tie_first_made"])

    assert neighbours == {"position": 1, "total": 4, "previous": None, "next": queue["older_start"].pk}
    edited = queue_neighbours(request_by(reviewer), queue["tie_last_made"])
    assert (edited["position"], edited["next"]) == (None, queue["tie_first_made"].pk)


def test_an_empty_queue_offers_no_neighbours(reviewer):
    verified = factories.OperationFactory(status=Status.VERIFIED)

    assert queue_neighbours(request_by(reviewer), verified) == {
        "position": None,
        "total": 0,
        "previous": None,
        "next": None,
    }


def test_the_context_links_the_neighbours_change_pages(reviewer, queue):
    nav = keyboard_context(request_by(reviewer), queue["tie_last_made"])["queue_nav"]

    assert nav["previous_url"] == f"{QUEUE}{queue['newest'].pk}/change/"
    assert nav["next_url"] == f"{QUEUE}{queue['tie_first_made'].pk}/change/"
    first = keyboard_context(request_by(reviewer), queue["newest"])["queue_nav"]
    assert first["previous_url"] is None


def test_the_operation_page_shows_the_position_and_the_links(reviewer_client, queue):
    response = reviewer_client.get(f"{QUEUE}{queue['tie_last_made'].pk}/change/")

    page = response.content.decode()
    assert "2 of 6 in your review queue" in page
    assert f'href="{QUEUE}{queue["newest"].pk}/change/" rel="prev" aria-keyshortcuts="p">← Previous</a>' in page
    assert f'href="{QUEUE}{queue["tie_first_made"].pk}/change/" rel="next" aria-keyshortcuts="n">Next →</a>' in page
    assert 'id="keyboard-help"' in page
