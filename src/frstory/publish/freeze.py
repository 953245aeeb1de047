"""The freeze cache: executed copies of notebooks, reused until something they depend on changes.

A frozen entry is re-used only when all five of these are unchanged since it was executed:

* the notebook's **content** (cell types, sources, tags and notebook metadata; not outputs),
* the **parameters** it was built with (``frstory build NOTEBOOK -p NAME VALUE``),
* the **frstory source** (every ``*.py`` of the package plus the publisher's templates),
* the **environment** (Python version and the name and version of every installed distribution),
* the **data it read**: each file the kernel reported through ``FRSTORY_READ_LOG`` (frstory's
  loaders, and every file inside the project the kernel opened, seen by an audit hook) is hashed
  again.

The entry's own files are verified too: ``record.json`` holds the SHA-256 of ``executed.ipynb``
and ``render.json`` as written, so an entry altered afterwards is executed again, never published.

Quarto's ``freeze`` looks only at the source file, so a new data snapshot or a pandas upgrade
silently publishes stale numbers; this cache re-executes exactly the notebooks affected.

Layout: ``<cache>/freeze/<slug>-<content key>/`` holds ``executed.ipynb``, ``render.json`` and
``record.json`` (written last, so a half-written entry is never taken for a complete one). The
slot is keyed by content only (:func:`content_key`: the notebook's content, its parameters and
the page name), never by a path or a modification time, and the data files an entry read are
recorded relative to the project folder (:func:`portable_reads`, :func:`local_reads`). So an
entry written by a build on a Dask worker, in another checkout or on another machine, is reused
by a later local build (and the other way round) whenever the notebook, its parameters, the
frstory source, the environment and the bytes of every file it read are the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import site
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frstory.paths import PACKAGE_DIR, REPO_ROOT, data_dir
from frstory.provenance import sha256_file

__all__ = [
    "FREEZE_FORMAT",
    "default_cache_dir",
    "read_notebook",
    "notebook_content_hash",
    "source_hash",
    "environment_hash",
    "parameters_key",
    "content_key",
    "FrozenEntry",
    "portable_reads",
    "local_reads",
    "stale_reason",
    "write_atomic",
]

#: Bumped when the layout of frozen entries changes, so old entries are ignored.
FREEZE_FORMAT = 3

# Notebook metadata that changes when a notebook is merely opened or run, not edited.
_VOLATILE_NB_METADATA = {"language_info", "widgets", "papermill", "execution", "varInspector", "toc"}
_VOLATILE_CELL_METADATA = {"execution", "collapsed", "scrolled", "ExecuteTime", "papermill", "jupyter"}


def default_cache_dir() -> Path:
    """``<repo>/.frstory-cache`` in a checkout (gitignored), else ``<data dir>/build-cache``.

    Examples
    --------
    >>> default_cache_dir().name in {".frstory-cache", "build-cache"}
    True
    """
    if REPO_ROOT is not None:
        return REPO_ROOT / ".frstory-cache"
    return data_dir() / "build-cache"


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"; write_atomic(p, "hi"); p.read_text()
    'hi'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def source_text(source: Any) -> str:
    r"""A cell's source as one string: nbformat keeps it as a string or as a list of lines.

    Here, not in :mod:`frstory.publish.inline`, because this module is light: an unchanged
    rebuild imports it without pandas.

    Examples
    --------
    >>> source_text(["x = 1\n", "y = 2"]), source_text("z = 3"), source_text(None)
    ('x = 1\ny = 2', 'z = 3', '')
    """
    return "".join(source) if isinstance(source, list) else str(source or "")


def read_notebook(path: Path, label: str | None = None) -> dict:
    """The notebook at ``path`` as nbformat 4 JSON, converted in memory when it is older.

    Notebooks saved by Jupyter before 2015 (nbformat 3, with ``worksheets``, or older) are
    converted by nbformat itself; the file is only read, never rewritten. A current notebook is
    returned exactly as parsed, so its content hash (:func:`notebook_content_hash`) is the same
    as ever. A converted notebook's hash is that of the conversion, which is deterministic.

    Parameters
    ----------
    path : Path
        The ``.ipynb`` file.
    label : str, optional
        How to name the file in errors (default: ``path``).

    Raises
    ------
    BuildError
        When the file is not JSON (naming line and column), not a notebook, in a format newer
        than the installed nbformat reads, or an old format nbformat cannot convert; each says
        how to fix it. ``OSError`` when the file cannot be read at all.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> from nbformat import v3
    >>> old = v3.new_notebook(); old.worksheets.append(v3.new_worksheet(cells=[v3.new_code_cell(input="1")]))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "old.ipynb"; _ = path.write_text(v3.writes_json(old))
    >>> nb = read_notebook(path); nb["nbformat"], nb["cells"][0]["source"]
    (4, '1')
    >>> json.loads(path.read_text())["nbformat"]
    3
    """
    from frstory.errors import BuildError

    label = label or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BuildError(f"{label}: not a readable notebook: byte {exc.start} is not UTF-8, as Jupyter writes "
                         "notebooks; restore the file from version control or save it again as UTF-8") from None
    try:
        nb = json.loads(text)
    except ValueError as exc:
        where = f" at line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise BuildError(f"{label}: not a readable notebook: the file is not valid JSON ({reason}{where}); "
                         "fix it there or restore the file from version control") from None
    if not isinstance(nb, dict):
        raise BuildError(f"{label}: not a notebook: the file holds a JSON {type(nb).__name__}, not a notebook "
                         "object; open it in Jupyter and save it as a notebook")
    major = nb.get("nbformat")
    if isinstance(major, int) and not isinstance(major, bool) and major < 4:
        import nbformat

        try:
            # nbformat converts each old major version (1 -> 2 -> 3 -> 4) in memory.
            converted = nbformat.reads(text, as_version=4)
        except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for a broken old file
            raise BuildError(f"{label}: a notebook in format {major} that nbformat cannot convert "
                             f"({type(exc).__name__}: {exc}); open it in Jupyter and save it again as a "
                             "current notebook") from None
        # Plain JSON types, as for a current notebook (and what the build sends to a Dask worker).
        nb = json.loads(json.dumps(converted))
    elif isinstance(major, int) and not isinstance(major, bool) and major > 4:
        import nbformat

        raise BuildError(f"{label}: written in notebook format {major}, which nbformat {nbformat.__version__} "
                         "cannot read; upgrade it (pip install -U nbformat)")
    if not isinstance(nb.get("cells"), list):
        raise BuildError(f"{label}: not a readable notebook (no 'cells' list); open it in Jupyter and save it "
                         "again")
    return nb


def notebook_content_hash(nb: dict) -> str:
    """SHA-256 of what the author wrote: cells (type, source, metadata) and notebook metadata.

    Outputs, execution counts and run-time metadata are left out, so executing or opening a
    notebook does not change its hash.

    Examples
    --------
    >>> nb = {"metadata": {}, "cells": [{"cell_type": "code", "source": "1", "outputs": [1]}]}
    >>> run = {"metadata": {}, "cells": [{"cell_type": "code", "source": ["1"], "outputs": []}]}
    >>> notebook_content_hash(nb) == notebook_content_hash(run)
    True
    """
    cells = [
        {
            "cell_type": cell.get("cell_type"),
            "source": source_text(cell.get("source")),
            "metadata": {k: v for k, v in (cell.get("metadata") or {}).items() if k not in _VOLATILE_CELL_METADATA},
        }
        for cell in nb.get("cells", [])
    ]
    metadata = {k: v for k, v in (nb.get("metadata") or {}).items() if k not in _VOLATILE_NB_METADATA}
    payload = json.dumps({"cells": cells, "metadata": metadata}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def source_hash(package_dir: Path = PACKAGE_DIR) -> str:
    """SHA-256 over the frstory package's ``*.py`` files and the publisher's templates.

    Examples
    --------
    >>> len(source_hash())
    64
    """
    digest = hashlib.sha256()
    templates = package_dir / "publish" / "templates"
    files = [p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts]
    if templates.is_dir():
        files += [p for p in templates.rglob("*") if p.is_file()]
    for path in sorted(set(files)):
        digest.update(path.relative_to(package_dir).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _environment_dirs() -> list[str]:
    """The folders the kernel imports installed distributions from.

    Not ``sys.path``: its first entry is the folder of the script that started frstory (the
    ``bin`` folder for ``frstory build``, the working directory for ``python -m frstory.cli``),
    which would make the key depend on how the build was started.
    """
    dirs = list(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    dirs += [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return dirs


def environment_hash(site_dirs: list[str] | None = None) -> str:
    """SHA-256 of the kernel's environment: Python version plus every installed distribution.

    The kernel runs this very interpreter (see :mod:`frstory.publish.execute`), so the
    distributions in its site folders are the kernel's. Distribution folder names carry the
    version (``pandas-3.1.1.dist-info``), which makes this a directory listing rather than a
    slow metadata scan. Neither ``sys.executable`` nor the start-up script's folder enters the
    key: ``frstory build`` and ``python -m frstory.cli build`` share one cache.

    Parameters
    ----------
    site_dirs : list of str, optional
        Folders to list (default: the interpreter's site-packages and ``PYTHONPATH``).

    Examples
    --------
    >>> environment_hash() == environment_hash()
    True
    """
    names: set[str] = set()
    for entry in site_dirs if site_dirs is not None else _environment_dirs():
        if not entry or not os.path.isdir(entry):
            continue
        try:
            with os.scandir(entry) as it:
                names.update(e.name for e in it if e.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    payload = json.dumps({"python": sys.version, "implementation": sys.implementation.name,
                          "dists": sorted(names)})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def parameters_key(parameters: dict | None) -> str:
    """A canonical text for a page's parameters (``""`` for none), stored with frozen entries.

    Examples
    --------
    >>> parameters_key({"b": 1, "a": "x"}) == parameters_key({"a": "x", "b": 1})
    True
    >>> parameters_key(None)
    ''
    """
    if not parameters:
        return ""
    return json.dumps(parameters, sort_keys=True, default=str)


def _sha256_text(data: str) -> str:
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def content_key(content: str, parameters: dict | None = None, slug: str = "") -> str:
    """The freeze slot of a page: SHA-256 of the notebook's content hash, parameters and page name.

    Nothing about where the notebook lives (path, checkout, machine, modification time) enters
    it, so every machine building the same notebook with the same parameters finds the same slot.

    Examples
    --------
    >>> content_key("c", {"ticker": "SYNA"}, "02-x--syna") == content_key("c", {"ticker": "SYNA"}, "02-x--syna")
    True
    >>> content_key("c") == content_key("c", {"ticker": "SYNA"})
    False
    """
    payload = json.dumps({"content": content, "parameters": parameters_key(parameters), "slug": slug or ""})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def portable_reads(reads: list[dict], project_root: Path) -> list[dict]:
    """The reads with ``relpath``, the path relative to ``project_root``, for files inside it.

    A frozen entry written on one machine can then be checked on another where the project
    lives elsewhere (:func:`local_reads`). Files outside the project keep only their path.

    Examples
    --------
    >>> portable_reads([{"kind": "file", "path": "/p/data/a.csv"}], Path("/p"))[0]["relpath"]
    'data/a.csv'
    """
    root = Path(project_root).resolve()
    out = []
    for read in reads:
        read = dict(read)
        path = read.get("path")
        if path:
            try:
                read["relpath"] = Path(path).resolve().relative_to(root).as_posix()
            except ValueError:
                read.pop("relpath", None)
        out.append(read)
    return out


def local_reads(reads: list[dict], project_root: Path) -> list[dict]:
    """The reads of a frozen entry with ``path`` pointing into *this* project folder.

    Examples
    --------
    >>> local_reads([{"path": "/elsewhere/data/a.csv", "relpath": "data/a.csv"}], Path("/p"))[0]["path"]
    '/p/data/a.csv'
    """
    root = Path(project_root).resolve()
    out = []
    for read in reads:
        read = dict(read)
        relpath = read.get("relpath")
        # A relative path that climbs out of the project is not trusted: keep the recorded path.
        if isinstance(relpath, str) and relpath and ".." not in Path(relpath).parts and not Path(relpath).is_absolute():
            read["path"] = str(root / relpath)
        out.append(read)
    return out


@dataclass
class FrozenEntry:
    """One page's slot in the freeze cache (a notebook, or a notebook with parameters)."""

    directory: Path
    #: Why :meth:`load` refused the stored entry (``None`` when it loaded or there was none).
    problem: str | None = None

    @classmethod
    def for_page(cls, cache_dir: Path, slug: str, content: str, parameters: dict | None = None) -> FrozenEntry:
        """The slot of page ``slug`` built from a notebook whose content hash is ``content``.

        Examples
        --------
        >>> FrozenEntry.for_page(Path("cache"), "01-x", "c").directory.name.startswith("01-x-")
        True
        """
        key = content_key(content, parameters, slug)[:24]
        return cls(Path(cache_dir) / "freeze" / f"{slug}-{key}")

    @classmethod
    def for_notebook(cls, cache_dir: Path, notebook: Path, slug: str | None = None,
                     parameters: dict | None = None) -> FrozenEntry:
        """The slot of the notebook file ``notebook`` built as page ``slug`` (default: its stem).

        Reads the notebook to compute its content hash (see :meth:`for_page`).
        """
        nb = read_notebook(Path(notebook))  # as the build reads it (older formats converted)
        return cls.for_page(cache_dir, slug or Path(notebook).stem, notebook_content_hash(nb), parameters)

    def previous_versions(self) -> list[Path]:
        """Other slots of the same page (an earlier content of its notebook or parameters)."""
        name = self.directory.name
        slug, _, key = name.rpartition("-")
        parent = self.directory.parent
        if not parent.is_dir():
            return []
        import glob

        return [p for p in parent.glob(f"{glob.escape(slug)}-*") if p.name != name
                and len(p.name) == len(name) and (p / "record.json").is_file()]

    @property
    def record_path(self) -> Path:
        return self.directory / "record.json"

    @property
    def executed_path(self) -> Path:
        return self.directory / "executed.ipynb"

    @property
    def render_path(self) -> Path:
        return self.directory / "render.json"

    def load(self) -> tuple[dict, dict] | None:
        """``(record, render)`` when the entry is complete, readable and unaltered, else ``None``.

        When an entry exists but its files do not match the hashes recorded when it was written,
        :attr:`problem` says so (the page is executed again; the altered copy is never used).
        """
        self.problem = None
        try:
            record_text = self.record_path.read_text(encoding="utf-8")
        except OSError:
            return None
        try:
            record = json.loads(record_text)
            render_text = self.render_path.read_text(encoding="utf-8")
            executed_text = self.executed_path.read_text(encoding="utf-8")
            render = json.loads(render_text)
        except (OSError, ValueError):
            self.problem = "frozen copy incomplete or unreadable"
            return None
        if not isinstance(record, dict) or record.get("format") != FREEZE_FORMAT:
            return None
        if (record.get("render_sha256") != _sha256_text(render_text)
                or record.get("executed_sha256") != _sha256_text(executed_text)
                or not isinstance(render, dict) or render.get("content_hash") != record.get("content_hash")):
            self.problem = "frozen copy altered since it was written"
            return None
        return record, render

    def store(self, record: dict, executed_json: str, render: dict) -> None:
        """Write the entry; ``record.json`` (with the hashes of the other two) goes last."""
        render_json = json.dumps(render, default=str, sort_keys=True)
        self.record_path.unlink(missing_ok=True)
        write_atomic(self.executed_path, executed_json)
        write_atomic(self.render_path, render_json)
        write_atomic(self.record_path, json.dumps(
            {**record, "format": FREEZE_FORMAT, "executed_sha256": _sha256_text(executed_json),
             "render_sha256": _sha256_text(render_json)}, indent=1, default=str))


def stale_reason(record: dict | None, *, content: str, source: str, environment: str,
                 parameters: dict | None = None) -> str | None:
    """Why a frozen notebook must be executed again, or ``None`` when it is still valid.

    Parameters
    ----------
    record : dict or None
        The stored ``record.json`` (``None`` when there is no frozen copy).
    content, source, environment : str
        Current hashes from :func:`notebook_content_hash`, :func:`source_hash` and
        :func:`environment_hash`.
    parameters : dict, optional
        The parameters the page is built with (compared with the ones it was executed with).

    Returns
    -------
    str or None
        A short reason for the progress line, e.g. ``"data changed: data/a.csv"``.

    Examples
    --------
    >>> stale_reason(None, content="a", source="b", environment="c")
    'not executed before'
    >>> rec = {"content_hash": "a", "source_hash": "b", "environment_hash": "c", "reads": []}
    >>> stale_reason(rec, content="a", source="b", environment="c") is None
    True
    """
    if record is None:
        return "not executed before"
    if record.get("content_hash") != content:
        return "notebook changed"
    if record.get("source_hash") != source:
        return "frstory source changed"
    if record.get("environment_hash") != environment:
        return "environment changed"
    if record.get("parameters_key", "") != parameters_key(parameters):
        return "parameters changed"
    checked: dict[str, str | None] = {}
    for read in record.get("reads", []):
        path = read.get("path")
        if not path:
            continue
        if path not in checked:
            try:
                checked[path] = sha256_file(path)
            except OSError:
                checked[path] = None
        if checked[path] is None:
            return f"data file missing: {path}"
        # A loader may record the checksum of what it used rather than of the whole file (say,
        # one ticker's rows); the publisher hashes each file itself after execution.
        if checked[path] != read.get("file_sha256", read.get("sha256")):
            return f"data changed: {path}"
    return None
