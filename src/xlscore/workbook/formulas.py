"""Model -> native Excel formulas for a live Scoring sheet (``xlscore retier --live``).

:func:`live_sheets` returns three sheets owned by xlscore:

* **Scoring** — tblScoring with the same columns as the values mode, every cell a formula
  over tblCustomers and the model tables, carrying the engine's result as its cached value;
  hidden helper columns at the right (zero width) hold the customer's row in tblCustomers,
  its weight profile, its approval, its tier number and the band points of each measure.
  Rows come in the engine's order (Rank, then Customer ID, unscored last) as of the run;
  each row finds its customer by the Customer ID in column A, so sorting the table later
  keeps every row right.
* **Pyramid** — the tier summary as COUNTIFS / AGGREGATE / AVERAGEIFS over tblScoring,
  and the pyramid chart drawn from it, so the chart follows edits.
* **Live model** — the model normalised once for the row formulas (:mod:`live_model`).

Formulas use functions of Excel 2007 plus ``_xlfn.AGGREGATE`` (Excel 2010); nothing
volatile. See docs/live.md for what follows edits and what needs a re-run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xlscore.engine import scoring_columns
from xlscore.errors import WorkbookError
from xlscore.model import Model
from xlscore.overrides import override_columns
from xlscore.workbook.formula_text import structured_column, text, whole_column
from xlscore.workbook.layout import Lang
from xlscore.workbook.live_cache import cached_columns
from xlscore.workbook.live_model import LiveModel, live_model
from xlscore.workbook.live_pyramid import live_pyramid
from xlscore.workbook.live_rows import RowFormulas, value_columns
from xlscore.workbook.report import printed, scoring_sheet, scoring_status
from xlscore.workbook.sheetdata import Column, ColumnValues, Formula, FormulaColumn, FreeCell, OutputSheet, OutputTable

if TYPE_CHECKING:
    from xlscore.analysis import Analysis

__all__ = ["TABLE_ROW", "live_sheets"]

TABLE_ROW = 7  # header row of tblScoring; the rows above hold the title, the note and two status lines

# The note at the top of the Scoring sheet, one short line per row (rows 2-4).
_NOTE = {
    "en": ("Live formulas: edit a weight, a band, a tier or a customer's value and the scores, ranks, tiers, "
           "follow-ups, flags and the Pyramid update, with no add-in.",
           "Adding an indicator, a measure, a profile, a band row or a tier row needs a re-run of "
           "xlscore retier --live.",
           "Rows are in rank order as of the last run: sort by Rank after edits. New customer: type its Customer ID "
           "below the table and copy the formulas down from the row above (or re-run)."),
    "zh": ("实时公式：修改权重、分段、层级或客户数据后，得分、排名、层级、跟进日期、标记和金字塔自动更新，无需加载项。",
           "新增指标、度量、权重方案、分段行或层级行后，需重新运行 xlscore retier --live。",
           "行顺序为上次运行时的排名顺序，编辑后可按排名排序。新增客户：在表格下方输入客户编号，并从上一行向下复制公式（或重新运行）。"),
}


@dataclass(frozen=True)
class _Helper:
    key: str
    header: str


def live_sheets(analysis: Analysis) -> list[OutputSheet]:
    """Scoring, Pyramid and Live model sheets of native formulas, with the engine's values cached."""
    book, result = analysis.book, analysis.result
    if result is None or book.source is None or book.columns is None:
        raise WorkbookError("live formulas need a scored book read from its tables")
    model, lang = book.model, book.lang
    if model.min_coverage is not None:
        raise WorkbookError("Min coverage % of tblTiers is applied by the values re-tier only: run retier without "
                            "--live, or clear Min coverage % to use live formulas")
    outside = [name for name in model.measure_columns if name not in book.columns.positions]
    if outside:
        raise WorkbookError(f"measures {', '.join(map(repr, outside))} come from tblValue, not tblCustomers: live "
                            "formulas read only tblCustomers; re-tier without --live")
    values_sheet = scoring_sheet(model, result, lang, analysis.extra_columns)
    values_table = values_sheet.tables[0]
    all_keys = _column_keys(model, values_table, [c.header for c in analysis.extra_columns],
                            [c.name for c in analysis.extra_columns])
    # Coverage % is a values-run figure: the live sheet does not recompute it, so leaves it out
    kept = [(key, column) for key, column in zip(all_keys, values_table.columns, strict=True) if key != "Coverage"]
    keys = [key for key, _ in kept]
    customers_table = book.columns.table
    customer_columns = {name: whole_column(customers_table.sheet, customers_table.left + col)
                        for name, col in book.columns.positions.items()}
    overrides = None if analysis.overrides is None else override_columns(model.tiers, result, analysis.overrides,
                                                                                      lang)
    helpers = _helpers(model, customer_columns, overrides is not None)
    header_of = {key: column.header for key, column in kept}
    header_of.update({h.key: h.header for h in helpers})
    cols = {key: i + 1 for i, key in enumerate([*keys, *(h.key for h in helpers)])}
    scores = structured_column(values_table.name, header_of["Score"])
    n_scored = int(result["Score"].notna().sum())
    live = live_model(model, book.source, lang, scores=scores,
                      customer_ids=structured_column(customers_table.name,
                                                     customers_table.headers[book.columns.positions["Customer ID"]]),
                      n_scored=n_scored, n_customers=len(result))
    templates = RowFormulas(model, live, cols, customer_columns, scores).build()
    cached = cached_columns(model, book.customers, result, overrides, first_row=customers_table.top + 1)
    columns = []
    for key, column in kept:
        values: ColumnValues = column.values
        if key in templates:  # one formula filled down the column (a shared formula in the file)
            values = FormulaColumn(templates[key], cached.get(key, column.values), TABLE_ROW + 1)
        columns.append(Column(column.header, values, column.fmt, column.width))
    for helper in helpers:
        values = cached[helper.key]
        if helper.key in templates:
            values = FormulaColumn(templates[helper.key], values, TABLE_ROW + 1)
        columns.append(Column(helper.header, values, width=0))
    table = OutputTable(values_table.name, columns, row=TABLE_ROW, col=1)
    status = _status(live, table, header_of)
    cells = [FreeCell(1, 1, _title(lang), bold=True), *(FreeCell(2 + i, 1, line) for i, line in enumerate(_NOTE[lang])),
             FreeCell(5, 1, status), FreeCell(6, 1, scoring_status(result, lang, analysis.as_of))]
    scoring = printed(OutputSheet(values_sheet.name, tables=[table], cells=cells, freeze_row=TABLE_ROW + 1), lang,
                      analysis.today, title_row=TABLE_ROW, active=True)
    pyramid = live_pyramid(model, result, lang, analysis.as_of, live, scores,
                           structured_column(table.name, header_of["tier"]))
    return [scoring, pyramid, live.sheet]


def _title(lang: Lang) -> str:
    return "Customer scoring (live formulas)" if lang == "en" else "客户评分（实时公式）"


def _column_keys(model: Model, table: OutputTable, extra_headers: Sequence[str],
                 extra_names: Sequence[str]) -> list[str]:
    """The result column behind each column of the values-mode table, in table order."""
    core = iter(scoring_columns(model))
    extras = dict(zip(extra_headers, extra_names, strict=True))
    return [extras.pop(c.header) if c.header in extras else next(core) for c in table.columns]


def _helpers(model: Model, customer_columns: dict[str, str], with_overrides: bool) -> list[_Helper]:
    helpers = [_Helper("locator", "Customers row"), _Helper("hint", "Customers row at last run"),
               _Helper("profile", "Profile number")]
    if "Approved" in customer_columns and model.direct_columns:
        helpers.append(_Helper("approved", "Approved (as read)"))
    if with_overrides:
        helpers += [_Helper("override", "Override tier number"), _Helper("override flag", "Override flag"),
                    _Helper("rule tier", "Rule tier number")]
    helpers += [_Helper("weights", "Weights counted"), _Helper("tier", "Tier number")]
    helpers += [_Helper(f"value:{name}", f"Value: {name}") for name in value_columns(model)]
    for ind in model.indicators:
        if ind.method == "banded":
            helpers += [_Helper(f"earned:{ind.name}", f"Points earned: {ind.name}"),
                        _Helper(f"present:{ind.name}", f"Best points present: {ind.name}")]
    helpers += [_Helper(f"points:{m.name}", f"Points: {m.name}") for m in model.measures]
    return helpers


def _status(live: LiveModel, table: OutputTable, header_of: dict[str, str]) -> Formula:
    listed = f"COUNTA({structured_column(table.name, header_of['Customer ID'])})"
    located = structured_column(table.name, header_of["locator"])
    message = text("tblCustomers has ") + f"&{live.customers_count}&" + text(" customers and this table lists ") + \
        f"&{listed}&" + text(": type the missing Customer IDs below the table and copy the formulas down, or "
                             "re-run xlscore retier --live. ")
    unknown = text("Rows showing #N/A have a Customer ID that is not in tblCustomers.")
    formula = (f'IF({live.customers_count}<>{listed},{message},"")&'
               f'IF(SUMPRODUCT(--ISNA({located}))>0,{unknown},"")')
    return Formula(formula, "")


