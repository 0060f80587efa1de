"""Customer type by the ordered rules of tblTypes: the first rule whose condition holds wins.

Each row is a Type and a Condition in the language of :mod:`xlscore.classify.conditions`
(blank = every customer, for a final catch-all). The matched rule is shown next to the type
as ``<rule number>: <condition>``. A rule that names a column the book does not have is a
warning and never matches; a condition that cannot be read is an error naming its cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from xlscore.classify.conditions import Condition, ConditionError, UnknownColumnError, evaluate, parse_condition
from xlscore.classify.data import ObjArray, Operand
from xlscore.classify.labels import TEXT, pick
from xlscore.classify.tables import find_columns
from xlscore.issues import IssueList
from xlscore.workbook.cells import as_text
from xlscore.workbook.layout import Lang
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import RawTable

__all__ = ["TypeRule", "assign_types", "read_type_rules"]


@dataclass(frozen=True)
class TypeRule:
    number: int  # 1-based position among the rules
    type_name: str
    condition: Condition
    ref: CellRef | None = None  # the Condition cell

    def label(self, lang: Lang) -> str:
        return f"{self.number}: {self.condition.text or pick(TEXT['any'], lang)}"


def read_type_rules(table: RawTable, issues: IssueList) -> list[TypeRule]:
    cols = find_columns(table, ("type", "condition"), (), issues)
    if cols is None:
        return []
    c_type, c_condition = cols["type"], cols["condition"]
    rules: list[TypeRule] = []
    for number, i in enumerate(table.data_rows(), start=1):
        row = table.rows[i]
        name, ref = as_text(row[c_type]), table.ref(i, c_condition)
        if not name:
            issues.error(table.ref(i, c_type), "Type is blank: name the customer type this rule gives",
                         "blank-name")
            continue
        try:
            condition = parse_condition(as_text(row[c_condition]))
        except ConditionError as exc:
            issues.error(ref, f"condition of type {name!r}: {exc}", "bad-condition")
            continue
        rules.append(TypeRule(number, name, condition, ref))
    return rules


def assign_types(rules: list[TypeRule], resolve: Callable[[str], Operand | None], n: int, lang: Lang,
                 issues: IssueList) -> tuple[ObjArray, ObjArray]:
    """(type, matched rule label) per customer; None where no rule matches."""
    types: ObjArray = np.full(n, None, dtype=object)
    matched: ObjArray = np.full(n, None, dtype=object)
    open_rows = np.ones(n, dtype=bool)
    for rule in rules:
        try:
            hit = evaluate(rule.condition, resolve, n) & open_rows
        except UnknownColumnError as exc:
            issues.warning(rule.ref, f"rule {rule.number} ({rule.type_name}) reads {exc.name!r}, which is not a "
                           "result column, an indicator or a tblCustomers column: add the column to Customers or "
                           "fix the name; the rule never matches", "unknown-column")
            continue
        except ConditionError as exc:
            issues.error(rule.ref, f"condition of type {rule.type_name!r}: {exc}", "bad-condition")
            continue
        types[hit] = rule.type_name
        matched[hit] = rule.label(lang)
        open_rows &= ~hit
    return types, matched
