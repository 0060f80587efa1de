"""The ``sql`` and ``score`` subcommands. Only argparse here: handlers import what they need."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from xlscore.asof import add_as_of_argument

__all__ = ["cmd_score", "cmd_sql", "register"]

_DIALECTS = ("duckdb", "postgres", "spark", "bigquery", "snowflake")


def _path(text: str) -> Path:
    return Path(text).expanduser()


def register(sub: Any) -> None:
    p = sub.add_parser(
        "sql", help="print the book's model as one SQL SELECT for a customers table",
        description="Print one SQL SELECT statement, generated from the book's model, that reads a table "
        "whose columns are named as in tblCustomers and returns the tblScoring columns with exactly "
        "the results of a re-tier.")
    p.add_argument("book", type=_path, help="the workbook holding the model (.xlsx / .xlsm)")
    p.add_argument("--dialect", choices=_DIALECTS, default="duckdb", help="SQL dialect (default duckdb)")
    p.add_argument("--table", default="customers",
                   help="the customers table, e.g. analytics.crm.customers (default customers)")
    p.add_argument("--approved-type", choices=("text", "number", "boolean"),
                   help="how the table stores Approved: text (also right for BOOLEAN and integer columns), "
                   "number (a floating-point column, 1 = approved) or boolean. Default: as the book's "
                   "own Customers rows (number when they are all numbers, else text)")
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
        "to disk beyond its memory limit; --engine pandas runs the core engine in memory.")
    p.add_argument("book", type=_path, help="the workbook holding the model")
    p.add_argument("--customers", type=_path, required=True, metavar="FILE",
                   help="customers, .parquet or .csv, columns named as in tblCustomers")
    p.add_argument("-o", "--output", type=_path, required=True, metavar="OUT", help="result, .parquet or .csv")
    p.add_argument("--engine", choices=("duckdb", "pandas"), default="duckdb", help="default duckdb")
    p.add_argument("--memory-limit", metavar="SIZE",
                   help="DuckDB memory limit, e.g. 8GB (default: half of this machine's memory, at most 4GB)")
    p.add_argument("--temp-dir", type=_path, metavar="DIR",
                   help="where DuckDB spills to disk (default: a private directory in the system temp)")
    p.add_argument("--threads", type=int, help="DuckDB threads (default: every core)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    add_as_of_argument(p)
    p.set_defaults(func=cmd_score)


def _book_model(book: Path, as_of: Any) -> Any:
    """The book's model (and its overrides on the as-of date), or None after printing why it cannot be used."""
    from xlscore.commands import print_issues
    from xlscore.issues import ModelError
    from xlscore.sql.book import load_book_model

    try:
        loaded = load_book_model(book, as_of)
    except ModelError as exc:
        print_issues(exc.issues, sys.stderr)
        print(f"{book.name}: {sum(i.severity == 'error' for i in exc.issues)} errors in the model", file=sys.stderr)
        return None
    print_issues(loaded.warnings, sys.stderr)
    return loaded


def cmd_sql(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from sqlglot import exp
    from sqlglot.errors import ParseError

    from xlscore.asof import resolve_as_of
    from xlscore.errors import UsageError
    from xlscore.sql.statement import render, scoring_statement

    as_of = resolve_as_of(args.as_of)
    loaded = _book_model(args.book, as_of.day)
    if loaded is None:
        return 1
    try:
        table = exp.to_table(args.table, dialect=args.dialect)
    except ParseError as exc:
        raise UsageError(f"--table {args.table!r} is not a table name in {args.dialect}: {exc}") from exc
    source = replace(loaded.columns, approved_kind=args.approved_type or loaded.columns.approved_kind,
                     id_kind=args.id_type or loaded.columns.id_kind,
                     last_contact_kind=args.last_contact_type or loaded.columns.last_contact_kind)
    outside = [name for name in loaded.model.measure_columns if name not in source.values]
    if outside:
        from xlscore.errors import WorkbookError

        raise WorkbookError(f"{args.book.name}: measures {', '.join(map(repr, outside))} come from tblValue, not "
                            "tblCustomers: the SQL selects only Customers columns; copy them into the customers "
                            "table first")
    statement = scoring_statement(loaded.model, source, table, overrides=loaded.overrides)
    print(render(statement, args.dialect, pretty=not args.compact) + ";")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from xlscore.asof import resolve_as_of
    from xlscore.errors import UsageError
    from xlscore.sql.runner import ScoreOptions, score_file

    if args.threads is not None and args.threads < 1:
        raise UsageError("--threads must be at least 1")
    if not args.customers.is_file():
        raise UsageError(f"{args.customers}: no such file")
    as_of = resolve_as_of(args.as_of)
    loaded = _book_model(args.book, as_of.day)
    if loaded is None:
        return 1
    options = ScoreOptions(args.engine, args.memory_limit, args.temp_dir, args.threads,
                           progress=False if args.quiet else None, overrides=loaded.overrides)
    report = score_file(loaded.model, args.customers, args.output, options)
    if not args.quiet:
        width = max((len(name) for name, _ in report.tiers), default=4)
        for name, count in report.tiers:
            share = count / report.scored if report.scored else 0.0
            print(f"{name:<{width}}  {count:>12,}  {share:6.1%}")
        print(f"scored {report.scored:,} of {report.customers:,} customers {as_of.describe()} "
              f"-> {report.output} ({report.seconds:.1f} s, {args.engine})")
    return 0
