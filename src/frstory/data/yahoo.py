"""Daily prices from Yahoo Finance through yfinance, with bounded network time and honest errors.

This is the only module in frstory that talks to the network. It returns **as-traded** prices:
Yahoo's chart API (and so yfinance's ``Close``, even with ``auto_adjust=False``) gives prices
split-adjusted to today, so this module multiplies them back by the splits that happened after
each day, using the split events Yahoo returns with the prices.

Configuration (environment variables, read at each fetch)
---------------------------------------------------------
``FRSTORY_YAHOO_TIMEOUT``
    Seconds one ticker's fetch may take in total, all HTTP requests together (default 30).
    yfinance's own timeouts add up to about 130 s on a network that drops packets (cookie 30 s,
    crumb 30 s, time-zone lookup and chart 10 s each, plus fallbacks); the session below caps
    every request at the time left before this deadline.
``FRSTORY_YAHOO_BASE_URL``
    When set (e.g. ``http://127.0.0.1:8765``), every request yfinance makes, to any Yahoo host,
    is sent to this base URL instead with the same path and query. The original host travels in
    an ``X-Original-Host`` header. Tests point it at a replay server; a notebook kernel started
    with the variable set is routed the same way.

yfinance keeps sqlite caches (time zones, cookies); they are moved to a per-process temporary
directory, never ``~/.cache``. The module is not thread-safe: yfinance shares one HTTP session
per process.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import logging
import math
import os
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pandas as pd
from curl_cffi import requests as curl_requests
from curl_cffi.requests import exceptions as curl_exceptions

from frstory.data.cache import split_factor_after
from frstory.data.checks import describe_dates, frame_problems, split_problem
from frstory.errors import PriceDataUnavailable

__all__ = [
    "BASE_URL_ENV",
    "TIMEOUT_ENV",
    "DEFAULT_TIMEOUT",
    "YahooSession",
    "YahooHistory",
    "yahoo_session",
    "fetch_history",
    "unavailable_message",
    "rejected_message",
    "last_complete_day",
]

BASE_URL_ENV = "FRSTORY_YAHOO_BASE_URL"
TIMEOUT_ENV = "FRSTORY_YAHOO_TIMEOUT"
#: Seconds one ticker's fetch may take, all requests together.
DEFAULT_TIMEOUT = 30.0
#: Yahoo reports times in the exchange's zone; US listings and indices trade in New York.
EXCHANGE_TZ = "America/New_York"


@dataclass
class RequestRecord:
    """What happened to one HTTP request (kept so an empty yfinance result can be explained)."""

    url: str
    status: int | None = None
    error: str | None = None
    timed_out: bool = False
    #: The body of a price-history answer, kept to check what yfinance does not expose or drops
    #: (the symbol answered for, split events with a zero numerator).
    body: bytes | None = None


class YahooSession(curl_requests.Session):
    """A curl_cffi session that bounds every request by a deadline and can reroute Yahoo URLs.

    yfinance accepts any subclass of ``curl_cffi.requests.Session``. Every request's timeout is
    capped at the time left before :attr:`deadline`; once it has passed, requests fail at once
    with a ``Timeout``, which yfinance treats like a network failure.

    Parameters
    ----------
    base_url : str, optional
        Send every request here instead (same path and query), e.g. a local replay server.
    timeout : float
        Seconds allowed for all requests of one fetch (see :meth:`start_deadline`).

    Examples
    --------
    >>> s = YahooSession(base_url="http://127.0.0.1:8765", timeout=5)
    >>> s.rewrite("https://query2.finance.yahoo.com/v8/finance/chart/SYNA?range=1d")
    'http://127.0.0.1:8765/v8/finance/chart/SYNA?range=1d'
    """

    def __init__(self, base_url: str | None = None, timeout: float = DEFAULT_TIMEOUT):
        # Yahoo rejects clients whose TLS fingerprint is not a browser's; yfinance does the same.
        super().__init__(impersonate="chrome")
        if base_url is not None and urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError(f"{BASE_URL_ENV} must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url
        self.timeout_seconds = float(timeout)
        self.deadline: float | None = None
        self.records: list[RequestRecord] = []

    def start_deadline(self) -> None:
        """Start the clock: requests from now on share :attr:`timeout_seconds`."""
        self.deadline = time.monotonic() + self.timeout_seconds
        self.records = []

    def clear_deadline(self) -> None:
        """Stop the clock; requests keep a per-request cap of :attr:`timeout_seconds`."""
        self.deadline = None

    def rewrite(self, url: str) -> str:
        """The URL actually requested: ``url`` moved onto :attr:`base_url` when one is set."""
        if not self.base_url:
            return url
        parts, base = urlsplit(url), urlsplit(self.base_url)
        path = base.path.rstrip("/") + (parts.path or "/")
        return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))

    def request(self, method, url, *args, **kwargs):  # noqa: D102 - same contract as curl_cffi
        record = RequestRecord(url=_describe_url(url))
        self.records.append(record)
        cap = self.timeout_seconds
        if self.deadline is not None:
            cap = self.deadline - time.monotonic()
            if cap <= 0:
                record.error, record.timed_out = "deadline already passed", True
                raise curl_exceptions.Timeout(
                    f"frstory network deadline of {self.timeout_seconds:g} s passed before {record.url}"
                )
        requested = kwargs.get("timeout")
        if isinstance(requested, (int, float)) and not isinstance(requested, bool) and requested > 0:
            cap = min(cap, float(requested))
        kwargs["timeout"] = cap
        target = self.rewrite(url)
        if target != url:
            headers = dict(kwargs.pop("headers", None) or {})
            headers["X-Original-Host"] = urlsplit(url).hostname or ""
            kwargs["headers"] = headers
        try:
            response = super().request(method, target, *args, **kwargs)
        except Exception as exc:
            record.error = f"{type(exc).__name__}: {exc}"
            record.timed_out = isinstance(exc, curl_exceptions.Timeout) or "timed out" in str(exc).lower()
            raise
        record.status = response.status_code
        if "/finance/chart/" in record.url and "period1" in f"{target} {kwargs.get('params')}":
            record.body = response.content
        return response


def _describe_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path}"


def _timeout_from_env() -> float:
    raw = os.environ.get(TIMEOUT_ENV)
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{TIMEOUT_ENV}={raw!r} is not a positive number of seconds: set e.g. {TIMEOUT_ENV}=30")
    return value


_SESSIONS: dict[tuple[str | None, float], YahooSession] = {}


def yahoo_session(timeout: float | None = None) -> YahooSession:
    """The process's :class:`YahooSession` for the current configuration (reused for its cookies).

    Parameters
    ----------
    timeout : float, optional
        Seconds for one fetch; default ``$FRSTORY_YAHOO_TIMEOUT`` or 30.

    Examples
    --------
    >>> yahoo_session(timeout=5).timeout_seconds
    5.0
    """
    key = (os.environ.get(BASE_URL_ENV) or None, float(timeout) if timeout else _timeout_from_env())
    if key not in _SESSIONS:
        _SESSIONS[key] = YahooSession(base_url=key[0], timeout=key[1])
    return _SESSIONS[key]


_YF_CACHE_DIR: str | None = None


def _prepare_yfinance():
    """Import yfinance with its sqlite caches moved to a temporary directory (once per process)."""
    global _YF_CACHE_DIR
    import yfinance as yf

    if _YF_CACHE_DIR is None:
        # yfinance keeps its open sqlite handle after set_tz_cache_location, so the location can
        # only be chosen once, before first use: a per-process temp dir, never ~/.cache.
        _YF_CACHE_DIR = tempfile.mkdtemp(prefix="frstory-yfinance-")
        yf.set_tz_cache_location(_YF_CACHE_DIR)
        atexit.register(shutil.rmtree, _YF_CACHE_DIR, True)
    return yf


class _CaptureLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass
class YahooHistory:
    """One ticker's daily history from Yahoo, as traded, ready for the cache.

    Attributes
    ----------
    ticker : str
    frame : pandas.DataFrame
        Columns ``date, open, high, low, close, adj_close, volume``; as-traded OHLC and volume.
    splits : list of dict
        ``{"date", "ratio", "method": "reported by Yahoo"}`` for every split Yahoo returned from the
        start of the range to the day of retrieval (later splits are what make Yahoo's prices differ
        from as-traded ones).
    arguments : dict
        What was asked of yfinance, and the covered range ``start``/``end`` (inclusive).
    retrieved_at : str
        UTC ISO time of the fetch.
    yfinance_version : str
    """

    ticker: str
    frame: pd.DataFrame
    splits: list[dict] = field(default_factory=list)
    arguments: dict = field(default_factory=dict)
    retrieved_at: str = ""
    yfinance_version: str = ""


def last_complete_day(now: pd.Timestamp | None = None) -> pd.Timestamp:
    """The last exchange-local day whose daily bar is final: yesterday in New York.

    Today's bar can still change (live prices, late corrections), so it is never cached.

    Examples
    --------
    >>> last_complete_day(pd.Timestamp("2020-06-11 15:00", tz="UTC")).date()
    datetime.date(2020, 6, 10)
    """
    now = pd.Timestamp.now(tz="UTC") if now is None else now
    return now.tz_convert(EXCHANGE_TZ).tz_localize(None).normalize() - pd.Timedelta(days=1)


def unavailable_message(ticker: str, start, end, cause: str) -> str:
    """The :class:`PriceDataUnavailable` message: ticker, range, cause and both ways to fix it.

    Examples
    --------
    >>> unavailable_message("SYNA", "2020-06-01", "2020-06-30", "offline")[:60]
    'no prices for SYNA from 2020-06-01 to 2020-06-30: they are n'
    """
    start_s, end_s = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    return (
        f"no prices for {ticker} from {start_s} to {end_s}: they are not in the price cache or the "
        f"project's committed data, and Yahoo Finance could not provide them ({cause}). Fix: with "
        f"network access run `frstory data pull --start {start_s} --end {end_s} {ticker}`; without "
        "network run `frstory data import DIR` on a folder of price CSVs (header "
        "date,open,high,low,close,adj_close,volume; see `frstory data import --help`)."
    )


def rejected_message(ticker: str, start, end, problems: list[str]) -> str:
    """The message for a Yahoo answer that failed the checks: ticker, range, every problem, fix.

    Examples
    --------
    >>> rejected_message("SYNA", "2020-06-01", "2020-06-30", ["high below low: 2020-06-10"]).split(" and ")[0]
    "Yahoo Finance's answer for SYNA from 2020-06-01 to 2020-06-30 was rejected"
    """
    start_s, end_s = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    return (
        f"Yahoo Finance's answer for {ticker} from {start_s} to {end_s} was rejected and nothing was "
        f"stored: {'; '.join(problems)}. Fix: retry later (`frstory data pull --refresh --start {start_s} "
        f"--end {end_s} {ticker}`); if Yahoo keeps answering this way, ask for a range it covers, or "
        "import checked CSVs with `frstory data import DIR`."
    )


def _not_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:  # UnicodeDecodeError is a ValueError too
        return True
    return False


def _explain_failure(session: YahooSession, log_messages: list[str], exc: BaseException | None) -> str:
    timeouts = [r for r in session.records if r.timed_out]
    if timeouts:
        return (
            f"timeout: no answer within the {session.timeout_seconds:g} s network timeout "
            f"(${TIMEOUT_ENV}) from {timeouts[0].url}"
        )
    errors = [r for r in session.records if r.error]
    if errors:
        # The price request's failure says most; cookie and fallback requests fail the same way.
        chosen = next((r for r in errors if "/finance/chart/" in r.url), errors[0])
        detail = chosen.error.split(" See https://curl.se")[0]
        return f"network error from {chosen.url}: {detail}"
    chart_http = [r for r in session.records if "/finance/chart/" in r.url and r.status and r.status >= 400]
    if chart_http:
        return f"Yahoo answered HTTP {chart_http[-1].status} for {chart_http[-1].url}"
    unreadable = [r for r in session.records if r.body is not None and _not_json(r.body)]
    if unreadable:
        # yfinance reads any answer it cannot parse as "possibly delisted", which sends the user
        # looking for a ticker problem when the answer was cut off or was an error page.
        body = unreadable[-1].body
        what = ("an empty answer; the connection or Yahoo failed" if not body.strip() else
                f"a web page of {len(body):,} bytes, not JSON; Yahoo may be down or refusing requests"
                if body.lstrip()[:1] == b"<" else
                f"JSON cut off or malformed after {len(body):,} bytes; the connection or Yahoo failed part-way")
        return f"Yahoo's answer from {unreadable[-1].url} was not price data: {what}"
    if exc is not None:
        return f"{type(exc).__name__}: {exc}"
    if log_messages:
        return "Yahoo returned no price rows; yfinance said: " + " | ".join(log_messages[-2:])
    return "Yahoo returned no price rows for this range"


def fetch_history(ticker: str, start, end, *, timeout: float | None = None) -> YahooHistory:
    """Fetch one ticker's daily prices from Yahoo, rebuilt as traded.

    Parameters
    ----------
    ticker : str
        Yahoo symbol (``SYNA``, ``^GSPC``).
    start, end : date-like
        Inclusive range. Rows after :func:`last_complete_day` are dropped.
    timeout : float, optional
        Seconds for all requests together; default ``$FRSTORY_YAHOO_TIMEOUT`` or 30.

    Returns
    -------
    YahooHistory

    Raises
    ------
    PriceDataUnavailable
        When Yahoo is unreachable, times out, answers with an error or returns no rows; the
        message names the ticker, range, cause and both fixes.

    Examples
    --------
    >>> fetch_history("SYNA", "2020-06-09", "2020-06-10").frame["close"].tolist()  # doctest: +SKIP
    [2600.86, 2647.45]
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    covered_end = min(end, last_complete_day())
    if covered_end < start:
        raise PriceDataUnavailable(
            unavailable_message(ticker, start, end, f"the range has no completed day yet (today is "
                                f"{(last_complete_day() + pd.Timedelta(days=1)).date()} in New York)")
        )
    yf = _prepare_yfinance()
    from yfinance.data import YfData

    session = yahoo_session(timeout)
    # Ticker.history rather than yf.download: it takes the session without swapping the
    # process-wide one behind our back (multi.py:131), returns flat columns and the
    # "Stock Splits" we need, and does not spread failures over threads.
    # The request runs from `start` to now, not to `end`, so that every split after the range is
    # among the events Yahoo returns: those splits are what we must undo to get as-traded prices.
    history_kwargs = dict(
        start=start.strftime("%Y-%m-%d"), end=None, interval="1d", auto_adjust=False,
        back_adjust=False, actions=True, repair=False, keepna=False, rounding=False,
        timeout=session.timeout_seconds,
    )
    yf_data = YfData()
    if getattr(yf_data, "_session", None) is not session:
        # The singleton keeps one cookie/crumb; they belong to the session that fetched them.
        yf_data._cookie, yf_data._crumb = None, None
    # yfinance memoises past-range GETs in-process (YfData.cache_get); our disk cache is the
    # cache, and `refresh=True` must really refetch.
    YfData.cache_get.cache_clear()

    capture = _CaptureLog()
    yf_logger = logging.getLogger("yfinance")
    yf_logger.addHandler(capture)
    previous_propagate = yf_logger.propagate
    yf_logger.propagate = False  # the reasons end up in our error message instead of stderr
    raw, failure, price_hint = None, None, None
    session.start_deadline()
    try:
        with warnings.catch_warnings():
            # yfinance 1.7 calls pandas APIs that pandas 3 deprecates; nothing a reader can act on.
            warnings.simplefilter("ignore", DeprecationWarning)
            yf_ticker = yf.Ticker(ticker, session=session)
            raw = yf_ticker.history(**history_kwargs)
        # The chart metadata of the call just made (public accessors may fetch again).
        meta = getattr(getattr(yf_ticker, "_price_history", None), "_history_metadata", None) or {}
        price_hint = meta.get("priceHint") if isinstance(meta, dict) else None
    except Exception as exc:  # yfinance raises transport errors from its fallbacks; explain them
        failure = exc
    finally:
        session.clear_deadline()
        yf_logger.removeHandler(capture)
        yf_logger.propagate = previous_propagate
    if failure is not None or raw is None or raw.empty:
        raise PriceDataUnavailable(
            unavailable_message(ticker, start, end, _explain_failure(session, capture.messages, failure))
        ) from failure
    problems = _chart_problems(ticker, session, meta, start, covered_end)
    if problems:
        raise PriceDataUnavailable(rejected_message(ticker, start, covered_end, problems))
    return _to_as_traded(ticker, raw, start, covered_end, history_kwargs, yf.__version__, price_hint)


def _chart_problems(ticker: str, session: YahooSession, meta, start=None, end=None) -> list[str]:
    """What is wrong with the answer as Yahoo sent it: another symbol, split events that are not
    plausible (yfinance turns a 0:1 split into "no split" and would hide it), or one bar sent twice
    with different prices between ``start`` and ``end`` (yfinance keeps the first without a word)."""
    symbol = meta.get("symbol") if isinstance(meta, dict) else None
    if not isinstance(symbol, str) or symbol.strip().upper() != ticker.upper():
        said = f"prices for {symbol!r}" if symbol else "prices without saying for which symbol"
        return [f"Yahoo sent {said}, not {ticker!r}"]
    bodies = [r.body for r in session.records if r.body]
    if not bodies:
        return []
    try:
        result = json.loads(bodies[-1])["chart"]["result"][0]
        events = (result.get("events") or {}).get("splits") or {}
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return []  # yfinance parsed it; its own shape checks apply
    problems = []
    for event in events.values() if isinstance(events, dict) else []:
        try:
            day = pd.Timestamp(int(event["date"]), unit="s", tz="UTC").tz_convert(EXCHANGE_TZ).strftime("%Y-%m-%d")
            num, den = float(event["numerator"]), float(event["denominator"])
            ratio = num / den if den else math.inf
        except (KeyError, TypeError, ValueError):
            problems.append(f"a split event without date, numerator and denominator: {event!r}"[:200])
            continue
        problem = split_problem({"date": day, "ratio": ratio})
        if problem:
            problems.append(f"{problem} on {day} (Yahoo's split {event.get('splitRatio', f'{num:g}:{den:g}')})")
    conflicting = _conflicting_bars(result, start, end)
    if conflicting:
        problems.append(f"{len(conflicting)} day(s) sent twice with different prices: {describe_dates(conflicting)}")
    return problems


def _conflicting_bars(result: dict, start, end) -> list[pd.Timestamp]:
    """New York days in ``[start, end]`` whose bar the chart holds twice under one timestamp with
    different values (which of them is right cannot be known)."""
    try:
        stamps = list(result.get("timestamp") or [])
        indicators = result.get("indicators") or {}
        columns = [list(v) for v in ((indicators.get("quote") or [{}])[0] or {}).values()]
        columns.append(list(((indicators.get("adjclose") or [{}])[0] or {}).get("adjclose") or []))
    except (AttributeError, TypeError, IndexError):
        return []  # yfinance parsed it; its own shape checks apply
    first: dict[object, tuple] = {}
    days = set()
    for i, stamp in enumerate(stamps):
        # NaN and null both mean "no value": equal here, whatever object each is.
        values = tuple(None if (v := column[i] if i < len(column) else None) is None
                       or (isinstance(v, float) and math.isnan(v)) else v for column in columns)
        key = stamp if isinstance(stamp, (int, float, str)) else repr(stamp)
        if first.setdefault(key, values) != values:
            try:
                day = pd.Timestamp(int(stamp), unit="s", tz="UTC").tz_convert(EXCHANGE_TZ).tz_localize(None).normalize()
            except (TypeError, ValueError, OverflowError):
                continue
            if (start is None or day >= start) and (end is None or day <= end):
                days.add(day)
    return sorted(days)


def _to_as_traded(
    ticker, raw: pd.DataFrame, start, covered_end, history_kwargs, version, price_hint=None
) -> YahooHistory:
    raw = raw.copy()
    if isinstance(raw.columns, pd.MultiIndex):  # yf.download shape; Ticker.history is flat
        raw.columns = raw.columns.get_level_values(0)
    index = pd.DatetimeIndex(raw.index)
    if index.tz is not None:
        index = index.tz_convert(EXCHANGE_TZ if str(index.tz) == "UTC" else index.tz).tz_localize(None)
    raw.index = index.normalize()
    missing = [c for c in ("Open", "High", "Low", "Close", "Adj Close", "Volume") if c not in raw.columns]
    if missing:
        raise PriceDataUnavailable(
            unavailable_message(ticker, start, covered_end, f"yfinance returned no {', '.join(missing)} column")
        )
    problems: list[str] = []
    if raw.index.duplicated().any():
        problems.append(f"duplicate dates: {describe_dates(raw.index[raw.index.duplicated()])}")
    raw = raw[~raw.index.duplicated(keep="first")].sort_index()
    split_col = raw["Stock Splits"] if "Stock Splits" in raw.columns else pd.Series(0.0, index=raw.index)
    splits = [
        {"date": day.strftime("%Y-%m-%d"), "ratio": float(ratio), "method": "reported by Yahoo"}
        for day, ratio in split_col[(split_col.fillna(0) != 0)].items()
        if float(ratio) != 1.0
    ]
    problems += [f"{problem} on {split['date']}" for split in splits if (problem := split_problem(split))]
    if problems:  # an implausible split would turn every earlier price into nonsense
        raise PriceDataUnavailable(rejected_message(ticker, start, covered_end, problems))
    # Rows with no price at all are how Yahoo pads some ranges; rows with some prices are kept
    # so that the checks below report them instead of a silent gap.
    raw = raw.dropna(how="all", subset=["Open", "High", "Low", "Close"])
    raw = raw[(raw.index >= start) & (raw.index <= covered_end)]
    if raw.empty:
        raise PriceDataUnavailable(
            unavailable_message(ticker, start, covered_end, "Yahoo returned no price rows for this range")
        )
    factor = split_factor_after(raw.index, splits).to_numpy()
    decimals = int(price_hint) if isinstance(price_hint, int) and 0 <= price_hint <= 8 else 2
    frame = pd.DataFrame({"date": raw.index.astype("datetime64[ns]")})
    for out, col in (("open", "Open"), ("high", "High"), ("low", "Low"), ("close", "Close")):
        # Prices are quoted on a grid (Yahoo's priceHint decimals, cents for US stocks); Yahoo's
        # float32 storage adds noise that the split multiplication magnifies, so round back to it.
        as_traded = raw[col].to_numpy(dtype="float64") * factor
        frame[out] = np.round(as_traded, decimals)
    frame["adj_close"] = raw["Adj Close"].to_numpy(dtype="float64")
    frame["volume"] = np.rint(raw["Volume"].to_numpy(dtype="float64") / factor)
    problems = frame_problems(frame, start, covered_end)
    if problems:
        raise PriceDataUnavailable(rejected_message(ticker, start, covered_end, problems))
    frame["volume"] = frame["volume"].astype("int64")
    arguments = {
        "call": "yfinance.Ticker(ticker, session=YahooSession).history(...)",
        "start": start.strftime("%Y-%m-%d"),
        "end": covered_end.strftime("%Y-%m-%d"),
        "history_kwargs": {k: v for k, v in history_kwargs.items() if k != "timeout"},
        "splits_known_through": dt.datetime.now(dt.timezone.utc).date().isoformat(),
    }
    return YahooHistory(
        ticker=ticker,
        frame=frame.reset_index(drop=True),
        splits=splits,
        arguments=arguments,
        retrieved_at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        yfinance_version=version,
    )
