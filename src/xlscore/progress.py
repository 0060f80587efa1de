"""A progress line on stderr for long runs: drawn on a terminal, silent otherwise.

A run goes through stages (reading, scoring, writing). A stage with a total (rows to
write) shows a bar; one without shows the seconds elapsed, kept ticking by a background
thread while a long call (reading a million rows) runs. The line is cleared at the end so
the caller's summary stands alone. When the stream is not a terminal (a pipe, a log file,
``--json``, ``--quiet``) every call is a no-op and no thread is started.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

__all__ = ["Progress"]

_CLEAR = "\r\x1b[K"


class Progress:
    """Stage-by-stage progress on one rewritten line of ``stream``; use as a context manager."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None, interval: float = 0.2,
                 width: int = 30, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self.interval = interval
        self.width = width
        self._clock = clock
        self._started = clock()
        self._last_draw = -float("inf")
        self._drawn = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self.label = ""
        self.total: int | None = None
        self.count = 0

    @classmethod
    def off(cls) -> Progress:
        return cls(enabled=False)

    def stage(self, label: str, total: int | None = None) -> None:
        """Start a stage: ``label`` says what is happening, ``total`` how many units it counts."""
        with self._lock:
            self.label, self.total, self.count = label, total, 0
        self._draw(force=True)

    def advance(self, units: int) -> None:
        with self._lock:
            self.count += units
        self._draw()

    def line(self) -> str:
        """The progress line as it stands."""
        elapsed = self._clock() - self._started
        if self.total:
            share = min(1.0, self.count / self.total)
            filled = int(share * self.width)
            bar = "#" * filled + "." * (self.width - filled)
            return f"{self.label} [{bar}] {share:4.0%} {self.count:,}/{self.total:,}  {elapsed:.1f} s"
        return f"{self.label}...  {elapsed:.1f} s"

    def __enter__(self) -> Progress:
        if self.enabled and self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="xlscore-progress", daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.finish()

    def finish(self) -> None:
        """Stop the ticker and clear the line."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        with self._lock:
            if self.enabled and self._drawn:
                self.stream.write(_CLEAR)
                self.stream.flush()
            self._drawn = False

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self._draw()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled or self._stop.is_set():
            return
        with self._lock:
            now = self._clock()
            if not force and now - self._last_draw < self.interval:
                return
            self._last_draw = now
            self._drawn = True
            self.stream.write(_CLEAR + self.line())
            self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False
