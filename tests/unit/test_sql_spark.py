"""The Spark rendering on a real local Spark (local[2]): same results as the engine, the checks
find the same rows, and no window gathers the whole table into one partition.

Needs pyspark and a Java runtime, and XLSCORE_SPARK=1 (Spark starts a JVM and plans the
statement for minutes on a small shared machine); skipped with the reason otherwise.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tests.fixtures.books import write
from tests.helpers.sql_dirty import DIRTY, EXPECTED, _many, _rows
from tests.helpers.sql_files import engine_on_book, export_customers
from tests.helpers.sql_support import mismatches
from xlscore.sql.book import load_book_model
from xlscore.sql.emit import EmitOptions, statement_text

AS_OF = date(2026, 6, 30)  # the run's date (the SQL reads it for override expiry)

pytestmark = pytest.mark.slow


def _java_ok() -> str | None:
    java = shutil.which("java")
    if java is None:
        return "no java on PATH"
    run = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    return None if run.returncode == 0 else f"java -version failed: {run.stderr.strip()}"


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if os.environ.get("XLSCORE_SPARK") != "1":
        pytest.skip("a real Spark takes minutes on a small machine: set XLSCORE_SPARK=1 to run it")
    pyspark = pytest.importorskip("pyspark.sql", reason="pyspark is not installed")
    why = _java_ok()
    if why:
        pytest.skip(why)
    os.environ.setdefault("PYSPARK_PYTHON", shutil.which("python3") or "python3")
    session = (pyspark.SparkSession.builder.master("local[2]").appName("xlscore-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
               .config("spark.sql.adaptive.enabled", "false")
               .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={tmp_path_factory.mktemp('spark')}")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("spark-book") / "book.xlsx")


def _statement(book: Path, table: str, **options: Any) -> str:
    loaded = load_book_model(book, AS_OF)
    return statement_text(loaded.model, loaded.columns, EmitOptions("spark", table, **options))


def test_spark_scores_like_the_engine(spark: Any, book: Path, tmp_path: Path) -> None:
    spark.read.parquet(str(export_customers(book, tmp_path / "c.parquet"))).createOrReplaceTempView("customers")
    got = spark.sql(_statement(book, "customers")).toPandas()
    want, _ = engine_on_book(book)
    assert mismatches(got, want.reset_index(drop=True)) == []


def test_spark_reads_nan_and_double_approved_like_duckdb(spark: Any, book: Path, tmp_path: Path) -> None:
    """A pyarrow Parquet file with NaN and Approved as 1.0/0.0: Spark equals DuckDB's `score`."""
    import duckdb

    from xlscore.cli import main

    table = _many(600, nan=True)
    numbers = table.set_column(table.schema.get_field_index("Approved"), "Approved",
                               [[0.0 if k % 9 == 0 else 1.0 for k in range(600)]])
    pq.write_table(numbers, tmp_path / "c.parquet")
    assert main(["score", str(book), "--customers", str(tmp_path / "c.parquet"), "-o", str(tmp_path / "o.parquet"),
                 "--engine", "pandas", "--quiet"]) == 0
    want = duckdb.connect().execute(f"SELECT * FROM '{tmp_path / 'o.parquet'}'").df()
    spark.read.parquet(str(tmp_path / "c.parquet")).createOrReplaceTempView("typed_customers")
    got = spark.sql(_statement(book, "typed_customers")).toPandas()
    assert mismatches(got, want) == []


def test_spark_checks_find_the_same_rows(spark: Any, book: Path, tmp_path: Path) -> None:
    pq.write_table(DIRTY, tmp_path / "dirty.parquet")
    spark.read.parquet(str(tmp_path / "dirty.parquet")).createOrReplaceTempView("dirty")
    got = spark.sql(_statement(book, "dirty", checks=True)).toPandas()
    assert _rows(got) == EXPECTED


def test_no_window_gathers_the_table_in_one_partition(spark: Any, book: Path, tmp_path: Path) -> None:
    """Every move to a single partition happens on the counts per score (an aggregate), never on
    the customer rows: in the physical plan, each `Exchange SinglePartition` sits on a HashAggregate."""
    pq.write_table(_many(2000, nan=False), tmp_path / "c.parquet")
    spark.read.parquet(str(tmp_path / "c.parquet")).createOrReplaceTempView("plan_customers")
    plan = spark.sql(_statement(book, "plan_customers", ordered=False))._jdf.queryExecution().executedPlan().toString()
    lines = [re.sub(r"^\*\(\d+\) ", "", line.strip(" :+-")) for line in plan.splitlines()]
    singles = [k for k, line in enumerate(lines) if line.startswith("Exchange SinglePartition")]
    assert singles, plan
    for k in singles:
        assert lines[k + 1].startswith("HashAggregate(keys=[x_key"), plan
    assert "Window [sum(x_count" in plan and "rank(" not in plan.lower()
