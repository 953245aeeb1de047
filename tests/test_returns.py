"""Specification of fr.returns and fr.rebase on synthetic prices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import frstory as fr


@pytest.fixture
def synthetic():
    return fr.synthetic_prices(["SYNA", "SYNB"], "2020-06-01", "2020-07-31", benchmark="^SYNX", seed=3)


def _close(prices, ticker, day):
    return float(prices.loc[(prices["ticker"] == ticker) & (prices["date"] == day), "close"].iloc[0])


def test_simple_returns_are_close_to_close_per_ticker(synthetic):
    out = fr.returns(synthetic)
    for ticker, group in out.groupby("ticker"):
        closes = group["close"].to_numpy()
        np.testing.assert_allclose(group["ret"].to_numpy()[1:], closes[1:] / closes[:-1] - 1, rtol=1e-12)


def test_first_return_of_every_ticker_is_missing(synthetic):
    out = fr.returns(synthetic)
    firsts = out.groupby("ticker")["ret"].first()  # first non-null
    heads = out.groupby("ticker").head(1)
    assert heads["ret"].isna().all()
    assert firsts.notna().all()


def test_log_returns_are_logs_of_price_ratios(synthetic):
    out = fr.returns(synthetic, "log")
    simple = fr.returns(synthetic)
    np.testing.assert_allclose(out["log_ret"], np.log1p(simple["ret"]), rtol=1e-12)


def test_adjusted_close_can_be_chosen(synthetic):
    prices = synthetic.copy()
    prices["adj_close"] = prices["close"] / 20  # a constant factor leaves returns unchanged...
    halved = prices["date"] >= "2020-07-01"
    prices.loc[halved, "adj_close"] = prices.loc[halved, "adj_close"] * 0.5  # ...a step does not
    out = fr.returns(prices, price="adj_close").query("ticker == 'SYNA'").set_index("date")
    expected = _close(prices, "SYNA", "2020-07-01") / 20 * 0.5 / (_close(prices, "SYNA", "2020-06-30") / 20) - 1
    assert out.loc["2020-07-01", "ret"] == pytest.approx(expected)
    assert fr.returns(prices).attrs["return_price"] == "close"


def test_a_missing_price_makes_that_and_the_next_return_missing(synthetic):
    prices = synthetic.copy()
    prices.loc[(prices["ticker"] == "SYNA") & (prices["date"] == "2020-06-10"), "close"] = np.nan
    out = fr.returns(prices).query("ticker == 'SYNA'").set_index("date")["ret"]
    assert out[["2020-06-10", "2020-06-11"]].isna().all()
    assert out[["2020-06-09", "2020-06-12"]].notna().all()


def test_unsorted_input_gives_sorted_output_and_is_not_modified(synthetic):
    shuffled = synthetic.sample(frac=1, random_state=1)
    before = shuffled.copy()
    out = fr.returns(shuffled)
    pd.testing.assert_frame_equal(shuffled, before)
    assert out[["ticker", "date"]].equals(
        out[["ticker", "date"]].sort_values(["ticker", "date"], ignore_index=True)
    )


def test_missing_price_column_is_a_clear_error(synthetic):
    with pytest.raises(fr.AnalysisError, match=r"no column 'adj_close'.*choose another price= column"):
        fr.returns(synthetic.drop(columns="adj_close"), price="adj_close")


def test_duplicated_rows_are_an_error_naming_ticker_and_date(synthetic):
    doubled = pd.concat([synthetic, synthetic.iloc[[5]]])
    row = synthetic.iloc[5]
    with pytest.raises(fr.AnalysisError, match=rf"{row['ticker']} .*{row['date'].date()}.*drop_duplicates"):
        fr.returns(doubled)


def test_unknown_kind_is_an_error(synthetic):
    with pytest.raises(fr.AnalysisError, match="kind 'pct' is not one of 'simple', 'log'"):
        fr.returns(synthetic, "pct")


def test_rebase_sets_every_ticker_to_100_on_the_base_session(synthetic):
    out = fr.rebase(synthetic, "2020-06-15")
    on_base = out[out["date"] == "2020-06-15"]
    assert set(on_base["ticker"]) == {"SYNA", "SYNB", "^SYNX"}
    np.testing.assert_allclose(on_base["rebased"], 100.0)
    later = out.loc[(out["ticker"] == "SYNB") & (out["date"] == "2020-07-01"), "rebased"].iloc[0]
    assert later == pytest.approx(_close(synthetic, "SYNB", "2020-07-01") / _close(synthetic, "SYNB", "2020-06-15") * 100)


def test_rebase_on_a_holiday_uses_the_last_session_before_it(synthetic):
    out = fr.rebase(synthetic, "2020-07-03", to=1.0)  # Independence Day observed
    assert (out["base_date"] == pd.Timestamp("2020-07-02")).all()
    assert out.loc[out["date"] == "2020-07-02", "rebased"].tolist() == [1.0, 1.0, 1.0]


def test_rebase_with_a_ticker_missing_on_the_base_date_names_it(synthetic):
    prices = synthetic[~((synthetic["ticker"] == "SYNB") & (synthetic["date"] == "2020-06-15"))]
    with pytest.raises(fr.AnalysisError, match=r"2020-06-15 for SYNB \(no row\)"):
        fr.rebase(prices, "2020-06-15")


def test_rebase_before_the_data_is_an_error(synthetic):
    with pytest.raises(fr.AnalysisError, match="no usable close on the base date 2020-05-01"):
        fr.rebase(synthetic, "2020-05-01")


def test_rebase_with_a_missing_base_day_names_the_day_to_use_instead(synthetic):
    prices = synthetic[~((synthetic["ticker"] == "SYNB") & (synthetic["date"] == "2020-06-15"))]
    with pytest.raises(fr.AnalysisError, match=r"pass base_date='2020-06-12' \(the last session before it on which "
                                               r"every ticker has a price\)"):
        fr.rebase(prices, "2020-06-15")


# --------------------------------------------------------------- one calendar alignment for all


def _without_session(prices, ticker, day):
    return prices[~((prices["ticker"] == ticker) & (prices["date"] == day))]


def test_a_missing_session_gives_a_missing_return_not_a_two_session_return(synthetic):
    out = fr.returns(_without_session(synthetic, "SYNA", "2020-06-10")).query("ticker == 'SYNA'").set_index("date")
    assert np.isnan(out.loc["2020-06-11", "ret"])  # 9 June -> 11 June would span two sessions
    assert out.loc["2020-06-12", "ret"] == pytest.approx(_close(synthetic, "SYNA", "2020-06-12")
                                                         / _close(synthetic, "SYNA", "2020-06-11") - 1)


def test_returns_across_a_holiday_are_one_session_apart(synthetic):
    out = fr.returns(synthetic).query("ticker == 'SYNA'").set_index("date")
    assert out.loc["2020-07-06", "ret"] == pytest.approx(_close(synthetic, "SYNA", "2020-07-06")
                                                         / _close(synthetic, "SYNA", "2020-07-02") - 1)


def test_a_row_dated_on_a_weekend_has_no_return_and_is_no_previous_price(synthetic):
    saturday = synthetic[(synthetic["ticker"] == "SYNA") & (synthetic["date"] == "2020-06-12")].assign(
        date=pd.Timestamp("2020-06-13"), close=1.0)
    out = fr.returns(pd.concat([synthetic, saturday])).query("ticker == 'SYNA'").set_index("date")
    assert np.isnan(out.loc["2020-06-13", "ret"])
    assert out.loc["2020-06-15", "ret"] == pytest.approx(_close(synthetic, "SYNA", "2020-06-15")
                                                         / _close(synthetic, "SYNA", "2020-06-12") - 1)


def test_returns_and_event_study_agree_on_every_session_with_a_gap():
    long = fr.synthetic_prices(["SYNA"], "2019-01-02", "2020-07-31", benchmark="^SYNX", seed=3)
    long = _without_session(long, "SYNA", "2020-07-08")
    res = fr.event_study(long, "SYNA", "2020-07-09", benchmark="^SYNX", event_window=(-3, 3))
    panel = fr.returns(long).pivot(index="date", columns="ticker", values="ret")
    table = res.table.set_index("date")
    np.testing.assert_array_equal(np.isnan(table["ret"]), np.isnan(panel.loc[table.index, "SYNA"]))
    np.testing.assert_allclose(table["ret"], panel.loc[table.index, "SYNA"], rtol=1e-15)
    np.testing.assert_allclose(table["benchmark_ret"], panel.loc[table.index, "^SYNX"], rtol=1e-15)


def test_rebased_prices_compound_the_daily_returns(synthetic):
    rebased = fr.rebase(synthetic, "2020-06-15").query("ticker == 'SYNB' and date >= '2020-06-15'")
    daily = fr.returns(synthetic).query("ticker == 'SYNB' and date > '2020-06-15'")
    np.testing.assert_allclose(rebased["rebased"].iloc[1:], 100 * np.cumprod(1 + daily["ret"].to_numpy()), rtol=1e-12)
