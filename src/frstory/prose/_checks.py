"""Input checks shared by the prose modules: a clear error instead of "nan%" in a published sentence."""

from __future__ import annotations

import contextlib
import decimal
import math
import numbers
from decimal import Decimal

from frstory.prose.errors import ProseError


def real(value: object, name: str, func: str) -> float:
    """``value`` as a finite float, or a :class:`ProseError` naming ``func`` and ``name``."""
    # bool is an int subclass, but True% is a bug in the caller, never a number to print.
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        raise ProseError(
            f"{func}: {name} is {value!r} ({type(value).__name__}), not a number; "
            f"pass a number such as 0.034 (computed values from pandas are numbers already)"
        )
    number = float(value)
    if math.isnan(number):
        raise ProseError(
            f"{func}: {name} is missing (NaN); a missing value cannot be written in a sentence, "
            "so check the data for a gap, or word the sentence for the missing case before calling"
        )
    if math.isinf(number):
        raise ProseError(
            f"{func}: {name} is infinite ({number}); check the computation that produced it (a division by zero?)"
        )
    return number


def integer(value: object, name: str, func: str) -> int:
    """``value`` as an int when it is a whole number (``3`` or ``3.0``), else a :class:`ProseError`."""
    number = real(value, name, func)
    if number != int(number):
        raise ProseError(
            f"{func}: {name} is {value!r}, not a whole number; counts and ranks are whole numbers, so round first"
        )
    return int(number)


#: Halves round away from zero, as readers, spreadsheets and wire style round them: 0.125 -> 0.13.
#: (Python's format() and babel's default round half to even on the binary value instead.)
ROUNDING = decimal.ROUND_HALF_UP


def rounding() -> contextlib.AbstractContextManager[decimal.Context]:
    """A decimal context with :data:`ROUNDING`; babel quantizes in the current context."""
    return decimal.localcontext(rounding=ROUNDING)


def exact(value: float, scale: int = 0) -> Decimal:
    """``value * 10**scale`` from its shortest decimal text: ``exact(0.0215, 2)`` is 2.15, where the
    float product ``0.0215 * 100`` is 2.1499999999999995 and would round down."""
    return Decimal(str(value)).scaleb(scale)


def rounded(value: float | Decimal, decimals: int, scale: int = 0) -> Decimal:
    """``value * 10**scale`` rounded to ``decimals`` with :data:`ROUNDING`."""
    return exact(value, scale).quantize(Decimal(1).scaleb(-decimals), rounding=ROUNDING)
