"""The Nine-box and Methods sheets, described as :mod:`xlscore.workbook.sheetdata` objects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from xlscore.classify.labels import AXIS_LABELS, CLASS_LABELS, LEVELS, OUTPUT_SHEETS, TEXT, pick
from xlscore.classify.methods import CrossTab, MethodsComparison
from xlscore.classify.ninebox import HIGH_FIRST, Axis, NineBox, cell_class, cell_label
from xlscore.messages import count
from xlscore.rounding import percent_text
from xlscore.workbook.cells import shown
from xlscore.workbook.layout import Lang
from xlscore.workbook.report import printed
from xlscore.workbook.sheetdata import Column, FreeCell, OutputSheet, OutputTable

__all__ = ["methods_sheet", "ninebox_sheet"]

# Nine-box cells by class (docs/classify.md): the diagonal's upper side green, the diagonal amber, below it rose.
_CLASS_COLORS = {"high": "C6E0B4", "middle": "FFE699", "low": "F8CBAD"}
_TOP_NAMES = 3  # names shown in each box


def _t(key: str, lang: Lang) -> str:
    return pick(TEXT[key], lang)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _axis_text(axis: Axis, lang: Lang) -> str:
    low, high = shown(axis.low_below), shown(axis.high_from)
    if lang == "en":
        return f"{axis.source} (< {low} low, ≥ {high} high)"
    return f"{axis.source}（< {low} 为低，≥ {high} 为高）"


def _cut_labels(axis: Axis, lang: Lang) -> list[str]:
    """Low, mid, high with their cut points: '< 40', '40 – 70', '≥ 70'."""
    low, high = shown(axis.low_below), shown(axis.high_from)
    return [f"< {low}", f"{low} – {high}", f"≥ {high}"]


def _grid_cells(result: pd.DataFrame, cell: np.ndarray, counts: np.ndarray, grid: NineBox,
                lang: Lang) -> tuple[list[FreeCell], int]:
    """The nine-box drawn as a grid of coloured cells: value rows (high on top), potential columns
    (low to high), both labelled with their cut points; each box holds its count, share and the
    top names by score. Returns the cells and the first free row below the grid."""
    level_names = [pick(level, lang) for level in LEVELS]
    value_cuts, potential_cuts = _cut_labels(grid.value, lang), _cut_labels(grid.potential, lang)
    total = int(counts.sum())
    top, box = 4, 1 + _TOP_NAMES
    value_word, potential_word = pick(AXIS_LABELS["value"], lang), pick(AXIS_LABELS["potential"], lang)
    cells = [FreeCell(top, 1, _t("value_potential", lang), bold=True)]
    for p in range(3):
        cells.append(FreeCell(top, 2 + p, f"{potential_word}: {level_names[p]} ({potential_cuts[p]})", bold=True))
    scores = result["Score"].to_numpy(dtype=np.float64)
    names = result["Customer"].to_numpy(dtype=object)
    for k, v in enumerate(HIGH_FIRST):
        first = top + 1 + k * box
        cells.append(FreeCell(first, 1, f"{value_word}: {level_names[v]} ({value_cuts[v]})", bold=True))
        for p in range(3):
            members = np.flatnonzero(cell == 3 * v + p)
            members = members[np.argsort(-np.nan_to_num(scores[members], nan=-np.inf), kind="stable")]
            colour = _CLASS_COLORS[cell_class(v, p)]
            n = int(counts[v, p])
            share = percent_text(n / total) if total else "–"
            cells.append(FreeCell(first, 2 + p, f"{count(n, 'customer', lang)} · {share}", bold=True, fill=colour))
            for j in range(_TOP_NAMES):
                text: str | None = None
                if j < len(members):
                    score = scores[members[j]]
                    text = f"{names[members[j]]} ({score:,.2f})" if score == score else str(names[members[j]])
                elif j == 0 and n == 0:
                    text = "—"
                cells.append(FreeCell(first + 1 + j, 2 + p, text or "", fill=colour))
    return cells, top + 1 + 3 * box + 1


def ninebox_sheet(result: pd.DataFrame, grid: NineBox, lang: Lang, today: date) -> OutputSheet:
    """The nine-box as a 3 × 3 grid of coloured cells (count, share, top names), then the count
    table (value rows high to low, potential columns low to high) and the nine cells with their
    share and average score."""
    spec = OUTPUT_SHEETS["ninebox"]
    index = {cell_label(v, p, lang): 3 * v + p for v in range(3) for p in range(3)}
    cell = result["Nine-box"].map(index).fillna(-1).to_numpy(dtype=np.int64)
    placed = cell >= 0
    counts = np.bincount(cell[placed], minlength=9).reshape(3, 3)
    scores = np.nan_to_num(result["Score"].to_numpy(dtype=np.float64))
    score_sum = np.bincount(cell[placed], weights=scores[placed], minlength=9).reshape(3, 3)
    total = int(counts.sum())
    level_names = [pick(level, lang) for level in LEVELS]
    grid_cells, top = _grid_cells(result, cell, counts, grid, lang)
    top += 1
    grid_columns = [Column(_t("value_potential", lang), [*(level_names[v] for v in HIGH_FIRST), _t("total", lang)])]
    for p in range(3):
        grid_columns.append(Column(level_names[p], [*(int(counts[v, p]) for v in HIGH_FIRST),
                                                    int(counts[:, p].sum())], "integer"))
    grid_columns.append(Column(_t("total", lang), [*(int(counts[v].sum()) for v in HIGH_FIRST), total], "integer"))
    cells = [(v, p) for v in HIGH_FIRST for p in HIGH_FIRST]
    cell_top = top + 4 + 3
    cell_columns = [
        Column(_t("cell", lang), [cell_label(v, p, lang) for v, p in cells]),
        Column(_t("value_level", lang), [level_names[v] for v, _ in cells]),
        Column(_t("potential_level", lang), [level_names[p] for _, p in cells]),
        Column(_t("class", lang), [pick(CLASS_LABELS[cell_class(*c)], lang) for c in cells]),
        Column(_t("customers", lang), [int(counts[c]) for c in cells], "integer"),
        Column(_t("share", lang), [_share(int(counts[c]), total) for c in cells], "percent1"),
        Column(_t("avg_score", lang), [score_sum[c] / counts[c] if counts[c] else None for c in cells], "number2"),
    ]
    caption = _t("ninebox_caption", lang).format(n=f"{total:,}", today=today.isoformat(),
                                                 value=_axis_text(grid.value, lang),
                                                 potential=_axis_text(grid.potential, lang))
    sheet = OutputSheet(
        spec.sheet(lang),
        tables=[OutputTable(spec.table, grid_columns, row=top, col=1, style="TableStyleLight9"),
                OutputTable("tblNineBoxCells", cell_columns, row=cell_top, col=1, style="TableStyleLight9")],
        cells=[FreeCell(1, 1, _t("ninebox_title", lang), bold=True), FreeCell(2, 1, caption), *grid_cells],
        column_widths={1: 30, 2: 36, 3: 36, 4: 36},
    )
    return printed(sheet, lang, today, title_row=0)


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
