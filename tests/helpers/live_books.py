"""Live-formula books for the tests: writing them, reading tblScoring back, and comparing with the engine."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from tests.fixtures.books import BookSpec, write
from xlscore.analysis import analyse
from xlscore.model import Model
from xlscore.retier import retier
from xlscore.rounding import excel_round
from xlscore.workbook.formulas import TABLE_ROW
from xlscore.workbook.layout import HEADERS
from xlscore.workbook.report import tier_summary

# Compared exactly: the rules' outputs. Indicator scores are unrounded: LibreOffice saves
# numbers with 15 significant digits, so they are compared to that precision.
EXACT = ("Customer ID", "Customer", "Owner", "Profile", "Score", "Rank", "Tier", "Policy", "Next follow-up",
         "Flags")


LAST_CONTACTS = (None, date(2026, 1, 31), date(2025, 12, 1), datetime(2026, 3, 15, 9, 30))


TODAY = date(2026, 6, 30)


def spec_of(model: Model, rows: Sequence[dict[str, Any]]) -> BookSpec:
    """A workbook spec holding exactly ``model`` and ``rows`` (strategies.customers rows)."""
    value_columns = [*model.measure_columns, *model.direct_columns]
    return BookSpec(
        indicators=[[i.name, i.method, i.if_missing, "yes" if i.needs_approval else "no", ""]
                    for i in model.indicators],
        weight_head=["Indicator", *(p.name for p in model.profiles)],
        weights=[[i.name, *(p.weights.get(i.name, 0.0) for p in model.profiles)] for i in model.indicators],
        bands=[[b.indicator, b.measure, b.lower, b.upper, b.points] for m in model.measures for b in m.bands],
        tiers=[[t.name, t.min_score, t.top_share, t.policy, t.follow_up_days, t.color or None] for t in model.tiers],
        customer_head=["Customer ID", "Customer", "Owner", "Profile", *value_columns, "Approved", "Last contact"],
        customers=[[r["Customer ID"], f"Name {k}", ("Ann", "Ben", None)[k % 3], r.get("Profile"),
                    *(r.get(c) for c in value_columns), r.get("Approved"), LAST_CONTACTS[k % len(LAST_CONTACTS)]]
                   for k, r in enumerate(rows)],
    )


def write_live(source: Path, target: Path, spec: BookSpec | None = None,
               mutate: Callable[[Any], None] | None = None) -> pd.DataFrame | None:
    """Write ``spec`` to ``source``, retier it live into ``target``; the engine's result, or None
    when the book does not validate (so a generator can draw another one)."""
    write(source, spec, mutate)
    analysis = analyse(source, TODAY)
    if not analysis.ok or analysis.result is None:
        return None
    retier(source, target, as_of=TODAY, live=True)
    return analysis.result


def engine_on(book: Path) -> pd.DataFrame:
    analysis = analyse(book, TODAY)
    assert analysis.ok and analysis.result is not None, [str(i) for i in analysis.issues.errors]
    return analysis.result


def read_scoring(path: Path, sheet: str = "Scoring") -> list[dict[str, Any]]:
    """tblScoring's rows as {header: value}, values as cached in the file ("" read as None).

    Chinese headers are read as their English names, so rows of both languages compare alike.
    """
    english = {zh: en for en, zh in HEADERS.values()}
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[sheet]
    rows = ws.iter_rows(min_row=TABLE_ROW, values_only=True)
    header = [english.get(h, h) for h in next(rows) if h is not None]
    out = []
    for row in rows:
        if row[0] is None:
            break
        out.append({h: (None if v == "" else v) for h, v in zip(header, row, strict=False)})
    return out


@dataclass
class Mismatch:
    book: str
    customer: Any
    column: str
    got: Any
    want: Any


def _blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def same(got: Any, want: Any, column: str) -> bool:
    if _blank(want) or _blank(got):
        return _blank(want) and _blank(got)
    if isinstance(want, pd.Timestamp):
        want = want.to_pydatetime()
    if column in EXACT:
        if isinstance(want, float | int) and isinstance(got, float | int) and not isinstance(got, bool):
            return float(got) == float(want)
        return bool(got == want)
    return math.isclose(float(got), float(want), rel_tol=1e-14, abs_tol=1e-12)


def compare(book: str, rows: list[dict[str, Any]], result: pd.DataFrame, model: Model,
            *, by_id: bool = False) -> list[Mismatch]:
    """Every cell of ``rows`` (read from tblScoring) against the engine's ``result``.

    Rows are matched in order, or by Customer ID with ``by_id`` (after edits the live rows
    keep the order of the last run).
    """
    columns = [*EXACT[:4], *(i.name for i in model.indicators), *EXACT[4:]]
    expected = result.to_dict("records")
    if by_id:
        by_key = {r["Customer ID"]: r for r in expected}
        expected = [by_key.get(r["Customer ID"], {}) for r in rows]
    out: list[Mismatch] = []
    if len(rows) != len(result):
        out.append(Mismatch(book, None, "row count", len(rows), len(result)))
    for got, want in zip(rows, expected, strict=False):
        for column in columns:
            if not same(got.get(column), want.get(column), column):
                out.append(Mismatch(book, want.get("Customer ID"), column, got.get(column), want.get(column)))
    return out


def threshold_spec() -> BookSpec:
    spec = BookSpec()
    spec.tiers = [["A", 80, None, "Visit monthly", 30, None], ["B", 50, None, "Call quarterly", 90, None],
                  ["C", 0, None, "Newsletter", None, None]]
    return spec


def numeric_ids_spec() -> BookSpec:
    """Customer IDs typed as numbers, and a blank row inside tblCustomers (the reader skips it)."""
    spec = BookSpec()
    spec.customers = [[101 + k, *row[1:]] for k, row in enumerate(spec.customers)]
    spec.customers.insert(2, [None] * len(spec.customer_head))
    return spec


def compare_pyramid(book: str, path: Path, result: pd.DataFrame, model: Model,
                    sheet: str = "Pyramid") -> list[Mismatch]:
    """The Pyramid summary (tier, count, share, min, average, label) against the engine's."""
    summary = tier_summary(model, result)
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    out: list[Mismatch] = []
    for k, want in enumerate(summary.to_dict("records")):
        got = [c.value for c in ws[4 + k]][:8]
        count, share = int(want["Customers"]), float(want["Share"])
        label = f"{want['Tier']}: {count} ({excel_round(share * 100, 1):.1f}%)"
        expected = [want["Tier"], count, share, want["Min score"], want["Average score"], label]
        for column, g, w in zip(("Tier", "Customers", "Share", "Min score", "Average score", "Label"),
                                [*got[:5], got[7]], expected, strict=True):
            if not same(g, w, "Score" if column in ("Tier", "Customers", "Min score", "Label") else column):
                out.append(Mismatch(book, want["Tier"], f"Pyramid {column}", g, w))
    return out


def with_override(wb: Any) -> None:
    """tblOverrides: K003 (computed tier C) is put in tier A until the end of 2026."""
    from xlscore.templates.build import fill_table

    ws = wb["Overrides"]
    fill_table(ws, ws.tables["tblOverrides"], ["Customer ID", "Tier", "Reason", "Approved by", "Expires"],
               [["K003", "A", "strategic account", "Dana", date(2026, 12, 31)]])
