"""Argument types shared by the command modules (kept free of heavy imports: ``--help`` stays instant)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["path_argument"]


def path_argument(text: str) -> Path:
    """A file or folder named on the command line, ``~`` expanded."""
    return Path(text).expanduser()
