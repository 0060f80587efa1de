"""``--json`` output of the commands: one JSON document on stdout, the same envelope everywhere.

Every document has ``"ok"``. A failure has ``"ok": false`` with either ``"issues"`` (the
book's validation errors, each with its cell) or ``"error"`` (a message, e.g. for a file
that is not a workbook) and ``"exit_code"``. README.md lists the fields per command.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlscore.issues import Issue

__all__ = ["emit", "error_document", "issues_json", "jsonable", "tiers_json"]


def issues_json(issues: Sequence[Issue]) -> list[dict[str, str]]:
    return [{"severity": i.severity, "cell": str(i.ref) if i.ref else "", "message": i.message, "code": i.code}
            for i in issues]


def tiers_json(summary: Any) -> list[dict[str, Any]]:
    """The tier summary (tier_summary's frame) as a list of objects."""
    return [{"tier": r["Tier"], "customers": int(r["Customers"]), "share": float(r["Share"]),
             "min_score": jsonable(r["Min score"]), "average_score": jsonable(r["Average score"])}
            for r in summary.to_dict("records")]


def jsonable(value: Any) -> Any:
    """Numbers, text, dates (ISO), paths; NaN, NaT and None become null."""
    if value is None:
        return None
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()[:10] if isinstance(value, datetime) and value.time() == datetime.min.time() \
            else value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if type(value).__name__ in ("NaTType", "Timestamp"):
        return None if str(value) == "NaT" else value.isoformat()[:10]
    return value


def emit(document: Mapping[str, Any]) -> None:
    """Print one JSON document (UTF-8 text as is, indented) on stdout."""
    print(json.dumps(jsonable(dict(document)), ensure_ascii=False, indent=2))


def error_document(message: str, exit_code: int) -> dict[str, Any]:
    return {"ok": False, "error": message, "exit_code": exit_code}
