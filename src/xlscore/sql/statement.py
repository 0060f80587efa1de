"""Model -> one SQL ``SELECT`` (a sqlglot tree) returning the engine's scoring columns.

The statement is a chain of common table expressions, one per step of the engine, each adding
columns with internal names (``x_...``, plain ASCII) so that user headers -- spaces, quotes,
Chinese -- only ever appear as quoted identifiers in the first and last step:

``typed``     the source columns the model reads, renamed and typed (values as DOUBLE)
``clean``     NaN counts as a blank value, as in the engine
``measured``  points and "no band" per measure
``rated``     each indicator's score, whether it counts, whether it blocks; the profile weights
``totaled``   weighted total over the indicators that count
``flagged``   the Flags text, and ``ABS(total) * 100`` for rounding
``scored``    Excel ROUND(total, 2)
``score_counts``, ``score_ranks``  customers per distinct score, and each score's competition
              rank (1 + customers with a higher score) and N, on that small table
``ranked``    the rank joined back by score: no window over the whole table, so a distributed
              engine (Spark) never gathers every row in one partition
``tiered``    the tier index
then the output columns, sorted by rank (ties by Customer ID), unscored customers last.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from xlscore.engine import SCORING_TAIL
from xlscore.issues import Issue, ModelError
from xlscore.messages import flag
from xlscore.model import Indicator, Measure, Model
from xlscore.overrides import Override
from xlscore.sql.bands import band_points
from xlscore.sql.ctes import Steps, alias, quoted_alias, select
from xlscore.sql.expressions import (
    all_of,
    any_of,
    case,
    cast,
    col,
    double,
    excel_round,
    is_nan,
    number,
    portable,
    sum_in_order,
    text,
    text_key,
)
from xlscore.sql.overridden import flags_with_overrides, overridden_columns
from xlscore.sql.ranking import rank_steps
from xlscore.sql.source import SourceColumns, value_columns
from xlscore.sql.tiers import tier_index
from xlscore.workbook.layout import APPROVED_WORDS

__all__ = ["DIALECTS", "output_columns", "render", "scored_steps", "scoring_statement", "source_column"]

DIALECTS = ("duckdb", "postgres", "spark", "bigquery", "snowflake")

_META_OUTPUT = {"customer": "Customer", "owner": "Owner", "profile": "Profile"}


def output_columns(model: Model, source: SourceColumns, *, overridden: bool = False) -> list[str]:
    """The statement's columns: tblScoring's, without Customer / Owner / Profile the source lacks.

    ``overridden``: the book has tblOverrides rows, so Computed tier follows Tier, as in tblScoring.
    """
    meta = [name for key, name in _META_OUTPUT.items() if source.column(key)]
    tail = list(SCORING_TAIL)
    if overridden:
        tail.insert(tail.index("Tier") + 1, "Computed tier")
    return ["Customer ID", *meta, *(ind.name for ind in model.indicators), *tail]


def source_column(source: SourceColumns, name: str) -> exp.Column:
    """A column of the customers table: quoted exactly (headers have spaces, Chinese...), or
    as a plain identifier that the dialect's case rules apply to (a ``--column`` target)."""
    return exp.column(exp.to_identifier(name, quoted=name not in source.plain))


class _Builder:
    def __init__(self, model: Model, source: SourceColumns, overrides: Sequence[Override] | None = None) -> None:
        self.model = model
        self.source = source
        self.value_index = {name: k for k, name in enumerate(value_columns(model))}
        self.overrides = overrides
        self.tier_column = "x_tier" if overrides is None else "x_final_tier"  # the tier Tier, Policy... follow

    def column(self, name: str) -> exp.Column:
        return source_column(self.source, name)

    def value(self, name: str) -> exp.Column:
        return col(f"x_v{self.value_index[name]}")

    # -- typed / clean ------------------------------------------------------------------
    def typed(self, table: exp.Expr, carry: Sequence[str] = ()) -> exp.Select:
        src = self.source
        columns: list[exp.Expr] = [alias(self.column(src.meta["customer_id"]), "x_id"), *map(col, carry)]
        for key in ("customer", "owner"):
            if src.column(key):
                columns.append(alias(self.column(src.meta[key]), f"x_{key}"))
        columns.append(alias(self.profile_index(), "x_profile"))
        if self.model.needs_approval:
            columns.append(alias(self.approved(), "x_approved"))
        last = src.column("last_contact")
        if last:
            kind = exp.DataType.Type.DATE if src.last_contact_kind == "date" else exp.DataType.Type.TIMESTAMP
            columns.append(alias(cast(self.column(last), kind), "x_last"))
        for name, k in self.value_index.items():
            raw = cast(self.column(src.values[name]), exp.DataType.Type.DOUBLE)
            columns.append(alias(raw, f"x_raw{k}"))
        return select(columns, table)

    def profile_index(self) -> exp.Expr:
        """Index of the customer's weight profile: named case-insensitively, else the first."""
        column = self.source.column("profile")
        if column is None or len(self.model.profiles) < 2:
            return number(0)
        # Like the engine's dict: a later profile of the same name wins; blank or unknown -> 0.
        lookup = {p.name.strip().lower(): i for i, p in enumerate(self.model.profiles)}
        key = text_key(self.column(column))
        return case([(exp.EQ(this=key.copy(), expression=text(name)), number(i))
                     for name, i in lookup.items() if i != 0], number(0))

    def approved(self) -> exp.Expr:
        """yes / y / true / 1 / 是 in any case; TRUE; the number 1; blank is not approved."""
        column = self.column(self.source.meta["approved"])
        kind = self.source.approved_kind
        test: exp.Expr
        if kind == "boolean":
            test = cast(column, exp.DataType.Type.BOOLEAN)
        elif kind == "number":
            test = exp.EQ(this=cast(column, exp.DataType.Type.DOUBLE), expression=double(1.0))
        else:
            test = exp.In(this=text_key(column), expressions=[text(word) for word in APPROVED_WORDS])
        return exp.Coalesce(this=test, expressions=[exp.false()])

    def clean(self) -> list[exp.Expr]:
        out: list[exp.Expr] = []
        for k in self.value_index.values():
            raw = col(f"x_raw{k}")
            out.append(alias(case([(is_nan(raw), exp.null())], raw.copy()), f"x_v{k}"))
        return out

    # -- measured -------------------------------------------------------------------------
    def measured(self) -> list[exp.Expr]:
        out: list[exp.Expr] = []
        for m, measure in enumerate(self.model.measures):
            points, no_band = band_points(self.value(measure.name), measure.bands)
            out += [alias(points, f"x_pts{m}"), alias(no_band, f"x_noband{m}")]
        return out

    # -- rated ----------------------------------------------------------------------------
    def rated(self) -> list[exp.Expr]:
        out: list[exp.Expr] = []
        for i, ind in enumerate(self.model.indicators):
            score, counts, blocks = self.banded(ind) if ind.method == "banded" else self.direct(ind)
            out += [alias(score, f"x_s{i}"), alias(counts, f"x_in{i}"), alias(blocks, f"x_blk{i}"),
                    alias(self.weight(ind), f"x_w{i}")]
        return out

    def measures_of(self, ind: Indicator) -> list[tuple[int, Measure]]:
        return [(m, measure) for m, measure in enumerate(self.model.measures) if measure.indicator == ind.name]

    def banded(self, ind: Indicator) -> tuple[exp.Expr, exp.Expr, exp.Expr]:
        own = self.measures_of(ind)
        earned = sum_in_order([col(f"x_pts{m}") for m, _ in own])
        missing = exp.paren(any_of([exp.Is(this=self.value(m.name), expression=exp.null()) for _, m in own]),
                            copy=False)
        if ind.if_missing != "exclude":
            return earned, exp.true(), missing if ind.if_missing == "error" else exp.false()
        present = [exp.Not(this=exp.Is(this=self.value(m.name), expression=exp.null())) for _, m in own]
        present_max = exp.paren(sum_in_order([case([(p, double(measure.max_points))], double(0.0))
                                              for p, (_, measure) in zip(present, own, strict=True)]), copy=False)
        any_present = exp.paren(any_of([p.copy() for p in present]), copy=False)
        renormalised = exp.Div(this=exp.Mul(this=exp.paren(earned.copy(), copy=False), expression=double(100.0)),
                               expression=present_max.copy())
        score = case([
            (exp.Not(this=any_present.copy()), exp.null()),
            (exp.Not(this=missing), earned),
            (exp.GT(this=present_max, expression=double(0.0)), renormalised),
        ], double(0.0))
        return score, any_present, exp.false()

    def direct(self, ind: Indicator) -> tuple[exp.Expr, exp.Expr, exp.Expr]:
        value = self.value(ind.name)
        counted: exp.Expr = exp.Not(this=exp.Is(this=value.copy(), expression=exp.null()))
        if ind.needs_approval:
            counted = all_of([counted, col("x_approved")])
        counted = exp.paren(counted, copy=False)
        if ind.if_missing == "zero":
            return case([(counted.copy(), value.copy())], double(0.0)), exp.true(), exp.false()
        blocks = exp.Not(this=counted.copy()) if ind.if_missing == "error" else exp.false()
        return case([(counted.copy(), value.copy())]), counted, blocks

    def weight(self, ind: Indicator) -> exp.Expr:
        weights = [float(p.weights.get(ind.name, 0.0)) for p in self.model.profiles]
        if len(set(weights)) == 1:
            return double(weights[0])
        profile = col("x_profile")
        return case([(exp.EQ(this=profile.copy(), expression=number(i)), double(w))
                     for i, w in enumerate(weights) if i != 0], double(weights[0]))

    # -- totaled / scored / ranked / tiered ---------------------------------------------------
    def totaled(self) -> list[exp.Expr]:
        n = len(self.model.indicators)
        counts = [col(f"x_in{i}") for i in range(n)]
        weighted = sum_in_order([case([(c, exp.Mul(this=col(f"x_s{i}"), expression=col(f"x_w{i}")))], double(0.0))
                                 for i, c in enumerate(counts)])
        weight_sum = sum_in_order([case([(c.copy(), col(f"x_w{i}"))], double(0.0)) for i, c in enumerate(counts)])
        blocked = any_of([col(f"x_blk{i}") for i in range(n)])
        scored = exp.paren(all_of([exp.Not(this=exp.paren(blocked, copy=False)),
                                   exp.GT(this=exp.paren(weight_sum.copy(), copy=False), expression=double(0.0))]),
                           copy=False)
        total = case([(scored, exp.Div(this=exp.paren(weighted, copy=False),
                                       expression=exp.paren(weight_sum, copy=False)))])
        return [alias(total, "x_total")]

    @staticmethod
    def magnitude() -> list[exp.Expr]:
        return [alias(exp.Mul(this=exp.Abs(this=col("x_total")), expression=double(100.0)), "x_mag")]

    @staticmethod
    def scored() -> list[exp.Expr]:
        return [alias(excel_round(col("x_total"), col("x_mag")), "x_score")]

    def tiered(self) -> list[exp.Expr]:
        return [alias(tier_index(self.model), "x_tier")]

    # -- output -------------------------------------------------------------------------------
    def per_tier(self, values: list[exp.Expr | None], tier_column: str | None = None) -> exp.Expr:
        tier = col(tier_column or self.tier_column)
        return case([(exp.EQ(this=tier.copy(), expression=number(i)), value)
                     for i, value in enumerate(values) if value is not None])

    def overridden(self) -> list[exp.Expr]:
        assert self.overrides is not None
        return overridden_columns(self.model, self.source, self.overrides)

    def final_flags(self) -> exp.Expr:
        return col("x_flags") if self.overrides is None else flags_with_overrides()

    def next_follow_up(self) -> exp.Expr:
        if not self.source.column("last_contact"):
            return cast(exp.null(), exp.DataType.Type.DATE)
        values: list[exp.Expr | None] = []
        for tier in self.model.tiers:
            days = tier.follow_up_days
            if days is None:
                values.append(None)
                continue
            if not float(days).is_integer():
                raise ModelError([Issue("error", tier.ref, f"Follow-up days {days:g} of tier {tier.name!r} is not a "
                                        "whole number of days: SQL adds whole days; round it", "follow-up-days")])
            if self.source.last_contact_kind == "date":
                shifted = exp.DateAdd(this=col("x_last"), expression=number(int(days)), unit=exp.var("DAY"))
                values.append(cast(shifted, exp.DataType.Type.DATE))
            else:
                interval = exp.Interval(this=text(str(int(days))), unit=exp.var("DAY"))
                values.append(exp.Add(this=col("x_last"), expression=interval))
        return self.per_tier(values)

    def flags(self) -> exp.Expr:
        """The engine's words in its order: per indicator, per measure; then "not scored".

        Built before ranking, so the many columns it reads need not travel through the sort."""
        pieces: list[tuple[exp.Expr, str]] = []
        lang = self.model.lang
        for ind in self.model.indicators:
            if ind.method == "banded":
                for m, measure in self.measures_of(ind):
                    pieces.append((exp.Is(this=self.value(measure.name), expression=exp.null()),
                                   flag("missing", lang, measure.name)))
                    pieces.append((col(f"x_noband{m}"), flag("no_band", lang, measure.name)))
            else:
                value = self.value(ind.name)
                pieces.append((exp.Is(this=value, expression=exp.null()), flag("missing", lang, ind.name)))
                if ind.needs_approval:
                    present = exp.Not(this=exp.Is(this=value.copy(), expression=exp.null()))
                    pieces.append((all_of([present, exp.Not(this=col("x_approved"))]),
                                   flag("unapproved", lang, ind.name)))
        pieces.append((exp.Is(this=col("x_total"), expression=exp.null()), flag("not_scored", lang)))
        # CONCAT(...) exists in all five dialects; sqlglot's Concat node would render DuckDB's
        # a || b || ... chain, which builds every intermediate string (twice as slow).
        joined = exp.Anonymous(this="CONCAT", expressions=[case([(condition, text("; " + word))], text(""))
                                                           for condition, word in pieces])
        return exp.Substring(this=joined, start=number(3))

    def output(self) -> list[exp.Expr]:
        src = self.source
        out: list[exp.Expr] = [quoted_alias(col("x_id"), "Customer ID")]
        for key in ("customer", "owner"):
            if src.column(key):
                out.append(quoted_alias(col(f"x_{key}"), _META_OUTPUT[key]))
        if src.column("profile"):
            names = [text(p.name) for p in self.model.profiles]
            profile = case([(exp.EQ(this=col("x_profile"), expression=number(i)), name)
                            for i, name in enumerate(names) if i != 0], names[0])
            out.append(quoted_alias(profile, "Profile"))
        out += [quoted_alias(col(f"x_s{i}"), ind.name) for i, ind in enumerate(self.model.indicators)]
        out += [
            quoted_alias(col("x_score"), "Score"),
            quoted_alias(col("x_rank"), "Rank"),
            quoted_alias(self.per_tier([text(t.name) for t in self.model.tiers]), "Tier"),
        ]
        if self.overrides is not None:
            out.append(quoted_alias(self.per_tier([text(t.name) for t in self.model.tiers], "x_tier"),
                                     "Computed tier"))
        out += [
            quoted_alias(self.per_tier([text(t.policy) for t in self.model.tiers]), "Policy"),
            quoted_alias(self.next_follow_up(), "Next follow-up"),
            quoted_alias(self.final_flags(), "Flags"),
        ]
        return out

    def order(self, ids_unique: bool = False) -> list[exp.Ordered]:
        """Rank, then Customer ID as the engine sorts it: text by its lower case (not trimmed), numbers
        by value; unscored customers last. ``ids_unique``: no two IDs share a lower case (the checks
        passed), so the ID itself never breaks a tie."""
        keys: list[exp.Expr] = [col("x_rank")]
        if self.source.id_kind == "text":
            keys.append(exp.Lower(this=cast(col("x_id"), exp.DataType.Type.VARCHAR)))
        if not (ids_unique and self.source.id_kind == "text"):
            keys.append(col("x_id"))
        return [exp.Ordered(this=key, desc=False, nulls_first=False) for key in keys]


def _scorable(model: Model) -> None:
    if not model.indicators or not model.profiles:
        raise ModelError([Issue("error", None, "the model has no indicator or no weight profile: fill tblIndicators "
                                "and tblWeights", "empty-model")])
    if model.min_coverage is not None:
        from xlscore.errors import UsageError

        raise UsageError("Min coverage % of tblTiers is applied by retier only, not by the SQL: clear it in "
                         "tblTiers to generate SQL that matches retier")


def _scored(builder: _Builder, table: str | exp.Expr, dialect: str | None, carry: Sequence[str]) -> Steps:
    from_table = exp.to_table(table, dialect=dialect) if isinstance(table, str) else table
    steps = Steps(builder.typed(from_table, carry))
    steps.add("clean", builder.clean())
    steps.add("measured", builder.measured() or [alias(exp.true(), "x_measured")])
    steps.add("rated", builder.rated())
    steps.add("totaled", builder.totaled())
    steps.add("flagged", [*builder.magnitude(), alias(builder.flags(), "x_flags")])
    steps.add("scored", builder.scored())
    return steps


def scored_steps(model: Model, source: SourceColumns, table: str | exp.Expr, *, carry: Sequence[str] = ()) -> Steps:
    """The statement's CTEs up to ``scored`` (``x_score``, ``x_flags`` ... per row), with the
    columns ``carry`` of ``table`` (internal names) passed along unchanged."""
    _scorable(model)
    return _scored(_Builder(model, source), table, None, carry)


def scoring_statement(model: Model, source: SourceColumns | None = None,
                      table: str | exp.Expr = "customers", dialect: str | None = None, *,
                      ordered: bool = True, overrides: Sequence[Override] | None = None,
                      counts: str | None = None, sort_first: bool = False, ids_unique: bool = False) -> exp.Select:
    """The tblScoring columns for every row of ``table``, with exactly the engine's results,
    sorted by rank unless not ``ordered`` (a view or a dbt model need no order).

    ``table`` is a name (``db.schema.customers``, parsed in ``dialect``) or any sqlglot table
    expression (e.g. ``read_parquet(...)``). ``overrides``: the book's live tblOverrides rows
    (None when it has none), applied as literals after tiering, as the engine applies them.
    ``counts``: a table of the customers per score key counted beforehand (see
    :func:`xlscore.sql.ranking.rank_steps`), so the statement reads ``table`` once. ``sort_first``:
    see :meth:`Steps.final` (DuckDB only). ``ids_unique``: the IDs passed the checks (no two
    with the same lower case), so ties need no third sort key.
    """
    _scorable(model)
    source = source or SourceColumns.named_as_model(model, model.lang)
    builder = _Builder(model, source, overrides)
    steps = _scored(builder, table, dialect, ())
    for name, body in rank_steps(steps.ctes[-1][0], counts):
        steps.add_select(name, body)
    steps.add("tiered", builder.tiered())
    if overrides is not None:
        steps.add("overridden", builder.overridden())
    return steps.final(builder.output(), builder.order(ids_unique) if ordered else [], sort_first=sort_first)


def render(statement: exp.Expr, dialect: str = "duckdb", *, pretty: bool = True) -> str:
    """The statement as SQL text of ``dialect`` (one of :data:`DIALECTS`)."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}: choose one of {', '.join(DIALECTS)}")
    sql: str = portable(statement, dialect).sql(dialect=dialect, pretty=pretty)
    return sql
