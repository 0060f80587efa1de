"""CPU time of reading a book (``read_book``: package guard, tables, model, customers).

Compares reader versions on the same book: run it once as is, and once with an older
``src`` first on ``PYTHONPATH``:

    python benchmarks/bench_reader.py BOOK.xlsx [--repeat 3]
    git archive 8d9f22e src | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before/src python benchmarks/bench_reader.py BOOK.xlsx
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import xlscore
from xlscore.workbook.reader import read_book


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("book", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    best = float("inf")
    customers = errors = 0
    for _ in range(args.repeat):
        started = time.process_time()
        book = read_book(args.book)
        best = min(best, time.process_time() - started)
        customers, errors = len(book.customers), len(book.issues.errors)
        del book
    print(json.dumps({"xlscore": str(Path(xlscore.__file__).parent), "read_book_cpu_s": round(best, 3),
                      "customers": customers, "errors": errors,
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
