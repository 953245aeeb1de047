"""The NYSE trading calendar: which session's close can first reflect a piece of news.

Built on ``exchange_calendars`` (calendar ``XNYS``), which knows weekends, holidays and early closes
offline.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from frstory.errors import AnalysisError

MarketSession = Literal["pre", "regular", "post", "closed", "unknown"]
MARKET_SESSIONS: tuple[str, ...] = ("pre", "regular", "post", "closed", "unknown")

__all__ = ["MARKET_SESSIONS", "nyse_calendar", "nyse_sessions", "reaction_session", "reaction_sessions",
           "session_positions", "is_session"]


@lru_cache(maxsize=1)
def nyse_calendar():
    """The ``exchange_calendars`` XNYS calendar, built once per process (covers 1990 to next year)."""
    import warnings

    import exchange_calendars as xcals

    with warnings.catch_warnings():
        # exchange_calendars uses pandas APIs that pandas 3 deprecates; not our concern here.
        warnings.simplefilter("ignore", DeprecationWarning)
        end = pd.Timestamp.today().normalize() + pd.DateOffset(years=1)
        return xcals.get_calendar("XNYS", start="1990-01-02", end=end.strftime("%Y-%m-%d"))


# A date written as text must start with the full ISO day; a time of day may follow.
_ISO_DAY_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?", re.ASCII | re.DOTALL)


def not_a_day(value) -> str | None:
    """Why ``value`` cannot be taken as a day without guessing, or ``None`` when it can.

    pandas reads ``"10/06/2020"`` as 6 October (month first) and the number ``20200610`` as
    nanoseconds in 1970; ``"2020-06"`` becomes 1 June, which as the end of a range drops the rest of
    June. Each would be a silent misreading, so text must be an ISO day and numbers are refused.

    Examples
    --------
    >>> not_a_day("2020-06-10") is None, not_a_day(pd.Timestamp("2020-06-10")) is None
    (True, True)
    >>> not_a_day("10/06/2020")
    "'10/06/2020' is not a date written YYYY-MM-DD (is it 10 June or 6 October?)"
    """
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DAY_TEXT.fullmatch(text):
            return None
        if re.fullmatch(r"\d{4}-\d{2}", text, re.ASCII):
            return f"{value!r} is a month, not a day"
        parts = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text, re.ASCII)
        if parts and int(parts[1]) <= 12 and int(parts[2]) <= 12 and parts[1] != parts[2]:
            a, b, year = (int(g) for g in parts.groups())
            first, second = pd.Timestamp(year, b, a), pd.Timestamp(year, a, b)
            return (f"{value!r} is not a date written YYYY-MM-DD (is it {first.day} {first:%B} or "
                    f"{second.day} {second:%B}?)")
        return f"{value!r} is not a date written YYYY-MM-DD"
    if isinstance(value, (bool, np.bool_)):
        return f"{value!r} is not a date"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return f"{value!r} is a number, not a date"
    return None


def _as_day(date, what: str = "date") -> pd.Timestamp:
    problem = not_a_day(date)
    if problem is not None:
        raise AnalysisError(f"{what} {problem}: give an ISO date such as '2020-06-10'")
    try:
        ts = pd.Timestamp(date)
    except (ValueError, TypeError) as exc:
        raise AnalysisError(
            f"{what} {date!r} is not a date: give an ISO date such as '2020-06-10'"
        ) from exc
    if ts is pd.NaT or pd.isna(ts):
        raise AnalysisError(f"{what} is missing (NaT): give an ISO date such as '2020-06-10'")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("America/New_York").tz_localize(None)
    return ts.normalize()


def _check_range(day: pd.Timestamp) -> None:
    cal = nyse_calendar()
    if not (cal.first_session <= day <= cal.last_session):
        raise AnalysisError(
            f"{day.date()} is outside the NYSE calendar's range "
            f"({cal.first_session.date()} to {cal.last_session.date()})"
        )


def is_session(date) -> bool:
    """True when ``date`` is an NYSE trading day.

    Examples
    --------
    >>> is_session("2020-07-03")  # Independence Day observed
    False
    """
    day = _as_day(date)
    _check_range(day)
    return bool(nyse_calendar().is_session(day))


def nyse_sessions(start, end) -> pd.DatetimeIndex:
    """NYSE sessions from ``start`` to ``end`` inclusive, as tz-naive midnight timestamps.

    A range without a session (a weekend, or years outside the calendar) gives an empty index.

    Raises
    ------
    AnalysisError
        When ``start`` or ``end`` is not a day, or ``end`` is before ``start``.

    Examples
    --------
    >>> len(nyse_sessions("2020-06-01", "2020-06-30"))
    22
    >>> len(nyse_sessions("2020-06-13", "2020-06-14"))  # a weekend
    0
    """
    start_day, end_day = _as_day(start, "start"), _as_day(end, "end")
    if end_day < start_day:
        # Swapped dates are a slip, not a question with an empty answer: an empty index would
        # surface far away (an empty chart, a window with no sessions).
        raise AnalysisError(
            f"end {end_day.date()} is before start {start_day.date()}: swap them (end is inclusive)"
        )
    cal = nyse_calendar()
    start_day = max(start_day, cal.first_session)
    end_day = min(end_day, cal.last_session)
    if end_day < start_day:
        return pd.DatetimeIndex([], name="date")
    sessions = cal.sessions_in_range(start_day, end_day)
    return pd.DatetimeIndex(sessions.tz_localize(None) if sessions.tz else sessions, name="date")


def _session_grid() -> np.ndarray:
    """Every NYSE session of the calendar as tz-naive ``datetime64[ns]`` midnights."""
    sessions = pd.DatetimeIndex(nyse_calendar().sessions)
    if sessions.tz is not None:
        sessions = sessions.tz_localize(None)
    return sessions.to_numpy("datetime64[ns]")


def session_positions(dates) -> tuple[np.ndarray, np.ndarray]:
    """Position of each date on the NYSE session axis, and whether it is a session at all.

    Returns and event windows count sessions, not rows: two prices are consecutive only when
    their positions differ by one, so a missing session leaves a gap instead of a two-session
    return. ``fr.returns`` and ``fr.event_study`` both align prices with this function.

    Parameters
    ----------
    dates : array-like of datetime64
        Midnight dates (tz-naive, New York calendar days).

    Returns
    -------
    (positions, on_calendar) : tuple of numpy.ndarray
        ``positions`` index the calendar's sessions (valid only where ``on_calendar``).

    Examples
    --------
    >>> pos, ok = session_positions(pd.to_datetime(["2020-07-02", "2020-07-03", "2020-07-06"]))
    >>> (pos[2] - pos[0]).item(), ok.tolist()
    (1, [True, False, True])
    """
    grid = _session_grid()
    days = pd.DatetimeIndex(dates).to_numpy("datetime64[ns]")
    pos = np.minimum(np.searchsorted(grid, days), len(grid) - 1)
    return pos, grid[pos] == days


def reaction_sessions(dates, market_sessions: Sequence[str], ids: Sequence[str] | None = None) -> pd.DatetimeIndex:
    """:func:`reaction_session` for many announcements at once (the one implementation).

    Parameters
    ----------
    dates : array-like of date-like
        Announcement dates (US Eastern calendar days).
    market_sessions : sequence of str
        One of :data:`MARKET_SESSIONS` per date.
    ids : sequence of str, optional
        Names used in error messages (e.g. the events file's ``id``).

    Returns
    -------
    pandas.DatetimeIndex
        The reaction session of each announcement.

    Raises
    ------
    AnalysisError
        For the first announcement with an unknown ``market_session``, a date outside the
        calendar, ``closed`` on a day the exchange was open, or ``pre``, ``regular`` or ``post``
        on a day it was shut; the message names it.

    Examples
    --------
    >>> [d.date().isoformat() for d in reaction_sessions(["2020-06-10", "2020-07-03"], ["post", "closed"])]
    ['2020-06-11', '2020-07-06']
    """
    days, sessions, left, is_session_day, problems = _reaction_checks(dates, market_sessions)
    if problems:
        i = min(problems)
        prefix = f"event {ids[i]!r}: " if ids is not None else ""
        raise AnalysisError(prefix + problems[i])
    grid = _session_grid()
    index = np.minimum(left + ((sessions == "post") & is_session_day), len(grid) - 1)
    return pd.DatetimeIndex(grid[index], name="day0")


def reaction_problems(dates, market_sessions: Sequence[str]) -> list[str | None]:
    """Why :func:`reaction_sessions` would refuse each announcement, or ``None`` where it would not.

    For batch work that records a bad row and goes on (``fr.event_studies(on_error="record")``)
    instead of failing every row for one.

    Examples
    --------
    >>> reaction_problems(["2020-06-10", "2020-06-11"], ["post", "later"])
    [None, "market_session 'later' is not one of pre, regular, post, closed, unknown: say when the news came out relative to the NYSE session"]
    """
    problems = _reaction_checks(dates, market_sessions)[-1]
    return [problems.get(i) for i in range(len(market_sessions))]


def _reaction_checks(dates, market_sessions: Sequence[str]):
    dates = pd.DatetimeIndex([_as_day(d) for d in dates]) if not isinstance(dates, pd.DatetimeIndex) else dates
    if dates.tz is not None:
        dates = dates.tz_convert("America/New_York").tz_localize(None)
    grid = _session_grid()
    days = dates.normalize().to_numpy("datetime64[ns]")
    sessions = np.asarray(list(market_sessions), dtype=object)
    unknown = ~np.isin(sessions, MARKET_SESSIONS)
    outside = (days < grid[0]) | (days > grid[-1])
    left = np.searchsorted(grid, days, side="left")
    is_session_day = (left < len(grid)) & (grid[np.minimum(left, len(grid) - 1)] == days)
    closed_on_session = (sessions == "closed") & is_session_day
    # "pre", "regular" or "post" names a moment of a trading day: on a weekend or holiday it cannot be
    # right, and a summary would then contradict it ("... when the market was closed").
    timed_off_session = np.isin(sessions, ("pre", "regular", "post")) & ~is_session_day & ~outside
    cal = nyse_calendar()
    checks = (
        (unknown, lambda i: f"market_session {sessions[i]!r} is not one of {', '.join(MARKET_SESSIONS)}: "
                            "say when the news came out relative to the NYSE session"),
        (outside, lambda i: f"{pd.Timestamp(days[i]).date()} is outside the NYSE calendar's range "
                            f"({cal.first_session.date()} to {cal.last_session.date()})"),
        (closed_on_session, lambda i: f"{pd.Timestamp(days[i]).date()} was an NYSE session, so market_session "
                                      "'closed' cannot apply: use 'pre', 'regular' or 'post' (or 'unknown')"),
        (timed_off_session, lambda i: f"{pd.Timestamp(days[i]).date()} was not an NYSE session (a weekend or "
                                      f"holiday), so market_session {sessions[i]!r} cannot apply: use 'closed' "
                                      "(or 'unknown')"),
    )
    problems: dict[int, str] = {}  # only the refused rows: a batch of thousands is usually clean
    for bad, why in checks:
        for i in np.flatnonzero(bad).tolist():
            problems.setdefault(i, why(i))
    return days, sessions, left, is_session_day, problems


def reaction_session(date, market_session: str = "regular") -> pd.Timestamp:
    """The first NYSE session whose close can reflect news released on ``date``.

    Parameters
    ----------
    date : date-like
        The US (Eastern) calendar date of the announcement.
    market_session : {"pre", "regular", "post", "closed", "unknown"}
        When the news came out relative to the NYSE session that day. ``pre`` and ``regular``:
        that day's close reflects it (if the day is a session). ``post``: after the 4 p.m. close,
        so the next session. ``closed``: a weekend or holiday, so the next session. ``unknown``:
        treated like ``regular`` (the day itself if it is a session); use an event window that
        starts at day 0 and includes day +1 to cover an after-close release.

    Returns
    -------
    pandas.Timestamp
        Midnight of the reaction session (tz-naive).

    Raises
    ------
    AnalysisError
        For an unknown ``market_session``, a date that is not a date, or ``closed`` on a day the
        exchange was open.

    Examples
    --------
    An announcement after the close on Wednesday 10 June 2020:

    >>> reaction_session("2020-06-10", "post").date()
    datetime.date(2020, 6, 11)
    >>> reaction_session("2020-07-03", "closed").date()  # a holiday
    datetime.date(2020, 7, 6)
    """
    return reaction_sessions([_as_day(date)], [market_session])[0]
