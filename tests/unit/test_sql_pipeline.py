"""The SQL path as a data engineer uses it: dirty data, checks, dbt models, logs."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot
from sqlglot import exp

from tests.fixtures.books import write
from tests.helpers.sql_dirty import AS_OF, DIRTY, EXPECTED, _many, _rows, _sql, _windows_without_partition
from tests.helpers.sql_files import engine_on_book, export_customers, read_output
from tests.helpers.sql_support import mismatches
from xlscore.cli import main
from xlscore.sql.book import load_book_model
from xlscore.sql.checks import checks_statement
from xlscore.sql.runner import ScoreOptions, score_file
from xlscore.sql.statement import render, scoring_statement
from xlscore.workbook.reader import read_book


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("pipeline") / "book.xlsx")


def test_nan_is_missing_in_both_engines_of_score(book: Path, tmp_path: Path) -> None:
    """pyarrow writes NaN without statistics; both engines score NaN exactly like a blank cell."""
    pq.write_table(_many(200, nan=True), tmp_path / "nan.parquet")
    pq.write_table(_many(200, nan=False), tmp_path / "blank.parquet")
    assert pq.read_metadata(tmp_path / "nan.parquet").row_group(0).column(1).statistics.has_min_max
    outputs = {}
    for customers in ("nan", "blank"):
        for engine in ("duckdb", "pandas"):
            out = tmp_path / f"{customers}-{engine}.parquet"
            assert main(["score", str(book), "--customers", str(tmp_path / f"{customers}.parquet"), "-o", str(out),
                         "--engine", engine, "--quiet"]) == 0
            outputs[customers, engine] = read_output(out)
    want = outputs["blank", "pandas"]
    for key, got in outputs.items():
        assert mismatches(got, want) == [], key
    assert "missing: Sales" in set(want["Flags"].str.split("; ").explode())


def test_approved_as_a_double_column_scores_like_yes_no(book: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    words = _many(200, nan=False)
    numbers = words.set_column(words.schema.get_field_index("Approved"), "Approved",
                               pa.array([0.0 if k % 9 == 0 else 1.0 for k in range(200)]))
    pq.write_table(words, tmp_path / "words.parquet")
    pq.write_table(numbers, tmp_path / "numbers.parquet")
    for name in ("words", "numbers"):
        assert main(["score", str(book), "--customers", str(tmp_path / f"{name}.parquet"), "-o",
                     str(tmp_path / f"out-{name}.parquet"), "--quiet"]) == 0
    assert mismatches(read_output(tmp_path / "out-numbers.parquet"), read_output(tmp_path / "out-words.parquet")) == []
    # The statement `xlscore sql` prints, with no type option, on tables typed either way.
    sql = _sql(book, capsys)
    con = duckdb.connect()
    results = []
    booleans = numbers.set_column(numbers.schema.get_field_index("Approved"), "Approved",
                                  pa.array([k % 9 != 0 for k in range(200)]))
    for table in (words, numbers, booleans):
        con.register("customers", table)
        results.append(con.execute(sql).df())
    assert mismatches(results[1], results[0]) == [] and mismatches(results[2], results[0]) == []
    # every ninth customer is not approved (23 of 200), less the 4 (multiples of 63) without a Rating
    assert results[0]["Flags"].str.contains("unapproved: Rating").sum() == 23 - 4


def test_the_select_wraps_as_a_view(book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE customers AS SELECT * FROM '{export_customers(book, tmp_path / 'c.parquet')}'")
    want, _ = engine_on_book(book)
    for flags in ((), ("--no-order",), ("--compact",)):
        sql = _sql(book, capsys, *flags)
        assert not sql.rstrip().endswith(";")
        con.execute(f"CREATE OR REPLACE VIEW scored AS ({sql})")
        got = con.execute('SELECT * FROM scored ORDER BY "Rank", lower("Customer ID")').df()
        assert mismatches(got, want.reset_index(drop=True)) == [], flags
    assert "ORDER BY" not in _sql(book, capsys, "--no-order").split("FROM tiered")[-1]
    assert _sql(book, capsys, "--semicolon").rstrip().endswith(";")


def test_a_dbt_model_reads_a_ref_with_its_own_column_names(book: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    sql = _sql(book, capsys, "--from", "{{ ref('customers') }}", "--column", "Sales=sales_ly",
               "--column", " customer id =id", "--column", "Margin %=\"Margin pct\"", "--no-order",
               "--dialect", "postgres")
    assert "FROM {{ ref('customers') }}" in sql and sql.count("{{ ref('customers') }}") == 1
    assert " sales_ly " in sql.replace("(", " ").replace(")", " ") and '"Margin pct"' in sql
    table = pq.read_table(export_customers(book, tmp_path / "c.parquet"))
    table = table.rename_columns([{"Sales": "sales_ly", "Customer ID": "id", "Margin %": "Margin pct"}.get(n, n)
                                  for n in table.column_names])
    con = duckdb.connect()
    con.register("dbt_customers", table)
    got = con.execute(f"SELECT * FROM ({sql.replace('{{ ref(' + repr('customers') + ') }}', 'dbt_customers')}) "
                      'ORDER BY "Rank", lower("Customer ID")').df()
    want, _ = engine_on_book(book)
    assert mismatches(got, want.reset_index(drop=True)) == []


@pytest.mark.parametrize(("mapping", "words"), [
    ("Turnover=t", "'Turnover' is no column the model reads"),
    ("Sales", "write it as \"Header=column\""),
])
def test_a_bad_column_mapping_is_a_usage_error(book: Path, mapping: str, words: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", str(book), "--column", mapping]) == 2
    assert words in capsys.readouterr().err


def test_checks_return_a_row_per_problem(book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A NULL id, a repeated id, an unknown profile and a direct score above 100; NaN is no problem."""
    path = tmp_path / "dirty.parquet"
    pq.write_table(DIRTY, path)
    con = duckdb.connect()
    con.execute(f"CREATE VIEW customers AS SELECT * FROM '{path}'")
    sql = _sql(book, capsys, "--checks")
    got = con.execute(sql).df()
    assert list(got.columns) == ["Customer ID", "column", "problem", "value"]
    assert _rows(got) == EXPECTED and len(got) == len(EXPECTED)
    con.execute(f"CREATE TABLE pg AS SELECT * FROM '{path}'")  # Postgres compares with 'NaN': no file statistics
    assert _rows(con.execute(_sql(book, capsys, "--checks", "--dialect", "postgres", "--table", "pg")).df()) == EXPECTED
    clean = DIRTY.filter(pa.array([True, False, True, False, False, True, False]))
    con.register("clean", clean)
    assert con.execute(_sql(book, capsys, "--checks", "--table", "clean")).fetchall() == []
    for dialect in ("spark", "bigquery", "snowflake"):
        [statement] = sqlglot.parse(_sql(book, capsys, "--checks", "--dialect", dialect), read=dialect)
        assert isinstance(statement, exp.Select)


def test_score_reports_what_the_checks_find(book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pq.write_table(DIRTY, tmp_path / "dirty.parquet")
    assert main(["score", str(book), "--customers", str(tmp_path / "dirty.parquet"), "-o",
                 str(tmp_path / "out.parquet")]) == 1
    err = capsys.readouterr().err
    assert "5 problems in the data" in err
    for words in ("column 'Customer ID': blank Customer ID", "duplicate Customer ID", "in 2 rows",
                  "column 'Profile': unknown weight profile", "'Retail' for Customer ID 'K5'",
                  "column 'Rating': direct score outside 0–100 in 1 rows, e.g. '120.0' for Customer ID 'K7'"):
        assert words in err
    assert not (tmp_path / "out.parquet").exists()


def test_no_window_runs_over_the_whole_table(book: Path) -> None:
    """Only the table of distinct scores (at most 10,001 rows) is ranked with a global window;
    the checks' duplicate count is partitioned by ID."""
    loaded = load_book_model(book, AS_OF)
    scoring = scoring_statement(loaded.model, loaded.columns)
    assert _windows_without_partition(scoring) == {"score_ranks"}
    ranks = next(cte for cte in scoring.find_all(exp.CTE) if cte.alias == "score_ranks")
    assert ranks.this.args["from_"].this.name == "score_counts"
    assert _windows_without_partition(checks_statement(loaded.model, loaded.columns, exp.to_table("c"))) == set()
    for dialect in ("duckdb", "postgres", "spark", "bigquery", "snowflake"):
        assert "RANK()" not in render(scoring, dialect) and "OVER ()" not in render(scoring, dialect).replace(
            "SUM(x_count) OVER ()", "")


def test_ranks_are_competition_ranks_across_many_ties(book: Path, tmp_path: Path) -> None:
    """The counted rank equals RANK() on 3,000 customers with many tied scores."""
    pq.write_table(_many(3000, nan=False), tmp_path / "c.parquet")
    score_file(read_book(book).model, tmp_path / "c.parquet", tmp_path / "out.parquet", ScoreOptions(progress=False))
    con = duckdb.connect()
    wrong = con.execute(f"""SELECT count(*) FROM (SELECT "Rank", RANK() OVER (ORDER BY "Score" DESC) AS r
                            FROM '{tmp_path / "out.parquet"}' WHERE "Score" IS NOT NULL)
                            WHERE "Rank" <> r""").fetchall()
    assert wrong == [(0,)]


def test_progress_lines_for_logs(book: Path, tmp_path: Path) -> None:
    """Not a terminal (a cron or Airflow log): plain lines, no carriage returns or escapes."""
    pq.write_table(_many(50, nan=False), tmp_path / "c.parquet")
    stream = io.StringIO()
    score_file(read_book(book).model, tmp_path / "c.parquet", tmp_path / "out.parquet",
               ScoreOptions(progress=True), stream)
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()
    assert lines[0] == "checking c.parquet ..." and lines[-1].startswith("scoring (duckdb): done (")
