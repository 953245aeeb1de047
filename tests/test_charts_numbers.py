"""Numbers on charts as a reader sees them: one minus sign per medium, the sign before the symbol, ticks that say something.

The house style (src/frstory/prose/numbers.py) writes a minus as ASCII "-" in prose, alt text
included, and as U+2212 in chart text: ticks, hover labels and values on bars, where the hyphen
is too short beside the figures; a negative amount takes the sign before its symbol ("−€5,000").
Layout specs check what the chart asks plotly for; the ``browser`` specs read what plotly.js
(the copy the site ships) draws and hovers in headless Chromium. All data here is synthetic,
written by hand for the case it tests.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import plotly
import pytest
from test_charts_fixtures import SOURCE, synthetic_result, synthetic_names  # noqa: F401 (autouse: the made-up tickers' names)

from frstory import charts
from frstory.charts._common import value_ticks
from frstory.charts.responsive import figure_for_width
from frstory.charts.units import get_unit

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
MINUS = "\N{MINUS SIGN}"
#: A sign written after a currency symbol ("€−2.5M", "$-5"): never the house style.
SIGN_AFTER_SYMBOL = re.compile(r"[$€£¥][\u2212-]")
#: The widths the responsive layouts are read at: a 320 px phone's 280 px column, a phone, a desktop.
WIDTHS = [280, 320, 1000]


def _monthly(values) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.date_range("2020-01-01", periods=len(values), freq="MS"), "value": values})


@pytest.fixture(scope="module")
def page(browser):
    """A page with the site's plotly.js that draws a figure as a container of a given width shows it."""
    tab = browser.new_page(viewport={"width": 1100, "height": 900})
    tab.set_content("<div id='chart'></div>")
    tab.add_script_tag(path=str(PLOTLY_JS))

    class Page:
        def draw(self, fig, width: int) -> dict[str, list[str]]:
            full = figure_for_width(fig.to_dict(), width)
            full["layout"]["width"] = width
            tab.evaluate("f => Plotly.newPlot('chart', f.data, f.layout)", json.loads(json.dumps(full)))
            return tab.evaluate("""() => ({x: Array.from(document.querySelectorAll('.xtick text')).map(t => t.textContent),
                                           y: Array.from(document.querySelectorAll('.ytick text')).map(t => t.textContent)})""")

        def hover(self, trace: int, point: int) -> list[str]:
            tab.evaluate(f"Plotly.Fx.hover('chart', [{{curveNumber: {trace}, pointNumber: {point}}}])")
            return tab.evaluate("Array.from(document.querySelectorAll('.hoverlayer text')).map(t => t.textContent)")

    yield Page()
    tab.close()


def _value_labels(labels: list[str]) -> list[str]:
    return [label for label in labels if re.search(r"\d", label)]


# ------------------------------------------------------------------------------- hover labels

BELOW_ZERO = {
    # unit, currency, values (display units), what the first point hovers
    "percent": ("percent", "USD", [-0.034, 0.01], f"{MINUS}3.4%"),
    "number": ("number", "USD", [-1.5, 2.0], f"{MINUS}1.5"),
    "count": ("count", "USD", [-3, 5], f"{MINUS}3"),
    "index": ("index", "USD", [-1.5, 2.0], f"{MINUS}1.5"),
    "dollars": ("currency", "USD", [-5000.0, 1234.5], f"{MINUS}$5,000.00"),
    "pounds": ("currency", "GBP", [-5000.0, 1234.5], f"{MINUS}£5,000.00"),
    "yen": ("currency", "JPY", [-5000.0, 1234.5], f"{MINUS}¥5,000"),
}


@pytest.mark.browser
@pytest.mark.parametrize("case", BELOW_ZERO)
def test_a_value_below_zero_hovers_with_the_axis_minus_sign_before_any_symbol(page, case):
    unit, currency, values, expected = BELOW_ZERO[case]
    fig = charts.line(_monthly(values), unit=unit, currency=currency, source=SOURCE)
    page.draw(fig, 1000)
    # plotly.js writes d3-format's minus, an ASCII hyphen ("-3.4%"), and has no locale key to change it.
    assert page.hover(0, 0)[-1] == expected


@pytest.mark.browser
def test_negative_bars_hover_with_the_minus_sign_of_their_axis(page):
    fig = charts.bar(pd.DataFrame({"desk": ["A", "B"], "value": [-0.25, 0.9]}), x="desk", y="value", unit="percent",
                     source=SOURCE)
    page.draw(fig, 1000)
    assert page.hover(0, 0)[-1] == f"{MINUS}25.0%"


@pytest.mark.browser
def test_a_small_multiple_of_percentages_below_zero_hovers_with_the_axis_minus_sign(page):
    fig = charts.small_multiples([synthetic_result(seed=1)], unit="percent", source=SOURCE)
    line = next(i for i, t in enumerate(fig.data) if t.hovertemplate)
    day0 = list(fig.data[line].x).index(0)
    page.draw(fig, 1000)
    text = page.hover(line, day0)[-1]
    assert text.endswith("%") and MINUS in text.rsplit(":", 1)[1] and "-" not in text, text


def test_a_trace_that_stays_at_or_above_zero_keeps_one_template_and_no_texts_per_point():
    # Texts per point cost page weight; only an amount of money below zero needs them.
    fig = charts.line(_monthly([0.0, 1.5, 2.0]), unit="currency", currency="EUR", source=SOURCE)
    assert fig.data[0].customdata is None and fig.data[0].hovertemplate.startswith("€%{y:,.2f}")
    below = charts.line(_monthly([-0.5, 1.5]), unit="percent", source=SOURCE)
    assert below.data[0].customdata is None and below.data[0].hovertemplate.startswith("%{y}")


def test_a_price_chart_below_zero_hovers_each_amount_sign_first():
    prices = pd.DataFrame({"date": pd.bdate_range("2020-06-01", periods=3), "ticker": "SYNA",
                           "close": [-2.7e6, 1.0e6, 4.1e6]})
    fig = charts.price_with_events(prices, unit="currency", currency="EUR", source=SOURCE)
    # Millions hover compact, as the axis writes them.
    assert list(fig.data[0].customdata) == [f"{MINUS}€2.7M", "€1M", "€4.1M"]


# ---------------------------------------------------------------------------------- alt text

def test_abnormal_returns_alt_text_writes_every_minus_as_prose_does():
    alt = charts.abnormal_returns(synthetic_result(), source=SOURCE).layout.meta["frstory"]["alt"]
    # Offsets came from chart text (U+2212) and values from prose (ASCII) in one sentence.
    assert "days -5 to +10" in alt and MINUS not in alt, alt


def test_a_one_day_abnormal_return_alt_text_names_its_day_with_the_prose_minus():
    alt = charts.abnormal_returns(synthetic_result(window=(-1, -1)), source=SOURCE).layout.meta["frstory"]["alt"]
    assert "on day -1 " in alt and MINUS not in alt, alt


def test_small_multiples_alt_text_writes_every_minus_as_prose_does():
    fig = charts.small_multiples([synthetic_result(seed=s) for s in (1, 2)], source=SOURCE)
    alt = fig.layout.meta["frstory"]["alt"]
    assert "trading days -5 to +10" in alt and MINUS not in alt, alt


# ------------------------------------------------------------------ the sign before the symbol

def test_a_step_the_chart_chooses_carries_aliases_for_its_own_negative_ticks():
    # A step of 2.5 million is none plotly takes by itself, so its ticks had no alias: "$−2.5M".
    axis, _ = value_ticks(get_unit("bar", "currency", "EUR"), -3e6, 8e6, step=(2.5e6, 0.0))
    assert axis["labelalias"] == {f"€{MINUS}2.5M": f"{MINUS}€2.5M"}
    assert (axis["dtick"], axis["tick0"]) == (2.5e6, 0.0)


@pytest.mark.browser
@pytest.mark.parametrize("currency, symbol", [("EUR", "€"), ("GBP", "£"), ("USD", "$"), ("JPY", "¥")])
@pytest.mark.parametrize("width", [280, 320])
def test_phone_ticks_from_a_loss_to_a_gain_put_the_minus_before_the_symbol(page, currency, symbol, width):
    # A loss of 1.36 million between gains, each bar's value written beside it: no step from zero
    # leaves two labels room on a phone, so the axis ticks -1.3 million and 0.9 million (a step of
    # 2.2 million from -1.3 million), which no step plotly takes by itself has an alias for.
    fig = charts.bar(pd.DataFrame({"desk": ["Business and economics", "Metropolitan news", "Sport and leisure"],
                                   "value": [770_000.0, -1_360_000.0, 540_000.0]}),
                     x="desk", y="value", unit="currency", currency=currency, text=True, source=SOURCE)
    labels = _value_labels(page.draw(fig, width)["x"])
    assert f"{MINUS}{symbol}1.3M" in labels and f"{symbol}0.9M" in labels, labels
    assert not [label for label in labels if SIGN_AFTER_SYMBOL.search(label)], labels


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_yen_bars_with_values_tick_whole_amounts_only(page, width):
    # Under three yen either way. Guards value_dtick(whole=True): a step of 2.5 wrote -2.5 yen as "¥−3".
    fig = charts.bar(pd.DataFrame({"desk": ["Business and economics", "Metropolitan news", "Sport and leisure"],
                                   "value": [-2.6, 1.0, 0.4]}),
                     x="desk", y="value", unit="currency", currency="JPY", text=True, source=SOURCE)
    drawn = page.draw(fig, width)
    labels = _value_labels(drawn["x"] + drawn["y"])
    assert len(labels) >= 2 and not [label for label in labels if SIGN_AFTER_SYMBOL.search(label)], labels
    assert all(re.fullmatch(rf"{MINUS}?¥\d", label) for label in labels), labels


# ------------------------------------------------------------------ ticks that say something

ZEROS = {
    # unit, currency, the labels a series of zeros is ticked with
    "number": ("number", "USD", [f"{MINUS}1", f"{MINUS}0.5", "0", "0.5", "1"]),
    "euros": ("currency", "EUR", [f"{MINUS}€1.00", f"{MINUS}€0.50", "€0.00", "€0.50", "€1.00"]),
    "yen": ("currency", "JPY", [f"{MINUS}¥1", "¥0", "¥1"]),
    "percent": ("percent", "USD", [f"{MINUS}1.0%", f"{MINUS}0.5%", "0.0%", "0.5%", "1.0%"]),
    "points": ("points", "USD", [f"{MINUS}1.0 pp", f"{MINUS}0.5 pp", "0.0 pp", "+0.5 pp", "+1.0 pp"]),
    "count": ("count", "USD", ["0", "1"]),
}


@pytest.mark.browser
@pytest.mark.parametrize("case", ZEROS)
@pytest.mark.parametrize("width", [280, 1000])
def test_a_series_of_zeros_lies_on_a_zero_line_ticked_one_unit_either_side(page, case, width):
    # It was drawn over ±0.06: "−$0.06 ... $0.06", a scale no value of the data explains (counts ticked "0" alone).
    unit, currency, expected = ZEROS[case]
    fig = charts.line(_monthly([0.0] * 6), unit=unit, currency=currency, source=SOURCE)
    assert page.draw(fig, width)["y"] == expected


@pytest.mark.browser
def test_bars_of_zero_are_ticked_from_zero_up_with_the_symbol_first(page):
    fig = charts.bar(pd.DataFrame({"desk": ["A", "B"], "value": [0.0, 0.0]}), x="desk", y="value", unit="currency",
                     source=SOURCE)
    labels = page.draw(fig, 1000)["y"]
    assert labels[0] == "$0.00" and labels[-1] == "$1.00" and not [l for l in labels if SIGN_AFTER_SYMBOL.search(l)]


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_yen_moving_by_less_than_one_yen_tick_two_whole_amounts(page, width):
    # ¥1,234.20 to ¥1,234.80: whole-yen ticks fell between the ends and the axis had no label at all.
    fig = charts.line(_monthly(np.linspace(1234.2, 1234.8, 6)), unit="currency", currency="JPY", source=SOURCE)
    assert page.draw(fig, width)["y"] == ["¥1,234", "¥1,235"]


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_bars_under_one_yen_tick_zero_and_one_yen(page, width):
    fig = charts.bar(pd.DataFrame({"desk": ["A", "B"], "value": [0.2, 0.7]}), x="desk", y="value", unit="currency",
                     currency="JPY", source=SOURCE)
    assert page.draw(fig, width)["y"] == ["¥0", "¥1"]


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_six_short_named_bars_with_their_values_tick_two_amounts_or_more(page, width):
    # On a phone these bars turn horizontal with their values beside them, and the axis read "€0" alone.
    fig = charts.bar(pd.DataFrame({"region": ["North", "South", "East", "West", "Metro", "Sport"],
                                   "value": [5811.0, 3646.0, 2941.0, 284.0, 5467.0, -7365.0]}),
                     x="region", y="value", unit="currency", currency="EUR", text=True, source=SOURCE)
    drawn = page.draw(fig, width)
    labels = _value_labels(drawn["x"] + drawn["y"])
    assert len(labels) >= 2 and not [label for label in labels if SIGN_AFTER_SYMBOL.search(label)], labels


@pytest.mark.browser
@pytest.mark.parametrize("currency", ["USD", "EUR", "GBP", "JPY"])
@pytest.mark.parametrize("scale", [0.01, 1.0, 1e3, 1e6, 1e9, 1e12])
@pytest.mark.parametrize("width", WIDTHS)
def test_amounts_below_zero_tick_and_hover_sign_first_at_any_size_and_width(page, currency, scale, width):
    fig = charts.line(_monthly(np.linspace(-2.7, 4.1, 8) * scale), unit="currency", currency=currency, source=SOURCE)
    labels = _value_labels(page.draw(fig, width)["y"])
    shown = labels + page.hover(0, 0)
    assert len(labels) >= 2 and not [t for t in shown if SIGN_AFTER_SYMBOL.search(t) or re.search(r"(^|\W)-\d", t)], shown
