"""Workbook -> (Model, customers, issues): the only entry point that parses a user's book."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from xlscore.errors import UsageError
from xlscore.issues import IssueList
from xlscore.model import Model
from xlscore.value.columns import wanted_columns
from xlscore.workbook.arrow_tables import exact_sheets
from xlscore.workbook.customers_reader import CustomerColumns, read_customers
from xlscore.workbook.layout import HEADERS, OPTIONAL_INPUT_TABLES, TABLES, Lang, header_key
from xlscore.workbook.model_reader import ModelTables, read_model
from xlscore.workbook.package import Package
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import RawTable, TableSource, is_blank

__all__ = ["Book", "TableReader", "read_book", "read_tables"]


class TableReader(Protocol):
    """Where Excel Tables come from: a workbook file (:class:`TableSource`) or a book open in Excel."""

    sheet_names: list[str]

    def has(self, name: str) -> bool: ...

    def table(self, name: str) -> RawTable: ...


@dataclass
class Book:
    """What a workbook says: the model, its customers, and every problem found reading it."""

    path: Path
    model: Model
    customers: pd.DataFrame
    columns: CustomerColumns | None
    lang: Lang
    issues: IssueList = field(default_factory=IssueList)
    source: TableReader | None = None  # for extensions that read optional tables of their own
    resized_tables: dict[str, int] = field(default_factory=dict)  # table name -> rows taken in from below it
    extras: dict[str, Any] = field(default_factory=dict)  # what reading found for extensions (e.g. a value fit)

    @property
    def sheet_names(self) -> list[str]:
        return self.source.sheet_names if self.source else []


def _detect_lang(source: TableReader, customers: RawTable | None) -> Lang:
    if customers is not None:
        zh_headers = {header_key(zh) for _, zh in HEADERS.values()}
        if sum(header_key(h) in zh_headers for h in customers.headers) > len(customers.headers) // 2:
            return "zh"
    return "zh" if TABLES["customers"].sheet_zh in source.sheet_names else "en"


def _table(source: TableReader, key: str, issues: IssueList) -> RawTable | None:
    spec = TABLES[key]
    if source.has(spec.table):
        return source.table(spec.table)
    sheet = next((s for s in source.sheet_names if s in (spec.sheet_en, spec.sheet_zh)), None)
    if sheet is None:
        expected = spec.sheet("zh" if issues.lang == "zh" else "en")
        issues.error(CellRef(expected, 1, 1), issues.say("v.missing_sheet", sheet=expected, table=spec.table),
                     "missing-sheet")
    else:
        issues.error(CellRef(sheet, 1, 1), issues.say("v.missing_table", sheet=sheet, table=spec.table),
                     "missing-table")
    return None


def read_book(path: Path, messages: Lang | None = None, *, extend_tables: bool = False) -> Book:
    """Read and check everything a re-tier needs; never raises for bad content, only for bad files.

    Rows typed right below an input table are a warning naming their first cell; with
    ``extend_tables`` they are read as part of the table (and ``Book.resized_tables`` says
    how the written book's tables grow).
    """
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    with Package.open(path) as pkg:  # refuses hostile or non-workbook files before any cell is parsed
        source = TableSource(path, pkg.last_rows, pkg.tables(), exact_sheets(pkg))
    return read_tables(source, path, messages, extend_tables=extend_tables)


def read_tables(source: TableReader, path: Path, messages: Lang | None = None, *,
                extend_tables: bool = False) -> Book:
    """The model and customers from any table reader; ``path`` names the book in messages.

    Messages speak the book's language unless ``messages`` (``--lang``) asks for another."""
    # a first guess from the sheet names, so that even a missing sheet is reported in the book's language
    guess: Lang = "zh" if any(spec.sheet_zh in source.sheet_names for spec in TABLES.values()) else "en"
    issues = IssueList(lang=messages or guess)
    tables = {key: _table(source, key, issues) for key in TABLES}
    resized = _rows_below(source, tables, issues, extend_tables)
    lang = _detect_lang(source, tables["customers"])
    issues.lang = messages or lang  # messages from here on speak the book's language (or --lang)
    empty = Model((), (), (), (), lang)
    ind, wts, bnd, trs = (tables[k] for k in ("indicators", "weights", "bands", "tiers"))
    if ind is None or wts is None or bnd is None or trs is None:
        return Book(path, empty, pd.DataFrame(), None, lang, issues, source)
    model = read_model(ModelTables(ind, wts, bnd, trs, lang, issues))
    customers_table = tables["customers"]
    if customers_table is None:
        return Book(path, model, pd.DataFrame(), None, lang, issues, source)
    extras: dict[str, Any] = {}
    joined = None
    if wanted_columns(model.measure_columns, customers_table):
        from xlscore.value.join import joined_measures  # the fit libraries load only for books that use it

        value = joined_measures(source, model.measure_columns, customers_table, issues)
        if value is not None:
            extras["value"], joined = value, value.frame
    frame, columns = read_customers(customers_table, model, issues, joined)
    return Book(path, model, frame, columns, lang, issues, source, resized, extras)


def _rows_below(source: TableReader, tables: dict[str, RawTable | None], issues: IssueList,
                extend: bool) -> dict[str, int]:
    """Warn of rows typed right below an input table (outside its range, so unread); with
    ``extend`` take them into the table. Returns table name -> rows taken in."""
    rows_below = getattr(source, "rows_below", None)  # a book open in Excel grows its tables itself
    if rows_below is None:
        return {}
    resized: dict[str, int] = {}
    ends_sheet = getattr(source, "nothing_below", None)
    optional = {name: source.table(name) for name in OPTIONAL_INPUT_TABLES
                if source.has(name) and not (ends_sheet is not None and ends_sheet(name))}
    for key, table in [*tables.items(), *optional.items()]:
        if table is None:
            continue
        extra: list[list[Any]] = rows_below(table)
        if not extra:
            continue
        first = next(j for j, value in enumerate(extra[0]) if not is_blank(value))
        where = CellRef(table.sheet, table.below(), table.left + first)
        rows = f"{len(extra)} rows below {table.name} are" if len(extra) > 1 else f"1 row below {table.name} is"
        if extend:
            if key in tables:
                tables[key] = table.extended(extra)
            else:  # a feature's table: the features read it from the source later, grown
                source.replace_table(table.extended(extra))  # type: ignore[attr-defined]
            resized[table.name] = len(extra)
            issues.warning(where, f"{rows} taken into the table (--extend-tables)", "rows-below-table")
        else:
            issues.warning(where, f"{rows} not in the table: extend the table (Table Design > Resize Table) "
                           "or re-run with --extend-tables", "rows-below-table")
    return resized
