"""Batch ingestion (sources.batches, `manage.py ingest_batch`, the admin's Ingest batches).

Without a broker the tasks run inline, as in the local demo; what a killed worker leaves is
reproduced by making the database fail in the middle of an item.
"""

import io
import threading
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, connections
from django.urls import reverse

from seizures.models import Operation
from sources import batches
from sources.batches import BatchError, batch_cancel, batch_create, batch_progress, batch_resume, batch_run
from sources.models import Citation, IngestBatch, IngestItem, Source
from tests import factories

pytestmark = pytest.mark.django_db


def article(n: int) -> bytes:
    return (
        f"On February {n % 27 + 1}, 2021 the police seized {n * 37 + 5} kg of cocaine in a warehouse in "
        f"Trujillo, Peru. Two men were detained. Report {n}."
    ).encode()


def files(count: int, start: int = 1) -> list[tuple[str, bytes]]:
    return [(f"feed/{n:05d}.txt", article(n)) for n in range(start, start + count)]


def table_counts() -> dict[str, int]:
    return {
        "sources": Source.objects.count(),
        "operations": Operation.objects.count(),
        "citations": Citation.objects.count(),
    }


def test_a_batch_takes_in_every_file_and_accounts_for_each():
    batch = batch_create(
        files=[
            *files(3),
            ("feed/again.txt", article(1)),
            ("feed/empty.txt", b"   "),
            ("feed/photo.jpg", b"\xff\xd8"),
            ("feed/missing.txt", OSError("gone")),
        ],
        label="feed/",
        metadata={"outlet": "El Norte"},
    )
    assert batch.total == 7
    # Refused before any work: the wrong type and the unreadable file.
    assert batch_progress(batch).failed == 2

    assert batch_run(batch.pk) == 5
    batch.refresh_from_db()
    progress = batch_progress(batch)
    assert (progress.created, progress.duplicate, progress.failed, progress.pending) == (3, 1, 3, 0)
    assert batch.status == IngestBatch.Status.DONE and batch.finished_at is not None
    created = IngestItem.objects.filter(batch=batch, status=IngestItem.Status.CREATED)
    assert {item.source.outlet for item in created} == {"El Norte"}
    # Every drafted operation is cited from its source; done items give their bytes up.
    assert Operation.objects.filter(citations__source__in=[i.source for i in created]).distinct().count() == 3
    assert not IngestItem.objects.filter(batch=batch).exclude(content=b"").exists()
    duplicate = IngestItem.objects.get(batch=batch, name="feed/again.txt")
    assert duplicate.source == IngestItem.objects.get(batch=batch, position=1).source
    assert "Already ingested as source" in duplicate.message
    assert "Unsupported file type" in IngestItem.objects.get(batch=batch, name="feed/photo.jpg").message


def test_an_empty_batch_is_refused_and_leaves_nothing():
    with pytest.raises(BatchError, match="No files"):
        batch_create(files=[])
    assert not IngestBatch.objects.exists()


def test_a_worker_lost_midway_rolls_its_file_back_and_a_resume_finishes_without_doubles():
    batch = batch_create(files=files(5))
    real_ingest = batches.source_ingest
    calls = {"n": 0}

    def dies_on_the_third(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            # The source and its drafts are written, then the connection is gone: as when a
            # worker is killed or the database restarts in the middle of a file.
            real_ingest(**kwargs)
            raise OperationalError("server closed the connection unexpectedly")
        return real_ingest(**kwargs)

    with mock.patch.object(batches, "source_ingest", side_effect=dies_on_the_third):
        with pytest.raises(OperationalError):
            batch_run(batch.pk)
    progress = batch_progress(batch)
    assert (progress.created, progress.pending) == (2, 3)
    # Nothing of the third file was kept: two sources, each with what it drafted.
    assert Source.objects.count() == 2
    assert Operation.objects.count() == 2
    assert IngestItem.objects.get(batch=batch, position=3).content == article(3)

    batch_resume(batch=batch)  # no broker: runs inline
    progress = batch_progress(batch)
    assert (progress.created, progress.duplicate, progress.failed, progress.pending) == (5, 0, 0, 0)
    sources = [item.source_id for item in IngestItem.objects.filter(batch=batch)]
    assert len(set(sources)) == 5 and Source.objects.count() == 5
    batch.refresh_from_db()
    assert batch.status == IngestBatch.Status.DONE


def test_a_crash_on_one_file_fails_that_file_only():
    batch = batch_create(files=files(3))
    real_ingest = batches.source_ingest

    def breaks_on_the_second(*, by, source):
        if "Report 2." in source.text:
            raise ValueError("extractor bug")
        return real_ingest(by=by, source=source)

    with mock.patch.object(batches, "source_ingest", side_effect=breaks_on_the_second):
        batch_run(batch.pk)
    failed = IngestItem.objects.get(batch=batch, status=IngestItem.Status.FAILED)
    assert failed.position == 2 and "extractor bug" in failed.message
    assert batch_progress(batch).created == 2
    assert Source.objects.count() == 2


def test_cancelling_stops_after_the_file_in_hand_and_resume_takes_the_rest():
    batch = batch_create(files=files(6))
    before = table_counts()

    def cancel_after_two(item):
        if item.position == 2:
            batch_cancel(batch=batch)

    assert batch_run(batch.pk, on_item=cancel_after_two) == 2
    batch.refresh_from_db()
    assert batch.status == IngestBatch.Status.CANCELLED
    assert batch_progress(batch).pending == 4
    assert table_counts()["sources"] == before["sources"] + 2
    with pytest.raises(BatchError, match="not running"):
        batch_cancel(batch=batch)

    batch_resume(batch=batch)
    batch.refresh_from_db()
    assert batch.status == IngestBatch.Status.DONE
    assert batch_progress(batch).created == 6
    with pytest.raises(BatchError, match="nothing left"):
        batch_resume(batch=batch)


def test_a_worker_joining_a_batch_takes_only_the_files_left():
    batch = batch_create(files=files(4))
    seen = []

    def second_worker_joins(item):
        seen.append(item.position)
        if item.position == 1:
            batch_run(batch.pk, on_item=lambda inner: seen.append(inner.position))

    batch_run(batch.pk, on_item=second_worker_joins)
    assert sorted(seen) == [1, 2, 3, 4]
    assert Source.objects.count() == 4


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SKIP LOCKED is PostgreSQL's; runs in CI's PostgreSQL pass"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_side_by_side_skip_the_file_another_holds():
    batch = batch_create(files=files(4))
    real_ingest = batches.source_ingest
    other: dict = {}

    def first_file_waits_for_a_second_worker(*, by, source):
        if "Report 1." in source.text and "thread" not in other:
            # While this worker holds file 1 (its row locked, uncommitted), another one runs.
            def second():
                try:
                    other["done"] = batch_run(batch.pk)
                finally:
                    connections.close_all()

            other["thread"] = threading.Thread(target=second)
            other["thread"].start()
            other["thread"].join(timeout=60)
        return real_ingest(by=by, source=source)

    with mock.patch.object(batches, "source_ingest", side_effect=first_file_waits_for_a_second_worker):
        mine = batch_run(batch.pk)
    assert (mine, other["done"]) == (1, 3)
    assert Source.objects.count() == 4
    assert len({item.source_id for item in IngestItem.objects.filter(batch=batch)}) == 4


def test_is_stalled_when_running_with_work_left_and_no_heartbeat():
    batch = batch_create(files=files(2))
    progress = batch_progress(batch)
    assert not batches.is_stalled(batch, progress, now=batch.created_at)
    assert batches.is_stalled(batch, progress, now=batch.created_at + batches.STALLED_AFTER * 2)
    batch_run(batch.pk)
    batch.refresh_from_db()
    assert not batches.is_stalled(batch, batch_progress(batch), now=batch.created_at + batches.STALLED_AFTER * 2)


def test_sending_to_a_broker_sends_one_task_per_worker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    batch = batch_create(files=files(2))
    with mock.patch("sources.tasks.ingest_batch.delay") as delay:
        batches.batch_start(batch=batch, workers=3)
    assert [call.args for call in delay.call_args_list] == [(batch.pk,)] * 3
    assert batch_progress(batch).pending == 2


# --- The command ------------------------------------------------------------------------------


def write(folder, count: int):
    folder.mkdir(exist_ok=True)
    for name, data in files(count):
        (folder / name.split("/")[1]).write_bytes(data)


def test_the_command_ingests_a_folder_inline_and_reports(tmp_path):
    write(tmp_path / "feed", 3)
    (tmp_path / "feed" / "notes.md").write_text("not an article")
    (tmp_path / "feed" / "broken.txt").write_bytes(b"\x00\x01binary")
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest_batch", "start", str(tmp_path / "feed"), "--outlet", "El Norte", stdout=out, stderr=err)
    batch = IngestBatch.objects.get()
    assert batch.total == 4  # the .md file is not taken
    assert f"Batch #{batch.pk}" in out.getvalue()
    assert "3 created, 0 already ingested, 1 failed" in out.getvalue()
    assert "broken.txt" in err.getvalue() and "binary" in err.getvalue()

    out = io.StringIO()
    call_command("ingest_batch", "status", str(batch.pk), stdout=out)
    assert "done, 4 of 4 done" in out.getvalue()


def test_the_command_refuses_bad_input_creating_nothing(tmp_path):
    with pytest.raises(CommandError, match="No such file or folder"):
        call_command("ingest_batch", "start", str(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="No .txt, .html or .json files"):
        call_command("ingest_batch", "start", str(tmp_path / "empty"))
    write(tmp_path / "feed", 1)
    with pytest.raises(CommandError, match="--published"):
        call_command("ingest_batch", "start", str(tmp_path / "feed"), "--published", "last week")
    with pytest.raises(CommandError, match="no batch #99"):
        call_command("ingest_batch", "cancel", "99")
    assert not IngestBatch.objects.exists() and not Source.objects.exists()


def test_the_command_resumes_a_cancelled_batch(tmp_path):
    batch = batch_create(files=files(3))
    batch_cancel(batch=batch, by=factories.editor())
    out = io.StringIO()
    call_command("ingest_batch", "resume", str(batch.pk), stdout=out)
    assert "3 created" in out.getvalue()
    batch.refresh_from_db()
    # Resumed as the admin's action resumes: no longer marked as cancelled by anyone.
    assert (batch.status, batch.cancelled_by) == (IngestBatch.Status.DONE, None)
    with pytest.raises(CommandError, match="nothing left"):
        call_command("ingest_batch", "resume", str(batch.pk))


# --- The admin --------------------------------------------------------------------------------


def test_the_admin_shows_progress_and_reviewers_cancel_and_resume(reviewer_client):
    batch = batch_create(files=[*files(2), ("x.txt", b"")], label="feed/")
    batch_run(batch.pk, on_item=lambda item: batch_cancel(batch=batch))
    page = reviewer_client.get(reverse("admin:sources_ingestbatch_changelist"))
    assert page.status_code == 200
    assert b'<progress value="1" max="3" aria-label="33% done"></progress> 1 / 3 (33%)' in page.content

    response = reviewer_client.post(
        reverse("admin:sources_ingestbatch_changelist"),
        {"action": "resume", "_selected_action": [batch.pk]},
        follow=True,
    )
    assert b"resumed" in response.content
    batch.refresh_from_db()
    assert batch.status == IngestBatch.Status.DONE and batch_progress(batch).created == 2
    detail = reviewer_client.get(reverse("admin:sources_ingestbatch_change", args=[batch.pk]))
    assert b"<td>x.txt</td><td>Failed</td>" in detail.content


def test_editors_follow_batches_but_cannot_cancel_them(editor_client):
    batch = batch_create(files=files(2))
    assert editor_client.get(reverse("admin:sources_ingestbatch_changelist")).status_code == 200
    response = editor_client.post(
        reverse("admin:sources_ingestbatch_changelist"), {"action": "cancel", "_selected_action": [batch.pk]}
    )
    batch.refresh_from_db()
    assert batch.status == IngestBatch.Status.RUNNING
    assert response.status_code in (200, 302)
    assert not factories.editor(username="ed2").has_perm("sources.change_ingestbatch")
