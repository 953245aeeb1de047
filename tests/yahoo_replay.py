"""A local stand-in for Yahoo Finance, so tests run yfinance's real code end to end, offline.

* :func:`synthetic_daily` makes a **synthetic** as-traded daily series (made-up prices, tickers
  named ``SYN...``), optionally with stock splits (prices drop by the ratio on the split day).
* :func:`synthetic_chart` turns it into a Yahoo v8 chart document the way Yahoo serves it today:
  OHLC and volume split-adjusted, ``adjclose`` split-adjusted, split events under ``events.splits``.
* :class:`ReplayServer` serves those documents on ``127.0.0.1`` (a ``ThreadingHTTPServer`` in a
  daemon thread): ``/v8/finance/chart/<SYM>`` filtered by ``period1``/``period2`` (or the last row
  for ``range=1d``), ``/v1/test/getcrumb``, and a Yahoo-style 404 for everything else.
* :class:`SilentServer` accepts TCP connections and never answers (a network that drops packets).

Point frstory at either with ``FRSTORY_YAHOO_BASE_URL`` (see ``frstory.data.yahoo``).
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd

from frstory.data.calendar import nyse_sessions

NY = "America/New_York"


def synthetic_daily(
    start: str = "2020-01-02",
    end: str = "2020-12-31",
    *,
    seed: int = 0,
    start_price: float = 100.0,
    splits: dict[str, float] | None = None,
) -> pd.DataFrame:
    """A synthetic as-traded daily series on NYSE sessions (columns of the cache CSV).

    ``splits`` maps an ex-date to a ratio: from that day on, prices are divided by the ratio and
    volumes multiplied by it, as they were when traded. ``adj_close`` is the close adjusted for
    all the splits (no dividends), as Yahoo's would be.
    """
    rng = np.random.default_rng(seed)
    dates = nyse_sessions(start, end)
    n = len(dates)
    closes = start_price * np.cumprod(1 + rng.normal(0.0005, 0.015, n))
    closes = np.round(closes, 2)
    opens = np.round(closes * (1 + rng.normal(0, 0.004, n)), 2)
    highs = np.round(np.maximum(opens, closes) * (1 + np.abs(rng.normal(0, 0.006, n))), 2)
    lows = np.round(np.minimum(opens, closes) * (1 - np.abs(rng.normal(0, 0.006, n))), 2)
    volume = rng.integers(10_000, 50_000, n).astype("int64") * 100
    frame = pd.DataFrame({"date": dates, "open": opens, "high": highs, "low": lows, "close": closes,
                          "volume": volume})
    factor_after = np.ones(n)  # product of ratios of splits after each day
    for day, ratio in (splits or {}).items():
        after = dates >= pd.Timestamp(day)
        for col in ("open", "high", "low", "close"):
            frame.loc[after, col] = np.round(frame.loc[after, col] / ratio, 2)
        frame.loc[after, "volume"] = (frame.loc[after, "volume"] * ratio).round().astype("int64")
        factor_after[~after] *= ratio
    frame["adj_close"] = np.round(frame["close"] / factor_after, 6)
    return frame[["date", "open", "high", "low", "close", "adj_close", "volume"]]


def _epoch_open(day: pd.Timestamp) -> int:
    # Yahoo stamps daily bars with the session's 09:30 New York open.
    return int(pd.Timestamp(day.strftime("%Y-%m-%d") + " 09:30", tz=NY).timestamp())


def synthetic_chart(symbol: str, as_traded: pd.DataFrame, splits: dict[str, float] | None = None) -> dict:
    """A Yahoo v8 chart document for a synthetic as-traded series, adjusted as Yahoo serves it."""
    dates = pd.DatetimeIndex(as_traded["date"])
    factor_after = np.ones(len(dates))
    for day, ratio in (splits or {}).items():
        factor_after[dates < pd.Timestamp(day)] *= ratio
    quote = {col: [round(float(v), 6) for v in as_traded[col] / factor_after]
             for col in ("open", "high", "low", "close")}
    quote["volume"] = [int(round(v)) for v in as_traded["volume"] * factor_after]
    events = {}
    if splits:
        events["splits"] = {
            str(_epoch_open(pd.Timestamp(day))): {
                "date": _epoch_open(pd.Timestamp(day)), "numerator": float(ratio), "denominator": 1.0,
                "splitRatio": f"{ratio:g}:1",
            }
            for day, ratio in splits.items()
        }
    result = {
        "meta": {
            "currency": "USD", "symbol": symbol, "exchangeName": "NMS", "instrumentType": "EQUITY",
            "exchangeTimezoneName": NY, "timezone": "EDT", "gmtoffset": -14400, "priceHint": 2,
            "dataGranularity": "1d",
            "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
        },
        "timestamp": [_epoch_open(d) for d in dates],
        "events": events,
        "indicators": {"quote": [quote], "adjclose": [{"adjclose": [float(v) for v in as_traded["adj_close"]]}]},
    }
    return {"chart": {"result": [result], "error": None}}


def _filter_chart(doc: dict, lo: int | None, hi: int | None, last_only: bool) -> dict:
    result = json.loads(json.dumps(doc["chart"]["result"][0]))
    stamps = result.get("timestamp", [])
    if last_only:
        keep = [len(stamps) - 1] if stamps else []
    else:
        keep = [i for i, t in enumerate(stamps) if (lo is None or t >= lo) and (hi is None or t < hi)]
    result["timestamp"] = [stamps[i] for i in keep]
    quote = result["indicators"]["quote"][0]
    for key in list(quote):
        quote[key] = [quote[key][i] for i in keep]
    adj = result["indicators"]["adjclose"][0]
    adj["adjclose"] = [adj["adjclose"][i] for i in keep]
    if not keep:
        # What Yahoo sends for a range without trading: no timestamps, empty quote.
        result.pop("timestamp")
        result["indicators"] = {"quote": [{}], "adjclose": [{}]}
    splits = (result.get("events") or {}).get("splits") or {}
    if splits and not last_only:
        result["events"]["splits"] = {
            k: v for k, v in splits.items() if (lo is None or v["date"] >= lo) and (hi is None or v["date"] < hi)
        }
    return {"chart": {"result": [result], "error": None}}


NOT_FOUND = {"chart": {"result": None, "error": {"code": "Not Found",
                                                 "description": "No data found, symbol may be delisted"}}}


class ReplayServer:
    """Serve synthetic chart documents on 127.0.0.1; records every request path.

    Parameters
    ----------
    charts : dict
        Symbol -> chart document (:func:`synthetic_chart`). Unknown symbols get Yahoo's 404.

    Examples
    --------
    >>> with ReplayServer({}) as server:  # doctest: +SKIP
    ...     server.base_url
    'http://127.0.0.1:...'
    """

    def __init__(self, charts: dict[str, dict]):
        self.charts = dict(charts)
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _send(self, status: int, body: bytes, ctype: str = "application/json"):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802 - http.server API
                parts = urlsplit(self.path)
                outer.requests.append(f"{self.headers.get('X-Original-Host', '')}{parts.path}?{parts.query}")
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/v1/test/getcrumb":
                    return self._send(200, b"synthetic-crumb", "text/plain")
                if parts.path.startswith("/v8/finance/chart/"):
                    symbol = parts.path.rsplit("/", 1)[1]
                    from urllib.parse import unquote

                    doc = outer.charts.get(unquote(symbol))
                    if doc is None:
                        return self._send(404, json.dumps(NOT_FOUND).encode())
                    lo = int(query["period1"]) if "period1" in query else None
                    hi = int(query["period2"]) if "period2" in query else None
                    body = _filter_chart(doc, lo, hi, last_only=query.get("range") == "1d")
                    return self._send(200, json.dumps(body).encode())
                return self._send(404, json.dumps({"finance": {"result": None, "error": {
                    "code": "Not Found", "description": "synthetic replay server: no such route"}}}).encode())

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def chart_requests(self) -> list[str]:
        """Requests for price history (not time-zone lookups, cookies or crumbs)."""
        return [r for r in self.requests if "/v8/finance/chart/" in r and "period1=" in r]

    def stop(self) -> None:
        """Shut the server down and free its port (later requests are refused)."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)

    def __enter__(self) -> ReplayServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class SilentServer:
    """A listening socket that completes TCP handshakes (the kernel does) but never answers."""

    def __init__(self):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.base_url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def stop(self) -> None:
        self._sock.close()

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def unused_base_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (connections are refused at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- pytest fixtures (import them into a test module by name to use them) -------------------

import pytest  # noqa: E402  (kept next to the fixtures that need it)

#: Synthetic series served by the `replay` fixture (made-up tickers and prices).
SYNTHETIC_SPLIT_DAY = "2021-06-14"
SYNTHETIC_SERIES = {
    "SYNA": dict(start="2021-01-04", end="2021-12-31", seed=1),
    "SYNSPLIT": dict(start="2021-01-04", end="2021-12-31", seed=2, splits={SYNTHETIC_SPLIT_DAY: 20.0}),
    "^SYNX": dict(start="2021-01-04", end="2021-12-31", seed=3, start_price=3000.0),
}


def synthetic_series(symbol: str) -> pd.DataFrame:
    """The as-traded synthetic series the `replay` fixture serves for ``symbol``."""
    return synthetic_daily(**SYNTHETIC_SERIES[symbol])


@pytest.fixture
def replay(monkeypatch):
    """A running ReplayServer serving SYNA, SYNSPLIT (20:1 on 2021-06-14) and ^SYNX; frstory routed to it."""
    charts = {}
    for symbol, spec in SYNTHETIC_SERIES.items():
        charts[symbol] = synthetic_chart(symbol, synthetic_series(symbol), spec.get("splits"))
    server = ReplayServer(charts)
    monkeypatch.setenv("FRSTORY_YAHOO_BASE_URL", server.base_url)
    monkeypatch.setenv("FRSTORY_YAHOO_TIMEOUT", "20")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def offline(monkeypatch):
    """Route every Yahoo request to a closed local port: any network attempt fails at once."""
    monkeypatch.setenv("FRSTORY_YAHOO_BASE_URL", unused_base_url())
    monkeypatch.setenv("FRSTORY_YAHOO_TIMEOUT", "5")
