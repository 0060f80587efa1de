"""The ribbon macros end to end on an in-memory open book made from tests/fixtures/books.py.

Figures are the hand-checked ones of tests/unit/test_udfs.py: scores 96, 76, 57, 32.5, 10 in
rank order K001, K005, K004, K002, K003; share tiers A 1, B 2, C 2.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Any

import pytest

from tests.fixtures.books import BookSpec
from tests.helpers.macros_books import TODAY, column, memory_book
from xlscore import macros
from xlscore.openbook import MemoryBook


def test_retier_writes_scoring_pyramid_and_issues_into_the_open_book() -> None:
    book = memory_book()
    message = macros.retier(book, as_of=TODAY)
    assert message == "Re-tiered 5 customers (5 scored) as of 2026-05-01 (from --as-of): A 1, B 2, C 2."
    assert book.messages == [message]
    names = book.sheet_names
    assert names.index("Scoring") < names.index("Pyramid") < names.index("Issues")  # after the model sheets
    assert names.index("Customers") < names.index("Scoring")
    assert book.active_sheet == "Scoring"
    assert column(book, "tblScoring", "Customer ID") == ["K001", "K005", "K004", "K002", "K003"]
    assert column(book, "tblScoring", "Score") == [96.0, 76.0, 57.0, 32.5, 10.0]
    assert column(book, "tblScoring", "Tier") == ["A", "B", "B", "C", "C"]
    # Next follow-up: a date serial shown as a date; K001 2026-01-10 + 30 days = 2026-02-09 = 46062
    assert column(book, "tblScoring", "Next follow-up")[0] == 46062.0
    headers = book.table_values("tblScoring")[0]
    assert book.number_formats["Scoring"][2, headers.index("Next follow-up") + 1] == "yyyy-mm-dd"
    assert book.number_formats["Scoring"][2, headers.index("Score") + 1] == "#,##0.00"
    assert column(book, "tblScoring", "Flags")[3] == "unapproved: Rating"
    assert column(book, "tblPyramid", "Customers") == [1.0, 2.0, 2.0]
    assert column(book, "tblPyramid", "Label") == ["A: 1 (20.0%)", "B: 2 (40.0%)", "C: 2 (40.0%)"]
    assert column(book, "tblPyramid", "Spacer") == [0.5, 0.0, 0.0]  # (widest 2 - count) / 2
    chart = book.charts["Pyramid"]
    assert (chart.categories, chart.xlwings_type) == ("$H$4:$H$6", "bar_stacked")
    assert [(s.name, s.values, s.visible) for s in chart.series] == [
        ("Spacer", "$I$4:$I$6", False), ("Customers", "$B$4:$B$6", True)]
    assert chart.series[1].colors == ("1F4E79", "2E75B6", "9DC3E6")
    assert book.table_values("tblIssues") == [["Severity", "Cell", "Message"], [None, None, None]]


def test_each_table_is_read_once_and_each_sheet_written_in_one_assignment() -> None:
    book = memory_book()
    macros.retier(book, as_of=TODAY)
    assert dict(book.reads) == {"tblIndicators": 1, "tblWeights": 1, "tblBands": 1, "tblTiers": 1,
                                "tblCustomers": 1}
    assert set(book.writes.values()) == {1}
    assert {"Scoring", "Pyramid", "Issues"} <= set(book.writes)


def test_a_second_retier_replaces_the_sheets_and_clears_old_rows() -> None:
    spec = BookSpec()
    book = memory_book(spec)
    macros.retier(book, as_of=TODAY)
    spec.customers = spec.customers[:3]  # K004 and K005 leave
    smaller = memory_book(spec)
    for key in ("Scoring", "Pyramid", "Issues"):
        smaller.cells[key] = book.cells[key]
    smaller.tables.update({k: v for k, v in book.tables.items() if k in ("tblscoring", "tblpyramid", "tblissues")})
    macros.retier(smaller, as_of=TODAY)
    assert column(smaller, "tblScoring", "Customer ID") == ["K001", "K002", "K003"]
    assert smaller.value("Scoring", "A5") is None  # K004's old row is gone
    assert smaller.sheet_names.count("Scoring") == 1


def test_retier_with_errors_writes_only_the_issues_sheet_with_links() -> None:
    spec = BookSpec()
    spec.bands[1][2] = 900  # Bands row 3: Sales 900-5000 overlaps ...-1000 of row 2
    spec.customers[1][4] = "n/a"  # Customers!E3
    book = memory_book(spec)
    message = macros.retier(book, as_of=TODAY)
    assert message == ("2 errors in the workbook: nothing was re-tiered. Each one is listed on the Issues sheet "
                       "with a link to its cell.")
    assert "Scoring" not in book.sheet_names and "Pyramid" not in book.sheet_names
    assert book.active_sheet == "Issues"
    rows = book.table_values("tblIssues")
    assert rows[1][:2] == ["error", '=HYPERLINK("#Bands!C3","Bands!C3")']
    assert rows[1][2].startswith("band 900–5,000 overlaps band …–1,000 of the same measure 'Sales' (row 2)")
    assert rows[2][:2] == ["error", '=HYPERLINK("#Customers!E3","Customers!E3")']


def test_validate_lists_problems_and_changes_nothing_else() -> None:
    spec = BookSpec()
    spec.bands[6][2] = 4  # Visits: gap between 0-3 and 4-...: a warning
    book = memory_book(spec)
    assert macros.validate(book) == "0 errors, 1 warning: see the Issues sheet (each cell is a link)."
    rows = book.table_values("tblIssues")
    assert rows[1][:2] == ["warning", '=HYPERLINK("#Bands!C8","Bands!C8")']
    assert book.sheet_names[-1] == "Issues" and "Scoring" not in book.sheet_names
    assert macros.validate(memory_book()) == "No problems found: 5 customers ready to re-tier."


@pytest.mark.parametrize(("sheet", "address", "customer"), [
    ("Customers", "B3", "K002"),  # a cell of K002's row in tblCustomers
    ("Scoring", "H4", "K004"),  # Scoring is in rank order: row 4 is K004
    ("Tiers", "H1", "K005"),  # any cell that holds a Customer ID
])
def test_explain_selection_traces_the_selected_customer(sheet: str, address: str, customer: str) -> None:
    book = memory_book()
    macros.retier(book, as_of=TODAY)
    if sheet == "Tiers":
        book.cells["Tiers"][1, 8] = "K005"
    book.select(sheet, address)
    message = macros.explain_selection(book, as_of=TODAY)
    scores = {"K002": "Score 32.50, rank 4, tier C", "K004": "Score 57.00, rank 3, tier B",
              "K005": "Score 76.00, rank 2, tier B"}
    assert message == f"Customer {customer}: {scores[customer]}. The full trace is on the Explain sheet."
    assert book.active_sheet == "Explain"
    assert book.value("Explain", "A1").startswith(f"Customer {customer} ")
    lines = [book.value("Explain", f"A{r}") for r in range(1, 20)]
    assert f"Score = ROUND(total, 2) = {scores[customer].split()[1].rstrip(',')}" in lines


def test_explain_without_a_customer_selected_says_what_to_do() -> None:
    book = memory_book()
    book.select("Weights", "A1")
    assert macros.explain_selection(book, as_of=TODAY).startswith("Select a cell in a customer's row")
    assert "Explain" not in book.sheet_names


def test_explain_names_the_band_cells_of_the_open_book() -> None:
    book = memory_book()
    book.select("Customers", "A3")
    macros.explain_selection(book, as_of=TODAY)
    assert book.value("Explain", "A3") == "  Sales = 1,000: band 1,000 <= v < 5,000 (Bands!C3) -> 40 of 70 points"


def test_snapshot_records_the_quarter_through_the_history_feature() -> None:
    pytest.importorskip("xlscore.history.snapshot")
    book = memory_book()
    message = macros.snapshot(book, as_of=TODAY, taken_at=datetime(2026, 5, 1, 9, 30))
    history_sheet = book.sheet_names[-1]
    assert message == f"Snapshot 2026-Q2: 5 customers recorded on the {history_sheet} sheet."
    history = book.table_values("tblHistory")
    assert len(history) == 6 and {row[0] for row in history[1:]} == {"2026-Q2"}
    assert "Scoring" in book.sheet_names


def test_snapshot_without_the_history_feature_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def missing(name: str, package: str | None = None) -> Any:
        if name.startswith("xlscore.history"):
            raise ModuleNotFoundError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", missing)
    book = memory_book()
    assert macros.snapshot(book, as_of=TODAY).startswith("Snapshot needs the history feature (xlscore.history)")
    assert book.writes == {}


@pytest.mark.parametrize(("lang", "customers_sheet"), [("en", "Customers"), ("zh", "客户")])
def test_new_from_template_opens_a_new_book_in_the_callers_language(lang: str, customers_sheet: str) -> None:
    caller = memory_book() if lang == "en" else MemoryBook("客户评分.xlsx", cells={"客户": {}})
    message = macros.new_from_template(caller)
    new = caller.opened[0]
    assert new.active_sheet == customers_sheet
    assert {"tblindicators", "tblweights", "tblbands", "tbltiers", "tblcustomers"} <= set(new.tables)
    assert message.startswith(f"New scoring workbook {new.name}: ")
    assert new.messages == [message]


def test_text_that_looks_like_a_number_stays_text() -> None:
    spec = BookSpec()
    spec.customers[0][0] = "00123"
    book = memory_book(spec)
    macros.retier(book, as_of=TODAY)
    assert book.value("Scoring", "A2") == "00123"


def test_a_chinese_book_gets_chinese_output_sheets() -> None:
    caller = MemoryBook("x.xlsx", cells={"客户": {}})
    macros.new_from_template(caller)
    zh = caller.opened[0]
    message = macros.retier(zh, as_of=TODAY)
    assert message.startswith("Re-tiered 0 customers (0 scored)")
    assert {"评分", "金字塔", "问题"} <= set(zh.sheet_names)


def test_a_blank_workbook_gets_the_five_missing_tables_listed() -> None:
    book = MemoryBook("Book1", cells={"Sheet1": {}})
    assert macros.validate(book) == "5 errors, 0 warnings: see the Issues sheet (each cell is a link)."
    cells = [row[1] for row in book.table_values("tblIssues")[1:]]
    assert cells == [f'=HYPERLINK("#{s}!A1","{s}!A1")' for s in ("Indicators", "Weights", "Bands", "Tiers",
                                                                 "Customers")]
    assert macros.retier(book).startswith("5 errors in the workbook: nothing was re-tiered.")
