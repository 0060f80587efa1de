"""Result -> the Scoring, Pyramid and Issues sheets, described as :mod:`sheetdata` objects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from xlscore.issues import Issue
from xlscore.messages import count, say
from xlscore.model import Model
from xlscore.workbook.layout import OUTPUT_SHEETS, Lang, header
from xlscore.workbook.refs import column_letter
from xlscore.workbook.sheetdata import BarChart, CellValue, Column, ColumnFormat, FreeCell, OutputSheet, OutputTable

if TYPE_CHECKING:
    from xlscore.retier import ExtraColumn

__all__ = ["DEFAULT_COLORS", "excel_serial", "issues_sheet", "printed", "pyramid_sheet", "scoring_sheet", "tier_colors",
           "tier_fills", "tier_summary"]

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
    from dataclasses import replace

    footer = say("footer", lang, date=today.isoformat()) if today else ""
    return replace(sheet, print_title_row=title_row, footer=footer, fit_width=fit_width, active=active)


def scoring_sheet(model: Model, result: pd.DataFrame, lang: Lang,
                  extra: Sequence[ExtraColumn] = (), today: date | None = None) -> OutputSheet:
    spec = OUTPUT_SHEETS["scoring"]
    head: list[tuple[str, str, ColumnFormat]] = [
        ("Customer ID", header("customer_id", lang), "general"),
        ("Customer", header("customer", lang), "general"),
        ("Owner", header("owner", lang), "general"),
        ("Profile", header("profile", lang), "general"),
        *((ind.name, ind.name, "number2") for ind in model.indicators),
        ("Score", header("score", lang), "number2"),
        ("Rank", header("rank", lang), "integer"),
        ("Tier", header("tier", lang), "general"),
        ("Policy", header("policy", lang), "general"),
    ]
    if model.shows_coverage:  # the share of the weight measured, right after the Score it qualifies
        head.insert(head.index(("Score", header("score", lang), "number2")) + 1,
                    ("Coverage", header("coverage", lang), "percent1"))
    columns = [Column(header, _values(result[name]), fmt,
                      fills=tier_fills(model, result["Tier"].to_numpy(dtype=object)) if name == "Tier" else None)
               for name, header, fmt in head]
    follow = excel_serial(result["Next follow-up"].to_numpy(dtype="datetime64[ns]"))
    columns.append(Column(header("next_follow_up", lang), follow.tolist(), "date", width=14))
    columns.append(Column(header("flags", lang), _values(result["Flags"]), "general", width=40))
    names = [name for name, _, _ in head] + ["Next follow-up", "Flags"]
    for col in extra:
        at = names.index(col.after) + 1 if col.after in names else len(names)
        values = result[col.name]
        cells = excel_serial(values.to_numpy(dtype="datetime64[ns]")).tolist() if col.fmt == "date" else _values(values)
        columns.insert(at, Column(col.header, cells, col.fmt))
        names.insert(at, col.name)
    table = OutputTable(spec.table, columns, row=1, col=1)
    return printed(OutputSheet(spec.sheet(lang), tables=[table], freeze_row=2), lang, today, active=True)


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
            "Average score": float(members.mean()) if len(members) else np.nan,
            "Policy": tier.policy,
            "Follow-up days": tier.follow_up_days,
        })
    return pd.DataFrame(rows, columns=["Tier", "Customers", "Share", "Min score", "Average score", "Policy",
                                       "Follow-up days"])


def pyramid_label(tier: str, customers: int, share: float) -> str:
    return f"{tier}: {customers:,} ({share:.1%})"


def pyramid_sheet(model: Model, summary: pd.DataFrame, lang: Lang, scored: int, today: date) -> OutputSheet:
    spec = OUTPUT_SHEETS["pyramid"]
    counts = summary["Customers"].astype(int).tolist()
    widest = max(counts, default=0)
    labels = [pyramid_label(t, c, s) for t, c, s in
              zip(summary["Tier"], counts, summary["Share"], strict=True)]
    top_row = 3
    columns = [
        Column(header("tier", lang), summary["Tier"].tolist(), fills=tier_colors(model)),
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
    title = say("pyramid.title", lang)
    chart = BarChart(title=title, categories=rng(8), values=rng(2), spacer=rng(9), colors=colors,
                     anchor_row=top_row + len(counts) + 3, anchor_col=1, width_cols=8,
                     height_rows=max(12, 3 * len(counts) + 6), series_name=header("customers", lang))
    caption = say("pyramid.caption", lang, scored=count(scored, "customer", lang), date=today.isoformat(),
                  scheme=say("pyramid.share" if model.scheme == "share" else "pyramid.threshold", lang))
    cells = [FreeCell(1, 1, title, bold=True), FreeCell(2, 1, caption)]
    sheet = OutputSheet(spec.sheet(lang), tables=[table], cells=cells, chart=chart)
    return printed(sheet, lang, today, title_row=0, fit_width=True)


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
