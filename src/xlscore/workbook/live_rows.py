"""The formulas of one tblScoring row, as templates: ``ROW`` stands for the row number.

A row finds its customer's sheet row in tblCustomers by Customer ID (a static value written
by the last run), reads the customer's cells with ``INDEX(Customers!$E:$E, row)``, and
follows the engine's rules step by step (see :mod:`xlscore.engine`):

* per measure a helper cell holds the band points, ``"no band"``, or ``""`` when the value
  is missing; the first band (tblBands order) with ``From <= v < To`` wins;
* an indicator column holds the indicator's 0–100 score or ``""`` when it is left out;
* Score = ROUND(Σ score × weight / Σ weights, 2) over the indicators not left out, sums
  written as left-to-right ``+`` like the engine's running sums;
* Rank = 1 + the number of higher scores (COUNTIF, competition ranking);
* the tier number comes from the Live model's per-tier bounds (min score or exact cut rank).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlscore.messages import flag
from xlscore.model import Model
from xlscore.workbook.formula_text import concat, if_chain, row_cell, sum_of, text, yes_value
from xlscore.workbook.layout import APPROVED_WORDS
from xlscore.workbook.live_model import LiveModel
from xlscore.workbook.sheetdata import ROW  # the placeholder for the sheet row number in a template

__all__ = ["ROW", "RowFormulas", "value_columns"]


def value_columns(model: Model) -> list[str]:
    """The tblCustomers columns the model reads: each indicator's measures side by side, so
    one range covers them, then the direct indicators."""
    banded = [m.name for ind in model.indicators for m in model.measures_of(ind.name)]
    return [*banded, *model.direct_columns]


@dataclass
class RowFormulas:
    """Builds the row templates; ``cols`` maps a column key to its 1-based sheet column."""

    model: Model
    live: LiveModel
    cols: dict[str, int]
    customer_columns: dict[str, str]  # engine column name -> whole sheet column of tblCustomers (present ones)
    scores: str  # reference to the whole tblScoring[Score] column
    templates: dict[str, str] = field(default_factory=dict)

    def cell(self, key: str) -> str:
        return row_cell(self.cols[key], ROW)

    def customer(self, name: str) -> str:
        """The customer's cell of tblCustomers column ``name``."""
        return f"INDEX({self.customer_columns[name]},{self.cell('locator')})"

    def build(self) -> dict[str, str]:
        ids = self.customer_columns["Customer ID"]
        hint, key = f"MAX(1,N({self.cell('hint')}))", self.cell("Customer ID")
        self.templates["locator"] = (f"IFERROR(IF(TRIM(INDEX({ids},{hint}))=TRIM({key}),{hint},NA()),"
                                     f"MATCH({key},{ids},0))")
        for meta in ("Customer", "Owner"):
            if meta in self.customer_columns:
                value = self.customer(meta)
                self.templates[meta] = f'IF(ISBLANK({value}),"",{value})'
        self._profile()
        if "approved" in self.cols:
            self.templates["approved"] = yes_value(self.customer("Approved"), APPROVED_WORDS)
        for name in value_columns(self.model):
            value = self.customer(name)
            self.templates[f"value:{name}"] = f'IF(ISNUMBER({value}),{value},"")'
        for measure in self.model.measures:
            self.templates[f"points:{measure.name}"] = self._band_points(measure.name)
        for j, ind in enumerate(self.model.indicators):
            self.templates[ind.name] = self._banded(j) if ind.method == "banded" else self._direct(j)
        self._score_and_rank()
        self._tier()
        self._follow_up()
        self.templates["Flags"] = self._flags()
        return self.templates

    def _profile(self) -> None:
        if "Profile" in self.customer_columns:
            typed = f"TRIM({self.customer('Profile')})"
            self.templates["profile"] = f'IF({typed}="",1,MATCH({typed},{self.live.profile_names},0))'
        self.templates["Profile"] = f"INDEX({self.live.profile_names},{self.cell('profile')})"

    def _band_points(self, measure: str) -> str:
        """The points of the band holding the value, or the flag ``no band: m`` / ``missing: m``."""
        value, bands = self.cell(f"value:{measure}"), self.live.bands[measure]
        lang = self.model.lang
        no_band = text(flag("no_band", lang, measure))
        found = (f"IFERROR(IF({value}<LOOKUP({value},{bands.lower},{bands.upper}),"
                 f"LOOKUP({value},{bands.lower},{bands.points}),{no_band}),{no_band})")
        return f"IF(ISNUMBER({value}),{found},{text(flag('missing', lang, measure))})"

    def _present(self, j: int) -> str:
        """The range of the value cells of indicator ``j``'s measures (side by side)."""
        names = [m.name for m in self.model.measures_of(self.model.indicators[j].name)]
        first, last = self.cell(f"value:{names[0]}"), self.cell(f"value:{names[-1]}")
        return first if first == last else f"{first}:{last}"

    def _banded(self, j: int) -> str:
        """Σ points; with `exclude`, renormalised over the present measures (engine's rule)."""
        ind = self.model.indicators[j]
        measures = self.model.measures_of(ind.name)
        self.templates[f"earned:{ind.name}"] = sum_of([f"N({self.cell(f'points:{m.name}')})" for m in measures])
        self.templates[f"present:{ind.name}"] = sum_of(
            [f"IF(ISNUMBER({self.cell(f'value:{m.name}')}),{self.live.measure_best[m.name]},0)" for m in measures])
        earned, present = self.cell(f"earned:{ind.name}"), self.cell(f"present:{ind.name}")
        renormalised = (f"IF({present}={self.live.best_points[j]},{earned},"
                        f"IF({present}>0,{earned}*100/{present},0))")
        any_present = f"COUNT({self._present(j)})>0"
        return f'IF({self.live.policy[j]}="exclude",IF({any_present},{renormalised},""),{earned})'

    def _counted(self, j: int) -> str:
        """A direct value that counts: present, and approved when the indicator needs it."""
        value = self.cell(f"value:{self.model.indicators[j].name}")
        approved = self.cell("approved") if "approved" in self.cols else "FALSE"
        return f"AND(ISNUMBER({value}),OR(NOT({self.live.approval[j]}),{approved}))"

    def _direct(self, j: int) -> str:
        value = self.cell(f"value:{self.model.indicators[j].name}")
        return f'IF({self._counted(j)},{value},IF({self.live.policy[j]}="zero",0,""))'

    def _blocks(self, j: int) -> str:
        """The `error` policy's missing value: the customer gets no score."""
        ind = self.model.indicators[j]
        if ind.method == "banded":
            missing = f"COUNT({self._present(j)})<{len(self.model.measures_of(ind.name))}"
        else:
            missing = f'{self.cell(ind.name)}=""'
        return f'AND({self.live.policy[j]}="error",{missing})'

    def _score_and_rank(self) -> None:
        """Σ score × weight / Σ weight over the indicators not left out ("" scores count 0)."""
        profile = self.cell("profile")
        weighted, weights = [], []
        for j, ind in enumerate(self.model.indicators):
            score, weight = self.cell(ind.name), f"INDEX({self.live.weights[j]},{profile})"
            weighted.append(f"N({score})*{weight}")
            weights.append(f"ISNUMBER({score})*{weight}")
        self.templates["weights"] = sum_of(weights)
        weight_sum = self.cell("weights")
        blocked = ",".join(self._blocks(j) for j in range(len(self.model.indicators)))
        self.templates["Score"] = (f'IF(OR({blocked},NOT({weight_sum}>0)),"",'
                                   f"ROUND(({sum_of(weighted)})/{weight_sum},2))")
        self.templates["Rank"] = self._rank()

    def _rank(self) -> str:
        """1 + the number of higher scores.

        While the rows are in score order (as written, or after sorting the table by Score),
        that number is found by binary search: MATCH(score + 0.005, scores so far, -1) is the
        last row holding a higher score (scores have 2 decimals, so nothing lies between).
        Otherwise COUNTIF counts them, which costs a pass over the column per row.
        """
        score, scores, count = self.cell("Score"), self.scores, self.live.scored_count
        ranked = f"INDEX({scores},1):INDEX({scores},{count})"
        fast = f"IFERROR(MATCH({score}+0.005,{ranked},-1),0)+1"
        slow = f'COUNTIF({scores},">"&{score})+1'
        return f'IF(ISNUMBER({score}),IF({self.live.in_score_order},{fast},{slow}),"")'

    def _tier(self) -> None:
        score, rank = self.cell("Score"), self.cell("Rank")
        by_share = if_chain([(f"{rank}<={cut}", str(k + 1)) for k, cut in enumerate(self.live.tier_cut)], "0")
        by_score = if_chain([(f"{score}>={low}", str(k + 1)) for k, low in enumerate(self.live.tier_min)], "0")
        rule = f'IF(ISNUMBER({score}),IF({self.live.scheme}="share",{by_share},{by_score}),0)'
        if "override" in self.cols:  # a manual tier decision (tblOverrides) replaces the rule's tier
            self.templates["rule tier"] = rule
            override = self.cell("override")
            self.templates["tier"] = f"IF(N({override})>0,{override},{self.cell('rule tier')})"
            self.templates["Computed tier"] = self._tier_word(self.live.tier_names, self.cell("rule tier"))
        else:
            self.templates["tier"] = rule
        self.templates["Tier"] = self._tier_word(self.live.tier_names, self.cell("tier"))
        self.templates["Policy"] = self._tier_word(self.live.tier_policies, self.cell("tier"))

    @staticmethod
    def _tier_word(column: str, tier: str) -> str:
        return f'IF({tier}>0,INDEX({column},{tier}),"")'

    def _follow_up(self) -> None:
        if "Last contact" not in self.customer_columns:
            return
        tier, contact = self.cell("tier"), self.customer("Last contact")
        days = f"INDEX({self.live.tier_days},{tier})"
        self.templates["Next follow-up"] = (f'IF({tier}>0,IF(AND(ISNUMBER({contact}),ISNUMBER({days})),'
                                            f'{contact}+{days},""),"")')

    def _flags(self) -> str:
        parts: list[str] = []
        lang = self.model.lang
        for j, ind in enumerate(self.model.indicators):
            if ind.method == "banded":
                for m in self.model.measures_of(ind.name):
                    cell = self.cell(f"points:{m.name}")
                    parts.append(f'IF(ISNUMBER({cell}),"","; "&{cell})')
            else:
                value = self.cell(f"value:{ind.name}")
                approved = self.cell("approved") if "approved" in self.cols else "FALSE"
                unapproved = if_chain([(f"AND({self.live.approval[j]},NOT({approved}))",
                                        text("; " + flag("unapproved", lang, ind.name)))], '""')
                parts.append(f'IF(ISNUMBER({value}),{unapproved},{text("; " + flag("missing", lang, ind.name))})')
        parts.append(f'IF(ISNUMBER({self.cell("Score")}),"",{text("; " + flag("not_scored", lang))})')
        if "override flag" in self.cols:
            override = self.cell("override flag")
            parts.append(f'IF({override}="","","; "&{override})')
        return f"MID({concat(parts)},3,32767)"
