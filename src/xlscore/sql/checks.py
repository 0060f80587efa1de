"""The data checks as one SQL ``SELECT``: a row per problem in the customers table.

The rules are the ones the workbook reader applies to tblCustomers (``xlscore validate``):
a blank or repeated Customer ID (case and surrounding spaces ignored), a measure or direct
score that is not a number or is infinite, a direct score outside 0–100, a Profile that
names no weight profile, a Last contact that is not a date. Blank cells and NaN are missing
values, not problems. The result has four columns -- ``Customer ID``, ``column``, ``problem``,
``value`` (all text) -- so a pipeline fails on a non-empty result.

Nothing in it depends on how the table types its columns: every value is read through its
text form (``CAST(x AS VARCHAR)``), which every dialect writes the same way for the values
that matter here. ``xlscore score`` knows its file's types and passes ``numeric`` columns,
checked as numbers without the text round trip. One scan: the per-row tests and the
duplicate count (a window *partitioned* by ID, which a distributed engine spreads out) are
computed in one pass, then each bad row is paired with the list of checks.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlglot import exp

from xlscore.model import Model
from xlscore.sql.expressions import (
    TRIM_CHARACTERS,
    all_of,
    any_of,
    case,
    cast,
    col,
    double,
    is_inf,
    is_nan,
    number,
    text,
)
from xlscore.sql.source import SourceColumns
from xlscore.sql.statement import source_column

__all__ = ["CHECK_COLUMNS", "checks_statement", "row_problems"]

CHECK_COLUMNS = ("Customer ID", "column", "problem", "value")

# A number as text, lower-cased: no backslash, so no dialect's string escapes can change it.
_NUMBER = "^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)(e[+-]?[0-9]+)?$"
_DATE = "^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ t].*)?$"
_NAN = ("nan", "+nan", "-nan")
_INFINITY = ("inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")


@dataclass(frozen=True)
class _Check:
    column: str  # the table's column, as the result names it
    branches: list[tuple[exp.Expr, exp.Expr]]  # (test, problem's text or NULL): the first true test decides
    value: exp.Expr  # the value shown

    @property
    def problem(self) -> exp.Expr:
        """The problem's text for this row, or NULL."""
        return case([(test.copy(), problem.copy()) for test, problem in self.branches])

    @property
    def fails(self) -> exp.Expr:
        """Whether the row has the problem, as a plain test (no text to build): TRUE, or FALSE / NULL."""
        found: list[exp.Expr] = []
        earlier: list[exp.Expr] = []  # as CASE skips a NULL test, so do these
        for test, problem in self.branches:
            if not isinstance(problem, exp.Null):
                found.append(exp.paren(all_of([*(e.copy() for e in earlier), test.copy()]), copy=False))
            earlier.append(exp.Not(this=exp.Coalesce(this=test.copy(), expressions=[exp.false()])))
        return any_of(found)


def _trimmed(value: exp.Expr) -> exp.Expr:
    return exp.Trim(this=cast(value, exp.DataType.Type.VARCHAR), expression=text(TRIM_CHARACTERS))


def _blank(trimmed: exp.Expr) -> exp.Expr:
    return exp.paren(exp.or_(exp.Is(this=trimmed.copy(), expression=exp.null()),
                             exp.EQ(this=trimmed.copy(), expression=text(""))), copy=False)


def _outside(value: exp.Expr) -> exp.Expr:
    return exp.paren(exp.or_(exp.LT(this=value.copy(), expression=double(0.0)),
                             exp.GT(this=value.copy(), expression=double(100.0))), copy=False)


_OUTSIDE = "direct score outside 0–100"


class _Checks:
    def __init__(self, model: Model, source: SourceColumns, numeric: Collection[str]) -> None:
        self.model, self.source, self.numeric = model, source, set(numeric)

    def column(self, name: str) -> exp.Column:
        return source_column(self.source, name)

    def shown(self, name: str) -> exp.Expr:
        return cast(self.column(name), exp.DataType.Type.VARCHAR)

    def value(self, model_name: str, name: str) -> _Check:
        direct = model_name in self.model.direct_columns
        if name in self.numeric:
            value = cast(self.column(name), exp.DataType.Type.DOUBLE)
            branches: list[tuple[exp.Expr, exp.Expr]] = [(is_inf(value), text("infinite value"))]
            if direct:
                branches.append((exp.and_(exp.Not(this=is_nan(value)), _outside(value)), text(_OUTSIDE)))
            return _Check(name, branches, self.shown(name))
        key = exp.Lower(this=_trimmed(self.column(name)))
        as_number = exp.RegexpLike(this=key.copy(), expression=text(_NUMBER))
        branches = [
            (exp.or_(_blank(key), exp.In(this=key.copy(), expressions=[text(w) for w in _NAN])), exp.null()),
            (exp.In(this=key.copy(), expressions=[text(w) for w in _INFINITY]), text("infinite value")),
            (exp.Not(this=as_number), text("not a number")),
        ]
        if direct:
            branches.append((_outside(cast(key.copy(), exp.DataType.Type.DOUBLE)), text(_OUTSIDE)))
        return _Check(name, branches, self.shown(name))

    def customer_id(self) -> _Check:
        name = self.source.meta["customer_id"]
        trimmed = _trimmed(self.column(name))
        key = exp.Lower(this=trimmed.copy())
        repeats = exp.Window(this=exp.Count(this=exp.Star()), partition_by=[key])
        return _Check(name, [(_blank(trimmed), text("blank Customer ID: every customer needs a unique ID")),
                             (exp.GT(this=repeats, expression=number(1)),
                              text("duplicate Customer ID (case and surrounding spaces ignored)"))], self.shown(name))

    def profile(self, name: str) -> _Check:
        key = exp.Lower(this=_trimmed(self.column(name)))
        known = [text(p.name.strip().lower()) for p in self.model.profiles]
        names = ", ".join(p.name for p in self.model.profiles)
        unknown = exp.and_(exp.Not(this=_blank(key)), exp.Not(this=exp.In(this=key.copy(), expressions=known)))
        return _Check(name, [(unknown, text(f"unknown weight profile (known: {names}; blank = the first)"))],
                      self.shown(name))

    def last_contact(self, name: str) -> _Check:
        key = exp.Lower(this=_trimmed(self.column(name)))
        bad = exp.and_(exp.Not(this=_blank(key)), exp.Not(this=exp.RegexpLike(this=key.copy(), expression=text(_DATE))))
        return _Check(name, [(bad, text("not a date (YYYY-MM-DD)"))], self.shown(name))

    def all(self, dates_typed: bool) -> list[_Check]:
        checks = [self.customer_id()]
        checks += [self.value(model_name, name) for model_name, name in self.source.values.items()]
        profile, last = self.source.column("profile"), self.source.column("last_contact")
        if profile is not None:
            checks.append(self.profile(profile))
        if last is not None and not dates_typed:
            checks.append(self.last_contact(last))
        return checks


def checks_statement(model: Model, source: SourceColumns, table: exp.Expr, *, numeric: Collection[str] = (),
                     dates_typed: bool = False, ordered: bool = True) -> exp.Select:
    """One row per problem in ``table``: Customer ID, column, problem, value (all text).

    ``numeric``: source columns known to hold numbers; ``dates_typed``: Last contact is known to
    be a DATE or TIMESTAMP column (nothing to check)."""
    checks = _Checks(model, source, numeric).all(dates_typed)
    per_row: list[exp.Expr] = [exp.alias_(checks[0].value.copy(), "x_id")]
    for k, check in enumerate(checks):
        per_row += [exp.alias_(check.problem, f"x_p{k}"), exp.alias_(check.value, f"x_v{k}")]
    checked = exp.Select(expressions=per_row).from_(table, copy=False)
    found = exp.select("*").from_("checked").where(
        any_of([exp.Not(this=exp.Is(this=col(f"x_p{k}"), expression=exp.null())) for k in range(len(checks))]))
    which = col("x_n")

    def per_check(values: list[exp.Expr]) -> exp.Expr:
        return case([(exp.EQ(this=which.copy(), expression=number(k)), value) for k, value in enumerate(values)])

    numbers = exp.Values(expressions=[exp.Tuple(expressions=[number(k)]) for k in range(len(checks))],
                         alias=exp.TableAlias(this=exp.to_identifier("x_checks"),
                                              columns=[exp.to_identifier("x_n")]))
    listed = exp.Select(expressions=[
        exp.alias_(col("x_id"), exp.to_identifier(CHECK_COLUMNS[0], quoted=True)),
        exp.alias_(per_check([text(c.column) for c in checks]), exp.to_identifier(CHECK_COLUMNS[1], quoted=True)),
        exp.alias_(per_check([col(f"x_p{k}") for k in range(len(checks))]),
                   exp.to_identifier(CHECK_COLUMNS[2], quoted=True)),
        exp.alias_(per_check([col(f"x_v{k}") for k in range(len(checks))]),
                   exp.to_identifier(CHECK_COLUMNS[3], quoted=True)),
    ]).from_("found").join(numbers, join_type="CROSS")
    quoted = [exp.column(exp.to_identifier(name, quoted=True)) for name in CHECK_COLUMNS]
    statement = exp.select(*quoted).from_("listed").where(exp.Not(this=exp.Is(this=quoted[2].copy(),
                                                                                expression=exp.null())))
    if ordered:
        statement = statement.order_by(exp.Ordered(this=quoted[0].copy(), nulls_first=True), quoted[1].copy())
    return statement.with_("checked", as_=checked).with_("found", as_=found).with_("listed", as_=listed)


def row_problems(model: Model, source: SourceColumns, *, numeric: Collection[str] = (),
                 dates_typed: bool = False) -> tuple[exp.Expr, exp.Expr]:
    """For a pass that counts problems instead of listing them (``xlscore score``): per row, the
    key by which Customer IDs repeat (trimmed, lower case; NULL or '' when blank), and whether
    any other check finds a problem. As many distinct keys as non-blank IDs means no repeat."""
    checks = _Checks(model, source, numeric)
    key = exp.Lower(this=_trimmed(checks.column(source.meta["customer_id"])))
    return key, any_of([check.fails for check in checks.all(dates_typed)[1:]])
