"""The workbook side of ``xlscore value``: tblOrders in, the Value and Value model sheets out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from xlscore.errors import WorkbookError
from xlscore.issues import IssueList
from xlscore.value.columns import ORDERS_SHEETS, ORDERS_TABLE
from xlscore.value.orders import OrderData, book_orders
from xlscore.value.predict import ValueRun
from xlscore.value.sheets import value_model_sheet, value_sheet
from xlscore.workbook.layout import TABLES, Lang
from xlscore.workbook.tables import TableSource
from xlscore.workbook.writer import WriteReport, write_workbook

__all__ = ["ORDERS_SHEETS", "ORDERS_TABLE", "book_lang", "load_book_orders", "write_value_sheets"]



class OrdersTableError(WorkbookError):
    """tblOrders is missing or has cells that are not what they must be."""


def load_book_orders(book: Path) -> OrderData:
    source = TableSource(book)
    if not source.has(ORDERS_TABLE):
        raise OrdersTableError(f"{book.name}: no Excel Table named {ORDERS_TABLE}: on a sheet {ORDERS_SHEETS[0]!r} "
                               "put the columns Customer ID, Order date, Amount, select them, Insert > Table and "
                               f"name it {ORDERS_TABLE}; or pass the log as --orders FILE")
    issues = IssueList()
    data = book_orders(source.table(ORDERS_TABLE), issues)
    if data is None:
        shown = issues.errors[:20]
        more = f"\n  ... and {len(issues.errors) - len(shown)} more" if len(issues.errors) > len(shown) else ""
        lines = "\n".join(f"  {issue.ref}: {issue.message}" for issue in shown)
        raise OrdersTableError(f"{book.name}: {len(issues.errors)} problems in {ORDERS_TABLE}; nothing was "
                               f"written:\n{lines}{more}")
    return data


def book_pin(book: Path, lang: Lang) -> date | None:
    """The book's own as-of date (the "As of date" setting of tblClassify), if it pins one."""
    from xlscore.classify.tables import optional_table, read_settings

    source = TableSource(book)
    if optional_table(source, "settings") is None:
        return None
    return read_settings(source, lang, IssueList()).as_of


def book_lang(book: Path) -> Lang:
    """Chinese when the book has the Chinese orders or customers sheet, else English."""
    names = set(TableSource(book).sheet_names)
    return "zh" if ORDERS_SHEETS[1] in names or TABLES["customers"].sheet_zh in names else "en"


def write_value_sheets(book: Path, run: ValueRun, lang: Lang, target: Path | None, force: bool) -> WriteReport:
    """Value and Value model into BOOK (in place, with backups) or into ``target``."""
    sheets = [value_sheet(run, lang), value_model_sheet(run, lang)]
    return write_workbook(book, sheets, target=target, force=force)
