"""Text-level edits of the parts that register sheets: workbook, its rels, content types,
calcChain.

These parts belong to the user: they are edited as text (an element inserted, removed or
one attribute changed), never parsed and re-serialised, so namespace declarations,
extensions and unknown markup come through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from xlscore.errors import WorkbookError
from xlscore.workbook.xmltext import NS_PKG_RELS, NS_REL, XML_DECL, attrs_of, esc_attr

__all__ = [
    "add_sheet",
    "edit_content_types",
    "edit_rels",
    "filter_calc_chain",
    "new_rels",
    "remove_sheets",
    "rename_sheet",
    "set_full_calc_on_load",
]


def _prefix(text: str, root: str) -> str:
    match = re.search(rf"<(\w+:)?{root}\b", text)
    return match.group(1) or "" if match else ""


def _elements(text: str, p: str, name: str) -> list[re.Match[str]]:
    """Every ``<p:name .../>`` or ``<p:name ...>...</p:name>`` element, in order."""
    tag = re.escape(p + name)
    return list(re.finditer(rf"<{tag}\b[^>]*?(?:/>|>.*?</{tag}\s*>)", text, flags=re.S))


def _rel_prefix(workbook: str) -> tuple[str, str]:
    """The prefix bound to the relationships namespace, and a declaration if none is."""
    match = re.search(rf'xmlns:(\w+)\s*=\s*["\']{re.escape(NS_REL)}["\']', workbook)
    if match:
        return match.group(1), ""
    return "r", f' xmlns:r="{NS_REL}"'


# ------------------------------------------------------------------ workbook
def add_sheet(workbook: str, name: str, sheet_id: int, rel_id: str) -> str:
    """Append a ``<sheet>`` at the end of ``<sheets>``."""
    p = _prefix(workbook, "workbook")
    r, declare = _rel_prefix(workbook)
    element = f'<{p}sheet name="{esc_attr(name)}" sheetId="{sheet_id}"{declare} {r}:id="{rel_id}"/>'
    close = workbook.find(f"</{p}sheets>")
    if close < 0:
        empty = re.search(rf"<{re.escape(p)}sheets\s*/>", workbook)
        if empty is None:
            raise WorkbookError("the workbook part (xl/workbook.xml) has no <sheets> element: the file is damaged; "
                                    "open and save it in Excel, then try again")
        return workbook[: empty.start()] + f"<{p}sheets>{element}</{p}sheets>" + workbook[empty.end():]
    return workbook[:close] + element + workbook[close:]


def _sheet_elements(workbook: str) -> list[tuple[re.Match[str], dict[str, str]]]:
    p = _prefix(workbook, "workbook")
    out = []
    for match in _elements(workbook, p, "sheet"):
        start_tag = match.group(0).split(">", 1)[0]
        out.append((match, attrs_of(start_tag)))
    return out


def _rel_id(attrs: Mapping[str, str]) -> str:
    return next((v for k, v in attrs.items() if k.endswith(":id")), "")


def rename_sheet(workbook: str, rel_id: str, new_name: str) -> str:
    """Give the sheet registered under ``rel_id`` a new name (same position and sheetId)."""
    for match, attrs in _sheet_elements(workbook):
        if _rel_id(attrs) == rel_id:
            old = match.group(0)
            new = re.sub(r'\bname\s*=\s*("[^"]*"|\'[^\']*\')', lambda _: f'name="{esc_attr(new_name)}"', old, count=1)
            return workbook[: match.start()] + new + workbook[match.end():]
    raise WorkbookError(f"the workbook lists no sheet with relationship {rel_id}: the file is damaged; open and "
                        "save it in Excel, then try again")


def remove_sheets(workbook: str, rel_ids: Iterable[str]) -> str:
    """Drop sheets; shift the sheet positions defined names and the workbook view refer to."""
    wanted = set(rel_ids)
    sheets = _sheet_elements(workbook)
    positions = [i for i, (_, attrs) in enumerate(sheets) if _rel_id(attrs) in wanted]
    remaining = len(sheets) - len(positions)
    for match, attrs in reversed(sheets):
        if _rel_id(attrs) in wanted:
            workbook = workbook[: match.start()] + workbook[match.end():]
    p = _prefix(workbook, "workbook")
    for match in reversed(_elements(workbook, p, "definedName")):
        attrs = attrs_of(match.group(0).split(">", 1)[0])
        if "localSheetId" not in attrs:
            continue
        local_id = int(attrs["localSheetId"])
        if local_id in positions:
            workbook = workbook[: match.start()] + workbook[match.end():]
            continue
        shifted = local_id - sum(1 for pos in positions if pos < local_id)
        if shifted != local_id:
            new = re.sub(r'localSheetId="\d+"', f'localSheetId="{shifted}"', match.group(0), count=1)
            workbook = workbook[: match.start()] + new + workbook[match.end():]
    workbook = re.sub(rf"<{re.escape(p)}definedNames\s*>\s*</{re.escape(p)}definedNames\s*>", "", workbook)
    for match in reversed(_elements(workbook, p, "workbookView")):
        start_tag = match.group(0).split(">", 1)[0]
        new_tag = start_tag
        for key in ("activeTab", "firstSheet"):
            found = re.search(rf'\b{key}="(\d+)"', new_tag)
            if found:
                index = int(found.group(1))
                index -= sum(1 for pos in positions if pos < index)
                index = max(0, min(index, remaining - 1))
                new_tag = new_tag[: found.start()] + f'{key}="{index}"' + new_tag[found.end():]
        workbook = workbook[: match.start()] + new_tag + workbook[match.start() + len(start_tag):]
    return workbook


def set_full_calc_on_load(workbook: str) -> str:
    """Ask Excel to recalculate every formula when it opens the book."""
    p = _prefix(workbook, "workbook")
    calc = re.search(rf"<{re.escape(p)}calcPr\b[^>]*?/?>", workbook)
    if calc is None:
        # calcPr follows sheets / functionGroups / externalReferences / definedNames
        anchors = [f"</{p}definedNames>", f"</{p}externalReferences>", f"</{p}functionGroups>", f"</{p}sheets>"]
        for anchor in anchors:
            pos = workbook.find(anchor)
            if pos >= 0:
                pos += len(anchor)
                return workbook[:pos] + f'<{p}calcPr fullCalcOnLoad="1"/>' + workbook[pos:]
        return workbook
    tag = calc.group(0)
    if re.search(r'\bfullCalcOnLoad="', tag):
        new = re.sub(r'\bfullCalcOnLoad="[^"]*"', 'fullCalcOnLoad="1"', tag)
    else:
        end = -2 if tag.endswith("/>") else -1
        new = tag[:end].rstrip() + ' fullCalcOnLoad="1"' + tag[end:]
    return workbook[: calc.start()] + new + workbook[calc.end():]


# ---------------------------------------------------------------------- rels
def new_rels(relations: Iterable[tuple[str, str, str]]) -> str:
    items = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{esc_attr(target)}"/>' for i, t, target in relations)
    return f'{XML_DECL}<Relationships xmlns="{NS_PKG_RELS}">{items}</Relationships>'


def edit_rels(rels: str, remove_ids: Iterable[str], add: Iterable[tuple[str, str, str]]) -> str:
    p = _prefix(rels, "Relationships")
    drop = set(remove_ids)
    for match in reversed(_elements(rels, p, "Relationship")):
        if attrs_of(match.group(0).split(">", 1)[0]).get("Id") in drop:
            rels = rels[: match.start()] + rels[match.end():]
    items = "".join(f'<{p}Relationship Id="{i}" Type="{t}" Target="{esc_attr(target)}"/>' for i, t, target in add)
    return _insert_before_close(rels, p, "Relationships", items)


def _insert_before_close(text: str, p: str, root: str, items: str) -> str:
    if not items:
        return text
    close = text.rfind(f"</{p}{root}>")
    if close >= 0:
        return text[:close] + items + text[close:]
    empty = re.search(rf"<{re.escape(p + root)}\b([^>]*?)/>", text)
    if empty is None:
        raise WorkbookError(f"a part of the workbook has no <{root}> element: the file is damaged; open and save it "
                            "in Excel, then try again")
    return text[: empty.start()] + f"<{p}{root}{empty.group(1)}>{items}</{p}{root}>" + text[empty.end():]


# ------------------------------------------------------------- content types
def edit_content_types(types: str, remove_parts: Iterable[str], overrides: Mapping[str, str]) -> str:
    """Drop the overrides of removed parts, add (or replace) overrides of new ones."""
    p = _prefix(types, "Types")
    drop = {part.lower().lstrip("/") for part in remove_parts} | {part.lower() for part in overrides}
    for match in reversed(_elements(types, p, "Override")):
        part = attrs_of(match.group(0).split(">", 1)[0]).get("PartName", "")
        if part.lower().lstrip("/") in drop:
            types = types[: match.start()] + types[match.end():]
    items = "".join(f'<{p}Override PartName="/{esc_attr(part)}" ContentType="{ct}"/>' for part, ct in overrides.items())
    return _insert_before_close(types, p, "Types", items)


# ------------------------------------------------------------------ calcChain
def filter_calc_chain(chain: str, sheet_ids: set[int]) -> str | None:
    """Drop the entries of the given sheets; None when no entry is left.

    An entry without ``i`` belongs to the sheet of the entry before it, so kept entries
    are written with an explicit ``i``.
    """
    p = _prefix(chain, "calcChain")
    current = 0
    kept: list[str] = []
    changed = False
    for match in _elements(chain, p, "c"):
        tag = match.group(0)
        found = re.search(r'\bi="(\d+)"', tag)
        if found:
            current = int(found.group(1))
        if current in sheet_ids:
            changed = True
            continue
        if not found:
            tag = re.sub(rf"^<{re.escape(p)}c\b", f'<{p}c i="{current}"', tag)
        kept.append(tag)
    if not changed:
        return chain
    if not kept:
        return None
    start = re.search(rf"<{re.escape(p)}calcChain\b[^>]*>", chain)
    assert start is not None
    return chain[: start.end()] + "".join(kept) + f"</{p}calcChain>"
