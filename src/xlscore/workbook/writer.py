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

import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xlscore.errors import WorkbookError
from xlscore.workbook.atomic import check_not_open, remove_stale_temps, replace_with_backup, temp_file_for
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


@dataclass(frozen=True)
class WriteReport:
    target: Path
    backup: Path | None
    replaced: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    parts_removed: tuple[str, ...]
    size: int  # bytes of the written book
    seconds: float


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
) -> WriteReport:
    """Write ``sheets`` into a copy of ``source`` and atomically replace ``target``.

    ``target`` defaults to ``source`` (in place, keeping ``backups`` old versions as
    ``book.xlsx.bak1``...). A sheet whose name exists (any case) is replaced where it is;
    a new one is appended; sheets named in ``remove`` are removed. ``progress`` is called
    with the number of rows written after each chunk.
    """
    started = time.perf_counter()
    source = Path(source)
    target = Path(target) if target is not None else source
    _check_request(sheets, remove)
    check_not_open(target, force)
    remove_stale_temps(target)
    with Package.open(source, check_cells=False) as pkg:
        _check_suffix(pkg, target)
        plan = make_plan(pkg, sheets, remove, full_calc_on_load)
        with temp_file_for(target) as temp:
            _write_package(pkg, plan, temp, progress)
            size = temp.stat().st_size
            pkg.close()  # before the replace: Windows cannot replace an open file
            backup = replace_with_backup(temp, target, backups)
    return WriteReport(
        target=target,
        backup=backup,
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
