"""The on-disk price cache: one CSV per ticker plus ``manifest.json`` with provenance.

Layout of :func:`frstory.paths.price_cache_dir` (``$FRSTORY_DATA_DIR/prices``, by default in the
user's cache folder)::

    prices/
      SYNA.3f2a...c1.csv     as-traded prices, header ``date,open,high,low,close,adj_close,volume``
      %5EGSPC.9b0e...47.csv  index tickers: the percent-encoded ticker (``^`` -> ``%5E``)
      manifest.json          {"format": 1, "tickers": {"SYNA": {<entry>}, "^GSPC": {...}}}

A data file's name is the percent-encoded ticker (reversible, unique per ticker, safe on every
file system: a ticker Windows reserves as a device name, such as ``CON``, gets its first letter
encoded too, ``%43ON``) plus the first 16 hex digits of its SHA-256: a new version of a ticker's
prices is a new file, so writing it never touches the version the manifest still points at.

Writes replace the cache as a whole or not at all, also when the process is killed at any
moment: new files are staged next to the old ones, then ``manifest.json`` is replaced atomically
(the commit point), then files no entry refers to are removed. Before the commit, readers see
the old cache; after it, the new one. The manifest is read again under a lock before it is
replaced, so concurrent writers never lose each other's tickers; and a Yahoo fetch of one range
merges with a range of the same ticker another process fetched meanwhile (see
``_merged_with_current``), so two processes fetching at once never shrink what is cached.

A manifest entry (the contract in docs/architecture.md) has ``ticker, source, retrieved_at,
yfinance_version, arguments, rows, first_date, last_date, sha256, splits, file``. ``arguments``
always holds ``start`` and ``end``: the inclusive range the cached file is complete for.
``splits`` lists ``{"date", "ratio", "method"}``; prices in the CSV are as traded, and the splits
turn them into split-adjusted prices. Every read checks the entry against its file (ticker key,
file inside the cache and named for the ticker, checksum, rows and sessions of the range, split
ratios); any inconsistency raises :class:`frstory.errors.CacheIntegrityError` naming the fix.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pandas as pd

from frstory.errors import CacheIntegrityError, DataValidationError, FrstoryError
from frstory.paths import price_cache_dir

__all__ = [
    "CSV_COLUMNS",
    "MANIFEST_FIELDS",
    "MANIFEST_NAME",
    "CacheWriteError",
    "normalize_ticker",
    "cache_file_name",
    "ticker_from_file_name",
    "read_manifest",
    "write_entries",
    "entry_state",
    "check_entry",
    "verify_entry",
    "read_cached_prices",
    "cache_status",
    "frame_to_csv_bytes",
    "atomic_write_bytes",
    "split_factor_after",
    "writable_dir",
]

CSV_COLUMNS: tuple[str, ...] = ("date", "open", "high", "low", "close", "adj_close", "volume")
MANIFEST_FIELDS: tuple[str, ...] = (
    "ticker", "source", "retrieved_at", "yfinance_version", "arguments", "rows",
    "first_date", "last_date", "sha256", "splits", "file",
)
MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1
_TICKER_RE = re.compile(r"^\^?[A-Z0-9][A-Z0-9.\-=]{0,19}$")
_STORED_RE = re.compile(r"^(?P<stem>[A-Za-z0-9%.\-=_]+)\.(?P<digest>[0-9a-f]{16})\.csv$")
# Device names Windows refuses as a file name, with any extension and in any case ("con.csv",
# "Nul.1a2b.csv"); COM0 and LPT0 are on Microsoft's list of names to avoid too.
_WINDOWS_DEVICE_RE = re.compile(r"(?:CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(?:\.|$)", re.IGNORECASE)
_REPAIR_HINT = (
    "re-import the folder it came from (`frstory data import DIR`) or refetch it "
    "(`frstory data pull --refresh TICKER`)"
)
_WHERE = "`frstory data status` shows where the cache is"


class CacheWriteError(FrstoryError, OSError):
    """The price cache (or the committed data folder) cannot be written; nothing was changed."""


def normalize_ticker(ticker: object) -> str:
    """Upper-case, strip and validate a Yahoo ticker (``^`` for indices, ``.``/``-``/``=`` allowed).

    Raises
    ------
    DataValidationError
        For anything that is not a plausible ticker, naming the value.

    Examples
    --------
    >>> normalize_ticker(" syna ")
    'SYNA'
    >>> normalize_ticker("^gspc")
    '^GSPC'
    """
    text = str(ticker).strip().upper() if isinstance(ticker, str) else None
    if not text or not _TICKER_RE.match(text):
        shown = repr(ticker) if not isinstance(ticker, str) or len(ticker) <= 40 else repr(ticker[:40] + "...")
        raise DataValidationError(
            f"ticker {shown} is not a Yahoo ticker: use letters, digits, '.', '-' or '=' "
            "(up to 20 characters), with a leading '^' for indices, e.g. 'SYNA' or '^GSPC'",
            [{"file": None, "line": None, "column": "ticker", "value": ticker,
              "message": "not a ticker", "fix": "e.g. 'SYNA' or '^GSPC'"}],
        )
    return text


def cache_file_name(ticker: str, sha256: str | None = None) -> str:
    """The file name for ``ticker``'s prices; with ``sha256``, the cache's versioned name.

    The stem is the percent-encoded ticker. A ticker that Windows reserves as a device name
    (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM0``-``COM9``, ``LPT0``-``LPT9``, alone or before a
    ``.``) gets its first letter percent-encoded too, so the name is valid there; every other
    ticker's name is unchanged. :func:`ticker_from_file_name` reads either back.

    Examples
    --------
    >>> cache_file_name("^GSPC")
    '%5EGSPC.csv'
    >>> cache_file_name("SYNA", "0123456789abcdef" * 4)
    'SYNA.0123456789abcdef.csv'
    >>> cache_file_name("CON"), cache_file_name("LPT1.B")
    ('%43ON.csv', '%4CPT1.B.csv')
    """
    stem = quote(ticker, safe="")
    if is_windows_device_name(stem):
        stem = f"%{ord(stem[0]):02X}{stem[1:]}"
    return f"{stem}.{sha256[:16]}.csv" if sha256 else f"{stem}.csv"



def is_windows_device_name(name: str) -> bool:
    """Whether Windows refuses ``name`` as a file name: a device name (CON, NUL, COM1...) with any extension.

    Examples
    --------
    >>> is_windows_device_name("con.csv"), is_windows_device_name("LPT1"), is_windows_device_name("CONE.csv")
    (True, True, False)
    """
    return _WINDOWS_DEVICE_RE.match(name) is not None

def ticker_from_file_name(name: str) -> str:
    """Inverse of :func:`cache_file_name`.

    Examples
    --------
    >>> ticker_from_file_name("%5EGSPC.csv"), ticker_from_file_name("SYNA.0123456789abcdef.csv")
    ('^GSPC', 'SYNA')
    >>> ticker_from_file_name("%43ON.0123456789abcdef.csv")
    'CON'
    """
    match = _STORED_RE.match(name)
    if match:
        return unquote(match["stem"])
    return unquote(name[:-4] if name.lower().endswith(".csv") else name)


def _manifest_path(cache_dir: Path) -> Path:
    return cache_dir / MANIFEST_NAME


def _corrupt(reason: str) -> CacheIntegrityError:
    return CacheIntegrityError(
        f"the price cache manifest ({MANIFEST_NAME}) is unusable: {reason}. Nothing was read from the "
        f"cache. Fix: delete the cache's prices folder ({_WHERE}), then re-import "
        "(`frstory data import DIR`) or refetch (`frstory data pull --refresh TICKERS...`)"
    )


def read_manifest(cache_dir: str | os.PathLike | None = None) -> dict[str, dict]:
    """The manifest's entries by ticker (empty when nothing is cached yet), each checked.

    Raises
    ------
    CacheIntegrityError
        When ``manifest.json`` is not valid JSON of the expected shape, or an entry is
        inconsistent (see :func:`check_entry`).

    Examples
    --------
    >>> read_manifest("/nonexistent-frstory-cache")
    {}
    """
    path = _manifest_path(Path(cache_dir) if cache_dir else price_cache_dir())
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise _corrupt(f"it cannot be read ({type(exc).__name__})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _corrupt(f"it is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("tickers"), dict):
        raise _corrupt("it has no 'tickers' object")
    if data.get("format") != MANIFEST_FORMAT:
        raise _corrupt(f"its format is {data.get('format')!r}, this frstory reads format {MANIFEST_FORMAT}")
    tickers = data["tickers"]
    for key, entry in tickers.items():
        check_entry(key, entry)
    return tickers


def check_entry(key: str, entry: object) -> None:
    """Check one manifest entry on its own (without its file).

    Checks: it is an object with every contract field; its ``ticker`` equals its key; ``file`` is
    a plain file name, the versioned name of that ticker and of its ``sha256``; ``rows``,
    ``first_date``, ``last_date`` and ``arguments.start/end`` are consistent; every split is
    plausible.

    Raises
    ------
    CacheIntegrityError
        Naming the ticker, the field, what is wrong and the fix.

    Examples
    --------
    >>> check_entry("SYNA", {"ticker": "SYNB"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    frstory.errors.CacheIntegrityError: price cache entry 'SYNA' lacks the field(s) ...
    """
    from frstory.data.checks import split_problem

    fix = _REPAIR_HINT.replace("TICKER", str(key))

    def bad(what: str) -> CacheIntegrityError:
        return CacheIntegrityError(f"price cache entry {key!r} {what}. It is not used. Fix: {fix}")

    if not isinstance(entry, dict):
        raise bad("is not an object")
    missing = [f for f in MANIFEST_FIELDS if f not in entry]
    if missing:
        raise bad(f"lacks the field(s) {', '.join(missing)}")
    if entry["ticker"] != key:
        raise bad(f"describes ticker {entry['ticker']!r}")
    name = entry["file"]
    if not isinstance(name, str) or "/" in name or "\\" in name or name in {"", ".", ".."}:
        raise bad(f"names file {name!r}, which is not a plain file name inside the cache")
    sha = entry["sha256"]
    if not (isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{64}", sha)):
        raise bad(f"has sha256 {sha!r}, not a SHA-256 hex digest")
    # Named for the ticker: the name reads back as it. Besides cache_file_name's own name this
    # accepts what an older frstory wrote for a Windows device name (CON.<digest>.csv), so such
    # a cache stays valid where it was written.
    stored = _STORED_RE.match(name)
    if not (stored and stored["digest"] == sha[:16] and ticker_from_file_name(name) == key):
        raise bad(f"names file {name!r}, but {key}'s file with that checksum is {cache_file_name(key, sha)!r}")
    rows = entry["rows"]
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 1:
        raise bad(f"has rows {rows!r}, not a positive whole number")
    args = entry["arguments"]
    try:
        first, last = pd.Timestamp(entry["first_date"]), pd.Timestamp(entry["last_date"])
        start, end = pd.Timestamp(args["start"]), pd.Timestamp(args["end"])
    except (TypeError, ValueError, KeyError):
        raise bad("has no valid first_date, last_date and arguments.start/end dates") from None
    if not (start <= first <= last <= end):
        raise bad(f"claims the range {args['start']} to {args['end']} but holds {entry['first_date']} "
                  f"to {entry['last_date']}")
    splits = entry["splits"]
    if not isinstance(splits, list):
        raise bad("has 'splits' that is not a list")
    for split in splits:
        problem = split_problem(split)
        if problem:
            raise bad(f"has a split that cannot be right: {problem}")


def _umask() -> int:
    # There is no way to read the umask without setting it; set it back at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def writable_dir(folder: Path, what: str = "the price cache") -> None:
    """Create ``folder`` if needed and check it can be written, or raise :class:`CacheWriteError`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> writable_dir(pathlib.Path(tempfile.mkdtemp()) / "new")
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CacheWriteError(
            f"cannot create the folder of {what} ({exc.strerror}); nothing was written. Fix: make its "
            f"parent writable, or point FRSTORY_DATA_DIR at a writable folder ({_WHERE})"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CacheWriteError(
            f"the folder of {what} is read-only; nothing was written. Fix: make it writable "
            f"(chmod u+w), or point FRSTORY_DATA_DIR at a writable folder ({_WHERE})"
        )


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, then ``os.replace``.

    The file gets the usual mode for new files (``0666`` less the umask), not ``mkstemp``'s 0600.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> atomic_write_bytes(p, b"hello"); p.read_bytes()
    b'hello'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def frame_to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The canonical cache CSV for an as-traded price frame (columns :data:`CSV_COLUMNS`)."""
    out = frame.loc[:, list(CSV_COLUMNS)].copy()
    out["date"] = pd.DatetimeIndex(out["date"]).strftime("%Y-%m-%d")
    buffer = io.StringIO()
    # repr-precision floats: what is read back is bit-for-bit what was written.
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


@contextlib.contextmanager
def _locked(cache_dir: Path) -> Iterator[None]:
    """Serialise manifest read-modify-write between processes (no-op where fcntl is missing)."""
    writable_dir(cache_dir)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(cache_dir / ".lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _collect_garbage(cache_dir: Path, manifest: dict[str, dict]) -> None:
    """Remove data files no entry refers to and temporary files of interrupted writes."""
    keep = {e["file"] for e in manifest.values()}
    for path in cache_dir.iterdir():
        stale = (path.name.endswith(".tmp") and path.name.startswith(".")) or (
            _STORED_RE.match(path.name) and path.name not in keep
        )
        if stale:
            with contextlib.suppress(OSError):
                path.unlink()


def write_entries(
    items: Iterable[tuple[dict, pd.DataFrame]], cache_dir: str | os.PathLike | None = None
) -> list[dict]:
    """Store price frames and their manifest entries as one change: all of them, or none.

    Parameters
    ----------
    items : iterable of (entry, frame)
        ``entry`` holds ``ticker, source, retrieved_at, yfinance_version, arguments, splits``;
        ``rows, first_date, last_date, sha256, file`` are filled in here. ``frame`` has
        :data:`CSV_COLUMNS` with as-traded prices.
    cache_dir : path-like, optional
        Default :func:`frstory.paths.price_cache_dir`.

    Returns
    -------
    list of dict
        The manifest entries written.

    Raises
    ------
    CacheWriteError
        When the cache folder is read-only or full; the cache is unchanged.

    Examples
    --------
    >>> import tempfile
    >>> frame = pd.DataFrame({"date": pd.to_datetime(["2020-06-10"]), "open": [1.0], "high": [2.0],
    ...     "low": [0.5], "close": [1.5], "adj_close": [1.5], "volume": [10]})
    >>> entry = {"ticker": "SYNA", "source": "synthetic example", "retrieved_at": "2020-06-11T00:00:00+00:00",
    ...     "yfinance_version": None, "arguments": {"start": "2020-06-10", "end": "2020-06-10"}, "splits": []}
    >>> write_entries([(entry, frame)], tempfile.mkdtemp())[0]["rows"]
    1
    """
    cache_dir = Path(cache_dir) if cache_dir else price_cache_dir()
    prepared = [_prepared(entry, frame) for entry, frame in items]
    with _locked(cache_dir):
        # Read under the lock: another process may have committed since this one read the cache.
        manifest = read_manifest(cache_dir)
        prepared = [_merged_with_current(full, body, frame, manifest.get(full["ticker"]), cache_dir)
                    for full, body, frame in prepared]
        try:
            for full, body, _ in prepared:  # stage: new names, the committed files stay untouched
                atomic_write_bytes(cache_dir / full["file"], body)
            new_manifest = {**manifest, **{full["ticker"]: full for full, _, _ in prepared}}
            payload = {"format": MANIFEST_FORMAT, "tickers": dict(sorted(new_manifest.items()))}
            _fsync_dir(cache_dir)
            # The commit point: before this replace readers see the old cache, after it the new.
            atomic_write_bytes(_manifest_path(cache_dir),
                               (json.dumps(payload, indent=2) + "\n").encode("utf-8"))
            _fsync_dir(cache_dir)
        except OSError as exc:
            _collect_garbage(cache_dir, manifest)
            raise CacheWriteError(
                f"could not write the price cache ({exc.strerror or exc}); it is unchanged. Fix: free disk "
                f"space or make the folder writable, or point FRSTORY_DATA_DIR elsewhere ({_WHERE})"
            ) from None
        _collect_garbage(cache_dir, new_manifest)
    return [full for full, _, _ in prepared]


def _prepared(entry: dict, frame: pd.DataFrame) -> tuple[dict, bytes, pd.DataFrame]:
    """``(manifest entry, CSV bytes, frame)`` for storing ``frame``; the entry is checked as a read would."""
    body = frame_to_csv_bytes(frame)
    dates = pd.DatetimeIndex(frame["date"])
    sha = hashlib.sha256(body).hexdigest()
    full = {
        **{k: entry.get(k) for k in MANIFEST_FIELDS},
        "rows": int(len(frame)),
        "first_date": dates.min().strftime("%Y-%m-%d") if len(frame) else None,
        "last_date": dates.max().strftime("%Y-%m-%d") if len(frame) else None,
        "sha256": sha,
        "file": cache_file_name(entry["ticker"], sha),
    }
    check_entry(entry["ticker"], full)  # never commit an entry a read would reject
    return full, body, frame


def _span(entry: dict) -> tuple[pd.Timestamp, pd.Timestamp]:
    args = entry["arguments"]
    return pd.Timestamp(args["start"]), pd.Timestamp(args["end"])


def _parts(entry: dict) -> list[dict]:
    """The fetches an entry's file was put together from: its own, or those it lists."""
    args = entry["arguments"]
    if isinstance(args.get("parts"), list):
        return list(args["parts"])
    return [{"start": args["start"], "end": args["end"], "retrieved_at": entry.get("retrieved_at")}]


def _merged_with_current(
    full: dict, body: bytes, frame: pd.DataFrame, current: dict | None, cache_dir: Path
) -> tuple[dict, bytes, pd.DataFrame]:
    """The write of ``full``, widened by what the cache holds for its ticker now when that reaches
    outside ``full``'s range: what another process fetched and committed meanwhile.

    Without this, two processes fetching different ranges of one ticker at once each replace the
    ticker's file, and the later leaves only its own range cached. A fetch always asks for the
    union of its range and the range cached when it started, so a current entry outside the new
    range was committed meanwhile. Only Yahoo fetches are merged, and only when both came through
    the same source and yfinance version, agree on every split, and together form one complete
    series from the first start to the last end (frstory.data.checks.frame_problems): the file
    keeps one source. Otherwise (an import, a gap between the ranges, a damaged current file) the
    new write replaces the entry as before.
    """
    if current is None or current.get("sha256") == full["sha256"] or full.get("yfinance_version") is None:
        return full, body, frame
    if (current.get("source"), current.get("yfinance_version")) != (full.get("source"), full.get("yfinance_version")):
        return full, body, frame
    (start, end), (held_start, held_end) = _span(full), _span(current)
    if start <= held_start and held_end <= end:
        return full, body, frame  # the new write holds everything the current one does
    splits = {s["date"]: s for s in current["splits"]}
    for split in full["splits"]:
        if split["date"] in splits and float(splits[split["date"]]["ratio"]) != float(split["ratio"]):
            return full, body, frame
        splits[split["date"]] = split
    try:
        held = read_cached_prices(current, cache_dir)
    except CacheIntegrityError:
        return full, body, frame  # a damaged file is replaced, not carried on
    from frstory.data.checks import frame_problems

    # On days both hold, the newer fetch wins.
    kept = held[~held["date"].isin(pd.DatetimeIndex(frame["date"]))]
    merged = pd.concat([kept, frame.loc[:, list(CSV_COLUMNS)]], ignore_index=True).sort_values("date", ignore_index=True)
    first, last = min(start, held_start), max(end, held_end)
    if frame_problems(merged, first, last):
        return full, body, frame
    arguments = {**full["arguments"], "start": first.strftime("%Y-%m-%d"), "end": last.strftime("%Y-%m-%d"),
                 "parts": sorted(_parts(current) + _parts(full), key=lambda p: (p["start"], p["end"]))}
    known = [a["splits_known_through"] for a in (full["arguments"], current["arguments"]) if a.get("splits_known_through")]
    if known:
        arguments["splits_known_through"] = max(known)
    retrieved = [e["retrieved_at"] for e in (current, full) if e.get("retrieved_at")]
    entry = {
        **full,
        # The earlier retrieval: no part of the file is older than the entry says.
        "retrieved_at": min(retrieved) if retrieved else None,
        "arguments": arguments,
        "splits": sorted(splits.values(), key=lambda s: s["date"]),
    }
    return _prepared(entry, merged)


def _entry_path(entry: dict, cache_dir: str | os.PathLike | None) -> Path:
    return (Path(cache_dir) if cache_dir else price_cache_dir()) / entry["file"]


def entry_state(entry: dict, cache_dir: str | os.PathLike | None = None) -> str:
    """``"ok"``, ``"MISMATCH"`` (checksum differs from the manifest) or ``"missing file"``."""
    path = _entry_path(entry, cache_dir)
    if not path.is_file():
        return "missing file"
    return "ok" if hashlib.sha256(path.read_bytes()).hexdigest() == entry.get("sha256") else "MISMATCH"


def _verified_bytes(entry: dict, cache_dir: str | os.PathLike | None) -> tuple[Path, bytes]:
    ticker = entry["ticker"]
    check_entry(ticker, entry)
    path = _entry_path(entry, cache_dir)
    fix = _REPAIR_HINT.replace("TICKER", ticker)
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise CacheIntegrityError(
            f"price cache file {entry['file']} for {ticker} is listed in {MANIFEST_NAME} but missing. Fix: {fix}"
        ) from None
    except OSError as exc:
        raise CacheIntegrityError(
            f"price cache file {entry['file']} for {ticker} cannot be read ({exc.strerror}). Fix: {fix}"
        ) from None
    actual = hashlib.sha256(body).hexdigest()
    if actual != entry.get("sha256"):
        raise CacheIntegrityError(
            f"price cache file {entry['file']} for {ticker} was changed after it was written: SHA-256 is "
            f"{actual}, the manifest expects {entry.get('sha256')}. It is not used. Fix: {fix}"
        )
    return path, body


def verify_entry(entry: dict, cache_dir: str | os.PathLike | None = None) -> Path:
    """The entry's CSV path after checking the entry and the file's SHA-256.

    Raises
    ------
    CacheIntegrityError
        Naming the file, the expected and actual hash (or that it is missing) and the fix.
    """
    return _verified_bytes(entry, cache_dir)[0]


def split_factor_after(dates: pd.DatetimeIndex, splits: list[dict]) -> pd.Series:
    """For each date, the product of the ratios of the splits that took effect after it.

    Dividing an as-traded price by it gives the split-adjusted price (volume: multiply).

    Examples
    --------
    >>> days = pd.to_datetime(["2022-06-03", "2022-06-06"])
    >>> split_factor_after(days, [{"date": "2022-06-06", "ratio": 20.0}]).tolist()
    [20.0, 1.0]
    """
    factor = pd.Series(1.0, index=pd.DatetimeIndex(dates))
    for split in splits:
        factor[factor.index < pd.Timestamp(split["date"])] *= float(split["ratio"])
    return factor


def parse_price_csv(body: bytes) -> pd.DataFrame:
    """A canonical price CSV (as written by :func:`frame_to_csv_bytes`) as a frame with contract dtypes.

    Examples
    --------
    >>> parse_price_csv(b"date,open,high,low,close,adj_close,volume\\n2020-06-10,1,2,0.5,1.5,1.5,10\\n")["volume"].tolist()
    [10]
    """
    frame = pd.read_csv(
        io.BytesIO(body),
        dtype={"open": "float64", "high": "float64", "low": "float64", "close": "float64",
               "adj_close": "float64", "volume": "int64"},
    )
    if list(frame.columns) != list(CSV_COLUMNS):
        raise ValueError(f"header is {','.join(frame.columns)}")
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d").astype("datetime64[ns]")
    return frame


def check_frame_against(entry: dict, frame: pd.DataFrame, where: str, fix: str) -> None:
    """Check a verified file's rows against what its record claims (rows, dates, every session)."""
    from frstory.data.checks import frame_problems

    ticker = entry["ticker"]
    dates = pd.DatetimeIndex(frame["date"])
    claims = (entry["rows"], entry["first_date"], entry["last_date"])
    holds = (len(frame), dates.min().strftime("%Y-%m-%d") if len(frame) else None,
             dates.max().strftime("%Y-%m-%d") if len(frame) else None)
    if claims != holds:
        raise CacheIntegrityError(
            f"{where} for {ticker} holds {holds[0]} rows from {holds[1]} to {holds[2]}, but its record "
            f"claims {claims[0]} rows from {claims[1]} to {claims[2]}. It is not used. Fix: {fix}"
        )
    args = entry.get("arguments") or {}
    problems = frame_problems(frame, args.get("start"), args.get("end"))
    if problems:
        raise CacheIntegrityError(
            f"{where} for {ticker} is not a complete, plausible series for {args.get('start')} to "
            f"{args.get('end')}: {'; '.join(problems)}. It is not used. Fix: {fix}"
        )


def read_cached_prices(entry: dict, cache_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read a verified cache CSV (as-traded prices) into a frame with contract dtypes.

    Raises
    ------
    CacheIntegrityError
        When the entry is inconsistent, the file is missing, its checksum differs from the
        manifest, or its rows are not the range the manifest claims.
    """
    # Parse exactly the bytes whose checksum was compared, so a concurrent change cannot slip in.
    _, body = _verified_bytes(entry, cache_dir)
    fix = _REPAIR_HINT.replace("TICKER", entry["ticker"])
    try:
        frame = parse_price_csv(body)
    except (ValueError, TypeError) as exc:
        raise CacheIntegrityError(
            f"price cache file {entry['file']} for {entry['ticker']} is not a price CSV ({exc}). Fix: {fix}"
        ) from None
    check_frame_against(entry, frame, f"price cache file {entry['file']}", fix)
    return frame


def cache_status(cache_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """What the cache holds, one row per ticker, with each file's checksum state.

    Returns
    -------
    pandas.DataFrame
        ``ticker, rows, first_date, last_date, source, retrieved_at, splits, state, file``;
        ``state`` is ``ok``, ``MISMATCH``, ``missing file`` or ``not in manifest`` (a CSV in the
        folder that no entry describes; it is never read).

    Examples
    --------
    >>> import tempfile
    >>> cache_status(tempfile.mkdtemp()).empty
    True
    """
    cache_dir = Path(cache_dir) if cache_dir else price_cache_dir()
    columns = ["ticker", "rows", "first_date", "last_date", "source", "retrieved_at", "splits", "state", "file"]
    manifest = read_manifest(cache_dir)
    rows = []
    for ticker, entry in sorted(manifest.items()):
        rows.append({
            "ticker": ticker, "rows": entry.get("rows"), "first_date": entry.get("first_date"),
            "last_date": entry.get("last_date"), "source": entry.get("source"),
            "retrieved_at": entry.get("retrieved_at"),
            "splits": ", ".join(f"{s['date']} {s['ratio']:g}:1 ({s.get('method', '?')})"
                                for s in entry.get("splits") or []),
            "state": entry_state(entry, cache_dir), "file": entry.get("file"),
        })
    listed = {e.get("file") for e in manifest.values()}
    if cache_dir.is_dir():
        for path in sorted(cache_dir.glob("*.csv")):
            if path.name not in listed:
                rows.append({"ticker": ticker_from_file_name(path.name), "rows": None, "first_date": None,
                             "last_date": None, "source": None, "retrieved_at": None, "splits": "",
                             "state": "not in manifest", "file": path.name})
    return pd.DataFrame(rows, columns=columns)
