"""MS-OVBA 2.4.1 compression: the specification's worked examples and round trips."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from xlscore.vba.compression import CompressionError, compress, decompress

XLWINGS_DIR = Path(importlib.util.find_spec("xlwings").origin or "").parent  # type: ignore[union-attr]

# MS-OVBA 3.2.1 - 3.2.3: (decompressed text, compressed bytes as printed in the spec)
SPEC_EXAMPLES = {
    "3.2.1 no compression": (
        b"abcdefghijklmnopqrstuv.",
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E",
    ),
    "3.2.2 normal compression": (
        b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20 6D"
        " 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C",
    ),
    "3.2.3 maximum compression": (b"a" * 73, "01 03 B0 02 61 45 00"),
}


def olevba_decompress(container: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(container)))


@pytest.mark.parametrize("example", SPEC_EXAMPLES, ids=list(SPEC_EXAMPLES))
def test_compress_gives_the_specification_bytes(example: str) -> None:
    text, compressed_hex = SPEC_EXAMPLES[example]
    assert compress(text) == bytes.fromhex(compressed_hex)


@pytest.mark.parametrize("example", SPEC_EXAMPLES, ids=list(SPEC_EXAMPLES))
def test_decompress_reads_the_specification_bytes(example: str) -> None:
    text, compressed_hex = SPEC_EXAMPLES[example]
    assert decompress(bytes.fromhex(compressed_hex)) == text
    assert olevba_decompress(bytes.fromhex(compressed_hex)) == text


def test_chunk_header_of_the_no_compression_example_reads_as_documented() -> None:
    # 0xB019: compressed flag 1, signature 0b011, size field 0x019 = 28 bytes - 3
    header = int.from_bytes(compress(b"abcdefghijklmnopqrstuv.")[1:3], "little")
    assert (header >> 15, (header >> 12) & 0b111, (header & 0x0FFF) + 3) == (1, 0b011, 28)


def real_vba_sources() -> list[Path]:
    return sorted([XLWINGS_DIR / "xlwings_custom_addin.bas", *(XLWINGS_DIR / "addin").glob("*.[bc][al]s")])


@pytest.mark.parametrize("source", real_vba_sources(), ids=lambda p: p.name)
def test_real_vba_source_round_trips_through_both_decompressors(source: Path) -> None:
    text = source.read_bytes()
    container = compress(text)
    assert decompress(container) == text
    assert olevba_decompress(container) == text
    assert len(container) < len(text) * 0.8  # source code compresses well


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"a",
        b"ab" * 5000,  # overlapping matches across many chunks
        b"x" * 4096,  # exactly one chunk
        b"x" * 4097,  # one byte into a second chunk
        bytes(range(256)) * 40,  # long matches far back in the chunk
        b"Sub A()\r\n    x = 1\r\nEnd Sub\r\n" * 400,
    ],
    ids=["empty", "one-byte", "ab-repeated", "one-chunk", "chunk-plus-one", "byte-cycle", "vba-like"],
)
def test_edge_inputs_round_trip(text: bytes) -> None:
    container = compress(text)
    assert decompress(container) == text
    assert olevba_decompress(container) == text


def test_incompressible_full_chunks_are_stored_raw() -> None:
    noise = random.Random(6).randbytes(2 * 4096)
    container = compress(noise)
    headers = [int.from_bytes(container[1 + i * 4098 : 3 + i * 4098], "little") for i in range(2)]
    assert headers == [0x3FFF, 0x3FFF]  # flag 0 (raw), signature 0b011, size 4098 - 3
    assert len(container) == 1 + 2 * 4098
    assert decompress(container) == noise
    assert olevba_decompress(container) == noise


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=9000) | st.text(alphabet="ab \r\n", max_size=9000).map(str.encode))
def test_any_bytes_round_trip_through_both_decompressors(text: bytes) -> None:
    container = compress(text)
    for decompressed in (decompress(container), olevba_decompress(container)):
        # The format stores an incompressible last chunk raw, padded with zeros to 4,096.
        padding = decompressed[len(text) :]
        assert decompressed[: len(text)] == text
        assert padding == b"" or (len(decompressed) % 4096 == 0 and not padding.strip(b"\x00"))


@pytest.mark.parametrize(
    ("container", "message"),
    [
        (b"", "starts with the byte 0x01"),
        (b"\x02\x19\xb0", "starts with the byte 0x01"),
        (b"\x01\x19\xa0\x00abc", "bad chunk signature"),
        (b"\x01\x03\xb0\x01\x10\x00", "reaches before its chunk"),
    ],
)
def test_malformed_containers_are_rejected(container: bytes, message: str) -> None:
    with pytest.raises(CompressionError, match=message):
        decompress(container)
