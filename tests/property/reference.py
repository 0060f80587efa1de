"""A deliberately simple second implementation of the scoring rules: one customer at a time,
plain Python, no numpy, rounding through decimal. The engine must agree with it exactly."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from xlscore.model import Model

Row = dict[str, Any]


def excel_round2(x: float) -> float:
    return float(Decimal(f"{x:.15g}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def approved(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return v == 1
    return str(v).strip().lower() in ("yes", "y", "true", "1", "是")


def score_one(model: Model, row: Row) -> tuple[float | None, dict[str, float | None], list[str]]:
    flags: list[str] = []
    prof_name = (row.get("Profile") or "").strip().lower()
    profile = next((p for p in model.profiles if p.name.lower() == prof_name), model.profiles[0])
    num = den = 0.0
    dead = False
    ind_scores: dict[str, float | None] = {}
    for ind in model.indicators:
        score: float | None
        if ind.method == "direct":
            v = row.get(ind.name)
            ok = not blank(v)
            if blank(v):
                flags.append("missing: " + ind.name)
            elif ind.needs_approval and not approved(row.get("Approved")):
                flags.append("unapproved: " + ind.name)
                ok = False
            if ok:
                score = float(v)
            elif ind.if_missing == "zero":
                score = 0.0
            else:
                score = None
                dead = dead or ind.if_missing == "error"
        else:
            got = have = full = 0.0
            n_missing = 0
            measures = [m for m in model.measures if m.indicator == ind.name]
            for m in measures:
                best = max(b.points for b in m.bands)
                full += best
                v = row.get(m.name)
                if blank(v):
                    flags.append("missing: " + m.name)
                    n_missing += 1
                    continue
                have += best
                pts = None
                for b in m.bands:
                    if (b.lower is None or v >= b.lower) and (b.upper is None or v < b.upper):
                        pts = b.points
                if pts is None:
                    flags.append("no band: " + m.name)
                    pts = 0.0
                got += pts
            if n_missing == 0 or ind.if_missing != "exclude":
                score = got
                dead = dead or (n_missing > 0 and ind.if_missing == "error")
            elif n_missing == len(measures):
                score = None
            else:
                score = got * 100.0 / have if have else 0.0
        ind_scores[ind.name] = score
        if score is not None:
            w = float(profile.weights.get(ind.name, 0.0))
            num += score * w
            den += w
    if dead or den <= 0:
        flags.append("not scored")
        return None, ind_scores, flags
    return excel_round2(num / den), ind_scores, flags


def score_all(model: Model, rows: list[Row]) -> list[dict[str, Any]]:
    scored = [(row, *score_one(model, row)) for row in rows]
    values = [s for _, s, _, _ in scored if s is not None]
    n = len(values)
    out = []
    for row, s, inds, flags in scored:
        rank = None if s is None else 1 + sum(1 for x in values if x > s)
        tier = None
        if s is not None:
            for t in model.tiers:
                if model.scheme == "share":
                    cut = math.ceil(Decimal(repr(t.top_share)) * n / 100) if t.top_share is not None else -1
                    if rank is not None and rank <= cut:
                        tier = t.name
                        break
                elif t.min_score is not None and s >= t.min_score:
                    tier = t.name
                    break
        out.append({"Customer ID": row["Customer ID"], "Score": s, "Rank": rank, "Tier": tier,
                    "Flags": "; ".join(flags), **inds})
    return out
