from unittest import mock

import pytest
from django.core.management import call_command

from partners.management.commands import republish
from partners.models import PublishedOperation
from partners.tasks import republish_operations
from seizures.services import operation_reopen
from tests import factories

pytestmark = pytest.mark.django_db


def test_republish_renders_published_operations_again_with_a_later_modified_time(reviewer, capsys, monkeypatch):
    monkeypatch.setattr(republish, "BATCH", 2)  # three operations: a full batch, then the rest
    published = [factories.verified_operation(by=reviewer) for _ in range(3)]
    withdrawn = factories.verified_operation(by=reviewer)
    operation_reopen(operation=withdrawn, by=reviewer)
    before = dict(PublishedOperation.objects.values_list("public_id", "modified_at"))
    # Simulate documents written by an older release.
    PublishedOperation.objects.update(document="{}")

    call_command("republish", "--no-progress")

    after = {p.public_id: p for p in PublishedOperation.objects.all()}
    assert set(after) == {op.public_id for op in published}
    for public_id, publication in after.items():
        assert publication.modified_at > before[public_id]
        assert f'"id":"{public_id}"' in publication.document
    assert "Republished 3 operations." in capsys.readouterr().out


def test_in_the_background_the_operations_go_to_the_workers_in_batches(reviewer, capsys, monkeypatch, settings):
    monkeypatch.setattr(republish, "BATCH", 2)
    published = [factories.verified_operation(by=reviewer) for _ in range(3)]
    PublishedOperation.objects.update(document="{}")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch.object(republish.republish_operations, "delay") as delay:
        call_command("republish", "--background")
    ids = [op.pk for op in published]
    assert [call.args for call in delay.call_args_list] == [(ids[:2],), (ids[2:],)]
    assert "Sent 3 operation(s) to the workers, in 2 task(s)." in capsys.readouterr().out
    assert set(PublishedOperation.objects.values_list("document", flat=True)) == {"{}"}

    # What a worker runs.
    assert republish_operations(ids) == 3
    assert "{}" not in set(PublishedOperation.objects.values_list("document", flat=True))
