"""The Migration sheet: tier-to-tier matrix (counts, % of row), new and lost customers, a chart.

Layout (1-based rows): a title and two summary lines on top; the counts matrix
``tblMigration`` at row 5 with a Total column and row; the % of row matrix
``tblMigrationShare`` below it; then ``tblMigrationNew`` and ``tblMigrationLost`` side by
side. A 100 % stacked bar chart of the counts (one bar per previous tier, one colour per
current tier) sits right of the matrices, as tall as they are, so no table lies under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from xlscore.history.migration import LOST, NEW, NO_TIER, Comparison
from xlscore.history.names import MIGRATION, Lang, name
from xlscore.history.periods import Period
from xlscore.messages import count
from xlscore.model import Model
from xlscore.workbook.refs import column_letter
from xlscore.workbook.report import DEFAULT_COLORS, printed
from xlscore.workbook.sheetdata import CellValue, ChartSeries, Column, FreeCell, OutputSheet, OutputTable, SeriesChart

__all__ = ["LOST_COLOR", "migration_sheet", "no_migration_sheet"]

LOST_COLOR = "C00000"
_NO_TIER_COLOR = "D9D9D9"
_TOP = 5  # header row of the counts matrix


def _labels(lang: Lang) -> dict[str, str]:
    if lang == "en":
        return {NO_TIER: name("no_tier", lang), NEW: "New", LOST: "Lost"}
    return {NO_TIER: name("no_tier", lang), NEW: "新增", LOST: "流失"}


def _title(previous: Period | None, current: Period, lang: Lang) -> str:
    if lang == "zh":
        return f"层级迁移：{previous} → {current}" if previous else f"层级迁移：{current}"
    return f"Tier migration {previous} → {current}" if previous else f"Tier migration {current}"


def no_migration_sheet(current: Period, lang: Lang, sheet_name: str | None = None) -> OutputSheet:
    """The sheet when no snapshot before ``current`` exists yet."""
    note = (f"No snapshot before {current} yet: the migration appears once an earlier period is recorded "
            "(xlscore snapshot BOOK --period ...)." if lang == "en" else
            f"{current} 之前还没有快照：记录更早期间的快照后显示迁移（xlscore snapshot）。")
    return OutputSheet(sheet_name or MIGRATION.sheet(lang),
                       cells=[FreeCell(1, 1, _title(None, current, lang), bold=True), FreeCell(2, 1, note)])


def _summary(comparison: Comparison, lang: Lang) -> tuple[str, str]:
    c = comparison.counts()
    both = int((~comparison.new).sum())
    if lang == "zh":
        return (f"两期都有的客户 {both:,} 位：上升 {c['up']:,}，下降 {c['down']:,}，不变 {c['same']:,}；"
                f"新增 {c['new']:,}，流失 {c['lost']:,}。",
                f"行：{comparison.previous} 层级；列：{comparison.current} 层级。")
    return (f"{count(both, 'customer')} in both periods: up {c['up']:,}, down {c['down']:,}, same {c['same']:,}; "
            f"new {c['new']:,}, lost {c['lost']:,}.", f"Rows: tier in {comparison.previous}; columns: tier in "
            f"{comparison.current}.")


def _matrix_tables(matrix: pd.DataFrame, lang: Lang) -> tuple[OutputTable, OutputTable, int]:
    labels = _labels(lang)
    total = name("total", lang)
    row_names: list[CellValue] = [labels.get(r, r) for r in matrix.index]
    col_names = [labels.get(c, c) for c in matrix.columns]
    counts = [Column(name("from_to", lang), [*row_names, total], width=16)]
    counts += [Column(h, [*matrix[c].tolist(), int(matrix[c].sum())], "integer")
               for h, c in zip(col_names, matrix.columns, strict=True)]
    row_totals = matrix.sum(axis=1)
    counts.append(Column(_unique(total, col_names), [*row_totals.tolist(), int(row_totals.sum())], "integer"))
    count_table = OutputTable(MIGRATION.table, counts, row=_TOP, col=1, style="TableStyleLight9")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = matrix.div(row_totals.replace(0, np.nan), axis=0)
    share_top = _TOP + len(matrix) + 3
    shares = [Column(name("from_to", lang), row_names, width=16)]
    shares += [Column(h, share[c].tolist(), "percent1") for h, c in zip(col_names, matrix.columns, strict=True)]
    share_table = OutputTable(MIGRATION.table + "Share", shares, row=share_top, col=1, style="TableStyleLight9")
    return count_table, share_table, share_top + len(matrix) + 2


def _unique(header: str, taken: Sequence[str]) -> str:
    return header if header.casefold() not in {t.casefold() for t in taken} else f"{header} (all)"


def _captions(comparison: Comparison, lang: Lang, share_top: int, lists_top: int, new: int,
              lost: int) -> list[FreeCell]:
    """A caption above the share matrix and above each list: what it holds, and how many."""
    previous, current = comparison.previous, comparison.current
    if lang == "zh":
        texts = (f"{previous} 各层级客户在 {current} 的去向（占该层级比例）",
                 f"新增: {current} 有、{previous} 没有的客户（{new:,} 位）",
                 f"流失: {previous} 有、{current} 没有的客户（{lost:,} 位）")
    else:
        texts = (f"Share of each {previous} tier by its tier in {current}",
                 f"New: in {current}, not in {previous} ({count(new, 'customer')})",
                 f"Lost: in {previous}, gone from {current} ({count(lost, 'customer')})")
    return [FreeCell(share_top - 1, 1, texts[0], bold=True), FreeCell(lists_top - 1, 1, texts[1], bold=True),
            FreeCell(lists_top - 1, 7, texts[2], bold=True)]


def _lists(result: pd.DataFrame, comparison: Comparison, lang: Lang, top: int) -> list[OutputTable]:
    """New customers (columns A-E) and lost ones (G-I), below the matrices and the chart."""
    new = result[comparison.new.to_numpy()]
    new_table = OutputTable(MIGRATION.table + "New", [
        Column(name("customer_id", lang), new["Customer ID"].tolist()),
        Column(name("customer", lang), new["Customer"].tolist()),
        Column(name("owner", lang), new["Owner"].tolist()),
        Column(name("tier", lang), new["Tier"].tolist()),
        Column(name("score", lang), new["Score"].tolist(), "number2"),
    ], row=top, col=1, style="TableStyleLight11")
    lost = comparison.lost
    lost_table = OutputTable(MIGRATION.table + "Lost", [
        Column(name("customer_id", lang), lost["Customer ID"].tolist()),
        Column(name("previous_tier", lang), lost["Tier"].tolist()),
        Column(name("previous_score", lang), lost["Score"].tolist(), "number2"),
    ], row=top, col=7, style="TableStyleLight10")
    return [new_table, lost_table]


def _chart(model: Model, matrix: pd.DataFrame, comparison: Comparison, lang: Lang, width: int) -> SeriesChart:
    colors = {t.name: t.color or DEFAULT_COLORS[i % len(DEFAULT_COLORS)] for i, t in enumerate(model.tiers)}
    colors |= {LOST: LOST_COLOR, NO_TIER: _NO_TIER_COLOR}
    labels = _labels(lang)
    first, last = _TOP + 1, _TOP + len(matrix)
    series = [ChartSeries(labels.get(c, c), f"${column_letter(j)}${first}:${column_letter(j)}${last}",
                          colors.get(c, _NO_TIER_COLOR))
              for j, c in enumerate(matrix.columns, start=2)]
    title = (f"Where {comparison.previous} tiers went in {comparison.current}" if lang == "en" else
             f"{comparison.previous} 各层级客户在 {comparison.current} 的去向")
    return SeriesChart(title=title, categories=f"$A${first}:$A${last}", series=series, grouping="percentStacked",
                       anchor_row=_TOP, anchor_col=width + 2, width_cols=9, height_rows=2 * len(matrix) + 4)


def migration_sheet(model: Model, result: pd.DataFrame, comparison: Comparison, lang: Lang,
                    sheet_name: str | None = None, today: date | None = None) -> OutputSheet:
    matrix = comparison.matrix
    count_table, share_table, lists_top = _matrix_tables(matrix, lang)
    lists_top += 1  # a caption row above the lists
    width = len(count_table.columns)
    counts_line, axes_line = _summary(comparison, lang)
    cells = [FreeCell(1, 1, _title(comparison.previous, comparison.current, lang), bold=True),
             FreeCell(2, 1, counts_line), FreeCell(3, 1, axes_line),
             *_captions(comparison, lang, share_table.row, lists_top, int(comparison.new.sum()),
                        len(comparison.lost))]
    sheet = OutputSheet(
        sheet_name or MIGRATION.sheet(lang),
        tables=[count_table, share_table, *_lists(result, comparison, lang, lists_top)],
        cells=cells,
        chart=_chart(model, matrix, comparison, lang, width),
    )
    return printed(sheet, lang, today, title_row=0)
