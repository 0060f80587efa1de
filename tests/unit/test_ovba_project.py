"""vbaProject.bin written from source, read back by olevba and by olefile + a dir parser here."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import olefile
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from xlscore.vba import (
    OFFICE_REFERENCE,
    STDOLE_REFERENCE,
    WORKBOOK_DOCUMENT_BASE,
    WORKSHEET_DOCUMENT_BASE,
    ModuleKind,
    VbaModule,
    VbaProject,
    VbaProjectError,
    build_vba_project_bin,
    class_module_source,
    decompress,
    document_module_source,
    to_crlf,
)
from xlscore.vba.encryption import decrypt, encrypt

XLWINGS_DIR = Path(importlib.util.find_spec("xlwings").origin or "").parent  # type: ignore[union-attr]


def read_cp1252(path: Path) -> str:
    return path.read_bytes().decode("cp1252")


def generated_module(name: str, procedures: int) -> VbaModule:
    """A standard module with varied lines, independent of any installed package."""
    lines = [f'Attribute VB_Name = "{name}"', "Option Explicit", ""]
    for i in range(procedures):
        lines += [
            f"Public Function Score{i}(ByVal amount As Double) As Double",
            f"    ' band {i}: {i * 37 % 101} points per {i * 13 % 17 + 1} units",
            f"    Score{i} = amount * {i % 7 + 1} / {i % 11 + 2} + {i * i % 97}",
            "End Function",
            "",
        ]
    return VbaModule("\r\n".join(lines) + "\r\n", ModuleKind.STANDARD)


@pytest.fixture(scope="module")
def big_project() -> VbaProject:
    """Above 64 KB once compressed: xlwings' whole VBA runtime plus generated modules."""
    modules = [
        VbaModule(document_module_source("ThisWorkbook", WORKBOOK_DOCUMENT_BASE), ModuleKind.DOCUMENT),
        VbaModule(document_module_source("Sheet1", WORKSHEET_DOCUMENT_BASE), ModuleKind.DOCUMENT),
        VbaModule(read_cp1252(XLWINGS_DIR / "xlwings_custom_addin.bas"), ModuleKind.STANDARD),
        generated_module("Generated", 300),
        generated_module("Small", 2),
    ]
    for cls in sorted((XLWINGS_DIR / "addin").glob("*.cls")):
        modules.append(VbaModule(class_module_source(read_cp1252(cls)), ModuleKind.CLASS))
    for bas in sorted((XLWINGS_DIR / "addin").glob("*.bas")):
        modules.append(VbaModule(to_crlf(read_cp1252(bas)), ModuleKind.STANDARD))
    return VbaProject("BigProject", tuple(modules), references=(STDOLE_REFERENCE, OFFICE_REFERENCE))


@pytest.fixture(scope="module")
def big_bin(big_project: VbaProject, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vba") / "vbaProject.bin"
    path.write_bytes(build_vba_project_bin(big_project))
    return path


def parse_dir(decompressed: bytes) -> list[tuple[str, int, int]]:
    """(stream name, text offset, MODULETYPE id) per module, from a decompressed dir stream."""
    modules: list[tuple[str, int, int]] = []
    position, stream_name, offset = 0, "", -1
    while position < len(decompressed):
        record_id, size = struct.unpack_from("<HI", decompressed, position)
        if record_id == 0x0009:  # PROJECTVERSION: its size field is a constant, 6 more bytes follow
            position += 12
            continue
        data = decompressed[position + 6 : position + 6 + size]
        if record_id == 0x001A:
            stream_name = data.decode("cp1252")
        elif record_id == 0x0031:
            offset = int.from_bytes(data, "little")
        elif record_id in (0x0021, 0x0022):
            modules.append((stream_name, offset, record_id))
        position += 6 + size
    return modules


def test_project_is_above_64_kb_and_has_modules_above_4_kb(big_project: VbaProject, big_bin: Path) -> None:
    assert big_bin.stat().st_size > 64 * 1024
    assert sum(len(m.source) > 4096 for m in big_project.modules) >= 5


def test_olevba_reads_every_module_back_exactly(big_project: VbaProject, big_bin: Path) -> None:
    parser = VBA_Parser(str(big_bin))
    read_back = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_all_macros()}
    parser.close()
    assert read_back == {module.name: module.source for module in big_project.modules}


def test_olefile_and_dir_stream_read_every_module_back_exactly(
    big_project: VbaProject, big_bin: Path
) -> None:
    ole = olefile.OleFileIO(str(big_bin), raise_defects=olefile.DEFECT_INCORRECT)
    directory = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    assert decompress(ole.openstream("VBA/dir").read()) == directory
    listed = parse_dir(directory)
    kinds = {ModuleKind.STANDARD: 0x0021, ModuleKind.CLASS: 0x0022, ModuleKind.DOCUMENT: 0x0022}
    assert [(name, type_id) for name, _, type_id in listed] == [
        (m.name, kinds[m.kind]) for m in big_project.modules
    ]
    for module, (name, offset, _) in zip(big_project.modules, listed, strict=True):
        stream = ole.openstream(f"VBA/{name}").read()
        assert bytes(decompress_stream(bytearray(stream[offset:]))).decode("cp1252") == module.source
    ole.close()


def test_project_stream_declares_every_module_and_an_unprotected_project(
    big_project: VbaProject, big_bin: Path
) -> None:
    ole = olefile.OleFileIO(str(big_bin))
    lines = ole.openstream("PROJECT").read().decode("cp1252").split("\r\n")
    assert lines[0] == f'ID="{big_project.project_id}"'
    assert big_project.project_id == big_project.project_id.upper()
    assert "Document=ThisWorkbook/&H00000000" in lines
    assert "Module=xlwings" in lines and "Class=Dictionary" in lines
    assert 'Name="BigProject"' in lines
    values = {line.split("=", 1)[0]: line.split("=", 1)[1].strip('"') for line in lines if "=" in line}
    assert decrypt(values["CMG"]) == bytes(4)  # not protected
    assert decrypt(values["DPB"]) == b"\x00"  # no password
    assert decrypt(values["GC"]) == b"\xff"  # visible
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
    wm = ole.openstream("PROJECTwm").read()
    assert wm.startswith(b"ThisWorkbook\x00" + "ThisWorkbook".encode("utf-16-le") + b"\x00\x00")
    assert wm.endswith(b"\x00\x00")
    ole.close()


def test_same_project_gives_same_bytes(big_project: VbaProject, big_bin: Path) -> None:
    assert build_vba_project_bin(big_project) == big_bin.read_bytes()


def test_project_data_encryption_reads_the_values_excel_wrote() -> None:
    # From the PROJECT stream of xlwings' quickstart_addin_ribbon.xlam, saved by Excel.
    project_id = "{318BEE36-5BE1-492A-826D-473DB19B0F30}"
    assert decrypt("5D5F8AADDAA8DEA8DEA8DEA8DE") == bytes(4)
    assert decrypt("5D5F8AADDAADDBADDBAD") == b"\x00"
    assert decrypt("5D5F8AADDAADDBADDB52") == b"\xff"
    assert encrypt(b"\xff", project_id)[:6] == "5D5F8A"  # seed, version and project key agree
    assert decrypt(encrypt(b"any data", project_id, seed=0x37, filler=9)) == b"any data"


def module(name: str, body: str = "") -> VbaModule:
    return VbaModule(f'Attribute VB_Name = "{name}"\r\n{body}', ModuleKind.STANDARD)


@pytest.mark.parametrize(
    ("make_project", "message"),
    [
        (lambda: VbaProject("My Project", (module("A"),)), "starts with a letter"),
        (lambda: VbaProject("P", (module("A" * 32),)), "at most 31"),
        (lambda: VbaProject("P", (module("Same"), module("SAME"))), "two modules are named"),
        (lambda: VbaProject("P", (module("A", "' \u4e2d\u6587\r\n"),)), "code page 1252"),
        (lambda: VbaProject("P", (module("A", "Sub X()\nEnd Sub\r\n"),)), "CRLF"),
        (lambda: VbaModule("Sub X()\r\n", ModuleKind.STANDARD), "Attribute VB_Name"),
    ],
)
def test_projects_vba_would_reject_are_refused(make_project: object, message: str) -> None:
    with pytest.raises(VbaProjectError, match=message):
        make_project()  # type: ignore[operator]
