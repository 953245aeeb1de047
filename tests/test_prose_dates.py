"""frstory.prose dates: one date style on every page ("11 June 2020", "Thursday 11 June 2020")."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from frstory import prose


def test_date_is_day_month_year_without_leading_zero_or_comma():
    assert prose.date("2020-06-08") == "8 June 2020"


def test_date_with_weekday_opens_with_the_day_of_the_week():
    assert prose.date("2020-06-11", weekday=True) == "Thursday 11 June 2020"


@pytest.mark.parametrize("day, weekday", [("2020-06-08", "Monday"), ("2020-06-12", "Friday"),
                                          ("2020-06-13", "Saturday"), ("2020-06-14", "Sunday")])
def test_date_names_the_right_weekday(day, weekday):
    assert prose.date(day, weekday=True).split()[0] == weekday


def test_date_without_year_leaves_it_out():
    assert prose.date("2020-06-11", weekday=True, year=False) == "Thursday 11 June"


def test_date_with_month_precision_names_only_the_month():
    assert prose.date("2020-12-01", precision="month") == "December 2020"


def test_date_with_an_unknown_precision_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="precision 'week' is not 'day' or 'month'"):
        prose.date("2020-12-01", precision="week")


def test_date_accepts_every_kind_of_date_a_notebook_holds():
    kinds = ["2020-06-11", dt.date(2020, 6, 11), dt.datetime(2020, 6, 11, 15, 30),
             pd.Timestamp("2020-06-11"), np.datetime64("2020-06-11")]
    assert {prose.date(kind) for kind in kinds} == {"11 June 2020"}


def test_date_keeps_the_calendar_day_of_a_timezone_aware_time():
    assert prose.date(pd.Timestamp("2020-06-11 20:00", tz="America/New_York")) == "11 June 2020"


@pytest.mark.parametrize("missing", [None, pd.NaT, np.datetime64("NaT")])
def test_a_missing_date_is_a_clear_error(missing):
    with pytest.raises(prose.ProseError, match="the date is missing"):
        prose.date(missing)


def test_text_that_is_not_a_date_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="'next Tuesday' is not a date; pass a date such as '2020-06-11'"):
        prose.date("next Tuesday")


@pytest.mark.parametrize("number", [20200611, np.int64(20200611), 1591833600.0])
def test_a_number_is_not_taken_for_a_date(number):
    # pandas would read it as nanoseconds since 1970 and print a day in January 1970.
    with pytest.raises(prose.ProseError, match="is a number, not a date"):
        prose.date(number)


def test_month_names_month_and_year():
    assert prose.month("2020-06-11") == "June 2020"


def test_month_without_year():
    assert prose.month(pd.Timestamp("2020-06-11"), year=False) == "June"


def test_month_of_a_missing_date_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="month: the date is missing"):
        prose.month(pd.NaT)


def test_date_range_within_a_month_writes_month_and_year_once():
    assert prose.date_range("2020-06-08", "2020-06-11") == "8\N{EN DASH}11 June 2020"


def test_date_range_across_months_writes_the_year_once():
    assert prose.date_range("2020-05-29", "2020-06-11") == "29 May \N{EN DASH} 11 June 2020"


def test_date_range_across_years_writes_both_dates_in_full():
    assert prose.date_range("2019-12-30", "2020-01-02") == "30 December 2019 \N{EN DASH} 2 January 2020"


def test_date_range_of_one_day_is_that_date():
    assert prose.date_range("2020-06-11", "2020-06-11") == "11 June 2020"


def test_date_range_backwards_is_a_clear_error():
    with pytest.raises(prose.ProseError, match="the end 2020-06-08 is before the start 2020-06-11"):
        prose.date_range("2020-06-11", "2020-06-08")


def test_dates_follow_another_locale_s_month_names():
    assert prose.month("2020-06-11", locale="de_DE") == "Juni 2020"


def test_date_range_in_words_writes_each_day_with_its_month():
    assert prose.date_range("2020-06-08", "2020-06-11", dash=False) == "8 June to 11 June 2020"


def test_date_range_in_words_across_years_writes_both_years():
    assert prose.date_range("2019-12-02", "2020-01-31", dash=False) == "2 December 2019 to 31 January 2020"
