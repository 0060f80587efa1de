"""One small workbook per validation rule: exit 1, the exact cell, the file untouched."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from xlscore.analysis import analyse
from xlscore.cli import main

from ..fixtures.books import BookSpec, write

Edit = Callable[[BookSpec], None]


def setcell(sheet: str, cell: str, value: object) -> Callable[[Workbook], None]:
    def mutate(wb: Workbook) -> None:
        wb[sheet][cell].value = value
    return mutate


def spec_edit(edit: Edit) -> BookSpec:
    spec = BookSpec()
    edit(spec)
    return spec


def _weights_ref_missing(s: BookSpec) -> None:
    s.weights = s.weights[:2]


def _threshold_tiers(s: BookSpec) -> None:
    s.tiers = [["A", 80, None, "", 30, ""], ["B", 85, None, "", 30, ""], ["C", 0, None, "", 30, ""]]


def _mixed(s: BookSpec) -> None:
    s.tiers[1] = ["B", 50, None, "", 30, ""]


def _shared_measure(s: BookSpec) -> None:
    s.bands.append(["Activity", "Sales", None, None, 0])


# (id, book edit, expected "Sheet!Cell", words the message must contain)
CELL_CASES: list[tuple[str, Callable[[Workbook], None] | Edit, str, str]] = [
    ("text-in-measure", setcell("Customers", "E3", "n/a"), "Customers!E3", "not a number"),
    ("typo-number", setcell("Customers", "E4", "1,2O0"), "Customers!E4", "not a number"),
    ("number-as-text", setcell("Customers", "G2", "12"), "Customers!G2", "not a number"),
    ("text-in-direct", setcell("Customers", "H2", "good"), "Customers!H2", "not a number"),
    ("direct-above-100", setcell("Customers", "H3", 120), "Customers!H3", "outside 0–100"),
    ("direct-negative", setcell("Customers", "H3", -1), "Customers!H3", "outside 0–100"),
    ("duplicate-id", setcell("Customers", "A5", "k001 "), "Customers!A5", "duplicate Customer ID"),
    ("blank-id", setcell("Customers", "A4", None), "Customers!A4", "Customer ID is blank"),
    ("unknown-profile", setcell("Customers", "D2", "Retail"), "Customers!D2", "not a weight column"),
    ("bad-date", setcell("Customers", "J2", "last week"), "Customers!J2", "not a date"),
    ("profile-sum", setcell("Weights", "B2", 60), "Weights!B1", "add up to 110"),
    ("blank-weight", setcell("Weights", "C3", None), "Weights!C3", "blank"),
    ("negative-weight", setcell("Weights", "C3", -40), "Weights!C3", "negative"),
    ("text-weight", setcell("Weights", "B4", "20%"), "Weights!B4", "not a number"),
    ("weight-unknown-indicator", setcell("Weights", "A4", "Ratings"), "Weights!A4", "not an indicator"),
    ("indicator-without-weight", _weights_ref_missing, "Weights!A4", "has no row in tblWeights"),
    ("unknown-method", setcell("Indicators", "B2", "bandd"), "Indicators!B2", "not one of"),
    ("unknown-if-missing", setcell("Indicators", "C3", "skipp"), "Indicators!C3", "not one of"),
    ("duplicate-indicator", setcell("Indicators", "A3", "value"), "Indicators!A3", "already defined"),
    ("band-from-above-to", setcell("Bands", "C3", 6000), "Bands!C3", "not below To"),
    ("band-overlap", setcell("Bands", "C3", 900), "Bands!C3", "overlaps"),
    ("band-unknown-indicator", setcell("Bands", "A2", "Valu"), "Bands!A2", "unknown indicator"),
    ("band-for-direct", setcell("Bands", "A7", "Rating"), "Bands!A7", "takes no bands"),
    ("band-text-bound", setcell("Bands", "D2", "1k"), "Bands!D2", "not a number"),
    ("measure-without-column", setcell("Customers", "G1", "Visit count"), "Bands!B7", "no column in tblCustomers"),
    ("direct-without-column", setcell("Customers", "H1", "Rate"), "Indicators!A4", "no column in tblCustomers"),
    ("points-not-100", setcell("Bands", "E4", 60), "Bands!E2", "not 100"),
    ("measure-of-two-indicators", _shared_measure, "Bands!B9", "already belongs"),
    ("tier-both-schemes", setcell("Tiers", "B3", 60), "Tiers!B3", "both Min score and Top share"),
    ("tier-neither", setcell("Tiers", "C3", None), "Tiers!B3", "neither"),
    ("mixed-schemes", _mixed, "Tiers!B3", "mixes"),
    ("share-not-increasing", setcell("Tiers", "C3", 10), "Tiers!C3", "not above"),
    ("share-not-100", setcell("Tiers", "C4", 90), "Tiers!C4", "not 100"),
    ("thresholds-not-decreasing", _threshold_tiers, "Tiers!B3", "not below"),
    ("bad-follow-up-days", setcell("Tiers", "E2", 2.5), "Tiers!E2", "whole number"),
]


@pytest.mark.parametrize(("case", "edit", "cell", "words"), CELL_CASES, ids=[c[0] for c in CELL_CASES])
def test_each_error_names_its_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str,
                                   edit: Callable[..., None], cell: str, words: str) -> None:
    path = tmp_path / f"{case}.xlsx"
    if edit.__name__ == "mutate":
        write(path, mutate=edit)
    else:
        write(path, spec_edit(edit))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("error") and f"{cell}:" in line]
    assert lines, f"no error at {cell} in:\n{out}"
    assert any(words in line for line in lines), out
    assert "Traceback" not in out
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert main(["retier", str(path)]) == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_clean_book_has_no_errors(tmp_path: Path) -> None:
    analysis = analyse(write(tmp_path / "ok.xlsx"))
    assert analysis.issues.errors == []
    assert analysis.result is not None


def test_collects_every_problem_not_just_the_first(tmp_path: Path) -> None:
    def many(wb: Workbook) -> None:
        wb["Customers"]["E3"] = "n/a"
        wb["Weights"]["C3"] = None
        wb["Bands"]["C3"] = 900
        wb["Tiers"]["C4"] = 90
    analysis = analyse(write(tmp_path / "many.xlsx", mutate=many))
    cells = {str(i.ref) for i in analysis.issues.errors}
    assert {"Customers!E3", "Weights!C3", "Bands!C3", "Tiers!C4"} <= cells


def test_gaps_and_tierless_rows_are_warnings(tmp_path: Path) -> None:
    spec = BookSpec()
    spec.bands[1][2] = 1500  # gap 1000-1500 in Sales
    spec.tiers = [["A", 80, None, "", 30, ""], ["B", 50, None, "", 30, ""]]
    analysis = analyse(write(tmp_path / "warn.xlsx", spec))
    assert analysis.issues.errors == []
    codes = {i.code: str(i.ref) for i in analysis.issues.warnings}
    assert codes["band-gap"] == "Bands!C3"
    assert codes["no-tier"] == "Tiers!A3"


@pytest.mark.parametrize("missing", ["Indicators", "Weights", "Bands", "Tiers", "Customers"])
def test_missing_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str], missing: str) -> None:
    def drop(wb: Workbook) -> None:
        del wb[missing]
    path = write(tmp_path / "book.xlsx", mutate=drop)
    assert main(["validate", str(path)]) == 1
    assert f"{missing}!A1:" in capsys.readouterr().out


def test_missing_table_on_existing_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def untable(wb: Workbook) -> None:
        del wb["Tiers"].tables["tblTiers"]
    path = write(tmp_path / "book.xlsx", mutate=untable)
    assert main(["validate", str(path)]) == 1
    assert "Tiers!A1: sheet 'Tiers' has no Excel Table named tblTiers" in capsys.readouterr().out


def test_missing_required_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "book.xlsx", mutate=setcell("Tiers", "C1", "Share"))
    assert main(["validate", str(path)]) == 1
    assert "Tiers!G1: tblTiers has no column 'Top share %'" in capsys.readouterr().out


def test_missing_file_is_usage_error(tmp_path: Path) -> None:
    assert main(["validate", str(tmp_path / "nope.xlsx")]) == 2
    assert main(["retier", str(tmp_path / "nope.xlsx")]) == 2


def test_headers_match_ignoring_case_and_surrounding_spaces(tmp_path: Path) -> None:
    spec = BookSpec()
    spec.customer_head = ["  customer id", "CUSTOMER", "owner ", "Profile", " sales ", "MARGIN %", "visits", "rating",
                          "approved", "LAST CONTACT", "My own notes"]
    spec.customers = [[*row, "extra columns are ignored"] for row in spec.customers]
    analysis = analyse(write(tmp_path / "case.xlsx", spec))
    assert analysis.issues.errors == []
    assert analysis.result is not None
    assert analysis.result.set_index("Customer ID")["Score"].to_dict() == {
        "K001": 96.0, "K005": 76.0, "K004": 57.0, "K002": 32.5, "K003": 10.0}
