"""The model of a workbook for the SQL paths, whose customers live elsewhere.

The book is read and checked as for a re-tier, but problems in the customer *rows* of its
Customers table (a duplicate ID, text in a measure cell...) do not block: those rows are not
the data being scored. Everything else -- model sheets, missing Customers columns -- does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from xlscore.analysis import book_as_of
from xlscore.asof import AsOf
from xlscore.history.names import OVERRIDES
from xlscore.history.overrides import read_overrides
from xlscore.issues import Issue, IssueList, ModelError
from xlscore.model import Model
from xlscore.overrides import Override
from xlscore.sql.source import META_KEYS, SourceColumns, value_columns
from xlscore.workbook.customers_reader import CustomerColumns
from xlscore.workbook.layout import HEADERS, TABLES
from xlscore.workbook.reader import read_book

__all__ = ["BookModel", "load_book_model"]


@dataclass(frozen=True)
class BookModel:
    model: Model
    columns: SourceColumns  # tblCustomers' own headers, typed as its own rows are
    warnings: list[Issue]
    overrides: list[Override] | None = None  # tblOverrides' live rows on the as-of date; None: no such rows
    as_of: AsOf | None = None  # the run's date the overrides were read on


def load_book_model(path: Path, given: date | None) -> BookModel:
    """The book's model, its tblCustomers headers and live overrides on the run's as-of date:
    ``given`` (``--as-of``), else the book's As of date, else today, as for a re-tier.

    :class:`ModelError` when the model or tblOverrides is broken.
    """
    book = read_book(path)
    run_date = book_as_of(book, given)
    as_of = run_date.day
    blocking = IssueList(issue for issue in book.issues.errors if not _customer_row_issue(issue, book.columns))
    if blocking or not book.model.indicators or not book.model.profiles:
        raise ModelError(blocking or book.issues.errors)
    warnings = [i for i in book.issues.warnings if not _customer_row_issue(i, book.columns)]
    overrides: list[Override] | None = None
    if book.source is not None and book.source.has(OVERRIDES.table):
        table = book.source.table(OVERRIDES.table)
        if table.data_rows():
            found = IssueList()
            overrides = read_overrides(table, book.model, None, as_of, found)  # customers are elsewhere
            if found.errors:
                raise ModelError(found)
            warnings += found.warnings
    if book.columns is None:
        return BookModel(book.model, SourceColumns.named_as_model(book.model, book.lang), warnings, overrides,
                         run_date)
    table, positions = book.columns.table, book.columns.positions
    meta = {key: table.headers[positions[HEADERS[key][0]]] for key in META_KEYS if HEADERS[key][0] in positions}
    values = {name: table.headers[positions[name]] for name in value_columns(book.model) if name in positions}

    def cells(english: str) -> list[object]:
        return [] if english not in positions else [v for v in table.column(positions[english]) if v is not None]

    return BookModel(book.model, SourceColumns(meta, values, **_kinds(cells)), warnings, overrides, run_date)


def _kinds(cells: Callable[[str], list[object]]) -> dict[str, Any]:
    """How the book's own customer rows type the columns whose SQL depends on it: a table loaded
    from the sheet keeps those types (numeric IDs, timestamps)."""
    def numbers(values: list[object]) -> bool:
        return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)

    timed = any(isinstance(v, datetime) and v.time() != time() for v in cells("Last contact"))
    # Approved is read as text whatever the table's type (1.0 and TRUE are approval words).
    return {"id_kind": "number" if numbers(cells("Customer ID")) else "text",
            "last_contact_kind": "timestamp" if timed else "date"}


def _customer_row_issue(issue: Issue, columns: object) -> bool:
    """An issue about a data row of tblCustomers (below its header)."""
    ref = issue.ref
    if ref is None:
        return False
    if isinstance(columns, CustomerColumns):
        table = columns.table
        return ref.sheet == table.sheet and ref.row > table.top
    spec = TABLES["customers"]
    return ref.sheet in (spec.sheet_en, spec.sheet_zh) and ref.row > 1
