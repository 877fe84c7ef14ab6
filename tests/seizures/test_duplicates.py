"""Likely duplicates proposed on an operation's page, and the reviewer's answer."""

import datetime
from decimal import Decimal

import pytest

from seizures.duplicates import duplicate_merge, duplicate_reject, likely_duplicates
from seizures.models import Country, DuplicateDecision, Operation
from seizures.services import WorkflowError, operation_reject
from tests import factories

pytestmark = pytest.mark.django_db

Status = Operation.Status
DAY = datetime.date(2021, 2, 11)


def seizure(*, kg="3082", drug="cocaine", days=0, place="Paita Port", country="PE") -> Operation:
    operation = factories.OperationFactory(
        date_start=DAY + datetime.timedelta(days=days), place=place, country=Country.objects.get(code=country)
    )
    factories.EvidenceItemFactory(operation=operation, drug_type=drug, quantity=Decimal(kg), quantity_kg=Decimal(kg))
    return operation


def test_same_drug_and_weight_within_three_days_or_same_place_and_day_are_proposed():
    report = seizure()
    close_weight = seizure(kg="3100", days=3, place="Paita")  # 0.6% heavier, three days later
    same_place_day = seizure(kg="12", drug="cannabis")
    # Not proposed: too far apart, too different a weight, another drug, another country.
    seizure(kg="3082", days=4, place="Paita")
    seizure(kg="3200", days=1, place="Paita")
    seizure(kg="3082", drug="heroin", days=1, place="Paita")
    seizure(country="EC")

    assert likely_duplicates(report) == [same_place_day, close_weight]


def test_rejected_merged_and_judged_different_operations_are_not_proposed(reviewer):
    report = seizure()
    rejected, judged, merged, survivor = seizure(days=1), seizure(days=1), seizure(days=2), seizure(days=2)
    operation_reject(operation=rejected, by=reviewer, reason="An aggregate")
    duplicate_reject(operation=judged, other=report, by=reviewer)
    factories.CitationFactory(operation=survivor)
    duplicate_merge(survivor=survivor, duplicate=merged, by=reviewer, reason="same boat")

    assert likely_duplicates(report) == [survivor]
    assert DuplicateDecision.objects.get(first=report, second=judged).same is False
    assert DuplicateDecision.objects.get(first=merged, second=survivor).same is True


def test_only_reviewers_judge_duplicates(editor):
    report, other = seizure(), seizure(days=1)
    with pytest.raises(WorkflowError, match="permission"):
        duplicate_reject(operation=report, other=other, by=editor)
    assert likely_duplicates(report) == [other]


def test_the_page_lists_likely_duplicates_and_records_the_answer(client, reviewer):
    report, different, same = seizure(), seizure(days=1), seizure(days=2)
    client.force_login(reviewer)
    url = f"/admin/seizures/operation/{report.pk}/"

    page = client.get(f"{url}change/")
    assert page.context["likely_duplicates"] == [different, same]
    assert "Same event: merge it into this one" in page.content.decode()

    client.post(f"{url}duplicates/{different.pk}/different/")
    # "Same event" leads to the merge page, which merges once given a reason.
    to_page = client.post(f"{url}duplicates/{same.pk}/merge/")
    assert to_page["Location"] == f"{url}merge/{same.pk}/"
    same.refresh_from_db()
    assert same.status == Status.NEEDS_REVIEW
    client.post(f"{url}merge/{same.pk}/", {"reason": "Same port, same day."})

    same.refresh_from_db()
    assert (same.status, same.merged_into) == (Status.MERGED, report)
    assert client.get(f"{url}change/").context["likely_duplicates"] == []
    assert client.get(f"{url}duplicates/{different.pk}/merge/").status_code == 405


def test_editors_neither_see_nor_answer_likely_duplicates(client, editor):
    report, other = seizure(), seizure(days=1)
    client.force_login(editor)
    url = f"/admin/seizures/operation/{report.pk}/"

    assert client.get(f"{url}change/").context["likely_duplicates"] == []
    assert client.post(f"{url}duplicates/{other.pk}/different/").status_code == 403
    assert not DuplicateDecision.objects.exists()
