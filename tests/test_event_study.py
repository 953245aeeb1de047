"""Specification of fr.event_study, fr.event_studies and fr.robustness.

Inputs are synthetic (fr.synthetic_prices: a market model with known alpha and beta and injected
abnormal returns); one test uses the real snapshot through the market_dir fixture.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

import frstory as fr
from frstory import prose

BENCH = "^SYNX"
INJECTED = -0.08  # SYNA's abnormal return on Thursday 11 June 2020 (synthetic)


@pytest.fixture(scope="module")
def synthetic():
    return fr.synthetic_prices(
        ["SYNA", "SYNB", "SYNC"], "2019-01-02", "2020-12-31", benchmark=BENCH,
        alpha={"SYNA": 0.0004, "SYNB": -0.0002, "SYNC": 0.0},
        beta={"SYNA": 1.3, "SYNB": 0.7, "SYNC": 1.0},
        sigma={"SYNA": 0.001, "SYNB": 0.015, "SYNC": 0.01},
        abnormal={("SYNA", "2020-06-11"): INJECTED}, seed=7,
    )


def study(prices, ticker="SYNA", date="2020-06-10", **kwargs):
    kwargs.setdefault("benchmark", BENCH)
    kwargs.setdefault("market_session", "post")
    return fr.event_study(prices, ticker, date, **kwargs)


def wide_returns(prices, price="close"):
    """Independent reference: returns on the NYSE calendar via pandas pivot + pct_change."""
    wide = prices.pivot(index="date", columns="ticker", values=price)
    wide = wide.reindex(fr.nyse_sessions(wide.index.min(), wide.index.max()))
    return wide.pct_change(fill_method=None)


def reference_ols(prices, ticker, day0, window=(-250, -11), drop=None):
    rets = wide_returns(prices)
    pos = rets.index.get_loc(pd.Timestamp(day0))
    sample = rets.iloc[pos + window[0]: pos + window[1] + 1]
    if drop is not None:
        sample = sample[~sample.index.isin(drop)]
    sample = sample[[ticker, BENCH]].dropna()
    return sm.OLS(sample[ticker], sm.add_constant(sample[BENCH])).fit(), rets, pos


# ---------------------------------------------------------------------------------- estimates


def test_market_model_estimates_equal_statsmodels_ols(synthetic):
    res = study(synthetic, "SYNB")
    fit, _, _ = reference_ols(synthetic, "SYNB", "2020-06-11")
    assert res.alpha == pytest.approx(fit.params["const"], abs=1e-12)
    assert res.beta == pytest.approx(fit.params[BENCH], abs=1e-12)
    assert res.r2 == pytest.approx(fit.rsquared, abs=1e-12)
    assert res.sigma == pytest.approx(np.sqrt(fit.mse_resid), abs=1e-12)
    assert res.n_estimation == int(fit.nobs) == 240


def test_abnormal_returns_use_the_fitted_model_over_the_event_window(synthetic):
    res = study(synthetic, "SYNB")
    fit, rets, pos = reference_ols(synthetic, "SYNB", "2020-06-11")
    window = rets.iloc[pos - 5: pos + 6]
    expected_ar = window["SYNB"] - fit.params["const"] - fit.params[BENCH] * window[BENCH]
    np.testing.assert_allclose(res.table["ar"], expected_ar, atol=1e-12)
    np.testing.assert_allclose(res.table["car"], expected_ar.cumsum(), atol=1e-12)
    assert res.table["date"].tolist() == list(window.index)
    assert res.table["offset"].tolist() == list(range(-5, 6))


def test_known_parameters_and_the_injected_abnormal_return_are_recovered(synthetic):
    res = study(synthetic, "SYNA")  # idiosyncratic noise 0.1%: estimates must sit close to the truth
    assert res.beta == pytest.approx(1.3, abs=0.01)
    assert res.alpha == pytest.approx(0.0004, abs=0.0003)
    ar0 = res.table.set_index("offset").loc[0, "ar"]
    assert ar0 == pytest.approx(INJECTED, abs=0.004)
    assert res.car(0, 0).p < 1e-6


def test_t_statistics_use_the_prediction_error_sd_of_statsmodels(synthetic):
    res = study(synthetic, "SYNB")
    fit, rets, pos = reference_ols(synthetic, "SYNB", "2020-06-11")
    window = rets.iloc[pos - 5: pos + 6]
    # statsmodels' observation standard error is the prediction-error sd of each day's AR
    predicted = fit.get_prediction(sm.add_constant(window[[BENCH]], has_constant="add")).summary_frame()
    np.testing.assert_allclose(res.table["ar_sd"], predicted["obs_ci_upper"].sub(predicted["mean"])
                               / stats.t.ppf(0.975, fit.df_resid), rtol=1e-10)
    np.testing.assert_allclose(res.table["ar_t"], res.table["ar"] / res.table["ar_sd"], rtol=1e-12)


def test_car_t_uses_the_covariance_of_the_prediction_errors(synthetic):
    res = study(synthetic, "SYNB")
    fit, rets, pos = reference_ols(synthetic, "SYNB", "2020-06-11")
    window = sm.add_constant(rets.iloc[pos - 5: pos + 6][[BENCH]], has_constant="add").to_numpy()
    # V = sigma^2 (I + X* (X'X)^-1 X*'): Campbell, Lo & MacKinlay (1997), eq. 4.4.8
    cov = fit.mse_resid * np.eye(11) + window @ fit.cov_params().to_numpy() @ window.T
    running = np.array([cov[:n, :n].sum() for n in range(1, 12)])
    np.testing.assert_allclose(res.table["car_sd"], np.sqrt(running), rtol=1e-10)
    np.testing.assert_allclose(res.table["car_t"], res.table["car"] / np.sqrt(running), rtol=1e-10)


def test_car_of_a_sub_window_has_a_two_sided_t_p_value(synthetic):
    res = study(synthetic, "SYNB")
    sub = res.car(-1, 2)
    ars = res.table.set_index("offset").loc[-1:2, "ar"]
    fit, rets, pos = reference_ols(synthetic, "SYNB", "2020-06-11")
    x = sm.add_constant(rets.iloc[pos - 1: pos + 3][[BENCH]], has_constant="add").to_numpy()
    ones = np.ones(4)
    sd = np.sqrt(fit.mse_resid * 4 + ones @ x @ fit.cov_params().to_numpy() @ x.T @ ones)
    t = ars.sum() / sd
    assert (sub.start, sub.end) == (-1, 2)
    assert sub.sd == pytest.approx(sd, rel=1e-10)
    assert sub.limit == pytest.approx(stats.t.ppf(0.975, 238) * sd, rel=1e-10)
    assert sub.car == pytest.approx(ars.sum(), abs=1e-15)
    assert sub.t == pytest.approx(t)
    assert sub.p == pytest.approx(2 * stats.t.sf(abs(t), 240 - 2))


def test_car_outside_the_event_window_is_an_error(synthetic):
    with pytest.raises(fr.AnalysisError, match=r"car\(-6, 0\).*inside the event window -5\.\.5"):
        study(synthetic).car(-6, 0)


def test_market_adjusted_model_expects_the_benchmark_return(synthetic):
    res = study(synthetic, "SYNB", model="market_adjusted")
    np.testing.assert_allclose(res.table["expected"], res.table["benchmark_ret"], rtol=0, atol=0)
    assert np.isnan(res.alpha) and np.isnan(res.beta)
    assert res.n_params == 0


def test_constant_mean_model_expects_the_estimation_mean(synthetic):
    res = study(synthetic, "SYNB", model="constant_mean")
    _, rets, pos = reference_ols(synthetic, "SYNB", "2020-06-11")
    mean = rets["SYNB"].iloc[pos - 250: pos - 10].mean()
    np.testing.assert_allclose(res.table["expected"], mean, rtol=1e-12)
    assert res.sigma == pytest.approx(rets["SYNB"].iloc[pos - 250: pos - 10].std(ddof=1))


def test_excluding_a_period_drops_it_and_extends_the_window_back(synthetic):
    crash = ("2020-02-01", "2020-04-30")
    res = study(synthetic, "SYNB", exclude=[crash])
    sessions = fr.nyse_sessions("2019-01-01", "2020-06-10")
    left_out = sessions[(sessions >= crash[0]) & (sessions <= crash[1])]
    wide = wide_returns(synthetic)
    kept = wide.loc[: "2020-05-27"].drop(index=left_out).tail(240)  # day -11 is 27 May 2020
    fit = sm.OLS(kept["SYNB"], sm.add_constant(kept[BENCH])).fit()
    assert res.n_estimation == 240
    assert res.excluded_sessions == len(left_out)
    assert res.estimation_start == kept.index[0]
    assert res.beta == pytest.approx(fit.params[BENCH], abs=1e-12)


# ---------------------------------------------------------------------------------- day 0 and windows


@pytest.mark.parametrize(
    ("date", "session", "day0"),
    [
        ("2020-06-10", "post", "2020-06-11"),  # after the close: next session
        ("2020-06-10", "regular", "2020-06-10"),
        ("2020-06-13", "closed", "2020-06-15"),  # Saturday: Monday
        ("2020-07-03", "closed", "2020-07-06"),  # Independence Day observed
        ("2020-07-02", "post", "2020-07-06"),  # after the close before the holiday weekend
        ("2020-06-12", "post", "2020-06-15"),  # Friday evening: Monday
    ],
)
def test_day0_follows_market_hours_weekends_and_holidays(synthetic, date, session, day0):
    res = study(synthetic, "SYNB", date, market_session=session)
    assert res.day0 == pd.Timestamp(day0)
    assert res.table.set_index("offset").loc[0, "date"] == pd.Timestamp(day0)


def test_window_offsets_count_nyse_sessions_across_a_holiday(synthetic):
    res = study(synthetic, "SYNB", "2020-07-02", market_session="regular", event_window=(-1, 2))
    assert res.table["date"].dt.strftime("%m-%d").tolist() == ["07-01", "07-02", "07-06", "07-07"]


# ---------------------------------------------------------------------------------- warnings and errors


def test_a_big_benchmark_move_on_day0_is_a_warning_with_its_size(synthetic):
    shocked = fr.synthetic_prices(["SYNB"], "2019-01-02", "2020-12-31", benchmark=BENCH, seed=7,
                                  abnormal={(BENCH, "2020-06-11"): -0.06})
    res = study(shocked, "SYNB")
    move = res.table.set_index("offset").loc[0, "benchmark_ret"]
    warning = next(w for w in res.warnings if w.startswith("On day 0"))
    assert f"fell {abs(move) * 100:.1f}%" in warning
    assert "Thursday 11 June 2020" in warning
    assert "times its typical daily move" in warning


def test_an_ordinary_market_day_gives_no_market_warning(synthetic):
    assert not [w for w in study(synthetic, "SYNB").warnings if w.startswith("On day 0")]


def test_event_window_beyond_the_data_is_truncated_with_a_warning(synthetic):
    res = study(synthetic, "SYNB", "2020-12-28", market_session="regular")
    assert res.table["offset"].tolist() == [-5, -4, -3, -2, -1, 0, 1, 2, 3]  # 30 and 31 Dec are the last
    assert any("truncated: sessions +4, +5" in w for w in res.warnings)


def test_day0_after_the_data_is_an_error(synthetic):
    with pytest.raises(fr.AnalysisError, match=r"day 0 of SYNB \(2021-01-04\) is outside the returns available"):
        study(synthetic, "SYNB", "2021-01-04", market_session="regular")


def test_short_estimation_history_is_a_warning(synthetic):
    res = study(synthetic, "SYNB", "2019-06-10", market_session="regular")
    assert res.n_estimation < 100
    assert any(f"Only {res.n_estimation} estimation sessions" in w for w in res.warnings)
    assert any("estimation window is cut short" in w for w in res.warnings)


def test_too_short_estimation_history_is_an_error(synthetic):
    with pytest.raises(fr.AnalysisError, match=r"only \d+ estimation sessions .*at least 30 are needed"):
        study(synthetic, "SYNB", "2019-02-20", market_session="regular")


def test_missing_prices_are_dropped_and_counted(synthetic):
    gap = synthetic[~((synthetic["ticker"] == "SYNB") & (synthetic["date"] == "2020-03-10"))]
    res = study(gap, "SYNB")
    assert res.n_estimation == 238  # the day's return and the next day's are lost
    assert any(w.startswith("2 estimation-window returns were missing") for w in res.warnings)


def test_a_missing_price_in_the_event_window_leaves_that_ar_empty(synthetic):
    prices = synthetic.copy()
    prices.loc[(prices["ticker"] == "SYNB") & (prices["date"] == "2020-06-12"), "close"] = np.nan
    res = study(prices, "SYNB")
    table = res.table.set_index("offset")
    assert table.loc[[1, 2], "ar"].isna().all()
    assert res.car().car == pytest.approx(table["ar"].sum())  # NaN-skipping sum over 9 days
    # 15 June has its price: its return is lost with the price of the session before.
    assert ("No abnormal return on sessions +1 (12 June 2020), +2 (15 June 2020): a price of SYNB or ^SYNX is "
            "missing there or on the session before (a return needs both); cumulative returns skip them."
            in res.warnings)


def test_missing_benchmark_is_an_error_listing_available_tickers(synthetic):
    with pytest.raises(fr.AnalysisError, match=r"no prices for \^GSPC .*it has SYNA, SYNB, SYNC, \^SYNX"):
        fr.event_study(synthetic, "SYNA", "2020-06-10")


def test_missing_ticker_is_an_error_naming_it(synthetic):
    with pytest.raises(fr.AnalysisError, match=r"no prices for AMZN"):
        study(synthetic, "AMZN")


def test_a_misspelled_ticker_is_told_to_check_its_spelling_not_to_change_the_benchmark(synthetic):
    with pytest.raises(fr.AnalysisError) as err:
        study(synthetic, "SYNAX")
    assert "did you mean 'SYNA' for 'SYNAX'?" in str(err.value) and "check the ticker's spelling" in str(err.value)
    assert "benchmark=" not in str(err.value)


def test_a_missing_benchmark_is_told_to_choose_a_benchmark_present(synthetic):
    with pytest.raises(fr.AnalysisError, match=r"no prices for \^GSPC .*; pass benchmark= one of the tickers present"):
        fr.event_study(synthetic, "SYNA", "2020-06-10")


def test_a_split_like_jump_is_a_warning(synthetic):
    prices = synthetic.copy()
    before = (prices["ticker"] == "SYNB") & (prices["date"] < "2020-03-02")
    prices.loc[before, ["open", "close"]] *= 20  # as traded before a made-up 20-for-1 split
    res = study(prices, "SYNB")
    assert any("looks like a stock split" in w and "2 March 2020" in w and "price='adj_close'" in w
               for w in res.warnings)


def test_other_events_of_the_same_firm_in_the_estimation_window_are_warned(synthetic):
    events = fr.synthetic_events()
    extra = events.iloc[[6]].assign(id="syn-a-earlier", date=pd.Timestamp("2020-01-15"), market_session="regular",
                                    headline="Synthetic earlier news of A")
    other_firm = events.iloc[[6]].assign(id="syn-b-other", ticker="SYNB", date=pd.Timestamp("2020-02-11"),
                                         headline="Synthetic news of B")
    res = study(synthetic, "SYNA", events=pd.concat([events, extra, other_firm]))
    hits = [w for w in res.warnings if "estimation window contains another listed event of" in w]
    assert len(hits) == 1
    # Readers see the headline and the date in words, never the event's id.
    assert "Synthetic earlier news of A (15 January 2020)" in hits[0]
    assert "Synthetic news of B" not in hits[0] and "syn-a-earlier" not in hits[0]


def test_an_earlier_event_is_listed_with_its_day_0_only_when_that_is_another_day(synthetic):
    events = fr.synthetic_events()
    same_day = events.iloc[[6]].assign(id="syn-a-same", date=pd.Timestamp("2020-01-15"), market_session="regular",
                                       headline="Synthetic news in trading hours")
    next_day = events.iloc[[6]].assign(id="syn-a-next", date=pd.Timestamp("2020-02-11"), market_session="post",
                                       headline="Synthetic news after the close")
    res = study(synthetic, "SYNA", events=pd.concat([events, same_day, next_day]))
    (hit,) = [w for w in res.warnings if "estimation window contains two other listed events of" in w]
    assert "Synthetic news in trading hours (15 January 2020)" in hit
    assert "Synthetic news after the close (11 February 2020; day 0 12 February 2020)" in hit


def test_invalid_windows_are_an_error(synthetic):
    with pytest.raises(fr.AnalysisError, match="must end before day 0 and before the event window"):
        study(synthetic, estimation_window=(-250, -3), event_window=(-5, 5))


def test_a_window_given_backwards_says_so(synthetic):
    with pytest.raises(fr.AnalysisError, match=r"event_window=\(5, -5\) runs backwards: .*event_window=\(-5, 5\)"):
        study(synthetic, event_window=(5, -5))


# ---------------------------------------------------------------------------------- summary


NAMES = {"SYNB": "Synthetic B", BENCH: "the synthetic index"}


def test_summary_states_the_computed_numbers_in_house_style(synthetic):
    res = study(synthetic, "SYNB", label="SYNB pauses sales (synthetic)")
    day0 = res.table.set_index("offset").loc[0]
    c0, whole = res.car(0, 0), res.car()
    text = res.summary(names=NAMES)
    assert prose.moved(day0["ret"]) in text and prose.moved(day0["benchmark_ret"]) in text
    direction = "better" if day0["ar"] > 0 else "worse"
    assert f"it did {prose.points(abs(day0['ar']), signed=False)} {direction} than that" in text
    assert "did -" not in text, "the gap carries no sign: better/worse says which way"
    assert f"beta {prose.number(res.beta, decimals=2)}" in text
    assert prose.t_stat(c0.t) in text and prose.t_stat(whole.t) in text
    assert prose.p_value(c0.p) in text and prose.p_value(whole.p) in text
    assert "Thursday 11 June 2020" in text and "after the close on Wednesday 10 June 2020" in text
    assert f"{res.n_estimation} sessions" in text


def test_summary_is_plain_text_that_quotes_the_event_label_as_given(synthetic):
    # Escaping belongs to whoever puts the paragraph into Markdown: escaped here and there, readers saw "general\\-purpose".
    text = study(synthetic, "SYNB", label="SYNB quits general-purpose *synthetic* sales").summary(names=NAMES)
    assert "(SYNB quits general-purpose *synthetic* sales)" in text and "\\" not in text


def test_summary_reports_the_rank_test_and_the_detection_limit_of_a_null_result(synthetic):
    res = study(synthetic, "SYNB")
    c0 = res.car(0, 0)
    assert c0.p >= 0.05  # SYNB has no injected abnormal return
    text = res.summary(names=NAMES)
    assert f"rank test, which assumes nothing about the shape of returns, gives {prose.p_value(c0.rank_p)}" in text
    assert f"of at least {prose.points(c0.limit, signed=False)} either way significant" in text


def test_summary_without_a_reader_name_says_how_to_register_one(synthetic):
    with pytest.raises(fr.FrstoryError, match="SYNB"):
        study(synthetic, "SYNB").summary()


def test_summary_includes_the_warnings_with_its_own_names(synthetic):
    res = study(synthetic, "SYNB", "2020-12-28", market_session="regular")
    summary = res.summary(names=NAMES)
    assert res.warnings and all(w.named("Synthetic B", "the synthetic index") in summary for w in res.warnings)


# ---------------------------------------------------------------------------------- many events


@pytest.fixture(scope="module")
def many_events():
    rows = [
        ("a-pause", "SYNA", "2020-06-10", "post"),
        ("b-exit", "SYNB", "2020-06-08", "post"),
        ("c-pledge", "SYNC", "2020-06-11", "regular"),
        ("a-weekend", "SYNA", "2020-03-14", "closed"),
        ("b-holiday", "SYNB", "2019-11-28", "closed"),
        ("c-late", "SYNC", "2020-12-24", "pre"),
        ("none", None, "2020-05-01", "unknown"),  # no ticker: not a firm event
    ]
    frame = pd.DataFrame(rows, columns=["id", "ticker", "date", "market_session"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["headline"] = "Synthetic: " + frame["id"]
    frame["ticker"] = frame["ticker"].astype("string")
    return frame


@pytest.mark.parametrize("model", ["market", "market_adjusted", "constant_mean"])
@pytest.mark.parametrize("exclude", [None, [("2020-02-01", "2020-04-30")]])
def test_event_studies_equal_event_study_per_pair(synthetic, many_events, model, exclude):
    table = fr.event_studies(synthetic, many_events, benchmark=BENCH, model=model, exclude=exclude)
    assert len(table) == 6
    for row in table.itertuples():
        event = many_events.set_index("id").loc[row.event_id]
        single = fr.event_study(synthetic, row.ticker, event["date"], market_session=event["market_session"],
                                benchmark=BENCH, model=model, exclude=exclude, events=many_events,
                                label=event["headline"], event_id=row.event_id).to_frame().iloc[0]
        for column in ("alpha", "beta", "r2", "sigma", "ar_0", "ret_0", "car", "car_t", "car_p", "ar_0_p"):
            assert np.isclose(getattr(row, column), single[column], rtol=0, atol=1e-10, equal_nan=True), column
        for column in ("day0", "n_estimation", "estimation_start", "warnings", "label"):
            assert getattr(row, column) == single[column], column


def test_clustered_events_are_flagged_and_not_pooled(synthetic, many_events):
    table = fr.event_studies(synthetic, many_events, benchmark=BENCH).set_index("event_id")
    assert table.loc["a-pause", "clustered_with"] == "b-exit, c-pledge"
    assert table.loc["a-weekend", "clustered_with"] == ""
    assert "cross-sectional dependence" in table.attrs["note"] and "fr.pooled_tests" in table.attrs["note"]


def test_event_studies_records_or_raises_events_it_cannot_compute(synthetic, many_events):
    beyond = pd.concat([many_events, many_events.iloc[[0]].assign(id="too-late", date=pd.Timestamp("2021-02-01"))])
    with pytest.raises(fr.AnalysisError, match="event 'too-late'"):
        fr.event_studies(synthetic, beyond, benchmark=BENCH)
    table = fr.event_studies(synthetic, beyond, benchmark=BENCH, on_error="record").set_index("event_id")
    assert np.isnan(table.loc["too-late", "car"])
    assert table.loc["too-late", "warnings"].startswith("Not computed: day 0 of SYNA (2021-02-02)")
    assert np.isfinite(table.loc["a-pause", "car"])



def test_event_studies_records_an_impossible_market_session_and_computes_the_rest(synthetic, many_events):
    # Synthetic: one row of the hand-made events gets a market_session no announcement can have.
    bad = many_events.assign(market_session=many_events["market_session"].astype(object))
    bad.loc[bad["id"] == "b-exit", "market_session"] = "later"
    table = fr.event_studies(synthetic, bad, benchmark=BENCH, on_error="record").set_index("event_id")
    assert table.loc["b-exit", "warnings"].startswith("Not computed: market_session 'later' is not one of pre,")
    assert np.isnan(table.loc["b-exit", "car"]) and pd.isna(table.loc["b-exit", "day0"])
    assert np.isfinite(table.loc["a-pause", "car"])


def test_event_studies_raises_on_an_impossible_market_session_by_default(synthetic, many_events):
    bad = many_events.assign(market_session=many_events["market_session"].astype(object))
    bad.loc[bad["id"] == "b-exit", "market_session"] = "later"
    with pytest.raises(fr.AnalysisError, match="event 'b-exit': market_session 'later'"):
        fr.event_studies(synthetic, bad, benchmark=BENCH)

def test_event_studies_needs_the_events_columns(synthetic, many_events):
    with pytest.raises(fr.AnalysisError, match="no column market_session"):
        fr.event_studies(synthetic, many_events.drop(columns="market_session"), benchmark=BENCH)


def test_event_studies_refuse_an_event_listed_twice(synthetic, many_events):
    # Two rows of one event are one abnormal return; kept, a pooled test would count it as two firms.
    doubled = pd.concat([many_events, many_events.iloc[[0]]])
    with pytest.raises(fr.AnalysisError, match=r"event 'a-pause' of SYNA is listed 2 times in the events frame; "
                                               r"keep one row per event and ticker, .*drop_duplicates"):
        fr.event_studies(synthetic, doubled, benchmark=BENCH)


def test_pooled_tests_refuse_two_events_of_one_firm_on_the_same_day_0(synthetic, many_events):
    again = many_events.iloc[[0]].assign(id="a-again", date=pd.Timestamp("2020-06-11"), market_session="pre")
    with pytest.raises(fr.AnalysisError, match=r"events 'a-pause' and 'a-again' of SYNA share day 0 \(2020-06-11\), "
                                               r"so their abnormal return would be counted twice"):
        fr.pooled_tests(synthetic, pd.concat([many_events, again]), benchmark=BENCH)


def test_an_event_date_written_day_first_is_an_error_naming_the_event(synthetic, many_events):
    # Hand-made frames hold text: pandas would fail deep in its parser, or read 10/06/2020 as 6 October.
    text = many_events.assign(date=many_events["date"].dt.strftime("%Y-%m-%d"))
    text.loc[0, "date"] = "10/06/2020"
    with pytest.raises(fr.AnalysisError, match=r"fr.event_studies: event 'a-pause': date '10/06/2020' is not a date "
                                               r"written YYYY-MM-DD .*'2020-06-10'"):
        fr.event_studies(synthetic, text, benchmark=BENCH)
    text.loc[0, "date"] = "2020-06-10"
    table = fr.event_studies(synthetic, text, benchmark=BENCH)
    assert table["day0"].tolist() == fr.event_studies(synthetic, many_events, benchmark=BENCH)["day0"].tolist()


# ---------------------------------------------------------------------------------- robustness


def test_robustness_lines_up_three_specifications(synthetic):
    table = fr.robustness(synthetic, "SYNB", "2020-06-10", market_session="post", benchmark=BENCH,
                          exclude_period=("2020-02-01", "2020-04-30"))
    assert table["model"].tolist() == ["market", "market_adjusted", "market"]
    assert f"without {prose.date_range('2020-02-01', '2020-04-30')}" in table["specification"].iloc[2]
    excluded = study(synthetic, "SYNB", exclude=[("2020-02-01", "2020-04-30")])
    assert table["beta"].iloc[2] == pytest.approx(excluded.beta, abs=1e-15)
    assert table["ar_0"].iloc[1] == pytest.approx(study(synthetic, "SYNB", model="market_adjusted").car(0, 0).car)


def test_robustness_refuses_to_be_told_the_model(synthetic):
    with pytest.raises(fr.AnalysisError, match="varies model="):
        fr.robustness(synthetic, "SYNB", "2020-06-10", model="market", benchmark=BENCH,
                      exclude_period=("2020-02-01", "2020-04-30"))


# ---------------------------------------------------------------------------------- real snapshot


def real_prices(market_dir, tickers=("AMZN", "^GSPC")):
    """The real snapshot imported into this test's isolated price cache, then loaded as users do."""
    from frstory.data.importer import import_directory

    import_directory(market_dir)
    return fr.load_prices(list(tickers), "2019-01-01", "2022-12-31")


@pytest.mark.market
def test_amazon_moratorium_reacts_on_11_june_during_the_market_fall(market_dir):
    prices = real_prices(market_dir)
    res = fr.event_study(prices, "AMZN", "2020-06-10", market_session="post")
    assert res.day0 == pd.Timestamp("2020-06-11")
    move = res.table.set_index("offset").loc[0, "benchmark_ret"]
    assert move < -0.05  # the S&P 500 fell 5.9% that day
    assert any(w.startswith("On day 0 (Thursday 11 June 2020) the S&P 500 fell 5.9%") for w in res.warnings)
    assert "Amazon's shares fell" in res.summary(names={"AMZN": "Amazon"})
