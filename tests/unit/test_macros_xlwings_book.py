"""The Excel adapter (XlwingsBook) against a recording stand-in of xlwings' object model.

Every call the adapter makes is checked against the real signature in ``xlwings.main``
(and every attribute it touches exists there), so a misspelt keyword or property fails
here rather than in Excel. Real Excel is exercised by tests/excel and the manual checklist.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
import xlwings as xw

from tests.helpers.macros_books import TODAY, memory_book
from xlscore import macros
from xlscore.openbook.xlwings_book import CHART_NAME, XlwingsBook
from xlscore.workbook.refs import column_index


def conforms(real: Any, *args: Any, **kwargs: Any) -> None:
    """Raise TypeError when the call would not bind to the real xlwings method."""
    inspect.signature(real).bind(None, *args, **kwargs)


class Log:
    def __init__(self) -> None:
        self.reads: list[str] = []  # table ranges read
        self.writes: list[str] = []  # sheets assigned to
        self.calls: list[str] = []


class FakeRange:
    def __init__(self, sheet: FakeSheet, first: tuple[int, int], last: tuple[int, int] | None = None,
                 address: str | None = None) -> None:
        self.sheet, self.row, self.column = sheet, first[0], first[1]
        self.last = last or first
        self.address = address
        self.left, self.top = 48.0 * (self.column - 1), 15.0 * (self.row - 1)

    def options(self, convert: Any = None, **options: Any) -> FakeRange:
        conforms(xw.main.Range.options, convert, **options)
        assert options == {"ndim": 2, "err_to_str": True}
        return self

    @property
    def value(self) -> Any:
        self.sheet.log.reads.append(f"{self.sheet.name}!R{self.row}C{self.column}")
        return [[self.sheet.cells.get((r, c)) for c in range(self.column, self.last[1] + 1)]
                for r in range(self.row, self.last[0] + 1)]

    @value.setter
    def value(self, data: list[list[Any]]) -> None:
        self.sheet.log.writes.append(self.sheet.name)
        for i, row in enumerate(data):
            for j, v in enumerate(row):
                self.sheet.cells[self.row + i, self.column + j] = v

    def __getitem__(self, key: tuple[int, int]) -> FakeRange:
        return FakeRange(self.sheet, (self.row + key[0], self.column + key[1]))

    @property
    def shape(self) -> tuple[int, int]:
        return self.last[0] - self.row + 1, self.last[1] - self.column + 1

    def resize(self, row_size: int | None = None, column_size: int | None = None) -> FakeRange:
        conforms(xw.main.Range.resize, row_size, column_size)
        assert row_size is not None and column_size is not None
        return FakeRange(self.sheet, (self.row, self.column), (self.row + row_size - 1, self.column + column_size - 1))

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("number_format", "column_width"):
            self.sheet.log.calls.append(f"{name} {self.sheet.name}!R{self.row}C{self.column}={value}")
        object.__setattr__(self, name, value)


class FakeTable:
    def __init__(self, name: str, rng: FakeRange, show_totals: bool = False) -> None:
        self.name, self.range, self.show_totals = name, rng, show_totals

    def resize(self, range: FakeRange) -> None:
        conforms(xw.main.Table.resize, range)
        self.range = range


class Collection(list[Any]):
    def __iter__(self) -> Iterator[Any]:
        return super().__iter__()


class FakeTables(Collection):
    def __init__(self, sheet: FakeSheet) -> None:
        super().__init__()
        self._sheet = sheet

    def add(self, source: FakeRange | None = None, **kwargs: Any) -> FakeTable:
        conforms(xw.main.Tables.add, source, **kwargs)
        assert source is not None
        table = FakeTable(kwargs["name"], source)
        self.append(table)
        return table


class FakeSeries:
    def __init__(self) -> None:
        self.name, self.fill_color = "", None


class FakeChart:
    def __init__(self, name: str) -> None:
        self.name = name
        self.series: list[FakeSeries] = []
        self.legend = type("Legend", (), {"visible": True})()
        self.category_axis = type("Axis", (), {"reverse_order": False})()
        self.source = self.categories = ""
        self.chart_type = self.title = None

    def set_source_data(self, source: FakeRange, plot_by: str | None = None) -> None:
        conforms(xw.main.Chart.set_source_data, source, plot_by)
        assert source.address is not None
        self.source = source.address
        self.series = [FakeSeries() for _ in source.address.split(",")]

    def set_x_axis_values(self, source: FakeRange) -> None:
        conforms(xw.main.Chart.set_x_axis_values, source)
        self.categories = source.address or ""


class FakeCharts(Collection):
    def add(self, left: float = 0, top: float = 0, width: float = 355, height: float = 211, **kwargs: Any) -> FakeChart:
        conforms(xw.main.Charts.add, left, top, width, height, **kwargs)
        chart = FakeChart(kwargs["name"])
        self.append(chart)
        return chart


class FakeSheet:
    def __init__(self, name: str, log: Log) -> None:
        self.name, self.log = name, log
        self.cells: dict[tuple[int, int], Any] = {}
        self.tables, self.charts = FakeTables(self), FakeCharts()

    def range(self, cell1: Any, cell2: Any = None) -> FakeRange:
        conforms(xw.main.Sheet.range, cell1, cell2)
        if isinstance(cell1, str):
            first = cell1.split(",")[0].replace("$", "").split(":")[0]
            letters = "".join(ch for ch in first if ch.isalpha())
            return FakeRange(self, (int(first[len(letters):]), column_index(letters)), address=cell1)
        return FakeRange(self, cell1, cell2)

    def clear_contents(self) -> None:
        self.log.calls.append(f"clear {self.name}")
        self.cells.clear()

    def activate(self) -> None:
        self.log.calls.append(f"activate {self.name}")


class FakeSheets(Collection):
    def __init__(self, log: Log) -> None:
        super().__init__()
        self.log = log

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return super().__getitem__(key)

    def add(self, name: str | None = None, before: Any = None, after: Any = None) -> FakeSheet:
        conforms(xw.main.Sheets.add, name, before, after)
        sheet = FakeSheet(name or "Sheet", self.log)
        self.append(sheet)
        return sheet


class FakeApp:
    def __init__(self) -> None:
        self.alerts: list[str] = []
        self.status_bar: str | bool = False

    def alert(self, prompt: str, title: str | None = None, **kwargs: Any) -> None:
        conforms(xw.main.App.alert, prompt, title, **kwargs)
        self.alerts.append(prompt)


class FakeBook:
    def __init__(self, name: str) -> None:
        self.name, self.log, self.app = name, Log(), FakeApp()
        self.sheets = FakeSheets(self.log)
        self.selection: FakeRange | None = None


def fake_excel_book() -> FakeBook:
    """The standard book as Excel holds it (values as xlwings reads them), tables at A1."""
    memory = memory_book()
    book = FakeBook("scoring.xlsx")
    for name in memory.sheet_names:
        sheet = book.sheets.add(name)
        sheet.cells.update(memory.cells[name])
    for t in memory.tables.values():
        sheet = book.sheets[t.sheet]
        sheet.tables.append(FakeTable(t.name, FakeRange(sheet, (t.top, t.left), (t.bottom, t.right))))
    book.log.calls.clear()
    return book


def test_fakes_only_touch_what_xlwings_has() -> None:
    """Each stand-in offers only methods and attributes the real xlwings class has."""
    pairs = [(FakeRange, xw.main.Range), (FakeTable, xw.main.Table), (FakeChart, xw.main.Chart),
             (FakeSheet, xw.main.Sheet), (FakeApp, xw.main.App), (FakeBook, xw.main.Book),
             (FakeCharts, xw.main.Charts), (FakeTables, xw.main.Tables), (FakeSeries, xw.main.ChartSeries),
             (FakeSheets, xw.main.Sheets)]
    bookkeeping = {"log", "cells", "last", "source", "categories", "alerts", "address"}
    for fake, real in pairs:
        instance = fake(*_sample_args(fake))
        offered = {n for n in [*vars(fake), *vars(instance)] if not n.startswith("_")} - bookkeeping
        assert offered, fake
        assert not {n for n in offered if not hasattr(real, n)}, fake.__name__
    assert hasattr(xw.main.ChartLegend, "visible") and hasattr(xw.main.ChartAxis, "reverse_order")
    assert {"number_format", "column_width", "row", "column", "left", "top"} <= set(dir(xw.main.Range))


def _sample_args(fake: type) -> tuple[Any, ...]:
    log = Log()
    sheet = FakeSheet("S", log)
    return {FakeRange: (sheet, (1, 1)), FakeTable: ("t", FakeRange(sheet, (1, 1))), FakeChart: ("c",),
            FakeSheet: ("S", log), FakeBook: ("b",), FakeTables: (sheet,), FakeSheets: (log,)}.get(fake, ())


def test_retier_through_the_excel_adapter_reads_each_table_once_and_writes_each_sheet_once() -> None:
    book = fake_excel_book()
    message = macros.retier(XlwingsBook(book), as_of=TODAY)  # type: ignore[arg-type]
    assert message == "Re-tiered 5 customers (5 scored) as of 2026-05-01 (from --as-of): A 1, B 2, C 2."
    assert book.app.alerts == [message]
    assert sorted(book.log.reads) == ["Bands!R1C1", "Customers!R1C1", "Indicators!R1C1", "Tiers!R1C1",
                                      "Weights!R1C1"]
    assert book.log.writes == ["Scoring", "Pyramid", "Issues"]
    scoring = book.sheets["Scoring"]
    width = max(col for _, col in scoring.cells)
    headers = [scoring.cells.get((1, c)) for c in range(1, width + 1)]
    score, follow_up = headers.index("'Score") + 1, headers.index("'Next follow-up") + 1
    assert scoring.cells[2, 1] == "'K001" and scoring.cells[2, score] == 96.0  # text keeps its apostrophe
    # the table ends before the as-of status line, which is one blank column to its right
    assert [(t.name, t.range.row, t.range.last) for t in scoring.tables] == [("tblScoring", 1, (6, width - 2))]
    assert str(scoring.cells[1, width]).startswith("'Scored 5 of 5 customers as of 2026-05-01")
    assert f"number_format Scoring!R2C{follow_up}=yyyy-mm-dd" in book.log.calls


def test_the_pyramid_chart_is_created_then_refreshed_in_place() -> None:
    book = fake_excel_book()
    macros.retier(XlwingsBook(book), as_of=TODAY)  # type: ignore[arg-type]
    pyramid = book.sheets["Pyramid"]
    chart = pyramid.charts[0]
    assert (chart.name, chart.chart_type, chart.source, chart.categories) == (
        CHART_NAME, "bar_stacked", "$I$4:$I$6,$B$4:$B$6", "$H$4:$H$6")
    assert chart.category_axis.reverse_order is True and chart.legend.visible is False
    assert [(s.name, s.fill_color) for s in chart.series] == [("Spacer", (255, 255, 255)), ("Customers", (31, 78, 121))]
    macros.retier(XlwingsBook(book), as_of=TODAY)  # type: ignore[arg-type]
    assert len(pyramid.charts) == 1 and len(pyramid.tables) == 1  # refreshed and resized, not duplicated


def test_issues_are_hyperlink_formulas_in_the_same_assignment() -> None:
    book = fake_excel_book()
    bands = book.sheets["Bands"]
    bands.cells[3, 3] = 900.0  # Sales 900-5000 overlaps ...-1000
    macros.retier(XlwingsBook(book), as_of=TODAY)  # type: ignore[arg-type]
    issues = book.sheets["Issues"]
    assert issues.cells[2, 2] == '=HYPERLINK("#Bands!C3","Bands!C3")'
    assert book.log.writes == ["Issues"]
    assert book.app.alerts[0].startswith("1 error in the workbook: nothing was re-tiered.")


def test_explain_reads_the_selection_through_the_adapter() -> None:
    book = fake_excel_book()
    customers = book.sheets["Customers"]
    book.selection = FakeRange(customers, (3, 2))
    message = macros.explain_selection(XlwingsBook(book), as_of=TODAY)  # type: ignore[arg-type]
    assert message == "Customer K002: Score 32.50, rank 4, tier C. The full trace is on the Explain sheet."


@pytest.mark.parametrize("length", [10, 5000])
def test_long_messages_are_cut_to_fit_a_message_box(length: int) -> None:
    book = FakeBook("b.xlsx")
    XlwingsBook(book).notify("x" * length)  # type: ignore[arg-type]
    assert len(book.app.alerts[0]) == min(length, 1000)


def test_a_total_row_is_not_read_as_a_customer() -> None:
    book = fake_excel_book()
    customers = book.sheets["Customers"]
    table = customers.tables[0]
    last = table.range.last[0] + 1
    customers.cells[last, 1], customers.cells[last, 5] = "Total", 17999.99
    table.range, table.show_totals = FakeRange(customers, (1, 1), (last, table.range.last[1])), True
    message = macros.retier(XlwingsBook(book), as_of=TODAY)  # type: ignore[arg-type]
    assert message == "Re-tiered 5 customers (5 scored) as of 2026-05-01 (from --as-of): A 1, B 2, C 2."
