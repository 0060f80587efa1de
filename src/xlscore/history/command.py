"""``xlscore snapshot`` and ``xlscore plan``: registered through ``cli.PLUGIN_COMMANDS``.

Only argparse and pathlib are imported here, so ``xlscore --help`` stays instant; the
handlers import the real work when they run.
"""

from __future__ import annotations

import argparse
from typing import Any

from xlscore.arguments import path_argument
from xlscore.asof import add_as_of_argument, written_at
from xlscore.messages import count

__all__ = ["cmd_plan", "cmd_snapshot", "register"]


_FORCE = "write even if Excel has the book open; replace an existing OUT"
EXTEND_HELP = "take rows typed right below an input table into the table, in the written book too"



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
    p.add_argument("book", type=path_argument, help="the workbook (.xlsx / .xlsm)")
    p.add_argument("--period", help="2026-Q3 (quarter), 2026-07 (month), 2026-H2 or 2026; default: the quarter "
                   "of the as-of date")
    p.add_argument("-o", "--output", type=path_argument, help="write the result here and leave BOOK untouched")
    p.add_argument("--force", action="store_true", help=_FORCE)
    p.add_argument("--extend-tables", action="store_true", help=EXTEND_HELP)
    p.add_argument("--json", action="store_true", help="print a machine-readable summary")
    add_as_of_argument(p)
    p.set_defaults(func=cmd_snapshot)

    p = subparsers.add_parser(
        "plan", help="write the Plan sheet: follow-ups due in the next N days, overdue first",
        description="List each owner's customers due for follow-up in the next DAYS days (overdue and never "
        "contacted first) with tier, policy and date, in a Plan sheet; optionally as an iCalendar file.")
    p.add_argument("book", type=path_argument, help="the workbook (.xlsx / .xlsm)")
    p.add_argument("--days", type=_days, default=30, help="look this many days ahead (default 30)")
    p.add_argument("--owner", help="only this owner's customers (case-insensitive)")
    p.add_argument("--ics", type=path_argument, metavar="FILE", help="also write the plan as an iCalendar file (.ics)")
    p.add_argument("-o", "--output", type=path_argument, help="write the result here and leave BOOK untouched")
    p.add_argument("--force", action="store_true", help=_FORCE + " or FILE")
    p.add_argument("--extend-tables", action="store_true", help=EXTEND_HELP)
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    add_as_of_argument(p)
    p.set_defaults(func=cmd_plan)


def _print_issues(issues: Any) -> None:
    from xlscore.commands import print_issues

    print_issues(issues)


def _failure(args: argparse.Namespace, issues: Any, lang: str) -> int:
    """The book's errors, as JSON or as text; exit code 1."""
    from xlscore.commands import print_failure

    if args.json:
        from xlscore.jsonout import emit, issues_json

        emit({"ok": False, "issues": issues_json([i for i in issues if i.severity == "error"])})
        return 1
    return print_failure(args.book.name, issues, lang)


def cmd_snapshot(args: argparse.Namespace) -> int:
    from xlscore.commands import check_book_output, print_notes, written_text
    from xlscore.history.snapshot import take_snapshot
    from xlscore.issues import ModelError

    check_book_output(args.book, args.output, args.force)
    try:
        report = take_snapshot(args.book, args.period, target=args.output, force=args.force, as_of=args.as_of,
                               extend_tables=args.extend_tables)
    except ModelError as exc:
        return _failure(args, exc.issues, exc.lang)
    if args.json:
        from xlscore.jsonout import emit, issues_json

        emit({"ok": True, "period": str(report.period), "customers": report.customers, "target": report.target,
              "backup": report.backup, "periods": report.periods, "issues": issues_json(report.issues)})
        return 0
    _print_issues(report.issues.warnings)
    print_notes(report.written)
    print(f"snapshot {report.period} {report.as_of.describe()}: {count(report.customers, 'customer')} recorded -> "
          f"{written_text(report.written)} (periods: {', '.join(report.periods)})")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:

    from xlscore.analysis import analyse
    from xlscore.commands import check_book_output, print_notes, written_text
    from xlscore.errors import UsageError
    from xlscore.history.ics import plan_calendar
    from xlscore.history.plan import follow_up_plan, owners, plan_sheet
    from xlscore.workbook.atomic import check_output, write_file_atomically
    from xlscore.workbook.writer import write_workbook

    check_book_output(args.book, args.output, args.force)  # every output path before anything is written
    if args.ics:
        check_output(args.ics, force=args.force, replaces=False)
    analysis = analyse(args.book, args.as_of, extend_tables=args.extend_tables)
    if not analysis.ok or analysis.result is None:
        return _failure(args, analysis.issues, analysis.book.lang)
    result = analysis.result
    if args.owner is not None and args.owner.strip().casefold() not in {o.casefold() for o in owners(result)}:
        raise UsageError(f"no customer has owner {args.owner!r}; owners: {', '.join(owners(result)) or 'none'}")
    plan = follow_up_plan(analysis.book.model, result, analysis.book.customers["Last contact"], analysis.today,
                          args.days, args.owner)
    calendar = plan_calendar(plan, args.book.stem, written_at().astimezone()) if args.ics else None  # DTSTAMP
    written = write_workbook(args.book, [plan_sheet(plan, analysis.book.lang)], target=args.output,
                             force=args.force, resize_tables=analysis.book.resized_tables)
    if args.ics and calendar is not None:
        write_file_atomically(args.ics, calendar)
    late = int((plan.rows["Status"] != "due").sum())
    if args.json:
        from xlscore.jsonout import emit

        emit({"ok": True, "as_of": analysis.as_of.as_json(), "target": written.target, "backup": written.backup,
              "original": written.original, "ics": args.ics, "from": plan.today, "until": plan.until,
              "days": plan.days, "owner": plan.owner, "follow_ups": len(plan.rows), "overdue_or_never": late,
              "rows": [{str(key).lower().replace(" ", "_").replace("-", "_"): value for key, value in row.items()}
                       for row in plan.rows.to_dict("records")]})
        return 0
    print_notes(written)
    print(f"{count(len(plan.rows), 'follow_up')} due by {plan.until.isoformat()} ({late:,} overdue or never "
          f"contacted), {analysis.as_of.describe()} -> {written_text(written)}"
          + (f"; calendar: {args.ics}" if args.ics else ""))
    return 0
