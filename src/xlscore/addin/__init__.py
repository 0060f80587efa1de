"""The xlscore Excel add-in (``xlscore.xlam``): built from ``addin/`` sources on any OS.

``build`` assembles the package, ``wrappers`` generates the UDF wrapper module,
``runtime`` takes xlwings' VBA runtime from the installed xlwings, ``install`` puts the
add-in and its config where Excel and xlwings look, ``command`` adds ``xlscore addin``.
Nothing is imported here, so that ``xlscore --help`` stays fast.
"""

from __future__ import annotations

__all__: list[str] = []
