"""Big input books for the benchmarks: the shipped template with N customers, fast.

The Customers sheet is written as XML straight into a copy of the template, the way Excel
saves it (strings in a shared-string table, dates as serial numbers with a date style), and
tblCustomers' ref is widened to cover the rows. Values are drawn column-wise with numpy from
the same distributions as ``xlscore demo`` (log-normal sizes, ~3 % blank measures, ~12 %
unapproved scores), so every rule is exercised. 1,048,575 customers take ~10 s.

    python benchmarks/bigbook.py OUT.xlsx --customers 100000 [--seed 7]
"""

from __future__ import annotations

import argparse
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

__all__ = ["TEMPLATE", "Customers", "draw_customers", "write_big_book"]

TEMPLATE = Path(__file__).resolve().parent.parent / "workbook_templates" / "xlscore-template-en.xlsx"
MAX_CUSTOMERS = 1_048_575  # Excel's 1,048,576 rows, less the header
ROWS_PER_CHUNK = 50_000
_DATE_STYLE = 3  # the template's yyyy-mm-dd cell format (cellXfs index)
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
class Customers:
    """Customer columns in template order; NaN is a blank cell, text columns index ``words``."""

    n: int
    measures: list[FloatArray]  # sales, growth, planned, capital, share, headcount
    relationship: FloatArray
    owner: npt.NDArray[np.int64]  # 0..4 -> _OWNERS
    distributor: npt.NDArray[np.bool_]  # Profile "Distributor" (else blank)
    approved: npt.NDArray[np.bool_]
    last_contact: npt.NDArray[np.int64]  # Excel serial day


def draw_customers(n: int, seed: int = 7) -> Customers:
    """The demo book's distributions, drawn a column at a time."""
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0.0, 1.0, n)
    sales = np.round(120 * size * rng.lognormal(0, 0.5, n), 1)
    measures: list[FloatArray] = [
        sales,
        np.round(rng.normal(8, 15, n), 1),
        np.round(sales * 2 * rng.lognormal(0.1, 0.4, n), 1),
        np.round(8 * size * rng.lognormal(0, 0.7, n), 1),
        np.round(np.minimum(1.2 * size * rng.lognormal(0, 0.6, n), 30.0), 2).astype(np.float64),
        np.floor(40 * size * rng.lognormal(0, 0.8, n)) + 1,
    ]
    for values in measures:
        values[rng.random(n) < 0.03] = np.nan  # real data has gaps
    relationship = np.floor(np.clip(rng.normal(55 + 8 * np.log(size + 0.5), 18), 0, 100))
    relationship[rng.random(n) < 0.08] = np.nan
    return Customers(
        n=n,
        measures=measures,
        relationship=relationship,
        owner=rng.integers(0, len(_OWNERS), n),
        distributor=rng.random(n) < 0.25,
        approved=rng.random(n) > 0.12,
        last_contact=_TODAY_SERIAL - rng.integers(0, 200, n),
    )


def write_big_book(target: Path, n: int, seed: int = 7, template: Path = TEMPLATE) -> None:
    """Write the template with ``n`` customers to ``target``."""
    if not 0 <= n <= MAX_CUSTOMERS:
        raise ValueError(f"customers must be 0..{MAX_CUSTOMERS:,} (Excel's row limit)")
    customers = draw_customers(n, seed)
    fixed = [*_OWNERS, "Distributor", "yes", "no"]
    with zipfile.ZipFile(template) as src:
        sheet_part, table_part = _customers_parts(src)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == sheet_part:
                    with out.open(sheet_part, "w", force_zip64=n > 300_000) as stream:
                        _write_sheet(stream, data.decode("utf-8"), customers, len(fixed))
                    continue
                if info.filename == table_part:
                    data = _widen_table(data.decode("utf-8"), n).encode("utf-8")
                elif info.filename == "[Content_Types].xml":
                    data = data.replace(b"</Types>", _SST_CT.encode() + b"</Types>")
                elif info.filename == "xl/_rels/workbook.xml.rels":
                    data = data.replace(b"</Relationships>", _SST_REL.encode() + b"</Relationships>")
                out.writestr(info.filename, data)
            with out.open("xl/sharedStrings.xml", "w", force_zip64=n > 300_000) as stream:
                _write_shared_strings(stream, fixed, n)


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


def _widen_table(table_xml: str, n: int) -> str:
    last = f"M{max(n, 1) + 1}"
    return re.sub(r'ref="A1:M\d+"', f'ref="A1:{last}"', table_xml)


def _write_sheet(out: IO[bytes], template_sheet: str, customers: Customers, first_text: int) -> None:
    head, rest = template_sheet.split("<sheetData>", 1)
    header_row = rest[: rest.index("</row>") + len("</row>")]
    tail = rest[rest.index("</sheetData>"):]
    head = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:M{max(customers.n, 1) + 1}"', head)
    out.write((head + "<sheetData>" + header_row).encode("utf-8"))
    for start in range(0, customers.n, ROWS_PER_CHUNK):
        stop = min(customers.n, start + ROWS_PER_CHUNK)
        out.write(_rows_xml(customers, start, stop, first_text))
    out.write(tail.encode("utf-8"))


def _rows_xml(c: Customers, start: int, stop: int, first_text: int) -> bytes:
    """Rows start..stop-1 (0-based customers) as sheet XML, built column-wise with pyarrow."""
    rows = pa.array(np.arange(start + 2, stop + 2)).cast(pa.string())
    k = np.arange(start, stop)
    yes, no, distributor = first_text - 2, first_text - 1, first_text - 3
    ids = first_text + 2 * k  # shared strings after the fixed ones: ID, name, ID, name, ...
    cells = [
        _text_cells("A", rows, ids),
        _text_cells("B", rows, ids + 1),
        _text_cells("C", rows, c.owner[start:stop]),
        _text_cells("D", rows, np.where(c.distributor[start:stop], distributor, -1)),
        *(_number_cells(letter, rows, values[start:stop]) for letter, values in zip("EFGHIJ", c.measures, strict=True)),
        _number_cells("K", rows, c.relationship[start:stop]),
        _text_cells("L", rows, np.where(c.approved[start:stop], yes, no)),
        _number_cells("M", rows, c.last_contact[start:stop].astype(np.float64), style=_DATE_STYLE),
    ]
    xml = pc.binary_join_element_wise('<row r="', rows, '">', *cells, "</row>", "", null_handling="replace",
                                      null_replacement="")
    return _concat(xml)


def _text_cells(letter: str, rows: pa.Array, index: npt.NDArray[np.int64]) -> pa.Array:
    values = pa.array(index, mask=index < 0).cast(pa.string())
    return pc.binary_join_element_wise(f'<c r="{letter}', rows, '" t="s"><v>', values, "</v></c>", "")


def _number_cells(letter: str, rows: pa.Array, values: FloatArray, style: int = 0) -> pa.Array:
    texts = pa.array(values, mask=np.isnan(values)).cast(pa.string())  # 12.0 -> "12", as Excel writes it
    s = f' s="{style}"' if style else ""
    return pc.binary_join_element_wise(f'<c r="{letter}', rows, f'"{s}><v>', texts, "</v></c>", "")


def _concat(xml: pa.Array) -> bytes:
    """The UTF-8 bytes of all strings of ``xml``, back to back (read from the Arrow buffers)."""
    xml = xml.fill_null("")
    offsets = np.frombuffer(xml.buffers()[1], dtype=np.int32)
    data = xml.buffers()[2]
    return b"" if data is None else bytes(memoryview(data)[offsets[xml.offset]:offsets[xml.offset + len(xml)]])


def _write_shared_strings(out: IO[bytes], fixed: list[str], n: int) -> None:
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
