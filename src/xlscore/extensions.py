"""Optional stages of a re-tier that live in their own modules (overrides, history, classes).

An extension reads its own optional tables from the book (``analysis.book.source``), may
add issues, add or change result columns (declaring added ones in ``analysis.extra_columns``
so the Scoring sheet shows them), and may add sheets of its own. Extensions run in the
order listed, after scoring; an error issue from any of them stops the re-tier before
anything is written, like any validation error.
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from xlscore.retier import Analysis
    from xlscore.workbook.sheetdata import OutputSheet

__all__ = ["EXTENSIONS", "Extension", "load_extensions"]

# "module:attribute" of objects implementing Extension, in the order they run.
EXTENSIONS: tuple[str, ...] = (
    "xlscore.history.overrides:OVERRIDES_STAGE",  # before history: movement uses the final tier
    "xlscore.history.stage:HISTORY_STAGE",
    "xlscore.classify.extension:CLASSIFICATION",  # after overrides: classes use the final tier
    "xlscore.value.extension:VALUE_STAGE",  # the Value sheets of a refit that measures came from
)


class Extension(Protocol):
    name: str

    def apply(self, analysis: Analysis) -> None:
        """Read own tables, add issues, add/change columns of ``analysis.result``."""

    def sheets(self, analysis: Analysis, today: date) -> list[OutputSheet]:
        """Extra sheets to write (owned by xlscore, replaced on every run)."""


def load_extensions() -> list[Extension]:
    loaded: list[Extension] = []
    for spec in EXTENSIONS:
        module, _, attr = spec.partition(":")
        loaded.append(getattr(importlib.import_module(module), attr))
    return loaded
