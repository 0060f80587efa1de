"""A measure's value against its bands: the points of the first band that holds it, and whether
a present value fell in no band (the "no band" flag)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from sqlglot import exp

from xlscore.model import Band
from xlscore.sql.expressions import all_of, any_of, case, double

__all__ = ["band_points", "covers_every_value", "in_band"]


def in_band(value: exp.Expr, lower: float | None, upper: float | None) -> exp.Expr:
    """From inclusive, To exclusive, blank = open-ended; a blank value is in no band."""
    tests: list[exp.Expr] = []
    if lower is not None:
        tests.append(exp.GTE(this=value.copy(), expression=double(lower)))
    if upper is not None:
        tests.append(exp.LT(this=value.copy(), expression=double(upper)))
    if not tests:
        tests.append(exp.Not(this=exp.Is(this=value.copy(), expression=exp.null())))
    return exp.paren(all_of(tests), copy=False)


def covers_every_value(bands: Sequence[Band]) -> bool:
    """The bands leave no gap from minus to plus infinity, so a present value always finds one and
    "no band" is false without testing every band again (a quarter of the scoring's work)."""
    ordered = sorted(bands, key=lambda band: -math.inf if band.lower is None else band.lower)
    if not ordered or ordered[0].lower is not None:
        return False
    reach = ordered[0].upper  # every value below this is in a band; None: every value
    for band in ordered[1:]:
        if reach is None or band.lower is None or band.lower > reach:
            break
        reach = None if band.upper is None else max(reach, band.upper)
    return reach is None


def band_points(value: exp.Expr, bands: Sequence[Band]) -> tuple[exp.Expr, exp.Expr]:
    """The first band's Points holding ``value`` (0 when none does), and "no band"."""
    hits = [in_band(value, band.lower, band.upper) for band in bands]
    points = case([(hit, double(band.points)) for hit, band in zip(hits, bands, strict=True)], double(0.0))
    if covers_every_value(bands):
        return points, exp.false()
    return points, all_of([exp.Not(this=exp.Is(this=value.copy(), expression=exp.null())),
                           exp.Not(this=exp.paren(any_of([h.copy() for h in hits]), copy=False))])
