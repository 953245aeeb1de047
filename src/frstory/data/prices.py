"""Daily market prices, as traded: from the user's cache, the project's committed data, or Yahoo.

``load_prices`` resolves each ticker in this order and never touches the network when an earlier
place covers the request:

1. the local price cache (``frstory.data.cache``; filled by ``frstory data import`` and
   ``frstory data pull``; in the user's cache folder, ``$FRSTORY_DATA_DIR`` overrides);
2. the market data committed with the project (``frstory.data.committed``; ``data/market`` with a
   Frictionless ``datapackage.json``), so a fresh clone builds offline;
3. Yahoo Finance (``frstory.data.yahoo``), only for a range neither holds; the answer is checked
   and stored in the cache.

Coverage: a cached or committed ticker is complete for the range ``start`` to ``end`` of its
record. A request is covered when every NYSE session in it lies in that range (so a request
starting on New Year's Day is covered by data starting on the first session). When nothing covers
it, the union of the cached and requested ranges is fetched and replaces the cached file, so
every file has exactly one source and its provenance says which.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from frstory.data import committed
from frstory.data.cache import (
    normalize_ticker,
    read_cached_prices,
    read_manifest,
    split_factor_after,
    verify_entry,
    write_entries,
)
from frstory.data.calendar import not_a_day, nyse_calendar, nyse_sessions
from frstory.errors import CacheIntegrityError, DataValidationError, PriceDataUnavailable
from frstory.paths import price_cache_dir
from frstory.provenance import record_read

__all__ = ["load_prices", "price_provenance", "pull", "PRICE_COLUMNS"]

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
            "no tickers given: pass a ticker such as 'SYNA' or a list such as ['SYNA', '^GSPC']",
            [{"file": None, "line": None, "column": "tickers", "value": tickers,
              "message": "empty", "fix": "pass at least one ticker"}],
        )
    return out


def _as_day(value, name: str) -> pd.Timestamp:
    problem = not_a_day(value)
    try:
        day = pd.NaT if problem is not None else pd.Timestamp(value)
    except (ValueError, TypeError):
        day = pd.NaT
    if day is pd.NaT or pd.isna(day):
        problem = problem or f"{value!r} is not a date"
        raise DataValidationError(
            f"{name} {problem}: give an ISO date such as '2020-06-10'",
            [{"file": None, "line": None, "column": name, "value": value,
              "message": problem.removeprefix(repr(value) + " "), "fix": "an ISO date such as '2020-06-10'"}],
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


def _require_a_session(start: pd.Timestamp, end: pd.Timestamp) -> None:
    """Refuse a range without a single NYSE session: it can only give an empty table, and an empty
    table fails far from here (a chart "with no values"), not where the dates were chosen."""
    cal = nyse_calendar()
    first, last = (pd.Timestamp(t).tz_localize(None) for t in (cal.first_session, cal.last_session))
    if start < first or end > last or len(nyse_sessions(start, end)):
        return  # outside the calendar's years only the dates themselves are known
    from frstory import prose  # the one owner of dates in words

    before = nyse_sessions(max(first, start - pd.Timedelta(days=10)), start)
    after = nyse_sessions(end, min(last, end + pd.Timedelta(days=10)))
    nearest = [d for d in (before[-1] if len(before) else None, after[0] if len(after) else None) if d is not None]
    said = " and ".join(prose.date(d, weekday=True) for d in nearest)
    span, closed = ((f"on {prose.date(start, weekday=True)}", "that day") if start == end else
                    (f"from {prose.date(start, weekday=True)} to {prose.date(end, weekday=True)}", "on every day of it"))
    fix = (f"widen the range to a session, e.g. start='{nearest[0].date()}'" if nearest
           else "widen the range to include a trading day")
    raise DataValidationError(
        f"no trading session {span}: the New York Stock Exchange was closed {closed}"
        + (f" (the nearest sessions are {said})" if said else "") + f". Fix: {fix}",
        [{"file": None, "line": None, "column": "start", "value": f"{start.date()} to {end.date()}",
          "message": "no trading session in the range", "fix": fix}],
    )


def _covers(entry: dict, start: pd.Timestamp, end: pd.Timestamp) -> bool:
    args = entry.get("arguments") or {}
    try:
        cov_start, cov_end = pd.Timestamp(args["start"]), pd.Timestamp(args["end"])
    except (KeyError, TypeError, ValueError):
        return False
    first, last = _needed_span(start, end)
    return cov_start <= first and last <= cov_end


def _read_current(ticker: str, entry: dict, read, covers=None):
    """``(entry, read(entry))``; when that fails because another process replaced the ticker's
    cache file since the manifest was read, the same for the entry that replaced it.

    A writer removes the file of the version it replaces once its new manifest is committed, so
    a reader holding the old entry finds its file gone: the cache is fine, only newer. Reporting
    that as a damaged cache would send the user to repair nothing. A file changed or missing
    under an entry that is still current is reported as before.
    """
    try:
        return entry, read(entry)
    except CacheIntegrityError:
        current = read_manifest().get(ticker)
        if current is None or current.get("sha256") == entry.get("sha256") or (covers and not covers(current)):
            raise
        return current, read(current)


def _held_offline(ticker: str, manifest: dict, locked: dict) -> str | None:
    """What the cache and the committed data hold of ``ticker`` (or of the index ``^ticker``), for
    the message when a fetch failed: offline, a range within it is the quickest fix."""

    def span(record: dict | None) -> str | None:
        args = (record or {}).get("arguments") or {}
        return f"{args['start']} to {args['end']}" if args.get("start") and args.get("end") else None

    held = [f"the {where} holds {ticker} from {s}" for where, s in
            (("price cache", span(manifest.get(ticker))), ("project's committed data", span(locked.get(ticker))))
            if s]
    if held:
        said = " and ".join(held)
        return f"{said[0].upper()}{said[1:]}: a range within that loads without network."
    index = "^" + ticker
    if not ticker.startswith("^") and (index in manifest or index in locked):
        return f"Did you mean the index {index}? Index tickers start with '^', and {index} is held offline."
    return None


def _resolve(
    tickers: Sequence[str], start: pd.Timestamp, end: pd.Timestamp, *, refresh: bool,
    timeout: float | None = None, use_committed: bool = True,
) -> dict[str, tuple[str, dict]]:
    """Where each ticker is served from: ``("cache", entry)`` or ``("committed", record)``.

    Tickers neither covers are fetched from Yahoo, all before anything is written, and stored in
    the cache as one change, so a failure half-way writes nothing.
    """
    manifest = read_manifest()
    locked = committed.committed_resources() if use_committed and not refresh else {}
    resolved: dict[str, tuple[str, dict]] = {}
    to_fetch: list[tuple[str, pd.Timestamp, pd.Timestamp]] = []
    for ticker in tickers:
        entry = manifest.get(ticker)
        if entry is not None and not refresh:
            # A tampered or missing file is reported, whether or not the request needs a fetch:
            # the fix (re-import or --refresh) is the user's call, not something to do silently.
            entry, _ = _read_current(ticker, entry, verify_entry)
            if _covers(entry, start, end):
                resolved[ticker] = ("cache", entry)
                continue
        record = locked.get(ticker)
        if record is not None and _covers(record, start, end):
            resolved[ticker] = ("committed", record)
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
    if to_fetch:
        from frstory.data import yahoo

        fetched = []
        for ticker, fetch_start, fetch_end in to_fetch:
            try:
                fetched.append(yahoo.fetch_history(ticker, fetch_start, fetch_end, timeout=timeout))
            except PriceDataUnavailable as exc:
                held = _held_offline(ticker, manifest, locked or committed.committed_resources())
                if held is None:
                    raise
                raise PriceDataUnavailable(f"{exc} {held}") from exc
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
            resolved[written["ticker"]] = ("cache", written)
    return {t: resolved[t] for t in tickers}


def _reader_source(origin: str, record: dict, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """What a reader is told about where a read's prices came from (never a machine path)."""
    from frstory import prose  # the one owner of dates in words

    if origin == "committed":
        return committed.describe_resource(record, start, end, dates=prose.date_range)
    source = str(record.get("source") or "")
    segments = (record.get("arguments") or {}).get("segments")
    if isinstance(segments, list) and segments:  # imported from a data package: its stretches, in words
        return "imported from a price file. " + committed.describe_resource({"segments": segments}, start, end, dates=prose.date_range)
    if source.startswith("imported from "):  # the file's name is for `frstory data status`, not for readers
        return "imported from a price file"
    if source.startswith("yfinance"):
        retrieved = str(record.get("retrieved_at") or "")[:10]
        return (f"Yahoo Finance chart API via yfinance {record.get('yfinance_version') or ''}, retrieved "
                f"{prose.date(retrieved) if retrieved else 'at an unrecorded time'}; as traded (later splits "
                "undone), not adjusted for dividends").replace("yfinance ,", "yfinance,")
    return source


def _reader_name(ticker: str) -> str | None:
    """The name readers know for ``ticker`` when one is registered (the methods box shows it)."""
    from frstory import prose

    try:
        return prose.display_name(ticker)
    except (prose.UnknownDisplayName, prose.ProseError):
        return None


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
        Yahoo tickers, e.g. ``"SYNA"`` or ``["SYNA", "^GSPC"]`` (indices keep their caret).
    start, end : date-like
        Inclusive range of exchange-local dates.
    adjusted : bool
        ``False`` (default): open/high/low/close and volume as traded that day (a stock that closed
        at 2,647.45 before a later 20-for-1 split reads 2,647.45). ``True``: split-adjusted to the
        splits known to the cache (what Yahoo shows today: 132.37 for that day).
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
        For a malformed ticker or date, ``end`` before ``start``, or a range without a single NYSE
        session (a weekend, a holiday): the message names the nearest sessions.

    Examples
    --------
    >>> prices = load_prices(["SYNA"], "2020-06-09", "2020-06-10")  # doctest: +SKIP
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
    _require_a_session(start_day, end_day)
    resolved = _resolve(names, start_day, end_day, refresh=refresh)
    frames = []
    cache_dir = price_cache_dir()
    for ticker in names:
        origin, entry = resolved[ticker]
        if origin == "committed":
            cached, path = committed.read_committed_prices(entry)
        else:
            entry, cached = _read_current(ticker, entry, lambda e: read_cached_prices(e, cache_dir),
                                          covers=lambda e: _covers(e, start_day, end_day))
            resolved[ticker] = (origin, entry)
            path = cache_dir / entry["file"]
        part = cached[(cached["date"] >= start_day) & (cached["date"] <= end_day)].copy()
        if adjusted and entry.get("splits"):
            factor = split_factor_after(pd.DatetimeIndex(part["date"]), entry["splits"]).to_numpy()
            for col in ("open", "high", "low", "close"):
                part[col] = part[col] / factor
            part["volume"] = (part["volume"] * factor).round().astype("int64")
        part.insert(1, "ticker", ticker)
        frames.append(part)
        record_read(
            f"prices:{ticker}", path, entry["sha256"],
            ticker=ticker, name=_reader_name(ticker), start=str(start_day.date()), end=str(end_day.date()),
            origin=origin, source=_reader_source(origin, entry, start_day, end_day),
            retrieved_at=entry.get("retrieved_at"), yfinance_version=entry.get("yfinance_version"),
            rows=int(len(part)),
            first_date=part["date"].min().strftime("%Y-%m-%d") if len(part) else None,
            last_date=part["date"].max().strftime("%Y-%m-%d") if len(part) else None,
            adjusted=bool(adjusted),
        )
    prices = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(PRICE_COLUMNS))
    prices = prices.loc[:, list(PRICE_COLUMNS)].sort_values(["ticker", "date"], ignore_index=True)
    prices["ticker"] = prices["ticker"].astype("string")
    prices["date"] = prices["date"].astype("datetime64[ns]")
    prices["volume"] = prices["volume"].astype("int64")
    prices.attrs["provenance"] = [
        {k: v for k, v in resolved[t][1].items() if k != "segments"} for t in names
    ]
    prices.attrs["adjusted"] = bool(adjusted)
    return prices


def pull(
    tickers: str | Iterable[str] | None = None,
    start=None,
    end=None,
    *,
    refresh: bool = False,
    timeout: float | None = None,
) -> list[dict]:
    """Fetch tickers from Yahoo into the cache (only what is missing unless ``refresh``).

    Parameters
    ----------
    tickers : str or iterable of str, optional
        Default: the tickers of the project's committed data (``data/market/datapackage.json``).
    start, end : date-like, optional
        Inclusive range; default the committed range of each ticker. Required for a ticker the
        committed data does not hold.
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
    DataValidationError
        No tickers given and no committed data, or no range for a ticker.
    PriceDataUnavailable
        Offline, or when Yahoo has no data or fails the checks; nothing is written then.

    Examples
    --------
    >>> [e["ticker"] for e in pull(["SYNA"], "2020-06-01", "2020-06-30")]  # doctest: +SKIP
    ['SYNA']
    """
    locked = committed.committed_resources()
    if tickers is None or (not isinstance(tickers, str) and not list(tickers)):
        if not locked:
            raise DataValidationError(
                "no tickers given and the project has no committed market data to refresh. Fix: name "
                "them, e.g. `frstory data pull SYNA ^GSPC --start 2020-01-01 --end 2020-12-31`",
                [{"file": None, "line": None, "column": "tickers", "value": None,
                  "message": "empty", "fix": "pass tickers"}])
        tickers = list(locked)
    names = _as_tickers(tickers)
    plan = []
    for ticker in names:
        args = (locked.get(ticker) or {}).get("arguments") or {}
        lo, hi = start if start is not None else args.get("start"), end if end is not None else args.get("end")
        if lo is None or hi is None:
            raise DataValidationError(
                f"no range for {ticker}: the committed data does not hold it. Fix: give --start and --end",
                [{"file": None, "line": None, "column": "start", "value": None,
                  "message": "missing", "fix": "give --start and --end"}])
        start_day, end_day = _as_day(lo, "start"), _as_day(hi, "end")
        if end_day < start_day:
            raise DataValidationError(
                f"end {end_day.date()} is before start {start_day.date()}: swap them (end is inclusive)",
                [{"file": None, "line": None, "column": "end", "value": str(end_day.date()),
                  "message": "before start", "fix": "swap start and end"}],
            )
        plan.append((ticker, start_day, end_day))
    entries: dict[str, dict] = {}
    # One range per ticker; tickers sharing a range are fetched and committed together.
    for (lo, hi) in dict.fromkeys((s, e) for _, s, e in plan):
        group = [t for t, s, e in plan if (s, e) == (lo, hi)]
        resolved = _resolve(group, lo, hi, refresh=refresh, timeout=timeout, use_committed=False)
        entries.update({ticker: entry for ticker, (_, entry) in resolved.items()})
    return [entries[t] for t in names]


def price_provenance() -> pd.DataFrame:
    """Where prices are served from: the cache's entries, then committed tickers the cache lacks.

    Returns
    -------
    pandas.DataFrame
        ``ticker, source, retrieved_at, yfinance_version, arguments, rows, first_date,
        last_date, sha256, splits, file`` (``arguments`` a dict, ``splits`` a list of dicts;
        ``file`` a name inside the cache or the committed folder). For committed tickers
        ``source`` is the reader-facing account of origin and treatment from ``datapackage.json``
        and ``retrieved_at`` when the data was locked.

    Examples
    --------
    >>> list(price_provenance().columns)[:3]
    ['ticker', 'source', 'retrieved_at']
    """
    manifest = read_manifest()
    rows = [{k: entry.get(k) for k in PROVENANCE_COLUMNS} for _, entry in sorted(manifest.items())]
    for ticker, record in sorted(committed.committed_resources().items()):
        if ticker not in manifest:
            rows.append({k: record.get(k) for k in PROVENANCE_COLUMNS})
    return pd.DataFrame(rows, columns=list(PROVENANCE_COLUMNS))
