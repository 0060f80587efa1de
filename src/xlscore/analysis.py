"""One run of the model over a book: read, check, score, then the optional stages.

:class:`Analysis` is what every job (retier, validate, explain, snapshot, plan, classify,
the ribbon's macros) works from. Optional stages that live in their own packages
(overrides, history, classification) plug in as extensions: each reads its own optional
tables from the book (``analysis.book.source``), may add issues, add or change result
columns (declaring added ones in ``analysis.extra_columns`` so the Scoring sheet shows
them), and may add sheets of its own. Extensions run in the order listed, after scoring;
an error issue from any of them stops the run before anything is written, like any
validation error. They are found by name, so this module imports none of them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pandas as pd

from xlscore.asof import AsOf, resolve_as_of
from xlscore.engine import score_customers
from xlscore.issues import IssueList
from xlscore.overrides import Override
from xlscore.validate import result_warnings
from xlscore.workbook.layout import Lang
from xlscore.workbook.reader import Book, read_book
from xlscore.workbook.sheetdata import ColumnFormat

if TYPE_CHECKING:
    from xlscore.workbook.sheetdata import OutputSheet

__all__ = ["EXTENSIONS", "Analysis", "Extension", "ExtraColumn", "analyse", "analyse_book", "book_as_of",
           "load_extensions"]

# "module:attribute" of objects implementing Extension, in the order they run.
EXTENSIONS: tuple[str, ...] = (
    "xlscore.history.overrides:OVERRIDES_STAGE",  # before history: movement uses the final tier
    "xlscore.history.stage:HISTORY_STAGE",
    "xlscore.classify.extension:CLASSIFICATION",  # after overrides: classes use the final tier
    "xlscore.value.extension:VALUE_STAGE",  # measures from tblValue: refit before scoring, Value sheets
)


@dataclass(frozen=True)
class ExtraColumn:
    """A result column an extension added, shown in tblScoring after Flags."""

    name: str  # column of Analysis.result
    header: str  # header in the Scoring sheet (already in the book's language)
    fmt: ColumnFormat = "general"
    after: str | None = None  # put it right after this result column (None = at the end)


@dataclass
class Analysis:
    book: Book
    result: pd.DataFrame | None
    as_of: AsOf  # the run's date: lifecycle, recency, follow-ups, override expiry, periods
    issues: IssueList = field(default_factory=IssueList)
    extra_columns: list[ExtraColumn] = field(default_factory=list)
    overrides: list[Override] | None = None  # the live overrides once the overrides stage ran (None: no stage)

    @property
    def ok(self) -> bool:
        return not self.issues.errors

    @property
    def today(self) -> date:
        """The run's as-of date (what every date rule calls "today")."""
        return self.as_of.day


class Extension(Protocol):
    name: str

    def apply(self, analysis: Analysis) -> None:
        """Read own tables, add issues, add/change columns of ``analysis.result``."""

    def sheets(self, analysis: Analysis, today: date) -> list[OutputSheet]:
        """Extra sheets to write (owned by xlscore, replaced on every run)."""

    # Optional: ``pinned_as_of(book) -> tuple[date, CellRef | None] | None``, the as-of date the
    # extension's settings table pins (see :func:`book_as_of`); ``prepare(book, as_of)``, run
    # before scoring, may fill customer columns that depend on the run's date (adding issues
    # to ``book.issues``).


def load_extensions() -> list[Extension]:
    loaded: list[Extension] = []
    for spec in EXTENSIONS:
        module, _, attr = spec.partition(":")
        loaded.append(getattr(importlib.import_module(module), attr))
    return loaded


def book_as_of(book: Book, given: date | None) -> AsOf:
    """The run's as-of date: ``given`` (the command line) wins over the book's pin, then the clock."""
    if given is not None:
        return resolve_as_of(given)
    for extension in load_extensions():
        pin = getattr(extension, "pinned_as_of", None)
        pinned = pin(book) if pin is not None else None
        if pinned is not None:
            return resolve_as_of(None, pinned)
    return resolve_as_of(None)


def analyse(path: Path, as_of: date | None = None, messages: Lang | None = None, *,
            extend_tables: bool = False) -> Analysis:
    """Read and validate the book; score it when it has no errors.

    ``messages``: their language (default the book's). ``extend_tables`` reads rows typed
    right below an input table as part of it.
    """
    return analyse_book(read_book(path, messages, extend_tables=extend_tables), as_of)


def analyse_book(book: Book, as_of: date | None = None) -> Analysis:
    """Validate an already read book (a file, or a workbook open in Excel); score it when it has no errors.

    ``as_of`` is the run's date from the command line or a macro argument; None takes the
    book's pinned date, else today's.
    """
    run_date = book_as_of(book, as_of)
    for extension in load_extensions():
        prepare = getattr(extension, "prepare", None)
        if prepare is not None:
            prepare(book, run_date)
    issues = IssueList(book.issues)
    if issues.errors:
        return Analysis(book, None, run_date, issues)
    result = score_customers(book.model, book.customers)
    issues.extend(result_warnings(book.model, result, book.columns, issues.lang))
    analysis = Analysis(book, result, run_date, issues)
    for extension in load_extensions():
        extension.apply(analysis)
    if analysis.issues.errors:
        analysis.result = None
    return analysis
