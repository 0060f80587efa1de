"""Taking a snapshot: the current scoring appended to tblHistory as one period.

:func:`snapshot_sheets` is pure (no file I/O) so the ribbon's ``snapshot`` macro can call
it on a book open in Excel; :func:`take_snapshot` is the command-line job around it
(read, check, score, write through the part-preserving writer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from xlscore.analysis import analyse
from xlscore.asof import written_at
from xlscore.errors import UsageError
from xlscore.history.names import MIGRATION
from xlscore.history.periods import Period, parse_period, quarter_of
from xlscore.history.stage import load_history, period_sheet, set_movement
from xlscore.history.store import History, history_sheet, snapshot_rows, with_snapshot
from xlscore.issues import Issue, IssueList, ModelError
from xlscore.messages import count
from xlscore.retier import output_sheets
from xlscore.workbook.writer import write_workbook

if TYPE_CHECKING:
    from xlscore.analysis import Analysis
    from xlscore.asof import AsOf
    from xlscore.workbook.sheetdata import OutputSheet
    from xlscore.workbook.writer import WriteReport

__all__ = ["SnapshotReport", "as_period", "snapshot_sheets", "take_snapshot"]


def as_period(value: Period | str) -> Period:
    if isinstance(value, Period):
        return value
    period = parse_period(value)
    if period is None:
        raise UsageError(f"period {value!r} is not a period like 2026-Q3 (quarter), 2026-07 (month), "
                         "2026-H2 (half year) or 2026 (year)")
    return period


def snapshot_sheets(analysis: Analysis, period: Period | str, taken_at: datetime,
                    existing_rows: History | None) -> list[OutputSheet]:
    """Every sheet a snapshot writes, for a scored ``analysis``.

    Scoring, Pyramid, Issues and the other extension sheets as a re-tier writes them, with
    Previous tier / Movement and the Migration sheet measured from the snapshot before
    ``period``; then the History sheet holding ``existing_rows`` (from :func:`load_history`)
    plus the current scoring as ``period``. Rows of ``period`` already there are replaced,
    with a warning in ``analysis.issues``. History rows that cannot be read back would be
    lost by the rewrite, so they raise :class:`ModelError` naming their cells.
    """
    result = analysis.result
    if result is None:
        raise ModelError(analysis.issues)
    current = as_period(period)
    history = existing_rows or History.empty()
    if history.problems:
        raise ModelError([Issue("error", p.ref, f"{p.message}; a snapshot rewrites the History sheet and would "
                                "lose this row: fix or delete it first", p.code) for p in history.problems])
    replaced = history.of(current)
    if len(replaced):
        taken = replaced["Taken at"].max()
        when = f" taken {taken:%Y-%m-%d %H:%M}" if taken == taken else ""
        analysis.issues.warning(None, f"period {current} was already recorded ({count(len(replaced), 'row')}{when}): "
                                "replaced by this snapshot", "snapshot-replaced")
    comparison = set_movement(analysis, history, current)
    lang = analysis.book.lang
    sheets = [s for s in output_sheets(analysis) if s.name != MIGRATION.sheet(lang)]
    sheets.append(period_sheet(analysis, comparison, current))
    model = analysis.book.model
    new_rows = snapshot_rows(model, result, current, taken_at)
    sheets.append(history_sheet(with_snapshot(history, new_rows, [i.name for i in model.indicators]), lang))
    return sheets


@dataclass(frozen=True)
class SnapshotReport:
    target: Path
    backup: Path | None
    period: Period
    customers: int
    periods: list[str]  # every period now in tblHistory, in time order
    issues: IssueList
    as_of: AsOf
    written: WriteReport


def take_snapshot(path: Path, period: Period | str | None = None, *, target: Path | None = None,
                  force: bool = False, as_of: date | None = None, taken_at: datetime | None = None,
                  extend_tables: bool = False) -> SnapshotReport:
    """Score the book and record the scoring as ``period`` (default: the quarter of the run's as-of date).

    ``extend_tables`` takes rows typed right below an input table into it (as retier does).

    ``taken_at`` is the wall-clock time the snapshot is written ("Taken at"), not a rule's date.
    """
    current = as_period(period) if period is not None else None
    analysis = analyse(path, as_of, extend_tables=extend_tables)
    if not analysis.ok or analysis.result is None:
        raise ModelError(analysis.issues)
    current = current or quarter_of(analysis.today)
    history = load_history(analysis)
    sheets = snapshot_sheets(analysis, current, written_at(taken_at), history)
    written = write_workbook(path, sheets, target=target, force=force, resize_tables=analysis.book.resized_tables)
    periods = sorted({p for p in (history.periods if history else [])} | {current})
    return SnapshotReport(written.target, written.backup, current, len(analysis.result),
                          [p.label for p in periods], analysis.issues, analysis.as_of, written)
