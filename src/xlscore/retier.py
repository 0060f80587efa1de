"""The re-tier job shared by the CLI and the ribbon: read, check, score, write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from xlscore.analysis import Analysis, analyse_book, load_extensions
from xlscore.asof import AsOf
from xlscore.issues import IssueList, ModelError
from xlscore.progress import Progress
from xlscore.workbook.formulas import live_sheets
from xlscore.workbook.layout import Lang
from xlscore.workbook.live_model import LIVE_MODEL_SHEET
from xlscore.workbook.memory import release_freed_memory
from xlscore.workbook.reader import Book, read_book
from xlscore.workbook.report import issues_sheet, pyramid_sheet, scoring_sheet, tier_summary
from xlscore.workbook.sheetdata import OutputSheet
from xlscore.workbook.writer import write_workbook

if TYPE_CHECKING:
    from xlscore.workbook.writer import WriteReport

__all__ = ["RetierReport", "output_sheets", "retier"]


@dataclass(frozen=True)
class RetierReport:
    target: Path
    backup: Path | None
    customers: int
    scored: int
    summary: pd.DataFrame
    issues: IssueList
    as_of: AsOf
    written: WriteReport
    lang: Lang = "en"
    blanks: int = 0  # customers with at least one blank scoring cell


def output_sheets(analysis: Analysis, *, live: bool = False) -> list[OutputSheet]:
    """Scoring (values, or native formulas with ``live``), Pyramid, Issues, then extension sheets."""
    assert analysis.result is not None
    model, lang, result = analysis.book.model, analysis.book.lang, analysis.result
    if live:
        sheets: list[OutputSheet] = live_sheets(analysis)
    else:
        scored = int(result["Score"].notna().sum())
        sheets = [
            scoring_sheet(model, result, lang, analysis.extra_columns, analysis.as_of),
            pyramid_sheet(model, tier_summary(model, result), lang, scored, analysis.as_of),
        ]
    sheets.append(issues_sheet(analysis.issues, lang, analysis.today))
    for extension in load_extensions():
        sheets.extend(extension.sheets(analysis, analysis.today))
    return sheets


def retier(path: Path, target: Path | None = None, *, force: bool = False, as_of: date | None = None,
           live: bool = False, progress: Progress | None = None, extend_tables: bool = False,
           messages: Lang | None = None) -> RetierReport:
    """Score the book and write Scoring, Pyramid and Issues into ``target`` (default: in place).

    ``progress`` is told each stage (reading, scoring, writing rows) as it starts.
    ``extend_tables`` takes rows typed right below an input table into it, in the written
    book too.
    """
    progress = progress or Progress.off()
    progress.stage(f"reading {path.name}")
    book = read_book(path, messages, extend_tables=extend_tables)
    progress.stage(f"checking and scoring {len(book.customers):,} customers")
    analysis = analyse_book(book, as_of)
    if not analysis.ok or analysis.result is None:
        raise ModelError(analysis.issues, messages or analysis.book.lang)
    release_freed_memory()  # what scoring freed, before the sheets are built
    progress.stage(f"building the sheets of {len(analysis.result):,} customers")
    sheets = output_sheets(analysis, live=live)
    release_freed_memory()
    progress.stage(f"writing {(target or path).name}", total=sum(_rows_written(sheet) for sheet in sheets))
    # A values run leaves no live helper sheet behind from an earlier `--live` run.
    stale = () if live else (LIVE_MODEL_SHEET[analysis.book.lang],)
    written = write_workbook(path, sheets, target=target, force=force, full_calc_on_load=live,
                             remove=stale, progress=progress.advance, resize_tables=book.resized_tables)
    result = analysis.result
    return RetierReport(
        target=written.target,
        backup=written.backup,
        customers=len(result),
        scored=int(result["Score"].notna().sum()),
        summary=tier_summary(analysis.book.model, result),
        issues=analysis.issues,
        as_of=analysis.as_of,
        written=written,
        lang=messages or analysis.book.lang,
        blanks=_with_blanks(analysis.book),
    )


def _with_blanks(book: Book) -> int:
    columns = [*book.model.measure_columns, *book.model.direct_columns]
    return int(book.customers[columns].isna().any(axis=1).sum()) if columns else 0


def _rows_written(sheet: OutputSheet) -> int:
    """The rows the writer reports progress for: every row some table or free cell is on."""
    spans = sorted([(t.row, t.row + t.n_rows) for t in sheet.tables] + [(c.row, c.row) for c in sheet.cells])
    count, covered = 0, 0  # covered: last row counted so far
    for first, last in spans:
        if last > covered:
            count += last - max(first, covered + 1) + 1
            covered = last
    return count
