"""`python manage.py republish`: render every published operation again from its verified
version.

Run it after a change to what partners are served (a new document field, a fix in how one is
written), in the same release. Each operation's `modified_at` moves on, so partners' next
incremental sync fetches them all again. Nothing is verified or withdrawn. With
`--background` the work goes to the Celery workers, a task per batch of operations.
"""

from django.core.management.base import BaseCommand

from partners.publication import reference_lookups, republish
from partners.tasks import republish_operations
from seizures.models import Operation
from sources.management.commands._progress import Progress, sent_to_workers

# Operations a transaction: short enough that no row stays locked for long (a reviewer
# verifying one of them waits a moment), long enough not to pay a commit per operation.
BATCH = 200


class Command(BaseCommand):
    help = "Render every published operation again from its verified version (after a change to the API's documents)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Never draw a progress bar.")
        parser.add_argument(
            "--background", action="store_true", help="Send the work to the Celery workers and return at once."
        )

    def handle(self, *args, no_progress, background, **options):
        ids = list(Operation.objects.published().order_by("pk").values_list("pk", flat=True))
        if background and sent_to_workers(
            self, republish_operations, ids, size=BATCH, unit="operation", doing="republishing"
        ):
            return
        lookups = reference_lookups()
        progress = Progress(self, ids, unit="operation", enabled=not no_progress)
        done, batch = 0, []
        for pk in progress:
            batch.append(pk)
            if len(batch) == BATCH:
                done += republish(operation_ids=batch, lookups=lookups)
                batch = []
        if batch:
            done += republish(operation_ids=batch, lookups=lookups)
        progress.close()
        self.stdout.write(self.style.SUCCESS(f"Republished {done} operations."))
