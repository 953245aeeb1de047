"""Fill the price cache from a folder of CSV files, without any network (``frstory data import DIR``).

Format (that of the project's committed ``data/market``): one file per ticker, header exactly
``date,open,high,low,close,adj_close,volume``; ISO dates of NYSE sessions, strictly increasing, with
no session left out between the first and the last (the cache serves the file as complete);
prices as traded, finite, positive and below 10 million, ``low <= open, close <= high``;
``adj_close`` Yahoo's adjusted close; volume a whole number ``>= 0``.

Which files: when the folder has a Frictionless ``datapackage.json`` (as committed data does),
exactly its resources, each checked against its ``hash`` as it is read and named by its ticker;
otherwise every ``*.csv``. File name -> ticker: the name without ``.csv``, upper-cased,
percent-decoded (``%5EGSPC.csv`` and ``^GSPC.csv`` are ``^GSPC``). Index files drop the caret in
the common download format, so these names map to index tickers: ``GSPC, IXIC, DJI, NDX, RUT,
VIX`` -> ``^GSPC, ^IXIC, ...`` (:data:`KNOWN_INDEXES`).

Every file is validated before anything is written, streaming line by line (memory stays small
whatever the file's size: a valid file has at most one row per session); all problems are
reported together (:class:`frstory.errors.DataValidationError`, with file, line, column, value and
fix), at most :data:`MAX_PROBLEMS_SHOWN` per file followed by a count of the rest, and an import
with any problem imports nothing.

Split inference: the files hold as-traded prices, so splits are not listed, but they show in how
the two closes move. On a day with a split of ratio *k*, the as-traded close falls by *k* while the
adjusted close does not: ``(adj_close[t] / adj_close[t-1]) / (close[t] / close[t-1]) = k``. An
ex-dividend day moves that ratio too, but by the dividend yield (about 1.01 for a 1 % dividend).
A day where the ratio is >= 1.03 or <= 1/1.03 is a split only when it is plausible: a whole
ratio n (or 1/n) up to 100 within 0.2 %, or a small adjustment factor up to 1.25 (how Yahoo
treats a spin-off), and the new price level holds the next session. Anything else is flagged as
an implausible one-day move for the user to check, never stored as a split: a jump that reverses
the next session (a spike), a ratio like 7.3, or an adjusted close that moves more than
threefold in a day. On a snapshot of large US stocks it finds two 20-for-1 splits and one 1.046
spin-off adjustment, and nothing else.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import os
import re
from pathlib import Path
from urllib.parse import unquote

import pandas as pd

from frstory.data.cache import CSV_COLUMNS, normalize_ticker, write_entries
from frstory.data.checks import MAX_PRICE, MAX_VOLUME, calendar_bounds
from frstory.errors import DataValidationError
from frstory.paths import DATAPACKAGE_NAME

__all__ = [
    "import_directory",
    "validate_price_csv",
    "infer_splits",
    "ticker_for_file",
    "KNOWN_INDEXES",
    "SPLIT_THRESHOLD",
    "MAX_PROBLEMS_SHOWN",
    "MAX_LINE_LENGTH",
]

#: File stems that name index tickers without their caret.
KNOWN_INDEXES: frozenset[str] = frozenset({"GSPC", "IXIC", "DJI", "NDX", "RUT", "VIX"})
#: How far the adjusted-vs-as-traded ratio must move for a day to count as a split candidate.
SPLIT_THRESHOLD = 1.03
#: Largest adjustment factor taken as a spin-off-style "split" (Yahoo's spin-off factors are near 1.05).
MAX_ADJUSTMENT_FACTOR = 1.25
#: An adjusted close that moves more than this factor in one session is flagged.
MAX_DAILY_MOVE = 3.0
#: Problems listed per file; the rest are counted.
MAX_PROBLEMS_SHOWN = 10
#: A price row is about 60 characters; longer lines are rejected without being parsed.
MAX_LINE_LENGTH = 1000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^\d{1,15}$")
_HEADER = ",".join(CSV_COLUMNS)


def _problem(file, line, column, value, message, fix) -> dict:
    if isinstance(value, str) and len(value) > 60:
        value = value[:60] + f"... ({len(value):,} characters)"
    return {"file": str(file), "line": line, "column": column, "value": value, "message": message, "fix": fix}


class _Problems:
    """Problems of one file: the first :data:`MAX_PROBLEMS_SHOWN` kept, the rest counted."""

    def __init__(self, name: str):
        self.name, self.kept, self.total = name, [], 0

    def add(self, *args) -> None:
        self.total += 1
        if len(self.kept) < MAX_PROBLEMS_SHOWN:
            self.kept.append(_problem(self.name, *args))

    def listed(self) -> list[dict]:
        more = self.total - len(self.kept)
        if more:
            return [*self.kept, _problem(self.name, None, None, None, f"... and {more:,} more problem(s) in this file",
                                         "fix the problems above, then re-run to see the rest")]
        return list(self.kept)


def ticker_for_file(path: str | os.PathLike) -> str:
    """The ticker a CSV file holds, from its name (see the module docs).

    Examples
    --------
    >>> ticker_for_file("GSPC.csv"), ticker_for_file("syna.csv"), ticker_for_file("%5EIXIC.csv")
    ('^GSPC', 'SYNA', '^IXIC')
    """
    stem = unquote(Path(path).name[: -len(".csv")]).strip().upper()
    if stem in KNOWN_INDEXES:
        stem = "^" + stem
    return normalize_ticker(stem)


_SESSIONS: dict[str, int] | None = None


def _sessions() -> dict[str, int]:
    """Every NYSE session the calendar knows, as ISO strings in order, with its position (a row's
    date is checked by lookup; positions tell how many sessions lie between two rows)."""
    global _SESSIONS
    if _SESSIONS is None:
        from frstory.data.calendar import nyse_calendar

        first, last = calendar_bounds()
        days = nyse_calendar().sessions_in_range(first, last).strftime("%Y-%m-%d")
        _SESSIONS = {day: i for i, day in enumerate(days)}
    return _SESSIONS


def _session_days() -> list[str]:
    """The sessions of :func:`_sessions` as a list, in order (to name the ones a file skips)."""
    global _SESSION_DAYS
    if _SESSION_DAYS is None:
        _SESSION_DAYS = list(_sessions())
    return _SESSION_DAYS


_SESSION_DAYS: list[str] | None = None


def _lines(fh, problems: _Problems, where: list[int]):
    """Each line's text, reading at most MAX_LINE_LENGTH bytes of any line; ``where[0]`` is its number."""
    line_no = 0
    while True:
        raw = fh.readline(MAX_LINE_LENGTH + 1)
        if not raw:
            return
        line_no += 1
        where[0] = line_no
        # Line ends of a carriage return alone (old Mac exports) make the whole file one line.
        bare_cr = b"\r" in raw.rstrip(b"\r\n")
        if bare_cr or (len(raw) > MAX_LINE_LENGTH and not raw.endswith(b"\n")):
            length = len(raw)
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line, in bounded pieces
                raw = fh.readline(1 << 16)
                length += len(raw)
            if bare_cr:
                problems.add(line_no, None, None,
                             "ends its lines with a carriage return alone (CR, the old Mac format), so the "
                             "file reads as one line",
                             "save it with standard line ends (LF or CRLF), e.g. as 'CSV UTF-8' from a spreadsheet")
            else:
                problems.add(line_no, None, None, f"is {length:,} bytes long; a price row is under 100",
                             "remove the oversized field (a price row has 7 short values)")
            continue
        try:
            text = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            problems.add(line_no, None, None, f"is not UTF-8 text ({exc.reason} at byte {exc.start})",
                         "save the file as UTF-8 CSV")
            continue
        yield text


def _rows(fh, problems: _Problems):
    """(line number, cells) of each CSV row, through one csv.reader over the bounded lines.

    The line number is where the row starts: a quoted field can run over several lines (an
    unclosed quote runs to the end of the file), and the editor must look where it begins.
    """
    where = [0]
    reader = csv.reader(_lines(fh, problems, where))
    while True:
        starts_on = where[0] + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add(starts_on, None, None, f"is not a CSV row ({exc})", "write 7 comma-separated values")
            continue
        yield starts_on, row


def validate_price_csv(path: str | os.PathLike, name: str | None = None) -> tuple[pd.DataFrame | None, list[dict]]:
    """Read and check one price CSV; returns the frame (``None`` if unusable) and the problems found.

    Each problem is a dict ``file, line, column, value, message, fix`` (line 1 is the header); at
    most :data:`MAX_PROBLEMS_SHOWN` are listed, then one that counts the rest. The frame carries
    each row's line number in ``attrs["lines"]`` and the SHA-256 of the bytes it was read from in
    ``attrs["sha256"]``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "SYNA.csv"
    >>> _ = p.write_text("date,open,high,low,close,adj_close,volume\\n2020-06-10,1,2,0.5,1.5,1.5,100\\n")
    >>> frame, problems = validate_price_csv(p)
    >>> len(frame), problems
    (1, [])
    """
    frame, problems, _ = _read_price_csv(path, name)
    return frame, problems


class _HashingReader:
    """A binary file whose every byte read also goes into a SHA-256.

    The importer records the hash of the bytes it validated: hashing the file again afterwards
    would record a file changed in between, and would read a large file twice.
    """

    def __init__(self, fh) -> None:
        self._fh = fh
        self._hash = hashlib.sha256()

    def readline(self, size: int = -1) -> bytes:
        data = self._fh.readline(size)
        self._hash.update(data)
        return data

    def hexdigest(self) -> str:
        """The SHA-256 of the whole file: the bytes read so far and the rest, read now in pieces."""
        while chunk := self._fh.read(1 << 20):
            self._hash.update(chunk)
        return self._hash.hexdigest()


def _read_price_csv(path: str | os.PathLike, name: str | None = None) -> tuple[pd.DataFrame | None, list[dict], str | None]:
    """:func:`validate_price_csv`, plus the SHA-256 of the bytes read (``None`` when unreadable).

    The file is opened and read once: the frame, the problems and the hash all come from the
    same bytes, even if the file changes while or after it is read.
    """
    path = Path(path)
    problems = _Problems(name or path.name)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        problems.add(None, None, None, f"cannot be read ({exc.strerror})", "check the file exists and is readable")
        return None, problems.listed(), None
    with fh:
        source = _HashingReader(fh)
        frame = _parse_price_rows(source, problems)
        sha256 = source.hexdigest()
    if frame is None:
        return None, problems.listed(), sha256
    frame.attrs["sha256"] = sha256
    return frame, [], sha256


def _parse_price_rows(fh, problems: _Problems) -> pd.DataFrame | None:
    """The checked frame of a price CSV open for binary reading, or ``None`` after adding problems."""
    sessions = _sessions()
    first_day, last_day = (d.date() for d in calendar_bounds())
    records: list[tuple] = []
    lines: list[int] = []
    seen: dict[str, int] = {}
    previous: tuple[str, int] | None = None
    last_data_line: int | None = None
    header_seen = False
    for line_no, row in _rows(fh, problems):
        if not header_seen:
            header_seen = True
            header = [cell.strip() for cell in row]
            if not any(header):
                problems.add(1, None, "", "is empty (no header)", f"start the file with the header {_HEADER}")
                return None
            if header != list(CSV_COLUMNS):
                problems.add(1, None, ",".join(row), f"is not the expected header {_HEADER!r}",
                             f"make line 1 exactly {_HEADER} (same names, same order)")
                return None
            continue
        if not row or all(not cell.strip() for cell in row):
            continue  # blank lines (often a trailing one) carry no data
        # A gap is judged between adjacent rows only: after a row already reported (a
        # misspelt date, a short row) the session it stood for would look skipped too.
        follows_previous, last_data_line = previous is not None and previous[1] == last_data_line, line_no
        if len(row) != len(CSV_COLUMNS):
            if any("\n" in cell or "\r" in cell for cell in row):
                problems.add(line_no, None, ",".join(row),
                             f"has {len(row)} fields, expected {len(CSV_COLUMNS)}, and runs over several lines",
                             "close the double quote opened on this line (a price row has no quotes)")
            else:
                problems.add(line_no, None, ",".join(row), f"has {len(row)} fields, expected {len(CSV_COLUMNS)}",
                             f"give one value per column: {_HEADER}")
            continue
        cells = dict(zip(CSV_COLUMNS, (c.strip() for c in row)))
        row_ok = True
        raw_date = cells["date"]
        # ISO strings sort as dates do, so a session's string is all the checks below need.
        if raw_date in sessions:
            if raw_date in seen:
                row_ok = False
                problems.add(line_no, "date", raw_date, f"duplicates the date on line {seen[raw_date]}",
                             "keep one row per trading day")
            elif previous is not None and raw_date < previous[0]:
                row_ok = False
                problems.add(line_no, "date", raw_date,
                             f"comes before {previous[0]} on line {previous[1]} (dates must be sorted)",
                             "sort the rows by date, oldest first")
            else:
                skipped = sessions[raw_date] - sessions[previous[0]] - 1 if follows_previous else 0
                if skipped > 0:
                    # The cache serves a file as complete from its first to its last date; a
                    # file with a hole would be stored and then refused on every load.
                    row_ok = False
                    days = _session_days()[sessions[previous[0]] + 1 : sessions[raw_date]]
                    shown = ", ".join(days[:5]) + (f" and {len(days) - 5:,} more" if len(days) > 5 else "")
                    problems.add(line_no, "date", raw_date,
                                 f"follows {previous[0]} on line {previous[1]}, skipping {skipped} NYSE "
                                 f"session(s): {shown}",
                                 "add the missing rows: a file holds every NYSE session from its first "
                                 "date to its last (if the stock did not trade then, start the file after the gap)")
                seen[raw_date] = line_no
                previous = (raw_date, line_no)
        else:
            row_ok = False
            day = None
            if _ISO_DATE.match(raw_date):
                try:
                    day = dt.date.fromisoformat(raw_date)
                except ValueError:
                    day = None
            if day is None:
                problems.add(line_no, "date", raw_date, "is not an ISO date (YYYY-MM-DD)",
                             "write dates like 2020-06-10")
            elif not first_day <= day <= last_day:
                problems.add(line_no, "date", raw_date,
                             f"is outside the NYSE calendar ({first_day} to {last_day})",
                             "check the year; prices can only be imported for days the calendar knows")
            else:
                what = day.strftime("%A") if day.weekday() >= 5 else "an exchange holiday"
                # frstory counts sessions on the NYSE calendar only: a row on another exchange's trading
                # day is real data this toolkit cannot place, not a typo to delete.
                problems.add(line_no, "date", raw_date, f"is {what}, not a NYSE session",
                             "correct its date if it is a typo; frstory works on the NYSE calendar only, so "
                             "prices from an exchange that traded that day (e.g. Xetra, London) cannot be "
                             "imported yet")
        values: dict[str, float] = {}
        for column in ("open", "high", "low", "close", "adj_close"):
            raw = cells[column]
            try:
                number = float(raw)
            except ValueError:
                problems.add(line_no, column, raw, "is not a number", "write a decimal number such as 123.45")
                row_ok = False
                continue
            if not math.isfinite(number):
                problems.add(line_no, column, raw, "is not a finite number",
                             "replace it with the real price or drop the row")
                row_ok = False
            elif number <= 0:
                problems.add(line_no, column, raw, "is not a positive price",
                             "prices must be > 0; check the sign and the column order")
                row_ok = False
            elif number > MAX_PRICE:
                problems.add(line_no, column, raw, f"is implausibly large (above {MAX_PRICE:,.0f})",
                             "check the units and the decimal point")
                row_ok = False
            else:
                values[column] = number
        if {"high", "low"} <= values.keys() and values["high"] < values["low"]:
            problems.add(line_no, "high", cells["high"], f"is below low {cells['low']}",
                         "check that high and low are not swapped")
            row_ok = False
        elif {"high", "low"} <= values.keys():
            for column in ("open", "close"):
                if column in values and not values["low"] <= values[column] <= values["high"]:
                    problems.add(line_no, column, cells[column],
                                 f"is outside the day's range low {cells['low']} .. high {cells['high']}",
                                 "check the row's prices and the column order")
                    row_ok = False
        raw_volume = cells["volume"]
        if not _INTEGER.match(raw_volume) or int(raw_volume) > MAX_VOLUME:
            problems.add(line_no, "volume", raw_volume, f"is not a whole number from 0 to {MAX_VOLUME:.0e}",
                         "write the number of shares traded, e.g. 3265400")
            row_ok = False
        if row_ok and not problems.total:
            records.append((raw_date, values["open"], values["high"], values["low"],
                            values["close"], values["adj_close"], int(raw_volume)))
            lines.append(line_no)
    if not header_seen and not problems.total:  # a header line that was refused is not "no header"
        problems.add(1, None, "", "is empty (no header)", f"start the file with the header {_HEADER}")
    elif not problems.total and not records:
        problems.add(2, None, "", "has a header but no data rows", "add at least one day of prices")
    if problems.total:
        return None
    frame = pd.DataFrame.from_records(records, columns=list(CSV_COLUMNS))
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d").astype("datetime64[ns]")
    frame["volume"] = frame["volume"].astype("int64")
    frame.attrs["lines"] = lines
    return frame


def _snap_ratio(ratio: float) -> float | None:
    """A whole n (or 1/n) up to 100 when within 0.2 %, a small adjustment factor, else ``None``."""
    for value, invert in ((ratio, False), (1 / ratio, True)):
        whole = round(value)
        if 2 <= whole <= 100 and abs(value / whole - 1) < 0.002:
            return 1 / whole if invert else float(whole)
    if 1 / MAX_ADJUSTMENT_FACTOR <= ratio <= MAX_ADJUSTMENT_FACTOR:
        return round(ratio, 4)
    return None


def infer_splits(frame: pd.DataFrame, name: str = "prices") -> list[dict]:
    """Split events implied by an as-traded frame with Yahoo's ``adj_close`` (rule in the module docs).

    Raises
    ------
    DataValidationError
        For implausible one-day moves (spikes, odd ratios, huge adjusted moves), naming the lines.

    Examples
    --------
    >>> days = pd.to_datetime(["2022-06-02", "2022-06-03", "2022-06-06", "2022-06-07"])
    >>> frame = pd.DataFrame({"date": days, "close": [2500.0, 2450.0, 124.8, 125.0],
    ...                       "adj_close": [125.0, 122.5, 124.8, 125.0]})
    >>> infer_splits(frame)
    [{'date': '2022-06-06', 'ratio': 20.0, 'method': 'inferred', 'evidence': 'close ratio 0.050939, adj_close ratio 1.018776'}]
    """
    close = frame["close"].to_numpy(dtype="float64")
    adj = frame["adj_close"].to_numpy(dtype="float64")
    lines = frame.attrs.get("lines") or list(range(2, len(frame) + 2))
    problems = _Problems(name)
    splits = []
    skip = False
    for i in range(1, len(frame)):
        if skip:
            skip = False
            continue
        close_ratio, adj_ratio = close[i] / close[i - 1], adj[i] / adj[i - 1]
        day = pd.Timestamp(frame["date"].iloc[i]).strftime("%Y-%m-%d")
        if not 1 / MAX_DAILY_MOVE <= adj_ratio <= MAX_DAILY_MOVE:
            problems.add(lines[i], "adj_close", f"{adj[i]:g}",
                         f"moves x{adj_ratio:.4g} from the session before (line {lines[i - 1]}): an implausible "
                         "one-day move", "check the row against the source; a real move this large needs checking by hand")
            continue
        k = adj_ratio / close_ratio
        if 1 / SPLIT_THRESHOLD < k < SPLIT_THRESHOLD:
            continue
        if i + 1 < len(frame):
            k_next = (adj[i + 1] / adj[i]) / (close[i + 1] / close[i])
            reverses = not 1 / SPLIT_THRESHOLD < k_next < SPLIT_THRESHOLD and abs(k * k_next - 1) < 0.05
            if reverses:
                problems.add(lines[i], "close", f"{close[i]:g}",
                             f"jumps x{close_ratio:.4g} and back the next session: a one-day spike, not a split",
                             "correct the row's prices against the source")
                skip = True
                continue
        ratio = _snap_ratio(k)
        if ratio is None:
            problems.add(lines[i], "close", f"{close[i]:g}",
                         f"moves x{close_ratio:.4g} while adj_close moves x{adj_ratio:.4g}: implied split ratio "
                         f"{k:.4g} is not a plausible split", "correct the row's prices against the source")
            continue
        splits.append({
            "date": day, "ratio": ratio, "method": "inferred",
            "evidence": f"close ratio {close_ratio:.6f}, adj_close ratio {adj_ratio:.6f}",
        })
    if problems.total:
        listed = problems.listed()
        raise DataValidationError(_message(None, listed), listed)
    return splits


def _message(folder: str | None, problems: list[dict]) -> str:
    where_dir = f" in folder {folder!r}" if folder else ""
    lines = [f"problems in price CSVs{where_dir}; nothing was imported:"]
    for p in problems:
        where = p["file"] + (f":{p['line']}" if p["line"] is not None else "")
        column = f" column {p['column']}" if p["column"] else ""
        value = f" value {p['value']!r}" if p["value"] not in (None, "") else ""
        lines.append(f"  {where}:{column}{value} {p['message']}. Fix: {p['fix']}.")
    return "\n".join(lines)


def _package_files(src: Path) -> tuple[list[tuple[str, Path, dict]], list[dict]]:
    """(ticker, path, resource) of each resource of the folder's datapackage.json, and problems."""
    try:
        package = json.loads((src / DATAPACKAGE_NAME).read_text(encoding="utf-8"))
        resources = package["resources"]
        assert isinstance(resources, list)
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        return [], [_problem(DATAPACKAGE_NAME, None, None, None, "is not a data package with a 'resources' list",
                             "fix or remove datapackage.json")]
    files, problems = [], []
    for resource in resources:
        info = resource.get("frstory") if isinstance(resource, dict) else None
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(info, dict) or not isinstance(path, str) or "/" in path or "\\" in path:
            problems.append(_problem(DATAPACKAGE_NAME, None, "resources", None,
                                     "lists a resource without a plain file path and a 'frstory' ticker",
                                     "lock the data with `frstory data lock`"))
            continue
        try:
            ticker = normalize_ticker(info.get("ticker"))
        except DataValidationError:
            problems.append(_problem(DATAPACKAGE_NAME, None, "ticker", info.get("ticker"), "is not a ticker",
                                     "e.g. SYNA or ^GSPC"))
            continue
        file = src / path
        # The file's hash is compared with the locked one when it is read to be validated (once).
        if not file.is_file():
            problems.append(_problem(path, None, None, None, f"is listed in {DATAPACKAGE_NAME} but missing",
                                     "restore it from version control"))
            continue
        files.append((ticker, file, resource))
    return files, problems


def _changed_since_locked(name: str) -> dict:
    return _problem(name, None, None, None,
                    f"differs from the SHA-256 in {DATAPACKAGE_NAME} (changed after it was locked)",
                    "restore it from version control, or lock the data again")


def import_directory(src_dir: str | os.PathLike) -> list[dict]:
    """Validate a folder of price CSVs and store them in the price cache (all or nothing).

    Parameters
    ----------
    src_dir : path-like
        A folder of price CSVs in the format described in the module docs (with or without a
        Frictionless ``datapackage.json``).

    Returns
    -------
    list of dict
        The manifest entries written, one per file, sorted by ticker. ``source`` is the resource's
        description from ``datapackage.json``, else ``"imported from <file name>"``;
        ``arguments`` records the source file's name and SHA-256 and the covered range;
        ``splits`` the inferred splits.

    Raises
    ------
    DataValidationError
        When the folder is missing, holds no CSV, or any file has any problem; every problem is
        listed with file, line, column, value and fix, and nothing is written.
    CacheWriteError
        When the cache folder cannot be written; the cache is unchanged.

    Examples
    --------
    >>> entries = import_directory("data/market")  # doctest: +SKIP
    >>> [e["ticker"] for e in entries]  # doctest: +SKIP
    ['SYNA', 'SYNB', '^GSPC']
    """
    src = Path(src_dir).expanduser()
    shown = src.resolve().name or str(src_dir)
    if not src.is_dir():
        what = "is not a folder" if src.exists() else "does not exist"
        problem = _problem(shown, None, None, None, what,
                           "give the folder that holds the price CSVs, e.g. frstory data import data/market")
        raise DataValidationError(_message(None, [problem]), [problem])
    problems: list[dict] = []
    if (src / DATAPACKAGE_NAME).is_file():
        candidates, problems = _package_files(src)
    else:
        candidates = []
        for path in sorted(p for p in src.iterdir() if p.is_file() and p.name.lower().endswith(".csv")):
            try:
                candidates.append((ticker_for_file(path), path, None))
            except DataValidationError:
                problems.append(_problem(path.name, None, None, path.name, "does not name a ticker",
                                         "rename it to TICKER.csv, e.g. SYNA.csv or GSPC.csv for ^GSPC"))
    if not candidates and not problems:
        problem = _problem(shown, None, None, None, "holds no .csv files",
                           "put one CSV per ticker there (SYNA.csv, GSPC.csv, ...)")
        raise DataValidationError(_message(None, [problem]), [problem])
    parsed: list[tuple[str, Path, pd.DataFrame, dict | None, list[dict], str]] = []
    owners: dict[str, Path] = {}
    for ticker, path, resource in candidates:
        if ticker in owners:
            problems.append(_problem(path.name, None, None, path.name, f"holds {ticker} like {owners[ticker].name}",
                                     "keep one file per ticker"))
            continue
        owners[ticker] = path
        # One read gives the rows, the problems and the hash: what is checked against the locked
        # hash and recorded as the source's hash are the very bytes validated and imported.
        frame, found, sha256 = _read_price_csv(path)
        if resource is not None and sha256 is not None:
            if sha256 != str(resource.get("hash", "")).removeprefix("sha256:"):
                problems.append(_changed_since_locked(path.name))  # its other problems are not the locked file's
                continue
        problems.extend(found)
        if frame is not None:
            try:
                splits = infer_splits(frame, path.name)
            except DataValidationError as exc:
                problems.extend(exc.problems)
                continue
            parsed.append((ticker, path, frame, resource, splits, sha256))
    if problems:
        raise DataValidationError(_message(shown, problems), problems)
    imported_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    items = []
    for ticker, path, frame, resource, splits, sha256 in parsed:
        first, last = frame["date"].iloc[0], frame["date"].iloc[-1]
        info = (resource or {}).get("frstory") or {}
        entry = {
            "ticker": ticker,
            "source": (resource or {}).get("description") or f"imported from {path.name}",
            "retrieved_at": imported_at,
            "yfinance_version": None,
            "arguments": {
                "src_file": path.name,
                "src_sha256": sha256,
                "start": info.get("start") or first.strftime("%Y-%m-%d"),
                "end": info.get("end") or last.strftime("%Y-%m-%d"),
                # Where each stretch came from, so the methods box can say it in words (as for committed data).
                **({"segments": info["segments"]} if isinstance(info.get("segments"), list) else {}),
            },
            "splits": splits,
        }
        items.append((entry, frame))
    return sorted(write_entries(items), key=lambda e: e["ticker"])
