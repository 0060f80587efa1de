"""The table part (``xl/tables/tableN.xml``) of an :class:`OutputTable`."""

from __future__ import annotations

from xlscore.workbook.refs import column_letter
from xlscore.workbook.sheetdata import OutputTable
from xlscore.workbook.sheetlayout import table_bounds
from xlscore.workbook.xmltext import NS_MAIN, XML_DECL, esc_attr, esc_text

__all__ = ["table_ref", "table_xml"]


def table_ref(table: OutputTable) -> str:
    first_row, first_col, last_row, last_col = table_bounds(table)
    return f"{column_letter(first_col)}{first_row}:{column_letter(last_col)}{last_row}"


def table_xml(table: OutputTable, table_id: int) -> bytes:
    """Header row, autoFilter, one tableColumn per column, banded-row style."""
    ref = table_ref(table)
    columns = []
    for i, column in enumerate(table.columns, start=1):
        name = esc_attr(column.header)
        if column.calculated:
            formula = column.calculated[1:] if column.calculated.startswith("=") else column.calculated
            columns.append(f'<tableColumn id="{i}" name="{name}"><calculatedColumnFormula>'
                           f"{esc_text(formula)}</calculatedColumnFormula></tableColumn>")
        else:
            columns.append(f'<tableColumn id="{i}" name="{name}"/>')
    name = esc_attr(table.name)
    return (
        f'{XML_DECL}<table xmlns="{NS_MAIN}" id="{table_id}" name="{name}" displayName="{name}" '
        f'ref="{ref}" totalsRowShown="0"><autoFilter ref="{ref}"/>'
        f'<tableColumns count="{len(columns)}">{"".join(columns)}</tableColumns>'
        f'<tableStyleInfo name="{esc_attr(table.style)}" showFirstColumn="0" showLastColumn="0" '
        'showRowStripes="1" showColumnStripes="0"/></table>'
    ).encode()
