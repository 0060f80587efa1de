"""The ``xlscore`` command. ``main(argv) -> int`` is the one place errors become exit codes.

Exit codes: 0 clean (warnings allowed), 1 validation errors or an unreadable workbook,
2 usage error (bad arguments, file not found). Imports are lazy so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from xlscore.arguments import path_argument
from xlscore.asof import add_as_of_argument, parse_as_of

__all__ = ["main"]

# Modules that add their own subcommands: each has register(subparsers).
PLUGIN_COMMANDS: tuple[str, ...] = (
    "xlscore.addin.command",
    "xlscore.history.command",
    "xlscore.sql.command",
    "xlscore.classify.command",
    "xlscore.value.command",
)

Handler = Callable[[argparse.Namespace], int]

EXTEND_HELP = ("take rows typed right below an input table (tblCustomers, tblBands, ...) into the table, "
               "in the written book too")



def _core_commands(sub: Any) -> None:
    p = sub.add_parser("new", help="write an empty template workbook",
                       description="Write an empty template workbook with the model sheets and Customers.")
    p.add_argument("path", type=path_argument, help="the .xlsx file to create")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="template language (default en)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=_lazy("xlscore.commands", "cmd_new"))

    p = sub.add_parser("retier", help="score, rank and tier every customer; write Scoring, Pyramid, Issues",
                       description="Validate the book, then write the Scoring, Pyramid and Issues sheets into "
                       "it (in place, with a backup) or into -o OUT. With validation errors nothing is written.")
    p.add_argument("book", type=path_argument, help="the workbook (.xlsx / .xlsm)")
    p.add_argument("-o", "--output", type=path_argument, help="write the result here and leave BOOK untouched")
    p.add_argument("--force", action="store_true",
                   help="write even if Excel has the book open; replace an existing OUT (it is kept as OUT.bak1)")
    p.add_argument("--extend-tables", action="store_true", help=EXTEND_HELP)
    p.add_argument("--live", action="store_true",
                   help="write tblScoring as native Excel formulas that follow edits without Python")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--json", action="store_true", help="print a machine-readable summary")
    p.add_argument("--lang", choices=("en", "zh"), help="language of the messages (default: the book's)")
    add_as_of_argument(p)
    p.set_defaults(func=_lazy("xlscore.commands", "cmd_retier"))

    p = sub.add_parser("validate", help="check the book and list every problem with its cell",
                       description="Check the model and customers; exit 1 when there are errors.")
    p.add_argument("book", type=path_argument)
    p.add_argument("--json", action="store_true", help="print the issues as JSON")
    p.add_argument("--extend-tables", action="store_true", help="check rows typed right below an input table "
                   "as part of it, as retier --extend-tables would")
    p.add_argument("--lang", choices=("en", "zh"), help="language of the messages (default: the book's)")
    add_as_of_argument(p)
    p.set_defaults(func=_lazy("xlscore.commands", "cmd_validate"))

    p = sub.add_parser("explain", help="trace one customer's score to its bands and weights",
                       description="Print every point of one customer's score, traced to its Bands rows "
                       "and weights, reconciling to the Score.")
    p.add_argument("book", type=path_argument)
    p.add_argument("customer_id", help="the Customer ID")
    p.add_argument("--json", action="store_true", help="print the explanation as JSON")
    p.add_argument("--lang", choices=("en", "zh"), help="language of the explanation (default: the book's)")
    add_as_of_argument(p)
    p.set_defaults(func=_lazy("xlscore.commands", "cmd_explain"))

    p = sub.add_parser("demo", help="build a seeded demo book, re-tier it and print the tier summary",
                       description="Build a realistic demo workbook (no network), re-tier it and print the "
                       "tier summary.")
    p.add_argument("-o", "--output", type=path_argument, default=Path("xlscore-demo.xlsx"),
                   help="where to write the demo book (default xlscore-demo.xlsx)")
    p.add_argument("--customers", type=int, default=300, help="number of customers (default 300)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument("--lang", choices=("en", "zh"), default="en")
    p.add_argument("--as-of", type=parse_as_of, metavar="YYYY-MM-DD", dest="as_of",
                   help="the demo's date: customers' contacts and purchases are generated back from it and the "
                   "book pins it as its As of date, so a seed and a date give the same book on any day "
                   "(default today)")
    p.add_argument("--force", action="store_true", help="replace an existing OUTPUT (it is kept as OUTPUT.bak1)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors (no progress line, no summary)")
    p.add_argument("--json", action="store_true", help="print a machine-readable summary (no progress line)")
    p.set_defaults(func=_lazy("xlscore.commands", "cmd_demo"))


def _lazy(module: str, name: str) -> Handler:
    def run(args: argparse.Namespace) -> int:
        handler: Handler = getattr(importlib.import_module(module), name)
        return handler(args)

    return run


def build_parser() -> argparse.ArgumentParser:
    from xlscore import __version__

    parser = argparse.ArgumentParser(
        prog="xlscore",
        description="Customer value scoring for Excel workbooks: score, rank and tier customers into a pyramid.",
    )
    parser.add_argument("--version", action="version", version=f"xlscore {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _core_commands(sub)
    for module in PLUGIN_COMMANDS:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help is 0, bad arguments 2
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from xlscore.errors import XlscoreError

    try:
        code: int = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except XlscoreError as exc:
        if getattr(args, "json", False):  # a machine reader gets a JSON document on stdout, always
            from xlscore.jsonout import emit, error_document

            try:
                emit(error_document(str(exc), exc.exit_code))
                sys.stdout.flush()
            except BrokenPipeError:  # the reader went away: the exit code still says what happened
                _reader_went_away()
        print(f"xlscore: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("xlscore: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away() -> int:
    """The output was piped into a reader that closed early (``| head``): stop quietly.

    Standard output is pointed at the null device so that the interpreter's last flush
    does not fail a second time; what was done (a book written) stands.
    """
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
