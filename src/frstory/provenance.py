"""A ledger of the data files an analysis read, for the publisher's freeze cache and methods box.

Loaders call :func:`record_read`. When the environment variable ``FRSTORY_READ_LOG`` names a
file (the publisher sets it for each notebook it executes), one JSON line per read is appended to
it; the publisher then knows which notebooks depend on which data and re-executes only those
whose inputs changed. Reads are also kept in-process (:func:`reads`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

READ_LOG_ENV = "FRSTORY_READ_LOG"
_READS: list[dict] = []


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_read(kind: str, path: str | os.PathLike, sha256: str | None = None, **extra) -> dict:
    """Record that data of ``kind`` (``events``, ``claims``, ``prices``...) was read from ``path``.

    Parameters
    ----------
    kind : str
        What was read, e.g. ``"events"`` or ``"prices:SYNA"``.
    path : path-like
        The file read (for prices: the cache manifest).
    sha256 : str, optional
        Checksum of what was read; computed from ``path`` when omitted.
    **extra
        JSON-serialisable details (ticker, range, source) kept with the entry.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"; _ = p.write_text("a\\n1\\n")
    >>> record_read("example", p)["kind"]
    'example'
    """
    path = Path(path).resolve()
    entry = {"kind": kind, "path": str(path), "sha256": sha256 or sha256_file(path), **extra}
    _READS.append(entry)
    log = os.environ.get(READ_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, default=str) + "\n")
    return entry


def reads() -> list[dict]:
    """Everything recorded in this process so far (oldest first)."""
    return list(_READS)
