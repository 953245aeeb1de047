"""What a newcomer's first story needs from the charts: a euro-priced company, a yen stock, counts,
bars below zero. Every frame here is made up (the ticker NWD.DE, its prices and the quarters are
synthetic), never real data.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from test_charts_fixtures import SOURCE, synthetic_result

import frstory as fr
from frstory import charts, prose
from frstory.charts.theme import FONT_SIZES

#: A made-up euro-priced company, registered nowhere.
TICKER = "NWD.DE"
NAMES = {TICKER: "Northwind AG"}


def euro_prices() -> pd.DataFrame:
    # Synthetic: ten sessions of a made-up stock falling from €100 to €91.20.
    dates = pd.bdate_range("2024-03-01", periods=10)
    close = [100.0, 99.0, 98.5, 97.0, 96.0, 95.5, 94.0, 93.0, 92.0, 91.2]
    return pd.DataFrame({"date": dates, "ticker": TICKER, "close": close})


def quarters(values: list[float], column: str = "change") -> pd.DataFrame:
    # Synthetic quarterly figures.
    return pd.DataFrame({"quarter": [f"Q{i + 1} 2023" for i in range(len(values))], column: values})


# --- 1. a ticker without a reader name is an error, never a raw ticker ---------------------------


def test_a_price_chart_of_a_ticker_without_a_name_raises_the_error_summary_raises():
    with pytest.raises(prose.UnknownDisplayName, match=r"NWD\.DE.*register_display_names.*names="):
        charts.price_with_events(euro_prices(), currency="EUR", source=SOURCE)


def test_a_price_chart_names_the_ticker_given_in_names():
    fig = charts.price_with_events(euro_prices(), currency="EUR", names=NAMES, source=SOURCE)
    alt = fig.layout.meta["frstory"]["alt"]
    assert alt.startswith("Northwind AG fell 8.8%, from €100.00") and TICKER not in alt


def test_a_rebased_comparison_of_an_unnamed_ticker_raises():
    with pytest.raises(prose.UnknownDisplayName, match=r"NWD\.DE"):
        charts.rebased_comparison(euro_prices(), "2024-03-01", highlight=TICKER, source=SOURCE)


def test_small_multiples_of_an_unnamed_ticker_raise():
    with pytest.raises(prose.UnknownDisplayName, match=r"NWD\.DE"):
        charts.small_multiples(euro_prices(), day0="2024-03-06", window=(-2, 2), source=SOURCE)


def test_abnormal_returns_of_an_unnamed_ticker_raise_and_take_names():
    result = synthetic_result(ticker=TICKER)
    with pytest.raises(prose.UnknownDisplayName, match=r"NWD\.DE"):
        charts.abnormal_returns(result, source=SOURCE)
    alt = charts.abnormal_returns(result, names=NAMES, source=SOURCE).layout.meta["frstory"]["alt"]
    assert alt.startswith("Northwind AG: the cumulative abnormal return")


def test_an_event_study_table_of_an_unnamed_ticker_raises_and_takes_names():
    result = synthetic_result(ticker=TICKER)
    with pytest.raises(prose.UnknownDisplayName, match=r"NWD\.DE"):
        charts.event_study_table([result], source=SOURCE)
    table = charts.event_study_table([result], names=NAMES, source=SOURCE)
    assert table.rows[0][0].startswith("Northwind AG: ")


def test_small_multiples_of_unnamed_results_raise():
    with pytest.raises(prose.UnknownDisplayName, match=r"NWD\.DE"):
        charts.small_multiples([synthetic_result(ticker=TICKER)], source=SOURCE)


def test_a_line_of_a_ticker_column_needs_names_too():
    prices = euro_prices().rename(columns={"close": "price"})
    with pytest.raises(prose.UnknownDisplayName, match=r"NWD\.DE"):
        charts.line(prices, y="price", color="ticker", source=SOURCE)


def test_categories_that_are_not_tickers_keep_their_own_labels():
    # Synthetic: sales by region.
    data = pd.DataFrame({"month": list(pd.date_range("2024-01-01", periods=3, freq="MS")) * 2,
                         "region": ["North"] * 3 + ["South"] * 3, "sales": [3, 4, 5, 6, 5, 4]})
    line = charts.line(data, x="month", y="sales", color="region", unit="count", source=SOURCE)
    bar = charts.bar(data, x="month", y="sales", color="region", unit="count", source=SOURCE)
    by_desk = charts.price_with_events(data, x="month", y="sales", color="region", unit="count", source=SOURCE)
    assert [t.name for t in line.data] == ["North", "South"] == [t.name for t in bar.data][:2]
    assert [t.name for t in by_desk.data] == ["North", "South"]


# --- 2. column names never reach readers; amounts in millions -------------------------------------


def test_a_value_column_named_for_code_asks_for_y_title():
    with pytest.raises(fr.ChartInputError, match=r"'change_eur_m' is a name for code.*Fix: pass y_title="):
        charts.bar(quarters([4.2, -1.5, 12.5], "change_eur_m"), x="quarter", y="change_eur_m", unit="currency",
                   currency="EUR", source=SOURCE)


def test_a_value_column_named_in_words_is_its_own_title():
    fig = charts.bar(quarters([3, 5]).rename(columns={"change": "stories"}), x="quarter", y="stories",
                     unit="count", source=SOURCE)
    assert fig.layout.yaxis.title.text == "Stories"


def test_a_price_chart_of_a_column_named_for_code_asks_to_rename_it():
    prices = euro_prices().rename(columns={"close": "px_eur"})
    with pytest.raises(fr.ChartInputError, match=r"'px_eur' is a name for code.*Fix: name the column in words"):
        charts.price_with_events(prices, y="px_eur", names=NAMES, source=SOURCE)


def test_amounts_given_in_full_read_as_millions_in_the_alt_text():
    data = quarters([4.2e6, -1.5e6, 12.5e6])
    fig = charts.bar(data, x="quarter", y="change", unit="currency", currency="EUR",
                     y_title="change in net profit", source=SOURCE)
    alt = fig.layout.meta["frstory"]["alt"]
    assert alt.startswith("Change in net profit: highest in Q3 2023, at €12.5 million; lowest in Q2 2023, "
                          "at -€1.5 million.")


# --- 3. the missing-source error fits the chart ----------------------------------------------------


def test_a_bar_without_source_suggests_a_generic_source():
    with pytest.raises(fr.ChartInputError) as info:
        charts.bar(quarters([3, 5]).rename(columns={"change": "stories"}), x="quarter", y="stories", unit="count")
    assert "Yahoo" not in str(info.value) and "source='Newsroom archive'" in str(info.value)


def test_a_table_without_source_suggests_a_generic_source():
    with pytest.raises(fr.ChartInputError) as info:
        charts.Table(pd.DataFrame({"n": [1]}), ["Name"], [["A"]], [False])
    assert "Yahoo" not in str(info.value)


def test_a_price_chart_without_source_suggests_the_price_source():
    with pytest.raises(fr.ChartInputError, match="Yahoo Finance"):
        charts.price_with_events(euro_prices(), names=NAMES)


# --- 4. a table's size error names the row ---------------------------------------------------------


def test_a_table_row_of_the_wrong_size_is_named_with_its_cell_count():
    with pytest.raises(fr.ChartInputError, match=r"row 1 \(starting 'Beta'\) has 1 cell for 2 headings"):
        charts.Table(pd.DataFrame({"n": [1]}), ["Name", "Value"], [["Alpha", "1"], ["Beta"]], [False, True],
                     source=SOURCE)


def test_numeric_flags_of_the_wrong_length_are_named():
    with pytest.raises(fr.ChartInputError, match=r"numeric has 1 flag for 2 headings"):
        charts.Table(pd.DataFrame({"n": [1]}), ["Name", "Value"], [["Alpha", "1"]], [False], source=SOURCE)


# --- 5. no silent coercions ------------------------------------------------------------------------


def test_numbers_held_as_text_are_refused_with_a_fix():
    data = quarters(["11", "12"]).rename(columns={"change": "stories"})  # type: ignore[list-item]
    with pytest.raises(fr.ChartInputError, match=r"holds text, not numbers: row 0 holds '11'.*pd\.to_numeric"):
        charts.bar(data, x="quarter", y="stories", source=SOURCE)


def test_percent_values_given_in_per_cent_are_refused():
    data = quarters([0.0, 55.0, 110.0]).rename(columns={"change": "share"})
    with pytest.raises(fr.ChartInputError, match=r"holds 110 with unit='percent', which would read 11,000%.*share / 100"):
        charts.line(data, x="quarter", y="share", unit="percent", source=SOURCE)


def test_percent_values_as_fractions_are_drawn():
    data = quarters([0.0, 0.55, 1.1]).rename(columns={"change": "share"})
    fig = charts.line(data, x="quarter", y="share", unit="percent", source=SOURCE)
    assert "110.0%" in fig.layout.meta["frstory"]["alt"]


# --- 6. yen and whole numbers ----------------------------------------------------------------------


def test_prose_money_writes_yen_whole_as_the_charts_do():
    assert prose.money(1234.5, currency="JPY") == "¥1,235"


def test_whole_numbers_of_the_default_unit_are_written_whole():
    fig = charts.bar(quarters([30.0, 12.0]).rename(columns={"change": "stories"}), x="quarter", y="stories",
                     source=SOURCE)
    assert fig.layout.meta["frstory"]["alt"].startswith("Stories: highest in Q1 2023, at 30; lowest in Q2 2023, at 12.")


def test_the_chart_data_writes_counts_whole():
    fig = charts.bar(quarters([14, 3]).rename(columns={"change": "stories"}), x="quarter", y="stories",
                     unit="count", source=SOURCE)
    # As the CSV writer sees them: 14, not 14.0.
    assert json.dumps(fig.layout.meta["frstory"]["data"]["rows"]) == '[["Q1 2023", 14], ["Q2 2023", 3]]'


# --- 7. value labels stay inside the plot ----------------------------------------------------------


def test_the_value_label_under_the_lowest_bar_stays_inside_the_plot_on_a_phone():
    data = quarters([12.5, -48.2, 30.1, 5.0])
    fig = charts.bar(data, x="quarter", y="change", unit="currency", currency="EUR", text=True,
                     y_title="change in profit", source=SOURCE, width=350)
    low, high = fig.layout.yaxis.range
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    below_bar_px = (-48.2 - low) / (high - low) * plot_px
    # The label is a line of label text under the bar's end (plotly pads it by 3 px).
    assert below_bar_px >= FONT_SIZES["label"] * 1.25 + 3
