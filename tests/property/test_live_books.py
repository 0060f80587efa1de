"""Live-formula books for tests: a Model + customer rows as a workbook, and its Scoring sheet
read back as plain values to compare with the engine.

The helpers are shared by the LibreOffice property test, the edit test and the cached-value
tests; the tests at the bottom check the helpers themselves.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from tests.fixtures.books import BookSpec, write
from tests.helpers.live_books import (
    TODAY,
    same,
    spec_of,
)
from xlscore.analysis import analyse


# ------------------------------------------------------------- the helpers' own tests
def test_spec_of_round_trips_the_model(tmp_path: Path) -> None:
    spec = BookSpec()
    source = write(tmp_path / "book.xlsx", spec)
    model = analyse(source, TODAY).book.model
    rebuilt = spec_of(model, [{"Customer ID": "K1", "Sales": 5, "Margin %": None, "Visits": 3, "Rating": 70,
                               "Approved": "yes"}])
    again = write(tmp_path / "again.xlsx", rebuilt)
    assert analyse(again, TODAY).book.model == model


def test_same_treats_blank_text_as_blank_and_compares_scores_exactly() -> None:
    assert same(None, float("nan"), "Score") and same("", None, "Tier")
    assert not same(84.0, 84.00000000000001, "Score")
    assert same(33.33333333333333, 33.333333333333336, "Value")  # 15 significant digits
    assert same(datetime(2026, 2, 9), pd.Timestamp("2026-02-09"), "Next follow-up")


