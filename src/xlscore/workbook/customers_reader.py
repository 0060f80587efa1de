"""tblCustomers -> the engine's customer frame, checking every cell the model reads.

Each column is read whole: a quick check in bulk (types, blanks, duplicates, distinct
profile words) decides whether every cell is fine, and only a column that has a problem
is walked cell by cell, which names every bad cell exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from xlscore.customers import is_approved
from xlscore.issues import IssueList
from xlscore.model import Model
from xlscore.workbook.cells import as_date, as_number, as_text, shown
from xlscore.workbook.layout import HEADERS
from xlscore.workbook.model_reader import did_you_mean, require_column
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import RawTable, is_blank

__all__ = ["CustomerColumns", "read_customers"]

_FIRST_NS, _LAST_NS = np.datetime64("1678-01-01", "ms"), np.datetime64("2261-12-31", "ms")
_META_KEYS = ("customer_id", "customer", "owner", "profile", "approved", "last_contact")


@dataclass(frozen=True)
class CustomerColumns:
    """Where each column the model reads sits in tblCustomers (0-based table column)."""

    table: RawTable
    positions: dict[str, int]  # English meta name or model column name -> table column

    def ref(self, data_row: int, column: str) -> CellRef | None:
        col = self.positions.get(column)
        return None if col is None else self.table.ref(data_row, col)


def read_customers(t: RawTable, model: Model, issues: IssueList,
                   joined: pd.DataFrame | None = None) -> tuple[pd.DataFrame, CustomerColumns]:
    """The frame's index is the table's data row number, so a cell can always be named.

    ``joined`` holds measure columns that live outside tblCustomers (tblValue), indexed by the
    case-folded Customer ID text; a customer without a row there gets a blank.
    """
    positions: dict[str, int] = {}
    for key in _META_KEYS:
        required = key == "customer_id" or (key == "approved" and model.needs_approval)
        col = require_column(t, key, issues, required=required)
        if col is not None:
            positions[HEADERS[key][0]] = col
    for name in (*model.measure_columns, *model.direct_columns):
        col = t.find(name)
        if col is None and joined is not None and name in joined.columns:
            continue
        if col is None:
            measure_ref = next((m.ref for m in model.measures if m.name == name), None)
            where = measure_ref or next((i.ref for i in model.indicators if i.name == name), None)
            key = "v.measure_no_column" if measure_ref else "v.direct_no_column"
            issues.error(where or t.after_last_column(),
                         issues.say(key, name=name, sheet=t.sheet, hint=did_you_mean(name, t.headers, issues.lang)),
                         "missing-column")
        else:
            positions[name] = col
    rows = t.data_rows()
    frame = pd.DataFrame(index=pd.Index(rows, dtype=np.int64))
    columns = CustomerColumns(t, positions)
    frame["Customer ID"] = _objects(_ids(t, rows, positions.get("Customer ID"), issues), frame.index)
    for meta in ("Customer", "Owner"):
        frame[meta] = _objects(_column(t, rows, positions.get(meta)), frame.index)
    frame["Profile"] = _objects(_profiles(t, rows, positions.get("Profile"), model, issues), frame.index)
    approved_col = positions.get("Approved")
    frame["Approved"] = _approvals(_cells(t, rows, approved_col))
    frame["Last contact"] = _dates(t, rows, positions.get("Last contact"), issues)
    direct = set(model.direct_columns)
    for name in (*model.measure_columns, *model.direct_columns):
        if name not in positions and joined is not None and name in joined.columns:
            keys = frame["Customer ID"].map(lambda v: as_text(v).casefold())
            frame[name] = joined[name].reindex(keys.to_numpy()).to_numpy(dtype=np.float64)
        else:
            frame[name] = _numbers(t, rows, positions.get(name), name, name in direct, issues)
    return frame, columns


def _objects(values: list[Any], index: pd.Index) -> pd.Series:
    """Keep Python values as they are (no string dtype inference: None stays None)."""
    return pd.Series(values, index=index, dtype=object)


def _column(t: RawTable, rows: list[int], col: int | None) -> list[Any]:
    return _cells(t, rows, col).values


@dataclass(frozen=True)
class _Cells:
    """The values of one column at the data rows, and the set of their types."""

    values: list[Any]
    kinds: frozenset[type]


def _cells(t: RawTable, rows: list[int], col: int | None) -> _Cells:
    if col is None:
        return _Cells([None] * len(rows), frozenset({type(None)}))
    column = t.column(col)
    if len(rows) == len(column):  # no blank rows: rows is every index in order
        return _Cells(column, t.kinds(col))
    values = [column[i] for i in rows]
    return _Cells(values, frozenset(map(type, values)))


def _ids(t: RawTable, rows: list[int], col: int | None, issues: IssueList) -> list[Any]:
    cells = _cells(t, rows, col)
    values = cells.values
    if col is not None and cells.kinds == {str}:  # the usual case: text IDs, checked in bulk
        stripped = list(map(str.strip, values))
        if all(stripped) and len(set(map(str.casefold, stripped))) == len(stripped):
            return stripped
    seen: dict[str, int] = {}
    out: list[Any] = []
    for i, value in zip(rows, values, strict=True):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if col is not None and is_blank(value):
            issues.error(t.ref(i, col), issues.say("v.blank_id"),
                         "blank-id")
        elif col is not None:
            key = as_text(value).casefold()
            if key in seen:
                first = t.ref(seen[key], col).row
                issues.error(t.ref(i, col), issues.say("v.duplicate_id", value=shown(value), row=first), "duplicate-id")
            else:
                seen[key] = i
        out.append(value.strip() if isinstance(value, str) else value)
    return out


def _profiles(t: RawTable, rows: list[int], col: int | None, model: Model, issues: IssueList) -> list[Any]:
    known = {p.name.strip().casefold() for p in model.profiles}
    names = ", ".join(p.name for p in model.profiles)
    cells = _cells(t, rows, col)
    values = cells.values
    if cells.kinds <= {str, type(None)}:  # a few distinct words: look each up once
        text_of = {value: as_text(value) or None for value in set(values)}
        if col is None or not known or all(text is None or text.casefold() in known for text in text_of.values()):
            return [text_of[value] for value in values]
    out: list[str | None] = []
    for i, value in zip(rows, values, strict=True):
        text = as_text(value)
        if text and known and text.casefold() not in known and col is not None:
            issues.error(t.ref(i, col), issues.say("v.unknown_profile", name=text, known=names), "unknown-profile")
        out.append(text or None)
    return out


def _approvals(cells: _Cells) -> np.ndarray[Any, np.dtype[np.bool_]]:
    values = cells.values
    if cells.kinds <= {str, bool, type(None)}:  # hashing cannot mix these up (True == 1 can)
        approved = {value: is_approved(value) for value in set(values)}
        return np.fromiter(map(approved.__getitem__, values), dtype=bool, count=len(values))
    return np.array([is_approved(v) for v in values], dtype=bool)


def _dates(t: RawTable, rows: list[int], col: int | None, issues: IssueList) -> pd.Series:
    days = t.days(col) if col is not None and len(rows) == len(t.rows) else None
    if days is not None and _within_nanoseconds(days):  # read as dates in bulk: nothing to check
        return pd.Series(days.astype("datetime64[ns]"), index=pd.Index(rows, dtype=np.int64))
    cells = _cells(t, rows, col)
    raw = cells.values
    values: list[Any]
    if col is None or cells.kinds <= {datetime, date, type(None)}:  # date cells: nothing to check
        values = raw
    else:
        what = issues.say("v.last_contact")
        values = [as_date(value, t.ref(i, col), what, issues) for i, value in zip(rows, raw, strict=True)]
    return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[ns]").to_numpy(),
                     index=pd.Index(rows, dtype=np.int64))


def _within_nanoseconds(days: np.ndarray) -> bool:
    """Every date (or blank) fits pandas' nanosecond timestamps (years 1678-2261)."""
    present = days[~np.isnat(days)]
    return bool(((present >= _FIRST_NS) & (present <= _LAST_NS)).all())


def _numbers(t: RawTable, rows: list[int], col: int | None, name: str, direct: bool,
             issues: IssueList) -> np.ndarray[Any, np.dtype[np.float64]]:
    if col is None:
        return np.full(len(rows), np.nan)
    bulk = t.numbers(col) if len(rows) == len(t.rows) else None
    if bulk is not None:  # read as numbers in bulk
        return _in_range(t, rows, col, bulk.copy(), name, direct, issues)
    cells = _cells(t, rows, col)
    raw, kinds = cells.values, cells.kinds
    if kinds <= {float, int}:
        values = np.array(raw, dtype=np.float64)
    elif kinds <= {float, int, type(None)}:
        values = np.fromiter([np.nan if v is None else v for v in raw], dtype=np.float64, count=len(raw))
    else:  # slow path only when something is not a plain number
        values = np.array([_number(t.ref(i, col), v, name, issues) for i, v in zip(rows, raw, strict=True)],
                          dtype=np.float64)
    return _in_range(t, rows, col, values, name, direct, issues)


def _in_range(t: RawTable, rows: list[int], col: int, values: np.ndarray[Any, np.dtype[np.float64]], name: str,
              direct: bool, issues: IssueList) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A direct score must lie in 0-100: each one outside is an error at its cell, and blank."""
    bad = ((values < 0) | (values > 100)) if direct else np.zeros(len(values), dtype=bool)
    for k in np.flatnonzero(bad):
        issues.error(t.ref(rows[k], col), issues.say("v.direct_range", name=name, value=shown(float(values[k]))),
                     "direct-range")
        values[k] = np.nan
    return values


def _number(ref: CellRef, value: Any, name: str, issues: IssueList) -> float:
    number = as_number(value, ref, name, issues)
    return np.nan if number is None else number
