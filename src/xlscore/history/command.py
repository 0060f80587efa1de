"""``xlscore snapshot`` and ``xlscore plan``: registered through ``cli.PLUGIN_COMMANDS``.

Only argparse and pathlib are imported here, so ``xlscore --help`` stays instant; the
handlers import the real work when they run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from xlscore.asof import add_as_of_argument

__all__ = ["cmd_plan", "cmd_snapshot", "register"]


def _path(text: str) -> Path:
    return Path(text).expanduser()


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if not 0 <= days <= 3660:
        raise argparse.ArgumentTypeError("--days must be between 0 and 3660")
    return days


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "snapshot", help="record the current scoring as one period of the History sheet",
        description="Score the book (like retier) and append the scoring to tblHistory on the 'Score history' "
        "sheet as PERIOD. Re-snapshotting a period replaces it, with a warning. Scoring then shows Previous "
        "tier and Movement, and the Migration sheet the tier-to-tier matrix from the period before.")
    p.add_argument("book", type=_path, help="the workbook (.xlsx / .xlsm)")
    p.add_argument("--period", help="2026-Q3 (quarter), 2026-07 (month), 2026-H2 or 2026; default: the quarter "
                   "of the as-of date")
    p.add_argument("-o", "--output", type=_path, help="write the result here and leave BOOK untouched")
    p.add_argument("--force", action="store_true", help="write even if Excel has the book open")
    add_as_of_argument(p)
    p.set_defaults(func=cmd_snapshot)

    p = subparsers.add_parser(
        "plan", help="write the Plan sheet: follow-ups due in the next N days, overdue first",
        description="List each owner's customers due for follow-up in the next DAYS days (overdue and never "
        "contacted first) with tier, policy and date, in a Plan sheet; optionally as an iCalendar file.")
    p.add_argument("book", type=_path, help="the workbook (.xlsx / .xlsm)")
    p.add_argument("--days", type=_days, default=30, help="look this many days ahead (default 30)")
    p.add_argument("--owner", help="only this owner's customers (case-insensitive)")
    p.add_argument("--ics", type=_path, metavar="FILE", help="also write the plan as an iCalendar file (.ics)")
    p.add_argument("-o", "--output", type=_path, help="write the result here and leave BOOK untouched")
    p.add_argument("--force", action="store_true", help="write even if Excel has the book open")
    add_as_of_argument(p)
    p.set_defaults(func=cmd_plan)


def _print_issues(issues: Any) -> None:
    from xlscore.commands import print_issues

    print_issues(issues)


def cmd_snapshot(args: argparse.Namespace) -> int:
    from xlscore.history.snapshot import take_snapshot
    from xlscore.issues import ModelError

    try:
        report = take_snapshot(args.book, args.period, target=args.output, force=args.force, as_of=args.as_of)
    except ModelError as exc:
        _print_issues(exc.issues)
        print(f"{args.book.name}: {len(exc.issues)} problems; nothing was written", file=sys.stderr)
        return 1
    _print_issues(report.issues.warnings)
    print(f"snapshot {report.period} {report.as_of.describe()}: {report.customers} customers recorded -> "
          f"{report.target} (periods: {', '.join(report.periods)})")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from datetime import datetime

    from xlscore.analysis import analyse
    from xlscore.errors import UsageError
    from xlscore.history.ics import plan_calendar
    from xlscore.history.plan import follow_up_plan, owners, plan_sheet
    from xlscore.workbook.writer import write_workbook

    analysis = analyse(args.book, args.as_of)
    if not analysis.ok or analysis.result is None:
        _print_issues(analysis.issues.errors)
        print(f"{args.book.name}: {len(analysis.issues.errors)} errors; nothing was written", file=sys.stderr)
        return 1
    result = analysis.result
    if args.owner is not None and args.owner.strip().casefold() not in {o.casefold() for o in owners(result)}:
        raise UsageError(f"no customer has owner {args.owner!r}; owners: {', '.join(owners(result)) or 'none'}")
    plan = follow_up_plan(analysis.book.model, result, analysis.book.customers["Last contact"], analysis.today,
                          args.days, args.owner)
    written = write_workbook(args.book, [plan_sheet(plan, analysis.book.lang)], target=args.output,
                             force=args.force)
    if args.ics:
        written_at = datetime.now().astimezone()  # DTSTAMP: when the calendar was written, not a rule's date
        args.ics.write_bytes(plan_calendar(plan, args.book.stem, written_at))
    late = int((plan.rows["Status"] != "due").sum())
    print(f"{len(plan.rows)} follow-ups due by {plan.until.isoformat()} ({late} overdue or never contacted), "
          f"{analysis.as_of.describe()} "
          f"-> {written.target}" + (f"; calendar: {args.ics}" if args.ics else ""))
    return 0
