"""Excel worksheet functions (xlwings UDFs): a customer's score, rank, tier and trace in a cell.

Every range a result depends on is an argument (customers, indicators, weights, bands,
tiers), so Excel's dependency graph recalculates the cell when the model or a customer
changes; none of them is volatile. Tables may be passed with or without their header row
(``tblBands[#All]`` or ``tblBands``; tblWeights and tblCustomers need the header). Bad
input gives a readable ``#XLSCORE! <cell>: <message>`` in the cell, never a traceback.

    =CUSTOMER_SCORE([@[Customer ID]], tblCustomers[#All], tblIndicators[#All],
                    tblWeights[#All], tblBands[#All], tblTiers[#All])
    =XLSCORE_TABLE(tblCustomers[#All], tblIndicators[#All], tblWeights[#All],
                   tblBands[#All], tblTiers[#All])

The work is done by :mod:`xlscore.udf_inputs` (the same readers and engine as the CLI,
cached by content). The decorators only attach metadata; importing this module never
imports xlwings' Windows runtime (``xlwings.udfs``, pythoncom).

Parameters and results are annotated ``Any`` on purpose: xlwings reads a UDF's type hints
as converters, and only ``Any``-like hints keep its default conversion (2-D lists of
float / str / None / datetime).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import xlwings as xw

from xlscore.errors import XlscoreError
from xlscore.udf_inputs import ERROR_PREFIX, scored_book

__all__ = ["CUSTOMER_EXPLAIN", "CUSTOMER_RANK", "CUSTOMER_SCORE", "CUSTOMER_TIER", "XLSCORE_TABLE"]

F = TypeVar("F", bound=Callable[..., Any])

_CATEGORY = "xlscore"
_TABLE_DOCS = {
    "customers": "tblCustomers[#All]: the customer table with its header row",
    "indicators": "tblIndicators[#All]: Indicator, Method, If missing, Needs approval",
    "weights": "tblWeights[#All]: Indicator and one weight column per profile, with the header row",
    "bands": "tblBands[#All]: Indicator, Measure, From, To, Points",
    "tiers": "tblTiers[#All]: Tier, Min score, Top share %, Policy, Follow-up days",
}


def _table_arguments(function: F) -> F:
    """Every table argument arrives as a 2-D list (even a one-row table), errors as text (#N/A)."""
    for name, doc in _TABLE_DOCS.items():
        function = xw.arg(name, ndim=2, err_to_str=True, doc=doc)(function)
    return function


def _override_arguments(function: F) -> F:
    """Optional: tblOverrides[#All] (manual tiers, as a re-tier applies them) and the as-of date of their expiry."""
    function = xw.arg("overrides", ndim=2, err_to_str=True,
                      doc="optional tblOverrides[#All]: approved manual tiers, applied as a re-tier does")(function)
    return xw.arg("as_of", doc="optional date overrides expire against (blank: today); e.g. a cell holding "
                  "the As of date")(function)


def _customer_argument(function: F) -> F:
    return xw.arg("customer_id", ndim=2, doc="the Customer ID, e.g. [@[Customer ID]], or a range of IDs")(function)


def _guarded(compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except XlscoreError as exc:
        return f"{ERROR_PREFIX}{exc}"
    except Exception as exc:  # a bug: still one readable line in the cell, never a traceback
        return f"{ERROR_PREFIX}internal error ({type(exc).__name__}: {exc}); please report it"


def _per_customer(customer_id: Any, answer: Callable[[Any], Any]) -> Any:
    """One answer per ID: a single ID gives a value, a range of IDs a range of the same shape."""
    if isinstance(customer_id, list):
        rows = [row if isinstance(row, list) else [row] for row in customer_id]
        if len(rows) == 1 and len(rows[0]) == 1:
            return answer(rows[0][0])
        return [[answer(cid) for cid in row] for row in rows]
    return answer(customer_id)


def _column(column: str, customer_id: Any, tables: tuple[Any, ...]) -> Any:
    """One result column for the customer(s), from the scored tables (customers, ..., tiers)."""
    def compute() -> Any:
        book = scored_book(*tables)
        return _per_customer(customer_id, lambda cid: book.value(cid, column))

    return _guarded(compute)


@xw.func(category=_CATEGORY)
@_customer_argument
@_table_arguments
def CUSTOMER_SCORE(customer_id: Any, customers: Any, indicators: Any, weights: Any, bands: Any,
                   tiers: Any = None) -> Any:
    """The customer's Score (0-100, Excel ROUND to 2 decimals); blank when it gets no score."""
    return _column("Score", customer_id, (customers, indicators, weights, bands, tiers))


@xw.func(category=_CATEGORY)
@_customer_argument
@_table_arguments
def CUSTOMER_RANK(customer_id: Any, customers: Any, indicators: Any, weights: Any, bands: Any,
                  tiers: Any = None) -> Any:
    """The customer's rank by Score, highest first (1, 2, 2, 4); blank when it gets no score."""
    return _column("Rank", customer_id, (customers, indicators, weights, bands, tiers))


@xw.func(category=_CATEGORY)
@_customer_argument
@_override_arguments
@_table_arguments
def CUSTOMER_TIER(customer_id: Any, customers: Any, indicators: Any, weights: Any, bands: Any,
                  tiers: Any, overrides: Any = None, as_of: Any = None) -> Any:
    """The customer's tier from tblTiers (after tblOverrides, when given); blank when it gets no score or falls
    below every tier."""
    return _column("Tier", customer_id, (customers, indicators, weights, bands, tiers, overrides, as_of))


@xw.func(category=_CATEGORY)
@_customer_argument
@_table_arguments
def CUSTOMER_EXPLAIN(customer_id: Any, customers: Any, indicators: Any, weights: Any, bands: Any,
                     tiers: Any) -> Any:
    """How the customer's Score was made: every point traced to its band row and weight."""
    def explain() -> Any:
        book = scored_book(customers, indicators, weights, bands, tiers)
        return _per_customer(customer_id, book.explain)

    return _guarded(explain)


@xw.func(category=_CATEGORY)
@_override_arguments
@_table_arguments
def XLSCORE_TABLE(customers: Any, indicators: Any, weights: Any, bands: Any, tiers: Any,
                  header: Any = True, overrides: Any = None, as_of: Any = None) -> Any:
    """The whole tblScoring as one array (header row first unless header is FALSE): the fast path."""
    def table() -> Any:
        book = scored_book(customers, indicators, weights, bands, tiers, overrides, as_of)
        if book.error is not None:
            return book.error
        rows = book.table()
        return rows if header is None or bool(header) else rows[1:] or ""

    return _guarded(table)
