"""Where frstory finds its curated data and keeps its caches.

Three places, never mixed:

* **Curated inputs** the desk edits by hand (``events.csv``, ``claims.csv``) live in the
  project's ``data/`` folder; an installed wheel carries a copy under ``frstory/_bundled``.
* **Committed market data** (:func:`committed_data_dir`): the prices a story read, locked into the
  project with a Frictionless ``datapackage.json`` (``frstory data lock``), so a fresh clone builds
  without network. ``$FRSTORY_COMMITTED_DATA`` names the folder; by default it is ``data/market``
  of the project (the checkout frstory runs from, else the nearest folder above the working
  directory that has one).
* **The mutable price cache** (:func:`price_cache_dir`): what ``frstory data import`` and
  ``frstory data pull`` store, in the user's cache folder (``platformdirs``), or under
  ``$FRSTORY_DATA_DIR`` when set. It never lives in ``data/``.
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
COMMITTED_DATA_ENV = "FRSTORY_COMMITTED_DATA"
#: The committed market-data folder, relative to a project root.
COMMITTED_DATA_SUBDIR = Path("data") / "market"
DATAPACKAGE_NAME = "datapackage.json"


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
    """The directory for generated, mutable data (the price cache).

    ``$FRSTORY_DATA_DIR`` when set, else the user's cache folder for frstory as ``platformdirs``
    defines it (``~/.cache/frstory`` on Linux, ``~/Library/Caches/frstory`` on macOS).

    Examples
    --------
    >>> data_dir().is_absolute()
    True
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_cache_dir("frstory", appauthor=False))


def price_cache_dir() -> Path:
    """The price cache directory, ``<data dir>/prices``.

    Examples
    --------
    >>> price_cache_dir().name
    'prices'
    """
    return data_dir() / "prices"


def _project_roots() -> list[Path]:
    roots = [REPO_ROOT] if REPO_ROOT is not None else []
    try:
        here = Path.cwd().resolve()
    except OSError:  # the working directory was removed
        return roots
    roots.extend([here, *here.parents])
    return roots


def committed_data_dir() -> Path | None:
    """The project's committed market-data folder, or ``None`` when there is none.

    ``$FRSTORY_COMMITTED_DATA`` when set (even if the folder holds nothing, so tests and
    newsrooms can point elsewhere or nowhere); else ``data/market`` of the checkout frstory runs
    from, or of the nearest folder above the working directory, whichever first holds a
    ``datapackage.json``.

    Examples
    --------
    >>> folder = committed_data_dir()
    >>> folder is None or folder.is_absolute()
    True
    """
    env = os.environ.get(COMMITTED_DATA_ENV)
    if env:
        return Path(env).expanduser().resolve()
    for root in _project_roots():
        folder = root / COMMITTED_DATA_SUBDIR
        if (folder / DATAPACKAGE_NAME).is_file():
            return folder
    return None


def default_lock_dir() -> Path | None:
    """Where ``frstory data lock`` writes when no folder is given: the committed folder, or
    ``data/market`` of the project root (the checkout, else a working directory with a
    ``pyproject.toml``); ``None`` outside any project.

    Examples
    --------
    >>> folder = default_lock_dir()
    >>> folder is None or folder.is_absolute()
    True
    """
    found = committed_data_dir()
    if found is not None:
        return found
    for root in _project_roots():
        if (root / "pyproject.toml").is_file():
            return root / COMMITTED_DATA_SUBDIR
    return None
