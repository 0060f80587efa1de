"""tblHistory read back cell by cell: rows that cannot be read are named, and a snapshot refuses them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from tests.helpers.history_books import new_book
from xlscore.analysis import analyse
from xlscore.history.periods import parse_period
from xlscore.history.snapshot import snapshot_sheets
from xlscore.history.store import History, parse_history, snapshot_rows, with_snapshot
from xlscore.issues import ModelError
from xlscore.workbook.tables import RawTable

HEAD = ("Period", "Taken at", "Customer ID", "Score", "Rank", "Tier", "Rating")


def table(rows: list[list[object]], headers: tuple[str, ...] = HEAD) -> RawTable:
    return RawTable("tblHistory", "Score history", 1, 1, headers, rows)


def test_readable_rows_become_the_history() -> None:
    history = parse_history(table([
        ["2026-Q1", datetime(2026, 3, 31, 17), "K01", 90.0, 1.0, "A", 90.0],
        ["2026-Q1", 46112.5, 2.0, 40.0, 2.0, "C", None],  # a serial date; a numeric ID
        ["2026-q2", None, "K01", 70.0, 1.0, "B", 70.0],
    ]))
    assert history.problems == ()
    assert [p.label for p in history.periods] == ["2026-Q1", "2026-Q2"]
    assert history.rows["Customer ID"].tolist() == ["K01", 2, "K01"]
    assert history.rows["Taken at"].tolist()[1] == datetime(2026, 3, 31, 12)
    assert history.indicators == ("Rating",)


@pytest.mark.parametrize(("row", "cell", "words"), [
    (["2026-Q5", None, "K01", 90, 1, "A", 90], "Score history!A3", "is not a period like 2026-Q3"),
    (["2026-Q1", None, None, 90, 1, "A", 90], "Score history!C3", "Customer ID is blank"),
    (["2026-Q1", None, "K02", "ninety", 1, "A", 90], "Score history!D3", "not a number"),
    (["2026-Q1", None, "K02", 90, 1, "A", "n/a"], "Score history!G3", "not a number"),
    (["2026-Q1", "last week", "K02", 90, 1, "A", 90], "Score history!B3", "not a date"),
    (["2026-Q1", None, "k01", 90, 1, "A", 90], "Score history!C3", "appears twice in period 2026-Q1"),
])
def test_unreadable_rows_are_named_by_cell(row: list[object], cell: str, words: str) -> None:
    history = parse_history(table([["2026-Q1", None, "K01", 80, 1, "A", 80], row]))
    assert [(str(p.ref), p.severity) for p in history.problems] == [(cell, "warning")]
    assert words in history.problems[0].message
    assert len(history.rows) == 1


def test_a_table_without_period_column_is_a_problem() -> None:
    history = parse_history(table([["K01", 80, "A"]], ("Customer ID", "Score", "Tier")))
    assert [str(p.ref) for p in history.problems] == ["Score history!D1"]
    assert len(history.rows) == 0


def test_snapshot_refuses_to_rewrite_unreadable_history(tmp_path: Path) -> None:
    analysis = analyse(new_book(tmp_path / "b.xlsx"), date(2026, 3, 31))
    broken = parse_history(table([["2026-Q1", None, "K01", 80, 1, "A", 80],
                                  ["20260", None, "K02", 80, 1, "A", 80]]))
    with pytest.raises(ModelError) as caught:
        snapshot_sheets(analysis, "2026-Q2", datetime(2026, 6, 30), broken)
    assert [(i.severity, str(i.ref)) for i in caught.value.issues] == [("error", "Score history!A3")]
    assert "would lose this row" in caught.value.issues[0].message


def test_snapshot_sheets_is_pure_and_adds_the_period(tmp_path: Path) -> None:
    analysis = analyse(new_book(tmp_path / "b.xlsx"), date(2026, 3, 31))
    sheets = snapshot_sheets(analysis, "2026-Q1", datetime(2026, 3, 31, 17), None)
    names = [s.name for s in sheets]
    assert names[:3] == ["Scoring", "Pyramid", "Issues"] and names[-2:] == ["Migration", "Score history"]
    assert names.count("Migration") == 1  # the stage's own Migration sheet is replaced, not doubled
    history = sheets[-1].tables[0]
    assert history.name == "tblHistory"
    assert [c.header for c in history.columns] == list(HEAD)
    assert history.columns[0].values == ["2026-Q1"] * 6


def test_with_snapshot_replaces_a_period_and_keeps_dropped_indicators() -> None:
    old = parse_history(table([["2026-Q1", None, "K01", 80, 1, "A", 80], ["2026-Q2", None, "K01", 70, 1, "B", 70]]))
    q1 = parse_period("2026-Q1")
    assert q1 is not None
    import pandas as pd

    from xlscore.model import Indicator, Model, Tier, WeightProfile

    model = Model((Indicator("Reach", "direct"),), (), (WeightProfile("Default", {"Reach": 100}),),
                  (Tier("A", min_score=0),))
    result = pd.DataFrame({"Customer ID": ["K09"], "Score": [55.0], "Rank": [1.0], "Tier": ["A"], "Reach": [55.0]})
    merged = with_snapshot(old, snapshot_rows(model, result, q1, datetime(2026, 4, 2)), ["Reach"])
    assert merged.indicators == ("Rating", "Reach")
    assert merged.rows["Period"].tolist() == ["2026-Q1", "2026-Q2"]  # time order, Q1 replaced
    assert merged.rows["Customer ID"].tolist() == ["K09", "K01"]
    assert merged.rows["Rating"].isna().tolist() == [True, False]
    assert History.empty().periods == []


def test_each_run_reads_the_history_afresh_even_through_the_same_reader(tmp_path: Path) -> None:
    """A book open in Excel keeps one table reader; a snapshot taken in between must be seen."""
    from xlscore.analysis import analyse_book
    from xlscore.history.stage import load_history
    from xlscore.workbook.reader import read_book

    book = read_book(new_book(tmp_path / "b.xlsx"))
    assert book.source is not None
    tables = {"tblHistory": table([["2026-Q1", None, "K01", 80, 1, "A", 80]])}
    real = book.source

    class Reader:
        sheet_names = real.sheet_names

        def has(self, name: str) -> bool:
            return name in tables or real.has(name)

        def table(self, name: str) -> RawTable:
            return tables[name] if name in tables else real.table(name)

    book.source = Reader()
    first = analyse_book(book, date(2026, 5, 1))
    assert [p.label for p in (load_history(first) or History.empty()).periods] == ["2026-Q1"]
    tables["tblHistory"] = table([["2026-Q1", None, "K01", 80, 1, "A", 80], ["2026-Q2", None, "K01", 80, 1, "A", 80]])
    second = analyse_book(book, date(2026, 8, 1))
    assert [p.label for p in (load_history(second) or History.empty()).periods] == ["2026-Q1", "2026-Q2"]
    assert second.result is not None and second.result.set_index("Customer ID").loc["K01", "Previous tier"] == "A"
