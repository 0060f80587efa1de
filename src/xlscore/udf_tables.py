"""UDF arguments as the core readers' tables: xlwings-shaped 2-D lists -> :class:`RawTable`.

A UDF receives the values of a range, never its address, so a cell is named by its table,
column and data row instead of ``Sheet!C7``: ``tblBands[From] row 3`` is the third data row
of tblBands, column From. Tables may be passed with their header row (``tblBands[#All]``)
or without it (``tblBands``); without it, the fixed-layout model tables are read in the
contract's column order, while tblWeights and tblCustomers (whose columns the user names)
need their header.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from xlscore.issues import IssueList
from xlscore.workbook.layout import HEADERS, header_key
from xlscore.workbook.model_reader import column_names
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import RawTable

__all__ = ["TABLE_KEYS", "DetachedTable", "TableCellRef", "as_rows", "detached_table"]

# The UDF arguments, in order, and the tblXxx table each one is.
TABLE_KEYS = ("customers", "indicators", "weights", "bands", "tiers")

_TABLE_NAMES = {
    "customers": "tblCustomers",
    "indicators": "tblIndicators",
    "weights": "tblWeights",
    "bands": "tblBands",
    "tiers": "tblTiers",
    "overrides": "tblOverrides",
}

# Column keys of each table in contract order; None: the user names the columns, so the
# header row is required.
_FIXED_COLUMNS: dict[str, tuple[str, ...] | None] = {
    "indicators": ("indicator", "method", "if_missing", "needs_approval", "description"),
    "bands": ("indicator", "measure", "from", "to", "points"),
    "tiers": ("tier", "min_score", "top_share", "policy", "follow_up_days", "color"),
    "weights": None,
    "customers": None,
    "overrides": None,
}

# Header cells that mark a first row as the header row, and how many must be present.
_MARKERS: dict[str, tuple[tuple[str, ...], int]] = {
    "indicators": (("indicator", "method", "if_missing", "needs_approval", "description"), 2),
    "bands": (("indicator", "measure", "from", "to", "points"), 2),
    "tiers": (("tier", "min_score", "top_share", "policy", "follow_up_days", "color"), 2),
    "weights": (("indicator",), 1),
    "customers": (("customer_id",), 1),
    "overrides": (("customer_id", "tier"), 2),
}


@dataclass(frozen=True, order=True)
class TableCellRef(CellRef):
    """A cell of a table whose place on its sheet is unknown.

    ``sheet`` holds the table name; row 0 is the header row, data rows count from 1, so
    "row 3" in any message (including "also in row 3") means the third data row.
    """

    headers: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def with_col(self, col: int) -> TableCellRef:
        return TableCellRef(self.sheet, self.row, col, self.headers)

    @property
    def location(self) -> str:
        return str(self)

    def __str__(self) -> str:
        header = self.headers[self.col - 1] if 1 <= self.col <= len(self.headers) else ""
        column = f"[{header}]" if header else ""
        if self.row <= 0:
            return f"{self.sheet}{column} header" if column else f"{self.sheet} header"
        return f"{self.sheet}{column or f' column {self.col},'} row {self.row}"


@dataclass(frozen=True)
class DetachedTable(RawTable):
    """A RawTable read from UDF values: its cells are named by table, column and data row."""

    def ref(self, row: int, col: int) -> CellRef:
        return TableCellRef(self.sheet, self.top + 1 + row, self.left + col, self.headers)

    def header_ref(self, col: int) -> CellRef:
        return TableCellRef(self.sheet, self.top, self.left + col, self.headers)

    def after_last_column(self) -> CellRef:
        return self.header_ref(len(self.headers))


def as_rows(value: object) -> list[list[Any]]:
    """Any UDF argument as a rectangular 2-D list: a scalar is one cell, a flat list one row."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        if not value:
            return []
        # A 1-D list is xlwings' shape for a single row when ndim=2 is not asked for.
        rows = [list(r) for r in value] if all(isinstance(r, list | tuple) for r in value) else [list(value)]
    else:
        rows = [[value]]
    width = max(len(r) for r in rows)
    return [[_plain(v) for v in r] + [None] * (width - len(r)) for r in rows]


def _plain(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def _is_header(key: str, first_row: Sequence[Any]) -> bool:
    if any(isinstance(v, int | float | datetime) for v in first_row):
        return False
    keys, needed = _MARKERS[key]
    accepted = {header_key(name) for k in keys for name in column_names(k)}
    return sum(header_key(v) in accepted for v in first_row if isinstance(v, str)) >= needed


def detached_table(key: str, value: object, issues: IssueList) -> DetachedTable | None:
    """The table a UDF argument holds, or None (with an issue) when it cannot be read."""
    name = _TABLE_NAMES[key]
    rows = as_rows(value)
    if not rows or all(v is None or v == "" for row in rows for v in row):
        issues.error(TableCellRef(name, 0, 0), f"{name} is empty: pass the whole table with its header, "
                     f"e.g. {name}[#All]", "empty")
        return None
    if _is_header(key, rows[0]):
        headers = tuple("" if v is None else str(v).strip() for v in rows[0])
        return DetachedTable(name, name, 0, 1, headers, rows[1:])
    fixed = _FIXED_COLUMNS[key]
    if fixed is None:
        issues.error(TableCellRef(name, 0, 0), f"{name} was passed without its header row, which names its "
                     f"columns: pass {name}[#All]", "no-header")
        return None
    width = len(rows[0])
    headers = tuple(HEADERS[k][0] for k in fixed[:width]) + tuple(f"Column{j + 1}" for j in range(len(fixed), width))
    return DetachedTable(name, name, 0, 1, headers, rows)
