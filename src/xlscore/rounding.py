"""Excel's arithmetic where Python's differs: ROUND and the exact share cut.

Excel's ``ROUND(x, 2)`` rounds half away from zero on the decimal value as shown, i.e. the
double is first read as its 15-significant-digit decimal: ``ROUND(2.675, 2)`` is 2.68 even
though the double nearest 2.675 is 2.67499999999999982... Python's ``round`` and
``numpy.round`` give 2.67.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

__all__ = ["HALF_TOLERANCE", "excel_round", "excel_round_array", "percent_text", "share_cut"]

# Relative tolerance that makes "half" mean half at 15 significant digits. A double carries
# 15.95 digits; noise from x * 100 is below 2 ulp (~4.4e-16 relative).
HALF_TOLERANCE = 5e-15


def excel_round(value: float, digits: int = 2) -> float:
    """Excel ``ROUND`` for one number (the reference the vector version is tested against)."""
    if not math.isfinite(value):
        return value
    shown = Decimal(f"{value:.15g}")
    quantum = Decimal(1).scaleb(-digits)
    return float(shown.quantize(quantum, rounding=ROUND_HALF_UP))


def percent_text(share: float, digits: int = 1) -> str:
    """``0.3125`` -> ``31.3%``: shown as Excel shows a percentage, rounded half away from zero (Python's
    ``{:.1%}`` rounds half to even: 31.2%). The one rule for every share xlscore prints."""
    return f"{excel_round(share * 100, digits):.{digits}f}%"


def excel_round_array(values: npt.NDArray[np.float64], digits: int = 2) -> npt.NDArray[np.float64]:
    """Excel ``ROUND`` over an array, vectorised; NaN stays NaN."""
    scale = 10.0**digits
    magnitude = np.abs(values) * scale
    whole = np.floor(magnitude)
    fraction = magnitude - whole
    # Half or above at 15 significant digits rounds up (away from zero).
    up = fraction >= 0.5 - magnitude * HALF_TOLERANCE
    # Just below an integer because of noise: floor was one too low and fraction ~1.
    rounded = whole + up
    out: npt.NDArray[np.float64] = np.copysign(rounded / scale, values)
    return out


def share_cut(share_percent: float, n: int) -> int:
    """ceil(share% × n / 100) computed exactly: 20 % of 23,570 is 4,714, not 4,715.

    The share is read as the decimal the user typed (``repr`` of the double), so 33.3 % is
    333/1000 of a hundred, not the binary approximation of 33.3.
    """
    exact = Fraction(Decimal(repr(float(share_percent)))) * n / 100
    return -((-exact.numerator) // exact.denominator)
