"""One progress bar for the management commands: tqdm on a terminal, plain lines otherwise.

The bar writes to the process's own stderr, not to the command's ``self.stderr``: Django's
OutputWrapper colours everything written to it red and ends each write with a newline, which
breaks tqdm's carriage-return redraws into one line per refresh. Off a terminal (CI logs,
pipes) a redrawn bar is noise, so it prints a plain line at every tenth and at the end.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm


class PlainProgress:
    """Report progress as plain lines: "re-check: 500/1,000 assertions (50%)"."""

    def __init__(self, *, total: int, unit: str, desc: str, file: TextIO, steps: int = 10):
        self.total, self.unit, self.desc, self.file, self.steps = total, unit, desc, file, steps
        self.n = 0
        self._shown = 0

    def update(self, n: int = 1) -> None:
        self.n += n
        if not self.total:
            return
        step = min(self.steps, self.n * self.steps // self.total)
        if step > self._shown and step < self.steps:
            self._shown = step
            self._line()

    def set_total(self, total: int) -> None:
        self.total = total

    def _line(self) -> None:
        share = f" ({100 * self.n // self.total}%)" if self.total else ""
        self.file.write(f"{self.desc}: {self.n:,}/{self.total:,} {self.unit}s{share}\n")
        self.file.flush()

    def close(self) -> None:
        self._line()


class _Bar:
    """A tqdm bar that can learn its total late (the seed loader counts its records first)."""

    def __init__(self, bar: tqdm):
        self.bar = bar

    def update(self, n: int = 1) -> None:
        self.bar.update(n)

    def set_total(self, total: int) -> None:
        self.bar.total = total
        self.bar.refresh()

    @property
    def n(self) -> int:
        return self.bar.n


@contextmanager
def progress(*, total: int = 0, unit: str, desc: str, enabled: bool = True, file=None):
    """Yield an object with ``update(n)`` and ``set_total(total)`` that shows progress.

    Nothing is shown when ``enabled`` is false (``--verbosity 0``).
    """
    file = file or sys.stderr
    if not enabled:
        yield PlainProgress(total=total, unit=unit, desc=desc, file=_Null())
        return
    if file.isatty():
        with tqdm(total=total, unit=unit, desc=desc, file=file, dynamic_ncols=True) as bar:
            yield _Bar(bar)
        return
    plain = PlainProgress(total=total, unit=unit, desc=desc, file=file)
    try:
        yield plain
    finally:
        plain.close()


class _Null:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass
