"""The statements as a data engineer runs them, on DuckDB over Parquet files written by pyarrow.

* NaN in a double column is a missing value, exactly like the engine, although pyarrow leaves
  NaN out of the file's statistics (which DuckDB trusts when it folds comparisons).
* Approved stored as text, DOUBLE 1.0/0.0, BIGINT 1/0 or BOOLEAN: the statement printed by
  default (no type option) approves the same customers as the engine.
* The checks statement returns exactly the problems a Python reading of the validate rules
  finds: blank and repeated IDs, text that is not a number, infinities, direct scores outside
  0-100, unknown profiles. NaN and blanks are no problem.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from tests.helpers.sql_support import engine_result, mismatches, run_sql
from xlscore.model import Model
from xlscore.sql.checks import checks_statement
from xlscore.sql.runner import ScoreOptions, score_file
from xlscore.sql.source import CustomerDataError, SourceColumns, value_columns
from xlscore.sql.statement import render, scoring_statement

from .strategies import customers, models

EXAMPLES = int(os.environ.get("XLSCORE_SQL_EXAMPLES", "25"))
NAN = float("nan")

APPROVED = {
    "text": (pa.string(), ["yes", "no", None, "1.0", "1", "TRUE", "是", "0"]),
    "double": (pa.float64(), [1.0, 0.0, None, NAN, 2.0]),
    "bigint": (pa.int64(), [1, 0, None, 2]),
    "boolean": (pa.bool_(), [True, False, None]),
}


def _as(value: Any, kind: pa.DataType) -> Any:
    return str(value) if kind == pa.string() and value is not None and not isinstance(value, str) else value


def _parquet(folder: Path, model: Model, rows: list[dict[str, Any]], approved: pa.DataType,
             values: pa.DataType) -> Path:
    columns = {
        "Customer ID": pa.array([r["Customer ID"] for r in rows], pa.string()),
        "Profile": pa.array([r.get("Profile") for r in rows], pa.string()),
        "Approved": pa.array([_as(r.get("Approved"), approved) for r in rows], approved),
    }
    for name in value_columns(model):
        cells = [r.get(name) for r in rows]
        if values == pa.string():
            cells = [None if v is None else v if isinstance(v, str) else repr(v) for v in cells]
        columns[name] = pa.array(cells, values)
    path = folder / "customers.parquet"
    pq.write_table(pa.table(columns), path)
    return path


def _run(sql_text: str, path: Path) -> Any:
    return run_sql(sql_text.replace("xlscore_customers_file", f"read_parquet('{path}')"), {})


Scenario = tuple[Model, list[dict[str, Any]], str]


@st.composite
def nan_scenario(draw: st.DrawFn) -> Scenario:
    model = draw(models())
    rows = draw(customers(model))
    kind = draw(st.sampled_from(list(APPROVED)))
    for row in rows:
        row["Approved"] = draw(st.sampled_from(APPROVED[kind][1]))
        for name in value_columns(model):
            if draw(st.integers(0, 3)) == 0:
                row[name] = NAN
    return model, rows, kind


def _file_table() -> exp.Expr:
    return exp.to_table("xlscore_customers_file")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.data_too_large])
@given(nan_scenario())
def test_nan_and_typed_approved_in_a_parquet_file_score_like_the_engine(case: Scenario) -> None:
    model, rows, kind = case
    source = SourceColumns.named_as_model(model)  # what `xlscore sql` prints without type options
    source = SourceColumns({k: v for k, v in source.meta.items() if k in ("customer_id", "profile", "approved")},
                           source.values)
    with tempfile.TemporaryDirectory() as folder:
        path = _parquet(Path(folder), model, rows, APPROVED[kind][0], pa.float64())
        got = _run(render(scoring_statement(model, source, _file_table()), "duckdb"), path)
        # The Postgres rendering compares with 'NaN' (Postgres has no isnan, and its NaN equals
        # itself): run on DuckDB, it reads the table in memory, where no file statistics lie.
        for_postgres = run_sql(render(scoring_statement(model, source, _file_table()), "postgres"),
                               {"xlscore_customers_file": pq.read_table(path)})
    want = engine_result(model, rows, source)
    assert mismatches(got, want) == []
    assert mismatches(for_postgres, want) == []


Problem = tuple[str | None, str, str]  # Customer ID, column, problem (its first words)


@st.composite
def dirty_scenario(draw: st.DrawFn) -> tuple[Model, list[dict[str, Any]], set[Problem]]:
    """Rows stored as text (as a CSV loads), some made wrong on purpose; the problems expected."""
    model = draw(models())
    rows = draw(customers(model, max_rows=12))
    known = {p.name.lower() for p in model.profiles}
    expected: set[Problem] = set()
    for k, row in enumerate(rows):
        for name in value_columns(model):
            value = row.get(name)
            choice = draw(st.integers(0, 7))
            if choice == 0:
                row[name] = draw(st.sampled_from(["n/a", "12,5", "x1", "--3"]))
                expected.add((row["Customer ID"], name, "not a number"))
            elif choice == 1:
                row[name] = draw(st.sampled_from(["inf", "-Infinity"]))
                expected.add((row["Customer ID"], name, "infinite value"))
            elif choice == 2:
                row[name] = draw(st.sampled_from(["NaN", "", "  "]))
            elif name in model.direct_columns and choice == 3:
                row[name] = draw(st.sampled_from([100.5, -0.5, 120.0]))
            value = row[name]
            if name in model.direct_columns and isinstance(value, float) and not 0 <= value <= 100:
                expected.add((row["Customer ID"], name, "direct score outside 0–100"))
        if draw(st.integers(0, 5)) == 0:
            row["Profile"] = "Nope"
        if row.get("Profile") and row["Profile"].strip().lower() not in known:
            expected.add((row["Customer ID"], "Profile", "unknown weight profile"))
        if k and draw(st.integers(0, 6)) == 0:
            row["Customer ID"] = draw(st.sampled_from([None, " ", rows[0]["Customer ID"].lower() + " "]))
    ids = [r["Customer ID"] for r in rows]
    keys = [None if i is None or not i.strip() else i.strip().lower() for i in ids]
    for i, key in zip(ids, keys, strict=True):
        if key is None:
            expected.add((i, "Customer ID", "blank Customer ID"))
        elif keys.count(key) > 1:
            expected.add((i, "Customer ID", "duplicate Customer ID"))
    # A row whose ID changed keeps the problems found with its old ID: name them by the new one.
    by_old = {f"C{k:03d}": ids[k] for k in range(len(rows))}
    return model, rows, {(by_old.get(i, i) if i is not None else None, c, p) for i, c, p in expected}


def _first_words(problem: str) -> str:
    for start in ("blank Customer ID", "duplicate Customer ID", "unknown weight profile"):
        if problem.startswith(start):
            return start
    return problem


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.data_too_large])
@given(dirty_scenario())
def test_the_checks_statement_finds_exactly_the_validate_problems(case: tuple[Model, list[dict[str, Any]],
                                                                        set[Problem]]) -> None:
    model, rows, expected = case
    base = SourceColumns.named_as_model(model)
    source = SourceColumns({k: v for k, v in base.meta.items() if k in ("customer_id", "profile")}, base.values)
    with tempfile.TemporaryDirectory() as folder:
        path = _parquet(Path(folder), model, rows, pa.string(), pa.string())
        for dialect in ("duckdb", "postgres"):
            got = _run(render(checks_statement(model, source, _file_table()), dialect), path)
            found = {(None if i is None or (isinstance(i, float) and math.isnan(i)) else i, c, _first_words(p))
                     for i, c, p in zip(got["Customer ID"], got["column"], got["problem"], strict=True)}
            assert found == expected, dialect


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.data_too_large])
@given(dirty_scenario(), st.sampled_from([pa.string(), pa.float64()]))
def test_score_refuses_a_file_exactly_when_the_checks_find_a_problem(
        case: tuple[Model, list[dict[str, Any]], set[Problem]], values: pa.DataType) -> None:
    """``xlscore score`` counts problems in the scan that counts the scores (a test per row and a hash
    of each ID's key) and names them with the checks statement: it refuses exactly the dirty files,
    text or number columns alike, and names each kind of problem found."""
    model, rows, expected = case
    if values == pa.float64():  # a number column cannot hold text: keep the rows a DOUBLE can store
        for row in rows:
            for name in value_columns(model):
                value = row.get(name)
                if isinstance(value, str):
                    row[name] = None if value.strip().lower() in ("", "nan") else math.inf
        expected = {p for p in expected if p[2] != "not a number"}
        expected |= {(r["Customer ID"], n, "infinite value") for r in rows for n in value_columns(model)
                     if r.get(n) == math.inf}
    with tempfile.TemporaryDirectory() as folder:
        path = _parquet(Path(folder), model, rows, pa.string(), values)
        output = Path(folder) / "scored.parquet"
        try:
            score_file(model, path, output, ScoreOptions(progress=False))
        except CustomerDataError as exc:
            assert expected, str(exc)
            for _, column, problem in expected:
                assert f"column {column!r}: {problem}" in str(exc)
            assert not output.exists()
        else:
            assert not expected
