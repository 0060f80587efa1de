"""The Nine-box and Methods sheets, described as :mod:`xlscore.workbook.sheetdata` objects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from xlscore.classify.labels import CLASS_LABELS, LEVELS, OUTPUT_SHEETS, TEXT, pick
from xlscore.classify.methods import CrossTab, MethodsComparison
from xlscore.classify.ninebox import HIGH_FIRST, Axis, NineBox, cell_class, cell_label
from xlscore.workbook.cells import shown
from xlscore.workbook.layout import Lang
from xlscore.workbook.refs import column_letter
from xlscore.workbook.sheetdata import ChartSeries, Column, FreeCell, OutputSheet, OutputTable, SeriesChart

__all__ = ["methods_sheet", "ninebox_sheet"]

_VALUE_COLORS = ("1F4E79", "2E75B6", "9DC3E6")  # high, mid, low value


def _t(key: str, lang: Lang) -> str:
    return pick(TEXT[key], lang)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _axis_text(axis: Axis, lang: Lang) -> str:
    low, high = shown(axis.low_below), shown(axis.high_from)
    if lang == "en":
        return f"{axis.source} (< {low} low, ≥ {high} high)"
    return f"{axis.source}（< {low} 为低，≥ {high} 为高）"


def ninebox_sheet(result: pd.DataFrame, grid: NineBox, lang: Lang, today: date) -> OutputSheet:
    """A 3 × 3 count grid (value rows high to low, potential columns low to high), the nine cells
    with their share and average score, and a column chart of the grid."""
    spec = OUTPUT_SHEETS["ninebox"]
    index = {cell_label(v, p, lang): 3 * v + p for v in range(3) for p in range(3)}
    cell = result["Nine-box"].map(index).fillna(-1).to_numpy(dtype=np.int64)
    placed = cell >= 0
    counts = np.bincount(cell[placed], minlength=9).reshape(3, 3)
    scores = np.nan_to_num(result["Score"].to_numpy(dtype=np.float64))
    score_sum = np.bincount(cell[placed], weights=scores[placed], minlength=9).reshape(3, 3)
    total = int(counts.sum())
    level_names = [pick(level, lang) for level in LEVELS]
    top = 4
    grid_columns = [Column(_t("value_potential", lang), [*(level_names[v] for v in HIGH_FIRST), _t("total", lang)],
                           width=18)]
    for p in range(3):
        grid_columns.append(Column(level_names[p], [*(int(counts[v, p]) for v in HIGH_FIRST),
                                                    int(counts[:, p].sum())], "integer", width=10))
    grid_columns.append(Column(_t("total", lang), [*(int(counts[v].sum()) for v in HIGH_FIRST), total],
                               "integer", width=10))
    cells = [(v, p) for v in HIGH_FIRST for p in HIGH_FIRST]
    cell_top = top + 4 + 3
    cell_columns = [
        Column(_t("cell", lang), [cell_label(v, p, lang) for v, p in cells], width=30),
        Column(_t("value_level", lang), [level_names[v] for v, _ in cells]),
        Column(_t("potential_level", lang), [level_names[p] for _, p in cells]),
        Column(_t("class", lang), [pick(CLASS_LABELS[cell_class(*c)], lang) for c in cells]),
        Column(_t("customers", lang), [int(counts[c]) for c in cells], "integer"),
        Column(_t("share", lang), [_share(int(counts[c]), total) for c in cells], "percent1"),
        Column(_t("avg_score", lang), [score_sum[c] / counts[c] if counts[c] else None for c in cells], "number2"),
    ]
    first, last = column_letter(2), column_letter(4)
    series = [ChartSeries(f"{level_names[v]} value" if lang == "en" else f"{level_names[v]}价值",
                          f"${first}${top + 1 + k}:${last}${top + 1 + k}", _VALUE_COLORS[k])
              for k, v in enumerate(HIGH_FIRST)]
    chart = SeriesChart(title=_t("ninebox_title", lang), categories=f"${first}${top}:${last}${top}", series=series,
                        grouping="clustered", horizontal=False, anchor_row=top, anchor_col=9, width_cols=8,
                        height_rows=18)
    caption = _t("ninebox_caption", lang).format(n=total, today=today.isoformat(), value=_axis_text(grid.value, lang),
                                                 potential=_axis_text(grid.potential, lang))
    return OutputSheet(
        spec.sheet(lang),
        tables=[OutputTable(spec.table, grid_columns, row=top, col=1, style="TableStyleLight9"),
                OutputTable("tblNineBoxCells", cell_columns, row=cell_top, col=1, style="TableStyleLight9")],
        cells=[FreeCell(1, 1, _t("ninebox_title", lang), bold=True), FreeCell(2, 1, caption)],
        chart=chart,
    )


def _unique_headers(names: Sequence[str], taken: set[str]) -> list[str]:
    """Group names as table headers: Excel needs every header of a table to differ (case-insensitively)."""
    out: list[str] = []
    for name in names:
        header, k = name, 2
        while header.casefold() in taken:
            header, k = f"{name} ({k})", k + 1
        taken.add(header.casefold())
        out.append(header)
    return out


def _cross_tab_table(name: str, tab: CrossTab, group_header: str, lang: Lang, row: int) -> OutputTable:
    """One row per group (segment or nine-box cell), one column per tier headed with its class."""
    fixed = [group_header, _t("class", lang), _t("total", lang), _t("agree", lang), _t("agree_share", lang)]
    tier_heads = [f"{tier} ({pick(CLASS_LABELS[c], lang)})" for tier, c in zip(tab.rows, tab.row_class, strict=True)]
    tier_heads = _unique_headers(tier_heads, {h.casefold() for h in fixed})
    totals = tab.counts.sum(axis=0)
    agree = np.where(tab.agree_mask, tab.counts, 0).sum(axis=0)
    columns = [Column(fixed[0], list(tab.columns), width=28),
               Column(fixed[1], [pick(CLASS_LABELS[c], lang) if c else None for c in tab.column_class])]
    columns += [Column(h, tab.counts[i, :].tolist(), "integer") for i, h in enumerate(tier_heads)]
    columns += [Column(fixed[2], totals.tolist(), "integer"),
                Column(fixed[3], [int(a) if c else None for a, c in zip(agree, tab.column_class, strict=True)],
                       "integer"),
                Column(fixed[4], [_share(int(a), int(t)) if c else None
                                  for a, t, c in zip(agree, totals, tab.column_class, strict=True)], "percent1")]
    return OutputTable(name, columns, row=row, col=1, style="TableStyleLight9")


def methods_sheet(comparison: MethodsComparison, lang: Lang) -> OutputSheet:
    """The agreement summary, then tier × RFM segment and tier × nine-box cell."""
    spec = OUTPUT_SHEETS["methods"]
    rows = comparison.comparisons
    row = 4
    summary = OutputTable("tblMethodsAgreement", [
        Column(_t("comparison", lang), [_t(c.key, lang) for c in rows], width=28),
        Column(_t("compared", lang), [c.compared for c in rows], "integer"),
        Column(_t("agree", lang), [c.agree for c in rows], "integer"),
        Column(_t("agree_share", lang), [c.share for c in rows], "percent1"),
    ], row=row, col=1, style="TableStyleMedium2")
    tables, free = [summary], [FreeCell(1, 1, _t("methods_title", lang), bold=True),
                               FreeCell(2, 1, _t("methods_caption", lang))]
    row += len(rows) + 3
    blocks = [(_t("tier_vs_rfm", lang), "tblMethodsRFM", _t("rfm_segment", lang), comparison.rfm),
              (_t("tier_vs_ninebox", lang), "tblMethodsNineBox", _t("ninebox_cell", lang), comparison.ninebox)]
    for title, name, group_header, tab in blocks:
        if tab is None:
            continue
        free.append(FreeCell(row, 1, title, bold=True))
        tables.append(_cross_tab_table(name, tab, group_header, lang, row + 1))
        row += len(tab.columns) + 4
    return OutputSheet(spec.sheet(lang), tables=tables, cells=free)
