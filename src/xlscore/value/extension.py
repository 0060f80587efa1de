"""The re-tier stage of the value model, for books whose measures name tblValue columns.

Before scoring, with the run's as-of date known, the models are refitted on tblOrders and
the predicted columns filled in per customer; after scoring the fit's warnings are passed on
and Value and Value model are written, so tblValue always shows the predictions the scores
were banded on.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xlscore.analysis import Analysis
    from xlscore.asof import AsOf
    from xlscore.value.predict import ValueRun
    from xlscore.workbook.reader import Book
    from xlscore.workbook.sheetdata import OutputSheet

__all__ = ["VALUE_STAGE"]


def _run(analysis: Analysis) -> ValueRun | None:
    """The refit reading did, if any (the fit libraries are imported only by books that use them)."""
    joined = analysis.book.extras.get("value")
    run: ValueRun | None = getattr(joined, "run", None)
    return run


class ValueStage:
    name = "value"

    def prepare(self, book: Book, as_of: AsOf) -> None:
        joined = book.extras.get("value")
        if joined is None or not getattr(joined, "pending", False) or book.source is None:
            return
        from xlscore.value.join import fill_customers, refit

        refit(book.source, joined, as_of.day, book.issues)
        joined.pending = False
        if not book.customers.empty:
            fill_customers(book.customers, joined)

    def apply(self, analysis: Analysis) -> None:
        run = _run(analysis)
        if run is not None:
            for note in run.notes:
                analysis.issues.warning(None, f"value model: {note}", "value-fit")

    def sheets(self, analysis: Analysis, today: date) -> list[OutputSheet]:
        run = _run(analysis)
        if run is None:
            return []
        from xlscore.value.sheets import value_model_sheet, value_sheet

        return [value_sheet(run, analysis.book.lang), value_model_sheet(run, analysis.book.lang)]


VALUE_STAGE = ValueStage()
