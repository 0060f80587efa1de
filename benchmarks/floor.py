"""The floor: the least any tool must do to re-tier a book, with off-the-shelf fast libraries.

Read the Customers sheet with python-calamine, then write an output sheet of the same size
(as many rows as customers, as many columns as tblScoring) with openpyxl's write-only mode.
No validation, no scoring, no preserving of the user's book: a lower bound, not a tool.

    python benchmarks/floor.py BOOK.xlsx OUT.xlsx [--columns 13]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["floor"]


def floor(book: Path, target: Path, columns: int) -> int:
    """Read Customers, write a same-size sheet; returns the number of data rows written."""
    import python_calamine as calamine
    from openpyxl import Workbook

    rows: list[list[Any]] = calamine.CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Customers").to_python()
    header, data = rows[0], rows[1:]
    out = Workbook(write_only=True)
    sheet = out.create_sheet("Scoring")
    sheet.append([str(h) for h in header[:columns]] + [f"Column {j}" for j in range(len(header), columns)])
    padding = [None] * max(0, columns - len(header))
    for row in data:
        sheet.append([None if v == "" else v for v in row[:columns]] + padding)
    out.save(target)
    return len(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Read Customers with calamine, write a same-size sheet.")
    parser.add_argument("book", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--columns", type=int, default=13, help="columns of the output sheet (tblScoring: 13)")
    args = parser.parse_args(argv)
    floor(args.book, args.target, args.columns)
    return 0


if __name__ == "__main__":
    sys.exit(main())
