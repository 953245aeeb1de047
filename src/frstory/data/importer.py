"""Fill the price cache from a folder of CSV files, without any network (``frstory data import DIR``).

Format (that of ``/work/shared/market``): one file per ticker, header exactly
``date,open,high,low,close,adj_close,volume``; ISO dates, strictly increasing; prices as traded,
finite and positive, ``low <= open, close <= high``; ``adj_close`` Yahoo's adjusted close; volume a
whole number >= 0.

File name -> ticker: the name without ``.csv``, upper-cased, percent-decoded (``%5EGSPC.csv`` and
``^GSPC.csv`` are ``^GSPC``). Index files drop the caret in the common download format, so these
names map to index tickers: ``GSPC, IXIC, DJI, NDX, RUT, VIX`` -> ``^GSPC, ^IXIC, ...``
(:data:`KNOWN_INDEXES`). Files not ending in ``.csv`` (a README) are ignored.

Every file is validated before anything is written; all problems of all files are reported
together (:class:`frstory.errors.DataValidationError`, with file, line, column, value and fix),
and an import with any problem imports nothing.

Split inference: the files hold as-traded prices, so splits are not listed, but they show in how
the two closes move. On a day with a split of ratio *k*, the as-traded close falls by *k* while the
adjusted close does not: ``(adj_close[t] / adj_close[t-1]) / (close[t] / close[t-1]) = k``. An
ex-dividend day moves that ratio too, but by the dividend yield (about 1.01 for a 1 % dividend).
Rule: a day where the ratio is >= 1.03 or <= 1/1.03 is recorded as a split of that ratio,
``"method": "inferred"``; a ratio within 0.2 % of a whole number n (or 1/n) is recorded as n
(or 1/n), others are rounded to 4 decimals. In the real snapshot this finds AMZN 20 on
2022-06-06, GOOGL 20 on 2022-07-18 and IBM 1.046 on 2021-11-04 (Yahoo's treatment of the
Kyndryl spin-off) and nothing else; the largest dividend effect there is 1.0145 (IBM).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import re
from pathlib import Path
from urllib.parse import unquote

import pandas as pd

from frstory.data.cache import CSV_COLUMNS, normalize_ticker, write_entries
from frstory.errors import DataValidationError
from frstory.provenance import sha256_file

__all__ = ["import_directory", "validate_price_csv", "infer_splits", "KNOWN_INDEXES", "SPLIT_THRESHOLD"]

#: File stems that name index tickers without their caret.
KNOWN_INDEXES: frozenset[str] = frozenset({"GSPC", "IXIC", "DJI", "NDX", "RUT", "VIX"})
#: How far the adjusted-vs-as-traded ratio must move for a day to count as a split.
SPLIT_THRESHOLD = 1.03
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^\d+$")
_HEADER = ",".join(CSV_COLUMNS)


def _problem(file, line, column, value, message, fix) -> dict:
    return {"file": str(file), "line": line, "column": column, "value": value, "message": message, "fix": fix}


def ticker_for_file(path: str | os.PathLike) -> str:
    """The ticker a CSV file holds, from its name (see the module docs).

    Examples
    --------
    >>> ticker_for_file("GSPC.csv"), ticker_for_file("amzn.csv"), ticker_for_file("%5EIXIC.csv")
    ('^GSPC', 'AMZN', '^IXIC')
    """
    stem = unquote(Path(path).name[: -len(".csv")]).strip().upper()
    if stem in KNOWN_INDEXES:
        stem = "^" + stem
    return normalize_ticker(stem)


def validate_price_csv(path: str | os.PathLike) -> tuple[pd.DataFrame | None, list[dict]]:
    """Read and check one price CSV; returns the frame (``None`` if unusable) and every problem found.

    Each problem is a dict ``file, line, column, value, message, fix`` (line 1 is the header).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "SYNA.csv"
    >>> _ = p.write_text("date,open,high,low,close,adj_close,volume\\n2020-06-10,1,2,0.5,1.5,1.5,100\\n")
    >>> frame, problems = validate_price_csv(p)
    >>> len(frame), problems
    (1, [])
    """
    path = Path(path)
    problems: list[dict] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [_problem(path, None, None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                               "save the file as UTF-8 CSV")]
    except OSError as exc:
        return None, [_problem(path, None, None, None, f"cannot be read ({exc.strerror})",
                               "check the file exists and is readable")]
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(cell.strip() for cell in rows[0]):
        return None, [_problem(path, 1, None, "", "is empty (no header)", f"start the file with the header {_HEADER}")]
    header = [cell.strip() for cell in rows[0]]
    if header != list(CSV_COLUMNS):
        return None, [_problem(path, 1, None, ",".join(rows[0]),
                               f"is not the expected header {_HEADER!r}",
                               f"make line 1 exactly {_HEADER} (same names, same order)")]
    records = []
    seen: dict[dt.date, int] = {}
    previous: tuple[dt.date, int] | None = None
    for line_no, row in enumerate(rows[1:], start=2):
        if not row or all(not cell.strip() for cell in row):
            continue  # blank lines (often a trailing one) carry no data
        if len(row) != len(CSV_COLUMNS):
            problems.append(_problem(path, line_no, None, ",".join(row),
                                     f"has {len(row)} fields, expected {len(CSV_COLUMNS)}",
                                     f"give one value per column: {_HEADER}"))
            continue
        cells = dict(zip(CSV_COLUMNS, (c.strip() for c in row)))
        row_ok = True
        day = None
        raw_date = cells["date"]
        if _ISO_DATE.match(raw_date):
            try:
                day = dt.date.fromisoformat(raw_date)
            except ValueError:
                day = None
        if day is None:
            row_ok = False
            problems.append(_problem(path, line_no, "date", raw_date, "is not an ISO date (YYYY-MM-DD)",
                                     "write dates like 2020-06-10"))
        else:
            if day in seen:
                row_ok = False
                problems.append(_problem(path, line_no, "date", raw_date,
                                         f"duplicates the date on line {seen[day]}",
                                         "keep one row per trading day"))
            elif previous is not None and day < previous[0]:
                row_ok = False
                problems.append(_problem(path, line_no, "date", raw_date,
                                         f"comes before {previous[0].isoformat()} on line {previous[1]} "
                                         "(dates must be sorted)", "sort the rows by date, oldest first"))
            seen.setdefault(day, line_no)
            if previous is None or day > previous[0]:
                previous = (day, line_no)
        values: dict[str, float] = {}
        for column in ("open", "high", "low", "close", "adj_close"):
            raw = cells[column]
            try:
                number = float(raw)
            except ValueError:
                number = math.nan
                problems.append(_problem(path, line_no, column, raw, "is not a number",
                                         "write a decimal number such as 123.45"))
                row_ok = False
                continue
            if not math.isfinite(number):
                problems.append(_problem(path, line_no, column, raw, "is not a finite number",
                                         "replace it with the real price or drop the row"))
                row_ok = False
            elif number <= 0:
                problems.append(_problem(path, line_no, column, raw, "is not a positive price",
                                         "prices must be > 0; check the sign and the column order"))
                row_ok = False
            else:
                values[column] = number
        if {"high", "low"} <= values.keys() and values["high"] < values["low"]:
            problems.append(_problem(path, line_no, "high", cells["high"],
                                     f"is below low {cells['low']}", "check that high and low are not swapped"))
            row_ok = False
        elif {"high", "low"} <= values.keys():
            for column in ("open", "close"):
                if column in values and not values["low"] <= values[column] <= values["high"]:
                    problems.append(_problem(path, line_no, column, cells[column],
                                             f"is outside the day's range low {cells['low']} .. high {cells['high']}",
                                             "check the row's prices and the column order"))
                    row_ok = False
        raw_volume = cells["volume"]
        if not _INTEGER.match(raw_volume):
            problems.append(_problem(path, line_no, "volume", raw_volume, "is not a whole number >= 0",
                                     "write the number of shares traded, e.g. 3265400"))
            row_ok = False
        if row_ok:
            records.append({"date": pd.Timestamp(day), **values, "volume": int(raw_volume)})
    if not problems and not records:
        problems.append(_problem(path, 2, None, "", "has a header but no data rows", "add at least one day of prices"))
    if problems:
        return None, problems
    frame = pd.DataFrame.from_records(records, columns=list(CSV_COLUMNS))
    frame["date"] = frame["date"].astype("datetime64[ns]")
    frame["volume"] = frame["volume"].astype("int64")
    return frame, []


def _snap_ratio(ratio: float) -> float:
    """A whole number n (or 1/n for a reverse split) when within 0.2 %, else 4 decimals."""
    whole = round(ratio)
    if whole >= 2 and abs(ratio / whole - 1) < 0.002:
        return float(whole)
    whole = round(1 / ratio)
    if whole >= 2 and abs((1 / ratio) / whole - 1) < 0.002:
        return 1 / whole
    return round(ratio, 4)


def infer_splits(frame: pd.DataFrame) -> list[dict]:
    """Split events implied by an as-traded frame with Yahoo's ``adj_close`` (rule in the module docs).

    Examples
    --------
    >>> days = pd.to_datetime(["2022-06-02", "2022-06-03", "2022-06-06"])
    >>> frame = pd.DataFrame({"date": days, "close": [2500.0, 2450.0, 124.8],
    ...                       "adj_close": [125.0, 122.5, 124.8]})
    >>> infer_splits(frame)
    [{'date': '2022-06-06', 'ratio': 20.0, 'method': 'inferred', 'evidence': 'close ratio 0.050939, adj_close ratio 1.018776'}]
    """
    close = frame["close"].to_numpy(dtype="float64")
    adj = frame["adj_close"].to_numpy(dtype="float64")
    splits = []
    for i in range(1, len(frame)):
        close_ratio, adj_ratio = close[i] / close[i - 1], adj[i] / adj[i - 1]
        k = adj_ratio / close_ratio
        if k >= SPLIT_THRESHOLD or k <= 1 / SPLIT_THRESHOLD:
            splits.append({
                "date": pd.Timestamp(frame["date"].iloc[i]).strftime("%Y-%m-%d"),
                "ratio": _snap_ratio(k),
                "method": "inferred",
                "evidence": f"close ratio {close_ratio:.6f}, adj_close ratio {adj_ratio:.6f}",
            })
    return splits


def _message(src_dir: Path, problems: list[dict]) -> str:
    lines = [f"{len(problems)} problem(s) in price CSVs under {src_dir}; nothing was imported:"]
    for p in problems:
        where = p["file"] + (f":{p['line']}" if p["line"] is not None else "")
        column = f" column {p['column']}" if p["column"] else ""
        value = f" value {p['value']!r}" if p["value"] not in (None, "") else ""
        lines.append(f"  {where}:{column}{value} {p['message']}. Fix: {p['fix']}.")
    return "\n".join(lines)


def import_directory(src_dir: str | os.PathLike) -> list[dict]:
    """Validate every ``*.csv`` in ``src_dir`` and store them in the price cache (all or nothing).

    Parameters
    ----------
    src_dir : path-like
        A folder of price CSVs in the format described in the module docs.

    Returns
    -------
    list of dict
        The manifest entries written, one per file, sorted by ticker. ``source`` is
        ``"imported from <absolute src_dir>"``; ``arguments`` records the source file and its
        SHA-256 and the covered range; ``splits`` the inferred splits.

    Raises
    ------
    DataValidationError
        When the folder is missing, holds no CSV, or any file has any problem; every problem is
        listed with file, line, column, value and fix, and nothing is written.

    Examples
    --------
    >>> entries = import_directory("/work/shared/market")  # doctest: +SKIP
    >>> [e["ticker"] for e in entries]  # doctest: +SKIP
    ['AMZN', 'GOOGL', 'IBM', 'MSFT', '^GSPC', '^IXIC']
    """
    src = Path(src_dir).expanduser().resolve()
    if not src.is_dir():
        what = "is not a folder" if src.exists() else "does not exist"
        problem = _problem(src, None, None, str(src_dir), f"{what}",
                           "give the folder that holds the price CSVs, e.g. frstory data import ../shared/market")
        raise DataValidationError(_message(src, [problem]), [problem])
    files = sorted(p for p in src.iterdir() if p.is_file() and p.name.lower().endswith(".csv"))
    if not files:
        problem = _problem(src, None, None, None, "holds no .csv files",
                           "put one CSV per ticker there (AMZN.csv, GSPC.csv, ...)")
        raise DataValidationError(_message(src, [problem]), [problem])
    problems: list[dict] = []
    parsed: list[tuple[str, Path, pd.DataFrame]] = []
    owners: dict[str, Path] = {}
    for path in files:
        try:
            ticker = ticker_for_file(path)
        except DataValidationError:
            problems.append(_problem(path, None, None, path.name, "does not name a ticker",
                                     "rename it to TICKER.csv, e.g. AMZN.csv or GSPC.csv for ^GSPC"))
            continue
        if ticker in owners:
            problems.append(_problem(path, None, None, path.name,
                                     f"holds {ticker} like {owners[ticker].name}",
                                     "keep one file per ticker"))
            continue
        owners[ticker] = path
        frame, found = validate_price_csv(path)
        problems.extend(found)
        if frame is not None:
            parsed.append((ticker, path, frame))
    if problems:
        raise DataValidationError(_message(src, problems), problems)
    imported_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    items = []
    for ticker, path, frame in parsed:
        first, last = frame["date"].iloc[0], frame["date"].iloc[-1]
        entry = {
            "ticker": ticker,
            "source": f"imported from {src}",
            "retrieved_at": imported_at,
            "yfinance_version": None,
            "arguments": {
                "src_file": str(path),
                "src_sha256": sha256_file(path),
                "start": first.strftime("%Y-%m-%d"),
                "end": last.strftime("%Y-%m-%d"),
            },
            "splits": infer_splits(frame),
        }
        items.append((entry, frame))
    return sorted(write_entries(items), key=lambda e: e["ticker"])
