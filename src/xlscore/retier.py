"""The re-tier job shared by the CLI and the ribbon: read, check, score, write."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from xlscore.engine import score_customers
from xlscore.issues import IssueList, ModelError
from xlscore.validate import result_warnings
from xlscore.workbook.reader import Book, read_book
from xlscore.workbook.report import issues_sheet, pyramid_sheet, scoring_sheet, tier_summary
from xlscore.workbook.sheetdata import OutputSheet

__all__ = ["Analysis", "RetierReport", "analyse", "output_sheets", "retier"]


@dataclass
class Analysis:
    book: Book
    result: pd.DataFrame | None
    issues: IssueList = field(default_factory=IssueList)

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


def analyse(path: Path) -> Analysis:
    """Read and validate the book; score it when it has no errors."""
    book = read_book(path)
    issues = IssueList(book.issues)
    if issues.errors:
        return Analysis(book, None, issues)
    result = score_customers(book.model, book.customers)
    issues.extend(result_warnings(book.model, result, book.columns))
    return Analysis(book, result, issues)


def output_sheets(analysis: Analysis, today: date) -> list[OutputSheet]:
    assert analysis.result is not None
    model, lang, result = analysis.book.model, analysis.book.lang, analysis.result
    scored = int(result["Score"].notna().sum())
    return [
        scoring_sheet(model, result, lang),
        pyramid_sheet(model, tier_summary(model, result), lang, scored, today),
        issues_sheet(analysis.issues, lang),
    ]


def retier(path: Path, target: Path | None = None, *, force: bool = False, today: date | None = None) -> RetierReport:
    """Score the book and write Scoring, Pyramid and Issues into ``target`` (default: in place)."""
    analysis = analyse(path)
    if not analysis.ok or analysis.result is None:
        raise ModelError(analysis.issues)
    from xlscore.workbook.writer import write_workbook

    written = write_workbook(path, output_sheets(analysis, today or date.today()), target=target, force=force)
    result = analysis.result
    return RetierReport(
        target=written.target,
        backup=written.backup,
        customers=len(result),
        scored=int(result["Score"].notna().sum()),
        summary=tier_summary(analysis.book.model, result),
        issues=analysis.issues,
    )
