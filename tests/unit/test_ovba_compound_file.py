"""MS-CFB version 3 writer, read back by olefile in its strictest mode."""

from __future__ import annotations

import io
import random

import olefile
import pytest

from xlscore.vba.compound_file import CompoundFileError, build_compound_file

NO_STREAM = 0xFFFFFFFF


def open_strict(data: bytes) -> olefile.OleFileIO:
    return olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)


def noise(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def test_streams_of_every_size_class_read_back_exactly() -> None:
    streams = {
        "PROJECT": b"ID=...\r\n" * 40,
        "VBA/dir": noise(1278, 1),
        "VBA/exactly_cutoff": noise(4096, 2),  # the smallest stream kept out of the mini stream
        "VBA/below_cutoff": noise(4095, 3),
        "VBA/big": noise(70_000, 4),
        "VBA/empty": b"",
        "Deep/Er/Storage": b"x",
    }
    ole = open_strict(build_compound_file(streams))
    for path, data in streams.items():
        assert ole.openstream(path).read() == data, path
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE
    assert ole.get_type("Deep/Er") == olefile.STGTY_STORAGE
    assert ole.sector_size == 512 and ole.mini_sector_size == 64 and ole.dll_version == 3
    storages = [e for e in ole.direntries if e is not None and e.entry_type == olefile.STGTY_STORAGE]
    assert {(e.isectStart, e.size) for e in storages} == {(0, 0)}  # MS-CFB: zero for storages


def test_file_above_109_fat_sectors_uses_a_difat_sector() -> None:
    # 109 FAT sectors describe 109 * 128 sectors of 512 bytes, about 7.1 MB.
    streams = {"A/huge": noise(8_000_000, 5), "small": b"tiny"}
    data = build_compound_file(streams)
    header_difat_count = int.from_bytes(data[0x48:0x4C], "little")
    assert header_difat_count == 1
    ole = open_strict(data)
    assert ole.openstream("A/huge").read() == streams["A/huge"]
    assert ole.openstream("small").read() == b"tiny"


def test_many_small_streams_need_several_minifat_and_directory_sectors() -> None:
    streams = {f"S/m{i:03}": noise(i * 7 + 1, i) for i in range(300)}
    ole = open_strict(build_compound_file(streams))
    for path, data in streams.items():
        assert ole.openstream(path).read() == data


@pytest.mark.parametrize("child_count", [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 40])
def test_siblings_form_a_valid_red_black_tree(child_count: int) -> None:
    names = [f"n{'x' * (i % 5)}{i}" for i in range(child_count)]
    ole = open_strict(build_compound_file({f"Store/{name}": b"." for name in names}))
    entries = {entry.sid: entry for entry in ole.direntries if entry is not None}
    storage = next(e for e in entries.values() if e.name == "Store")

    def key(entry: olefile.olefile.OleDirectoryEntry) -> tuple[int, str]:
        return len(entry.name), entry.name.upper()

    def check(sid: int, low: tuple[int, str] | None, high: tuple[int, str] | None, parent_red: bool) -> int:
        """Black height of the subtree; asserts order and colour rules on the way."""
        if sid == NO_STREAM:
            return 1
        entry = entries[sid]
        red = entry.color == 0
        assert not (red and parent_red), "a red node has a red parent"
        assert low is None or key(entry) > low
        assert high is None or key(entry) < high
        left = check(entry.sid_left, low, key(entry), red)
        right = check(entry.sid_right, key(entry), high, red)
        assert left == right, "paths differ in black nodes"
        return left + (0 if red else 1)

    root_sid = storage.sid_child
    assert entries[root_sid].color == 1
    check(root_sid, None, None, parent_red=False)
    assert sorted(e.name for e in entries.values() if e.name in names) == sorted(names)


def test_same_streams_give_same_bytes_whatever_the_input_order() -> None:
    streams = {"B": b"2" * 5000, "A/x": b"1", "A/y": b"3" * 100}
    reordered = dict(reversed(list(streams.items())))
    assert build_compound_file(streams) == build_compound_file(reordered)


@pytest.mark.parametrize(
    ("streams", "message"),
    [
        ({"a" * 32: b""}, "1 to 31 characters"),
        ({"A/": b""}, "1 to 31 characters"),
        ({"bad:name": b""}, "may not contain"),
        ({"A": b"", "a": b""}, "given twice"),
        ({"A": b"", "A/b": b""}, "is a stream, not a storage"),
    ],
)
def test_impossible_paths_are_rejected(streams: dict[str, bytes], message: str) -> None:
    with pytest.raises(CompoundFileError, match=message):
        build_compound_file(streams)
