"""The live Pyramid sheet: the values-mode tier summary, every cell a formula over tblScoring.

Counts by COUNTIFS on the hidden tier number, minimum score by ``_xlfn.AGGREGATE`` (SMALL
ignoring errors; Excel 2010), average by AVERAGEIFS; the pyramid chart reads the table, so
it follows edits. Tier colours are written into the chart and change on a re-run only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from xlscore.model import Model
from xlscore.workbook.formula_text import row_cell
from xlscore.workbook.layout import Lang
from xlscore.workbook.live_model import LiveModel
from xlscore.workbook.report import NO_TIER, pyramid_label, pyramid_sheet, tier_summary
from xlscore.workbook.sheetdata import Column, Formula, FreeCell, OutputSheet, OutputTable, shown_value

if TYPE_CHECKING:
    from xlscore.asof import AsOf

__all__ = ["live_pyramid"]

Template = Callable[[int, int], str]  # (tier number, sheet row) -> formula text


def live_pyramid(model: Model, result: pd.DataFrame, lang: Lang, as_of: AsOf, live: LiveModel,
                 scores: str, tiers: str) -> OutputSheet:
    """``scores`` and ``tiers`` reference tblScoring's Score and (hidden) tier number columns."""
    n_scored = int(result["Score"].notna().sum())
    summary = tier_summary(model, result)
    values = pyramid_sheet(model, summary, lang, n_scored, as_of)
    table = values.tables[0]
    first, last = table.row + 1, table.row + len(summary)

    def count(row: int) -> str:
        return row_cell(2, row)

    # k is the tier number; 0 is the "(no tier)" row, counted on the tier number 0 of tblScoring
    templates: list[Template] = [
        lambda k, r: f"INDEX({live.tier_names},{k})" if k else f'"{NO_TIER}"',
        lambda k, r: f'COUNTIFS({tiers},{k},{scores},">-1E+307")',
        lambda k, r: f"IF({live.scored_count}>0,{count(r)}/{live.scored_count},0)",
        lambda k, r: f'IF({count(r)}>0,_xlfn.AGGREGATE(15,6,{scores}/({tiers}={k}),1),"")',
        lambda k, r: f'IF({count(r)}>0,ROUND(AVERAGEIFS({scores},{tiers},{k}),2),"")',
        lambda k, r: f"INDEX({live.tier_policies},{k})" if k else '""',
        lambda k, r: f"INDEX({live.tier_days},{k})" if k else '""',
        lambda k, r: f'{row_cell(1, r)}&": "&{count(r)}&" ("&FIXED({row_cell(3, r)}*100,1,TRUE)&"%)"',
        lambda k, r: f"(MAX($B${first}:$B${last})-{count(r)})/2",
    ]
    cached = [list(c.values) for c in table.columns]
    cached[7] = [pyramid_label(t, c, s) for t, c, s in zip(summary["Tier"], summary["Customers"], summary["Share"],
                                                      strict=True)]
    numbers = [k + 1 if k < len(model.tiers) else 0 for k in range(len(summary))]
    columns = [Column(column.header, [Formula(template(numbers[i], first + i), shown_value(v))
                                      for i, v in enumerate(cells)], column.fmt, column.width)
               for column, template, cells in zip(table.columns, templates, cached, strict=True)]
    caption = _caption(lang, as_of, live, n_scored, model.scheme)
    cells = [c if (c.row, c.col) != (2, 1) else FreeCell(2, 1, caption) for c in values.cells]
    return replace(values, tables=[OutputTable(table.name, columns, table.row, table.col, table.style)], cells=cells)


def _caption(lang: Lang, as_of: AsOf, live: LiveModel, n_scored: int, scheme: str) -> Formula:
    """Counted live; the as-of date is the last re-run's (the live formulas read no date)."""
    when = as_of.describe(lang).replace('"', "'")
    if lang == "zh":
        return Formula(f'{live.scored_count}&" 位客户已评分（实时公式，上次运行：{when}）"',
                       f"{n_scored} 位客户已评分（实时公式，上次运行：{when}）")
    basis = {"share": "share of ranking", "threshold": "score thresholds"}
    return Formula(f'{live.scored_count}&" customers scored by live formulas (last re-run {when}); '
                   f'tiers from tblTiers ("&IF({live.scheme}="share","{basis["share"]}","{basis["threshold"]}")&")"',
                   f"{n_scored} customers scored by live formulas (last re-run {when}); tiers from "
                   f"tblTiers ({basis[scheme]})")
