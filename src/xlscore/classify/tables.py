"""Finding our optional tables and their columns, and reading the tblClassify settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from xlscore.classify.labels import SETTINGS, SETTINGS_TABLES, column_names, pick
from xlscore.issues import IssueList
from xlscore.workbook.cells import as_date, as_text, shown
from xlscore.workbook.layout import Lang, header_key
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import RawTable

if TYPE_CHECKING:
    from xlscore.workbook.reader import TableReader

__all__ = ["Settings", "find_columns", "optional_table", "read_settings"]


def optional_table(source: TableReader | None, key: str) -> RawTable | None:
    """One of our settings tables, or None when the book does not have it (the family is off)."""
    name = SETTINGS_TABLES[key].table
    if source is None or not source.has(name):
        return None
    return source.table(name)


def find_columns(table: RawTable, required: tuple[str, ...], optional: tuple[str, ...],
                 issues: IssueList) -> dict[str, int] | None:
    """Column positions by key; None (with an error naming the header end) when a required one is missing."""
    found: dict[str, int] = {}
    missing = False
    for key in (*required, *optional):
        col = table.find(*column_names(key))
        if col is not None:
            found[key] = col
        elif key in required:
            issues.error(table.after_last_column(), f"{table.name} has no column {column_names(key)[0]!r}: "
                         "add it to the table header (a template has it: xlscore new)", "missing-column")
            missing = True
    return None if missing else found


@dataclass(frozen=True)
class Settings:
    """Which Customers columns hold purchases, and the as-of date the book pins (None: none pinned).

    The pin is the run's as-of date for every rule, unless ``--as-of`` overrides it
    (:func:`xlscore.analysis.book_as_of`); classification reads the run's date, not this.
    """

    last_purchase: str
    frequency: str
    monetary: str
    as_of: date | None = None
    refs: dict[str, CellRef] = field(default_factory=dict)  # setting key -> its Value cell

    def column(self, key: str) -> str:
        value: str = getattr(self, key)
        return value


def _defaults(lang: Lang) -> dict[str, str]:
    return {key: pick(default, lang) for key, (_, default, _) in SETTINGS.items()}


def read_settings(source: TableReader | None, lang: Lang, issues: IssueList) -> Settings:
    """tblClassify when present, else the defaults of the book's language."""
    values: dict[str, str] = _defaults(lang)
    as_of: date | None = None
    refs: dict[str, CellRef] = {}
    table = optional_table(source, "settings")
    cols = find_columns(table, ("setting", "value"), (), issues) if table is not None else None
    if table is None or cols is None:
        return Settings(values["last_purchase"], values["frequency"], values["monetary"])
    by_label = {header_key(label): key for key, (labels, _, _) in SETTINGS.items() for label in labels}
    for i in table.data_rows():
        row = table.rows[i]
        label, value = row[cols["setting"]], row[cols["value"]]
        key = by_label.get(header_key(label))
        ref = table.ref(i, cols["value"])
        if key is None:
            known = ", ".join(labels[0] for labels, _, _ in SETTINGS.values())
            issues.warning(table.ref(i, cols["setting"]), f"setting {shown(label)} is not one xlscore reads "
                           f"(known: {known}): the row is ignored", "unknown-setting")
            continue
        refs[key] = ref
        if key == "as_of":
            when = as_date(value, ref, "As of date", issues)
            as_of = when.date() if when else None
        elif as_text(value):
            values[key] = as_text(value)
        else:
            issues.error(ref, f"{SETTINGS[key][0][0]} is blank: name the Customers column, e.g. "
                         f"{SETTINGS[key][1][0]!r}", "blank-setting")
    return Settings(values["last_purchase"], values["frequency"], values["monetary"], as_of, refs)
