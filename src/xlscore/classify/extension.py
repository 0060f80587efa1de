"""The re-tier stage that classifies customers and writes the Nine-box and Methods sheets.

Each family runs when its table is in the book and is skipped silently otherwise:
tblLifecycle (Lifecycle), tblRFMSegments (RFM, RFM segment), tblNineBox (Nine-box),
tblTypes (Type, Type rule). tblClassify maps the purchase columns for lifecycle and RFM
(defaults when absent). Types run last, so their rules can read the other classifications.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from xlscore.analysis import Analysis, ExtraColumn
from xlscore.classify.customer_types import TypeRule, assign_types, read_type_rules
from xlscore.classify.data import CustomerData, FloatArray, ObjArray
from xlscore.classify.labels import OUTPUT_COLUMNS, SETTINGS_TABLES, pick
from xlscore.classify.lifecycle import Stage, assign_stages, read_stages
from xlscore.classify.methods import MethodsComparison, compare_methods
from xlscore.classify.ninebox import NineBox, labels, place, read_ninebox
from xlscore.classify.rfm import Segment, assign_segments, quintile_scores, read_segments, rfm_codes
from xlscore.classify.sheets import methods_sheet, ninebox_sheet
from xlscore.classify.tables import Settings, optional_table, read_settings
from xlscore.issues import IssueList
from xlscore.workbook.layout import Lang

if TYPE_CHECKING:
    from xlscore.workbook.reader import Book, TableReader
    from xlscore.workbook.refs import CellRef
    from xlscore.workbook.sheetdata import OutputSheet

__all__ = ["CLASSIFICATION", "Classification", "ClassifyConfig", "compare", "read_config"]


@dataclass
class ClassifyConfig:
    """What the book's classification tables say; a family is None when its table is absent."""

    settings: Settings | None = None
    stages: list[Stage] | None = None
    segments: list[Segment] | None = None
    grid: NineBox | None = None
    rules: list[TypeRule] | None = None
    issues: IssueList = field(default_factory=IssueList)

    @property
    def any(self) -> bool:
        return any(x is not None for x in (self.stages, self.segments, self.grid, self.rules))

    def segment_classes(self) -> dict[str, str | None] | None:
        """Segment name -> class, in row order (a repeated name keeps its first class)."""
        if self.segments is None:
            return None
        classes: dict[str, str | None] = {}
        for segment in self.segments:
            classes.setdefault(segment.name, segment.value_class)
        return classes


def read_config(source: TableReader | None, lang: Lang) -> ClassifyConfig:
    config = ClassifyConfig()
    issues = config.issues
    tables = {key: optional_table(source, key) for key in SETTINGS_TABLES}
    if tables["lifecycle"] is not None:
        config.stages = read_stages(tables["lifecycle"], issues)
    if tables["segments"] is not None:
        config.segments = read_segments(tables["segments"], issues)
    if tables["ninebox"] is not None:
        config.grid = read_ninebox(tables["ninebox"], issues)
    if tables["types"] is not None:
        config.rules = read_type_rules(tables["types"], issues)
    if config.stages is not None or config.segments is not None or tables["settings"] is not None:
        config.settings = read_settings(source, lang, issues)  # also the book's As of date: always checked
    return config


class _Run:
    """One classification of one analysis: the data and what has been computed so far."""

    def __init__(self, analysis: Analysis, config: ClassifyConfig) -> None:
        assert analysis.result is not None
        self.analysis = analysis
        self.config = config
        self.result = analysis.result
        self.data = CustomerData(analysis.book, analysis.result)
        self.issues = analysis.issues
        self.lang = analysis.book.lang
        self._days: FloatArray | None = None
        self._days_read = False

    def days(self, what: str) -> FloatArray | None:
        if not self._days_read and self.config.settings is not None:
            self._days = self.data.days_since_purchase(self.config.settings, self.analysis.today, what,
                                                       self.issues)
            self._days_read = True
            if self._days is not None:
                self.data.add_computed("Days", self._days)
        return self._days

    def set(self, column: str, values: ObjArray) -> None:
        """A text column of the result; object dtype keeps blanks as None (pandas would infer strings)."""
        self.result[column] = pd.Series(values, index=self.result.index, dtype=object)

    def lifecycle(self, stages: list[Stage]) -> None:
        days = self.days("Lifecycle")
        if days is None:
            return  # a warning said which column is missing; the column is left out
        stage = assign_stages(stages, days)
        self.set("Lifecycle", stage)
        self.data.add_computed("Lifecycle", stage)

    def rfm(self, segments: list[Segment]) -> None:
        settings = self.config.settings
        assert settings is not None
        days = self.days("RFM")
        frequency = self.data.numbers(settings, "frequency", "RFM", self.issues)
        monetary = self.data.numbers(settings, "monetary", "RFM", self.issues)
        if days is None or frequency is None or monetary is None:
            return
        population = ~np.isnan(days) & ~np.isnan(frequency) & ~np.isnan(monetary)
        scores = [quintile_scores(days, population, higher_is_better=False),
                  quintile_scores(frequency, population, higher_is_better=True),
                  quintile_scores(monetary, population, higher_is_better=True)]
        for key, score in zip("RFM", scores, strict=True):
            self.data.add_computed(key, np.where(score > 0, score, np.nan).astype(np.float64))
        segment = assign_segments(segments, *scores)
        self.set("RFM", rfm_codes(*scores))
        self.set("RFM segment", segment)
        self.data.add_computed("RFM segment", segment)

    def ninebox(self, grid: NineBox) -> None:
        placed = place(grid, self.data.operand, self.issues)
        if placed is None:
            return
        cells = labels(*placed, self.lang)
        self.set("Nine-box", cells)
        self.data.add_computed("Nine-box", cells)

    def types(self, rules: list[TypeRule]) -> None:
        types, matched = assign_types(rules, self.data.operand, self.data.n, self.lang, self.issues)
        self.set("Type", types)
        self.set("Type rule", matched)


class Classification:
    """The extension object registered in :data:`xlscore.analysis.EXTENSIONS`."""

    name = "classify"

    def __init__(self) -> None:
        self._cached: tuple[TableReader, ClassifyConfig] | None = None

    def config(self, analysis: Analysis) -> ClassifyConfig:
        """The book's classification tables, read once per table source for apply and sheets."""
        source = analysis.book.source
        if source is None:
            return ClassifyConfig()
        if self._cached is None or self._cached[0] is not source:
            self._cached = (source, read_config(source, analysis.book.lang))
        return self._cached[1]

    def pinned_as_of(self, book: Book) -> tuple[date, CellRef | None] | None:
        """The "As of date" setting of tblClassify: the book's own as-of date (``--as-of`` wins over it)."""
        if book.source is None or optional_table(book.source, "settings") is None:
            return None
        settings = read_settings(book.source, book.lang, IssueList())  # its problems are reported by apply
        if settings.as_of is None:
            return None
        return settings.as_of, settings.refs.get("as_of")

    def apply(self, analysis: Analysis) -> None:
        if analysis.result is None:
            return
        config = self.config(analysis)
        analysis.issues.extend(config.issues)
        if not config.any or config.issues.errors:
            return
        run = _Run(analysis, config)
        if config.stages is not None:
            run.lifecycle(config.stages)
        if config.segments is not None:
            run.rfm(config.segments)
        if config.grid is not None:
            run.ninebox(config.grid)
        if config.rules is not None:
            run.types(config.rules)
        _declare_columns(analysis)

    def sheets(self, analysis: Analysis, today: date) -> list[OutputSheet]:
        result = analysis.result
        if result is None:
            return []
        config = self.config(analysis)
        lang = analysis.book.lang
        out: list[OutputSheet] = []
        if config.grid is not None and "Nine-box" in result:
            out.append(ninebox_sheet(result, config.grid, lang, today))
        comparison = compare(analysis, config)
        if comparison is not None:
            out.append(methods_sheet(comparison, lang))
        return out


def compare(analysis: Analysis, config: ClassifyConfig) -> MethodsComparison | None:
    """The Methods comparison of an analysed book (None when neither RFM nor nine-box ran)."""
    assert analysis.result is not None
    classes = config.segment_classes() if "RFM segment" in analysis.result else None
    tiers = [t.name for t in analysis.book.model.tiers]
    return compare_methods(analysis.result, tiers, classes, analysis.book.lang)


def _declare_columns(analysis: Analysis) -> None:
    """Show the added columns in tblScoring, after everything else, in a fixed order."""
    assert analysis.result is not None
    ours = set(OUTPUT_COLUMNS)
    analysis.extra_columns[:] = [c for c in analysis.extra_columns if c.name not in ours]
    lang = analysis.book.lang
    analysis.extra_columns += [ExtraColumn(name, pick(header, lang), "text" if name == "RFM" else "general")
                               for name, header in OUTPUT_COLUMNS.items() if name in analysis.result]


CLASSIFICATION = Classification()
