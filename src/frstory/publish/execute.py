"""Execute one story notebook in a fresh kernel of *this* Python environment with nbclient.

The kernel is started from a kernelspec written by frstory whose ``argv[0]`` is
``sys.executable``: a ``python3`` kernelspec found elsewhere on the machine (a user-level one
pointing at another interpreter) can never hijack a build. It runs
:mod:`frstory.publish.kernel`, which installs an audit hook logging every project file the
notebook opens. The kernel's environment gets ``FRSTORY_READ_LOG`` (so loaders and the hook
report what was read) and ``PLOTLY_RENDERER=plotly_mimetype`` (so every figure is stored as its
JSON, which the publisher renders itself).

Parameters are injected as papermill does (:mod:`frstory.publish.params`); after the last cell,
the notebook's inline expressions (:mod:`frstory.publish.inline`) are evaluated in the same
kernel and substituted into its Markdown and story metadata.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frstory.provenance import READ_LOG_ENV, sha256_file
from frstory.publish.escaping import ANSI_ESCAPE

__all__ = ["KERNEL_NAME", "ensure_kernelspec", "kernel_env", "NotebookFailure", "ExecutionOutcome",
           "run_notebook", "execute_notebook"]

KERNEL_NAME = "frstory-python"
_CELL_LINE = re.compile(r"Cell In\s*\[\s*\d*\s*\],\s*line (\d+)")
_MISSING_DATA = "PriceDataUnavailable"


def ensure_kernelspec(cache_dir: Path) -> Path:
    """Write (or refresh) the kernelspec of the current interpreter; return the kernels folder.

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> root = ensure_kernelspec(pathlib.Path(tempfile.mkdtemp()))
    >>> json.loads((root / KERNEL_NAME / "kernel.json").read_text())["argv"][0] == sys.executable
    True
    """
    root = Path(cache_dir) / "kernels"
    spec = {
        "argv": [sys.executable, "-m", "frstory.publish.kernel", "-f", "{connection_file}"],
        "display_name": f"Python {sys.version_info.major}.{sys.version_info.minor} (frstory build)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    path = root / KERNEL_NAME / "kernel.json"
    text = json.dumps(spec, indent=1)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        from frstory.publish.freeze import write_atomic

        write_atomic(path, text)
    return root


def kernel_env(read_log: Path, project_root: Path, read_ignore: list[Path] | None = None,
               extra_env: dict[str, str] | None = None, preimport: tuple[str, ...] = ()) -> dict[str, str]:
    """The environment of a build kernel: this process's, plus what the kernel needs to know.

    Parameters
    ----------
    read_log : Path
        Where the kernel logs the files it reads (``FRSTORY_READ_LOG``).
    project_root : Path
        Files opened under this folder are logged as reads.
    read_ignore : list of Path, optional
        Folders under the project whose files are never reads.
    extra_env : dict, optional
        More variables (win over the others).
    preimport : tuple of str
        Modules the kernel imports before it starts serving (``FRSTORY_PREIMPORT``, see
        :mod:`frstory.publish.kernel`).

    Examples
    --------
    >>> kernel_env(Path("reads.jsonl"), Path("project"))["PLOTLY_RENDERER"]
    'plotly_mimetype'
    """
    env = dict(os.environ)
    env.update(
        {
            READ_LOG_ENV: str(Path(read_log).resolve()),
            "FRSTORY_PROJECT_ROOT": str(Path(project_root).resolve()),
            "FRSTORY_READ_IGNORE": os.pathsep.join(str(Path(p).resolve()) for p in (read_ignore or [])),
            "PLOTLY_RENDERER": "plotly_mimetype",
            # ipykernel's debugger warns about frozen modules on every start; we never debug builds.
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "FRSTORY_PREIMPORT": ",".join(preimport),
        }
    )
    env.update(extra_env or {})
    return env


def _kernel_manager_class(kernels_root: Path):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class FrstoryKernelManager(AsyncKernelManager):
        """Finds only frstory's own kernelspec."""

        def __init__(self, **kwargs: Any):
            kwargs.setdefault("kernel_spec_manager", KernelSpecManager(kernel_dirs=[str(kernels_root)]))
            super().__init__(**kwargs)

    return FrstoryKernelManager


@dataclass
class NotebookFailure:
    """Where and why a notebook failed.

    Attributes
    ----------
    cell : int or None
        1-based position of the failing cell in the notebook (Markdown cells count).
    line : int or None
        1-based line in that cell's source.
    source_line : str
        The text of that line.
    ename, evalue : str
        Exception class name and message.
    traceback : str
        Full traceback without colour codes (written to the build log, not the console).
    """

    cell: int | None
    line: int | None
    source_line: str
    ename: str
    evalue: str
    traceback: str = ""
    #: The same line in the notebook's paired jupytext script (``02-x.py`` beside ``02-x.ipynb``),
    #: which is what many authors edit; ``None`` without one, or when the two disagree.
    script_line: int | None = None

    @property
    def missing_data(self) -> bool:
        """True when the notebook stopped because price data was unavailable."""
        return self.ename == _MISSING_DATA

    def describe(self, notebook_label: str) -> str:
        """``notebooks/02-x.ipynb: cell 7, line 3: KeyError: 'SYNA'`` (+ the source line)."""
        where = []
        if self.cell is not None:
            where.append(f"cell {self.cell}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.script_line is not None and notebook_label.endswith(".ipynb"):
            where[-1] += f" ({notebook_label[:-len('.ipynb')]}.py, line {self.script_line})"
        head = f"{notebook_label}: {', '.join(where)}: " if where else f"{notebook_label}: "
        message = f"{head}{self.ename}: {self.evalue}" if self.evalue else f"{head}{self.ename}"
        if self.source_line.strip():
            message += f"\n    {self.line or ''} | {self.source_line.strip()}"
        return message


@dataclass
class ExecutionOutcome:
    """What executing a notebook produced."""

    notebook: Any  # nbformat.NotebookNode with outputs
    reads: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    failure: NotebookFailure | None = None
    #: For a notebook executed elsewhere (a Dask worker): that machine's frstory source and
    #: environment hashes, which the frozen entry then records instead of this machine's.
    source_hash: str | None = None
    environment_hash: str | None = None
    #: What the author should fix though the page was made: inline values published without a
    #: frstory.prose helper (:func:`frstory.publish.inline.value_warning`). Each starts with the
    #: cell ("cell 4: ..."); the caller puts the notebook in front, as for build warnings.
    warnings: list[str] = field(default_factory=list)


def _read_log(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    reads = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        raw = raw.strip()
        if not raw:
            continue
        try:
            entry = json.loads(raw)
        except ValueError:
            continue
        if isinstance(entry, dict):
            reads.append(entry)
    # One entry per (kind, file): a loader may be called twice, and a file a loader reported is
    # not listed again as a plain "file" the audit hook saw.
    by_loader = {e.get("path") for e in reads if e.get("kind") != "file"}
    unique: dict[tuple, dict] = {}
    for entry in reads:
        if entry.get("kind") == "file" and entry.get("path") in by_loader:
            continue
        unique.setdefault((entry.get("kind"), entry.get("path"), entry.get("ticker")), entry)
    reads = list(unique.values())
    hashes: dict[str, str | None] = {}
    for entry in reads:
        path_ = entry.get("path")
        if path_ and path_ not in hashes:
            try:
                hashes[path_] = sha256_file(path_)
            except OSError:
                hashes[path_] = None
        if path_:
            entry["file_sha256"] = hashes[path_]
    return reads


def _failure_from_outputs(nb, cell_index: int | None, exc: BaseException) -> NotebookFailure:
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None)
    if evalue is None:
        evalue = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
    traceback_text = ANSI_ESCAPE.sub("", str(getattr(exc, "traceback", "") or exc))
    line = None
    if cell_index is not None and cell_index < len(nb.cells):
        cell = nb.cells[cell_index]
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                ename, evalue = output.get("ename", ename), output.get("evalue", evalue)
                traceback_text = ANSI_ESCAPE.sub("", "\n".join(output.get("traceback", [])))
        match = _CELL_LINE.search(traceback_text)
        if match:
            line = int(match.group(1))
        lines = cell.source.splitlines()
        source_line = lines[line - 1] if line and 0 < line <= len(lines) else ""
        # Counted as the author's notebook counts its cells: without the injected parameters cell.
        from frstory.publish.params import is_injected

        injected = sum(map(is_injected, nb.cells[:cell_index]))
        return NotebookFailure(cell_index + 1 - injected, line, source_line, ename, evalue, traceback_text)
    return NotebookFailure(None, None, "", ename, evalue, traceback_text)


async def run_notebook(
    path: Path,
    *,
    kernels_root: Path,
    read_log: Path,
    kernel_log: Path,
    cell_timeout: float = 600,
    extra_env: dict[str, str] | None = None,
    parameters: dict[str, Any] | None = None,
    project_root: Path | None = None,
    read_ignore: list[Path] | None = None,
    on_cell: Callable[[int, int], None] | None = None,
    notebook: Any = None,
    kernel: Any = None,
    on_cell_done: Callable[[Any], None] | None = None,
) -> ExecutionOutcome:
    """Run every cell of the notebook at ``path`` in a new kernel; never raises for cell errors.

    Parameters
    ----------
    path : Path
        The ``.ipynb`` file. The kernel's working directory is its folder.
    kernels_root : Path
        Folder from :func:`ensure_kernelspec`.
    read_log : Path
        File passed to the kernel as ``FRSTORY_READ_LOG``; emptied first.
    kernel_log : Path
        Where the kernel process's own stderr goes (start-up warnings), to keep the console clean.
    cell_timeout : float
        Seconds one cell may run before the notebook fails.
    extra_env : dict, optional
        More environment variables for the kernel.
    parameters : dict, optional
        Injected after the ``parameters`` cell (papermill's ``injected-parameters`` cell).
    project_root : Path, optional
        Files opened under this folder are logged as reads (default: the notebook folder's parent).
    read_ignore : list of Path, optional
        Folders under the project whose files are never reads (the cache, the site).
    on_cell : callable, optional
        Called as ``on_cell(number, total)`` before each code cell runs (1-based, code cells only).
    notebook : dict or NotebookNode, optional
        The notebook to run instead of reading ``path`` (which still sets the working folder):
        the build runs exactly the content its freeze key was computed from.
    kernel : frstory.publish.pool.WarmKernel, optional
        A kernel started ahead of need for this notebook (:class:`frstory.publish.pool.KernelPool`):
        its own read log and stderr file replace ``read_log`` and ``kernel_log``, and the caller
        disposes of it afterwards. Without it a kernel is started here and shut down after.
    on_cell_done : callable, optional
        Called with each cell once it has run without error, its outputs in place (the build
        starts drawing a chart's images then); what it raises is ignored.

    Returns
    -------
    ExecutionOutcome
        The executed notebook (inline expressions substituted), the data reads it logged, its
        wall time and, on failure, where.

    Examples
    --------
    >>> import asyncio  # doctest: +SKIP
    >>> asyncio.run(run_notebook(Path("notebooks/01-x.ipynb"), kernels_root=k,
    ...     read_log=Path("reads.jsonl"), kernel_log=Path("kernel.log"))).failure  # doctest: +SKIP
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    from frstory.publish import inline
    from frstory.publish.params import ParameterError, inject_parameters

    start = time.perf_counter()
    if kernel is not None:
        read_log, kernel_log = kernel.read_log, kernel.stderr_path
    # The kernel runs in the notebook's folder, so every path handed to it must be absolute.
    read_log, kernel_log = Path(read_log).resolve(), Path(kernel_log).resolve()
    if notebook is not None:
        # Parsed from text as nbformat.read does (multi-line sources joined); a copy, so the
        # caller's notebook stays unexecuted.
        nb = nbformat.reads(json.dumps(notebook), as_version=4)
    else:
        nb = nbformat.read(str(path), as_version=4)
    if parameters:
        try:
            inject_parameters(nb, parameters)
        except ParameterError as exc:
            # Refused before any cell runs: the page would be the default story under a name that
            # promises another (a mistyped -p name).
            return ExecutionOutcome(nb, [], time.perf_counter() - start,
                                    NotebookFailure(exc.cell, None, "", "ParameterError", str(exc)))
    if kernel is None:
        read_log.parent.mkdir(parents=True, exist_ok=True)
        read_log.write_text("", encoding="utf-8")
    root = Path(project_root) if project_root is not None else Path(path).resolve().parent.parent
    env = kernel_env(read_log, root, read_ignore, extra_env)
    current: dict[str, int] = {}
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    code_number = {index: n for n, index in enumerate(code_cells, start=1)}

    def on_cell_execute(cell, cell_index, **_):
        current["index"] = cell_index
        if on_cell is not None and cell_index in code_number:
            on_cell(code_number[cell_index], len(code_cells))

    client = NotebookClient(
        nb,
        km=kernel.km if kernel is not None else None,
        timeout=cell_timeout,
        kernel_name=KERNEL_NAME,
        kernel_manager_class=_kernel_manager_class(kernels_root),
        resources={"metadata": {"path": str(path.parent.resolve())}},
        on_cell_execute=on_cell_execute,
        startup_timeout=120,
    )
    if kernel is not None:
        client.kc = kernel.kc  # channels already open and the kernel answered: no start-up wait
    expressions = inline.find_expressions(nb)
    failure = None
    style_notes: list[str] = []
    kernel_log.parent.mkdir(parents=True, exist_ok=True)
    with open(kernel_log, "ab" if kernel is not None else "wb") as kernel_stderr:
        try:
            style_notes = await _execute_with_inline(client, nb, expressions, on_cell_done, env=env,
                                                  stderr=kernel_stderr, stdout=kernel_stderr)
        except CellTimeoutError as exc:
            failure = _failure_from_outputs(nb, current.get("index"), exc)
            failure.ename, failure.evalue = "CellTimeoutError", f"the cell ran longer than {cell_timeout:g} s"
        except DeadKernelError as exc:
            failure = _failure_from_outputs(nb, current.get("index"), exc)
            failure.ename, failure.evalue = "DeadKernelError", "the kernel died (out of memory or crashed)"
        except CellExecutionError as exc:
            failure = _failure_from_outputs(nb, current.get("index"), exc)
        except InlineExpressionError as exc:
            failure = exc.failure
        except Exception as exc:  # kernel could not start, ...: still report per notebook
            failure = NotebookFailure(None, None, "", type(exc).__name__, str(exc))
    if failure is not None and failure.cell is not None:
        from frstory.publish.params import is_injected

        failure.script_line = paired_script_line(path, failure, sum(not is_injected(c) for c in nb.cells))
    return ExecutionOutcome(nb, _read_log(read_log), time.perf_counter() - start, failure,
                            warnings=style_notes if failure is None else [])


_PERCENT_CELL = re.compile(r"^# %%(?:\s|$)")


def paired_script_line(notebook: Path, failure: NotebookFailure, cells: int) -> int | None:
    r"""The line of ``failure`` in the jupytext percent script paired with ``notebook``, if it has one.

    A percent script starts each cell with a ``# %%`` line and keeps a code cell's lines as they
    are, so line ``n`` of cell ``k`` is ``n`` lines below the ``k``-th marker. The answer is given
    only when the script has one marker per cell and that line holds the failing source line: a
    script out of step with its notebook (not synced since an edit) gets no line, not a wrong one.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.py").write_text("# %% [markdown]\n# Title\n\n# %%\nx = 1\ny = x / 0\n")
    >>> paired_script_line(folder / "a.ipynb", NotebookFailure(2, 2, "y = x / 0", "ZeroDivisionError", ""), 2)
    6
    >>> paired_script_line(folder / "a.ipynb", NotebookFailure(2, 2, "y = x / 2", "ZeroDivisionError", ""), 2) is None
    True
    """
    script = Path(notebook).with_suffix(".py")
    if failure.cell is None or failure.line is None or not failure.source_line.strip():
        return None
    try:
        lines = script.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    markers = [number for number, text in enumerate(lines, start=1) if _PERCENT_CELL.match(text)]
    if len(markers) != cells or not 0 < failure.cell <= cells:
        return None
    number = markers[failure.cell - 1] + failure.line
    if number > len(lines) or lines[number - 1].strip() != failure.source_line.strip():
        return None
    return number


class InlineExpressionError(Exception):
    """An inline expression raised; carries the :class:`NotebookFailure` naming it."""

    def __init__(self, failure: NotebookFailure):
        super().__init__(failure.evalue)
        self.failure = failure


async def _execute_with_inline(client, nb, expressions, on_cell_done=None, **kernel_kwargs) -> list[str]:
    """nbclient's ``async_execute``, plus one evaluation of the inline expressions before the
    kernel shuts down (nbclient offers no hook between the last cell and shutdown).

    Returns the warnings about inline values published without a frstory.prose helper."""
    import nbformat

    from frstory.publish import inline

    client.reset_execution_trackers()
    async with client.async_setup_kernel(**kernel_kwargs):
        msg_id = await _ensure_async(client.kc.kernel_info())
        info_msg = await client.async_wait_for_reply(msg_id)
        if info_msg is not None and "language_info" in info_msg["content"]:
            nb.metadata["language_info"] = info_msg["content"]["language_info"]
        for index, cell in enumerate(nb.cells):
            await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
            if on_cell_done is not None and cell.get("cell_type") == "code":
                try:
                    on_cell_done(cell)
                except Exception:  # noqa: BLE001 - a helper's failure must not fail the notebook
                    pass
        if not expressions:
            return []
        probe = nbformat.v4.new_code_cell(inline.evaluation_code([e.expression for e in expressions]))
        # A throw-away cell run after the last one: its index is past the end of the notebook, so
        # it is never part of the page.
        nb.cells.append(probe)
        try:
            await client.async_execute_cell(probe, len(nb.cells) - 1, execution_count=client.code_cells_executed + 1)
        finally:
            nb.cells.pop()
    results = next((o["data"][inline.EVAL_MIME] for o in probe.get("outputs", [])
                    if inline.EVAL_MIME in (o.get("data") or {})), None)
    if not isinstance(results, list) or len(results) != len(expressions):
        raise InlineExpressionError(NotebookFailure(None, None, "", "InlineExpressionError",
                                                    "the inline expressions could not be evaluated"))
    for expression, result in zip(expressions, results):
        if "error" in result:
            ename, _, evalue = str(result["error"]).partition(": ")
            raise InlineExpressionError(NotebookFailure(
                expression.cell + 1 if expression.cell is not None else None, None,
                f"`{{python}} {expression.expression}`", ename,
                f"{evalue} (in the inline expression `{{python}} {expression.expression}` of "
                f"{expression.where})"))
    inline.substitute(nb, [str(r["value"]) for r in results])
    notes = (inline.value_warning(expression, result.get("note")) for expression, result in zip(expressions, results))
    return [note for note in notes if note]


async def _ensure_async(value):
    import inspect

    return await value if inspect.isawaitable(value) else value


def execute_notebook(path: str | os.PathLike, parameters: dict | None = None, *,
                     cell_timeout: float = 600, cache_dir: str | os.PathLike | None = None):
    """Execute a notebook as ``frstory build`` does and return it (no page, no cache).

    Parameters are injected after the ``parameters`` cell (papermill's semantics), every cell
    runs in a fresh frstory kernel, and inline expressions (`` `{python} expr` ``) in Markdown
    cells and in the story's title and dek are evaluated and substituted.

    Parameters
    ----------
    path : path-like
        The ``.ipynb`` file.
    parameters : dict, optional
        ``{name: value}`` to inject.
    cell_timeout : float
        Seconds a single cell may run.
    cache_dir : path-like, optional
        Where the kernelspec and logs go (default: the freeze cache folder).

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook; ``nb.metadata["frstory_build"]["reads"]`` lists the files it read.

    Raises
    ------
    BuildError
        When a cell or an inline expression fails (naming notebook, cell and expression), or a
        parameter is not one the notebook's ``parameters`` cell assigns.

    Examples
    --------
    >>> nb = execute_notebook("notebooks/02-x.ipynb", {"ticker": "SYNA"})  # doctest: +SKIP
    >>> nb.metadata["frstory"]["title"]  # doctest: +SKIP
    """
    import asyncio
    import tempfile

    from frstory.errors import BuildError
    from frstory.publish.freeze import default_cache_dir

    path = Path(path)
    if not path.is_file():
        raise BuildError(f"{path}: no such notebook")
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    kernels_root = ensure_kernelspec(cache)
    with tempfile.TemporaryDirectory(prefix="frstory-exec-") as tmp:
        coro = run_notebook(
            path, kernels_root=kernels_root, read_log=Path(tmp) / "reads.jsonl",
            kernel_log=Path(tmp) / "kernel.log", cell_timeout=cell_timeout, parameters=parameters,
            read_ignore=[cache])
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            outcome = asyncio.run(coro)
        else:  # called from a running event loop (inside Jupyter): run on a loop of its own
            import concurrent.futures

            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                outcome = pool.submit(asyncio.run, coro).result()
    if outcome.failure is not None:
        raise BuildError(outcome.failure.describe(str(path)))
    notes = [f"{path}: {w}" for w in outcome.warnings]
    for note in notes:  # an author calling this in Jupyter sees them under the cell
        warnings.warn(note, UserWarning, stacklevel=2)
    outcome.notebook.metadata["frstory_build"] = {"reads": outcome.reads, "parameters": dict(parameters or {}),
                                                  "warnings": notes}
    return outcome.notebook


def output_mentions_missing_data(output: dict) -> str | None:
    """The message of a ``PriceDataUnavailable`` shown by an output, or ``None``.

    Notebooks that catch the error and print it (``print(repr(exc))`` or
    ``print(f"PriceDataUnavailable: {exc}")``) or that let a cell tagged ``raises-exception``
    fail with it are recognised.

    Examples
    --------
    >>> output_mentions_missing_data({"output_type": "stream", "text": "PriceDataUnavailable: no SYNA"})
    'PriceDataUnavailable: no SYNA'
    """
    kind = output.get("output_type")
    if kind == "error" and output.get("ename") == _MISSING_DATA:
        return str(output.get("evalue", ""))
    if kind == "stream":
        text = output.get("text", "")
    elif kind in {"display_data", "execute_result"}:
        text = (output.get("data") or {}).get("text/plain", "")
    else:
        return None
    text = "".join(text) if isinstance(text, list) else str(text)
    if _MISSING_DATA in text:
        return ANSI_ESCAPE.sub("", text).strip()
    return None
