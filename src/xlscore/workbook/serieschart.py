"""A native bar chart of several series (clustered, stacked or 100 % stacked): its chart part.

Used for the tier migration (one bar per previous tier, one coloured segment per current
tier). Horizontal bars run top-down (``maxMin`` category axis) so the first category, the
top tier, is on top, with the value axis at the bottom. Cached values come from the
sheet's own data, so the chart shows before any recalculation; data labels hide zeros.
The drawing part that anchors it is :func:`xlscore.workbook.chart.drawing_xml`.
"""

from __future__ import annotations

from xlscore.errors import WorkbookError
from xlscore.workbook.chart import (
    NS_A,
    NS_C,
    _cells,
    _label_color,
    _num_ref,
    _number,
    _str_ref,
    _text_props,
    chart_xml,
)
from xlscore.workbook.sheetdata import BarChart, OutputSheet, SeriesChart
from xlscore.workbook.sheetxml import argb
from xlscore.workbook.xmltext import NS_REL, XML_DECL, esc_attr, esc_text

__all__ = ["chart_part_xml", "series_chart_xml"]

_CAT_AX, _VAL_AX = 500_000_011, 500_000_012
_NO_LINE = "<a:ln><a:noFill/></a:ln>"
_SHOW_VALUE = ('<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>'
               '<c:showPercent val="0"/><c:showBubbleSize val="0"/>')


def _series(chart: SeriesChart, sheet: OutputSheet, cat: str, n_categories: int) -> str:
    parts = []
    position = '<c:dLblPos val="ctr"/>' if chart.grouping != "clustered" else ""
    for k, series in enumerate(chart.series):
        val_ref, raw = _cells(sheet, series.values)
        if len(raw) != n_categories:
            raise WorkbookError(f"{sheet.name}: chart series {series.name!r} ({series.values}) has {len(raw)} "
                                f"cells for {n_categories} categories ({chart.categories}).")
        rgb = argb(series.color, f"{sheet.name} chart series {series.name!r}")
        labels = (f'<c:dLbls><c:numFmt formatCode="{esc_attr("0;-0;;@")}" sourceLinked="0"/>'
                  f"<c:spPr><a:noFill/>{_NO_LINE}</c:spPr>{_text_props(1000, True, _label_color(rgb))}"
                  f"{position}{_SHOW_VALUE}</c:dLbls>")
        parts.append(
            f'<c:ser><c:idx val="{k}"/><c:order val="{k}"/><c:tx><c:v>{esc_text(series.name)}</c:v></c:tx>'
            f'<c:spPr><a:solidFill><a:srgbClr val="{rgb[2:]}"/></a:solidFill>{_NO_LINE}</c:spPr>'
            f'<c:invertIfNegative val="0"/>{labels}{cat}<c:val>{_num_ref(val_ref, [_number(v) for v in raw])}'
            "</c:val></c:ser>"
        )
    return "".join(parts)


def _axes(chart: SeriesChart) -> str:
    horizontal = chart.horizontal
    value_format = "0%" if chart.grouping == "percentStacked" else "General"
    gridlines = '<c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill>' \
                "</a:ln></c:spPr></c:majorGridlines>"
    return (
        f'<c:catAx><c:axId val="{_CAT_AX}"/><c:scaling><c:orientation val="{"maxMin" if horizontal else "minMax"}"/>'
        f'</c:scaling><c:delete val="0"/><c:axPos val="{"l" if horizontal else "b"}"/>'
        '<c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/>'
        f'<c:minorTickMark val="none"/><c:tickLblPos val="low"/><c:spPr>{_NO_LINE}</c:spPr>'
        f'{_text_props(1000, True)}<c:crossAx val="{_VAL_AX}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="{_VAL_AX}"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{"b" if horizontal else "l"}"/>{gridlines}'
        f'<c:numFmt formatCode="{value_format}" sourceLinked="0"/><c:majorTickMark val="none"/>'
        f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:spPr>{_NO_LINE}</c:spPr>'
        f'{_text_props(900, False)}<c:crossAx val="{_CAT_AX}"/>'
        # with the categories reversed, crossing at the last category puts this axis at the bottom
        f'<c:crosses val="{"max" if horizontal else "autoZero"}"/><c:crossBetween val="between"/></c:valAx>'
    )


def series_chart_xml(chart: SeriesChart, sheet: OutputSheet) -> bytes:
    if not chart.series:
        raise WorkbookError(f"{sheet.name}: chart {chart.title!r} has no series.")
    cat_ref, categories = _cells(sheet, chart.categories)
    cat = f"<c:cat>{_str_ref(cat_ref, categories)}</c:cat>"
    overlap = '<c:overlap val="100"/>' if chart.grouping != "clustered" else ""
    title = (f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1300" b="1"/></a:pPr>'
             f'<a:r><a:rPr lang="en-US" sz="1300" b="1"/><a:t>{esc_text(chart.title)}</a:t></a:r></a:p></c:rich>'
             '</c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>')
    return (
        f'{XML_DECL}<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{NS_A}" xmlns:r="{NS_REL}">'
        '<c:roundedCorners val="0"/><c:chart>' + title +
        f'<c:plotArea><c:layout/><c:barChart><c:barDir val="{"bar" if chart.horizontal else "col"}"/>'
        f'<c:grouping val="{chart.grouping}"/><c:varyColors val="0"/>'
        f'{_series(chart, sheet, cat, len(categories))}<c:gapWidth val="40"/>{overlap}'
        f'<c:axId val="{_CAT_AX}"/><c:axId val="{_VAL_AX}"/></c:barChart>{_axes(chart)}'
        f'<c:spPr><a:noFill/>{_NO_LINE}</c:spPr></c:plotArea>'
        f'<c:legend><c:legendPos val="b"/><c:overlay val="0"/>{_text_props(1000, False)}</c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f'<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>{_NO_LINE}</c:spPr>'
        "</c:chartSpace>"
    ).encode("utf-8")


def chart_part_xml(chart: BarChart | SeriesChart, sheet: OutputSheet) -> bytes:
    """The chart part of either kind of chart a sheet can hold."""
    return series_chart_xml(chart, sheet) if isinstance(chart, SeriesChart) else chart_xml(chart, sheet)
