"""Result -> the Scoring, Pyramid and Issues sheets, described as :mod:`sheetdata` objects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from xlscore.engine import scoring_columns
from xlscore.issues import Issue
from xlscore.messages import count, say
from xlscore.model import Model
from xlscore.rounding import excel_round, percent_text
from xlscore.workbook.layout import OUTPUT_SHEETS, Lang, header
from xlscore.workbook.refs import column_letter
from xlscore.workbook.sheetdata import (
    BarChart,
    CellValue,
    Column,
    ColumnFormat,
    ColumnValues,
    FreeCell,
    OutputSheet,
    OutputTable,
)

if TYPE_CHECKING:
    from xlscore.analysis import ExtraColumn
    from xlscore.asof import AsOf

__all__ = ["DEFAULT_COLORS", "NO_TIER", "excel_serial", "issues_sheet", "printed", "pyramid_sheet", "scoring_sheet",
           "scoring_status", "tier_colors", "tier_fills", "tier_summary"]

DEFAULT_COLORS = ("1F4E79", "2E75B6", "9DC3E6", "BDD7EE", "DEEBF7", "F2F2F2")
NO_TIER = "(no tier)"  # the summary row of scored customers no tier takes
NO_TIER_COLOR = "BFBFBF"
_EPOCH = np.datetime64("1899-12-30", "ns")


def excel_serial(values: npt.NDArray[np.datetime64]) -> npt.NDArray[np.float64]:
    """datetime64 -> Excel serial day numbers (1900 system), NaN for NaT."""
    as_ns = values.astype("datetime64[ns]")
    days = (as_ns - _EPOCH).astype("timedelta64[ns]").astype(np.float64) / 86_400e9
    out: npt.NDArray[np.float64] = np.where(np.isnat(as_ns), np.nan, days)
    return out


def _values(series: pd.Series) -> ColumnValues:
    """A result column's cells: numbers stay one float64 array (NaN = blank), anything else Python values."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    values: list[CellValue] = series.to_numpy(dtype=object).tolist()
    return values


def tier_colors(model: Model) -> list[str]:
    """Each tier's Color, or a default blue of the pyramid's palette."""
    return [t.color or DEFAULT_COLORS[i % len(DEFAULT_COLORS)] for i, t in enumerate(model.tiers)]


def tier_fills(model: Model, tiers: Sequence[object] | npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """The fill of each Tier cell: its tier's colour, none for no tier (vectorised: a million rows in ms)."""
    colour = dict(zip((t.name for t in model.tiers), tier_colors(model), strict=True))
    codes, names = pd.factorize(np.asarray(tiers, dtype=object), use_na_sentinel=True)
    lookup = np.array([colour.get(name) for name in names] + [None], dtype=object)  # -1 (no tier) -> None
    filled: npt.NDArray[np.object_] = lookup[codes]
    return filled


def printed(sheet: OutputSheet, lang: Lang, today: date | None, *, title_row: int = 1,
            fit_width: bool | None = True, active: bool = False) -> OutputSheet:
    """``sheet`` set up for printing: landscape, one page wide, header row repeated, a footer."""
    footer = say("footer", lang, date=today.isoformat()) if today else ""
    return replace(sheet, print_title_row=title_row, footer=footer, fit_width=fit_width, active=active)


# Core tblScoring columns other than the indicators: header key, format, width (None: automatic).
_SCORING_FORMATS: dict[str, tuple[str, ColumnFormat, float | None]] = {
    "Customer ID": ("customer_id", "general", None), "Customer": ("customer", "general", None),
    "Owner": ("owner", "general", None), "Profile": ("profile", "general", None),
    "Score": ("score", "number2", None), "Coverage": ("coverage", "percent1", None),
    "Rank": ("rank", "integer", None), "Tier": ("tier", "general", None),
    "Policy": ("policy", "general", None), "Flags": ("flags", "general", 40),
}


def scoring_sheet(model: Model, result: pd.DataFrame, lang: Lang,
                  extra: Sequence[ExtraColumn] = (), as_of: AsOf | None = None) -> OutputSheet:
    """tblScoring from A1, set up for printing; with ``as_of``, a status line right of the table says
    what date the rules measured to (and the footer says it on paper)."""
    spec = OUTPUT_SHEETS["scoring"]
    names = scoring_columns(model)  # the one column order (engine, UDF table, live sheet)
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
            fills = tier_fills(model, result["Tier"].to_numpy(dtype=object)) if name == "Tier" else None
            columns.append(Column(header(key, lang), _values(result[name]), fmt, width=width, fills=fills))
    for col in extra:
        at = names.index(col.after) + 1 if col.after in names else len(names)
        values = result[col.name]
        cells = excel_serial(values.to_numpy(dtype="datetime64[ns]")).tolist() if col.fmt == "date" else _values(values)
        columns.insert(at, Column(col.header, cells, col.fmt))
        names.insert(at, col.name)
    table = OutputTable(spec.table, columns, row=1, col=1)
    # Beside the table, not above it: tblScoring starts at A1 so a full sheet of customers fits.
    status = [FreeCell(1, len(columns) + 2, scoring_status(result, lang, as_of))] if as_of is not None else []
    sheet = OutputSheet(spec.sheet(lang), tables=[table], cells=status, freeze_row=2)
    return printed(sheet, lang, as_of.day if as_of else None, active=True)


def scoring_status(result: pd.DataFrame, lang: Lang, as_of: AsOf) -> str:
    """``Scored 118 of 120 customers as of 2026-06-30 (from --as-of)``: what "today" the dates were measured to."""
    scored, total = int(result["Score"].notna().sum()), len(result)
    if lang == "zh":
        return f"已评分 {scored:,} / {total:,} 位客户；{as_of.describe(lang)}（生命周期、跟进与覆盖到期均按此日期计算）"
    return (f"Scored {scored:,} of {total:,} customers {as_of.describe(lang)}: lifecycle, follow-ups and "
            "override expiry are measured to this date")


def tier_summary(model: Model, result: pd.DataFrame) -> pd.DataFrame:
    """Per tier in tblTiers order: count, share of scored customers, min / average score.

    Scored customers no tier takes (a threshold tier model whose lowest Min score is above
    their score) get a last row, ``(no tier)``, so that the counts add up to the customers
    scored.
    """
    is_scored = result["Score"].notna().to_numpy()
    scores = pd.Series(result["Score"].to_numpy(dtype=np.float64)[is_scored])
    total = len(scores)
    # each scored customer's tier as its position in tblTiers (-1: no tier), found by hashing once
    tiers = pd.Index(result["Tier"].to_numpy(dtype=object)[is_scored])
    codes = pd.Index([t.name for t in model.tiers]).get_indexer(tiers)
    rows = []

    def row(name: str, members: pd.Series, policy: str, days: float | None) -> dict[str, object]:
        return {
            "Tier": name,
            "Customers": len(members),
            "Share": len(members) / total if total else 0.0,
            "Min score": float(members.min()) if len(members) else np.nan,
            # Rounded like the live sheet's ROUND(AVERAGEIFS(...), 2): the same figure in both modes.
            "Average score": excel_round(float(members.mean()), 2) if len(members) else np.nan,
            "Policy": policy,
            "Follow-up days": days,
        }

    for k, tier in enumerate(model.tiers):
        rows.append(row(tier.name, scores[codes == k], tier.policy, tier.follow_up_days))
    untiered = scores[codes < 0]
    if len(untiered):
        rows.append(row(NO_TIER, untiered, "", None))
    return pd.DataFrame(rows, columns=["Tier", "Customers", "Share", "Min score", "Average score", "Policy",
                                       "Follow-up days"])


def pyramid_label(tier: str, customers: int, share: float) -> str:
    """``Gold: 5 (31.3%)``: the share rounded half away from zero, as the live sheet's FIXED(share × 100, 1) shows it.

    One rule for both modes (Python's ``{:.1%}`` rounds half to even and would say 31.2%).
    """
    return f"{tier}: {int(customers):,} ({percent_text(share)})"


def pyramid_sheet(model: Model, summary: pd.DataFrame, lang: Lang, scored: int, as_of: AsOf) -> OutputSheet:
    spec = OUTPUT_SHEETS["pyramid"]
    counts = summary["Customers"].astype(int).tolist()
    widest = max(counts, default=0)
    labels = [pyramid_label(t, c, s) for t, c, s in
              zip(summary["Tier"], counts, summary["Share"], strict=True)]
    top_row = 3
    columns = [
        Column(header("tier", lang), summary["Tier"].tolist(),
               fills=[*tier_colors(model), *[None] * (len(counts) - len(model.tiers))]),
        Column(header("customers", lang), counts, "integer"),
        Column(header("share", lang), summary["Share"].tolist(), "percent1"),
        Column(header("min_score", lang), summary["Min score"].tolist(), "number2"),
        Column(header("avg_score", lang), summary["Average score"].tolist(), "number2"),
        Column(header("policy", lang), summary["Policy"].tolist()),
        Column(header("follow_up_days", lang), summary["Follow-up days"].tolist(), "integer"),
        # the chart's helpers: hidden (width 0), still plotted (the chart plots hidden cells)
        Column(header("label", lang), labels, width=0),
        Column(header("spacer", lang), [(widest - c) / 2 for c in counts], "number2", width=0),
    ]
    table = OutputTable(spec.table, columns, row=top_row, col=1, style="TableStyleLight9")
    first, last = top_row + 1, top_row + max(len(counts), 1)

    def rng(col: int) -> str:
        letter = column_letter(col)
        return f"${letter}${first}:${letter}${last}"

    colors = tier_colors(model)
    colors += [NO_TIER_COLOR] * (len(counts) - len(colors))
    title = say("pyramid.title", lang)
    chart = BarChart(title=title, categories=rng(8), values=rng(2), spacer=rng(9), colors=colors,
                     anchor_row=top_row + len(counts) + 3, anchor_col=1, width_cols=8,
                     height_rows=max(12, 3 * len(counts) + 6), series_name=header("customers", lang))
    caption = say("pyramid.caption", lang, scored=count(scored, "customer", lang), when=as_of.describe(lang),
                  scheme=say("pyramid.share" if model.scheme == "share" else "pyramid.threshold", lang))
    cells = [FreeCell(1, 1, title, bold=True), FreeCell(2, 1, caption)]
    sheet = OutputSheet(spec.sheet(lang), tables=[table], cells=cells, chart=chart)
    return printed(sheet, lang, as_of.day, title_row=0, fit_width=True)


def issues_sheet(issues: Sequence[Issue], lang: Lang, today: date | None = None) -> OutputSheet:
    spec = OUTPUT_SHEETS["issues"]
    ordered = sorted(issues, key=lambda i: i.severity != "error")  # stable: errors first, sheet order kept
    rows: list[Issue | None] = list(ordered) or [None]  # an empty table keeps one blank row
    severity: list[CellValue] = [say(f"severity.{i.severity}", lang) if i else None for i in rows]
    cells: list[CellValue] = [str(i.ref) if i and i.ref else None for i in rows]
    links = [i.ref.location if i and i.ref else None for i in rows]
    messages: list[CellValue] = [i.message if i else None for i in rows]
    table = OutputTable(spec.table, [
        Column(header("severity", lang), severity, width=10),
        Column(header("cell", lang), cells, width=18, links=links),
        Column(header("message", lang), messages, width=100),
    ])
    return printed(OutputSheet(spec.sheet(lang), tables=[table], freeze_row=2), lang, today)
