"""``xlscore score`` on DuckDB: the pieces that make it read the file once to check and count, then
once to score -- band coverage, the quick trim, the summary from the counts, --no-order."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from sqlglot import exp

from tests.fixtures.books import write
from tests.helpers.sql_dirty import _many
from tests.helpers.sql_files import many_customers
from xlscore.cli import main
from xlscore.model import Band
from xlscore.sql.bands import covers_every_value
from xlscore.sql.expressions import TRIM_CHARACTERS, quick_trims, text
from xlscore.sql.runner import ScoreOptions, score_file
from xlscore.workbook.reader import read_book


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("score-pass") / "book.xlsx")


def _bands(*bounds: tuple[float | None, float | None]) -> list[Band]:
    return [Band("I", "M", lower, upper, 10.0) for lower, upper in bounds]


def test_bands_cover_every_value_only_without_a_gap() -> None:
    assert covers_every_value(_bands((None, 100), (100, 500), (500, None)))
    assert covers_every_value(_bands((500, None), (None, 100), (100, 500)))  # in any order
    assert covers_every_value(_bands((None, None)))
    assert covers_every_value(_bands((None, 200), (100, 300), (250, None)))  # overlapping
    assert not covers_every_value(_bands((None, 100), (200, None)))  # 100 to 200 is in no band
    assert not covers_every_value(_bands((None, 100), (100, 500)))  # 500 and above
    assert not covers_every_value(_bands((0, 100), (100, None)))  # below 0
    assert not covers_every_value([])


@pytest.mark.parametrize("value", [" k1", "k1 ", "\u3000K1", "\xa0 k1 \t", "k1", "", "   ", "a\nb", None])
def test_the_quick_trim_trims_like_trim(value: str | None) -> None:
    trimmed = exp.Trim(this=exp.column("v"), expression=text(TRIM_CHARACTERS))
    quick = quick_trims(exp.select(trimmed.copy()).from_("t")).sql(dialect="duckdb")
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT ? AS v", [value])
    assert con.execute(quick).fetchall() == con.execute(exp.select(trimmed).from_("t").sql("duckdb")).fetchall()
    assert value is None or con.execute(quick).fetchall()[0][0] == value.strip(TRIM_CHARACTERS)


def test_the_summary_from_the_counts_equals_the_output(book: Path, tmp_path: Path) -> None:
    """Tiers counted from the customers per score (DuckDB) equal the engine's file read back."""
    pq.write_table(_many(3000, nan=True), tmp_path / "c.parquet")
    model = read_book(book).model
    by_counts = score_file(model, tmp_path / "c.parquet", tmp_path / "d.parquet", ScoreOptions(progress=False))
    read_back = score_file(model, tmp_path / "c.parquet", tmp_path / "p.parquet",
                           ScoreOptions("pandas", progress=False))
    assert (by_counts.customers, by_counts.scored, by_counts.tiers) == \
        (read_back.customers, read_back.scored, read_back.tiers)
    assert sum(n for _, n in by_counts.tiers) == by_counts.scored


def test_no_order_writes_the_same_rows(book: Path, tmp_path: Path) -> None:
    pq.write_table(_many(3000, nan=False), tmp_path / "c.parquet")
    for name, extra in (("ordered", []), ("any", ["--no-order"])):
        assert main(["score", str(book), "--customers", str(tmp_path / "c.parquet"), "-o",
                     str(tmp_path / f"{name}.parquet"), "--quiet", *extra]) == 0
    ordered, anyhow = (pq.read_table(tmp_path / f"{name}.parquet") for name in ("ordered", "any"))
    assert ordered.schema == anyhow.schema
    assert anyhow.sort_by([("Customer ID", "ascending")]).equals(ordered.sort_by([("Customer ID", "ascending")]))
    ranks = ordered.column("Rank").to_pylist()
    assert ranks == sorted(ranks, key=lambda r: (r is None, r))


def test_a_csv_output_keeps_the_rank_order_at_scale(book: Path, tmp_path: Path) -> None:
    """Enough rows for DuckDB to write in parallel: the formula-safe projection of a CSV must not
    reorder them (an IN list there became a join that did)."""
    customers = tmp_path / "many.parquet"
    many_customers(customers, 300_000)
    score_file(read_book(book).model, customers, tmp_path / "out.csv", ScoreOptions(threads=2, progress=False))
    with (tmp_path / "out.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    ranks = [int(row["Rank"]) for row in rows if row["Rank"]]
    assert len(rows) == 300000 and ranks[0] == 1
    assert ranks == sorted(ranks)
