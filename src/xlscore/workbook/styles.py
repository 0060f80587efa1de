"""The few cell formats xlscore needs, merged into the book's own ``xl/styles.xml``.

The user's styles part is never re-serialised: entries are appended by string insertion
(``<numFmt>``, ``<font>``, ``<xf>``) and the ``count`` attributes updated. An identical
existing entry is reused, so running twice does not grow the part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from xlscore.workbook.xmltext import XML_DECL, attr, decode_part, esc_attr, local, parse_xml

__all__ = ["BUILTIN_FORMATS", "StyleBook", "StyleKey"]

# Format codes Excel knows by id (no <numFmt> entry needed). 14 is the locale's short date.
BUILTIN_FORMATS: dict[str, int] = {
    "General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10,
    "0.00E+00": 11, "mm-dd-yy": 14, "m/d/yy h:mm": 22, "@": 49,
}
# Schema order of a <font>'s children.
_FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign",
               "sz", "color", "name", "family", "charset", "scheme")
# Schema order of <styleSheet>'s children (to place a container that is missing).
_SHEET_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
                "dxfs", "tableStyles", "colors", "extLst")
_HYPERLINK_COLOR = ("color", (("theme", "10"),))

FontSpec = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


@dataclass(frozen=True)
class StyleKey:
    """A cell format: number format code plus the few flags xlscore uses."""

    num_fmt: str = "General"
    bold: bool = False
    link: bool = False  # hyperlink look: underlined, theme hyperlink colour
    quote: bool = False  # quotePrefix: Excel keeps the cell text when it is edited
    fill: str = ""  # solid background, hex RGB; the text turns white on a dark one


@dataclass
class _Xf:
    num_fmt_id: int
    font_id: int
    quote: bool
    fill_id: int = 0


class StyleBook:
    """Maps :class:`StyleKey` to ``s=`` indexes, adding entries to styles.xml as needed."""

    def __init__(self, styles_xml: bytes | None, part: str = "xl/styles.xml", book: str = "") -> None:
        self.created = styles_xml is None
        data = styles_xml or _minimal_styles()
        self._text, self._codec = decode_part(data, part, book)
        root = parse_xml(data, part, book)
        match = re.search(r"<(\w+:)?styleSheet\b", self._text)
        self._prefix = match.group(1) or "" if match else ""
        self._num_fmts: dict[str, int] = {}
        self._fonts: list[FontSpec] = []
        self._xfs: list[_Xf | None] = []
        self._n_fills = 0
        self._solid: dict[str, int] = {}  # RRGGBB of the book's plain solid fills -> fillId
        for child in root:
            name = local(child.tag)
            if name == "numFmts":
                for el in child:
                    self._num_fmts.setdefault(attr(el, "formatCode"), int(attr(el, "numFmtId", "0")))
            elif name == "fonts":
                self._fonts = [_font_spec(el) for el in child]
            elif name == "cellXfs":
                self._xfs = [_xf_of(el) for el in child]
            elif name == "fills":
                self._n_fills = len(child)
                self._solid.update({rgb: i for i, el in enumerate(child) if (rgb := _solid_rgb(el))})
        self._new_num_fmts: list[tuple[int, str]] = []
        self._new_fonts: list[FontSpec] = []
        self._new_xfs: list[_Xf] = []
        self._new_fills: dict[str, int] = {}  # RRGGBB -> fillId
        self._cache: dict[StyleKey, int] = {}
        if not self._fonts:
            self._new_fonts.append(_DEFAULT_FONT)
            self._fonts.append(_DEFAULT_FONT)
        if not self._xfs:
            self._new_xfs.append(_Xf(0, 0, False))
            self._xfs.append(self._new_xfs[-1])

    @property
    def changed(self) -> bool:
        return bool(self.created or self._new_num_fmts or self._new_fonts or self._new_xfs or self._new_fills)

    def index(self, key: StyleKey) -> int:
        """The cellXfs index for ``key``; 0 (the default) for plain General cells."""
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if key == StyleKey():
            self._cache[key] = 0
            return 0
        white = bool(key.fill) and _is_dark(key.fill)
        want = _Xf(self._num_fmt_id(key.num_fmt), self._font_id(key.bold, key.link, white), key.quote,
                   self._fill_id(key.fill))
        for i, xf in enumerate(self._xfs):
            if xf == want:
                self._cache[key] = i
                return i
        self._xfs.append(want)
        self._new_xfs.append(want)
        self._cache[key] = len(self._xfs) - 1
        return self._cache[key]

    def _num_fmt_id(self, code: str) -> int:
        if code in self._num_fmts:
            return self._num_fmts[code]
        if code in BUILTIN_FORMATS:
            return BUILTIN_FORMATS[code]
        new_id = max([163, *self._num_fmts.values()]) + 1
        self._num_fmts[code] = new_id
        self._new_num_fmts.append((new_id, code))
        return new_id

    def _fill_id(self, rgb: str) -> int:
        """A solid fill of ``rgb``: fills are appended after the book's own (ids from there)."""
        if not rgb:
            return 0
        rgb = rgb.upper().lstrip("#")[-6:]
        if rgb in self._solid:
            return self._solid[rgb]
        if rgb not in self._new_fills:
            self._new_fills[rgb] = max(2, self._n_fills) + len(self._new_fills)
        return self._new_fills[rgb]

    def _font_id(self, bold: bool, link: bool, white: bool = False) -> int:
        base = dict(self._fonts[0])
        if bold:
            base["b"] = ()
        if link:
            base["u"] = ()
            base["color"] = _HYPERLINK_COLOR[1]
        if white:
            base["color"] = (("rgb", "FFFFFFFF"),)
        spec = tuple(sorted(base.items()))
        for i, font in enumerate(self._fonts):
            if font == spec:
                return i
        self._fonts.append(spec)
        self._new_fonts.append(spec)
        return len(self._fonts) - 1

    def render(self) -> bytes:
        """The styles part with the new entries inserted (unchanged bytes when none)."""
        text = self._text
        p = self._prefix
        if self._new_num_fmts:
            items = "".join(f'<{p}numFmt numFmtId="{i}" formatCode="{esc_attr(c)}"/>'
                            for i, c in self._new_num_fmts)
            text = self._append(text, "numFmts", items, len(self._new_num_fmts))
        if self._new_fonts:
            items = "".join(_font_xml(spec, p) for spec in self._new_fonts)
            text = self._append(text, "fonts", items, len(self._new_fonts))
        if self._new_fills:
            items = "".join(f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="FF{rgb}"/>'
                            f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>' for rgb in self._new_fills)
            required = (f'<{p}fill><{p}patternFill patternType="none"/></{p}fill>',
                        f'<{p}fill><{p}patternFill patternType="gray125"/></{p}fill>')
            items = "".join(required[self._n_fills:]) + items  # the two fills the format requires come first
            text = self._append(text, "fills", items, len(self._new_fills) + max(0, 2 - self._n_fills))
        if self._new_xfs:
            items = "".join(_xf_xml(xf, p) for xf in self._new_xfs)
            text = self._append(text, "cellXfs", items, len(self._new_xfs))
        return text.encode(self._codec)

    def _append(self, text: str, name: str, items: str, added: int) -> str:
        p = self._prefix
        tag = re.escape(p + name)
        start = re.search(rf"<{tag}\b([^>]*?)(/?)>", text)
        if start is None:  # container missing: create it where the schema wants it
            later = [re.search(rf"<{re.escape(p + n)}\b", text) for n in _SHEET_ORDER[_SHEET_ORDER.index(name) + 1:]]
            found = [m.start() for m in later if m]
            end_root = text.rfind(f"</{p}styleSheet>")
            pos = min(found) if found else end_root
            return text[:pos] + f'<{p}{name} count="{added}">{items}</{p}{name}>' + text[pos:]
        attrs = start.group(1)
        count = re.search(r'\bcount="(\d+)"', attrs)
        old = int(count.group(1)) if count else 0
        if count:
            attrs = attrs[: count.start()] + f'count="{old + added}"' + attrs[count.end():]
        else:
            attrs = f' count="{added}"' + attrs
        if start.group(2):  # <fonts count="0"/>
            return text[: start.start()] + f"<{p}{name}{attrs}>{items}</{p}{name}>" + text[start.end():]
        close = text.find(f"</{p}{name}>", start.end())
        return text[: start.start()] + f"<{p}{name}{attrs}>" + text[start.end(): close] + items + text[close:]


def _font_spec(el: Element) -> FontSpec:
    return tuple(sorted((local(child.tag), tuple(sorted((local(k), v) for k, v in child.attrib.items())))
                        for child in el))


def _xf_of(el: Element) -> _Xf | None:
    """An xf xlscore could reuse; None when it carries anything beyond our few attributes."""
    if len(el) or attr(el, "borderId", "0") != "0" or attr(el, "xfId", "0") != "0":
        return None
    try:
        return _Xf(int(attr(el, "numFmtId", "0")), int(attr(el, "fontId", "0")),
                   attr(el, "quotePrefix", "0") in ("1", "true"), int(attr(el, "fillId", "0")))
    except ValueError:
        return None


def _font_xml(spec: FontSpec, p: str) -> str:
    children = dict(spec)
    parts = []
    for name in _FONT_ORDER:
        if name in children:
            attrs = "".join(f' {k}="{esc_attr(v)}"' for k, v in children[name])
            parts.append(f"<{p}{name}{attrs}/>")
    return f"<{p}font>{''.join(parts)}</{p}font>"


def _xf_xml(xf: _Xf, p: str) -> str:
    extra = ' applyNumberFormat="1"' if xf.num_fmt_id else ""
    extra += ' applyFont="1"' if xf.font_id else ""
    extra += ' quotePrefix="1"' if xf.quote else ""
    extra += ' applyFill="1"' if xf.fill_id else ""
    return (f'<{p}xf numFmtId="{xf.num_fmt_id}" fontId="{xf.font_id}" fillId="{xf.fill_id}" borderId="0" '
            f'xfId="0"{extra}/>')


def _solid_rgb(fill: Element) -> str:
    """RRGGBB of a fill that is exactly a solid pattern of one rgb colour (as xlscore writes), else ''."""
    pattern = next(iter(fill), None)
    if pattern is None or local(pattern.tag) != "patternFill" or attr(pattern, "patternType") != "solid":
        return ""
    colours = {local(c.tag): c for c in pattern}
    fg = colours.get("fgColor")
    if fg is None or set(colours) - {"fgColor", "bgColor"} or len(fg.attrib) != 1:
        return ""
    rgb = attr(fg, "rgb").upper()
    return rgb[-6:] if len(rgb) == 8 and rgb.startswith("FF") else ""


def _is_dark(rgb: str) -> bool:
    """Whether white text reads better than black on ``rgb`` (relative luminance below ~0.4)."""
    hexa = rgb.lstrip("#")[-6:]
    try:
        r, g, b = (int(hexa[i:i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return False
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45


_DEFAULT_FONT: FontSpec = (("color", (("theme", "1"),)), ("family", (("val", "2"),)),
                           ("name", (("val", "Calibri"),)), ("scheme", (("val", "minor"),)),
                           ("sz", (("val", "11"),)))


def _minimal_styles() -> bytes:
    """A styles part for a book that has none: one font, the two required fills, one xf."""
    return (XML_DECL + '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<fonts count="1"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
            '<scheme val="minor"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>").encode("utf-8")
