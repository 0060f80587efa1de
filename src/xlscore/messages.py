"""The words xlscore shows people, in English and Chinese: one table, one lookup.

Every user-facing sentence that depends on the book's language lives in ``CATALOGUE``
as a key with an English and a Chinese template (``str.format`` fields). Code asks for
``say(key, lang, **fields)``; counts go through :func:`count` so that one thing is never
"1 errors" and big numbers carry thousands separators. ``--help`` stays English.

Flag words written into tblScoring (``missing: <col>``...) are in the catalogue too: every
path that writes flags (engine, live formulas, SQL) asks :func:`flag` for them, so a
Chinese book shows Chinese flags and an English one exactly the English words of the rules.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

__all__ = ["CATALOGUE", "NOUNS", "count", "display_width", "flag", "pad", "say"]

Lang = Literal["en", "zh"]

# Nouns counted in messages: key -> (English singular, English plural, Chinese measure word + noun).
NOUNS: dict[str, tuple[str, str, str]] = {
    "error": ("error", "errors", "个错误"),
    "warning": ("warning", "warnings", "个警告"),
    "customer": ("customer", "customers", "位客户"),
    "row": ("row", "rows", "行"),
    "day": ("day", "days", "天"),
    "contact": ("contact", "contacts", "次联系"),
    "snapshot": ("snapshot", "snapshots", "个快照"),
    "follow_up": ("follow-up", "follow-ups", "次跟进"),
    "owner": ("owner", "owners", "位负责人"),
}

CATALOGUE: dict[str, tuple[str, str]] = {
    # flags in tblScoring (docs/rules.md)
    "flag.missing": ("missing: {column}", "缺失: {column}"),
    "flag.no_band": ("no band: {column}", "无对应分段: {column}"),
    "flag.unapproved": ("unapproved: {column}", "未审核: {column}"),
    "flag.not_scored": ("not scored", "未评分"),
    "flag.low_coverage": ("coverage {coverage:.0%} below {minimum:g}%", "覆盖率 {coverage:.0%} 低于 {minimum:g}%"),
    # console summaries
    "severity.error": ("error", "错误"),
    "severity.warning": ("warning", "警告"),
    "summary.validate": ("{book}: {errors}, {warnings}", "{book}: {errors}，{warnings}"),
    "summary.ready": ("; {customers} ready to score", "；{customers}可评分"),
    "summary.nothing_written": ("{book}: {errors}; nothing was written", "{book}: {errors}；未写入任何内容"),
    "summary.scored": ("scored {scored} of {customers} -> {target}{backup}",
                       "已评分 {scored} / {customers} -> {target}{backup}"),
    "summary.backup": (" (backup: {name})", "（备份: {name}）"),
    "summary.demo": ("demo book with {customers} ({scored} scored): {target}",
                     "演示工作簿 {customers}（已评分 {scored}）: {target}"),
    "summary.demo_blanks": (
        "{blanks} have blank cells: each blank scores 0 points (Indicators > If missing = zero), so a gap "
        "never lifts a customer above its real data",
        "{blanks}有空白单元格: 空白计 0 分（指标 > 缺失处理 = 零分），缺数据不会让客户排名更高"),
    "summary.columns": ("Tier|Customers|Share|Min|Avg|Policy", "层级|客户数|占比|最低分|平均分|策略"),
    # result warnings (validate.result_warnings)
    "warn.no_tier": ("scored below every Min score, so without a tier: {customers}; add a last tier with "
                     "Min score 0 to catch them",
                     "{customers}得分低于所有最低分，未分层: 请添加最低分为 0 的最后一个层级"),
    "warn.not_scored": ("customer {customer} gets no score ({flags})", "客户 {customer} 未评分（{flags}）"),
    "warn.more_not_scored": ("and {customers} more without a score; filter tblScoring on Flags 'not scored' to "
                             "see them",
                             "另有{customers}未评分；在评分表的“标记”列筛选“未评分”查看"),
    "warn.empty": ("tblCustomers holds no customers", "客户表中没有客户"),
    # the Pyramid sheet
    "pyramid.title": ("Customer pyramid", "客户金字塔"),
    "pyramid.caption": ("{scored} scored on {date}; tiers from tblTiers ({scheme})",
                        "{date} 共评分{scored}；层级来自层级表（{scheme}）"),
    "pyramid.share": ("share of ranking", "按排名占比"),
    "pyramid.threshold": ("score thresholds", "按分数线"),
    "footer": ("&C&A - page &P of &N - as of {date}", "&C&A - 第 &P 页，共 &N 页 - 截至 {date}"),
    # errors that are not tied to a cell
    "error.unreadable": ("{message}", "{message}"),
}


def say(key: str, lang: str = "en", /, **fields: object) -> str:
    """The catalogue text of ``key`` in ``lang`` (English for any language without one)."""
    en, zh = CATALOGUE[key]
    return (zh if lang == "zh" else en).format(**fields)


def count(n: int, noun: str, lang: str = "en") -> str:
    """``1 error``, ``2 errors``, ``12,345 customers``; Chinese: ``12,345 位客户``."""
    singular, plural, zh = NOUNS[noun]
    if lang == "zh":
        return f"{n:,} {zh}"
    return f"{n:,} {singular if n == 1 else plural}"


def flag(kind: str, lang: str = "en", column: str = "") -> str:
    """A flag word of tblScoring: ``missing``, ``no_band``, ``unapproved`` (with a column) or ``not_scored``."""
    return say(f"flag.{kind}", lang, column=column)


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: East Asian wide characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, align: Literal["<", ">"] = "<") -> str:
    """``text`` padded with spaces to ``width`` terminal columns (CJK-aware)."""
    fill = " " * max(0, width - display_width(text))
    return text + fill if align == "<" else fill + text
