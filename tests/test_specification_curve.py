"""Specification of fr.specifications and charts.specification_curve (Simonsohn, Simmons & Nelson 2020).

Synthetic prices only (fr.synthetic_prices); the chart is also drawn in a real Chromium.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import frstory as fr
from frstory import charts
from frstory.charts import chart_data

BENCH, OTHER = "^SYNX", "^SYNY"
# Reader names of the synthetic indices: fr.specifications refuses to label a benchmark with its raw ticker.
NAMES = {BENCH: "the Synthetic Market Index", OTHER: "the Second Synthetic Index"}
SOURCE = "Synthetic example data (frstory.examples)"
CRASH = ("2020-03-01", "2020-03-31")


@pytest.fixture(scope="module")
def prices():
    first = fr.synthetic_prices(["SYNA"], "2019-01-02", "2020-12-31", benchmark=BENCH, seed=3,
                                abnormal={("SYNA", "2020-06-11"): -0.05})
    # A second index that tracks the first closely (as the Nasdaq tracks the S&P 500).
    second = first[first["ticker"] == BENCH].copy()
    drift = np.exp(np.cumsum(np.random.default_rng(4).normal(0, 0.002, len(second))))
    for column in ("open", "high", "low", "close", "adj_close"):
        second[column] = second[column] * drift
    second["ticker"] = OTHER
    return pd.concat([first, second], ignore_index=True)


@pytest.fixture(scope="module")
def specs(prices):
    return fr.specifications(prices, "SYNA", "2020-06-10", market_session="post", benchmarks=[BENCH, OTHER],
                             estimation_windows=[(-250, -11), (-120, -11)], exclude_periods=[CRASH],
                             models=["market", "market_adjusted", "constant_mean"], car_window=(-1, 1), names=NAMES)


# ------------------------------------------------------------------------------- the analysis


def test_every_combination_of_choices_is_one_specification(specs):
    # 2 windows x (none, crash) x (2 models x 2 benchmarks + constant mean once) = 4 x 5
    assert specs["spec"].nunique() == 20
    assert (specs.groupby("spec")["measure"].agg(list) == pd.Series([["ar_0", "car"]] * 20, index=range(1, 21))).all()


def test_the_constant_mean_model_is_run_once_as_it_uses_no_benchmark(specs):
    constant = specs[(specs["model"] == "Constant mean") & (specs["measure"] == "ar_0")]
    assert len(constant) == 4 and set(constant["benchmark"]) == {"none"}


def test_each_specification_equals_its_own_event_study(prices, specs):
    row = specs[(specs["model"] == "Market model") & (specs["excluded"] != "none") & (specs["estimation"] == "110 sessions")
                & (specs["benchmark"] == "Second Synthetic Index") & (specs["measure"] == "car")].iloc[0]
    res = fr.event_study(prices, "SYNA", "2020-06-10", market_session="post", benchmark=OTHER,
                         estimation_window=(-120, -11), event_window=(-1, 1), exclude=[CRASH])
    whole = res.car(-1, 1)
    assert row["estimate"] == pytest.approx(whole.car, abs=1e-15)
    assert row["p"] == pytest.approx(whole.p, abs=1e-15) and row["limit"] == pytest.approx(whole.limit, abs=1e-15)
    half = stats.t.ppf(0.975, res.dof) * whole.sd
    assert (row["low"], row["high"]) == (pytest.approx(whole.car - half), pytest.approx(whole.car + half))


def test_the_injected_day0_abnormal_return_is_found_by_the_models_that_estimate_the_market(specs):
    day0 = specs[(specs["measure"] == "ar_0") & (specs["model"] == "Market model")]
    assert day0["estimate"].between(-0.06, -0.04).all() and day0["significant"].all()


def test_no_excluded_period_by_default(prices):
    specs = fr.specifications(prices, "SYNA", "2020-06-10", benchmarks=[BENCH], models=["market"], names=NAMES)
    assert set(specs["excluded"]) == {"none"}


def test_a_car_window_without_day0_is_refused(prices):
    with pytest.raises(fr.AnalysisError, match=r"car_window=\(1, 3\) must contain day 0"):
        fr.specifications(prices, "SYNA", "2020-06-10", benchmarks=[BENCH], car_window=(1, 3), names=NAMES)


def test_a_single_choice_given_bare_is_that_one_choice(prices):
    # Not the characters of "^SYNX" and "market", nor the numbers -120 and -11 as windows.
    bare = fr.specifications(prices, "SYNA", "2020-06-10", benchmarks=BENCH, models="market",
                             estimation_windows=(-120, -11), exclude_periods=CRASH, names=NAMES)
    listed = fr.specifications(prices, "SYNA", "2020-06-10", benchmarks=[BENCH], models=["market"],
                               estimation_windows=[(-120, -11)], exclude_periods=[CRASH], names=NAMES)
    pd.testing.assert_frame_equal(bare, listed)
    assert bare["spec"].nunique() == 2  # with and without the excluded period


def test_a_car_window_that_is_not_whole_sessions_is_refused(prices):
    with pytest.raises(fr.AnalysisError, match=r"car_window=\(0.5, 1\) is not a pair of session offsets"):
        fr.specifications(prices, "SYNA", "2020-06-10", benchmarks=[BENCH], car_window=(0.5, 1), names=NAMES)


def test_a_failing_specification_is_named(prices):
    with pytest.raises(fr.AnalysisError, match=r"specification 1 \(estimation \(-250, -11\), model market, benchmark \^NONE"):
        fr.specifications(prices, "SYNA", "2020-06-10", benchmarks=["^NONE"], models=["market"],
                          names={"^NONE": "an index missing from the prices"})


def test_each_benchmark_is_labelled_with_its_reader_name(specs):
    assert set(specs["benchmark"]) == {"Synthetic Market Index", "Second Synthetic Index", "none"}


def test_a_benchmark_without_a_reader_name_is_refused_not_shown_as_its_ticker(prices):
    with pytest.raises(fr.prose.UnknownDisplayName, match=r"fr.specifications: benchmark '\^SYNY'.*names="):
        fr.specifications(prices, "SYNA", "2020-06-10", benchmarks=[BENCH, OTHER], models=["market"],
                          names={BENCH: NAMES[BENCH]})


def test_a_benchmark_only_the_constant_mean_model_sees_needs_no_name(prices):
    # The constant-mean model uses no benchmark, so its rows say "none" whatever the index is called.
    specs = fr.specifications(prices, "SYNA", "2020-06-10", benchmarks=[OTHER], models=["constant_mean"])
    assert set(specs["benchmark"]) == {"none"}


def test_the_curves_dot_matrix_names_benchmarks_never_their_tickers(figure):
    labels = list(figure.layout.yaxis2.ticktext)
    assert "Benchmark: Second Synthetic Index" in labels and not any("^SYN" in label for label in labels)


# ------------------------------------------------------------------------------- the chart


@pytest.fixture(scope="module")
def figure(specs):
    return charts.specification_curve(specs, measure="ar_0", title="A synthetic title", subtitle="A synthetic subtitle",
                                      source=SOURCE, notes="Made-up numbers.")


def test_estimates_are_sorted_from_lowest_to_highest(figure, specs):
    shown = np.asarray(figure.data[0].y, dtype=float)
    assert list(shown) == sorted(shown)
    np.testing.assert_allclose(sorted(shown), np.sort(100 * specs.loc[specs["measure"] == "ar_0", "estimate"]))


def test_intervals_are_drawn_as_error_bars(figure, specs):
    data = chart_data(figure)
    np.testing.assert_allclose(np.asarray(figure.data[0].error_y.array) + figure.data[0].y, 100 * data["high"])
    np.testing.assert_allclose(figure.data[0].y - np.asarray(figure.data[0].error_y.arrayminus), 100 * data["low"])


def test_the_dot_matrix_marks_each_specifications_choice(figure):
    data = chart_data(figure)
    labels = list(figure.layout.yaxis2.ticktext)
    by_value = dict(zip(figure.layout.yaxis2.tickvals, labels))
    model_dots = next(t for t in figure.data if t.name == "Model")
    assert [by_value[y] for y in model_dots.y] == [f"Model: {m}" for m in data["model"]]
    assert "Left out of estimation: none" in labels and "Benchmark: none" in labels


def test_significant_estimates_are_filled_and_others_hollow(figure):
    data = chart_data(figure)
    colours = list(figure.data[0].marker.color)
    assert [c != "white" for c in colours] == data["significant"].tolist()


def test_furniture_and_data_are_stored_in_meta(figure):
    meta = figure.layout.meta["frstory"]
    assert meta["kind"] == "specification_curve"
    assert (meta["title"], meta["source"], meta["notes"]) == ("A synthetic title", SOURCE, "Made-up numbers.")
    json.dumps(figure.layout.meta, allow_nan=False)
    assert "sorted from" in meta["alt"]


def test_the_car_measure_draws_the_car_rows(specs):
    fig = charts.specification_curve(specs, measure="car", source=SOURCE)
    np.testing.assert_allclose(sorted(fig.data[0].y), np.sort(100 * specs.loc[specs["measure"] == "car", "estimate"]))
    assert fig.layout.yaxis.title.text == "Cumulative abnormal return"


def test_the_alt_text_names_the_measure_mid_sentence_keeping_an_abbreviations_capitals(specs):
    plain = charts.specification_curve(specs, measure="car", source=SOURCE).layout.meta["frstory"]["alt"]
    abbreviated = charts.specification_curve(specs, measure="car", y_title="CAR (−5, +5)", source=SOURCE)
    assert "are of the cumulative abnormal return." in plain
    assert "are of the CAR (−5, +5)." in abbreviated.layout.meta["frstory"]["alt"]


def test_the_alt_text_of_a_single_specification_speaks_of_it_alone(specs):
    one = specs[specs["spec"] == 1]
    alt = charts.specification_curve(one, measure="car", source=SOURCE).layout.meta["frstory"]["alt"]
    assert alt.startswith("The one specification ")
    assert "its estimate, " in alt and "sorted from" not in alt and " of 1 " not in alt


def test_an_unknown_measure_is_a_clear_error(specs):
    with pytest.raises(fr.ChartInputError, match="no row of specs has measure 'car_5'.*'ar_0', 'car'"):
        charts.specification_curve(specs, measure="car_5", source=SOURCE)


def test_a_source_is_required(specs):
    with pytest.raises(fr.ChartInputError, match="source"):
        charts.specification_curve(specs)


def test_renders_in_chromium_without_errors(figure, open_page, tmp_path):
    path = tmp_path / "spec.html"
    figure.write_html(path, include_plotlyjs=True, full_html=True)
    report = open_page(path, wait_for=".js-plotly-plot .main-svg")
    assert report.problems == []
    assert report.page.evaluate("document.querySelector('.js-plotly-plot').data.length") == len(figure.data)


def test_negative_estimates_hover_with_the_axis_minus_sign(specs):
    # The synthetic -5% day-0 shock makes every estimate negative; hover text is chart text (U+2212).
    fig = charts.specification_curve(specs, measure="ar_0", source=SOURCE)
    trace = fig.data[0]
    value = trace.hovertemplate.split(" (", 1)[0]
    assert value in ("%{y}", "%{customdata[3]}"), trace.hovertemplate
    ends = [end for point in trace.customdata for end in point[:2]]
    assert all("-" not in end for end in ends) and any("\u2212" in end for end in ends)
