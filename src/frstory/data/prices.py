"""Daily market prices, as traded, served from a checksummed on-disk cache filled from Yahoo Finance.

``load_prices`` answers from the cache whenever the cache covers the request, and never touches
the network then. Otherwise it fetches the missing range from Yahoo (``frstory.data.yahoo``) and
stores it (``frstory.data.cache``); offline, a folder of CSVs can fill the cache instead
(``frstory data import DIR``, ``frstory.data.importer``).

Coverage: each cached ticker is complete for the range ``arguments.start`` to ``arguments.end``
of its manifest entry. A request is covered when every NYSE session in it lies in that range
(so a request starting on New Year's Day is covered by data starting on the first session).
When it is not, the union of the cached and requested ranges is fetched and replaces the file,
so every file has exactly one source and its provenance says which.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from frstory.data.cache import (
    normalize_ticker,
    read_cached_prices,
    read_manifest,
    split_factor_after,
    verify_entry,
    write_entries,
)
from frstory.data.calendar import nyse_calendar, nyse_sessions
from frstory.errors import DataValidationError
from frstory.paths import price_cache_dir
from frstory.provenance import record_read

__all__ = ["load_prices", "price_provenance", "pull", "STORY_TICKERS", "PRICE_COLUMNS"]

#: The story's stocks and benchmarks (``frstory data pull`` fetches these by default).
STORY_TICKERS: tuple[str, ...] = ("AMZN", "MSFT", "IBM", "GOOGL", "^GSPC", "^IXIC")
PRICE_COLUMNS: tuple[str, ...] = ("date", "ticker", "open", "high", "low", "close", "adj_close", "volume")
PROVENANCE_COLUMNS: tuple[str, ...] = (
    "ticker", "source", "retrieved_at", "yfinance_version", "arguments", "rows",
    "first_date", "last_date", "sha256", "splits", "file",
)


def _as_tickers(tickers: str | Iterable[str]) -> list[str]:
    if isinstance(tickers, str):
        tickers = [tickers]
    try:
        items = list(tickers)
    except TypeError:
        items = [tickers]
    out: list[str] = []
    for item in items:
        ticker = normalize_ticker(item)
        if ticker not in out:
            out.append(ticker)
    if not out:
        raise DataValidationError(
            "no tickers given: pass a ticker such as 'AMZN' or a list such as ['AMZN', '^GSPC']",
            [{"file": None, "line": None, "column": "tickers", "value": tickers,
              "message": "empty", "fix": "pass at least one ticker"}],
        )
    return out


def _as_day(value, name: str) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError):
        day = pd.NaT
    if day is pd.NaT or pd.isna(day):
        raise DataValidationError(
            f"{name} {value!r} is not a date: give an ISO date such as '2020-06-10'",
            [{"file": None, "line": None, "column": name, "value": value,
              "message": "not a date", "fix": "an ISO date such as '2020-06-10'"}],
        )
    if day.tzinfo is not None:
        day = day.tz_convert("America/New_York").tz_localize(None)
    return day.normalize()


def _needed_span(start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last NYSE session in [start, end]; the dates themselves where there is none."""
    sessions = nyse_sessions(start, end)
    if not len(sessions):
        return start, end
    cal = nyse_calendar()
    # Outside the calendar's years (it starts in 1990) only the dates themselves are known.
    first = sessions[0] if start >= pd.Timestamp(cal.first_session).tz_localize(None) else start
    last = sessions[-1] if end <= pd.Timestamp(cal.last_session).tz_localize(None) else end
    return first, last


def _covers(entry: dict, start: pd.Timestamp, end: pd.Timestamp) -> bool:
    args = entry.get("arguments") or {}
    try:
        cov_start, cov_end = pd.Timestamp(args["start"]), pd.Timestamp(args["end"])
    except (KeyError, TypeError, ValueError):
        return False
    first, last = _needed_span(start, end)
    return cov_start <= first and last <= cov_end


def _ensure_cached(
    tickers: Sequence[str], start: pd.Timestamp, end: pd.Timestamp, *, refresh: bool, timeout: float | None = None
) -> dict[str, dict]:
    """Make sure every ticker's cache covers [start, end]; return the manifest entries.

    All fetches happen before anything is written, so a failure half-way writes nothing.
    """
    manifest = read_manifest()
    to_fetch: list[tuple[str, pd.Timestamp, pd.Timestamp]] = []
    for ticker in tickers:
        entry = manifest.get(ticker)
        if entry is not None and not refresh:
            # A tampered or missing file is reported, whether or not the request needs a fetch:
            # the fix (re-import or --refresh) is the user's call, not something to do silently.
            verify_entry(entry)
            if _covers(entry, start, end):
                continue
        fetch_start, fetch_end = start, end
        if entry is not None:
            args = entry.get("arguments") or {}
            try:
                # Union with what is cached, so refetching never shrinks the cache.
                fetch_start = min(start, pd.Timestamp(args["start"]))
                fetch_end = max(end, pd.Timestamp(args["end"]))
            except (KeyError, TypeError, ValueError):
                pass
        to_fetch.append((ticker, fetch_start, fetch_end))
    if not to_fetch:
        return {t: manifest[t] for t in tickers}

    from frstory.data import yahoo

    fetched = [yahoo.fetch_history(t, s, e, timeout=timeout) for t, s, e in to_fetch]
    items = []
    for history in fetched:
        entry = {
            "ticker": history.ticker,
            "source": "yfinance (Yahoo Finance chart API)",
            "retrieved_at": history.retrieved_at,
            "yfinance_version": history.yfinance_version,
            "arguments": history.arguments,
            "splits": history.splits,
        }
        items.append((entry, history.frame))
    for written in write_entries(items):
        manifest[written["ticker"]] = written
    return {t: manifest[t] for t in tickers}


def load_prices(
    tickers: str | Iterable[str],
    start,
    end,
    *,
    adjusted: bool = False,
    refresh: bool = False,
) -> pd.DataFrame:
    """Daily prices for tickers from ``start`` to ``end`` (inclusive), as traded by default.

    Served from the price cache when it covers the request (no network then); otherwise the
    missing range is fetched from Yahoo Finance and cached with its provenance.

    Parameters
    ----------
    tickers : str or iterable of str
        Yahoo tickers, e.g. ``"AMZN"`` or ``["AMZN", "^GSPC"]`` (indices keep their caret).
    start, end : date-like
        Inclusive range of exchange-local dates.
    adjusted : bool
        ``False`` (default): open/high/low/close and volume as traded that day (AMZN closed at
        2647.45 on 2020-06-10). ``True``: split-adjusted to the splits known to the cache (what
        Yahoo shows today; 132.37 for that day).
    refresh : bool
        Refetch from Yahoo even when the cache covers the request.

    Returns
    -------
    pandas.DataFrame
        Columns ``date, ticker, open, high, low, close, adj_close, volume`` sorted by ticker and
        date; ``attrs["provenance"]`` holds the manifest entries of the tickers returned.

    Raises
    ------
    PriceDataUnavailable
        When the cache does not cover the request and Yahoo cannot be reached (or has no data).
    CacheIntegrityError
        When a cached file no longer matches the checksum in the manifest.
    DataValidationError
        For a malformed ticker or date, or ``end`` before ``start``.

    Examples
    --------
    >>> prices = load_prices(["AMZN"], "2020-06-09", "2020-06-10")  # doctest: +SKIP
    >>> prices["close"].tolist()  # doctest: +SKIP
    [2600.86, 2647.45]
    """
    names = _as_tickers(tickers)
    start_day, end_day = _as_day(start, "start"), _as_day(end, "end")
    if end_day < start_day:
        raise DataValidationError(
            f"end {end_day.date()} is before start {start_day.date()}: swap them (end is inclusive)",
            [{"file": None, "line": None, "column": "end", "value": str(end_day.date()),
              "message": "before start", "fix": "swap start and end"}],
        )
    entries = _ensure_cached(names, start_day, end_day, refresh=refresh)
    frames = []
    cache_dir = price_cache_dir()
    for ticker in names:
        entry = entries[ticker]
        cached = read_cached_prices(entry, cache_dir)
        part = cached[(cached["date"] >= start_day) & (cached["date"] <= end_day)].copy()
        if adjusted and entry.get("splits"):
            factor = split_factor_after(pd.DatetimeIndex(part["date"]), entry["splits"]).to_numpy()
            for col in ("open", "high", "low", "close"):
                part[col] = part[col] / factor
            part["volume"] = (part["volume"] * factor).round().astype("int64")
        part.insert(1, "ticker", ticker)
        frames.append(part)
        record_read(
            f"prices:{ticker}", cache_dir / entry["file"], entry["sha256"],
            ticker=ticker, start=str(start_day.date()), end=str(end_day.date()),
            source=entry.get("source"), adjusted=bool(adjusted),
        )
    prices = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(PRICE_COLUMNS))
    prices = prices.loc[:, list(PRICE_COLUMNS)].sort_values(["ticker", "date"], ignore_index=True)
    prices["ticker"] = prices["ticker"].astype("string")
    prices["date"] = prices["date"].astype("datetime64[ns]")
    prices["volume"] = prices["volume"].astype("int64")
    prices.attrs["provenance"] = [dict(entries[t]) for t in names]
    prices.attrs["adjusted"] = bool(adjusted)
    return prices


def pull(
    tickers: str | Iterable[str] = STORY_TICKERS,
    start="2019-01-01",
    end="2022-12-31",
    *,
    refresh: bool = False,
    timeout: float | None = None,
) -> list[dict]:
    """Fetch tickers into the cache (only what is missing unless ``refresh``), for offline work later.

    Parameters
    ----------
    tickers : str or iterable of str
        Default: the story's tickers, :data:`STORY_TICKERS`.
    start, end : date-like
        Inclusive range; default 2019-01-01 to 2022-12-31.
    refresh : bool
        Refetch even what the cache already covers.
    timeout : float, optional
        Seconds per ticker fetch; default ``$FRSTORY_YAHOO_TIMEOUT`` or 30.

    Returns
    -------
    list of dict
        The manifest entries of the tickers, in the order given.

    Raises
    ------
    PriceDataUnavailable
        Offline, or when Yahoo has no data; nothing is written then.

    Examples
    --------
    >>> [e["ticker"] for e in pull(["AMZN"], "2020-06-01", "2020-06-30")]  # doctest: +SKIP
    ['AMZN']
    """
    names = _as_tickers(tickers)
    start_day, end_day = _as_day(start, "start"), _as_day(end, "end")
    if end_day < start_day:
        raise DataValidationError(
            f"end {end_day.date()} is before start {start_day.date()}: swap them (end is inclusive)",
            [{"file": None, "line": None, "column": "end", "value": str(end_day.date()),
              "message": "before start", "fix": "swap start and end"}],
        )
    entries = _ensure_cached(names, start_day, end_day, refresh=refresh, timeout=timeout)
    return [entries[t] for t in names]


def price_provenance() -> pd.DataFrame:
    """The price cache manifest as a frame, one row per cached ticker.

    Returns
    -------
    pandas.DataFrame
        ``ticker, source, retrieved_at, yfinance_version, arguments, rows, first_date,
        last_date, sha256, splits, file`` (``arguments`` a dict, ``splits`` a list of dicts;
        ``file`` relative to :func:`frstory.paths.price_cache_dir`).

    Examples
    --------
    >>> list(price_provenance().columns)[:3]
    ['ticker', 'source', 'retrieved_at']
    """
    manifest = read_manifest()
    rows = [{k: entry.get(k) for k in PROVENANCE_COLUMNS} for _, entry in sorted(manifest.items())]
    return pd.DataFrame(rows, columns=list(PROVENANCE_COLUMNS))
