"""The ``sql`` and ``score`` subcommands. Only argparse here: handlers import what they need."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from xlscore.arguments import path_argument
from xlscore.asof import add_as_of_argument
from xlscore.messages import count

__all__ = ["cmd_score", "cmd_sql", "register"]

_DIALECTS = ("duckdb", "postgres", "spark", "bigquery", "snowflake")



def register(sub: Any) -> None:
    p = sub.add_parser(
        "sql", help="print the book's model as one SQL SELECT for a customers table",
        description="Print one SQL SELECT statement, generated from the book's model, that reads a table "
        "whose columns are named as in tblCustomers (or mapped with --column) and returns the tblScoring "
        "columns with exactly the results of a re-tier. A plain SELECT, ready for a view or a dbt model; "
        "--checks prints the data checks instead.")
    p.add_argument("book", type=path_argument, help="the workbook holding the model (.xlsx / .xlsm)")
    p.add_argument("--dialect", choices=_DIALECTS, default="duckdb", help="SQL dialect (default duckdb)")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--table", default="customers",
                        help="the customers table, e.g. analytics.crm.customers (default customers)")
    source.add_argument("--from", dest="from_sql", metavar="EXPR",
                        help="a table expression written into the statement verbatim, e.g. "
                        "\"{{ ref('customers') }}\" in a dbt model")
    p.add_argument("--column", action="append", default=[], metavar="HEADER=COLUMN",
                   help="the table's column for a tblCustomers header, e.g. \"Sales last year (k)=sales_ly\" "
                   "(repeatable; a plain name follows the dialect's case rules, others are quoted)")
    p.add_argument("--checks", action="store_true",
                   help="print the data checks instead: one SELECT returning a row per problem (Customer ID, "
                   "column, problem, value) by the rules of validate; empty when the table is clean")
    p.add_argument("--no-order", dest="ordered", action="store_false",
                   help="leave out the final ORDER BY (a view or a dbt model needs none)")
    p.add_argument("--semicolon", action="store_true", help="end the statement with ';'")
    p.add_argument("--approved-type", choices=("text", "number", "boolean"),
                   help="how the table stores Approved. Default text, right for every type: yes / y / true / "
                   "1 / 1.0 / 是 in any case, so BOOLEAN, integer and 1.0/0.0 columns too. number (1 = "
                   "approved) or boolean skip the cast to text")
    p.add_argument("--id-type", choices=("text", "number"),
                   help="Customer ID type, for the order of ties: text (case-insensitive) or number. "
                   "Default: as the book's own Customers rows")
    p.add_argument("--last-contact-type", choices=("date", "timestamp"),
                   help="date (Next follow-up is a DATE) or timestamp (keeps the time of day). Default: "
                   "timestamp when a Last contact in the book has a time of day, else date")
    p.add_argument("--compact", action="store_true", help="print the statement on one line")
    add_as_of_argument(p)
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser(
        "score", help="score a Parquet or CSV file of customers (any size) with the book's model",
        description="Score, rank and tier every customer of a Parquet or CSV file with the book's model; "
        "write the tblScoring columns to a Parquet or CSV file. DuckDB (embedded, the default) spills "
        "to disk beyond its memory limit; --engine pandas runs the core engine in memory. A CSV output is "
        "safe to open in a spreadsheet: a text cell starting with = + - @, a tab or a carriage return gets a "
        "leading apostrophe so it cannot run as a formula (numbers, negative ones too, stay numbers); "
        "--raw-csv keeps the exact text. Parquet always keeps the exact text.")
    p.add_argument("book", type=path_argument, help="the workbook holding the model")
    p.add_argument("--customers", type=path_argument, required=True, metavar="FILE",
                   help="customers, .parquet or .csv, columns named as in tblCustomers")
    p.add_argument("-o", "--output", type=path_argument, required=True, metavar="OUT", help="result, .parquet or .csv")
    p.add_argument("--engine", choices=("duckdb", "pandas"), default="duckdb", help="default duckdb")
    p.add_argument("--raw-csv", action="store_true",
                   help="CSV output: write text exactly, without the apostrophe that stops a leading = + - @ "
                   "tab or CR from running as a formula (for machine pipelines, not for people)")
    p.add_argument("--excel-csv", action="store_true",
                   help="CSV output: start with a UTF-8 byte order mark so Excel shows Chinese and other "
                   "non-Latin names correctly")
    p.add_argument("--memory-limit", metavar="SIZE",
                   help="DuckDB memory limit, e.g. 4GB (default: half of this machine's memory, at most 1.5GB; "
                   "the process then stays under 2 GB)")
    p.add_argument("--temp-dir", type=path_argument, metavar="DIR",
                   help="where DuckDB spills to disk (default: a private directory in the system temp)")
    p.add_argument("--threads", type=int, help="DuckDB threads (default: every core)")
    p.add_argument("--no-order", dest="ordered", action="store_false",
                   help="write the rows in any order instead of sorted by Rank (then Customer ID): the same rows, "
                   "faster and in less memory, for a pipeline that sorts or joins them itself")
    talk = p.add_mutually_exclusive_group()
    talk.add_argument("--quiet", action="store_true", help="print nothing but errors")
    talk.add_argument("--progress", action="store_true",
                      help="progress lines on stderr even when it is not a terminal (cron, Airflow logs)")
    p.add_argument("--json", action="store_true", help="print a machine-readable summary (no progress line)")
    p.add_argument("--force", action="store_true", help="replace an existing OUT")
    add_as_of_argument(p)
    p.set_defaults(func=cmd_score)


def _book_model(book: Path, as_of: Any, as_json: bool = False) -> Any:
    """The book's model (and its overrides on the as-of date), or None after printing why it cannot be used."""
    from xlscore.commands import print_issues
    from xlscore.issues import ModelError
    from xlscore.sql.book import load_book_model

    try:
        loaded = load_book_model(book, as_of)
    except ModelError as exc:
        if as_json:
            from xlscore.jsonout import emit, issues_json

            emit({"ok": False, "issues": issues_json(exc.issues)})
            return None
        print_issues(exc.issues, sys.stderr)
        errors = count(sum(i.severity == "error" for i in exc.issues), "error")
        print(f"{book.name}: {errors} in the model", file=sys.stderr)
        return None
    print_issues(loaded.warnings, sys.stderr)
    return loaded


def cmd_sql(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from xlscore.sql.emit import EmitOptions, map_columns, statement_text

    loaded = _book_model(args.book, args.as_of)
    if loaded is None:
        return 1
    source = replace(loaded.columns, approved_kind=args.approved_type or loaded.columns.approved_kind,
                     id_kind=args.id_type or loaded.columns.id_kind,
                     last_contact_kind=args.last_contact_type or loaded.columns.last_contact_kind)
    outside = [name for name in loaded.model.measure_columns if name not in source.values]
    if outside:
        from xlscore.errors import WorkbookError

        raise WorkbookError(f"{args.book.name}: measures {', '.join(map(repr, outside))} come from tblValue, not "
                            "tblCustomers: the SQL selects only Customers columns; copy them into the customers "
                            "table first")
    source = map_columns(loaded.model, source, args.column)
    options = EmitOptions(args.dialect, args.table, args.from_sql, args.ordered, args.semicolon,
                          not args.compact, args.checks, loaded.overrides)
    print(statement_text(loaded.model, source, options))
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from xlscore.errors import UsageError
    from xlscore.rounding import percent_text
    from xlscore.sql.output import CsvStyle
    from xlscore.sql.runner import ScoreOptions, score_file
    from xlscore.workbook.atomic import check_output

    if args.threads is not None and args.threads < 1:
        raise UsageError("--threads must be at least 1")
    if not args.customers.is_file():
        raise UsageError(f"{args.customers}: no such file")
    if (args.raw_csv or args.excel_csv) and args.output.suffix.lower() != ".csv":
        raise UsageError(f"{'--raw-csv' if args.raw_csv else '--excel-csv'} is for a .csv output, "
                         f"not {args.output.name}")
    if args.output.resolve() != args.customers.resolve():  # that one has its own message
        check_output(args.output, force=args.force, replaces=False)
    loaded = _book_model(args.book, args.as_of, args.json)
    if loaded is None:
        return 1
    as_of = loaded.as_of
    options = ScoreOptions(args.engine, args.memory_limit, args.temp_dir, args.threads,
                           progress=False if args.quiet or args.json else True if args.progress else None,
                           csv=CsvStyle(raw=args.raw_csv, bom=args.excel_csv), overrides=loaded.overrides,
                           ordered=args.ordered)
    report = score_file(loaded.model, args.customers, args.output, options)
    if args.json:
        from xlscore.jsonout import emit

        emit({"ok": True, "output": report.output, "customers": report.customers, "scored": report.scored,
              "engine": args.engine, "seconds": round(report.seconds, 3),
              "tiers": [{"tier": name, "customers": n, "share": n / report.scored if report.scored else 0.0}
                        for name, n in report.tiers],
              "warnings": [str(w) for w in loaded.warnings]})
    elif not args.quiet:
        width = max((len(name) for name, _ in report.tiers), default=4)
        for name, count in report.tiers:
            share = count / report.scored if report.scored else 0.0
            print(f"{name:<{width}}  {count:>12,}  {percent_text(share):>6}")
        print(f"scored {report.scored:,} of {report.customers:,} customers {as_of.describe()} "
              f"-> {report.output} ({report.seconds:.1f} s, {args.engine})")
    return 0
