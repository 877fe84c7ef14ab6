"""For commands that work through many files, sources or operations: a progress bar, drawn on
stderr only when a person is watching it, so that the per-item lines on stdout stay readable;
and, for their --background option, the work sent to the Celery workers in chunks."""

import contextlib
import sys

from django.conf import settings
from tqdm import tqdm

# Fewer items than this finish before a bar would tell anyone anything.
MIN_ITEMS_FOR_A_BAR = 5


class Progress:
    def __init__(self, command, items, *, unit: str, enabled: bool):
        shown = enabled and len(items) >= MIN_ITEMS_FOR_A_BAR and command.stderr.isatty()
        self.command = command
        self.bar = tqdm(items, unit=unit, file=sys.stderr, disable=not shown, dynamic_ncols=True)

    def __iter__(self):
        return iter(self.bar)

    def write(self, line: str, *, error: bool = False) -> None:
        stream = self.command.stderr if error else self.command.stdout
        # Lift the bar while the line is written, then draw it again below.
        context = tqdm.external_write_mode(file=sys.stderr) if not self.bar.disable else contextlib.nullcontext()
        with context:
            stream.write(line)

    def close(self) -> None:
        self.bar.close()


def sent_to_workers(command, task, ids: list, *, size: int, unit: str, doing: str) -> bool:
    """Queue `task` once for each `size` of `ids` and say so. Without a broker nothing is
    sent: it says that the work is `doing` here, and returns False for the caller to do it."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        command.stdout.write(f"No broker configured: {doing} here.")
        return False
    chunks = [ids[start : start + size] for start in range(0, len(ids), size)]
    for chunk in chunks:
        task.delay(chunk)
    command.stdout.write(command.style.SUCCESS(f"Sent {len(ids)} {unit}(s) to the workers, in {len(chunks)} task(s)."))
    return True
