"""The model of a workbook for the SQL paths, whose customers live elsewhere.

The book is read and checked as for a re-tier, but problems in the customer *rows* of its
Customers table (a duplicate ID, text in a measure cell...) do not block: those rows are not
the data being scored. Everything else -- model sheets, missing Customers columns -- does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xlscore.issues import Issue, IssueList, ModelError
from xlscore.model import Model
from xlscore.sql.source import META_KEYS, SourceColumns, value_columns
from xlscore.workbook.layout import HEADERS, TABLES

__all__ = ["BookModel", "load_book_model"]


@dataclass(frozen=True)
class BookModel:
    model: Model
    columns: SourceColumns  # tblCustomers' own headers
    warnings: list[Issue]


def load_book_model(path: Path) -> BookModel:
    """The book's model and its tblCustomers headers; :class:`ModelError` when the model is broken."""
    from xlscore.workbook.reader import read_book

    book = read_book(path)
    blocking = IssueList(issue for issue in book.issues.errors if not _customer_row_issue(issue, book.columns))
    if blocking or not book.model.indicators or not book.model.profiles:
        raise ModelError(blocking or book.issues.errors)
    meta: dict[str, str] = {}
    values: dict[str, str] = {}
    if book.columns is not None:
        headers, positions = book.columns.table.headers, book.columns.positions
        for key in META_KEYS:
            english = HEADERS[key][0]
            if english in positions:
                meta[key] = headers[positions[english]]
        values = {name: headers[positions[name]] for name in value_columns(book.model) if name in positions}
    else:
        default = SourceColumns.named_as_model(book.model, book.lang)
        meta, values = dict(default.meta), dict(default.values)
    warnings = [i for i in book.issues.warnings if not _customer_row_issue(i, book.columns)]
    return BookModel(book.model, SourceColumns(meta, values), warnings)


def _customer_row_issue(issue: Issue, columns: object) -> bool:
    """An issue about a data row of tblCustomers (below its header)."""
    from xlscore.workbook.customers_reader import CustomerColumns

    ref = issue.ref
    if ref is None:
        return False
    if isinstance(columns, CustomerColumns):
        table = columns.table
        return ref.sheet == table.sheet and ref.row > table.top
    spec = TABLES["customers"]
    return ref.sheet in (spec.sheet_en, spec.sheet_zh) and ref.row > 1
