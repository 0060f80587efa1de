"""Writer benchmark: xlscore's streaming sheet writer vs openpyxl's write-only mode, same run.

Writes a Scoring-like sheet (20 columns: 6 text, 11 numbers, a rank, a date, flags) of N
rows into a small existing book. Each measurement runs in its own process so peak memory
(max RSS) is its own. xlscore is measured at several zlib levels.

    python benchmarks/bench_writer.py                 # 100,000 rows, levels 1 / 3 / 6, openpyxl
    python benchmarks/bench_writer.py --rows 1048575 --skip-openpyxl --levels 1   # Excel's limit
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["main"]

TEXT = ["Customer ID", "Customer", "Owner", "Profile", "Tier", "Policy"]
NUMBERS = [f"Indicator {i}" for i in range(1, 10)] + ["Score", "Share"]


def _data(rows: int) -> dict[str, Any]:
    import numpy as np

    rng = np.random.default_rng(7)
    tiers = np.array(["Platinum", "Gold", "Iron", "Lead"], dtype=object)
    policies = np.array(["Dedicated team", "Monthly call", "Quarterly call", "Automated"], dtype=object)
    tier_index = rng.integers(0, 4, rows)
    data: dict[str, Any] = {
        "Customer ID": [f"K{i:07}" for i in range(rows)],
        "Customer": [f"Customer {i} & Co" for i in range(rows)],
        "Owner": np.array(["Ann", "Ben", "Cid", "Dee"], dtype=object)[rng.integers(0, 4, rows)].tolist(),
        "Profile": ["Default"] * rows,
        "Tier": tiers[tier_index].tolist(),
        "Policy": policies[tier_index].tolist(),
    }
    for name in NUMBERS:
        values = rng.uniform(0, 100, rows)
        values[rng.random(rows) < 0.02] = np.nan  # a few customers without this indicator
        data[name] = values
    data["Rank"] = np.arange(1, rows + 1)
    data["Next follow-up"] = 46000 + rng.integers(0, 365, rows).astype(float)
    data["Flags"] = np.where(rng.random(rows) < 0.1, "missing: Sales", "").astype(object).tolist()
    return data


def _base_book(folder: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Customers"
    ws.append(["Customer ID", "Sales"])
    path = folder / "book.xlsx"
    wb.save(path)
    return path


def run_xlscore(rows: int, level: int, folder: Path) -> dict[str, float]:
    from xlscore.workbook import writer
    from xlscore.workbook.sheetdata import Column, OutputSheet, OutputTable

    data = _data(rows)
    book = _base_book(folder)
    writer.COMPRESS_LEVEL = level
    fmt = {"Rank": "integer", "Next follow-up": "date", "Share": "percent1"}
    columns = [Column(name, values, fmt.get(name, "number2" if name in NUMBERS else "general"))  # type: ignore[arg-type]
               for name, values in data.items()]
    sheet = OutputSheet("Scoring", tables=[OutputTable("tblScoring", columns)], freeze_row=2)
    import pyarrow.compute  # noqa: F401  # imported by the reader in a real run; not the writer's cost

    data_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.perf_counter(), time.process_time()
    writer.write_workbook(book, [sheet], backups=0)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "mb": book.stat().st_size / 1e6, "data_peak_mb": data_peak}


def run_openpyxl(rows: int, folder: Path) -> dict[str, float]:
    import math

    from openpyxl import Workbook

    data = _data(rows)
    columns = [list(v) if not isinstance(v, list) else v for v in data.values()]
    data_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.perf_counter(), time.process_time()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Scoring")
    ws.append(list(data))
    for row in zip(*columns, strict=True):
        ws.append([None if isinstance(v, float) and math.isnan(v) else v for v in row])
    path = folder / "openpyxl.xlsx"
    wb.save(path)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "mb": path.stat().st_size / 1e6, "data_peak_mb": data_peak}


def _one(kind: str, rows: int, level: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = run_xlscore(rows, level, Path(tmp)) if kind == "xlscore" else run_openpyxl(rows, Path(tmp))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _measure(kind: str, rows: int, level: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--one", kind, "--rows", str(rows), "--levels", str(level)],
                         check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--levels", default="1,3,6", help="zlib levels to measure xlscore at")
    parser.add_argument("--skip-openpyxl", action="store_true")
    parser.add_argument("--one", choices=["xlscore", "openpyxl"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    if args.one:
        _one(args.one, args.rows, levels[0])
        return 0
    results: list[tuple[str, dict[str, float]]] = []
    for level in levels:
        results.append((f"xlscore (zlib level {level})", _measure("xlscore", args.rows, level)))
    if not args.skip_openpyxl:
        results.append(("openpyxl write-only", _measure("openpyxl", args.rows, 6)))
    baseline = results[-1][1]["seconds"] if not args.skip_openpyxl else None
    # ratios use wall-clock seconds of runs made one after the other in this invocation
    cols = len(TEXT) + len(NUMBERS) + 3
    print(f"{args.rows:,} rows x {cols} columns")
    print("seconds: wall clock; cpu: CPU seconds of all threads (steadier on a busy machine);")
    print("peak MB: max RSS of the process, data MB: max RSS with the input data built, before writing")
    print(f"{'writer':<28}{'seconds':>8}{'cpu':>7}{'rows/s':>10}{'file MB':>9}{'peak MB':>9}{'data MB':>9}"
          f"{'vs openpyxl':>13}")
    for name, r in results:
        ratio = f"{baseline / r['seconds']:.1f}x" if baseline else "-"
        print(f"{name:<28}{r['seconds']:>8.2f}{r['cpu']:>7.2f}{args.rows / r['seconds']:>10,.0f}{r['mb']:>9.1f}"
              f"{r['peak_mb']:>9.0f}{r['data_peak_mb']:>9.0f}{ratio:>13}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
