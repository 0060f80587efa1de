"""Writing into a user's book keeps every part xlscore does not own, byte for byte."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests.fixtures.outputs import issues_sheet, pyramid_sheet, sample_sheets, scoring_sheet
from tests.fixtures.userbook import build_user_book, rewrite_zip
from tests.fixtures.zipcheck import assert_consistent, parts_of, rel_targets
from xlscore.errors import WorkbookError
from xlscore.workbook.sheetdata import Column, OutputSheet, OutputTable
from xlscore.workbook.writer import write_workbook

pytestmark = pytest.mark.filterwarnings("ignore:Data Validation extension:UserWarning")

# Parts a write may change: the ones that register sheets, and the styles it merges into.
REGISTRATION = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml"}
# The stale Scoring sheet build_user_book puts second.
STALE_SCORING = "xl/worksheets/sheet2.xml"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return build_user_book(tmp_path / "book.xlsx", output_sheets=("Scoring",))


def test_every_other_part_is_byte_identical_after_writing_twice(book: Path) -> None:
    original = parts_of(book)
    write_workbook(book, sample_sheets())
    first = assert_consistent(book)
    write_workbook(book, sample_sheets())
    second = assert_consistent(book)
    kept = set(original) - REGISTRATION - {STALE_SCORING}
    for name in sorted(kept):
        assert first[name] == original[name], name
        assert second[name] == original[name], name
    # the second run replaces the first run's parts: nothing added, nothing left over
    assert set(second) == set(first)
    for name in REGISTRATION:
        assert second[name] == first[name], f"{name} changed on the second run"
    assert first[STALE_SCORING] != original[STALE_SCORING]


def test_the_preserved_parts_are_the_user_s_work(book: Path) -> None:
    original = parts_of(book)
    for part in ("xl/media/logo.png", "xl/drawings/drawing99.xml", "xl/charts/chart1.xml",
                 "xl/comments/comment1.xml", "xl/drawings/commentsDrawing1.vml", "customXml/item1.xml",
                 "customXml/itemProps1.xml", "docProps/core.xml", "xl/tables/table1.xml"):
        assert part in original
    customers = original["xl/worksheets/sheet1.xml"]
    for marker in (b"x14:dataValidation", b"<dataValidation", b"<conditionalFormatting", b"<legacyDrawing"):
        assert marker in customers
    write_workbook(book, sample_sheets())
    after = parts_of(book)
    for part in ("xl/media/logo.png", "xl/drawings/drawing99.xml", "xl/worksheets/sheet1.xml"):
        assert after[part] == original[part]
    assert b'<definedName name="SalesTotal">Customers!$D$2:$D$6</definedName>' in after["xl/workbook.xml"]


def test_replaced_sheet_keeps_position_and_id_new_ones_go_last(book: Path) -> None:
    write_workbook(book, sample_sheets())
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Customers", "Scoring", "Dashboard", "Notes", "Pyramid", "Issues"]
    workbook_xml = parts_of(book)["xl/workbook.xml"].decode()
    assert '<sheet name="Scoring" sheetId="2" state="visible" r:id="rId2" />' in workbook_xml
    assert '<definedName name="NoteOwners" localSheetId="3">' in workbook_xml


def test_tables_are_real_tables_with_refs_and_headers(book: Path) -> None:
    write_workbook(book, sample_sheets())
    wb = openpyxl.load_workbook(book)
    scoring = wb["Scoring"]
    assert dict(scoring.tables.items()) == {"tblScoring": "A1:H8"}
    table = scoring.tables["tblScoring"]
    assert [c.name for c in table.tableColumns] == [c.value for c in scoring[1]]
    assert table.tableColumns[6].calculatedColumnFormula.attr_text == "tblScoring[[#This Row],[Score]]*2"
    assert table.tableStyleInfo.showRowStripes
    assert wb["Pyramid"].tables["tblPyramid"].ref == "A3:E7"
    assert wb["Customers"].tables["tblCustomers"].ref == "A1:D6"


def test_cached_formula_values_are_visible_without_recalculation(book: Path) -> None:
    write_workbook(book, sample_sheets())
    values = openpyxl.load_workbook(book, data_only=True)["Scoring"]
    formulas = openpyxl.load_workbook(book)["Scoring"]
    assert formulas["G2"].value == "=tblScoring[[#This Row],[Score]]*2"
    assert values["G2"].value == 180
    assert values["G3"].value == pytest.approx(165)


def test_python_calamine_reads_the_output(book: Path) -> None:
    write_workbook(book, sample_sheets())
    wb = CalamineWorkbook.from_path(str(book))
    rows = wb.get_sheet_by_name("Scoring").to_python()
    assert rows[0][:3] == ["Customer ID", "Customer", "Score"]
    assert rows[2][1] == '=HYPERLINK("http://evil")'
    assert rows[1][2] == 90.0
    pyramid = wb.get_sheet_by_name("Pyramid").to_python()
    assert pyramid[0][0] == "Customer pyramid"
    assert [r[1] for r in pyramid[3:7]] == [15, 46, 89, 150]


def test_removing_a_sheet_drops_its_parts_and_shifts_local_names(book: Path) -> None:
    before = parts_of(book)
    chart_parts = {t for _, _, t in rel_targets(before, "xl/drawings/drawing1.xml")}
    assert chart_parts == {"xl/charts/chart1.xml"}
    report = write_workbook(book, sample_sheets(), remove=["Dashboard"])
    after = assert_consistent(book)
    assert report.removed == ("Dashboard",)
    # the user's chart and its drawing are gone (their names may be reused by the new parts)
    assert b"Sales by customer" in before["xl/charts/chart1.xml"]
    assert not [name for name, data in after.items() if b"Sales by customer" in data]
    # Dashboard's sheet, drawing, chart and two rels parts go (5); Scoring gains rels and a table (+2),
    # Pyramid brings 6 parts (sheet, rels, table, drawing, its rels, chart), Issues 3
    assert len(after) == len(before) - 5 + 2 + 6 + 3
    wb_xml = after["xl/workbook.xml"].decode()
    assert "Dashboard" not in wb_xml
    assert '<definedName name="NoteOwners" localSheetId="2">' in wb_xml
    assert openpyxl.load_workbook(book).sheetnames == ["Customers", "Scoring", "Notes", "Pyramid", "Issues"]


def test_output_to_another_file_leaves_the_source_alone(book: Path, tmp_path: Path) -> None:
    original = book.read_bytes()
    out = tmp_path / "out.xlsx"
    report = write_workbook(book, sample_sheets(), target=out)
    assert book.read_bytes() == original
    assert report.target == out and report.backup is None
    assert_consistent(out)


def test_table_name_used_by_the_user_is_refused(book: Path) -> None:
    original = book.read_bytes()
    clash = OutputSheet("Scoring", tables=[OutputTable("TBLCUSTOMERS", [Column("A", [1])])])
    with pytest.raises(WorkbookError, match="table name TBLCUSTOMERS is already used by a table on sheet 'Customers'"):
        write_workbook(book, [clash])
    assert book.read_bytes() == original


def test_calc_chain_loses_only_the_replaced_sheet_entries(book: Path) -> None:
    chain = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><calcChain xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main"><c r="B2" i="2"/><c r="B3"/><c r="D7" i="1"/>'
             '<c r="D8"/></calcChain>')

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdCalc" Type="http://schemas.'
                                b'openxmlformats.org/officeDocument/2006/relationships/calcChain" '
                                b'Target="calcChain.xml"/></Relationships>')
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
        return data

    rewrite_zip(book, edit, {"xl/calcChain.xml": chain.encode()})
    write_workbook(book, sample_sheets())
    after = assert_consistent(book)
    assert after["xl/calcChain.xml"].endswith(b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                                              b'2006/main"><c r="D7" i="1"/><c i="1" r="D8"/></calcChain>')
    # a chain with entries of the replaced sheet only goes away with its registration
    rewrite_zip(book, lambda n, d: chain.replace('i="1"', 'i="2"').encode() if n == "xl/calcChain.xml" else d)
    write_workbook(book, sample_sheets())
    after = assert_consistent(book)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"] + after["[Content_Types].xml"]


def test_styles_grow_once_and_are_reused(book: Path) -> None:
    write_workbook(book, sample_sheets())
    first = parts_of(book)["xl/styles.xml"]
    write_workbook(book, [scoring_sheet(), pyramid_sheet(), issues_sheet()])
    assert parts_of(book)["xl/styles.xml"] == first


def test_xlsm_stays_macro_enabled_with_its_vba(tmp_path: Path) -> None:
    xlwings = pytest.importorskip("xlwings")
    source = Path(xlwings.__file__).parent / "quickstart.xlsm"
    book = tmp_path / "macro.xlsm"
    shutil.copy(source, book)
    original = parts_of(book)
    write_workbook(book, sample_sheets())
    write_workbook(book, sample_sheets())
    after = assert_consistent(book)
    assert after["xl/vbaProject.bin"] == original["xl/vbaProject.bin"]
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in after["[Content_Types].xml"]
    for name in set(original) - REGISTRATION:
        assert after[name] == original[name], name
    assert openpyxl.load_workbook(book, keep_vba=True).sheetnames[-3:] == ["Scoring", "Pyramid", "Issues"]
    with pytest.raises(WorkbookError, match=r"contains macros, so it must be saved as \.xlsm"):
        write_workbook(book, sample_sheets(), target=tmp_path / "out.xlsx")


def test_entries_are_copied_compressed_as_they_were(book: Path) -> None:
    with zipfile.ZipFile(book) as zf:
        before = {i.filename: (i.CRC, i.compress_size, i.compress_type) for i in zf.infolist()}
    write_workbook(book, sample_sheets())
    with zipfile.ZipFile(book) as zf:
        after = {i.filename: (i.CRC, i.compress_size, i.compress_type) for i in zf.infolist()}
    for name in set(before) - REGISTRATION - {STALE_SCORING}:
        assert after[name] == before[name], name


def test_full_calc_on_load_is_set_when_asked(book: Path) -> None:
    write_workbook(book, sample_sheets(), full_calc_on_load=True)
    assert b'fullCalcOnLoad="1"' in parts_of(book)["xl/workbook.xml"]


def _prefixed_utf16(data: bytes, prefix: str) -> bytes:
    """The same XML with its default namespace bound to ``prefix``, stored as UTF-16."""
    import re

    text = data.decode("utf-8")
    text = re.sub(r"<\?xml[^>]*\?>", "", text)
    text = re.sub(r"<(/?)([A-Za-z]\w*)([\s/>])", rf"<\1{prefix}:\2\3", text)
    text = text.replace(' xmlns="', f' xmlns:{prefix}="', 1)
    return ('<?xml version="1.0" encoding="UTF-16" standalone="yes"?>\n' + text).encode("utf-16")


def test_books_from_other_writers_prefixed_and_utf16(tmp_path: Path) -> None:
    """workbook.xml and styles.xml with a namespace prefix, in UTF-16: edited in their own terms."""
    from tests.fixtures.hostile import plain_book

    book = plain_book(tmp_path)
    rewrite_zip(book, lambda name, data: _prefixed_utf16(data, "x") if name in (
        "xl/workbook.xml", "xl/styles.xml") else data)
    original = parts_of(book)
    write_workbook(book, sample_sheets())
    write_workbook(book, sample_sheets())
    after = assert_consistent(book)
    workbook = after["xl/workbook.xml"]
    assert workbook.startswith(b"\xff\xfe")
    text = workbook.decode("utf-16")
    assert '<x:sheet name="Scoring" sheetId="2" r:id="rId' in text and text.count("<x:sheet ") == 4
    assert after["xl/styles.xml"].decode("utf-16").count("<x:xf ") > original["xl/styles.xml"].decode(
        "utf-16").count("<x:xf ")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Customers", "Scoring", "Pyramid", "Issues"]
    assert wb["Scoring"]["C2"].number_format == "#,##0.00"
    # (python-calamine itself cannot read such a book, before or after: it expects unprefixed UTF-8)
