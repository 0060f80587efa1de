"""Handlers of the core subcommands (new, retier, validate, explain, demo)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

import pandas as pd

from xlscore.errors import UsageError
from xlscore.issues import Issue, ModelError
from xlscore.jsonout import emit, issues_json, tiers_json
from xlscore.messages import count, display_width, pad, say

if TYPE_CHECKING:
    from xlscore.retier import RetierReport

__all__ = ["cmd_demo", "cmd_explain", "cmd_new", "cmd_retier", "cmd_validate", "print_failure", "print_issues",
           "summary_text"]


def print_issues(issues: Sequence[Issue], stream: TextIO | None = None, lang: str = "en") -> None:
    for issue in issues:
        where = f"{issue.ref}: " if issue.ref else ""
        print(f"{pad(say(f'severity.{issue.severity}', lang), 8)}{where}{issue.message}", file=stream or sys.stdout)


def print_failure(book: str, issues: Sequence[Issue], lang: str = "en") -> int:
    """Every error, then ``book: 2 errors; nothing was written`` on stderr; the exit code 1."""
    errors = [i for i in issues if i.severity == "error"]
    print_issues(errors, lang=lang)
    print(say("summary.nothing_written", lang, book=book, errors=count(len(errors), "error", lang)), file=sys.stderr)
    return 1


def cmd_new(args: argparse.Namespace) -> int:
    from xlscore.templates.build import save_template

    if args.path.exists() and not args.force:
        raise UsageError(f"{args.path} exists: choose another name or pass --force to overwrite it")
    if args.path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"{args.path}: a template is an .xlsx file")
    save_template(args.path, args.lang)
    print(f"wrote template {args.path} ({args.lang}): paste customers into the Customers table, then run "
          f"`xlscore retier {args.path}`")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from xlscore.retier import analyse

    analysis = analyse(args.book, messages=args.lang)
    if args.json:
        emit({"ok": analysis.ok, "customers": len(analysis.book.customers), "errors": len(analysis.issues.errors),
              "warnings": len(analysis.issues.warnings), "issues": issues_json(analysis.issues)})
    else:
        lang = args.lang or analysis.book.lang
        print_issues(analysis.issues, lang=lang)
        errors = len(analysis.issues.errors)
        ready = "" if errors else say("summary.ready", lang,
                                      customers=count(len(analysis.book.customers), "customer", lang))
        print(say("summary.validate", lang, book=args.book.name, errors=count(errors, "error", lang),
                  warnings=count(len(analysis.issues.warnings), "warning", lang)) + ready)
    return 0 if analysis.ok else 1


def summary_text(summary: pd.DataFrame, lang: str = "en") -> str:
    """The tier summary as a console table, aligned by display width (CJK takes two columns)."""
    tier_width = max([14, *(display_width(str(t)) + 2 for t in summary["Tier"])])
    titles = say("summary.columns", lang).split("|")
    head = pad(titles[0], tier_width) + "".join(pad(t, w, ">") for t, w in zip(titles[1:5], (10, 8, 8, 8),
                                                                                  strict=True))
    lines = [f"{head}  {titles[5]}"]
    for row in summary.itertuples(index=False):
        low = "" if pd.isna(row[3]) else f"{row[3]:,.2f}"
        avg = "" if pd.isna(row[4]) else f"{row[4]:,.2f}"
        lines.append(pad(str(row[0]), tier_width) + pad(f"{row[1]:,}", 10, ">") + pad(f"{row[2]:.1%}", 8, ">")
                     + pad(low, 8, ">") + pad(avg, 8, ">") + f"  {row[5]}")
    return "\n".join(lines)


def cmd_retier(args: argparse.Namespace) -> int:
    from xlscore.progress import Progress
    from xlscore.retier import retier

    try:
        # A progress line on stderr when it is a terminal; none with --quiet / --json.
        with Progress(sys.stderr, enabled=False if args.quiet or args.json else None) as progress:
            report = retier(args.book, args.output, force=args.force, live=args.live, progress=progress,
                            messages=args.lang)
    except ModelError as exc:
        if args.json:
            emit({"ok": False, "issues": issues_json(exc.issues)})
        else:
            print_failure(args.book.name, exc.issues, exc.lang)
        return 1
    if args.json:
        emit(_report_json(report))
    elif not args.quiet:
        print_issues(report.issues.warnings, lang=report.lang)
        print(summary_text(report.summary, report.lang))
        backup = say("summary.backup", report.lang, name=report.backup.name) if report.backup else ""
        print(say("summary.scored", report.lang, scored=f"{report.scored:,}",
                  customers=count(report.customers, "customer", report.lang), target=report.target, backup=backup))
    return 0


def _report_json(report: RetierReport) -> dict[str, object]:
    return {"ok": True, "target": report.target, "backup": report.backup, "customers": report.customers,
            "scored": report.scored, "tiers": tiers_json(report.summary), "issues": issues_json(report.issues)}


def cmd_explain(args: argparse.Namespace) -> int:
    from xlscore.explain import explain_customer, trace_json
    from xlscore.retier import analyse

    analysis = analyse(args.book, messages=args.lang)
    if not analysis.ok or analysis.result is None:
        if args.json:
            emit({"ok": False, "issues": issues_json(analysis.issues.errors)})
            return 1
        return print_failure(args.book.name, analysis.issues, analysis.book.lang)
    customers = analysis.book.customers
    wanted = str(args.customer_id).strip().casefold()
    matches = [int(i) for i, v in zip(customers.index, customers["Customer ID"], strict=True)
               if str(v).strip().casefold() == wanted]
    if not matches:
        raise UsageError(f"no customer with Customer ID {args.customer_id!r} in tblCustomers")
    trace = explain_customer(analysis.book.model, customers, analysis.result, matches[0], args.lang)
    if args.json:
        emit({"ok": True, **trace_json(analysis.book.model, analysis.result, matches[0], trace)})
    else:
        print(trace)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from xlscore.retier import retier
    from xlscore.templates.demo import write_demo_book

    if args.customers < 1:
        raise UsageError("--customers must be at least 1")
    from xlscore.progress import Progress

    raw = args.output.with_name(f".{args.output.name}.demo-input.xlsx")
    try:
        # A progress line on stderr when it is a terminal (a big demo takes minutes); none with --json.
        with Progress(sys.stderr, enabled=False if args.json else None) as progress:
            write_demo_book(raw, args.customers, args.seed, args.lang, progress)
            report = retier(raw, args.output, force=True, progress=progress)
    finally:
        raw.unlink(missing_ok=True)
    if args.json:
        emit({**_report_json(report), "lang": report.lang, "seed": args.seed, "with_blanks": report.blanks})
        return 0
    print(summary_text(report.summary, report.lang))
    if report.blanks:  # why the template's If missing is zero: a gap never lifts a customer
        print(say("summary.demo_blanks", report.lang, blanks=count(report.blanks, "customer", report.lang)))
    print(say("summary.demo", report.lang, customers=count(report.customers, "customer", report.lang),
              scored=f"{report.scored:,}", target=report.target))
    return 0
