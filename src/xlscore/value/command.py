"""``xlscore value``: predicted customer value from an order log (BG/NBD + Gamma-Gamma).

Registered through ``PLUGIN_COMMANDS`` in :mod:`xlscore.cli`; the heavy imports stay inside
the handler so ``xlscore --help`` stays instant.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from xlscore.arguments import path_argument
from xlscore.asof import parse_as_of

__all__ = ["cmd_value", "register"]

_BOOK_SUFFIXES = {".xlsx", ".xlsm"}


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be above 0")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text.strip().rstrip("%")) / (100 if text.strip().endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate: write 0.1 or 10%") from None
    if not 0 <= value < 10:
        raise argparse.ArgumentTypeError(f"{text!r}: the discount rate per year must be 0 or more (0.1 = 10 %)")
    return value


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "value", help="predicted customer value from the order log (BG/NBD + Gamma-Gamma)",
        description="Fit BG/NBD (purchases) and Gamma-Gamma (spend per purchase) to an order log and predict, per "
        "customer at the as-of date: Frequency, Recency, Tenure, P alive, Expected purchases over the horizon, "
        "Expected order value and Predicted value. The log is --orders FILE (CSV or Parquet with Customer ID, "
        "Order date, Amount) or the book's tblOrders (sheet Orders). With BOOK the Value (tblValue) and Value "
        "model sheets are written into it (in place with a backup, or into -o OUT.xlsx).")
    p.add_argument("book", nargs="?", type=path_argument,
                   help="a workbook with tblOrders; Value and Value model are written into it")
    p.add_argument("--orders", type=path_argument,
                   help="the order log as CSV or Parquet (columns Customer ID, Order date, Amount)")
    p.add_argument("--as-of", type=parse_as_of, dest="as_of",
                   help="the date the model stands at, YYYY-MM-DD; orders after it are not used "
                   "(default: the book's As of date setting, else the last order date in the log)")
    p.add_argument("--time-unit", choices=("day", "week", "month"), default="week", dest="time_unit",
                   help="unit of Recency, Tenure and the horizon (default week; a month is 365.25/12 days)")
    p.add_argument("--horizon", type=_positive,
                   help="predict purchases over the next N time units (default one year: 365, 52 or 12)")
    p.add_argument("--discount-rate", type=_rate, default=0.0, dest="discount_rate",
                   help="discount future purchases at this rate per year (0.1 or 10%%; default 0, no discounting)")
    p.add_argument("--holdout-end", type=parse_as_of, dest="holdout_end",
                   help="compare predicted with actual purchases between the as-of date and this date")
    p.add_argument("-o", "--output", type=path_argument,
                   help="predictions file (.csv or .parquet); with BOOK, an .xlsx/.xlsm to write the book to "
                   "and leave BOOK untouched")
    p.add_argument("--force", action="store_true",
                   help="write even if Excel has the book open; replace an existing output file")
    p.add_argument("--json", action="store_true", help="print the parameters and fit as JSON")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=cmd_value)


def _default_horizon(unit: str) -> float:
    return {"day": 365.0, "week": 52.0, "month": 12.0}[unit]


def cmd_value(args: argparse.Namespace) -> int:
    from xlscore.commands import check_book_output
    from xlscore.errors import UsageError
    from xlscore.progress import Progress
    from xlscore.value.book import book_lang, book_pin, load_book_orders, write_value_sheets
    from xlscore.value.orders import file_orders, latest_date, summarise
    from xlscore.value.output import write_predictions
    from xlscore.value.predict import Settings, run_models
    from xlscore.workbook.atomic import check_output

    book: Path | None = args.book
    if book is None and args.orders is None:
        raise UsageError("give the order log: xlscore value --orders FILE (CSV/Parquet) or xlscore value BOOK "
                         "(with tblOrders)")
    if book is not None and book.suffix.lower() not in _BOOK_SUFFIXES:
        raise UsageError(f"{book}: not a workbook (.xlsx/.xlsm); for a CSV or Parquet log use --orders {book}")
    if book is not None and not book.exists():
        raise UsageError(f"{book}: no such file")
    output: Path | None = args.output
    book_output = output is not None and output.suffix.lower() in _BOOK_SUFFIXES
    if output is not None and not book_output and output.suffix.lower() not in (".csv", ".parquet"):
        raise UsageError(f"{output}: write predictions to a .csv or .parquet file (or a workbook with BOOK)")
    if book_output and book is None:
        raise UsageError(f"{output}: a workbook output needs a BOOK to write the Value sheets into")
    # Every output path before any work: a missing folder or an existing file (without --force) stops here.
    if book is not None:
        check_book_output(book, output if book_output else None, args.force)
    if output is not None and not book_output:
        check_output(output, force=args.force, replaces=False)
    quiet = args.quiet or args.json
    with Progress(sys.stderr, enabled=False if quiet else None) as progress:
        progress.stage("reading orders")
        data = file_orders(args.orders) if args.orders is not None else load_book_orders(book)  # type: ignore[arg-type]
        pinned = book_pin(book, book_lang(book)) if book is not None and args.orders is None else None
        as_of: date = args.as_of or pinned or latest_date(data)
        if args.holdout_end is not None and args.holdout_end <= as_of:
            raise UsageError(f"--holdout-end {args.holdout_end} must be after the as-of date {as_of}")
        settings = Settings(as_of=as_of, unit=args.time_unit, horizon=args.horizon or _default_horizon(args.time_unit),
                            discount_rate=args.discount_rate, holdout_end=args.holdout_end)
        progress.stage("summarising customers")
        summary = summarise(data, as_of, args.holdout_end)
        run = run_models(summary, settings, data.where, progress.stage)
        written: list[str] = []
        if output is not None and not book_output:
            progress.stage("writing predictions")
            kept = write_predictions(run.table, output)
            written.append(f"{output}{f' (backup: {kept.name})' if kept else ''}")
        if book is not None:
            progress.stage("writing the Value sheets")
            report = write_value_sheets(book, run, book_lang(book), output if book_output else None, args.force)
            backup = f" (backup: {report.backup.name})" if report.backup else ""
            written.append(f"{report.target}{backup}")
    if args.json:
        print(json.dumps({"ok": True, **run.as_json(), "written": written}, indent=2, default=str))
    elif not args.quiet:
        _print_summary(run.as_json(), written)
    for note in run.notes:
        print(f"warning: {note}", file=sys.stderr)
    return 0


def _print_summary(data: dict[str, Any], written: list[str]) -> None:
    bg, gg = data["bgnbd"], data["gamma_gamma"]
    print(f"{data['customers']:,} customers ({data['repeat_buyers']:,} repeat buyers) as of {data['as_of']}, "
          f"in {data['time_unit']}s")
    print(f"BG/NBD       r={bg['r']:.4f} alpha={bg['alpha']:.4f} a={bg['a']:.4f} b={bg['b']:.4f}  "
          f"log-likelihood {bg['log_likelihood']:.2f}{'' if bg['converged'] else ' (NOT converged)'}")
    print(f"Gamma-Gamma  p={gg['p']:.4f} q={gg['q']:.4f} v={gg['v']:.4f}  "
          f"log-likelihood {gg['log_likelihood']:.2f}{'' if gg['converged'] else ' (NOT converged)'}")
    print(f"next {data['horizon']:g} {data['time_unit']}s: {data['expected_purchases']:,.1f} expected purchases, "
          f"predicted value {data['predicted_value']:,.2f}")
    if "holdout" in data:
        h = data["holdout"]
        print(f"holdout to {h['end']}: actual {h['actual']:,.0f} purchases, predicted {h['predicted']:,.1f}")
    for path in written:
        print(f"wrote {path}")
