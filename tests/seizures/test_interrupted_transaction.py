"""A workflow service interrupted midway leaves nothing of itself behind.

Each service that writes several rows (verifying: the operation, its verified version, its
history row and the partners' publication; merging: every moved part, both operations, the
removal feed and the merge record; ingesting: the source, its extraction run and proposals,
and the drafted operations with their items, detainees and citations) runs in one
transaction. Here a late step of each is made to fail after the rows before it were written,
and every table must hold what it held before: same row counts across the whole schema, and
the records involved unchanged.

Two kinds of interruption:
- an exception raised by a late step (unittest.mock), on every database. These tests run in
  pytest-django's per-test transaction, so the service's own `atomic` is a savepoint: what
  it rolls back is exactly what it wrote, and a service that wrote outside its transaction
  would leave rows that the counts catch;
- on PostgreSQL only, the service's database session killed from outside
  (`pg_terminate_backend`) while it is paused halfway, as when the database server or a
  connection pooler drops a connection: nothing may be committed, and the caller gets the
  database's error.
"""

import datetime
import threading
from unittest import mock

import pytest
from django.apps import apps
from django.db import DatabaseError, connection

from partners.models import OperationRemoval, PublishedOperation
from seizures import services
from seizures.models import Country, Operation
from seizures.services import operation_merge, operation_update, operation_verify
from sources import ingestion
from sources.ingestion import source_from_text, source_ingest
from sources.models import Citation, Source
from tests import factories
from tests.sources import fake_extractor
from tests.sources.fake_extractor import drug, proposal

pytestmark = pytest.mark.django_db

Status = Operation.Status


class PowerCut(Exception):
    """What the injected failure raises: nothing in the code under test catches it."""


def row_counts() -> dict[str, int]:
    """The number of rows of every table Django knows, history and many-to-many tables included."""
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
    }


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {table: (before[table], after[table]) for table in before if before[table] != after[table]}


def row(model, pk) -> dict:
    return model._base_manager.filter(pk=pk).values().get()


def run_then_fail(real, seen: dict):
    """A stand-in for `real` that does its work, notes the row counts its transaction can see
    then, and fails: a failure after `real`'s rows are written."""

    def stand_in(*args, **kwargs):
        real(*args, **kwargs)
        seen.update(row_counts())
        raise PowerCut("the power went out")

    return stand_in


# --- Verifying ----------------------------------------------------------------------------------


def test_a_verify_that_fails_after_publishing_leaves_no_verified_version_history_or_publication(operation, reviewer):
    operation = factories.check(operation)
    before, operation_before = row_counts(), row(Operation, operation.pk)
    seen = {}

    with (
        mock.patch.object(services, "publish", side_effect=run_then_fail(services.publish, seen)),
        pytest.raises(PowerCut),
    ):
        operation_verify(operation=operation, by=reviewer)

    # Midway, the verify had written its version, the operation, its history and the
    # partners' copy...
    assert changed(before, seen).keys() >= {
        "seizures_verifiedversion",
        "seizures_historicaloperation",
        "partners_publishedoperation",
    }
    # ...and none of it is left.
    assert changed(before, row_counts()) == {}
    assert row(Operation, operation.pk) == operation_before
    # Nothing half-done stands in the way: verifying again makes version 1.
    verified = factories.verify_checked(operation=Operation.objects.get(pk=operation.pk), by=reviewer)
    assert (verified.status, verified.verified_version.number) == (Status.VERIFIED, 1)


def test_a_re_verify_that_fails_midway_leaves_partners_the_version_they_had(operation, reviewer, second_reviewer):
    factories.verify_checked(operation=operation, by=reviewer)
    edited = Operation.objects.get(pk=operation.pk)
    edited.place = "Paita, Piura"
    operation_update(operation=edited, by=reviewer, expected_version=edited.version)
    published = PublishedOperation.objects.filter(operation=operation).values().get()
    before, operation_before = row_counts(), row(Operation, operation.pk)
    seen = {}

    with (
        mock.patch.object(services, "publish", side_effect=run_then_fail(services.publish, seen)),
        pytest.raises(PowerCut),
    ):
        factories.verify_checked(operation=operation, by=second_reviewer)

    # Publishing version 2 had replaced partners' copy of version 1 (one row either way).
    assert "seizures_verifiedversion" in changed(before, seen)
    assert changed(before, row_counts()) == {}
    assert row(Operation, operation.pk) == operation_before
    assert operation_before["status"] == Status.NEEDS_REVIEW
    assert PublishedOperation.objects.filter(operation=operation).values().get() == published
    assert published["version"] == 1


# --- Merging ------------------------------------------------------------------------------------


def parts(operation: Operation) -> dict[str, list[int]]:
    return {
        "items": sorted(operation.evidence_items.values_list("pk", flat=True)),
        "detainees": sorted(operation.detainees.values_list("pk", flat=True)),
        "citations": sorted(Citation.objects.filter(operation=operation).values_list("pk", flat=True)),
        "destinations": sorted(operation.destinations.values_list("pk", flat=True)),
    }


def test_a_merge_that_fails_at_its_last_step_moves_nothing_and_withdraws_nothing(reviewer, second_reviewer):
    survivor = factories.verified_operation(by=reviewer)
    duplicate = factories.verified_operation(by=reviewer)
    factories.DetaineeFactory(operation=duplicate, name="Ana Quispe")
    duplicate.destinations.add(Country.objects.get(code="PA"))
    before = row_counts()
    rows_before = {op.pk: row(Operation, op.pk) for op in (survivor, duplicate)}
    parts_before = {op.pk: parts(op) for op in (survivor, duplicate)}
    seen = {}

    real = services.possible_duplicate_parts
    with (
        mock.patch.object(services, "possible_duplicate_parts", side_effect=run_then_fail(real, seen)),
        pytest.raises(PowerCut),
    ):
        operation_merge(survivor=survivor, duplicate=duplicate, by=second_reviewer, reason="Same container")

    # Midway, the parts had moved and both had history rows (partners keep both published
    # versions until the survivor is verified).
    midway = changed(before, seen)
    assert {
        "seizures_historicaloperation",
        "seizures_historicaldetainee",
        "sources_historicalcitation",
    } <= midway.keys()
    assert not {"partners_publishedoperation", "partners_operationremoval"} & midway.keys()
    assert changed(before, row_counts()) == {}
    for op in (survivor, duplicate):
        assert row(Operation, op.pk) == rows_before[op.pk]
        assert parts(op) == parts_before[op.pk]
    assert PublishedOperation.objects.filter(operation__in=[survivor, duplicate]).count() == 2
    assert not OperationRemoval.objects.filter(public_id=duplicate.public_id).exists()


# --- Ingesting ----------------------------------------------------------------------------------

PAITA = "On 11 February DIRANDRO officers found 3,082 kilograms of liquid cocaine in a container at Paita Port."
ARRESTS = "Two Peruvians and one other man were arrested."
SATIPO = "On 14 February a patrol seized 225 kilograms of cocaine in Satipo province."
REPORT = f"Peru: two seizures in one week.\n\n{PAITA} {ARRESTS}\n\n{SATIPO} Nobody was arrested.\n"


def two_seizures(text: str):
    return [
        proposal(
            text,
            PAITA,
            ARRESTS,
            date=datetime.date(2021, 2, 11),
            items=[drug(text, "3,082 kilograms", "cocaine", 3082, form="liquid")],
            place="Paita Port",
            admin1="PE-PIU",
            agencies=["DIRANDRO"],
            detainees=3,
            nationalities={"PE": 2},
            destinations=["PA"],
            organization="Los Aceiteros de Paita",
        ),
        proposal(
            text,
            SATIPO,
            date=datetime.date(2021, 2, 14),
            items=[drug(text, "225 kilograms", "cocaine", 225)],
            place="Satipo province",
        ),
    ]


@pytest.fixture
def fake(settings):
    with fake_extractor.installed(settings) as fake:
        fake.script = two_seizures
        yield fake


def ingest():
    return source_ingest(
        by=None, source=source_from_text(REPORT, outlet="Andean Test Wire", published=datetime.date(2021, 3, 1))
    )


# Tables an ingest of REPORT writes to; each must have gained rows midway.
INGEST_TABLES = {
    "sources_source",
    "sources_extractionrun",
    "seizures_operation",
    "seizures_evidenceitem",
    "seizures_detainee",
    "sources_citation",
    "seizures_criminalgroup",
    "seizures_historicaloperation",
}


@pytest.mark.parametrize(
    "late_step",
    [
        # After the first operation is drafted with its children, before the second.
        pytest.param("_create", id="between-two-drafts"),
        # After the whole extraction run: every row written, only the commit left.
        pytest.param("source_extract", id="after-the-extraction-run"),
    ],
)
def test_an_ingest_that_fails_midway_leaves_no_source_draft_item_or_citation(fake, late_step):
    before = row_counts()
    seen = {}

    with (
        mock.patch.object(ingestion, late_step, side_effect=run_then_fail(getattr(ingestion, late_step), seen)),
        pytest.raises(PowerCut),
    ):
        ingest()

    midway = changed(before, seen)
    assert INGEST_TABLES <= midway.keys(), midway
    assert seen["seizures_operation"] == before["seizures_operation"] + (1 if late_step == "_create" else 2)
    assert changed(before, row_counts()) == {}
    # The source was not kept: the same text goes in again, and drafts both operations.
    result = ingest()
    assert Source.objects.get() == result.source
    assert Operation.objects.count() == before["seizures_operation"] + 2


# --- A session killed halfway (PostgreSQL) ------------------------------------------------------


def run_and_kill_halfway(service, *, pause_in: tuple[object, str]) -> tuple[BaseException | None, dict]:
    """Run `service()` in a thread of its own (its own database session). When it has gone
    through `pause_in` (an object and the name of a function on it, run for real), it notes
    its session's pid and the row counts it sees, and waits; this thread then terminates that
    session, lets it go on, and returns what it raised and the counts it had seen."""
    target, name = pause_in
    real = getattr(target, name)
    paused, resume = threading.Event(), threading.Event()
    state: dict = {"seen": {}}

    def pause(*args, **kwargs):
        result = real(*args, **kwargs)
        if not paused.is_set():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                state["pid"] = cursor.fetchone()[0]
            state["seen"] = row_counts()
            paused.set()
            assert resume.wait(timeout=60), "never told to go on"
        return result

    def work():
        try:
            with mock.patch.object(target, name, side_effect=pause):
                service()
        except BaseException as error:
            state["error"] = error
        else:
            state["error"] = None
        finally:
            paused.set()
            try:
                connection.close()
            except DatabaseError:
                pass

    thread = threading.Thread(target=work)
    thread.start()
    try:
        assert paused.wait(timeout=60), "the service never reached the pause"
        assert "pid" in state, f"the service failed before the pause: {state.get('error')!r}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [state["pid"]])
            assert cursor.fetchone()[0] is True
    finally:
        resume.set()
        thread.join(timeout=60)
    assert not thread.is_alive(), "the service still runs after its session was killed"
    return state["error"], state["seen"]


def assert_killed_session_error(error: BaseException | None) -> None:
    assert isinstance(error, DatabaseError), f"expected the database's error, got {error!r}"
    # What PostgreSQL tells the session it terminates, or, if the client noticed first, the
    # closed connection.
    message = str(error)
    assert (
        "terminating connection due to administrator command" in message
        or "server closed the connection unexpectedly" in message
    ), message


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL's pg_terminate_backend; runs in CI's PostgreSQL pass (DATABASE_URL=postgres://...)",
)


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_verify_whose_session_is_killed_halfway_commits_nothing():
    reviewer = factories.reviewer(username="rita")
    # Checked by another person first, committed: only the verify is measured.
    operation = factories.check(factories.cited_operation())
    before, operation_before = row_counts(), row(Operation, operation.pk)

    error, seen = run_and_kill_halfway(
        lambda: operation_verify(operation=Operation.objects.get(pk=operation.pk), by=reviewer),
        pause_in=(services, "publish"),
    )

    assert_killed_session_error(error)
    # Its session had written the version, the history row and the partners' copy...
    assert {"seizures_verifiedversion", "seizures_historicaloperation", "partners_publishedoperation"} <= changed(
        before, seen
    ).keys()
    # ...none of which was committed.
    assert changed(before, row_counts()) == {}
    assert row(Operation, operation.pk) == operation_before
    verified = operation_verify(operation=Operation.objects.get(pk=operation.pk), by=reviewer)
    assert verified.verified_version.number == 1


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_ingest_whose_session_is_killed_between_two_drafts_commits_nothing(settings):
    with fake_extractor.installed(settings) as fake:
        fake.script = two_seizures
        before = row_counts()

        error, seen = run_and_kill_halfway(ingest, pause_in=(ingestion, "_create"))

        assert_killed_session_error(error)
        assert INGEST_TABLES <= changed(before, seen).keys()
        assert changed(before, row_counts()) == {}
        # Not a duplicate of anything: the source was never committed.
        result = ingest()
        assert Operation.objects.filter(citations__source=result.source).distinct().count() == 2
