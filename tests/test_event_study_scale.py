"""Specification of fr.event_studies at market scale: blocks of event dates, bounded memory, Dask.

Inputs are synthetic (fr.synthetic_prices). The Dask tests start a real
``distributed.LocalCluster`` with two worker processes; speed is measured in
benchmarks/bench_event_study.py, never here.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import frstory as fr
from frstory.errors import AnalysisError

BENCH = "^SYNX"
TICKERS = [f"SYN{i:02d}" for i in range(24)]


@pytest.fixture(scope="module")
def prices():
    rng = np.random.default_rng(5)
    frame = fr.synthetic_prices(TICKERS, "2019-01-02", "2021-12-30", benchmark=BENCH,
                                beta=dict(zip(TICKERS, rng.uniform(0.5, 1.5, len(TICKERS)))), seed=5,
                                abnormal={("SYN03", "2020-09-14"): 0.9})
    # Gaps: a missing price drops two returns, which the warnings report.
    return frame.drop(frame.index[rng.choice(len(frame), 400, replace=False)]).reset_index(drop=True)


def market_events(tickers, dates, seed=0):
    """Every ticker on every date (a market-wide study), with headlines and mixed sessions."""
    rng = np.random.default_rng(seed)
    n = len(tickers) * len(dates)
    return pd.DataFrame({
        "id": [f"e{j:02d}-{t}" for j in range(len(dates)) for t in tickers],
        "ticker": list(tickers) * len(dates),
        "date": np.repeat(pd.DatetimeIndex(dates), len(tickers)),
        "market_session": rng.choice(["pre", "regular", "post"], n),
        "headline": [f"News <{j}> about {t}" for j in range(len(dates)) for t in tickers],
    })


@pytest.fixture(scope="module")
def events():
    # 12 dates, some a few sessions apart: same-firm events overlap each other's windows.
    dates = fr.nyse_sessions("2020-01-02", "2021-12-01")[[5, 9, 60, 130, 134, 200, 260, 300, 301, 380, 420, 470]]
    frame = market_events(TICKERS, dates)
    early = pd.DataFrame({"id": ["too-early"], "ticker": ["SYN01"], "date": [pd.Timestamp("2019-02-01")],
                          "market_session": ["regular"], "headline": ["Before the data"]})
    return pd.concat([frame, early], ignore_index=True)


# ------------------------------------------------------------------------------------ blocks


@pytest.mark.parametrize("block_size", [1, 7, 100])
def test_the_table_does_not_depend_on_the_block_size(prices, events, block_size):
    whole = fr.event_studies(prices, events, benchmark=BENCH, on_error="record", block_size=len(events))
    blocked = fr.event_studies(prices, events, benchmark=BENCH, on_error="record", block_size=block_size)
    # Equal to rounding: numpy may sum a block of 1 and a block of 100 in a different order.
    pd.testing.assert_frame_equal(blocked, whole, check_exact=False, rtol=1e-12, atol=1e-15)
    assert blocked.attrs == whole.attrs


def test_blocks_keep_every_warning(prices, events):
    table = fr.event_studies(prices, events, benchmark=BENCH, on_error="record", block_size=5).set_index("event_id")
    text = "\n".join(table["warnings"])
    assert "returns were missing" in text
    assert "looks like a stock split" in text
    assert re.search(r"The estimation window contains (another listed event of SYN05, News <|\w+ other listed "
                     r"events of SYN05: News <)", text)
    assert table.loc["too-early", "warnings"].startswith("Not computed: ")


def test_a_failed_event_in_any_block_raises_naming_it(prices, events):
    with pytest.raises(AnalysisError, match="event 'too-early' \\(SYN01\\)"):
        fr.event_studies(prices, events, benchmark=BENCH, block_size=3)


@pytest.mark.parametrize("block_size", [0, -5, 2.5, True, "100"])
def test_block_size_must_be_a_positive_whole_number(prices, events, block_size):
    with pytest.raises(AnalysisError, match="block_size=.* positive whole number"):
        fr.event_studies(prices, events, benchmark=BENCH, block_size=block_size)


def test_a_market_batch_equals_statsmodels_on_a_sample_of_pairs(prices):
    dates = fr.nyse_sessions("2020-03-02", "2021-11-30")[::45]
    events = market_events(TICKERS, dates, seed=3).assign(market_session="regular")
    table = fr.event_studies(prices, events, benchmark=BENCH, block_size=50).set_index("event_id")
    wide = prices.pivot(index="date", columns="ticker", values="close")
    rets = wide.reindex(fr.nyse_sessions(wide.index.min(), wide.index.max())).pct_change(fill_method=None)
    for event in events.sample(12, random_state=1).itertuples():
        pos = rets.index.get_loc(event.date)
        est = rets.iloc[pos - 250: pos - 10][[event.ticker, BENCH]].dropna()
        fit = sm.OLS(est[event.ticker], sm.add_constant(est[BENCH])).fit()
        window = rets.iloc[pos - 5: pos + 6]
        ar = (window[event.ticker] - fit.params["const"] - fit.params[BENCH] * window[BENCH]).dropna()
        row = table.loc[event.id]
        assert row["alpha"] == pytest.approx(fit.params["const"], abs=1e-10)
        assert row["beta"] == pytest.approx(fit.params[BENCH], abs=1e-10)
        assert row["car"] == pytest.approx(ar.sum(), abs=1e-10)


# ------------------------------------------------------------------------------------ sessions kept


def test_a_batch_around_one_date_equals_the_single_event_study_of_each_pair(prices):
    # Three years of prices, events in one month: the batch keeps only the sessions its windows need.
    events = market_events(TICKERS[:6], ["2020-06-10"]).assign(market_session="post")
    table = fr.event_studies(prices, events, benchmark=BENCH, on_error="record").set_index("event_id")
    for event in events.itertuples():
        single = fr.event_study(prices, event.ticker, event.date, market_session="post", benchmark=BENCH)
        row = table.loc[event.id]
        whole = single.car()
        assert row["alpha"] == pytest.approx(single.alpha, abs=1e-14)
        assert row["beta"] == pytest.approx(single.beta, abs=1e-14)
        assert (row["car"], row["car_sd"]) == (pytest.approx(whole.car, abs=1e-14), pytest.approx(whole.sd, abs=1e-14))
        assert (row["estimation_start"], row["estimation_end"]) == (single.estimation_start, single.estimation_end)


def test_a_batch_names_where_a_stocks_prices_really_begin_and_end(prices):
    # SYN04's prices stop two sessions after day 0; they began years before the sessions the batch
    # needs, and the truncation caveat still gives the first return of the data, not of the batch.
    cut = prices[(prices["ticker"] != "SYN04") | (prices["date"] <= "2020-06-15")]
    events = market_events(["SYN04"], ["2020-06-11"]).assign(market_session="regular")
    row = fr.event_studies(cut, events, benchmark=BENCH).iloc[0]
    first_return = fr.nyse_sessions("2019-01-02", "2019-01-31")[1]
    assert "(" + fr.prose.date(first_return) + " to 15 June 2020)" in row["warnings"]


def test_the_order_of_the_price_rows_does_not_change_the_table(prices, events):
    # Rows grouped by ticker (as loaders write them) and shuffled (no ticker's rows together) align
    # to the same panel; more than 10,000 rows, so the grouped frame is read run by run.
    grouped = prices.sort_values(["ticker", "date"], ignore_index=True)
    shuffled = grouped.sample(frac=1.0, random_state=7).reset_index(drop=True)
    assert len(grouped) > 10_000
    a = fr.event_studies(grouped, events, benchmark=BENCH, on_error="record")
    b = fr.event_studies(shuffled, events, benchmark=BENCH, on_error="record")
    pd.testing.assert_frame_equal(a, b)


def test_a_batch_refuses_a_bad_price_outside_the_sessions_it_needs(prices):
    # Every row is still checked, not only the year around the events.
    bad = prices.copy()
    bad.loc[(bad["ticker"] == "SYN02") & (bad["date"] == bad["date"].max()), "close"] = -1.0
    events = market_events(["SYN02"], ["2020-06-11"])
    with pytest.raises(AnalysisError, match=r"SYN02 has close = -1 on 30 December 2021|SYN02 has close = -1 on 2021-12-30"):
        fr.event_studies(bad, events, benchmark=BENCH)


def test_clustered_with_lists_other_firms_sharing_a_session_in_list_order(prices, events):
    table = fr.event_studies(prices, events, benchmark=BENCH, on_error="record", block_size=13)
    day0 = pd.DatetimeIndex(table["day0"])
    sessions = fr.nyse_sessions("2018-01-02", "2022-12-30")
    pos = np.where(day0.isna(), -1, sessions.get_indexer(day0))
    ids, tickers = table["event_id"].tolist(), table["ticker"].tolist()
    for i in range(0, len(table), 37):
        hits = [ids[j] for j in range(len(table)) if pos[j] >= 0 and pos[i] >= 0 and abs(pos[i] - pos[j]) <= 10
                and tickers[j] != tickers[i]]
        expected = ", ".join(hits[:5]) + (f" and {len(hits) - 5} more" if len(hits) > 5 else "")
        assert table["clustered_with"].iloc[i] == expected


def _peak_mib(func) -> float:
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_working_memory_is_bounded_by_one_block_not_the_number_of_events(prices):
    dates = fr.nyse_sessions("2020-02-03", "2021-11-30")
    small = market_events(TICKERS, dates[::20][:10])   # 240 events
    large = market_events(TICKERS, dates[::5][:40])    # 960 events

    def run(events, block_size):
        return lambda: fr.event_studies(prices, events, benchmark=BENCH, block_size=block_size)

    fr.event_studies(prices, small, benchmark=BENCH)  # warm caches (calendar, babel) outside the measure
    # Four times the events in blocks of 240: only the table itself grows (~2 KB per event).
    small_peak, large_peak = _peak_mib(run(small, 240)), _peak_mib(run(large, 240))
    one_block_peak = _peak_mib(run(large, len(large)))
    assert large_peak < 1.4 * small_peak, (small_peak, large_peak)
    assert one_block_peak > 2.5 * large_peak, (large_peak, one_block_peak)


# -------------------------------------------------------------------------------------- Dask


def _run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)


def test_the_local_path_does_not_import_dask():
    done = _run_python("""
        import sys
        import frstory as fr
        prices = fr.synthetic_prices(["SYNA", "SYNB"], benchmark="^SYNX")
        fr.event_studies(prices, fr.synthetic_events(), benchmark="^SYNX", block_size=1)
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed"))
        print(loaded)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_without_dask_a_client_gets_the_install_command():
    done = _run_python("""
        import sys
        sys.modules["dask"] = sys.modules["distributed"] = None  # as if the extra were not installed
        import frstory as fr
        prices = fr.synthetic_prices(["SYNA", "SYNB"], benchmark="^SYNX")
        try:
            fr.event_studies(prices, fr.synthetic_events(), benchmark="^SYNX", client=object())
        except fr.AnalysisError as exc:
            print(exc)
    """)
    assert done.returncode == 0, done.stderr
    assert "pip install 'frstory[dask]'" in done.stdout


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            yield client


def test_blocks_on_a_local_cluster_give_the_local_table(prices, events, dask_client):
    local = fr.event_studies(prices, events, benchmark=BENCH, on_error="record", block_size=50)
    remote = fr.event_studies(prices, events, benchmark=BENCH, on_error="record", block_size=50, client=dask_client)
    pd.testing.assert_frame_equal(remote, local, check_exact=True)


def test_a_dask_dataframe_panel_gives_the_local_table(prices, events, dask_client):
    dd = pytest.importorskip("dask.dataframe")
    local = fr.event_studies(prices, events, benchmark=BENCH, on_error="record")
    remote = fr.event_studies(dd.from_pandas(prices, npartitions=4), events, benchmark=BENCH, on_error="record",
                              client=dask_client)
    pd.testing.assert_frame_equal(remote, local, check_exact=True)


def test_a_dask_dataframe_panel_keeps_the_spin_off_caveat_of_as_traded_closes(prices, events, dask_client):
    dd = pytest.importorskip("dask.dataframe")
    # Synthetic: SYN05 pays out 5% of its value on the first event date (as-traded prices fall by
    # it from then on, the adjusted close does not), which as-traded returns count as a loss.
    ex_date = events["date"].min()
    paid = prices.copy()
    after = (paid["ticker"] == "SYN05") & (paid["date"] >= ex_date)
    paid.loc[after, ["open", "high", "low", "close"]] *= 0.95
    local = fr.event_studies(paid, events, benchmark=BENCH, on_error="record")
    assert local["warnings"].str.contains("relative to its as-traded close").any()
    remote = fr.event_studies(dd.from_pandas(paid, npartitions=4), events, benchmark=BENCH, on_error="record",
                              client=dask_client)
    pd.testing.assert_frame_equal(remote, local, check_exact=True)


def test_a_dask_dataframe_panel_missing_a_column_is_named(prices, events, dask_client):
    dd = pytest.importorskip("dask.dataframe")
    with pytest.raises(AnalysisError, match="adj_close"):
        fr.event_studies(dd.from_pandas(prices.drop(columns="adj_close"), npartitions=2), events,
                         benchmark=BENCH, price="adj_close", client=dask_client)


def test_client_must_be_a_dask_client(prices, events):
    with pytest.raises(AnalysisError, match="client= must be a dask.distributed Client"):
        fr.event_studies(prices, events, benchmark=BENCH, client="tcp://127.0.0.1:8786")


def test_the_window_rank_statistic_equals_scipys_ranks_with_ties_and_gaps():
    from scipy import stats

    from frstory.analysis import inference

    rng = np.random.default_rng(8)
    est = rng.normal(size=(40, 60)).round(1)  # rounding makes ties
    win = rng.normal(0.5, 1, size=(40, 4)).round(1)
    est[rng.random(est.shape) < 0.1] = np.nan
    win[rng.random(win.shape) < 0.2] = np.nan
    win[3] = np.nan  # a row without window data
    z, _ = inference.rank_test_window(est, win)
    for row in range(40):
        pool = np.concatenate([est[row], win[row]])
        ranks = stats.rankdata(pool, nan_policy="omit") / (np.isfinite(pool).sum() + 1) - 0.5
        window = ranks[60:][np.isfinite(win[row])]
        expected = window.sum() / (np.sqrt(window.size) * np.sqrt(np.nanmean(ranks**2))) if window.size else np.nan
        np.testing.assert_allclose(z[row], expected, rtol=1e-12, equal_nan=True)
