"""Hand memory freed by the native readers back to the operating system.

A table parsed by fastexcel or python-calamine leaves millions of small freed blocks in the
C heap. Python's own objects live elsewhere (its arenas), so those blocks would stay in the
process's resident size for the rest of the run; at a million rows that is hundreds of MB
of peak memory. glibc's ``malloc_trim`` returns them. Elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable
from functools import cache

__all__ = ["release_freed_memory"]


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    return trim


def release_freed_memory() -> None:
    """Return the C heap's free memory to the system, where the C library can."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
