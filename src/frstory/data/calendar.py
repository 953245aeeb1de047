"""The NYSE trading calendar: which session's close can first reflect a piece of news.

Built on ``exchange_calendars`` (calendar ``XNYS``), which knows weekends, holidays and early closes
offline.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import pandas as pd

from frstory.errors import AnalysisError

MarketSession = Literal["pre", "regular", "post", "closed", "unknown"]
MARKET_SESSIONS: tuple[str, ...] = ("pre", "regular", "post", "closed", "unknown")

__all__ = ["MARKET_SESSIONS", "nyse_calendar", "nyse_sessions", "reaction_session", "is_session"]


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


def _as_day(date, what: str = "date") -> pd.Timestamp:
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

    Examples
    --------
    >>> len(nyse_sessions("2020-06-01", "2020-06-30"))
    22
    """
    start_day, end_day = _as_day(start, "start"), _as_day(end, "end")
    cal = nyse_calendar()
    start_day = max(start_day, cal.first_session)
    end_day = min(end_day, cal.last_session)
    if end_day < start_day:
        return pd.DatetimeIndex([], name="date")
    sessions = cal.sessions_in_range(start_day, end_day)
    return pd.DatetimeIndex(sessions.tz_localize(None) if sessions.tz else sessions, name="date")


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
    Amazon announced its moratorium after the close on Wednesday 10 June 2020:

    >>> reaction_session("2020-06-10", "post").date()
    datetime.date(2020, 6, 11)
    >>> reaction_session("2020-07-03", "closed").date()  # a holiday
    datetime.date(2020, 7, 6)
    """
    if market_session not in MARKET_SESSIONS:
        raise AnalysisError(
            f"market_session {market_session!r} is not one of {', '.join(MARKET_SESSIONS)}: "
            "say when the news came out relative to the NYSE session"
        )
    day = _as_day(date)
    _check_range(day)
    cal = nyse_calendar()
    open_that_day = bool(cal.is_session(day))
    if market_session == "closed" and open_that_day:
        raise AnalysisError(
            f"{day.date()} was an NYSE session, so market_session 'closed' cannot apply: "
            "use 'pre', 'regular' or 'post' (or 'unknown')"
        )
    if market_session == "post" or not open_that_day:
        nxt = cal.next_session(day) if open_that_day else cal.date_to_session(day, direction="next")
        return pd.Timestamp(nxt).tz_localize(None) if pd.Timestamp(nxt).tzinfo else pd.Timestamp(nxt)
    return day
