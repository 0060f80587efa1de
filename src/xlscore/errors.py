"""The small exception tree every user-facing failure goes through.

The CLI turns any :class:`XlscoreError` into a message and an exit code; UDFs turn it into
an ``#XLSCORE!`` string in the cell. Anything else is a bug.
"""

from __future__ import annotations

__all__ = ["UsageError", "WorkbookError", "XlscoreError"]


class XlscoreError(Exception):
    """Base class: a problem to show to a person, never a traceback."""

    exit_code = 1


class WorkbookError(XlscoreError):
    """The workbook file cannot be read or written (not a zip, encrypted, locked, ...)."""


class UsageError(XlscoreError):
    """Bad arguments or a file that does not exist."""

    exit_code = 2
