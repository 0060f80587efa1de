"""explain traces every point to a Bands row and reconciles exactly to the engine's Score."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from xlscore.analysis import analyse
from xlscore.cli import main
from xlscore.explain import explain_customer
from xlscore.templates.demo import write_demo_book

from ..fixtures.books import write


def test_hand_checked_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "book.xlsx")
    assert main(["explain", str(path), "K004"]) == 0
    out = capsys.readouterr().out
    assert "Sales: blank" in out
    assert "Margin % = 10: band 10 <= v < … (Bands!C6) -> 30 of 30 points" in out
    assert "Visits = 3: band 3 <= v < … (Bands!C8) -> 100 of 100 points" in out
    assert "Rating = 60 (direct score)" in out
    assert "Total = (30 x 50 + 100 x 30 + 60 x 20) / 100 = 57" in out
    assert "Score = ROUND(total, 2) = 57.00" in out
    assert "Rank 3 of 5" in out
    assert "Tier B: rank 3 <= ceil(50 % x 5) = 3" in out


def test_unknown_customer_is_usage_error(tmp_path: Path) -> None:
    assert main(["explain", str(write(tmp_path / "book.xlsx")), "nobody"]) == 2


def test_every_demo_trace_reconciles_with_the_engine(tmp_path: Path) -> None:
    path = tmp_path / "demo.xlsx"
    write_demo_book(path, 250, seed=3)
    analysis = analyse(path)
    assert analysis.result is not None
    for index, score in analysis.result["Score"].items():
        trace = explain_customer(analysis.book.model, analysis.book.customers, analysis.result, int(index))
        if math.isnan(score):
            assert trace.score is None
        else:
            assert trace.score == score
