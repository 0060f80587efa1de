"""``xlscore score`` (DuckDB) on N customers: wall time and peak memory of the process.

The model is the demo book's (three indicators: two banded over six measures, one direct
needing approval; two weight profiles; four share tiers). DuckDB itself writes the customers
Parquet file from ``range(N)``, with deterministic hash-based values: long-tailed sales, ~3 %
blank cells, a quarter of customers on the second profile, ~12 % unapproved scores. Then
``xlscore score`` runs as a child process; its peak RSS and CPU time come from ``wait4``
(the load average is printed too: on a shared machine wall time depends on it). With
``--verify-rows`` the first rows are also scored by ``--engine pandas`` and both outputs must
be identical.

    python benchmarks/bench_sql_score.py [--rows 10000000] [--memory-limit 2GB] [--threads 2]
                                         [--verify-rows 200000] [--engine duckdb|pandas] [--no-order]
                                         [--baseline]

``--baseline`` also runs the plain hand-written DuckDB SQL of ``benchmarks/plain_sql.py`` on the
same file in the same run, with the same memory limit and threads, writing the same columns in
the same order (by rank), and reports ``score_vs_plain_sql``: the ratios of wall time and CPU
time (xlscore / plain; below 1 is faster) and the peak RSS of each.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from xlscore.sql.runner import default_memory_limit
from xlscore.templates.demo import write_demo_book


def _uniform(salt: int) -> str:
    """Uniform in (0, 1) from a hash of the row number: deterministic at any thread count."""
    return f"((hash(i, {salt}) % 1000000007) + 1) / 1000000009.0"


def _normal(salt: int) -> str:
    """A standard normal from two uniforms (Box-Muller)."""
    return f"(sqrt(-2 * ln({_uniform(salt)})) * cos(2 * pi() * {_uniform(salt + 1)}))"


def _maybe_blank(expression: str, salt: int) -> str:
    """About 3 % blank cells, as real data has gaps."""
    return f"CASE WHEN {_uniform(salt)} < 0.03 THEN NULL ELSE {expression} END"


def customers_query(rows: int) -> str:
    """One long-tailed latent size drives the measures, each with its own noise (as the demo book)."""

    def noisy(salt: int) -> str:
        return f"size * (0.5 + {_uniform(salt)})"

    columns = {
        "Customer ID": "'C' || lpad(CAST(i AS VARCHAR), 9, '0')",
        "Customer": "'Customer ' || CAST(i AS VARCHAR)",
        "Owner": "['Alice Chen', 'Bruno Silva', 'Chloe Martin', 'David Okafor', 'Eva Novak'][i % 5 + 1]",
        "Profile": f"CASE WHEN {_uniform(3)} < 0.25 THEN 'Distributor' END",
        "Sales last year (k)": _maybe_blank(f"round(120 * {noisy(10)}, 1)", 40),
        "Sales growth %": _maybe_blank(f"round(8 + 15 * {_normal(12)}, 1)", 41),
        "Planned sales next 2 years (k)": _maybe_blank(f"round(300 * {noisy(14)}, 1)", 42),
        "Registered capital (m)": _maybe_blank(f"round(8 * {noisy(16)}, 1)", 43),
        "Market share %": _maybe_blank(f"round(least(30, 1.2 * {noisy(18)}), 2)", 44),
        "Headcount": _maybe_blank(f"CAST(40 * {noisy(20)} AS INTEGER) + 1", 45),
        "Relationship": f"CASE WHEN {_uniform(5)} < 0.08 THEN NULL ELSE floor(101 * {_uniform(6)}) END",
        "Approved": f"CASE WHEN {_uniform(8)} < 0.12 THEN 'no' ELSE 'yes' END",
        "Last contact": "DATE '2026-11-01' - CAST(i % 200 AS INTEGER)",
    }
    select = ", ".join(f'{expression} AS "{name}"' for name, expression in columns.items())
    return f"SELECT {select} FROM (SELECT i, exp({_normal(1)}) AS size FROM range({rows}) t(i))"


def write_customers(path: Path, rows: int) -> float:
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"COPY ({customers_query(rows)}) TO '{path}' (FORMAT PARQUET, ROW_GROUP_SIZE 1000000)")
    con.close()
    return time.perf_counter() - started


def run_score(book: Path, customers: Path, output: Path, *extra: str) -> dict[str, float]:
    """Run ``xlscore score`` as a child; wall seconds and its own peak RSS (MB)."""
    return run_child([sys.executable, "-m", "xlscore.cli", "score", str(book), "--customers", str(customers),
                      "-o", str(output), "--quiet", *extra])


def run_child(command: list[str]) -> dict[str, float]:
    """Run ``command`` as a child; wall seconds, CPU seconds and its own peak RSS (MB)."""
    started = time.perf_counter()
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"failed with exit code {child.returncode}: {' '.join(command)}")
    return {"seconds": round(seconds, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def verify(book: Path, customers: Path, work: Path, rows: int) -> bool:
    """The first ``rows`` customers through both engines: the same rows in the same order."""
    head = work / "head.parquet"
    duckdb.connect().execute(f"COPY (SELECT * FROM '{customers}' LIMIT {rows}) TO '{head}' (FORMAT PARQUET)")
    run_score(book, head, work / "head-duckdb.parquet")
    run_score(book, head, work / "head-pandas.parquet", "--engine", "pandas")
    by_sql, by_engine = (pq.read_table(work / f"head-{engine}.parquet") for engine in ("duckdb", "pandas"))
    return bool(by_sql.schema.types == by_engine.schema.types and by_sql.cast(by_engine.schema).equals(by_engine))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--memory-limit", default=None, help="passed to xlscore score (default: its own)")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads of both (default: every core)")
    parser.add_argument("--no-order", action="store_true", help="xlscore score --no-order (rows in any order)")
    parser.add_argument("--engine", choices=("duckdb", "pandas"), default="duckdb")
    parser.add_argument("--verify-rows", type=int, default=0, help="also compare both engines on this many rows")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary directory")
    parser.add_argument("--baseline", action="store_true",
                        help="also run the plain hand-written DuckDB SQL (benchmarks/plain_sql.py) on the same file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xlscore-bench-", dir=args.workdir) as tmp:
        work = Path(tmp)
        book = work / "model.xlsx"
        write_demo_book(book, 20, 7, "en")
        customers, output = work / "customers.parquet", work / "scored.parquet"
        generate = write_customers(customers, args.rows)
        threads = ["--threads", str(args.threads)] if args.threads else []
        extra = ["--engine", args.engine, *(["--memory-limit", args.memory_limit] if args.memory_limit else []),
                 *threads, *(["--no-order"] if args.no_order else [])]
        figures = run_score(book, customers, output, *extra)
        con = duckdb.connect()
        scored = con.execute(f"SELECT count(\"Score\") FROM '{output}'").fetchall()[0][0]
        report = {
            "benchmark": f"xlscore score ({args.engine}{', --no-order' if args.no_order else ''})",
            "customers": args.rows, "scored": scored,
            "generate_parquet_seconds": round(generate, 2),
            "input_mb": round(customers.stat().st_size / 2**20, 1),
            "output_mb": round(output.stat().st_size / 2**20, 1),
            **figures, "memory_limit": args.memory_limit or default_memory_limit(),
            "cores": os.cpu_count(), "load_average_1min": round(os.getloadavg()[0], 2),
            "duckdb": duckdb.__version__,
        }
        if args.baseline:
            plain = run_child([sys.executable, str(Path(__file__).with_name("plain_sql.py")), str(book),
                               str(customers), str(work / "plain.parquet"), "--memory-limit",
                               args.memory_limit or default_memory_limit(), *threads])
            report["plain_sql"] = {**plain, "output_mb": round((work / "plain.parquet").stat().st_size / 2**20, 1)}
            report["score_vs_plain_sql"] = {
                "time_ratio": round(figures["seconds"] / plain["seconds"], 2),
                "cpu_ratio": round(figures["cpu_seconds"] / plain["cpu_seconds"], 2),
                "peak_rss_mb": {"xlscore": figures["peak_rss_mb"], "plain_sql": plain["peak_rss_mb"]},
            }
        if args.verify_rows:
            report["engines_identical_on_first_rows"] = verify(book, customers, work, args.verify_rows)
            report["verify_rows"] = args.verify_rows
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
