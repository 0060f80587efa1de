"""LibreOffice recalculation time of the live Scoring sheet vs a plain SUMPRODUCT/RANK template.

For each size N, in one run:

* **input**: the shipped template with N generated customers (benchmarks/bigbook.py), no
  formulas: what opening and saving a book of that size costs LibreOffice by itself;
* **plain template**: what Excel users build by hand: per customer three typed indicator
  scores, ``SUMPRODUCT`` with a weight row, ``RANK`` over the score column;
* **live, as written**: ``xlscore retier --live`` of the input (rows in score order, so ranks
  take the binary-search path);
* **live, after an edit**: the same book with one weight changed (40 -> 10, edited in the
  file) so scores move and rows are no longer in score order: ranks fall back to COUNTIF.

Each book is converted by its own ``soffice --convert-to xlsx`` call with a forced full
recalculation on load; wall and CPU time (soffice and its children) are reported, and the
file size. Figures depend on the machine and its load; the table says which.

    python benchmarks/bench_live_recalc.py                     # 2,000 / 10,000 / 50,000
    python benchmarks/bench_live_recalc.py --sizes 2000 10000  # quicker
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from bigbook import write_big_book  # noqa: E402
from processes import machine, run  # noqa: E402
from tests.libreoffice import private_profile, soffice_command  # noqa: E402

__all__ = ["main"]

TODAY = date(2026, 6, 30)
EDIT = ("Weights", "B2", 10)  # Profitability's Default weight: 40 -> 10


@dataclass
class Figure:
    customers: int
    book: str
    size_mb: float
    wall_s: float
    cpu_s: float
    build_s: float = 0.0  # Python time of xlscore retier --live (the live book as written)


def plain_template(path: Path, n: int, seed: int = 7) -> None:
    """A hand-made scoring sheet: weights in row 1, one row per customer, SUMPRODUCT and RANK."""
    import numpy as np
    from openpyxl import Workbook

    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 101, size=(n, 3)).astype(float)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Scoring")
    ws.append(["Weight", 0.4, 0.4, 0.2])
    ws.append(["Customer ID", "Profitability", "Operating strength", "Relationship", "Score", "Rank"])
    last = n + 2
    for i in range(n):
        row = i + 3
        ws.append([f"C{i:07d}", *scores[i].tolist(), f"=SUMPRODUCT($B$1:$D$1,B{row}:D{row})",
                   f"=RANK(E{row},$E$3:$E${last})"])
    wb.save(path)


def edit_cell(book: Path, target: Path, sheet: str, cell: str, value: float) -> None:
    """Copy ``book`` to ``target`` with one number cell of ``sheet`` replaced (zip level, keeps the rest)."""
    with zipfile.ZipFile(book) as src:
        workbook = src.read("xl/workbook.xml").decode()
        rels = src.read("xl/_rels/workbook.xml.rels").decode()
        rel_id = re.search(rf'<sheet [^>]*name="{sheet}"[^>]*r:id="([^"]+)"', workbook)
        assert rel_id, f"no sheet {sheet}"
        rel = re.search(rf'<Relationship [^>]*Id="{rel_id.group(1)}"[^>]*/>', rels)
        assert rel
        part_target = re.search(r'Target="([^"]+)"', rel.group(0))
        assert part_target
        part = "xl/" + part_target.group(1).removeprefix("/xl/").removeprefix("/")
        xml = src.read(part).decode()
        new_xml, count = re.subn(rf'<c r="{cell}"([^>]*?)(?: t="[^"]*")?([^>]*?)(?:/>|>.*?</c>)',
                                 rf'<c r="{cell}"\1\2><v>{value}</v></c>', xml, count=1)
        assert count == 1, f"{sheet}!{cell} not found"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():
                out.writestr(item, new_xml.encode() if item.filename == part else src.read(item.filename))


def recalc_time(book: Path, outdir: Path) -> tuple[float, float]:
    with private_profile() as profile:
        done = run(soffice_command([book], outdir, profile)).check()
    if not (outdir / f"{book.stem}.xlsx").exists():
        raise RuntimeError(f"soffice wrote nothing for {book.name}: {done.stderr[-500:]}")
    return done.seconds, done.cpu_seconds


def measure(n: int, folder: Path) -> list[Figure]:
    from xlscore.retier import retier

    source = folder / f"input_{n}.xlsx"
    write_big_book(source, n)
    plain = folder / f"plain_{n}.xlsx"
    plain_template(plain, n)
    live = folder / f"live_{n}.xlsx"
    started = time.perf_counter()
    retier(source, live, as_of=TODAY, live=True)
    build = time.perf_counter() - started
    edited = folder / f"live_edited_{n}.xlsx"
    edit_cell(live, edited, *EDIT)
    books = [("input (no formulas)", source, 0.0), ("plain SUMPRODUCT/RANK template", plain, 0.0),
             ("live, as written", live, build), ("live, after a weight edit", edited, 0.0)]
    figures = []
    for what, path, seconds in books:
        wall, cpu = recalc_time(path, folder / "out")
        figures.append(Figure(n, what, path.stat().st_size / 1e6, wall, cpu, seconds))
        print(f"{n:>7,}  {what:<32} {wall:7.1f} s  (cpu {cpu:6.1f} s)", file=sys.stderr, flush=True)
    return figures


def table(figures: list[Figure]) -> str:
    lines = ["| customers | book | file MB | LibreOffice wall s | CPU s | retier --live s |",
             "|---:|---|---:|---:|---:|---:|"]
    for f in figures:
        built = f"{f.build_s:.1f}" if f.build_s else ""
        lines.append(f"| {f.customers:,} | {f.book} | {f.size_mb:.1f} | {f.wall_s:.1f} | {f.cpu_s:.1f} | {built} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 10_000, 50_000])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="xlscore-bench-live-") as folder:
        for n in args.sizes:
            figures += measure(n, Path(folder))
    if args.json:
        print(json.dumps({"machine": machine(), "figures": [asdict(f) for f in figures]}, indent=2))
    else:
        print(table(figures))
        print("\nmachine: " + ", ".join(f"{k} {v}" for k, v in machine().items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
