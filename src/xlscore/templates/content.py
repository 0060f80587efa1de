"""The reference model the templates start from, in English and Chinese.

Three indicators weighted 40 / 40 / 20: two banded (profitability, operating strength), one
direct (relationship, scored by the owner and approved by a supervisor); four tiers of the
classic customer pyramid cut by share of the ranking (80/20 rule).

Every indicator's If missing is ``zero``: a blank (or an unapproved score) earns no points,
so a customer can never rank higher for the data it lacks. ``exclude`` is the user's
choice; with it, Scoring shows Coverage % and tblTiers' Min coverage % can refuse to score
customers measured on too little of the weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlscore.workbook.layout import Lang

__all__ = ["TemplateContent", "content"]


@dataclass(frozen=True)
class TemplateContent:
    indicators: list[list[Any]]  # Indicator, Method, If missing, Needs approval, Description
    weights: list[list[Any]]  # Indicator, profile...
    profiles: list[str]
    bands: list[list[Any]]  # Indicator, Measure, From, To, Points
    tiers: list[list[Any]]  # Tier, Min score, Top share %, Policy, Follow-up days, Color (Min coverage % blank)
    guide: list[str]
    # Extra Customers columns the optional classifications read (ignored by the score):
    # last purchase date, orders in 12 months, referrals, cost to serve.
    extra_columns: tuple[str, ...] = ("Last purchase", "Orders (12 months)", "Referrals", "Service cost (k)")


_EN = TemplateContent(
    indicators=[
        ["Profitability", "banded", "zero", "no", "Revenue and profit the customer brings"],
        ["Operating strength", "banded", "zero", "no", "How strong the customer's business is"],
        ["Relationship", "direct", "zero", "yes", "Partnership quality, 0-100, scored by the owner and "
         "approved by a supervisor"],
    ],
    profiles=["Default", "Distributor"],
    weights=[["Profitability", 40, 50], ["Operating strength", 40, 30], ["Relationship", 20, 20]],
    bands=[
        ["Profitability", "Sales last year (k)", None, 100, 0],
        ["Profitability", "Sales last year (k)", 100, 500, 15],
        ["Profitability", "Sales last year (k)", 500, 1000, 30],
        ["Profitability", "Sales last year (k)", 1000, None, 40],
        ["Profitability", "Sales growth %", None, 0, 0],
        ["Profitability", "Sales growth %", 0, 10, 10],
        ["Profitability", "Sales growth %", 10, 25, 20],
        ["Profitability", "Sales growth %", 25, None, 30],
        ["Profitability", "Planned sales next 2 years (k)", None, 500, 5],
        ["Profitability", "Planned sales next 2 years (k)", 500, 2000, 15],
        ["Profitability", "Planned sales next 2 years (k)", 2000, None, 30],
        ["Operating strength", "Registered capital (m)", None, 10, 5],
        ["Operating strength", "Registered capital (m)", 10, 50, 15],
        ["Operating strength", "Registered capital (m)", 50, None, 30],
        ["Operating strength", "Market share %", None, 1, 5],
        ["Operating strength", "Market share %", 1, 5, 20],
        ["Operating strength", "Market share %", 5, None, 40],
        ["Operating strength", "Headcount", None, 50, 5],
        ["Operating strength", "Headcount", 50, 500, 15],
        ["Operating strength", "Headcount", 500, None, 30],
    ],
    tiers=[
        ["Platinum", None, 5, "Dedicated account team; quarterly executive review", 30, "44546A"],
        ["Gold", None, 20, "Named account manager; monthly call, invest to grow", 45, "C9A227"],
        ["Iron", None, 50, "Regular service; quarterly call", 90, "8497B0"],
        ["Lead", None, 100, "Automated service; decide whether to invest or win back", 180, "BFBFBF"],
    ],
    guide=[
        "xlscore template",
        "1. Paste your customers into the Customers table (one row per customer, unique Customer ID).",
        "2. Edit the model: Indicators (banded or direct), Weights (one column per profile, each summing "
        "to 100), Bands (From inclusive, To exclusive, blank = open-ended), Tiers (Min score or Top share %).",
        "3. Run: xlscore retier this-book.xlsx   (or the Re-tier button of the xlscore ribbon).",
        "Scoring, Pyramid and Issues sheets are written by xlscore and replaced on every run: keep your own "
        "work on other sheets.",
    ],
)

_ZH = TemplateContent(
    indicators=[
        ["盈利状况", "分段", "零分", "否", "客户带来的收入与利润"],
        ["经营实力", "分段", "零分", "否", "客户自身经营的强弱"],
        ["合作关系", "打分", "零分", "是", "合作关系质量，0-100，由负责人打分、主管审核"],
    ],
    profiles=["默认", "经销商"],
    weights=[["盈利状况", 40, 50], ["经营实力", 40, 30], ["合作关系", 20, 20]],
    bands=[
        ["盈利状况", "近一年销售额(千元)", None, 100, 0],
        ["盈利状况", "近一年销售额(千元)", 100, 500, 15],
        ["盈利状况", "近一年销售额(千元)", 500, 1000, 30],
        ["盈利状况", "近一年销售额(千元)", 1000, None, 40],
        ["盈利状况", "销售增长率%", None, 0, 0],
        ["盈利状况", "销售增长率%", 0, 10, 10],
        ["盈利状况", "销售增长率%", 10, 25, 20],
        ["盈利状况", "销售增长率%", 25, None, 30],
        ["盈利状况", "未来两年计划销售额(千元)", None, 500, 5],
        ["盈利状况", "未来两年计划销售额(千元)", 500, 2000, 15],
        ["盈利状况", "未来两年计划销售额(千元)", 2000, None, 30],
        ["经营实力", "注册资本(百万元)", None, 10, 5],
        ["经营实力", "注册资本(百万元)", 10, 50, 15],
        ["经营实力", "注册资本(百万元)", 50, None, 30],
        ["经营实力", "市场占有率%", None, 1, 5],
        ["经营实力", "市场占有率%", 1, 5, 20],
        ["经营实力", "市场占有率%", 5, None, 40],
        ["经营实力", "员工人数", None, 50, 5],
        ["经营实力", "员工人数", 50, 500, 15],
        ["经营实力", "员工人数", 500, None, 30],
    ],
    tiers=[
        ["铂金", None, 5, "专属客户团队；每季度高层回顾", 30, "44546A"],
        ["黄金", None, 20, "专人负责；每月电话，重点投入", 45, "C9A227"],
        ["铁", None, 50, "常规服务；每季度电话", 90, "8497B0"],
        ["铅", None, 100, "自动化服务；评估是否继续投入或挽回", 180, "BFBFBF"],
    ],
    guide=[
        "xlscore 模板",
        "1. 将客户粘贴到“客户”表（每行一位客户，客户编号唯一）。",
        "2. 编辑模型：指标（分段或打分）、权重（每个方案一列，合计 100）、分段（起含、止不含，空白为不限）、"
        "层级（最低分或前百分比%）。",
        "3. 运行：xlscore retier 本工作簿.xlsx（或 xlscore 功能区的 Re-tier 按钮）。",
        "评分、金字塔、问题三张表由 xlscore 生成，每次运行都会替换：请把自己的内容放在其他工作表。",
    ],
    extra_columns=("最近购买日期", "近12个月订单数", "推荐客户数", "服务成本(千元)"),
)


def content(lang: Lang) -> TemplateContent:
    return _EN if lang == "en" else _ZH
