"""Text cells of a CSV file that a spreadsheet will open: no formula may start in them.

Excel, LibreOffice and Google Sheets read a CSV cell that begins with ``=``, ``+``, ``-`` or
``@`` (and, in some versions, after a leading tab or carriage return) as a formula: a customer
named ``=cmd|' /C calc'!A0`` or ``@HYPERLINK(...)`` would run when a colleague double-clicks
the file. Such a text cell is written with a leading apostrophe, which every spreadsheet shows
as plain text. A text that is a plain number (``-12.5``, ``+3``, ``-1e5``) starts no formula
and is left as it is, so negative numbers stay numbers.

The rule lives here once, in Python and as the one regular expression the SQL writers use.
"""

from __future__ import annotations

import re

__all__ = ["DANGEROUS_LEADS", "NUMBER_PATTERN", "is_dangerous", "neutralise"]

# What OWASP lists as the start of a formula in a CSV cell.
DANGEROUS_LEADS = ("=", "+", "-", "@", "\t", "\r")

# A plain decimal number, the way a spreadsheet reads one: an optional sign, digits with an
# optional point (or a point and digits), an optional exponent. ASCII digits only, in Python
# and in SQL alike.
NUMBER_PATTERN = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
_NUMBER = re.compile(NUMBER_PATTERN)


def is_dangerous(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as the start of a formula."""
    return text.startswith(DANGEROUS_LEADS) and _NUMBER.fullmatch(text) is None


def neutralise(text: str) -> str:
    """``text`` with one leading apostrophe when it is dangerous, else unchanged."""
    return "'" + text if is_dangerous(text) else text
