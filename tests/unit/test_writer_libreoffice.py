"""The written books open in LibreOffice, formulas recalculate, and the pyramid looks right."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.fixtures.hostile import plain_book
from tests.fixtures.outputs import TIER_COLORS, pyramid_sheet, sample_sheets
from tests.fixtures.userbook import build_user_book
from xlscore.workbook.writer import write_workbook

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH"),
    pytest.mark.filterwarnings("ignore:Data Validation extension:UserWarning"),
]

_RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item></oor:items>
"""


def _soffice(books: list[Path], outdir: Path, convert_to: str) -> list[Path]:
    """Convert books with a private LibreOffice profile that recalculates on load."""
    profile = outdir / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC)
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", convert_to, "--outdir", str(outdir), *map(str, books)],
                   check=True, capture_output=True, timeout=300)
    out = [outdir / f"{b.stem}.{convert_to.split(':')[0]}" for b in books]
    assert all(p.exists() for p in out), f"LibreOffice wrote {sorted(outdir.iterdir())}"
    return out


def test_books_open_and_recalculate_in_libreoffice(tmp_path: Path) -> None:
    book = build_user_book(tmp_path / "book.xlsx", output_sheets=("Scoring",))
    write_workbook(book, sample_sheets())
    write_workbook(book, sample_sheets())
    macro = tmp_path / "macro.xlsm"
    xlwings = pytest.importorskip("xlwings")
    shutil.copy(Path(xlwings.__file__).parent / "quickstart.xlsm", macro)
    write_workbook(macro, sample_sheets())
    converted = _soffice([book, macro], tmp_path / "lo", "xlsx")
    wb = openpyxl.load_workbook(converted[0], data_only=True)
    assert wb.sheetnames == ["Customers", "Scoring", "Dashboard", "Notes", "Pyramid", "Issues"]
    scoring = wb["Scoring"]
    assert [c.value for c in scoring[1]][:3] == ["Customer ID", "Customer", "Score"]
    assert scoring["G2"].value == 180  # tblScoring[[#This Row],[Score]]*2, recalculated by LibreOffice
    assert scoring["G8"].value == pytest.approx(90)
    assert scoring["B3"].value == '=HYPERLINK("http://evil")'  # still text, not a formula
    assert wb["Customers"]["B2"].value == "Acme"
    assert openpyxl.load_workbook(converted[1]).sheetnames[-3:] == ["Scoring", "Pyramid", "Issues"]


def _read_ppm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    fields = data.split(maxsplit=4)
    assert fields[0] == b"P6" and fields[3] == b"255"
    return int(fields[1]), int(fields[2]), fields[4]


def _boxes(width: int, height: int, pixels: bytes, colors: list[str]) -> dict[str, tuple[int, int, int, int]]:
    """Bounding box (left, top, right, bottom) of the solid runs (8+ pixels) of each colour.

    Runs, not single pixels: anti-aliased text can produce a stray pixel of any colour.
    """
    boxes: dict[str, list[int]] = {}
    for color in colors:
        run = bytes.fromhex(color) * 8
        for y in range(height):
            row = pixels[y * width * 3:(y + 1) * width * 3]
            x = row.find(run)
            while x >= 0 and x % 3:
                x = row.find(run, x + 1)
            if x < 0:
                continue
            end = x
            while row[end:end + 3] == run[:3]:
                end += 3
            box = boxes.setdefault(color, [x // 3, y, end // 3 - 1, y])
            box[0], box[2], box[3] = min(box[0], x // 3), max(box[2], end // 3 - 1), y
    return {name: (b[0], b[1], b[2], b[3]) for name, b in boxes.items()}


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not on PATH")
def test_pyramid_renders_centred_top_tier_on_top_in_tier_colours(tmp_path: Path) -> None:
    counts = (15, 46, 89, 150)
    book = plain_book(tmp_path, "pyramid.xlsx")
    write_workbook(book, [pyramid_sheet(counts)], remove=["Customers"], backups=0)
    (pdf,) = _soffice([book], tmp_path / "lo", "pdf")
    subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    (page,) = tmp_path.glob("page*.ppm")
    width, height, pixels = _read_ppm(page)
    boxes = _boxes(width, height, pixels, list(TIER_COLORS))
    assert set(boxes) == set(TIER_COLORS), f"tier colours found: {sorted(boxes)}"
    ordered = [boxes[c] for c in TIER_COLORS]
    centres = [(left + right) / 2 for left, _, right, _ in ordered]
    assert max(centres) - min(centres) <= 3, f"bars are not centred: {centres}"
    tops = [top for _, top, _, _ in ordered]
    assert tops == sorted(tops), f"top tier is not on top: {tops}"
    widths = [right - left for left, _, right, _ in ordered]
    assert widths == sorted(widths)
    assert widths[0] / widths[-1] == pytest.approx(counts[0] / counts[-1], abs=0.03)
