"""Charts on a 320 px phone (a 280 px chart) with inputs they were not designed around.

Each spec builds a chart from synthetic, hand-written data (no real prices or events) and checks
the layout a phone is given (:func:`frstory.charts.layout_for_width` at 280 px): tick formats,
margins, tick steps and whether a layout exists at all. No pixels are compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import frstory as fr
from frstory import charts
from test_charts_fixtures import synthetic_names  # noqa: F401 (autouse: the made-up tickers' names)
from frstory.charts._text import text_width_px
from frstory.charts.theme import FONT_SIZES

SOURCE = "Synthetic example data"
PHONE = 280


def _monthly(values) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.date_range("2020-01-01", periods=len(values), freq="MS"), "value": values})


def _phone(fig):
    return charts.layout_for_width(fig, PHONE).layout


def test_a_line_in_millions_of_dollars_writes_its_ticks_short_and_inside_the_chart():
    fig = charts.line(_monthly(np.linspace(1.2e6, 5.4e6, 24)), unit="currency", source=SOURCE)
    layout = _phone(fig)
    # "$5,400,000.00" ran past the chart's left edge; plotly's own format writes "$5.5M".
    assert layout.yaxis.tickformat == "" and layout.yaxis.exponentformat == "B"
    assert layout.margin.l >= text_width_px("$5.5M", FONT_SIZES["tick"]) + 10


def test_a_line_in_millions_of_euros_keeps_the_euro_sign_on_its_short_ticks():
    layout = _phone(charts.line(_monthly(np.linspace(1.2e6, 5.4e6, 24)), unit="currency", currency="EUR", source=SOURCE))
    assert layout.yaxis.tickprefix == "€" and layout.yaxis.exponentformat == "B"


def test_the_left_margin_grows_to_hold_wide_tick_labels():
    # Six-figure amounts with no room to spare at the usual 52 px.
    layout = _phone(charts.line(_monthly(np.linspace(100_000, 900_000, 24)), unit="currency", source=SOURCE))
    assert layout.yaxis.tickformat == ",.0f"
    assert layout.margin.l >= text_width_px("$950,000", FONT_SIZES["tick"]) + 10


def test_an_index_over_two_days_gets_ticks_that_differ():
    prices = fr.synthetic_prices(["SYNA", "SYNB"], "2020-06-01", "2020-06-02")
    layout = _phone(charts.rebased_comparison(prices, "2020-06-01", highlight="SYNA", source=SOURCE))
    # ",.0f" wrote every tick of 99.9-100.35 as "100".
    assert layout.yaxis.tickformat == ",.2f"


def test_a_price_range_of_a_dollar_keeps_its_cents_on_the_axis():
    prices = pd.DataFrame({"date": pd.bdate_range("2020-06-01", periods=10), "ticker": "SYNA",
                           "close": np.linspace(150.1, 151.0, 10)})
    layout = _phone(charts.price_with_events(prices, source=SOURCE))
    # Over $100 the axis used to drop cents, so ticks every 10 cents read "$150, $150, $150".
    assert layout.yaxis.tickformat == ",.2f"


def test_tiny_percentages_are_not_all_written_as_zero():
    desks = pd.DataFrame({"desk": ["A", "B", "C"], "share": [0.001, 0.004, 0.002]})
    layout = _phone(charts.bar(desks, x="desk", y="share", unit="percent", source=SOURCE))
    assert layout.yaxis.tickformat == ".2%"


def test_a_small_count_is_ticked_in_whole_numbers():
    counts = _monthly([0, 1, 2, 1, 2, 2])
    layout = _phone(charts.line(counts, unit="count", source=SOURCE))
    # Ticks every 0.5 written ",d" read "0, 1, 1, 2, 2".
    assert layout.yaxis.dtick == 1


def test_a_two_day_axis_ticks_whole_days():
    prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-02")
    layout = _phone(charts.price_with_events(prices, source=SOURCE))
    # plotly's noon tick was written "1 Jun" too: "1 Jun, 1 Jun, 2 Jun".
    assert layout.xaxis.dtick == 86_400_000 and str(layout.xaxis.tick0).startswith("2020-06-01")


def test_a_six_month_axis_shows_two_months_not_one():
    prices = fr.synthetic_prices(["SYNA", "SYNB"], "2020-01-02", "2020-06-30")
    layout = _phone(charts.rebased_comparison(prices, "2020-01-02", highlight="SYNA", source=SOURCE))
    # Quarterly ticks from January put a single "Apr 2020" on the axis; from February they give Feb and May.
    assert layout.xaxis.dtick == "M3" and str(layout.xaxis.tick0).startswith("2020-02-01")


def test_a_single_session_is_drawn_as_a_dot():
    prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-01", benchmark="^SYNX")
    fig = charts.price_with_events(prices, source=SOURCE)
    assert {trace.mode for trace in fig.data} == {"markers"}


def test_six_series_with_three_word_names_have_a_phone_layout():
    months = pd.date_range("2019-01-01", periods=18, freq="MS")
    data = pd.DataFrame({"month": list(months) * 6, "desk": np.repeat([f"Desk with long name {i}" for i in range(6)], 18),
                         "value": np.arange(108) % 3})
    fig = charts.line(data, x="month", y="value", color="desk", unit="count", source=SOURCE)
    assert "no_layout" not in fig.layout.meta["frstory"]
    labels = [a.text for a in _phone(fig).annotations if a.name == "frstory-end-label"]
    assert len(labels) == 6 and all("<br>" in text for text in labels)


def test_values_of_negative_bars_get_room_left_of_the_bars():
    desks = pd.DataFrame({"desk": ["Business", "Metro", "Politics", "Sport"], "value": [-1.2e6, -3.4e6, -0.5e6, -2.2e6]})
    fig = charts.bar(desks, x="desk", y="value", unit="currency", currency="EUR", text=True, source=SOURCE)
    layout = _phone(fig)
    low, high = layout.xaxis.range
    plot_px = PHONE - layout.margin.l - layout.margin.r
    room_px = (-3.4e6 - low) / (high - low) * plot_px
    assert room_px >= text_width_px("-€3,400,000", FONT_SIZES["label"])
    assert layout.xaxis.tickangle == 0 and layout.xaxis.exponentformat == "B"


def test_values_of_bars_in_the_millions_get_room_right_of_the_bars():
    desks = pd.DataFrame({"desk": ["Business and economics", "Metropolitan news"], "value": [1.2e6, 5.4e6]})
    layout = _phone(charts.bar(desks, x="desk", y="value", unit="currency", text=True, source=SOURCE))
    # A fixed 40 px cut "$5,400,000" off at the chart's right edge.
    assert layout.margin.r >= 24 + text_width_px("$5,400,000", FONT_SIZES["label"])


def _timeline_with_long_lane_names():
    """Synthetic events in five made-up categories, two of them with names too long for a 96 px margin."""
    events = fr.synthetic_events()
    names = ["Court rulings and appeals", "Averyveryverylongcategorynamewithoutspaces", "Category with a long name",
             "Bills", "Protests and marches"]
    events["category"] = events["category"].map(dict(zip(sorted(events["category"].unique()), names)))
    events.loc[events.index[:2], "date_precision"] = "month"
    return charts.timeline(events, source=SOURCE)


def test_long_timeline_lane_names_wrap_or_shorten_within_the_margin_instead_of_running_off_the_chart():
    layout = _phone(_timeline_with_long_lane_names())
    for name in layout.yaxis.ticktext:
        for line in name.split("<br>"):
            assert text_width_px(line, FONT_SIZES["body"]) <= layout.margin.l - 12, line
    assert "Court rulings<br>and appeals" in layout.yaxis.ticktext
    assert any(name.startswith("Averyvery") and name.endswith("…") for name in layout.yaxis.ticktext)


def test_a_wide_timeline_writes_long_lane_names_whole_in_a_wider_margin():
    layout = _timeline_with_long_lane_names().layout
    assert "Averyveryverylongcategorynamewithoutspaces" in layout.yaxis.ticktext
    assert layout.margin.l > 96


def test_the_phone_timeline_key_starts_under_the_lane_names_not_at_the_plot():
    layout = _phone(_timeline_with_long_lane_names())
    plot_px = PHONE - layout.margin.l - layout.margin.r
    # Starting at the plot, "Only the month is known" ran past the right edge.
    assert layout.legend.x * plot_px == pytest.approx(-(layout.margin.l - 8))


def test_an_axis_of_a_year_and_a_half_ticks_every_six_months_from_its_first_month_not_once():
    axis = charts._common.date_axis((pd.Timestamp("2019-09-01"), pd.Timestamp("2020-12-15")), 220)
    # plotly's choice, yearly from January, put the single tick "2020" on it; twelve months from
    # September would be labelled "2019" in September.
    assert axis["dtick"] == "M6" and axis["tick0"] == "2019-09-01"


def test_the_numbered_key_under_a_phone_chart_gives_each_event_label_in_full():
    # A made-up headline longer than max_label_chars: beside a mark it is cut, in the key it wraps.
    headline = "Synthetic regulator opens an inquiry into the pricing of synthetic widgets across three markets"
    prices = fr.synthetic_prices(["SYNA"], "2020-05-01", "2020-07-31")
    events = pd.DataFrame({"id": ["syn-1"], "date": [pd.Timestamp("2020-06-10")], "category": ["policy"],
                           "headline": [headline]})
    fig = charts.price_with_events(prices, events, tickers="SYNA", max_label_chars=30, source=SOURCE)
    key = [a.text for a in _phone(fig).annotations if a.name == "frstory-key"]
    assert len(key) == 1
    words = " ".join(key[0].replace("<br>", " ").replace("<b>1</b>", " ").split())
    assert headline in words.replace("\u2003", " ").replace("  ", " ")


def test_the_numbered_key_under_a_phone_timeline_gives_each_label_in_full():
    events = fr.synthetic_events()
    long = "Synthetic city council votes to extend its moratorium on synthetic widgets for another year"
    events.loc[events.index[0], "headline"] = long
    fig = charts.timeline(events, labels=True, max_label_chars=30, source=SOURCE)
    key = [a.text for a in _phone(fig).annotations if a.name == "frstory-key"]
    assert len(key) == 1 and long in " ".join(key[0].replace("<br>", " ").replace("\u2003", " ").split())


@pytest.mark.parametrize("text", ["Closing price, indexed to 100 on 5 June 2020", "From June 1 to June 30, 2020 the index rose"])
def test_wrapped_chart_text_never_parts_a_day_from_its_month(text):
    from frstory.charts._text import wrap_text

    for width in range(60, 260, 10):
        lines = wrap_text(text, width, FONT_SIZES["subtitle"])
        assert " ".join(lines) == text
        for before, after in zip(lines, lines[1:]):
            last, first = before.split()[-1], after.split()[0]
            day = lambda word: word.rstrip(",").isdigit() and len(word.rstrip(",")) <= 2  # noqa: E731
            assert not (day(last) and first == "June"), (width, lines)  # "… on 5" | "June 2020"
            assert not (last == "June" and day(first)), (width, lines)  # "… to June" | "30, 2020"
