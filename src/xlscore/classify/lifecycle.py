"""Lifecycle stage from the days since the last purchase, by the rows of tblLifecycle.

Rows are tried in order and the first that fits wins:

* ``no purchase`` — the customer has no last-purchase date (a prospect);
* ``up to N`` — bought at most N days before the as-of date;
* ``beyond N`` — bought more than N days before; ``beyond`` with blank Days takes everyone left.

Defaults: Prospect (no purchase), Active (up to 90), Dormant (up to 365), Churned (beyond).
A customer no row fits is left blank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xlscore.classify.data import BoolArray, FloatArray, ObjArray
from xlscore.classify.labels import STAGE_RULES
from xlscore.classify.tables import find_columns
from xlscore.issues import IssueList
from xlscore.workbook.cells import as_number, as_text, as_word, shown
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import RawTable

__all__ = ["Stage", "assign_stages", "read_stages"]


@dataclass(frozen=True)
class Stage:
    name: str
    rule: str  # "no purchase", "up to", "beyond"
    days: float | None = None
    ref: CellRef | None = None

    def fits(self, days: FloatArray) -> BoolArray:
        bought: BoolArray = ~np.isnan(days)
        if self.rule == "no purchase":
            return ~bought
        if self.days is None:
            return bought
        with np.errstate(invalid="ignore"):
            within: BoolArray = days <= self.days if self.rule == "up to" else days > self.days
        return bought & within


def read_stages(table: RawTable, issues: IssueList) -> list[Stage]:
    cols = find_columns(table, ("stage", "rule"), ("days",), issues)
    if cols is None:
        return []
    c_stage, c_rule, c_days = cols["stage"], cols["rule"], cols.get("days")
    stages: list[Stage] = []
    for i in table.data_rows():
        row = table.rows[i]
        name = as_text(row[c_stage])
        if not name:
            issues.error(table.ref(i, c_stage), "Stage is blank: name the stage or delete the row", "blank-name")
            continue
        rule = as_word(row[c_rule], STAGE_RULES, table.ref(i, c_rule), "Rule", issues)
        days = as_number(row[c_days], table.ref(i, c_days), "Days", issues) if c_days is not None else None
        days_ref = table.ref(i, c_days) if c_days is not None else table.ref(i, c_rule)
        if rule is None:
            continue
        if days is not None and days < 0:
            issues.error(days_ref, f"Days {shown(days)} is negative: count days since the last purchase, 0 or more",
                         "negative-days")
            continue
        if rule == "up to" and days is None:
            issues.error(days_ref, f"stage {name!r} is 'up to' without Days: type the largest number of days "
                         "since the last purchase that still counts as this stage", "blank-days")
            continue
        if rule == "no purchase" and days is not None:
            issues.warning(days_ref, f"Days of stage {name!r} is ignored: 'no purchase' is for customers "
                           "with no last-purchase date", "ignored-days")
            days = None
        stages.append(Stage(name, rule, days, table.ref(i, c_stage)))
    _check_reachable(stages, issues)
    if not stages and not issues.errors:
        issues.warning(table.ref(0, c_stage), "tblLifecycle holds no stage: Lifecycle is left blank (delete the "
                       "sheet to switch lifecycle stages off)", "empty")
    return stages


def _check_reachable(stages: list[Stage], issues: IssueList) -> None:
    """Rows an earlier row always wins over never apply: say so rather than leave a silent dead row."""
    prospect_seen, catch_all = False, False
    widest_up_to = -1.0
    for stage in stages:
        dead = ""
        if stage.rule == "no purchase":
            dead = "an earlier 'no purchase' row already takes every prospect" if prospect_seen else ""
            prospect_seen = True
        elif catch_all:
            dead = "an earlier 'beyond' row with blank Days takes every customer left"
        elif stage.rule == "up to" and stage.days is not None:
            if stage.days <= widest_up_to:
                dead = f"an earlier 'up to {shown(widest_up_to)}' row already takes these customers"
            widest_up_to = max(widest_up_to, stage.days)
        elif stage.rule == "beyond" and stage.days is None:
            catch_all = True
        if dead:
            issues.warning(stage.ref, f"stage {stage.name!r} never applies: {dead}", "dead-rule")


def assign_stages(stages: list[Stage], days: FloatArray) -> ObjArray:
    """The first fitting stage per customer (None when none fits); NaN days = no purchase yet."""
    out: ObjArray = np.full(len(days), None, dtype=object)
    open_rows = np.ones(len(days), dtype=bool)
    for stage in stages:
        hit = stage.fits(days) & open_rows
        out[hit] = stage.name
        open_rows &= ~hit
    return out
