"""Specifications of frstory.charts: figure structure, furniture, alt text, data round-trip, errors."""

from __future__ import annotations

import json
import math
import random
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from test_charts_fixtures import SOURCE, every_chart, synthetic_events, synthetic_prices, synthetic_result, synthetic_names  # noqa: F401 (autouse: the made-up tickers' names)

import frstory as fr
from frstory import charts
from frstory.charts._text import escape_text, text_width_px
from frstory.charts.labels import assign_lanes, layout_event_labels, spread_positions
from frstory.charts.theme import COLORWAY, FONT_SIZES


@pytest.fixture(scope="module")
def figures():
    return every_chart(title="A synthetic title", subtitle="A synthetic subtitle", notes="Made-up numbers.")


def _chart_calls():
    prices, events = synthetic_prices(), synthetic_events()
    result = synthetic_result()
    return {
        "price_with_events": lambda **kw: charts.price_with_events(prices, events, **kw),
        "rebased_comparison": lambda **kw: charts.rebased_comparison(prices, "2020-06-05", highlight="SYNA", **kw),
        "timeline": lambda **kw: charts.timeline(events, **kw),
        "abnormal_returns": lambda **kw: charts.abnormal_returns(result, **kw),
        "cumulative_count": lambda **kw: charts.cumulative_count(events, by="ban", noun="bans", **kw),
        "small_multiples": lambda **kw: charts.small_multiples(prices, day0="2020-06-11", **kw),
    }


CHART_KINDS = list(_chart_calls())


# --- house style ---------------------------------------------------------------------------


def test_importing_charts_registers_the_template_without_changing_plotlys_default():
    assert "frstory" in pio.templates
    assert pio.templates.default != "frstory"


def test_house_template_uses_the_okabe_ito_palette_and_a_system_font_stack():
    layout = pio.templates["frstory"].layout
    assert list(layout.colorway)[:3] == ["#0072B2", "#D55E00", "#009E73"]
    assert "sans-serif" in layout.font.family and "Segoe UI" in layout.font.family


@pytest.mark.parametrize("kind", CHART_KINDS)
def test_every_chart_uses_the_house_template_by_default(figures, kind):
    assert list(figures[kind].layout.template.layout.colorway) == COLORWAY


def test_template_can_be_switched_to_another_registered_template():
    fig = charts.price_with_events(synthetic_prices(), source=SOURCE, template="plotly_white")
    assert fig.layout.template.layout.colorway == pio.templates["plotly_white"].layout.colorway


def test_template_can_be_extended_with_plus():
    pio.templates["frstory_test_big"] = go.layout.Template(layout={"font": {"size": 17}})
    fig = charts.price_with_events(synthetic_prices(), source=SOURCE, template="frstory+frstory_test_big")
    assert fig.layout.template.layout.font.size == 17
    assert list(fig.layout.template.layout.colorway) == COLORWAY


def test_unknown_template_is_a_clear_error():
    with pytest.raises(fr.ChartInputError, match="'no_such_style' is not registered"):
        charts.price_with_events(synthetic_prices(), source=SOURCE, template="no_such_style")


# --- furniture and meta -------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*CHART_KINDS, "small_multiples_results"])
def test_furniture_is_stored_in_layout_meta(figures, kind):
    meta = figures[kind].layout.meta["frstory"]
    assert meta["kind"] == kind.replace("_results", "")
    assert (meta["title"], meta["subtitle"], meta["source"], meta["notes"]) == (
        "A synthetic title", "A synthetic subtitle", SOURCE, "Made-up numbers.")
    assert meta["data"]["columns"] and meta["data"]["rows"]


@pytest.mark.parametrize("kind", [*CHART_KINDS, "small_multiples_results"])
def test_furniture_lives_only_in_meta_and_is_never_drawn(figures, kind):
    fig = figures[kind]
    info = fig.layout.meta["frstory"]
    assert (info["title"], info["subtitle"], info["notes"]) == ("A synthetic title", "A synthetic subtitle", "Made-up numbers.")
    assert info["source"] == SOURCE
    drawn = [a.text for a in fig.layout.annotations] + [fig.layout.title.text or ""]
    assert not any("A synthetic" in t or "Source:" in t or "Made-up" in t for t in drawn)


@pytest.mark.parametrize("kind", [*CHART_KINDS, "small_multiples_results"])
def test_meta_is_strict_json(figures, kind):
    json.dumps(figures[kind].layout.meta, allow_nan=False)


def test_export_draws_long_titles_wrapped_to_the_export_width():
    title = "A deliberately long synthetic headline that cannot possibly fit on one line of a chart nine hundred pixels wide"
    fig = charts.with_furniture(charts.price_with_events(synthetic_prices(), source=SOURCE, title=title), width=900)
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) >= 2
    assert all(text_width_px(line, FONT_SIZES["title"], bold=True) <= 900 - 32 for line in lines)


def test_export_gives_taller_furniture_a_taller_top_margin():
    short = charts.price_with_events(synthetic_prices(), source=SOURCE, title="Short")
    long = charts.price_with_events(synthetic_prices(), source=SOURCE, title="Short", subtitle="and a subtitle " * 12)
    assert charts.with_furniture(long).layout.margin.t > charts.with_furniture(short).layout.margin.t
    assert long.layout.margin.t == short.layout.margin.t, "on the page the furniture is HTML: the plot is unchanged"


def test_source_url_links_the_exported_footer():
    fig = charts.price_with_events(synthetic_prices(), source=SOURCE, source_url="https://example.org/synthetic")
    drawn = charts.with_furniture(fig)
    footer = next(a.text for a in drawn.layout.annotations if a.name == "frstory-footer")
    assert footer.startswith('<a href="https://example.org/synthetic"')
    assert fig.layout.meta["frstory"]["source_url"] == "https://example.org/synthetic"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "example.org/x", "data:text/html,hi"])
def test_source_url_must_be_http_or_https(url):
    with pytest.raises(fr.ChartInputError, match="not an http\\(s\\) link"):
        charts.price_with_events(synthetic_prices(), source=SOURCE, source_url=url)


def test_event_source_urls_must_be_http_or_https():
    events = synthetic_events()
    events.loc[0, "source_url"] = "javascript:alert(1)"
    with pytest.raises(fr.ChartInputError, match="syn-study"):
        charts.timeline(events, source=SOURCE)


# --- alt text ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*CHART_KINDS, "small_multiples_results"])
def test_generated_alt_text_names_the_series(figures, kind):
    alt = figures[kind].layout.meta["frstory"]["alt"]
    assert len(alt) > 40
    if kind in ("timeline", "cumulative_count"):
        assert "policy" in alt or "city" in alt
    else:
        assert "SYNA" in alt


def test_price_alt_text_gives_range_extremes_and_event_count():
    prices = synthetic_prices()
    fig = charts.price_with_events(prices, synthetic_events(), tickers="SYNA", start="2020-05-01", source=SOURCE)
    syna = prices[(prices["ticker"] == "SYNA") & (prices["date"] >= "2020-05-01")]
    low = syna.loc[syna["close"].idxmin()]
    alt = fig.layout.meta["frstory"]["alt"]
    assert "Line chart of SYNA closing price, 1 May to 31 July 2020; " in alt, "the finding comes first, then the data"
    assert f"low ${low['close']:,.2f} on {low['date'].day} {low['date']:%B}" in alt
    assert "5 events marked" in alt


def test_explicit_alt_text_wins():
    fig = charts.price_with_events(synthetic_prices(), source=SOURCE, alt="  Hand-written   description. ")
    assert fig.layout.meta["frstory"]["alt"] == "Hand-written description."


def _with_index(ticker: str = "^GSPC") -> pd.DataFrame:
    """The synthetic prices with their made-up benchmark filed under a real index's ticker."""
    prices = synthetic_prices()
    prices.loc[prices["ticker"] == "^SYNX", "ticker"] = ticker
    return prices


def test_rebased_comparison_alt_text_gives_an_index_its_article_and_a_company_none():
    alt = charts.rebased_comparison(_with_index(), "2020-06-05", highlight="SYNA", source=SOURCE).layout.meta["frstory"]["alt"]
    assert "for SYNB and " in alt and "% for the S&P 500." in alt
    assert "for SYNA (highlighted), SYNB, the S&P 500, " in alt


def test_rebased_comparison_alt_text_opens_with_a_highlighted_index_and_its_article():
    alt = charts.rebased_comparison(_with_index(), "2020-06-05", highlight="^GSPC", source=SOURCE).layout.meta["frstory"]["alt"]
    assert alt.startswith("The S&P 500 rose ") or alt.startswith("The S&P 500 fell ")


def test_price_alt_text_gives_an_index_its_article_in_every_sentence():
    alt = charts.price_with_events(_with_index(), tickers=["^GSPC", "SYNA"], source=SOURCE).layout.meta["frstory"]["alt"]
    assert alt.startswith("The S&P 500 ") and "; SYNA " in alt
    assert "Line chart of the S&P 500 and SYNA closing prices" in alt and "; the S&P 500 low " in alt


def test_a_name_passed_with_its_article_labels_the_line_without_it():
    fig = charts.rebased_comparison(synthetic_prices(), "2020-06-05", highlight="SYNA", source=SOURCE,
                                    names={"^SYNX": "the Synthetic Index"})
    assert "Synthetic Index" in [a.text for a in fig.layout.annotations if a.name == "frstory-end-label"]
    assert "for the Synthetic Index" in fig.layout.meta["frstory"]["alt"]


@pytest.mark.parametrize(("window", "days"), [
    ((0, 0), "day 0 (11 June 2020)."),
    ((0, 1), "days 0 to +1 around day 0 (11 June 2020)."),
    ((-1, -1), "day -1 around day 0 (11 June 2020)."),
    ((1, 5), "days +1 to +5 around day 0 (11 June 2020)."),
])
def test_abnormal_returns_alt_text_names_the_days_shown_once_each(window, days):
    alt = charts.abnormal_returns(synthetic_result(window=window), source=SOURCE).layout.meta["frstory"]["alt"]
    assert alt.endswith(", " + days), "one day once; a span with its ends"


def test_abnormal_returns_alt_text_of_one_day_reports_that_days_return_not_a_largest_one():
    alt = charts.abnormal_returns(synthetic_result(window=(0, 0)), source=SOURCE).layout.meta["frstory"]["alt"]
    assert alt.startswith("SYNA: the abnormal return on day 0 was ")
    assert "largest" not in alt and "daily abnormal returns" not in alt


def test_abnormal_returns_alt_text_gives_an_index_its_article():
    result = synthetic_result("^GSPC")
    alt = charts.abnormal_returns(result, source=SOURCE).layout.meta["frstory"]["alt"]
    assert "chart of the S&P 500's daily abnormal returns" in alt


def test_event_study_table_note_names_a_one_day_window_once():
    table = charts.event_study_table([synthetic_result(window=(0, 0))], source=SOURCE)
    assert table.notes.startswith("CAR: cumulative abnormal return on day 0, in percentage points.")


def test_small_multiples_alt_text_names_a_one_day_window_once():
    alt = charts.small_multiples([synthetic_result(window=(0, 0))] * 2, source=SOURCE).layout.meta["frstory"]["alt"]
    assert "own day 0, trading day 0, on shared axes." in alt and "0 to 0" not in alt


def test_small_multiples_alt_text_gives_an_index_its_article():
    fig = charts.small_multiples(_with_index(), day0="2020-06-11", source=SOURCE)
    assert "SYNB rose" in fig.layout.meta["frstory"]["alt"] or "SYNB fell" in fig.layout.meta["frstory"]["alt"]
    assert " and the S&P 500 " in fig.layout.meta["frstory"]["alt"]
    assert fig.layout.annotations[2].text.startswith("S&amp;P 500: "), "a panel title is a label: no article"


def test_cumulative_count_alt_text_names_the_groups_not_the_column():
    alt = charts.cumulative_count(synthetic_events(), by="ban", noun="bans and limits",
                                  source=SOURCE).layout.meta["frstory"]["alt"]
    assert "by ban" not in alt
    assert "Step chart of cumulative bans and limits, one line each for city, state and county, and one for the total, " in alt


def test_cumulative_count_alt_text_of_one_day_names_it_once():
    events = synthetic_events()
    alt = charts.cumulative_count(events[events["id"] == "syn-rule-1"], by="ban", noun="bans",
                                  source=SOURCE).layout.meta["frstory"]["alt"]
    assert alt.endswith("Step chart of cumulative bans, one line for city, 14 May 2019.")


# --- chart_data ---------------------------------------------------------------------------


def test_chart_data_round_trips_the_prices_behind_the_chart():
    prices = synthetic_prices()
    fig = charts.price_with_events(prices, source=SOURCE)
    back = fr.charts.chart_data(fig)
    expected = prices[["date", "ticker", "close"]].astype({"ticker": object})
    pd.testing.assert_frame_equal(back, expected.reset_index(drop=True), check_dtype=False)
    assert pd.api.types.is_datetime64_any_dtype(back["date"])


def test_chart_data_works_on_the_figure_as_json():
    fig = charts.cumulative_count(synthetic_events(), by="ban", noun="bans", source=SOURCE)
    back = charts.chart_data(json.loads(fig.to_json()))
    assert back["ban"].tolist() == ["city", "city", "state", "county"]
    assert back["date"].dt.strftime("%Y-%m-%d").tolist() == ["2019-05-14", "2019-07-16", "2019-12-01", "2020-09-09"]


def test_chart_data_turns_missing_values_into_none_and_back_into_nan():
    prices = synthetic_prices()
    prices.loc[5, "close"] = np.nan
    fig = charts.price_with_events(prices, source=SOURCE)
    rows = fig.layout.meta["frstory"]["data"]["rows"]
    assert all(isinstance(r[0], str) for r in rows)
    events = synthetic_events()
    table = charts.chart_data(charts.timeline(events, source=SOURCE))
    assert table["end_date"].isna().sum() == len(events) - 1


def test_chart_data_rejects_figures_without_frstory_meta():
    with pytest.raises(fr.ChartInputError, match="not made by frstory.charts"):
        charts.chart_data(go.Figure())


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CHART_KINDS)
def test_missing_source_is_a_clear_error(kind):
    with pytest.raises(fr.ChartInputError, match="source keyword is required"):
        _chart_calls()[kind]()


def test_blank_source_is_a_clear_error():
    with pytest.raises(fr.ChartInputError, match="source keyword is required"):
        charts.timeline(synthetic_events(), source="   ")


@pytest.mark.parametrize("column", ["date", "ticker", "close"])
def test_missing_price_column_names_the_column(column):
    with pytest.raises(fr.ChartInputError, match=f"has no column '{column}'"):
        charts.price_with_events(synthetic_prices().drop(columns=column), source=SOURCE)


@pytest.mark.parametrize("column", ["date", "category", "headline"])
def test_missing_event_column_names_the_column(column):
    with pytest.raises(fr.ChartInputError, match=f"has no column '{column}'"):
        charts.timeline(synthetic_events().drop(columns=column), source=SOURCE)


def test_empty_frame_is_a_clear_error():
    with pytest.raises(fr.ChartInputError, match="prices is empty"):
        charts.rebased_comparison(synthetic_prices().iloc[0:0], "2020-06-01", highlight="SYNA", source=SOURCE)


def test_text_that_is_not_a_date_is_named_with_its_row():
    prices = synthetic_prices()
    prices["date"] = prices["date"].dt.strftime("%Y-%m-%d").astype(object)
    prices.loc[3, "date"] = "next Tuesday"
    with pytest.raises(fr.ChartInputError, match="column 'date' of prices has 'next Tuesday' in row 3"):
        charts.price_with_events(prices, source=SOURCE)


def test_iso_date_strings_are_accepted():
    prices = synthetic_prices()
    prices["date"] = prices["date"].dt.strftime("%Y-%m-%d")
    fig = charts.price_with_events(prices, source=SOURCE)
    assert charts.chart_data(fig)["date"].iloc[0] == pd.Timestamp("2020-04-01")


def test_numbers_are_not_dates():
    events = synthetic_events()
    events["date"] = np.arange(len(events))
    with pytest.raises(fr.ChartInputError, match="column 'date' of events holds numbers"):
        charts.timeline(events, source=SOURCE)


def test_non_numeric_prices_name_the_bad_value():
    prices = synthetic_prices().astype({"close": object})
    prices.loc[7, "close"] = "n/a"
    with pytest.raises(fr.ChartInputError, match="column 'close' of prices must be numeric; row 7 holds 'n/a'"):
        charts.price_with_events(prices, source=SOURCE)


def test_unknown_ticker_is_named():
    with pytest.raises(fr.ChartInputError, match="ticker 'AMZN' is not in column 'ticker'"):
        charts.price_with_events(synthetic_prices(), tickers=["SYNA", "AMZN"], source=SOURCE)


def test_highlight_must_be_drawn():
    with pytest.raises(fr.ChartInputError, match="highlight ticker 'SYNZ'"):
        charts.rebased_comparison(synthetic_prices(), "2020-06-01", highlight="SYNZ", source=SOURCE)


def test_base_date_before_the_data_is_a_clear_error():
    with pytest.raises(fr.ChartInputError, match="base_date=2019-01-01.*SYNA"):
        charts.rebased_comparison(synthetic_prices(), "2019-01-01", highlight="SYNA", source=SOURCE)


def test_results_need_a_positive_sigma():
    result = synthetic_result()
    result.sigma = float("nan")
    with pytest.raises(fr.ChartInputError, match="sigma"):
        charts.abnormal_returns(result, source=SOURCE)


def test_cumulative_count_needs_something_to_count():
    events = synthetic_events()
    events["ban"] = pd.NA
    with pytest.raises(fr.ChartInputError, match="no event has a value in column 'ban'"):
        charts.cumulative_count(events, by="ban", noun="bans", source=SOURCE)


# --- escaping -----------------------------------------------------------------------------


def test_escape_text_neutralises_markup_but_keeps_the_text():
    assert escape_text("<script>x</script> & <b>y</b>\nz") == "&lt;script&gt;x&lt;/script&gt; &amp; &lt;b&gt;y&lt;/b&gt; z"


def test_markup_in_data_reaches_plotly_escaped():
    events = synthetic_events()
    events.loc[5, "headline"] = "<b>Bold</b> <script>alert(1)</script>"
    prices = synthetic_prices()
    prices["ticker"] = prices["ticker"].replace({"SYNB": "<i>SYNB</i>"})
    fig = charts.price_with_events(prices, events, start="2020-05-01", source=SOURCE, title="<b>T</b>",
                                   names={"<i>SYNB</i>": "<i>SYNB</i>"})
    texts = [a.text for a in fig.layout.annotations] + [t.name for t in fig.data]
    assert not any("<b>Bold" in t or "<script" in t or "<i>SYNB" in t for t in texts)
    assert "&lt;i&gt;SYNB&lt;/i&gt;" in [t.name for t in fig.data]
    assert charts.with_furniture(fig).layout.title.text == "&lt;b&gt;T&lt;/b&gt;"


# --- label lanes --------------------------------------------------------------------------


def test_three_events_in_four_days_get_three_lanes():
    days = pd.to_datetime(["2020-06-08", "2020-06-10", "2020-06-11"])
    boxes = layout_event_labels(days, ["Alpha Co exits a business", "Beta Co pauses a product line",
                                       "Gamma Co pledges a change"],
                                (pd.Timestamp("2020-05-01"), pd.Timestamp("2020-07-31")), 780)
    assert sorted(b.lane for b in boxes) == [0, 1, 2]


def test_labels_far_apart_share_a_lane():
    days = pd.to_datetime(["2020-05-04", "2020-07-20"])
    boxes = layout_event_labels(days, ["Early", "Late"], (pd.Timestamp("2020-05-01"), pd.Timestamp("2020-07-31")), 780)
    assert [b.lane for b in boxes] == [0, 0]


def test_labels_near_the_right_edge_run_leftwards_inside_the_plot():
    boxes = layout_event_labels([pd.Timestamp("2020-07-30")], ["A label near the end"],
                                (pd.Timestamp("2020-05-01"), pd.Timestamp("2020-07-31")), 780)
    assert boxes[0].anchor == "right" and boxes[0].x1_px <= 780


def test_labels_in_one_lane_never_overlap_random_intervals():
    rng = random.Random(7)
    for _ in range(200):
        intervals = []
        for _ in range(rng.randint(1, 25)):
            x0 = rng.uniform(0, 800)
            intervals.append((x0, x0 + rng.uniform(5, 200)))
        lanes = assign_lanes(intervals, gap=6)
        for lane in set(lanes):
            members = sorted(iv for iv, ln in zip(intervals, lanes, strict=True) if ln == lane)
            assert all(a[1] + 6 <= b[0] for a, b in zip(members, members[1:], strict=False))


def test_price_chart_puts_clustered_event_labels_in_distinct_lanes():
    fig = charts.price_with_events(synthetic_prices(), synthetic_events(), tickers="SYNA",
                                   start="2020-05-01", source=SOURCE)
    labels = {a.name.removeprefix("frstory-event-label-"): a for a in fig.layout.annotations
              if a.name and a.name.startswith("frstory-event-label-")}
    shifts = [labels[i].yshift for i in ("syn-a-exits", "syn-a-pause", "syn-c-pledge")]
    assert len(set(shifts)) == 3
    assert fig.layout.margin.t >= max(shifts) + 20


def test_end_labels_are_spread_at_least_one_line_apart():
    spread = spread_positions([100, 101, 102, 300, 305], 16, 0, 400)
    ordered = sorted(spread)
    assert all(b - a >= 16 - 1e-9 for a, b in zip(ordered, ordered[1:], strict=False))


# --- chart families -----------------------------------------------------------------------


def test_price_with_events_structure():
    prices = synthetic_prices()
    fig = charts.price_with_events(prices, synthetic_events(), tickers=["SYNA", "SYNB"], start="2020-05-01", source=SOURCE)
    assert [t.name for t in fig.data] == ["SYNA", "SYNB", "Events"]
    assert [pd.Timestamp(x) for x in fig.layout.xaxis.range] == [pd.Timestamp("2020-05-01"), pd.Timestamp("2020-07-31")]
    window = prices[(prices["date"] >= "2020-05-01") & prices["ticker"].isin(["SYNA", "SYNB"])]
    low, high = fig.layout.yaxis.range
    assert low < window["close"].min() and high > window["close"].max()
    assert len(fig.data[2].x) == 4  # the point events in May-July; the protest is a shaded period
    periods = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(periods) == 1 and pd.Timestamp(periods[0].x1) == pd.Timestamp("2020-06-20")


def test_event_hover_has_headline_date_and_source():
    fig = charts.price_with_events(synthetic_prices(), synthetic_events(), tickers="SYNA", start="2020-05-01", source=SOURCE)
    hovers = [c[0] for c in fig.data[-1].customdata]
    assert "<b>SYNA pauses a product line</b><br>10 June 2020<br>Source: example.org" in hovers


def test_explicit_shade_tuples_are_drawn():
    fig = charts.price_with_events(synthetic_prices(), None, tickers="SYNA", shade=[("2020-05-26", "2020-06-20", "Protests")],
                                   source=SOURCE)
    assert [s.type for s in fig.layout.shapes] == ["rect"]
    assert any(a.text == "Protests" for a in fig.layout.annotations)


def test_rebase_to_indexes_every_ticker_to_100_on_the_base_session():
    fig = charts.price_with_events(synthetic_prices(), rebase_to="2020-06-06", source=SOURCE)  # a Saturday
    data = charts.chart_data(fig)
    on_base = data[data["date"] == "2020-06-05"]
    assert np.allclose(on_base["close_rebased"], 100.0)


def test_rebased_comparison_highlights_the_subject_on_top():
    fig = charts.rebased_comparison(synthetic_prices(), "2020-06-05", highlight="SYNA", source=SOURCE)
    names = [t.name for t in fig.data]
    assert names[-1] == "SYNA"
    widths = {t.name: t.line.width for t in fig.data}
    assert widths["SYNA"] > widths["SYNB"] and widths["SYNA"] > widths["^SYNX"]
    assert fig.data[names.index("^SYNX")].line.dash == "dash"
    end_labels = [a.text for a in fig.layout.annotations if a.name == "frstory-end-label"]
    assert sorted(end_labels) == sorted(["<b>SYNA</b>", "SYNB", "^SYNX"])


def test_timeline_has_one_lane_per_category_in_contract_order():
    fig = charts.timeline(synthetic_events(), source=SOURCE)
    assert list(fig.layout.yaxis.ticktext) == ["Corporate", "Policy", "Protest", "Research", "Market"]


def test_timeline_draws_month_precision_events_hollow():
    fig = charts.timeline(synthetic_events(), source=SOURCE)
    month = [t for t in fig.data if t.name == "Policy (month only)"]
    assert len(month) == 1 and month[0].marker.color == "#FFFFFF" and month[0].marker.line.width > 2
    assert "only the month is known" in month[0].customdata[0][1]


def _synthetic_crowded_events(n=60) -> pd.DataFrame:
    base = fr.synthetic_events()
    rng = np.random.default_rng(3)
    rows = base.sample(n, replace=True, random_state=3).reset_index(drop=True)
    crowded = pd.to_datetime(["2020-06-10"] * 8)
    scattered = pd.to_datetime("2019-01-01") + pd.to_timedelta(rng.integers(0, 700, n - len(crowded)), unit="D")
    rows["date"] = np.concatenate([crowded.to_numpy(), scattered.to_numpy()])
    rows["date_precision"] = "day"
    rows["end_date"] = pd.NaT
    rows["id"] = [f"syn-crowd-{i}" for i in range(n)]
    return rows


def test_timeline_keeps_sixty_events_apart_on_screen():
    events = _synthetic_crowded_events()
    fig = charts.timeline(events, source=SOURCE)
    x0, x1 = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    y0, y1 = fig.layout.yaxis.range
    m = fig.layout.margin
    plot_w, plot_h = fig.layout.width - m.l - m.r, fig.layout.height - m.t - m.b
    points = []
    for trace in fig.data:
        if trace.x is None or trace.x[0] is None:
            continue
        for x, y in zip(trace.x, trace.y, strict=True):
            px = (pd.Timestamp(x) - x0) / (x1 - x0) * plot_w
            py = (y - y0) / (y1 - y0) * plot_h
            points.append((trace.legendgroup, px, py))
    assert len(points) == len(events)
    for i, (lane_a, xa, ya) in enumerate(points):
        for lane_b, xb, yb in points[i + 1:]:
            if lane_a == lane_b:
                assert math.hypot(xa - xb, ya - yb) >= 11, (lane_a, xa, ya, xb, yb)


def test_abnormal_returns_band_is_196_sigma_sqrt_n():
    result = synthetic_result(sigma=0.01)
    fig = charts.abnormal_returns(result, source=SOURCE)
    upper = np.asarray(fig.data[0].y)
    n = np.arange(1, len(result.table) + 1)
    assert np.allclose(upper, 100 * 1.96 * 0.01 * np.sqrt(n))
    assert np.allclose(np.asarray(fig.data[3].y), 100 * result.table["car"])
    assert [t.type for t in fig.data] == ["scatter", "scatter", "bar", "scatter"]
    lo, hi = fig.layout.yaxis.range
    assert lo < -upper.max() and hi > upper.max()


def test_abnormal_returns_marks_day_zero():
    fig = charts.abnormal_returns(synthetic_result(), source=SOURCE)
    assert any(a.name == "frstory-day0" and "11 June 2020" in a.text for a in fig.layout.annotations)
    assert any(s.type == "line" and s.x0 == 0 and s.x1 == 0 for s in fig.layout.shapes)


def test_event_study_table_formats_numbers():
    result = synthetic_result()
    table = charts.event_study_table([result], source=SOURCE)
    row = table.rows[0]
    car = result.table["ar"].sum()
    t = car / (result.sigma * math.sqrt(len(result.table)))
    assert row[1] == f"\u2212{abs(100 * car):.2f}", "the unit is in the heading"
    assert row[2] == f"\u2212{abs(t):.2f}"
    assert 0 <= float(row[3]) <= 1 and len(row) == 4, "one estimation length for all rows: no n column"
    assert "Each estimation window has 240 sessions." in table.notes
    assert table.header[1] == "CAR, pp", "a CAR is a difference of returns: percentage points"
    assert "over sessions \u22125 to +10 around day 0, in percentage points" in table.notes


def test_event_study_table_puts_the_stock_and_its_event_in_the_row_header():
    table = charts.event_study_table([synthetic_result()], source=SOURCE)
    assert table.rows[0][0] == "SYNA: SYNA pauses a product line, 11 June 2020"
    assert '<th scope="row" class="fr-text">SYNA: SYNA pauses' in table.to_html()


def test_event_study_table_uses_the_results_own_car_when_it_has_one():
    class WithCar(type(synthetic_result())):
        def car(self, start, end):
            return type("Car", (), {"car": 0.1234, "t": 9.0, "p": 0.0001})()

    base = synthetic_result()
    result = WithCar(**{f: getattr(base, f) for f in base.__dataclass_fields__})
    row = charts.event_study_table([result], source=SOURCE).rows[0]
    assert (row[1], row[2], row[3]) == ("+12.34", "9.00", "<0.001")


def test_event_study_table_refuses_a_result_without_its_own_car_test():
    class Bare:  # the attributes a chart reads, but no car(): a stand-in built by hand
        pass

    base = synthetic_result()
    bare = Bare()
    for field_name in base.__dataclass_fields__:
        setattr(bare, field_name, getattr(base, field_name))
    with pytest.raises(fr.ChartInputError, match=r"SYNA has no car\(\) method .*Fix: pass the result of fr.event_study"):
        charts.event_study_table([bare], source=SOURCE)


def test_event_study_table_names_a_window_outside_the_event_window():
    with pytest.raises(fr.ChartInputError, match=r"event_study_table: car\(-5, 20\) of SYNA: .*window -5..10"):
        charts.event_study_table([synthetic_result()], window=(-5, 20), source=SOURCE)


def test_event_study_table_is_an_html_table_with_every_row_and_its_furniture():
    results = [synthetic_result(label=f"Event <{i}>") for i in range(8)]
    html = charts.event_study_table(results, title="Eight rows", subtitle="All of them", source=SOURCE,
                                    notes="A note")._repr_html_()
    assert html.count("<tr>") == 1 + 8 + 1, "header, every result, footer: nothing clipped"
    assert "<caption><strong>Eight rows</strong><br><span>All of them</span>" in html
    # The alt text rides in the caption for screen readers, hidden from sight.
    assert re.search(r'<span class="fr-table__alt fr-visually-hidden">[^<]+</span></caption>', html)
    assert "Event &lt;3&gt;" in html and "<3>" not in html
    assert f"Source: {SOURCE}" in html and "Note: A note" in html


def test_event_study_table_data_is_the_unformatted_numbers():
    table = charts.event_study_table([synthetic_result()], source=SOURCE)
    data = charts.chart_data(table)
    assert data.loc[0, "ticker"] == "SYNA" and isinstance(data.loc[0, "car"], float)


def test_small_multiples_wraps_long_panel_titles_to_two_lines_within_the_panel():
    long_label = ("SYNA pauses a product line of its face-matching service for a year, citing Congress, the protests "
                  "in many cities and a letter from shareholders and employees")
    results = [synthetic_result(label=long_label), synthetic_result("SYNB", label="short")]
    fig = charts.small_multiples(results, source=SOURCE)
    first, second = (a.text for a in fig.layout.annotations[:2])
    assert first.count("<br>") == 1 and first.endswith("\u2026"), "two lines at most, the rest elided"
    assert second == "SYNB: short"
    one_line = charts.small_multiples([synthetic_result(label="short")] * 2, source=SOURCE)
    assert fig.layout.height > one_line.layout.height, "the row of panels makes room for the second line"


def test_cumulative_count_steps_up_once_per_event():
    fig = charts.cumulative_count(synthetic_events(), by="ban", noun="bans", source=SOURCE)
    finals = {t.name: t.y[-1] for t in fig.data}
    assert finals == {"Total": 4, "City": 2, "County": 1, "State": 1}
    assert all(t.line.shape == "hv" for t in fig.data)


def test_small_multiples_rebase_each_panel_the_session_before_its_day0():
    fig = charts.small_multiples(synthetic_prices(), day0={"SYNB": "2020-06-08", "SYNA": "2020-06-11"}, source=SOURCE)
    data = charts.chart_data(fig)
    assert [t.name for t in fig.data] == ["SYNB", "SYNA"]
    before = data[data["offset"] == -1]
    assert np.allclose(before["index_100"], 100.0)
    assert before.set_index("ticker")["date"].dt.strftime("%Y-%m-%d").to_dict() == {"SYNB": "2020-06-05", "SYNA": "2020-06-10"}
    assert fig.layout.yaxis2.matches == "y" or fig.layout.yaxis2.range == fig.layout.yaxis.range


def test_small_multiples_of_results_show_car_with_bands():
    results = [synthetic_result(), synthetic_result("SYNB", "2020-06-08", "SYNB exits", seed=2)]
    fig = charts.small_multiples(results, source=SOURCE)
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert len(lines) == 2 and np.allclose(lines[1].y, 100 * results[1].table["car"])
    assert [a.text for a in fig.layout.annotations[:2]] == ["SYNA: SYNA pauses a product line", "SYNB: SYNB exits"]


# --- documentation ------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["theme", "_text", "_common", "labels", "furniture", "prices", "timeline", "event_study",
                                    "counts", "multiples", "general", "units", "specification_curve", "responsive",
                                    "table"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"frstory.charts.{module}"), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize("name", charts.__all__)
def test_public_functions_have_numpydoc_examples(name):
    obj = getattr(charts, name)
    if callable(obj) and not isinstance(obj, type):
        assert "Examples\n    --------" in (obj.__doc__ or ""), name
