"""Books for the over-time tests: one direct indicator, threshold tiers, customers per period.

Score = Rating (weight 100 %), so a customer's tier is read straight off its rating:
A >= 80, B >= 50, C >= 0. The three periods move customers in known ways:

=====  ========  ========  ==========================================
id     2026-Q1   2026-Q2   2026-Q3
=====  ========  ========  ==========================================
K01    90 A      90 A      75 B   (down)
K02    85 A      70 B      72 B   (same)
K03    60 B      82 A      88 A   (same)
K04    55 B      55 B      20 C   (down)
K05    40 C      52 B      81 A   (up)
K06    30 C      --        65 B   (new again: not in Q2)
K07    --        95 A      --     (lost since Q2)
K08    --        --        45 C   (new)
K09    --        --        85 A   (new)
=====  ========  ========  ==========================================
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.helpers.history_books import (
    new_book,
)


def test_books_score_is_the_rating(tmp_path: Path) -> None:
    from xlscore.analysis import analyse

    analysis = analyse(new_book(tmp_path / "b.xlsx"), date(2026, 3, 31))
    assert analysis.ok and analysis.result is not None
    tiers = dict(zip(analysis.result["Customer ID"], analysis.result["Tier"], strict=True))
    assert tiers == {"K01": "A", "K02": "A", "K03": "B", "K04": "B", "K05": "C", "K06": "C"}
