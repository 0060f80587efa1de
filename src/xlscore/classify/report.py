"""What ``xlscore classify`` prints: which families are on, and counts per class."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from xlscore.classify.extension import CLASSIFICATION, compare
from xlscore.classify.labels import LEVELS, SETTINGS_TABLES, TEXT, pick
from xlscore.classify.ninebox import HIGH_FIRST, cell_label
from xlscore.messages import count
from xlscore.rounding import percent_text

if TYPE_CHECKING:
    from xlscore.analysis import Analysis
    from xlscore.workbook.reader import TableReader

__all__ = ["FAMILIES", "family_lines", "missing_tables", "summary_data", "summary_lines"]

# table key -> (family, result column it fills)
FAMILIES: dict[str, tuple[str, str]] = {
    "lifecycle": ("Lifecycle", "Lifecycle"),
    "types": ("Customer type", "Type"),
    "segments": ("RFM", "RFM segment"),
    "ninebox": ("Nine-box", "Nine-box"),
}


def missing_tables(source: TableReader | None) -> list[str]:
    """Keys of the classification tables (settings included) the book does not have."""
    return [key for key, spec in SETTINGS_TABLES.items() if source is None or not source.has(spec.table)]


def family_lines(source: TableReader | None, book_name: str) -> list[str]:
    missing = set(missing_tables(source))
    lines = []
    for key, (family, _) in FAMILIES.items():
        spec = SETTINGS_TABLES[key]
        if key in missing:
            lines.append(f"{family:<14}off: the book has no table {spec.table} (sheet {spec.sheet_en!r}); add it with "
                         f"`xlscore classify {book_name} --add-defaults`, or copy the sheet from a new template")
        else:
            lines.append(f"{family:<14}on ({spec.table})")
    if "settings" in missing and {"lifecycle", "segments"} - missing:
        lines.append(f"{'Settings':<14}no tblClassify: purchase columns have their default names "
                     "(Last purchase, Orders (12 months), Sales last year (k))")
    return lines


def _counts(values: pd.Series, order: list[str]) -> str:
    counts = values.value_counts()
    parts = [f"{name} {int(counts.get(name, 0))}" for name in order]
    blank = int(values.isna().sum())
    return ", ".join(parts) + (f"; {blank} blank" if blank else "")


def summary_lines(analysis: Analysis) -> list[str]:
    """Counts per lifecycle stage, type, segment and nine-box cell, then the agreement shares."""
    result = analysis.result
    if result is None:
        return []
    config = CLASSIFICATION.config(analysis)
    lang = analysis.book.lang
    lines: list[str] = []
    if config.stages is not None and "Lifecycle" in result:
        order = list(dict.fromkeys(s.name for s in config.stages))
        lines.append(f"Lifecycle: {_counts(result['Lifecycle'], order)}")
    if config.rules is not None and "Type" in result:
        order = list(dict.fromkeys(r.type_name for r in config.rules))
        lines.append(f"Type: {_counts(result['Type'], order)}")
    if config.segments is not None and "RFM segment" in result:
        order = list(dict.fromkeys(s.name for s in config.segments))
        lines.append(f"RFM segment: {_counts(result['RFM segment'], order)}")
    if "Nine-box" in result:
        counts = result["Nine-box"].value_counts()
        heads = [pick(LEVELS[p], lang) for p in range(3)]
        lines.append("Nine-box (rows: value, columns: potential):")
        lines.append(f"  {'':<8}" + "".join(f"{h:>8}" for h in heads))
        for v in HIGH_FIRST:
            cells = "".join(f"{int(counts.get(cell_label(v, p, lang), 0)):>8}" for p in range(3))
            lines.append(f"  {pick(LEVELS[v], lang):<8}{cells}")
    comparison = compare(analysis, config)
    if comparison is not None:
        for c in comparison.comparisons:
            share = "n/a" if c.share is None else percent_text(c.share)
            lines.append(f"Agreement, {pick(TEXT[c.key], 'en')}: {c.agree:,} of {count(c.compared, 'customer')} "
                         f"({share})")
    return lines


def _count_map(values: pd.Series, order: list[str]) -> dict[str, int]:
    counts = values.value_counts()
    out = {name: int(counts.get(name, 0)) for name in order}
    blank = int(values.isna().sum())
    if blank:
        out[""] = blank
    return out


def summary_data(analysis: Analysis) -> dict[str, object]:
    """What ``summary_lines`` says, as data for ``--json``: families, counts per class, agreement."""
    missing = set(missing_tables(analysis.book.source))
    data: dict[str, object] = {
        "families": {family: {"on": key not in missing, "table": SETTINGS_TABLES[key].table}
                     for key, (family, _) in FAMILIES.items()},
    }
    result = analysis.result
    if result is None:
        return data
    config = CLASSIFICATION.config(analysis)
    lang = analysis.book.lang
    if config.stages is not None and "Lifecycle" in result:
        data["lifecycle"] = _count_map(result["Lifecycle"], list(dict.fromkeys(s.name for s in config.stages)))
    if config.rules is not None and "Type" in result:
        data["type"] = _count_map(result["Type"], list(dict.fromkeys(r.type_name for r in config.rules)))
    if config.segments is not None and "RFM segment" in result:
        data["rfm_segment"] = _count_map(result["RFM segment"], list(dict.fromkeys(s.name for s in config.segments)))
    if "Nine-box" in result:
        counts = result["Nine-box"].value_counts()
        data["nine_box"] = [{"value": pick(LEVELS[v], lang), "potential": pick(LEVELS[p], lang),
                             "customers": int(counts.get(cell_label(v, p, lang), 0))}
                            for v in HIGH_FIRST for p in range(3)]
    comparison = compare(analysis, config)
    if comparison is not None:
        data["agreement"] = [{"methods": pick(TEXT[c.key], "en"), "agree": c.agree, "compared": c.compared,
                              "share": c.share} for c in comparison.comparisons]
    return data
