"""Where frstory finds a project's data and keeps its caches.

**The project** (:func:`project_root`) is the folder that holds the story notebooks' folder:
``frstory build`` runs every notebook with ``$FRSTORY_PROJECT_ROOT`` set to the folder above
the notebooks folder (where its ``frstory.toml`` is read); anywhere else (a Jupyter session, a
script, the tests) it is the nearest folder at or above the working directory that holds a
``frstory.toml``, else the working directory. The frstory checkout is a project like any other
(it has a ``frstory.toml``), so its own data is used only when running inside it.

Three places, never mixed:

* **Curated inputs** the desk edits by hand (``events.csv``, ``claims.csv``) live in the
  project's ``data/`` folder (:func:`curated_data_file`).
* **Committed market data** (:func:`committed_data_dir`): the prices a story read, locked into the
  project with a Frictionless ``datapackage.json`` (``frstory data lock``), so a fresh clone builds
  without network. ``$FRSTORY_COMMITTED_DATA`` names the folder; by default it is ``data/market``
  of the project.
* **The mutable price cache** (:func:`price_cache_dir`): what ``frstory data import`` and
  ``frstory data pull`` store, in the user's cache folder (``platformdirs``), or under
  ``$FRSTORY_DATA_DIR`` when set. It never lives in ``data/``.
"""

from __future__ import annotations

import os
from pathlib import Path

from frstory.errors import DataValidationError

PACKAGE_DIR = Path(__file__).resolve().parent
#: The checkout this package runs from, when it is an editable install of the repository.
REPO_ROOT: Path | None = (
    PACKAGE_DIR.parents[1] if (PACKAGE_DIR.parents[1] / "pyproject.toml").is_file() else None
)

#: Set by ``frstory build`` in each notebook's kernel: the folder above the notebooks folder.
PROJECT_ROOT_ENV = "FRSTORY_PROJECT_ROOT"
#: The file that marks a project folder (site settings for ``frstory build``).
PROJECT_FILE = "frstory.toml"
DATA_DIR_ENV = "FRSTORY_DATA_DIR"
COMMITTED_DATA_ENV = "FRSTORY_COMMITTED_DATA"
#: The committed market-data folder, relative to a project root.
COMMITTED_DATA_SUBDIR = Path("data") / "market"
DATAPACKAGE_NAME = "datapackage.json"


def project_root() -> Path:
    """The project folder whose ``data/`` holds the curated inputs and committed prices.

    ``$FRSTORY_PROJECT_ROOT`` when set (``frstory build`` sets it for every notebook it runs: the
    folder above the notebooks folder); else the nearest folder at or above the working directory
    that holds a ``frstory.toml`` (``frstory new`` writes one); else the working directory.

    Examples
    --------
    >>> project_root().is_absolute()
    True
    """
    env = os.environ.get(PROJECT_ROOT_ENV)
    if env:
        return Path(env).expanduser().resolve()
    try:
        here = Path.cwd().resolve()
    except OSError:  # the working directory was removed: nothing else to go by
        return Path(os.path.abspath(os.sep))
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return here


def curated_data_file(name: str) -> Path:
    """Path of a project's curated data file such as ``events.csv``: ``data/NAME`` of
    :func:`project_root`.

    Raises
    ------
    DataValidationError
        When the project has no such file; the message names the path to create and its header.

    Examples
    --------
    >>> curated_data_file("events.csv").relative_to(project_root()).as_posix()
    'data/events.csv'
    """
    root = project_root()
    path = root / "data" / name
    if not path.is_file():
        header = _curated_header(name)
        found = (f"the folder above the notebooks folder, as ${PROJECT_ROOT_ENV} says"
                 if os.environ.get(PROJECT_ROOT_ENV)
                 else f"the folder of its {PROJECT_FILE}" if (root / PROJECT_FILE).is_file()
                 else "the working directory, as no folder above it has a " + PROJECT_FILE)
        fix = (f"add the project's own {name} at {path}" + (f" (header: {header})" if header else "")
               + ", or pass the path of the file to the loader")
        raise DataValidationError(
            f"{path}: this project has no {name} (the project is {root}: {found}). Fix: {fix}.",
            [{"file": str(path), "line": None, "column": None, "value": str(path),
              "message": "the file does not exist", "fix": fix}],
        )
    return path


def _curated_header(name: str) -> str:
    """The header line a curated file must start with, for the message that asks for it."""
    if name == "events.csv":
        from frstory.data.events import event_columns

        return ",".join(event_columns())
    if name == "claims.csv":
        from frstory.data.claims import CLAIM_COLUMNS

        return ",".join(CLAIM_COLUMNS)
    return ""


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


def committed_data_dir() -> Path | None:
    """The project's committed market-data folder, or ``None`` when there is none.

    ``$FRSTORY_COMMITTED_DATA`` when set (even if the folder holds nothing, so tests and
    newsrooms can point elsewhere or nowhere); else ``data/market`` of :func:`project_root` when
    it holds a ``datapackage.json``.

    Examples
    --------
    >>> folder = committed_data_dir()
    >>> folder is None or folder.is_absolute()
    True
    """
    env = os.environ.get(COMMITTED_DATA_ENV)
    if env:
        return Path(env).expanduser().resolve()
    folder = project_root() / COMMITTED_DATA_SUBDIR
    return folder if (folder / DATAPACKAGE_NAME).is_file() else None


def default_lock_dir() -> Path | None:
    """Where ``frstory data lock`` writes when no folder is given: the committed folder, or
    ``data/market`` of :func:`project_root` when it holds a ``frstory.toml`` or a
    ``pyproject.toml``; ``None`` outside any project.

    Examples
    --------
    >>> folder = default_lock_dir()
    >>> folder is None or folder.is_absolute()
    True
    """
    found = committed_data_dir()
    if found is not None:
        return found
    root = project_root()
    if (root / PROJECT_FILE).is_file() or (root / "pyproject.toml").is_file():
        return root / COMMITTED_DATA_SUBDIR
    return None
