"""Dates in reader text: ``11 June 2020``, ``Thursday 11 June 2020``, ``June 2020``, ``8–11 June 2020``.

One date style for every page (day month year, no comma, no leading zero). Month and weekday
names come from babel for ``locale`` (``en_GB`` by default, whose long date is the house style).
"""

from __future__ import annotations

import datetime as _dt
import functools
import numbers

import pandas as pd
from babel import Locale
from babel.dates import format_date

from frstory.prose.errors import ProseError

__all__ = ["DATE_LOCALE", "as_day", "date", "month", "date_range"]

#: Locale of month and weekday names unless a call passes ``locale=``.
DATE_LOCALE = "en_GB"

_PRECISIONS = ("day", "month")


def as_day(value: object, func: str = "date") -> _dt.date:
    """``value`` (a ``date``, ``datetime``, pandas ``Timestamp``, ``numpy.datetime64`` or ISO text) as a date.

    A timezone-aware time keeps its own calendar day (a New York close stays on its New York date).

    Raises
    ------
    ProseError
        When ``value`` is missing (None, NaT) or not a date.

    Examples
    --------
    >>> as_day("2020-06-11"), as_day(pd.Timestamp("2020-06-11 16:00", tz="America/New_York"))
    (datetime.date(2020, 6, 11), datetime.date(2020, 6, 11))
    """
    if type(value) is _dt.date:  # already a day (not a datetime): the common case in tables of events
        return value
    if isinstance(value, numbers.Number) and not pd.isna(value):
        # pandas would read 1591833600 as nanoseconds since 1970: a number is never a date here.
        raise ProseError(f"{func}: {value!r} is a number, not a date; pass a date such as '2020-06-11'")
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ProseError(f"{func}: {value!r} is not a date; pass a date such as '2020-06-11'") from exc
    if pd.isna(stamp):
        raise ProseError(
            f"{func}: the date is missing ({value!r}); check the data for a gap, or word the sentence for "
            "the missing case before calling"
        )
    return stamp.date()


@functools.lru_cache(maxsize=8192)
def _formatted(day: _dt.date, pattern: str, locale: str) -> str:
    # babel parses a locale given by name on every call (6 us of its 8), and a table of events
    # names the same few hundred days thousands of times; the words of a day never change.
    return format_date(day, pattern, locale=_locale(locale))


@functools.lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def _precision(precision: str, func: str) -> str:
    if precision not in _PRECISIONS:
        raise ProseError(f"{func}: precision {precision!r} is not 'day' or 'month' (an events file's date_precision)")
    return precision


def date(d: object, *, weekday: bool = False, year: bool = True, precision: str = "day",
         locale: str = DATE_LOCALE) -> str:
    """A date as prose writes it: ``11 June 2020``, or ``Thursday 11 June 2020`` with ``weekday``.

    Parameters
    ----------
    d : date-like
        A ``date``, ``datetime``, pandas ``Timestamp``, ``numpy.datetime64`` or ISO text.
    weekday : bool, default False
        Open with the day of the week (for sessions and announcements, where the day matters).
    year : bool, default True
        End with the year; leave it out when the sentence already gave it.
    precision : {"day", "month"}, default "day"
        ``"month"`` for a date known only to the month (stored as the 1st): ``June 2020``.
    locale : str, default "en_GB"
        Babel locale of month and weekday names.

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When ``d`` is missing or not a date, or ``precision`` is unknown.

    Examples
    --------
    >>> date("2020-06-11"), date("2020-06-11", weekday=True), date("2020-06-11", weekday=True, year=False)
    ('11 June 2020', 'Thursday 11 June 2020', 'Thursday 11 June')
    >>> date("2020-12-01", precision="month")
    'December 2020'
    """
    day = as_day(d, "date")
    if _precision(precision, "date") == "month":
        if weekday:
            raise ProseError("date: weekday=True with precision='month' names no day; drop one of them")
        return month(day, year=year, locale=locale)
    pattern = ("EEEE " if weekday else "") + "d MMMM" + (" y" if year else "")
    return _formatted(day, pattern, locale)


def month(d: object, *, year: bool = True, locale: str = DATE_LOCALE) -> str:
    """The month of a date: ``June 2020`` (``June`` without ``year``).

    Parameters
    ----------
    d : date-like
        Any date in the month.
    year : bool, default True
        End with the year.
    locale : str, default "en_GB"
        Babel locale of the month name.

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When ``d`` is missing or not a date.

    Examples
    --------
    >>> month("2020-06-11"), month("2020-06-11", year=False)
    ('June 2020', 'June')
    """
    # "LLLL" is the stand-alone month name (the nominative in languages that inflect it).
    return _formatted(as_day(d, "month"), "LLLL y" if year else "LLLL", locale)


def date_range(a: object, b: object, *, dash: bool = True, locale: str = DATE_LOCALE) -> str:
    """Two dates as one span, each part written once: ``8–11 June 2020``, ``29 May – 11 June 2020``.

    The shared month and year are written once; the dash is an en dash, spaced when either side
    has spaces in it.

    Parameters
    ----------
    a, b : date-like
        First and last day, inclusive; ``b`` may equal ``a`` (then it is one date).
    dash : bool, default True
        ``False`` writes the span in words, each day with its month: ``8 June to 11 June 2020``
        (chart subtitles and alt text, which a screen reader reads aloud).
    locale : str, default "en_GB"
        Babel locale of the names and the interval pattern.

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When a date is missing or not a date, or ``b`` is before ``a``.

    Examples
    --------
    >>> date_range("2020-06-08", "2020-06-11")
    '8–11 June 2020'
    >>> date_range("2020-05-29", "2020-06-11"), date_range("2019-12-30", "2020-01-02")
    ('29 May – 11 June 2020', '30 December 2019 – 2 January 2020')
    >>> date_range("2020-06-08", "2020-06-11", dash=False)
    '8 June to 11 June 2020'
    """
    first, last = as_day(a, "date_range"), as_day(b, "date_range")
    if last < first:
        raise ProseError(
            f"date_range: the end {last.isoformat()} is before the start {first.isoformat()}; pass them in order"
        )
    if first == last:
        return date(first, locale=locale)
    if not dash:
        return f"{date(first, year=first.year != last.year, locale=locale)} to {date(last, locale=locale)}"
    # Written here, not with babel's format_interval: CLDR's en_GB intervals have no full-month
    # pattern (babel falls back to "8 – 11 Jun 2020"), and the house style spells the month.
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}\N{EN DASH}{date(last, locale=locale)}"
    start = date(first, year=first.year != last.year, locale=locale)
    return f"{start} \N{EN DASH} {date(last, locale=locale)}"
