"""Synthetic inputs shared by the chart tests (made-up tickers SYN*, made-up events): never real data.

Named test_charts_* so it stays within the chart files; it holds helpers, not tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import frstory as fr
from frstory import charts
from frstory.analysis.results import EventStudyResult

SOURCE = "Synthetic example data (frstory.examples)"

#: The made-up companies and index go by their tickers: charts refuse a ticker without a reader
#: name, and these synthetic ones have no other (the gallery registers them the same way).
SYNTHETIC_NAMES = {"SYNA": "SYNA", "SYNB": "SYNB", "SYNC": "SYNC", "^SYNX": "^SYNX"}


@pytest.fixture(autouse=True, scope="module")
def synthetic_names():
    """SYNTHETIC_NAMES registered for the tests of a module that imports this fixture (module
    scope, so that module-scoped fixtures drawing charts see them too), then unregistered."""
    from frstory.prose import names

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(names, "_registry", {**names._registry, **SYNTHETIC_NAMES})
        yield


def synthetic_prices() -> pd.DataFrame:
    return fr.synthetic_prices(["SYNA", "SYNB"], "2020-04-01", "2020-07-31", abnormal={("SYNA", "2020-06-11"): -0.05})


def synthetic_events() -> pd.DataFrame:
    events = fr.synthetic_events()
    events["ban"] = events["id"].map(
        {"syn-rule-1": "city", "syn-rule-2": "city", "syn-rule-3": "state", "syn-rule-4": "county"}
    ).astype("string")
    return events


def synthetic_result(ticker: str = "SYNA", day0: str = "2020-06-11", label: str = "SYNA pauses a product line",
                     *, seed: int = 1, sigma: float = 0.012, window: tuple[int, int] = (-5, 10)) -> EventStudyResult:
    """A hand-built EventStudyResult with made-up abnormal returns (a -4 % shock on day 0)."""
    rng = np.random.default_rng(seed)
    offsets = np.arange(window[0], window[1] + 1)
    sessions = fr.nyse_sessions("2020-04-01", "2020-08-31")
    position = sessions.get_loc(pd.Timestamp(day0))
    ar = rng.normal(0, sigma, len(offsets))
    ar[offsets == 0] -= 0.04
    table = pd.DataFrame({
        "offset": offsets, "date": sessions[position + offsets], "ret": ar, "benchmark_ret": 0.0,
        "expected": 0.0, "ar": ar,
    })
    table["car"] = table["ar"].cumsum()
    table["ar_t"] = table["ar"] / sigma
    table["car_t"] = table["car"] / (sigma * np.sqrt(offsets - window[0] + 1))
    return EventStudyResult(ticker, "^SYNX", pd.Timestamp(day0), "post", pd.Timestamp(day0), "market",
                            (-250, -11), window, table, 0.0, 1.1, 0.4, sigma, 240, [], label)


def every_chart(**furniture) -> dict:
    """One figure of each chart kind, built from synthetic data (tables are HTML: see every_table)."""
    furniture = {"source": SOURCE, **furniture}
    prices, events = synthetic_prices(), synthetic_events()
    results = [synthetic_result(), synthetic_result("SYNB", "2020-06-08", "SYNB exits the business", seed=2)]
    return {
        "price_with_events": charts.price_with_events(prices, events, tickers="SYNA", start="2020-05-01", **furniture),
        "rebased_comparison": charts.rebased_comparison(prices, "2020-06-05", highlight="SYNA", **furniture),
        "timeline": charts.timeline(events, **furniture),
        "abnormal_returns": charts.abnormal_returns(results[0], **furniture),
        "cumulative_count": charts.cumulative_count(events, by="ban", noun="bans", **furniture),
        "small_multiples": charts.small_multiples(prices, day0={"SYNB": "2020-06-08", "SYNA": "2020-06-11"}, **furniture),
        "small_multiples_results": charts.small_multiples(results, **furniture),
    }


def every_table(**furniture) -> dict:
    """One HTML table of each table kind, built from synthetic data."""
    furniture = {"source": SOURCE, **furniture}
    results = [synthetic_result(), synthetic_result("SYNB", "2020-06-08", "SYNB exits the business", seed=2)]
    return {"event_study_table": charts.event_study_table(results, **furniture)}
