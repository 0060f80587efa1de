"""Small XML text helpers shared by the package reader and the part writers.

Everything xlscore writes is produced as text; everything it reads from a user's book is
parsed with defusedxml (no DTDs, no entity expansion). Parts that xlscore edits are edited
as text, never re-serialised, so namespace declarations and unknown markup survive.
"""

from __future__ import annotations

import codecs
import re
from html import unescape
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from xlscore.errors import WorkbookError

EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")

__all__ = [
    "EXCEL_ERRORS",
    "NS_MAIN",
    "NS_PKG_RELS",
    "NS_REL",
    "XML_DECL",
    "attr",
    "attrs_of",
    "decode_part",
    "esc_attr",
    "esc_text",
    "local",
    "parse_xml",
    "strip_illegal",
]

XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

# Characters XML 1.0 does not allow at all (C0 controls other than tab/LF/CR, lone
# surrogates, U+FFFE/U+FFFF). They are dropped from text xlscore writes.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_illegal(text: str) -> str:
    return ILLEGAL_XML.sub("", text)


def esc_text(text: str) -> str:
    """Escape element content; CR becomes a character reference so parsers keep it."""
    text = strip_illegal(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def esc_attr(text: str) -> str:
    """Escape an attribute value (whitespace characters kept as references)."""
    return (
        esc_text(text)
        .replace('"', "&quot;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
    )


def local(tag: str) -> str:
    """``{ns}name`` -> ``name``."""
    return tag.rsplit("}", 1)[-1]


def attr(element: Element, name: str, default: str = "") -> str:
    """An attribute by local name, whatever namespace prefix it carries."""
    if name in element.attrib:
        return element.attrib[name]
    for key, value in element.attrib.items():
        if local(key) == name:
            return value
    return default


_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def attrs_of(start_tag: str) -> dict[str, str]:
    """Attributes of one start tag found by a regex in a part's text, unescaped."""
    return {m.group(1): unescape(m.group(2) if m.group(2) is not None else m.group(3))
            for m in _ATTR.finditer(start_tag)}


def parse_xml(data: bytes, part: str, book: str) -> Element:
    """Parse a part with defusedxml; a DTD or an entity declaration is refused."""
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise WorkbookError(
            f"{book}: part {part} declares a DTD or XML entities ({type(exc).__name__}), which no "
            "Excel workbook contains; the file may be crafted to exhaust memory. Re-save it in "
            "Excel or LibreOffice to get a clean .xlsx."
        ) from None
    except ParseError as exc:
        raise WorkbookError(
            f"{book}: part {part} is not well-formed XML ({exc}); the file is damaged. "
            "Open and re-save it in Excel, or use a backup."
        ) from None


def decode_part(data: bytes, part: str, book: str) -> tuple[str, str]:
    """A part's text and the codec to encode it back with (keeping a byte-order mark)."""
    if data.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16"
    else:
        codec = "utf-8"
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:
        raise WorkbookError(
            f"{book}: part {part} is not stored as UTF-8 or UTF-16, which xlscore needs to edit it. "
            "Open and re-save the book in Excel."
        ) from None
