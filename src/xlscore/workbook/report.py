"""Result -> the Scoring, Pyramid and Issues sheets, described as :mod:`sheetdata` objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from xlscore.engine import scoring_columns
from xlscore.issues import Issue
from xlscore.model import Model
from xlscore.rounding import excel_round
from xlscore.workbook.layout import OUTPUT_SHEETS, Lang, header
from xlscore.workbook.refs import column_letter
from xlscore.workbook.sheetdata import BarChart, CellValue, Column, ColumnFormat, FreeCell, OutputSheet, OutputTable

if TYPE_CHECKING:
    from xlscore.analysis import ExtraColumn
    from xlscore.asof import AsOf

__all__ = ["DEFAULT_COLORS", "excel_serial", "issues_sheet", "pyramid_sheet", "scoring_sheet", "scoring_status",
           "tier_summary"]

DEFAULT_COLORS = ("1F4E79", "2E75B6", "9DC3E6", "BDD7EE", "DEEBF7", "F2F2F2")
_EPOCH = np.datetime64("1899-12-30", "ns")


def excel_serial(values: npt.NDArray[np.datetime64]) -> npt.NDArray[np.float64]:
    """datetime64 -> Excel serial day numbers (1900 system), NaN for NaT."""
    as_ns = values.astype("datetime64[ns]")
    days = (as_ns - _EPOCH).astype("timedelta64[ns]").astype(np.float64) / 86_400e9
    out: npt.NDArray[np.float64] = np.where(np.isnat(as_ns), np.nan, days)
    return out


def _values(series: pd.Series) -> Sequence[CellValue]:
    values: list[CellValue] = series.to_numpy(dtype=object).tolist()
    return values


# Core tblScoring columns other than the indicators: header key, format, width (None: automatic).
_SCORING_FORMATS: dict[str, tuple[str, ColumnFormat, float | None]] = {
    "Customer ID": ("customer_id", "general", None), "Customer": ("customer", "general", None),
    "Owner": ("owner", "general", None), "Profile": ("profile", "general", None),
    "Score": ("score", "number2", None), "Rank": ("rank", "integer", None), "Tier": ("tier", "general", None),
    "Policy": ("policy", "general", None), "Flags": ("flags", "general", 40),
}


def scoring_sheet(model: Model, result: pd.DataFrame, lang: Lang,
                  extra: Sequence[ExtraColumn] = (), as_of: AsOf | None = None) -> OutputSheet:
    """tblScoring from A1; with ``as_of``, a status line right of the table says what dates were measured to."""
    spec = OUTPUT_SHEETS["scoring"]
    names = scoring_columns(model)  # the one column order (engine, UDF table, SQL, live sheet)
    indicators = {ind.name for ind in model.indicators}
    columns = []
    for name in names:
        if name in indicators:
            columns.append(Column(name, _values(result[name]), "number2"))
        elif name == "Next follow-up":
            follow = excel_serial(result[name].to_numpy(dtype="datetime64[ns]"))
            columns.append(Column(header("next_follow_up", lang), follow.tolist(), "date", width=14))
        else:
            key, fmt, width = _SCORING_FORMATS[name]
            columns.append(Column(header(key, lang), _values(result[name]), fmt, width=width))
    for col in extra:
        at = names.index(col.after) + 1 if col.after in names else len(names)
        values = result[col.name]
        cells = excel_serial(values.to_numpy(dtype="datetime64[ns]")).tolist() if col.fmt == "date" else _values(values)
        columns.insert(at, Column(col.header, cells, col.fmt))
        names.insert(at, col.name)
    table = OutputTable(spec.table, columns, row=1, col=1)
    # Beside the table, not above it: tblScoring starts at A1 so a full sheet of customers fits.
    status = [FreeCell(1, len(columns) + 2, scoring_status(result, lang, as_of))] if as_of is not None else []
    return OutputSheet(spec.sheet(lang), tables=[table], cells=status, freeze_row=2)


def scoring_status(result: pd.DataFrame, lang: Lang, as_of: AsOf) -> str:
    """``Scored 118 of 120 customers as of 2026-06-30 (from --as-of)``: what "today" the dates were measured to."""
    scored, total = int(result["Score"].notna().sum()), len(result)
    if lang == "zh":
        return f"已评分 {scored:,} / {total:,} 位客户；{as_of.describe(lang)}（生命周期、跟进与覆盖到期均按此日期计算）"
    return (f"Scored {scored:,} of {total:,} customers {as_of.describe(lang)}: lifecycle, follow-ups and "
            "override expiry are measured to this date")


def tier_summary(model: Model, result: pd.DataFrame) -> pd.DataFrame:
    """Per tier in tblTiers order: count, share of scored customers, min / average score."""
    scored = result[result["Score"].notna()]
    total = len(scored)
    rows = []
    for tier in model.tiers:
        members = scored.loc[scored["Tier"] == tier.name, "Score"]
        rows.append({
            "Tier": tier.name,
            "Customers": len(members),
            "Share": len(members) / total if total else 0.0,
            "Min score": float(members.min()) if len(members) else np.nan,
            # Rounded like the live sheet's ROUND(AVERAGEIFS(...), 2): the same figure in both modes.
            "Average score": excel_round(float(members.mean()), 2) if len(members) else np.nan,
            "Policy": tier.policy,
            "Follow-up days": tier.follow_up_days,
        })
    return pd.DataFrame(rows, columns=["Tier", "Customers", "Share", "Min score", "Average score", "Policy",
                                       "Follow-up days"])


def pyramid_label(tier: str, count: int, share: float) -> str:
    """``Gold: 5 (31.3%)``: the share rounded half away from zero, as the live sheet's FIXED(share × 100, 1) shows it.

    One rule for both modes (Python's ``{:.1%}`` rounds half to even and would say 31.2%).
    """
    return f"{tier}: {int(count)} ({excel_round(share * 100, 1):.1f}%)"


def pyramid_sheet(model: Model, summary: pd.DataFrame, lang: Lang, scored: int, as_of: AsOf) -> OutputSheet:
    spec = OUTPUT_SHEETS["pyramid"]
    counts = summary["Customers"].astype(int).tolist()
    widest = max(counts, default=0)
    labels = [pyramid_label(t, c, s) for t, c, s in
              zip(summary["Tier"], counts, summary["Share"], strict=True)]
    top_row = 3
    columns = [
        Column(header("tier", lang), summary["Tier"].tolist()),
        Column(header("customers", lang), counts, "integer"),
        Column(header("share", lang), summary["Share"].tolist(), "percent1"),
        Column(header("min_score", lang), summary["Min score"].tolist(), "number2"),
        Column(header("avg_score", lang), summary["Average score"].tolist(), "number2"),
        Column(header("policy", lang), summary["Policy"].tolist(), width=28),
        Column(header("follow_up_days", lang), summary["Follow-up days"].tolist(), "integer"),
        Column(header("label", lang), labels, width=26),
        Column(header("spacer", lang), [(widest - c) / 2 for c in counts], "number2"),
    ]
    table = OutputTable(spec.table, columns, row=top_row, col=1, style="TableStyleLight9")
    first, last = top_row + 1, top_row + max(len(counts), 1)

    def rng(col: int) -> str:
        letter = column_letter(col)
        return f"${letter}${first}:${letter}${last}"

    colors = [t.color or DEFAULT_COLORS[i % len(DEFAULT_COLORS)] for i, t in enumerate(model.tiers)]
    title = "Customer pyramid" if lang == "en" else "客户金字塔"
    chart = BarChart(title=title, categories=rng(8), values=rng(2), spacer=rng(9), colors=colors,
                     anchor_row=top_row + len(counts) + 3, anchor_col=1, width_cols=8,
                     height_rows=max(12, 3 * len(counts) + 6), series_name=header("customers", lang))
    caption = (f"{scored:,} customers scored {as_of.describe(lang)}; tiers from tblTiers "
               f"({'share of ranking' if model.scheme == 'share' else 'score thresholds'})")
    if lang == "zh":
        caption = f"共评分 {scored:,} 位客户；{as_of.describe(lang)}"
    cells = [FreeCell(1, 1, title, bold=True), FreeCell(2, 1, caption)]
    return OutputSheet(spec.sheet(lang), tables=[table], cells=cells, chart=chart)


def issues_sheet(issues: Sequence[Issue], lang: Lang) -> OutputSheet:
    spec = OUTPUT_SHEETS["issues"]
    ordered = sorted(issues, key=lambda i: i.severity != "error")  # stable: errors first, sheet order kept
    rows: list[Issue | None] = list(ordered) or [None]  # an empty table keeps one blank row
    severity: list[CellValue] = [i.severity if i else None for i in rows]
    cells: list[CellValue] = [str(i.ref) if i and i.ref else None for i in rows]
    links = [i.ref.location if i and i.ref else None for i in rows]
    messages: list[CellValue] = [i.message if i else None for i in rows]
    table = OutputTable(spec.table, [
        Column(header("severity", lang), severity, width=10),
        Column(header("cell", lang), cells, width=18, links=links),
        Column(header("message", lang), messages, width=100),
    ])
    return OutputSheet(spec.sheet(lang), tables=[table], freeze_row=2)
