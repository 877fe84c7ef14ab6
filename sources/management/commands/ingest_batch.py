"""`python manage.py ingest_batch`: take in thousands of files on background workers.

    ingest_batch start FILE_OR_FOLDER... [--workers 4] [--no-wait]   # prints the batch number
    ingest_batch status [BATCH]      # one batch, or the latest ones
    ingest_batch watch BATCH         # a progress bar until it is done (Ctrl-C stops watching only)
    ingest_batch cancel BATCH        # workers stop after the file in hand
    ingest_batch resume BATCH        # after a worker or the broker was lost, or a cancel

A folder is taken with its .txt, .html and .json files, sorted by path. The files are read
into the database when the batch is created, so workers on other machines need no shared
disk. With no broker configured (the local demo) `start` ingests the files itself, showing
progress. The admin's *Ingest batches* page shows the same progress.
"""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from sources.batches import (
    BatchError,
    batch_cancel,
    batch_create,
    batch_progress,
    batch_reopen,
    batch_resume,
    batch_run,
    batch_start,
    is_stalled,
)
from sources.ingestion import SUFFIXES, IngestError, parse_date
from sources.models import IngestBatch, Source


def files_in(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            found.append(path)
    return found


def read(path: Path) -> bytes | Exception:
    try:
        size = path.stat().st_size
        if size > settings.SOURCES_MAX_BYTES:
            return IngestError(f"Too large: {size:,} bytes, the limit is {settings.SOURCES_MAX_BYTES:,}.")
        return path.read_bytes()
    except OSError as error:
        return IngestError(f"Cannot read it: {error.strerror or error}.")


class Command(BaseCommand):
    help = "Ingest many files on background workers, with progress; cancel, resume and watch batches."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        start = commands.add_parser("start", help="Create a batch from files and folders and start it.")
        start.add_argument("paths", nargs="+", metavar="FILE_OR_FOLDER", type=Path)
        start.add_argument("--outlet", default="")
        start.add_argument("--kind", default="", choices=["", *Source.Kind.values])
        start.add_argument("--language", default="")
        start.add_argument("--published", default="", help="YYYY-MM-DD")
        start.add_argument("--label", default="", help="A name for the batch (default: the paths).")
        start.add_argument("--workers", type=int, default=4, help="How many workers may share it (default 4).")
        start.add_argument("--no-wait", action="store_true", help="Return once the batch is sent out.")
        for name, text in (
            ("watch", "Show a batch's progress until it is done."),
            ("cancel", "Stop a running batch."),
            ("resume", "Send the rest of a batch out again."),
        ):
            sub = commands.add_parser(name, help=text)
            sub.add_argument("batch", type=int)
            if name == "resume":
                sub.add_argument("--workers", type=int, default=4)
                sub.add_argument("--no-wait", action="store_true")
        status = commands.add_parser("status", help="The progress of a batch, or of the latest ones.")
        status.add_argument("batch", type=int, nargs="?")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"handle_{action}")(**options)
        except BatchError as error:
            raise CommandError(str(error)) from None

    def _batch(self, pk: int) -> IngestBatch:
        try:
            return IngestBatch.objects.get(pk=pk)
        except IngestBatch.DoesNotExist:
            raise CommandError(f"There is no batch #{pk}.") from None

    def handle_start(self, *, paths, label, workers, no_wait, **options):
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}. Nothing was created.")
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        try:
            published = parse_date(options["published"], what="--published")
        except IngestError as error:
            raise CommandError(str(error)) from None
        metadata = {name: options[name] for name in ("outlet", "kind", "language") if options[name]}
        if published:
            metadata["published"] = published
        files = files_in(paths)
        if not files:
            raise CommandError("No .txt, .html or .json files there. Nothing was created.")
        reading = tqdm(files, desc="Reading", unit="file", disable=not self._bar_wanted(len(files)))
        batch = batch_create(
            files=((str(path), read(path)) for path in reading),
            label=label or " ".join(str(p) for p in paths),
            metadata=metadata,
        )
        reading.close()
        self.stdout.write(f"{batch}: {batch.total:,} files.")
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write("No broker configured: ingesting here.")
            self._run_here(batch)
        else:
            batch_start(batch=batch, workers=workers)
            self.stdout.write(f"Sent to the workers. Watch: manage.py ingest_batch watch {batch.pk}")
            if not no_wait:
                self._watch(batch)
        self._summary(batch)

    def handle_watch(self, *, batch, **options):
        batch = self._batch(batch)
        self._watch(batch)
        self._summary(batch)

    def handle_status(self, *, batch, **options):
        batches = [self._batch(batch)] if batch else list(IngestBatch.objects.all()[:10])
        if not batches:
            self.stdout.write("No batches yet.")
        for one in batches:
            progress = batch_progress(one)
            stalled = " (stalled: no file done lately; resume it)" if is_stalled(one, progress) else ""
            self.stdout.write(f"{one}: {one.get_status_display().lower()}{stalled}, {progress}.")

    def handle_cancel(self, *, batch, **options):
        progress = batch_cancel(batch=self._batch(batch))
        self.stdout.write(f"Cancelled: {progress}. `resume` takes in the rest.")

    def handle_resume(self, *, batch, workers, no_wait, **options):
        batch = self._batch(batch)
        if settings.CELERY_TASK_ALWAYS_EAGER:
            batch_reopen(batch=batch)
            self._run_here(batch)
        else:
            progress = batch_resume(batch=batch, workers=workers)
            self.stdout.write(f"Resumed: {progress.pending:,} files left.")
            if not no_wait:
                self._watch(batch)
        self._summary(batch)

    # --- Progress --------------------------------------------------------------------------

    def _bar_wanted(self, count: int) -> bool:
        return count >= 5 and self.stderr.isatty()

    def _bar(self, batch: IngestBatch, progress):
        return tqdm(
            total=progress.total, initial=progress.done, unit="file", desc=f"Batch #{batch.pk}", dynamic_ncols=True
        )

    def _run_here(self, batch: IngestBatch) -> None:
        progress = batch_progress(batch)
        bar = self._bar(batch, progress) if self._bar_wanted(progress.pending) else None
        try:
            batch_run(batch.pk, on_item=(lambda item: bar.update(1)) if bar else None)
        except KeyboardInterrupt:
            batch_cancel(batch=batch)
            raise CommandError(
                f"Interrupted: {batch_progress(batch)}. Resume: manage.py ingest_batch resume {batch.pk}"
            ) from None
        finally:
            if bar:
                bar.close()

    def _watch(self, batch: IngestBatch, *, every: float = 1.0) -> None:
        progress = batch_progress(batch)
        bar = self._bar(batch, progress) if self.stderr.isatty() else None
        last_line = time.monotonic()
        warned = False
        try:
            while True:
                batch.refresh_from_db()
                progress = batch_progress(batch)
                if bar:
                    bar.update(progress.done - bar.n)
                elif time.monotonic() - last_line > 10:
                    self.stdout.write(f"{batch}: {progress}.")
                    last_line = time.monotonic()
                if batch.status != IngestBatch.Status.RUNNING or not progress.pending:
                    break
                if not warned and is_stalled(batch, progress):
                    warned = True
                    self.stderr.write(
                        f"{batch}: no file done for a while; are the workers running? "
                        f"`manage.py ingest_batch resume {batch.pk}` sends the rest out again."
                    )
                time.sleep(every)
        except KeyboardInterrupt:
            self.stdout.write(f"\nStopped watching; {batch} goes on. Cancel: manage.py ingest_batch cancel {batch.pk}")
        finally:
            if bar:
                bar.close()

    def _summary(self, batch: IngestBatch) -> None:
        batch.refresh_from_db()
        progress = batch_progress(batch)
        failed = batch.items.filter(status="failed").order_by("position")[:20]
        for item in failed:
            self.stderr.write(self.style.ERROR(f"{item.name}: {item.message}"))
        if progress.failed > len(failed):
            self.stderr.write(f"... and {progress.failed - len(failed):,} more failures (admin: Ingest batches).")
        line = f"{batch}: {batch.get_status_display().lower()}, {progress}."
        self.stdout.write(self.style.SUCCESS(line) if not progress.failed else self.style.WARNING(line))
