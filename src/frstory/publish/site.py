"""``frstory build``: execute story notebooks (in parallel, with the freeze cache) and write the site.

The site is assembled in a staging folder next to the output and swapped in atomically
(:mod:`frstory.publish.lock`: one build per site at a time, ``renameat2(RENAME_EXCHANGE)``), so
readers never see a half-built site, nor a moment without one. A build fails as a whole unless
``keep_going`` is set: then failed pages keep their last good version (or are listed as
unavailable). ``frstory build NOTEBOOK`` rebuilds those pages and keeps the others: the marker
file lists every page with its files, parameters and index card. With ``SOURCE_DATE_EPOCH`` set,
identical inputs give byte-identical pages::

    site/
      index.html              story cards: title, dek, date, reading time
      01-slug.html            one page per notebook
      data/01-slug-fig-1.csv  "Get the data" for every chart with frstory furniture
      assets/plotly.min.js    one shared copy from the installed plotly package
      assets/frstory.css, assets/frstory.js
      .frstory-site           marker (only folders holding it are ever replaced) and page list
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from frstory import __version__
from frstory.errors import BuildError
from frstory.paths import REPO_ROOT
from frstory.provenance import sha256_file
from frstory.publish.escaping import plain_text
from frstory.publish.freeze import (
    FrozenEntry,
    default_cache_dir,
    environment_hash,
    local_reads,
    notebook_content_hash,
    parameters_key,
    portable_reads,
    read_notebook,
    source_hash,
    source_text,
    stale_reason,
    write_atomic,
)
from frstory.publish.lock import SiteLock, remove_leftovers, staging_path, swap_in
from frstory.publish.missing import reader_missing_data
from frstory.publish.page_templates import share_templates
from frstory.publish.progress import Progress, make_progress
from frstory.publish.render import (TEMPLATES_DIR, StoryMeta, checked_lang, page_script, read_story_meta,
                                    reading_minutes, ui_lang_attr)
from frstory.publish.sanitize import RESERVED_PAGES, site_page_name

__all__ = ["StoryResult", "BuildReport", "build", "default_notebooks_dir", "plotly_js_path", "SITE_MARKER"]

SITE_MARKER = ".frstory-site"
#: Defaults of the site's title and description; a project sets its own (:func:`site_config`).
SITE_TITLE = "frstory"
SITE_DESCRIPTION = "Data stories with every number traceable to its source."
#: Packages whose versions the methods box lists (when installed).
REPORTED_PACKAGES = ("pandas", "numpy", "plotly", "yfinance", "exchange-calendars", "scipy", "statsmodels",
                     "nbclient", "nbconvert", "ipykernel")


@dataclass
class StoryResult:
    """What happened to one notebook during a build.

    Attributes
    ----------
    notebook : Path
        The notebook file.
    status : {"executed", "cached", "failed"}
        Executed now, reused from the freeze cache, or failed.
    seconds : float
        Wall time spent on it (execution and rendering).
    reason : str or None
        Why it was executed (``"data changed: ..."``, ``"forced"``...).
    page : str or None
        The page's file name in the site.
    error : str or None
        For failures: ``notebook: cell N, line L: Exception: message``.
    warnings : list of str
        Problems that did not stop the page (e.g. malformed chart data: no CSV, a placeholder
        title).
    slug : str or None
        The page's name without ``.html``.
    """

    notebook: Path
    status: str
    seconds: float = 0.0
    reason: str | None = None
    page: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: The page's name without ``.html`` (the notebook's stem, or stem plus parameter values).
    slug: str | None = None


@dataclass
class BuildReport:
    """The outcome of :func:`build`.

    Examples
    --------
    >>> report = BuildReport(Path("site"), [StoryResult(Path("a.ipynb"), "cached")], 0.1, True)
    >>> report.cached, report.executed
    (['a.ipynb'], [])
    """

    out_dir: Path
    stories: list[StoryResult]
    seconds: float
    published: bool

    def _names(self, status: str) -> list[str]:
        return [s.notebook.name for s in self.stories if s.status == status]

    @property
    def executed(self) -> list[str]:
        """File names of the notebooks executed in this build."""
        return self._names("executed")

    @property
    def cached(self) -> list[str]:
        """File names of the notebooks reused from the freeze cache."""
        return self._names("cached")

    @property
    def failed(self) -> list[str]:
        """File names of the notebooks that failed."""
        return self._names("failed")

    @property
    def ok(self) -> bool:
        """True when no notebook failed and the site was published."""
        return self.published and not self.failed

    def summary(self) -> str:
        """One line: counts and time."""
        n = len(self.stories)
        what = f"built {self.out_dir}" if self.published else f"site {self.out_dir} left unchanged"
        return (f"{what}: {n} stor{'y' if n == 1 else 'ies'} ({len(self.executed)} executed, "
                f"{len(self.cached)} cached, {len(self.failed)} failed) in {self.seconds:.1f} s")


def default_notebooks_dir() -> Path:
    """``<repo>/notebooks`` in a checkout, else ``./notebooks``."""
    return (REPO_ROOT / "notebooks") if REPO_ROOT is not None else Path("notebooks")


def _label(path: Path) -> str:
    """A path as the user would type it (relative to the working directory when possible)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _installed_versions() -> dict[str, str]:
    """``{normalised name: version}`` from distribution folder names on ``sys.path`` (fast)."""
    versions: dict[str, str] = {}
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        try:
            names = os.listdir(entry)
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                stem = name[: -len(".dist-info")]
                if "-" in stem:
                    dist, version = stem.rsplit("-", 1)
                    versions.setdefault(dist.lower().replace("_", "-").replace(".", "-"), version)
    return versions


def _git_commit(folder: Path) -> str:
    try:
        result = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and len(commit) >= 7 else "unknown"


def _price_provenance(reads: list[dict]) -> list[dict]:
    """Manifest entries of the tickers a notebook read (``frstory.price_provenance()``)."""
    price_reads = [r for r in reads if str(r.get("kind", "")).startswith("prices")]
    if not price_reads:
        return []
    tickers: list[str] = []
    for read in price_reads:
        ticker = read.get("ticker") or (str(read["kind"]).split(":", 1)[1] if ":" in str(read["kind"]) else None)
        if ticker and ticker not in tickers:
            tickers.append(str(ticker))
    fields = ("ticker", "name", "source", "retrieved_at", "yfinance_version", "rows", "first_date", "last_date")

    def clean(value) -> str:
        text = "" if value is None else str(value)
        return text[:10] if text.endswith("00:00:00") else text

    # Each read records the reader-facing origin of what it served (cache or committed data).
    described = {str(r.get("ticker")): r for r in price_reads if r.get("ticker") and r.get("source")}
    if described:
        return [{k: clean(read.get(k)) for k in fields} for read in described.values()]
    try:
        from frstory.data.prices import price_provenance

        manifest = price_provenance()
        rows = [
            {k: clean(entry.get(k)) for k in fields}
            for entry in manifest.to_dict("records")
            if not tickers or str(entry.get("ticker")) in tickers
        ]
        if rows:
            return rows
    except Exception:  # the price module may be absent or its cache unreadable: fall back to the log
        pass
    return [{k: clean(r.get(k, r.get("ticker") if k == "ticker" else "")) for k in fields} for r in price_reads]


def _reader_prices(rows: Sequence[dict]) -> list[dict]:
    """Price provenance rows with what the methods box shows readers: names, not tickers, and dates in words."""
    from frstory import prose  # the one owner of dates in words

    def day(text: object) -> str:
        try:
            return prose.date(str(text)[:10]) if text else ""
        except (prose.ProseError, ValueError):
            return str(text or "")

    def span(first: object, last: object) -> str:
        try:
            return prose.date_range(str(first)[:10], str(last)[:10]) if first and last else ""
        except (prose.ProseError, ValueError):
            return f"{first or ''} – {last or ''}"

    return [{**row, "label": row.get("name") or row.get("ticker") or "",
             "retrieved_display": day(row.get("retrieved_at")),
             "range_display": span(row.get("first_date"), row.get("last_date"))} for row in rows]


def _display_read_path(path: str, roots: Sequence[Path]) -> str:
    resolved = Path(path)
    for root in roots:
        try:
            return resolved.relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return resolved.name


#: Kinds of data read (``frstory.provenance.record_read``) whose files are the desk's own curated
#: data and are published with the site, so a reader can download what a number came from. Price
#: caches are not republished: their per-chart extracts are in each chart's "Get the data" CSV.
PUBLISHED_READ_KINDS = frozenset({"events", "claims"})
#: Files a notebook opened itself (seen by the kernel's audit hook) are published when they are
#: tabular data; modules and other files are listed with their hash only.
PUBLISHED_FILE_SUFFIXES = frozenset({".csv", ".tsv", ".json"})


def _publish_read(read: dict, staging: Path) -> str | None:
    """Copy a curated data file into ``data/sources/<hash>/`` and return its site-relative href.

    Only a file whose bytes still match the checksum the notebook recorded is published (the
    freeze cache re-executes a notebook whose data changed, so a mismatch means the file changed
    during the build); anything else is listed without a link.
    """
    kind = read.get("kind")
    if kind not in PUBLISHED_READ_KINDS and not (
            kind == "file" and Path(str(read.get("path", ""))).suffix.lower() in PUBLISHED_FILE_SUFFIXES):
        return None
    source, expected = Path(str(read.get("path", ""))), str(read.get("file_sha256") or read.get("sha256") or "")
    if not source.is_file() or not expected or sha256_file(source) != expected:
        return None
    target = staging / "data" / "sources" / expected[:16] / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copyfile(source, target)
    return "data/sources/" + quote(expected[:16]) + "/" + quote(source.name)


def _csv_text(columns: list[str], rows: list[list]) -> str:
    from frstory.publish.escaping import csv_text  # formula cells neutralised (OWASP CSV injection)

    return csv_text(columns, rows)


def _check_output_dir(out_dir: Path) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise BuildError(f"--out {out_dir} is a file: give a folder for the site")
        if any(out_dir.iterdir()) and not (out_dir / SITE_MARKER).is_file():
            raise BuildError(
                f"refusing to replace {out_dir}: it is not empty and not a site built by frstory "
                f"(no {SITE_MARKER} file); choose a new or empty --out folder"
            )


def plotly_js_path() -> Path:
    """The ``plotly.min.js`` bundled with the installed plotly package (no CDN, works offline).

    Examples
    --------
    >>> plotly_js_path().name
    'plotly.min.js'
    """
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise BuildError("plotly is not installed: pip install plotly")
    path = Path(spec.origin).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise BuildError(f"{path} is missing: reinstall plotly (pip install --force-reinstall plotly)")
    return path


def _run_coroutine(coro):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    # Called from a running event loop (e.g. inside Jupyter): run the build on its own loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@dataclass
class _Job:
    path: Path
    label: str
    slug: str
    parameters: dict
    meta: StoryMeta
    content_hash: str
    entry: FrozenEntry
    reason: str | None
    frozen: tuple[dict, dict] | None
    #: The notebook as read when the build was planned: what is executed and what the key is of.
    source: dict | None = None

    @property
    def project_root(self) -> Path:
        """The folder whose files count as the notebook's data (as :func:`run_notebook` sets it)."""
        return self.path.resolve().parent.parent

    @property
    def key(self) -> str:
        """How progress lines name this page: the notebook, plus its slug when parameterised."""
        return self.label if not self.parameters else f"{self.label} [{self.slug}]"


def _load_entry(entry: FrozenEntry, notebook: Path) -> tuple[dict, dict] | None:
    """A frozen entry with its data reads pointing into this checkout (it may have been written
    on another machine, e.g. a Dask worker, where the project lives elsewhere)."""
    frozen = entry.load()
    if frozen is None:
        return None
    record, render = frozen
    record["reads"] = local_reads(record.get("reads", []), notebook.resolve().parent.parent)
    return record, render


def _source_date_epoch() -> datetime | None:
    """``$SOURCE_DATE_EPOCH`` as a UTC time (reproducible-builds.org), or ``None`` when unset.

    Examples
    --------
    >>> import os; os.environ["SOURCE_DATE_EPOCH"] = "0"; _source_date_epoch().year
    1970
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    try:
        return datetime.fromtimestamp(int(raw), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise BuildError(f"SOURCE_DATE_EPOCH={raw!r} is not a number of seconds since 1970-01-01: "
                         "set it to an integer, e.g. $(git log -1 --format=%ct)") from None


def _now() -> datetime:
    return _source_date_epoch() or datetime.now(timezone.utc).replace(microsecond=0)


def _read_manifest(out_dir: Path) -> list[dict]:
    """The pages the current site holds (from its marker file), ``[]`` when unknown."""
    try:
        data = json.loads((out_dir / SITE_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    stories = data.get("stories") if isinstance(data, dict) else None
    if not isinstance(stories, list):
        return []
    return [s for s in stories if isinstance(s, dict) and isinstance(s.get("slug"), str)
            and isinstance(s.get("files"), list)]


def _heading_title(nb: dict) -> str | None:
    """The title :func:`read_story_meta` takes from the notebook's first Markdown heading, or ``None``.

    Examples
    --------
    >>> _heading_title({"cells": [{"cell_type": "markdown", "source": "Intro\\n\\n## *Images*"}]})
    'Images'
    >>> _heading_title({"cells": [{"cell_type": "markdown", "source": "No heading"}]}) is None
    True
    """
    # read_story_meta owns the rule (first heading of any Markdown cell); asked without a
    # metadata title, it falls back to the label's stem, which no heading can spell.
    no_heading = "\0no heading"
    title = read_story_meta({"cells": nb.get("cells") or []}, no_heading + ".ipynb").title
    return None if title == no_heading else title


def _title_made_up(job: _Job) -> bool:
    """True when a page's title was not written by its author.

    That is the title ``frstory new`` made from the slug, still in the metadata as it recorded it
    (``frstory.placeholder_title``) and in no heading; or no title at all: neither in the metadata
    nor as a heading, so the page is named by its file. A title the author set is theirs even
    when it spells the file name (``title: Plain plotly`` in ``06-plain-plotly.ipynb``), and so is
    a heading (``# Images`` in ``04-images.ipynb``).
    """
    from frstory.publish.scaffold import PLACEHOLDER_TITLE_KEY

    source = job.source or {}
    meta = (source.get("metadata") or {}).get("frstory") or {}
    written, placeholder = meta.get("title"), meta.get(PLACEHOLDER_TITLE_KEY)
    written = written.strip() if isinstance(written, str) else ""
    heading = _heading_title(source)
    if not written:
        return heading is None
    still_placeholder = isinstance(placeholder, str) and placeholder.strip() == written
    return still_placeholder and (heading or "").strip().lower() != written.lower()


def _placeholder_paragraphs(nb: dict) -> list[int]:
    """Numbers (1-based, all cells counted) of the Markdown cells still holding the scaffold's
    placeholder paragraphs.

    Examples
    --------
    >>> from frstory.publish.scaffold import PLACEHOLDER_PARAGRAPHS
    >>> cells = [{"cell_type": "markdown", "source": "Real prose."}, {"cell_type": "code", "source": "x = 1"},
    ...          {"cell_type": "markdown", "source": "## Prices\\n\\n" + PLACEHOLDER_PARAGRAPHS[1] + " ..."}]
    >>> _placeholder_paragraphs({"cells": cells})
    [3]
    """
    from frstory.publish.scaffold import PLACEHOLDER_PARAGRAPHS

    found = []
    for number, cell in enumerate(nb.get("cells") or [], start=1):
        if cell.get("cell_type") != "markdown":
            continue
        text = source_text(cell.get("source"))
        if any(marker in text for marker in PLACEHOLDER_PARAGRAPHS):
            found.append(number)
    return found


def _placeholder_warnings(job: _Job, meta: StoryMeta) -> list[str]:
    from frstory.publish.scaffold import PLACEHOLDER_DEK, PLACEHOLDER_PARAGRAPHS, PLACEHOLDER_TITLE_KEY

    warnings = []
    if _title_made_up(job):
        recorded = PLACEHOLDER_TITLE_KEY in (((job.source or {}).get("metadata") or {}).get("frstory") or {})
        warnings.append(f"{job.label}: the title {meta.title!r} is the placeholder made from the file name: "
                        "set frstory.title in the notebook metadata"
                        + (f" (to keep this title, delete frstory.{PLACEHOLDER_TITLE_KEY})" if recorded else ""))
    if meta.dek.strip() == PLACEHOLDER_DEK:
        warnings.append(f"{job.label}: the dek is still the scaffold's placeholder: set frstory.dek "
                        "to one sentence about the story")
    cells = _placeholder_paragraphs(job.source or {})
    if cells:
        named = ", ".join(str(n) for n in cells)
        warnings.append(f"{job.label}: cell{'s' if len(cells) > 1 else ''} {named} still "
                        f"{'hold' if len(cells) > 1 else 'holds'} the scaffold's placeholder text "
                        f"({' / '.join(repr(t) for t in PLACEHOLDER_PARAGRAPHS)}): replace it with the story")
    return warnings


def build(
    notebooks_dir: str | os.PathLike | None = None,
    out_dir: str | os.PathLike | None = None,
    *,
    notebooks: Sequence[str | os.PathLike] | None = None,
    jobs: int | None = None,
    force: bool = False,
    cell_timeout: float = 600,
    cache_dir: str | os.PathLike | None = None,
    progress: Callable[[str], None] | Progress | str | None = "auto",
    parameters: dict[str, Any] | None = None,
    slug: str | None = None,
    keep_going: bool = False,
    wait: bool = True,
    scheduler: str | None = None,
    base_url: str | None = None,
    drop_pages: Sequence[str] | None = None,
) -> BuildReport:
    """Execute the story notebooks and write the static site.

    Parameters
    ----------
    notebooks_dir : path-like, optional
        Folder of story notebooks (only ``*.ipynb``, sorted; jupytext ``.py`` pairs are ignored).
        Its parent is the project (its ``frstory.toml``, its ``data/``, set as
        ``$FRSTORY_PROJECT_ROOT`` for every notebook run). Default: the folder of ``notebooks``
        when they are all in one, else ``<repo>/notebooks`` in a checkout, else ``./notebooks``.
    out_dir : path-like, optional
        Site folder, default ``site`` next to ``notebooks_dir``. Swapped atomically for the new
        site at the end of the build; a non-empty folder not built by frstory is never replaced.
    notebooks : sequence of path-like, optional
        Build only these notebooks: their pages are rebuilt, every other page of the site kept.
        Without it, every notebook of ``notebooks_dir`` is built, plus the parameterised pages
        the site already has (their notebooks still existing); other pages are dropped.
    jobs : int, optional
        Notebooks executed at the same time (one kernel each). Default: number of CPUs.
    force : bool
        Execute every notebook even when its frozen copy is still valid.
    cell_timeout : float
        Seconds a single cell may run.
    cache_dir : path-like, optional
        Freeze cache, default ``<repo>/.frstory-cache``.
    progress : "auto", callable, Progress or None
        ``"auto"`` (default): a live per-notebook, per-cell display on a terminal, plain lines on
        stderr otherwise; a callable receives plain lines; ``None`` for silence.
    parameters : dict, optional
        Parameters for the ``notebooks`` given (papermill semantics); each gets a page of its
        own, ``<stem>--<values>`` (see :func:`frstory.publish.params.parameter_slug`).
    slug : str, optional
        The page name for a single parameterised notebook, instead of the generated one.
    keep_going : bool
        Publish the notebooks that succeeded even when some failed: a failed page keeps its last
        good version (or is listed as unavailable on the index). :class:`BuildError` is still
        raised at the end.
    wait : bool
        When another build is writing the same site, wait for it (default) or stop at once.
    scheduler : str, optional
        Address of a Dask distributed scheduler (``tcp://host:8786``): each notebook to execute
        becomes a task that runs it in a fresh kernel on a worker; pages are rendered here and
        frozen in the local cache, which is keyed by content, so a later local build reuses
        them. Needs ``pip install 'frstory[dask]'``; workers need frstory, the same
        environment and the project (see README, "Scaling out"). ``jobs`` is then ignored.
    base_url : str, optional
        The address the site is published at (``https://...``): canonical links, Open Graph URLs
        and images, absolute feed links and the sitemap. Default: ``base_url`` of frstory.toml;
        without one the feed has relative links and no sitemap is written.
    drop_pages : sequence of str, optional
        Slugs of parameterised pages to remove from the site (``frstory build --drop-page SLUG``):
        a full build otherwise publishes again every parameterised page an earlier build made.
        The site is written as on any build (atomically); a page of a notebook of its own cannot
        be dropped this way (remove the notebook instead).

    Returns
    -------
    BuildReport
        Per-notebook status (executed / cached), timings, and where the site is.

    Raises
    ------
    BuildError
        When any notebook fails (the message names notebook, cell, line and exception for every
        failure) or the output folder cannot be used. Without ``keep_going`` the previous site is
        left as it was. The report is attached as ``error.report``.

    Examples
    --------
    >>> report = build("notebooks", "site", jobs=2)  # doctest: +SKIP
    >>> report.summary()  # doctest: +SKIP
    'built site: 3 stories (1 executed, 2 cached, 0 failed) in 4.2 s'
    """
    started = time.perf_counter()
    reporter = make_progress(progress)
    try:
        return _build(started, reporter, notebooks_dir, out_dir, notebooks, jobs, force, cell_timeout, cache_dir,
                      parameters, slug, keep_going, wait, scheduler, base_url, drop_pages)
    finally:
        reporter.close()


def _build(started, reporter: Progress, notebooks_dir, out_dir, notebooks, jobs, force, cell_timeout, cache_dir,
           parameters, slug, keep_going, wait, scheduler=None, base_url=None, drop_pages=None) -> BuildReport:
    from frstory.publish.params import SLUG_SAFE, parameter_slug
    from frstory.publish.sanitize import notebook_page_name

    say = reporter.line
    if notebooks_dir is None and notebooks and len({Path(p).resolve().parent for p in notebooks}) == 1:
        # Notebooks named without --notebooks belong to their own folder's project (its site,
        # frstory.toml and data), not to the default one.
        notebooks_dir = Path(notebooks[0]).parent
    notebooks_dir = Path(notebooks_dir) if notebooks_dir is not None else default_notebooks_dir()
    parameters = dict(parameters or {})
    partial = bool(notebooks)
    if (parameters or slug) and not notebooks:
        raise BuildError("parameters (-p/--params) and --slug need the NOTEBOOK to build with them, "
                         "e.g. frstory build notebooks/02-x.ipynb -p ticker SYNA")
    if slug is not None:
        if len(notebooks or []) != 1:
            raise BuildError("--slug names one page: give exactly one NOTEBOOK with it")
        if not SLUG_SAFE.match(slug):
            raise BuildError(f"--slug {slug!r} is not valid: use lower-case letters and digits joined by hyphens")
        if slug in RESERVED_PAGES:
            raise BuildError(f"--slug {slug!r} is the name of a page the site itself writes ({slug}.html); "
                             f"choose another, e.g. --slug {slug}-story")
    if notebooks:
        paths = [Path(p) for p in notebooks]
        for p in paths:
            if p.suffix != ".ipynb" or not p.is_file():
                raise BuildError(f"{_label(p)}: no such notebook (give .ipynb files; .py pairs are not built)")
    else:
        if not notebooks_dir.is_dir():
            raise BuildError(f"notebooks folder {_label(notebooks_dir)} does not exist: "
                             "pass --notebooks DIR or create one with `frstory new SLUG`")
        paths = sorted(p for p in notebooks_dir.glob("*.ipynb") if not p.name.startswith("."))
    out_dir = Path(out_dir) if out_dir is not None else notebooks_dir.resolve().parent / "site"
    out_dir = out_dir.resolve()
    _check_output_dir(out_dir)
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    config = site_config(notebooks_dir.resolve().parent)
    if base_url is not None:
        config["base_url"] = checked_base_url(base_url, "--base-url")

    with SiteLock(out_dir, wait=wait, say=say):
        leftovers = remove_leftovers(out_dir)
        if leftovers:
            say(f"removed {len(leftovers)} folder{'s' if len(leftovers) != 1 else ''} left by an interrupted build")
        old_pages = _without_dropped(_read_manifest(out_dir), drop_pages or [], out_dir)
        if partial and not old_pages and (out_dir / SITE_MARKER).is_file():
            say(f"warning: {out_dir.name}/ was built by an older frstory that did not list its pages: "
                "only the pages built now will be in it; run `frstory build` once to rebuild them all")
        # (notebook, parameters, slug) of every page to build
        pages: list[tuple[Path, dict, str]] = [
            (p, parameters, slug or (parameter_slug(notebook_page_name(p.stem), parameters) if parameters
                                     else site_page_name(p.stem)))
            for p in paths]
        for path, _, page in pages:
            if page != notebook_page_name(path.stem) and not parameters and slug is None:
                say(f"note: {_label(path)} is published as {page}.html: {page.removesuffix('-page')}.html is the "
                    "site's own page")
        clash = sorted({d.removesuffix(".html") for d in drop_pages or []} & {s for *_, s in pages})
        if clash:
            raise BuildError(f"--drop-page {clash[0]} names a page this build makes: drop it, or build it, not both")
        if not partial:
            # A full build keeps the parameterised pages made earlier, re-built from their notebooks.
            again = []
            for page in old_pages:
                nb_path = notebooks_dir / str(page.get("notebook", ""))
                if page.get("parameters") and nb_path.is_file() and page["slug"] not in {s for *_, s in pages}:
                    pages.append((nb_path, dict(page["parameters"]), page["slug"]))
                    again.append(page["slug"])
            if again:
                say(f"note: publishing again {len(again)} parameterised page{'s' if len(again) != 1 else ''} of "
                    f"earlier builds: {', '.join(again)} (remove one with `frstory build --drop-page SLUG`)")
        slugs = [s for *_, s in pages]
        if len(set(slugs)) != len(slugs):
            clashes = sorted({s for s in slugs if slugs.count(s) > 1})
            named = "; ".join(f"{s}.html from " + " and ".join(sorted({p.name for p, _, t in pages if t == s}))
                              for s in clashes)
            raise BuildError(f"two pages would have the same name ({named}): a page is named after its notebook in "
                             "lower case with hyphens for spaces and punctuation. Fix: rename one of the notebooks")
        report = _build_locked(started, reporter, notebooks_dir, out_dir, pages, partial, old_pages, jobs, force,
                               cell_timeout, cache, keep_going, config, scheduler)
    return report


def _without_dropped(old_pages: list[dict], drop: Sequence[str], out_dir: Path) -> list[dict]:
    """The site's pages less the parameterised ones named in ``drop`` (``--drop-page``).

    Raises
    ------
    BuildError
        For a name that is not a page of the site, or is the page of a notebook of its own.

    Examples
    --------
    >>> pages = [{"slug": "02-x", "notebook": "02-x.ipynb"},
    ...          {"slug": "02-x--syna", "notebook": "02-x.ipynb", "parameters": {"ticker": "SYNA"}}]
    >>> [p["slug"] for p in _without_dropped(pages, ["02-x--syna"], Path("site"))]
    ['02-x']
    """
    by_slug = {p["slug"]: p for p in old_pages}
    parameterised = sorted(s for s, p in by_slug.items() if p.get("parameters"))
    for name in drop:
        name = name.removesuffix(".html")
        if name not in by_slug:
            listed = ", ".join(parameterised) if parameterised else "none"
            raise BuildError(f"--drop-page {name}: the site in {_label(out_dir)}/ has no page {name}.html "
                             f"(its parameterised pages: {listed})")
        if not by_slug[name].get("parameters"):
            raise BuildError(f"--drop-page {name}: {name}.html is the page of the notebook "
                             f"{by_slug[name].get('notebook')}, which every full build publishes: "
                             "remove the notebook from the notebooks folder (or move it elsewhere) instead")
    dropped = {name.removesuffix(".html") for name in drop}
    return [p for p in old_pages if p["slug"] not in dropped]


def _build_locked(started, reporter: Progress, notebooks_dir, out_dir, pages, partial, old_pages, jobs, force,
                  cell_timeout, cache, keep_going, config, scheduler=None) -> BuildReport:
    say = reporter.line
    src_hash, env_hash = source_hash(), environment_hash()
    results: dict[str, StoryResult] = {}
    planned: list[_Job] = []
    for path, params, page_slug in pages:
        label = _label(path)
        try:
            # Older notebook formats are converted in memory; the file itself is never rewritten.
            nb_json = read_notebook(path, label)
            meta = read_story_meta(nb_json, label)
        except OSError as exc:
            message = f"{label}: cannot read the notebook ({exc.strerror or exc}); check that the file exists " \
                      "and you may read it"
            results[page_slug] = StoryResult(path, "failed", error=message, slug=page_slug)
            continue
        except ValueError as exc:
            message = f"{label}: not a readable notebook ({exc}); open it in Jupyter and save it again"
            results[page_slug] = StoryResult(path, "failed", error=message, slug=page_slug)
            continue
        except BuildError as exc:
            results[page_slug] = StoryResult(path, "failed", error=str(exc), slug=page_slug)
            continue
        content = notebook_content_hash(nb_json)
        entry = FrozenEntry.for_page(cache, page_slug, content, params)
        frozen = _load_entry(entry, path)
        reason = "forced" if force else (entry.problem or stale_reason(
            frozen[0] if frozen else None, content=content, source=src_hash, environment=env_hash,
            parameters=params))
        if reason == "not executed before" and entry.previous_versions():
            reason = "notebook or parameters changed"
        planned.append(_Job(path, label, page_slug, params, meta, content, entry, reason, None if reason else frozen,
                            nb_json))

    to_run = [job for job in planned if job.reason]
    n = len(pages)
    where = (f"on the Dask cluster at {scheduler}" if scheduler
             else f"{min(jobs, max(1, len(to_run)))} at a time")
    say(f"frstory build: {n} page{'s' if n != 1 else ''}, {len(to_run)} to execute, {where}")
    for job in planned:
        if not job.reason:
            say(f"  cached     {job.key}")
    for result in results.values():
        say(f"  FAILED     {result.error}")

    from frstory.publish.images import ChartImages  # static chart images, one browser per build

    with ChartImages(cache, config["base_url"]) as chart_images:
        if to_run:
            renders = _run_coroutine(_execute_all(to_run, cache, jobs, cell_timeout, src_hash, env_hash, reporter,
                                                  _read_ignore(cache, out_dir), scheduler, chart_images))
            for job, (result, frozen) in zip(to_run, renders):
                results[job.slug] = result
                job.frozen = frozen
        for job in planned:
            if job.slug not in results:
                # A reused page's rendering warned of the same things when it was made: say them again,
                # or a second build would call a page clean that still leaves something out.
                stored = list(job.frozen[1].get("warnings", [])) if job.frozen is not None else []
                results[job.slug] = StoryResult(job.path, "cached", page=f"{job.slug}.html", slug=job.slug,
                                                warnings=stored)
        for job in planned:
            if job.frozen is not None:
                meta = _meta_from_record(job)
                results[job.slug].warnings[:0] = _placeholder_warnings(job, meta)
                # Readers are told which series and days are missing; the message, with its fix, is the builder's.
                results[job.slug].warnings += [f"{job.label}: published without some price data: {m}"
                                               for m in job.frozen[1].get("missing_data", [])]

        stories = [results[s] for *_, s in pages]
        failures = [s for s in stories if s.status == "failed"]
        if failures and not keep_going:
            report = BuildReport(out_dir, stories, time.perf_counter() - started, published=False)
            say(report.summary())
            # A first build that fails has no site to leave unchanged.
            kept = (f"the site at {_label(out_dir)} was left unchanged" if out_dir.exists()
                    else f"no site was written to {_label(out_dir)}")
            error = BuildError(
                f"{len(failures)} of {len(stories)} notebook{'s' if len(stories) != 1 else ''} failed; "
                f"{kept}:\n" + "\n".join(s.error or "" for s in failures)
            )
            error.report = report  # type: ignore[attr-defined]
            raise error

        good = [job for job in planned if job.frozen is not None]
        built_slugs = {job.slug for job in good}
        # Pages this build does not replace: on a partial build every other page, and on any build
        # a page whose notebook failed keeps its last good version (--keep-going).
        failed_slugs = {s.slug for s in failures}
        kept = [p for p in old_pages if p["slug"] not in built_slugs
                and (p["slug"] in failed_slugs or (partial and p["slug"] not in {s for *_, s in pages}))]
        unavailable = [s for s in failures if s.slug not in {p["slug"] for p in kept}]
        link_targets = _link_targets(good, kept, out_dir)
        for job in good:
            results[job.slug].warnings += _link_warnings(job, link_targets, notebooks_dir,
                                                         {f"{s.slug}.html" for s in unavailable})
        inputs = (None if (partial or kept or unavailable)
                  else _site_inputs(good, config, src_hash, env_hash, notebooks_dir))
        current_notes = _current_site_notes(out_dir, inputs) if inputs is not None and not to_run else None
        if current_notes is not None:
            # Nothing the pages are made of changed since the site was written: leave it as it is.
            say(f"  up to date {_label(out_dir)}")
            notes = current_notes
        else:
            notes = _write_site(out_dir, good, results, notebooks_dir, kept, unavailable, config, chart_images,
                                inputs, link_targets)
        report = BuildReport(out_dir, stories, time.perf_counter() - started, published=True)
        for note in notes:
            say(f"  note       {note}")
        for story in stories:
            for warning in story.warnings:
                say(f"  warning    {warning}")
        say(report.summary())
        if failures:
            kept_failed = sorted(failed_slugs & {p["slug"] for p in kept})
            note = (f" (kept the last good page of {', '.join(kept_failed)})" if kept_failed else "")
            error = BuildError(
                f"{len(failures)} of {len(stories)} notebook{'s' if len(stories) != 1 else ''} failed; "
                f"the others were published to {_label(out_dir)}{note}:\n" + "\n".join(s.error or "" for s in failures))
            error.report = report  # type: ignore[attr-defined]
            raise error
        return report


# A link the renderer made to another notebook's page (``x.ipynb#Heading`` becomes
# ``x.html#s-heading``, see frstory.publish.sanitize.page_href): the only relative ``.html`` links
# a page body holds, since the sanitizer drops every other relative link. Quoted attribute values
# may hold ">".
_PAGE_LINK = re.compile(r'<a\b((?:[^>"]|"[^"]*")*?)\shref="([^"/:#?]+\.html)(?:#([^"]*))?"((?:[^>"]|"[^"]*")*)>'
                        r'(.*?)</a>', re.DOTALL)
_BODY_ID = re.compile(r'\sid="([^"]+)"')
_REL = re.compile(r'\srel="[^"]*"')


def _link_targets(good: list[_Job], kept: list[dict], out_dir: Path) -> dict[str, set[str] | None]:
    """Every story page the site will hold, by file name, with the ids of its headings.

    Pages built now are read from their rendered bodies; pages kept from the current site from
    their files there (``None`` when a file cannot be read: links to its headings are not checked).
    """
    targets: dict[str, set[str] | None] = {}
    for job in good:
        body = str((job.frozen or ({}, {}))[1].get("body_html", ""))
        targets[f"{job.slug}.html"] = set(_BODY_ID.findall(body))
    for entry in kept:
        page = unquote(str(entry.get("page") or f"{entry['slug']}.html"))
        try:
            targets[page] = set(_BODY_ID.findall((out_dir / page).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            targets[page] = None
    return targets


def _page_links(body: str, targets: dict[str, set[str] | None]) -> tuple[str, list[dict]]:
    """``body`` with its links to other pages made safe, and what was wrong with them.

    A link to a page the site does not have would be dead: it becomes its text alone (an ``<a>``
    without ``href``, as the sanitizer leaves a link it drops). A link to a heading its page does
    not have leads to that page's top.

    Returns
    -------
    tuple
        The body, and per problem a dict with ``text`` (the link's words), ``page``,
        ``fragment`` (the heading id asked for, or ``None``) and ``missing`` (``"page"`` or
        ``"heading"``).

    Examples
    --------
    >>> body = '<p><a href="x.html" rel="noopener noreferrer">see</a> <a href="y.html#s-b">b</a></p>'
    >>> fixed, problems = _page_links(body, {"y.html": {"s-a"}})
    >>> fixed
    '<p><a>see</a> <a href="y.html">b</a></p>'
    >>> [(p["page"], p["missing"]) for p in problems]
    [('x.html', 'page'), ('y.html', 'heading')]
    """
    problems: list[dict] = []

    def check(match: re.Match) -> str:
        before, href, fragment, after, inner = match.groups()
        page = unquote(html.unescape(href))
        text = plain_text(inner)
        if page not in targets:
            problems.append({"text": text, "page": page, "fragment": fragment, "missing": "page"})
            return f"<a{_REL.sub('', before)}{_REL.sub('', after)}>{inner}</a>"
        ids = targets[page]
        if fragment and ids is not None and html.unescape(fragment) not in ids:
            problems.append({"text": text, "page": page, "fragment": html.unescape(fragment), "missing": "heading"})
            return f'<a{before} href="{href}"{after}>{inner}</a>'
        return match.group(0)

    return _PAGE_LINK.sub(check, body), problems


def _link_warnings(job: _Job, targets: dict[str, set[str] | None], notebooks_dir: Path,
                   failed_pages: set[str]) -> list[str]:
    """The build's warnings about ``job``'s links to notebooks the site has no page (or heading) for."""
    render = (job.frozen or ({}, {}))[1]
    body = str(render.get("body_html", ""))
    # The notebook as the link wrote it ("Foo Bar.ipynb"), not its page's name (foo-bar); a page
    # frozen before the renderer recorded names falls back to the page's.
    written = render.get("notebook_links") if isinstance(render.get("notebook_links"), dict) else {}
    warnings = []
    for problem in _page_links(body, targets)[1]:
        notebook = str(written.get(problem["page"]) or f"{problem['page'][: -len('.html')]}.ipynb")
        link = f"the link '{problem['text']}'" if problem["text"] else "a link"
        if problem["missing"] == "page" and problem["page"] in failed_pages:
            warnings.append(f"{job.label}: {link} points at {notebook}, whose page failed in this build; "
                            "readers see its text alone. Fix: make that notebook build, then build both again")
        elif problem["missing"] == "page":
            warnings.append(f"{job.label}: {link} points at {notebook}, which is not among the notebooks "
                            f"built into this site; readers see its text alone. Fix: put {notebook} in "
                            f"{_label(notebooks_dir)} and build the whole site again (or correct the name in the "
                            "link, or link an http(s) address)")
        else:
            headings = sorted(i[2:] for i in targets.get(problem["page"]) or () if i.startswith("s-"))
            known = (f" (its headings: {', '.join(f'#{h}' for h in headings[:5])}"
                     f"{', ...' if len(headings) > 5 else ''})") if headings else ""
            warnings.append(f"{job.label}: {link} points at the heading #{problem['fragment'].removeprefix('s-')} "
                            f"of {notebook}, which has no such heading; readers are taken to the top of its page. "
                            f"Fix: link one of its headings by its text{known}")
    return list(dict.fromkeys(warnings))  # a link written twice is one thing to fix


#: Image files a Markdown cell may show from its notebook's folder: embedded into the page.
LOCAL_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
                     ".webp": "image/webp", ".svg": "image/svg+xml"}
#: Larger images are left out (every byte is in the page, base64-encoded, for every reader).
MAX_LOCAL_IMAGE_BYTES = 5 * 1024 * 1024
_MD_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*(<[^>\n]+>|[^)\s]+)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
# A link reference definition (CommonMark): "[label]: destination" with an optional title, on its own line.
_REF_DEFINITION = re.compile(r"^ {0,3}\[([^\]\n]+)\]:[ \t]*(<[^>\n]*>|\S+)"
                             r"(?:[ \t]+(\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$", re.MULTILINE)
# An image by reference: full ![alt][label], collapsed ![alt][] or shortcut ![alt].
_REF_IMAGE = re.compile(r"!\[([^\]\n]*)\](?:\[([^\]\n]*)\])?(?![(\[:])")
_HTML_IMG_SRC = re.compile(r"""(<img\b[^>]*?)\ssrc=(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)
# Markdown code, where an image reference is an example to show, not an image: fenced blocks
# (to their closing fence, or the cell's end) and inline code spans.
_FENCED_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[`~]*[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def markdown_code_ranges(source: str) -> list[tuple[int, int]]:
    r"""Where ``source`` (a Markdown cell) holds code: fenced and indented blocks, inline spans.

    An indented block is a run of lines indented by four spaces or a tab after a blank line,
    unless it continues a list item (whose paragraphs are indented too). Written here because the
    Markdown parser nbconvert uses gives no source positions.

    Examples
    --------
    >>> text = "See ![a](a.png)\n\n    <img src='b.png'>\n\nand `![c](c.png)` or\n```\n![d](d.png)\n```\n"
    >>> [text[a:b].strip() for a, b in markdown_code_ranges(text)]
    ["<img src='b.png'>", '`![c](c.png)`', '```\n![d](d.png)\n```']
    >>> markdown_code_ranges("- item\n\n    ![e](e.png) continues the item\n")
    []
    """
    ranges = [m.span() for m in _FENCED_CODE.finditer(source)]
    offset, blank_before, in_list, block = 0, True, False, None
    for line in source.splitlines(keepends=True):
        end = offset + len(line)
        inside_fence = any(a <= offset < b for a, b in ranges)
        indented = line.startswith(("    ", "\t")) and line.strip()
        if inside_fence:
            pass
        elif indented and (block is not None or (blank_before and not in_list)):
            block = (block[0] if block else offset, end)
        else:
            if block:
                ranges.append(block)
                block = None
            if line.strip():
                in_list = bool(_LIST_ITEM.match(line)) or (in_list and not blank_before) or \
                    (in_list and line.startswith(" "))
        blank_before = not line.strip()
        offset = end
    if block:
        ranges.append(block)
    covered = sorted(ranges)
    spans = [m.span() for m in _CODE_SPAN.finditer(source) if not any(a <= m.start() < b for a, b in covered)]
    return sorted(covered + spans)
_IMAGE_MAGIC = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",),
                "image/gif": (b"GIF87a", b"GIF89a")}


def _local_image(target: str, folder: Path) -> tuple[Path, str, bytes] | str:
    """The file an image address names inside ``folder`` as ``(path, mime, bytes)``, or why not."""
    path = (folder / unquote(target)).resolve()  # follows symlinks: a link leaving the folder is outside
    if not path.is_relative_to(folder.resolve()):
        return (f"lies outside the notebook's folder; readers see its alt text. Fix: move it into "
                f"{_label(folder)} (a folder inside it is fine) and link it from there")
    mime = LOCAL_IMAGE_TYPES.get(path.suffix.lower())
    if mime is None:
        return ("is not a PNG, JPEG, GIF, WebP or SVG file; readers see its alt text. Fix: save it as "
                "one of those")
    if not path.is_file():
        return "does not exist; readers see its alt text. Fix: correct the path (from the notebook's folder)"
    size = path.stat().st_size
    if size > MAX_LOCAL_IMAGE_BYTES:
        return (f"is {size / 1e6:.1f} MB, more than the {MAX_LOCAL_IMAGE_BYTES / 1e6:.0f} MB a page embeds; "
                "readers see its alt text. Fix: save it smaller (fewer pixels, or JPEG for a photograph)")
    data = path.read_bytes()
    wrong = (mime in _IMAGE_MAGIC and not data.startswith(_IMAGE_MAGIC[mime])) or \
        (mime == "image/webp" and not (data[:4] == b"RIFF" and data[8:12] == b"WEBP")) or \
        (mime == "image/svg+xml" and b"<svg" not in data[:4096])
    if wrong:
        return (f"is not the {path.suffix.lstrip('.').upper()} image its name says; readers see its alt text. "
                "Fix: save the image again in that format")
    return path, mime, data


def inline_image_references(source: str) -> str:
    r"""``source`` (a Markdown cell) with its images by reference to a file written as inline images.

    ``![alt][ref]`` (or ``![alt][]``, ``![ref]``) with ``[ref]: figures/chart.png`` becomes
    ``![alt](figures/chart.png)``, so :func:`embed_local_images` embeds it under the same rules
    as an inline image. Images on the web, references without a definition and anything in code
    are left as written; labels match as CommonMark matches them (case and spacing aside).

    Examples
    --------
    >>> inline_image_references('![A chart][Fig 1]\n\n[fig  1]: figures/chart.png "Rates"\n')
    '![A chart](figures/chart.png "Rates")\n\n[fig  1]: figures/chart.png "Rates"\n'
    >>> inline_image_references("![logo]\n\n[logo]: https://example.org/logo.png\n")
    '![logo]\n\n[logo]: https://example.org/logo.png\n'
    """
    def key(label: str) -> str:
        return " ".join(label.split()).casefold()

    code = markdown_code_ranges(source)
    definitions: dict[str, tuple[str, str]] = {}
    for match in _REF_DEFINITION.finditer(source):
        if not any(a <= match.start() < b for a, b in code):
            # The first definition of a label is the one CommonMark uses.
            definitions.setdefault(key(match.group(1)), (match.group(2), match.group(3) or ""))

    def inline(match: re.Match) -> str:
        if any(a <= match.start() < b for a, b in code):
            return match.group(0)
        found = definitions.get(key(match.group(2) or match.group(1)))
        if found is None or _URL_SCHEME.match(found[0].strip("<>")):
            return match.group(0)
        target, title = found
        if title.startswith("("):  # the inline form takes a title in quotes
            title = f'"{title[1:-1]}"' if '"' not in title else ""
        return f"![{match.group(1)}]({target}{' ' + title if title else ''})"

    return _REF_IMAGE.sub(inline, source) if definitions else source


def embed_local_images(nb: dict, folder: Path, label: str) -> tuple[dict, list[dict], list[str]]:
    """The notebook with the images its Markdown cells show from ``folder`` embedded, for its page.

    ``![alt](figures/chart.png)`` (or ``![alt][ref]`` with ``[ref]: figures/chart.png``, see
    :func:`inline_image_references`) becomes an image attached to the cell (what the page renders
    from) and ``<img src="figures/chart.png">`` a data URI, for PNG, JPEG, GIF, WebP and SVG files
    inside ``folder`` (the notebook's folder) up to :data:`MAX_LOCAL_IMAGE_BYTES`. Anything else
    (outside the folder, through a ``../`` or a symbolic link; missing; too large; another type) is
    left out with a warning saying why, and readers see its alt text. ``nb`` is not changed.

    Returns
    -------
    tuple
        The notebook for the page, the image files as data reads (kind ``image``, with their
        SHA-256, so the freeze cache rebuilds the page when one changes) and the warnings.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> nb = {"cells": [{"cell_type": "markdown", "source": "![A chart](../chart.png)", "metadata": {}}]}
    >>> page, reads, warnings = embed_local_images(nb, folder, "x.ipynb")
    >>> page["cells"][0]["source"], reads, warnings[0][:58]
    ('A chart', [], "x.ipynb: cell 1: the image '../chart.png' lies outside the")
    """
    import base64
    import hashlib

    reads: dict[str, dict] = {}
    warnings: list[str] = []
    cells = []
    for number, cell in enumerate(nb.get("cells") or [], start=1):
        source = source_text(cell.get("source", ""))
        if cell.get("cell_type") != "markdown" or ("](" not in source and "]:" not in source
                                                   and "<img" not in source.lower()):
            cells.append(cell)
            continue
        attachments = dict(cell.get("attachments") or {})

        def resolve(target: str) -> tuple[str, str, bytes] | None:
            found = _local_image(target, folder)
            if isinstance(found, str):
                warnings.append(f"{label}: cell {number}: the image '{target}' {found}")
                return None
            path, mime, data = found
            digest = hashlib.sha256(data).hexdigest()
            reads.setdefault(str(path), {"kind": "image", "path": str(path), "file_sha256": digest})
            return digest, mime, data

        def markdown_image(match: re.Match) -> str:
            alt, target = match.group(1), match.group(2).strip("<>")
            if _URL_SCHEME.match(target):
                return match.group(0)  # on the web, attached or in the page: the renderer's business
            found = resolve(target)
            if found is None:
                return alt
            digest, mime, data = found
            name = f"{digest[:16]}{Path(target).suffix.lower()}"
            attachments[name] = {mime: base64.b64encode(data).decode("ascii")}
            return match.group(0).replace(match.group(2), f"attachment:{name}", 1)

        def html_image(match: re.Match) -> str:
            target = html.unescape(match.group(2) if match.group(2) is not None else match.group(3))
            if _URL_SCHEME.match(target):
                return match.group(0)
            found = resolve(target)
            if found is None:
                return match.group(1)  # no src: the page shows the alt text
            _, mime, data = found
            return f'{match.group(1)} src="data:{mime};base64,{base64.b64encode(data).decode("ascii")}"'

        def outside_code(replace):
            def sub(match: re.Match) -> str:
                if any(a <= match.start() < b for a, b in code):
                    return match.group(0)  # an example in code, shown as written
                return replace(match)
            return sub

        changed = inline_image_references(source)
        code = markdown_code_ranges(changed)
        changed = _MD_IMAGE.sub(outside_code(markdown_image), changed)
        code = markdown_code_ranges(changed)
        changed = _HTML_IMG_SRC.sub(outside_code(html_image), changed)
        if changed == source:
            cells.append(cell)
        else:
            cells.append({**cell, "source": changed, **({"attachments": attachments} if attachments else {})})
    return {**nb, "cells": cells}, list(reads.values()), warnings


def _read_ignore(cache: Path, out_dir: Path) -> list[Path]:
    """Folders whose files a notebook opens without them being its data: the freeze cache, the
    site, and the price cache (prices are reported by their loader, per ticker, with their
    provenance; the raw cache files are neither listed nor republished)."""
    from frstory.paths import price_cache_dir

    return [cache, out_dir, price_cache_dir()]


def _meta_from_record(job: _Job) -> StoryMeta:
    """The story metadata as executed (inline expressions in title and dek substituted)."""
    record = job.frozen[0] if job.frozen else {}
    stored = record.get("meta")
    if isinstance(stored, dict):
        try:
            return StoryMeta(**stored)
        except TypeError:
            pass
    return job.meta


async def _execute_all(jobs_to_run: list[_Job], cache: Path, jobs: int, cell_timeout: float,
                       src_hash: str, env_hash: str, reporter: Progress, read_ignore: list[Path],
                       scheduler: str | None = None, chart_images=None):
    """Execute ``jobs_to_run`` and render each page as soon as its notebook finishes.

    Locally, kernels come from a :class:`~frstory.publish.pool.KernelPool`: the kernels of the
    next ``jobs`` notebooks start while the current ones run, each is used by one notebook and
    killed. With ``scheduler``, each notebook is a task on that Dask cluster
    (:mod:`frstory.publish.distributed`) and only rendering happens here. Either way, pages are
    rendered in one thread while other notebooks execute, and frozen as they come; each page's
    chart images are drawn (into ``chart_images``' cache) in a third thread as it is rendered.
    """
    # Import the execution stack here, in the event-loop thread, before the rendering thread
    # starts importing nbconvert: both pull in jupyter_client, and importing one package from two
    # threads at once can expose a half-initialised module.
    import dataclasses
    import tempfile

    import nbclient  # noqa: F401
    import nbformat

    from frstory.publish.execute import ExecutionOutcome, NotebookFailure, ensure_kernelspec, run_notebook
    from frstory.publish.pool import KernelPool

    from frstory.publish.preprocessors import PLOTLY_MIME
    from frstory.publish.render import page_figure_json  # noqa: F401 - imported here, before the threads that use it

    if chart_images is not None and not scheduler:
        # The browser starts on the core the kernels' start leaves idle (after this thread's
        # imports, so that no two threads import one package at once).
        chart_images.warm_up()
    renderer_holder: list = []
    loop = asyncio.get_running_loop()
    executed_at = _now().isoformat()

    def renderer():
        if not renderer_holder:
            from frstory.publish.render import StoryRenderer

            renderer_holder.append(StoryRenderer())
            try:  # lays out chart furniture as HTML; import it now, off the critical path
                import frstory.charts.furniture  # noqa: F401
            except Exception:
                pass
        return renderer_holder[0]

    def finish(job: _Job, outcome) -> tuple[StoryResult, tuple[dict, dict]]:
        """Render, record provenance and freeze one executed notebook (in the rendering thread)."""
        meta = read_story_meta(outcome.notebook, job.label)
        page_nb, image_reads, image_warnings = embed_local_images(outcome.notebook, job.path.resolve().parent,
                                                                  job.label)
        render = renderer().render(page_nb, job.slug, meta.title, meta.lang)
        # Inline values published without a prose helper are the author's to fix, like the render's own.
        render["warnings"] = (image_warnings + [f"{job.label}: {w}" for w in getattr(outcome, "warnings", [])]
                              + list(render.get("warnings", [])))
        render["content_hash"] = job.content_hash
        record = {
            "notebook": job.path.name,
            "slug": job.slug,
            "parameters": job.parameters,
            "parameters_key": parameters_key(job.parameters),
            "meta": dataclasses.asdict(meta),
            "content_hash": job.content_hash,
            # A worker with another frstory or other packages records its own hashes, so the
            # next local build executes the page again instead of trusting it.
            "source_hash": outcome.source_hash or src_hash,
            "environment_hash": outcome.environment_hash or env_hash,
            # Images shown from beside the notebook count as data: a changed image rebuilds the page.
            "reads": portable_reads(outcome.reads + image_reads, job.project_root),
            "prices": _price_provenance(outcome.reads),
            "executed_at": executed_at,
            "execution_seconds": round(outcome.seconds, 3),
        }
        job.entry.store(record, nbformat.writes(outcome.notebook), render)
        # Read back what was stored, so this build publishes exactly what a later one would.
        frozen = _load_entry(job.entry, job.path)
        if frozen is None:
            raise BuildError(f"{job.label}: the freeze cache entry could not be read back after writing it")
        warnings = list(render.get("warnings", []))
        if (outcome.source_hash or src_hash) != src_hash or (outcome.environment_hash or env_hash) != env_hash:
            warnings.append(f"{job.label}: executed on a Dask worker whose frstory source or installed packages "
                            "differ from this machine's: give the workers the same environment (the next local "
                            "build executes this notebook again)")
        result = StoryResult(job.path, "executed", outcome.seconds, job.reason, page=f"{job.slug}.html",
                             warnings=warnings, slug=job.slug)
        return result, frozen

    # Rendering (and the nbconvert import) runs in one worker thread so that it never blocks the
    # event loop: a kernel freed by one notebook is taken by the next at once, and a page is
    # rendered while the other notebooks still execute.
    render_pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="frstory-render")
    image_pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="frstory-images")
    drawing: list[asyncio.Future] = []
    warm_up = loop.run_in_executor(render_pool, renderer)
    logs = cache / "logs"
    # Read and kernel logs are private to this build, so two builds sharing a cache (even of two
    # different sites) never append to one another's.
    run_logs = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=_mkdirs(logs)))

    async def publish(job: _Job, outcome) -> tuple[StoryResult, tuple[dict, dict] | None]:
        if outcome.failure is not None:
            message = outcome.failure.describe(job.label)
            if not outcome.failure.missing_data and outcome.failure.traceback:
                log = logs / f"{job.slug}.error.log"
                write_atomic(log, outcome.failure.traceback)
                message += f"\n    (full traceback: {_label(log)})"
            reporter.notebook_finished(job.key, False, outcome.seconds)
            return StoryResult(job.path, "failed", outcome.seconds, job.reason, error=message, slug=job.slug), None
        try:
            result, frozen = await loop.run_in_executor(render_pool, finish, job, outcome)
        except Exception as exc:  # a rendering bug must not take the other notebooks down with it
            reporter.line(f"  FAILED     {job.key}: could not render")
            message = (f"{job.label}: executed, but rendering its page failed: {type(exc).__name__}: {exc} "
                       "(please report this with the notebook)")
            return StoryResult(job.path, "failed", outcome.seconds, job.reason, error=message, slug=job.slug), None
        reporter.notebook_finished(job.key, True, outcome.seconds)
        if chart_images is not None:
            drawing.append(loop.run_in_executor(image_pool, chart_images.prepare, frozen[1].get("body_html", "")))
        return result, frozen

    pages: dict[int, asyncio.Future] = {}

    def draw_as_it_runs():
        """A cell callback that has the image thread draw each chart as soon as its cell has run.

        The longest notebook has the most charts; drawn only once its page exists, they were the
        last seconds of every cold build. Numbers count charts as the page will (cells the page
        removes are skipped), which decides the format of the first chart's stand-ins.
        """
        if chart_images is None:
            return None
        shown = [0]

        def cell_done(cell) -> None:
            tags = set((cell.get("metadata") or {}).get("tags") or [])
            if tags & {"remove-cell", "remove-output"}:
                return
            figures = []
            for output in cell.get("outputs") or []:
                figure = (output.get("data") or {}).get(PLOTLY_MIME)
                if isinstance(figure, dict):
                    shown[0] += 1
                    figures.append((figure, shown[0]))
            if figures:
                drawing.append(loop.run_in_executor(image_pool, chart_images.prepare_figures, figures))

        return cell_done

    async def run_locally() -> None:
        kernels_root = ensure_kernelspec(cache)
        pool = KernelPool(kernels_root, run_logs, read_ignore=read_ignore)
        # Each queued notebook already has its kernel starting: `jobs` execute while up to `jobs`
        # more kernels warm up behind them.
        queue: asyncio.Queue = asyncio.Queue(maxsize=jobs)
        starting: list[asyncio.Task] = []
        workers = min(jobs, len(jobs_to_run))

        async def producer() -> None:
            for index, job in enumerate(jobs_to_run):
                task = asyncio.ensure_future(pool.start(job.path.parent, job.project_root))
                starting.append(task)
                await queue.put((index, job, task))
            for _ in range(workers):
                await queue.put(None)

        async def worker() -> None:
            while (item := await queue.get()) is not None:
                index, job, kernel_task = item
                reporter.notebook_started(job.key, job.reason)
                try:
                    kernel = await kernel_task
                except Exception as exc:  # the kernel could not start: this notebook fails, others go on
                    outcome = ExecutionOutcome(None, [], 0.0, NotebookFailure(
                        None, None, "", type(exc).__name__, f"the kernel did not start: {exc}"))
                else:
                    try:
                        outcome = await run_notebook(
                            job.path, kernels_root=kernels_root, read_log=kernel.read_log,
                            kernel_log=kernel.stderr_path, cell_timeout=cell_timeout, parameters=job.parameters,
                            read_ignore=read_ignore, notebook=job.source, kernel=kernel,
                            on_cell=lambda number, total, key=job.key: reporter.cell(key, number, total),
                            on_cell_done=draw_as_it_runs())
                    finally:
                        pool.dispose(kernel)
                pages[index] = asyncio.ensure_future(publish(job, outcome))

        try:
            await asyncio.gather(producer(), *(worker() for _ in range(workers)))
        finally:
            for task in starting:
                task.cancel()
            await asyncio.gather(*starting, return_exceptions=True)
            await pool.close()

    async def run_on_cluster() -> None:
        from frstory.publish.distributed import connect, execute_on_cluster

        def arrived(index: int, outcome) -> None:  # called from the Dask thread
            loop.call_soon_threadsafe(lambda: pages.__setitem__(index, asyncio.ensure_future(
                publish(jobs_to_run[index], outcome))))

        # Connect first (a thread: Dask's synchronous client runs its own event loop), so an
        # unreachable scheduler stops the build before any notebook is announced.
        client = await asyncio.to_thread(connect, scheduler)
        for job in jobs_to_run:
            reporter.notebook_started(job.key, job.reason)
        await asyncio.to_thread(execute_on_cluster, client, jobs_to_run, cell_timeout, read_ignore, arrived)
        await asyncio.sleep(0)  # let the last call_soon_threadsafe callbacks run

    try:
        if scheduler:
            await run_on_cluster()
        else:
            await run_locally()
        done = [await pages[index] for index in range(len(jobs_to_run))]
        await asyncio.gather(*drawing)
        return done
    finally:
        for page in pages.values():
            if not page.done():
                page.cancel()
        try:
            await warm_up
        except Exception:  # a broken nbconvert install surfaces when the first render runs
            pass
        render_pool.shutdown(wait=True)
        image_pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(run_logs, ignore_errors=True)


def _site_inputs(good: list[_Job], config: dict, src_hash: str, env_hash: str, notebooks_dir: Path) -> str:
    """A key of everything a full site is made of: each page's frozen execution, the site settings,
    frstory's code and templates, the installed packages, the notebooks' git commit and the
    reproducible-build date. Two builds with the same key write the same site."""
    import hashlib

    pages = [(job.slug, job.entry.directory.name, (job.frozen or ({}, {}))[0].get("executed_at", ""))
             for job in good]
    parts = {"pages": pages, "config": config, "source": src_hash, "environment": env_hash,
             "version": __version__, "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
             "commit": _git_commit(notebooks_dir if notebooks_dir.is_dir() else Path.cwd())}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _current_site_notes(out_dir: Path, inputs: str) -> list[str] | None:
    """The notes of the build that wrote ``out_dir`` (what it left out) when that build's inputs
    were ``inputs`` and every file it wrote is still there; ``None`` when the site must be written."""
    try:
        marker = json.loads((out_dir / SITE_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("inputs") != inputs:
        return None
    stories = marker.get("stories") if isinstance(marker.get("stories"), list) else []
    files = ["index.html", *(f for s in stories if isinstance(s, dict) for f in s.get("files") or [])]
    if not all(isinstance(f, str) and (out_dir / f).is_file() for f in files):
        return None
    notes = marker.get("notes")
    return [str(n) for n in notes] if isinstance(notes, list) else []


def _left_something_out(results: dict[str, StoryResult], good: list[_Job]) -> bool:
    """A site written with something left out (chart images without a browser, say) is written
    again next time, when what was missing may be there.

    Every chart left without an image is named in its page's warnings; a browser that could not
    start while every image came from the cache left nothing out.
    """
    return any("no static image" in w for job in good for w in results[job.slug].warnings)


def _mkdirs(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _format_time(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or "unknown"
    from frstory import prose  # the one owner of dates in words

    return f"{prose.date(moment.date())}, {moment:%H:%M} UTC"


def _template_env():
    """The Jinja environment of the site templates (autoescaping, undefined names are errors)."""
    import jinja2
    import markupsafe

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "site")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    # The attribute that marks the publisher's own words English on a page in another language.
    env.filters["ui_lang_attr"] = lambda page_lang: markupsafe.Markup(ui_lang_attr(str(page_lang)))
    return env


def _card(entry: dict) -> dict:
    """An index card for a page kept from the previous site (its manifest entry)."""
    meta = entry.get("meta") if isinstance(entry.get("meta"), dict) else {}
    try:
        story_meta = StoryMeta(**meta)
    except TypeError:
        story_meta = StoryMeta(title=str(entry.get("slug")))
    return {"meta": story_meta, "page": entry.get("page"), "minutes": int(entry.get("minutes") or 1),
            "figure_count": int(entry.get("figure_count") or 0), "slug": entry["slug"], "unavailable": False}


def _lead_image(staging: Path, slug: str) -> str | None:
    """The site-relative path of a story's lead chart image (``img/<slug>/chart-1.png``) when the
    build wrote one, else ``None`` (the page then has no social image)."""
    rel = f"img/{slug}/chart-1.png"
    return rel if (staging / rel).is_file() else None


def _search_page(env, common: dict) -> str:
    return env.get_template("search.html.j2").render(**common)


def _write_site(out_dir: Path, good: list[_Job], results: dict[str, StoryResult], notebooks_dir: Path,
                kept: list[dict], unavailable: list[StoryResult], config: dict, chart_images,
                inputs: str | None = None, link_targets: dict[str, set[str] | None] | None = None) -> list[str]:
    """Write the site into a staging folder and swap it in; returns notes for the build report
    (what was left out and why). Links to pages not in ``link_targets`` (see :func:`_link_targets`)
    become plain text, and links to headings a page lacks lead to its top (:func:`_page_links`)."""
    import dataclasses

    from frstory.publish.feeds import (FEED_FILE, SITEMAP_FILE, atom_feed, build_search_index,
                                       page_url, pagefind_binary, sitemap)
    from frstory.publish.navigation import neighbours, table_of_contents
    from frstory.publish.sources import page_sources

    notes: list[str] = []
    env = _template_env()
    built_at = _now()
    versions = _installed_versions()
    packages = [("Python", sys.version.split()[0])] + [
        (name, versions[name]) for name in REPORTED_PACKAGES if name in versions
    ]
    search_binary = pagefind_binary()
    common = {
        "site_title": config["title"],
        "site_description": config["description"],
        "base_url": config["base_url"],
        "site_lang": config.get("lang") or "en",
        "frstory_version": __version__,
        "built_at_iso": built_at.isoformat(),
        "built_at_display": _format_time(built_at.isoformat()),
        "git_commit": _git_commit(notebooks_dir if notebooks_dir.is_dir() else Path.cwd()),
        "packages": packages,
        "search": search_binary is not None,
        "feed": FEED_FILE,
    }
    roots = [r for r in (REPO_ROOT, notebooks_dir.resolve().parent) if r is not None]

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_path(out_dir)
    staging.mkdir()
    try:
        (staging / "assets").mkdir()
        (staging / "data").mkdir()
        manifest: list[dict] = []
        cards: list[dict] = []
        for entry in kept:
            # A page this build does not replace: copy its files from the current site.
            for rel in entry["files"]:
                source, target = out_dir / rel, staging / rel
                if ".." in Path(rel).parts or not source.is_file():
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
            manifest.append(entry)
            cards.append(_card(entry))
        built: list[dict] = []
        for job in good:
            record, render = job.frozen  # type: ignore[misc]
            meta = _meta_from_record(job)
            page = f"{job.slug}.html"
            files = [page]
            for figure in render.get("figures", []):
                if figure.get("file"):
                    (staging / "data" / figure["file"]).write_text(
                        _csv_text(figure["columns"], figure["rows"]), encoding="utf-8")
                    files.append(f"data/{figure['file']}")
            prices = _reader_prices(record.get("prices", []))
            names = {p["ticker"]: p["label"] for p in prices if p.get("ticker")}
            reads = []
            for r in record.get("reads", []):
                if str(r.get("kind", "")).startswith("synthetic:"):
                    continue  # made up by frstory, not a data file: the Prices section says so
                if r.get("kind") == "file" and str(r.get("path", "")).endswith(".py"):
                    continue  # a story's own module is code, not data (the build still tracks it for reuse)
                href = _publish_read(r, staging)
                if href:
                    files.append(unquote(href))
                reads.append({"kind": _read_kind(r, names), "file": _display_read_path(r.get("path", ""), roots),
                              "sha256": r.get("file_sha256") or r.get("sha256") or "", "href": href})
            figure_count = len(render.get("figures", []))
            charts = chart_images.page(job.slug, render["body_html"], staging, title=meta.title,
                                       lang=getattr(meta, "lang", ""))
            files += charts.files
            results[job.slug].warnings += charts.warnings
            missing = render.get("missing_data", [])
            story = {
                "meta": meta,
                "page": quote(page),
                "slug": job.slug,
                "parameters": job.parameters,
                "body_html": share_templates(_page_links(charts.body_html, link_targets)[0]
                                             if link_targets is not None else charts.body_html),
                "figure_count": figure_count,
                "minutes": reading_minutes(render.get("words", 0), figure_count),
                "missing_data": bool(missing),
                "missing_series": reader_missing_data(missing),
                "reads": reads,
                "prices": prices,
                "price_reads": any(str(r.get("kind", "")).startswith("prices") for r in record.get("reads", [])),
                "synthetic_prices": any(r.get("kind") == "synthetic:prices" for r in record.get("reads", [])),
                "executed_at": record.get("executed_at", ""),
                "executed_at_display": _format_time(record.get("executed_at", "")),
                "cached": results[job.slug].status == "cached",
                "notebook_name": job.path.name,
                "unavailable": False,
                "toc": table_of_contents(render["body_html"]),
                "sources": page_sources(render.get("figures", []), record.get("reads", []), prices, render["body_html"]),
            }
            built.append(story)
            cards.append(story)
            manifest.append({"slug": job.slug, "page": quote(page), "notebook": job.path.name,
                             "parameters": job.parameters, "meta": dataclasses.asdict(meta),
                             "minutes": story["minutes"], "figure_count": figure_count, "files": sorted(set(files))})
        for failed in unavailable:
            meta = StoryMeta(title=failed.slug or failed.notebook.stem)
            cards.append({"meta": meta, "page": None, "minutes": 0, "figure_count": 0, "slug": failed.slug,
                          "unavailable": True})
        cards.sort(key=lambda c: c["slug"] or "")
        manifest.sort(key=lambda e: e["slug"])
        # Previous/next follow the index's order (real stories, then examples); pages kept from an
        # earlier build keep the links they were written with.
        readable = [c for c in cards if not c["unavailable"] and not c["meta"].synthetic] + \
                   [c for c in cards if not c["unavailable"] and c["meta"].synthetic]
        for story in built:
            at = next(i for i, c in enumerate(readable) if c is story)
            previous, following = neighbours(readable, at)
            image = _lead_image(staging, story["slug"])
            page_common = {**common, "canonical": page_url(config["base_url"], story["page"])
                           if config["base_url"] else ""}
            html_text = env.get_template("story.html.j2").render(
                story=story, previous=previous, following=following,
                social_image=page_url(config["base_url"], image) if image else "", **page_common)
            (staging / unquote(story["page"])).write_text(html_text, encoding="utf-8")
        (staging / "index.html").write_text(env.get_template("index.html.j2").render(stories=cards, **common),
                                            encoding="utf-8")
        if any(c["figure_count"] for c in cards):
            shutil.copyfile(plotly_js_path(), staging / "assets" / "plotly.min.js")
        for name in ("frstory.css", "frstory-search.js"):
            shutil.copyfile(TEMPLATES_DIR / "assets" / name, staging / "assets" / name)
        (staging / "assets" / "frstory.js").write_text(page_script(), encoding="utf-8")
        (staging / FEED_FILE).write_bytes(atom_feed(
            cards, site_title=config["title"], site_description=config["description"],
            base_url=config["base_url"], built_at=built_at, site_lang=config.get("lang") or "en"))
        if config["base_url"]:
            pages = ["index.html"] + [c["page"] for c in readable]
            (staging / SITEMAP_FILE).write_text(sitemap(pages, config["base_url"], built_at), encoding="utf-8")
        else:
            notes.append(f"no {SITEMAP_FILE}: a sitemap needs absolute addresses; give the site's address with "
                         "--base-url URL (or base_url in frstory.toml)")
            if any(str(rel).startswith("embed/") for entry in manifest for rel in entry.get("files") or []):
                notes.append("no embed code on the charts (their embeddable pages are linked): an embed code "
                             "pasted into another site needs the chart's absolute address; give the site's "
                             "address with --base-url URL (or base_url in frstory.toml)")
        if search_binary is not None:
            (staging / "search.html").write_text(_search_page(env, common), encoding="utf-8")
            problem = build_search_index(staging, search_binary)
            if problem:
                raise BuildError(f"the search index could not be built: {problem}; "
                                 "reinstall it with pip install 'pagefind[extended]'")
        else:
            notes.append("no search: the Pagefind binary is not installed (pip install 'pagefind[extended]')")
        if not config.get("title_given", True):
            notes.append(f"the site is called {config['title']!r}, frstory's default, on every page: give it the name "
                         "readers should see with title = \"...\" in frstory.toml")
        marker = {"generator": f"frstory {__version__}", "built_at": built_at.isoformat(), "stories": manifest}
        if inputs is not None and not _left_something_out(results, good):
            marker["inputs"] = inputs  # lets an unchanged rebuild leave this site as it is
            marker["notes"] = notes  # and say again what it left out
        (staging / SITE_MARKER).write_text(
            json.dumps(marker, indent=1, sort_keys=True) + "\n",
            encoding="utf-8")
        swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return notes


def _read_kind(read: dict, names: dict[str, str] | None = None) -> str:
    """What a read file was, for readers: "opened by the notebook", "events", "prices of S&P 500"."""
    kind = str(read.get("kind", ""))
    if kind == "file":
        return "opened by the notebook"
    if kind == "image":
        return "image shown on the page"
    what, _, ticker = kind.partition(":")
    if what == "prices" and ticker:
        return f"prices of {(names or {}).get(ticker) or read.get('name') or ticker}"
    return kind


def site_config(project_root: Path) -> dict:
    """Site title, description, base URL and language from the project's configuration.

    Read from ``frstory.toml`` at the project root (top-level keys), else from
    ``[tool.frstory]`` in its ``pyproject.toml``; every key is optional::

        title = "The Data Desk"
        description = "Stories from the data, every number traceable to its source."
        base_url = "https://example.org/stories/"
        lang = "fr"  # what the title, description and stories are written in (BCP 47); default English

    Raises
    ------
    BuildError
        For a file that is not TOML, a value that is not text, a base URL that is not http(s), or a
        language that is not a BCP 47 tag.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> site_config(pathlib.Path(tempfile.mkdtemp()))["title"]
    'frstory'
    """
    import tomllib

    config = {"title": SITE_TITLE, "description": SITE_DESCRIPTION, "base_url": "", "lang": ""}
    frstory_toml, pyproject = project_root / "frstory.toml", project_root / "pyproject.toml"
    source, table = None, {}
    try:
        if frstory_toml.is_file():
            source, table = frstory_toml, tomllib.loads(frstory_toml.read_text(encoding="utf-8"))
        elif pyproject.is_file():
            source = pyproject
            table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("frstory", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BuildError(f"{source.name if source else 'site configuration'}: cannot read it ({exc}); "
                         "fix the TOML syntax") from None
    if not isinstance(table, dict):
        table = {}
    for key in ("title", "description", "base_url", "lang"):
        if key in table:
            value = table[key]
            if not isinstance(value, str):
                raise BuildError(f"{source.name}: {key} = {value!r} must be text in quotes")
            config[key] = value.strip()
    if config["base_url"]:
        config["base_url"] = checked_base_url(config["base_url"], f"{source.name}: base_url")
    config["lang"] = checked_lang(config["lang"], f"{source.name if source else 'site configuration'}: lang", "site")
    # Readers see the site's name on every page: a project that never named its site is reminded.
    config["title_given"] = bool(table.get("title"))
    return config


def checked_base_url(url: str, what: str = "base_url") -> str:
    """A site address as pages link to it: http(s), no spaces or quotes, ending in ``/``.

    Raises
    ------
    BuildError
        When ``url`` is not an absolute http(s) address.

    Examples
    --------
    >>> checked_base_url("https://example.org/stories")
    'https://example.org/stories/'
    """
    url = url.strip()
    if not re.match(r"^https?://[^\s<>\"'`/]+(/[^\s<>\"'`]*)?$", url) or "?" in url or "#" in url:
        raise BuildError(f"{what} {url!r} must start with http:// or https:// and be the site's address, "
                         "without spaces, quotes, ? or #, e.g. https://example.org/stories/")
    return url if url.endswith("/") else url + "/"

