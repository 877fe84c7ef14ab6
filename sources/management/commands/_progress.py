"""A progress bar for commands that work through many files or sources, drawn on stderr
only when a person is watching it, so that the per-item lines on stdout stay readable."""

import contextlib
import sys

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
