"""The two readers of tblCustomers side by side: python-calamine and fastexcel, on one book.

Each way runs in its own child process (wall, CPU and peak RSS of that child alone):

* ``calamine``: python-calamine parses the table and hands back Python rows
  (``get_table_by_name(...).to_python()``), as xlscore read every table until now;
* ``fastexcel``: fastexcel parses the table's range and hands back Arrow columns
  (``load_sheet(..., dtype_coercion="strict").to_arrow()``), as xlscore reads a table now
  when that is exact (see ``xlscore.workbook.arrow_tables``);
* ``read_book``: xlscore's whole reader (package guard, every table, model, checked customers).

    python benchmarks/bench_readers.py BOOK.xlsx
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from processes import run

TABLE = "tblCustomers"
WAYS = ("calamine", "fastexcel", "read_book")


def read_once(way: str, book: Path) -> int:
    """Read the customers one way; returns the number of rows read."""
    if way == "calamine":
        import python_calamine

        rows = python_calamine.CalamineWorkbook.from_path(str(book), load_tables=True).get_table_by_name(TABLE)
        return len(rows.to_python())
    if way == "fastexcel":
        import fastexcel

        from xlscore.workbook.package import Package
        from xlscore.workbook.refs import corners

        with Package.open(book, check_cells=False) as pkg:
            entry = next(t for t in pkg.tables() if t.name == TABLE)
        (top, left), (bottom, right) = corners(entry.ref)
        sheet = fastexcel.read_excel(str(book)).load_sheet(
            entry.sheet, header_row=top - 1, n_rows=bottom - top, use_columns=list(range(left - 1, right)),
            schema_sample_rows=None, dtype_coercion="strict")
        return int(sheet.to_arrow().num_rows)
    from xlscore.workbook.reader import read_book

    return len(read_book(book).customers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("book", type=Path)
    parser.add_argument("--way", choices=WAYS, help=argparse.SUPPRESS)  # the child's part
    args = parser.parse_args(argv)
    if args.way:
        print(json.dumps({"rows": read_once(args.way, args.book)}))
        return 0
    print("| reader | rows | wall s | CPU s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|")
    for way in WAYS:
        result = run([sys.executable, __file__, str(args.book), "--way", way]).check()
        rows = json.loads(result.stdout.strip().splitlines()[-1])["rows"]
        print(f"| {way} | {rows:,} | {result.seconds:.2f} | {result.cpu_seconds:.2f} | {result.peak_mb:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
