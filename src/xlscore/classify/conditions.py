"""A tiny, safe condition language for rules kept as data (tblTypes), evaluated column-wise.

Grammar (nothing is ever passed to ``eval``)::

    condition := ""                                  (blank: every customer)
               | clause { AND clause }               AND: "and", "且", "并且", "&&"
    clause    := operand OP value
               | operand "is blank" | operand "is not blank"       (also 为空 / 不为空)
    OP        := >= | <= | > | < | = | <> | != | ≥ | ≤ | ≠
    operand   := a column name as written, or [a name] in brackets when it holds an operator or "and"
    value     := a number, or text (bare, or in quotes)

Numbers compare numerically; text compares with ``=`` / ``<>`` only, ignoring case and
surrounding spaces. A blank value matches no comparison (not even ``<>``): test it with
``is blank``. There is no "or": give each alternative its own rule row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from xlscore.classify.data import Operand
from xlscore.workbook.cells import shown
from xlscore.workbook.layout import header_key

__all__ = ["Clause", "Condition", "ConditionError", "UnknownColumnError", "evaluate", "parse_condition"]

BoolArray = npt.NDArray[np.bool_]

_AND = re.compile(r"\s+and\s+|\s*(?:并且|且|&&)\s*", re.IGNORECASE)
_DANGLING_AND = re.compile(r"^(?:and\s|并且|且|&&)|(?:\sand|并且|且|&&)$", re.IGNORECASE)
_OPERATOR = re.compile(r">=|<=|<>|!=|≥|≤|≠|=|>|<")
_BLANK_TEST = re.compile(r"(?:\s+is\s+(not\s+)?blank|\s*(不)?为空)\s*$", re.IGNORECASE)
_SAME = {"≥": ">=", "≤": "<=", "≠": "<>", "!=": "<>"}
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’"}


class ConditionError(ValueError):
    """A condition that cannot be read or cannot apply to its column; the message is for people."""


class UnknownColumnError(ConditionError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"no column named {name!r}")


@dataclass(frozen=True)
class Clause:
    operand: str
    op: str  # >=, <=, >, <, =, <>, blank, not blank
    value: float | str | None = None


@dataclass(frozen=True)
class Condition:
    text: str
    clauses: tuple[Clause, ...]

    @property
    def always(self) -> bool:
        return not self.clauses


def _masked(text: str) -> str:
    """The text with bracketed and quoted parts blanked out, so operators inside them are not seen."""
    out = list(text)
    closing: str | None = None
    for i, ch in enumerate(text):
        if closing is not None:
            if ch == closing:
                closing = None
            else:
                out[i] = "\0"
        elif ch == "[":
            closing = "]"
        elif ch in _QUOTES:
            closing = _QUOTES[ch]
    if closing is not None:
        raise ConditionError(f"{text!r} opens {'a bracket' if closing == ']' else 'a quote'} it never closes")
    return "".join(out)


def _operand(text: str, whole: str) -> str:
    name = text.strip()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1].strip()
    if not name:
        raise ConditionError(f"{whole!r} has no column before its operator: write e.g. Score >= 70")
    return name


def _value(text: str, whole: str) -> float | str:
    raw = text.strip()
    if not raw:
        raise ConditionError(f"{whole!r} has nothing after its operator: write e.g. Score >= 70")
    if raw[0] in _QUOTES and raw.endswith(_QUOTES[raw[0]]) and len(raw) > 1:
        return raw[1:-1]
    if "_" in raw:  # Python reads 1_000 as a number; a person would not
        return raw
    try:
        number = float(raw)
    except ValueError:
        return raw
    if not math.isfinite(number):
        raise ConditionError(f"{whole!r}: {raw!r} is not a usable number")
    return number


def _clause(text: str) -> Clause:
    masked = _masked(text)
    blank = _BLANK_TEST.search(masked)
    if blank:
        negated = bool(blank.group(1) or blank.group(2))
        return Clause(_operand(text[:blank.start()], text), "not blank" if negated else "blank")
    match = _OPERATOR.search(masked)
    if match is None:
        raise ConditionError(f"{text.strip()!r} is not a comparison: write a column, an operator (>=, <=, >, <, "
                             "=, <>) and a value, e.g. Score >= 70")
    op = _SAME.get(match.group(0), match.group(0))
    value = _value(text[match.end():], text.strip())
    if _OPERATOR.search(_masked(text[match.end():])):
        raise ConditionError(f"{text.strip()!r} has two operators: one comparison per clause, joined with 'and'")
    return Clause(_operand(text[:match.start()], text.strip()), op, value)


def parse_condition(text: str | None) -> Condition:
    """Parse a condition cell; raises ConditionError with a message naming what is wrong."""
    whole = (text or "").strip()
    if not whole:
        return Condition("", ())
    masked = _masked(whole)
    if _DANGLING_AND.search(masked):
        raise ConditionError(f"{whole!r} has an 'and' with nothing on one side")
    parts, start = [], 0
    for match in _AND.finditer(masked):
        parts.append(whole[start:match.start()])
        start = match.end()
    parts.append(whole[start:])
    if any(not p.strip() for p in parts):
        raise ConditionError(f"{whole!r} has an 'and' with nothing on one side")
    return Condition(whole, tuple(_clause(p) for p in parts))


def _numeric(clause: Clause, numbers: npt.NDArray[np.float64]) -> BoolArray:
    if not isinstance(clause.value, float):
        raise ConditionError(f"{clause.operand} holds numbers: compare it with a number, e.g. "
                             f"{clause.operand} {clause.op} 10, not {shown(clause.value)}")
    present = ~np.isnan(numbers)
    with np.errstate(invalid="ignore"):
        compare = {
            ">=": numbers >= clause.value, "<=": numbers <= clause.value, ">": numbers > clause.value,
            "<": numbers < clause.value, "=": numbers == clause.value, "<>": numbers != clause.value,
        }[clause.op]
    mask: BoolArray = present & compare
    return mask


def _text(clause: Clause, keys: npt.NDArray[np.object_]) -> BoolArray:
    if clause.op not in ("=", "<>"):
        raise ConditionError(f"{clause.operand} holds text: compare it with = or <>, not {clause.op}")
    series = pd.Series(keys, dtype=object)
    wanted = header_key(shown(clause.value) if isinstance(clause.value, float) else clause.value)
    equal = series.eq(wanted).to_numpy(dtype=bool)
    present = series.notna().to_numpy(dtype=bool)
    mask: BoolArray = equal if clause.op == "=" else present & ~equal
    return mask


def evaluate(condition: Condition, resolve: Callable[[str], Operand | None], n: int) -> BoolArray:
    """Which of ``n`` customers meet the condition. Raises UnknownColumnError / ConditionError."""
    mask = np.ones(n, dtype=bool)
    for clause in condition.clauses:
        operand = resolve(clause.operand)
        if operand is None:
            raise UnknownColumnError(clause.operand)
        if clause.op in ("blank", "not blank"):
            blank = np.isnan(operand.numbers) if operand.numbers is not None else pd.isna(
                pd.Series(operand.keys, dtype=object)).to_numpy(dtype=bool)
            mask &= blank if clause.op == "blank" else ~blank
        elif operand.numbers is not None:
            mask &= _numeric(clause, operand.numbers)
        elif operand.keys is not None:
            mask &= _text(clause, operand.keys)
    return mask
