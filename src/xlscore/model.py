"""The value model as frozen dataclasses: what the workbook's model sheets say.

Built by :mod:`xlscore.workbook.reader` (or by hand in tests), checked by
:mod:`xlscore.validate`, executed by :mod:`xlscore.engine`, the live formulas and the SQL
generator. Every element remembers the cell it came from, so any message can name it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from xlscore.workbook.refs import CellRef

__all__ = [
    "Band",
    "Indicator",
    "Measure",
    "Method",
    "MissingPolicy",
    "Model",
    "Scheme",
    "Tier",
    "WeightProfile",
]

Method = Literal["banded", "direct"]
MissingPolicy = Literal["zero", "exclude", "error"]
Scheme = Literal["threshold", "share"]


@dataclass(frozen=True)
class Indicator:
    name: str
    method: Method
    if_missing: MissingPolicy = "zero"
    needs_approval: bool = False
    description: str = ""
    ref: CellRef | None = None


@dataclass(frozen=True)
class Band:
    """``lower <= value < upper``; ``None`` is open-ended."""

    indicator: str
    measure: str
    lower: float | None
    upper: float | None
    points: float
    ref: CellRef | None = None

    def contains(self, value: float) -> bool:
        return (self.lower is None or value >= self.lower) and (self.upper is None or value < self.upper)


@dataclass(frozen=True)
class Measure:
    """One measure of a banded indicator: a Customers column and its bands, in sheet order."""

    indicator: str
    name: str
    bands: tuple[Band, ...]
    ref: CellRef | None = None  # the Measure cell of its first band row

    @property
    def max_points(self) -> float:
        return max((band.points for band in self.bands), default=0.0)

    def band_of(self, value: float) -> Band | None:
        """The band holding ``value`` (``From <= value < To``), None when none does. Bands of a measure
        do not overlap (validation), so at most one holds it. The one lookup rule: the engine's
        vectorised search (:func:`xlscore.engine.band_points`) is tested against it, and the live
        formulas and the SQL compile it."""
        return next((band for band in self.bands if band.contains(value)), None)


@dataclass(frozen=True)
class WeightProfile:
    """A weight column of tblWeights: indicator name -> weight in percent."""

    name: str
    weights: Mapping[str, float]
    ref: CellRef | None = None


@dataclass(frozen=True)
class Tier:
    name: str
    min_score: float | None = None
    top_share: float | None = None
    policy: str = ""
    follow_up_days: float | None = None
    color: str = ""
    ref: CellRef | None = None


@dataclass(frozen=True)
class Model:
    indicators: tuple[Indicator, ...]
    measures: tuple[Measure, ...]
    profiles: tuple[WeightProfile, ...]
    tiers: tuple[Tier, ...]
    lang: Literal["en", "zh"] = "en"
    _by_name: dict[str, Indicator] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_name.update({ind.name: ind for ind in self.indicators})

    @property
    def scheme(self) -> Scheme:
        """Share when any tier has a Top share %, threshold otherwise."""
        return "share" if any(t.top_share is not None for t in self.tiers) else "threshold"

    def indicator(self, name: str) -> Indicator:
        return self._by_name[name]

    def measures_of(self, indicator: str) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if m.indicator == indicator)

    @property
    def measure_columns(self) -> tuple[str, ...]:
        """Customers columns read by banded indicators, first appearance order, no repeats."""
        return tuple(dict.fromkeys(m.name for m in self.measures))

    @property
    def direct_columns(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.indicators if i.method == "direct")

    @property
    def needs_approval(self) -> bool:
        return any(i.needs_approval for i in self.indicators if i.method == "direct")

    def profile(self, name: str | None) -> WeightProfile:
        """The named profile (case-insensitive), or the first one for a blank name."""
        if not name:
            return self.profiles[0]
        key = name.strip().casefold()
        for prof in self.profiles:
            if prof.name.strip().casefold() == key:
                return prof
        raise KeyError(name)
