"""Classification through real workbooks: retier, validate and ``xlscore classify``, en and zh.

The book is the standard fixture (tests/fixtures/books.py) with a sixth customer and four
extra Customers columns. Figures, as of 2026-06-30 (tblClassify.As of date):

| ID   | Score | Rank | Tier | last purchase (days) | orders | Sales | Activity | Referrals | cost |
|------|-------|------|------|----------------------|--------|-------|----------|-----------|------|
| K001 | 96    | 1    | A    | 2026-06-30 (0)       | 12     | 6000  | 100      | 0         | 10   |
| K005 | 76    | 2    | A    | 2025-06-29 (366)     | 8      | 5000  | 20       | 0         | 5    |
| K004 | 57    | 3    | B    | 2026-03-31 (91)      | 5      | blank | 100      | 1         | 60   |
| K006 | 55    | 4    | C    | 2025-06-30 (365)     | 8      | 2000  | 20       | 0         | 20   |
| K002 | 32.5  | 5    | C    | 2026-04-01 (90)      | 3      | 1000  | 20       | 5         | 5    |
| K003 | 10    | 6    | C    | blank                | blank  | 999.99| blank    | blank     | blank|

K006 scores (70*50 + 20*30 + 70*20) / 100 = 55; share tiers of 6: A = ceil(1.2) = 2 ranks,
B = ceil(3) = 3, C the rest. RFM is over the four customers with all three values.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from tests.helpers.classify_books import (
    by_id,
    set_table,
    write_book,
    write_zh_book,
)
from xlscore.analysis import analyse
from xlscore.classify.extension import CLASSIFICATION
from xlscore.classify.labels import SETTINGS_TABLES
from xlscore.cli import main
from xlscore.retier import output_sheets
from xlscore.workbook.tables import TableSource


def test_every_family_by_hand(tmp_path: Path) -> None:
    rows = by_id(write_book(tmp_path / "book.xlsx"))
    assert {k: (r["Score"], r["Tier"]) for k, r in rows.items()} == {
        "K001": (96, "A"), "K005": (76, "A"), "K004": (57, "B"), "K006": (55, "C"), "K002": (32.5, "C"),
        "K003": (10, "C")}
    assert {k: r["Lifecycle"] for k, r in rows.items()} == {
        "K001": "Active", "K002": "Active", "K003": "Prospect", "K004": "Dormant", "K005": "Churned",
        "K006": "Dormant"}
    assert {k: (r["Type"], r["Type rule"]) for k, r in rows.items()} == {
        "K001": ("High value", "1: Score >= 70"), "K005": ("High value", "1: Score >= 70"),
        "K002": ("Word of mouth", "2: Referrals >= 3 and Sales < 1500"),
        "K004": ("Maintenance", "3: Service cost (k) >= 50 and Score < 60"),
        "K006": ("Sleeping", "4: Lifecycle = dormant"), "K003": ("Ordinary", "5: (any customer)")}
    # R on days 0, 90, 366, 365 -> 4, 3, 1, 2; F on 12, 3, 8, 8 -> 4, 1, 2, 2 (tie); M on 6000, 1000, 5000, 2000
    assert {k: (r["RFM"], r["RFM segment"]) for k, r in rows.items()} == {
        "K001": ("444", "Loyal"), "K002": ("311", "About to sleep"), "K005": ("123", "Hibernating"),
        "K006": ("222", "Hibernating"), "K004": (None, None), "K003": (None, None)}
    assert {k: r["Nine-box"] for k, r in rows.items()} == {
        "K001": "High value, high potential", "K005": "High value, low potential",
        "K004": "Mid value, high potential", "K006": "Mid value, low potential",
        "K002": "Low value, low potential", "K003": None}


def test_scoring_sheet_columns_and_methods_figures(tmp_path: Path) -> None:
    analysis = analyse(write_book(tmp_path / "book.xlsx"))
    sheets = {s.name: s for s in output_sheets(analysis)}
    scoring = sheets["Scoring"].tables[0]
    assert [c.header for c in scoring.columns][-7:] == ["Flags", "Lifecycle", "Type", "Type rule", "RFM",
                                                       "RFM segment", "Nine-box"]
    assert next(c for c in scoring.columns if c.header == "RFM").fmt == "text"
    assert list(sheets)[-2:] == ["Nine-box", "Methods"]
    summary = {t.name: t for t in sheets["Methods"].tables}["tblMethodsAgreement"]
    got = list(zip(*(c.values for c in summary.columns), strict=True))
    # tier classes A high, B middle, C low. RFM: K001 A/Loyal agree, K002 C/About to sleep agree,
    # K005 A/Hibernating not, K006 C/Hibernating agree. Nine-box: K001 high/high, K006 and K002 low/low
    # agree; K005 (A, middle cell) and K004 (B, high cell) do not. All three: K001, K002, K006 of 4.
    assert got == [("Tier vs RFM segment", 4, 3, 0.75), ("Tier vs nine-box", 5, 3, 0.6),
                   ("Tier, RFM and nine-box", 4, 3, 0.75)]
    grid = {t.name: t for t in sheets["Nine-box"].tables}["tblNineBoxGrid"]
    assert [list(c.values) for c in grid.columns] == [
        ["High", "Mid", "Low", "Total"], [1, 1, 1, 3], [0, 0, 0, 0], [1, 1, 0, 2], [2, 2, 1, 5]]
    nine = sheets["Nine-box"]
    assert nine.chart is None  # the grid is the picture
    shown = {(c.row, c.col): c for c in nine.cells}
    # headers carry the cut points; high value on top, potential low -> high left to right
    assert shown[4, 2].value == "Potential: Low (< 40)" and shown[4, 4].value == "Potential: High (≥ 70)"
    assert shown[5, 1].value == "Value: High (≥ 70)" and shown[13, 1].value == "Value: Low (< 40)"
    assert shown[5, 4].value == "1 customer · 20.0%" and shown[5, 4].fill == "C6E0B4"  # high/high: K001
    assert shown[13, 2].value == "1 customer · 20.0%" and shown[13, 2].fill == "F8CBAD"  # low/low
    assert shown[5, 3].value == "0 customers · 0.0%" and shown[6, 3].value == "—"
    assert str(shown[6, 4].value).endswith(")")  # the top name with its score


def test_types_can_read_rfm_and_nine_box(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        set_table(wb, "types", [["Keep", "RFM segment = loyal", ""], ["Grow", "Nine-box = 'Mid value, high potential'",
                                                                     ""], ["Recent", "R >= 3 and F < 2", ""]])

    rows = by_id(write_book(tmp_path / "book.xlsx", edit))
    assert {k: r["Type"] for k, r in rows.items()} == {
        "K001": "Keep", "K004": "Grow", "K002": "Recent", "K003": None, "K005": None, "K006": None}


@pytest.mark.parametrize(("key", "rows", "cell"), [
    ("lifecycle", [["Active", "sometimes", 90, ""]], "Lifecycle!B2"),
    ("types", [["High", "Score >>= 70", ""]], "Types!B2"),
    ("segments", [["Champions", "5", "4-6", None, "high", ""]], "RFM segments!C2"),
    ("ninebox", [["Value", "Score", 70, 40, ""], ["Potential", "Activity", 40, 70, ""]], "Nine-box settings!C2"),
    ("settings", [["As of date", "end of June", ""]], "Classify!B2"),
])
def test_bad_settings_block_the_retier_naming_the_cell(tmp_path: Path, key: str, rows: list[list[Any]],
                                                       cell: str) -> None:
    path = write_book(tmp_path / "book.xlsx", lambda wb: set_table(wb, key, rows))
    before = path.read_bytes()
    analysis = analyse(path)
    assert [str(i.ref) for i in analysis.issues.errors] == [cell]
    assert main(["validate", str(path)]) == 1
    assert main(["retier", str(path), "--quiet"]) == 1
    assert path.read_bytes() == before


def test_text_in_a_mapped_purchase_column_is_an_error_at_its_cell(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        wb["Customers"]["K3"] = "three"  # Orders (12 months) of the second customer (K002)

    analysis = analyse(write_book(tmp_path / "book.xlsx", edit))
    assert [(str(i.ref), i.code) for i in analysis.issues.errors] == [("Customers!K3", "not-a-number")]


def test_a_book_without_the_tables_is_scored_as_before(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "book.xlsx", drop=tuple(SETTINGS_TABLES))
    analysis = analyse(path)
    assert analysis.ok and analysis.result is not None
    assert not [c for c in analysis.extra_columns if c.name in ("Lifecycle", "Type", "Nine-box")]
    assert [s.name for s in output_sheets(analysis)][:3] == ["Scoring", "Pyramid", "Issues"]
    assert "Nine-box" not in [s.name for s in output_sheets(analysis)]
    assert main(["classify", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Lifecycle     off: the book has no table tblLifecycle (sheet 'Lifecycle')" in out
    assert "--add-defaults" in out


def test_missing_purchase_column_leaves_lifecycle_and_rfm_out_with_warnings(tmp_path: Path) -> None:
    def edit(wb: Workbook) -> None:
        set_table(wb, "settings", [["Last purchase column", "Last order", ""], ["Monetary column", "Sales", ""]])

    analysis = analyse(write_book(tmp_path / "book.xlsx", edit))
    assert analysis.result is not None
    assert "Lifecycle" not in analysis.result and "RFM" not in analysis.result
    warnings = [(str(i.ref), i.code) for i in analysis.issues.warnings if i.code == "missing-classify-column"]
    assert warnings == [("Classify!B2", "missing-classify-column")]  # read once, for lifecycle and RFM


def test_classify_command_prints_counts_and_writes_only_with_output(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "book.xlsx")
    before = path.read_bytes()
    assert main(["classify", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Lifecycle: Prospect 1, Active 2, Dormant 2, Churned 1" in out
    assert "Agreement, Tier vs RFM segment: 3 of 4 customers (75.0%)" in out
    assert path.read_bytes() == before
    target = tmp_path / "out.xlsx"
    assert main(["classify", str(path), "-o", str(target)]) == 0
    assert {"Scoring", "Nine-box", "Methods"} <= set(TableSource(target).sheet_names)
    assert path.read_bytes() == before


def test_add_defaults_adds_only_the_missing_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "book.xlsx", drop=("lifecycle", "segments"))
    assert main(["classify", str(path), "--add-defaults"]) == 0
    assert "added tblLifecycle, tblRFMSegments" in capsys.readouterr().out
    source = TableSource(path)
    lifecycle = source.table("tblLifecycle")
    assert [r[:3] for r in lifecycle.rows] == [["Prospect", "no purchase", None], ["Active", "up to", 90],
                                               ["Dormant", "up to", 365], ["Churned", "beyond", None]]
    assert source.table("tblRFMSegments").rows[1][:5] == ["Loyal", "3-4", "4-5", None, "high"]
    assert source.table("tblTypes").rows[0][0] == "High value"  # the book's own table is kept
    rows = by_id(path)
    assert rows["K001"]["RFM segment"] == "Loyal"


def test_chinese_book(tmp_path: Path) -> None:
    path = write_zh_book(tmp_path / "zh.xlsx")
    analysis = analyse(path, date(2026, 11, 1))
    assert analysis.ok and analysis.result is not None
    headers = [c.header for c in analysis.extra_columns]
    assert headers == ["生命周期", "客户类型", "类型规则", "RFM", "RFM细分", "九宫格"]
    assert set(analysis.result["Lifecycle"]) <= {"潜在", "活跃", "沉睡", "流失"}
    assert analysis.result["Lifecycle"].tolist().count("潜在") == 1
    segments = {r[0] for r in TableSource(path).table("tblRFMSegments").rows}
    assert set(analysis.result["RFM segment"].dropna()) <= segments
    assert analysis.result["Nine-box"].dropna().str.endswith("潜力").all()
    assert [s.name for s in output_sheets(analysis)][-2:] == ["九宫格", "方法对比"]
    assert CLASSIFICATION.config(analysis).grid is not None


@pytest.mark.parametrize(("lang", "sheets", "rules"), [
    ("en", ["Classify", "Lifecycle", "Types", "RFM segments", "Nine-box settings"], '"no purchase,up to,beyond"'),
    ("zh", ["分类设置", "生命周期", "客户类型", "RFM细分", "九宫格设置"], '"未购买,不超过,超过"'),
])
def test_new_template_ships_the_tables(tmp_path: Path, lang: str, sheets: list[str], rules: str) -> None:
    from openpyxl import load_workbook

    path = tmp_path / f"{lang}.xlsx"
    assert main(["new", str(path), "--lang", lang]) == 0
    source = TableSource(path)
    assert [source.table(spec.table).sheet for spec in SETTINGS_TABLES.values()] == sheets
    assert len(source.table("tblRFMSegments").rows) == 10 and len(source.table("tblTypes").rows) == 5
    ws = load_workbook(path)[sheets[1]]
    assert rules in {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert main(["validate", str(path)]) == 0  # no customers yet: warnings at most
