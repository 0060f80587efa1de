"""Measures from tblValue: a banded measure may name a tblValue column, joined by Customer ID.

xlscore never writes into the user's Customers table: the predicted columns stay on the Value
sheet and are looked up per customer when the model reads them. When the book has tblOrders
the models are refitted first, so the scores use the predictions of this run; otherwise the
tblValue of the last ``xlscore value`` run is read. A customer without a row (no order up to
the as-of date) has no value, and the measure's indicator applies its "If missing" policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

import numpy as np
import pandas as pd

from xlscore.errors import XlscoreError
from xlscore.issues import IssueList
from xlscore.value.columns import JOINABLE_COLUMNS, ORDERS_TABLE, VALUE_TABLE, wanted_columns
from xlscore.value.orders import book_orders, summarise
from xlscore.value.predict import Settings, TimeUnit, ValueRun, run_models
from xlscore.workbook.cells import as_number, as_text
from xlscore.workbook.layout import header_key
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import RawTable

__all__ = ["JoinedValue", "fill_customers", "id_key", "joined_measures", "refit"]


class TableReader(Protocol):
    """Where Excel Tables come from (a workbook file or a book open in Excel)."""

    def has(self, name: str) -> bool: ...

    def table(self, name: str) -> RawTable: ...


@dataclass
class JoinedValue:
    frame: pd.DataFrame  # index: id_key of the Customer ID; one column per joined measure
    run: ValueRun | None = None  # set when the models were refitted from tblOrders in this run
    pending: bool = False  # tblOrders is there: refit at the run's as-of date (before scoring)


def id_key(value: object) -> str:
    return as_text(value).casefold()


def _previous_settings(source: TableReader, as_of: date) -> Settings:
    """Time unit, horizon and discount rate of the last run, from tblValueFit (defaults without it)."""
    found: dict[str, object] = {}
    if source.has("tblValueFit"):
        for row in source.table("tblValueFit").rows:
            if len(row) >= 2:
                found[header_key(row[0])] = row[1]
    text = as_text(found.get("time unit", "week")).casefold()
    unit: TimeUnit = "day" if text == "day" else "month" if text == "month" else "week"
    horizon, rate = found.get("horizon"), found.get("discount rate per year")
    return Settings(as_of=as_of, unit=unit,
                    horizon=float(horizon) if isinstance(horizon, int | float) and horizon > 0 else
                    {"day": 365.0, "week": 52.0, "month": 12.0}[unit],
                    discount_rate=float(rate) if isinstance(rate, int | float) and rate >= 0 else 0.0)


def refit(source: TableReader, joined: JoinedValue, as_of: date, issues: IssueList) -> None:
    """Fit the models on tblOrders up to ``as_of`` and fill ``joined.frame`` (problems become issues)."""
    table = source.table(ORDERS_TABLE)
    wanted = list(joined.frame.columns)
    data = book_orders(table, issues)
    if data is None:
        return
    where = CellRef(table.sheet, table.top, table.left)
    try:
        settings = _previous_settings(source, as_of)
        run = run_models(summarise(data, as_of, None), settings, f"{table.name} (sheet {table.sheet})")
    except XlscoreError as exc:  # the data cannot support a fit
        issues.error(where, f"{exc}; the measures {', '.join(map(repr, wanted))} come from this order log",
                     "value-fit")
        return
    frame = run.table.set_index(run.table["Customer ID"].map(id_key))
    joined.frame = frame[[_actual(c) for c in wanted]].set_axis(wanted, axis=1)
    joined.run = run


def _actual(name: str) -> str:
    return next(c for c in JOINABLE_COLUMNS if header_key(c) == header_key(name))


def _read_value_table(table: RawTable, wanted: list[str], issues: IssueList) -> JoinedValue:
    id_col = table.find("Customer ID")
    if id_col is None:
        issues.error(table.after_last_column(), f"{VALUE_TABLE} has no column 'Customer ID': run xlscore value "
                     "again to rewrite the Value sheet", "missing-column")
        return JoinedValue(pd.DataFrame(columns=wanted, dtype=np.float64))
    rows = table.data_rows()
    ids = [id_key(table.rows[i][id_col]) for i in rows]
    data: dict[str, list[float]] = {}
    for name in wanted:
        col = table.find(name)
        if col is None:
            issues.error(table.after_last_column(), f"{VALUE_TABLE} has no column {name!r}: run xlscore value "
                         "again to rewrite the Value sheet", "missing-column")
            data[name] = [np.nan] * len(rows)
            continue
        values = []
        for i in rows:
            number = as_number(table.rows[i][col], table.ref(i, col), name, issues)
            values.append(np.nan if number is None else number)
        data[name] = values
    frame = pd.DataFrame(data, index=pd.Index(ids))
    return JoinedValue(frame[~frame.index.duplicated()])


def joined_measures(source: TableReader, measure_columns: tuple[str, ...], customers: RawTable,
                    issues: IssueList) -> JoinedValue | None:
    """The tblValue columns the model names, by customer; None when the model names none (or the book has
    neither tblOrders nor tblValue, so the usual missing-column error follows)."""
    wanted = wanted_columns(measure_columns, customers)
    if not wanted:
        return None
    if source.has(ORDERS_TABLE):  # filled by refit() once the run's as-of date is known
        return JoinedValue(pd.DataFrame(columns=wanted, dtype=np.float64), pending=True)
    if source.has(VALUE_TABLE):
        return _read_value_table(source.table(VALUE_TABLE), wanted, issues)
    return None


def fill_customers(customers: pd.DataFrame, joined: JoinedValue) -> None:
    """Put the joined columns into the engine's customer frame, by Customer ID (blank without a row)."""
    keys = customers["Customer ID"].map(id_key).to_numpy()
    for name in joined.frame.columns:
        customers[name] = joined.frame[name].reindex(keys).to_numpy(dtype=np.float64)
