"""``frstory build``: execute story notebooks (in parallel, with the freeze cache) and write the site.

The site is assembled in a temporary folder next to the output and swapped in only when every
notebook succeeded, so readers never see a half-built or partly stale site::

    site/
      index.html              story cards: title, dek, date, reading time
      01-slug.html            one page per notebook
      data/01-slug-fig-1.csv  "Get the data" for every chart with frstory furniture
      assets/plotly.min.js    one shared copy from the installed plotly package
      assets/frstory.css, assets/frstory.js
      .frstory-site           marker: only folders holding it are ever replaced
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import csv
import io
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from frstory import __version__
from frstory.errors import BuildError
from frstory.paths import REPO_ROOT
from frstory.provenance import sha256_file
from frstory.publish.freeze import (
    FrozenEntry,
    default_cache_dir,
    environment_hash,
    notebook_content_hash,
    source_hash,
    stale_reason,
    write_atomic,
)
from frstory.publish.render import TEMPLATES_DIR, StoryMeta, read_story_meta, reading_minutes

__all__ = ["StoryResult", "BuildReport", "build", "default_notebooks_dir", "plotly_js_path", "SITE_MARKER"]

SITE_MARKER = ".frstory-site"
SITE_TITLE = "frstory"
SITE_DESCRIPTION = "Data stories on facial recognition, policy and markets, with every number traceable to its source."
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
        Problems that did not stop the page (e.g. malformed chart data: no CSV).
    """

    notebook: Path
    status: str
    seconds: float = 0.0
    reason: str | None = None
    page: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


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
    fields = ("ticker", "source", "retrieved_at", "yfinance_version", "rows", "first_date", "last_date")

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


def _publish_read(read: dict, staging: Path) -> str | None:
    """Copy a curated data file into ``data/sources/<hash>/`` and return its site-relative href.

    Only a file whose bytes still match the checksum the notebook recorded is published (the
    freeze cache re-executes a notebook whose data changed, so a mismatch means the file changed
    during the build); anything else is listed without a link.
    """
    if read.get("kind") not in PUBLISHED_READ_KINDS:
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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


def _check_output_dir(out_dir: Path) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise BuildError(f"--out {out_dir} is a file: give a folder for the site")
        if any(out_dir.iterdir()) and not (out_dir / SITE_MARKER).is_file():
            raise BuildError(
                f"refusing to replace {out_dir}: it is not empty and not a site built by frstory "
                f"(no {SITE_MARKER} file); choose a new or empty --out folder"
            )


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    """Make ``staging`` the site: old site -> backup, staging -> out, delete backup."""
    backup = None
    if out_dir.exists():
        backup = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
        os.rename(out_dir, backup)
    try:
        os.rename(staging, out_dir)
    except BaseException:
        if backup is not None:
            os.rename(backup, out_dir)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


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
    meta: StoryMeta
    content_hash: str
    entry: FrozenEntry
    reason: str | None
    frozen: tuple[dict, dict] | None


def build(
    notebooks_dir: str | os.PathLike | None = None,
    out_dir: str | os.PathLike | None = None,
    *,
    notebooks: Sequence[str | os.PathLike] | None = None,
    jobs: int | None = None,
    force: bool = False,
    cell_timeout: float = 600,
    cache_dir: str | os.PathLike | None = None,
    progress: Callable[[str], None] | None = _stderr,
) -> BuildReport:
    """Execute the story notebooks and write the static site.

    Parameters
    ----------
    notebooks_dir : path-like, optional
        Folder of story notebooks (only ``*.ipynb``, sorted; jupytext ``.py`` pairs are ignored).
        Default ``<repo>/notebooks``.
    out_dir : path-like, optional
        Site folder, default ``site`` next to ``notebooks_dir``. Replaced as a whole at the end of
        a successful build; a non-empty folder not built by frstory is never replaced.
    notebooks : sequence of path-like, optional
        Build only these notebooks (the site then holds only their pages).
    jobs : int, optional
        Notebooks executed at the same time (one kernel each). Default: number of CPUs.
    force : bool
        Execute every notebook even when its frozen copy is still valid.
    cell_timeout : float
        Seconds a single cell may run.
    cache_dir : path-like, optional
        Freeze cache, default ``<repo>/.frstory-cache``.
    progress : callable or None
        Receives one line per event (default: print to stderr); ``None`` for silence.

    Returns
    -------
    BuildReport
        Per-notebook status (executed / cached), timings, and where the site is.

    Raises
    ------
    BuildError
        When any notebook fails (the message names notebook, cell, line and exception for every
        failure) or the output folder cannot be used. The previous site is left as it was; the
        report is attached as ``error.report``.

    Examples
    --------
    >>> report = build("notebooks", "site", jobs=2)  # doctest: +SKIP
    >>> report.summary()  # doctest: +SKIP
    'built site: 3 stories (1 executed, 2 cached, 0 failed) in 4.2 s'
    """
    started = time.perf_counter()
    say = progress or (lambda _line: None)
    notebooks_dir = Path(notebooks_dir) if notebooks_dir is not None else default_notebooks_dir()
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

    src_hash, env_hash = source_hash(), environment_hash()
    results: dict[Path, StoryResult] = {}
    planned: list[_Job] = []
    for path in paths:
        label = _label(path)
        try:
            nb_json = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(nb_json, dict) or "cells" not in nb_json:
                raise ValueError("no 'cells' list")
            meta = read_story_meta(nb_json, label)
        except (OSError, ValueError) as exc:
            message = f"{label}: not a readable notebook ({exc}); open and re-save it in Jupyter"
            results[path] = StoryResult(path, "failed", error=message)
            continue
        except BuildError as exc:
            results[path] = StoryResult(path, "failed", error=str(exc))
            continue
        content = notebook_content_hash(nb_json)
        entry = FrozenEntry.for_notebook(cache, path)
        frozen = entry.load()
        reason = "forced" if force else stale_reason(frozen[0] if frozen else None, content=content,
                                                      source=src_hash, environment=env_hash)
        planned.append(_Job(path, label, meta, content, entry, reason, None if reason else frozen))

    to_run = [job for job in planned if job.reason]
    say(f"frstory build: {len(paths)} notebook{'s' if len(paths) != 1 else ''}, "
        f"{len(to_run)} to execute, {min(jobs, max(1, len(to_run)))} at a time")
    for job in planned:
        if not job.reason:
            say(f"  cached     {job.label}")
    for path, result in results.items():
        say(f"  FAILED     {result.error}")

    if to_run:
        renders = _run_coroutine(_execute_all(to_run, cache, jobs, cell_timeout, src_hash, env_hash, say))
        for job, (result, frozen) in zip(to_run, renders):
            results[job.path] = result
            job.frozen = frozen
    for job in planned:
        if job.path not in results:
            results[job.path] = StoryResult(job.path, "cached", page=f"{job.path.stem}.html")

    stories = [results[p] for p in paths]
    failures = [s for s in stories if s.status == "failed"]
    if failures:
        report = BuildReport(out_dir, stories, time.perf_counter() - started, published=False)
        say(report.summary())
        error = BuildError(
            f"{len(failures)} of {len(stories)} notebook{'s' if len(stories) != 1 else ''} failed; "
            f"the site at {_label(out_dir)} was left unchanged:\n" + "\n".join(s.error or "" for s in failures)
        )
        error.report = report  # type: ignore[attr-defined]
        raise error

    _write_site(out_dir, planned, results, notebooks_dir)
    report = BuildReport(out_dir, stories, time.perf_counter() - started, published=True)
    for story in stories:
        for warning in story.warnings:
            say(f"  warning    {warning}")
    say(report.summary())
    return report


async def _execute_all(jobs_to_run: list[_Job], cache: Path, jobs: int, cell_timeout: float,
                       src_hash: str, env_hash: str, say: Callable[[str], None]):
    # Import the execution stack here, in the event-loop thread, before the rendering thread
    # starts importing nbconvert: both pull in jupyter_client, and importing one package from two
    # threads at once can expose a half-initialised module.
    import nbclient  # noqa: F401
    import nbformat

    from frstory.publish.execute import ensure_kernelspec, execute_notebook

    kernels_root = ensure_kernelspec(cache)
    semaphore = asyncio.Semaphore(jobs)
    renderer_holder: list = []
    loop = asyncio.get_running_loop()

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
        render = renderer().render(outcome.notebook, job.path.stem, job.meta.title)
        render["content_hash"] = job.content_hash
        record = {
            "notebook": str(job.path.resolve()),
            "content_hash": job.content_hash,
            "source_hash": src_hash,
            "environment_hash": env_hash,
            "reads": outcome.reads,
            "prices": _price_provenance(outcome.reads),
            "executed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "execution_seconds": round(outcome.seconds, 3),
        }
        job.entry.store(record, nbformat.writes(outcome.notebook), render)
        result = StoryResult(job.path, "executed", outcome.seconds, job.reason, page=f"{job.path.stem}.html",
                             warnings=list(render.get("warnings", [])))
        return result, (record, render)

    # Rendering (and the nbconvert import) runs in one worker thread so that it never blocks the
    # event loop: a kernel slot freed by one notebook is taken by the next at once.
    render_pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="frstory-render")
    warm_up = loop.run_in_executor(render_pool, renderer)

    async def one(job: _Job):
        async with semaphore:
            say(f"  executing  {job.label} ({job.reason})")
            logs = cache / "logs"
            outcome = await execute_notebook(
                job.path, kernels_root=kernels_root, read_log=logs / f"{job.path.stem}.reads.jsonl",
                kernel_log=logs / f"{job.path.stem}.kernel.log", cell_timeout=cell_timeout,
            )
        if outcome.failure is not None:
            message = outcome.failure.describe(job.label)
            if not outcome.failure.missing_data and outcome.failure.traceback:
                log = logs / f"{job.path.stem}.error.log"
                write_atomic(log, outcome.failure.traceback)
                message += f"\n    (full traceback: {_label(log)})"
            say(f"  FAILED     {job.label} after {outcome.seconds:.1f} s")
            return StoryResult(job.path, "failed", outcome.seconds, job.reason, error=message), None
        try:
            result, frozen = await loop.run_in_executor(render_pool, finish, job, outcome)
        except Exception as exc:  # a rendering bug must not take the other notebooks down with it
            say(f"  FAILED     {job.label}: could not render")
            message = (f"{job.label}: executed, but rendering its page failed: {type(exc).__name__}: {exc} "
                       "(please report this with the notebook)")
            return StoryResult(job.path, "failed", outcome.seconds, job.reason, error=message), None
        say(f"  done       {job.label} in {outcome.seconds:.1f} s")
        return result, frozen

    try:
        return await asyncio.gather(*(one(job) for job in jobs_to_run))
    finally:
        try:
            await warm_up
        except Exception:  # a broken nbconvert install surfaces when the first render runs
            pass
        render_pool.shutdown(wait=True)


def _format_time(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or "unknown"
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def _template_env():
    """The Jinja environment of the site templates (autoescaping, undefined names are errors)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "site")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def _write_site(out_dir: Path, planned: list[_Job], results: dict[Path, StoryResult], notebooks_dir: Path) -> None:
    env = _template_env()
    built_at = datetime.now(timezone.utc).replace(microsecond=0)
    versions = _installed_versions()
    packages = [("Python", sys.version.split()[0])] + [
        (name, versions[name]) for name in REPORTED_PACKAGES if name in versions
    ]
    common = {
        "site_title": SITE_TITLE,
        "site_description": SITE_DESCRIPTION,
        "frstory_version": __version__,
        "built_at_iso": built_at.isoformat(),
        "built_at_display": _format_time(built_at.isoformat()),
        "git_commit": _git_commit(notebooks_dir if notebooks_dir.is_dir() else Path.cwd()),
        "packages": packages,
    }
    roots = [r for r in (REPO_ROOT, notebooks_dir.resolve().parent) if r is not None]

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(os.path.realpath(out_dir.parent)) / f".{out_dir.name}.building-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        (staging / "assets").mkdir()
        (staging / "data").mkdir()
        stories = []
        for job in planned:
            record, render = job.frozen  # type: ignore[misc]
            page = f"{job.path.stem}.html"
            for figure in render.get("figures", []):
                if figure.get("file"):
                    (staging / "data" / figure["file"]).write_text(
                        _csv_text(figure["columns"], figure["rows"]), encoding="utf-8")
            reads = [
                {"kind": r.get("kind", ""), "file": _display_read_path(r.get("path", ""), roots),
                 "sha256": r.get("file_sha256") or r.get("sha256") or "", "href": _publish_read(r, staging)}
                for r in record.get("reads", [])
            ]
            figure_count = len(render.get("figures", []))
            stories.append({
                "meta": job.meta,
                "page": quote(page),
                "body_html": render["body_html"],
                "figure_count": figure_count,
                "minutes": reading_minutes(render.get("words", 0), figure_count),
                "missing_data": render.get("missing_data", []),
                "reads": reads,
                "prices": record.get("prices", []),
                "price_reads": any(str(r["kind"]).startswith("prices") for r in reads),
                "executed_at": record.get("executed_at", ""),
                "executed_at_display": _format_time(record.get("executed_at", "")),
                "cached": results[job.path].status == "cached",
                "notebook_name": job.path.name,
            })
            html_text = env.get_template("story.html.j2").render(story=stories[-1], **common)
            (staging / page).write_text(html_text, encoding="utf-8")
        (staging / "index.html").write_text(env.get_template("index.html.j2").render(stories=stories, **common),
                                            encoding="utf-8")
        if any(s["figure_count"] for s in stories):
            shutil.copyfile(plotly_js_path(), staging / "assets" / "plotly.min.js")
        for name in ("frstory.css", "frstory.js"):
            shutil.copyfile(TEMPLATES_DIR / "assets" / name, staging / "assets" / name)
        (staging / SITE_MARKER).write_text(
            json.dumps({"generator": f"frstory {__version__}", "built_at": built_at.isoformat()}) + "\n",
            encoding="utf-8")
        _swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
