"""The shipped contents of the classification tables, in English and Chinese.

Used by the template add-on and by ``xlscore classify --add-defaults``, so both give the
same tables. Type rules that read Referrals or Service cost need those Customers columns;
until they exist the rules never match and the Issues sheet says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlscore.classify.labels import AXIS_LABELS, CLASS_LABELS, SETTINGS, STAGE_RULE_LABELS, header, pick
from xlscore.workbook.layout import Lang

__all__ = ["DefaultTable", "default_table"]


@dataclass(frozen=True)
class DefaultTable:
    key: str  # of SETTINGS_TABLES
    headers: list[str]
    rows: list[list[Any]]
    widths: list[float]
    choices: dict[int, list[str]]  # 0-based column -> drop-down words
    text_columns: tuple[int, ...] = ()  # 0-based columns kept as text (so Excel does not read 4-5 as a date)


_STAGES = [  # Stage (en, zh), rule, days, description (en, zh)
    (("Prospect", "潜在"), "no purchase", None, ("No purchase yet", "尚未购买")),
    (("Active", "活跃"), "up to", 90, ("Bought within the last 90 days", "90 天内有购买")),
    (("Dormant", "沉睡"), "up to", 365, ("Last purchase 91 to 365 days ago", "上次购买在 91–365 天前")),
    (("Churned", "流失"), "beyond", None, ("No purchase for more than a year", "超过一年未购买")),
]

_TYPES_EN: list[list[str | None]] = [
    ["High value", "Score >= 70", "Top of the scoring: keep and deepen the relationship"],
    ["Word of mouth", "Referrals >= 3 and Sales last year (k) < 300", "Small spend, many referrals"],
    ["Maintenance", "Service cost (k) >= 50 and Score < 40", "High cost to serve, limited value"],
    ["Potential", "Sales growth % >= 20 and Score >= 40", "Growing fast: invest to grow"],
    ["Ordinary", None, "Every other customer (a blank condition matches everyone)"],
]
_TYPES_ZH: list[list[str | None]] = [
    ["高价值", "得分 >= 70", "评分靠前：维系并深化合作"],
    ["口碑", "推荐客户数 >= 3 且 近一年销售额(千元) < 300", "消费不多，但常推荐新客户"],
    ["维护", "服务成本(千元) >= 50 且 得分 < 40", "服务成本高、价值有限"],
    ["潜力", "销售增长率% >= 20 且 得分 >= 40", "增长快：重点投入"],
    ["普通", None, "其他客户（空白条件匹配所有客户）"],
]

# The usual recency × frequency grid: every one of the 25 R/F cells belongs to one segment.
_SEGMENTS: list[tuple[tuple[str, str], object, object, object, str, tuple[str, str]]] = [
    # name (en, zh), R, F, M, class, description (en, zh)
    (("Champions", "冠军客户"), 5, "4-5", None, "high",
     ("Bought recently, buy often, spend the most", "最近买过、常买、花得多")),
    (("Loyal", "忠诚客户"), "3-4", "4-5", None, "high", ("Buy often; respond to loyalty offers", "经常购买")),
    (("Can't lose them", "不能失去"), "1-2", 5, None, "middle",
     ("Used to buy very often, not lately: win them back", "曾经高频购买，近来没有：尽快挽回")),
    (("Potential loyalists", "潜力忠诚"), "4-5", "2-3", None, "middle",
     ("Recent and fairly frequent", "最近买过、频次中等")),
    (("New customers", "新客户"), 5, 1, None, "middle", ("First purchase very recently", "刚刚首次购买")),
    (("Promising", "有望客户"), 4, 1, None, "middle", ("Recent, bought once", "最近买过一次")),
    (("Need attention", "需要关注"), 3, 3, None, "middle", ("Average on both counts", "两项都居中")),
    (("About to sleep", "即将沉睡"), 3, "1-2", None, "low", ("Fading: rare and not recent", "渐行渐远")),
    (("At risk", "流失风险"), "1-2", "3-4", None, "low",
     ("Bought often, but long ago", "过去常买，但很久没买")),
    (("Hibernating", "沉睡客户"), "1-2", "1-2", None, "low", ("Rare and long ago", "很少买且很久没买")),
]

_AXES = [  # axis (en, zh), source (en, zh), low below, high from, description (en, zh)
    (AXIS_LABELS["value"], ("Score", "得分"), 40, 70, ("The customer's score", "客户得分")),
    (AXIS_LABELS["potential"], ("Operating strength", "经营实力"), 40, 70,
     ("An indicator that says how much more the customer could buy", "反映客户增长空间的指标")),
]


def default_table(key: str, lang: Lang) -> DefaultTable:
    def h(*keys: str) -> list[str]:
        return [header(k, lang) for k in keys]

    rows: list[list[Any]]

    if key == "settings":
        rows = [[pick(label, lang), pick(default, lang) or None, pick(meaning, lang)]
                for label, default, meaning in SETTINGS.values()]
        return DefaultTable(key, h("setting", "value", "description"), rows, [24, 24, 80], {})
    if key == "lifecycle":
        rules = [pick(STAGE_RULE_LABELS[r], lang) for r in STAGE_RULE_LABELS]
        rows = [[pick(name, lang), pick(STAGE_RULE_LABELS[rule], lang), days, pick(text, lang)]
                for name, rule, days, text in _STAGES]
        return DefaultTable(key, h("stage", "rule", "days", "description"), rows, [16, 14, 10, 60], {1: rules})
    if key == "types":
        rows = [list(r) for r in (_TYPES_EN if lang == "en" else _TYPES_ZH)]
        return DefaultTable(key, h("type", "condition", "description"), rows, [18, 56, 60], {})
    if key == "segments":
        classes = [pick(c, lang) for c in CLASS_LABELS.values()]
        rows = [[pick(name, lang), *(None if x is None else str(x) for x in (r, f, m)),
                 pick(CLASS_LABELS[c], lang), pick(text, lang)] for name, r, f, m, c, text in _SEGMENTS]
        return DefaultTable(key, h("segment", "r", "f", "m", "class", "description"), rows,
                            [22, 8, 8, 8, 10, 56], {4: classes}, text_columns=(1, 2, 3))
    if key == "ninebox":
        axes = [pick(a, lang) for a, *_ in _AXES]
        rows = [[pick(axis, lang), pick(source, lang), low, high, pick(text, lang)]
                for axis, source, low, high, text in _AXES]
        return DefaultTable(key, h("axis", "source", "low_below", "high_from", "description"), rows,
                            [12, 24, 12, 12, 60], {0: axes})
    raise KeyError(key)
