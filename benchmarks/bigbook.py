"""Big input books for the benchmarks: the shipped template with N customers, fast.

The Customers sheet is written as XML straight into a copy of the template, the way Excel
saves it (strings in a shared-string table, dates as serial numbers with a date style), and
tblCustomers' ref is widened to cover the rows. The columns are the template's own; their
values are drawn column-wise with numpy from the distributions of ``xlscore demo``
(log-normal sizes, ~3 % blank measures, ~12 % unapproved scores), so every rule is
exercised. 1,048,575 customers take ~10 s.

    python benchmarks/bigbook.py OUT.xlsx --customers 100000 [--seed 7]
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["TEMPLATE", "Column", "draw_customers", "write_big_book"]

TEMPLATE = Path(__file__).resolve().parent.parent / "workbook_templates" / "xlscore-template-en.xlsx"
MAX_CUSTOMERS = 1_048_575  # Excel's 1,048,576 rows, less the header
ROWS_PER_CHUNK = 50_000
_OWNERS = ("Alice Chen", "Bruno Silva", "Chloe Martin", "David Okafor", "Eva Novak")
_NAMES = ("Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum", "Proseware", "Wingtip",
          "Lucerne", "Woodgrove", "Trey", "Coho", "Humongous", "Alpine", "Blue Yonder", "Fourth Coffee")
_KINDS = ("Trading", "Retail", "Foods", "Logistics", "Industries", "Pharma", "Systems", "Motors")
_SST_CT = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
           'officedocument.spreadsheetml.sharedStrings+xml"/>')
_SST_REL = ('<Relationship Id="rIdBigBookSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/>')
_TODAY_SERIAL = 46327  # 2026-11-01

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Column:
    """One generated column: shared-string indices (text, -1 = blank) or numbers (NaN = blank)."""

    texts: npt.NDArray[np.int64] | None = None
    numbers: FloatArray | None = None
    date: bool = False  # numbers are Excel serial days, shown with a date format


# Shared strings every book starts with; generated IDs and names follow them.
FIXED_TEXTS = (*_OWNERS, "Distributor", "yes", "no")
_DISTRIBUTOR, _YES, _NO = (FIXED_TEXTS.index(word) for word in ("Distributor", "yes", "no"))


def draw_customers(n: int, seed: int = 7) -> dict[str, Column]:
    """The demo book's distributions (``xlscore demo``), drawn a column at a time, by header."""
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0.0, 1.0, n)  # one latent "size" drives the measures, with noise
    sales = np.round(120 * size * rng.lognormal(0, 0.5, n), 1)
    measures: dict[str, FloatArray] = {
        "Sales last year (k)": sales,
        "Sales growth %": np.round(rng.normal(8, 15, n), 1),
        "Planned sales next 2 years (k)": np.round(sales * 2 * rng.lognormal(0.1, 0.4, n), 1),
        "Registered capital (m)": np.round(8 * size * rng.lognormal(0, 0.7, n), 1),
        "Market share %": np.round(np.minimum(1.2 * size * rng.lognormal(0, 0.6, n), 30.0), 2).astype(np.float64),
        "Headcount": np.floor(40 * size * rng.lognormal(0, 0.8, n)) + 1,
    }
    for values in measures.values():
        values[rng.random(n) < 0.03] = np.nan  # real data has gaps
    relationship = np.floor(np.clip(rng.normal(55 + 8 * np.log(size + 0.5), 18), 0, 100))
    relationship[rng.random(n) < 0.08] = np.nan
    first_id = len(FIXED_TEXTS) + 2 * np.arange(n)  # shared strings: ID, name, ID, name, ...
    lapse = np.floor(rng.exponential(np.where(size > 0.7, 70, 160)))
    purchase = np.where(rng.random(n) < 0.04, np.nan, _TODAY_SERIAL - lapse)
    orders = np.where(np.isnan(purchase), 0.0, rng.poisson(2 + 6 * size)).astype(np.float64)
    columns = {
        "Customer ID": Column(texts=first_id),
        "Customer": Column(texts=first_id + 1),
        "Owner": Column(texts=rng.integers(0, len(_OWNERS), n)),
        "Profile": Column(texts=np.where(rng.random(n) < 0.25, _DISTRIBUTOR, -1)),
        **{name: Column(numbers=values) for name, values in measures.items()},
        "Relationship": Column(numbers=relationship),
        "Approved": Column(texts=np.where(rng.random(n) > 0.12, _YES, _NO)),
        "Last contact": Column(numbers=(_TODAY_SERIAL - rng.integers(0, 200, n)).astype(np.float64), date=True),
        "Last purchase": Column(numbers=purchase, date=True),
        "Orders (12 months)": Column(numbers=orders),
        "Referrals": Column(numbers=rng.poisson(0.8, n).astype(np.float64)),
        "Service cost (k)": Column(numbers=np.round(8 * rng.lognormal(0, 0.9, n), 1)),
    }
    return columns


def write_big_book(target: Path, n: int, seed: int = 7, template: Path = TEMPLATE) -> None:
    """Write the template with ``n`` customers to ``target``.

    Columns follow the template's tblCustomers header; one this generator does not know is
    left blank. Date columns get a date cell format (the template's, or one added to it).
    """
    if not 0 <= n <= MAX_CUSTOMERS:
        raise ValueError(f"customers must be 0..{MAX_CUSTOMERS:,} (Excel's row limit)")
    drawn = draw_customers(n, seed)
    with zipfile.ZipFile(template) as src:
        sheet_part, table_part = _customers_parts(src)
        table = src.read(table_part).decode("utf-8")
        headers = [html.unescape(h) for h in re.findall(r'<tableColumn [^>]*name="([^"]*)"', table)]
        columns = [drawn.get(header, Column()) for header in headers]
        date_style, styles = _date_style(src.read("xl/styles.xml").decode("utf-8"))
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == sheet_part:
                    with out.open(sheet_part, "w", force_zip64=n > 300_000) as stream:
                        _write_sheet(stream, data.decode("utf-8"), columns, n, date_style)
                    continue
                if info.filename == "xl/styles.xml":
                    data = styles.encode("utf-8")
                elif info.filename == table_part:
                    data = _widen_table(table, len(headers), n).encode("utf-8")
                elif info.filename == "[Content_Types].xml":
                    data = data.replace(b"</Types>", _SST_CT.encode() + b"</Types>")
                elif info.filename == "xl/_rels/workbook.xml.rels":
                    data = data.replace(b"</Relationships>", _SST_REL.encode() + b"</Relationships>")
                out.writestr(info.filename, data)
            with out.open("xl/sharedStrings.xml", "w", force_zip64=n > 300_000) as stream:
                _write_shared_strings(stream, n)


def _customers_parts(src: zipfile.ZipFile) -> tuple[str, str]:
    """The Customers sheet part and its table part, found through the relationships."""
    workbook = src.read("xl/workbook.xml").decode("utf-8")
    rid = re.search(r'<sheet name="Customers"[^>]*r:id="([^"]+)"', workbook)
    rels = src.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    assert rid is not None, "the template has no Customers sheet"
    target = re.search(rf'Target="/?(?:xl/)?([^"]+)"[^>]*Id="{rid.group(1)}"|Id="{rid.group(1)}"[^>]*'
                       r'Target="/?(?:xl/)?([^"]+)"', rels)
    assert target is not None
    sheet_part = "xl/" + (target.group(1) or target.group(2))
    sheet_rels = src.read(sheet_part.replace("worksheets/", "worksheets/_rels/") + ".rels").decode("utf-8")
    table = re.search(r'Target="/?(?:xl/|\.\./)?(tables/[^"]+)"', sheet_rels)
    assert table is not None, "the Customers sheet has no table"
    return sheet_part, "xl/" + table.group(1)


def _widen_table(table_xml: str, width: int, n: int) -> str:
    ref = f"A1:{_letter(width)}{max(n, 1) + 1}"
    return re.sub(r'ref="A1:[A-Z]+\d+"', f'ref="{ref}"', table_xml)


def _letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _date_style(styles: str) -> tuple[int, str]:
    """Index of a cell format showing a date (builtin 14-22 or a yyyy-mm-dd one), added if missing."""
    cell_xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S)
    assert cell_xfs is not None, "styles.xml has no cellXfs"
    custom = {m.group(1) for m in re.finditer(r'<numFmt numFmtId="(\d+)" formatCode="[^"]*y[^"]*d[^"]*"', styles)}
    formats = re.findall(r'<xf [^>]*?numFmtId="(\d+)"', cell_xfs.group(1))
    for index, fmt in enumerate(formats):
        if fmt in custom or 14 <= int(fmt) <= 22:
            return index, styles
    added = cell_xfs.group(1) + '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    new = re.sub(r'<cellXfs[^>]*>.*?</cellXfs>', f'<cellXfs count="{len(formats) + 1}">{added}</cellXfs>', styles,
                 count=1, flags=re.S)
    return len(formats), new


def _write_sheet(out: IO[bytes], template_sheet: str, columns: list[Column], n: int, date_style: int) -> None:
    head, rest = template_sheet.split("<sheetData>", 1)
    header_row = rest[: rest.index("</row>") + len("</row>")]
    tail = rest[rest.index("</sheetData>"):]
    head = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:{_letter(len(columns))}{max(n, 1) + 1}"', head)
    out.write((head + "<sheetData>" + header_row).encode("utf-8"))
    letters = [_letter(j + 1) for j in range(len(columns))]
    for start in range(0, n, ROWS_PER_CHUNK):
        stop = min(n, start + ROWS_PER_CHUNK)
        rows = pa.array(np.arange(start + 2, stop + 2)).cast(pa.string())
        cells = [_cells(letter, rows, column, start, stop, date_style if column.date else 0)
                 for letter, column in zip(letters, columns, strict=True)]
        xml = pc.binary_join_element_wise('<row r="', rows, '">', *cells, "</row>", "",
                                          null_handling="replace", null_replacement="")
        out.write(_concat(xml))
    out.write(tail.encode("utf-8"))


def _cells(letter: str, rows: pa.Array, column: Column, start: int, stop: int, style: int) -> pa.Array:
    """One column's cells of rows start..stop-1 as XML; a blank cell is null (no element)."""
    s = f' s="{style}"' if style else ""
    if column.texts is not None:
        index = column.texts[start:stop]
        values = pa.array(index, mask=index < 0).cast(pa.string())
        return pc.binary_join_element_wise(f'<c r="{letter}', rows, f'"{s} t="s"><v>', values, "</v></c>", "")
    if column.numbers is not None:
        numbers = column.numbers[start:stop]
        texts = pa.array(numbers, mask=np.isnan(numbers)).cast(pa.string())  # 12.0 -> "12", as Excel writes it
        return pc.binary_join_element_wise(f'<c r="{letter}', rows, f'"{s}><v>', texts, "</v></c>", "")
    return pa.nulls(len(rows), pa.string())


def _concat(xml: pa.Array) -> bytes:
    """The UTF-8 bytes of all strings of ``xml``, back to back (read from the Arrow buffers)."""
    xml = xml.fill_null("")
    offsets = np.frombuffer(xml.buffers()[1], dtype=np.int32)
    data = xml.buffers()[2]
    return b"" if data is None else bytes(memoryview(data)[offsets[xml.offset]:offsets[xml.offset + len(xml)]])


def _write_shared_strings(out: IO[bytes], n: int) -> None:
    fixed = FIXED_TEXTS
    count = len(fixed) + 2 * n
    out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              + f'count="{count}" uniqueCount="{count}">'.encode())
    out.write("".join(f"<si><t>{text}</t></si>" for text in fixed).encode("utf-8"))
    for chunk in _id_name_chunks(n):
        out.write(chunk)
    out.write(b"</sst>")


def _id_name_chunks(n: int) -> Iterator[bytes]:
    names = np.array([f"{name} {kind}" for kind in _KINDS for name in _NAMES], dtype=object)
    for start in range(0, n, ROWS_PER_CHUNK):
        k = np.arange(start, min(n, start + ROWS_PER_CHUNK))
        ids = pc.utf8_lpad(pa.array(k + 1).cast(pa.string()), 7, "0")
        base = pa.array(names[k % len(names)], pa.string())
        suffix = pa.array(k // len(names) + 1).cast(pa.string())
        xml = pc.binary_join_element_wise("<si><t>C", ids, "</t></si><si><t>", base, " ", suffix, "</t></si>", "")
        yield _concat(xml)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the template with N generated customers.")
    parser.add_argument("target", type=Path)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    write_big_book(args.target, args.customers, args.seed)
    print(f"{args.target}: {args.customers:,} customers in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
