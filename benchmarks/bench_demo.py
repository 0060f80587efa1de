"""Time `xlscore demo --customers N` as a process, its stderr on a pseudo-terminal.

    python benchmarks/bench_demo.py [--customers 1000000] [--out DIR]

Prints one JSON document: wall, CPU and peak RSS of the child, the size of the book it
wrote, how many times the progress line was redrawn and the stages it showed with the
seconds each took (as the line's own clock showed them). The runner (run.py) takes its
``demo`` row from :func:`demo_command` and :func:`stages_shown`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

from processes import run

__all__ = ["PROGRESS_REDRAW", "demo_command", "stages_shown"]

PROGRESS_REDRAW = "\r\x1b[K"
_SCRIPT = Path(sys.executable).with_name("xlscore")
XLSCORE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "xlscore.cli"]
AS_OF = "2026-11-01"  # pinned, so every run builds the same book


def demo_command(out: Path, customers: int) -> list[str]:
    return [*XLSCORE, "demo", "-o", str(out), "--customers", str(customers), "--as-of", AS_OF, "--force"]


def stages_shown(stderr: str) -> list[tuple[str, float]]:
    """(stage, seconds) in the order the progress line showed them; the last line of a stage
    gives its end on the line's clock."""
    ends: dict[str, float] = {}
    for line in stderr.split(PROGRESS_REDRAW):
        elapsed = re.search(r"([\d.]+) s$", line.strip())
        if elapsed:
            ends[line.strip().split("...")[0].split(" [")[0]] = float(elapsed.group(1))
    starts = [0.0, *ends.values()][:-1]
    return [(stage, end - start) for (stage, end), start in zip(ends.items(), starts, strict=True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, help="folder for the demo book (default: a temporary one, removed)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="xlscore-demo-") as temp:
        out = (args.out or Path(temp)) / "demo.xlsx"
        result = run(demo_command(out, args.customers), terminal=True).check()
        size = out.stat().st_size
    print(json.dumps({
        "customers": args.customers, "seconds": round(result.seconds, 2), "cpu_seconds": round(result.cpu_seconds, 2),
        "peak_mb": round(result.peak_mb), "file_mb": round(size / 1024**2, 1),
        "redraws": result.stderr.count(PROGRESS_REDRAW),
        "stages": [[stage, round(seconds, 1)] for stage, seconds in stages_shown(result.stderr)],
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
