"""MS-OVBA 2.4.1 compression: the LZ77 variant VBA uses for source code and the dir stream.

A CompressedContainer is a signature byte 0x01 followed by chunks. Each chunk encodes up
to 4,096 bytes of input; matches never reach back before the start of their own chunk,
and the number of bits spent on a copy token's offset grows with the distance from that
start (``_offset_bit_count``).

The compressor follows the specification's matching rule exactly - the longest match
wins, and of equally long matches the closest one - so it reproduces the worked
examples of MS-OVBA section 3.2 byte for byte. Candidates are found through a table of
3-byte prefixes instead of the specification's exhaustive backward scan: any match
worth a copy token is at least 3 bytes long, so both find the same match.
"""

from __future__ import annotations

__all__ = ["CompressionError", "compress", "decompress"]

CONTAINER_SIGNATURE = 0x01
CHUNK_SIZE = 4096
_CHUNK_SIGNATURE = 0b011
_MIN_MATCH = 3


class CompressionError(ValueError):
    """A compressed container that does not follow MS-OVBA 2.4.1."""


def _offset_bit_count(position_in_chunk: int) -> int:
    """Bits of a copy token used by the offset when decoding at this chunk position.

    MS-OVBA 2.4.1.3.19.1 (CopyToken Help): the smallest n with 2**n >= position, at
    least 4.
    """
    return max((position_in_chunk - 1).bit_length(), 4)


def _chunk_header(chunk_data_size: int, compressed: bool) -> bytes:
    # CompressedChunkSize counts the 2-byte header too and is stored minus 3.
    header = (chunk_data_size + 2 - 3) | (_CHUNK_SIGNATURE << 12) | (int(compressed) << 15)
    return header.to_bytes(2, "little")


def _match_length(data: bytes, candidate: int, current: int, limit: int) -> int:
    """Length of the common prefix of data[candidate:] and data[current:], at most limit.

    The caller knows the first 3 bytes agree. Overlapping ranges are fine: the
    decompressor copies byte by byte, so it reproduces exactly these input bytes.
    """
    if data[candidate : candidate + limit] == data[current : current + limit]:
        return limit
    equal, unequal = _MIN_MATCH, limit
    while unequal - equal > 1:
        middle = (equal + unequal) // 2
        if data[candidate : candidate + middle] == data[current : current + middle]:
            equal = middle
        else:
            unequal = middle
    return equal


def _best_match(data: bytes, current: int, chunk_start: int, end: int, earlier: list[int]) -> tuple[int, int]:
    """(offset, length) of the longest, then closest, match; length 0 when none."""
    maximum_length = (0xFFFF >> _offset_bit_count(current - chunk_start)) + 3
    limit = min(maximum_length, end - current)
    best_length, best_candidate = 0, 0
    if limit < _MIN_MATCH:
        return 0, 0
    for candidate in reversed(earlier):
        # Only a candidate that also agrees at index best_length can be longer.
        if best_length and data[candidate + best_length] != data[current + best_length]:
            continue
        length = _match_length(data, candidate, current, limit)
        if length > best_length:
            best_length, best_candidate = length, candidate
            if length == limit:
                break
    return current - best_candidate, best_length


def _compress_chunk(data: bytes, chunk_start: int, chunk_end: int) -> bytes:
    """The token sequences of one chunk (MS-OVBA 2.4.1.3.7), without header."""
    output = bytearray()
    positions_by_prefix: dict[bytes, list[int]] = {}
    current = chunk_start
    while current < chunk_end:
        flag_index = len(output)
        output.append(0)
        flags = 0
        for bit in range(8):
            if current >= chunk_end:
                break
            prefix = data[current : current + _MIN_MATCH]
            earlier = positions_by_prefix.get(prefix, []) if len(prefix) == _MIN_MATCH else []
            offset, length = _best_match(data, current, chunk_start, chunk_end, earlier)
            if length >= _MIN_MATCH:
                bit_count = _offset_bit_count(current - chunk_start)
                token = ((offset - 1) << (16 - bit_count)) | (length - _MIN_MATCH)
                output += token.to_bytes(2, "little")
                flags |= 1 << bit
                step = length
            else:
                output.append(data[current])
                step = 1
            for position in range(current, min(current + step, chunk_end - _MIN_MATCH + 1)):
                positions_by_prefix.setdefault(data[position : position + _MIN_MATCH], []).append(position)
            current += step
        output[flag_index] = flags
    return bytes(output)


def compress(data: bytes) -> bytes:
    """Compress data into an MS-OVBA CompressedContainer."""
    container = bytearray([CONTAINER_SIGNATURE])
    for chunk_start in range(0, len(data), CHUNK_SIZE):
        chunk_end = min(chunk_start + CHUNK_SIZE, len(data))
        tokens = _compress_chunk(data, chunk_start, chunk_end)
        if len(tokens) <= CHUNK_SIZE:
            container += _chunk_header(len(tokens), compressed=True) + tokens
        else:
            # 2.4.1.3.10: incompressible input is stored raw, always as 4,096 bytes.
            raw = data[chunk_start:chunk_end].ljust(CHUNK_SIZE, b"\x00")
            container += _chunk_header(CHUNK_SIZE, compressed=False) + raw
    return bytes(container)


def _copy(output: bytearray, offset: int, length: int) -> None:
    source = len(output) - offset
    if offset >= length:
        output += output[source : source + length]
    else:  # the copy overlaps what it produces: the pattern repeats
        pattern = bytes(output[source:])
        output += (pattern * (length // offset + 1))[:length]


def _decompress_tokens(container: bytes, start: int, end: int, output: bytearray) -> None:
    chunk_start = len(output)
    position = start
    while position < end:
        flags = container[position]
        position += 1
        for bit in range(8):
            if position >= end:
                break
            if not flags >> bit & 1:
                output.append(container[position])
                position += 1
                continue
            if position + 2 > end:
                raise CompressionError(f"copy token cut off at byte {position}")
            token = int.from_bytes(container[position : position + 2], "little")
            position += 2
            bit_count = _offset_bit_count(len(output) - chunk_start)
            length = (token & (0xFFFF >> bit_count)) + _MIN_MATCH
            offset = (token >> (16 - bit_count)) + 1
            if offset > len(output) - chunk_start:
                raise CompressionError(f"copy token at byte {position - 2} reaches before its chunk")
            _copy(output, offset, length)


def decompress(container: bytes) -> bytes:
    """Decompress an MS-OVBA CompressedContainer (2.4.1.3.1)."""
    if not container or container[0] != CONTAINER_SIGNATURE:
        raise CompressionError("a compressed container starts with the byte 0x01")
    output = bytearray()
    position = 1
    while position < len(container):
        if position + 2 > len(container):
            raise CompressionError(f"chunk header cut off at byte {position}")
        header = int.from_bytes(container[position : position + 2], "little")
        if (header >> 12) & 0b111 != _CHUNK_SIGNATURE:
            raise CompressionError(f"bad chunk signature at byte {position}")
        chunk_end = min(position + (header & 0x0FFF) + 3, len(container))
        if header >> 15:
            _decompress_tokens(container, position + 2, chunk_end, output)
        else:
            output += container[position + 2 : position + 2 + CHUNK_SIZE]
            chunk_end = position + 2 + CHUNK_SIZE
        position = chunk_end
    return bytes(output)
