import pytest
from django.core.management import call_command

from partners.management.commands import republish
from partners.models import PublishedOperation
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
