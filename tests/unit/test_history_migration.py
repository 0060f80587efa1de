"""Snapshots over three periods: exact migration matrices, movers, new and lost customers.

The book and its ratings are described in ``test_history_books``; every figure here can be
checked against that table by hand.
"""

from __future__ import annotations

import math
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.helpers.history_books import QUARTER_END, customer_rows, new_book, records, set_customers, table_rows
from xlscore.cli import main
from xlscore.history.migration import compare, movement
from xlscore.history.periods import parse_period
from xlscore.history.snapshot import take_snapshot
from xlscore.history.store import History, snapshot_rows, with_snapshot
from xlscore.retier import retier


def matrix_of(path: Path) -> dict[str, list[Any]]:
    head, rows = table_rows(path, "tblMigration")
    assert head[0] == "From \\ To"
    return {"head": head[1:], **{str(r[0]): [int(v) for v in r[1:]] for r in rows}}


@pytest.fixture(scope="module")
def three_periods(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Q1 and Q2 recorded with take_snapshot, Q3 with the CLI; a copy of the book after each."""
    folder = tmp_path_factory.mktemp("history")
    book = new_book(folder / "book.xlsx", customer_rows("2026-Q1"))
    copies: dict[str, Path] = {}
    for period in ("2026-Q1", "2026-Q2"):
        set_customers(book, customer_rows(period))
        take_snapshot(book, period, as_of=QUARTER_END[period], taken_at=datetime.combine(QUARTER_END[period], time(17)))
        copies[period] = folder / f"after-{period}.xlsx"
        copies[period].write_bytes(book.read_bytes())
    set_customers(book, customer_rows("2026-Q3"))
    assert main(["snapshot", str(book), "--period", "2026-Q3"]) == 0
    copies["2026-Q3"] = book
    return copies


def test_q1_to_q2_matrix_counts_rows_to_previous_tier_size(three_periods: dict[str, Path]) -> None:
    m = matrix_of(three_periods["2026-Q2"])
    assert m["head"] == ["A", "B", "C", "Lost", "Total"]
    assert m["A"] == [1, 1, 0, 0, 2]  # K01 stays, K02 drops to B
    assert m["B"] == [1, 1, 0, 0, 2]  # K03 up to A, K04 stays
    assert m["C"] == [0, 1, 0, 1, 2]  # K05 up to B, K06 gone
    assert m["New"] == [1, 0, 0, 0, 1]  # K07
    assert m["Total"] == [3, 3, 0, 1, 7]


def test_q2_to_q3_matrix_movers_new_and_lost(three_periods: dict[str, Path]) -> None:
    book = three_periods["2026-Q3"]
    m = matrix_of(book)
    assert m["A"] == [1, 1, 0, 1, 3]  # K03 stays, K01 down, K07 lost
    assert m["B"] == [1, 1, 1, 0, 3]  # K05 up, K02 same, K04 down
    assert m["C"] == [0, 0, 0, 0, 0]
    assert m["New"] == [1, 1, 1, 0, 3]  # K09 A, K06 B, K08 C
    assert m["Total"] == [3, 3, 2, 1, 9]
    head, shares = table_rows(book, "tblMigrationShare")
    assert head == ["From \\ To", "A", "B", "C", "Lost"]
    assert [round(v, 4) for v in shares[0][1:]] == [0.3333, 0.3333, 0.0, 0.3333]
    assert shares[2][1:] == ["", "", "", ""]  # nobody was C in Q2: no share to show
    scoring = {r["Customer ID"]: r for r in records(book, "tblScoring")}
    moves = {cid: (r["Previous tier"] or None, r["Tier"], r["Movement"]) for cid, r in scoring.items()}
    assert moves == {
        "K01": ("A", "B", "down"), "K02": ("B", "B", "same"), "K03": ("A", "A", "same"),
        "K04": ("B", "C", "down"), "K05": ("B", "A", "up"), "K06": (None, "B", "new"),
        "K08": (None, "C", "new"), "K09": (None, "A", "new"),
    }
    assert [r["Customer ID"] for r in records(book, "tblMigrationNew")] == ["K09", "K06", "K08"]
    assert records(book, "tblMigrationLost") == [{"Customer ID": "K07", "Previous tier": "A",
                                                  "Previous score": 95.0}]


def test_history_holds_every_period_in_order(three_periods: dict[str, Path]) -> None:
    rows = records(three_periods["2026-Q3"], "tblHistory")
    assert [r["Period"] for r in rows] == ["2026-Q1"] * 6 + ["2026-Q2"] * 6 + ["2026-Q3"] * 8
    q1 = [(r["Customer ID"], r["Score"], r["Rank"], r["Tier"], r["Rating"]) for r in rows[:3]]
    assert q1 == [("K01", 90.0, 1.0, "A", 90.0), ("K02", 85.0, 2.0, "A", 85.0), ("K03", 60.0, 3.0, "B", 60.0)]
    assert rows[0]["Taken at"] == datetime(2026, 3, 31, 17, 0)


def test_migration_chart_is_a_native_100_percent_stacked_bar(three_periods: dict[str, Path]) -> None:
    with zipfile.ZipFile(three_periods["2026-Q3"]) as zf:
        charts = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/charts/chart")]
    migration = [c for c in charts if "percentStacked" in c and "Migration!" in c]  # the pyramid is one too
    assert len(migration) == 1
    xml = migration[0]
    assert re.findall(r"<c:tx><c:v>([^<]*)</c:v></c:tx>", xml) == ["A", "B", "C", "Lost"]
    assert "<c:f>Migration!$A$6:$A$9</c:f>" in xml
    assert "<c:f>Migration!$E$6:$E$9</c:f>" in xml  # the Lost column, Total excluded
    assert 'srgbClr val="1F4E79"' in xml and 'srgbClr val="C00000"' in xml


def test_resnapshot_replaces_the_period_with_a_warning(three_periods: dict[str, Path], tmp_path: Path) -> None:
    book = tmp_path / "again.xlsx"
    book.write_bytes(three_periods["2026-Q3"].read_bytes())
    rows = customer_rows("2026-Q3")
    rows[6][4] = 50  # K08 45 -> 50: C -> B
    set_customers(book, rows)
    report = take_snapshot(book, "2026-Q3", as_of=date(2026, 10, 2), taken_at=datetime(2026, 10, 2, 9, 30))
    replaced = [i for i in report.issues.warnings if i.code.startswith(("snapshot-", "history-"))]
    assert [i.code for i in replaced] == ["snapshot-replaced"]
    assert "2026-Q3 was already recorded (8 rows" in replaced[0].message
    history = records(book, "tblHistory")
    assert len(history) == 20
    k08 = [r for r in history if r["Customer ID"] == "K08"]
    assert [(r["Period"], r["Tier"], r["Taken at"]) for r in k08] == [("2026-Q3", "B", datetime(2026, 10, 2, 9, 30))]
    # still measured against Q2, the period before the one recorded (not the quarter of the run)
    assert matrix_of(book)["New"] == [1, 2, 0, 0, 3]


def test_retier_next_quarter_compares_with_the_last_snapshot(three_periods: dict[str, Path], tmp_path: Path) -> None:
    book = tmp_path / "q4.xlsx"
    book.write_bytes(three_periods["2026-Q3"].read_bytes())
    retier(book, as_of=date(2026, 10, 15))
    m = matrix_of(book)
    assert m["A"] == [3, 0, 0, 0, 3] and m["B"] == [0, 3, 0, 0, 3] and m["C"] == [0, 0, 2, 0, 2]
    assert {r["Movement"] for r in records(book, "tblScoring")} == {"same"}
    _, cells = table_rows(book, "tblMigration")
    assert cells  # the sheet's title names the periods
    title = _cell(book, "Migration", 0, 0)
    assert title == "Tier migration 2026-Q3 → 2026-Q4"


def test_retier_within_a_recorded_quarter_compares_with_the_one_before(three_periods: dict[str, Path],
                                                                        tmp_path: Path) -> None:
    book = tmp_path / "q3.xlsx"
    book.write_bytes(three_periods["2026-Q3"].read_bytes())
    retier(book, as_of=date(2026, 8, 1))
    assert matrix_of(book) == matrix_of(three_periods["2026-Q3"])


def _cell(path: Path, sheet: str, row: int, col: int) -> Any:
    import python_calamine as calamine

    data = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return data[row][col]


# ---------------------------------------------------------------- pure rules
ORDER = {"a": 0, "b": 1, "c": 2}


@pytest.mark.parametrize(("previous", "current", "is_new", "expected"), [
    ("A", "B", False, "down"), ("C", "A", False, "up"), ("b", "B", False, "same"),
    (None, "A", True, "new"), ("A", "A", True, "new"),
    (None, "A", False, None),  # had no tier last time: cannot say
    ("A", None, False, None),  # has no tier now
    (None, None, False, "same"),
    ("Gold", "A", False, None),  # a tier renamed since: cannot be ordered
    ("Gold", "gold", False, "same"),
])
def test_movement_rules(previous: str | None, current: str | None, is_new: bool, expected: str | None) -> None:
    assert movement(previous, current, ORDER, is_new) == expected


def _result(rows: list[tuple[str, float | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame({"Customer ID": [r[0] for r in rows], "Customer": [r[0] for r in rows],
                         "Owner": [None] * len(rows), "Score": [r[1] for r in rows],
                         "Rank": [1.0] * len(rows), "Tier": pd.Series([r[2] for r in rows], dtype=object),
                         "X": [r[1] for r in rows]})


def test_compare_keeps_renamed_and_untiered_rows_visible() -> None:
    from xlscore.model import Indicator, Model, Tier, WeightProfile

    model = Model((Indicator("X", "direct"),), (), (WeightProfile("Default", {"X": 100}),),
                  (Tier("A", min_score=50), Tier("B", min_score=0)))
    q1 = parse_period("2026-Q1")
    q2 = parse_period("2026-Q2")
    assert q1 and q2
    before = _result([("1", 70, "Gold"), ("2", None, None), ("3", 10, "B")])
    history = with_snapshot(History.empty(), snapshot_rows(model, before, q1, datetime(2026, 3, 31)), ["X"])
    now = _result([("1", 70, "A"), ("2", 60, "A"), ("3", None, None)])
    comparison = compare(now, history, q2, ["A", "B"])
    assert comparison is not None
    assert comparison.movement.tolist() == [None, None, None]
    m = comparison.matrix
    assert m.index.tolist() == ["A", "B", "Gold", "(no tier)", "New"]
    assert m.columns.tolist() == ["A", "B", "(no tier)", "Lost"]
    assert m.loc["Gold", "A"] == 1 and m.loc["(no tier)", "A"] == 1 and m.loc["B", "(no tier)"] == 1
    assert int(m.to_numpy().sum()) == 3


def test_periods_sort_by_dates_and_reject_nonsense() -> None:
    labels = ["2026-Q3", "2025-12", "2026-H1", "2026-q1", "2027"]
    periods = sorted(p for p in map(parse_period, labels) if p)
    assert [p.label for p in periods] == ["2025-12", "2026-Q1", "2026-H1", "2026-Q3", "2027"]
    assert [parse_period(x) for x in ("2026-Q5", "2026-13", "26-Q1", "", None)] == [None] * 5
    q4 = parse_period("2026-Q4")
    assert q4 is not None and (q4.start, q4.end) == (date(2026, 10, 1), date(2026, 12, 31))


def test_snapshot_rejects_a_bad_period_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = new_book(tmp_path / "b.xlsx")
    before = book.read_bytes()
    assert main(["snapshot", str(book), "--period", "Q3 2026"]) == 2
    assert "is not a period like 2026-Q3" in capsys.readouterr().err
    assert book.read_bytes() == before


def test_first_snapshot_writes_a_migration_note_and_no_movement_columns(tmp_path: Path) -> None:
    book = new_book(tmp_path / "b.xlsx")
    report = take_snapshot(book, as_of=date(2026, 5, 5))
    assert report.period.label == "2026-Q2" and report.periods == ["2026-Q2"]
    head, _ = table_rows(book, "tblScoring")
    assert "Movement" not in head and "Previous tier" not in head
    assert "No snapshot before 2026-Q2" in str(_cell(book, "Migration", 1, 0))
    assert math.isclose(records(book, "tblHistory")[0]["Score"], 90.0)
