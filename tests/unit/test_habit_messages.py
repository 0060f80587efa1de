"""Messages for what users do out of habit: a CSV given as the book, a misspelled column, and
explaining one customer while other rows still have errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.books import CUSTOMER_HEAD, BookSpec, write
from xlscore.analysis import analyse
from xlscore.cli import main


def test_a_real_csv_file_is_named_as_one_with_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "customers.csv"
    csv.write_text("Customer ID,Customer,Sales\nK1,Acme,100\n")
    assert main(["validate", str(csv)]) == 1
    err = capsys.readouterr().err
    assert "customers.csv is a CSV file, not a workbook: import it into the Customers table" in err
    assert "renamed" not in err


def test_a_csv_renamed_to_xlsx_is_still_called_renamed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "book.xlsx"
    fake.write_text("Customer ID,Customer,Sales\nK1,Acme,100\n")
    assert main(["validate", str(fake)]) == 1
    assert "renamed to a workbook extension" in capsys.readouterr().err


def test_a_misspelled_customers_column_gets_did_you_mean(tmp_path: Path) -> None:
    spec = BookSpec()
    spec.customer_head = [("Sale" if h == "Sales" else "customer-id" if h == "Customer ID" else h)
                          for h in CUSTOMER_HEAD]
    messages = [i.message for i in analyse(write(tmp_path / "book.xlsx", spec)).issues.errors]
    assert any("measure 'Sales' has no column in tblCustomers (sheet Customers) (did you mean 'Sale'?)" in m
               for m in messages)
    assert any("tblCustomers has no column 'Customer ID' (did you mean 'customer-id'?)" in m for m in messages)


def test_no_did_you_mean_without_a_close_name(tmp_path: Path) -> None:
    spec = BookSpec()
    spec.customer_head = [("Turnover" if h == "Sales" else h) for h in CUSTOMER_HEAD]
    messages = [i.message for i in analyse(write(tmp_path / "book.xlsx", spec)).issues.errors]
    assert any("measure 'Sales' has no column" in m and "did you mean" not in m for m in messages)


def _book_with_a_bad_row(path: Path) -> Path:
    spec = BookSpec()
    spec.customers[1][4] = "lots"  # K002's Sales (Customers!E3) is not a number
    return write(path, spec)


def test_explain_one_customer_while_another_row_has_errors(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    book = _book_with_a_bad_row(tmp_path / "book.xlsx")
    assert main(["explain", str(book), "K001"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Customer K001 (Acme)")
    assert "Rank 1 of 4" in out
    assert "note: 1 other customer has errors and was left out" in out
    assert "among the 4 customers without errors" in out
    assert "Customers!E3" in out


def test_explain_the_customer_whose_row_has_the_error_names_it(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    book = _book_with_a_bad_row(tmp_path / "book.xlsx")
    assert main(["explain", str(book), "K002"]) == 1
    captured = capsys.readouterr()
    assert "Customers!E3" in captured.out and "Customer K002" not in captured.out
    assert "customer K002 has errors in its row" in captured.err


def test_explain_with_a_model_error_explains_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = BookSpec()
    spec.weights[0][1] = 60  # Default weights add up to 110
    assert main(["explain", str(write(tmp_path / "book.xlsx", spec)), "K001"]) == 1
    assert "add up to 110" in capsys.readouterr().out
