"""Names of the workbook contract: sheets, tables, column headers and vocabularies.

Constants only. English names are the contract; Chinese names are aliases the reader
accepts and the Chinese template and outputs use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ALIASES",
    "APPROVED_WORDS",
    "HEADERS",
    "LANGS",
    "METHOD_WORDS",
    "MISSING_WORDS",
    "OUTPUT_SHEETS",
    "SHEETS",
    "TABLES",
    "YES_NO_WORDS",
    "Lang",
    "TableSpec",
    "header",
    "header_key",
]

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")


@dataclass(frozen=True)
class TableSpec:
    """One model table: its Excel table name and its sheet name per language."""

    table: str
    sheet_en: str
    sheet_zh: str

    def sheet(self, lang: Lang) -> str:
        return self.sheet_en if lang == "en" else self.sheet_zh


TABLES: dict[str, TableSpec] = {
    "indicators": TableSpec("tblIndicators", "Indicators", "指标"),
    "weights": TableSpec("tblWeights", "Weights", "权重"),
    "bands": TableSpec("tblBands", "Bands", "分段"),
    "tiers": TableSpec("tblTiers", "Tiers", "层级"),
    "customers": TableSpec("tblCustomers", "Customers", "客户"),
}

# The optional input tables of the features (overrides, classification settings, the order
# log), by name: rows typed just below them are checked like the model's own tables.
OPTIONAL_INPUT_TABLES: tuple[str, ...] = ("tblOverrides", "tblClassify", "tblLifecycle", "tblTypes",
                                          "tblRFMSegments", "tblNineBox", "tblOrders")

OUTPUT_SHEETS: dict[str, TableSpec] = {
    "scoring": TableSpec("tblScoring", "Scoring", "评分"),
    "pyramid": TableSpec("tblPyramid", "Pyramid", "金字塔"),
    "issues": TableSpec("tblIssues", "Issues", "问题"),
}

SHEETS = {key: spec.sheet_en for key, spec in {**TABLES, **OUTPUT_SHEETS}.items()}

# Column keys -> (English header, Chinese header). The English header is the contract.
HEADERS: dict[str, tuple[str, str]] = {
    # tblIndicators
    "indicator": ("Indicator", "指标"),
    "method": ("Method", "方法"),
    "if_missing": ("If missing", "缺失处理"),
    "needs_approval": ("Needs approval", "需审核"),
    "description": ("Description", "说明"),
    # tblBands
    "measure": ("Measure", "度量"),
    "from": ("From", "起"),
    "to": ("To", "止"),
    "points": ("Points", "分值"),
    # tblTiers
    "tier": ("Tier", "层级"),
    "min_score": ("Min score", "最低分"),
    "top_share": ("Top share %", "前百分比%"),
    "policy": ("Policy", "策略"),
    "follow_up_days": ("Follow-up days", "跟进天数"),
    "color": ("Color", "颜色"),
    "min_coverage": ("Min coverage %", "最低覆盖率%"),
    # tblCustomers
    "customer_id": ("Customer ID", "客户编号"),
    "customer": ("Customer", "客户名称"),
    "owner": ("Owner", "负责人"),
    "profile": ("Profile", "权重方案"),
    "approved": ("Approved", "已审核"),
    "last_contact": ("Last contact", "最近联系"),
    # tblScoring
    "score": ("Score", "得分"),
    "rank": ("Rank", "排名"),
    "coverage": ("Coverage %", "覆盖率%"),
    "next_follow_up": ("Next follow-up", "下次跟进"),
    "flags": ("Flags", "标记"),
    # tblPyramid
    "customers": ("Customers", "客户数"),
    "share": ("% of customers", "客户占比"),
    "avg_score": ("Average score", "平均分"),
    "label": ("Label", "标签"),
    "spacer": ("Spacer", "留白"),
    # tblIssues
    "severity": ("Severity", "级别"),
    "cell": ("Cell", "单元格"),
    "message": ("Message", "说明"),
}

# Extra spellings accepted on read (lower-cased, trimmed).
ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": ("id", "customer id", "客户id", "客户编号"),
    "customer": ("customer name", "name", "客户", "客户名称"),
    "top_share": ("top share", "top share%", "share %", "前百分比", "前百分比%", "占比%"),
    "follow_up_days": ("follow up days", "followup days", "跟进周期", "跟进天数"),
    "color": ("colour", "color (hex rgb)", "颜色"),
    "min_score": ("min", "minimum score", "最低分"),
    "last_contact": ("last contact date", "最近联系日期", "最近联系"),
    "if_missing": ("missing", "if blank", "缺失", "缺失处理"),
    "min_coverage": ("min coverage", "minimum coverage %", "minimum coverage", "最低覆盖率"),
}

# Vocabularies: canonical word -> accepted spellings (lower-cased).
METHOD_WORDS: dict[Literal["banded", "direct"], tuple[str, ...]] = {
    "banded": ("banded", "band", "bands", "分段", "分段计分"),
    "direct": ("direct", "score", "scored", "打分", "打分法"),
}
MISSING_WORDS: dict[Literal["zero", "exclude", "error"], tuple[str, ...]] = {
    "zero": ("zero", "0", "零分", "记零"),
    "exclude": ("exclude", "excluded", "skip", "排除"),
    "error": ("error", "fail", "报错"),
}
YES_NO_WORDS: dict[bool, tuple[str, ...]] = {
    True: ("yes", "y", "true", "1", "是", "x"),
    False: ("no", "n", "false", "0", "否", ""),
}
# What counts as "approved" in Customers.Approved (domain rule: yes / y / true / 1 / 是).
APPROVED_WORDS: tuple[str, ...] = ("yes", "y", "true", "1", "1.0", "是")


def header(key: str, lang: Lang) -> str:
    """The header of a column key in a language (English is the contract)."""
    en, zh = HEADERS[key]
    return en if lang == "en" else zh


def header_key(text: object) -> str:
    """Normalise a header cell for matching: trimmed, case-folded, inner spaces collapsed."""
    if text is None:
        return ""
    return " ".join(str(text).split()).casefold()
