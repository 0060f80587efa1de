"""What the UDFs compute, from xlwings-shaped range values, cached by the values' content.

Excel calls a UDF once per cell and hands it the full values of every range argument each
time; a column of ``=CUSTOMER_SCORE(...)`` over 10,000 customers is 10,000 calls with the
same five tables. So the parsed model is cached by the content of the four model tables,
and the scored customer table by that plus the content of tblCustomers (bounded LRU
caches). A hit costs a few passes over the values to build the key (about 10 ms for 10,000
customers) and a dictionary look-up; a miss runs the same readers and engine as ``xlscore
retier``, so every validation message is the same (cells named as in
:mod:`xlscore.udf_tables`).
"""

from __future__ import annotations

import threading
from argparse import ArgumentTypeError
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd

from xlscore.asof import clock_today, parse_as_of
from xlscore.engine import score_customers, scoring_columns
from xlscore.explain import explain_customer
from xlscore.history.overrides import read_overrides
from xlscore.issues import Issue, IssueList
from xlscore.model import Model
from xlscore.overrides import apply_overrides
from xlscore.udf_tables import DetachedTable, as_rows, detached_table
from xlscore.workbook.cells import as_text, shown
from xlscore.workbook.customers_reader import read_customers
from xlscore.workbook.model_reader import ModelTables, read_model
from xlscore.workbook.tables import is_blank

__all__ = ["ERROR_PREFIX", "ScoredBook", "cache_info", "clear_caches", "error_text", "scored_book"]

ERROR_PREFIX = "#XLSCORE! "
MODEL_CACHE_SIZE = 16
SCORED_CACHE_SIZE = 4  # an entry holds a scored customer table: keep a few

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ContentKey:
    """The content of one range argument, hashable and compared exactly.

    Python treats ``True == 1.0``, but for the readers a TRUE in a measure column is an
    error and 1 is a number; so where booleans occur their positions are part of the key.
    """

    __slots__ = ("_bools", "_cells", "_hash")

    def __init__(self, value: object) -> None:
        if isinstance(value, list) and all(isinstance(row, list) for row in value):
            cells: tuple[Any, ...] = tuple(map(tuple, value))
            flat = list(chain.from_iterable(value))
        else:  # a scalar or a 1-D list: rare, and small
            cells = (repr(value),)
            flat = []
        self._cells = cells
        self._bools = (tuple(i for i, v in enumerate(flat) if v.__class__ is bool)
                       if bool in set(map(type, flat)) else ())
        self._hash = hash((cells, self._bools))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, ContentKey) and self._hash == other._hash and self._bools == other._bools
                and self._cells == other._cells)


class _Lru(Generic[K, V]):
    """A small least-recently-used map with hit/miss counts (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.hits = self.misses = 0
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self.hits += 1
            self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)


def error_text(issues: Sequence[Issue]) -> str:
    """``#XLSCORE! <cell>: <message>`` for the first error, with the count of the others."""
    errors = [i for i in issues if i.severity == "error"]
    first = errors[0]
    where = f"{first.ref}: " if first.ref else ""
    more = f" (and {len(errors) - 1} more errors: click Validate on the xlscore tab)" if len(errors) > 1 else ""
    return f"{ERROR_PREFIX}{where}{first.message}{more}"


@dataclass(frozen=True)
class _ParsedModel:
    model: Model
    issues: IssueList


def _key_text(value: object) -> str:
    """How a Customer ID is matched: as shown (1001.0 is "1001"), trimmed, case-insensitive."""
    return as_text(value).casefold()


def _cell_value(value: Any) -> Any:
    """A result value as a UDF returns it: NaN/NaT -> None, numpy/pandas scalars -> plain Python."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).to_pydatetime()
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _column_values(column: pd.Series) -> list[Any]:
    """A result column as UDF values, converted a column at a time (10,000 rows in a few ms)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        # numpy turns datetime64[us] into datetime objects, and NaT into None
        converted: list[Any] = column.to_numpy(dtype="datetime64[us]").astype(object).tolist()
        return converted
    if pd.api.types.is_float_dtype(column):
        numbers = column.to_numpy(dtype=np.float64)
        cells = numbers.astype(object)
        cells[np.isnan(numbers)] = None
        converted = cells.tolist()
        return converted
    return [v if v.__class__ is str else _cell_value(v) for v in column.tolist()]


@dataclass
class ScoredBook:
    """The engine's result for one set of tables, or the error that prevents it."""

    error: str | None
    model: Model | None = None
    customers: pd.DataFrame | None = None
    result: pd.DataFrame | None = None
    _labels: dict[str, Any] = field(default_factory=dict)
    _table: list[list[Any]] | None = None

    def label_of(self, customer_id: object) -> Any:
        """The frame label of a customer, or raise LookupError with a message for the cell."""
        if is_blank(customer_id):
            raise LookupError(f"{ERROR_PREFIX}Customer ID is blank: pass the customer's ID, e.g. "
                              "[@[Customer ID]]")
        label = self._labels.get(_key_text(customer_id))
        if label is None:
            raise LookupError(f"{ERROR_PREFIX}no customer with Customer ID {shown(customer_id)} in tblCustomers")
        return label

    def value(self, customer_id: object, column: str) -> Any:
        """One result column for one customer (Score, Rank, Tier, ...); errors as text."""
        if self.error is not None:
            return self.error
        assert self.result is not None
        try:
            label = self.label_of(customer_id)
        except LookupError as exc:
            return str(exc)
        return _cell_value(self.result.at[label, column])

    def explain(self, customer_id: object) -> str:
        if self.error is not None:
            return self.error
        assert self.model is not None and self.customers is not None and self.result is not None
        try:
            label = self.label_of(customer_id)
        except LookupError as exc:
            return str(exc)
        return str(explain_customer(self.model, self.customers, self.result, int(label)))

    def table(self) -> list[list[Any]]:
        """The tblScoring rows (header first), values as a UDF returns them; check :attr:`error` first."""
        if self._table is None:
            assert self.model is not None and self.result is not None
            columns = list(scoring_columns(self.model))
            if "Computed tier" in self.result:  # overrides applied: as in tblScoring, right after Tier
                columns.insert(columns.index("Tier") + 1, "Computed tier")
            values = [_column_values(self.result[name]) for name in columns]
            self._table = [list(columns), *map(list, zip(*values, strict=True))]
        return self._table


_models: _Lru[tuple[ContentKey, ...], _ParsedModel] = _Lru(MODEL_CACHE_SIZE)
_scored: _Lru[tuple[ContentKey, ...], ScoredBook] = _Lru(SCORED_CACHE_SIZE)

# Passed instead of tblTiers by the UDFs that do not depend on tiers (score, rank): one
# catch-all tier keeps the reader quiet; the tiers are dropped from the model afterwards.
_NO_TIERS = [["Tier", "Min score", "Top share %"], ["-", 0.0, None]]


def _parse_model(indicators: object, weights: object, bands: object, tiers: object | None) -> _ParsedModel:
    issues = IssueList()
    tables = [detached_table(key, value, issues) for key, value in
              (("indicators", indicators), ("weights", weights), ("bands", bands),
               ("tiers", _NO_TIERS if tiers is None else tiers))]
    ind, wts, bnd, trs = tables
    if ind is None or wts is None or bnd is None or trs is None:
        return _ParsedModel(Model((), (), (), ()), issues)
    model = read_model(ModelTables(ind, wts, bnd, trs, "en", issues))
    if tiers is None:
        model = Model(model.indicators, model.measures, model.profiles, (), model.lang)
    return _ParsedModel(model, issues)


def _score(parsed: _ParsedModel, customers: object, overrides: object, as_of: date) -> ScoredBook:
    issues = IssueList(parsed.issues)
    if issues.errors:
        return ScoredBook(error_text(issues))
    table: DetachedTable | None = detached_table("customers", customers, issues)
    if table is None:
        return ScoredBook(error_text(issues))
    frame, _ = read_customers(table, parsed.model, issues)
    if issues.errors:
        return ScoredBook(error_text(issues))
    result = score_customers(parsed.model, frame)
    if not is_blank_argument(overrides):
        overridden = detached_table("overrides", overrides, issues)
        live = [] if overridden is None else read_overrides(overridden, parsed.model, result["Customer ID"], as_of,
                                                            issues)
        if issues.errors:
            return ScoredBook(error_text(issues))
        last_contact = frame["Last contact"] if "Last contact" in frame else pd.Series(pd.NaT, index=frame.index)
        apply_overrides(result, last_contact, live, parsed.model.lang)
    labels = {_key_text(cid): label for label, cid in frame["Customer ID"].items()}
    return ScoredBook(None, parsed.model, frame, result, labels)


def scored_book(customers: object, indicators: object, weights: object, bands: object,
                tiers: object | None = None, overrides: object | None = None,
                as_of: object | None = None) -> ScoredBook:
    """Score the customers with the model the four tables describe; cached by content.

    ``tiers=None`` scores without tiers (Tier stays blank): for results that do not depend on
    them. ``overrides`` (tblOverrides[#All]) applies the live overrides on ``as_of`` (a date
    cell; blank: today) exactly as a re-tier does. Never raises for bad input: the error is in
    :attr:`ScoredBook.error`.
    """
    run_date = udf_as_of(as_of)
    if isinstance(run_date, str):
        return ScoredBook(run_date)
    model_key = (ContentKey(indicators), ContentKey(weights), ContentKey(bands), ContentKey(tiers))
    key = (*model_key, ContentKey(customers), ContentKey(overrides), ContentKey(run_date))
    book = _scored.get(key)
    if book is not None:
        return book
    parsed = _models.get(model_key)
    if parsed is None:
        parsed = _parse_model(indicators, weights, bands, tiers)
        _models.put(model_key, parsed)
    book = _score(parsed, customers, overrides, run_date)
    _scored.put(key, book)
    return book


def is_blank_argument(value: object) -> bool:
    """An optional range argument left out (or an empty range)."""
    return all(is_blank(v) for row in as_rows(value) for v in row)


def udf_as_of(value: object) -> date | str:
    """The as-of date argument of a UDF: a date cell or ISO text; blank is today. An error text otherwise."""
    cells = [v for row in as_rows(value) for v in row if not is_blank(v)]
    if not cells:
        return clock_today()
    first = cells[0]
    if isinstance(first, datetime):
        return first.date()
    if isinstance(first, date):
        return first
    try:
        return parse_as_of(str(first))
    except ArgumentTypeError as exc:
        return f"{ERROR_PREFIX}as_of: {exc}"


def clear_caches() -> None:
    _models.clear()
    _scored.clear()


def cache_info() -> dict[str, int]:
    """Hits, misses and sizes of both caches (for tests and the benchmark)."""
    return {"model_hits": _models.hits, "model_misses": _models.misses, "models": len(_models),
            "scored_hits": _scored.hits, "scored_misses": _scored.misses, "scored": len(_scored)}
