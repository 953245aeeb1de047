"""Hover labels read in a real browser as the house style writes values, like the axis beside them.

plotly writes a hovertemplate's ``%{y:format}`` with d3-format alone, which puts a prefix before the
sign ("€-5,000.00") and signs zero ("+0.0 pp"); these specs hover real charts in headless
Chromium (the plotly.js the site ships) and read the label. All data here is made up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import plotly
import pytest
from test_charts_fixtures import SOURCE, synthetic_result, synthetic_names  # noqa: F401 (autouse: the made-up tickers' names)

from frstory import charts
from frstory.charts.units import get_unit

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
DAYS = pd.date_range("2020-01-01", periods=4, freq="D")


@pytest.fixture(scope="module")
def hover(browser):
    """``hover(fig, trace, point)`` -> the hover label's text lines for that point."""
    page = browser.new_page(viewport={"width": 900, "height": 600})
    page.set_content("<div id='chart' style='width:800px;height:480px'></div>")
    page.add_script_tag(path=str(PLOTLY_JS))

    def _hover(fig, trace: int, point: int) -> list[str]:
        page.evaluate("f => Plotly.newPlot('chart', f.data, f.layout)", json.loads(fig.to_json()))
        page.evaluate(f"Plotly.Fx.hover('chart', [{{curveNumber: {trace}, pointNumber: {point}}}])")
        return page.evaluate("Array.from(document.querySelectorAll('.hoverlayer text')).map(t => t.textContent)")

    yield _hover
    page.close()


def amounts(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"date": DAYS[: len(values)], "value": values})


def test_a_negative_dollar_amount_hovers_with_its_minus_before_the_symbol(hover):
    fig = charts.line(amounts([-5000.0, 1234.5]), unit="currency", source=SOURCE)
    # The axis's minus sign (U+2212): d3's "$" format wrote an ASCII hyphen, "-$5,000.00".
    assert "\N{MINUS SIGN}$5,000.00" in hover(fig, 0, 0)


def test_a_negative_amount_in_euros_hovers_as_its_axis_writes_it(hover):
    fig = charts.line(amounts([-5000.0, 1234.5, -0.001]), unit="currency", currency="EUR", source=SOURCE)
    assert "−€5,000.00" in hover(fig, 0, 0)
    assert "€0.00" in hover(fig, 0, 2), "an amount that rounds to zero has no sign"


def test_negative_bars_in_pounds_hover_with_the_minus_first(hover):
    fig = charts.bar(pd.DataFrame({"desk": ["A", "B"], "value": [-250.0, 90.0]}), x="desk", y="value",
                     unit="currency", currency="GBP", source=SOURCE)
    assert "−£250.00" in hover(fig, 0, 0)


def test_yen_hover_as_whole_amounts(hover):
    fig = charts.line(amounts([1234.5, 2000.0]), unit="currency", currency="JPY", source=SOURCE)
    assert "¥1,235" in hover(fig, 0, 0)


def test_only_a_trace_that_needs_them_carries_hover_texts_per_point():
    # Texts per point cost page weight: prices (never below zero) keep the template alone.
    fig = charts.line(amounts([5000.0, 1234.5]), unit="currency", currency="EUR", source=SOURCE)
    assert fig.data[0].customdata is None and fig.data[0].hovertemplate.startswith("€%{y:,.2f}")
    assert get_unit("line", "currency", "EUR").hover_points([-1.0, 2.0])[1] == ["−€1.00", "€2.00"]


def test_an_amount_of_millions_hovers_compact_like_its_axis(hover):
    fig = charts.line(amounts([12_500_000.0, 8_000_000.0]), unit="currency", currency="EUR", source=SOURCE)
    lines = hover(fig, 0, 0)
    # Not "€12,500,000.00" beside an axis that reads "€12.5M".
    assert "€12.5M" in lines and not any("12,500,000" in line for line in lines)


def test_a_negative_amount_of_millions_hovers_compact_with_the_minus_first(hover):
    fig = charts.bar(pd.DataFrame({"desk": ["A", "B"], "value": [-2_345_678.0, 12_500_000.0]}), x="desk", y="value",
                     unit="currency", currency="EUR", source=SOURCE)
    assert "−€2.35M" in hover(fig, 0, 0) and "€12.5M" in hover(fig, 0, 1)


def test_amounts_under_a_million_hover_in_full_beside_millions(hover):
    fig = charts.line(amounts([950_000.0, 3_000_000_000.0]), unit="currency", source=SOURCE)
    assert "$950,000.00" in hover(fig, 0, 0) and "$3B" in hover(fig, 0, 1)


def test_zero_percentage_points_hover_without_a_sign(hover):
    fig = charts.line(amounts([0.0, -0.00001, 0.0123, -0.05]), unit="points", source=SOURCE)
    assert [hover(fig, 0, i)[-1] for i in range(4)] == ["0.0 pp", "0.0 pp", "+1.2 pp", "−5.0 pp"]


def test_an_abnormal_return_of_zero_hovers_without_a_sign(hover):
    result = synthetic_result()
    result.table.loc[result.table.index[0], ["ar", "car"]] = 0.0
    fig = charts.abnormal_returns(result, source=SOURCE)
    bar = next(i for i, t in enumerate(fig.data) if t.name == "Abnormal return")
    car = next(i for i, t in enumerate(fig.data) if t.name == "Cumulative abnormal return")
    assert hover(fig, bar, 0)[-1].endswith(": 0.0 pp")
    assert hover(fig, car, 0)[-1] == "0.0 pp"


def test_small_multiples_hover_day_zero_unsigned(hover):
    fig = charts.small_multiples([synthetic_result()], source=SOURCE)
    line = next(i for i, t in enumerate(fig.data) if t.hovertemplate)
    day0 = list(fig.data[line].x).index(0)
    text = " ".join(hover(fig, line, day0))
    assert "Day 0," in text and "Day +0" not in text
    assert "Day −1," in " ".join(hover(fig, line, day0 - 1))


def test_values_written_on_negative_bars_take_the_axis_minus_sign():
    fig = charts.bar(pd.DataFrame({"desk": ["A", "B"], "value": [-3000.0, 90.0]}), x="desk", y="value",
                     unit="currency", currency="EUR", text=True, source=SOURCE)
    assert list(fig.data[0].text) == ["−€3,000", "€90.00"]


# A series name from data, written as plotly markup and template fields (synthetic).
TRICKY = "Up %{y} <b>SYNA</b> <script>"
SESSIONS = pd.bdate_range("2020-06-01", periods=4)
PRICES = pd.DataFrame({"date": list(SESSIONS) * 2, "ticker": ["SYNA"] * 4 + ["SYNB"] * 4,
                       "close": [10.0, 11.0, 12.0, 13.0, 20.0, 21.0, 22.0, 23.0]})
NAMED_CHARTS = {
    "line": lambda: charts.line(PRICES, y="close", color="ticker", names={"SYNA": TRICKY}, source=SOURCE),
    "bar": lambda: charts.bar(PRICES[PRICES.ticker == "SYNA"].assign(desk="A"), x="date", y="close", color="ticker",
                              names={"SYNA": TRICKY}, source=SOURCE),
    "price_with_events": lambda: charts.price_with_events(PRICES, names={"SYNA": TRICKY}, source=SOURCE),
    "rebased_comparison": lambda: charts.rebased_comparison(PRICES, SESSIONS[0], highlight="SYNA", names={"SYNA": TRICKY},
                                                            source=SOURCE),
}


@pytest.mark.parametrize("chart", NAMED_CHARTS)
def test_a_series_name_hovers_as_written_never_as_markup_or_a_template_field(hover, chart):
    fig = NAMED_CHARTS[chart]()
    trace = next(i for i, t in enumerate(fig.data) if "SYNA" in (t.name or ""))
    assert TRICKY in hover(fig, trace, 1)
