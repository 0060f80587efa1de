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
from xlscore.workbook.customers_reader import CustomerColumns, read_customers
from xlscore.workbook.layout import HEADERS, TABLES, Lang, header_key
from xlscore.workbook.model_reader import ModelTables, read_model
from xlscore.workbook.package import Package
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import RawTable, TableSource

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
        issues.error(CellRef(spec.sheet_en, 1, 1), f"sheet {spec.sheet_en!r} with the Excel Table "
                     f"{spec.table} is missing: copy it from a template (xlscore new)", "missing-sheet")
    else:
        issues.error(CellRef(sheet, 1, 1), f"sheet {sheet!r} has no Excel Table named {spec.table}: select "
                     f"the data, Insert > Table, then name it {spec.table} (Table Design > Table Name)",
                     "missing-table")
    return None


def read_book(path: Path) -> Book:
    """Read and check everything a re-tier needs; never raises for bad content, only for bad files."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    _guard(path)
    return read_tables(TableSource(path), path)


def read_tables(source: TableReader, path: Path) -> Book:
    """The model and customers from any table reader; ``path`` names the book in messages."""
    issues = IssueList()
    tables = {key: _table(source, key, issues) for key in TABLES}
    lang = _detect_lang(source, tables["customers"])
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
    return Book(path, model, frame, columns, lang, issues, source, extras)


def _guard(path: Path) -> None:
    """Refuse hostile or non-workbook files before any cell is parsed."""
    Package.open(path).close()
