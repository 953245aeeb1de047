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

The table is printed and written to ``benchmarks/results/bench_event_study.csv``.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

import frstory as fr

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


def main() -> int:
    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"statsmodels {sm.__version__}, {os.cpu_count()} cpus; synthetic data")
    rows = []
    for name, build in (("500 tickers x 1 event", case_many_tickers), ("1 ticker x 500 events", case_many_events)):
        prices, events = build()
        rows.append(compare(name, prices, events))
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False))
    write_atomically(table, RESULTS / "bench_event_study.csv")
    print(f"written to {RESULTS / 'bench_event_study.csv'}")
    return 0 if table["identical_1e-10"].all() else 1


if __name__ == "__main__":
    sys.exit(main())
