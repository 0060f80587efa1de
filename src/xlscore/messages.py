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
    "flag.override": ("override: {column}", "人工调整: {column}"),
    "flag.low_coverage": ("coverage {coverage:.0%} below {minimum:g}%", "覆盖率 {coverage:.0%} 低于 {minimum:g}%"),
    # console summaries
    "severity.error": ("error", "错误"),
    "severity.warning": ("warning", "警告"),
    "summary.validate": ("{book} {when}: {errors}, {warnings}", "{book}（{when}）: {errors}，{warnings}"),
    "summary.ready": ("; {customers} ready to score", "；{customers}可评分"),
    "summary.nothing_written": ("{book}: {errors}; nothing was written", "{book}: {errors}；未写入任何内容"),
    "summary.scored": ("scored {scored} of {customers} {when} -> {target}",
                       "已评分 {scored} / {customers}（{when}） -> {target}"),
    "summary.backup": (" (backup: {name})", "（备份: {name}）"),
    "summary.demo": ("demo book with {customers} ({scored} scored) {when}: {target}",
                     "演示工作簿 {customers}（已评分 {scored}；{when}）: {target}"),
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
    "pyramid.caption": ("{scored} scored {when}; tiers from tblTiers ({scheme})",
                        "共评分{scored}；{when}；层级来自层级表（{scheme}）"),
    "pyramid.share": ("share of ranking", "按排名占比"),
    "pyramid.threshold": ("score thresholds", "按分数线"),
    "footer": ("&C&A - page &P of &N - as of {date}", "&C&A - 第 &P 页，共 &N 页 - 截至 {date}"),
    # validation messages (the reader's issues)
    "v.no_column": (
        "{table} has no column {column!r}{hint}: add it to the table header",
        "{table} 缺少列 {column!r}{hint}: 请在表头中添加"),
    "v.blank_indicator": (
        "indicator name is blank: name the indicator or delete the row",
        "指标名称为空: 请填写名称或删除该行"),
    "v.duplicate_indicator": (
        "indicator {name!r} is already defined in row {row}: names must be unique",
        "指标 {name!r} 已在第 {row} 行定义: 名称必须唯一"),
    "v.blank_policy": (
        "If missing of {name!r} is blank: treated as zero; choose zero, exclude or error",
        "指标 {name!r} 的缺失处理为空: 按零分处理；请选择 零分、排除 或 报错"),
    "v.no_indicators": (
        "tblIndicators holds no indicator: add at least one row",
        "指标表中没有指标: 请至少添加一行"),
    "v.no_profile": (
        "tblWeights has no profile column: add one named e.g. Default",
        "权重表没有权重方案列: 请添加一列，例如“默认”"),
    "v.weight_unknown_indicator": (
        "{name!r} is not an indicator of tblIndicators (known: {known})",
        "{name!r} 不是指标表中的指标（已有: {known}）"),
    "v.two_weight_rows": (
        "indicator {name!r} has two weight rows",
        "指标 {name!r} 有两行权重"),
    "v.no_weight_row": (
        "indicator {name!r} has no row in tblWeights: add one with its weight per profile",
        "指标 {name!r} 在权重表中没有行: 请添加一行，填写每个方案的权重"),
    "v.profile_name": (
        "profile name {name!r} is blank or repeated",
        "权重方案名称 {name!r} 为空或重复"),
    "v.blank_weight": (
        "weight of {name} in profile {profile} is blank: type a percentage (0 to leave the indicator out)",
        "权重方案 {profile} 中 {name} 的权重为空: 请填写百分比（填 0 表示不计入该指标）"),
    "v.negative_weight": (
        "weight {value} is negative: weights are percentages from 0 to 100",
        "权重 {value} 为负数: 权重是 0 到 100 的百分比"),
    "v.weights_sum": (
        "weights of profile {profile} add up to {total}, not 100: type percentages (40 for 40 %) that sum to "
        "100",
        "权重方案 {profile} 的权重合计为 {total}，不是 100: 请填写合计为 100 的百分比（40 表示 40%）"),
    "v.band_unknown_indicator": (
        "band for unknown indicator {name!r}: use a name from tblIndicators",
        "分段所属的指标 {name!r} 不存在: 请使用指标表中的名称"),
    "v.band_for_direct": (
        "indicator {name!r} is scored direct, it takes no bands: set its Method to banded or delete the band",
        "指标 {name!r} 为打分法，不使用分段: 请把方法改为分段，或删除该分段"),
    "v.blank_measure": (
        "measure is blank: name the Customers column this band reads",
        "度量为空: 请填写该分段读取的客户表列名"),
    "v.shared_measure": (
        "measure {name!r} already belongs to indicator {owner!r}: each measure serves one indicator",
        "度量 {name!r} 已属于指标 {owner!r}: 每个度量只能属于一个指标"),
    "v.blank_points": (
        "Points is blank: type the points this band gives",
        "分值为空: 请填写该分段给的分数"),
    "v.negative_points": (
        "Points {value} is negative: give 0 or more (lower-is-better measures give more points to their low "
        "bands)",
        "分值 {value} 为负数: 请填 0 或以上（越低越好的度量给低值分段更多分）"),
    "v.band_order": (
        "band From {low} is not below To {high}: From is inclusive, To exclusive, so From must be smaller",
        "分段的起 {low} 不小于止 {high}: 起含、止不含，起必须更小"),
    "v.no_bands": (
        "banded indicator {name!r} has no bands in tblBands",
        "分段指标 {name!r} 在分段表中没有分段"),
    "v.points_sum": (
        "the best bands of indicator {name!r} give {total} points, not 100: the highest Points of its measures "
        "must add up to 100",
        "指标 {name!r} 各度量的最高分合计为 {total}，不是 100: 各度量最高分值之和必须为 100"),
    "v.band_overlap": (
        "band {band} overlaps band {other} of the same measure {measure!r} (row {row}): make one band's To "
        "equal the next band's From",
        "分段 {band} 与同一度量 {measure!r} 的分段 {other}（第 {row} 行）重叠: 请让上一分段的止等于下一分段的起"),
    "v.band_gap": (
        "gap between {low} and {high} for {measure!r}: values in it fall in no band and score 0",
        "度量 {measure!r} 的分段 {low} 与 {high} 之间有空档: 落在其中的值不属于任何分段，计 0 分"),
    "v.tier_name": (
        "tier name {name!r} is blank or repeated: names must be unique",
        "层级名称 {name!r} 为空或重复: 名称必须唯一"),
    "v.both_schemes": (
        "tier {name!r} has both Min score and Top share %: fill one (thresholds or shares, one scheme per "
        "model)",
        "层级 {name!r} 同时填写了最低分和前百分比%: 只填一个（分数线或占比，每个模型一种方式）"),
    "v.no_scheme": (
        "tier {name!r} has neither Min score nor Top share %: fill one",
        "层级 {name!r} 既没有最低分也没有前百分比%: 请填写其一"),
    "v.share_range": (
        "Top share % {value} must be above 0 and at most 100 (type 20 for the top 20 %)",
        "前百分比% {value} 必须大于 0 且不超过 100（前 20% 填 20）"),
    "v.no_tiers": (
        "tblTiers holds no tier: add at least one row",
        "层级表中没有层级: 请至少添加一行"),
    "v.coverage_range": (
        "Min coverage % {value} must be between 0 and 100 (type 60 for 60 %)",
        "最低覆盖率% {value} 必须在 0 到 100 之间（60% 填 60）"),
    "v.coverage_differs": (
        "Min coverage % {value} differs from {first} above: it applies to the whole model, type one value (in "
        "the first row)",
        "最低覆盖率% {value} 与上方的 {first} 不同: 它适用于整个模型，请只填一个值（在第一行）"),
    "v.days": (
        "Follow-up days {value} must be a whole number of days, 0 or more",
        "跟进天数 {value} 必须是 0 或以上的整数天"),
    "v.color": (
        "Color {value} is not a hex RGB colour like 1F4E79: a default colour is used",
        "颜色 {value} 不是 1F4E79 这样的十六进制 RGB 颜色: 使用默认颜色"),
    "v.mixed_schemes": (
        "tblTiers mixes Min score and Top share % rows: use one scheme for every tier",
        "层级表混用了最低分和前百分比%: 所有层级请使用同一种方式"),
    "v.share_order": (
        "Top share % {value} is not above the previous tier's {previous}: shares are cumulative (20, 50, 100)",
        "前百分比% {value} 不大于上一层级的 {previous}: 占比是累计的（20、50、100）"),
    "v.share_end": (
        "the last Top share % is {value}, not 100: the last tier must take the rest of the ranking",
        "最后一个前百分比% 为 {value}，不是 100: 最后一个层级必须包含其余所有排名"),
    "v.threshold_order": (
        "Min score {value} is not below the previous tier's {previous}: thresholds must decrease from the top "
        "tier down",
        "最低分 {value} 不低于上一层级的 {previous}: 分数线必须从最高层级往下递减"),
    "v.measure_no_column": (
        "measure {name!r} has no column in tblCustomers (sheet {sheet}){hint}: add a column headed exactly "
        "{name!r}, or fix the name here",
        "度量 {name!r} 在客户表（工作表 {sheet}）中没有对应列{hint}: 请添加表头正好为 {name!r} 的列，或在此改正名称"),
    "v.direct_no_column": (
        "direct indicator {name!r} has no column in tblCustomers (sheet {sheet}){hint}: add a column headed "
        "exactly {name!r}, or fix the name here",
        "打分指标 {name!r} 在客户表（工作表 {sheet}）中没有对应列{hint}: 请添加表头正好为 {name!r} 的列，"
        "或在此改正名称"),
    "v.blank_id": (
        "Customer ID is blank: every customer row needs a unique ID",
        "客户编号为空: 每一行客户都需要唯一的编号"),
    "v.duplicate_id": (
        "duplicate Customer ID {value}: also in row {row}; IDs must be unique",
        "客户编号 {value} 重复: 第 {row} 行也有；编号必须唯一"),
    "v.unknown_profile": (
        "profile {name!r} is not a weight column of tblWeights (known: {known}); leave it blank for the first "
        "one",
        "权重方案 {name!r} 不是权重表中的列（已有: {known}）；留空则使用第一个方案"),
    "v.direct_range": (
        "{name} {value} is outside 0–100: a direct score is a number from 0 to 100",
        "{name} {value} 超出 0–100: 打分是 0 到 100 的数"),
    "v.not_a_number": (
        "{value} in {what} is not a number: type a number or leave the cell blank",
        "{what} 中的 {value} 不是数字: 请填写数字或留空"),
    "v.not_finite": (
        "{what} must be a finite number",
        "{what} 必须是有限的数字"),
    "v.unknown_word": (
        "{what} {value} is not one of: {choices}",
        "{what} {value} 不是以下之一: {choices}"),
    "v.not_a_date": (
        "{value} in {what} is not a date: type a date such as 2026-03-31",
        "{what} 中的 {value} 不是日期: 请填写日期，例如 2026-03-31"),
    "v.weight_of": (
        "weight of {name} ({profile})",
        "{name} 的权重（{profile}）"),
    "v.last_contact": (
        "Last contact",
        "最近联系"),
    "v.missing_sheet": (
        "sheet {sheet!r} with the Excel Table {table} is missing: copy it from a template (xlscore new)",
        "缺少工作表 {sheet!r}（含 Excel 表 {table}）: 请从模板复制（xlscore new）"),
    "v.missing_table": (
        "sheet {sheet!r} has no Excel Table named {table}: select the data, Insert > Table, then name it {table} "
        "(Table Design > Table Name)",
        "工作表 {sheet!r} 中没有名为 {table} 的 Excel 表: 选中数据，插入 > 表格，再命名为 {table}（表设计 > 表名称）"),
    # explain: one customer's score, line by line
    'x.direct': ('  {name} = {value} (direct score)',
               '  {name} = {value}（打分）'),
    'x.blank': ('blank',
              '空白'),
    'x.unapproved': ('not approved (Approved is not yes)',
                   '未审核（已审核不是“是”）'),
    'x.measure_blank': ('  {name}: blank',
                      '  {name}: 空白'),
    'x.no_band': ('  {name} = {value}: in no band -> 0 points',
                '  {name} = {value}: 不在任何分段 -> 0 分'),
    'x.band': ('  {name} = {value}: band {low} <= v < {high} ({ref}) -> {points} of {best} points',
             '  {name} = {value}: 分段 {low} <= v < {high}（{ref}）-> {points} 分（满分 {best}）'),
    'x.sum': ('  {name} = {value}',
            '  {name} = {value}'),
    'x.all_blank': ('  {name}: every measure blank -> left out (If missing = exclude)',
                  '  {name}: 所有度量都为空 -> 不计入（缺失处理 = 排除）'),
    'x.rescaled': ('  {name} = {earned} / {present} x 100 = {score} (blank measures left out, If missing = exclude)',
                 '  {name} = {earned} / {present} x 100 = {score}（空白度量不计入，缺失处理 = 排除）'),
    'x.zero_measures': ('  {name} = {value} (blank measures score 0)',
                      '  {name} = {value}（空白度量计 0 分）'),
    'x.missing_zero': ('  {name}: {why} -> 0 (If missing = zero)',
                     '  {name}: {why} -> 0（缺失处理 = 零分）'),
    'x.missing_exclude': ('  {name}: {why} -> left out (If missing = exclude)',
                        '  {name}: {why} -> 不计入（缺失处理 = 排除）'),
    'x.missing_error': ('  {name}: {why} -> the customer gets no score (If missing = error)',
                      '  {name}: {why} -> 该客户不评分（缺失处理 = 报错）'),
    'x.customer': ('Customer {id} ({customer}), weight profile {profile}',
                 '客户 {id}（{customer}），权重方案 {profile}'),
    'x.indicator': ('{name} ({method}, weight {weight} %):',
                  '{name}（{method}，权重 {weight}%）:'),
    'x.no_score_error': ('No score: an If missing = error value is blank',
                       '不评分: 缺失处理为“报错”的值为空'),
    'x.no_score_weights': ('No score: no indicator left to weigh',
                         '不评分: 没有可计权的指标'),
    'x.total': ('Total = ({terms}) / {weights} = {total}',
              '总分 = ({terms}) / {weights} = {total}'),
    'x.score': ('Score = ROUND(total, 2) = {score}',
              '得分 = ROUND(总分, 2) = {score}'),
    'x.rank': ('Rank {rank} of {scored} (competition ranking, highest score first)',
             '排名 {rank} / {scored}（并列同名次，高分在前）'),
    'x.tier_share': ('Tier {tier}: rank {rank} <= ceil({share} % x {scored}) = {cut}',
                   '层级 {tier}: 排名 {rank} <= ceil({share}% x {scored}) = {cut}'),
    "x.override": ("Tier {tier}: set by tblOverrides, replacing the rule's {computed} ({flags})",
                   "层级 {tier}: 由人工调整表设定，取代按规则得出的 {computed}（{flags}）"),
    'x.tier_threshold': ('Tier {tier}: first tier whose Min score {low} <= {score}',
                       '层级 {tier}: 最低分 {low} <= {score} 的第一个层级'),
    'x.no_tier': ('Tier: none (below every Min score)',
                '层级: 无（低于所有最低分）'),
    "x.banded": ("banded", "分段"),
    "x.direct_method": ("direct", "打分"),
    "x.coverage": ("Coverage % = {coverage} of the weight measured", "覆盖率% = 已测量权重的 {coverage}"),
    "x.no_score_coverage": ("No score: coverage below the Min coverage % of {minimum} %",
                            "不评分: 覆盖率低于最低覆盖率 {minimum}%"),
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
