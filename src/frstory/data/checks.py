"""Plausibility checks shared by every way prices enter frstory (Yahoo, imported CSVs, the cache).

One implementation of "is this a daily price series we may store": the NYSE sessions of the
range, finite positive prices below a ceiling, ``low <= open, close <= high``, a whole volume
``>= 0`` and split ratios that a company could really declare. Each check returns plain-language
problems; the callers add where the data came from and how to fix it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from frstory.data.calendar import nyse_calendar

__all__ = [
    "MAX_PRICE",
    "MAX_VOLUME",
    "SPLIT_RATIO_LIMITS",
    "calendar_bounds",
    "split_problem",
    "frame_problems",
    "describe_dates",
]

#: No listed share or index has traded near this; a larger number is a unit or parsing error.
MAX_PRICE = 10_000_000.0
#: More shares than any US security has traded in one day (and far inside int64).
MAX_VOLUME = 10**14
#: The most extreme forward (100-for-1) and reverse (1-for-100) splits accepted.
SPLIT_RATIO_LIMITS = (1 / 100, 100.0)


def calendar_bounds() -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last session the NYSE calendar knows (tz-naive).

    Examples
    --------
    >>> calendar_bounds()[0].year
    1990
    """
    cal = nyse_calendar()
    return (pd.Timestamp(cal.first_session).tz_localize(None),
            pd.Timestamp(cal.last_session).tz_localize(None))


def describe_dates(dates, limit: int = 5) -> str:
    """``2020-06-10, 2020-06-11 and 3 more``: a short list of dates for a message.

    Examples
    --------
    >>> describe_dates(pd.to_datetime(["2020-06-10", "2020-06-11"]))
    '2020-06-10, 2020-06-11'
    """
    days = [pd.Timestamp(d).strftime("%Y-%m-%d") for d in dates]
    shown = ", ".join(days[:limit])
    return shown + (f" and {len(days) - limit:,} more" if len(days) > limit else "")


def split_problem(split: object) -> str | None:
    """Why a split record is implausible, or ``None`` when it is fine.

    Examples
    --------
    >>> split_problem({"date": "2022-06-06", "ratio": 20.0}) is None
    True
    >>> split_problem({"date": "2022-06-06", "ratio": 0})
    'split ratio 0 is not a plausible split (between 1/100 and 100, not 1)'
    """
    if not isinstance(split, dict):
        return f"split record {split!r} is not an object with date and ratio"
    try:
        pd.Timestamp(str(split["date"]))
    except (KeyError, ValueError, TypeError):
        return f"split record {split!r} has no valid date"
    ratio = split.get("ratio")
    try:
        value = float(ratio)
    except (TypeError, ValueError):
        return f"split ratio {ratio!r} is not a number"
    low, high = SPLIT_RATIO_LIMITS
    if not math.isfinite(value) or not (low <= value <= high) or value == 1.0:
        return f"split ratio {ratio!r} is not a plausible split (between 1/100 and 100, not 1)"
    return None


def frame_problems(frame: pd.DataFrame, start=None, end=None) -> list[str]:
    """Problems of an as-traded price frame (``date, open, high, low, close, adj_close, volume``).

    Parameters
    ----------
    frame : pandas.DataFrame
    start, end : date-like, optional
        When given, every NYSE session from ``start`` to ``end`` must have a row.

    Returns
    -------
    list of str
        One sentence per kind of problem, naming the dates; empty when the frame is fine.

    Examples
    --------
    >>> days = pd.to_datetime(["2020-06-10", "2020-06-13"])
    >>> f = pd.DataFrame({"date": days, "open": [1.0, 1.0], "high": [2.0, 0.5], "low": [0.5, 1.0],
    ...                   "close": [1.5, 1.0], "adj_close": [1.5, 1.0], "volume": [10, 10]})
    >>> frame_problems(f)
    ['1 row(s) on days that are not NYSE sessions: 2020-06-13', '1 row(s) with high below low: 2020-06-13']
    """
    problems: list[str] = []
    dates = pd.DatetimeIndex(pd.to_datetime(frame["date"]))
    first, last = calendar_bounds()
    outside = dates[(dates < first) | (dates > last)]
    if len(outside):
        problems.append(f"{len(outside)} row(s) outside the NYSE calendar ({first.date()} to {last.date()}): "
                        f"{describe_dates(outside)}")
    inside = dates[(dates >= first) & (dates <= last)]
    sessions_all = nyse_calendar().sessions_in_range(first, last).tz_localize(None) if len(inside) else None
    if len(inside):
        not_sessions = inside[~inside.isin(sessions_all)]
        if len(not_sessions):
            problems.append(f"{len(not_sessions)} row(s) on days that are not NYSE sessions: "
                            f"{describe_dates(not_sessions)}")
    if dates.duplicated().any():
        problems.append(f"duplicate dates: {describe_dates(dates[dates.duplicated()])}")
    if start is not None and end is not None:
        lo, hi = max(pd.Timestamp(start), first), min(pd.Timestamp(end), last)
        if lo <= hi:
            expected = nyse_calendar().sessions_in_range(lo, hi).tz_localize(None)
            missing = expected[~expected.isin(dates)]
            present = expected[expected.isin(dates)]
            if len(missing) and len(present) and not missing[(missing > present[0]) & (missing < present[-1])].size:
                problems.append(
                    f"covers only part of the range: rows for {present[0].date()} to {present[-1].date()}, "
                    f"none for {len(missing)} of {len(expected)} sessions ({describe_dates(missing)})")
            elif len(missing):
                problems.append(f"missing {len(missing)} of {len(expected)} sessions: {describe_dates(missing)}")
    prices = frame[["open", "high", "low", "close", "adj_close"]].apply(pd.to_numeric, errors="coerce")
    values = prices.to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(values).all(axis=1)
        if bad.any():
            problems.append(f"{int(bad.sum())} row(s) with missing or infinite prices: {describe_dates(dates[bad])}")
        nonpos = (values <= 0).any(axis=1)
        if nonpos.any():
            problems.append(f"{int(nonpos.sum())} row(s) with zero or negative prices: "
                            f"{describe_dates(dates[nonpos])}")
        huge = (values > MAX_PRICE).any(axis=1) & ~bad
        if huge.any():
            problems.append(f"{int(huge.sum())} row(s) with prices above {MAX_PRICE:,.0f}: {describe_dates(dates[huge])}")
        high, low = prices["high"].to_numpy(), prices["low"].to_numpy()
        swapped = high < low
        if swapped.any():
            problems.append(f"{int(swapped.sum())} row(s) with high below low: {describe_dates(dates[swapped])}")
        outside_range = np.zeros(len(frame), dtype=bool)
        for col in ("open", "close"):
            v = prices[col].to_numpy()
            outside_range |= ((v < low) | (v > high)) & ~swapped
        if outside_range.any():
            problems.append(f"{int(outside_range.sum())} row(s) with open or close outside low..high: "
                            f"{describe_dates(dates[outside_range])}")
    volume = pd.to_numeric(frame["volume"], errors="coerce").to_numpy(dtype="float64")
    badvol = ~np.isfinite(volume) | (volume < 0) | (volume > MAX_VOLUME)
    if badvol.any():
        problems.append(f"{int(badvol.sum())} row(s) with a volume that is missing, negative or above "
                        f"{MAX_VOLUME:.0e}: {describe_dates(dates[badvol])}")
    return problems
