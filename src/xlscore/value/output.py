"""The predictions file: CSV (dates as YYYY-MM-DD) or Parquet, one row per customer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from xlscore.csv_cells import neutralise
from xlscore.errors import UsageError
from xlscore.workbook.atomic import replace_with_backup, temp_file_for

__all__ = ["write_predictions"]


def write_predictions(table: pd.DataFrame, path: Path) -> Path | None:
    """Written to a temporary file beside ``path`` and moved into place, so a failure leaves no half file.

    A file already at ``path`` is kept as ``path.bak1`` (older ones rotate up to ``.bak3``); returns it.
    Text in a CSV is made formula-safe as in ``score`` (a leading ``'`` before ``= + - @``, tab or CR);
    Parquet keeps the exact text.
    """
    try:
        with temp_file_for(path) as temp:
            _write(table, path, temp)
            return replace_with_backup(temp, path, backups=3).backup
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the predictions ({exc})") from exc


def _write(table: pd.DataFrame, path: Path, temp: Path) -> None:
    if path.suffix.lower() == ".parquet":
        table.to_parquet(temp, index=False)
    else:
        frame = table.copy()
        for name in ("First purchase", "Last purchase"):
            frame[name] = pd.to_datetime(frame[name]).dt.strftime("%Y-%m-%d")
        for name in frame.columns:  # a CSV is opened by people in Excel: no text may start a formula
            if not pd.api.types.is_numeric_dtype(frame[name]):  # object or pandas' string dtype
                frame[name] = frame[name].map(lambda v: neutralise(v) if isinstance(v, str) else v)
        frame.to_csv(temp, index=False, float_format="%.10g")
