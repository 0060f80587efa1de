"""Validation findings: every problem names a cell, says what is wrong and what would be right."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from xlscore.errors import XlscoreError
from xlscore.messages import say
from xlscore.workbook.refs import CellRef

__all__ = ["Issue", "IssueList", "ModelError", "Severity"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    severity: Severity
    ref: CellRef | None
    message: str
    code: str = ""  # a stable reason code, e.g. "band-overlap"

    def __str__(self) -> str:
        where = f"{self.ref}: " if self.ref else ""
        return f"{self.severity}: {where}{self.message}"


class IssueList(list[Issue]):
    """Collects issues; never stops at the first. ``lang`` is the book's, for the messages' words."""

    def __init__(self, issues: Iterable[Issue] = (), lang: str = "en") -> None:
        super().__init__(issues)
        self.lang = getattr(issues, "lang", lang)

    def say(self, key: str, /, **fields: object) -> str:
        """A catalogue message in the book's language."""
        return say(key, self.lang, **fields)

    def error(self, ref: CellRef | None, message: str, code: str = "") -> None:
        self.append(Issue("error", ref, message, code))

    def warning(self, ref: CellRef | None, message: str, code: str = "") -> None:
        self.append(Issue("warning", ref, message, code))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self if i.severity == "warning"]


class ModelError(XlscoreError):
    """The workbook has validation errors; carries all of them."""

    def __init__(self, issues: Iterable[Issue], lang: str = "en") -> None:
        self.issues = list(issues)
        self.lang = lang  # the book's language, for the summary around the issues
        errors = [i for i in self.issues if i.severity == "error"]
        first = str(errors[0]) if errors else "invalid model"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)
