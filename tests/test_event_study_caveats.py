"""Specification of the caveats an event study appends to its summary.

* A summary names the stock and the benchmark in its caveats exactly as in its own sentences:
  ``summary(names=...)`` reaches the caveats too, so a ticker nobody registered never shows raw.
* With as-traded closes (``price="close"``), an ex-date on which the adjusted close rises against
  the as-traded close by more than an ordinary dividend does (a spin-off, a special dividend) is a
  caveat naming the day, the size and the fix.

All prices are synthetic (fr.synthetic_prices); spin-offs, dividends and splits are made up by
the helpers below, in the way Yahoo reports them.
"""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

import frstory as fr
from frstory import prose

# Synthetic tickers that no story registers: their reader names come only from names=.
STOCK, BENCH = "SYNQ", "^SYNQX"
NAMES = {STOCK: "Synq Corp", BENCH: "the synthetic index"}


def short_history():
    """Synthetic prices from January 2020: an estimation window for mid-March is cut short."""
    return fr.synthetic_prices([STOCK], "2020-01-02", "2020-12-31", benchmark=BENCH, seed=11)


def cut_short(prices, **kwargs):
    return fr.event_study(prices, STOCK, "2020-03-16", benchmark=kwargs.pop("benchmark", BENCH),
                          estimation_window=(-60, -11), **kwargs)


@pytest.fixture(scope="module")
def two_years():
    return fr.synthetic_prices([STOCK, "SYNR"], "2019-01-02", "2020-12-31", benchmark=BENCH, seed=5)


def distribute(prices, ticker, ex_date, fraction):
    """Synthetic: ``ticker`` pays out ``fraction`` of its value on ``ex_date``, as Yahoo reports it.

    As traded, open, high, low and close from the ex-date on are lower by the payout. The adjusted
    close counts the payout as kept by shareholders: its returns do not change, and it is scaled
    to equal the close on the last date, Yahoo's convention.
    """
    out = prices.copy()
    stock = out["ticker"] == ticker
    after = stock & (out["date"] >= pd.Timestamp(ex_date))
    out.loc[after, ["open", "high", "low", "close"]] *= 1 - fraction
    out.loc[stock, "adj_close"] *= 1 - fraction
    return out


def study(prices, ticker=STOCK, **kwargs):
    return fr.event_study(prices, ticker, "2020-06-10", benchmark=BENCH, market_session="post", **kwargs)


def distribution_caveats(res):
    return [w for w in res.warnings if "relative to its as-traded close" in w]


# ---------------------------------------------------------------------------------- names


def test_caveats_name_the_firm_and_index_as_the_summary_does():
    assert STOCK not in prose.display_names() and BENCH not in prose.display_names()
    res = cut_short(short_history())
    text = res.summary(names=NAMES)
    assert "first return available for Synq Corp and the synthetic index" in text
    assert STOCK not in text and BENCH not in text


def test_every_caveat_that_names_the_firm_takes_the_summary_name():
    # A made-up 5% spin-off and another listed event of the same firm: caveats that open with its name.
    prices = distribute(short_history(), STOCK, "2020-03-12", 0.05)
    events = pd.DataFrame({"id": ["syn-q-earlier"], "ticker": [STOCK], "date": [pd.Timestamp("2020-03-18")],
                           "market_session": ["regular"], "headline": ["Synthetic earlier news of Q"]})
    res = cut_short(prices, events=events)
    assert len(res.warnings) >= 4
    text = res.summary(names=NAMES)
    assert "Synq Corp's adjusted close rose" in text and "Another listed event of Synq Corp falls inside the event window" in text
    assert STOCK not in text and BENCH not in text


def test_a_caveat_opening_with_the_index_opens_with_its_name_capitalised():
    # Synthetic: the index's close carried forward on three sessions of every five, as if never traded.
    prices = short_history()
    index = prices.index[prices["ticker"] == BENCH]
    carried = index[1:][pd.RangeIndex(1, len(index)) % 5 < 3]
    for row in carried:
        prices.loc[row, "close"] = prices.loc[row - 1, "close"]
    text = cut_short(prices).summary(names=NAMES)
    assert "The synthetic index did not move on at least half of the 39 estimation sessions" in text
    assert BENCH not in text


def test_caveats_keep_the_registered_name_of_an_index():
    res = cut_short(fr.synthetic_prices([STOCK], "2020-01-02", "2020-12-31", benchmark="^GSPC", seed=11),
                    benchmark="^GSPC")
    assert any("available for SYNQ and the S&P 500" in w for w in res.warnings)
    assert "available for Synq Corp and the S&P 500" in res.summary(names={STOCK: "Synq Corp"})


def test_a_summary_without_a_name_for_the_index_says_how_to_register_one():
    res = cut_short(short_history())
    assert res.warnings
    with pytest.raises(fr.FrstoryError, match=r"no display name for ticker '\^SYNQX'.*register_display_names"):
        res.summary(names={STOCK: "Synq Corp"})


def test_a_result_pickled_and_loaded_writes_the_same_summary():
    res = cut_short(short_history())
    again = pickle.loads(pickle.dumps(res))
    assert again.warnings == res.warnings
    assert again.summary(names=NAMES) == res.summary(names=NAMES)


# ---------------------------------------------------------------------------------- distributions


def test_a_spin_off_in_the_event_window_is_a_caveat_with_its_day_size_and_fix(two_years):
    prices = distribute(two_years, STOCK, "2020-06-08", 0.05)  # day -2 of day 0 Thursday 11 June 2020
    (caveat,) = distribution_caveats(study(prices))
    # 1 / (1 - 5%) - 1: the adjusted close's rise against the as-traded close on the ex-date.
    assert caveat.startswith("SYNQ's adjusted close rose 5.3% relative to its as-traded close on 8 June 2020,")
    assert "spin-off or a special dividend" in caveat and "too low by about as much on that day" in caveat
    assert caveat.endswith("use price='adj_close'.")


def test_a_spin_off_in_the_estimation_window_is_a_caveat(two_years):
    prices = distribute(two_years, STOCK, "2020-03-02", 0.04)
    (caveat,) = distribution_caveats(study(prices))
    assert "rose 4.2% relative to its as-traded close on 2 March 2020" in caveat


def test_several_distributions_are_counted_and_the_first_is_named(two_years):
    prices = distribute(distribute(two_years, STOCK, "2020-02-03", 0.03), STOCK, "2020-06-08", 0.05)
    (caveat,) = distribution_caveats(study(prices))
    assert ("rose 3.1% relative to its as-traded close on 3 February 2020 (and by more than 2% on 1 other "
            "session in the windows)") in caveat
    assert "too low by about as much on those days" in caveat


def test_adjusted_closes_need_no_distribution_caveat(two_years):
    prices = distribute(two_years, STOCK, "2020-06-08", 0.05)
    assert not distribution_caveats(study(prices, price="adj_close"))


def test_ordinary_quarterly_dividends_are_not_flagged(two_years):
    prices = two_years
    for ex_date in ("2019-08-08", "2019-11-07", "2020-02-07", "2020-05-07"):
        prices = distribute(prices, STOCK, ex_date, 0.015)  # a 6%-a-year payer (synthetic)
    assert not distribution_caveats(study(prices))


def test_a_distribution_in_an_excluded_period_is_not_flagged(two_years):
    prices = distribute(two_years, STOCK, "2020-03-02", 0.05)
    assert not distribution_caveats(study(prices, exclude=[("2020-02-24", "2020-03-06")]))


def test_a_split_gets_the_split_caveat_alone(two_years):
    prices = two_years.copy()
    before = (prices["ticker"] == STOCK) & (prices["date"] < "2020-03-02")
    prices.loc[before, ["open", "high", "low", "close"]] *= 20  # a made-up 20-for-1 split; adj_close split-adjusted
    res = study(prices)
    assert any("looks like a stock split" in w for w in res.warnings)
    assert not distribution_caveats(res)


def test_a_batch_flags_the_spin_off_of_its_firm_only_with_the_single_study_text(two_years):
    prices = distribute(two_years, STOCK, "2020-06-08", 0.05)
    events = pd.DataFrame({"id": ["syn-q", "syn-r"], "ticker": [STOCK, "SYNR"],
                           "date": pd.to_datetime(["2020-06-10", "2020-06-10"]), "market_session": ["post", "post"]})
    table = fr.event_studies(prices, events, benchmark=BENCH).set_index("event_id")
    (caveat,) = distribution_caveats(study(prices))
    assert caveat in table.loc["syn-q", "warnings"].split("\n")
    assert "as-traded close" not in table.loc["syn-r", "warnings"]
