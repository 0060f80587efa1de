"""Run a command as a child process and measure it: wall time, CPU time, peak RSS.

The child is reaped with ``os.wait4``, so the resource usage is that child's alone (not the
running maximum over all children that ``RUSAGE_CHILDREN`` gives). Its stderr can be a
pseudo-terminal, to see what a user at a terminal would see (a progress line).
"""

from __future__ import annotations

import os
import platform
import pty
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Run", "machine", "run"]


@dataclass(frozen=True)
class Run:
    command: list[str]
    seconds: float  # wall clock, start to exit
    cpu_seconds: float  # user + system of the child
    peak_mb: float  # peak resident set size of the child
    returncode: int
    stdout: str
    stderr: str

    def check(self) -> Run:
        if self.returncode != 0:
            raise RuntimeError(f"{' '.join(self.command)} exited {self.returncode}:\n{self.stderr[-2000:]}")
        return self


def run(command: list[str], *, terminal: bool = False, cwd: Path | None = None) -> Run:
    """Run ``command`` to completion; ``terminal`` gives it a pseudo-terminal as stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        captured: list[bytes] = []
        reader: threading.Thread | None = None
        started = time.perf_counter()
        if terminal:
            master, slave = pty.openpty()
            proc = subprocess.Popen(command, stdout=out, stderr=slave, stdin=subprocess.DEVNULL, cwd=cwd)
            os.close(slave)
            reader = threading.Thread(target=_drain, args=(master, captured), daemon=True)
            reader.start()
        else:
            proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if reader is not None:
            reader.join()
        out.seek(0)
        err.seek(0)
        stderr = b"".join(captured) if terminal else err.read()
        return Run(command, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode,
                   out.read().decode("utf-8", "replace"), stderr.decode("utf-8", "replace"))


def _drain(master: int, into: list[bytes]) -> None:
    try:
        while chunk := os.read(master, 65536):
            into.append(chunk)
    except OSError:  # EIO once the child has closed the terminal
        pass
    finally:
        os.close(master)


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")),
                platform.processor() or "unknown")
    mem_kb = next((int(line.split()[1]) for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), 0)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return {"cpus": str(len(os.sched_getaffinity(0))), "cpu": cpu, "ram": f"{mem_kb / 1024**2:.1f} GiB", "load": load,
            "python": platform.python_version(), "system": platform.platform()}


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []
