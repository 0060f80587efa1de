"""tblHistory: reading the snapshots a book holds, adding one, and the sheet that stores them.

A History row is one customer in one period: Period, Taken at, Customer ID, Score, Rank,
Tier, then one column per indicator score. The sheet is owned by xlscore and rewritten
whole on every snapshot (old rows + new), so a row that cannot be read back would be
lost: such rows are reported as problems, which a re-tier shows as warnings and a
snapshot refuses to run with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from xlscore.history.names import HISTORY, Lang, accepted, name
from xlscore.history.periods import Period, parse_period
from xlscore.issues import Issue, IssueList
from xlscore.model import Model
from xlscore.overrides import customer_key
from xlscore.workbook.cells import as_date, as_text, shown
from xlscore.workbook.reader import TableReader
from xlscore.workbook.report import excel_serial
from xlscore.workbook.sheetdata import CellValue, Column, ColumnFormat, OutputSheet, OutputTable
from xlscore.workbook.tables import RawTable, is_blank

__all__ = ["FIXED", "History", "history_sheet", "read_history", "snapshot_rows", "with_snapshot"]

# Frame columns of a History in table order; indicator columns follow.
FIXED = ("Period", "Taken at", "Customer ID", "Score", "Rank", "Tier")
_KEYS = ("period", "taken_at", "customer_id", "score", "rank", "tier")
_REQUIRED = ("period", "customer_id", "tier")


@dataclass(frozen=True)
class History:
    """Every snapshot row (``FIXED`` + indicator columns) and what could not be read."""

    rows: pd.DataFrame
    indicators: tuple[str, ...] = ()
    sheet: str | None = None  # where tblHistory lives, None when the book has none
    problems: tuple[Issue, ...] = field(default=())

    @property
    def periods(self) -> list[Period]:
        found = [parse_period(label) for label in self.rows["Period"].unique()]
        return sorted(p for p in found if p is not None)

    def before(self, current: Period) -> Period | None:
        """The latest period recorded before ``current``."""
        earlier = [p for p in self.periods if p < current and p.label != current.label]
        return earlier[-1] if earlier else None

    def of(self, period: Period) -> pd.DataFrame:
        return self.rows[self.rows["Period"] == period.label]

    @staticmethod
    def empty(indicators: Sequence[str] = ()) -> History:
        return History(_frame([], tuple(indicators)), tuple(indicators))


def _frame(records: list[list[object]], indicators: tuple[str, ...]) -> pd.DataFrame:
    columns = [*FIXED, *indicators]
    frame = pd.DataFrame(records, columns=columns, dtype=object) if records else pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in columns})
    frame["Taken at"] = pd.to_datetime(frame["Taken at"]).astype("datetime64[ns]")
    for col in ("Score", "Rank", *indicators):
        frame[col] = frame[col].astype(np.float64)
    return frame


def read_history(source: TableReader | None) -> History | None:
    """tblHistory of the book, or None when it has none."""
    if source is None or not source.has(HISTORY.table):
        return None
    return parse_history(source.table(HISTORY.table))


def parse_history(t: RawTable) -> History:
    """Column by column (a History holds customers × periods rows); every unreadable row is named."""
    positions = {key: t.find(*accepted(key)) for key in _KEYS}
    missing = [Issue("warning", t.after_last_column(), f"{t.name} has no column {name(key, 'en')!r}: its "
                     "snapshots cannot be read", "history-column") for key in _REQUIRED if positions[key] is None]
    if missing:
        return History(_frame([], ()), (), t.sheet, tuple(missing))
    fixed_cols = {col for col in positions.values() if col is not None}
    indicator_cols = [j for j in range(len(t.headers)) if j not in fixed_cols and t.headers[j]]
    indicators = tuple(t.headers[j] for j in indicator_cols)
    reader = _ColumnReader(t, t.data_rows())
    labels = reader.periods(positions["period"] or 0)
    ids = reader.ids(positions["customer_id"] or 0)
    columns: dict[str, object] = {"Period": labels, "Taken at": reader.dates(positions["taken_at"]),
                                  "Customer ID": ids}
    columns["Score"] = reader.numbers(positions["score"])
    columns["Rank"] = reader.numbers(positions["rank"])
    columns["Tier"] = [as_text(v) or None for v in reader.values(positions["tier"])]
    for header, col in zip(indicators, indicator_cols, strict=True):
        columns[header] = reader.numbers(col)
    reader.duplicates(labels, ids, positions["customer_id"] or 0)
    frame = pd.DataFrame(columns).iloc[np.flatnonzero(~reader.bad)].reset_index(drop=True)
    typed = _frame([], indicators)
    frame = frame.astype({c: typed[c].dtype for c in ("Score", "Rank", *indicators)})
    frame = frame.astype({"Period": object, "Customer ID": object, "Tier": object})
    problems = sorted(reader.problems, key=lambda p: (p.ref.row, p.ref.col) if p.ref else (0, 0))
    return History(frame, indicators, t.sheet, tuple(problems))


class _ColumnReader:
    """Reads whole columns of a History table; a bad cell marks its row as ignored, naming the cell."""

    def __init__(self, t: RawTable, rows: list[int]) -> None:
        self.t, self.rows = t, rows
        self.columns = list(zip(*(t.rows[i] for i in rows), strict=True))
        self.bad = np.zeros(len(rows), dtype=bool)
        self.problems: list[Issue] = []

    def values(self, col: int | None) -> list[object]:
        return [None] * len(self.rows) if col is None or not self.rows else list(self.columns[col])

    def flag(self, k: int, col: int, message: str, code: str) -> None:
        self.problems.append(Issue("warning", self.t.ref(self.rows[k], col), f"{message}: the row is ignored", code))
        self.bad[k] = True

    def periods(self, col: int) -> list[str | None]:
        raw = self.values(col)
        parsed = {value: parse_period(value) for value in set(raw)}
        labels: list[str | None] = []
        for k, value in enumerate(raw):
            period = parsed[value]
            if period is None:
                self.flag(k, col, f"period {shown(value)} is not a period like 2026-Q3, 2026-07, 2026-H2 or 2026",
                          "history-period")
            labels.append(period.label if period else None)
        return labels

    def ids(self, col: int) -> list[object]:
        out: list[object] = []
        for k, value in enumerate(self.values(col)):
            if is_blank(value):
                self.flag(k, col, "Customer ID is blank", "history-id")
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            out.append(value.strip() if isinstance(value, str) else value)
        return out

    def numbers(self, col: int | None) -> np.ndarray:
        raw = self.values(col)
        if set(map(type, raw)) <= {float, int, type(None)}:
            return np.array([np.nan if v is None else v for v in raw], dtype=np.float64)
        out = np.full(len(raw), np.nan)
        for k, value in enumerate(raw):
            if isinstance(value, int | float) and not isinstance(value, bool):
                out[k] = value
            elif not is_blank(value) and col is not None:
                self.flag(k, col, f"{shown(value)} in {self.t.headers[col]} is not a number", "history-number")
        return out

    def dates(self, col: int | None) -> list[datetime | None]:
        raw = self.values(col)
        if set(map(type, raw)) <= {datetime, type(None)}:
            return raw  # type: ignore[return-value]  # checked just above
        out: list[datetime | None] = []
        for k, value in enumerate(raw):
            found = IssueList()
            ref = self.t.ref(self.rows[k], col or 0)
            out.append(as_date(value, ref, "Taken at", found) if col is not None else None)
            if found and col is not None:
                self.flag(k, col, found[0].message, "history-date")
        return out

    def duplicates(self, labels: list[str | None], ids: list[object], col: int) -> None:
        seen: dict[tuple[str | None, str], int] = {}
        for k, (label, customer) in enumerate(zip(labels, ids, strict=True)):
            if self.bad[k]:
                continue
            key = (label, customer_key(customer))
            if key in seen:
                self.flag(k, col, f"customer {shown(customer)} appears twice in period {label} (also row "
                          f"{self.t.ref(self.rows[seen[key]], col).row})", "history-duplicate")
            else:
                seen[key] = k


def snapshot_rows(model: Model, result: pd.DataFrame, period: Period, taken_at: datetime) -> pd.DataFrame:
    """The current scoring as History rows of ``period``, in Scoring order."""
    rows = pd.DataFrame({
        "Period": pd.Series([period.label] * len(result), dtype=object),
        "Taken at": pd.Series([taken_at] * len(result), dtype="datetime64[ns]"),
        "Customer ID": pd.Series(result["Customer ID"].to_numpy(dtype=object), dtype=object),
        "Score": result["Score"].to_numpy(dtype=np.float64),
        "Rank": result["Rank"].to_numpy(dtype=np.float64),
        "Tier": pd.Series(result["Tier"].to_numpy(dtype=object), dtype=object),
    })
    for ind in model.indicators:
        rows[ind.name] = result[ind.name].to_numpy(dtype=np.float64)
    return rows


def with_snapshot(history: History, new_rows: pd.DataFrame, indicators: Sequence[str]) -> History:
    """``history`` with ``new_rows`` replacing any rows of the same period; periods in time order.

    Indicator columns are the union, old ones first: a model that changed keeps the old
    scores of indicators it dropped.
    """
    period = str(new_rows["Period"].iloc[0]) if len(new_rows) else ""
    kept = history.rows[history.rows["Period"] != period]
    columns = list(dict.fromkeys([*history.indicators, *indicators]))
    parts = [frame.reindex(columns=[*FIXED, *columns]) for frame in (kept, new_rows) if len(frame)]
    combined = pd.concat(parts, ignore_index=True) if parts else _frame([], tuple(columns))
    order = {p.label: k for k, p in enumerate(sorted(filter(None, map(parse_period, combined["Period"].unique()))))}
    rank = combined["Period"].map(order).to_numpy(dtype=np.int64)
    combined = combined.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)
    return History(combined, tuple(columns), history.sheet, ())


def history_sheet(history: History, lang: Lang) -> OutputSheet:
    rows = history.rows
    head: list[tuple[str, ColumnFormat]] = [("Period", "text"), ("Customer ID", "general"), ("Score", "number2"),
                                            ("Rank", "integer"), ("Tier", "general")]
    keys = dict(zip(FIXED, _KEYS, strict=True))

    def values(col: str) -> list[CellValue]:
        listed: list[CellValue] = rows[col].to_numpy(dtype=object).tolist()
        return listed

    taken = excel_serial(rows["Taken at"].to_numpy(dtype="datetime64[ns]")).tolist()
    columns = [Column(name("period", lang), values("Period"), "text", width=10),
               Column(name("taken_at", lang), taken, "date", width=12)]
    columns += [Column(name(keys[col], lang), values(col), fmt) for col, fmt in head[1:]]
    columns += [Column(ind, rows[ind].tolist(), "number2") for ind in history.indicators]
    table = OutputTable(HISTORY.table, columns, row=1, col=1)
    return OutputSheet(history.sheet or HISTORY.sheet(lang), tables=[table], freeze_row=2)
