"""The parts xlscore writes for the Pyramid, compared with reviewed reference XML (as XlsxWriter's
tests do): the chart, its drawing anchor and the tblPyramid table part. A change to any of them
shows as a diff of the normalised XML; after a deliberate change, regenerate the references with
XLSCORE_UPDATE_REFERENCE=1, look at the diff and at the rendered sheet, and commit them.

The book is the standard fixture (tests/fixtures/books.py), re-tiered as of 2026-06-30.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from datetime import date
from pathlib import Path
from xml.dom import minidom

import pytest

from tests.fixtures.books import write
from xlscore.retier import retier

REFERENCE = Path(__file__).parent.parent / "reference"


def normalised(xml: bytes) -> str:
    """Pretty-printed, one element per line, attributes in a fixed order, no blank text."""
    text = re.sub(rb">\s+<", b"><", xml)
    pretty: str = minidom.parseString(text).toprettyxml(indent=" ")
    return "\n".join(line for line in pretty.splitlines() if line.strip()) + "\n"


def pyramid_parts(book: Path) -> dict[str, bytes]:
    """The Pyramid sheet's drawing, chart and tblPyramid table parts, found through its relationships."""
    with zipfile.ZipFile(book) as package:
        names = package.namelist()
        workbook = package.read("xl/workbook.xml").decode()
        rel_id = re.search(r'<sheet name="Pyramid"[^>]*r:id="([^"]+)"', workbook).group(1)  # type: ignore[union-attr]
        rels = package.read("xl/_rels/workbook.xml.rels").decode()
        target = re.search(rf'Id="{rel_id}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rel_id}"', rels)
        assert target is not None
        sheet = posixpath.normpath(posixpath.join("xl", (target.group(1) or target.group(2)).lstrip("/")))
        sheet_rels = package.read(posixpath.join(posixpath.dirname(sheet), "_rels",
                                                 posixpath.basename(sheet) + ".rels")).decode()

        def resolve(base: str, relative: str) -> str:
            return posixpath.normpath(posixpath.join(posixpath.dirname(base), relative))

        drawing = resolve(sheet, re.search(r'Target="([^"]*drawing[^"]*)"', sheet_rels).group(1))  # type: ignore[union-attr]
        table = resolve(sheet, re.search(r'Target="([^"]*table[^"]*)"', sheet_rels).group(1))  # type: ignore[union-attr]
        drawing_rels = package.read(posixpath.join(posixpath.dirname(drawing), "_rels",
                                                   posixpath.basename(drawing) + ".rels")).decode()
        chart = resolve(drawing, re.search(r'Target="([^"]*chart[^"]*)"', drawing_rels).group(1))  # type: ignore[union-attr]
        assert {drawing, table, chart} <= set(names)
        return {"pyramid-drawing.xml": package.read(drawing), "pyramid-chart.xml": package.read(chart),
                "pyramid-table.xml": package.read(table)}


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("reference")
    out = folder / "out.xlsx"
    retier(write(folder / "book.xlsx"), out, as_of=date(2026, 6, 30))
    return pyramid_parts(out)


@pytest.mark.parametrize("name", ["pyramid-chart.xml", "pyramid-drawing.xml", "pyramid-table.xml"])
def test_part_matches_the_reviewed_reference(parts: dict[str, bytes], name: str) -> None:
    got = normalised(parts[name])
    reference = REFERENCE / name
    if os.environ.get("XLSCORE_UPDATE_REFERENCE"):
        reference.write_text(got, encoding="utf-8")
    assert reference.exists(), f"{name} is missing: write it with XLSCORE_UPDATE_REFERENCE=1 and review it"
    assert got == reference.read_text(encoding="utf-8")
