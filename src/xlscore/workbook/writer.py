"""Write xlscore's sheets into a user's workbook without touching anything else.

The book is rewritten at the zip level: every part xlscore does not own is copied byte
for byte (its compressed bytes moved as they are), the sheets it owns are streamed in
fresh, and only the entries that register sheets are edited, as text. The result goes to
a temporary file next to the target and replaces it atomically, keeping backups.

Choices worth knowing:

* Text longer than Excel's 32,767 characters per cell is refused with a
  :class:`WorkbookError` naming the cell, rather than silently truncated.
* Dates before 1900-01-01 cannot be Excel dates and are refused the same way; dates in
  January and February 1900 get the serial numbers Excel's 1900 leap-year bug implies.
* Infinite numbers are written as the ``#NUM!`` error.
"""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xlscore.errors import WorkbookError
from xlscore.workbook.atomic import (
    check_not_open,
    link_target,
    remove_stale_temps,
    replace_with_backup,
    temp_file_for,
    unfinished_write,
)
from xlscore.workbook.backups import XLSCORE_ZIP_COMMENT
from xlscore.workbook.bookedit import new_rels
from xlscore.workbook.chart import drawing_xml
from xlscore.workbook.package import Package
from xlscore.workbook.plan import REL, Plan, SheetPlan, make_plan
from xlscore.workbook.serieschart import chart_part_xml
from xlscore.workbook.sheetdata import OutputSheet
from xlscore.workbook.sheetlayout import as_values, check_sheet
from xlscore.workbook.sheetxml import SheetRels, write_sheet
from xlscore.workbook.tablexml import table_xml
from xlscore.workbook.zipcopy import copy_entry, new_info

__all__ = ["COMPRESS_LEVEL", "WriteReport", "write_workbook"]

# zlib level for the parts xlscore writes; see benchmarks/bench_writer.py for the trade-off.
COMPRESS_LEVEL = 1
_MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlam"}
_PLAIN_SUFFIXES = {".xlsx", ".xltx"}
_ZIP64_THRESHOLD = 3 << 30  # estimated part size above which the entry is written as zip64
_REF = re.compile(r"\$?[A-Z]{1,3}\$?\d+:\$?([A-Z]{1,3})\$?(\d+)")


@dataclass(frozen=True)
class WriteReport:
    target: Path  # as given (a symbolic link stays one: the book it points to was written)
    backup: Path | None  # where the previous content of the target is kept
    replaced: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    parts_removed: tuple[str, ...]
    size: int  # bytes of the written book
    seconds: float
    original: Path | None = None  # the book as it was before xlscore first wrote it
    unchanged: bool = False  # the target already held exactly these bytes
    notes: tuple[str, ...] = ()  # how links were followed or kept


def write_workbook(
    source: Path,
    sheets: Sequence[OutputSheet],
    *,
    target: Path | None = None,
    force: bool = False,
    backups: int = 3,
    full_calc_on_load: bool = False,
    remove: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
    resize_tables: Mapping[str, int] | None = None,
) -> WriteReport:
    """Write ``sheets`` into a copy of ``source`` and atomically replace ``target``.

    ``target`` defaults to ``source`` (in place, keeping ``backups`` old versions as
    ``book.xlsx.bak1``... and the book before xlscore's first write as ``book.xlsx.orig``;
    a target that is a symbolic link is written through). A sheet whose name exists (any case) is replaced where it is;
    a new one is appended; sheets named in ``remove`` are removed. ``progress`` is called
    with the number of rows written after each chunk. ``resize_tables`` grows input tables
    (name -> rows) over the rows typed right below them.
    """
    started = time.perf_counter()
    source = Path(source)
    target = Path(target) if target is not None else source
    real = link_target(target)  # a symbolic link is written through and stays a link
    _check_request(sheets, remove)
    check_not_open(target, force)
    if real != target:
        check_not_open(real, force)
    remove_stale_temps(real)
    with Package.open(source, check_cells=False) as pkg:
        _check_suffix(pkg, target)
        plan = make_plan(pkg, sheets, remove, full_calc_on_load)
        _grow_tables(pkg, plan, resize_tables or {})
        with temp_file_for(real) as temp:
            try:
                _write_package(pkg, plan, temp, progress)
            except OSError as exc:  # a full disk: the temporary file goes, the book stays as it was
                raise unfinished_write(target, exc) from None
            size = temp.stat().st_size
            pkg.close()  # before the replace: Windows cannot replace an open file
            replaced = replace_with_backup(temp, real, backups)
    link_note = (f"{target} is a link: wrote through to {real}",) if real != target else ()
    return WriteReport(
        target=target,
        backup=replaced.backup,
        original=replaced.original,
        unchanged=replaced.unchanged,
        notes=link_note + replaced.notes,
        replaced=tuple(p.sheet.name for p in plan.sheets if p.replaces is not None),
        added=tuple(p.sheet.name for p in plan.sheets if p.replaces is None),
        removed=tuple(s.name for s in plan.removed),
        parts_removed=tuple(sorted(plan.deleted - plan.new_parts())),
        size=size,
        seconds=time.perf_counter() - started,
    )


def _check_request(sheets: Sequence[OutputSheet], remove: Sequence[str]) -> None:
    names: set[str] = set()
    for sheet in sheets:
        check_sheet(sheet)
        if sheet.name.lower() in names:
            raise WorkbookError(f"two output sheets are named '{sheet.name}'; sheet names must be unique.")
        names.add(sheet.name.lower())
    both = names & {n.lower() for n in remove}
    if both:
        raise ValueError(f"sheets both written and removed: {sorted(both)}")


def _grow_tables(pkg: Package, plan: Plan, rows: Mapping[str, int]) -> None:
    """Edit the ``ref`` of each table in ``rows`` (and of its autoFilter) to take in rows below it."""
    wanted = {name.casefold(): n for name, n in rows.items() if n > 0}
    for entry in pkg.tables():
        n = wanted.get(entry.name.casefold())
        if n is None or entry.part in plan.edited:
            continue
        match = _REF.fullmatch(entry.ref)
        if match is None:
            raise WorkbookError(f"table {entry.name} has the range {entry.ref!r}; it cannot be extended")
        grown = f"{match[1]}{int(match[2]) + n}"
        old = entry.ref.encode()
        new = f"{entry.ref.split(':')[0]}:{grown}".encode()
        plan.edited[entry.part] = pkg.read(entry.part).replace(b'ref="' + old + b'"', b'ref="' + new + b'"')


def _check_suffix(pkg: Package, target: Path) -> None:
    suffix = target.suffix.lower()
    if pkg.is_macro_enabled and suffix in _PLAIN_SUFFIXES:
        raise WorkbookError(f"{pkg.path.name} contains macros, so it must be saved as .xlsm (Excel refuses an "
                            f".xlsx with macros); choose an output name ending in .xlsm, not {target.name}.")
    if not pkg.is_macro_enabled and suffix in _MACRO_SUFFIXES:
        raise WorkbookError(f"{pkg.path.name} has no macros, so it must be saved as .xlsx (Excel refuses a "
                            f"{suffix} file without them); choose an output name ending in .xlsx, not {target.name}.")


def _write_package(pkg: Package, plan: Plan, temp: Path, progress: Callable[[int], None] | None) -> None:
    force_zip64 = False
    while True:
        try:
            _write_zip(pkg, plan, temp, progress, force_zip64)
            return
        except RuntimeError as exc:  # an entry grew past 4 GiB: write it again as zip64
            if force_zip64 or "zip64" not in str(exc).lower():
                raise
            force_zip64 = True


def _write_zip(pkg: Package, plan: Plan, temp: Path, progress: Callable[[int], None] | None,
               force_zip64: bool) -> None:
    with pkg.path.open("rb") as raw, zipfile.ZipFile(
        temp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
    ) as out:
        out.comment = XLSCORE_ZIP_COMMENT  # later runs tell xlscore's output from the user's original
        for name in pkg.names:
            if name in plan.edited:
                data = plan.edited[name]
                if data is not None:
                    out.writestr(new_info(name, pkg.info(name)), data)
            elif name == plan.styles_part or name in plan.deleted:
                continue
            else:
                copy_entry(raw, pkg.info(name), out)
        for sheet_plan in plan.sheets:
            _write_sheet_parts(out, sheet_plan, plan, progress, force_zip64)
        like = pkg.info(plan.styles_part) if pkg.has(plan.styles_part) else None
        out.writestr(new_info(plan.styles_part, like), plan.styles.render())


def _write_sheet_parts(out: zipfile.ZipFile, sp: SheetPlan, plan: Plan,
                       progress: Callable[[int], None] | None, force_zip64: bool) -> None:
    sheet = sp.sheet
    rels = SheetRels(sp.drawing_rel if sp.drawing else None, tuple(t.rel_id for t in sp.tables))
    info = new_info(sp.part, level=COMPRESS_LEVEL)
    zip64 = force_zip64 or _estimated_size(sheet) > _ZIP64_THRESHOLD
    with out.open(info, "w", force_zip64=zip64) as stream:
        write_sheet(stream, sheet, rels, plan.styles, progress)
    sheet_rels = [(t.rel_id, REL["table"], "../tables/" + t.part.rsplit("/", 1)[1]) for t in sp.tables]
    for t in sp.tables:
        out.writestr(new_info(t.part), table_xml(t.table, t.table_id))
    if sheet.chart is not None and sp.drawing and sp.chart:
        sheet_rels.append((sp.drawing_rel, REL["drawing"], "../drawings/" + sp.drawing.rsplit("/", 1)[1]))
        out.writestr(new_info(sp.drawing), drawing_xml(sheet.chart, "rId1"))
        chart_target = "../charts/" + sp.chart.rsplit("/", 1)[1]
        out.writestr(new_info(Package.rels_part(sp.drawing)), new_rels([("rId1", REL["chart"], chart_target)]))
        out.writestr(new_info(sp.chart), chart_part_xml(sheet.chart, sheet))
    if sheet_rels:
        out.writestr(new_info(Package.rels_part(sp.part)), new_rels(sheet_rels))


def _estimated_size(sheet: OutputSheet) -> float:
    """A generous estimate of the sheet part's size, from a sample of each column.

    An underestimate is caught when the entry closes, and the book is written again
    with zip64 entries.
    """
    total = 0.0
    for table in sheet.tables:
        n = table.n_rows
        for column in table.columns:
            if n == 0:
                continue
            values = as_values(column.values)
            sample = [values[int(i)] for i in np.linspace(0, n - 1, min(n, 200)).astype(int)]
            texts = [len(v) for v in sample if isinstance(v, str)]
            mean_text = sum(texts) / len(sample) if texts else 0.0
            total += n * (120 + 6 * mean_text)
    return total
