"""Handlers of the core subcommands (new, retier, validate, explain, demo)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import pandas as pd

from xlscore.errors import UsageError
from xlscore.issues import Issue, ModelError
from xlscore.jsonout import emit, issues_json, tiers_json
from xlscore.messages import count, display_width, pad, say
from xlscore.rounding import percent_text

if TYPE_CHECKING:
    from xlscore.retier import RetierReport
    from xlscore.workbook.customers_reader import CustomerColumns
    from xlscore.workbook.writer import WriteReport

__all__ = ["check_book_output", "cmd_demo", "cmd_explain", "cmd_new", "cmd_retier", "cmd_validate", "print_failure",
           "print_issues", "print_notes", "summary_text", "written_text"]


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

    analysis = analyse(args.book, args.as_of, args.lang, extend_tables=args.extend_tables)
    if args.json:
        emit({"ok": analysis.ok, "as_of": analysis.as_of.as_json(), "customers": len(analysis.book.customers),
              "errors": len(analysis.issues.errors), "warnings": len(analysis.issues.warnings),
              "issues": issues_json(analysis.issues)})
    else:
        lang = args.lang or analysis.book.lang
        print_issues(analysis.issues, lang=lang)
        errors = len(analysis.issues.errors)
        ready = "" if errors else say("summary.ready", lang,
                                      customers=count(len(analysis.book.customers), "customer", lang))
        print(say("summary.validate", lang, book=args.book.name, when=analysis.as_of.describe(lang),
                  errors=count(errors, "error", lang),
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
        lines.append(pad(str(row[0]), tier_width) + pad(f"{row[1]:,}", 10, ">") + pad(percent_text(row[2]), 8, ">")
                     + pad(low, 8, ">") + pad(avg, 8, ">") + f"  {row[5]}")
    return "\n".join(lines)


def cmd_retier(args: argparse.Namespace) -> int:
    from xlscore.progress import Progress
    from xlscore.retier import retier

    check_book_output(args.book, args.output, args.force)
    try:
        # A progress line on stderr when it is a terminal; none with --quiet / --json.
        with Progress(sys.stderr, enabled=False if args.quiet or args.json else None) as progress:
            report = retier(args.book, args.output, force=args.force, as_of=args.as_of, live=args.live,
                            progress=progress, extend_tables=args.extend_tables, messages=args.lang)
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
        print_notes(report.written)
        print(say("summary.scored", report.lang, scored=f"{report.scored:,}",
                  customers=count(report.customers, "customer", report.lang), when=report.as_of.describe(report.lang),
                  target=written_text(report.written)))
    return 0


def _report_json(report: RetierReport) -> dict[str, object]:
    written = report.written
    return {"ok": True, "as_of": report.as_of.as_json(), "target": report.target, "backup": report.backup,
            "original": written.original, "unchanged": written.unchanged, "notes": list(written.notes),
            "customers": report.customers, "scored": report.scored, "tiers": tiers_json(report.summary),
            "issues": issues_json(report.issues)}


def cmd_explain(args: argparse.Namespace) -> int:
    from xlscore.analysis import analyse
    from xlscore.engine import score_customers
    from xlscore.explain import explain_customer, trace_json

    analysis = analyse(args.book, args.as_of, args.lang)
    book = analysis.book
    row_errors = _customer_row_errors(analysis.issues.errors, book.columns)
    if not analysis.ok and sum(map(len, row_errors.values())) < len(analysis.issues.errors):
        # the model itself has errors: nothing can be explained
        if args.json:
            emit({"ok": False, "issues": issues_json(analysis.issues.errors)})
            return 1
        return print_failure(args.book.name, analysis.issues, book.lang)
    customers = book.customers
    wanted = str(args.customer_id).strip().casefold()
    matches = [int(i) for i, v in zip(customers.index, customers["Customer ID"], strict=True)
               if str(v).strip().casefold() == wanted]
    if not matches:
        raise UsageError(f"no customer with Customer ID {args.customer_id!r} in tblCustomers")
    index = matches[0]
    if index in row_errors:
        if args.json:
            emit({"ok": False, "issues": issues_json(row_errors[index])})
            return 1
        print_issues(row_errors[index], lang=book.lang)
        print(f"customer {args.customer_id} has errors in its row: fix them to explain its score", file=sys.stderr)
        return 1
    result = analysis.result
    if result is None:  # other rows have errors: score the rows that have none
        customers = customers.drop(index=sorted(row_errors))
        result = score_customers(book.model, customers)
    trace = explain_customer(book.model, customers, result, index, args.lang)
    others = [issue for row in sorted(row_errors) for issue in row_errors[row]]
    if args.json:
        emit({"ok": True, "as_of": analysis.as_of.as_json(), **trace_json(book.model, result, index, trace),
              "others_with_errors": issues_json(others)})
        return 0
    print(trace)
    print(f"(scored {analysis.as_of.describe()})")
    if row_errors:
        left_out = ("1 other customer has errors and was" if len(row_errors) == 1
                    else f"{len(row_errors)} other customers have errors and were")
        print(f"\nnote: {left_out} left out, so Rank and Tier above are among the {len(customers)} customers "
              "without errors; a re-tier needs these fixed:")
        print_issues(others, lang=book.lang)
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
    from xlscore.progress import Progress
    from xlscore.retier import retier
    from xlscore.templates.demo import write_demo_book
    from xlscore.workbook.atomic import check_output, unfinished_write

    if args.customers < 1:
        raise UsageError("--customers must be at least 1")
    check_output(args.output, force=args.force, replaces=False)
    as_of = resolve_as_of(args.as_of)
    raw = args.output.with_name(f".{args.output.name}.demo-input.xlsx")
    try:
        # A progress line on stderr when it is a terminal; none with --quiet / --json.
        with Progress(sys.stderr, enabled=False if args.quiet or args.json else None) as progress:
            write_demo_book(raw, args.customers, args.seed, args.lang, progress, as_of=as_of.day)
            report = retier(raw, args.output, force=True, as_of=as_of.day, progress=progress)
    except OSError as exc:  # a full disk while saving the input book
        raise unfinished_write(args.output, exc) from None
    finally:
        raw.unlink(missing_ok=True)
    if args.json:
        emit({**_report_json(report), "as_of": as_of.as_json(), "lang": report.lang, "seed": args.seed,
              "with_blanks": report.blanks})
        return 0
    if args.quiet:
        return 0
    print(summary_text(report.summary, report.lang))
    if report.blanks:  # why the template's If missing is zero: a gap never lifts a customer
        print(say("summary.demo_blanks", report.lang, blanks=count(report.blanks, "customer", report.lang)))
    print(say("summary.demo", report.lang, customers=count(report.customers, "customer", report.lang),
              scored=f"{report.scored:,}", when=as_of.describe(report.lang), target=report.target))
    return 0
