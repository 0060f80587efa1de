"""Write VBA projects (``vbaProject.bin``) from module source text, on any OS.

A small implementation of MS-OVBA (compression, dir/PROJECT/PROJECTwm/_VBA_PROJECT
streams) on top of an MS-CFB version 3 compound-file writer. Standard library only.

>>> from xlscore.vba import ModuleKind, VbaModule, VbaProject, build_vba_project_bin
>>> module = VbaModule('Attribute VB_Name = "Hello"\\r\\nSub Hi()\\r\\nEnd Sub\\r\\n', ModuleKind.STANDARD)
>>> build_vba_project_bin(VbaProject("Demo", (module,)))[:8].hex()
'd0cf11e0a1b11ae1'
"""

from __future__ import annotations

from xlscore.vba.compound_file import CompoundFileError, build_compound_file
from xlscore.vba.compression import CompressionError, compress, decompress
from xlscore.vba.project import (
    OFFICE_REFERENCE,
    STDOLE_REFERENCE,
    ModuleKind,
    VbaModule,
    VbaProject,
    VbaProjectError,
    VbaReference,
)
from xlscore.vba.project_file import build_vba_project_bin
from xlscore.vba.source_text import (
    WORKBOOK_DOCUMENT_BASE,
    WORKSHEET_DOCUMENT_BASE,
    class_module_source,
    document_module_source,
    to_crlf,
)

__all__ = [
    "OFFICE_REFERENCE",
    "STDOLE_REFERENCE",
    "WORKBOOK_DOCUMENT_BASE",
    "WORKSHEET_DOCUMENT_BASE",
    "CompoundFileError",
    "CompressionError",
    "ModuleKind",
    "VbaModule",
    "VbaProject",
    "VbaProjectError",
    "VbaReference",
    "build_compound_file",
    "build_vba_project_bin",
    "class_module_source",
    "compress",
    "decompress",
    "document_module_source",
    "to_crlf",
]
