"""The re-tier stage of the value model: when measures came from a refit on tblOrders, write its sheets.

Reading the book already refitted the models (the scores need the predictions); this stage
passes the fit's warnings on and writes Value and Value model, so tblValue always shows the
predictions the scores were banded on.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xlscore.retier import Analysis
    from xlscore.value.predict import ValueRun
    from xlscore.workbook.sheetdata import OutputSheet

__all__ = ["VALUE_STAGE"]


def _run(analysis: Analysis) -> ValueRun | None:
    """The refit reading did, if any (the fit libraries are imported only by books that use them)."""
    joined = analysis.book.extras.get("value")
    run: ValueRun | None = getattr(joined, "run", None)
    return run


class ValueStage:
    name = "value"

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
