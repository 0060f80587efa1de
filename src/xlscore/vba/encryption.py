"""MS-OVBA 2.4.3 data encryption, used by the PROJECT stream's CMG, DPB and GC values.

The "encryption" only obscures three small facts: the protection state (CMG), the
password (DPB) and the visibility (GC). An unprotected, visible project without a
password stores fixed values; only the seed and the ignored filler bytes are free, and
they are fixed here so that builds repeat.
"""

from __future__ import annotations

__all__ = ["decrypt", "encrypt", "project_key"]

_VERSION = 2


def project_key(project_id: str) -> int:
    """ProjKey: the byte sum of the project's ID string, braces included."""
    return sum(project_id.encode("ascii")) & 0xFF


def encrypt(data: bytes, project_id: str, seed: int = 0x5D, filler: int = 0x00) -> str:
    """The upper-case hexadecimal Data Encryption of data (MS-OVBA 2.4.3.2)."""
    key = project_key(project_id)
    output = bytearray([seed, seed ^ _VERSION, seed ^ key])
    unencrypted_byte_1, encrypted_byte_1, encrypted_byte_2 = key, seed ^ key, seed ^ _VERSION
    ignored_length = (seed & 6) // 2
    plain = bytes([filler] * ignored_length) + len(data).to_bytes(4, "little") + data
    for byte in plain:
        byte_encrypted = byte ^ ((encrypted_byte_2 + unencrypted_byte_1) & 0xFF)
        output.append(byte_encrypted)
        encrypted_byte_2, encrypted_byte_1, unencrypted_byte_1 = encrypted_byte_1, byte_encrypted, byte
    return output.hex().upper()


def decrypt(hex_text: str) -> bytes:
    """The data an :func:`encrypt` result hides (MS-OVBA 2.4.3.3)."""
    encrypted = bytes.fromhex(hex_text)
    seed, version_encrypted, key_encrypted = encrypted[0], encrypted[1], encrypted[2]
    if seed ^ version_encrypted != _VERSION:
        raise ValueError("not MS-OVBA encrypted data: version byte is not 2")
    unencrypted_byte_1, encrypted_byte_1, encrypted_byte_2 = (
        seed ^ key_encrypted,
        key_encrypted,
        version_encrypted,
    )
    plain = bytearray()
    for byte_encrypted in encrypted[3:]:
        byte = byte_encrypted ^ ((encrypted_byte_2 + unencrypted_byte_1) & 0xFF)
        plain.append(byte)
        encrypted_byte_2, encrypted_byte_1, unencrypted_byte_1 = encrypted_byte_1, byte_encrypted, byte
    ignored_length = (seed & 6) // 2
    length = int.from_bytes(plain[ignored_length : ignored_length + 4], "little")
    data = bytes(plain[ignored_length + 4 :])
    if len(data) != length:
        raise ValueError(f"encrypted data says {length} bytes but holds {len(data)}")
    return data
