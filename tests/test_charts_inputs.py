"""Chart functions on inputs they were not built around: other units and currencies, odd shapes of
frames, missing and repeated values, text from data. Each bad input is a ChartInputError that names
the chart, the column or keyword and the fix; reader text stays true to the data.

All data here is synthetic: made-up tickers (SYN*), made-up desks, groups and events.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from test_charts_fixtures import SOURCE, synthetic_events, synthetic_prices, synthetic_result, synthetic_names  # noqa: F401 (autouse: the made-up tickers' names)

import frstory as fr
from frstory import charts
from frstory.errors import ChartInputError

# Narrow figures build one narrower layout only, which keeps these tests quick; alt text and
# errors do not depend on the width.
SMALL = {"source": SOURCE, "width": 300}


def monthly(values=(3, 5, 4, 12, 30, 18)) -> pd.DataFrame:
    """Made-up monthly story counts of one desk."""
    return pd.DataFrame({"month": pd.date_range("2020-01-01", periods=len(values), freq="MS"), "stories": list(values)})


def alt(fig) -> str:
    return fig.layout.meta["frstory"]["alt"]


# --- column errors -----------------------------------------------------------------------------


def test_a_missing_headline_column_is_named_once():
    events = synthetic_events().drop(columns=["headline"])
    with pytest.raises(ChartInputError) as caught:
        charts.price_with_events(synthetic_prices(), events, **SMALL)
    assert "(missing: 'headline';" in str(caught.value)


def test_a_wrong_estimate_column_names_the_keyword_to_pass():
    specs = pd.DataFrame({"estimate": [0.01, -0.02], "low": [-0.01, -0.05], "high": [0.03, 0.01], "model": ["A", "B"]})
    with pytest.raises(ChartInputError, match=r"no column 'est' for estimate= .*Fix: pass estimate='estimate'"):
        charts.specification_curve(specs, measure=None, estimate="est", choices=["model"], **SMALL)


def test_a_wrong_group_column_of_a_cumulative_count_names_the_keyword_to_pass():
    events = synthetic_events()
    with pytest.raises(ChartInputError, match=r"no column 'bans' for by= .*Fix: pass by='ban'"):
        charts.cumulative_count(events, by="bans", noun="bans", **SMALL)


def _desk_frame() -> pd.DataFrame:
    """Made-up daily figures of one desk: a date column first, then text, then the numbers."""
    return pd.DataFrame({"date": pd.date_range("2020-01-01", periods=3), "desk": ["Metro"] * 3, "stories": [3, 5, 4]})


def test_a_missing_value_column_suggests_a_column_of_numbers_not_the_first_column():
    # "Fix: pass y='date'" sent the user to a column that fails next, as non-numeric.
    with pytest.raises(ChartInputError, match=r"no column 'price' for y= .*Fix: pass y='stories'"):
        charts.line(_desk_frame(), y="price", **SMALL)


def test_a_missing_value_column_suggests_nothing_when_no_column_holds_numbers():
    with pytest.raises(ChartInputError, match=r"no column 'price' for y= .*Fix: pass y= a column of numbers\.") as caught:
        charts.line(_desk_frame().drop(columns="stories"), y="price", **SMALL)
    assert "y='" not in str(caught.value).split("Fix:")[1]


def test_a_missing_date_column_suggests_the_column_of_dates():
    frame = _desk_frame().rename(columns={"date": "published"})[["desk", "stories", "published"]]
    with pytest.raises(ChartInputError, match=r"no column 'date' for x= .*Fix: pass x='published'"):
        charts.line(frame, y="stories", **SMALL)


# --- values that cannot be drawn -------------------------------------------------------------


def test_an_infinite_value_is_an_error_naming_column_and_row():
    data = monthly().assign(stories=[1.0, np.inf, 3, 4, 5, 6])
    with pytest.raises(ChartInputError, match=r"line: column 'stories' of data holds inf in row 1 .*Fix: replace"):
        charts.line(data, x="month", y="stories", **SMALL)


def test_a_missing_category_is_an_error_not_a_bar_called_nan():
    desks = pd.DataFrame({"desk": ["Metro", None, "Business"], "stories": [3, 4, 5]})
    with pytest.raises(ChartInputError, match=r"bar: column 'desk' \(x=\) of data is empty in row 1.*dropna"):
        charts.bar(desks, x="desk", y="stories", **SMALL)


def test_a_missing_series_name_is_an_error_not_a_line_called_nan():
    data = pd.concat([monthly().assign(desk="Metro"), monthly().assign(desk=None)], ignore_index=True)
    with pytest.raises(ChartInputError, match=r"line: column 'desk' \(color=\) of data is empty in row 6"):
        charts.line(data, x="month", y="stories", color="desk", **SMALL)


def test_two_rows_for_one_bar_are_an_error_not_bars_drawn_over_each_other():
    desks = pd.DataFrame({"desk": ["Metro", "Metro", "Business"], "stories": [3, 4, 5]})
    with pytest.raises(ChartInputError, match=r"bar: data has 2 rows for desk='Metro' \(rows 0, 1\).*groupby\(\['desk'\]"):
        charts.bar(desks, x="desk", y="stories", **SMALL)


def test_two_desks_without_color_are_an_error_naming_the_date():
    data = pd.concat([monthly().assign(desk="Metro"), monthly().assign(desk="Business")], ignore_index=True)
    with pytest.raises(ChartInputError, match=r"line: data has 2 rows for month='2020-01-01' .*pass color="):
        charts.line(data, x="month", y="stories", **SMALL)


def test_a_repeated_index_label_does_not_break_a_line():
    # Two frames glued together keep their own index labels 0..2: positions, not labels, matter.
    data = pd.concat([monthly().iloc[:3], monthly().iloc[3:].reset_index(drop=True)])
    assert alt(charts.line(data, x="month", y="stories", unit="count", **SMALL)).startswith("Stories rose from 3")


def test_two_prices_for_one_ticker_and_date_are_an_error():
    prices = synthetic_prices()
    doubled = pd.concat([prices, prices.iloc[[5]]], ignore_index=True)
    with pytest.raises(ChartInputError, match=r"prices has 2 rows for ticker='SYNA' and date='2020-.*drop_duplicates"):
        charts.price_with_events(doubled, **SMALL)


def test_an_event_without_a_headline_is_an_error_naming_it():
    events = synthetic_events()
    events["headline"] = events["headline"].astype(object)
    events.loc[events["id"] == "syn-a-exits", "headline"] = None
    with pytest.raises(ChartInputError, match=r"'headline' of events is empty for event syn-a-exits"):
        charts.price_with_events(synthetic_prices(), events, **SMALL)


def test_an_event_study_without_any_abnormal_return_is_an_error():
    result = synthetic_result()
    empty = dataclasses.replace(result, table=result.table.assign(ar=np.nan, car=np.nan))
    with pytest.raises(ChartInputError, match=r"abnormal_returns: column 'ar' of result.table \(SYNA\) has no values"):
        charts.abnormal_returns(empty, **SMALL)


def test_a_specification_without_an_estimate_is_an_error_naming_it():
    specs = pd.DataFrame({"estimate": [0.01, np.nan], "low": [-0.01, np.nan], "high": [0.03, np.nan], "model": ["A", "B"]})
    with pytest.raises(ChartInputError, match=r"column 'estimate' of specs is empty in specification 1 \(index 1\). Fix: drop the specifications .*dropna"):
        charts.specification_curve(specs, measure=None, choices=["model"], **SMALL)


def test_significance_written_as_text_is_an_error_not_counted_as_significant():
    specs = pd.DataFrame({"estimate": [0.01, -0.02], "low": [-0.01, -0.05], "high": [0.03, 0.01],
                          "significant": ["False", "False"], "model": ["A", "B"]})
    with pytest.raises(ChartInputError, match=r"column 'significant' of specs must hold True/False, got 'False'"):
        charts.specification_curve(specs, measure=None, choices=["model"], **SMALL)


# --- alt text true to the data ----------------------------------------------------------------


def test_daily_alt_text_says_on_a_date_and_in_a_month():
    days = pd.DataFrame({"day": pd.date_range("2020-06-01", periods=5), "readers": [10, 30, 20, 5, 12]})
    text = alt(charts.line(days, x="day", y="readers", unit="count", **SMALL))
    assert text.startswith("Readers rose from 10 on 1 June 2020 to 12 on 5 June 2020, peaking at 30 on 2 June 2020.")
    assert "in January 2020" in alt(charts.line(monthly(), x="month", y="stories", unit="count", **SMALL))


def test_bar_alt_text_says_on_a_date():
    days = pd.DataFrame({"day": pd.date_range("2020-06-01", periods=3), "readers": [10, 30, 20]})
    assert alt(charts.bar(days, x="day", y="readers", unit="count", **SMALL)).startswith(
        "Readers: highest on 2 June 2020, at 30; lowest on 1 June 2020, at 10.")


def test_whole_years_stay_whole_in_the_alt_text():
    years = pd.DataFrame({"year": [2018, 2019, 2020], "stories": [3.5, 9.0, 4.0]})
    assert alt(charts.line(years, x="year", y="stories", **SMALL)).startswith(
        "Stories rose from 3.50 in 2018 to 4.00 in 2020, peaking at 9.00 in 2019.")


def test_a_single_point_says_its_value_once():
    text = alt(charts.line(monthly((7,)), x="month", y="stories", unit="count", **SMALL))
    assert text.startswith("Stories were 7 on 1 January 2020.") and "unchanged" not in text


def test_a_single_session_alt_text_spans_that_session_only():
    prices = synthetic_prices()
    text = alt(charts.price_with_events(prices[prices["ticker"] == "SYNA"].iloc[:1], **SMALL))
    assert text.startswith("SYNA was at $100.00 on 1 April 2020. Line chart of SYNA closing price, 1 April 2020.")
    assert "1 April to 1 April" not in text and "31 March" not in text and "low " not in text


def test_dates_written_with_an_offset_keep_the_date_they_name():
    # An evening in New York is already the next day in UTC.
    data = pd.DataFrame({"when": ["2020-06-10T20:00:00-04:00", "2020-06-11T20:00:00-04:00"], "readers": [1, 2]})
    fig = charts.line(data, x="when", y="readers", unit="count", **SMALL)
    assert [when[:10] for when in charts.chart_data(fig)["when"]] == ["2020-06-10", "2020-06-11"]


def test_group_names_keep_their_capitals_in_labels_and_alt_text():
    events = synthetic_events()
    events["place"] = events["id"].map({"syn-rule-1": "New York", "syn-rule-2": "New York", "syn-rule-3": "city"})
    fig = charts.cumulative_count(events, by="place", noun="measures", **SMALL)
    labels = [a.text for a in fig.layout.annotations]
    assert "New York (2)" in labels and "City (1)" in labels
    assert "2 New York and 1 city" in alt(fig)


def test_timeline_lanes_keep_the_capitals_of_their_categories():
    events = synthetic_events()
    events["category"] = events["category"].replace({"policy": "US Congress"})
    assert "US Congress" in charts.timeline(events, **SMALL).layout.yaxis.ticktext


# --- units as asked --------------------------------------------------------------------------


def test_euro_values_show_the_euro_on_axis_hover_and_alt_text():
    fig = charts.line(monthly(), x="month", y="stories", unit="currency", currency="EUR", width=900, source=SOURCE)
    assert fig.layout.yaxis.tickprefix == "€" and fig.data[0].hovertemplate.startswith("€")
    assert fig.layout.yaxis.title.text == "Stories (€)" and "€3.00" in alt(fig)


def test_euro_bars_show_the_euro_on_hover():
    fig = charts.bar(monthly(), x="month", y="stories", unit="currency", currency="EUR", **SMALL)
    assert fig.data[0].hovertemplate.startswith("€") and fig.layout.yaxis.tickprefix == "€"


def test_price_chart_takes_the_currency_of_its_prices():
    prices = synthetic_prices()
    fig = charts.price_with_events(prices[prices["ticker"] == "SYNA"], currency="EUR", width=900, source=SOURCE)
    assert fig.layout.yaxis.tickprefix == "€" and fig.layout.yaxis.title.text == "Closing price (€)"
    assert "from €" in alt(fig) and "$" not in alt(fig)


def test_an_unknown_currency_code_is_a_chart_error():
    with pytest.raises(ChartInputError, match=r"line: currency='euro' is not an ISO 4217 currency code"):
        charts.line(monthly(), x="month", y="stories", unit="currency", currency="euro", **SMALL)


def test_indexed_lines_refuse_a_unit_that_would_write_100_as_10000_percent():
    with pytest.raises(ChartInputError, match=r"rebased_comparison: unit='percent' does not fit values indexed to 100"):
        charts.rebased_comparison(synthetic_prices(), "2020-06-05", highlight="SYNA", unit="percent", **SMALL)
    with pytest.raises(ChartInputError, match=r"small_multiples: unit='percent' does not fit"):
        charts.small_multiples(synthetic_prices(), day0="2020-06-08", unit="percent", **SMALL)


# --- other keywords --------------------------------------------------------------------------


def test_small_multiples_refuse_a_day0_before_the_data():
    with pytest.raises(ChartInputError, match=r"SYNA has no value before day0 2019-06-10 .*Fix: load data from before day0"):
        charts.small_multiples(synthetic_prices(), day0="2019-06-10", **SMALL)


def test_small_multiples_from_day_0_still_index_to_the_session_before():
    prices = synthetic_prices()
    fig = charts.small_multiples(prices, day0={"SYNA": "2020-06-11"}, window=(0, 3), **SMALL)
    syna = prices[prices["ticker"] == "SYNA"].set_index("date")["close"]
    expected = 100 * syna[pd.Timestamp("2020-06-11")] / syna[pd.Timestamp("2020-06-10")]
    assert charts.chart_data(fig)["index_100"].iloc[0] == pytest.approx(expected)


def test_timeline_start_that_is_not_a_date_is_a_chart_error():
    with pytest.raises(ChartInputError, match=r"timeline: start must be a date such as"):
        charts.timeline(synthetic_events(), start="junk", **SMALL)


def test_timeline_start_after_end_is_a_chart_error():
    with pytest.raises(ChartInputError, match=r"timeline: start \(2021-01-01\) must come before end \(2020-01-01\)"):
        charts.timeline(synthetic_events(), start="2021-01-01", end="2020-01-01", **SMALL)


def test_timeline_takes_one_category_as_a_string():
    assert list(charts.timeline(synthetic_events(), categories="policy", **SMALL).layout.yaxis.ticktext) == ["Policy"]


def test_specification_curve_takes_one_choice_as_a_string():
    specs = pd.DataFrame({"estimate": [0.01, -0.02], "low": [-0.01, -0.05], "high": [0.03, 0.01], "model": ["A", "B"]})
    fig = charts.specification_curve(specs, measure=None, choices="model", significant=None, **SMALL)
    assert [trace.name for trace in fig.data] == ["Estimate", "Model"]


def test_cumulative_count_groups_match_a_column_of_numbers():
    events = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=6, freq="10D"), "wave": [1, 2, 3, 1, 2, 3],
                           "headline": [f"Synthetic event {i}" for i in range(6)]})
    fig = charts.cumulative_count(events, by="wave", noun="measures", groups=[1, 2], **SMALL)
    assert [trace.name for trace in fig.data] == ["Total", "1", "2"]


def test_exporting_a_table_says_it_is_html():
    table = charts.event_study_table([synthetic_result()], source=SOURCE)
    with pytest.raises(ChartInputError, match=r"export: a frstory Table is an HTML table.*to_html"):
        charts.export(table, "table.png")


def test_chart_data_of_something_else_is_a_chart_error():
    with pytest.raises(ChartInputError, match=r"chart_data: fig must be a figure or table made by frstory.charts, got NoneType"):
        charts.chart_data(None)


def test_export_at_width_zero_is_refused_not_drawn_at_the_default(tmp_path):
    fig = charts.line(monthly(), x="month", y="stories", **SMALL)
    with pytest.raises(ChartInputError, match=r"export: width must be at least 200 px, got 0"):
        charts.export(fig, tmp_path / "chart.html", width=0)
    assert not (tmp_path / "chart.html").exists()


def test_event_study_table_of_a_string_does_not_call_it_empty():
    with pytest.raises(ChartInputError) as caught:
        charts.event_study_table("SYNA", source=SOURCE)
    assert "got str. Fix" in str(caught.value)


def test_no_chart_changes_the_frames_it_is_given():
    prices, events = synthetic_prices(), synthetic_events()
    before = prices.copy(), events.copy()
    charts.price_with_events(prices, events, rebase_to="2020-06-01", **SMALL)
    charts.timeline(events, **SMALL)
    pd.testing.assert_frame_equal(prices, before[0])
    pd.testing.assert_frame_equal(events, before[1])


def test_small_multiples_errors_name_the_data_keyword_and_a_fix_the_caller_can_make():
    prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-30")
    zero_base = prices.assign(close=prices["close"].where(prices["date"] != "2020-06-09", 0.0))
    with pytest.raises(ChartInputError, match=r"the trading day before day0=2020-06-09.*Fix: check SYNA's close on "
                                              r"that date, or choose another day0\.") as caught:
        charts.small_multiples(zero_base, day0="2020-06-10", window=(-2, 3), source=SOURCE)
    assert "base_date" not in str(caught.value), "a keyword small_multiples does not take"
    with pytest.raises(ChartInputError, match=r"small_multiples: data has 2 rows .* data\.drop_duplicates"):
        charts.small_multiples(pd.concat([prices, prices.iloc[[3]]]), day0="2020-06-10", window=(-2, 3), source=SOURCE)


def test_one_column_for_two_roles_is_refused_naming_both_keywords():
    with pytest.raises(ChartInputError, match=r"line: x= and y= both name column 'stories'"):
        charts.line(monthly(), x="stories", y="stories", **SMALL)


def test_a_frame_with_two_columns_of_one_name_is_refused():
    frame = pd.concat([monthly(), monthly()[["stories"]]], axis=1)
    with pytest.raises(ChartInputError, match=r"line: data has 2 columns named 'stories'"):
        charts.line(frame, x="month", y="stories", **SMALL)


def test_bars_coloured_by_their_own_category_are_drawn_with_the_category_once_in_the_data():
    frame = pd.DataFrame({"desk": ["Metro", "Business"], "stories": [12, 7]})
    fig = charts.bar(frame, x="desk", y="stories", color="desk", **SMALL)
    assert charts.chart_data(fig).columns.tolist() == ["desk", "stories"]
    assert {trace.name for trace in fig.data} == {"Metro", "Business"}


@pytest.mark.parametrize(("stories", "finding"), [([12], "Stories: 12 in Metro."),
                                                  ([12, 12], "Stories: 12 in every bar.")])
def test_bar_alt_text_does_not_name_one_bar_as_both_highest_and_lowest(stories, finding):
    frame = pd.DataFrame({"desk": ["Metro", "Business"][:len(stories)], "stories": stories})
    alt = charts.bar(frame, x="desk", y="stories", unit="count", **SMALL).layout.meta["frstory"]["alt"]
    assert alt.startswith(finding) and "lowest" not in alt


def _long_series_names(template: str = "Averyveryverylongsyntheticseriesname{s}withoutspaces"):
    """Synthetic monthly counts of four series whose names (one word each) cannot wrap to fit a phone's end labels."""
    rows = [{"month": f"2020-{m:02d}-01", "n": m * (s + 1), "series": template.format(s=s)}
            for s in range(4) for m in range(1, 7)]
    return pd.DataFrame(rows)


def test_long_end_labels_wrap_onto_more_lines_so_a_phone_layout_exists():
    fig = charts.line(_long_series_names("A long synthetic series name {s} that goes on"), x="month", y="n", y_title="stories",
                      color="series", unit="count", source="Synthetic")
    furniture = fig.layout.meta["frstory"]
    assert "no_layout" not in furniture
    phone = charts.layout_for_width(fig, 280)
    labels = [a.text for a in phone.layout.annotations if a.name == "frstory-end-label"]
    assert len(labels) == 4 and all("<br>" in text for text in labels)
    wide = [a.text for a in fig.layout.annotations if a.name == "frstory-end-label"]
    assert not any("<br>" in text for text in wide)


def test_a_width_the_chart_cannot_be_laid_out_at_is_recorded_with_the_reason():
    fig = charts.line(_long_series_names(), x="month", y="n", y_title="stories", color="series", unit="count", source="Synthetic")
    furniture = fig.layout.meta["frstory"]
    offered = [v["width"] for v in furniture["layouts"]]
    missing = [m["width"] for m in furniture["no_layout"]]
    assert 280 in missing and 280 not in offered
    assert sorted(offered + missing) == [w for w in (280, 350, 480, 640) if w < furniture["width"]]
    assert all(m["why"] for m in furniture["no_layout"])


def test_a_chart_laid_out_at_every_width_records_nothing_missing():
    frame = _long_series_names().assign(series=lambda f: "S" + f["series"].str.extract(r"(\d)", expand=False))
    fig = charts.line(frame, x="month", y="n", y_title="stories", color="series", unit="count", source="Synthetic")
    assert "no_layout" not in fig.layout.meta["frstory"]


def test_bar_names_too_long_to_sit_beside_their_bars_on_a_phone_go_above_them_whole():
    # Synthetic desks whose names would be cut to "Business and…" beside the bars at 280 px.
    frame = pd.DataFrame({"desk": ["Metro and regional news desk", "Business and finance desk", "Sport"],
                          "stories": [394, 237, 120]})
    fig = charts.bar(frame, x="desk", y="stories", unit="count", text=True, source="Synthetic")
    assert "no_layout" not in fig.layout.meta["frstory"]
    phone = charts.layout_for_width(fig, 280)
    names = [a.text for a in phone.layout.annotations if a.name == "frstory-bar-name"]
    assert sorted(names) == sorted(frame["desk"])
    assert phone.layout.yaxis.showticklabels is False
    assert not any(a.name == "frstory-bar-name" for a in fig.layout.annotations)


def test_short_bar_names_stay_beside_their_bars_on_a_phone():
    frame = pd.DataFrame({"desk": ["Metro", "Business", "Sport", "Arts", "Opinion", "Science", "Travel"],
                          "stories": [394, 237, 120, 80, 60, 40, 20]})
    phone = charts.layout_for_width(charts.bar(frame, x="desk", y="stories", unit="count", source="Synthetic"), 280)
    assert phone.data[0].orientation == "h"
    assert not any(a.name == "frstory-bar-name" for a in phone.layout.annotations)
    assert phone.layout.yaxis.showticklabels is not False


@pytest.mark.parametrize("headline", [None, "   "])
def test_a_timeline_event_without_a_headline_is_refused_like_on_every_other_chart(headline):
    events = fr.synthetic_events()
    events.loc[events.index[1], "headline"] = headline
    with pytest.raises(ChartInputError, match=r"timeline: column 'headline' of events is empty in row 1.*fill in the headline"):
        charts.timeline(events, source="Synthetic")


def test_a_blank_category_name_is_refused_like_a_missing_one():
    frame = pd.DataFrame({"desk": ["Metro", "  "], "stories": [3, 4]})
    with pytest.raises(ChartInputError, match=r"bar: column 'desk' \(x=\) of data is empty in row 1"):
        charts.bar(frame, x="desk", y="stories", unit="count", source="Synthetic")


def test_two_series_whose_names_share_a_house_colour_get_different_colours_on_one_chart():
    from frstory.charts.theme import color_for

    assert color_for("Business") == color_for("Science"), "the two names hash to one palette colour"
    frame = pd.DataFrame({"month": ["2020-01-01", "2020-02-01"] * 2, "n": [1, 2, 3, 4],
                          "desk": ["Business", "Business", "Science", "Science"]})
    fig = charts.line(frame, x="month", y="n", y_title="stories", color="desk", unit="count", source="Synthetic")
    colours = {trace.name: trace.line.color for trace in fig.data}
    assert colours["Business"] == color_for("Business") and colours["Science"] != colours["Business"]
    bars = charts.bar(frame, x="month", y="n", y_title="stories", color="desk", unit="count", source="Synthetic")
    assert len({trace.marker.color for trace in bars.data}) == 2


def test_a_timeline_over_years_asks_a_phone_for_a_year_tick_every_48_px_not_one_in_all():
    # Synthetic events spread over seven years: at 80 px a tick plotly showed a single year on a phone.
    events = pd.DataFrame({"date": pd.to_datetime([f"{y}-06-01" for y in range(2016, 2023)]),
                           "category": "policy", "headline": [f"Synthetic event {y}" for y in range(2016, 2023)]})
    fig = charts.timeline(events, source="Synthetic")
    phone = charts.layout_for_width(fig, 280)
    plot_px = 280 - phone.layout.margin.l - phone.layout.margin.r
    assert phone.layout.xaxis.nticks == int(plot_px // 48) >= 3
