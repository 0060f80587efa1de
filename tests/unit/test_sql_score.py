"""``xlscore sql`` and ``xlscore score``: the book's model over files, both engines, clear errors."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot
from sqlglot import exp

from tests.fixtures.books import BookSpec, write
from tests.helpers.sql_files import HEAD, _csv, engine_on_book, export_customers, many_customers, read_output
from tests.helpers.sql_support import mismatches
from xlscore.cli import main
from xlscore.sql.book import load_book_model
from xlscore.sql.runner import ScoreOptions, score_file
from xlscore.templates.demo import write_demo_book
from xlscore.workbook.reader import read_book


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("sql") / "book.xlsx")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_score_equals_the_engine_on_the_demo_books_customers(tmp_path: Path, lang: str) -> None:
    """300 demo customers exported with the book's own headers (Chinese ones too) to Parquet and
    CSV (where DuckDB sees text columns): xlscore score writes exactly what the engine computes
    from the book, with either engine."""
    demo = tmp_path / "demo.xlsx"
    write_demo_book(demo, 300, 11, lang)  # type: ignore[arg-type]
    want, _ = engine_on_book(demo)
    for suffix, engine in ((".parquet", "duckdb"), (".csv", "duckdb"), (".csv", "pandas")):
        customers = export_customers(demo, tmp_path / f"customers{suffix}")
        out = tmp_path / f"out-{engine}{suffix}"
        assert main(["score", str(demo), "--customers", str(customers), "-o", str(out), "--engine", engine,
                     "--quiet"]) == 0
        assert mismatches(read_output(out), want.reset_index(drop=True)) == [], (suffix, engine)


def test_sql_command_prints_a_statement_that_duckdb_runs_like_a_retier(book: Path, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", str(book), "--table", "crm.customers"]) == 0
    sql = capsys.readouterr().out
    assert not sql.rstrip().endswith(";") and len(sqlglot.parse(sql, read="duckdb")) == 1
    assert "FROM crm.customers" in sql
    con = duckdb.connect()
    con.execute("CREATE SCHEMA crm")
    con.execute(f"CREATE TABLE crm.customers AS SELECT * FROM '{export_customers(book, tmp_path / 'c.parquet')}'")
    got = con.execute(sql).df()
    want, _ = engine_on_book(book)
    assert mismatches(got, want.reset_index(drop=True)) == []
    assert got["Score"].tolist() == [96.0, 76.0, 57.0, 32.5, 10.0]  # hand-checked in test_engine_rules


@pytest.mark.parametrize("dialect", ["postgres", "spark", "bigquery", "snowflake"])
def test_sql_command_renders_every_dialect(book: Path, dialect: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", str(book), "--dialect", dialect, "--compact"]) == 0
    out = capsys.readouterr().out
    [statement] = sqlglot.parse(out, read=dialect)
    assert isinstance(statement, exp.Select)
    assert ("`Customer ID`" if dialect in ("spark", "bigquery") else '"Customer ID"') in out


def test_approved_stored_as_boolean_or_number_gives_the_same_file(book: Path, tmp_path: Path) -> None:
    base = pq.read_table(export_customers(book, tmp_path / "text.parquet"))
    approved = base.column("Approved").to_pylist()
    assert approved == ["yes", "no", "yes", "y", "TRUE"]
    variants = {"bool": pa.array([True, False, True, True, True]), "number": pa.array([1.0, 0.0, 1.0, 1.0, 1.0])}
    outputs = []
    for name, column in {"text": base.column("Approved"), **variants}.items():
        path = tmp_path / f"{name}.parquet"
        pq.write_table(base.set_column(base.schema.get_field_index("Approved"), "Approved", column), path)
        score_file(read_book(book).model, path, tmp_path / f"out-{name}.parquet", ScoreOptions(progress=False))
        outputs.append(read_output(tmp_path / f"out-{name}.parquet"))
    assert mismatches(outputs[1], outputs[0]) == [] and mismatches(outputs[2], outputs[0]) == []


@pytest.mark.parametrize(("body", "words"), [
    ("K1,a,b,,100,1,1,50,yes,2026-01-01\n", None),
    ("K1,a,b,,n/a,1,1,50,yes,2026-01-01\n", ["'Sales'", "not a number", "'n/a'", "Customer ID 'K1'"]),
    ("K1,a,b,,100,1,1,120,yes,2026-01-01\nK2,a,b,,1,1,1,5,no,\n", ["'Rating'", "outside 0–100", "'120'", "K1"]),
    ("K1,a,b,Retail,100,1,1,50,yes,2026-01-01\n", ["'Profile'", "Retail", "known: Default, Partner"]),
    ("K1,a,b,,100,1,1,50,yes,2026-01-01\nk1,a,b,,1,1,1,5,no,\n", ["'Customer ID'", "duplicate Customer ID",
                                                                  "in 2 rows"]),
    (",a,b,,100,1,1,50,yes,2026-01-01\n", ["column 'Customer ID': blank Customer ID"]),
    ("K1,a,b,,100,NaN,1,50,yes,2026-01-01\nK2,a,b,,inf,1,1,-5,no,\n",
     ["2 problems", "'Sales': infinite value in 1 rows, e.g. 'inf' for Customer ID 'K2'",
      "'Rating': direct score outside 0–100 in 1 rows, e.g. '-5' for Customer ID 'K2'"]),
    ("K1,a,b,,100,1,1,50,yes,last week\n", ["'Last contact'", "not a date", "'last week'"]),
])
def test_bad_customer_files_name_the_column_and_an_example(book: Path, tmp_path: Path, body: str,
                                                           words: list[str] | None,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["score", str(book), "--customers", str(_csv(tmp_path, HEAD + body)), "-o",
                 str(tmp_path / "out.parquet"), "--quiet"])
    err = capsys.readouterr().err
    if words is None:
        assert code == 0 and err == ""
        return
    assert code == 1 and all(word in err for word in words), err
    assert not (tmp_path / "out.parquet").exists()


def test_a_missing_column_is_named_with_the_model_cell_that_needs_it(book: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    head = HEAD.replace("Margin %,", "").replace("Approved,", "")
    code = main(["score", str(book), "--customers", str(_csv(tmp_path, head + "K1,a,b,,100,1,50,2026-01-01\n")),
                 "-o", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert code == 1
    assert "no column 'Margin %' (measure of indicator 'Value', Bands!B5)" in err
    assert "no column 'Approved' (an indicator needs approval)" in err


def test_headers_match_like_the_workbook_reader(book: Path, tmp_path: Path) -> None:
    """Case, spaces and the Chinese aliases of meta columns are accepted."""
    head = " customer id ,客户名称,OWNER,profile,SALES,margin  %,Visits,Rating,已审核,Last Contact\n"
    path = _csv(tmp_path, head + "K1,a,b,partner,100,12,4,80,是,2026-01-10\n")
    report = score_file(read_book(book).model, path, tmp_path / "out.csv", ScoreOptions(progress=False))
    got = read_output(tmp_path / "out.csv")
    assert report.scored == 1 and got["Profile"][0] == "Partner"
    assert got["Score"][0] == 72.0  # Partner 40/40/20: (10 + 30) × .4 + 100 × .4 + 80 × .2


@pytest.mark.parametrize(("argv", "words"), [
    (["--customers", "missing.parquet", "-o", "out.parquet"], "no such file"),
    (["--customers", "{csv}", "-o", "out.xlsx"], "must be a .parquet or .csv file"),
    (["--customers", "{csv}", "-o", "{csv}"], "would overwrite the customers file"),
    (["--customers", "{csv}", "-o", "out.csv", "--memory-limit", "lots"], "cannot start DuckDB"),
    (["--customers", "{csv}", "-o", "out.csv", "--temp-dir", "nowhere"], "no such directory"),
])
def test_usage_errors_exit_2(book: Path, tmp_path: Path, argv: list[str], words: str,
                             capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    csv = _csv(tmp_path, HEAD + "K1,a,b,,100,1,1,50,yes,2026-01-01\n")
    args = [a.replace("{csv}", str(csv)) for a in argv]
    assert main(["score", str(book), *args]) == 2
    assert words in capsys.readouterr().err


def test_a_broken_model_prints_its_cells_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = BookSpec()
    spec.weights[0][1] = 60  # Default no longer sums to 100
    bad = write(tmp_path / "bad.xlsx", spec)
    assert main(["sql", str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Weights!" in captured.err


def test_errors_in_the_books_own_customer_rows_do_not_block(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = BookSpec()
    spec.customers[1][0] = "K001"  # a duplicate ID in tblCustomers: not the data being scored
    assert main(["sql", str(write(tmp_path / "dup.xlsx", spec))]) == 0
    assert "SELECT" in capsys.readouterr().out


def test_both_engines_write_the_same_rows_in_the_same_order_at_scale(book: Path, tmp_path: Path) -> None:
    """Enough rows for DuckDB to scan and write in parallel: the sheet order must survive."""
    customers = tmp_path / "many.parquet"
    many_customers(customers, 300_000)
    for engine in ("duckdb", "pandas"):
        score_file(read_book(book).model, customers, tmp_path / f"{engine}.parquet",
                   ScoreOptions(engine, threads=4, progress=False))  # type: ignore[arg-type]
    first, second = (pq.read_table(tmp_path / f"{engine}.parquet") for engine in ("duckdb", "pandas"))
    assert first.schema.names == second.schema.names and first.schema.types == second.schema.types
    assert first.cast(second.schema).equals(second)  # (DuckDB marks some columns NOT NULL)
    ranks = first.column("Rank").to_pylist()
    assert ranks == sorted(ranks) and ranks[0] == 1


def test_sql_types_follow_the_books_own_customer_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Numeric IDs order ties by value; --id-type overrides. Approved is read as text whatever the
    book holds (1/0 there): the table decides its type, and 1, 1.0 and TRUE are approval words."""
    spec = BookSpec()
    for k, row in enumerate(spec.customers):
        row[0], row[8] = 100 - k, 1 if row[8] in ("yes", "y", "TRUE") else 0
    book = write(tmp_path / "numbers.xlsx", spec)
    columns = load_book_model(book, date(2026, 6, 30)).columns
    assert (columns.id_kind, columns.approved_kind, columns.last_contact_kind) == ("number", "text", "date")
    assert main(["sql", str(book)]) == 0
    by_book = capsys.readouterr().out
    assert "LOWER(CAST(x_id" not in by_book and "'1.0', '是')" in by_book
    assert main(["sql", str(book), "--id-type", "text"]) == 0
    assert "LOWER(CAST(x_id" in capsys.readouterr().out


def test_progress_goes_to_the_stream_when_asked(book: Path, tmp_path: Path) -> None:
    stream = io.StringIO()
    path = _csv(tmp_path, HEAD + "K1,a,b,,100,1,1,50,yes,2026-01-01\n")
    spill = tmp_path / "spill"
    spill.mkdir()
    report = score_file(read_book(book).model, path, tmp_path / "out.parquet",
                        ScoreOptions(progress=True, temp_dir=spill, memory_limit="500MB", threads=1), stream)
    text = stream.getvalue()
    assert "checking customers.csv" in text and "scoring (duckdb): done" in text
    assert report.tiers == [("A", 1), ("B", 0), ("C", 0)] and list(spill.iterdir()) == []


def test_the_command_module_imports_nothing_heavy() -> None:
    """``xlscore --help`` registers these subcommands: no sqlglot, DuckDB or pandas at import."""
    code = ("import sys, xlscore.sql.command; "
            "print(sorted(m for m in ('sqlglot', 'duckdb', 'pandas', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
