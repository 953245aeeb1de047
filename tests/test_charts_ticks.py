"""Tick labels of value and date axes, as a reader sees them, on a 280 px phone and at full width.

Every chart here is built from synthetic, hand-written data (made-up series, ``fr.synthetic_prices``,
hand-built event-study results). The house style writes zero unsigned ("0.0 pp", as
:func:`frstory.prose.points` does) and the minus before a currency symbol ("−€4M", as
:func:`frstory.prose.money` does), with the typographic minus (U+2212) plotly uses. Layout specs
check what the chart asks plotly for; the ``browser`` specs read the tick labels plotly draws.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from test_charts_fixtures import synthetic_result, synthetic_names  # noqa: F401 (autouse: the made-up tickers' names)

import frstory as fr
from frstory import charts, prose
from frstory.charts.responsive import figure_for_width

SOURCE = "Synthetic example data"
PHONE = 280
MINUS = "\N{MINUS SIGN}"


def _monthly(values) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.date_range("2020-01-01", periods=len(values), freq="MS"), "value": values})


def _layouts(fig):
    """The layouts a reader gets: the phone's (280 px) and the full-width one."""
    return [charts.layout_for_width(fig, PHONE).layout, fig.layout]


# ---------------------------------------------------------------------------- signed points

def _points_line():
    return charts.line(_monthly(np.linspace(-0.02, 0.03, 24)), unit="points", source=SOURCE)


def _specification_curve():
    prices = fr.synthetic_prices(["SYNA"], "2019-01-02", "2020-12-31", benchmark="^SYNX", seed=3,
                                 abnormal={("SYNA", "2020-06-11"): -0.05})
    specs = fr.specifications(prices, "SYNA", "2020-06-10", market_session="post", benchmarks=["^SYNX"],
                              models=["market", "constant_mean"], car_window=(-1, 1))
    return charts.specification_curve(specs, measure="car", source=SOURCE)


POINTS_CHARTS = {
    "line": _points_line,
    "abnormal_returns": lambda: charts.abnormal_returns(synthetic_result(), source=SOURCE),
    "small_multiples": lambda: charts.small_multiples([synthetic_result(seed=s, label=f"SYN event {s}") for s in (1, 2)],
                                                      source=SOURCE),
    "specification_curve": _specification_curve,
}


@pytest.mark.parametrize("chart", POINTS_CHARTS)
def test_a_points_axis_writes_its_zero_tick_unsigned_as_prose_does(chart):
    fig = POINTS_CHARTS[chart]()
    for layout in _layouts(fig):
        signed = [layout[name] for name in layout if re.fullmatch(r"[xy]axis\d*", name)
                  and re.fullmatch(r"\+\.\d+f", layout[name].tickformat or "")]
        assert signed, "the chart has a signed points axis"
        for axis in signed:
            places = int(axis.tickformat[2:-1])
            # What d3's "+.1f" writes for zero, with the axis's prefix and suffix: "+0.0 pp".
            drawn = f"{axis.tickprefix or ''}+{0:.{places}f}{axis.ticksuffix or ''}"
            assert axis.labelalias[drawn] == prose.points(0, decimals=places, short=True) == f"{0:.{places}f} pp"


# ------------------------------------------------------------------------ negative currency

@pytest.mark.parametrize(("frame", "currency", "drawn", "amount", "compact"), [
    (_monthly(np.linspace(-5000, 8000, 24)), "USD", "$\N{MINUS SIGN}4,000", -4000, False),
    (_monthly(np.linspace(-5e6, 8e6, 24)), "EUR", "€\N{MINUS SIGN}4M", -4, True),
], ids=["dollars", "millions-of-euros"])
def test_a_negative_amount_on_a_line_axis_is_written_with_the_minus_before_the_symbol(frame, currency, drawn, amount, compact):
    fig = charts.line(frame, unit="currency", currency=currency, source=SOURCE)
    # prose writes "−€4" for the mantissa of "−€4M" (money has no "M"); the tick adds it.
    expected = prose.money(amount, currency=currency, decimals=0, minus=MINUS) + ("M" if compact else "")
    for layout in _layouts(fig):
        assert layout.yaxis.labelalias[drawn] == expected


def test_negative_bars_in_millions_are_ticked_with_the_minus_before_the_symbol():
    desks = pd.DataFrame({"desk": ["A", "B", "C"], "value": [-1.2e6, 3e6, 2e6]})
    fig = charts.bar(desks, x="desk", y="value", unit="currency", source=SOURCE)
    for layout in _layouts(fig):
        # plotly ticks this range every half million: "$−0.5M" and "$−1M" as plotly writes them.
        assert layout.yaxis.labelalias["$\N{MINUS SIGN}0.5M"] == f"{MINUS}$0.5M"
        assert layout.yaxis.labelalias["$\N{MINUS SIGN}1M"] == f"{MINUS}$1M"


def test_an_axis_with_no_negative_amounts_carries_no_aliases():
    fig = charts.line(_monthly(np.linspace(1000, 8000, 24)), unit="currency", source=SOURCE)
    assert all(layout.yaxis.labelalias is None for layout in _layouts(fig))


# ---------------------------------------------------------------------------------- dates

def _line_over(first: str, last: str):
    dates = pd.date_range(first, last, periods=5)
    return charts.line(pd.DataFrame({"date": dates, "value": [1.0, 3.0, 2.0, 4.0, 3.0]}), unit="number", source=SOURCE)


def test_a_phone_axis_of_two_years_from_mid_january_ticks_twelve_months_written_by_month():
    layout = charts.layout_for_width(_line_over("2019-01-15", "2020-12-15"), PHONE).layout
    # plotly's yearly ticks showed "2020" alone; six months apart the labels run into each other;
    # twelve months from February written by year would date "Feb 2019" as "2019".
    assert layout.xaxis.dtick == "M12" and str(layout.xaxis.tick0).startswith("2019-02-01")
    assert layout.xaxis.tickformat == "%b %Y" and not layout.xaxis.tickformatstops


def test_a_phone_axis_of_a_month_from_the_first_ticks_days_not_the_month_alone():
    layout = charts.layout_for_width(_line_over("2019-01-01", "2019-02-01"), PHONE).layout
    # Monthly ticks gave "Jan 2019" and a "Feb 2019" at the right edge, which plotly hides.
    assert layout.xaxis.dtick == 14 * 86_400_000 and str(layout.xaxis.tick0).startswith("2019-01-01")


def test_an_axis_that_plotly_ticks_well_is_left_to_plotly():
    layout = _line_over("2019-01-01", "2021-12-31").layout
    assert layout.xaxis.dtick is None and layout.xaxis.tick0 is None


# ------------------------------------------------------------------- what plotly draws

@pytest.fixture(scope="module")
def drawn_ticks(chart_drawer):
    """The x and y tick labels plotly draws for a figure at a width (a real headless Chromium)."""
    browser = chart_drawer

    def ticks(fig, width: int | None) -> dict[str, list[str]]:
        full = figure_for_width(fig.to_dict(), width) if width else fig.to_dict()
        layout = full["layout"]
        svg = browser.draw(full, "svg", width or layout.get("width", 900), layout.get("height", 450), 1).decode()
        found = {axis: re.findall(rf'<g class="{axis}"><text[^>]*>(.*?)</text>', svg, re.S) for axis in ("xtick", "ytick")}
        return {axis: [re.sub(r"<[^>]+>", "", text) for text in texts] for axis, texts in found.items()}

    return ticks


DRAWN_VALUE_CHARTS = {
    # chart: (builder, how a label it must draw begins, so that the spec is not vacuous)
    "points line": (_points_line, "0.0 pp"),
    "abnormal returns": (lambda: charts.abnormal_returns(synthetic_result(), source=SOURCE), "0.0 pp"),
    "euros in millions": (lambda: charts.line(_monthly(np.linspace(-5e6, 8e6, 24)), unit="currency", currency="EUR",
                                              source=SOURCE), f"{MINUS}€"),
    "dollars": (lambda: charts.line(_monthly(np.linspace(-5000, 8000, 24)), unit="currency", source=SOURCE), f"{MINUS}$"),
    "bars in millions": (lambda: charts.bar(pd.DataFrame({"desk": ["A", "B", "C"], "value": [-1.2e6, 3e6, 2e6]}),
                                            x="desk", y="value", unit="currency", source=SOURCE), f"{MINUS}$"),
    "horizontal bars": (lambda: charts.bar(pd.DataFrame({"desk": ["Business and economics", "Metropolitan news"],
                                                         "value": [-6e4, 2.6e4]}),
                                           x="desk", y="value", unit="currency", currency="EUR", source=SOURCE),
                        f"{MINUS}€"),
}


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("chart", DRAWN_VALUE_CHARTS)
@pytest.mark.parametrize("width", [PHONE, None], ids=["phone", "full"])
def test_drawn_value_ticks_never_sign_zero_and_put_the_minus_before_the_symbol(drawn_ticks, chart, width):
    build, expected = DRAWN_VALUE_CHARTS[chart]
    shown = drawn_ticks(build(), width)
    labels = shown["xtick"] + shown["ytick"]
    assert any(label.startswith(expected) for label in labels), labels
    assert not [label for label in labels if re.search(rf"[$€][{MINUS}-]|^[+{MINUS}]0(\.0+)?( pp)?$", label)], labels


SPANS = {"a week": 7, "two weeks": 14, "a month": 31, "two months": 61, "seven months": 213, "13 months": 396,
         "18 months": 548, "19 months": 578, "23 months": 700, "30 months": 913, "seven years": 2557}
STARTS = ["2019-01-01", "2019-01-15", "2019-07-15", "2019-09-01", "2019-12-20"]


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("start", STARTS)
@pytest.mark.parametrize("span", SPANS)
@pytest.mark.parametrize("width", [PHONE, None], ids=["phone", "full"])
def test_a_date_axis_of_two_days_or_more_shows_at_least_two_different_dates(drawn_ticks, start, span, width):
    last = pd.Timestamp(start) + pd.Timedelta(days=SPANS[span])
    labels = drawn_ticks(_line_over(start, str(last.date())), width)["xtick"]
    assert len(set(labels)) >= 2, labels


@pytest.mark.parametrize("unit, values", [("number", [-33, 26]), ("count", [-33, 26]), ("percent", [-0.33, 0.26])])
def test_a_bar_chart_on_a_phone_labels_two_values_or_more_not_zero_alone(unit, values):
    # Synthetic: a loss and a gain. With room for two labels plotly stepped by 50 and wrote "0" alone.
    frame = pd.DataFrame({"desk": ["Business and economics", "Metropolitan news"], "value": values})
    layout = charts.layout_for_width(charts.bar(frame, x="desk", y="value", unit=unit, source="Synthetic"), 280).layout
    low, high = layout.xaxis.range
    step = layout.xaxis.dtick
    assert step is not None
    ticks = [k * step for k in range(int(np.ceil(low / step - 1e-9)), int(np.floor(high / step + 1e-9)) + 1)]
    assert len(ticks) >= 2


# ------------------------------------------------------------ ranges that are easy to mistick

def _compact_euros(label: str) -> float:
    """The amount a compact euro tick label stands for: "−€5M" is -5,000,000."""
    sign = -1 if label.startswith(MINUS) else 1
    number = label.lstrip(MINUS).removeprefix("€").replace(",", "")
    scale = {"k": 1e3, "M": 1e6, "B": 1e9}.get(number[-1:], 1)
    return sign * float(number.rstrip("kMB")) * scale


@pytest.mark.browser
def test_forty_labelled_bars_on_a_phone_tick_two_values_or_more_where_the_bars_are(drawn_ticks):
    # Synthetic: 40 categories with long names, losses and gains in euros, each bar's value written at its end.
    # The room left of the bars for the written losses stretched the axis, and the phone's axis read
    # "−€10M, €0": one tick beyond every bar and one at zero.
    frame = pd.DataFrame({"category": [f"Category {i:02d} " + "x" * 48 for i in range(40)],
                          "value": np.linspace(-3e6, 5e6, 40)})
    fig = charts.bar(frame, x="category", y="value", unit="currency", currency="EUR", text=True, source=SOURCE)
    labels = drawn_ticks(fig, PHONE)["xtick"]
    among_bars = [label for label in labels if -3e6 <= _compact_euros(label) <= 5e6]
    assert len(among_bars) >= 2, labels


@pytest.mark.browser
@pytest.mark.parametrize("width", [PHONE, None], ids=["phone", "full"])
def test_a_constant_series_is_drawn_from_zero_with_round_ticks(drawn_ticks, width):
    # Synthetic: the same small value every day. Padded by a share of itself the axis ticked
    # 0.0002985 ... 0.0003015, as if the series moved.
    fig = charts.line(_monthly([0.0003] * 24), unit="number", source=SOURCE)
    labels = drawn_ticks(fig, width)["ytick"]
    assert {"0", "0.0003"} <= set(labels), labels
    assert all(len(label.replace("0.", "").lstrip("0")) <= 2 for label in labels), labels  # 0.00015, not 0.0002985


@pytest.mark.browser
@pytest.mark.parametrize("width", [PHONE, None], ids=["phone", "full"])
def test_yen_over_a_few_yen_tick_whole_yen(drawn_ticks, width):
    # Synthetic: a price in yen moving by under three yen. Yen have no minor unit: "¥1,234.50" is no amount.
    fig = charts.line(_monthly(np.linspace(1234.2, 1236.8, 24)), unit="currency", currency="JPY", source=SOURCE)
    labels = drawn_ticks(fig, width)["ytick"]
    assert len(set(labels)) >= 2 and len(set(labels)) == len(labels), labels
    assert all(re.fullmatch(r"¥1,23\d", label) for label in labels), labels
