"""Test statistics in reader text: ``p = 0.049``, ``p < 0.001``, ``t = 2.15``."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal

from frstory.prose._checks import real, rounded, rounding
from frstory.prose.errors import ProseError
from frstory.prose.numbers import DEFAULT_LOCALE

__all__ = ["SIGNIFICANCE_LINES", "p_value", "t_stat"]

#: Conventional significance levels; a p-value is never printed on the wrong side of one.
SIGNIFICANCE_LINES = (0.01, 0.05, 0.10)

# Enough decimals to show the side of any p-value a float can hold near a line; a p-value this close
# to a line is shown with all of them rather than rounded onto it.
_MAX_DECIMALS = 6


def p_value(p: float, *, locale: str = DEFAULT_LOCALE) -> str:
    """A p-value for readers: ``p = 0.88``, ``p = 0.049``, ``p < 0.001``.

    Two decimals, three below 0.01 and near the 5% line (0.04 to 0.06), and more if rounding
    would put the printed value on or across 0.01, 0.05 or 0.10: a p of 0.0499 never reads
    ``p = 0.050``, and one of 0.0127 never ``p = 0.01``.

    Parameters
    ----------
    p : float
        The p-value, between 0 and 1.
    locale : str, default "en_US"
        Babel locale of the decimal mark.

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When ``p`` is missing (NaN), not a number or outside 0..1.

    Examples
    --------
    >>> p_value(0.8812), p_value(0.0493), p_value(0.0507), p_value(0.0004)
    ('p = 0.88', 'p = 0.049', 'p = 0.051', 'p < 0.001')
    >>> p_value(0.04996)
    'p = 0.04996'
    >>> p_value(0.0127), p_value(0.1042)
    ('p = 0.013', 'p = 0.104')
    """
    value = real(p, "p", "p_value")
    if not 0 <= value <= 1:
        raise ProseError(f"p_value: p is {value}, outside 0..1; pass a p-value, not a t statistic or a percentage")
    if value < 0.001:
        return "p < " + format_decimal(0.001, format="0.000", locale=locale)
    decimals = 3 if value < 0.01 or 0.04 <= value < 0.06 else 2
    lines = [Decimal(str(line)) for line in SIGNIFICANCE_LINES]
    # Rounding must not carry the printed value onto (or across) a line from either side: 0.0499
    # never reads 0.050, and 0.0127 never reads 0.01, "at the 1% line", next to "significant at 5%".
    as_written = Decimal(str(value))  # 0.01 as written, not the binary float a hair above it
    while decimals < _MAX_DECIMALS and any(as_written < line <= rounded(value, decimals)
                                           or rounded(value, decimals) <= line < as_written for line in lines):
        decimals += 1
    return "p = " + format_decimal(rounded(value, decimals), format="0." + "0" * decimals, locale=locale)


def t_stat(t: float, *, decimals: int = 2, locale: str = DEFAULT_LOCALE) -> str:
    """A t statistic for readers: ``t = 0.15``, ``t = -2.31``.

    Parameters
    ----------
    t : float
        The t statistic.
    decimals : int, default 2
        Decimals shown.
    locale : str, default "en_US"
        Babel locale of the decimal mark and minus sign.

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When ``t`` is missing (NaN), infinite or not a number.

    Examples
    --------
    >>> t_stat(0.1549), t_stat(-2.305), t_stat(-0.001)
    ('t = 0.15', 't = -2.31', 't = 0.00')
    """
    value = real(t, "t", "t_stat")
    if not isinstance(decimals, int) or isinstance(decimals, bool) or decimals < 0:
        raise ProseError(f"t_stat: decimals is {decimals!r}; pass a whole number of decimals, 0 or more")
    if rounded(value, decimals) == 0:
        value = 0.0
    with rounding():
        return "t = " + format_decimal(value, format="0." + "0" * decimals if decimals else "0", locale=locale)
