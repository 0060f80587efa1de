"""The scored customers with every column a classification may read, aligned to the result rows.

A rule or an axis names a column the way a person would: a result column (Score, Rank, Tier,
an indicator — its 0–100 score as scored), a classification computed before it (Lifecycle,
RFM segment, Nine-box, R, F, M, Days since last purchase), or any tblCustomers column
(measures and extra columns such as Referrals). Names match case- and space-insensitively,
in English or Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from xlscore.classify.labels import COMPUTED_OPERANDS, OUTPUT_COLUMNS, SETTINGS
from xlscore.classify.tables import Settings
from xlscore.issues import IssueList
from xlscore.workbook.cells import as_date, as_number, as_text
from xlscore.workbook.layout import HEADERS, header_key
from xlscore.workbook.reader import Book
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import is_blank

__all__ = ["BoolArray", "CustomerData", "FloatArray", "ObjArray", "Operand", "text_keys"]

FloatArray = npt.NDArray[np.float64]
ObjArray = npt.NDArray[np.object_]
BoolArray = npt.NDArray[np.bool_]

_RESULT_TEXT = ("customer_id", "customer", "owner", "profile", "tier", "policy")
_RESULT_NUMBERS = ("score", "rank")


@dataclass(frozen=True)
class Operand:
    """A column as conditions see it: numbers (NaN = blank) or normalised text keys (None = blank)."""

    name: str
    numbers: FloatArray | None = None
    keys: ObjArray | None = None


def text_keys(values: ObjArray) -> ObjArray:
    """Text as compared by conditions: trimmed, case-folded, inner spaces collapsed; blank -> None."""
    distinct = {v: None if is_blank(v) else header_key(as_text(v)) for v in dict.fromkeys(values.tolist())}
    keys: ObjArray = np.array([distinct[v] for v in values.tolist()], dtype=object)
    return keys


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _all_numbers(values: list[object]) -> bool:
    """Every value a number or blank (checked by type first: a column of 10^5 cells in milliseconds)."""
    kinds = set(map(type, values))
    if kinds <= {int, float, type(None)}:
        return True
    return all(_is_number(v) or is_blank(v) for v in values)


def _as_floats(values: list[object]) -> FloatArray:
    """Numbers and blanks (None, or whitespace-only text) as floats, NaN for a blank."""
    cleaned = values if str not in set(map(type, values)) else [None if is_blank(v) else v for v in values]
    return np.asarray(pd.Series(cleaned, dtype=object).astype(np.float64), dtype=np.float64)


class CustomerData:
    def __init__(self, book: Book, result: pd.DataFrame) -> None:
        self.book = book
        self.result = result
        self.rows: list[int] = result.index.to_numpy(dtype=np.int64).tolist()  # data rows of tblCustomers
        self._row_index = np.array(self.rows, dtype=np.intp)
        self.table = book.columns.table if book.columns is not None else None
        self._computed: dict[str, Operand] = {}
        self._names: dict[str, str] = {}  # operand key -> result column / computed key
        for key in _RESULT_TEXT + _RESULT_NUMBERS:
            for name in HEADERS[key]:
                self._names.setdefault(header_key(name), HEADERS[key][0])
        for ind in book.model.indicators:
            self._names[header_key(ind.name)] = ind.name

    @property
    def n(self) -> int:
        return len(self.rows)

    # -- computed classifications -------------------------------------------------------------

    def add_computed(self, key: str, values: FloatArray | ObjArray) -> None:
        """Make a classification readable by later rules under its names (COMPUTED_OPERANDS)."""
        names = COMPUTED_OPERANDS[key] + OUTPUT_COLUMNS.get(key, ())
        if values.dtype == np.float64:
            operand = Operand(key, numbers=values.astype(np.float64))
        else:
            operand = Operand(key, keys=text_keys(values.astype(object)))
        for name in names:
            self._computed[header_key(name)] = operand

    # -- operands ---------------------------------------------------------------------------------

    def operand(self, name: str) -> Operand | None:
        key = header_key(name)
        if key in self._computed:
            return self._computed[key]
        column = self._names.get(key)
        if column is not None and column in self.result:
            series = self.result[column]
            if column in ("Score", "Rank") or column in {i.name for i in self.book.model.indicators}:
                return Operand(column, numbers=series.to_numpy(dtype=np.float64))
            return Operand(column, keys=text_keys(series.to_numpy(dtype=object)))
        frame = self.book.customers
        model_column = next((c for c in (*self.book.model.measure_columns, *self.book.model.direct_columns)
                             if header_key(c) == key), None)
        if model_column is not None and model_column in frame:
            return Operand(model_column, numbers=frame.loc[self.rows, model_column].to_numpy(dtype=np.float64))
        bulk = self._bulk_numbers(name)
        if bulk is not None:
            return Operand(name, numbers=bulk)
        raw = self._raw(name)
        if raw is None:
            return None
        if _all_numbers(raw):
            return Operand(name, numbers=_as_floats(raw))
        texts = [v.date().isoformat() if isinstance(v, datetime) else v for v in raw]
        return Operand(name, keys=text_keys(np.array(texts, dtype=object)))

    def _column(self, name: str) -> int | None:
        return self.table.find(name) if self.table is not None else None

    def _bulk_numbers(self, name: str) -> FloatArray | None:
        """A tblCustomers column read as numbers in bulk, in result order (None if it was not)."""
        col = self._column(name)
        numbers = self.table.numbers(col) if col is not None and self.table is not None else None
        return None if numbers is None else numbers[self._row_index]

    def _raw(self, name: str) -> list[object] | None:
        """A tblCustomers column's cells in result order (the table is read column-wise, not row by row)."""
        col = self._column(name)
        if col is None or self.table is None:
            return None
        cells: list[object] = np.asarray(self.table.column(col), dtype=object)[self._row_index].tolist()
        return cells

    # -- mapped purchase columns ------------------------------------------------------------------

    def _missing(self, settings: Settings, key: str, what: str, issues: IssueList) -> None:
        label = SETTINGS[key][0][0]
        name = settings.column(key)
        where: CellRef | None = settings.refs.get(key)
        if where is None and self.table is not None:
            where = self.table.after_last_column()
        issues.warning(where, f"tblCustomers has no column {name!r} (the {label} of tblClassify): add the "
                       f"column to Customers or name another one in tblClassify; {what} is left out",
                       "missing-classify-column")

    def numbers(self, settings: Settings, key: str, what: str, issues: IssueList) -> FloatArray | None:
        """A mapped Customers column as numbers; text in it is an error naming the cell."""
        name = settings.column(key)
        bulk = self._bulk_numbers(name)
        if bulk is not None:
            return bulk
        raw = self._raw(name)
        col = self._column(name)
        if raw is None or col is None or self.table is None:
            self._missing(settings, key, what, issues)
            return None
        if _all_numbers(raw):
            return _as_floats(raw)
        table = self.table
        values = [as_number(v, table.ref(i, col), name, issues) for i, v in zip(self.rows, raw, strict=True)]
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

    def days_since_purchase(self, settings: Settings, run_date: date, what: str,
                            issues: IssueList) -> FloatArray | None:
        """Whole days from the last purchase to the as-of date; NaN = no purchase yet."""
        name = settings.column("last_purchase")
        col = self._column(name)
        if col is None or self.table is None:
            self._missing(settings, "last_purchase", what, issues)
            return None
        table = self.table
        as_of = run_date
        stamps = table.days(col)
        if stamps is not None:  # read as dates in bulk: whole days back from the as-of date
            day = stamps[self._row_index].astype("datetime64[D]")
            days = (np.datetime64(as_of, "D") - day).astype(np.float64)
            days[np.isnat(day)] = np.nan
            day_text = [str(d) for d in day[days < 0][:1]]
        else:
            raw = self._raw(name) or []
            if set(map(type, raw)) <= {datetime, date, type(None)}:  # date cells: nothing to check one by one
                dates = cast(list[date | None], raw)
            else:
                dates = [as_date(v, table.ref(i, col), name, issues) for i, v in zip(self.rows, raw, strict=True)]
            days = np.array([np.nan if d is None else float(as_of.toordinal() - d.toordinal()) for d in dates])
            day_text = [f"{dates[i]:%Y-%m-%d}" for i in np.flatnonzero(days < 0)[:1]]
        future = np.flatnonzero(days < 0)
        if len(future):
            first = int(future[0])
            more = f" (and {len(future) - 1} more)" if len(future) > 1 else ""
            issues.warning(table.ref(self.rows[first], col), f"{name} {day_text[0]} is after the as-of "
                           f"date {as_of.isoformat()}{more}: counted as 0 days ago", "future-purchase")
            days[future] = 0.0
        return days
