"""Handlers of the core subcommands (new, retier, validate, explain, demo)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

import pandas as pd

from xlscore.errors import UsageError
from xlscore.issues import Issue, ModelError

__all__ = ["cmd_demo", "cmd_explain", "cmd_new", "cmd_retier", "cmd_validate", "print_issues"]


def print_issues(issues: Sequence[Issue], stream: TextIO | None = None) -> None:
    for issue in issues:
        where = f"{issue.ref}: " if issue.ref else ""
        print(f"{issue.severity:<8}{where}{issue.message}", file=stream or sys.stdout)


def _issues_json(issues: Sequence[Issue]) -> list[dict[str, str]]:
    return [{"severity": i.severity, "cell": str(i.ref) if i.ref else "", "message": i.message, "code": i.code}
            for i in issues]


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
    from xlscore.analysis import analyse

    analysis = analyse(args.book, args.as_of)
    if args.json:
        body = {"ok": analysis.ok, "as_of": analysis.as_of.as_json(), "issues": _issues_json(analysis.issues)}
        print(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        print_issues(analysis.issues)
        errors, warnings = len(analysis.issues.errors), len(analysis.issues.warnings)
        print(f"{args.book.name} {analysis.as_of.describe()}: {errors} errors, {warnings} warnings"
              + ("" if errors else f"; {len(analysis.book.customers)} customers ready to score"))
    return 0 if analysis.ok else 1


def _summary_text(summary: pd.DataFrame) -> str:
    lines = [f"{'Tier':<14}{'Customers':>10}{'Share':>8}{'Min':>8}{'Avg':>8}  Policy"]
    for row in summary.itertuples(index=False):
        low = "" if pd.isna(row[3]) else f"{row[3]:.2f}"
        avg = "" if pd.isna(row[4]) else f"{row[4]:.2f}"
        lines.append(f"{row[0]:<14}{row[1]:>10}{row[2]:>8.1%}{low:>8}{avg:>8}  {row[5]}")
    return "\n".join(lines)


def cmd_retier(args: argparse.Namespace) -> int:
    from xlscore.progress import Progress
    from xlscore.retier import retier

    try:
        # A progress line on stderr when it is a terminal; none with --quiet / --json.
        with Progress(sys.stderr, enabled=False if args.quiet or args.json else None) as progress:
            report = retier(args.book, args.output, force=args.force, as_of=args.as_of, live=args.live,
                            progress=progress)
    except ModelError as exc:
        if args.json:
            print(json.dumps({"ok": False, "issues": _issues_json(exc.issues)}, ensure_ascii=False, indent=2))
        else:
            print_issues(exc.issues)
            errors = sum(i.severity == "error" for i in exc.issues)
            print(f"{args.book.name}: {errors} errors; nothing was written", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({
            "ok": True, "as_of": report.as_of.as_json(),
            "target": str(report.target), "backup": str(report.backup) if report.backup else None,
            "customers": report.customers, "scored": report.scored,
            "tiers": [{"tier": r["Tier"], "customers": int(r["Customers"]), "share": float(r["Share"])}
                      for r in report.summary.to_dict("records")],
            "issues": _issues_json(report.issues),
        }, ensure_ascii=False, indent=2))
    elif not args.quiet:
        print_issues(report.issues.warnings)
        print(_summary_text(report.summary))
        backup = f" (backup: {report.backup.name})" if report.backup else ""
        print(f"scored {report.scored} of {report.customers} customers {report.as_of.describe()} -> "
              f"{report.target}{backup}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from xlscore.analysis import analyse
    from xlscore.explain import explain_customer

    analysis = analyse(args.book, args.as_of)
    if not analysis.ok or analysis.result is None:
        print_issues(analysis.issues.errors)
        return 1
    customers = analysis.book.customers
    wanted = str(args.customer_id).strip().casefold()
    matches = [int(i) for i, v in zip(customers.index, customers["Customer ID"], strict=True)
               if str(v).strip().casefold() == wanted]
    if not matches:
        raise UsageError(f"no customer with Customer ID {args.customer_id!r} in tblCustomers")
    print(explain_customer(analysis.book.model, customers, analysis.result, matches[0]))
    print(f"(scored {analysis.as_of.describe()})")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from xlscore.asof import resolve_as_of
    from xlscore.retier import retier
    from xlscore.templates.demo import write_demo_book

    if args.customers < 1:
        raise UsageError("--customers must be at least 1")
    as_of = resolve_as_of(args.as_of)
    raw = args.output.with_name(f".{args.output.name}.demo-input.xlsx")
    try:
        write_demo_book(raw, args.customers, args.seed, args.lang, as_of=as_of.day)
        report = retier(raw, args.output, force=True, as_of=as_of.day)
    finally:
        raw.unlink(missing_ok=True)
    print(_summary_text(report.summary))
    print(f"demo book with {report.customers} customers ({report.scored} scored) {as_of.describe()}: "
          f"{report.target}")
    return 0
