"""The re-tier extension for snapshots: Previous tier and Movement columns, and the Migration sheet.

It runs after the overrides stage, so movement is measured on the final tier. The current
scoring counts as the quarter of the run's date (or, for a snapshot, the period being
recorded) and is compared with the latest snapshot before it; with no such snapshot the
columns are left out and the Migration sheet says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from xlscore.analysis import Analysis, ExtraColumn
from xlscore.history.migration import Comparison, compare
from xlscore.history.migration_sheet import migration_sheet, no_migration_sheet
from xlscore.history.names import name
from xlscore.history.periods import Period, quarter_of
from xlscore.history.store import History, read_history

if TYPE_CHECKING:
    from xlscore.workbook.sheetdata import OutputSheet

__all__ = ["HISTORY_STAGE", "HistoryStage", "load_history", "set_movement"]

_ADDED = ("Previous tier", "Movement")


def set_movement(analysis: Analysis, history: History, current: Period) -> Comparison | None:
    """Fill (or, with no earlier snapshot, remove) Previous tier and Movement for period ``current``."""
    result = analysis.result
    assert result is not None
    analysis.extra_columns[:] = [c for c in analysis.extra_columns if c.name not in _ADDED]
    comparison = compare(result, history, current, [t.name for t in analysis.book.model.tiers])
    if comparison is None:
        for column in _ADDED:
            if column in result.columns:
                del result[column]
        return None
    result["Previous tier"] = comparison.previous_tier
    result["Movement"] = comparison.movement
    lang = analysis.book.lang
    anchor = "Computed tier" if any(c.name == "Computed tier" for c in analysis.extra_columns) else "Tier"
    analysis.extra_columns += [ExtraColumn("Previous tier", name("previous_tier", lang), after=anchor),
                               ExtraColumn("Movement", name("movement", lang), after="Previous tier")]
    return comparison


def period_sheet(analysis: Analysis, comparison: Comparison | None, current: Period) -> OutputSheet:
    lang = analysis.book.lang
    if comparison is None or analysis.result is None:
        return no_migration_sheet(current, lang)
    return migration_sheet(analysis.book.model, analysis.result, comparison, lang)


@dataclass(frozen=True)
class _Run:
    """What ``apply`` found for one analysis (recognised by its result frame), reused by ``sheets``."""

    result: pd.DataFrame
    history: History | None
    period: str = ""
    comparison: Comparison | None = None


class HistoryStage:
    """Reads tblHistory afresh on every run, once: ``sheets`` and ``load_history`` reuse it."""

    name = "history"

    def __init__(self) -> None:
        self._run: _Run | None = None

    def history(self, analysis: Analysis) -> History | None:
        run = self._run
        if run is not None and analysis.result is not None and run.result is analysis.result:
            return run.history
        return read_history(analysis.book.source)

    def apply(self, analysis: Analysis) -> None:
        result = analysis.result
        if result is None:
            return
        history = read_history(analysis.book.source)
        self._run = _Run(result, history)
        if history is None:
            return
        analysis.issues.extend(history.problems)
        current = quarter_of(analysis.today)
        self._run = _Run(result, history, current.label, set_movement(analysis, history, current))

    def sheets(self, analysis: Analysis, today: date) -> list[OutputSheet]:
        """The Migration sheet, for the run's date (``analysis.today``, as ``apply`` used)."""
        history = self.history(analysis)
        if history is None or analysis.result is None:
            return []
        current = quarter_of(analysis.today)
        run = self._run
        if run is not None and run.result is analysis.result and run.period == current.label:
            comparison = run.comparison
        else:
            comparison = compare(analysis.result, history, current, [t.name for t in analysis.book.model.tiers])
        return [period_sheet(analysis, comparison, current)]


HISTORY_STAGE = HistoryStage()


def load_history(analysis: Analysis) -> History | None:
    """tblHistory of the analysed book (None when it has none), as the stage read it."""
    return HISTORY_STAGE.history(analysis)
