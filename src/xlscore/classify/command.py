"""``xlscore classify BOOK [-o OUT] [--add-defaults]``: lifecycle, types, RFM, nine-box, methods.

Registered through ``PLUGIN_COMMANDS`` in :mod:`xlscore.cli`; imports stay inside the
handler so ``xlscore --help`` stays instant.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from xlscore.arguments import path_argument
from xlscore.asof import add_as_of_argument

__all__ = ["cmd_classify", "register"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "classify", help="lifecycle stage, customer type, RFM, nine-box, and how they compare with the tiers",
        description="Score the book, then classify every customer by the optional tables tblLifecycle, tblTypes, "
        "tblRFMSegments and tblNineBox (tblClassify maps the purchase columns). Prints which tables are "
        "missing and counts per class; writes nothing unless -o or --add-defaults is given. retier runs the "
        "same classification whenever the tables exist.")
    p.add_argument("book", type=path_argument, help="the workbook (.xlsx / .xlsm)")
    p.add_argument("-o", "--output", type=path_argument,
                   help="write the re-tiered book (Scoring with the classification columns, Pyramid, Issues, "
                   "Nine-box, Methods) here and leave BOOK untouched")
    p.add_argument("--add-defaults", action="store_true",
                   help="add the missing classification tables with their default rows (to OUT with -o, else "
                   "to BOOK itself, keeping a backup)")
    p.add_argument("--force", action="store_true",
                   help="write even if Excel has the file open; replace an existing OUT")
    p.add_argument("--json", action="store_true", help="print the families and counts as JSON")
    add_as_of_argument(p)
    p.set_defaults(func=cmd_classify)


def cmd_classify(args: argparse.Namespace) -> int:
    from xlscore.analysis import analyse
    from xlscore.classify.labels import SETTINGS_TABLES
    from xlscore.classify.report import family_lines, missing_tables, summary_data, summary_lines
    from xlscore.classify.template import default_sheets
    from xlscore.commands import check_book_output, print_failure, print_issues, print_notes, written_text
    from xlscore.retier import output_sheets
    from xlscore.workbook.writer import write_workbook

    book: Path = args.book
    if args.output is not None or args.add_defaults:
        check_book_output(book, args.output, args.force)
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
        if args.json:
            from xlscore.jsonout import emit, issues_json

            if not analysis.ok or analysis.result is None:
                emit({"ok": False, "issues": issues_json(analysis.issues.errors)})
                return 1
        else:
            for line in family_lines(analysis.book.source, book.name):
                print(line)
            if not analysis.ok or analysis.result is None:
                return print_failure(book.name, analysis.issues, analysis.book.lang)
            print_issues(analysis.issues.warnings)
            print(f"classified {analysis.as_of.describe()}")
            for line in summary_lines(analysis):
                print(line)
        written = None
        if args.output is not None or added:
            target = args.output or book
            sheets = output_sheets(analysis) if args.output is not None else []
            written = write_workbook(source, sheets, target=target, force=args.force)
            tables = f"added {', '.join(SETTINGS_TABLES[k].table for k in added)}; " if added else ""
            if not args.json:
                print_notes(written)
                print(f"{tables}wrote {written_text(written)}")
        if args.json:
            emit({"ok": True, "as_of": analysis.as_of.as_json(), **summary_data(analysis),
                  "added": [SETTINGS_TABLES[k].table for k in added],
                  "target": written.target if written else None, "backup": written.backup if written else None,
                  "issues": issues_json(analysis.issues)})
    return 0
