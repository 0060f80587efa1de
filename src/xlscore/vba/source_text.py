"""Module source text as the VBA project stores it.

Excel keeps each module's source with its ``Attribute`` lines first and CRLF line ends.
Exported files differ slightly: a ``.cls`` file starts with a ``VERSION``/``BEGIN``/
``END`` block the project does not store, and lacks the ``VB_Base`` attribute it does.
"""

from __future__ import annotations

import re

__all__ = [
    "CLASS_MODULE_BASE",
    "WORKBOOK_DOCUMENT_BASE",
    "WORKSHEET_DOCUMENT_BASE",
    "class_module_source",
    "document_module_source",
    "module_name",
    "to_crlf",
]

# VB_Base values: a plain class, Excel's Workbook object, Excel's Worksheet object.
CLASS_MODULE_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
WORKBOOK_DOCUMENT_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_DOCUMENT_BASE = "0{00020820-0000-0000-C000-000000000046}"

_CRLF = "\r\n"
_NAME_ATTRIBUTE = re.compile(r'\AAttribute VB_Name = "([^"]+)"\r?\n')
_CLS_HEADER = re.compile(r"\AVERSION 1\.0 CLASS\r?\nBEGIN\r?\n(?:.*\r?\n)*?END\r?\n")


def to_crlf(text: str) -> str:
    """Text with every line ending (LF, CR or CRLF) turned into CRLF."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", _CRLF)


def module_name(source: str) -> str:
    """The name in the ``Attribute VB_Name`` line a module's source must start with."""
    match = _NAME_ATTRIBUTE.match(source)
    if match is None:
        raise ValueError('module source must start with the line Attribute VB_Name = "<name>"')
    return match.group(1)


def class_module_source(cls_file_text: str) -> str:
    """The stored form of an exported ``.cls`` file's text.

    Drops the ``VERSION 1.0 CLASS`` / ``BEGIN`` ... ``END`` header, adds ``VB_Base`` after
    ``VB_Name`` and the ``VB_TemplateDerived``/``VB_Customizable`` pair after
    ``VB_Exposed``, which is what Excel stores when it imports such a file. Every other
    byte is kept, line ends become CRLF.
    """
    text = to_crlf(cls_file_text)
    header = _CLS_HEADER.match(text)
    if header is None:
        raise ValueError("a .cls file starts with VERSION 1.0 CLASS, BEGIN ... END")
    text = text[header.end() :]
    name_line = _NAME_ATTRIBUTE.match(text)
    if name_line is None:
        raise ValueError('a .cls file has Attribute VB_Name = "<name>" right after its header')
    text = f'{name_line.group(0)}Attribute VB_Base = "{CLASS_MODULE_BASE}"{_CRLF}{text[name_line.end() :]}'
    exposed = re.search(r"^Attribute VB_Exposed = \w+\r\n", text, flags=re.MULTILINE)
    if exposed is not None and "Attribute VB_TemplateDerived" not in text:
        added = f"Attribute VB_TemplateDerived = False{_CRLF}Attribute VB_Customizable = False{_CRLF}"
        text = text[: exposed.end()] + added + text[exposed.end() :]
    return text


def document_module_source(name: str, base: str, code: str = "") -> str:
    """Source of a workbook or worksheet module (``base`` is one of the *_DOCUMENT_BASE)."""
    attributes = [
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{base}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ]
    return _CRLF.join(attributes) + _CRLF + to_crlf(code)
