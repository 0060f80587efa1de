"""Model sheets (tblIndicators, tblWeights, tblBands, tblTiers) -> Model, with every issue."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from xlscore.issues import IssueList
from xlscore.model import Band, Indicator, Measure, Method, MissingPolicy, Model, Tier, WeightProfile
from xlscore.workbook.cells import as_number, as_text, as_word, as_yes_no, shown
from xlscore.workbook.layout import ALIASES as _ALIASES
from xlscore.workbook.layout import HEADERS, METHOD_WORDS, MISSING_WORDS, Lang, header, header_key
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import RawTable, is_blank

__all__ = ["ModelTables", "column_names", "did_you_mean", "read_model", "require_column"]


def _named(key: str, issues: IssueList) -> str:
    """A column's header as the book names it (English or Chinese), for messages."""
    return header(key, "zh" if issues.lang == "zh" else "en")


def column_names(key: str) -> tuple[str, ...]:
    """Every accepted header for a column key: English, Chinese, aliases."""
    en, zh = HEADERS[key]
    return (en, zh, *_ALIASES.get(key, ()))


def require_column(table: RawTable, key: str, issues: IssueList, required: bool = True) -> int | None:
    col = table.find(*column_names(key))
    if col is None and required:
        column = HEADERS[key][0 if issues.lang == "en" else 1]
        issues.error(table.after_last_column(),
                     issues.say("v.no_column", table=table.name, column=column,
                                hint=did_you_mean(column, table.headers, issues.lang)),
                     "missing-column")
    return col


def did_you_mean(name: str, headers: Sequence[str], lang: str = "en") -> str:
    """`` (did you mean 'Sales'?)`` when a header is a near miss of ``name``, else nothing."""
    keys = {header_key(h): h for h in headers if h}
    close = difflib.get_close_matches(header_key(name), list(keys), n=1, cutoff=0.75)
    if not close:
        return ""
    return f"（是否指 {keys[close[0]]!r}？）" if lang == "zh" else f" (did you mean {keys[close[0]]!r}?)"


@dataclass
class ModelTables:
    indicators: RawTable
    weights: RawTable
    bands: RawTable
    tiers: RawTable
    lang: Lang = "en"
    issues: IssueList = field(default_factory=IssueList)


def _indicators(t: RawTable, issues: IssueList) -> list[Indicator]:
    c_name, c_method = require_column(t, "indicator", issues), require_column(t, "method", issues)
    c_missing = require_column(t, "if_missing", issues)
    c_approval = require_column(t, "needs_approval", issues)
    c_desc = require_column(t, "description", issues, required=False)
    if c_name is None or c_method is None or c_missing is None or c_approval is None:
        return []
    out: list[Indicator] = []
    seen: dict[str, int] = {}
    for i in t.data_rows():
        row = t.rows[i]
        name = as_text(row[c_name])
        if not name:
            issues.error(t.ref(i, c_name), issues.say("v.blank_indicator"),
                         "blank-name")
            continue
        if name.casefold() in seen:
            issues.error(t.ref(i, c_name), issues.say("v.duplicate_indicator", name=name,
                                                      row=t.ref(seen[name.casefold()], c_name).row), "duplicate")
            continue
        seen[name.casefold()] = i
        method: Method | None = as_word(row[c_method], METHOD_WORDS, t.ref(i, c_method), _named("method", issues),
                                        issues)
        missing_ref = t.ref(i, c_missing)
        if as_text(row[c_missing]) == "":
            issues.warning(missing_ref, issues.say("v.blank_policy", name=name), "blank-policy")
        policy: MissingPolicy | None = as_word(row[c_missing], MISSING_WORDS, missing_ref,
                                               _named("if_missing", issues), issues, default="zero")
        approval = as_yes_no(row[c_approval], t.ref(i, c_approval), _named("needs_approval", issues), issues)
        desc = as_text(row[c_desc]) if c_desc is not None else ""
        if method and policy:
            out.append(Indicator(name, method, policy, approval, desc, t.ref(i, c_name)))
    if not out and not issues.errors:
        issues.error(t.ref(0, c_name), issues.say("v.no_indicators"), "empty")
    return out


def _weights(t: RawTable, indicators: list[Indicator], issues: IssueList) -> list[WeightProfile]:
    c_name = require_column(t, "indicator", issues)
    if c_name is None:
        return []
    profile_cols = [j for j in range(len(t.headers)) if j != c_name]
    if not profile_cols:
        issues.error(t.after_last_column(), issues.say("v.no_profile"),
                     "no-profile")
        return []
    known = {ind.name.casefold(): ind.name for ind in indicators}
    rows: dict[str, int] = {}
    for i in t.data_rows():
        name = as_text(t.rows[i][c_name])
        if name.casefold() not in known:
            issues.error(t.ref(i, c_name), issues.say("v.weight_unknown_indicator", name=name,
                                                      known=", ".join(known.values())), "unknown-indicator")
        elif known[name.casefold()] in rows:
            issues.error(t.ref(i, c_name), issues.say("v.two_weight_rows", name=name), "duplicate")
        else:
            rows[known[name.casefold()]] = i
    for ind in indicators:
        if ind.name not in rows:
            issues.error(t.ref(len(t.rows), c_name), issues.say("v.no_weight_row", name=ind.name),
                         "missing-weight")
    profiles: list[WeightProfile] = []
    seen: set[str] = set()
    for j in profile_cols:
        pname = t.headers[j].strip()
        if header_key(pname) in seen or not pname:
            issues.error(t.header_ref(j), issues.say("v.profile_name", name=pname), "duplicate")
            continue
        seen.add(header_key(pname))
        weights: dict[str, float] = {}
        for ind_name, i in rows.items():
            ref = t.ref(i, j)
            value = as_number(t.rows[i][j], ref, issues.say("v.weight_of", name=ind_name, profile=pname), issues)
            if value is None and t.rows[i][j] is None:
                issues.error(ref, issues.say("v.blank_weight", name=ind_name, profile=pname),
                             "blank-weight")
            elif value is not None and value < 0:
                issues.error(ref, issues.say("v.negative_weight", value=shown(value)),
                             "negative-weight")
            if value is not None:
                weights[ind_name] = value
        total = sum(weights.values())
        if len(weights) == len(rows) and abs(total - 100.0) > 1e-9:
            issues.error(t.header_ref(j), issues.say("v.weights_sum", profile=pname, total=f"{total:g}"),
                         "weights-sum")
        profiles.append(WeightProfile(pname, weights, t.header_ref(j)))
    return profiles


def _bands(t: RawTable, indicators: list[Indicator], issues: IssueList) -> list[Measure]:
    cols = [require_column(t, key, issues) for key in ("indicator", "measure", "from", "to", "points")]
    c_ind, c_measure, c_from, c_to, c_points = cols
    if c_ind is None or c_measure is None or c_from is None or c_to is None or c_points is None:
        return []
    by_name = {ind.name.casefold(): ind for ind in indicators}
    grouped: dict[tuple[str, str], list[Band]] = {}
    measure_refs: dict[tuple[str, str], CellRef] = {}
    owner: dict[str, str] = {}
    for i in t.data_rows():
        row = t.rows[i]
        ind_name, measure = as_text(row[c_ind]), as_text(row[c_measure])
        ind = by_name.get(ind_name.casefold())
        if ind is None:
            issues.error(t.ref(i, c_ind), issues.say("v.band_unknown_indicator", name=ind_name),
                         "unknown-indicator")
            continue
        if ind.method != "banded":
            issues.error(t.ref(i, c_ind), issues.say("v.band_for_direct", name=ind.name),
                         "band-for-direct")
            continue
        if not measure:
            issues.error(t.ref(i, c_measure), issues.say("v.blank_measure"),
                         "blank-name")
            continue
        if owner.setdefault(measure.casefold(), ind.name) != ind.name:
            issues.error(t.ref(i, c_measure), issues.say("v.shared_measure", name=measure,
                                                         owner=owner[measure.casefold()]), "shared-measure")
            continue
        lower = as_number(row[c_from], t.ref(i, c_from), _named("from", issues), issues)
        upper = as_number(row[c_to], t.ref(i, c_to), _named("to", issues), issues)
        points = as_number(row[c_points], t.ref(i, c_points), _named("points", issues), issues)
        if points is None:
            if row[c_points] is None:
                issues.error(t.ref(i, c_points), issues.say("v.blank_points"),
                             "blank-points")
            continue
        if points < 0:
            issues.error(t.ref(i, c_points), issues.say("v.negative_points", value=shown(points)),
                         "negative-points")
        if lower is not None and upper is not None and lower >= upper:
            issues.error(t.ref(i, c_from), issues.say("v.band_order", low=shown(lower), high=shown(upper)),
                         "band-order")
            continue
        band = Band(ind.name, measure, lower, upper, points, t.ref(i, c_from))
        grouped.setdefault((ind.name, measure), []).append(band)
        measure_refs.setdefault((ind.name, measure), t.ref(i, c_measure))
    measures = [Measure(ind, name, tuple(bands), measure_refs[ind, name]) for (ind, name), bands in grouped.items()]
    for m in measures:
        _check_overlaps(m, issues)
    for ind in indicators:
        if ind.method != "banded":
            continue
        own = [m for m in measures if m.indicator == ind.name]
        if not own:
            issues.error(ind.ref, issues.say("v.no_bands", name=ind.name), "no-bands")
            continue
        total = sum(m.max_points for m in own)
        if abs(total - 100.0) > 1e-9:
            first = own[0].bands[0].ref
            issues.error(first.with_col(t.left + c_points) if first else None,
                         issues.say("v.points_sum", name=ind.name, total=f"{total:g}"), "points-sum")
    return measures


def _check_overlaps(measure: Measure, issues: IssueList) -> None:
    ordered = sorted(measure.bands, key=lambda b: -float("inf") if b.lower is None else b.lower)
    for prev, band in pairwise(ordered):
        prev_upper = float("inf") if prev.upper is None else prev.upper
        band_lower = -float("inf") if band.lower is None else band.lower
        if band_lower < prev_upper:
            issues.error(band.ref, issues.say("v.band_overlap", band=_span(band), other=_span(prev),
                                              measure=measure.name, row=prev.ref.row if prev.ref else "?"),
                         "band-overlap")
        elif band_lower > prev_upper:
            issues.warning(band.ref, issues.say("v.band_gap", low=_span(prev), high=_span(band), measure=measure.name),
                           "band-gap")


def _span(band: Band) -> str:
    low = "…" if band.lower is None else f"{band.lower:,g}"
    high = "…" if band.upper is None else f"{band.upper:,g}"
    return f"{low}–{high}"


def _tiers(t: RawTable, issues: IssueList) -> list[Tier]:
    c_name = require_column(t, "tier", issues)
    c_min, c_share = require_column(t, "min_score", issues), require_column(t, "top_share", issues)
    c_policy = require_column(t, "policy", issues, required=False)
    c_days = require_column(t, "follow_up_days", issues, required=False)
    c_color = require_column(t, "color", issues, required=False)
    if c_name is None or c_min is None or c_share is None:
        return []
    tiers: list[Tier] = []
    seen: set[str] = set()
    for i in t.data_rows():
        row = t.rows[i]
        name = as_text(row[c_name])
        if not name or name.casefold() in seen:
            issues.error(t.ref(i, c_name), issues.say("v.tier_name", name=name),
                         "duplicate")
            continue
        seen.add(name.casefold())
        low = as_number(row[c_min], t.ref(i, c_min), _named("min_score", issues), issues)
        share = as_number(row[c_share], t.ref(i, c_share), _named("top_share", issues), issues)
        if low is not None and share is not None:
            odd = c_min if _majority_scheme(t, c_min, c_share) == "share" else c_share
            issues.error(t.ref(i, odd), issues.say("v.both_schemes", name=name), "both-schemes")
        elif low is None and share is None and row[c_min] is None and row[c_share] is None:
            issues.error(t.ref(i, c_min), issues.say("v.no_scheme", name=name),
                         "no-scheme")
        if share is not None and not 0 < share <= 100:
            issues.error(t.ref(i, c_share), issues.say("v.share_range", value=shown(share)), "share-range")
        days = _follow_up_days(t, i, c_days, issues)
        color = _color(row[c_color], t, i, c_color, issues) if c_color is not None else ""
        policy = as_text(row[c_policy]) if c_policy is not None else ""
        tiers.append(Tier(name, low, share, policy, days, color, t.ref(i, c_name)))
    if not tiers and not issues.errors:
        issues.error(t.ref(0, c_name), issues.say("v.no_tiers"), "empty")
    _check_scheme(tiers, t, c_min, c_share, issues)
    return tiers


def _min_coverage(t: RawTable, issues: IssueList) -> float | None:
    """The optional model-wide Min coverage % of tblTiers: one value (the same in every row that has one)."""
    col = require_column(t, "min_coverage", issues, required=False)
    if col is None:
        return None
    found: float | None = None
    for i in t.data_rows():
        ref = t.ref(i, col)
        value = as_number(t.rows[i][col], ref, _named("min_coverage", issues), issues)
        if value is None:
            continue
        if not 0 <= value <= 100:
            issues.error(ref, issues.say("v.coverage_range", value=shown(value)),
                         "coverage-range")
        elif found is not None and value != found:
            issues.error(ref, issues.say("v.coverage_differs", value=shown(value), first=shown(found)),
                         "coverage-differs")
        else:
            found = value
    return found


def _follow_up_days(t: RawTable, i: int, col: int | None, issues: IssueList) -> float | None:
    if col is None:
        return None
    ref = t.ref(i, col)
    days = as_number(t.rows[i][col], ref, _named("follow_up_days", issues), issues)
    if days is not None and (days < 0 or not days.is_integer()):
        issues.error(ref, issues.say("v.days", value=shown(days)), "days")
        return None
    return days


def _majority_scheme(t: RawTable, c_min: int, c_share: int) -> str:
    """The scheme most tier rows use: the odd cell out of a row with both is the other one."""
    rows = [t.rows[i] for i in t.data_rows()]
    lows = sum(not is_blank(r[c_min]) for r in rows)
    shares = sum(not is_blank(r[c_share]) for r in rows)
    return "share" if shares >= lows else "threshold"


def _color(value: object, t: RawTable, i: int, col: int, issues: IssueList) -> str:
    text = as_text(value).lstrip("#").upper()
    if text and (len(text) != 6 or any(ch not in "0123456789ABCDEF" for ch in text)):
        issues.warning(t.ref(i, col), issues.say("v.color", value=shown(value)), "color")
        return ""
    return text


def _check_scheme(tiers: list[Tier], t: RawTable, c_min: int, c_share: int, issues: IssueList) -> None:
    shares = [x for x in tiers if x.top_share is not None]
    lows = [x for x in tiers if x.min_score is not None]
    if shares and lows:
        minority, col = (lows, c_min) if len(lows) <= len(shares) else (shares, c_share)
        issues.error(_col(minority[0], t, col),
                     issues.say("v.mixed_schemes"), "mixed-schemes")
        return
    if shares:
        for prev, cur in pairwise(shares):
            if cur.top_share is not None and prev.top_share is not None and cur.top_share <= prev.top_share:
                message = issues.say("v.share_order", value=shown(cur.top_share), previous=shown(prev.top_share))
                issues.error(_col(cur, t, c_share), message, "share-order")
        last = shares[-1]
        if last.top_share is not None and last.top_share != 100:
            issues.error(_col(last, t, c_share), issues.say("v.share_end", value=shown(last.top_share)),
                         "share-end")
    for prev, cur in pairwise(lows):
        if cur.min_score is not None and prev.min_score is not None and cur.min_score >= prev.min_score:
            message = issues.say("v.threshold_order", value=shown(cur.min_score), previous=shown(prev.min_score))
            issues.error(_col(cur, t, c_min), message, "threshold-order")


def _col(tier: Tier, t: RawTable, col: int) -> CellRef | None:
    return tier.ref.with_col(t.left + col) if tier.ref else None


def read_model(tables: ModelTables) -> Model:
    """Parse the four model tables; problems go to ``tables.issues``."""
    issues = tables.issues
    indicators = _indicators(tables.indicators, issues)
    profiles = _weights(tables.weights, indicators, issues)
    measures = _bands(tables.bands, indicators, issues)
    tiers = _tiers(tables.tiers, issues)
    return Model(tuple(indicators), tuple(measures), tuple(profiles), tuple(tiers), tables.lang,
                 _min_coverage(tables.tiers, issues))
