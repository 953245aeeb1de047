"""Benchmark: vectorised fr.event_studies against a plain per-event statsmodels OLS loop.

Two shapes on synthetic data (fr.synthetic_prices; nothing real):

* 500 tickers x 1 event (every firm on the same day, like a market-wide announcement);
* 1 ticker x 500 events (one firm, many announcements).

Both sides start from the same tidy price frame and compute the market model over the
estimation window (-250, -11), AR on day 0 and CAR over (-5, +5) with their prediction-error
standard deviations. The baseline is the straightforward approach: pivot once, then for every
event ``fr.reaction_session``, slice, fit ``statsmodels.OLS``, sum the abnormal returns and take
the covariance ``sigma^2 I + X* Cov(params) X*'`` of the event window. Speed is reported as a ratio measured in the same
run (best of several repeats of each side), with the largest absolute differences between the two
sets of numbers. Run::

    python benchmarks/bench_event_study.py

Then, at market scale (500 tickers x 30 event dates = 15,000 pairs on a 4-year daily panel,
about half a million price rows): the time of ``fr.event_studies`` (goal <= 1 s), its numbers
against the statsmodels loop on a random sample of pairs, its peak memory (``tracemalloc``) for
several ``block_size`` values and for growing numbers of events at the default block size, and
the same 15,000 pairs run on a ``distributed.LocalCluster`` (2 worker processes), whose table
must equal the local one. Run::

    python benchmarks/bench_event_study.py            # everything, ~3-5 min on 2 shared cores
    python benchmarks/bench_event_study.py --no-dask  # without the LocalCluster part

The tables are printed and written to ``benchmarks/results/bench_event_study*.csv``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

import frstory as fr
from frstory.analysis.event_study import BLOCK_SIZE

BENCHMARK = "^SYNX"
ESTIMATION = (-250, -11)
EVENT = (-5, 5)
RESULTS = Path(__file__).resolve().parent / "results"


def baseline(prices: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """One statsmodels OLS per event: what a careful analyst would write first."""
    wide = prices.pivot(index="date", columns="ticker", values="close")
    wide = wide.reindex(fr.nyse_sessions(wide.index.min(), wide.index.max()))
    rets = wide.pct_change(fill_method=None)
    rows = []
    for event in events.itertuples():
        day0 = fr.reaction_session(event.date, event.market_session)
        pos = rets.index.get_loc(day0)
        est = rets.iloc[pos + ESTIMATION[0]: pos + ESTIMATION[1] + 1][[event.ticker, BENCHMARK]].dropna()
        fit = sm.OLS(est[event.ticker], sm.add_constant(est[BENCHMARK])).fit()
        alpha, beta = fit.params["const"], fit.params[BENCHMARK]
        window = rets.iloc[pos + EVENT[0]: pos + EVENT[1] + 1]
        ar = window[event.ticker] - alpha - beta * window[BENCHMARK]
        # Prediction-error covariance of the event window: sigma^2 I + X* Cov(params) X*'.
        x = sm.add_constant(window[[BENCHMARK]], has_constant="add").to_numpy()
        cov = fit.mse_resid * np.eye(len(x)) + x @ fit.cov_params().to_numpy() @ x.T
        rows.append({"event_id": event.id, "alpha": alpha, "beta": beta, "ar_0": ar.iloc[-EVENT[0]], "car": ar.sum(),
                     "ar_0_sd": float(np.sqrt(cov[-EVENT[0], -EVENT[0]])), "car_sd": float(np.sqrt(cov.sum()))})
    return pd.DataFrame(rows)


def vectorised(prices: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    return fr.event_studies(prices, events, benchmark=BENCHMARK, estimation_window=ESTIMATION, event_window=EVENT)


def best_time(func, *args, repeat: int) -> tuple[float, pd.DataFrame]:
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = func(*args)
        best = min(best, time.perf_counter() - start)
    return best, out


def case_many_tickers(n: int = 500) -> tuple[pd.DataFrame, pd.DataFrame]:
    tickers = [f"SYN{i:03d}" for i in range(n)]
    rng = np.random.default_rng(1)
    prices = fr.synthetic_prices(tickers, "2019-01-02", "2020-12-31", benchmark=BENCHMARK,
                                 beta=dict(zip(tickers, rng.uniform(0.5, 1.5, n))), seed=1)
    events = pd.DataFrame({"id": [f"syn-{t.lower()}" for t in tickers], "ticker": tickers,
                           "date": pd.Timestamp("2020-06-10"), "market_session": "post"})
    return prices, events


def case_many_events(n: int = 500) -> tuple[pd.DataFrame, pd.DataFrame]:
    prices = fr.synthetic_prices(["SYNA"], "2015-01-02", "2022-12-30", benchmark=BENCHMARK, seed=2)
    sessions = fr.nyse_sessions("2015-01-02", "2022-12-30")
    rng = np.random.default_rng(2)
    picks = np.sort(rng.choice(np.arange(260, len(sessions) - 10), size=n, replace=False))
    events = pd.DataFrame({"id": [f"syn-event-{i:03d}" for i in range(n)], "ticker": "SYNA",
                           "date": sessions[picks],
                           "market_session": rng.choice(["pre", "regular", "post"], size=n)})
    return prices, events


def compare(name: str, prices: pd.DataFrame, events: pd.DataFrame) -> dict:
    fast_s, fast = best_time(vectorised, prices, events, repeat=5)
    slow_s, slow = best_time(baseline, prices, events, repeat=2)
    merged = fast.merge(slow, on="event_id", suffixes=("", "_ols"))
    assert len(merged) == len(events), "both sides must cover every event"
    diff = {c: float(np.max(np.abs(merged[c] - merged[f"{c}_ols"])))
            for c in ("alpha", "beta", "ar_0", "car", "ar_0_sd", "car_sd")}
    return {
        "case": name,
        "pairs": len(events),
        "event_studies_s": round(fast_s, 4),
        "statsmodels_loop_s": round(slow_s, 4),
        "speedup": round(slow_s / fast_s, 1),
        **{f"max_abs_diff_{c}": f"{v:.1e}" for c, v in diff.items()},
        "identical_1e-10": all(v <= 1e-10 for v in diff.values()),
    }


def write_atomically(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            frame.to_csv(fh, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def case_market(n_tickers: int = 500, n_dates: int = 30) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every ticker on each of ``n_dates`` announcement days (a whole index around 30 news days)."""
    tickers = [f"SYN{i:03d}" for i in range(n_tickers)]
    rng = np.random.default_rng(3)
    prices = fr.synthetic_prices(tickers, "2019-01-02", "2022-12-30", benchmark=BENCHMARK,
                                 beta=dict(zip(tickers, rng.uniform(0.5, 1.5, n_tickers))), seed=3)
    sessions = fr.nyse_sessions("2020-01-02", "2022-12-15")
    dates = sessions[np.sort(rng.choice(len(sessions), size=n_dates, replace=False))]
    return prices, market_events(tickers, dates, rng)


def market_events(tickers: list[str], dates, rng) -> pd.DataFrame:
    return pd.DataFrame({
        "id": [f"syn-{j:02d}-{t.lower()}" for j in range(len(dates)) for t in tickers],
        "ticker": tickers * len(dates),
        "date": np.repeat(pd.DatetimeIndex(dates), len(tickers)),
        "market_session": np.repeat(rng.choice(["pre", "regular", "post"], size=len(dates)), len(tickers)),
    })


def max_differences(fast: pd.DataFrame, slow: pd.DataFrame) -> dict[str, float]:
    merged = fast.merge(slow, on="event_id", suffixes=("", "_ols"))
    assert len(merged) == len(slow), "both sides must cover every sampled pair"
    return {c: float(np.max(np.abs(merged[c] - merged[f"{c}_ols"])))
            for c in ("alpha", "beta", "ar_0", "car", "ar_0_sd", "car_sd")}


def peak_mib(func) -> float:
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def market_scale(prices: pd.DataFrame, events: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    fast_s, fast = best_time(vectorised, prices, events, repeat=3)
    # CPU time of this process as well: on a shared, overloaded machine the wall clock mostly
    # measures the queue for a core.
    cpu_s = np.inf
    for _ in range(3):
        start = time.process_time()
        vectorised(prices, events)
        cpu_s = min(cpu_s, time.process_time() - start)
    sample = events.sample(300, random_state=7)
    slow_s, slow = best_time(baseline, prices, sample, repeat=1)
    diff = max_differences(fast, slow)
    row = {
        "case": f"{events['ticker'].nunique()} tickers x {events['date'].nunique()} dates",
        "pairs": len(events), "price_rows": len(prices),
        "event_studies_s": round(fast_s, 3),
        "event_studies_cpu_s": round(cpu_s, 3),
        "statsmodels_loop_300_sampled_pairs_s": round(slow_s, 2),
        "loop_extrapolated_to_all_pairs_s": round(slow_s * len(events) / len(sample), 1),
        **{f"max_abs_diff_{c}": f"{v:.1e}" for c, v in diff.items()},
        "identical_1e-10": all(v <= 1e-10 for v in diff.values()),
    }
    return row, fast


def memory_table(prices: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    rows = []

    def run(frame, block_size):
        return lambda: fr.event_studies(prices, frame, benchmark=BENCHMARK, estimation_window=ESTIMATION,
                                        event_window=EVENT, block_size=block_size)

    for block_size in (250, 500, 1000, BLOCK_SIZE, 5000, len(events)):
        rows.append({"pairs": len(events), "block_size": block_size, "peak_MiB": round(peak_mib(run(events, block_size)), 1)})
    dates = sorted(events["date"].unique())
    for n_dates in (3, 6, 15):
        subset = events[events["date"].isin(dates[:n_dates])]
        rows.append({"pairs": len(subset), "block_size": BLOCK_SIZE,
                     "peak_MiB": round(peak_mib(run(subset, BLOCK_SIZE)), 1)})
    return pd.DataFrame(rows).drop_duplicates()


def dask_cluster(prices: pd.DataFrame, events: pd.DataFrame, local: pd.DataFrame) -> pd.DataFrame:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    rows = []
    start = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        rows.append({"step": "start LocalCluster (2 worker processes)", "s": round(time.perf_counter() - start, 2)})
        start = time.perf_counter()
        fr.event_studies(prices, events.head(500), benchmark=BENCHMARK, client=client)  # workers import frstory
        rows.append({"step": "first call (workers import frstory; 500 pairs)", "s": round(time.perf_counter() - start, 2)})
        kwargs = dict(benchmark=BENCHMARK, estimation_window=ESTIMATION, event_window=EVENT)
        remote_s, remote = best_time(lambda: fr.event_studies(prices, events, client=client, **kwargs), repeat=2)
        pd.testing.assert_frame_equal(remote, local, check_exact=True)
        rows.append({"step": f"{len(events):,} pairs, client= (same table as local)", "s": round(remote_s, 2)})
        panel = client.persist(dd.from_pandas(prices, npartitions=8))  # the prices live on the workers
        frame_s, frame = best_time(lambda: fr.event_studies(panel, events, client=client, **kwargs), repeat=2)
        pd.testing.assert_frame_equal(frame, local, check_exact=True)
        rows.append({"step": f"{len(events):,} pairs, Dask DataFrame panel (same table)", "s": round(frame_s, 2)})
    return pd.DataFrame(rows)


def show(title: str, table: pd.DataFrame) -> None:
    print(f"\n{title}")
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(table.to_string(index=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-dask", action="store_true", help="skip the LocalCluster measurements")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"statsmodels {sm.__version__}, {os.cpu_count()} cpus, load average "
          f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}; synthetic data")
    rows = []
    for name, build in (("500 tickers x 1 event", case_many_tickers), ("1 ticker x 500 events", case_many_events)):
        prices, events = build()
        rows.append(compare(name, prices, events))
    table = pd.DataFrame(rows)
    show("500 pairs: fr.event_studies against a statsmodels loop (goal >= 50x, identical to 1e-10)", table)
    write_atomically(table, RESULTS / "bench_event_study.csv")

    prices, events = case_market()
    market, local = market_scale(prices, events)
    show("Market scale (goal <= 1 s, identical to 1e-10 on the sampled pairs)", pd.DataFrame([market]))
    write_atomically(pd.DataFrame([market]), RESULTS / "bench_event_study_market.csv")
    memory = memory_table(prices, events)
    show("Peak memory (tracemalloc) by block size and by number of pairs", memory)
    write_atomically(memory, RESULTS / "bench_event_study_memory.csv")
    if not args.no_dask:
        cluster = dask_cluster(prices, events, local)
        show("Dask LocalCluster", cluster)
        write_atomically(cluster, RESULTS / "bench_event_study_dask.csv")
    print(f"\nload average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())}; "
          f"tables written to {RESULTS}/bench_event_study*.csv")
    return 0 if table["identical_1e-10"].all() and market["identical_1e-10"] else 1


if __name__ == "__main__":
    sys.exit(main())
