"""Decide, before any byte is written, what a write does to the package.

Which sheets are replaced (in place: same position, sheetId and relationship id), added
(at the end) or removed; which parts they owned (found by following relationships: the
parts that nothing else reaches any more); the names and ids of the new parts; and the
edited registration parts (workbook, its rels, content types, calcChain).
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field

from xlscore.errors import WorkbookError
from xlscore.workbook.bookedit import (
    add_sheet,
    edit_content_types,
    edit_rels,
    filter_calc_chain,
    remove_sheets,
    rename_sheet,
    set_active_tab,
    set_full_calc_on_load,
    set_print_titles,
    sheet_position,
)
from xlscore.workbook.package import Package, SheetEntry
from xlscore.workbook.sheetdata import OutputSheet, OutputTable
from xlscore.workbook.styles import StyleBook
from xlscore.workbook.xmltext import attr, decode_part, local

__all__ = ["CT", "REL", "Plan", "SheetPlan", "TablePlan", "make_plan"]

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
REL = {k: _R + k for k in ("worksheet", "table", "drawing", "chart", "styles", "calcChain")}
_CT = "application/vnd.openxmlformats-officedocument."
CT = {
    "worksheet": _CT + "spreadsheetml.worksheet+xml",
    "table": _CT + "spreadsheetml.table+xml",
    "drawing": _CT + "drawing+xml",
    "chart": _CT + "drawingml.chart+xml",
    "styles": _CT + "spreadsheetml.styles+xml",
}


@dataclass
class TablePlan:
    table: OutputTable
    part: str
    table_id: int
    rel_id: str  # in the sheet's rels


@dataclass
class SheetPlan:
    sheet: OutputSheet
    part: str
    rel_id: str  # in the workbook's rels
    sheet_id: int
    replaces: SheetEntry | None
    tables: list[TablePlan] = field(default_factory=list)
    drawing: str | None = None
    chart: str | None = None

    @property
    def drawing_rel(self) -> str:
        return f"rId{len(self.tables) + 1}"


@dataclass
class Plan:
    sheets: list[SheetPlan]
    removed: list[SheetEntry]
    deleted: set[str]  # parts not copied
    edited: dict[str, bytes | None]  # part -> new bytes (None: drop the part)
    styles_part: str
    styles: StyleBook

    def new_parts(self) -> set[str]:
        """Every part the write creates (some reuse the name of a part it removes)."""
        out: set[str] = set()
        for p in self.sheets:
            out |= {p.part, Package.rels_part(p.part), *(t.part for t in p.tables)}
            if p.drawing and p.chart:
                out |= {p.drawing, Package.rels_part(p.drawing), p.chart}
        return out


class _Names:
    """Free part names and relationship ids."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = {name.lower() for name in taken}

    def part(self, pattern: str) -> str:
        n = 1
        while True:
            name = pattern.format(n)
            if name.lower() not in self.taken and Package.rels_part(name).lower() not in self.taken:
                self.taken.add(name.lower())
                return name
            n += 1


def _reachable(pkg: Package, start: Sequence[str], blocked: set[tuple[str, str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        part = stack.pop()
        for rel in pkg.rels(part):
            if rel.external or (part, rel.id) in blocked or not pkg.has(rel.target):
                continue
            target = pkg.info(rel.target).filename
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def _rel_target(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def make_plan(pkg: Package, sheets: Sequence[OutputSheet], remove: Sequence[str], full_calc: bool) -> Plan:
    book = pkg.path.name
    existing = pkg.sheets()
    by_name = {s.name.lower(): s for s in existing}
    wanted = {s.name.lower() for s in sheets}
    removed = [by_name[n.lower()] for n in dict.fromkeys(remove) if n.lower() in by_name and n.lower() not in wanted]
    replaced = {s.name.lower(): by_name[s.name.lower()] for s in sheets if s.name.lower() in by_name}
    going = [*removed, *replaced.values()]
    if len(existing) - len(removed) + len(sheets) - len(replaced) == 0:
        raise WorkbookError(f"{book}: removing {', '.join(s.name for s in removed)} would leave no sheet.")

    wb = pkg.workbook_part
    blocked = {(wb, s.rel_id) for s in going}
    still = _reachable(pkg, [""], blocked)
    owned = {s.part for s in going} | _reachable(pkg, [s.part for s in going], set())
    deleted = owned - still
    deleted |= {Package.rels_part(p) for p in deleted if pkg.has(Package.rels_part(p))}
    deleted = {pkg.info(p).filename for p in deleted if pkg.has(p)}

    _check_table_names(pkg, sheets, {s.name for s in going})
    names = _Names(set(pkg.names) - deleted)
    # Reserve the parts replaced sheets keep before a new sheet listed earlier can take one.
    names.taken |= {old.part.lower() for old in replaced.values()
                    if old.part.startswith("xl/worksheets/") and old.part in deleted}
    rel_ids = {rel.id for rel in pkg.rels(wb)}
    next_table_id = max([0, *(t.table_id for t in pkg.tables() if t.sheet not in {s.name for s in going})]) + 1
    next_sheet_id = max([0, *(s.sheet_id for s in existing)]) + 1
    plans: list[SheetPlan] = []
    for sheet in sheets:
        old = replaced.get(sheet.name.lower())
        if old is not None and old.part.startswith("xl/worksheets/") and old.part in deleted:
            part = old.part
            names.taken.add(part.lower())
        else:
            part = names.part("xl/worksheets/sheet{}.xml")
        if old is not None:
            plan = SheetPlan(sheet, part, old.rel_id, old.sheet_id, old)
        else:
            rel_id = _free_id(rel_ids)
            plan = SheetPlan(sheet, part, rel_id, next_sheet_id, None)
            next_sheet_id += 1
        for i, table in enumerate(sheet.tables, start=1):
            plan.tables.append(TablePlan(table, names.part("xl/tables/table{}.xml"), next_table_id, f"rId{i}"))
            next_table_id += 1
        if sheet.chart is not None:
            plan.drawing = names.part("xl/drawings/drawing{}.xml")
            plan.chart = names.part("xl/charts/chart{}.xml")
        plans.append(plan)

    edited: dict[str, bytes | None] = {}
    styles_part, styles = _styles(pkg, names)
    edited[wb] = _workbook(pkg, plans, removed, full_calc)
    calc_rel_drop = _calc_chain(pkg, going, edited)
    wb_rels = Package.rels_part(wb)
    add_rels = [(p.rel_id, REL["worksheet"], _rel_target(wb, p.part)) for p in plans]
    drop_rels = {s.rel_id for s in going} | calc_rel_drop
    if styles.created:
        add_rels.append((_free_id(rel_ids), REL["styles"], _rel_target(wb, styles_part)))
    text, codec = _text(pkg, wb_rels)
    edited[wb_rels] = edit_rels(text, drop_rels, add_rels).encode(codec)
    overrides = {}
    for p in plans:
        overrides[p.part] = CT["worksheet"]
        overrides.update({t.part: CT["table"] for t in p.tables})
        if p.drawing and p.chart:
            overrides[p.drawing] = CT["drawing"]
            overrides[p.chart] = CT["chart"]
    if styles.created:
        overrides[styles_part] = CT["styles"]
    dropped = deleted | {part for part, data in edited.items() if data is None}
    types_part = pkg.info("[Content_Types].xml").filename
    text, codec = _text(pkg, types_part)
    edited[types_part] = edit_content_types(text, dropped, overrides).encode(codec)
    return Plan(plans, removed, deleted, edited, styles_part, styles)


def _free_id(taken: set[str]) -> str:
    n = len(taken) + 1
    while f"rId{n}" in taken:
        n += 1
    taken.add(f"rId{n}")
    return f"rId{n}"


def _check_table_names(pkg: Package, sheets: Sequence[OutputSheet], going: set[str]) -> None:
    book = pkg.path.name
    others = {t.name.lower(): t for t in pkg.tables() if t.sheet not in going}
    seen: dict[str, str] = {}
    root = pkg.read_xml(pkg.workbook_part)
    defined = {attr(el, "name").lower() for group in root if local(group.tag) == "definedNames"
               for el in group if not attr(el, "localSheetId")}
    for sheet in sheets:
        for table in sheet.tables:
            key = table.name.lower()
            if key in others:
                raise WorkbookError(f"{book}: table name {table.name} is already used by a table on sheet "
                                    f"'{others[key].sheet}'; table names must be unique in a workbook.")
            if key in seen:
                raise WorkbookError(f"{book}: sheets '{seen[key]}' and '{sheet.name}' both have a table "
                                    f"named {table.name}.")
            if key in defined:
                raise WorkbookError(f"{book}: table name {table.name} is already a defined name in the "
                                    "workbook; rename or delete that name (Formulas > Name Manager).")
            seen[key] = sheet.name


def _styles(pkg: Package, names: _Names) -> tuple[str, StyleBook]:
    for rel in pkg.rels(pkg.workbook_part):
        if rel.kind == "styles" and not rel.external and pkg.has(rel.target):
            part = pkg.info(rel.target).filename
            return part, StyleBook(pkg.read(part), part, pkg.path.name)
    part = "xl/styles.xml" if "xl/styles.xml" not in names.taken else names.part("xl/styles{}.xml")
    names.taken.add(part)
    return part, StyleBook(None)


def _text(pkg: Package, part: str) -> tuple[str, str]:
    return decode_part(pkg.read(part), part, pkg.path.name)


def _workbook(pkg: Package, plans: list[SheetPlan], removed: list[SheetEntry], full_calc: bool) -> bytes:
    text, codec = _text(pkg, pkg.workbook_part)
    for plan in plans:
        if plan.replaces is None:
            text = add_sheet(text, plan.sheet.name, plan.sheet_id, plan.rel_id)
        elif plan.replaces.name != plan.sheet.name:
            text = rename_sheet(text, plan.rel_id, plan.sheet.name)
    if removed:
        text = remove_sheets(text, [s.rel_id for s in removed])
    for plan in plans:
        if plan.sheet.print_title_row:
            text = set_print_titles(text, sheet_position(text, plan.rel_id), plan.sheet.name,
                                    plan.sheet.print_title_row)
        if plan.sheet.active:
            text = set_active_tab(text, sheet_position(text, plan.rel_id))
    if full_calc:
        text = set_full_calc_on_load(text)
    return text.encode(codec)


def _calc_chain(pkg: Package, going: list[SheetEntry], edited: dict[str, bytes | None]) -> set[str]:
    """Drop calcChain entries of sheets that go; returns the rel ids to drop with the part."""
    for rel in pkg.rels(pkg.workbook_part):
        if rel.kind != "calcChain" or rel.external or not pkg.has(rel.target):
            continue
        part = pkg.info(rel.target).filename
        text, codec = _text(pkg, part)
        new = filter_calc_chain(text, {s.sheet_id for s in going})
        if new is None:
            edited[part] = None
            return {rel.id}
        if new != text:
            edited[part] = new.encode(codec)
    return set()

