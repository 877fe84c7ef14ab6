"""`python manage.py reextract [--source ID ...] [--force]`: run the current extractor again.

Untouched machine drafts take the new values; operations a person edited, verified or
rejected keep theirs, with the new proposal stored beside them. Without --source, every
source whose newest run is not by the current extractor and version is done; with --source,
the sources named are done whatever ran on them before. With --background the work goes to
the Celery workers, a task per CHUNK sources; running the command again afterwards (without
--force) finds what is left, if a worker was lost.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import OuterRef, Subquery

from sources.extraction import get_extractor
from sources.ingestion import describe_run, source_extract
from sources.management.commands._progress import Progress, sent_to_workers
from sources.models import ExtractionRun, Source
from sources.tasks import reextract_sources

# Sources a background task: a few seconds of work each.
CHUNK = 50


class Command(BaseCommand):
    help = "Run the current extractor again on sources, never overwriting what a person changed or verified."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, nargs="+", dest="sources", metavar="ID", default=[])
        parser.add_argument(
            "--force", action="store_true", help="Also re-run sources already done by the current extractor version."
        )
        parser.add_argument("--no-progress", action="store_true", help="Never draw a progress bar.")
        parser.add_argument(
            "--background", action="store_true", help="Send the work to the Celery workers and return at once."
        )

    def handle(self, *args, sources, force, no_progress, background, **options):
        extractor = get_extractor()
        if sources:
            found = set(Source.objects.filter(pk__in=sources).values_list("pk", flat=True))
            missing = [pk for pk in sources if pk not in found]
            if missing:
                raise CommandError(f"No source {', '.join(f'#{pk}' for pk in missing)}. Nothing was re-extracted.")
            ids = list(dict.fromkeys(sources))
        else:
            queryset = Source.objects.order_by("pk")
            if not force:
                newest = ExtractionRun.objects.filter(source=OuterRef("pk")).order_by("-created_at", "-pk")
                queryset = queryset.annotate(
                    last_extractor=Subquery(newest.values("extractor")[:1]),
                    last_version=Subquery(newest.values("version")[:1]),
                ).exclude(last_extractor=extractor.name, last_version=extractor.version)
            ids = list(queryset.values_list("pk", flat=True))
        if not ids:
            self.stdout.write(f"Every source has been extracted by {extractor.name} {extractor.version} already.")
            return
        if background and sent_to_workers(
            self, reextract_sources, ids, size=CHUNK, unit="source", doing="re-extracting"
        ):
            return

        failures = []
        progress = Progress(self, ids, unit="source", enabled=not no_progress)
        for pk in progress:
            try:
                run = source_extract(source=Source.objects.get(pk=pk))
            except Exception as error:  # noqa: BLE001 - one failure must not stop the others
                failures.append(pk)
                progress.write(self.style.ERROR(f"source #{pk}: failed, nothing changed: {error!r}"), error=True)
                continue
            progress.write(f"source #{pk}: {describe_run(run)}")
        progress.close()

        summary = f"{len(ids) - len(failures)} re-extracted, {len(failures)} failed."
        if failures:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
