"""A banded measure may name a tblValue column: the scores use the predictions, joined by Customer ID."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from tests.fixtures.books import BookSpec, write
from tests.fixtures.orders import simulated_orders
from xlscore.cli import main
from xlscore.value.template import fill_orders
from xlscore.workbook.tables import TableSource

TRUE = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5, "p": 6.0, "q": 4.0, "v": 15.0}


def _orders() -> pd.DataFrame:
    orders = simulated_orders(300, **TRUE, start=date(2025, 1, 6), days=364, seed=9)
    mine = pd.DataFrame([["K001", date(2025, 2, 1), 500.0], ["K001", date(2025, 11, 1), 700.0],
                         ["K001", date(2025, 12, 20), 900.0], ["K002", date(2025, 3, 1), 20.0],
                         ["K003", date(2025, 1, 10), 50.0], ["K003", date(2025, 1, 20), 40.0],
                         ["K004", date(2025, 6, 1), 10.0]], columns=orders.columns)
    return pd.concat([orders, mine], ignore_index=True)


def _add_orders(wb: Workbook) -> None:
    """Fill the template's Orders sheet (tblOrders)."""
    fill_orders(wb, "en", [list(row) for row in _orders().itertuples(index=False)])


def _spec() -> BookSpec:
    spec = BookSpec()
    spec.indicators = [["Value", "banded", "zero", "no", ""], ["Future value", "banded", "zero", "no", ""]]
    spec.weights = [["Value", 50, 50], ["Future value", 50, 50]]
    spec.bands = [["Value", "Sales", None, 5000, 10], ["Value", "Sales", 5000, None, 100],
                  ["Future value", "Predicted value", None, 100, 0],
                  ["Future value", "Predicted value", 100, 1000, 50],
                  ["Future value", "Predicted value", 1000, None, 100]]
    return spec


def _scoring(path: Path) -> dict[str, dict[str, object]]:
    table = TableSource(path).table("tblScoring")
    return {str(row[0]): dict(zip(table.headers, row, strict=False)) for row in table.rows}


def test_retier_refits_from_tbl_orders_and_bands_predicted_value(tmp_path: Path) -> None:
    book = write(tmp_path / "book.xlsx", _spec(), _add_orders)
    customers_before = list(TableSource(book).table("tblCustomers").rows)
    out = tmp_path / "out.xlsx"
    assert main(["retier", str(book), "-o", str(out), "--quiet", "--as-of", "2026-01-05"]) == 0
    source = TableSource(out)
    value = source.table("tblValue")
    predicted = {str(r[0]): r[value.headers.index("Predicted value")] for r in value.rows}
    scoring = _scoring(out)
    for cid in ("K001", "K002", "K003", "K004"):
        worth = predicted[cid]
        assert isinstance(worth, float)
        points = 0 if worth < 100 else 50 if worth < 1000 else 100
        assert scoring[cid]["Future value"] == points, (cid, worth)
    assert scoring["K005"]["Future value"] == 0  # no orders: no prediction, "If missing" = zero
    fit = {str(row[0]): row[1] for row in source.table("tblValueFit").rows}
    assert fit["As of"] == "2026-01-05"  # the run's as-of date reaches the refit
    assert list(TableSource(out).table("tblCustomers").rows) == customers_before  # the user's table is not written


def test_without_tbl_orders_the_last_value_sheet_is_read(tmp_path: Path) -> None:
    book = write(tmp_path / "book.xlsx", _spec(), _add_orders)
    valued = tmp_path / "valued.xlsx"
    assert main(["value", str(book), "-o", str(valued), "--quiet", "--as-of", "2026-01-05"]) == 0

    def drop_orders(wb: Workbook) -> None:
        del wb["Orders"]

    from openpyxl import load_workbook

    wb = load_workbook(valued)
    drop_orders(wb)
    wb.save(valued)
    out = tmp_path / "out.xlsx"
    assert main(["retier", str(valued), "-o", str(out), "--quiet", "--as-of", "2026-01-05"]) == 0
    value = TableSource(valued).table("tblValue")
    predicted = {str(r[0]): r[value.headers.index("Predicted value")] for r in value.rows}
    worth = predicted["K001"]
    assert isinstance(worth, float)
    assert _scoring(out)["K001"]["Future value"] == (0 if worth < 100 else 50 if worth < 1000 else 100)


def test_a_model_naming_predicted_value_without_orders_or_value_says_what_is_missing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def no_orders_sheet(wb: Workbook) -> None:
        del wb["Orders"]

    book = write(tmp_path / "book.xlsx", _spec(), no_orders_sheet)
    assert main(["validate", str(book)]) == 1
    assert "'Predicted value' has no column in tblCustomers" in capsys.readouterr().out


def test_the_template_s_empty_orders_table_says_there_are_no_orders(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = write(tmp_path / "book.xlsx", _spec())
    assert main(["validate", str(book)]) == 1
    out = capsys.readouterr().out
    assert "Orders!A1" in out and "no customer has an order" in out


def test_orders_that_cannot_support_a_fit_stop_the_retier_at_tbl_orders(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def few_orders(wb: Workbook) -> None:
        fill_orders(wb, "en", [["K001", date(2025, 1, 1), 10.0], ["K001", date(2025, 2, 1), 10.0]])

    book = write(tmp_path / "book.xlsx", _spec(), few_orders)
    assert main(["retier", str(book), "--quiet", "--as-of", "2026-01-05"]) == 1
    out = capsys.readouterr().out
    assert "Orders!A1" in out and "repeat buyers" in out and "'Predicted value'" in out


def test_live_formulas_refuse_measures_from_tbl_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = write(tmp_path / "book.xlsx", _spec(), _add_orders)
    out = tmp_path / "o.xlsx"
    assert main(["retier", str(book), "-o", str(out), "--live", "--quiet", "--as-of", "2026-01-05"]) == 1
    assert "re-tier without --live" in capsys.readouterr().err


def test_sql_refuses_measures_from_tbl_value_and_explain_traces_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = write(tmp_path / "book.xlsx", _spec(), _add_orders)
    assert main(["sql", str(book)]) == 1
    assert "come from tblValue" in capsys.readouterr().err
    assert main(["explain", str(book), "K001", "--as-of", "2026-01-05"]) == 0
    assert "Predicted value" in capsys.readouterr().out
