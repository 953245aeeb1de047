"""A line chart's x-axis is titled in words, never with a column name written for code.

All data here is synthetic (made-up quarterly story counts).
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_charts_fixtures import SOURCE

from frstory import charts
from frstory.errors import ChartInputError


def quarterly(column: str) -> pd.DataFrame:
    # Synthetic: three quarters of made-up story counts, the quarters in a column named `column`.
    return pd.DataFrame({column: ["Q1 2023", "Q2 2023", "Q3 2023"], "stories": [3, 5, 4]})


def test_an_x_column_named_for_code_is_refused_asking_for_x_title():
    with pytest.raises(ChartInputError, match=r"x column 'quarter_label' is a name for code.*Fix: pass x_title="):
        charts.line(quarterly("quarter_label"), x="quarter_label", y="stories", unit="count", source=SOURCE)


def test_x_title_titles_the_x_axis_in_words():
    fig = charts.line(quarterly("quarter_label"), x="quarter_label", y="stories", unit="count",
                      x_title="quarter of the year", source=SOURCE)
    assert fig.layout.xaxis.title.text == "Quarter of the year"


def test_an_x_column_named_in_words_titles_the_axis_capitalised():
    fig = charts.line(quarterly("quarter"), x="quarter", y="stories", unit="count", source=SOURCE)
    assert fig.layout.xaxis.title.text == "Quarter"


def test_a_date_axis_stays_untitled_and_refuses_an_x_title():
    data = pd.DataFrame({"month": pd.date_range("2023-01-01", periods=3, freq="MS"), "stories": [3, 5, 4]})
    assert not charts.line(data, x="month", y="stories", unit="count", source=SOURCE).layout.xaxis.title.text
    with pytest.raises(ChartInputError, match=r"x_title='month' would title a date axis.*Fix: drop x_title="):
        charts.line(data, x="month", y="stories", unit="count", x_title="month", source=SOURCE)


# Synthetic monthly counts in which the highest and lowest values are each reached more than once.
TIED = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=6, freq="MS"), "votes": [2, 0, 4, 0, 4, 0]})


def test_bar_alt_text_names_every_bar_that_ties_for_highest_or_lowest():
    alt = charts.bar(TIED, x="month", y="votes", unit="count", source="Synthetic").layout.meta["frstory"]["alt"]
    assert alt.startswith("Votes: highest in March 2020 and in May 2020, at 4; lowest in February 2020, in April "
                          "2020 and in June 2020, at 0.")


def test_bar_alt_text_counts_many_tied_bars():
    many = TIED.assign(votes=[1, 0, 0, 0, 0, 3])
    alt = charts.bar(many, x="month", y="votes", unit="count", source="Synthetic").layout.meta["frstory"]["alt"]
    assert "lowest, at 0, in four bars, the first in February 2020." in alt


def test_line_alt_text_says_a_peak_was_reached_again():
    alt = charts.line(TIED, x="month", y="votes", unit="count", source="Synthetic").layout.meta["frstory"]["alt"]
    assert "peaking at 4 in March 2020 and again in May 2020." in alt


def test_line_alt_text_agrees_with_plural_value_words():
    flat = TIED.assign(votes=[2, 2, 2, 2, 2, 2])
    alt = charts.line(flat, x="month", y="votes", unit="count", source="Synthetic").layout.meta["frstory"]["alt"]
    assert alt.startswith("Votes were unchanged from 2 in January 2020")
