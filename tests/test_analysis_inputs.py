"""Specification of the analysis layer on inputs other than the first story's.

Journalists re-run event studies, specification curves and fact-checks on other tickers, dates
and parameters: events in the last days of the data, a stock whose price stops moving, a
benchmark that copies the stock, windows without day 0, levels written as percentages, claims
written by hand. Prices are synthetic (fr.synthetic_prices) unless a test says it uses the
committed real snapshot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

import frstory as fr
from frstory.prose import names as names_module

BENCH = "^SYNX"
NAMES = {"SYNA": "Synthetic A", BENCH: "the synthetic index"}
PRICE_COLUMNS = ["open", "high", "low", "close", "adj_close"]


@pytest.fixture(scope="module")
def synthetic():
    return fr.synthetic_prices(["SYNA", "SYNB"], "2019-01-02", "2020-12-31", benchmark=BENCH,
                               abnormal={("SYNA", "2020-06-11"): -0.05}, seed=5)


@pytest.fixture
def registry(monkeypatch):
    """Reader names for the synthetic tickers, restored after the test."""
    monkeypatch.setattr(names_module, "_registry", {**names_module._registry, **NAMES})


def study(prices, date="2020-06-10", ticker="SYNA", **kwargs):
    kwargs.setdefault("benchmark", BENCH)
    return fr.event_study(prices, ticker, date, **kwargs)


def frozen(prices, ticker, start, end):
    """``prices`` with ``ticker``'s prices held at the last close before ``start`` (a halt, or filled-in
    data), or at its first close when the data start later."""
    out = prices.copy()
    rows = out["ticker"] == ticker
    before = float(out.loc[rows & (out["date"] < start), "close"].iloc[-1] if (rows & (out["date"] < start)).any()
                   else out.loc[rows, "close"].iloc[0])
    out.loc[rows & (out["date"] >= start) & (out["date"] <= end), PRICE_COLUMNS] = before
    return out


def without(prices, ticker, days):
    return prices[~((prices["ticker"] == ticker) & prices["date"].isin(pd.to_datetime(days)))]


# ------------------------------------------------------------------ events that cannot be tested


def test_a_stock_whose_close_never_moves_in_the_estimation_window_is_an_error_naming_it(synthetic):
    still = frozen(synthetic, "SYNA", "2019-01-01", "2020-05-29")
    with pytest.raises(fr.AnalysisError, match=r"the close of SYNA does not move in the 240 estimation sessions "
                                               r"before 2020-06-10 .*check its prices"):
        study(still)


@pytest.mark.parametrize("model", ["market", "market_adjusted"])
def test_a_benchmark_that_copies_the_stock_is_an_error_saying_to_choose_an_index(synthetic, model):
    copy = synthetic[synthetic["ticker"] == "SYNA"].assign(ticker="SYNZ")
    prices = pd.concat([synthetic, copy], ignore_index=True)
    with pytest.raises(fr.AnalysisError, match=r"SYNZ explains every estimation-window return of SYNA exactly .*"
                                               r"pass benchmark= a market index"):
        study(prices, benchmark="SYNZ", model=model)


def test_event_studies_record_an_event_without_noise_with_its_reason(synthetic):
    still = frozen(synthetic, "SYNA", "2019-01-01", "2020-05-29")
    events = pd.DataFrame({"id": ["syn-still"], "ticker": ["SYNA"], "date": [pd.Timestamp("2020-06-10")],
                           "market_session": ["regular"]})
    row = fr.event_studies(still, events, benchmark=BENCH, on_error="record").iloc[0]
    assert np.isnan(row["car"]) and np.isnan(row["ar_0_t"])
    assert row["warnings"].startswith("Not computed: the close of SYNA does not move")


def test_an_estimation_window_shorter_than_30_sessions_says_to_widen_it(synthetic):
    with pytest.raises(fr.AnalysisError, match=r"estimation_window=\(-20, -11\) holds only 10 sessions, so widen "
                                               r"it, e.g. estimation_window=\(-250, -11\)"):
        study(synthetic, estimation_window=(-20, -11))


@pytest.mark.parametrize("window", [(0.5, 2), "05"])
def test_a_window_that_is_not_whole_sessions_is_refused_not_truncated(synthetic, window):
    # int() would read (0.5, 2) as (0, 2) and the text "05" as (0, 5): another analysis, silently.
    with pytest.raises(fr.AnalysisError, match=r"windows must be pairs of integers .*event_window="):
        study(synthetic, event_window=window)


def test_windows_given_as_lists_or_numpy_integers_are_the_same_windows(synthetic):
    plain = study(synthetic, estimation_window=(-120, -11), event_window=(0, 2))
    numpy = study(synthetic, estimation_window=[np.int64(-120), np.int32(-11)], event_window=np.array([0, 2]))
    assert numpy.event_window == (0, 2) and numpy.car().car == pytest.approx(plain.car().car, abs=1e-15)


def test_an_estimation_window_before_the_data_says_to_load_earlier_prices(synthetic):
    with pytest.raises(fr.AnalysisError) as error:
        study(synthetic, "2019-02-20")
    message = str(error.value)
    assert "lie before the first return of both series (2019-01-03), so load prices from earlier" in message
    assert "shorten" not in message  # a shorter window holds fewer sessions, never more
    assert "if the stock did not trade before then (a recent listing), it has too little history" in message


def test_an_exclusion_that_pushes_the_window_before_the_data_says_to_leave_out_less(synthetic):
    with pytest.raises(fr.AnalysisError, match=r"so load prices from earlier or leave out fewer sessions with "
                                               r"exclude="):
        study(synthetic, exclude=[("2019-01-25", "2020-05-10")])


# ------------------------------------------------------------------------------------ caveats


def test_caveats_about_missing_prices_name_the_series_as_readers_know_them(synthetic, registry):
    gaps = without(synthetic, "SYNA", ["2020-03-10", "2020-06-09"])
    res = study(gaps)
    missing = [w for w in res.warnings if "missing" in w]
    assert len(missing) == 2
    assert all("Synthetic A or the synthetic index" in w for w in missing)
    assert not any("SYNA" in w or BENCH in w for w in res.warnings)


def test_a_benchmark_unchanged_on_most_estimation_sessions_is_a_caveat_not_a_crash(synthetic):
    stale = frozen(synthetic, BENCH, "2019-01-01", "2020-06-09")
    res = study(stale, model="market_adjusted")  # the benchmark moves again on day 0
    assert any("did not move on at least half of the 240 estimation sessions" in w for w in res.warnings)
    assert "did not move on at least half" in res.summary(names=NAMES)


def test_a_trading_halt_in_the_event_window_is_a_caveat(synthetic):
    halted = frozen(synthetic, "SYNA", "2020-06-05", "2020-06-20")
    res = study(halted)
    assert any("close did not change on 9 sessions of the event window (first 5 June 2020, last 17 June 2020)"
               in w for w in res.warnings)


def test_two_ordinary_sessions_give_no_halt_caveat(synthetic):
    assert not any("did not change" in w for w in study(synthetic).warnings)


def test_a_split_like_jump_in_the_adjusted_close_is_written_in_words(synthetic):
    split = synthetic.copy()
    rows = (split["ticker"] == "SYNA") & (split["date"] >= "2020-06-08")
    split.loc[rows, "adj_close"] = split.loc[rows, "adj_close"] / 20
    res = study(split, price="adj_close")
    jump = [w for w in res.warnings if "jumps by more than 40%" in w]
    assert len(jump) == 1 and "adjusted close jumps" in jump[0] and "adj_close" not in jump[0]


# ---------------------------------------------------------------------------- reader sentences


def test_a_day_0_without_a_price_change_reads_were_unchanged(synthetic):
    halted = frozen(synthetic, "SYNA", "2020-06-05", "2020-06-20")
    text = study(halted).summary(names=NAMES)
    assert "Synthetic A's shares were unchanged on Wednesday 10 June 2020" in text


def test_news_timed_within_a_trading_day_on_a_saturday_is_refused_as_the_events_file_refuses_it(synthetic):
    # "post" (after the 4 p.m. close) names a moment of a trading day; a summary would contradict it.
    with pytest.raises(fr.AnalysisError, match="2020-06-13 was not an NYSE session .*use 'closed'"):
        study(synthetic, "2020-06-13", market_session="post")


def test_news_on_a_saturday_reacts_on_monday_and_says_the_market_was_closed(synthetic):
    text = study(synthetic, "2020-06-13", market_session="closed").summary(names=NAMES)
    assert ("on Monday 15 June 2020, the first session after the announcement on Saturday 13 June 2020, "
            "when the market was closed;") in text
    assert "after the close" not in text


def test_a_window_without_day_0_says_it_leaves_day_0_out_not_that_data_are_missing(synthetic):
    text = study(synthetic, event_window=(1, 5)).summary(names=NAMES)
    assert ("the event window (sessions +1 to +5) leaves it out, so no day-0 abnormal return is reported"
            in text)
    assert "cannot be computed" not in text


def test_a_window_starting_on_day_0_names_its_sessions_without_a_signed_zero(synthetic):
    text = study(synthetic, event_window=(0, 1)).summary(names=NAMES)
    assert "Over the event window (sessions 0 to +1 around day 0, 10–11 June 2020)" in text
    assert "+0" not in text


def test_an_event_window_cut_short_by_the_data_names_the_sessions_the_car_covers(synthetic):
    res = study(synthetic, "2020-12-29")
    text = res.summary(names=NAMES)
    assert ("Over the part of the event window inside the data (sessions -5 to +2 around day 0, "
            "21–31 December 2020) the cumulative abnormal return is") in text
    assert res.car().car == pytest.approx(res.table["ar"].sum())


def test_a_car_with_missing_days_says_how_many_sessions_it_sums(synthetic):
    gaps = without(synthetic, "SYNA", ["2020-06-09", "2020-06-11"])
    text = study(gaps).summary(names=NAMES)
    assert "(sessions -5 to +5 around day 0, 3–17 June 2020; only 7 of these 11 sessions have" in text


def test_missing_sessions_give_the_statsmodels_fit_and_car_test(synthetic):
    # Independent reference: pandas returns on the NYSE calendar, statsmodels OLS, CAR variance
    # sigma^2 (L + 1' X* (X'X)^-1 X*' 1) with the event window's design X*.
    gaps = without(synthetic, "SYNA", ["2020-01-21", "2020-03-10", "2020-06-09"])
    res = study(gaps, estimation_window=(-120, -6), event_window=(-4, 3))
    wide = gaps.pivot(index="date", columns="ticker", values="close")
    rets = wide.reindex(fr.nyse_sessions(wide.index.min(), wide.index.max())).pct_change(fill_method=None)
    pos = rets.index.get_loc(pd.Timestamp("2020-06-10"))
    est = rets.iloc[pos - 120: pos - 5][["SYNA", BENCH]].dropna()
    fit = sm.OLS(est["SYNA"], sm.add_constant(est[BENCH])).fit()
    window = rets.iloc[pos - 4: pos + 4][["SYNA", BENCH]].dropna()
    ar = window["SYNA"] - fit.params["const"] - fit.params[BENCH] * window[BENCH]
    x, x_star = sm.add_constant(est[BENCH]).to_numpy(), sm.add_constant(window[BENCH]).to_numpy()
    ones = np.ones(len(window))
    variance = fit.mse_resid * (len(window) + ones @ x_star @ np.linalg.inv(x.T @ x) @ x_star.T @ ones)
    car = res.car()
    assert (res.n_estimation, car.days) == (int(fit.nobs), len(window))
    assert res.beta == pytest.approx(fit.params[BENCH], abs=1e-12)
    assert car.car == pytest.approx(ar.sum(), abs=1e-12)
    assert car.t == pytest.approx(ar.sum() / np.sqrt(variance), abs=1e-9)
    assert car.p == pytest.approx(2 * stats.t.sf(abs(ar.sum() / np.sqrt(variance)), fit.df_resid), abs=1e-9)


# ------------------------------------------------------------------------------- levels and returns


def test_specifications_refuse_a_level_written_as_a_percentage(synthetic):
    with pytest.raises(fr.AnalysisError, match=r"level=5 is not a probability between 0 and 1.*level=0.05"):
        fr.specifications(synthetic, "SYNA", "2020-06-10", benchmarks=[BENCH], models=["market"], level=5)


def test_the_specification_detection_limit_follows_the_level(synthetic):
    specs = fr.specifications(synthetic, "SYNA", "2020-06-10", benchmarks=[BENCH], models=["market"],
                              estimation_windows=[(-250, -11)], level=0.10, names=NAMES)
    row = specs.iloc[0]
    assert row["limit"] == pytest.approx(stats.t.ppf(0.95, row["n_estimation"] - 2) * row["sd"])
    assert row["high"] - row["estimate"] == pytest.approx(row["limit"])


def test_adjusting_p_values_refuses_a_level_written_as_a_percentage():
    with pytest.raises(fr.AnalysisError, match=r"level=5 is not a probability"):
        fr.adjust_pvalues([0.01, 0.3, 0.7], level=5)


def test_a_zero_close_is_an_error_naming_ticker_and_date_not_an_infinite_return(synthetic):
    zero = synthetic.copy()
    zero.loc[(zero["ticker"] == "SYNB") & (zero["date"] == "2020-06-10"), "close"] = 0.0
    with pytest.raises(fr.AnalysisError, match=r"ticker SYNB has a close of 0 on 2020-06-10; .*set it to NaN"):
        fr.returns(zero)


@pytest.mark.parametrize("value", [-5.0, np.inf])
def test_a_negative_or_infinite_close_is_an_error_naming_ticker_and_date(synthetic, value):
    bad = synthetic.copy()
    bad.loc[(bad["ticker"] == "SYNA") & (bad["date"] == "2020-02-05"), "close"] = value
    shown = f"{value:g}"
    with pytest.raises(fr.AnalysisError, match=rf"ticker SYNA has a close of {shown} on 2020-02-05; .*set it to NaN"):
        fr.returns(bad)
    with pytest.raises(fr.AnalysisError, match=rf"ticker SYNA has close = {shown} on 2020-02-05; prices must be "
                                               r"positive and finite"):
        study(bad)
    with pytest.raises(fr.AnalysisError, match=rf"fr.rebase: ticker SYNA has a close of {shown} on 2020-02-05"):
        fr.rebase(bad, "2020-06-10")  # a valid base day: the bad price would be charted as an index of it


# ------------------------------------------------------------------------------------ fact-checks


def claims(*rows):
    """A claims frame in the contract's columns from (value, unit, ticker, date, measure) tuples (synthetic)."""
    frame = pd.DataFrame(rows, columns=["value", "unit", "check_ticker", "check_date", "check_measure"])
    frame.insert(0, "id", [f"syn-claim-{i}" for i in range(len(rows))])
    return frame


def close_on(prices, day, ticker="SYNA"):
    return float(prices.loc[(prices["ticker"] == ticker) & (prices["date"] == day), "close"].iloc[0])


def test_a_value_that_is_not_a_number_is_not_checkable_with_the_fix(synthetic):
    out = fr.check_claims(claims(("2,647.45", "usd", "SYNA", "2020-06-10", "close")), synthetic)
    assert out["verdict"].tolist() == ["not checkable"]
    assert out["explanation"].iloc[0].startswith("value '2,647.45' is not a number; write the figure as a plain")


@pytest.mark.parametrize("measure, value", [("close", 100.0), ("pct_change", 1.0)])
def test_a_claim_dated_on_a_weekend_names_the_session_to_check_instead(synthetic, measure, value):
    unit = "usd" if measure == "close" else "percent"
    out = fr.check_claims(claims((value, unit, "SYNA", "2020-06-13", measure)), synthetic)
    assert out["verdict"].iloc[0] == "not checkable"
    assert out["explanation"].iloc[0] == (
        "2020-06-13 (Saturday) is not an NYSE session, so it has no close and no change; if the claim reports "
        "the last close before it, set check_date to 2020-06-12")


def test_a_check_date_written_day_first_is_not_read_as_another_day(synthetic):
    # pandas reads 10/06/2020 as 6 October 2020, a session in the data: a silent wrong verdict.
    out = fr.check_claims(claims((close_on(synthetic, "2020-06-10"), "usd", "SYNA", "10/06/2020", "close")),
                          synthetic)
    assert out["verdict"].iloc[0] == "not checkable"
    assert "is it 10 June or 6 October?" in out["explanation"].iloc[0]


def test_a_check_date_with_a_time_zone_is_read_on_the_new_york_clock(synthetic):
    # 1 a.m. in London on 11 June is 9 p.m. on 10 June in New York: the close of 10 June.
    when = pd.Timestamp("2020-06-11 01:00", tz="Europe/London")
    out = fr.check_claims(claims((round(close_on(synthetic, "2020-06-10"), 2), "usd", "SYNA", when, "close")),
                          synthetic)
    assert out["verdict"].iloc[0] == "confirmed"
    assert out["data_value"].iloc[0] == pytest.approx(close_on(synthetic, "2020-06-10"))


def test_a_day_outside_the_price_frame_says_which_days_it_covers(synthetic):
    out = fr.check_claims(claims((100.0, "usd", "SYNA", "2021-03-01", "close")), synthetic)
    assert out["explanation"].iloc[0] == (
        "no price data for SYNA on 2021-03-01 (its prices run from 2019-01-02 to 2020-12-31; load prices that "
        "cover the day)")


def test_a_change_exactly_half_a_reported_unit_away_is_confirmed_despite_float_noise():
    # Hand-made synthetic closes: 100 to 101.795 is +1.795% (1.7950000000000013 in floats).
    prices = pd.DataFrame({"date": pd.to_datetime(["2020-06-09", "2020-06-10"]), "ticker": "SYNA",
                           "close": [100.0, 101.795]})
    out = fr.check_claims(claims((1.79, "percent", "SYNA", "2020-06-10", "pct_change"),
                                 (1.78, "percent", "SYNA", "2020-06-10", "pct_change")), prices)
    assert out["verdict"].tolist() == ["confirmed", "contradicted"]


def test_adjusted_prices_are_refused_because_reported_prices_are_as_traded(committed_market):
    # Real snapshot: Amazon's as-traded close on 10 June 2020 was 2,647.45; adjusted for the 20-for-1
    # split of 2022 it is 132.37, which would call a correct report "contradicted".
    adjusted = fr.load_prices(["AMZN"], "2020-06-01", "2020-06-12", adjusted=True)
    with pytest.raises(fr.AnalysisError, match=r"adjusted closes .*fr.load_prices\(\.\.\., adjusted=False\)"):
        fr.check_claims(claims((2647.45, "usd", "AMZN", "2020-06-10", "close")), adjusted)


def test_rebase_takes_time_zone_aware_dates_as_returns_does(synthetic):
    naive = synthetic[synthetic["ticker"] == "SYNA"]
    aware = naive.assign(date=naive["date"].dt.tz_localize("America/New_York"))
    expected = fr.rebase(naive, "2020-06-13")["rebased"].to_numpy()
    np.testing.assert_allclose(fr.rebase(aware, "2020-06-13")["rebased"].to_numpy(), expected)
    np.testing.assert_allclose(fr.rebase(aware, "2020-06-13", sessions=False)["rebased"].to_numpy(), expected)
