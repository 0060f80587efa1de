"""A customers file (Parquet or CSV, any size) as a checked, typed DuckDB view.

Both engines of ``xlscore score`` read the file through this view, so they see the same
values: measures and direct scores as DOUBLE (text columns of a CSV converted once, blanks as
NULL), everything else as the file types it. Before anything is scored the file is checked
in one pass, as the workbook reader checks tblCustomers: each problem names the column and an
example row, by Customer ID.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
from sqlglot import exp

from xlscore.errors import UsageError
from xlscore.model import Model
from xlscore.sql.expressions import text, text_key
from xlscore.sql.source import ApprovedKind, CustomerDataError, DateKind, SourceColumns, match_columns

__all__ = ["CUSTOMERS_VIEW", "open_customers"]

CUSTOMERS_VIEW = "xlscore_customers"
_RAW_VIEW = "xlscore_customers_file"
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
_TEXT = ("VARCHAR",)


def _quoted(name: str) -> exp.Column:
    return exp.column(exp.to_identifier(name, quoted=True))


def _sql(expression: exp.Expr) -> str:
    text_sql: str = expression.sql(dialect="duckdb")
    return text_sql


def _is_numeric(kind: str) -> bool:
    return kind.split("(")[0] in _NUMERIC


def open_customers(con: duckdb.DuckDBPyConnection, path: Path, model: Model) -> SourceColumns:
    """Create :data:`CUSTOMERS_VIEW` over ``path``; the columns it maps, typed for the statement."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    suffixes = [s.lower() for s in path.suffixes]
    try:
        if ".parquet" in suffixes or ".pq" in suffixes:
            relation = con.read_parquet(str(path))
        elif {".csv", ".tsv", ".txt"} & set(suffixes):
            # Types from every row, not a sample: a stray 'n/a' on row 900,000 makes the column
            # text, which the checks then report by value, instead of failing mid-run.
            relation = con.read_csv(str(path), sample_size=-1)
        else:
            raise UsageError(f"{path.name}: customers must be a .parquet or .csv file")
    except duckdb.Error as exc:
        raise CustomerDataError(f"{path.name}: cannot read it as {path.suffix.lstrip('.')} ({exc})") from exc
    relation.create_view(_RAW_VIEW, replace=True)
    types = {name: str(kind) for name, kind in zip(relation.columns, relation.types, strict=True)}
    source = match_columns(model, list(types), path.name)
    source = _with_kinds(source, types, path.name)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {CUSTOMERS_VIEW} AS {_sql(_typed_select(source, types))}")
    _check(con, model, source, types, path.name)
    return source


def _with_kinds(source: SourceColumns, types: dict[str, str], label: str) -> SourceColumns:
    approved, last = source.column("approved"), source.column("last_contact")
    approved_kind: ApprovedKind = "text"
    if approved is not None:
        approved_kind = "boolean" if types[approved] == "BOOLEAN" else "number" \
            if _is_numeric(types[approved]) else "text"
    last_kind: DateKind = "timestamp" if last is not None and types[last].startswith("TIMESTAMP") else "date"
    if last is not None and last_kind == "date" and types[last] not in ("DATE", *_TEXT):
        raise CustomerDataError(f"{label}: column {last!r} holds {types[last]} values, not dates")
    for name, column in source.values.items():
        kind = types[column]
        if not _is_numeric(kind) and kind not in _TEXT:
            raise CustomerDataError(f"{label}: column {column!r} ({name}) holds {kind} values, not numbers")
    return replace(source, approved_kind=approved_kind,
                   id_kind="number" if _is_numeric(types[source.meta["customer_id"]]) else "text",
                   last_contact_kind=last_kind)


def _typed_select(source: SourceColumns, types: dict[str, str]) -> exp.Select:
    """Every file column, with text measure columns turned into DOUBLE (blank -> NULL)."""
    value_sources = set(source.values.values())
    last = source.column("last_contact")
    columns: list[exp.Expr] = []
    for name, kind in types.items():
        column: exp.Expr = _quoted(name)
        if name in value_sources and not _is_numeric(kind):
            blank_null = exp.Nullif(this=exp.Trim(this=column), expression=text(""))
            column = exp.cast(blank_null, exp.DataType.Type.DOUBLE)
        elif name in value_sources:
            column = exp.cast(column, exp.DataType.Type.DOUBLE)
        elif name == last and kind == "VARCHAR":
            column = exp.TryCast(this=exp.Nullif(this=exp.Trim(this=column), expression=text("")),
                                 to=exp.DataType.build("DATE"))
        columns.append(exp.alias_(column, exp.to_identifier(name, quoted=True)))
    return exp.select(*columns).from_(_RAW_VIEW)


def _as_double(column: exp.Expr, kind: str) -> exp.Expr:
    """The value the view gives (TRY_: a bad text value is reported, not an exception)."""
    if _is_numeric(kind):
        return exp.cast(column, exp.DataType.Type.DOUBLE)
    return exp.TryCast(this=exp.Nullif(this=exp.Trim(this=column), expression=text("")),
                       to=exp.DataType.build("DOUBLE"))


def _not_blank(column: exp.Expr) -> exp.Expr:
    return exp.NEQ(this=exp.Trim(this=exp.cast(column, exp.DataType.Type.VARCHAR)), expression=text(""))


def _checks(model: Model, source: SourceColumns, types: dict[str, str]) -> list[tuple[str, exp.Expr, str]]:
    """(problem, condition of a bad row, column to show) for every rule the workbook reader applies."""
    checks: list[tuple[str, exp.Expr, str]] = []
    for name, column in source.values.items():
        raw, value = _quoted(column), _as_double(_quoted(column), types[column])
        if not _is_numeric(types[column]):
            checks.append((f"column {column!r} holds text that is not a number",
                           exp.and_(_not_blank(raw), exp.Is(this=value.copy(), expression=exp.null())), column))
        infinite = exp.Anonymous(this="isinf", expressions=[value.copy()])
        checks.append((f"column {column!r} holds an infinite value", infinite, column))
        if name in model.direct_columns:
            outside = exp.or_(exp.LT(this=value.copy(), expression=exp.Literal.number(0)),
                              exp.GT(this=value.copy(), expression=exp.Literal.number(100)))
            checks.append((f"column {column!r} holds a direct score outside 0–100", outside, column))
    profile = source.column("profile")
    if profile is not None:
        key = text_key(_quoted(profile))
        known = [text(p.name.strip().lower()) for p in model.profiles]
        unknown = exp.and_(exp.NEQ(this=key, expression=text("")),
                           exp.Not(this=exp.In(this=key.copy(), expressions=known)))
        names = ", ".join(p.name for p in model.profiles)
        checks.append((f"column {profile!r} names a weight profile the book does not have (known: {names}; "
                       "blank = the first)", unknown, profile))
    last = source.column("last_contact")
    if last is not None and types[last] == "VARCHAR":
        day = exp.TryCast(this=exp.Trim(this=_quoted(last)), to=exp.DataType.build("DATE"))
        checks.append((f"column {last!r} holds text that is not a date (YYYY-MM-DD)",
                       exp.and_(_not_blank(_quoted(last)), exp.Is(this=day, expression=exp.null())), last))
    return checks


def _check(con: duckdb.DuckDBPyConnection, model: Model, source: SourceColumns, types: dict[str, str],
           label: str) -> None:
    """One counting pass over the file; for the first problem found, one example row."""
    ident = _quoted(source.meta["customer_id"])
    checks = _checks(model, source, types)
    counts: list[exp.Expr] = [exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=condition))
                              for _, condition, _ in checks]
    # Case-insensitive like the workbook reader; not trimmed: TRIM of ten million IDs costs
    # seconds, and the engine's tie order does not trim either.
    id_key = exp.Lower(this=exp.cast(ident.copy(), exp.DataType.Type.VARCHAR)) if source.id_kind == "text" \
        else ident.copy()
    counts += [exp.Count(this=exp.Star()), exp.Count(this=ident.copy()),
               exp.Count(this=exp.Distinct(expressions=[id_key]))]
    row: Any = con.execute(_sql(exp.select(*counts).from_(_RAW_VIEW))).fetchall()[0]
    for (message, condition, column), count in zip(checks, row, strict=False):
        if count:
            shown = [exp.cast(ident.copy(), exp.DataType.Type.VARCHAR), exp.cast(_quoted(column), "VARCHAR")]
            example = exp.select(*shown).from_(_RAW_VIEW).where(condition.copy()).limit(1)
            example_id, value = con.execute(_sql(example)).fetchall()[0]
            raise CustomerDataError(f"{label}: {message} in {count:,} rows, e.g. {value!r} for Customer ID "
                                    f"{example_id}")
    rows, with_id, distinct = row[-3:]
    id_column = source.meta["customer_id"]
    if rows != with_id:
        raise CustomerDataError(f"{label}: {rows - with_id:,} rows have no {id_column!r}: every customer needs "
                                "a unique ID")
    if with_id != distinct:
        repeated = exp.select(exp.alias_(id_key.copy(), "k")).from_(_RAW_VIEW).where(
            exp.Not(this=exp.Is(this=ident.copy(), expression=exp.null()))).group_by("k").having(
            exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1))).limit(1)
        [(example,)] = con.execute(_sql(repeated)).fetchall()
        raise CustomerDataError(f"{label}: {with_id - distinct:,} values of {id_column!r} repeat an earlier one "
                                f"(ignoring case), e.g. {example!r}: every customer needs a unique ID")
