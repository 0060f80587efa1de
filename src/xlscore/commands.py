"""Handlers of the core subcommands (new, retier, validate, explain, demo)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import pandas as pd

from xlscore.errors import UsageError
from xlscore.issues import Issue, ModelError

if TYPE_CHECKING:
    from xlscore.workbook.customers_reader import CustomerColumns
    from xlscore.workbook.writer import WriteReport

__all__ = ["check_book_output", "cmd_demo", "cmd_explain", "cmd_new", "cmd_retier", "cmd_validate",
           "print_issues", "written_text"]


def print_issues(issues: Sequence[Issue], stream: TextIO | None = None) -> None:
    for issue in issues:
        where = f"{issue.ref}: " if issue.ref else ""
        print(f"{issue.severity:<8}{where}{issue.message}", file=stream or sys.stdout)


def _issues_json(issues: Sequence[Issue]) -> list[dict[str, str]]:
    return [{"severity": i.severity, "cell": str(i.ref) if i.ref else "", "message": i.message, "code": i.code}
            for i in issues]


def check_book_output(book: Path, output: Path | None, force: bool) -> None:
    """Before any work: the book's folder takes the new book (in place), or ``output`` is a new
    file in a folder that exists and can be written (an existing one only with ``force``)."""
    from xlscore.workbook.atomic import check_output

    if output is None or _same_file(book, output):
        if book.exists():  # a missing book is the reader's "no such file"
            check_output(book)
    else:
        check_output(output, force=force, replaces=False)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def written_text(written: WriteReport) -> str:
    """Where the book went and where the book it replaced is kept, for the last line of a command."""
    kept = []
    if written.unchanged:
        kept.append("unchanged: it already held this result")
    if written.backup is not None:
        kept.append(f"backup: {written.backup}")
    if written.original is not None:
        kept.append(f"before xlscore: {written.original}")
    return f"{written.target}" + (f" ({'; '.join(kept)})" if kept else "")


def print_notes(written: WriteReport) -> None:
    for note in written.notes:
        print(f"note: {note}")


def cmd_new(args: argparse.Namespace) -> int:
    from xlscore.templates.build import save_template
    from xlscore.workbook.atomic import check_output

    if args.path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"{args.path}: a template is an .xlsx file")
    check_output(args.path, force=args.force, replaces=False)
    replaced = save_template(args.path, args.lang, backups=3)  # --force over a real book keeps it
    kept = f" (the file it replaced is kept as {replaced.backup})" if replaced.backup else ""
    print(f"wrote template {args.path} ({args.lang}){kept}: paste customers into the Customers table, then run "
          f"`xlscore retier {args.path}`")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from xlscore.analysis import analyse

    analysis = analyse(args.book, args.as_of, extend_tables=args.extend_tables)
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

    check_book_output(args.book, args.output, args.force)
    try:
        # A progress line on stderr when it is a terminal; none with --quiet / --json.
        with Progress(sys.stderr, enabled=False if args.quiet or args.json else None) as progress:
            report = retier(args.book, args.output, force=args.force, as_of=args.as_of, live=args.live,
                            progress=progress, extend_tables=args.extend_tables)
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
            "original": str(report.written.original) if report.written.original else None,
            "unchanged": report.written.unchanged, "notes": list(report.written.notes),
            "customers": report.customers, "scored": report.scored,
            "tiers": [{"tier": r["Tier"], "customers": int(r["Customers"]), "share": float(r["Share"])}
                      for r in report.summary.to_dict("records")],
            "issues": _issues_json(report.issues),
        }, ensure_ascii=False, indent=2))
    elif not args.quiet:
        print_issues(report.issues.warnings)
        print(_summary_text(report.summary))
        print_notes(report.written)
        print(f"scored {report.scored} of {report.customers} customers {report.as_of.describe()} -> "
              f"{written_text(report.written)}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from xlscore.analysis import analyse
    from xlscore.engine import score_customers
    from xlscore.explain import explain_customer

    analysis = analyse(args.book, args.as_of)
    book = analysis.book
    row_errors = _customer_row_errors(analysis.issues.errors, book.columns)
    if not analysis.ok and sum(map(len, row_errors.values())) < len(analysis.issues.errors):
        print_issues(analysis.issues.errors)  # the model itself has errors: nothing can be explained
        return 1
    customers = book.customers
    wanted = str(args.customer_id).strip().casefold()
    matches = [int(i) for i, v in zip(customers.index, customers["Customer ID"], strict=True)
               if str(v).strip().casefold() == wanted]
    if not matches:
        raise UsageError(f"no customer with Customer ID {args.customer_id!r} in tblCustomers")
    index = matches[0]
    if index in row_errors:
        print_issues(row_errors[index])
        print(f"customer {args.customer_id} has errors in its row: fix them to explain its score", file=sys.stderr)
        return 1
    result = analysis.result
    if result is None:  # other rows have errors: score the rows that have none
        customers = customers.drop(index=sorted(row_errors))
        result = score_customers(book.model, customers)
    print(explain_customer(book.model, customers, result, index))
    print(f"(scored {analysis.as_of.describe()})")
    if row_errors:
        others = ("1 other customer has errors and was" if len(row_errors) == 1
                  else f"{len(row_errors)} other customers have errors and were")
        print(f"\nnote: {others} left out, so Rank and Tier above are among the {len(customers)} customers "
              "without errors; a re-tier needs these fixed:")
        print_issues([issue for row in sorted(row_errors) for issue in row_errors[row]])
    return 0


def _customer_row_errors(errors: Sequence[Issue], columns: CustomerColumns | None) -> dict[int, list[Issue]]:
    """Errors in a data row of tblCustomers, by the row's frame index; the others are the model's."""
    rows: dict[int, list[Issue]] = {}
    if columns is None:
        return rows
    table = columns.table
    for issue in errors:
        ref = issue.ref
        if ref is None or ref.sheet != table.sheet:
            continue
        row = ref.row - table.top - 1
        if 0 <= row < len(table.rows) and table.left <= ref.col < table.left + len(table.headers):
            rows.setdefault(row, []).append(issue)
    return rows


def cmd_demo(args: argparse.Namespace) -> int:
    from xlscore.asof import resolve_as_of
    from xlscore.retier import retier
    from xlscore.templates.demo import write_demo_book
    from xlscore.workbook.atomic import check_output, unfinished_write

    if args.customers < 1:
        raise UsageError("--customers must be at least 1")
    check_output(args.output, force=args.force, replaces=False)
    as_of = resolve_as_of(args.as_of)
    raw = args.output.with_name(f".{args.output.name}.demo-input.xlsx")
    try:
        write_demo_book(raw, args.customers, args.seed, args.lang, as_of=as_of.day)
        report = retier(raw, args.output, force=True, as_of=as_of.day)
    except OSError as exc:  # a full disk while saving the input book
        raise unfinished_write(args.output, exc) from None
    finally:
        raw.unlink(missing_ok=True)
    print(_summary_text(report.summary))
    print(f"demo book with {report.customers} customers ({report.scored} scored) {as_of.describe()}: "
          f"{report.target}")
    return 0
