"""Portable sqlglot building blocks for the engine's arithmetic.

Every number that takes part in arithmetic is a ``DOUBLE``, so each dialect computes with the
same IEEE operations, in the same order, as the numpy engine; a bare decimal literal would
make DuckDB or Postgres add exact decimals instead. Excel's ROUND and the share cut are spelt
out in portable arithmetic rather than trusting a dialect's ROUND or integer division.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from sqlglot import exp

from xlscore.rounding import HALF_TOLERANCE  # the engine's own constant: same result, same double

__all__ = [
    "TRIM_CHARACTERS",
    "all_of",
    "any_of",
    "case",
    "cast",
    "col",
    "double",
    "excel_round",
    "is_inf",
    "is_nan",
    "number",
    "portable",
    "quick_trims",
    "rank_within_share",
    "share_fraction",
    "sum_in_order",
    "text",
    "text_key",
]

# What Python's str.strip() removes in practice: spaces, tabs, line breaks, the no-break space
# pasted from web pages and the ideographic space of Chinese input methods. (strip() also takes
# rarer Unicode spaces; no portable SQL names them all.)
TRIM_CHARACTERS = " \t\n\r\xa0\u3000"

# Up to 15 significant digits, every dialect turns a decimal literal into the nearest double;
# longer reprs go through the string parser, which all of them round correctly.
_SHORT_DIGITS = 15


def cast(value: exp.Expr, to: str | exp.DType) -> exp.Expr:
    """``CAST(value AS to)``, adopting ``value`` (no copy: the builders never share a node)."""
    return exp.Cast(this=value, to=exp.DataType.build(to))


def col(name: str) -> exp.Column:
    """An internal column: plain lower-case ASCII, the same unquoted in every dialect."""
    return exp.column(name)


def text(value: str) -> exp.Literal:
    """A string literal: sqlglot escapes quotes per dialect; never concatenated into SQL."""
    return exp.Literal.string(value)


def number(value: int) -> exp.Expr:
    return exp.Literal.number(value)


def double(value: float) -> exp.Expr:
    """``CAST(<value> AS DOUBLE)``: exactly the double ``value``, in every dialect."""
    shown = repr(float(value))
    if shown in ("inf", "-inf", "nan"):
        raise ValueError(f"not a finite number: {value}")
    digits = Decimal(shown).as_tuple().digits
    literal = exp.Literal.number(shown) if len(digits) <= _SHORT_DIGITS and "e" not in shown \
        else exp.Literal.string(shown)
    return cast(literal, exp.DataType.Type.DOUBLE)


def case(branches: Sequence[tuple[exp.Expr, exp.Expr]],
         default: exp.Expr | None = None) -> exp.Expr:
    """``CASE WHEN c THEN v ... ELSE default END``; just ``default`` (or NULL) with no branch."""
    if not branches:
        return default if default is not None else exp.null()
    return exp.Case(ifs=[exp.If(this=condition, true=value) for condition, value in branches], default=default)


def all_of(conditions: Sequence[exp.Expr]) -> exp.Expr:
    return exp.and_(*conditions, copy=False) if conditions else exp.true()


def any_of(conditions: Sequence[exp.Expr]) -> exp.Expr:
    return exp.or_(*conditions, copy=False) if conditions else exp.false()


def sum_in_order(terms: Sequence[exp.Expr]) -> exp.Expr:
    """``0.0 + t1 + t2 ...``, left to right: the engine's ``total += term`` loop, bit for bit."""
    total: exp.Expr = double(0.0)
    for term in terms:
        total = exp.Add(this=total, expression=exp.paren(term, copy=False))
    return total


def text_key(value: exp.Expr) -> exp.Expr:
    """``LOWER(TRIM(CAST(value AS VARCHAR), <spaces>))``: the engine's ``str(v).strip().casefold()``.

    LOWER and casefold differ only for letters such as ß or the long s, which no approval word
    or weight profile name is expected to hold.
    """
    as_text = cast(value, exp.DataType.Type.VARCHAR)
    return exp.Lower(this=exp.Trim(this=as_text, expression=text(TRIM_CHARACTERS)))


def is_nan(value: exp.Expr) -> exp.Expr:
    """True for NaN, spelt per dialect by :func:`portable`."""
    return exp.IsNan(this=value.copy())


def is_inf(value: exp.Expr) -> exp.Expr:
    """True for +/- infinity, spelt per dialect by :func:`portable`."""
    return exp.IsInf(this=value.copy())


# Dialects without a NaN / infinity function: there NaN equals itself (Postgres, Snowflake),
# and every one of them reads 'inf' as infinity.
_NO_ISNAN = ("postgres", "snowflake")
_NO_ISINF = ("postgres", "spark", "snowflake")


def _duckdb_nan(value: exp.Expr) -> exp.Expr:
    """DuckDB trusts a Parquet file's min/max statistics, which pyarrow writes without the NaN
    values: it then folds ``ISNAN(x)``, ``x = 'NaN'`` and ``x <> x`` to false for a column read
    straight from the file. Neither finite nor infinite is only NaN, and ISFINITE has no such
    folding."""
    def test(name: str) -> exp.Expr:
        return exp.Not(this=exp.Anonymous(this=name, expressions=[value.copy()]))

    return exp.paren(exp.and_(test("ISFINITE"), test("ISINF"), copy=False), copy=False)


def portable(statement: exp.Expr, dialect: str) -> exp.Expr:
    """``statement`` with the NaN and infinity tests spelt out as ``dialect`` needs them."""
    def spell(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.IsNan) and dialect == "duckdb":
            return _duckdb_nan(node.this)
        if isinstance(node, exp.IsNan) and dialect in _NO_ISNAN:
            return exp.paren(exp.EQ(this=node.this, expression=cast(text("NaN"), exp.DataType.Type.DOUBLE)),
                             copy=False)
        if isinstance(node, exp.IsInf) and dialect in _NO_ISINF:
            return exp.paren(exp.EQ(this=exp.Abs(this=node.this),
                                    expression=cast(text("inf"), exp.DataType.Type.DOUBLE)), copy=False)
        return node

    if not any(isinstance(node, exp.IsNan | exp.IsInf) for node in statement.walk()):
        return statement
    return statement.transform(spell)


def quick_trims(statement: exp.Expr) -> exp.Expr:
    """DuckDB: ``statement`` with each ``TRIM(x, <TRIM_CHARACTERS>)`` run only where ``x`` starts or
    ends with one of them. On distinct texts (IDs) DuckDB's TRIM with a list of characters costs
    twice a regular expression test of both ends, and few IDs need trimming. Same results. Not
    for a column of few distinct texts (Approved, Profile): a Parquet dictionary gives those to
    TRIM once per distinct text, and the test would undo that."""
    either_end = text(f"^[{TRIM_CHARACTERS}]|[{TRIM_CHARACTERS}]$")

    def quick(node: exp.Expr) -> exp.Expr:
        characters = node.args.get("expression")
        if not (isinstance(node, exp.Trim) and isinstance(characters, exp.Literal)
                and characters.this == TRIM_CHARACTERS):
            return node
        value = node.this
        padded = exp.RegexpLike(this=value.copy(), expression=either_end.copy())
        return exp.paren(case([(padded, node.copy())], value.copy()), copy=False)

    return statement.transform(quick)


def excel_round(total: exp.Expr, magnitude: exp.Expr) -> exp.Expr:
    """Excel ``ROUND(total, 2)`` given ``magnitude = ABS(total) * 100``.

    The same steps as :func:`xlscore.rounding.excel_round_array`: floor of the magnitude, up
    when the fraction reaches one half at 15 significant digits (a relative tolerance), back
    to hundredths, then the sign of ``total``.
    """
    whole = exp.Floor(this=magnitude.copy())
    fraction = exp.Sub(this=magnitude.copy(), expression=whole.copy())
    threshold = exp.Sub(this=double(0.5), expression=exp.Mul(this=magnitude.copy(),
                                                             expression=double(HALF_TOLERANCE)))
    up = case([(exp.GTE(this=fraction, expression=threshold), double(1.0))], double(0.0))
    rounded = exp.Div(this=exp.paren(exp.Add(this=whole, expression=up), copy=False), expression=double(100.0))
    negative = exp.LT(this=total.copy(), expression=double(0.0))
    return case([(negative, exp.Neg(this=exp.paren(rounded.copy(), copy=False)))], rounded)


def share_fraction(share_percent: float) -> Fraction:
    """The cumulative share as the exact fraction of the ranking: 33.3 % -> 333/10000.

    Read as the decimal the user typed (the double's repr), like :func:`xlscore.rounding.share_cut`.
    """
    return Fraction(Decimal(repr(float(share_percent)))) / 100


def rank_within_share(rank: exp.Expr, scored: exp.Expr, share_percent: float) -> exp.Expr:
    """``rank <= ceil(p * N / q)`` for the share p/q of N scored customers, in integers only.

    For integers, r <= ceil(x) exactly when r - 1 < x, so the test is ``(rank - 1) * q < p * N``:
    no division, so no dialect's integer division (Snowflake's goes through a rounded decimal
    quotient) and no floating point. BIGINT holds the products for shares with up to six
    decimals and N below 9e10; longer fractions use DECIMAL(38, 0).
    """
    share = share_fraction(share_percent)
    p, q = share.numerator, share.denominator
    wide = max(p, q) > 10**8
    kind = "DECIMAL(38, 0)" if wide else "BIGINT"
    below = cast(exp.Sub(this=rank.copy(), expression=number(1)), kind)
    return exp.LT(this=exp.Mul(this=below, expression=cast(number(q), kind)),
                  expression=exp.Mul(this=cast(number(p), kind), expression=cast(scored.copy(), kind)))
