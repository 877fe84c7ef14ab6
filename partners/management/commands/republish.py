"""`python manage.py republish`: render every published operation again from its verified
version.

Run it after a change to what partners are served (a new document field, a fix in how one is
written), in the same release. Each operation's `modified_at` moves on, so partners' next
incremental sync fetches them all again. Nothing is verified or withdrawn.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from partners.models import PublishedOperation
from partners.publication import reference_lookups, write_publication
from seizures.models import Operation
from sources.management.commands._progress import Progress

# Operations a transaction: short enough that no row stays locked for long (a reviewer
# verifying one of them waits a moment), long enough not to pay a commit per operation.
BATCH = 200


class Command(BaseCommand):
    help = "Render every published operation again from its verified version (after a change to the API's documents)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Never draw a progress bar.")

    def handle(self, *args, no_progress, **options):
        ids = list(Operation.objects.published().order_by("pk").values_list("pk", flat=True))
        lookups = reference_lookups()
        progress = Progress(self, ids, unit="operation", enabled=not no_progress)
        done, batch = 0, []
        for pk in progress:
            batch.append(pk)
            if len(batch) == BATCH:
                done += self._republish(batch, lookups)
                batch = []
        if batch:
            done += self._republish(batch, lookups)
        progress.close()
        self.stdout.write(self.style.SUCCESS(f"Republished {done} operations."))

    @transaction.atomic
    def _republish(self, ids: list[int], lookups: dict) -> int:
        # Locked as the workflow locks them: an operation withdrawn or verified again since
        # the list was read is skipped, or published as it now is.
        operations = list(
            Operation.objects.select_for_update(of=("self",))
            .select_related("verified_version")
            .filter(pk__in=ids, verified_version__isnull=False)
        )
        PublishedOperation.objects.filter(operation__in=operations).delete()
        now = timezone.now()
        for operation in operations:
            write_publication(
                operation=operation, verified_version=operation.verified_version, modified_at=now, **lookups
            )
        return len(operations)
