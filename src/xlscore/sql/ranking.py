"""Competition rank without a window over the whole table.

``RANK() OVER (ORDER BY score DESC)`` and ``COUNT(score) OVER ()`` have no partition: Spark
moves every row into one partition to compute them. Scores are hundredths, so there are few
distinct ones (at most 10,001 in 0-100): rank = 1 + the customers with a higher score is a
running sum over the count of customers per score. Counting per score is an aggregate that
every engine distributes; the running sum runs on that small table; the rank and N join back
by score. The results are RANK()'s exactly (ties share a rank, the next rank skips).
"""

from __future__ import annotations

from sqlglot import exp

from xlscore.sql.ctes import select
from xlscore.sql.expressions import case, cast, col, double, number

__all__ = ["rank_steps", "score_key", "score_ranks"]


def score_key() -> exp.Expr:
    """The score (``x_score``) in whole hundredths, a BIGINT; NULL when unscored.

    The join key of the counts: BigQuery can neither group nor join on a FLOAT64, and equal
    scores are the same double, so the same key. ``key / 100.0`` is ``x_score`` again exactly
    (the score is a whole number of hundredths divided by 100)."""
    present = exp.Not(this=exp.Is(this=col("x_score"), expression=exp.null()))
    hundredths = cast(exp.Floor(this=exp.Add(this=exp.Mul(this=col("x_score"), expression=double(100.0)),
                                             expression=double(0.5))), exp.DataType.Type.BIGINT)
    return case([(present, hundredths)])


def score_ranks(counts: str) -> exp.Select:
    """Per score key of ``counts`` (``x_score_key``, ``x_count``): its competition rank and N."""
    down = exp.Order(expressions=[exp.Ordered(this=col("x_score_key"), desc=True)])
    frame = exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW")
    higher_or_equal = exp.Window(this=exp.Sum(this=col("x_count")), order=down, spec=frame)
    rank = exp.Add(this=exp.Sub(this=higher_or_equal, expression=col("x_count")), expression=number(1))
    scored = exp.Window(this=exp.Sum(this=col("x_count")))  # over the small table only
    return select([col("x_score_key"), exp.alias_(cast(rank, exp.DataType.Type.BIGINT), "x_rank"),
                   exp.alias_(cast(scored, exp.DataType.Type.BIGINT), "x_scored")], counts)


def rank_steps(previous: str, counts: str | None = None) -> list[tuple[str, exp.Select]]:
    """CTEs after ``previous`` (which has ``x_score``); the last, ``ranked``, adds ``x_rank`` and
    ``x_scored`` (N, the number of scored customers), both NULL for an unscored row.

    ``counts``: a table already holding the customers per score key (``x_score_key``,
    ``x_count``), as ``xlscore score`` counts them in its checking pass; otherwise they are
    counted here, from the rows of ``previous``."""
    keyed = select([exp.Star(), exp.alias_(score_key(), "x_key")], previous)
    joined = select([exp.column(exp.Star(), table="keyed"), exp.column("x_rank", table="score_ranks"),
                      exp.column("x_scored", table="score_ranks")], "keyed").join(
        "score_ranks", on=exp.EQ(this=exp.column("x_key", table="keyed"),
                                 expression=exp.column("x_score_key", table="score_ranks")),
        join_type="LEFT", copy=False)
    if counts is not None:
        return [("keyed", keyed), ("score_ranks", score_ranks(counts)), ("ranked", joined)]
    counts_select = select([exp.alias_(col("x_key"), "x_score_key"), exp.alias_(exp.Count(this=exp.Star()), "x_count")],
                           "keyed").where(exp.Not(this=exp.Is(this=col("x_key"), expression=exp.null())), copy=False)
    return [("keyed", keyed), ("score_counts", counts_select.group_by(col("x_key"), copy=False)),
            ("score_ranks", score_ranks("score_counts")), ("ranked", joined)]
