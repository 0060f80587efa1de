"""Errors of the add-in commands, shown to the user by the CLI."""

from __future__ import annotations

from xlscore.errors import XlscoreError

__all__ = ["AddinError"]


class AddinError(XlscoreError):
    """The add-in cannot be built, installed or uninstalled; the message says why."""
