"""The Value (tblValue, one row per customer) and Value model (fit and checks) sheets."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from xlscore.value.predict import ValueRun, frequency_labels
from xlscore.workbook.layout import Lang
from xlscore.workbook.sheetdata import (
    CellValue,
    ChartSeries,
    Column,
    ColumnFormat,
    FreeCell,
    OutputSheet,
    OutputTable,
    SeriesChart,
)

__all__ = ["SHEET_NAMES", "value_model_sheet", "value_sheet"]

SHEET_NAMES: dict[str, tuple[str, str]] = {"value": ("Value", "价值"), "model": ("Value model", "价值模型")}
VALUE_TABLE = "tblValue"

_FORMATS: dict[str, ColumnFormat] = {
    "First purchase": "date", "Last purchase": "date", "Frequency": "integer", "Recency": "number2",
    "Tenure": "number2", "Orders last 12 months": "integer", "Revenue last 12 months": "number2",
    "Mean repeat amount": "number2", "P alive": "percent1", "Expected purchases": "number2",
    "Expected order value": "number2", "Predicted value": "number2", "Holdout purchases": "integer",
    "Holdout expected": "number2",
}

_TEXT: dict[str, tuple[str, str]] = {
    "value_title": ("Predicted customer value", "预测客户价值"),
    "value_caption": ("As of {as_of}, in {unit}s; expected purchases over the next {horizon:g} {unit}s (BG/NBD) "
                      "times expected order value (Gamma-Gamma){discount}. Written by xlscore value: edits here "
                      "are replaced on the next run.",
                      "截至 {as_of}，单位：{unit}；未来 {horizon:g} 个{unit}的预期购买次数（BG/NBD）乘以预期订单金额"
                      "（Gamma-Gamma）{discount}。由 xlscore value 生成，下次运行时会被覆盖。"),
    "model_title": ("Value model: fit and checks", "价值模型：拟合与检验"),
    "parameters": ("Parameters", "参数"),
    "model": ("Model", "模型"), "parameter": ("Parameter", "参数"), "estimate": ("Estimate", "估计值"),
    "fit": ("Fit", "拟合"), "item": ("Item", "项目"), "value": ("Value", "值"),
    "repeat": ("Repeat purchases", "重复购买次数"), "actual": ("Actual customers", "实际客户数"),
    "predicted": ("Predicted customers", "预测客户数"),
    "chart": ("Customers by number of repeat purchases: actual vs BG/NBD",
              "按重复购买次数的客户数：实际与 BG/NBD 预测"),
    "holdout": ("Holdout: purchases after the as-of date up to {end}", "保留期：截至日之后至 {end} 的购买"),
    "customers": ("Customers", "客户数"), "actual_p": ("Actual purchases", "实际购买次数"),
    "predicted_p": ("Predicted purchases", "预测购买次数"), "total": ("Total", "合计"),
}

_FIT_ITEMS: tuple[tuple[str, str], ...] = (
    ("as_of", "As of"), ("time_unit", "Time unit"), ("horizon", "Horizon"), ("discount_rate", "Discount rate per year"),
    ("customers", "Customers"), ("repeat_buyers", "Repeat buyers"), ("orders_used", "Order lines used"),
    ("orders_after_as_of", "Order lines after the as-of date"), ("bg_ll", "BG/NBD log-likelihood"),
    ("bg_converged", "BG/NBD converged"), ("gg_ll", "Gamma-Gamma log-likelihood"),
    ("gg_converged", "Gamma-Gamma converged"), ("expected_purchases", "Expected purchases (all customers)"),
    ("predicted_value", "Predicted value (all customers)"),
)


def _t(key: str, lang: Lang) -> str:
    en, zh = _TEXT[key]
    return en if lang == "en" else zh


def sheet_name(key: str, lang: Lang) -> str:
    en, zh = SHEET_NAMES[key]
    return en if lang == "en" else zh


def _cells(series: pd.Series[Any]) -> list[CellValue]:
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if pd.isna(v) else v.date() for v in series]
    if series.dtype == object:
        return [None if v is None else str(v) for v in series]
    values: list[CellValue] = series.to_numpy().tolist()
    return values


def value_sheet(run: ValueRun, lang: Lang) -> OutputSheet:
    """tblValue: one row per customer, highest predicted value first."""
    table = run.table.sort_values(["Predicted value", "Customer ID"], ascending=[False, True], kind="stable")
    columns = [Column(name, _cells(table[name]), _FORMATS.get(name, "general"),
                      width=max(12.0, len(name) + 3.0))
               for name in table.columns]
    s = run.settings
    discount = ""
    if s.discount_rate:
        discount = (f", discounted at {s.discount_rate:.1%} a year" if lang == "en"
                    else f"，按每年 {s.discount_rate:.1%} 折现")
    caption = _t("value_caption", lang).format(as_of=s.as_of.isoformat(), unit=s.unit, horizon=s.horizon,
                                                discount=discount)
    return OutputSheet(sheet_name("value", lang),
                       tables=[OutputTable(VALUE_TABLE, columns, row=4, col=1, style="TableStyleMedium2")],
                       cells=[FreeCell(1, 1, _t("value_title", lang), bold=True), FreeCell(2, 1, caption)],
                       freeze_row=5)


def _fit_rows(run: ValueRun) -> list[tuple[str, CellValue]]:
    data = run.as_json()
    data.update(bg_ll=run.bgnbd.fit.log_likelihood, bg_converged="yes" if run.bgnbd.fit.converged else "no",
                gg_ll=run.gamma_gamma.fit.log_likelihood, gg_converged="yes" if run.gamma_gamma.fit.converged else "no")
    return [(label, round(value, 4) if isinstance(value, float) else value)
            for key, label in _FIT_ITEMS for value in (data[key],)]


def value_model_sheet(run: ValueRun, lang: Lang) -> OutputSheet:
    """Parameters, fit statistics, actual vs predicted customers by repeat purchases (with a chart), holdout."""
    bg, gg = run.bgnbd, run.gamma_gamma
    params = [("BG/NBD", "r", bg.r), ("BG/NBD", "alpha", bg.alpha), ("BG/NBD", "a", bg.a), ("BG/NBD", "b", bg.b),
              ("Gamma-Gamma", "p", gg.p), ("Gamma-Gamma", "q", gg.q), ("Gamma-Gamma", "v", gg.v)]
    top = 4
    param_table = OutputTable("tblValueParameters", [
        Column(_t("model", lang), [m for m, _, _ in params], width=14),
        Column(_t("parameter", lang), [p for _, p, _ in params], width=11),
        Column(_t("estimate", lang), [round(v, 6) for _, _, v in params], width=12),
    ], row=top, col=1, style="TableStyleLight9")
    fit_rows = _fit_rows(run)
    fit_top = top + len(params) + 3
    fit_table = OutputTable("tblValueFit", [
        Column(_t("item", lang), [k for k, _ in fit_rows], width=34),
        Column(_t("value", lang), [v for _, v in fit_rows], width=14),
    ], row=fit_top, col=1, style="TableStyleLight9")
    labels = frequency_labels()
    freq_top = fit_top + len(fit_rows) + 3
    freq_table = OutputTable("tblValueFrequency", [
        Column(_t("repeat", lang), labels, "text", width=16),
        Column(_t("actual", lang), run.actual_by_frequency, "integer", width=16),
        Column(_t("predicted", lang), [round(v, 2) for v in run.predicted_by_frequency], "number2", width=18),
    ], row=freq_top, col=1, style="TableStyleLight9")
    first, last = freq_top + 1, freq_top + len(labels)
    chart = SeriesChart(title=_t("chart", lang), categories=f"$A${first}:$A${last}",
                        series=[ChartSeries(_t("actual", lang), f"$B${first}:$B${last}", "1F4E79"),
                                ChartSeries(_t("predicted", lang), f"$C${first}:$C${last}", "9DC3E6")],
                        grouping="clustered", horizontal=False, anchor_row=top, anchor_col=6, width_cols=9,
                        height_rows=20)
    tables = [param_table, fit_table, freq_table]
    cells = [FreeCell(1, 1, _t("model_title", lang), bold=True),
             FreeCell(top - 1, 1, _t("parameters", lang), bold=True),
             FreeCell(fit_top - 1, 1, _t("fit", lang), bold=True),
             FreeCell(freq_top - 1, 1, _t("chart", lang), bold=True)]
    cells += [FreeCell(2, 1, note) for note in run.notes[:1]]
    if run.holdout is not None and run.settings.holdout_end is not None:
        h = run.holdout
        hold_top = freq_top + len(labels) + 3
        cells.append(FreeCell(hold_top - 1, 1, _t("holdout", lang).format(end=run.settings.holdout_end.isoformat()),
                              bold=True))
        tables.append(OutputTable("tblValueHoldout", [
            Column(_t("repeat", lang), [*labels, _t("total", lang)], "text", width=16),
            Column(_t("customers", lang), [*h.customers, int(np.sum(h.customers))], "integer", width=16),
            Column(_t("actual_p", lang), [*h.actual, h.total_actual], "number2", width=16),
            Column(_t("predicted_p", lang), [*(round(v, 2) for v in h.predicted), round(h.total_predicted, 2)],
                   "number2", width=18),
        ], row=hold_top, col=1, style="TableStyleLight9"))
    return OutputSheet(sheet_name("model", lang), tables=tables, cells=cells, chart=chart)
