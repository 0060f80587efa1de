"""A safe, read-only view of an .xlsx / .xlsm / .xlam package (a zip of XML parts).

:meth:`Package.open` refuses, with a message a person can act on, anything that is not a
workbook xlscore can handle: a missing file, an ``.xls`` or password-protected file, a
CSV or HTML file renamed ``.xlsx``, a damaged or truncated zip, a zip bomb, XML with DTDs
or entity declarations. All of this is checked before any cell is parsed: the reader
calls it first, then reads cells with python-calamine.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import TracebackType
from xml.etree.ElementTree import Element

from xlscore.errors import UsageError, WorkbookError
from xlscore.workbook.limits import Limits, check_entries, human_size
from xlscore.workbook.sniff import describe_non_zip, scan_extent, scan_prolog
from xlscore.workbook.xmltext import attr, local, parse_xml

__all__ = ["Limits", "Package", "Relationship", "SheetEntry", "TableEntry"]

CT_MAIN = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": False,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": False,
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": True,
    "application/vnd.ms-excel.template.macroEnabled.main+xml": True,
    "application/vnd.ms-excel.addin.macroEnabled.main+xml": True,
}
REL_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str  # resolved part name (no leading "/"), or the raw target when external
    external: bool = False

    @property
    def kind(self) -> str:
        """Last segment of the relationship type: ``worksheet``, ``table``, ``drawing``..."""
        return self.type.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class SheetEntry:
    name: str
    sheet_id: int
    rel_id: str
    part: str  # e.g. xl/worksheets/sheet1.xml
    state: str = "visible"  # visible | hidden | veryHidden
    kind: str = "worksheet"  # worksheet | chartsheet | dialogsheet | macrosheet


@dataclass(frozen=True)
class TableEntry:
    name: str  # the displayName, the one formulas use
    ref: str  # e.g. A1:F20
    sheet: str
    part: str
    header_row_count: int = 1
    totals_row_count: int = 0
    table_id: int = 0
    columns: tuple[str, ...] = ()  # the tableColumn names, in order


class Package:
    """An open workbook package. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path, zf: zipfile.ZipFile, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self._zf = zf
        self._infos = {info.filename: info for info in zf.infolist()}
        self._by_lower = {name.lower(): name for name in self._infos}
        self.workbook_part = ""
        self.last_rows: dict[str, int] = {}  # sheet name -> last row holding a row element (after the scan)
        self._rels_cache: dict[str, list[Relationship]] = {}
        self.blank_word_sheets: set[str] = set()  # sheets whose own text cells hold a BLANK_WORD (after the scan)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: Path | str, limits: Limits | None = None, *, check_cells: bool = True) -> Package:
        """Open and check ``path``; ``check_cells=False`` skips the scan of sheet extents
        (for callers that copy sheets without parsing their cells)."""
        path = Path(path)
        limits = limits or Limits()
        if not path.exists():
            raise UsageError(f"{path}: file not found")
        if not path.is_file():
            raise UsageError(f"{path}: not a file (a workbook .xlsx/.xlsm/.xlam is expected)")
        with path.open("rb") as fh:
            head = fh.read(8)
        if not head.startswith(b"PK"):
            raise WorkbookError(describe_non_zip(path))
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise WorkbookError(
                f"{path.name} is damaged or incomplete: its zip directory cannot be read ({exc}). "
                "This happens when a download or copy was cut short; use the original file or a backup."
            ) from None
        pkg = cls(path, zf, limits)
        try:
            pkg._check_entries()
            pkg._check_structure()
            if check_cells:
                pkg._check_extents()
        except BaseException:
            zf.close()
            raise
        return pkg

    def close(self) -> None:
        self._zf.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _fail(self, what: str) -> WorkbookError:
        joiner = " " if what.startswith(("has ", "is ", "holds ", "would ", "its ")) else ": "
        return WorkbookError(f"{self.path.name}{joiner}{what}")

    def _check_entries(self) -> None:
        problem = check_entries(self._zf.infolist(), self.path.stat().st_size, self.limits)
        if problem:
            raise self._fail(problem)

    def _check_structure(self) -> None:
        names = self.names
        if "[content_types].xml" not in self._by_lower:
            raise self._fail("has no [Content_Types].xml, so it is not an Office Open XML file. "
                             "Open it in Excel and save it as an Excel Workbook (.xlsx).")
        # A DTD or entity declaration can only sit in the prolog: look there in every XML part
        # (cheap: a few KB each) before anything parses it.
        for name in names:
            if name.lower().endswith((".xml", ".rels", ".vml")):
                self._check_prolog(name)
        main = self._main_part()
        content_type = self.content_type(main)
        if content_type is None or content_type not in CT_MAIN:
            raise self._fail(self._wrong_kind(content_type))
        root = self.read_xml(main)
        if root.tag.startswith("{" + STRICT_MAIN):
            raise self._fail("is saved as 'Strict Open XML Spreadsheet', which xlscore does not read. "
                             "In Excel use File > Save As > Excel Workbook (.xlsx).")
        self.workbook_part = main
        self.sheets()  # every sheet must point to a part that exists

    def _check_extents(self) -> None:
        for sheet in self.sheets():
            if sheet.kind != "worksheet":
                continue
            try:
                with self._zf.open(self.info(sheet.part)) as fh:
                    last_row, last_col, far, blank_word = scan_extent(fh)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise self._fail(f"sheet '{sheet.name}' cannot be unpacked ({exc}); the file is damaged. "
                                 "Use the original file or a backup.") from None
            self.last_rows[sheet.name] = last_row
            if blank_word:
                self.blank_word_sheets.add(sheet.name)
            cells = last_row * last_col
            if cells > self.limits.max_sheet_cells:
                where = f"{sheet.name}!{far}" if far else f"sheet '{sheet.name}' row {last_row:,}"
                raise self._fail(
                    f"{where} holds a cell so far from the others that reading sheet '{sheet.name}' would "
                    f"need a grid of {cells:,} cells (limit {self.limits.max_sheet_cells:,}). Delete the stray "
                    "cells (Ctrl+End in Excel shows the last one) and save again."
                )

    def _main_part(self) -> str:
        main = ""
        if self.has("_rels/.rels"):
            for rel in self.rels(""):
                if rel.type == REL_OFFICE_DOCUMENT or rel.type.endswith("/officeDocument"):
                    main = rel.target
        if not main:
            main = "xl/workbook.xml"
        if not self.has(main):
            raise self._fail(f"has no workbook part ({main}); the file is damaged or is not an Excel "
                             "workbook. Open it in Excel and save it as .xlsx, or use a backup.")
        return self._by_lower[main.lower()]

    @staticmethod
    def _wrong_kind(content_type: str | None) -> str:
        ct = content_type or ""
        if "wordprocessingml" in ct:
            return "is a Word document, not an Excel workbook."
        if "presentationml" in ct:
            return "is a PowerPoint presentation, not an Excel workbook."
        if "binary" in ct:
            return ("is an Excel Binary Workbook (.xlsb), which xlscore does not read. In Excel use "
                    "File > Save As > Excel Workbook (.xlsx).")
        return (f"its main part has content type '{ct or 'none'}', not an Excel workbook's. "
                "Open it in Excel and save it as an Excel Workbook (.xlsx).")

    def _check_prolog(self, name: str) -> None:
        try:
            with self._zf.open(self._infos[name]) as fh:
                problem = scan_prolog(fh)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise self._fail(f"part {name} cannot be unpacked ({exc}); the file is damaged or truncated. "
                             "Use the original file or a backup.") from None
        if problem:
            raise self._fail(f"part {name} {problem}. No Excel workbook contains that; the file may be "
                             "crafted to exhaust memory. Re-save it in Excel to get a clean .xlsx.")

    # --------------------------------------------------------------- raw access
    @cached_property
    def names(self) -> list[str]:
        """Part names in zip order."""
        return [info.filename for info in self._zf.infolist()]

    def has(self, part: str) -> bool:
        return part.lower() in self._by_lower

    def info(self, part: str) -> zipfile.ZipInfo:
        return self._infos[self._by_lower[part.lower()]]

    def read(self, part: str) -> bytes:
        """The part's bytes; sizes are enforced while reading, whatever the header claims."""
        if not self.has(part):
            raise self._fail(f"part {part} is missing; the file is damaged.")
        info = self.info(part)
        limit = min(info.file_size, self.limits.max_read)
        if info.file_size > self.limits.max_read:
            raise self._fail(f"part {part} is {human_size(info.file_size)}, "
                             "too large to read into memory.")
        chunks: list[bytes] = []
        got = 0
        try:
            with self._zf.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    got += len(chunk)
                    if got > limit:
                        raise self._fail(f"part {part} unpacks to more than its header says; the file is "
                                         "damaged or crafted.")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise self._fail(f"part {part} cannot be unpacked ({exc}); the file is damaged or truncated. "
                             "Use the original file or a backup.") from None
        except Exception as exc:  # zlib.error and friends from a corrupt stream
            if isinstance(exc, WorkbookError):
                raise
            raise self._fail(f"part {part} cannot be unpacked ({exc}); the file is damaged.") from None
        return b"".join(chunks)

    def read_xml(self, part: str) -> Element:
        return parse_xml(self.read(part), part, self.path.name)

    # ------------------------------------------------------------ package model
    @cached_property
    def _content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        root = self.read_xml(self._by_lower["[content_types].xml"])
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        for el in root:
            if local(el.tag) == "Default":
                defaults[attr(el, "Extension").lower()] = attr(el, "ContentType")
            elif local(el.tag) == "Override":
                overrides[attr(el, "PartName").lstrip("/").lower()] = attr(el, "ContentType")
        return defaults, overrides

    def content_type(self, part: str) -> str | None:
        defaults, overrides = self._content_types
        if part.lower() in overrides:
            return overrides[part.lower()]
        return defaults.get(posixpath.splitext(part)[1].lstrip(".").lower())

    @staticmethod
    def rels_part(part: str) -> str:
        """``xl/workbook.xml`` -> ``xl/_rels/workbook.xml.rels``; ``""`` -> ``_rels/.rels``."""
        folder, base = posixpath.split(part)
        return posixpath.join(folder, "_rels", base + ".rels")

    def rels(self, part: str) -> list[Relationship]:
        """Relationships of a part (empty when it has no rels part)."""
        if part in self._rels_cache:
            return list(self._rels_cache[part])
        rels_name = self.rels_part(part)
        if not self.has(rels_name):
            return []
        folder = posixpath.dirname(part)
        out: list[Relationship] = []
        for el in self.read_xml(rels_name):
            if local(el.tag) != "Relationship":
                continue
            target = attr(el, "Target")
            external = attr(el, "TargetMode") == "External"
            if not external:
                resolved = target[1:] if target.startswith("/") else posixpath.join(folder, target)
                resolved = posixpath.normpath(resolved).lstrip("/")
                target = self._by_lower.get(resolved.lower(), resolved)
            out.append(Relationship(attr(el, "Id"), attr(el, "Type"), target, external))
        self._rels_cache[part] = out
        return list(out)

    @property
    def is_macro_enabled(self) -> bool:
        return CT_MAIN.get(self.content_type(self.workbook_part) or "", False)

    def sheets(self) -> list[SheetEntry]:
        """Sheets in workbook order (the order defined names' sheet positions refer to)."""
        rels = {rel.id: rel for rel in self.rels(self.workbook_part)}
        root = self.read_xml(self.workbook_part)
        out: list[SheetEntry] = []
        for sheets_el in root:
            if local(sheets_el.tag) != "sheets":
                continue
            for el in sheets_el:
                rel_id = attr(el, "id")
                rel = rels.get(rel_id)
                if rel is None or not self.has(rel.target):
                    raise self._fail(f"sheet '{attr(el, 'name')}' points to a part that does not exist; "
                                     "the file is damaged. Open and re-save it in Excel, or use a backup.")
                try:
                    sheet_id = int(attr(el, "sheetId"))
                except ValueError:
                    raise self._fail(f"sheet '{attr(el, 'name')}' has no valid sheetId; "
                                     "the file is damaged.") from None
                out.append(SheetEntry(attr(el, "name"), sheet_id, rel_id, rel.target,
                                      attr(el, "state", "visible"), rel.kind))
        return out

    def tables(self) -> list[TableEntry]:
        out: list[TableEntry] = []
        for sheet in self.sheets():
            for rel in self.rels(sheet.part):
                if rel.kind != "table" or rel.external or not self.has(rel.target):
                    continue
                el = self.read_xml(rel.target)
                out.append(TableEntry(
                    name=attr(el, "displayName") or attr(el, "name"),
                    ref=attr(el, "ref"),
                    sheet=sheet.name,
                    part=rel.target,
                    header_row_count=_int(attr(el, "headerRowCount"), 1),
                    totals_row_count=_int(attr(el, "totalsRowCount"), 0),
                    table_id=_int(attr(el, "id"), 0),
                    columns=tuple(attr(c, "name") for c in el.iter() if local(c.tag) == "tableColumn"),
                ))
        return out


def _int(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default
