"""A customers file (Parquet or CSV, any size) as a checked, typed DuckDB view.

Both engines of ``xlscore score`` read the file through this view, so they see the same
values: measures and direct scores as DOUBLE (text columns of a CSV converted once, blanks as
NULL), everything else as the file types it. Before anything is scored the file is checked
in one pass by the checks statement (:mod:`xlscore.sql.checks`), the workbook reader's rules:
each kind of problem is named with its column, its count and an example row, by Customer ID.

``xlscore score`` on DuckDB checks differently, in the same scan that counts the customers per
score (which the ranking needs before any row is written): per row whether any check fails and
a hash of the ID's key, summed up as one row. Only when that finds something does the checks
statement run, to name the problems. A clean file is read once here, instead of once for the
checks and once for the counts.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
from sqlglot import exp

from xlscore.errors import UsageError
from xlscore.model import Model
from xlscore.sql.checks import CHECK_COLUMNS, checks_statement, row_problems
from xlscore.sql.ctes import alias, select
from xlscore.sql.expressions import TRIM_CHARACTERS, case, portable, quick_trims, text
from xlscore.sql.ranking import score_key
from xlscore.sql.source import ApprovedKind, CustomerDataError, DateKind, SourceColumns, match_columns
from xlscore.sql.statement import scored_steps

__all__ = ["COUNTS_TABLE", "CUSTOMERS_VIEW", "open_customers"]

CUSTOMERS_VIEW = "xlscore_customers"
COUNTS_TABLE = "xlscore_score_counts"  # customers per score key, for rank_steps(counts=...)
_RAW_VIEW = "xlscore_customers_file"
_TALLY_TABLE = "xlscore_tally"
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
_TEXT = ("VARCHAR",)


def _quoted(name: str) -> exp.Column:
    return exp.column(exp.to_identifier(name, quoted=True))


def _sql(expression: exp.Expr) -> str:
    text_sql: str = portable(expression, "duckdb").sql(dialect="duckdb")
    return text_sql


def _is_numeric(kind: str) -> bool:
    return kind.split("(")[0] in _NUMERIC


def open_customers(con: duckdb.DuckDBPyConnection, path: Path, model: Model, *,
                   count_scores: bool = False) -> tuple[SourceColumns, int | None]:
    """Create :data:`CUSTOMERS_VIEW` over ``path``, checked; the columns it maps, typed for the
    statement. ``count_scores``: also fill :data:`COUNTS_TABLE` in the same scan, and return the
    number of rows (None otherwise)."""
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
    if count_scores:
        return source, _count_and_check(con, model, source, types, path.name)
    _check(con, model, source, types, path.name)
    return source, None


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
            blank_null = exp.Nullif(this=exp.Trim(this=column, expression=text(TRIM_CHARACTERS)),
                                    expression=text(""))
            column = exp.cast(blank_null, exp.DataType.Type.DOUBLE)
        elif name in value_sources:
            column = exp.cast(column, exp.DataType.Type.DOUBLE)
        elif name == last and kind == "VARCHAR":
            column = exp.TryCast(this=exp.Nullif(this=exp.Trim(this=column, expression=text(TRIM_CHARACTERS)),
                                                 expression=text("")), to=exp.DataType.build("DATE"))
        columns.append(exp.alias_(column, exp.to_identifier(name, quoted=True)))
    return exp.select(*columns).from_(_RAW_VIEW)


def _count_and_check(con: duckdb.DuckDBPyConnection, model: Model, source: SourceColumns, types: dict[str, str],
                     label: str) -> int:
    """One scan: the customers per score key into :data:`COUNTS_TABLE`, and whether any check
    finds a problem (then :func:`_check` names them). The number of rows."""
    last = source.column("last_contact")
    id_key, any_problem = row_problems(model, source, numeric=[n for n, kind in types.items() if _is_numeric(kind)],
                                       dates_typed=last is None or types[last] != "VARCHAR")
    # IDs are distinct, so read plainly (not as a dictionary): TRIM only where needed pays there.
    rows = _typed_select(source, types).select(alias(quick_trims(id_key), "x_id_key"), alias(any_problem, "x_problem"),
                                               copy=False)
    steps = scored_steps(model, source, exp.paren(rows, copy=False).as_("checked"), carry=["x_id_key", "x_problem"])
    blank = exp.Is(this=exp.Nullif(this=exp.column("x_id_key"), expression=text("")), expression=exp.null())
    id_hash = case([(blank.copy(), exp.null())], exp.Anonymous(this="HASH", expressions=[exp.column("x_id_key")]))
    tally = steps.final([
        alias(exp.Count(this=exp.Star()), "x_rows"),
        alias(exp.Anonymous(this="count_if", expressions=[exp.or_(exp.column("x_problem"), blank)]), "x_problems"),
        alias(exp.Count(this=id_hash.copy()), "x_ids"),
        alias(exp.Count(this=exp.Distinct(expressions=[id_hash])), "x_distinct_ids"),
        alias(exp.Anonymous(this="histogram", expressions=[score_key()]), "x_scores")], [])
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_TALLY_TABLE} AS {_sql(tally)}")
    except duckdb.Error:
        _check(con, model, source, types, label)  # a value the scoring cannot read: name it
        raise
    rows_n, problems, ids, distinct = con.execute(
        f"SELECT x_rows, x_problems, x_ids, x_distinct_ids FROM {_TALLY_TABLE}").fetchall()[0]
    if problems or ids != distinct:
        _check(con, model, source, types, label)
    scores = exp.column("x_scores")
    counts = select([alias(exp.Explode(this=exp.Anonymous(this="map_keys", expressions=[scores])), "x_score_key"),
                     alias(exp.cast(exp.Explode(this=exp.Anonymous(this="map_values", expressions=[scores.copy()])),
                                    exp.DataType.Type.BIGINT), "x_count")], _TALLY_TABLE)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {COUNTS_TABLE} AS {_sql(counts)}")
    return int(rows_n)


def _check(con: duckdb.DuckDBPyConnection, model: Model, source: SourceColumns, types: dict[str, str],
           label: str) -> None:
    """The checks statement (``xlscore sql --checks``) over the file, in one scan; every kind of
    problem found is reported with its count and one example row."""
    numeric = [name for name, kind in types.items() if _is_numeric(kind)]
    last = source.column("last_contact")
    statement = checks_statement(model, source, exp.to_table(_RAW_VIEW), numeric=numeric,
                                 dates_typed=last is None or types[last] != "VARCHAR", ordered=False)
    ident, column, problem, value = (exp.column(exp.to_identifier(n, quoted=True)) for n in CHECK_COLUMNS)
    summary = exp.select(column, problem, exp.Count(this=exp.Star()),
                         exp.Anonymous(this="arg_min", expressions=[value.copy(), ident.copy()]),
                         exp.Min(this=ident.copy())).from_(exp.paren(statement).as_("problems")).group_by(
        column.copy(), problem.copy()).order_by(column.copy(), problem.copy())
    rows = con.execute(_sql(summary)).fetchall()
    if not rows:
        return
    found = [f"  column {name!r}: {what} in {count:,} rows, e.g. {shown!r} for Customer ID "
             + ("(blank)" if example is None else repr(example)) for name, what, count, shown, example in rows]
    total = sum(count for _, _, count, _, _ in rows)
    raise CustomerDataError(f"{label}: {total:,} problems in the data (the rules of xlscore validate; "
                            "xlscore sql BOOK --checks lists every row):\n" + "\n".join(found))
