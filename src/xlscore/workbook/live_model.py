"""The "Live model" sheet: the model as the live Scoring formulas read it, one cell per fact.

Every cell is a formula over the model tables (tblIndicators, tblWeights, tblBands,
tblTiers), normalised once so the per-customer formulas stay short: the If missing word as
``zero`` / ``exclude`` / ``error``, Needs approval as TRUE/FALSE, a weight as a number, an
open band end as ±1E+307, a blank tier bound as a value no customer reaches, and the exact
share cut of every tier as a whole rank. Editing a model cell updates this sheet, and
through it every customer.

The sheet is owned by xlscore (replaced on every ``retier --live``), like Scoring.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlscore.errors import WorkbookError
from xlscore.model import Model
from xlscore.rounding import share_cut
from xlscore.workbook.formula_text import (
    NO_BOUND_HIGH,
    NO_BOUND_LOW,
    absolute,
    absolute_range,
    sum_of,
    word_in,
    yes_value,
)
from xlscore.workbook.layout import MISSING_WORDS, TABLES, YES_NO_WORDS, Lang
from xlscore.workbook.model_reader import column_names
from xlscore.workbook.reader import TableReader
from xlscore.workbook.refs import CellRef
from xlscore.workbook.sheetdata import CellValue, Formula, FreeCell, OutputSheet
from xlscore.workbook.tables import RawTable

__all__ = ["LIVE_MODEL_SHEET", "SHARE_SCALE", "BandRanges", "LiveModel", "live_model"]

LIVE_MODEL_SHEET = {"en": "Live model", "zh": "实时模型"}
# A Top share % is read to 6 decimals: share × 10^6 is a whole number, so the cut
# ceil(share × N / 100) is computed on whole numbers, exactly, like the engine.
SHARE_SCALE = 1_000_000
_HEAD_ROW = 9  # first block header row; rows above hold the title and the totals
_TEXT = {
    "en": ("Live model: the model as the live Scoring formulas read it",
           "Written by xlscore retier --live and replaced on every run. Do not edit here: edit Indicators, Weights, "
           "Bands and Tiers.",
           "Open band ends and blank tier bounds read as ±1E+307 (no value reaches them); Last rank in tier is the "
           "exact share cut (-1: the tier has no share)."),
    "zh": ("实时模型：实时评分公式读取的模型",
           "由 xlscore retier --live 生成，每次运行时替换。请勿在此编辑：请修改指标、权重、分段与层级表。",
           "空的分段端点与层级界限记为 ±1E+307（任何值都达不到）；层级末位排名为精确的占比截断（-1：该层级无占比）。"),
}


@dataclass(frozen=True)
class BandRanges:
    """A measure's bands sorted by From: absolute ranges of the Live model sheet."""

    lower: str
    upper: str
    points: str


@dataclass
class LiveModel:
    """References (formula text) to the Live model cells the Scoring formulas read."""

    sheet: OutputSheet
    scored_count: str
    scheme: str
    customers_count: str
    in_score_order: str  # TRUE while tblScoring's rows are sorted by Score, unscored last
    profile_names: str  # range of the profile names, in tblWeights column order
    policy: list[str] = field(default_factory=list)  # per indicator: "zero" / "exclude" / "error"
    approval: list[str] = field(default_factory=list)  # per indicator: TRUE / FALSE
    best_points: list[str] = field(default_factory=list)  # per indicator: Σ best points of its measures
    weights: list[str] = field(default_factory=list)  # per indicator: range of its weight per profile
    measure_best: dict[str, str] = field(default_factory=dict)
    bands: dict[str, BandRanges] = field(default_factory=dict)  # per measure, sorted by From
    band_points: dict[str, str] = field(default_factory=dict)  # per measure, the Points range
    tier_names: str = ""
    tier_policies: str = ""
    tier_days: str = ""
    tier_min: list[str] = field(default_factory=list)
    tier_cut: list[str] = field(default_factory=list)


class _Grid:
    """Free cells of the sheet, placed row by row; returns absolute references to them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cells: list[FreeCell] = []

    def put(self, row: int, col: int, value: CellValue, bold: bool = False) -> str:
        self.cells.append(FreeCell(row, col, value, bold=bold))
        return absolute(CellRef(self.name, row, col))

    def span(self, row: int, first_col: int, last_col: int) -> str:
        return absolute_range(CellRef(self.name, row, first_col), CellRef(self.name, row, last_col))

    def column_span(self, col: int, first_row: int, last_row: int) -> str:
        return absolute_range(CellRef(self.name, first_row, col), CellRef(self.name, last_row, col))


def _col(table: RawTable, key: str) -> int:
    col = table.find(*column_names(key))
    if col is None:  # the reader already refused such a book
        raise WorkbookError(f"{table.name} has no column {column_names(key)[0]!r}: add it to the table header "
                            "(a template has it: xlscore new)")
    return col


def _mirror_text(ref: CellRef) -> str:
    """The cell as text: a blank cell reads "" (a plain reference would read 0)."""
    return f"{absolute(ref)}&\"\""


def live_model(model: Model, source: TableReader, lang: Lang, *, scores: str, customer_ids: str,
               n_scored: int, n_customers: int) -> LiveModel:
    """Build the Live model sheet.

    ``scores`` and ``customer_ids`` reference tblScoring[Score] and tblCustomers[Customer ID];
    ``n_scored`` and ``n_customers`` are the engine's figures, written as cached values.
    """
    tables = {key: source.table(TABLES[key].table) for key in ("indicators", "weights", "bands", "tiers")}
    grid = _Grid(LIVE_MODEL_SHEET[lang])
    title, *note = _TEXT[lang]
    grid.put(1, 1, title, bold=True)
    for row, line in enumerate(note, start=2):
        grid.put(row, 1, line)
    tiers_t = tables["tiers"]
    c_share = _col(tiers_t, "top_share")
    shares = [absolute(t.ref.with_col(tiers_t.left + c_share)) for t in model.tiers if t.ref is not None]
    live = LiveModel(
        sheet=OutputSheet(grid.name),
        scored_count=grid.put(4, 2, Formula(f"COUNT({scores})", n_scored)),
        scheme=grid.put(5, 2, Formula(f'IF(COUNT({",".join(shares)})>0,"share","threshold")', model.scheme)),
        customers_count=grid.put(6, 2, Formula(f"COUNTA({customer_ids})", n_customers)),
        in_score_order=absolute(CellRef(grid.name, 7, 2)),
        profile_names="",
    )
    grid.put(7, 2, Formula(_in_order(scores, live.scored_count), True))
    labels = ("Scored customers", "Tier scheme", "Customers in tblCustomers", "Scoring rows in score order")
    for row, label in enumerate(labels, start=4):
        grid.put(row, 1, label)
    measure_top = _HEAD_ROW + len(model.indicators) + 2
    band_top = measure_top + len(model.measures) + 2
    tier_top = band_top + sum(len(m.bands) for m in model.measures) + 2
    _band_block(model, tables["bands"], grid, live, band_top)
    _measure_rows(model, grid, live, measure_top)
    _indicator_block(model, tables, grid, live, _HEAD_ROW)
    _tier_block(model, tiers_t, grid, live, tier_top, n_scored)
    widths: dict[int, float] = {1: 30, 2: 14, 3: 14, 4: 16, 5: 16, 6: 16, 7: 16, 8: 16}
    live.sheet = OutputSheet(grid.name, cells=grid.cells, column_widths=widths)
    return live


def _in_order(scores: str, count: str) -> str:
    """TRUE when the first ``count`` rows hold every score, highest first (what retier writes).

    Ranks then come from a binary search (see live_rows); one O(n) check here instead of an
    O(n) count per row.
    """
    head = f"INDEX({scores},1):INDEX({scores},{count})"
    pairs = f"INDEX({scores},2):INDEX({scores},{count})>INDEX({scores},1):INDEX({scores},{count}-1)"
    return f"IF({count}<2,TRUE,AND(COUNT({head})={count},SUMPRODUCT(--({pairs}))=0))"


def _indicator_block(model: Model, tables: dict[str, RawTable], grid: _Grid, live: LiveModel, top: int) -> None:
    """Indicator | Method | If missing | Needs approval | Best points | weight per profile."""
    ind_t, wts_t = tables["indicators"], tables["weights"]
    c_missing, c_approval = _col(ind_t, "if_missing"), _col(ind_t, "needs_approval")
    c_name = _col(wts_t, "indicator")
    weight_rows = {str(wts_t.rows[i][c_name]).strip().casefold(): i for i in wts_t.data_rows()}
    for col, title in enumerate(("Indicator", "Method", "If missing", "Needs approval", "Best points"), start=1):
        grid.put(top, col, title, bold=True)
    first_profile = 6
    for k, profile in enumerate(model.profiles):
        assert profile.ref is not None
        grid.put(top, first_profile + k, Formula(_mirror_text(profile.ref), profile.name), bold=True)
    live.profile_names = grid.span(top, first_profile, first_profile + len(model.profiles) - 1)
    for j, ind in enumerate(model.indicators):
        row = top + 1 + j
        assert ind.ref is not None
        grid.put(row, 1, Formula(_mirror_text(ind.ref), ind.name))
        grid.put(row, 2, ind.method)
        missing_cell = absolute(ind.ref.with_col(ind_t.left + c_missing))
        policy = (f'IF({word_in(missing_cell, MISSING_WORDS["exclude"])},"exclude",'
                  f'IF({word_in(missing_cell, MISSING_WORDS["error"])},"error","zero"))')
        live.policy.append(grid.put(row, 3, Formula(policy, ind.if_missing)))
        if ind.method == "direct":
            approval_cell = absolute(ind.ref.with_col(ind_t.left + c_approval))
            live.approval.append(grid.put(row, 4, Formula(yes_value(approval_cell, YES_NO_WORDS[True]),
                                                          ind.needs_approval)))
            live.best_points.append("")
        else:
            live.approval.append("FALSE")
            best = [live.measure_best[m.name] for m in model.measures_of(ind.name)]
            total = sum(m.max_points for m in model.measures_of(ind.name))
            live.best_points.append(grid.put(row, 5, Formula(sum_of(best), total)))
        weight_row = weight_rows[ind.name.casefold()]
        for k, profile in enumerate(model.profiles):
            assert profile.ref is not None
            cell = absolute(CellRef(profile.ref.sheet, wts_t.top + 1 + weight_row, profile.ref.col))
            grid.put(row, first_profile + k, Formula(f"N({cell})", float(profile.weights.get(ind.name, 0.0))))
        live.weights.append(grid.span(row, first_profile, first_profile + len(model.profiles) - 1))


def _measure_rows(model: Model, grid: _Grid, live: LiveModel, top: int) -> None:
    """Measure | Indicator | Best points (the highest Points of its bands)."""
    for col, title in enumerate(("Measure", "Indicator", "Best points"), start=1):
        grid.put(top, col, title, bold=True)
    for k, measure in enumerate(model.measures):
        row = top + 1 + k
        grid.put(row, 1, measure.name)
        grid.put(row, 2, measure.indicator)
        points = live.band_points[measure.name]
        live.measure_best[measure.name] = grid.put(row, 3, Formula(f"MAX({points})", measure.max_points))


def _band_block(model: Model, bands_t: RawTable, grid: _Grid, live: LiveModel, top: int) -> None:
    """Each measure's bands as in tblBands (open ends as ±1E+307), and the same sorted by From.

    The Scoring formulas look a value up in the sorted copy: the band with the largest
    From <= v, which holds v when v < its To. For bands that do not overlap (validation
    refuses overlaps) that is the engine's rule: the band with From <= v < To.
    """
    c_from, c_to, c_points = _col(bands_t, "from"), _col(bands_t, "to"), _col(bands_t, "points")
    titles = ("Measure", "From", "To", "Points", "", "From (sorted)", "To (sorted)", "Points (sorted)")
    for col, title in enumerate(titles, start=1):
        if title:
            grid.put(top, col, title, bold=True)
    row = top + 1
    for measure in model.measures:
        first, last = row, row + len(measure.bands) - 1
        lows, highs, points = (grid.column_span(col, first, last) for col in (2, 3, 4))
        ordered = sorted(measure.bands, key=lambda b: -1e307 if b.lower is None else b.lower)
        for k, (band, sorted_band) in enumerate(zip(measure.bands, ordered, strict=True)):
            assert band.ref is not None
            low = absolute(band.ref.with_col(bands_t.left + c_from))
            high = absolute(band.ref.with_col(bands_t.left + c_to))
            grid.put(row + k, 1, measure.name)
            grid.put(row + k, 2, Formula(f"IF(ISNUMBER({low}),{low},{NO_BOUND_LOW})", _low(band.lower)))
            grid.put(row + k, 3, Formula(f"IF(ISNUMBER({high}),{high},{NO_BOUND_HIGH})", _high(band.upper)))
            grid.put(row + k, 4, Formula(f"N({absolute(band.ref.with_col(bands_t.left + c_points))})",
                                         band.points))
            sorted_low = grid.put(row + k, 6, Formula(f"SMALL({lows},{k + 1})", _low(sorted_band.lower)))
            position = f"MATCH({sorted_low},{lows},0)"
            grid.put(row + k, 7, Formula(f"INDEX({highs},{position})", _high(sorted_band.upper)))
            grid.put(row + k, 8, Formula(f"INDEX({points},{position})", sorted_band.points))
        live.bands[measure.name] = BandRanges(*(grid.column_span(col, first, last) for col in (6, 7, 8)))
        live.band_points[measure.name] = points
        row = last + 1


def _low(value: float | None) -> float:
    return -1e307 if value is None else value


def _high(value: float | None) -> float:
    return 1e307 if value is None else value


def _tier_block(model: Model, tiers_t: RawTable, grid: _Grid, live: LiveModel, top: int, n_scored: int) -> None:
    """Tier | Min score | Last rank | Policy | Follow-up days, in tblTiers order."""
    c_min, c_share = _col(tiers_t, "min_score"), _col(tiers_t, "top_share")
    c_policy = tiers_t.find(*column_names("policy"))
    c_days = tiers_t.find(*column_names("follow_up_days"))
    titles = ("Tier", "Min score", "Last rank in tier", "Policy", "Follow-up days")
    for col, title in enumerate(titles, start=1):
        grid.put(top, col, title, bold=True)
    for k, tier in enumerate(model.tiers):
        row = top + 1 + k
        assert tier.ref is not None
        grid.put(row, 1, Formula(_mirror_text(tier.ref), tier.name))
        low = absolute(tier.ref.with_col(tiers_t.left + c_min))
        share = absolute(tier.ref.with_col(tiers_t.left + c_share))
        live.tier_min.append(grid.put(row, 2, Formula(f"IF(ISNUMBER({low}),{low},{NO_BOUND_HIGH})",
                                                      1e307 if tier.min_score is None else tier.min_score)))
        cut = (f"IF(ISNUMBER({share}),-INT(-ROUND({share}*{SHARE_SCALE},0)*{live.scored_count}"
               f"/{SHARE_SCALE * 100}),-1)")
        cached_cut = -1 if tier.top_share is None else share_cut(tier.top_share, n_scored)
        live.tier_cut.append(grid.put(row, 3, Formula(cut, cached_cut)))
        policy = _mirror_text(tier.ref.with_col(tiers_t.left + c_policy)) if c_policy is not None else '""'
        grid.put(row, 4, Formula(policy, tier.policy))
        days_cell = absolute(tier.ref.with_col(tiers_t.left + c_days)) if c_days is not None else None
        days = f'IF(ISNUMBER({days_cell}),{days_cell},"")' if days_cell else '""'
        grid.put(row, 5, Formula(days, tier.follow_up_days if tier.follow_up_days is not None else ""))
    last = top + len(model.tiers)
    live.tier_names = grid.column_span(1, top + 1, last)
    live.tier_policies = grid.column_span(4, top + 1, last)
    live.tier_days = grid.column_span(5, top + 1, last)
