"""The add-in's ``Workbook_Open``: descriptions of the UDFs for Excel's Insert Function dialog.

Excel shows a VBA function without a description, in the *User Defined* category, with
bare argument names. ``Application.MacroOptions`` sets the description, the category and
each argument's description; it is not stored with a function, so the add-in calls it
each time it opens, then marks itself saved (MacroOptions marks the add-in changed, and
Excel would ask at exit whether to save it). The texts are the ones xlwings uses: the
function's docstring and ``@xw.arg(..., doc=...)``; Excel cuts each at 255 characters.
"""

from __future__ import annotations

from collections.abc import Sequence

from xlscore.addin.errors import AddinError
from xlscore.addin.wrappers import UdfSpec

__all__ = ["MAX_TEXT_LENGTH", "workbook_open_code"]

MAX_TEXT_LENGTH = 255  # Excel's limit for a description and for each argument description
_CODEPAGE = "cp1252"  # the VBA project's code page (vba.VbaProject's default)
_MAX_LINE = 900  # below VBA's 1,023 characters per physical line
_INDENT = "        "


def _literal(text: str, where: str) -> str:
    """A VBA string literal of a one-line text, cut to Excel's limit."""
    text = " ".join(text.split())[:MAX_TEXT_LENGTH]
    try:
        text.encode(_CODEPAGE)
    except UnicodeEncodeError as error:
        raise AddinError(
            f"{where}: {error.object[error.start : error.end]!r} cannot be written in the add-in's VBA "
            f"code page ({_CODEPAGE}); use plain characters in UDF docstrings and argument docs"
        ) from None
    return '"' + text.replace('"', '""') + '"'


def _description(udf: UdfSpec) -> str:
    """The docstring's first paragraph: what Insert Function has room for."""
    return udf.description.split("\n\n")[0]


def _continued(items: list[str], opening: str, closing: str) -> list[str]:
    """``opening item, item, ... closing`` over as few continued lines as fit VBA's line length."""
    lines, current = [], opening
    for index, item in enumerate(items):
        piece = item + (", " if index < len(items) - 1 else closing)
        if len(current) + len(piece) > _MAX_LINE and current.strip() != opening.strip():
            lines.append(current.rstrip() + " _")
            current = _INDENT + "    "
        current += piece
    lines.append(current if items else opening + closing)
    return lines


def _macro_options(udf: UdfSpec) -> list[str]:
    where = f"UDF {udf.name}"
    lines = [
        f"""    Application.MacroOptions Macro:="'" & ThisWorkbook.Name & "'!{udf.name}", _""",
        f"{_INDENT}Description:={_literal(_description(udf), where)}, _",
        f"{_INDENT}Category:={_literal(udf.category, where)}",
    ]
    documented = [a for a in udf.arguments if a.in_formula]
    if documented:
        lines[-1] += ", _"
        texts = [_literal(a.doc or a.name, f"{where}, argument {a.name}") for a in documented]
        lines += _continued(texts, f"{_INDENT}ArgumentDescriptions:=Array(", ")")
    return lines


def workbook_open_code(udfs: Sequence[UdfSpec]) -> str:
    """``Private Sub Workbook_Open`` registering every UDF (not the Subs), or "" without UDFs."""
    functions = [udf for udf in udfs if not udf.is_sub]
    if not functions:
        return ""
    lines = [
        "Private Sub Workbook_Open()",
        "    ' Descriptions for Excel's Insert Function dialog (Shift+F3), set each time the add-in opens.",
        "    ' A host without MacroOptions (or without ArgumentDescriptions) must still load the add-in.",
        "    On Error Resume Next",
    ]
    for udf in functions:
        lines += _macro_options(udf)
    lines += ["    ThisWorkbook.Saved = True", "End Sub", ""]
    return "\n".join(lines)
