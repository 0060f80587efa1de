"""The pyramid chart: a drawing part anchoring a native stacked bar chart part.

One horizontal bar per category, centred: a 100 % stacked bar of three series, the
invisible spacer (max - v) / 2, the visible counts v, the spacer again. Every row then
totals max and fills the width, so each bar is v / max of it, centred, and the value axis
is 0-100 % by construction: it follows the data when live formulas change the counts
(a fixed maximum would clip the bars). The category axis runs top-down (``maxMin``), so
the first category, the top tier, is on top. Cached values come from the sheet's own data,
so the chart shows before any recalculation.
"""

from __future__ import annotations

import numbers
import re

from xlscore.errors import WorkbookError
from xlscore.workbook.refs import column_index, quote_sheet
from xlscore.workbook.sheetdata import BarChart, CellValue, OutputSheet, SeriesChart
from xlscore.workbook.sheetlayout import value_at
from xlscore.workbook.sheetxml import argb
from xlscore.workbook.xmltext import NS_REL, XML_DECL, esc_attr, esc_text

__all__ = ["chart_xml", "drawing_xml"]

NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_RANGE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
_CAT_AX, _VAL_AX = 500_000_001, 500_000_002


def drawing_xml(chart: BarChart | SeriesChart, chart_rel: str) -> bytes:
    """A drawing with one two-cell anchor holding the chart frame."""
    col0, row0 = chart.anchor_col - 1, chart.anchor_row - 1

    def marker(tag: str, col: int, row: int) -> str:
        return (f"<xdr:{tag}><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff>"
                f"<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:{tag}>")

    return (
        f'{XML_DECL}<xdr:wsDr xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}">'
        '<xdr:twoCellAnchor editAs="oneCell">'
        + marker("from", col0, row0) + marker("to", col0 + chart.width_cols, row0 + chart.height_rows)
        + f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="{esc_attr(chart.title)}"/>'
        "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
        f'<a:graphic><a:graphicData uri="{NS_C}"><c:chart xmlns:c="{NS_C}" xmlns:r="{NS_REL}" r:id="{chart_rel}"/>'
        "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"
    ).encode("utf-8")


def _cells(sheet: OutputSheet, ref: str) -> tuple[str, list[CellValue]]:
    """The formula reference (sheet-qualified) and the values of a range on ``sheet``."""
    if "!" in ref:
        ref = ref.split("!", 1)[1]
    match = _RANGE.match(ref.replace(" ", "").upper())
    if not match:
        raise WorkbookError(f"{sheet.name}: chart range {ref!r} is not a cell range like $A$3:$A$6.")
    col1, row1 = column_index(match.group(1)), int(match.group(2))
    col2 = column_index(match.group(3)) if match.group(3) else col1
    row2 = int(match.group(4)) if match.group(4) else row1
    values = [value_at(sheet, r, c) for r in range(row1, row2 + 1) for c in range(col1, col2 + 1)]
    absolute = f"${match.group(1)}${row1}" + (f":${match.group(3)}${row2}" if match.group(3) else "")
    return f"{quote_sheet(sheet.name)}!{absolute}", values


def _number(value: CellValue) -> float | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    number = float(value)
    return None if number != number else number


def _str_ref(formula: str, values: list[CellValue]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{esc_text(str(v))}</c:v></c:pt>'
                     for i, v in enumerate(values) if v is not None)
    return (f"<c:strRef><c:f>{esc_text(formula)}</c:f><c:strCache><c:ptCount val=\"{len(values)}\"/>"
            f"{points}</c:strCache></c:strRef>")


def _num_ref(formula: str, values: list[float | None]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{v!r}</c:v></c:pt>' for i, v in enumerate(values) if v is not None)
    return (f"<c:numRef><c:f>{esc_text(formula)}</c:f><c:numCache><c:formatCode>General</c:formatCode>"
            f'<c:ptCount val="{len(values)}"/>{points}</c:numCache></c:numRef>')


def _fill(rgb: str) -> str:
    return f'<c:spPr><a:solidFill><a:srgbClr val="{rgb[2:]}"/></a:solidFill><a:ln><a:noFill/></a:ln></c:spPr>'


def _label_color(rgb: str) -> str:
    """White text on dark bars, near-black on light ones."""
    r, g, b = (int(rgb[i:i + 2], 16) for i in (2, 4, 6))
    return "FFFFFF" if 0.299 * r + 0.587 * g + 0.114 * b < 150 else "262626"


def _text_props(size: int, bold: bool, rgb: str | None = None) -> str:
    fill = f'<a:solidFill><a:srgbClr val="{rgb}"/></a:solidFill>' if rgb else ""
    return (f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}" b="{int(bold)}">{fill}'
            '</a:defRPr></a:pPr><a:endParaRPr lang="en-US"/></a:p></c:txPr>')


_SHOW = ('<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>'
         '<c:showPercent val="0"/><c:showBubbleSize val="0"/>')


def chart_xml(chart: BarChart, sheet: OutputSheet) -> bytes:
    cat_ref, categories = _cells(sheet, chart.categories)
    val_ref, raw_values = _cells(sheet, chart.values)
    spacer_ref, raw_spacer = _cells(sheet, chart.spacer)
    values = [_number(v) for v in raw_values]
    spacer = [_number(v) for v in raw_spacer]
    if not (len(categories) == len(values) == len(spacer)):
        raise WorkbookError(f"{sheet.name}: chart ranges {chart.categories}, {chart.values} and {chart.spacer} "
                            "must have the same number of cells.")
    colors = [argb(c, f"{sheet.name} chart") for c in chart.colors]
    cat = f"<c:cat>{_str_ref(cat_ref, categories)}</c:cat>"
    points, labels = [], []
    for i in range(len(values)):
        rgb = colors[i % len(colors)] if colors else "FF4472C4"
        points.append(f'<c:dPt><c:idx val="{i}"/><c:invertIfNegative val="0"/><c:bubble3D val="0"/>'
                      f"{_fill(rgb)}</c:dPt>")
        labels.append(f'<c:dLbl><c:idx val="{i}"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'
                      f'{_text_props(1100, True, _label_color(rgb))}<c:dLblPos val="ctr"/>{_SHOW}</c:dLbl>')
    def spacer_series(index: int) -> str:
        return (f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/><c:tx><c:v>Spacer</c:v></c:tx>'
                '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:invertIfNegative val="0"/>'
                f'<c:dLbls><c:delete val="1"/></c:dLbls>{cat}<c:val>{_num_ref(spacer_ref, spacer)}</c:val></c:ser>')

    visible_series = (
        f'<c:ser><c:idx val="1"/><c:order val="1"/><c:tx><c:v>{esc_text(chart.series_name)}</c:v></c:tx>'
        f'{_fill(colors[0] if colors else "FF4472C4")}<c:invertIfNegative val="0"/>{"".join(points)}'
        f'<c:dLbls>{"".join(labels)}<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'
        f'{_text_props(1100, True)}<c:dLblPos val="ctr"/>{_SHOW}</c:dLbls>'
        f"{cat}<c:val>{_num_ref(val_ref, values)}</c:val></c:ser>"
    )
    scaling = '<c:orientation val="minMax"/><c:max val="1"/><c:min val="0"/>'  # a 100 % stacked axis
    title = (f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1400" b="1"/></a:pPr>'
             f'<a:r><a:rPr lang="en-US" sz="1400" b="1"/><a:t>{esc_text(chart.title)}</a:t></a:r></a:p></c:rich>'
             '</c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>')
    return (
        f'{XML_DECL}<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{NS_A}" xmlns:r="{NS_REL}">'
        '<c:roundedCorners val="0"/><c:chart>' + title +
        '<c:plotArea><c:layout/><c:barChart><c:barDir val="bar"/><c:grouping val="percentStacked"/>'
        f'<c:varyColors val="0"/>{spacer_series(0)}{visible_series}{spacer_series(2)}'
        '<c:gapWidth val="30"/><c:overlap val="100"/>'
        f'<c:axId val="{_CAT_AX}"/><c:axId val="{_VAL_AX}"/></c:barChart>'
        f'<c:catAx><c:axId val="{_CAT_AX}"/><c:scaling><c:orientation val="maxMin"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>'
        f'<c:spPr><a:ln><a:noFill/></a:ln></c:spPr>{_text_props(1100, True)}<c:crossAx val="{_VAL_AX}"/>'
        '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/>'
        '<c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="{_VAL_AX}"/><c:scaling>{scaling}</c:scaling><c:delete val="1"/>'
        '<c:axPos val="t"/><c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="none"/>'
        f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="{_CAT_AX}"/>'
        '<c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>'
        '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr></c:plotArea>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        '<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:ln><a:noFill/></a:ln></c:spPr>'
        "</c:chartSpace>"
    ).encode("utf-8")
