"""Model sheets (tblIndicators, tblWeights, tblBands, tblTiers) -> Model, with every issue."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from xlscore.issues import IssueList
from xlscore.model import Band, Indicator, Measure, Method, MissingPolicy, Model, Tier, WeightProfile
from xlscore.workbook.cells import as_number, as_text, as_word, as_yes_no, shown
from xlscore.workbook.layout import ALIASES as _ALIASES
from xlscore.workbook.layout import HEADERS, METHOD_WORDS, MISSING_WORDS, Lang, header_key
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import RawTable, is_blank

__all__ = ["ModelTables", "column_names", "read_model", "require_column"]


def column_names(key: str) -> tuple[str, ...]:
    """Every accepted header for a column key: English, Chinese, aliases."""
    en, zh = HEADERS[key]
    return (en, zh, *_ALIASES.get(key, ()))


def require_column(table: RawTable, key: str, issues: IssueList, required: bool = True) -> int | None:
    col = table.find(*column_names(key))
    if col is None and required:
        issues.error(table.after_last_column(),
                     f"{table.name} has no column {HEADERS[key][0]!r}: add it to the table header",
                     "missing-column")
    return col


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
            issues.error(t.ref(i, c_name), "indicator name is blank: name the indicator or delete the row",
                         "blank-name")
            continue
        if name.casefold() in seen:
            issues.error(t.ref(i, c_name), f"indicator {name!r} is already defined in row "
                         f"{t.ref(seen[name.casefold()], c_name).row}: names must be unique", "duplicate")
            continue
        seen[name.casefold()] = i
        method: Method | None = as_word(row[c_method], METHOD_WORDS, t.ref(i, c_method), "Method", issues)
        missing_ref = t.ref(i, c_missing)
        if as_text(row[c_missing]) == "":
            issues.warning(missing_ref, f"If missing of {name!r} is blank: treated as zero; choose zero, "
                           "exclude or error", "blank-policy")
        policy: MissingPolicy | None = as_word(row[c_missing], MISSING_WORDS, missing_ref, "If missing", issues,
                                               default="zero")
        approval = as_yes_no(row[c_approval], t.ref(i, c_approval), "Needs approval", issues)
        desc = as_text(row[c_desc]) if c_desc is not None else ""
        if method and policy:
            out.append(Indicator(name, method, policy, approval, desc, t.ref(i, c_name)))
    if not out and not issues.errors:
        issues.error(t.ref(0, c_name), "tblIndicators holds no indicator: add at least one row", "empty")
    return out


def _weights(t: RawTable, indicators: list[Indicator], issues: IssueList) -> list[WeightProfile]:
    c_name = require_column(t, "indicator", issues)
    if c_name is None:
        return []
    profile_cols = [j for j in range(len(t.headers)) if j != c_name]
    if not profile_cols:
        issues.error(t.after_last_column(), "tblWeights has no profile column: add one named e.g. Default",
                     "no-profile")
        return []
    known = {ind.name.casefold(): ind.name for ind in indicators}
    rows: dict[str, int] = {}
    for i in t.data_rows():
        name = as_text(t.rows[i][c_name])
        if name.casefold() not in known:
            issues.error(t.ref(i, c_name), f"{name!r} is not an indicator of tblIndicators "
                         f"(known: {', '.join(known.values())})", "unknown-indicator")
        elif known[name.casefold()] in rows:
            issues.error(t.ref(i, c_name), f"indicator {name!r} has two weight rows", "duplicate")
        else:
            rows[known[name.casefold()]] = i
    for ind in indicators:
        if ind.name not in rows:
            issues.error(t.ref(len(t.rows), c_name), f"indicator {ind.name!r} has no row in tblWeights: "
                         "add one with its weight per profile", "missing-weight")
    profiles: list[WeightProfile] = []
    seen: set[str] = set()
    for j in profile_cols:
        pname = t.headers[j].strip()
        if header_key(pname) in seen or not pname:
            issues.error(t.header_ref(j), f"profile name {pname!r} is blank or repeated", "duplicate")
            continue
        seen.add(header_key(pname))
        weights: dict[str, float] = {}
        for ind_name, i in rows.items():
            ref = t.ref(i, j)
            value = as_number(t.rows[i][j], ref, f"weight of {ind_name} ({pname})", issues)
            if value is None and t.rows[i][j] is None:
                issues.error(ref, f"weight of {ind_name} in profile {pname} is blank: type a percentage "
                             "(0 to leave the indicator out)", "blank-weight")
            elif value is not None and value < 0:
                issues.error(ref, f"weight {shown(value)} is negative: weights are percentages from 0 to 100",
                             "negative-weight")
            if value is not None:
                weights[ind_name] = value
        total = sum(weights.values())
        if len(weights) == len(rows) and abs(total - 100.0) > 1e-9:
            issues.error(t.header_ref(j), f"weights of profile {pname} add up to {total:g}, not 100: type "
                         "percentages (40 for 40 %) that sum to 100", "weights-sum")
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
            issues.error(t.ref(i, c_ind), f"band for unknown indicator {ind_name!r}: use a name from "
                         "tblIndicators", "unknown-indicator")
            continue
        if ind.method != "banded":
            issues.error(t.ref(i, c_ind), f"indicator {ind.name!r} is scored direct, it takes no bands: "
                         "set its Method to banded or delete the band", "band-for-direct")
            continue
        if not measure:
            issues.error(t.ref(i, c_measure), "measure is blank: name the Customers column this band reads",
                         "blank-name")
            continue
        if owner.setdefault(measure.casefold(), ind.name) != ind.name:
            issues.error(t.ref(i, c_measure), f"measure {measure!r} already belongs to indicator "
                         f"{owner[measure.casefold()]!r}: each measure serves one indicator", "shared-measure")
            continue
        lower = as_number(row[c_from], t.ref(i, c_from), "From", issues)
        upper = as_number(row[c_to], t.ref(i, c_to), "To", issues)
        points = as_number(row[c_points], t.ref(i, c_points), "Points", issues)
        if points is None:
            if row[c_points] is None:
                issues.error(t.ref(i, c_points), "Points is blank: type the points this band gives",
                             "blank-points")
            continue
        if points < 0:
            issues.error(t.ref(i, c_points), f"Points {shown(points)} is negative: give 0 or more "
                         "(lower-is-better measures give more points to their low bands)", "negative-points")
        if lower is not None and upper is not None and lower >= upper:
            issues.error(t.ref(i, c_from), f"band From {shown(lower)} is not below To {shown(upper)}: "
                         "From is inclusive, To exclusive, so From must be smaller", "band-order")
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
            issues.error(ind.ref, f"banded indicator {ind.name!r} has no bands in tblBands", "no-bands")
            continue
        total = sum(m.max_points for m in own)
        if abs(total - 100.0) > 1e-9:
            first = own[0].bands[0].ref
            issues.error(first.with_col(t.left + c_points) if first else None,
                         f"the best bands of indicator {ind.name!r} give {total:g} points, not 100: "
                         "the highest Points of its measures must add up to 100", "points-sum")
    return measures


def _check_overlaps(measure: Measure, issues: IssueList) -> None:
    ordered = sorted(measure.bands, key=lambda b: -float("inf") if b.lower is None else b.lower)
    for prev, band in pairwise(ordered):
        prev_upper = float("inf") if prev.upper is None else prev.upper
        band_lower = -float("inf") if band.lower is None else band.lower
        if band_lower < prev_upper:
            issues.error(band.ref, f"band {_span(band)} overlaps band {_span(prev)} of the same measure "
                         f"{measure.name!r} (row {prev.ref.row if prev.ref else '?'}): make one band's To "
                         "equal the next band's From", "band-overlap")
        elif band_lower > prev_upper:
            issues.warning(band.ref, f"gap between {_span(prev)} and {_span(band)} for {measure.name!r}: "
                           "values in it fall in no band and score 0", "band-gap")


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
            issues.error(t.ref(i, c_name), f"tier name {name!r} is blank or repeated: names must be unique",
                         "duplicate")
            continue
        seen.add(name.casefold())
        low = as_number(row[c_min], t.ref(i, c_min), "Min score", issues)
        share = as_number(row[c_share], t.ref(i, c_share), "Top share %", issues)
        if low is not None and share is not None:
            odd = c_min if _majority_scheme(t, c_min, c_share) == "share" else c_share
            issues.error(t.ref(i, odd), f"tier {name!r} has both Min score and Top share %: fill one "
                         "(thresholds or shares, one scheme per model)", "both-schemes")
        elif low is None and share is None and row[c_min] is None and row[c_share] is None:
            issues.error(t.ref(i, c_min), f"tier {name!r} has neither Min score nor Top share %: fill one",
                         "no-scheme")
        if share is not None and not 0 < share <= 100:
            issues.error(t.ref(i, c_share), f"Top share % {shown(share)} must be above 0 and at most 100 "
                         "(type 20 for the top 20 %)", "share-range")
        days = _follow_up_days(t, i, c_days, issues)
        color = _color(row[c_color], t, i, c_color, issues) if c_color is not None else ""
        policy = as_text(row[c_policy]) if c_policy is not None else ""
        tiers.append(Tier(name, low, share, policy, days, color, t.ref(i, c_name)))
    if not tiers and not issues.errors:
        issues.error(t.ref(0, c_name), "tblTiers holds no tier: add at least one row", "empty")
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
        value = as_number(t.rows[i][col], ref, "Min coverage %", issues)
        if value is None:
            continue
        if not 0 <= value <= 100:
            issues.error(ref, f"Min coverage % {shown(value)} must be between 0 and 100 (type 60 for 60 %)",
                         "coverage-range")
        elif found is not None and value != found:
            issues.error(ref, f"Min coverage % {shown(value)} differs from {shown(found)} above: it applies to "
                         "the whole model, type one value (in the first row)", "coverage-differs")
        else:
            found = value
    return found


def _follow_up_days(t: RawTable, i: int, col: int | None, issues: IssueList) -> float | None:
    if col is None:
        return None
    ref = t.ref(i, col)
    days = as_number(t.rows[i][col], ref, "Follow-up days", issues)
    if days is not None and (days < 0 or not days.is_integer()):
        issues.error(ref, f"Follow-up days {shown(days)} must be a whole number of days, 0 or more", "days")
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
        issues.warning(t.ref(i, col), f"Color {shown(value)} is not a hex RGB colour like 1F4E79: a default "
                       "colour is used", "color")
        return ""
    return text


def _check_scheme(tiers: list[Tier], t: RawTable, c_min: int, c_share: int, issues: IssueList) -> None:
    shares = [x for x in tiers if x.top_share is not None]
    lows = [x for x in tiers if x.min_score is not None]
    if shares and lows:
        minority, col = (lows, c_min) if len(lows) <= len(shares) else (shares, c_share)
        issues.error(_col(minority[0], t, col),
                     "tblTiers mixes Min score and Top share % rows: use one scheme for every tier", "mixed-schemes")
        return
    if shares:
        for prev, cur in pairwise(shares):
            if cur.top_share is not None and prev.top_share is not None and cur.top_share <= prev.top_share:
                issues.error(_col(cur, t, c_share), f"Top share % {shown(cur.top_share)} is not above the "
                             f"previous tier's {shown(prev.top_share)}: shares are cumulative (20, 50, 100)",
                             "share-order")
        last = shares[-1]
        if last.top_share is not None and last.top_share != 100:
            issues.error(_col(last, t, c_share), f"the last Top share % is {shown(last.top_share)}, not 100: "
                         "the last tier must take the rest of the ranking", "share-end")
    for prev, cur in pairwise(lows):
        if cur.min_score is not None and prev.min_score is not None and cur.min_score >= prev.min_score:
            issues.error(_col(cur, t, c_min), f"Min score {shown(cur.min_score)} is not below the previous "
                         f"tier's {shown(prev.min_score)}: thresholds must decrease from the top tier down",
                         "threshold-order")


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
