"""The re-tier job shared by the CLI and the ribbon: read, check, score, write."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from xlscore.engine import score_customers
from xlscore.extensions import load_extensions
from xlscore.issues import IssueList, ModelError
from xlscore.progress import Progress
from xlscore.validate import result_warnings
from xlscore.workbook.layout import Lang
from xlscore.workbook.reader import Book, read_book
from xlscore.workbook.report import issues_sheet, pyramid_sheet, scoring_sheet, tier_summary
from xlscore.workbook.sheetdata import ColumnFormat, OutputSheet

__all__ = ["Analysis", "ExtraColumn", "RetierReport", "analyse", "analyse_book", "output_sheets", "retier"]


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
    issues: IssueList = field(default_factory=IssueList)
    extra_columns: list[ExtraColumn] = field(default_factory=list)
    today: date = field(default_factory=date.today)  # the run's date: override expiry, follow-ups, periods

    @property
    def ok(self) -> bool:
        return not self.issues.errors


@dataclass(frozen=True)
class RetierReport:
    target: Path
    backup: Path | None
    customers: int
    scored: int
    summary: pd.DataFrame
    issues: IssueList
    lang: Lang = "en"
    blanks: int = 0  # customers with at least one blank scoring cell


def analyse(path: Path, today: date | None = None, messages: Lang | None = None) -> Analysis:
    """Read and validate the book; score it when it has no errors. ``messages``: their language (default the book's)."""
    return analyse_book(read_book(path, messages), today)


def analyse_book(book: Book, today: date | None = None) -> Analysis:
    """Validate an already read book (a file, or a workbook open in Excel); score it when it has no errors."""
    today = today or date.today()
    issues = IssueList(book.issues)
    if issues.errors:
        return Analysis(book, None, issues, today=today)
    result = score_customers(book.model, book.customers)
    issues.extend(result_warnings(book.model, result, book.columns, issues.lang))
    analysis = Analysis(book, result, issues, today=today)
    for extension in load_extensions():
        extension.apply(analysis)
    if analysis.issues.errors:
        analysis.result = None
    return analysis


def output_sheets(analysis: Analysis, today: date, *, live: bool = False) -> list[OutputSheet]:
    """Scoring (values, or native formulas with ``live``), Pyramid, Issues, then extension sheets."""
    assert analysis.result is not None
    model, lang, result = analysis.book.model, analysis.book.lang, analysis.result
    if live:
        from xlscore.workbook.formulas import live_sheets

        sheets: list[OutputSheet] = live_sheets(analysis, today)
    else:
        scored = int(result["Score"].notna().sum())
        sheets = [
            scoring_sheet(model, result, lang, analysis.extra_columns, today),
            pyramid_sheet(model, tier_summary(model, result), lang, scored, today),
        ]
    sheets.append(issues_sheet(analysis.issues, lang, today))
    for extension in load_extensions():
        sheets.extend(extension.sheets(analysis, today))
    return sheets


def retier(path: Path, target: Path | None = None, *, force: bool = False, today: date | None = None,
           live: bool = False, progress: Progress | None = None, messages: Lang | None = None) -> RetierReport:
    """Score the book and write Scoring, Pyramid and Issues into ``target`` (default: in place).

    ``progress`` is told each stage (reading, scoring, writing rows) as it starts.
    """
    progress = progress or Progress.off()
    progress.stage(f"reading {path.name}")
    book = read_book(path, messages)
    progress.stage(f"checking and scoring {len(book.customers):,} customers")
    analysis = analyse_book(book, today)
    if not analysis.ok or analysis.result is None:
        raise ModelError(analysis.issues, messages or analysis.book.lang)
    from xlscore.workbook.live_model import LIVE_MODEL_SHEET
    from xlscore.workbook.writer import write_workbook

    progress.stage(f"building the sheets of {len(analysis.result):,} customers")
    sheets = output_sheets(analysis, analysis.today, live=live)
    progress.stage(f"writing {(target or path).name}", total=sum(_rows_written(sheet) for sheet in sheets))
    # A values run leaves no live helper sheet behind from an earlier `--live` run.
    stale = () if live else (LIVE_MODEL_SHEET[analysis.book.lang],)
    written = write_workbook(path, sheets, target=target, force=force, full_calc_on_load=live,
                             remove=stale, progress=progress.advance)
    result = analysis.result
    return RetierReport(
        target=written.target,
        backup=written.backup,
        customers=len(result),
        scored=int(result["Score"].notna().sum()),
        summary=tier_summary(analysis.book.model, result),
        issues=analysis.issues,
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
