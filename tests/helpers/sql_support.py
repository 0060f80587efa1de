"""Running the generated SQL on DuckDB and comparing it with the engine, for the SQL tests."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from xlscore.customers import make_customers
from xlscore.engine import score_customers
from xlscore.model import Model
from xlscore.sql.source import ApprovedKind, IdKind, SourceColumns, value_columns
from xlscore.sql.statement import output_columns, render, scoring_statement

Row = Mapping[str, Any]


_APPROVED_TYPES = {"text": pa.string(), "number": pa.float64(), "boolean": pa.bool_()}


def customers_table(model: Model, rows: Sequence[Row], *, approved_kind: ApprovedKind = "text",
                    id_kind: IdKind = "text", with_names: bool = True) -> pa.Table:
    """Rows as a table typed like a Parquet file: the model's columns under their own names."""
    columns: dict[str, pa.Array] = {
        "Customer ID": pa.array([r.get("Customer ID") for r in rows],
                                pa.string() if id_kind == "text" else pa.int64()),
        "Profile": pa.array([r.get("Profile") for r in rows], pa.string()),
        "Approved": pa.array([r.get("Approved") for r in rows], _APPROVED_TYPES[approved_kind]),
        "Last contact": pa.array([r.get("Last contact") for r in rows], pa.date32()),
    }
    if with_names:
        columns["Customer"] = pa.array([r.get("Customer") for r in rows], pa.string())
        columns["Owner"] = pa.array([r.get("Owner") for r in rows], pa.string())
    for name in value_columns(model):
        columns[name] = pa.array([r.get(name) for r in rows], pa.float64())
    return pa.table(columns)


def source_for(model: Model, *, approved_kind: ApprovedKind = "text", id_kind: IdKind = "text",
               with_names: bool = True) -> SourceColumns:
    source = SourceColumns.named_as_model(model, approved_kind=approved_kind, id_kind=id_kind)
    if with_names:
        return source
    meta = {k: v for k, v in source.meta.items() if k not in ("customer", "owner")}
    return SourceColumns(meta, source.values, approved_kind, id_kind)


_CONNECTION: list[duckdb.DuckDBPyConnection] = []


def run_sql(sql: str, tables: Mapping[str, pa.Table]) -> pd.DataFrame:
    """Run on one shared in-memory DuckDB (connecting costs more than a small query)."""
    if not _CONNECTION:
        _CONNECTION.append(duckdb.connect())
    con = _CONNECTION[0]
    for name, table in tables.items():
        con.register(name, table)
    try:
        return con.execute(sql).df()
    finally:
        for name in tables:
            con.unregister(name)


def sql_result(model: Model, rows: Sequence[Row], dialect: str = "duckdb", **kinds: Any) -> pd.DataFrame:
    """The statement (rendered in ``dialect``) run on DuckDB over ``rows``."""
    table = customers_table(model, rows, **kinds)
    statement = scoring_statement(model, source_for(model, **kinds))
    return run_sql(render(statement, dialect), {"customers": table})


def engine_result(model: Model, rows: Sequence[Row], source: SourceColumns) -> pd.DataFrame:
    frame = make_customers(rows, list(value_columns(model)))
    return score_customers(model, frame)[output_columns(model, source)].reset_index(drop=True)


def plain(value: Any) -> Any:
    """NaN / NaT / None / pd.NA are all 'blank'; dates compare as dates."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date() if isinstance(value, datetime) else value
    if isinstance(value, date):
        return value
    if hasattr(value, "item"):
        return value.item()
    return value


def mismatches(got: pd.DataFrame, want: pd.DataFrame) -> list[tuple[int, str, Any, Any]]:
    """Every cell that differs (exact equality; floats bit for bit), row order included."""
    assert list(got.columns) == list(want.columns), (list(got.columns), list(want.columns))
    assert len(got) == len(want)
    out: list[tuple[int, str, Any, Any]] = []
    for column in want.columns:
        for i, (a, b) in enumerate(zip(got[column].tolist(), want[column].tolist(), strict=True)):
            pa_, pb = plain(a), plain(b)
            if column == "Rank" and pa_ is not None and pb is not None:
                pa_, pb = int(pa_), int(pb)
            if pa_ != pb:
                out.append((i, column, a, b))
    return out
