"""Specification: the sentences of event-study summaries, fact-checks and specification curves are true
for the data they were computed from, including its edge cases (unrounded closes, splits without
adjusted closes, zero prices, models that estimate nothing, windows the data does not fill).

All prices here are synthetic: ``fr.synthetic_prices`` or small frames written by hand.
"""

from __future__ import annotations

import pandas as pd
import pytest

import frstory as fr
from frstory import charts

NAMES = {"SYNA": "Synthetic A", "^SYNX": "the synthetic index", "^SYNY": "the second synthetic index"}


def closes(*values, dates=None, adj=None):
    """A hand-written synthetic price frame of SYNA's closes on consecutive NYSE sessions from 8 June 2020."""
    dates = dates or ["2020-06-08", "2020-06-09", "2020-06-10", "2020-06-11"][: len(values)]
    frame = pd.DataFrame({"date": pd.to_datetime(dates), "ticker": "SYNA", "close": list(values)})
    if adj is not None:
        frame["adj_close"] = list(adj)
    return frame


def claim(value, unit, day, measure):
    """A one-row claims frame in the contract's columns (synthetic)."""
    return pd.DataFrame({"id": ["syn-claim"], "value": [value], "unit": [unit], "check_ticker": ["SYNA"],
                         "check_date": [day], "check_measure": [measure]})


def check(prices, *args):
    return fr.check_claims(claim(*args), prices).iloc[0]


# ------------------------------------------------------------------------ fact-check: rounding to the cent


def test_a_change_the_press_computed_from_cent_rounded_closes_is_confirmed():
    # Unrounded closes of a cheap share: 5.004 -> 5.106 is +2.04%, but the cent-rounded 5.00 -> 5.11
    # the press read is +2.20%. Rounding to the cent can move this change by about 0.2 points.
    out = check(closes(5.004, 5.106), 2.2, "percent", "2020-06-09", "pct_change")
    assert out["verdict"] == "confirmed"
    assert "for closes rounded to the cent" in out["explanation"]


def test_a_change_beyond_cent_rounding_of_unrounded_closes_is_contradicted():
    # 5.004 -> 5.106: cent-rounded closes give at most (5.115 / 4.995 - 1) = +2.40%.
    out = check(closes(5.004, 5.106), 2.5, "percent", "2020-06-09", "pct_change")
    assert out["verdict"] == "contradicted"


def test_closes_on_the_cent_grid_get_no_rounding_allowance():
    # 100.00 -> 102.00 is exactly +2%: the press read these very closes.
    out = check(closes(100.0, 102.0), 2.01, "percent", "2020-06-09", "pct_change")
    assert out["verdict"] == "contradicted"
    assert out["tolerance"] == pytest.approx(0.005)


def test_a_close_a_cent_off_a_close_on_the_cent_grid_is_contradicted():
    out = check(closes(2600.86, 2647.45), 2647.46, "usd", "2020-06-09", "close")
    assert out["verdict"] == "contradicted"
    assert out["tolerance"] == pytest.approx(0.005)


def test_the_allowance_is_the_worst_case_of_half_a_cent_on_each_close():
    from frstory.analysis.factcheck import cent_rounding_allowance

    previous, close = 5.004, 5.106
    figure = (close / previous - 1) * 100
    worst = max(abs(((close + a) / (previous + b) - 1) * 100 - figure)
                for a in (-0.005, 0.005) for b in (-0.005, 0.005))
    assert cent_rounding_allowance(previous, close, figure) == pytest.approx(worst, rel=1e-12)


# ------------------------------------------------------------------------ fact-check: splits without adj_close


def test_a_split_like_jump_without_adjusted_closes_is_not_judged_contradicted():
    # A 2-for-1 split on 9 June: as traded 200.00 -> 100.50; holders gained 0.5%, as the press reports.
    out = check(closes(200.0, 100.5), 0.5, "percent", "2020-06-09", "pct_change")
    assert out["verdict"] == "not checkable"
    assert "the size of a stock split" in out["explanation"]
    assert "load prices with adjusted closes" in out["explanation"]


def test_a_report_matching_the_as_traded_jump_says_it_may_be_a_split():
    out = check(closes(200.0, 100.5), -49.75, "percent", "2020-06-09", "pct_change")
    assert out["verdict"] == "confirmed"
    assert "cannot show whether one took effect that day" in out["explanation"]


def test_a_crash_that_adjusted_closes_show_is_no_split_is_judged_as_usual():
    # Adjusted closes fall with the as-traded ones: a real 45% fall, not a split.
    out = check(closes(200.0, 110.0, adj=[190.0, 104.5]), 0.5, "percent", "2020-06-09", "pct_change")
    assert out["verdict"] == "contradicted"
    assert "split" not in out["explanation"]


# ------------------------------------------------------------------------ fact-check: bad prices and wording


def test_a_zero_close_is_not_a_price_to_confirm_a_claim_by():
    out = check(closes(100.0, 0.0), 0.0, "usd", "2020-06-09", "close")
    assert out["verdict"] == "not checkable"
    assert "is 0, not a price" in out["explanation"]


def test_a_zero_previous_close_is_named_not_called_missing():
    out = check(closes(0.0, 100.0), 1.0, "percent", "2020-06-09", "pct_change")
    assert out["verdict"] == "not checkable"
    assert "previous session 2020-06-08 in the price frame is 0, not a price" in out["explanation"]


def test_a_float_noise_difference_is_written_without_an_exponent():
    # 100.00 -> 101.10 is +1.0999999999999899% in floats.
    out = check(closes(100.0, 101.1), 1.1, "percent", "2020-06-09", "pct_change")
    assert "e-" not in out["explanation"]
    assert "differs by 0, within" in out["explanation"]


def test_a_large_reported_figure_is_written_in_plain_digits():
    out = check(closes(1234000.0, 1234567.89), 1234567.89, "usd", "2020-06-09", "close")
    assert "the reported 1234567.89 differs" in out["explanation"]


# ------------------------------------------------------------------------ event-study summary


@pytest.fixture(scope="module")
def prices():
    return fr.synthetic_prices(["SYNA"], benchmark="^SYNX")


def summary(prices, model, **options):
    return fr.event_study(prices, "SYNA", "2020-06-10", benchmark="^SYNX", model=model, **options).summary(names=NAMES)


def test_the_market_adjusted_summary_adds_no_model_uncertainty(prices):
    text = summary(prices, "market_adjusted")
    assert "uncertainty" not in text
    assert "(one standard deviation of its abnormal returns over the estimation sessions)" in text


def test_the_market_model_summary_includes_the_uncertainty_of_its_estimates(prices):
    assert "including the uncertainty of its estimated relationship with the market" in summary(prices, "market")


def test_the_constant_mean_summary_shows_a_small_average_instead_of_zero(prices):
    # The synthetic average daily return is -0.03%: one decimal would print "(0.0%".
    text = summary(prices, "constant_mean")
    assert "(0.0%" not in text
    assert "its average daily return (-0.03%," in text
    assert "expected to fall 0.03%" in text
    assert "including the uncertainty of its estimated average" in text


def test_a_window_with_one_abnormal_return_says_has():
    # Synthetic: SYNA's close of 10 June is removed, so days 0 and +1 have no return.
    data = fr.synthetic_prices(["SYNA"], benchmark="^SYNX")
    data = data[~((data["ticker"] == "SYNA") & (data["date"] == "2020-06-10"))]
    text = fr.event_study(data, "SYNA", "2020-06-10", benchmark="^SYNX", event_window=(-1, 1)).summary(names=NAMES)
    assert "only 1 of these 3 sessions has an abnormal return" in text


# ------------------------------------------------------------------------ specification curve


@pytest.fixture(scope="module")
def short_history():
    # Synthetic: prices from November 2019 only, so a 240-session window before June 2020 is not full,
    # and a second index from mid-January 2020 holds fewer sessions still.
    first = fr.synthetic_prices(["SYNA"], "2019-11-01", "2020-12-31", benchmark="^SYNX", seed=3)
    second = first[(first["ticker"] == "^SYNX") & (first["date"] >= "2020-01-15")].assign(ticker="^SYNY")
    return pd.concat([first, second], ignore_index=True)


def test_the_estimation_label_states_the_sessions_used(short_history):
    specs = fr.specifications(short_history, "SYNA", "2020-06-10", benchmarks=["^SYNX"], models=["market"],
                              estimation_windows=[(-250, -11)], names=NAMES)
    n = int(specs["n_estimation"].iloc[0])
    assert n < 240
    assert set(specs["estimation"]) == {f"{n} of 240 sessions"}


def test_the_estimation_label_gives_the_range_when_specifications_differ(short_history):
    specs = fr.specifications(short_history, "SYNA", "2020-06-10", benchmarks=["^SYNX", "^SYNY"],
                              models=["market"], estimation_windows=[(-250, -11)], names=NAMES)
    lo, hi = int(specs["n_estimation"].min()), int(specs["n_estimation"].max())
    assert lo < hi
    assert set(specs["estimation"]) == {f"{lo}\N{EN DASH}{hi} of 240 sessions"}


def test_a_full_window_is_labelled_by_its_length(short_history):
    specs = fr.specifications(short_history, "SYNA", "2020-06-10", benchmarks=["^SYNX"], models=["market"],
                              estimation_windows=[(-60, -11)], names=NAMES)
    assert set(specs["estimation"]) == {"50 sessions"}


def test_the_chart_hover_names_the_interval_at_the_frames_level(short_history):
    specs = fr.specifications(short_history, "SYNA", "2020-06-10", benchmarks=["^SYNX"], models=["market"],
                              estimation_windows=[(-60, -11)], level=0.10, names=NAMES)
    fig = charts.specification_curve(specs, source="Synthetic example data", names=NAMES)
    assert "(90% interval" in fig.data[0].hovertemplate


def test_the_chart_alt_claims_no_significance_without_a_significance_column():
    # Synthetic estimates with intervals but no test.
    specs = pd.DataFrame({"estimate": [0.01, -0.02], "low": [-0.01, -0.05], "high": [0.03, 0.01],
                          "model": ["Market model", "Constant mean"]})
    alt = charts.specification_curve(specs, measure=None, choices=["model"],
                                     source="Synthetic example data").layout.meta["frstory"]["alt"]
    assert "significant at" not in alt and "None of" not in alt
    assert alt.startswith("The estimates of the 2 specifications, sorted from")
