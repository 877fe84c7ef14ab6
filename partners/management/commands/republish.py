"""`python manage.py republish`: render every published operation again from its verified
version.

Run it after a change to what partners are served (a new document field, a fix in how one is
written), in the same release. Each operation's `modified_at` moves on, so partners' next
incremental sync fetches them all again. Nothing is verified or withdrawn.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from partners.publication import publish
from seizures.models import Operation
from sources.management.commands._progress import Progress


class Command(BaseCommand):
    help = "Render every published operation again from its verified version (after a change to the API's documents)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Never draw a progress bar.")

    def handle(self, *args, no_progress, **options):
        ids = list(Operation.objects.published().order_by("pk").values_list("pk", flat=True))
        progress = Progress(self, ids, unit="operation", enabled=not no_progress)
        done = 0
        for pk in progress:
            # One transaction each: a long run holds no lock for long, and an operation
            # withdrawn or re-verified meanwhile is skipped or published as it now is.
            with transaction.atomic():
                operation = (
                    Operation.objects.select_for_update(of=("self",)).select_related("verified_version").get(pk=pk)
                )
                if operation.verified_version is None:
                    continue
                publish(operation=operation, verified_version=operation.verified_version)
                done += 1
        progress.close()
        self.stdout.write(self.style.SUCCESS(f"Republished {done} operations."))
