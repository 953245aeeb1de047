"""Specification of frstory.reaction_session: which NYSE session first reflects the news."""

from __future__ import annotations

import pandas as pd
import pytest

import frstory as fr


@pytest.mark.parametrize(
    ("date", "session", "expected", "why"),
    [
        ("2020-06-10", "post", "2020-06-11", "Amazon's after-close post: next session"),
        ("2020-06-08", "post", "2020-06-09", "IBM's letter reached Congress late Monday"),
        ("2020-06-11", "regular", "2020-06-11", "during the session: the same day"),
        ("2020-06-11", "pre", "2020-06-11", "before the open: the same day"),
        ("2020-06-13", "closed", "2020-06-15", "Saturday: Monday"),
        ("2020-07-03", "closed", "2020-07-06", "Independence Day observed: next Monday"),
        ("2020-07-02", "post", "2020-07-06", "after the close before a holiday weekend"),
        ("2020-06-12", "post", "2020-06-15", "Friday after the close: Monday"),
        ("2020-06-14", "unknown", "2020-06-15", "unknown time on a Sunday: next session"),
        ("2021-05-18", "unknown", "2021-05-18", "unknown time on a session: that day"),
    ],
)
def test_reaction_session(date, session, expected, why):
    assert fr.reaction_session(date, session) == pd.Timestamp(expected), why


def test_reaction_session_accepts_timestamps_with_time_zones():
    # 18:23 New York time on 10 June 2020 is 22:23 UTC (Reuters' time stamp)
    utc = pd.Timestamp("2020-06-10 22:23", tz="UTC")
    assert fr.reaction_session(utc, "post") == pd.Timestamp("2020-06-11")


def test_unknown_market_session_is_a_clear_error():
    with pytest.raises(fr.AnalysisError, match="market_session 'after' is not one of pre, regular, post"):
        fr.reaction_session("2020-06-10", "after")


def test_closed_on_a_trading_day_is_rejected_with_the_fix():
    with pytest.raises(fr.AnalysisError, match="2020-06-10 was an NYSE session.*use 'pre', 'regular' or 'post'"):
        fr.reaction_session("2020-06-10", "closed")


def test_a_date_that_is_not_a_date_is_named():
    with pytest.raises(fr.AnalysisError, match="'June tenth' is not a date"):
        fr.reaction_session("June tenth", "post")


def test_june_2020_has_22_sessions_and_july_3rd_is_a_holiday():
    assert len(fr.nyse_sessions("2020-06-01", "2020-06-30")) == 22
    assert not fr.is_session("2020-07-03")
    assert fr.is_session("2020-07-02")


def test_a_reversed_range_of_sessions_is_a_clear_error_naming_both_dates():
    with pytest.raises(fr.AnalysisError, match=r"end 2020-06-01 is before start 2020-06-30: swap them"):
        fr.nyse_sessions("2020-06-30", "2020-06-01")


def test_a_range_without_a_session_is_empty_not_an_error():
    assert len(fr.nyse_sessions("2020-06-13", "2020-06-14")) == 0  # a weekend


def test_many_announcements_get_the_same_sessions_as_one_at_a_time():
    days = pd.date_range("2020-06-25", "2020-07-10")
    trading = days[days.isin(fr.nyse_sessions("2020-06-25", "2020-07-10"))]
    shut = days[~days.isin(trading)]
    for session, dates in (("pre", trading), ("regular", trading), ("post", trading), ("unknown", days),
                           ("closed", shut)):
        together = fr.data.calendar.reaction_sessions(dates, [session] * len(dates))
        assert list(together) == [fr.reaction_session(d, session) for d in dates], session


@pytest.mark.parametrize("session", ["pre", "regular", "post"])
def test_a_time_of_the_trading_day_on_a_weekend_is_refused(session):
    with pytest.raises(fr.AnalysisError, match=f"2020-06-13 was not an NYSE session .*market_session '{session}' "
                                               "cannot apply: use 'closed'"):
        fr.reaction_session("2020-06-13", session)


def test_a_bad_announcement_in_a_batch_is_named_by_its_id():
    with pytest.raises(fr.AnalysisError, match="event 'b-exit': 2020-06-10 was an NYSE session"):
        fr.data.calendar.reaction_sessions(["2020-06-13", "2020-06-10"], ["closed", "closed"], ids=["a", "b-exit"])


def test_session_positions_count_sessions_not_calendar_days():
    from frstory.data.calendar import session_positions

    pos, on = session_positions(pd.to_datetime(["2020-07-02", "2020-07-03", "2020-07-06", "2020-07-07"]))
    assert on.tolist() == [True, False, True, True]
    assert (pos[2] - pos[0], pos[3] - pos[2]) == (1, 1)
