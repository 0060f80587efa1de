"""Customers exported to Parquet/CSV with the book's own headers, and reading score's output back."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tests.fixtures.books import BookSpec
from xlscore.engine import score_customers
from xlscore.sql.source import SourceColumns
from xlscore.sql.statement import output_columns
from xlscore.workbook.reader import read_book
from xlscore.workbook.tables import TableSource


def export_customers(book: Path, target: Path) -> Path:
    """tblCustomers of ``book`` as a Parquet or CSV file, headers and values as in the sheet."""
    table = TableSource(book).table("tblCustomers")
    columns: dict[str, pa.Array] = {}
    for j, header in enumerate(table.headers):
        values = [row[j] for row in table.rows]
        kinds = {type(v) for v in values if v is not None}
        if kinds <= {int, float}:
            columns[header] = pa.array([None if v is None else float(v) for v in values], pa.float64())
        elif kinds <= {datetime, date}:
            columns[header] = pa.array([v.date() if isinstance(v, datetime) else v for v in values], pa.date32())
        else:
            columns[header] = pa.array([None if v is None else str(v) for v in values], pa.string())
    arrow = pa.table(columns)
    if target.suffix == ".parquet":
        pq.write_table(arrow, target)
    else:
        arrow.to_pandas().to_csv(target, index=False)
    return target


def engine_on_book(book: Path) -> tuple[pd.DataFrame, SourceColumns]:
    read = read_book(book)
    source = SourceColumns({"customer_id": "x", "customer": "x", "owner": "x", "profile": "x"}, {})
    return score_customers(read.model, read.customers)[output_columns(read.model, source)], source


def read_output(path: Path) -> pd.DataFrame:
    """An output file; in CSV an empty Flags is written "" and a blank Tier as nothing."""
    reader = "read_parquet(?)" if path.suffix == ".parquet" else "read_csv(?, allow_quoted_nulls = false)"
    return duckdb.connect().execute(f"SELECT * FROM {reader}", [str(path)]).df()


def _spec_customers(rows: list[list[Any]]) -> BookSpec:
    spec = BookSpec()
    spec.customers = rows
    return spec


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEAD = "Customer ID,Customer,Owner,Profile,Sales,Margin %,Visits,Rating,Approved,Last contact\n"


def many_customers(target: Path, n: int) -> Path:
    """``n`` customers with the standard book's columns as Parquet, made by DuckDB (enough rows
    for it to scan and write in parallel): hash-based values, every seventh unapproved."""
    duckdb.connect().execute(
        "COPY (SELECT 'K' || CAST(i AS VARCHAR) AS \"Customer ID\", NULL AS \"Profile\", "
        "CAST(hash(i) % 9000 AS DOUBLE) AS \"Sales\", CAST(hash(i, 1) % 40 AS DOUBLE) AS \"Margin %\", "
        "CAST(hash(i, 2) % 6 AS DOUBLE) AS \"Visits\", CAST(hash(i, 3) % 101 AS DOUBLE) AS \"Rating\", "
        f"CASE WHEN i % 7 = 0 THEN 'no' ELSE 'yes' END AS \"Approved\" FROM range({int(n)}) t(i)) TO "
        f"'{target}' (FORMAT PARQUET)")
    return target
