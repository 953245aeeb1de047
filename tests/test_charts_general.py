"""Charts for any data: column keywords, units, house colours, narrow layouts and exports.

Data here is made up (monthly story counts by desk, SYN* tickers), never real.
"""

from __future__ import annotations

import importlib.resources
import json
import re

import pandas as pd
import pytest
from test_charts_fixtures import SOURCE, synthetic_events, synthetic_prices, synthetic_names  # noqa: F401 (autouse: the made-up tickers' names)

import frstory as fr
from frstory import charts
from frstory.charts._text import text_width_px
from frstory.charts.theme import FONT_SIZES, HOUSE_COLORS


def stories() -> pd.DataFrame:
    months = pd.date_range("2020-01-01", periods=6, freq="MS")
    return pd.DataFrame({
        "month": list(months) * 2,
        "desk": ["Metro"] * 6 + ["Business"] * 6,
        "stories": [3, 5, 4, 12, 30, 18, 8, 9, 7, 6, 5, 4],
        "share": [0.30, 0.32, 0.35, 0.31, 0.40, 0.42] * 2,
    })


# --- column keywords and errors --------------------------------------------------------------


def test_a_missing_column_error_names_the_keyword_and_the_likely_column():
    with pytest.raises(fr.ChartInputError, match=r"no column 'date' for x= .*Fix: pass x='month'"):
        charts.line(stories(), y="stories", source=SOURCE)


def test_price_chart_takes_any_tidy_frame_through_column_keywords():
    fig = charts.price_with_events(stories(), x="month", y="stories", color="desk", unit="count", source=SOURCE)
    assert [t.name for t in fig.data] == ["Metro", "Business"]
    assert fig.layout.yaxis.tickprefix == "" and "US$" not in (fig.layout.yaxis.title.text or "")
    assert list(charts.chart_data(fig).columns)[:3] == ["month", "desk", "stories"]


def test_price_behaviour_is_only_the_price_charts_default():
    fig = charts.price_with_events(synthetic_prices(), tickers="SYNA", source=SOURCE)
    assert fig.layout.yaxis.tickprefix == "$" and fig.layout.yaxis.title.text.endswith("(US$)")
    line = charts.line(stories(), x="month", y="stories", color="desk", source=SOURCE)
    assert line.layout.yaxis.tickprefix == ""


def test_cumulative_count_names_no_story_vocabulary_by_default():
    with pytest.raises(TypeError, match="'by' and 'noun'"):
        charts.cumulative_count(synthetic_events(), source=SOURCE)


def test_an_unknown_unit_names_the_keyword_and_the_units():
    with pytest.raises(fr.ChartInputError, match=r"unit='dollars' .* 'currency', 'percent'"):
        charts.line(stories(), x="month", y="stories", unit="dollars", source=SOURCE)


def test_py_typed_ships_with_the_package():
    assert importlib.resources.files("frstory").joinpath("py.typed").is_file()


def test_chart_docstrings_share_the_generated_furniture_documentation():
    for func in (charts.line, charts.bar, charts.price_with_events, charts.cumulative_count):
        assert "Design size in px. Layouts for narrower screens" in func.__doc__, func.__name__


# --- units: axes, hover, alt text ------------------------------------------------------------


@pytest.mark.parametrize(("unit", "tick", "hover"), [
    # Points hover the axis's own label (hoverformat, " pp", zero unsigned): see Unit.hover.
    ("percent", ".0%", "%{y:.1%}"), ("count", ",d", "%{y:,d}"), ("points", "+.1f", "%{y}<"),
])
def test_the_unit_formats_axis_and_hover_alike(unit, tick, hover):
    fig = charts.line(stories()[lambda d: d["desk"] == "Metro"], x="month", y="share", unit=unit, source=SOURCE)
    assert fig.layout.yaxis.tickformat == tick
    assert fig.data[0].hovertemplate.startswith(hover)


def test_points_are_drawn_in_percentage_points():
    fig = charts.line(stories()[lambda d: d["desk"] == "Metro"], x="month", y="share", unit="points", source=SOURCE)
    assert max(fig.data[0].y) == pytest.approx(42.0) and fig.layout.yaxis.ticksuffix == " pp"


def test_alt_text_says_the_finding_first_in_words_and_units():
    fig = charts.line(stories()[lambda d: d["desk"] == "Metro"], x="month", y="stories", unit="count", source=SOURCE)
    alt = fig.layout.meta["frstory"]["alt"]
    assert alt.startswith("Stories rose from 3 in January 2020 to 18 in June 2020, peaking at 30 in May 2020.")
    assert "$" not in alt and "storiess" not in alt


def test_percent_alt_text_writes_per_cent():
    fig = charts.line(stories()[lambda d: d["desk"] == "Metro"], x="month", y="share", unit="percent", source=SOURCE)
    assert "from 30.0% in January 2020 to 42.0% in June 2020" in fig.layout.meta["frstory"]["alt"]


def test_price_alt_text_opens_with_how_the_price_moved():
    alt = charts.price_with_events(synthetic_prices(), tickers="SYNA", start="2020-05-01",
                                   source=SOURCE).layout.meta["frstory"]["alt"]
    assert re.match(r"SYNA (rose|fell) \d+\.\d%, from \$\d+\.\d\d on 1 May to \$\d+\.\d\d on 31 July 2020\.", alt)


def test_display_names_replace_tickers_in_labels():
    prices = synthetic_prices()
    prices.loc[prices["ticker"] == "^SYNX", "ticker"] = "^GSPC"
    fig = charts.rebased_comparison(prices, "2020-06-05", highlight="SYNA", source=SOURCE)
    assert "S&amp;P 500" in [t.name for t in fig.data]
    assert "S&P 500" in fig.layout.meta["frstory"]["alt"] and "^GSPC" not in fig.layout.meta["frstory"]["alt"]


def _index_levels() -> pd.DataFrame:
    """Made-up monthly levels filed under two real indices' tickers."""
    return pd.DataFrame({"date": list(pd.date_range("2020-01-01", periods=3, freq="MS")) * 2,
                         "ticker": ["^GSPC"] * 3 + ["^IXIC"] * 3, "value": [1.0, 2.0, 3.0, 3.0, 2.0, 1.0]})


def test_line_alt_text_gives_an_index_its_article():
    alt = charts.line(_index_levels(), color="ticker", source=SOURCE).layout.meta["frstory"]["alt"]
    assert alt.startswith("The S&P 500 rose ") and " The Nasdaq Composite fell " in alt


def test_bar_alt_text_names_groups_as_the_legend_does_not_by_their_keys():
    alt = charts.bar(_index_levels(), x="date", y="value", color="ticker", source=SOURCE).layout.meta["frstory"]["alt"]
    assert "(Nasdaq Composite)" in alt and "(S&P 500)" in alt and "^" not in alt


# --- colours ---------------------------------------------------------------------------------


def test_an_entity_keeps_its_colour_whatever_its_position():
    prices = synthetic_prices()
    a = charts.price_with_events(prices, tickers=["SYNA", "SYNB"], source=SOURCE)
    b = charts.price_with_events(prices, tickers=["SYNB", "SYNA"], source=SOURCE)
    colour = {t.name: t.line.color for t in a.data}
    assert {t.name: t.line.color for t in b.data} == colour


def test_a_category_has_its_house_colour_in_every_chart():
    events = synthetic_events()
    only_policy = charts.timeline(events, categories=["policy"], source=SOURCE)
    everything = charts.timeline(events, source=SOURCE)
    policy = HOUSE_COLORS["policy"]
    assert only_policy.data[0].marker.line.color == policy
    assert any(t.name.startswith("Policy") and t.marker.line.color == policy for t in everything.data)


def test_colors_keyword_overrides_the_house_mapping():
    fig = charts.line(stories(), x="month", y="stories", color="desk", colors={"Metro": "#111111"}, source=SOURCE)
    assert fig.data[0].line.color == "#111111"


# --- narrow layouts --------------------------------------------------------------------------


def test_every_chart_carries_layouts_for_the_breakpoints_below_its_width():
    fig = charts.line(stories(), x="month", y="stories", color="desk", source=SOURCE, width=600)
    assert [v["width"] for v in fig.layout.meta["frstory"]["layouts"]] == [280, 350, 480]


def test_layout_for_width_uses_the_widest_breakpoint_that_fits():
    fig = charts.price_with_events(synthetic_prices(), synthetic_events(), tickers="SYNA", start="2020-05-01",
                                   source=SOURCE)
    shown = charts.layout_for_width(fig, 300)
    assert shown.layout.width == 300 and shown.layout.margin.l == 56
    assert charts.layout_for_width(fig, 1000).layout.margin == fig.layout.margin


def test_a_narrower_layout_is_stored_as_a_patch_that_rebuilds_it_exactly():
    import json

    from frstory.charts.responsive import BREAKPOINTS, figure_for_width
    from frstory.charts.timeline import timeline

    fig = timeline(synthetic_events(), source=SOURCE)
    base = json.loads(fig.to_json())
    for variant in base["layout"]["meta"]["frstory"]["layouts"]:
        rebuilt = figure_for_width(base, variant["width"])
        direct = json.loads(timeline(synthetic_events(), source=SOURCE, width=variant["width"]).to_json())
        for key in ("meta", "template", "width"):
            rebuilt["layout"].pop(key, None)
            direct["layout"].pop(key, None)
        assert rebuilt == direct, variant["width"]
    assert [v["width"] for v in base["layout"]["meta"]["frstory"]["layouts"]] == [b for b in BREAKPOINTS if b < 900]


def test_a_narrower_layout_carries_only_what_changes_of_its_labels():
    import json

    fig = json.loads(charts.price_with_events(synthetic_prices(), synthetic_events(), tickers="SYNA",
                                              start="2020-05-01", source=SOURCE).to_json())
    full = len(json.dumps(fig["layout"]["annotations"]))
    for variant in fig["layout"]["meta"]["frstory"]["layouts"]:
        assert len(json.dumps(variant["patch"].get("annotations", []))) < full / 2, variant["width"]


def test_on_a_phone_event_labels_become_numbers_with_a_key_that_fits():
    fig = charts.layout_for_width(charts.price_with_events(synthetic_prices(), synthetic_events(), tickers="SYNA",
                                                           start="2020-05-01", source=SOURCE), 300)
    labels = [a for a in fig.layout.annotations if (a.name or "").startswith("frstory-event-label-")]
    # Numbers of events close together share a label ("2–5"); together they count every event once, in order.
    runs = [re.fullmatch(r"(\d+)(?:[,\u2013](\d+))?", a.text).groups() for a in labels]
    numbers = [n for first, last in runs for n in range(int(first), int(last or first) + 1)]
    assert numbers == list(range(1, len(numbers) + 1))
    key = next(a for a in fig.layout.annotations if a.name == "frstory-key")
    lines = key.text.split("<br>")
    assert len(lines) >= len(numbers)
    plain = [re.sub(r"<[^>]+>", "", line) for line in lines]
    assert all(text_width_px(p, FONT_SIZES["label"]) <= 280 - 16 for p in plain)


def test_wide_screens_keep_words_beside_the_events():
    fig = charts.price_with_events(synthetic_prices(), synthetic_events(), tickers="SYNA", start="2020-05-01",
                                   source=SOURCE)
    labels = [a.text for a in fig.layout.annotations if (a.name or "").startswith("frstory-event-label-")]
    assert "SYNA pauses a product line" in labels


def test_long_category_names_turn_bars_horizontal_on_a_phone():
    desks = pd.DataFrame({"desk": ["Metro and regional news", "Business and markets", "Politics and government"],
                          "stories": [30, 12, 18]})
    fig = charts.bar(desks, x="desk", y="stories", unit="count", source=SOURCE)
    assert fig.data[0].orientation == "v"
    narrow = charts.layout_for_width(fig, 300)
    assert narrow.data[0].orientation == "h"


# --- exports -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    fig = charts.line(stories(), x="month", y="stories", color="desk", unit="count",
                      title="Metro stories peaked in May", subtitle="Stories per month", source=SOURCE,
                      notes="Made-up numbers.")
    return fig, out


def test_html_export_is_standalone_with_title_and_alt_text(exported):
    fig, out = exported
    text = charts.export(fig, out / "chart.html", width=360).read_text()
    alt = fig.layout.meta["frstory"]["alt"]
    assert "<title>Metro stories peaked in May</title>" in text
    assert f'aria-label="{alt}"' in text and f"<p>{alt}</p>" in text
    assert '"width":360' in text.replace(" ", "")


@pytest.mark.browser
def test_svg_export_carries_title_and_desc(exported):
    fig, out = exported
    svg = charts.export(fig, out / "chart.svg", width=360).read_text()
    assert '<title id="frstory-title">Metro stories peaked in May</title>' in svg
    assert f'<desc id="frstory-desc">{fig.layout.meta["frstory"]["alt"]}</desc>' in svg
    assert 'width="360"' in svg


@pytest.mark.browser
def test_png_export_is_the_requested_width_with_its_description(exported):
    fig, out = exported
    data = charts.export(fig, out / "chart.png", width=400, scale=1).read_bytes()
    width = int.from_bytes(data[16:20], "big")
    assert width == 400
    assert b"iTXtDescription" in data and fig.layout.meta["frstory"]["alt"].encode() in data


def test_export_draws_title_and_source_at_the_requested_width(exported):
    fig, _ = exported
    drawn = charts.with_furniture(fig, width=360)
    footer = next(a.text for a in drawn.layout.annotations if a.name == "frstory-footer")
    assert drawn.layout.width == 360 and footer.startswith("Source:")
    assert drawn.layout.height > fig.layout.height
    json.dumps(drawn.to_plotly_json(), default=str)


def test_export_names_the_formats_it_knows(exported):
    fig, out = exported
    with pytest.raises(fr.ChartInputError, match=r"\.png, \.svg"):
        charts.export(fig, out / "chart.gif")
