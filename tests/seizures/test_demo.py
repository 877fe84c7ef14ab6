import io
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Sum
from django.test import RequestFactory

from seizures.demo import DEMO_SECOND_REPORT, DEMO_SOURCE
from seizures.models import Detainee, EvidenceItem, Operation
from sources.models import Citation, Source
from tests import factories

pytestmark = pytest.mark.django_db


def load_demo():
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_case_is_five_cited_operations_awaiting_review_totalling_4940_kg():
    load_demo()
    operations = Operation.objects.all()
    assert operations.count() == 5
    assert set(operations.values_list("status", flat=True)) == {Operation.Status.NEEDS_REVIEW}
    total = EvidenceItem.objects.filter(drug_type="cocaine").aggregate(kg=Sum("quantity_kg"))["kg"]
    assert total == Decimal("4940")
    assert Detainee.objects.count() == 8
    assert sorted(Detainee.objects.values_list("nationality_id", flat=True)) == ["CO"] * 4 + ["PE"] * 2 + ["VE"] * 2
    for citation in Citation.objects.select_related("source"):
        assert citation.source.text[citation.start : citation.end] == citation.quote
    assert Citation.objects.values("operation").distinct().count() == 5


def test_the_demo_goes_through_ingestion_and_extraction_with_every_fact_in_place():
    load_demo()
    source = Source.objects.get(title=DEMO_SOURCE["title"])
    assert source.extraction_runs.count() == 1
    by_region = {op.subdivision_id: op for op in Operation.objects.exclude(subdivision_id="PE-LOR")}
    paita = by_region["PE-PIU"]
    assert paita.date_start.isoformat() == "2021-02-11"
    assert list(paita.agencies.values_list("code", flat=True)) == ["DIRANDRO"]
    assert list(paita.destinations.values_list("code", flat=True)) == ["PA"]
    assert paita.criminal_group.name == "Los Aceiteros de Paita"
    assert paita.evidence_items.get().form == "liquid"
    callao = by_region["PE-CAL"]
    assert list(callao.destinations.values_list("code", flat=True)) == ["FR"]
    assert sorted(callao.transit.values_list("code", flat=True)) == ["EC", "PA"]
    assert by_region["PE-JUN"].date_start.isoformat() == "2021-02-14"
    loreto = Operation.objects.filter(subdivision_id="PE-LOR").order_by("date_start")
    assert [(op.date_start.isoformat(), op.date_end.isoformat()) for op in loreto] == [
        ("2021-02-10", "2021-02-12"),
        ("2021-02-25", "2021-02-25"),
    ]
    assert sorted(loreto[0].evidence_items.values_list("form", flat=True)) == ["bricks", "liquid"]


def test_loading_the_demo_twice_creates_nothing_new():
    load_demo()
    load_demo()
    assert Operation.objects.count() == 5
    assert Source.objects.count() == 2


def test_the_second_report_is_matched_to_the_callao_operation_and_disagrees_on_its_figures():
    from sources.review import field_reviews

    load_demo()
    second = Source.objects.get(title=DEMO_SECOND_REPORT["title"])
    callao = Operation.objects.get(citations__source=second)
    assert callao.place == "Callao"
    assert Operation.objects.filter(citations__source=second).count() == 1
    rows = {row.key: row for row in field_reviews(callao)}
    assert {key for key, row in rows.items() if row.disagree} == {"agencies", "item-1"}
    assert sorted(v.display for v in rows["item-1"].voices) == ["Cocaine 517 kg (hydrochloride)", "Cocaine 520 kg"]
    # The record keeps the first report's values until a reviewer picks.
    assert [f"{i.quantity_kg.normalize():f}" for i in callao.evidence_items.all()] == ["517"]


def test_demo_accounts_log_in_and_a_demo_reviewer_can_verify_a_demo_operation():
    load_demo()
    # django-axes counts failures per username and address: authentication takes the request.
    request = RequestFactory().post("/admin/login/")
    reviewer = authenticate(request, username="reviewer", password="demo-reviewer-pass")
    assert reviewer is not None and reviewer.has_perm("seizures.verify_operation")
    editor = authenticate(request, username="editor", password="demo-editor-pass")
    assert editor is not None and not editor.has_perm("seizures.verify_operation")
    partner = authenticate(request, username="partner", password="demo-partner-pass")
    assert partner is not None and not partner.is_staff
    operation = Operation.objects.get(place="Paita Port")
    factories.verify_checked(operation=operation, by=reviewer)
    operation.refresh_from_db()
    assert operation.status == Operation.Status.VERIFIED
    assert operation.verified_version.data["criminal_group"] == "Los Aceiteros de Paita"
    assert operation.verified_version.data["destinations"] == ["PA"]
