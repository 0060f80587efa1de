"""CSV outputs cannot carry a formula into the spreadsheet that opens them; Parquet keeps the text."""

from __future__ import annotations

import csv
import io
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fixtures.books import BookSpec, write
from xlscore.cli import main
from xlscore.csv_cells import DANGEROUS_LEADS, is_dangerous, neutralise
from xlscore.sql.output import CsvStyle, write_relation

PAYLOADS = {
    "=": "=cmd|' /C calc'!A0",
    "+": "+SUM(1,1)",
    "-": "-2+3",
    "@": '@HYPERLINK("http://example.invalid","x")',
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("csv") / "book.xlsx")


def _customers(path: Path, names: list[str], owners: list[str] | None = None) -> Path:
    n = len(names)
    table = pa.table({
        "Customer ID": [f"K{k}" for k in range(n)],
        "Customer": names,
        "Owner": owners or ["Ann"] * n,
        "Sales": [100.0 * k for k in range(n)],
        "Margin %": [12.0] * n,
        "Visits": [4.0] * n,
        "Rating": [80.0] * n,
        "Approved": ["yes"] * n,
    })
    pq.write_table(table, path)
    return path


def _csv_rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def _score(book: Path, customers: Path, out: Path, *flags: str) -> None:
    assert main(["score", str(book), "--customers", str(customers), "-o", str(out), "--quiet", *flags]) == 0


@pytest.mark.parametrize("lead", DANGEROUS_LEADS, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_each_dangerous_leading_character_gets_an_apostrophe(book: Path, tmp_path: Path, lead: str) -> None:
    payload = PAYLOADS[lead]
    assert payload.startswith(lead)
    customers = _customers(tmp_path / "c.parquet", [payload, "Plain name"], owners=[payload, "Ann"])
    _score(book, customers, tmp_path / "scored.csv")
    rows = {row["Customer ID"]: row for row in _csv_rows(tmp_path / "scored.csv")}
    assert rows["K0"]["Customer"] == "'" + payload and rows["K0"]["Owner"] == "'" + payload
    assert rows["K1"]["Customer"] == "Plain name"
    _score(book, customers, tmp_path / "scored.parquet")
    assert pq.read_table(tmp_path / "scored.parquet").column("Customer").to_pylist().count(payload) == 1
    _score(book, customers, tmp_path / "raw.csv", "--raw-csv")
    assert {row["Customer ID"]: row for row in _csv_rows(tmp_path / "raw.csv")}["K0"]["Customer"] == payload


def test_numbers_stay_numbers(book: Path, tmp_path: Path) -> None:
    """Negative numbers written as text and the number columns are not touched."""
    customers = _customers(tmp_path / "c.parquet", ["-12.5", "+3", "-1e5", "-", "--1", "-0x1F"])
    _score(book, customers, tmp_path / "scored.csv")
    rows = _csv_rows(tmp_path / "scored.csv")
    names = {row["Customer ID"]: row["Customer"] for row in rows}
    assert names == {"K0": "-12.5", "K1": "+3", "K2": "-1e5", "K3": "'-", "K4": "'--1", "K5": "'-0x1F"}
    assert all(float(row["Score"]) >= 0 and row["Rank"].isdigit() for row in rows)


def test_no_text_cell_of_a_scored_csv_starts_a_formula(book: Path, tmp_path: Path) -> None:
    """Hostile names, owners and a hostile tier name: nothing in the CSV starts with = + - @ tab CR
    unless it is a number; the Parquet output keeps every name exactly."""
    names = [*PAYLOADS.values(), "王小明", "-7", " =not first"]
    customers = _customers(tmp_path / "c.parquet", names, owners=list(reversed(names)))
    _score(book, customers, tmp_path / "scored.csv", "--excel-csv")
    raw = (tmp_path / "scored.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (tmp_path / "scored.csv").open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "王小明" in cells
    for cell in cells:
        if cell.startswith(DANGEROUS_LEADS):
            float(cell)  # a number, or this raises
    _score(book, customers, tmp_path / "scored.parquet")
    assert sorted(pq.read_table(tmp_path / "scored.parquet").column("Customer").to_pylist()) == sorted(names)


def test_the_flags_are_for_csv_outputs_only(book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    customers = _customers(tmp_path / "c.parquet", ["a"])
    assert main(["score", str(book), "--customers", str(customers), "-o", str(tmp_path / "o.parquet"),
                 "--excel-csv"]) == 2
    assert "--excel-csv is for a .csv output" in capsys.readouterr().err


def test_the_summary_counts_tiers_whose_names_start_a_formula(tmp_path: Path) -> None:
    spec = BookSpec()
    spec.tiers[0][0] = "@Top"
    hostile = write(tmp_path / "book.xlsx", spec)
    customers = _customers(tmp_path / "c.parquet", ["a", "b"])
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["score", str(hostile), "--customers", str(customers), "-o", str(tmp_path / "s.csv")]) == 0
    assert out.getvalue().split()[:2] == ["@Top", "2"]  # tied at rank 1, both within the top 20 %
    assert {row["Tier"] for row in _csv_rows(tmp_path / "s.csv")} <= {"'@Top", "B", "C"}
    assert any(row["Tier"] == "'@Top" for row in _csv_rows(tmp_path / "s.csv"))


_CONNECTION = duckdb.connect()
_dangerous_texts = st.tuples(st.sampled_from(DANGEROUS_LEADS), st.text(max_size=12)).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=16) | _dangerous_texts, min_size=1, max_size=12))
def test_a_csv_cell_is_the_text_or_the_text_after_one_apostrophe(texts: list[str]) -> None:
    """For any text: the cell equals it, or is it with one leading apostrophe, and the apostrophe
    appears only (and always) when the text would start a formula."""
    relation = _CONNECTION.from_arrow(pa.table({"text": pa.array(texts, pa.string()),
                                                "position": pa.array(range(len(texts)), pa.int64())}))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.csv"
        write_relation(_CONNECTION, relation.order("position"), path, "csv", CsvStyle())
        with path.open(encoding="utf-8", newline="") as handle:
            cells = [row[0] for row in list(csv.reader(handle))[1:]]
    assert len(cells) == len(texts)
    for text, cell in zip(texts, cells, strict=True):
        assert cell in (text, "'" + text)
        prefixed = cell == "'" + text and cell != text
        assert prefixed == is_dangerous(text)
        assert not prefixed or text.startswith(DANGEROUS_LEADS)
        assert cell == neutralise(text)


def test_value_predictions_csv_is_formula_safe_whatever_the_text_dtype(tmp_path: Path) -> None:
    """`xlscore value -o predictions.csv` is opened in Excel too: its IDs get the same apostrophe."""
    import pandas as pd

    from xlscore.value.output import write_predictions

    ids = ["=cmd|' /C calc'!A0", "-2+3", '@HYPERLINK("x")', "C4"]
    for dtype in ("object", "string"):
        table = pd.DataFrame({"Customer ID": pd.Series(ids, dtype=dtype),
                              "First purchase": pd.to_datetime(["2026-01-02"] * 4),
                              "Last purchase": pd.to_datetime(["2026-03-04"] * 4),
                              "Predicted value": [1.5, -2.0, 0.0, 3.25]})
        out = tmp_path / f"p-{dtype}.csv"
        write_predictions(table, out)
        lines = out.read_text(encoding="utf-8").splitlines()
        assert [line.split(",")[0] for line in lines[1:3]] == ["'=cmd|' /C calc'!A0", "'-2+3"], dtype
        assert lines[3].startswith('"\'@HYPERLINK(""x"")"') and lines[4].startswith("C4,"), dtype
        assert lines[2].endswith(",-2"), dtype  # a real negative number stays a number
