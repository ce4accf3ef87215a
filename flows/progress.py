"""The console progress bar of a run, on stderr.

On a terminal it is a live bar (rich, which Prefect already depends on).
When progress is asked for on something that is not a terminal (a log file,
a pipe: `tradeclaims run --progress 2>run.log`), a live bar would write
cursor codes, so it prints one plain line per finished batch instead.
"""

from __future__ import annotations

import sys
from typing import TextIO


class BatchProgress:
    """`with BatchProgress(enabled, n_documents, batch_size) as bar: bar.batch_done()`
    once per finished batch, batches in order."""

    def __init__(self, enabled: bool, n_documents: int, batch_size: int, stream: TextIO | None = None):
        self.enabled = enabled and n_documents > 0
        self.total = n_documents
        self.batch_size = max(1, batch_size)
        self.stream = stream or sys.stderr
        self.done = 0
        self._bar = None
        self._task = None

    def __enter__(self) -> "BatchProgress":
        if not self.enabled:
            return self
        from rich.console import Console

        console = Console(file=self.stream)
        if console.is_terminal:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self._bar = Progress(TextColumn("tradeclaims [bold]{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TextColumn("eta"), TimeRemainingColumn(),
                                 TimeElapsedColumn(), console=console)
            self._bar.start()
            self._task = self._bar.add_task("documents", total=self.total)
        return self

    def batch_done(self) -> None:
        if not self.enabled:
            return
        step = min(self.batch_size, self.total - self.done)
        self.done += step
        if self._bar is not None:
            self._bar.advance(self._task, step)
        else:
            pct = 100 * self.done // self.total
            print(f"tradeclaims documents {self.done}/{self.total} ({pct}%)", file=self.stream, flush=True)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
