"""``xlscore classify BOOK [-o OUT] [--add-defaults]``: lifecycle, types, RFM, nine-box, methods.

Registered through ``PLUGIN_COMMANDS`` in :mod:`xlscore.cli`; imports stay inside the
handler so ``xlscore --help`` stays instant.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from xlscore.asof import add_as_of_argument

__all__ = ["cmd_classify", "register"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "classify", help="lifecycle stage, customer type, RFM, nine-box, and how they compare with the tiers",
        description="Score the book, then classify every customer by the optional tables tblLifecycle, tblTypes, "
        "tblRFMSegments and tblNineBox (tblClassify maps the purchase columns). Prints which tables are "
        "missing and counts per class; writes nothing unless -o or --add-defaults is given. retier runs the "
        "same classification whenever the tables exist.")
    p.add_argument("book", type=lambda s: Path(s).expanduser(), help="the workbook (.xlsx / .xlsm)")
    p.add_argument("-o", "--output", type=lambda s: Path(s).expanduser(),
                   help="write the re-tiered book (Scoring with the classification columns, Pyramid, Issues, "
                   "Nine-box, Methods) here and leave BOOK untouched")
    p.add_argument("--add-defaults", action="store_true",
                   help="add the missing classification tables with their default rows (to OUT with -o, else "
                   "to BOOK itself, keeping a backup)")
    p.add_argument("--force", action="store_true", help="write even if Excel has the file open")
    add_as_of_argument(p)
    p.set_defaults(func=cmd_classify)


def cmd_classify(args: argparse.Namespace) -> int:
    from xlscore.analysis import analyse
    from xlscore.classify.labels import SETTINGS_TABLES
    from xlscore.classify.report import family_lines, missing_tables, summary_lines
    from xlscore.classify.template import default_sheets
    from xlscore.commands import print_issues
    from xlscore.retier import output_sheets
    from xlscore.workbook.writer import write_workbook

    book: Path = args.book
    analysis = analyse(book, args.as_of)
    added: list[str] = []
    with tempfile.TemporaryDirectory(prefix="xlscore-classify-") as scratch:
        source = book
        if args.add_defaults:
            added = missing_tables(analysis.book.source)
            if added:
                source = Path(scratch) / book.name
                write_workbook(book, default_sheets(added, analysis.book.lang), target=source, backups=0)
                analysis = analyse(source, args.as_of)
        for line in family_lines(analysis.book.source, book.name):
            print(line)
        if not analysis.ok or analysis.result is None:
            print_issues(analysis.issues.errors)
            print(f"{book.name}: {len(analysis.issues.errors)} errors; nothing was written", file=sys.stderr)
            return 1
        print_issues(analysis.issues.warnings)
        print(f"classified {analysis.as_of.describe()}")
        for line in summary_lines(analysis):
            print(line)
        if args.output is not None or added:
            target = args.output or book
            sheets = output_sheets(analysis) if args.output is not None else []
            written = write_workbook(source, sheets, target=target, force=args.force)
            tables = f"added {', '.join(SETTINGS_TABLES[k].table for k in added)}; " if added else ""
            backup = f" (backup: {written.backup.name})" if written.backup else ""
            print(f"{tables}wrote {written.target}{backup}")
    return 0
