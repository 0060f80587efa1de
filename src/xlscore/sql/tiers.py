"""The tier of a score, and the customers per tier counted from the customers per score.

Threshold tiers: the first tier whose Min score the score reaches. Share tiers: the share p/q
of the N scored customers, ``rank <= ceil(p * N / q)`` in integers only
(:func:`xlscore.sql.expressions.rank_within_share`).
"""

from __future__ import annotations

from sqlglot import exp

from xlscore.model import Model
from xlscore.sql.ctes import alias, select
from xlscore.sql.expressions import case, cast, col, double, number, rank_within_share
from xlscore.sql.ranking import score_ranks

__all__ = ["tier_counts_statement", "tier_index"]


def tier_index(model: Model) -> exp.Expr:
    """The index of the customer's tier in tblTiers, from ``x_score``, ``x_rank`` and ``x_scored``;
    NULL when unscored or below every Min score."""
    branches: list[tuple[exp.Expr, exp.Expr]] = []
    for i, tier in enumerate(model.tiers):
        if model.scheme == "share":
            if tier.top_share is not None:
                branches.append((rank_within_share(col("x_rank"), col("x_scored"), tier.top_share), number(i)))
        elif tier.min_score is not None:
            branches.append((exp.GTE(this=col("x_score"), expression=double(tier.min_score)), number(i)))
    unscored = exp.Is(this=col("x_score"), expression=exp.null())
    return case([(unscored, exp.null()), *branches])


def tier_counts_statement(model: Model, counts: str) -> exp.Select:
    """Customers per tier (``x_tier``, NULL below every Min score; ``x_customers``) from a table of
    customers per score key (``x_score_key``, ``x_count``): the summary of a scoring without
    reading its rows again. ``key / 100.0`` is the score's double exactly."""
    score = exp.Div(this=cast(exp.column("x_score_key", table="c"), exp.DataType.Type.DOUBLE),
                    expression=double(100.0))
    ranked = select([exp.column("x_count", table="c"), exp.column("x_rank", table="r"),
                     exp.column("x_scored", table="r"), alias(score, "x_score")],
                    exp.to_table(counts).as_("c")).join(
        exp.paren(score_ranks(counts), copy=False).as_("r"), using=["x_score_key"], copy=False)
    return exp.select(alias(tier_index(model), "x_tier"), alias(exp.Sum(this=col("x_count")), "x_customers")).from_(
        ranked.subquery("ranked"), copy=False).group_by(col("x_tier"), copy=False)
