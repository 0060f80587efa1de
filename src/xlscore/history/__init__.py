"""Over time: snapshots (tblHistory), tier migration, overrides with expiry, the follow-up plan.

The re-tier stages are ``xlscore.history.overrides:OVERRIDES_STAGE`` and
``xlscore.history.stage:HISTORY_STAGE`` (listed in ``xlscore.analysis.EXTENSIONS``, in
that order); the commands live in :mod:`xlscore.history.command`. This package module
stays light (names resolve on first use) because the CLI imports the command module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlscore.history.snapshot import snapshot_sheets, take_snapshot
    from xlscore.history.stage import load_history

__all__ = ["load_history", "snapshot_sheets", "take_snapshot"]

_HOMES = {"snapshot_sheets": "snapshot", "take_snapshot": "snapshot", "load_history": "stage"}


def __getattr__(attr: str) -> Any:
    if attr in _HOMES:
        return getattr(importlib.import_module(f"xlscore.history.{_HOMES[attr]}"), attr)
    raise AttributeError(f"module 'xlscore.history' has no attribute {attr!r}")
