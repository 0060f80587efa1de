"""The ribbon's entry points: ``RunPython "import xlscore.macros; xlscore.macros.retier()"``.

Each macro works on the calling workbook (``xw.Book.caller()``) through the open-book
adapter (:mod:`xlscore.openbook`): the tables are read from the open book, checked and
scored by the same reader, engine and sheet builders as ``xlscore retier``, and the
result sheets are written back into the open book; nothing is saved or reopened. Tests
pass an in-memory book instead. Problems in the book are listed on the Issues sheet with
links to their cells, and a message box says what happened; no traceback for bad input.
"""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from xlscore.analysis import Analysis, analyse_book
from xlscore.asof import written_at
from xlscore.errors import XlscoreError
from xlscore.explain import explain_customer
from xlscore.issues import Issue, ModelError
from xlscore.messages import count
from xlscore.openbook.base import OpenBook, OpenBookTables
from xlscore.retier import output_sheets
from xlscore.templates.build import save_template
from xlscore.workbook.cells import as_text
from xlscore.workbook.layout import OUTPUT_SHEETS, TABLES, Lang
from xlscore.workbook.model_reader import column_names
from xlscore.workbook.reader import read_tables
from xlscore.workbook.report import issues_sheet, tier_summary
from xlscore.workbook.sheetdata import FreeCell, OutputSheet
from xlscore.workbook.tables import RawTable, is_blank

__all__ = ["EXPLAIN_SHEET", "analyse_open_book", "explain_selection", "new_from_template", "retier", "snapshot",
           "validate"]

EXPLAIN_SHEET: dict[Lang, str] = {"en": "Explain", "zh": "解释"}


def _caller() -> OpenBook:
    import xlwings as xw

    from xlscore.openbook.xlwings_book import XlwingsBook

    return XlwingsBook(xw.Book.caller())


def _run(book: OpenBook | None, job: Callable[[OpenBook], str]) -> str:
    """Run a macro on ``book`` (default: the calling Excel book); problems become messages."""
    opened = book if book is not None else _caller()
    try:
        return job(opened)
    except ModelError as exc:
        return _report_problems(opened, exc.issues, _lang_of(opened), "done")
    except XlscoreError as exc:
        message = str(exc)
        opened.notify(message)
        return message


def analyse_open_book(opened: OpenBook, as_of: date | None = None) -> Analysis:
    """Read, check and score the open book, exactly as ``xlscore retier`` does with a file.

    ``as_of`` is the run's date; None takes the book's pinned As of date, else today's.
    """
    return analyse_book(read_tables(OpenBookTables(opened), Path(opened.name)), as_of)


def _lang_of(opened: OpenBook) -> Lang:
    return "zh" if TABLES["customers"].sheet_zh in opened.sheet_names else "en"


def _write(opened: OpenBook, sheets: Sequence[OutputSheet]) -> None:
    for sheet in sheets:
        opened.write_sheet(sheet)


def _report_problems(opened: OpenBook, issues: Sequence[Issue], lang: Lang, what: str) -> str:
    """Errors: list every issue on the Issues sheet, show it, and say that nothing was done."""
    sheet = issues_sheet(issues, lang)
    opened.write_sheet(sheet)
    opened.activate(sheet.name)
    errors = sum(i.severity == "error" for i in issues)
    message = (f"{errors} error{'s' if errors != 1 else ''} in the workbook: nothing was {what}. Each one is "
               f"listed on the {sheet.name} sheet with a link to its cell.")
    opened.notify(message)
    return message


def _checked(opened: OpenBook, as_of: date | None, what: str) -> Analysis | str:
    opened.status("xlscore: reading the model and customers...")
    analysis = analyse_open_book(opened, as_of)
    if not analysis.ok or analysis.result is None:
        return _report_problems(opened, analysis.issues, analysis.book.lang, what)
    return analysis


def _tier_counts(analysis: Analysis) -> str:
    assert analysis.result is not None
    summary = tier_summary(analysis.book.model, analysis.result)
    return ", ".join(f"{row.Tier} {row.Customers:,}" for row in summary.itertuples(index=False))


def retier(book: OpenBook | None = None, *, as_of: date | None = None) -> str:
    """Ribbon **Re-tier**: rewrite Scoring, Pyramid and Issues (and extension sheets) in the open book."""
    def job(opened: OpenBook) -> str:
        analysis = _checked(opened, as_of, "re-tiered")
        if isinstance(analysis, str):
            return analysis
        assert analysis.result is not None
        _write(opened, output_sheets(analysis))
        opened.activate(OUTPUT_SHEETS["scoring"].sheet(analysis.book.lang))
        scored = int(analysis.result["Score"].notna().sum())
        warnings = len(analysis.issues.warnings)
        note = f" {count(warnings, 'warning')} on the Issues sheet." if warnings else ""
        message = (f"Re-tiered {count(len(analysis.result), 'customer')} ({scored:,} scored) "
                   f"{analysis.as_of.describe()}: {_tier_counts(analysis)}." + note)
        opened.notify(message)
        return message

    return _run(book, job)


def validate(book: OpenBook | None = None, *, as_of: date | None = None) -> str:
    """Ribbon **Validate**: list every problem on the Issues sheet, with links; change nothing else."""
    def job(opened: OpenBook) -> str:
        analysis = analyse_open_book(opened, as_of)
        sheet = issues_sheet(analysis.issues, analysis.book.lang)
        opened.write_sheet(sheet)
        errors, warnings = len(analysis.issues.errors), len(analysis.issues.warnings)
        if errors or warnings:
            opened.activate(sheet.name)
            message = (f"{count(errors, 'error')}, {count(warnings, 'warning')}: see the {sheet.name} sheet (each cell "
                       "is a link).")
        else:
            message = f"No problems found: {count(len(analysis.book.customers), 'customer')} ready to re-tier."
        opened.notify(message)
        return message

    return _run(book, job)


def _customer_labels(analysis: Analysis) -> dict[str, Any]:
    return {as_text(cid).casefold(): label for label, cid in analysis.book.customers["Customer ID"].items()}


def _inside(table: RawTable, sheet: str, row: int, col: int) -> int | None:
    """The data row index of (row, col) when the cell is in the table's data, else None."""
    if sheet != table.sheet or not table.left <= col < table.left + len(table.headers):
        return None
    index = row - table.top - 1
    return index if 0 <= index < len(table.rows) else None


def _selected_customer(opened: OpenBook, analysis: Analysis, source: OpenBookTables) -> Any | None:
    """The customer of the selected row (Customers or Scoring sheet), or whose ID is selected."""
    picked = opened.selection()
    if picked is None:
        return None
    columns = analysis.book.columns
    if columns is not None:
        index = _inside(columns.table, picked.sheet, picked.row, picked.col)
        if index is not None and index in analysis.book.customers.index:
            return index
    labels = _customer_labels(analysis)
    scoring = OUTPUT_SHEETS["scoring"].table
    if source.has(scoring):
        table = source.table(scoring)
        index = _inside(table, picked.sheet, picked.row, picked.col)
        id_col = table.find(*column_names("customer_id"))
        if index is not None and id_col is not None:
            return labels.get(as_text(table.rows[index][id_col]).casefold())
    return None if is_blank(picked.value) else labels.get(as_text(picked.value).casefold())


def explain_selection(book: OpenBook | None = None, *, as_of: date | None = None) -> str:
    """Ribbon **Explain**: the selected customer's score traced to its bands and weights (sheet Explain)."""
    def job(opened: OpenBook) -> str:
        analysis = _checked(opened, as_of, "explained")
        if isinstance(analysis, str):
            return analysis
        assert analysis.result is not None
        label = _selected_customer(opened, analysis, OpenBookTables(opened))
        if label is None:
            message = ("Select a cell in a customer's row on the Customers or Scoring sheet (or a cell holding "
                       "a Customer ID), then click Explain.")
            opened.notify(message)
            return message
        trace = explain_customer(analysis.book.model, analysis.book.customers, analysis.result, int(label))
        lang = analysis.book.lang
        lines = str(trace).splitlines()
        sheet = OutputSheet(EXPLAIN_SHEET[lang], cells=[FreeCell(i, 1, line, bold=i == 1)
                                                        for i, line in enumerate(lines, start=1)],
                            column_widths={1: 110})
        opened.write_sheet(sheet)
        opened.activate(sheet.name)
        row = analysis.result.loc[label]
        if trace.score is None:
            summary = f"gets no score ({row['Flags']})"
        else:
            tier = row["Tier"] if isinstance(row["Tier"], str) else "no tier"
            summary = f"Score {trace.score:.2f}, rank {int(row['Rank'])}, tier {tier}"
        message = f"Customer {trace.customer_id}: {summary}. The full trace is on the {sheet.name} sheet."
        opened.notify(message)
        return message

    return _run(book, job)


def _history() -> ModuleType:
    try:
        return importlib.import_module("xlscore.history")
    except ModuleNotFoundError as exc:
        raise XlscoreError("Snapshot needs the history feature (xlscore.history), which this installation "
                           "of xlscore does not have: update xlscore") from exc


def snapshot(book: OpenBook | None = None, *, as_of: date | None = None, taken_at: datetime | None = None,
             period: str | None = None) -> str:
    """Ribbon **Snapshot**: record the current scoring as this quarter in the History sheet."""
    def job(opened: OpenBook) -> str:
        history: Any = _history()
        analysis = _checked(opened, as_of, "recorded")
        if isinstance(analysis, str):
            return analysis
        assert analysis.result is not None
        current = period or importlib.import_module("xlscore.history.periods").quarter_of(analysis.today)
        sheets = history.snapshot_sheets(analysis, current, written_at(taken_at), history.load_history(analysis))
        _write(opened, sheets)
        # The history sheet comes last (xlscore.history.snapshot_sheets).
        recorded = count(len(analysis.result), "customer")
        message = f"Snapshot {current}: {recorded} recorded on the {sheets[-1].name} sheet."
        opened.notify(message)
        return message

    return _run(book, job)


def new_from_template(book: OpenBook | None = None, *, lang: Lang | None = None) -> str:
    """Ribbon **New from template**: a new, unsaved scoring workbook (in the caller's language)."""
    def job(opened: OpenBook) -> str:
        chosen: Lang = lang or _lang_of(opened)
        # Excel copies a template into the new book, so the file may opened in a temporary folder.
        path = Path(tempfile.mkdtemp(prefix="xlscore-")) / f"xlscore-{chosen}.xlsx"
        save_template(path, chosen)
        new = opened.new_book_from(path)
        customers = TABLES["customers"].sheet(chosen)
        new.activate(customers)
        message = (f"New scoring workbook {new.name}: fill the model sheets, paste customers into the "
                   f"{customers} table, then click Re-tier.")
        new.notify(message)
        return message

    return _run(book, job)
