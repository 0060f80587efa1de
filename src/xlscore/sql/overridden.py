"""tblOverrides compiled into the statement: the rule of :mod:`xlscore.overrides`, the book's live rows
as literals, applied after tiering (``x_tier``) as the engine applies them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from xlscore.model import Model
from xlscore.overrides import Override
from xlscore.sql.ctes import alias
from xlscore.sql.expressions import case, col, double, number, text, text_key
from xlscore.sql.source import SourceColumns

__all__ = ["flags_with_overrides", "overridden_columns"]


def _is_customer(source: SourceColumns, key: str) -> exp.Expr:
    """The engine's customer_key match: text IDs trimmed and case-insensitive, numbers by value."""
    if source.id_kind == "number":
        try:
            return exp.EQ(this=col("x_id"), expression=double(float(key)))
        except ValueError:
            return exp.false()
    return exp.EQ(this=text_key(col("x_id")), expression=text(key))


def overridden_columns(model: Model, source: SourceColumns, overrides: Sequence[Override]) -> list[exp.Expr]:
    """``x_final_tier`` (the override's tier number, else ``x_tier``) and ``x_override_flag``."""
    tiers = {t.name: i for i, t in enumerate(model.tiers)}
    matches = [(_is_customer(source, o.key), o) for o in overrides]
    override = case([(match, number(tiers[o.tier.name])) for match, o in matches])
    flag = case([(match.copy(), text(o.flag(model.lang))) for match, o in matches])
    return [alias(exp.Coalesce(this=override, expressions=[col("x_tier")]), "x_final_tier"),
            alias(flag, "x_override_flag")]


def flags_with_overrides() -> exp.Expr:
    """Flags, then ``; override: <reason>`` where an override applies (alone when there were none)."""
    added = exp.Anonymous(this="CONCAT", expressions=[col("x_flags"), text("; "), col("x_override_flag")])
    return case([(exp.Is(this=col("x_override_flag"), expression=exp.null()), col("x_flags")),
                 (exp.EQ(this=col("x_flags"), expression=text("")), col("x_override_flag"))], added)
