"""Names of the over-time features: sheets, tables, headers (English contract, Chinese aliases).

Constants only, like :mod:`xlscore.workbook.layout` for the core. Excel reserves the sheet
name "History" (it cannot be typed in Excel, and xlscore's writer refuses it), so the
History table ``tblHistory`` lives on the sheet "Score history"; readers find it by the
table name.
"""

from __future__ import annotations

from typing import Literal

from xlscore.workbook.layout import HEADERS, TableSpec
from xlscore.workbook.layout import Lang as Lang
from xlscore.workbook.model_reader import column_names

__all__ = [
    "HISTORY",
    "MIGRATION",
    "MOVEMENTS",
    "NAMES",
    "OVERRIDES",
    "PLAN",
    "Movement",
    "accepted",
    "name",
]

HISTORY = TableSpec("tblHistory", "Score history", "历史快照")
OVERRIDES = TableSpec("tblOverrides", "Overrides", "人工调整")
MIGRATION = TableSpec("tblMigration", "Migration", "层级迁移")
PLAN = TableSpec("tblPlan", "Plan", "跟进计划")

# Movement values are data (filterable words), the same in both languages.
Movement = Literal["up", "down", "same", "new"]
MOVEMENTS: tuple[Movement, ...] = ("up", "down", "same", "new")

# key -> (English, Chinese). Keys shared with the core reuse its headers.
NAMES: dict[str, tuple[str, str]] = {
    **{key: HEADERS[key] for key in ("customer_id", "customer", "owner", "score", "rank", "tier", "policy",
                                     "next_follow_up", "last_contact")},
    # tblHistory
    "period": ("Period", "期间"),
    "taken_at": ("Taken at", "快照时间"),
    # tblOverrides
    "reason": ("Reason", "原因"),
    "approved_by": ("Approved by", "审批人"),
    "expires": ("Expires", "到期日"),
    # tblScoring, added columns
    "computed_tier": ("Computed tier", "计算层级"),
    "previous_tier": ("Previous tier", "上期层级"),
    "movement": ("Movement", "变动"),
    # Migration sheet
    "from_to": ("From \\ To", "上期 \\ 本期"),
    "total": ("Total", "合计"),
    "no_tier": ("(no tier)", "(无层级)"),
    "previous_score": ("Previous score", "上期得分"),
    # Plan sheet
    "days": ("Days", "天数"),
    "status": ("Status", "状态"),
}

# Extra spellings accepted on read.
_ALIASES: dict[str, tuple[str, ...]] = {
    "approved_by": ("approver", "approved", "批准人"),
    "expires": ("expiry", "expires on", "expiry date", "valid until", "有效期至"),
    "taken_at": ("taken", "snapshot at"),
}


def name(key: str, lang: Lang) -> str:
    en, zh = NAMES[key]
    return en if lang == "en" else zh


def accepted(key: str) -> tuple[str, ...]:
    """Every header accepted for a column key on read (case and spaces do not matter)."""
    if key in HEADERS:
        return (*column_names(key), *_ALIASES.get(key, ()))
    en, zh = NAMES[key]
    return (en, zh, *_ALIASES.get(key, ()))
