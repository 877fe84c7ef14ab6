"""`python manage.py ingest FILE...`: take in sources from files and draft operations from them.

Each file is one source, saved in its own transaction with everything drafted from it, so a
bad file leaves nothing behind and does not stop the others. The command exits non-zero if
any file failed; a file already ingested (same URL or same text) is reported with the source
it already is and does not count as a failure, so a folder can be ingested again safely.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sources.ingestion import (
    DuplicateSourceError,
    IngestError,
    describe_run,
    parse_date,
    source_from_file,
    source_ingest,
)
from sources.management.commands._progress import Progress
from sources.models import Source


class Command(BaseCommand):
    help = (
        "Ingest sources from .txt, .html and .json files (the corpus's article shape) and draft "
        "operations from them for review. Options give what the files do not say."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", type=Path)
        parser.add_argument("--outlet", default="", help="The outlet that published them.")
        parser.add_argument("--title", default="", help="The title (one file only).")
        parser.add_argument("--url", default="", help="Where it was published (one file only).")
        parser.add_argument("--author", default="")
        parser.add_argument("--published", default="", help="Publication date, YYYY-MM-DD.")
        parser.add_argument("--language", default="", help="ISO 639-1 code; detected from the text if not given.")
        parser.add_argument("--kind", default="", choices=["", *Source.Kind.values])
        parser.add_argument("--no-progress", action="store_true", help="Never draw a progress bar.")

    def handle(self, *args, files, **options):
        if len(files) > 1 and (options["url"] or options["title"]):
            raise CommandError("--url and --title describe one source: give them with one file only.")
        try:
            published = parse_date(options["published"], what="--published")
        except IngestError as error:
            raise CommandError(str(error)) from None
        metadata = {name: options[name] for name in ("outlet", "title", "url", "author", "language", "kind")}
        metadata["published"] = published

        created = duplicates = 0
        failures = []
        progress = Progress(self, files, unit="file", enabled=not options["no_progress"])
        for path in progress:
            try:
                source = source_from_file(path, **metadata)
                result = source_ingest(by=None, source=source)
            except DuplicateSourceError as error:
                duplicates += 1
                progress.write(f"{path}: {error}")
                continue
            except IngestError as error:
                failures.append(path)
                progress.write(self.style.ERROR(f"{path}: {error}"), error=True)
                continue
            except Exception as error:  # noqa: BLE001 - one broken file must not stop the others
                failures.append(path)
                progress.write(self.style.ERROR(f"{path}: failed, nothing saved: {error!r}"), error=True)
                continue
            created += 1
            source = result.source
            progress.write(
                f"{path}: source #{source.pk} created ({source}; language {source.language or 'unknown'}). "
                f"{describe_run(result.run)}"
            )
        progress.close()

        summary = f"{created} created, {duplicates} already ingested, {len(failures)} failed."
        if failures:
            raise CommandError(f"{summary} Nothing was saved for the failed files.", returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
