"""Dirty warehouse data for the SQL tests: NaN, typed Approved columns, problem rows."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from sqlglot import exp

from xlscore.cli import main

AS_OF = date(2026, 6, 30)  # the run's date (the SQL reads it for override expiry)


NAN = float("nan")


def _sql(book: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> str:
    assert main(["sql", str(book), *flags]) == 0
    return capsys.readouterr().out


def _many(n: int, nan: bool, approved: pa.Array | None = None) -> pa.Table:
    """n customers; every third Sales, fifth Margin % and seventh Rating NaN (or blank)."""
    missing = NAN if nan else None
    return pa.table({
        "Customer ID": [f"K{k:03d}" for k in range(n)],
        "Customer": [f"Name {k}" for k in range(n)],
        "Owner": ["Ann"] * n,
        "Profile": [None if k % 4 else "Partner" for k in range(n)],
        "Last contact": pa.array([date(2026, 1, 1) + timedelta(days=k % 90) for k in range(n)], pa.date32()),
        "Sales": [missing if k % 3 == 0 else 37.0 * k % 9000 for k in range(n)],
        "Margin %": [missing if k % 5 == 0 else float(k % 40) for k in range(n)],
        "Visits": [float(k % 6) for k in range(n)],
        "Rating": [missing if k % 7 == 0 else float(k * 13 % 101) for k in range(n)],
        "Approved": approved if approved is not None else ["no" if k % 9 == 0 else "yes" for k in range(n)],
    })


DIRTY = pa.table({
    "Customer ID": ["K1", None, "K3", "k3 ", "K5", "K6", "K7"],
    "Profile": [None, None, None, None, "Retail", "partner", None],
    "Sales": [100.0, 100.0, 100.0, 100.0, 100.0, NAN, 5.0],
    "Margin %": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    "Visits": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    "Rating": [50.0, 50.0, 50.0, 50.0, 50.0, NAN, 120.0],
    "Approved": ["yes"] * 7,
    "Customer": ["a"] * 7,
    "Owner": ["b"] * 7,
    "Last contact": pa.array([date(2026, 1, 1)] * 7, pa.date32()),
})


EXPECTED = {
    (None, "Customer ID", "blank Customer ID: every customer needs a unique ID", None),
    ("K3", "Customer ID", "duplicate Customer ID (case and surrounding spaces ignored)", "K3"),
    ("k3 ", "Customer ID", "duplicate Customer ID (case and surrounding spaces ignored)", "k3 "),
    ("K5", "Profile", "unknown weight profile (known: Default, Partner; blank = the first)", "Retail"),
    ("K7", "Rating", "direct score outside 0–100", "120.0"),
}


def _rows(frame: pd.DataFrame) -> set[tuple[object, ...]]:
    return {tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)}


def _windows_without_partition(statement: exp.Expr) -> set[str]:
    """The CTE of every window that has no PARTITION BY."""
    out = set()
    for window in statement.find_all(exp.Window):
        if not window.args.get("partition_by"):
            cte = window.find_ancestor(exp.CTE)
            out.add(cte.alias if cte else "<final>")
    return out
