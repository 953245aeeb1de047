"""Specification of fr.check_claims: reported figures against daily prices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import frstory as fr
from frstory.analysis.factcheck import cent_rounding_allowance, reported_decimals


@pytest.fixture(scope="module")
def synthetic():
    return fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-07-31", seed=11)


def close_on(prices, day, ticker="SYNA"):
    return float(prices.loc[(prices["ticker"] == ticker) & (prices["date"] == day), "close"].iloc[0])


def claims(*rows):
    """A claims frame in the contract's columns from (value, unit, ticker, date, measure) tuples."""
    frame = pd.DataFrame(rows, columns=["value", "unit", "check_ticker", "check_date", "check_measure"])
    frame.insert(0, "id", [f"syn-claim-{i}" for i in range(len(rows))])
    frame.insert(1, "seed_file", "synthetic.txt")
    frame.insert(2, "claim", "a synthetic claim")
    return frame


def test_a_close_reported_to_the_cent_is_confirmed(synthetic):
    close = close_on(synthetic, "2020-06-10")
    out = fr.check_claims(claims((round(close, 2), "usd", "SYNA", "2020-06-10", "close")), synthetic).iloc[0]
    assert out["verdict"] == "confirmed"
    assert out["data_value"] == pytest.approx(close)
    assert out["tolerance"] == pytest.approx(0.01)  # half a cent of reporting + half a cent for the unrounded close
    assert out["difference"] == pytest.approx(round(close, 2) - close)


def test_a_close_two_cents_off_is_contradicted(synthetic):
    close = close_on(synthetic, "2020-06-10")
    out = fr.check_claims(claims((round(close, 2) + 0.02, "usd", "SYNA", "2020-06-10", "close")), synthetic).iloc[0]
    assert out["verdict"] == "contradicted"
    assert "outside the tolerance" in out["explanation"]


def test_tolerance_follows_the_reported_precision(synthetic):
    close = close_on(synthetic, "2020-06-10")
    out = fr.check_claims(claims((float(round(close)), "usd", "SYNA", "2020-06-10", "close")), synthetic).iloc[0]
    assert out["tolerance"] == pytest.approx(0.505)
    assert out["verdict"] == "confirmed"


def test_percent_change_is_against_the_previous_session_close(synthetic):
    # Monday 6 July 2020 follows the Independence Day holiday: previous session Thursday 2 July
    change = (close_on(synthetic, "2020-07-06") / close_on(synthetic, "2020-07-02") - 1) * 100
    out = fr.check_claims(claims((round(change, 2), "percent", "SYNA", "2020-07-06", "pct_change")), synthetic).iloc[0]
    assert out["verdict"] == "confirmed"
    assert out["data_value"] == pytest.approx(change)
    # Half a hundredth of reporting, plus what cent-rounding the synthetic four-decimal closes can move it.
    previous, close = close_on(synthetic, "2020-07-02"), close_on(synthetic, "2020-07-06")
    assert out["tolerance"] == pytest.approx(0.005 + cent_rounding_allowance(previous, close, change))


def test_a_percent_change_off_by_two_hundredths_is_contradicted(synthetic):
    # Closes near 100 USD: cent rounding can move the change by about 0.01 points, two hundredths it cannot.
    change = (close_on(synthetic, "2020-07-06") / close_on(synthetic, "2020-07-02") - 1) * 100
    out = fr.check_claims(claims((round(change, 2) + 0.02, "percent", "SYNA", "2020-07-06", "pct_change")),
                          synthetic).iloc[0]
    assert out["verdict"] == "contradicted"


def test_a_percent_change_on_a_split_day_is_the_split_adjusted_change(synthetic):
    # Synthetic 2-for-1 split effective 15 June 2020: as-traded prices halve, adjusted closes do not.
    split = synthetic.copy()
    after = (split["ticker"] == "SYNA") & (split["date"] >= "2020-06-15")
    split.loc[after, ["open", "high", "low", "close"]] /= 2
    adjusted = close_on(synthetic, "2020-06-15") / close_on(synthetic, "2020-06-12") - 1
    out = fr.check_claims(claims((round(adjusted * 100, 2), "percent", "SYNA", "2020-06-15", "pct_change"),
                                 (-50.0, "percent", "SYNA", "2020-06-15", "pct_change")), split)
    assert out["verdict"].tolist() == ["confirmed", "contradicted"]
    assert out["data_value"].iloc[0] == pytest.approx(adjusted * 100)
    assert "adjusted for the stock split that took effect that day" in out["explanation"].iloc[0]


def test_after_hours_claims_need_intraday_prices(synthetic):
    out = fr.check_claims(claims((-0.62, "percent", "SYNA", "2020-06-10", "after_hours")), synthetic).iloc[0]
    assert out["verdict"] == "not checkable"
    assert "needs intraday prices" in out["explanation"]
    assert np.isnan(out["data_value"])


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ((12.0, "usd", "SYNZ", "2020-06-10", "close"), "no price data for SYNZ"),
        ((12.0, "usd", "SYNA", "2021-06-10", "close"), "no price data for SYNA on 2021-06-10"),
        ((1.0, "percent", "SYNA", "2020-06-01", "pct_change"), "previous session 2020-05-29"),
        ((2.4, "percent", None, None, None), "no price check applies"),
        ((np.nan, "date", None, "2020-06-10", None), "no price check applies"),
        ((np.nan, "usd", "SYNA", "2020-06-10", "close"), "no reported number"),
        ((12.0, "count", "SYNA", "2020-06-10", "close"), "unit 'count' does not fit check_measure 'close'"),
        ((12.0, "usd", "SYNA", "June 10th-ish", "close"), "is not a date"),
        ((12.0, "usd", "SYNA", "2020-06-10", "vwap"), "unknown check_measure 'vwap'"),
    ],
)
def test_claims_the_data_cannot_decide_are_not_checkable_with_a_reason(synthetic, row, reason):
    out = fr.check_claims(claims(row), synthetic).iloc[0]
    assert out["verdict"] == "not checkable"
    assert reason in out["explanation"]


def test_one_row_per_claim_keeping_the_claim_columns(synthetic):
    frame = claims((1.0, "usd", "SYNA", "2020-06-10", "close"), (2.0, "percent", None, None, None))
    out = fr.check_claims(frame, synthetic)
    assert list(out.columns) == [*frame.columns, "verdict", "data_value", "difference", "tolerance", "explanation"]
    assert out["id"].tolist() == frame["id"].tolist()
    assert set(out["verdict"]) <= {"confirmed", "contradicted", "not checkable"}


def test_a_claims_frame_without_the_contract_columns_is_an_error(synthetic):
    with pytest.raises(fr.DataValidationError, match="no column check_measure"):
        fr.check_claims(claims((1.0, "usd", "SYNA", "2020-06-10", "close")).drop(columns="check_measure"), synthetic)


@pytest.mark.parametrize(("value", "decimals"), [(2647.45, 2), (1.79, 2), (-0.62, 2), (2631.0, 0), (0.5, 1)])
def test_reported_decimals(value, decimals):
    assert reported_decimals(value) == decimals


# ---------------------------------------------------------------------------------- real snapshot


def real_prices(market_dir, tickers=("AMZN", "^GSPC")):
    """The real snapshot imported into this test's isolated price cache, then loaded as users do."""
    from frstory.data.importer import import_directory

    import_directory(market_dir)
    return fr.load_prices(list(tickers), "2019-01-01", "2022-12-31")


@pytest.mark.market
def test_seed_figures_for_amazon_on_10_june_2020_are_confirmed(market_dir):
    prices = real_prices(market_dir)
    seed = claims((2647.45, "usd", "AMZN", "2020-06-10", "close"),
                  (1.79, "percent", "AMZN", "2020-06-10", "pct_change"),
                  (-0.62, "percent", "AMZN", "2020-06-10", "after_hours"))
    out = fr.check_claims(seed, prices)
    assert out["verdict"].tolist() == ["confirmed", "confirmed", "not checkable"]
    assert out["data_value"].iloc[0] == pytest.approx(2647.45)
    assert out["data_value"].iloc[1] == pytest.approx((2647.45 / 2600.86 - 1) * 100)

    res = fr.event_study(prices, "AMZN", "2020-06-10", market_session="post")
    assert res.day0 == pd.Timestamp("2020-06-11")
    assert any("the S&P 500 fell 5.9%" in w for w in res.warnings)
