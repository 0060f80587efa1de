"""Names of the classification tables, their columns and words, in English and Chinese.

Constants and three lookups. As in :mod:`xlscore.workbook.layout`, the English name is the contract and
the Chinese one an alias the reader accepts and the Chinese template and outputs use.
"""

from __future__ import annotations

from xlscore.workbook.layout import Lang, TableSpec

__all__ = [
    "AXIS_LABELS",
    "AXIS_WORDS",
    "CLASS_LABELS",
    "CLASS_WORDS",
    "COLUMNS",
    "COMPUTED_OPERANDS",
    "LEVELS",
    "OUTPUT_COLUMNS",
    "OUTPUT_SHEETS",
    "SETTINGS",
    "SETTINGS_TABLES",
    "STAGE_RULES",
    "STAGE_RULE_LABELS",
    "TEXT",
    "Text",
    "column_names",
    "header",
    "pick",
]

Text = tuple[str, str]  # (English, Chinese)

# The optional settings tables, each on its own sheet. Each family runs when its table exists.
SETTINGS_TABLES: dict[str, TableSpec] = {
    "settings": TableSpec("tblClassify", "Classify", "分类设置"),
    "lifecycle": TableSpec("tblLifecycle", "Lifecycle", "生命周期"),
    "types": TableSpec("tblTypes", "Types", "客户类型"),
    "segments": TableSpec("tblRFMSegments", "RFM segments", "RFM细分"),
    "ninebox": TableSpec("tblNineBox", "Nine-box settings", "九宫格设置"),
}

# Sheets xlscore writes (replaced on every run); the table is the sheet's first table.
OUTPUT_SHEETS: dict[str, TableSpec] = {
    "ninebox": TableSpec("tblNineBoxGrid", "Nine-box", "九宫格"),
    "methods": TableSpec("tblMethodsRFM", "Methods", "方法对比"),
}

# Column key -> ((English, Chinese), extra accepted spellings).
COLUMNS: dict[str, tuple[Text, tuple[str, ...]]] = {
    "setting": (("Setting", "设置项"), ("name", "名称")),
    "value": (("Value", "值"), ("设置值",)),
    "description": (("Description", "说明"), ("note", "notes", "备注")),
    "stage": (("Stage", "阶段"), ("lifecycle stage", "生命周期阶段")),
    "rule": (("Rule", "规则"), ()),
    "days": (("Days", "天数"), ("days since last purchase", "距上次购买天数")),
    "type": (("Type", "类型"), ("customer type", "客户类型")),
    "condition": (("Condition", "条件"), ("when", "rule", "规则")),
    "segment": (("Segment", "细分"), ("rfm segment", "客群", "RFM细分")),
    "r": (("R", "R"), ("recency", "r score", "最近度")),
    "f": (("F", "F"), ("frequency", "f score", "频次")),
    "m": (("M", "M"), ("monetary", "m score", "金额")),
    "class": (("Class", "对比类别"), ("value class", "类别")),
    "axis": (("Axis", "维度"), ("轴",)),
    "source": (("Source", "来源"), ("column", "indicator", "列", "指标")),
    "low_below": (("Low below", "低档低于"), ("low under", "低于")),
    "high_from": (("High from", "高档起"), ("high at", "高于等于")),
}

# Rows of tblClassify: key -> (Setting label, default value per language, meaning).
SETTINGS: dict[str, tuple[Text, Text, Text]] = {
    "last_purchase": (("Last purchase column", "最近购买日期列"), ("Last purchase", "最近购买日期"),
                      ("Customers column with the date of the last purchase (blank cell = no purchase yet)",
                       "客户表中最近一次购买日期所在列（空白 = 尚未购买）")),
    "frequency": (("Frequency column", "购买频次列"), ("Orders (12 months)", "近12个月订单数"),
                  ("Customers column with the number of purchases (RFM frequency)",
                   "客户表中购买次数所在列（RFM 频次）")),
    "monetary": (("Monetary column", "购买金额列"), ("Sales last year (k)", "近一年销售额(千元)"),
                 ("Customers column with the amount bought (RFM monetary)", "客户表中购买金额所在列（RFM 金额）")),
    "as_of": (("As of date", "基准日期"), ("", ""),
              ("The book's as-of date: lifecycle, recency, follow-ups, override expiry and the snapshot period are "
               "measured to it; blank = the day of the run; --as-of on the command line wins",
               "工作簿的基准日期：生命周期、最近购买天数、跟进、覆盖到期和快照期间均按此日期计算；空白 = 运行当天；"
               "命令行 --as-of 优先")),
}

# tblLifecycle.Rule vocabulary.
STAGE_RULES: dict[str, tuple[str, ...]] = {
    "no purchase": ("no purchase", "none", "never", "未购买", "无购买"),
    "up to": ("up to", "upto", "<=", "≤", "within", "不超过", "以内"),
    "beyond": ("beyond", "more than", "over", ">", "超过", "以上"),
}
STAGE_RULE_LABELS: dict[str, Text] = {"no purchase": ("no purchase", "未购买"), "up to": ("up to", "不超过"),
                                      "beyond": ("beyond", "超过")}

AXIS_WORDS: dict[str, tuple[str, ...]] = {
    "value": ("value", "价值"),
    "potential": ("potential", "潜力"),
}
AXIS_LABELS: dict[str, Text] = {"value": ("Value", "价值"), "potential": ("Potential", "潜力")}

# The comparison classes of the Methods sheet, best first.
CLASS_WORDS: dict[str, tuple[str, ...]] = {
    "high": ("high", "h", "高"),
    "middle": ("middle", "mid", "medium", "m", "中"),
    "low": ("low", "l", "低"),
}
CLASS_LABELS: dict[str, Text] = {"high": ("high", "高"), "middle": ("middle", "中"), "low": ("low", "低")}

# Nine-box levels, low to high.
LEVELS: tuple[Text, ...] = (("Low", "低"), ("Mid", "中"), ("High", "高"))

# Result column (English, internal) -> header in tblScoring.
OUTPUT_COLUMNS: dict[str, Text] = {
    "Lifecycle": ("Lifecycle", "生命周期"),
    "Type": ("Type", "客户类型"),
    "Type rule": ("Type rule", "类型规则"),
    "RFM": ("RFM", "RFM"),
    "RFM segment": ("RFM segment", "RFM细分"),
    "Nine-box": ("Nine-box", "九宫格"),
}

# Operands a condition may name besides indicators and Customers columns: key -> names.
COMPUTED_OPERANDS: dict[str, tuple[str, ...]] = {
    "Lifecycle": ("lifecycle", "生命周期", "stage", "阶段"),
    "RFM segment": ("rfm segment", "RFM细分", "segment", "细分"),
    "Nine-box": ("nine-box", "nine box", "九宫格"),
    "R": ("r", "r score", "recency score"),
    "F": ("f", "f score", "frequency score"),
    "M": ("m", "m score", "monetary score"),
    "Days": ("days since last purchase", "days since purchase", "距上次购买天数"),
}

# Free texts of the output sheets and messages.
TEXT: dict[str, Text] = {
    "any": ("(any customer)", "（任意客户）"),
    "rule": ("rule", "规则"),
    "ninebox_title": ("Nine-box: value × potential", "九宫格：价值 × 潜力"),
    "ninebox_caption": ("{n} customers placed on {today}; value = {value}, potential = {potential}; cut points "
                        "from tblNineBox", "{today} 共 {n} 位客户入格；价值 = {value}，潜力 = {potential}；"
                        "分档见九宫格设置"),
    "value_potential": ("Value \\ Potential", "价值 \\ 潜力"),
    "total": ("Total", "合计"),
    "cell": ("Cell", "格子"),
    "customers": ("Customers", "客户数"),
    "share": ("% of customers", "客户占比"),
    "avg_score": ("Average score", "平均分"),
    "value_level": ("Value level", "价值档"),
    "potential_level": ("Potential level", "潜力档"),
    "class": ("Class", "对比类别"),
    "methods_title": ("Methods compared: pyramid tier, RFM segment, nine-box",
                      "方法对比：金字塔层级、RFM 细分、九宫格"),
    "methods_caption": ("Each method puts a customer in a class (high / middle / low); the methods agree on a "
                        "customer when the classes are equal. Tier classes by position in tblTiers (top third "
                        "high, middle third middle, bottom third low), RFM classes from tblRFMSegments.Class, "
                        "nine-box classes by diagonal.",
                        "每种方法把客户归入一个类别（高 / 中 / 低）；类别相同即为一致。层级按其在层级表中的位置三分，"
                        "RFM 类别取自 RFM 细分表的对比类别列，九宫格按对角线划分。"),
    "tier_vs_rfm": ("Tier × RFM segment", "层级 × RFM 细分"),
    "tier_vs_ninebox": ("Tier × nine-box cell", "层级 × 九宫格"),
    "rfm_segment": ("RFM segment", "RFM 细分"),
    "ninebox_cell": ("Nine-box cell", "九宫格"),
    "comparison": ("Comparison", "对比"),
    "compared": ("Customers compared", "参与对比客户数"),
    "agree": ("Agree", "一致"),
    "agree_share": ("Agree %", "一致率"),
    "all_three": ("Tier, RFM and nine-box", "层级、RFM 与九宫格"),
    "tier_rfm": ("Tier vs RFM segment", "层级 vs RFM 细分"),
    "tier_ninebox": ("Tier vs nine-box", "层级 vs 九宫格"),
    "tier": ("Tier", "层级"),
}


def pick(text: Text, lang: Lang) -> str:
    return text[0] if lang == "en" else text[1]


def column_names(key: str) -> tuple[str, ...]:
    """Every accepted header of one of our columns: English, Chinese, aliases."""
    (en, zh), aliases = COLUMNS[key]
    return (en, zh, *aliases)


def header(key: str, lang: Lang) -> str:
    return pick(COLUMNS[key][0], lang)
