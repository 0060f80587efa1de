"""``xlscore score --engine pandas``: the checked customers view scored by the core engine.

The file's values go to the engine as they are -- Approved as the file types it (text,
boolean, number), Profile as written -- and the engine's own rules interpret them, so this
path is a reference independent of the SQL statement. The result is handed back to DuckDB
with the statement's column types, so both engines write identical files.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd
from sqlglot import exp

from xlscore.customers import is_approved
from xlscore.engine import score_customers
from xlscore.model import Model
from xlscore.overrides import Override, apply_overrides, matched
from xlscore.sql.files import CUSTOMERS_VIEW
from xlscore.sql.source import SourceColumns
from xlscore.sql.statement import output_columns

__all__ = ["engine_frame", "score_with_pandas"]

_FRAME_META = {"customer_id": "Customer ID", "customer": "Customer", "owner": "Owner", "profile": "Profile",
               "approved": "Approved", "last_contact": "Last contact"}


def _column(name: str) -> exp.Column:
    return exp.column(exp.to_identifier(name, quoted=True))


def engine_frame(raw: pd.DataFrame, model: Model, source: SourceColumns) -> pd.DataFrame:
    """The engine's customer frame (:mod:`xlscore.customers`) from the view's columns."""
    n = len(raw)
    data: dict[str, Any] = {}
    for key, name in _FRAME_META.items():
        column = source.column(key)
        values = raw[column] if column is not None else pd.Series([None] * n, index=raw.index, dtype=object)
        if key == "approved":
            data[name] = _per_distinct(values, is_approved, bool)
        elif key == "last_contact":
            data[name] = pd.to_datetime(values).astype("datetime64[ns]")
        else:
            data[name] = values.astype(object).where(values.notna(), None)
    for name, column in source.values.items():
        data[name] = raw[column].to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.DataFrame(data, index=raw.index)


def _per_distinct(values: pd.Series, rule: Any, dtype: type) -> np.ndarray[Any, Any]:
    """``rule`` applied once per distinct value (millions of rows, a handful of spellings)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped: np.ndarray[Any, Any] = np.array([rule(v) for v in uniques.tolist()] + [rule(None)], dtype=dtype)
    out: np.ndarray[Any, Any] = mapped[codes]
    return out


def score_with_pandas(con: duckdb.DuckDBPyConnection, model: Model, source: SourceColumns, view: str,
                      overrides: list[Override] | None = None, ordered: bool = True) -> None:
    """Score :data:`CUSTOMERS_VIEW` with the engine (and the book's overrides); the result becomes the view ``view``,
    in the engine's row order unless not ``ordered``."""
    wanted = list(dict.fromkeys([*source.meta.values(), *source.values.values()]))
    relation = con.table(CUSTOMERS_VIEW).select(*(_column(name).sql(dialect="duckdb") for name in wanted))
    file_types = {name: str(kind) for name, kind in zip(wanted, relation.types, strict=True)}
    frame = engine_frame(relation.df(), model, source)
    result = score_customers(model, frame)
    if overrides is not None:
        last_contact = frame["Last contact"] if "Last contact" in frame else pd.Series(pd.NaT, index=frame.index)
        apply_overrides(result, last_contact, matched(overrides, frame["Customer ID"]), model.lang)
    columns = output_columns(model, source, overridden=overrides is not None)
    scored = result[columns].reset_index(drop=True)
    # DuckDB scans a registered frame in parallel and, with preserve_insertion_order off, may
    # write its rows in any order: the engine's row order travels as a column.
    scored["xlscore_row"] = np.arange(len(scored))
    con.register("xlscore_engine_result", scored)
    last = source.column("last_contact")
    types = {"Rank": "BIGINT", "Tier": "VARCHAR", "Computed tier": "VARCHAR", "Policy": "VARCHAR",
             "Flags": "VARCHAR", "Profile": "VARCHAR",
             "Next follow-up": "TIMESTAMP" if last and source.last_contact_kind == "timestamp" else "DATE",
             **{ind.name: "DOUBLE" for ind in model.indicators}, "Score": "DOUBLE"}
    for key, name in (("customer_id", "Customer ID"), ("customer", "Customer"), ("owner", "Owner")):
        column = source.column(key)
        if column is not None:
            types[name] = file_types[column]
    typed = [exp.alias_(exp.cast(_column(name), types[name]), exp.to_identifier(name, quoted=True))
             for name in columns]
    select = exp.select(*typed).from_("xlscore_engine_result")
    if ordered:
        select = select.order_by("xlscore_row")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS {select.sql(dialect='duckdb')}")
