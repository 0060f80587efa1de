"""The Open XML parts of the add-in package besides the VBA project and the ribbon.

An add-in differs from an ``.xlsm`` by its workbook content type. The ribbon is a
customUI part related from the package root; its part name and relationship type follow
from the namespace of its root element, as [MS-CUSTOMUI] and [MS-CUSTOMUI2] pair them
(Office 2007's ``2006/01/customui`` <-> ``.../2006/relationships/ui/extensibility``,
Office 2010's ``2009/07/customui`` <-> ``.../2007/relationships/ui/extensibility``). A
mismatched pair is what Excel may silently ignore, so it is never written. One worksheet
is needed (a workbook cannot have none); its code name and the workbook's must match the
document modules of the VBA project.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from xml.sax.saxutils import escape

__all__ = [
    "ADDIN_FILE_NAME",
    "ADDIN_WORKBOOK_CONTENT_TYPE",
    "CUSTOM_UI_PARTS",
    "RUNTIME_VERSION_LABEL",
    "SHEET_CODE_NAME",
    "VBA_PROJECT_PART",
    "WORKBOOK_CODE_NAME",
    "CustomUiPart",
    "package_parts",
    "runtime_version_of",
]

ADDIN_FILE_NAME = "xlscore.xlam"
ADDIN_WORKBOOK_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_PROJECT_PART = "xl/vbaProject.bin"
WORKBOOK_CODE_NAME = "ThisWorkbook"
SHEET_CODE_NAME = "Sheet1"
SHEET_NAME = "xlscore"
SHEET_PART = "xl/worksheets/sheet1.xml"
RUNTIME_VERSION_LABEL = "xlwings VBA runtime "  # a line of the about sheet; install reads it back


@dataclass(frozen=True)
class CustomUiPart:
    """Where a ribbon of one customUI namespace lives in the package, and how it is related."""

    namespace: str
    part_name: str
    relationship_type: str


CUSTOM_UI_PARTS = {
    part.namespace: part
    for part in (
        CustomUiPart(
            "http://schemas.microsoft.com/office/2006/01/customui",
            "customUI/customUI.xml",
            "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
        ),
        CustomUiPart(
            "http://schemas.microsoft.com/office/2009/07/customui",
            "customUI/customUI14.xml",
            "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
        ),
    )
}

_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SPREADSHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

_CONTENT_TYPES = f"""<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{ADDIN_WORKBOOK_CONTENT_TYPE}"/>
<Override PartName="/{SHEET_PART}" ContentType="{_SPREADSHEET_CONTENT}.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="{_SPREADSHEET_CONTENT}.styles+xml"/>
<Override PartName="/{VBA_PROJECT_PART}" ContentType="application/vnd.ms-office.vbaProject"/>
<Override PartName="/docProps/core.xml"
 ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml"
 ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""



def _root_relationships(custom_ui: CustomUiPart) -> str:
    return f"""<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">
<Relationship Id="rId1" Type="{_DOCUMENT_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>
<Relationship Id="rId2" Type="{_PACKAGE_RELATIONSHIPS}/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="{_DOCUMENT_RELATIONSHIPS}/extended-properties" Target="docProps/app.xml"/>
<Relationship Id="rId4" Type="{custom_ui.relationship_type}" Target="{custom_ui.part_name}"/>
</Relationships>"""


_WORKBOOK = f"""<workbook xmlns="{_MAIN}" xmlns:r="{_DOCUMENT_RELATIONSHIPS}">
<workbookPr codeName="{WORKBOOK_CODE_NAME}"/>
<bookViews><workbookView/></bookViews>
<sheets><sheet name="{SHEET_NAME}" sheetId="1" r:id="rId1"/></sheets>
<calcPr calcId="191029"/>
</workbook>"""

_WORKBOOK_RELATIONSHIPS = f"""<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">
<Relationship Id="rId1" Type="{_DOCUMENT_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{_DOCUMENT_RELATIONSHIPS}/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"
 Target="vbaProject.bin"/>
</Relationships>"""

_STYLES = f"""<styleSheet xmlns="{_MAIN}">
<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill>
<fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_APP_PROPERTIES = """<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Application>Microsoft Excel</Application>
</Properties>"""


def _core_properties(version: str) -> str:
    return f"""<cp:coreProperties
 xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title>xlscore add-in</dc:title>
<dc:creator>xlscore</dc:creator>
<cp:version>{escape(version)}</cp:version>
</cp:coreProperties>"""


def _sheet(lines: list[str]) -> str:
    rows = "".join(
        f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>{escape(text)}</t></is></c></row>'
        for row, text in enumerate(lines, start=1)
    )
    return f"""<worksheet xmlns="{_MAIN}">
<sheetPr codeName="{SHEET_CODE_NAME}"/>
<dimension ref="A1:A{len(lines)}"/>
<sheetData>{rows}</sheetData>
</worksheet>"""


def package_parts(
    *, custom_ui: bytes, custom_ui_namespace: str, vba_project: bytes, version: str, about: list[str]
) -> dict[str, bytes]:
    """Every part of the add-in, by part name; ``about`` is shown on its one sheet."""
    custom_ui_part = CUSTOM_UI_PARTS[custom_ui_namespace]
    xml_parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _root_relationships(custom_ui_part),
        "docProps/app.xml": _APP_PROPERTIES,
        "docProps/core.xml": _core_properties(version),
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELATIONSHIPS,
        "xl/styles.xml": _STYLES,
        SHEET_PART: _sheet(about),
    }
    parts = {name: (_XML_DECLARATION + xml).encode("utf-8") for name, xml in xml_parts.items()}
    parts[custom_ui_part.part_name] = custom_ui
    parts[VBA_PROJECT_PART] = vba_project
    return parts


def runtime_version_of(parts: dict[str, bytes]) -> str | None:
    """The xlwings runtime version an add-in built here says it holds (its about sheet), if any."""
    try:
        sheet = ElementTree.fromstring(parts.get(SHEET_PART, b""))
    except ElementTree.ParseError:
        return None
    for text in sheet.iter(f"{{{_MAIN}}}t"):
        if text.text and text.text.startswith(RUNTIME_VERSION_LABEL):
            return text.text[len(RUNTIME_VERSION_LABEL) :].strip()
    return None
