"""An approved override gives the same Tier in tblScoring, the SQL (DuckDB and the pandas engine)
and the UDFs; an expired one is ignored by all of them alike.

Book (tests/unit/test_history_books.py): K01..K06 scored A, A, B, B, C, C on 2026-05-01.
tblOverrides: K05 -> A until 2026-12-31 (live), K02 -> C until 2026-04-30 (expired by then).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.helpers.history_books import new_book, records, set_table
from tests.helpers.sql_files import export_customers, read_output
from xlscore.cli import main
from xlscore.udf_inputs import clear_caches, scored_book
from xlscore.workbook.tables import TableSource

AS_OF = "2026-05-01"
HEAD = ["Customer ID", "Tier", "Reason", "Approved by", "Expires"]
ROWS = [["K05", "A", "Strategic account", "Dana", datetime(2026, 12, 31)],
        [" k02 ", "C", "Payment issues", "Dana", datetime(2026, 4, 30)]]
WANT = {"K01": "A", "K02": "A", "K03": "B", "K04": "B", "K05": "A", "K06": "C"}


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = new_book(tmp_path_factory.mktemp("overrides") / "book.xlsx")
    set_table(path, "Overrides", "tblOverrides", HEAD, ROWS)
    return path


def table_values(book: Path, name: str) -> list[list[Any]]:
    """A table as a UDF receives ``tblXxx[#All]``: the header row, then the values."""
    table = TableSource(book).table(name)
    return [list(table.headers), *(list(row) for row in table.rows)]


def test_tblscoring_applies_the_live_override_only(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    assert main(["retier", str(book), "-o", str(out), "--as-of", AS_OF, "--quiet"]) == 0
    rows = {r["Customer ID"]: r for r in records(out, "tblScoring")}
    assert {cid: r["Tier"] for cid, r in rows.items()} == WANT
    assert (rows["K05"]["Computed tier"], rows["K05"]["Flags"]) == ("C", "override: Strategic account")


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_score_gives_tblscorings_tiers(book: Path, tmp_path: Path, engine: str) -> None:
    customers = export_customers(book, tmp_path / "customers.parquet")
    out = tmp_path / "scored.parquet"
    assert main(["score", str(book), "--customers", str(customers), "-o", str(out), "--engine", engine,
                 "--as-of", AS_OF, "--quiet"]) == 0
    frame = read_output(out)
    assert dict(zip(frame["Customer ID"], frame["Tier"], strict=True)) == WANT
    k05 = frame.set_index("Customer ID").loc["K05"]
    assert (k05["Computed tier"], k05["Flags"], k05["Policy"]) == ("C", "override: Strategic account",
                                                                    "Visit monthly")
    assert list(frame.columns).index("Computed tier") == list(frame.columns).index("Tier") + 1


def test_the_printed_sql_carries_the_overrides_as_literals(book: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", str(book), "--as-of", AS_OF]) == 0
    sql = capsys.readouterr().out
    assert "'k05'" in sql and "'k02'" not in sql  # the expired row is not compiled in
    customers = export_customers(book, tmp_path / "customers.parquet")
    con = duckdb.connect()
    con.execute("CREATE TABLE customers AS SELECT * FROM read_parquet(?)", [str(customers)])
    rows = con.execute(sql.rstrip().rstrip(";")).fetchall()
    names = [d[0] for d in con.description]
    tiers = {r[names.index("Customer ID")]: r[names.index("Tier")] for r in rows}
    assert tiers == WANT
    # a later as-of date: the override has expired everywhere
    assert main(["sql", str(book), "--as-of", "2027-01-01"]) == 0
    assert "'k05'" not in capsys.readouterr().out


def test_udfs_take_the_overrides_range(book: Path) -> None:
    clear_caches()
    tables = [table_values(book, name) for name in ("tblCustomers", "tblIndicators", "tblWeights", "tblBands",
                                                     "tblTiers")]
    overrides = table_values(book, "tblOverrides")
    scored = scored_book(*tables, overrides, date(2026, 5, 1))
    assert scored.error is None
    assert {cid: scored.value(cid, "Tier") for cid in WANT} == WANT
    later = scored_book(*tables, overrides, datetime(2027, 1, 1))
    assert later.value("K05", "Tier") == "C"
    table = scored.table()
    assert table[0][table[0].index("Tier") + 1] == "Computed tier"
    assert scored_book(*tables).value("K05", "Tier") == "C"  # without the range: the computed tier
    assert scored_book(*tables, overrides, "end of year").error == (
        "#XLSCORE! as_of: 'end of year' is not a date: write it as YYYY-MM-DD, e.g. 2026-06-30")


def test_sql_and_score_take_the_books_as_of_date_like_retier(book: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Without --as-of every command reads the book's As of date (Classify!B5), so the clock does not
    decide which override is live: years later the SQL still compiles K05's override in."""
    import time_machine
    from openpyxl import load_workbook

    pinned = tmp_path / "pinned.xlsx"
    wb = load_workbook(book)
    wb["Classify"]["B5"].value = datetime(2026, 5, 1)
    wb.save(pinned)
    with time_machine.travel(datetime(2031, 1, 1, 12), tick=False):
        assert main(["sql", str(pinned)]) == 0
        sql = capsys.readouterr().out
        customers = export_customers(pinned, tmp_path / "customers.parquet")
        out = tmp_path / "scored.parquet"
        assert main(["score", str(pinned), "--customers", str(customers), "-o", str(out)]) == 0
        said = capsys.readouterr().out
    assert "'k05'" in sql and "'k02'" not in sql
    assert "as of 2026-05-01 (from the book (Classify!B5))" in said
    frame = read_output(out)
    assert dict(zip(frame["Customer ID"], frame["Tier"], strict=True)) == WANT
