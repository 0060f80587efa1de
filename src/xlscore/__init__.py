"""xlscore: customer value scoring, ranking and tiering for Excel workbooks."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
