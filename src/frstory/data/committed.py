"""Market data committed with a project: CSVs plus a Frictionless ``datapackage.json``.

A newsroom commits the prices a story read, with where each stretch of each file came from, so
anyone can rebuild the story years later without network and get the same numbers (as The
Economist's ``source-data/`` folders do). The folder (:func:`frstory.paths.committed_data_dir`)
holds one CSV per ticker in the cache's format and a ``datapackage.json`` (Frictionless Data
Package, profile ``tabular-data-package``) that :func:`lock` writes. Each resource carries:

* ``path``, ``bytes`` and ``hash`` (``sha256:<hex>``): every read checks the file against them;
* ``schema``: the column types, so any Frictionless tool can validate the CSV;
* ``sources`` (title and link of each origin) and ``description``: a reader-facing account of
  origin and treatment, used by the publisher's methods box;
* ``frstory``: the ticker, the inclusive range the file is complete for, splits, and the
  ``segments`` (``start, end, source, url, vintage, treatment``) that make up the file.

Segments come from a hand-written ``sources.csv`` next to the data (one row per stretch of a
ticker's file, like The Economist's ``list_of_sources.csv``); prices fetched from Yahoo with
``frstory data pull`` need no row, their segment is written from the cache's record.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from frstory.data.cache import (
    CSV_COLUMNS,
    CacheWriteError,
    atomic_write_bytes,
    check_frame_against,
    frame_to_csv_bytes,
    is_windows_device_name,
    normalize_ticker,
    parse_price_csv,
    read_cached_prices,
    read_manifest,
    writable_dir,
)
from frstory.data.checks import split_problem
from frstory.errors import CacheIntegrityError, DataValidationError
from frstory.paths import DATAPACKAGE_NAME, committed_data_dir, default_lock_dir

__all__ = [
    "SOURCES_NAME",
    "SOURCES_COLUMNS",
    "read_package",
    "committed_resources",
    "read_committed_prices",
    "describe_resource",
    "lock",
]

SOURCES_NAME = "sources.csv"
SOURCES_COLUMNS: tuple[str, ...] = ("ticker", "start", "end", "source", "url", "vintage", "treatment")
PACKAGE_FORMAT = 1
_FIX = ("restore the folder from version control (`git checkout -- data/market`) or lock it again "
        "(`frstory data lock`)")
_SCHEMA = {
    "fields": [
        {"name": "date", "type": "date", "format": "%Y-%m-%d", "description": "NYSE session (New York date)"},
        {"name": "open", "type": "number", "description": "opening price as traded that day"},
        {"name": "high", "type": "number", "description": "highest price as traded that day"},
        {"name": "low", "type": "number", "description": "lowest price as traded that day"},
        {"name": "close", "type": "number", "description": "closing price as traded that day"},
        {"name": "adj_close", "type": "number",
         "description": "Yahoo Finance's adjusted close of the source's vintage (later splits and dividends)"},
        {"name": "volume", "type": "integer", "description": "shares traded (index points' volume for indices)"},
    ],
    "primaryKey": ["date"],
}


def _integrity(what: str) -> CacheIntegrityError:
    return CacheIntegrityError(f"committed market data: {what}. It is not used. Fix: {_FIX}")


def read_package(folder: str | os.PathLike | None = None) -> dict | None:
    """The committed ``datapackage.json`` as a dict, or ``None`` when there is none.

    Raises
    ------
    CacheIntegrityError
        When the file is not JSON of the expected shape.

    Examples
    --------
    >>> read_package("/nonexistent-frstory-market") is None
    True
    """
    folder = Path(folder) if folder else committed_data_dir()
    if folder is None:
        return None
    path = folder / DATAPACKAGE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise _integrity(f"{DATAPACKAGE_NAME} cannot be read ({type(exc).__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
        raise _integrity(f"{DATAPACKAGE_NAME} has no 'resources' list")
    return data


def _resource_record(resource: dict) -> dict:
    """A committed resource in the cache-entry shape (so one set of checks serves both)."""
    info = resource.get("frstory")
    if not isinstance(info, dict):
        raise _integrity(f"resource {resource.get('name')!r} has no 'frstory' section")
    try:
        ticker = normalize_ticker(info.get("ticker"))
    except DataValidationError:
        raise _integrity(f"resource {resource.get('name')!r} names no valid ticker") from None
    path = resource.get("path")
    if not isinstance(path, str) or "/" in path or "\\" in path or path.startswith("."):
        raise _integrity(f"resource for {ticker} has path {path!r}, not a file name inside the folder")
    digest = str(resource.get("hash", ""))
    if not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
        raise _integrity(f"resource for {ticker} has hash {digest!r}, not 'sha256:<hex>'")
    for split in info.get("splits") or []:
        problem = split_problem(split)
        if problem:
            raise _integrity(f"resource for {ticker} has a split that cannot be right: {problem}")
    return {
        "ticker": ticker, "file": path, "sha256": digest.split(":", 1)[1],
        "rows": info.get("rows"), "first_date": info.get("first_date"), "last_date": info.get("last_date"),
        "arguments": {"start": info.get("start"), "end": info.get("end")},
        "splits": list(info.get("splits") or []), "segments": list(info.get("segments") or []),
        "source": resource.get("description") or "", "retrieved_at": info.get("locked_at"),
        "yfinance_version": info.get("yfinance_version"),
    }


def committed_resources(folder: str | os.PathLike | None = None) -> dict[str, dict]:
    """The committed tickers and their records (cache-entry shape plus ``segments``), by ticker.

    Examples
    --------
    >>> committed_resources("/nonexistent-frstory-market")
    {}
    """
    package = read_package(folder)
    if package is None:
        return {}
    records: dict[str, dict] = {}
    for resource in package["resources"]:
        if not isinstance(resource, dict):
            raise _integrity("a resource is not an object")
        record = _resource_record(resource)
        if record["ticker"] in records:
            raise _integrity(f"two resources hold {record['ticker']}")
        records[record["ticker"]] = record
    return records


def read_committed_prices(record: dict, folder: str | os.PathLike | None = None) -> tuple[pd.DataFrame, Path]:
    """A committed ticker's prices, after checking the file against its record.

    Raises
    ------
    CacheIntegrityError
        When the file is missing, its checksum differs, or its rows differ from the record.
    """
    folder = Path(folder) if folder else committed_data_dir()
    path = folder / record["file"]
    try:
        body = path.read_bytes()
    except OSError:
        raise _integrity(f"{record['file']} for {record['ticker']} is listed in {DATAPACKAGE_NAME} but missing") from None
    actual = hashlib.sha256(body).hexdigest()
    if actual != record["sha256"]:
        raise _integrity(f"{record['file']} for {record['ticker']} changed after it was locked (SHA-256 "
                         f"{actual}, {DATAPACKAGE_NAME} expects {record['sha256']})")
    try:
        frame = parse_price_csv(body)
    except (ValueError, TypeError) as exc:
        raise _integrity(f"{record['file']} for {record['ticker']} is not a price CSV ({exc})") from None
    check_frame_against(record, frame, f"committed file {record['file']}", _FIX)
    return frame, path


def describe_resource(record: dict, start=None, end=None, *,
                      dates: Callable[[str, str], str] = "{} to {}".format) -> str:
    """Origin and treatment of the part of a committed file from ``start`` to ``end``.

    ``dates`` writes each segment's first and last day: ISO by default (the data package's own
    descriptions); the price loader passes :func:`frstory.prose.date_range` for what readers see.

    Examples
    --------
    >>> rec = {"segments": [{"start": "2019-01-02", "end": "2019-12-31", "source": "Yahoo Finance (copy)",
    ...        "url": "https://example.org/a.csv", "vintage": "2020", "treatment": "as traded"}]}
    >>> describe_resource(rec, "2019-06-03", "2019-06-04")
    '2019-01-02 to 2019-12-31: Yahoo Finance (copy) (2020). As traded.'
    >>> from frstory import prose
    >>> describe_resource(rec, "2019-06-03", "2019-06-04", dates=prose.date_range)
    '2 January – 31 December 2019: Yahoo Finance (copy) (2020). As traded.'
    """
    lo = pd.Timestamp(start) if start is not None else pd.Timestamp.min
    hi = pd.Timestamp(end) if end is not None else pd.Timestamp.max
    parts = []
    for seg in record.get("segments") or []:
        if pd.Timestamp(seg["end"]) < lo or pd.Timestamp(seg["start"]) > hi:
            continue
        vintage = f" ({seg['vintage']})" if seg.get("vintage") else ""
        treatment = seg["treatment"][:1].upper() + seg["treatment"][1:]
        parts.append(f"{dates(seg['start'], seg['end'])}: {seg['source']}{vintage}. {treatment.rstrip('.')}.")
    return " ".join(parts) or str(record.get("source") or "")


# --- locking: cache -> committed data -------------------------------------------------------


def _sources_problem(line, column, value, message, fix) -> dict:
    return {"file": SOURCES_NAME, "line": line, "column": column, "value": value, "message": message, "fix": fix}


# What a reader must not meet in the methods box, which shows these columns word for word.
_NOT_FOR_READERS = (
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "is an ISO date, which readers see as it is",
     "write the date in words, e.g. 13 May 2021"),
    (re.compile(r"\^[A-Za-z]+"), "is a ticker symbol, which readers see as it is",
     "name the index or company, e.g. the S&P 500"),
    (re.compile(r"[\w./-]+\.(?:csv|json|parquet|xlsx?)\b", re.IGNORECASE), "is a file name, which readers see as it is",
     "leave the file to the url column; name the publisher or repository instead"),
    # Only the price files' own column names with an underscore: "close" is also a word.
    (re.compile(r"\b(?:" + "|".join(c for c in CSV_COLUMNS if "_" in c) + r")\b"),
     "is a column name, which readers see as it is", "say it in words, e.g. the adjusted close"),
)


def _reader_text_problems(line: int, column: str, text: str) -> list[dict]:
    """Problems of a ``sources.csv`` text that the published methods box would show readers as it is.

    Examples
    --------
    >>> [p["value"] for p in _reader_text_problems(2, "vintage", "committed 2021-05-13 (data/AMZN.csv)")]
    ['2021-05-13', 'data/AMZN.csv']
    >>> [p["value"] for p in _reader_text_problems(2, "treatment", "unchanged: adj_close equals close")]
    ['adj_close']
    >>> _reader_text_problems(2, "source", "a copy a third party committed to GitHub (someone/reddit_stocks)")
    []
    """
    return [_sources_problem(line, column, found.group(0), message, fix)
            for pattern, message, fix in _NOT_FOR_READERS for found in pattern.finditer(text)]


def read_sources(folder: Path) -> dict[str, list[dict]]:
    """The hand-written segments of ``sources.csv`` by ticker (empty when the file is absent).

    Raises
    ------
    DataValidationError
        For a wrong header, a bad ticker or date, an empty source or treatment, a non-http(s) url,
        or a text readers would see with an ISO date, a ticker symbol, a file or a column name in it.
    """
    path = folder / SOURCES_NAME
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        problem = _sources_problem(None, None, None, f"cannot be read ({type(exc).__name__})", "save it as UTF-8 CSV")
        raise DataValidationError(f"{SOURCES_NAME}: {problem['message']}. Fix: {problem['fix']}", [problem]) from None
    reader = csv.DictReader(io.StringIO(text))
    problems, segments = [], {}
    if tuple(reader.fieldnames or ()) != SOURCES_COLUMNS:
        problems.append(_sources_problem(1, None, ",".join(reader.fieldnames or []),
                                         "is not the expected header", f"make line 1 {','.join(SOURCES_COLUMNS)}"))
    else:
        for line, row in enumerate(reader, start=2):
            try:
                ticker = normalize_ticker(row["ticker"])
            except DataValidationError:
                problems.append(_sources_problem(line, "ticker", row["ticker"], "is not a ticker", "e.g. SYNA or ^GSPC"))
                continue
            try:
                start, end = dt.date.fromisoformat(row["start"]), dt.date.fromisoformat(row["end"])
            except (TypeError, ValueError):
                problems.append(_sources_problem(line, "start/end", f"{row['start']}..{row['end']}",
                                                 "are not ISO dates", "write dates like 2020-06-10"))
                continue
            if end < start:
                problems.append(_sources_problem(line, "end", row["end"], "is before start", "swap them"))
            for column in ("source", "treatment"):
                if not (row.get(column) or "").strip():
                    problems.append(_sources_problem(line, column, "", "is empty",
                                                     "say where the rows came from and what was done to them"))
            for column in ("source", "vintage", "treatment"):
                problems += _reader_text_problems(line, column, row.get(column) or "")
            url = (row.get("url") or "").strip()
            if url and not url.startswith(("https://", "http://")):
                problems.append(_sources_problem(line, "url", url, "is not an http(s) link", "give a web address or leave it empty"))
            segments.setdefault(ticker, []).append({
                "start": start.isoformat(), "end": end.isoformat(), "source": row["source"].strip(),
                "url": url, "vintage": (row.get("vintage") or "").strip(), "treatment": row["treatment"].strip(),
            })
    if problems:
        lines = [f"{len(problems)} problem(s) in {SOURCES_NAME}; nothing was locked:"]
        lines += [f"  {SOURCES_NAME}:{p['line']}: column {p['column']} value {p['value']!r} {p['message']}. "
                  f"Fix: {p['fix']}." for p in problems]
        raise DataValidationError("\n".join(lines), problems)
    for ticker in segments:
        segments[ticker].sort(key=lambda s: s["start"])
    return segments


def _yahoo_segment(entry: dict, first: str, last: str) -> dict:
    from frstory import prose  # the one owner of dates in words: readers see the vintage as it is

    retrieved = str(entry.get("retrieved_at") or "")[:10]
    return {
        "start": first, "end": last, "url": "https://finance.yahoo.com/",
        "source": f"Yahoo Finance chart API, fetched with yfinance {entry.get('yfinance_version') or ''}".strip(),
        "vintage": f"retrieved {prose.date(retrieved)}" if retrieved else "",
        "treatment": "as traded: Yahoo's split-adjusted prices multiplied back by the later splits it "
                     "reported, rounded to its price grid; not adjusted for dividends",
    }


def _segments_for(ticker: str, entry: dict, first: str, last: str, sources: dict[str, list[dict]],
                  sessions: pd.DatetimeIndex) -> list[dict]:
    listed = [s for s in sources.get(ticker, []) if s["end"] >= first and s["start"] <= last]
    if not listed and str(entry.get("source") or "").startswith("yfinance"):
        return [_yahoo_segment(entry, first, last)]
    covered = pd.Series(False, index=sessions)
    for seg in listed:
        covered[(covered.index >= seg["start"]) & (covered.index <= seg["end"])] = True
    gaps = covered.index[~covered.to_numpy()]
    if len(gaps):
        from frstory.data.checks import describe_dates

        raise DataValidationError(
            f"no source is recorded for {ticker} on {len(gaps)} session(s) ({describe_dates(gaps)}) of the "
            f"range {first} to {last}; nothing was locked. Fix: add rows to {SOURCES_NAME} in the committed "
            f"data folder ({','.join(SOURCES_COLUMNS)}) saying where those rows came from and how they "
            "were treated",
            [{"file": SOURCES_NAME, "line": None, "column": "ticker", "value": ticker,
              "message": "no source for some sessions", "fix": "add rows"}],
        )
    return [{**s, "start": max(s["start"], first), "end": min(s["end"], last)} for s in listed]


def _resource_name(ticker: str) -> str:
    return re.sub(r"[^a-z0-9._-]", "-", ticker.lower().replace("^", "index-"))


def _committed_file_name(ticker: str, taken: set[str]) -> str:
    # Readers browse this folder: GSPC.csv reads better than %5EGSPC.csv; fall back when taken,
    # or when Windows would refuse the name (a ticker such as CON or PRN: CON.csv cannot be checked out).
    plain = re.sub(r"[^A-Za-z0-9.=-]", "", ticker.lstrip("^")) + ".csv"
    if plain not in taken and not is_windows_device_name(plain):
        return plain
    fallback = _resource_name(ticker) + ".csv"
    return fallback if not is_windows_device_name(fallback) else "ticker-" + fallback


def ranges_read(log: str | os.PathLike) -> dict[str, tuple[str, str]]:
    """The tickers and ranges a run read, from a read log (``FRSTORY_READ_LOG``, JSON lines).

    Each ticker's range is the union of its reads: the first ``start`` to the last ``end``.

    Raises
    ------
    DataValidationError
        When the log cannot be read, a line is not JSON, or it records no price read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "reads.jsonl"
    >>> _ = p.write_text('{"kind": "prices:SYNA", "ticker": "SYNA", "start": "2020-06-01", "end": "2020-06-30"}\\n')
    >>> ranges_read(p)
    {'SYNA': ('2020-06-01', '2020-06-30')}
    """
    name = Path(log).name
    try:
        lines = Path(log).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataValidationError(f"read log {name} cannot be read ({type(exc).__name__}). Fix: give the file "
                                  "FRSTORY_READ_LOG named when the story ran", []) from None
    ranges: dict[str, tuple[str, str]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            read = json.loads(line)
        except ValueError:
            raise DataValidationError(f"read log {name}:{number} is not a JSON line. Fix: give the file "
                                      "FRSTORY_READ_LOG named when the story ran", []) from None
        if not (isinstance(read, dict) and str(read.get("kind", "")).startswith("prices:")):
            continue
        try:
            ticker = normalize_ticker(read.get("ticker"))
            lo, hi = str(pd.Timestamp(read["start"]).date()), str(pd.Timestamp(read["end"]).date())
        except (KeyError, TypeError, ValueError, DataValidationError):
            raise DataValidationError(f"read log {name}:{number} is a price read without a valid ticker, start "
                                      "and end", []) from None
        old = ranges.get(ticker)
        ranges[ticker] = (min(lo, old[0]), max(hi, old[1])) if old else (lo, hi)
    if not ranges:
        raise DataValidationError(f"read log {name} records no price read: nothing to lock", [])
    return ranges


def lock(
    tickers=None, start=None, end=None, *, folder: str | os.PathLike | None = None,
    title: str | None = None, description: str | None = None,
    ranges: dict[str, tuple[str, str]] | None = None,
) -> list[dict]:
    """Write cached prices into the committed data folder with their provenance (``frstory data lock``).

    Parameters
    ----------
    tickers : iterable of str, optional
        Default: every ticker in the price cache.
    start, end : date-like, optional
        The range to lock (inclusive); default each ticker's whole cached range.
    folder : path-like, optional
        Default :func:`frstory.paths.default_lock_dir` (the project's ``data/market``).
    title, description : str, optional
        The package's title and description; kept from the existing package when omitted.
    ranges : dict, optional
        Ticker -> (start, end) to lock, e.g. :func:`ranges_read` of a story's read log; replaces
        ``tickers``, ``start`` and ``end``.

    Returns
    -------
    list of dict
        The resources written (Frictionless resource descriptors).

    Raises
    ------
    DataValidationError
        A ticker is not cached or the cache does not cover the range; a stretch of a file has no
        source in ``sources.csv``; ``sources.csv`` is malformed. Nothing is written then.

    Examples
    --------
    >>> lock(["SYNA"], "2020-06-01", "2020-06-30", folder="data/market")  # doctest: +SKIP
    """

    target = Path(folder).expanduser().resolve() if folder else default_lock_dir()
    if target is None:
        raise DataValidationError(
            "no committed data folder: run `frstory data lock` inside a project (a folder with "
            "pyproject.toml), set FRSTORY_COMMITTED_DATA, or pass --to FOLDER", [])
    manifest = read_manifest()
    if ranges:
        tickers = list(ranges)
    names = [normalize_ticker(t) for t in tickers] if tickers else sorted(manifest)
    if not names:
        raise DataValidationError(
            "the price cache is empty, so there is nothing to lock. Fix: fill it first with "
            "`frstory data import DIR` or `frstory data pull TICKERS --start ... --end ...`", [])
    sources = read_sources(target)
    package = read_package(target) or {}
    existing = {r["frstory"]["ticker"]: r for r in package.get("resources", []) if isinstance(r, dict)
                and isinstance(r.get("frstory"), dict) and r["frstory"].get("ticker")}
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    written: list[tuple[dict, bytes]] = []
    taken = {r.get("path") for t, r in existing.items() if t not in names}
    for ticker in names:
        entry = manifest.get(ticker)
        if entry is None:
            raise DataValidationError(
                f"{ticker} is not in the price cache, so it cannot be locked. Fix: `frstory data pull {ticker} "
                "--start ... --end ...` or `frstory data import DIR` first", [])
        frame = read_cached_prices(entry)
        args = entry["arguments"]
        want_start, want_end = ranges[ticker] if ranges else (start, end)
        lo = pd.Timestamp(want_start) if want_start is not None else pd.Timestamp(args["start"])
        hi = pd.Timestamp(want_end) if want_end is not None else pd.Timestamp(args["end"])
        if lo < pd.Timestamp(args["start"]) or hi > pd.Timestamp(args["end"]):
            raise DataValidationError(
                f"the price cache holds {ticker} for {args['start']} to {args['end']} only, not "
                f"{lo.date()} to {hi.date()}. Fix: `frstory data pull {ticker} --start {lo.date()} --end "
                f"{hi.date()}` first, or lock a narrower range", [])
        part = frame[(frame["date"] >= lo) & (frame["date"] <= hi)].reset_index(drop=True)
        if part.empty:
            raise DataValidationError(f"{ticker} has no session from {lo.date()} to {hi.date()}: nothing to lock", [])
        first, last = part["date"].iloc[0].strftime("%Y-%m-%d"), part["date"].iloc[-1].strftime("%Y-%m-%d")
        segments = _segments_for(ticker, entry, first, last, sources, pd.DatetimeIndex(part["date"]))
        body = frame_to_csv_bytes(part)
        digest = hashlib.sha256(body).hexdigest()
        path = (existing.get(ticker) or {}).get("path")
        if not path or path in taken:
            path = _committed_file_name(ticker, taken)
        taken.add(path)
        record = {"segments": segments}
        sources_list, seen = [], set()
        for seg in segments:
            key = (seg["source"], seg["url"])
            if key not in seen:
                seen.add(key)
                sources_list.append({"title": seg["source"], **({"path": seg["url"]} if seg["url"] else {})})
        resource = {
            "name": _resource_name(ticker),
            "path": path,
            "profile": "tabular-data-resource",
            "title": f"{ticker} daily prices, as traded",
            "description": describe_resource(record),
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": len(body), "hash": f"sha256:{digest}",
            "sources": sources_list,
            "schema": _SCHEMA,
            "frstory": {
                "ticker": ticker, "start": str(lo.date()), "end": str(hi.date()), "rows": int(len(part)),
                "first_date": first, "last_date": last, "locked_at": now,
                "yfinance_version": entry.get("yfinance_version"),
                "splits": [s for s in entry.get("splits") or []],
                "segments": segments,
            },
        }
        written.append((resource, body))
    resources = [r for t, r in existing.items() if t not in names] + [r for r, _ in written]
    resources.sort(key=lambda r: r["frstory"]["ticker"])
    all_sources, seen = [], set()
    for r in resources:
        for s in r.get("sources", []):
            key = (s.get("title"), s.get("path"))
            if key not in seen:
                seen.add(key)
                all_sources.append(s)
    new_package = {
        "profile": "tabular-data-package",
        "name": package.get("name") or "market-data",
        "title": title or package.get("title") or "Daily market prices read by the stories",
        "description": description or package.get("description") or (
            "Daily prices as traded (open, high, low, close, volume) and the source's adjusted close, "
            "one CSV per ticker, locked with `frstory data lock`. Each resource says where each stretch "
            "of its file came from and how it was treated."),
        "created": now,
        "sources": all_sources,
        "resources": resources,
        "frstory": {"format": PACKAGE_FORMAT, "sources_file": SOURCES_NAME},
    }
    writable_dir(target, "the committed data")
    try:
        # Data files first, the package last: it is what readers trust, so it commits the change.
        for resource, body in written:
            atomic_write_bytes(target / resource["path"], body)
        atomic_write_bytes(target / DATAPACKAGE_NAME,
                           (json.dumps(new_package, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    except OSError as exc:
        raise CacheWriteError(f"could not write the committed data ({exc.strerror or exc}); "
                              "restore it with `git checkout -- data/market`") from None
    return [r for r, _ in written]


__all__ += ["read_sources", "ranges_read", "CSV_COLUMNS"]
