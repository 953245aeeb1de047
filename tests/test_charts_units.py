"""Every chart knows what its values are: ``unit=`` drives axes, hover and alt text; words fit the data.

Data here is made up (monthly story counts by desk, SYN* tickers, synthetic results), never real.
"""

from __future__ import annotations

import doctest
import inspect
import re

import pandas as pd
import plotly.graph_objects as go
import pytest
from test_charts_fixtures import SOURCE, every_chart, synthetic_events, synthetic_prices, synthetic_result, synthetic_names  # noqa: F401 (autouse: the made-up tickers' names)

from frstory import charts
from frstory.charts.furniture import FURNITURE_DOC, TABLE_FURNITURE_DOC


def stories() -> pd.DataFrame:
    months = pd.date_range("2020-01-01", periods=8, freq="MS")
    return pd.DataFrame({
        "month": list(months) * 2,
        "desk": ["Metro"] * 8 + ["Business"] * 8,
        "stories": [3, 5, 4, 12, 30, 18, 16, 14, 8, 9, 7, 6, 5, 4, 6, 3],
    })


def one_story_a_month() -> pd.DataFrame:
    """Events counted by desk: one story in the first month, two by the second."""
    return pd.DataFrame({
        "date": pd.to_datetime(["2020-01-15", "2020-02-03", "2020-02-20"]),
        "headline": ["First story", "Second story", "Third story"],
        "desk": ["metro", "metro", "business"],
    })


def hover_texts(fig: go.Figure) -> list[str]:
    """Every piece of text a reader can see on hover: templates, custom data, hover texts, trace names."""
    texts = []
    for trace in fig.data:
        texts += [str(trace.hovertemplate or ""), str(trace.name or "")]
        if trace.customdata is not None:
            texts += [str(v) for row in trace.customdata for v in (row if isinstance(row, (list, tuple)) else [row])]
    texts += [str(a.hovertext or "") for a in fig.layout.annotations]
    return texts


# --- abnormal returns and event-study tables: percentage points by default --------------------------


def test_abnormal_returns_are_percentage_points_by_default():
    fig = charts.abnormal_returns(synthetic_result(), source=SOURCE)
    assert fig.layout.yaxis.ticksuffix == " pp" and fig.layout.yaxis.tickformat == "+.1f"
    # The hover value is the axis's label (its hoverformat and suffix; see Unit.hover).
    assert fig.data[2].hovertemplate == "%{customdata[0]}: %{y}<extra>Abnormal return</extra>"
    assert fig.layout.yaxis.hoverformat == "+.1f"


def test_abnormal_returns_can_be_drawn_in_per_cent():
    result = synthetic_result()
    fig = charts.abnormal_returns(result, unit="percent", source=SOURCE)
    assert fig.layout.yaxis.tickformat == ".0%" and fig.data[2].hovertemplate.startswith("%{customdata[0]}: %{y}")
    assert fig.layout.yaxis.hoverformat == "+.1%"
    assert list(fig.data[3].y) == pytest.approx(list(result.table["car"]))
    assert "percentage points" not in fig.layout.meta["frstory"]["alt"]


def test_abnormal_returns_alt_text_says_where_the_running_total_ended_first():
    alt = charts.abnormal_returns(synthetic_result(), source=SOURCE).layout.meta["frstory"]["alt"]
    assert re.match(r"SYNA: the cumulative abnormal return reached [+-]\d+\.\d percentage points by day \+10, "
                    r"(inside|outside) the range expected 95% of the time with no effect;", alt), alt
    assert "%" not in alt.split(";")[1], "abnormal returns are in points, not per cent"


def test_event_study_table_names_the_stock_not_its_ticker():
    result = synthetic_result()
    table = charts.event_study_table([result], names={"SYNA": "Synthetic A Corp"}, source=SOURCE)
    assert table.rows[0][0].startswith("Synthetic A Corp: ")
    assert "Synthetic A Corp" in table.alt and "SYNA (" not in table.alt


def test_event_study_table_alt_text_counts_the_significant_results_first():
    results = [synthetic_result(), synthetic_result("SYNB", "2020-06-08", "SYNB exits", seed=2)]
    alt = charts.event_study_table(results, source=SOURCE).alt
    assert re.match(r"(None|One|Two) of the 2 cumulative abnormal returns (is|are) significant at the 5% level: ", alt), alt


# --- counts: plurals and no currency ------------------------------------------------------------


def test_cumulative_count_hover_agrees_in_number():
    fig = charts.cumulative_count(one_story_a_month(), by="desk", noun="stories", source=SOURCE)
    hovers = [row[0] for trace in fig.data for row in trace.customdata if row[0]]
    assert any("Metro: 1 story</b>" in h for h in hovers) and any("Metro: 2 stories</b>" in h for h in hovers)
    assert not any("storys" in h or "storiess" in h or "1 stories" in h for h in hovers)


def test_cumulative_count_alt_text_leads_with_the_total_and_has_no_currency():
    alt = charts.cumulative_count(one_story_a_month(), by="desk", noun="stories", source=SOURCE).layout.meta["frstory"]["alt"]
    assert alt.startswith("Three stories by 20 February 2020: 2 metro and 1 business."), alt
    assert "$" not in alt and "storiess" not in alt


def test_cumulative_count_of_one_uses_the_singular():
    alt = charts.cumulative_count(one_story_a_month().iloc[:1], by="desk", noun="bans and limits",
                                  source=SOURCE).layout.meta["frstory"]["alt"]
    assert alt.startswith("One ban or limit by 15 January 2020"), alt


def test_cumulative_count_axis_counts_in_whole_numbers():
    fig = charts.cumulative_count(one_story_a_month(), by="desk", noun="stories", source=SOURCE)
    assert fig.layout.yaxis.tickformat == ",d" and not fig.layout.yaxis.tickprefix


# --- small multiples, rebased and price charts on data that are not prices ------------------------


@pytest.fixture(scope="module")
def monthly_multiples():
    return charts.small_multiples(stories(), day0="2020-05-01", x="month", y="stories", color="desk", window=(-3, 3),
                                  source=SOURCE)


def test_small_multiples_of_monthly_counts_count_months(monthly_multiples):
    assert monthly_multiples.layout.xaxis.title.text == "Months relative to month 0"
    assert [a.text for a in monthly_multiples.layout.annotations[:2]] == ["Metro: month 0 May 2020", "Business: month 0 May 2020"]


def test_small_multiples_of_monthly_counts_never_speak_of_trading(monthly_multiples):
    words = " ".join([monthly_multiples.layout.meta["frstory"]["alt"], *hover_texts(monthly_multiples),
                      *[str(a.text) for a in monthly_multiples.layout.annotations]]).lower()
    for price_word in ("trading", "session", "company", "companies", "day 0", "us$"):
        assert price_word not in words, price_word


def test_small_multiples_hover_names_the_step_and_its_date(monthly_multiples):
    line = next(t for t in monthly_multiples.data if t.name == "Metro")
    # The step is the x-axis's label ("+1", "0", "−1"): d3's "+d" alone would write "Month +0".
    assert line.hovertemplate.startswith("<b>Month %{x}</b>, %{customdata[0]}: %{y:,.1f}")
    assert monthly_multiples.layout.xaxis.hoverformat == "+d" and monthly_multiples.layout.xaxis.labelalias["+0"] == "0"
    assert [row[0] for row in line.customdata][:2] == ["February 2020", "March 2020"]


def test_small_multiples_alt_text_opens_with_how_each_series_moved(monthly_multiples):
    alt = monthly_multiples.layout.meta["frstory"]["alt"]
    # Metro: 12 in April (the month before month 0) to 14 in August (month +3); Business 6 to 3.
    assert alt.startswith("From the month before month 0 to month +3, Metro rose 16.7% and Business fell 50.0%."), alt


def test_small_multiples_of_prices_still_count_trading_days():
    fig = charts.small_multiples(synthetic_prices(), day0="2020-06-11", source=SOURCE)
    assert fig.layout.xaxis.title.text == "Trading days relative to day 0"
    assert "the session before day 0" in fig.layout.meta["frstory"]["alt"]


def test_small_multiples_of_results_are_in_percentage_points():
    results = [synthetic_result(), synthetic_result("SYNB", "2020-06-08", "SYNB exits", seed=2)]
    fig = charts.small_multiples(results, source=SOURCE)
    assert fig.layout.yaxis.ticksuffix == " pp"
    assert fig.layout.meta["frstory"]["alt"].startswith("Cumulative abnormal return by day +10: SYNA")


def test_rebased_comparison_of_monthly_counts_indexes_on_a_month_that_is_no_trading_day():
    # 1 March 2020 was a Sunday: a price chart would move to the Friday, monthly data has no Fridays.
    fig = charts.rebased_comparison(stories(), "2020-03-01", x="month", y="stories", color="desk", highlight="Metro",
                                    source=SOURCE)
    alt = fig.layout.meta["frstory"]["alt"]
    assert alt.startswith("Metro rose 250.0% from March 2020 to August 2020, against -57.1% for Business."), alt
    assert "storiess" not in alt and "indexed to 100 in March 2020" in alt
    assert fig.layout.yaxis.tickformat == ",.0f"


def test_price_chart_alt_text_of_monthly_data_speaks_of_months():
    alt = charts.price_with_events(stories(), x="month", y="stories", color="desk", unit="count",
                                   source=SOURCE).layout.meta["frstory"]["alt"]
    assert "from 3 in January to 14 in August 2020" in alt and "1 January" not in alt and "$" not in alt, alt


# --- hover labels: formatted values, reader names, no raw URLs ------------------------------------


def _with_index_ticker(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.loc[out["ticker"] == "^SYNX", "ticker"] = "^GSPC"
    return out


@pytest.fixture(scope="module")
def audited():
    """Every chart kind, prices with a real index ticker (^GSPC) that must reach readers as its name."""
    prices = _with_index_ticker(synthetic_prices())
    events = synthetic_events()
    figures = dict(every_chart())
    figures["price_with_events_index"] = charts.price_with_events(prices, events, start="2020-05-01", source=SOURCE)
    figures["rebased_index"] = charts.rebased_comparison(prices, "2020-06-05", highlight="SYNA", source=SOURCE)
    figures["multiples_index"] = charts.small_multiples(prices, day0="2020-06-11", source=SOURCE)
    figures["line"] = charts.line(stories(), x="month", y="stories", color="desk", unit="count", events=events,
                                  source=SOURCE)
    figures["bar"] = charts.bar(stories(), x="month", y="stories", color="desk", unit="count", source=SOURCE)
    figures["timeline_labelled"] = charts.timeline(events, labels=True, source=SOURCE)
    specs = pd.DataFrame({"estimate": [0.01, -0.02], "low": [-0.01, -0.05], "high": [0.03, 0.01],
                          "significant": [False, False], "model": ["Market model", "Constant mean"]})
    figures["specification_curve"] = charts.specification_curve(specs, measure=None, choices=["model"], source=SOURCE)
    return figures


def test_every_hover_value_is_formatted(audited):
    # A bare %{y} is written by its axis (Unit.hover), so the axis must say how.
    for kind, fig in audited.items():
        for trace in fig.data:
            template = str(trace.hovertemplate or "")
            for letter in re.findall(r"%\{([xy])\}", template):
                anchor = getattr(trace, f"{letter}axis", None) or letter
                axis = fig.layout[f"{letter}axis{anchor[1:]}"]
                assert axis.hoverformat, f"{kind}: {trace.name!r} shows an unformatted value in {template!r}"


def test_no_hover_shows_a_raw_ticker_or_url(audited):
    assert any("S&amp;P 500" in t for t in hover_texts(audited["rebased_index"])), "the fixture must name an index"
    for kind, fig in audited.items():
        for text in hover_texts(fig):
            assert "^GSPC" not in text, f"{kind}: raw ticker in {text!r}"
            assert "http" not in text, f"{kind}: raw URL in {text!r}"


def test_no_alt_text_shows_a_raw_index_ticker(audited):
    for kind, fig in audited.items():
        assert "^GSPC" not in fig.layout.meta["frstory"]["alt"], kind


def test_timeline_hover_has_no_empty_lines():
    events = synthetic_events().drop(columns=["actor", "source_url"])
    fig = charts.timeline(events, source=SOURCE)
    template = fig.data[0].hovertemplate
    assert template == "<b>%{customdata[0]}</b><br>%{customdata[1]}%{customdata[2]}%{customdata[3]}<extra></extra>"
    assert all(row[2] == "" and row[3] == "" for trace in fig.data if trace.customdata is not None for row in trace.customdata)


# --- generated documentation ---------------------------------------------------------------------


def _charts_with_furniture():
    """Public functions of frstory.charts that take the furniture keywords: the chart and table functions."""
    found = []
    for name in charts.__all__:
        obj = getattr(charts, name)
        if inspect.isfunction(obj):
            params = inspect.signature(obj).parameters
            if {"title", "source", "alt"} <= set(params):
                found.append(name)
    return found


CHART_FUNCTIONS = _charts_with_furniture()


def test_the_chart_functions_are_found():
    assert set(CHART_FUNCTIONS) == {"line", "bar", "price_with_events", "rebased_comparison", "timeline",
                                    "abnormal_returns", "event_study_table", "cumulative_count", "small_multiples",
                                    "specification_curve"}


@pytest.mark.parametrize("name", CHART_FUNCTIONS)
def test_every_chart_function_documents_the_shared_furniture(name):
    func = getattr(charts, name)
    block = FURNITURE_DOC if "width" in inspect.signature(func).parameters else TABLE_FURNITURE_DOC
    assert block in func.__doc__, name
    assert "{furniture}" not in func.__doc__ and "{table_furniture}" not in func.__doc__


@pytest.mark.parametrize("name", CHART_FUNCTIONS)
def test_every_chart_function_has_an_example_that_runs(name):
    func = getattr(charts, name)
    assert "\n    Examples\n    --------\n" in func.__doc__, name
    tests = doctest.DocTestFinder(recurse=False).find(func, name, globs={})
    examples = sum(len(t.examples) for t in tests)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert examples > 0 and runner.failures == 0, f"{name}: {runner.failures} of {examples} examples failed"


@pytest.mark.parametrize("name", CHART_FUNCTIONS)
def test_every_chart_function_takes_a_unit_where_it_plots_values(name):
    params = inspect.signature(getattr(charts, name)).parameters
    if name == "timeline":
        assert "unit" not in params, "a timeline plots dates and categories, no values"
    else:
        assert "unit" in params, name
