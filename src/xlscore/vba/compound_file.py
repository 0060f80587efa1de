"""A writer for MS-CFB compound files, version 3 (512-byte sectors).

Enough of the format for a ``vbaProject.bin``: storages and streams, a FAT spread over as
many sectors as needed (with DIFAT sectors beyond the 109 FAT sectors the header can
list), and a mini stream with its MiniFAT for streams under 4,096 bytes. Output depends
only on the input: no timestamps, no CLSIDs, no random bytes.

Sector layout: FAT, DIFAT, MiniFAT, directory, mini stream, then the large streams.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

__all__ = ["CompoundFileError", "build_compound_file"]

SECTOR_SIZE = 512
MINI_SECTOR_SIZE = 64
MINI_STREAM_CUTOFF = 4096
_ENTRIES_PER_SECTOR = SECTOR_SIZE // 4
_DIFAT_IN_HEADER = 109
_DIRECTORY_ENTRY_SIZE = 128
_MAX_NAME_LENGTH = 31

_FREE = 0xFFFFFFFF
_END_OF_CHAIN = 0xFFFFFFFE
_FAT_SECTOR = 0xFFFFFFFD
_DIFAT_SECTOR = 0xFFFFFFFC
_NO_STREAM = 0xFFFFFFFF

_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_TYPE_STORAGE, _TYPE_STREAM, _TYPE_ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_FORBIDDEN_NAME_CHARACTERS = set("/\\:!")


class CompoundFileError(ValueError):
    """A stream path the compound file format cannot hold."""


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    left: int = _NO_STREAM
    right: int = _NO_STREAM
    child: int = _NO_STREAM
    color: int = _BLACK
    start_sector: int = _END_OF_CHAIN


def _sort_key(name: str) -> tuple[int, str]:
    """MS-CFB 2.6.4 order: shorter names first, then by upper-cased UTF-16 code units."""
    return len(name.encode("utf-16-le")) // 2, name.upper()


def _check_name(name: str, path: str) -> None:
    if not name or len(name) > _MAX_NAME_LENGTH:
        raise CompoundFileError(f"{path!r}: each name needs 1 to {_MAX_NAME_LENGTH} characters")
    if _FORBIDDEN_NAME_CHARACTERS & set(name):
        raise CompoundFileError(f"{path!r}: a name may not contain / \\ : or !")


def _build_tree(streams: Mapping[str, bytes]) -> _Entry:
    root = _Entry("Root Entry", _TYPE_ROOT)
    for path, data in streams.items():
        *storage_names, stream_name = path.split("/")
        parent = root
        for name in storage_names:
            _check_name(name, path)
            key = name.upper()
            existing = parent.children.get(key)
            if existing is None:  # MS-CFB 2.6.3: a storage's start sector is all zeroes
                existing = parent.children[key] = _Entry(name, _TYPE_STORAGE, start_sector=0)
            elif existing.kind != _TYPE_STORAGE:
                raise CompoundFileError(f"{path!r}: {name!r} is a stream, not a storage")
            parent = existing
        _check_name(stream_name, path)
        if stream_name.upper() in parent.children:
            raise CompoundFileError(f"{path!r} is given twice (names ignore case)")
        parent.children[stream_name.upper()] = _Entry(stream_name, _TYPE_STREAM, data=bytes(data))
    return root


def _number_entries(root: _Entry) -> list[_Entry]:
    """Directory order: each storage followed by its children, depth first."""
    entries: list[_Entry] = []

    def visit(entry: _Entry) -> None:
        entries.append(entry)
        for child in sorted(entry.children.values(), key=lambda e: _sort_key(e.name)):
            visit(child)

    visit(root)
    return entries


def _link_siblings(root: _Entry, entries: list[_Entry]) -> None:
    """Arrange each storage's children as a balanced, validly coloured red-black tree.

    Splitting the sorted children at the middle leaves every empty link on the last two
    levels; colouring only the deepest level red gives every path the same number of
    black nodes and no red node a red parent.
    """
    index_of = {id(entry): index for index, entry in enumerate(entries)}

    def depth_of_tree(count: int) -> int:
        return count.bit_length()  # levels of a tree built by middle splits

    def link(siblings: list[_Entry], depth: int, deepest: int) -> int:
        if not siblings:
            return _NO_STREAM
        middle = len(siblings) // 2
        node = siblings[middle]
        node.color = _RED if depth == deepest and depth > 0 else _BLACK
        node.left = link(siblings[:middle], depth + 1, deepest)
        node.right = link(siblings[middle + 1 :], depth + 1, deepest)
        return index_of[id(node)]

    for entry in entries:
        if entry.children:
            siblings = sorted(entry.children.values(), key=lambda e: _sort_key(e.name))
            entry.child = link(siblings, 0, depth_of_tree(len(siblings)) - 1)
    root.color = _BLACK


def _sectors_for(size: int, sector_size: int = SECTOR_SIZE) -> int:
    return -(-size // sector_size)


def _fat_and_difat_counts(other_sectors: int) -> tuple[int, int]:
    """Smallest FAT that can also describe its own sectors and the DIFAT's."""
    fat_sectors = 1
    while True:
        difat_sectors = _sectors_for(max(0, fat_sectors - _DIFAT_IN_HEADER), _ENTRIES_PER_SECTOR - 1)
        if fat_sectors * _ENTRIES_PER_SECTOR >= other_sectors + fat_sectors + difat_sectors:
            return fat_sectors, difat_sectors
        fat_sectors += 1


def _chain(table: list[int], first: int, count: int) -> None:
    for sector in range(first, first + count - 1):
        table[sector] = sector + 1
    table[first + count - 1] = _END_OF_CHAIN


def _u32_sectors(values: list[int], entries_per_sector: int = _ENTRIES_PER_SECTOR) -> bytes:
    padded = values + [_FREE] * (-len(values) % entries_per_sector)
    return b"".join(value.to_bytes(4, "little") for value in padded)


def _directory_entry(entry: _Entry | None, stream_size: int) -> bytes:
    if entry is None:  # unused slot at the end of the last directory sector
        return bytes(64 + 2 + 2) + _NO_STREAM.to_bytes(4, "little") * 3 + bytes(_DIRECTORY_ENTRY_SIZE - 80)
    encoded_name = (entry.name + "\0").encode("utf-16-le")
    return b"".join(
        [
            encoded_name.ljust(64, b"\0"),
            len(encoded_name).to_bytes(2, "little"),
            bytes([entry.kind, entry.color]),
            entry.left.to_bytes(4, "little"),
            entry.right.to_bytes(4, "little"),
            entry.child.to_bytes(4, "little"),
            bytes(16 + 4 + 8 + 8),  # CLSID, state bits, creation and modification times
            entry.start_sector.to_bytes(4, "little"),
            stream_size.to_bytes(8, "little"),
        ]
    )


def _header(
    fat_sectors: list[int],
    difat_start: int,
    difat_count: int,
    directory_start: int,
    minifat_start: int,
    minifat_count: int,
) -> bytes:
    header_difat = fat_sectors[:_DIFAT_IN_HEADER]
    return b"".join(
        [
            _SIGNATURE,
            bytes(16),  # header CLSID
            (0x003E).to_bytes(2, "little"),  # minor version
            (0x0003).to_bytes(2, "little"),  # major version 3: 512-byte sectors
            (0xFFFE).to_bytes(2, "little"),  # byte order mark: little-endian
            (9).to_bytes(2, "little"),  # sector shift: 2**9 = 512
            (6).to_bytes(2, "little"),  # mini sector shift: 2**6 = 64
            bytes(6),
            (0).to_bytes(4, "little"),  # directory sector count: always 0 in version 3
            len(fat_sectors).to_bytes(4, "little"),
            directory_start.to_bytes(4, "little"),
            (0).to_bytes(4, "little"),  # transaction signature
            MINI_STREAM_CUTOFF.to_bytes(4, "little"),
            minifat_start.to_bytes(4, "little"),
            minifat_count.to_bytes(4, "little"),
            difat_start.to_bytes(4, "little"),
            difat_count.to_bytes(4, "little"),
            b"".join(s.to_bytes(4, "little") for s in header_difat + [_FREE] * (109 - len(header_difat))),
        ]
    )


def _difat_sectors(fat_sectors: list[int], first_difat_sector: int, difat_count: int) -> Iterator[bytes]:
    overflow = fat_sectors[_DIFAT_IN_HEADER:]
    per_sector = _ENTRIES_PER_SECTOR - 1  # the last entry links to the next DIFAT sector
    for index in range(difat_count):
        values = overflow[index * per_sector : (index + 1) * per_sector]
        values += [_FREE] * (per_sector - len(values))
        next_sector = first_difat_sector + index + 1 if index + 1 < difat_count else _END_OF_CHAIN
        yield _u32_sectors([*values, next_sector])


def build_compound_file(streams: Mapping[str, bytes]) -> bytes:
    """A compound file holding the given streams; keys are paths like ``"VBA/dir"``.

    Storages are created from the paths. Names compare without regard to case, as in
    the format itself.
    """
    root = _build_tree(streams)
    entries = _number_entries(root)
    _link_siblings(root, entries)
    stream_entries = [e for e in entries if e.kind == _TYPE_STREAM]
    small = [e for e in stream_entries if 0 < len(e.data) < MINI_STREAM_CUTOFF]
    large = [e for e in stream_entries if len(e.data) >= MINI_STREAM_CUTOFF]

    mini_sector_counts = [_sectors_for(len(e.data), MINI_SECTOR_SIZE) for e in small]
    mini_sector_total = sum(mini_sector_counts)
    minifat_count = _sectors_for(mini_sector_total, _ENTRIES_PER_SECTOR)
    directory_count = _sectors_for(len(entries), SECTOR_SIZE // _DIRECTORY_ENTRY_SIZE)
    mini_stream_sectors = _sectors_for(mini_sector_total * MINI_SECTOR_SIZE)
    large_counts = [_sectors_for(len(e.data)) for e in large]
    fat_count, difat_count = _fat_and_difat_counts(
        minifat_count + directory_count + mini_stream_sectors + sum(large_counts)
    )

    fat = [_FREE] * (fat_count * _ENTRIES_PER_SECTOR)
    fat_sectors = list(range(fat_count))
    for sector in fat_sectors:
        fat[sector] = _FAT_SECTOR
    next_sector = fat_count
    difat_start = next_sector if difat_count else _END_OF_CHAIN
    for sector in range(next_sector, next_sector + difat_count):
        fat[sector] = _DIFAT_SECTOR
    next_sector += difat_count

    def allocate(count: int) -> int:
        nonlocal next_sector
        if count == 0:
            return _END_OF_CHAIN
        first = next_sector
        _chain(fat, first, count)
        next_sector += count
        return first

    minifat_start = allocate(minifat_count)
    directory_start = allocate(directory_count)
    root.start_sector = allocate(mini_stream_sectors)
    for entry, count in zip(large, large_counts, strict=True):
        entry.start_sector = allocate(count)

    minifat: list[int] = []
    for entry, count in zip(small, mini_sector_counts, strict=True):
        entry.start_sector = len(minifat)
        minifat.extend(range(len(minifat) + 1, len(minifat) + count))
        minifat.append(_END_OF_CHAIN)

    sizes = {id(root): mini_sector_total * MINI_SECTOR_SIZE}
    directory = b"".join(_directory_entry(e, sizes.get(id(e), len(e.data))) for e in entries) + b"".join(
        _directory_entry(None, 0) for _ in range(directory_count * 4 - len(entries))
    )
    mini_stream = b"".join(
        e.data.ljust(c * MINI_SECTOR_SIZE, b"\0") for e, c in zip(small, mini_sector_counts, strict=True)
    )

    parts = [
        _header(fat_sectors, difat_start, difat_count, directory_start, minifat_start, minifat_count),
        _u32_sectors(fat),
        *_difat_sectors(fat_sectors, fat_count, difat_count),
        _u32_sectors(minifat) if minifat else b"",
        directory,
        mini_stream.ljust(mini_stream_sectors * SECTOR_SIZE, b"\0"),
        *(e.data.ljust(c * SECTOR_SIZE, b"\0") for e, c in zip(large, large_counts, strict=True)),
    ]
    return b"".join(parts)
