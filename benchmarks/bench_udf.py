"""Per-call cost of the UDFs in Python, without COM: what Excel pays on top of marshalling.

The five tables of the seeded demo book (the template's model, N customers) are handed to
the UDFs exactly as xlwings would (2-D lists of rows with the header, floats, None,
datetime). Measured per N:

* cold: the first call after the caches are empty (parse the model, read and score);
* model cached: tblCustomers changed, model tables not (score again, parse nothing);
* cached call: one more ``CUSTOMER_SCORE`` on unchanged tables (build the content key, look up);
* N single calls: a column of N ``CUSTOMER_SCORE`` cells = cold + (N - 1) cached calls;
* ``XLSCORE_TABLE``: the whole table in one call, cold and cached.

Times are the median CPU time of this process over ``--repeat`` runs.

Every range argument crosses COM on each call in Excel, so N single calls also move the
customer table N times: the figures here are the floor, not the Excel total.

    python benchmarks/bench_udf.py [--customers 1000 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xlscore import udfs
from xlscore.openbook import xlwings_value
from xlscore.templates.demo import write_demo_book
from xlscore.udf_inputs import clear_caches
from xlscore.workbook.layout import TABLES
from xlscore.workbook.tables import TableSource

Table = list[list[Any]]


def demo_tables(customers: int) -> tuple[Table, Table, Table, Table, Table]:
    """(customers, indicators, weights, bands, tiers) of a demo book, as UDF arguments."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.xlsx"
        write_demo_book(path, customers, seed=7)
        source = TableSource(path)
        out = []
        for key in ("customers", "indicators", "weights", "bands", "tiers"):
            raw = source.table(TABLES[key].table)
            out.append([list(raw.headers), *([xlwings_value(v) for v in row] for row in raw.rows)])
    return out[0], out[1], out[2], out[3], out[4]


def _seconds(action: Callable[[], Any], repeat: int, before: Callable[[], None] = lambda: None) -> float:
    """Median CPU seconds of ``action`` over ``repeat`` runs, ``before`` run untimed before each.

    CPU time of this process, not wall time: the work is single-threaded, and other load on
    a shared machine then does not count.
    """
    times = []
    for _ in range(repeat):
        before()
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return statistics.median(times)


def measure(customers: int, repeat: int) -> dict[str, float]:
    args = demo_tables(customers)
    first_id = args[0][1][0]
    changed = [list(row) for row in args[0]]

    def score() -> Any:
        return udfs.CUSTOMER_SCORE(first_id, *args)

    def score_changed() -> Any:
        changed[1][4] = (changed[1][4] or 0.0) + 1.0  # a new content each time
        return udfs.CUSTOMER_SCORE(first_id, changed, *args[1:])

    assert isinstance(score(), float), score()
    cold = _seconds(score, repeat, clear_caches)
    clear_caches()
    score()
    model_cached = _seconds(score_changed, repeat)
    score()
    cached = _seconds(score, max(repeat, 20))
    table_cold = _seconds(lambda: udfs.XLSCORE_TABLE(*args), repeat, clear_caches)
    table_cached = _seconds(lambda: udfs.XLSCORE_TABLE(*args), max(repeat, 20))
    return {"cold": cold, "model_cached": model_cached, "cached": cached,
            "column": cold + (customers - 1) * cached, "table_cold": table_cold, "table_cached": table_cached}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.2f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--customers", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    head = ("customers", "cold call", "model cached", "cached call", "N single calls", "TABLE cold",
            "TABLE cached")
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    for n in args.customers:
        r = measure(n, args.repeat)
        print(" | ".join([f"{n:,}", _ms(r["cold"]), _ms(r["model_cached"]), _ms(r["cached"]), _ms(r["column"]),
                          _ms(r["table_cold"]), _ms(r["table_cached"])]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
