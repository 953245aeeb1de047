"""Where frstory finds its curated data and keeps its caches.

* Curated, committed data (``events.csv``, ``claims.csv``) lives in the repository's ``data/``
  folder; an installed wheel carries a copy under ``frstory/_bundled``.
* Generated data (the price cache) lives under the *data directory*: ``$FRSTORY_DATA_DIR`` when
  set, else the repository's ``data/`` folder, else ``~/.cache/frstory``. Prices go in
  ``<data dir>/prices/``.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The checkout this package runs from, when it is an editable install of the repository.
REPO_ROOT: Path | None = (
    PACKAGE_DIR.parents[1] if (PACKAGE_DIR.parents[1] / "pyproject.toml").is_file() else None
)

DATA_DIR_ENV = "FRSTORY_DATA_DIR"


def curated_data_file(name: str) -> Path:
    """Path of a committed data file such as ``events.csv``.

    Examples
    --------
    >>> curated_data_file("events.csv").name
    'events.csv'
    """
    if REPO_ROOT is not None and (REPO_ROOT / "data" / name).is_file():
        return REPO_ROOT / "data" / name
    return PACKAGE_DIR / "_bundled" / name


def data_dir() -> Path:
    """The directory for generated data (price cache); honours ``$FRSTORY_DATA_DIR``."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    if REPO_ROOT is not None:
        return REPO_ROOT / "data"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "frstory"


def price_cache_dir() -> Path:
    """The price cache directory, ``<data dir>/prices``."""
    return data_dir() / "prices"
