"""Running a newer extractor over sources already in: untouched machine drafts take the new
values; what a person edited, verified or rejected keeps its values, with the new proposal
stored beside them."""

import datetime
from decimal import Decimal
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from seizures.models import Operation
from seizures.services import operation_reject, operation_update
from seizures.snapshots import operation_snapshot
from sources.ingestion import source_extract, source_from_text, source_ingest
from sources.models import Citation, ExtractionRun, OperationProposal
from sources.tasks import reextract_sources
from tests import factories
from tests.seizures.test_admin_forms import form_data
from tests.sources import fake_extractor
from tests.sources.fake_extractor import drug, proposal

pytestmark = pytest.mark.django_db

PAITA = "On 11 February police found 3,082 kilograms of cocaine at Paita Port."
CALLAO = "On 10 February agents found 517 kilograms of cocaine at the port of Callao."
SATIPO = "On 14 February a patrol seized 225 kilograms of cocaine in Satipo province."
ALTO = "On 25 February police seized 216 kilograms of cocaine in Alto Amazonas."
ARRESTS = "Four people were arrested in Paita."
REPORT = f"{PAITA} {ARRESTS}\n{CALLAO}\n{SATIPO}\n{ALTO}"

FEB = {10: datetime.date(2021, 2, 10), 11: datetime.date(2021, 2, 11), 14: datetime.date(2021, 2, 14)}
FEB[25] = datetime.date(2021, 2, 25)


def version_one(text):
    return [
        proposal(text, PAITA, date=FEB[11], place="Paita Port", items=[drug(text, "3,082 kilograms", "cocaine", 3082)]),
        proposal(text, CALLAO, date=FEB[10], place="Callao", items=[drug(text, "517 kilograms", "cocaine", 517)]),
        proposal(text, SATIPO, date=FEB[14], place="Satipo", items=[drug(text, "225 kilograms", "cocaine", 225)]),
    ]


def version_two(text):
    """Reads more: the arrests in Paita (and cites their sentence), the agency in Callao,
    and a fourth operation."""
    return [
        proposal(
            text,
            PAITA,
            ARRESTS,
            date=FEB[11],
            place="Paita Port",
            admin1="PE-PIU",
            detainees=4,
            items=[drug(text, "3,082 kilograms", "cocaine", 3082, form="hydrochloride")],
        ),
        proposal(
            text,
            CALLAO,
            date=FEB[10],
            place="Callao",
            agencies=["DIRANDRO"],
            items=[drug(text, "517 kilograms", "cocaine", 517)],
        ),
        proposal(text, SATIPO, date=FEB[14], place="Satipo", items=[drug(text, "225 kilograms", "cocaine", 225)]),
        proposal(text, ALTO, date=FEB[25], place="Alto Amazonas", items=[drug(text, "216 kilograms", "cocaine", 216)]),
    ]


@pytest.fixture(autouse=True)
def fake(settings):
    with fake_extractor.installed(settings) as fake:
        fake.script = version_one
        yield fake


@pytest.fixture
def source(fake):
    return source_ingest(by=None, source=source_from_text(REPORT, published=datetime.date(2021, 3, 1))).source


def op(place) -> Operation:
    return Operation.objects.get(place=place)


def everything_about(operation) -> dict:
    """Every field, item, detainee and citation of an operation, plus its bookkeeping."""
    operation = Operation.objects.get(pk=operation.pk)
    return {
        **operation_snapshot(operation),
        "status": operation.status,
        "version": operation.version,
        "last_edited_by": operation.last_edited_by_id,
        "verified_version": operation.verified_version_id,
        "citation_ids": sorted(operation.citations.values_list("pk", flat=True)),
    }


def upgrade(fake):
    fake.version = "2.0"
    fake.script = version_two


def reextract(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("reextract", *args, no_progress=True, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue() + str(error), error.returncode
    return out.getvalue(), err.getvalue(), 0


def test_an_untouched_draft_takes_the_new_values(source, fake):
    before = op("Paita Port")
    callao_citation = op("Callao").citations.get()
    upgrade(fake)

    run = source_extract(source=source)

    after = op("Paita Port")
    assert after.pk == before.pk
    assert (after.status, after.last_edited_by, after.version) == (Operation.Status.NEEDS_REVIEW, None, 2)
    assert after.subdivision_id == "PE-PIU"
    assert after.detainees.count() == 4
    assert after.evidence_items.get().form == "hydrochloride"
    assert [c.quote for c in after.citations.order_by("start")] == [f"{PAITA} {ARRESTS}"]
    assert list(op("Callao").agencies.values_list("code", flat=True)) == ["DIRANDRO"]
    assert op("Callao").citations.get() == callao_citation  # the same quote: the same citation
    # Version two proposes Satipo exactly as version one did: nothing is rewritten.
    assert op("Satipo").version == 1
    assert run.proposals.get(operation=op("Satipo")).outcome == OperationProposal.Outcome.UNCHANGED
    updated = run.proposals.get(operation=after)
    assert updated.outcome == OperationProposal.Outcome.UPDATED
    assert updated.data["admin1"]["value"] == "PE-PIU"


def test_a_draft_a_person_edited_keeps_every_value_and_gets_the_new_proposal_beside_it(source, fake, editor):
    edited = op("Paita Port")
    edited.place = "Paita, container terminal"
    operation_update(operation=edited, by=editor)
    before = everything_about(edited)
    upgrade(fake)

    run = source_extract(source=source)

    assert everything_about(edited) == before
    kept = run.proposals.get(operation=edited)
    assert kept.outcome == OperationProposal.Outcome.KEPT
    assert kept.data["detainees_total"]["value"] == 4
    assert "A person has edited" in kept.note
    assert Operation.objects.filter(date_start=FEB[11]).count() == 1  # not drafted again


def test_a_verified_operation_keeps_every_value_and_stays_verified(source, fake, reviewer):
    verified = factories.verify_checked(operation=op("Callao"), by=reviewer)
    before = everything_about(verified)
    upgrade(fake)

    run = source_extract(source=source)

    assert everything_about(verified) == before
    assert before["status"] == Operation.Status.VERIFIED
    assert not verified.agencies.exists()
    assert run.proposals.get(operation=verified).outcome == OperationProposal.Outcome.KEPT


def test_a_rejected_operation_is_not_revived(source, fake, reviewer):
    rejected = operation_reject(operation=op("Satipo"), by=reviewer, reason="a duplicate report")
    before = everything_about(rejected)
    upgrade(fake)

    run = source_extract(source=source)

    assert everything_about(rejected) == before
    assert run.proposals.get(operation=rejected).outcome == OperationProposal.Outcome.KEPT
    assert Operation.objects.filter(date_start=FEB[14]).count() == 1


def test_a_person_who_changed_the_weight_still_gets_the_proposal_beside_it_not_a_duplicate(source, fake, editor):
    edited = op("Paita Port")
    item = edited.evidence_items.get()
    item.quantity = item.quantity_kg = Decimal("2000")  # far from the extractor's 3,082
    item.save()
    operation_update(operation=edited, by=editor, reason="weight corrected")
    upgrade(fake)

    run = source_extract(source=source)

    assert Operation.objects.filter(date_start=FEB[11]).count() == 1
    assert run.proposals.get(index=0).operation == edited
    assert edited.evidence_items.get().quantity_kg == Decimal("2000")


def test_a_newly_found_operation_is_drafted(source, fake):
    upgrade(fake)

    run = source_extract(source=source)

    new = op("Alto Amazonas")
    assert (new.status, new.last_edited_by) == (Operation.Status.NEEDS_REVIEW, None)
    assert run.proposals.get(operation=new).outcome == OperationProposal.Outcome.CREATED
    assert Operation.objects.count() == 4


def test_each_run_is_kept(source, fake):
    upgrade(fake)

    source_extract(source=source)

    runs = list(ExtractionRun.objects.filter(source=source).order_by("created_at", "pk"))
    assert [(r.extractor, r.version) for r in runs] == [("fake", "1.0"), ("fake", "2.0")]
    assert [len(r.output["operations"]) for r in runs] == [3, 4]


@pytest.mark.parametrize("reextracted", [True, False])
def test_a_rewrite_bumps_the_version_so_a_reviewers_stale_form_is_refused(source, fake, reviewer, client, reextracted):
    draft = op("Callao")  # its citation stays: the new version quotes the same sentence
    client.force_login(reviewer)
    url = f"/admin/seizures/operation/{draft.pk}/change/"
    data = form_data(client.get(url))
    if reextracted:
        upgrade(fake)
        source_extract(source=source)

    response = client.post(url, {**data, "place": "Callao (reviewer)"})

    if reextracted:
        assert response.status_code == 200
        assert "while you were editing it" in response.content.decode()
        assert Operation.objects.get(pk=draft.pk).place == "Callao"
    else:  # the same form, with no rewrite in between, saves
        assert response.status_code == 302
        assert Operation.objects.get(pk=draft.pk).place == "Callao (reviewer)"


# --- The command ------------------------------------------------------------------------------


def test_the_command_re_extracts_the_sources_not_yet_done_by_the_current_version(source, fake):
    upgrade(fake)

    out, err, code = reextract()

    assert code == 0, err
    assert f"source #{source.pk}: fake 2.0:" in out
    assert "new draft #" in out and "draft updated #" in out
    assert ExtractionRun.objects.filter(source=source).count() == 2

    out, err, code = reextract()

    assert code == 0
    assert "Every source has been extracted by fake 2.0 already." in out
    assert ExtractionRun.objects.filter(source=source).count() == 2


def test_in_the_background_the_sources_go_to_the_workers_in_chunks(source, fake, settings, monkeypatch):
    from sources.management.commands import reextract as command

    others = [source_ingest(by=None, source=source_from_text(f"{REPORT} Copy {n}.")).source for n in range(2)]
    upgrade(fake)
    monkeypatch.setattr(command, "CHUNK", 2)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch.object(command.reextract_sources, "delay") as delay:
        out, err, code = reextract("--background")
    assert code == 0, err
    assert "Sent 3 source(s) to the workers, in 2 task(s)." in out
    assert [call.args for call in delay.call_args_list] == [([source.pk, others[0].pk],), ([others[1].pk],)]
    # Nothing ran here: the workers do it.
    assert ExtractionRun.objects.filter(source=source).count() == 1

    # What a worker runs: the same re-extraction.
    assert reextract_sources([source.pk, others[0].pk]) == 2
    assert ExtractionRun.objects.filter(source=source).count() == 2
    assert ExtractionRun.objects.filter(source=source).latest("created_at").version == "2.0"


def test_in_the_background_without_a_broker_it_re_extracts_here(source, fake):
    upgrade(fake)
    out, err, code = reextract("--background")
    assert code == 0, err
    assert "No broker configured: re-extracting here." in out
    assert ExtractionRun.objects.filter(source=source).count() == 2


def test_the_command_re_runs_named_sources_whatever_ran_before(source, fake):
    out, err, code = reextract("--source", str(source.pk))

    assert code == 0, err
    assert ExtractionRun.objects.filter(source=source).count() == 2
    # The same proposals again: nothing is drafted twice, cited twice, or rewritten.
    assert Operation.objects.count() == 3
    assert Citation.objects.count() == 3
    assert set(Operation.objects.values_list("version", flat=True)) == {1}
    assert "draft unchanged #" in out


def test_the_command_refuses_an_unknown_source_and_changes_nothing(source, fake):
    out, err, code = reextract("--source", str(source.pk), "999999")

    assert code == 1
    assert "No source #999999" in err
    assert ExtractionRun.objects.count() == 1


def test_the_command_reports_a_failing_source_exits_non_zero_and_leaves_it_as_it_was(source, fake, settings):
    before = everything_about(op("Paita Port"))
    with fake_extractor.installed(settings, "tests.sources.fake_extractor.BrokenExtractor"):
        out, err, code = reextract("--source", str(source.pk))

    assert code == 1
    assert "the extractor fell over" in err
    assert ExtractionRun.objects.count() == 1
    assert everything_about(op("Paita Port")) == before
