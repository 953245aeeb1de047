"""The on-disk price cache: one CSV per ticker plus ``manifest.json`` with provenance.

Layout of :func:`frstory.paths.price_cache_dir` (``$FRSTORY_DATA_DIR/prices``)::

    prices/
      AMZN.csv          as-traded prices, header ``date,open,high,low,close,adj_close,volume``
      %5EGSPC.csv       index tickers: the file name is the percent-encoded ticker (``^`` -> ``%5E``)
      manifest.json     {"format": 1, "tickers": {"AMZN": {<entry>}, "^GSPC": {...}}}

File names are ``urllib.parse.quote(ticker, safe="") + ".csv"``: reversible, unique per ticker (so
``^GSPC`` and a stock called ``GSPC`` cannot collide) and safe on every file system.

A manifest entry (the contract in docs/architecture.md) has ``ticker, source, retrieved_at,
yfinance_version, arguments, rows, first_date, last_date, sha256, splits, file``. ``arguments``
always holds ``start`` and ``end``: the inclusive range the cached file is complete for.
``splits`` lists ``{"date", "ratio", "method"}``; prices in the CSV are as traded, and the splits
turn them into split-adjusted prices.

Writes are atomic (temporary file + ``os.replace``), CSVs first and the manifest last, under a
lock file, so a crash leaves either the old state or a CSV whose checksum the manifest does not
match, which every read reports (:class:`frstory.errors.CacheIntegrityError`).
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

from frstory.errors import CacheIntegrityError, DataValidationError
from frstory.paths import price_cache_dir
from frstory.provenance import sha256_file

__all__ = [
    "CSV_COLUMNS",
    "MANIFEST_FIELDS",
    "MANIFEST_NAME",
    "normalize_ticker",
    "cache_file_name",
    "ticker_from_file_name",
    "read_manifest",
    "write_entries",
    "entry_state",
    "verify_entry",
    "read_cached_prices",
    "cache_status",
    "frame_to_csv_bytes",
    "atomic_write_bytes",
    "split_factor_after",
]

CSV_COLUMNS: tuple[str, ...] = ("date", "open", "high", "low", "close", "adj_close", "volume")
MANIFEST_FIELDS: tuple[str, ...] = (
    "ticker", "source", "retrieved_at", "yfinance_version", "arguments", "rows",
    "first_date", "last_date", "sha256", "splits", "file",
)
MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1
_TICKER_RE = re.compile(r"^\^?[A-Z0-9][A-Z0-9.\-=]{0,19}$")
_REPAIR_HINT = (
    "re-import the folder it came from (`frstory data import DIR`) or refetch it "
    "(`frstory data pull --refresh TICKER`)"
)


def normalize_ticker(ticker: object) -> str:
    """Upper-case, strip and validate a Yahoo ticker (``^`` for indices, ``.``/``-``/``=`` allowed).

    Raises
    ------
    DataValidationError
        For anything that is not a plausible ticker, naming the value.

    Examples
    --------
    >>> normalize_ticker(" amzn ")
    'AMZN'
    >>> normalize_ticker("^gspc")
    '^GSPC'
    """
    text = str(ticker).strip().upper() if isinstance(ticker, str) else None
    if not text or not _TICKER_RE.match(text):
        raise DataValidationError(
            f"ticker {ticker!r} is not a Yahoo ticker: use letters, digits, '.', '-' or '=' "
            "(up to 20 characters), with a leading '^' for indices, e.g. 'AMZN' or '^GSPC'",
            [{"file": None, "line": None, "column": "ticker", "value": ticker,
              "message": "not a ticker", "fix": "e.g. 'AMZN' or '^GSPC'"}],
        )
    return text


def cache_file_name(ticker: str) -> str:
    """The cache CSV's file name for ``ticker``.

    Examples
    --------
    >>> cache_file_name("^GSPC")
    '%5EGSPC.csv'
    """
    return quote(ticker, safe="") + ".csv"


def ticker_from_file_name(name: str) -> str:
    """Inverse of :func:`cache_file_name`.

    Examples
    --------
    >>> ticker_from_file_name("%5EGSPC.csv")
    '^GSPC'
    """
    return unquote(name[:-4] if name.lower().endswith(".csv") else name)


def _manifest_path(cache_dir: Path) -> Path:
    return cache_dir / MANIFEST_NAME


def read_manifest(cache_dir: str | os.PathLike | None = None) -> dict[str, dict]:
    """The manifest's entries by ticker (empty when nothing is cached yet).

    Raises
    ------
    CacheIntegrityError
        When ``manifest.json`` is not valid JSON of the expected shape.

    Examples
    --------
    >>> read_manifest("/nonexistent-frstory-cache")
    {}
    """
    path = _manifest_path(Path(cache_dir) if cache_dir else price_cache_dir())
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        tickers = data["tickers"]
        if not isinstance(tickers, dict) or not all(isinstance(e, dict) for e in tickers.values()):
            raise TypeError("'tickers' is not an object of entries")
    except (ValueError, KeyError, TypeError) as exc:
        raise CacheIntegrityError(
            f"price cache manifest {path} is unreadable ({type(exc).__name__}: {exc}). Fix: delete "
            f"{path} and the CSVs next to it, then re-import (`frstory data import DIR`) or refetch "
            "(`frstory data pull --refresh TICKERS...`)"
        ) from exc
    return tickers


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, then ``os.replace``.

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
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


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
    cache_dir.mkdir(parents=True, exist_ok=True)
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


def write_entries(
    items: Iterable[tuple[dict, pd.DataFrame]], cache_dir: str | os.PathLike | None = None
) -> list[dict]:
    """Store price frames and their manifest entries: every CSV first, then the manifest once.

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
    items = list(items)
    written: list[dict] = []
    with _locked(cache_dir):
        manifest = read_manifest(cache_dir)
        for entry, frame in items:
            ticker = entry["ticker"]
            body = frame_to_csv_bytes(frame)
            name = cache_file_name(ticker)
            atomic_write_bytes(cache_dir / name, body)
            dates = pd.DatetimeIndex(frame["date"])
            full = {
                **{k: entry.get(k) for k in MANIFEST_FIELDS},
                "rows": int(len(frame)),
                "first_date": dates.min().strftime("%Y-%m-%d") if len(frame) else None,
                "last_date": dates.max().strftime("%Y-%m-%d") if len(frame) else None,
                "sha256": sha256_file(cache_dir / name),
                "file": name,
            }
            manifest[ticker] = full
            written.append(full)
        payload = {"format": MANIFEST_FORMAT, "tickers": dict(sorted(manifest.items()))}
        atomic_write_bytes(
            _manifest_path(cache_dir), (json.dumps(payload, indent=2, sort_keys=False) + "\n").encode("utf-8")
        )
    return written


def entry_state(entry: dict, cache_dir: str | os.PathLike | None = None) -> str:
    """``"ok"``, ``"MISMATCH"`` (checksum differs from the manifest) or ``"missing file"``."""
    path = (Path(cache_dir) if cache_dir else price_cache_dir()) / entry["file"]
    if not path.is_file():
        return "missing file"
    return "ok" if sha256_file(path) == entry.get("sha256") else "MISMATCH"


def _verified_bytes(entry: dict, cache_dir: str | os.PathLike | None) -> tuple[Path, bytes]:
    path = (Path(cache_dir) if cache_dir else price_cache_dir()) / entry["file"]
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise CacheIntegrityError(
            f"price cache file {path} for {entry['ticker']} is listed in {MANIFEST_NAME} but missing. "
            f"Fix: {_REPAIR_HINT.replace('TICKER', entry['ticker'])}"
        ) from None
    actual = hashlib.sha256(body).hexdigest()
    if actual != entry.get("sha256"):
        raise CacheIntegrityError(
            f"price cache file {path} for {entry['ticker']} was changed after it was written: SHA-256 is "
            f"{actual}, the manifest expects {entry.get('sha256')}. It is not used. "
            f"Fix: {_REPAIR_HINT.replace('TICKER', entry['ticker'])}"
        )
    return path, body


def verify_entry(entry: dict, cache_dir: str | os.PathLike | None = None) -> Path:
    """The entry's CSV path after checking it against the manifest's SHA-256.

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


def read_cached_prices(entry: dict, cache_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read a verified cache CSV (as-traded prices) into a frame with contract dtypes.

    Raises
    ------
    CacheIntegrityError
        When the file is missing or its checksum differs from the manifest.
    """
    # Parse exactly the bytes whose checksum was compared, so a concurrent change cannot slip in.
    _, body = _verified_bytes(entry, cache_dir)
    frame = pd.read_csv(
        io.BytesIO(body),
        dtype={"open": "float64", "high": "float64", "low": "float64", "close": "float64",
               "adj_close": "float64", "volume": "int64"},
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d").astype("datetime64[ns]")
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
