"""Re-tier real books end to end and compare the written sheets with reference output.

The small book's figures are checked by hand (see the comments); the demo book's are kept
in golden JSON files (regenerate with XLSCORE_UPDATE_GOLDEN=1 after a deliberate change; a missing file fails).
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from xlscore.cli import main
from xlscore.templates.demo import write_demo_book

from ..fixtures.books import write

HERE = Path(__file__).parent
GOLDEN_AS_OF = date(2026, 11, 1)  # the demo books' as-of date, pinned in the book


def table_rows(path: Path, sheet: str, table: str) -> list[dict[str, Any]]:
    wb = load_workbook(path, data_only=True)
    ws = wb[sheet]
    ref = ws.tables[table].ref
    rows = [[c.value for c in row] for row in ws[ref]]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_small_book_by_hand(tmp_path: Path) -> None:
    src, out = write(tmp_path / "book.xlsx"), tmp_path / "out.xlsx"
    assert main(["retier", str(src), "-o", str(out), "--quiet"]) == 0
    rows = table_rows(out, "Scoring", "tblScoring")
    got = [(r["Customer ID"], r["Score"], r["Rank"], r["Tier"]) for r in rows]
    assert got == [
        ("K001", 96, 1, "A"),  # (100*50 + 100*30 + 80*20) / 100
        ("K005", 76, 2, "B"),  # (100*50 + 20*30 + 100*20) / 100
        ("K004", 57, 3, "B"),  # Sales blank -> 0: (30*50 + 100*30 + 60*20) / 100
        ("K002", 32.5, 4, "C"),  # Partner, Rating unapproved: (45*40 + 20*40) / 80
        ("K003", 10, 5, "C"),  # Visits and Rating left out: 10*50 / 50
    ]
    by_id = {r["Customer ID"]: r for r in rows}
    assert by_id["K002"]["Flags"] == "unapproved: Rating"
    assert by_id["K003"]["Flags"] == "missing: Margin %; missing: Visits; missing: Rating"
    assert by_id["K001"]["Next follow-up"] == datetime(2026, 2, 9)  # 2026-01-10 + 30 days
    assert by_id["K003"]["Next follow-up"] is None
    assert by_id["K002"]["Profile"] == "Partner" and by_id["K001"]["Profile"] == "Default"
    assert list(rows[0])[:13] == ["Customer ID", "Customer", "Owner", "Profile", "Value", "Activity", "Rating", "Score",
                             "Rank", "Tier", "Policy", "Next follow-up", "Flags"]
    pyramid = table_rows(out, "Pyramid", "tblPyramid")
    assert [(r["Tier"], r["Customers"]) for r in pyramid] == [("A", 1), ("B", 2), ("C", 2)]
    issues = table_rows(out, "Issues", "tblIssues")
    assert all(r["Severity"] != "error" for r in issues)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_demo_book_matches_golden(tmp_path: Path, lang: str) -> None:
    src = tmp_path / "demo.xlsx"
    write_demo_book(src, 120, seed=11, lang=lang, as_of=GOLDEN_AS_OF)  # the book pins it: no --as-of needed
    assert main(["retier", str(src), "--quiet"]) == 0
    sheet = "Scoring" if lang == "en" else "评分"
    rows = [{k: _plain(v) for k, v in r.items()} for r in table_rows(src, sheet, "tblScoring")]
    golden = HERE / f"demo-{lang}-scoring.json"
    if os.environ.get("XLSCORE_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert golden.exists(), f"{golden.name} is missing: regenerate it with XLSCORE_UPDATE_GOLDEN=1 and review the diff"
    assert rows == json.loads(golden.read_text(encoding="utf-8"))
