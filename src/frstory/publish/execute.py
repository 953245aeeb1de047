"""Execute one story notebook in a fresh kernel of *this* Python environment with nbclient.

The kernel is started from a kernelspec written by frstory whose ``argv[0]`` is
``sys.executable``: a ``python3`` kernelspec found elsewhere on the machine (a user-level one
pointing at another interpreter) can never hijack a build. The kernel's environment gets
``FRSTORY_READ_LOG`` (so loaders report what they read) and ``PLOTLY_RENDERER=plotly_mimetype``
(so every figure is stored as its JSON, which the publisher renders itself).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frstory.provenance import READ_LOG_ENV, sha256_file

__all__ = ["KERNEL_NAME", "ensure_kernelspec", "NotebookFailure", "ExecutionOutcome", "execute_notebook"]

KERNEL_NAME = "frstory-python"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
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
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
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

    @property
    def missing_data(self) -> bool:
        """True when the notebook stopped because price data was unavailable."""
        return self.ename == _MISSING_DATA

    def describe(self, notebook_label: str) -> str:
        """``notebooks/02-x.ipynb: cell 7, line 3: KeyError: 'AMZN'`` (+ the source line)."""
        where = []
        if self.cell is not None:
            where.append(f"cell {self.cell}")
        if self.line is not None:
            where.append(f"line {self.line}")
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
    traceback_text = _ANSI.sub("", str(getattr(exc, "traceback", "") or exc))
    line = None
    if cell_index is not None and cell_index < len(nb.cells):
        cell = nb.cells[cell_index]
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                ename, evalue = output.get("ename", ename), output.get("evalue", evalue)
                traceback_text = _ANSI.sub("", "\n".join(output.get("traceback", [])))
        match = _CELL_LINE.search(traceback_text)
        if match:
            line = int(match.group(1))
        lines = cell.source.splitlines()
        source_line = lines[line - 1] if line and 0 < line <= len(lines) else ""
        return NotebookFailure(cell_index + 1, line, source_line, ename, evalue, traceback_text)
    return NotebookFailure(None, None, "", ename, evalue, traceback_text)


async def execute_notebook(
    path: Path,
    *,
    kernels_root: Path,
    read_log: Path,
    kernel_log: Path,
    cell_timeout: float = 600,
    extra_env: dict[str, str] | None = None,
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

    Returns
    -------
    ExecutionOutcome
        The executed notebook, the data reads it logged, its wall time and, on failure, where.

    Examples
    --------
    >>> import asyncio  # doctest: +SKIP
    >>> asyncio.run(execute_notebook(Path("notebooks/01-x.ipynb"), kernels_root=k,
    ...     read_log=Path("reads.jsonl"), kernel_log=Path("kernel.log"))).failure  # doctest: +SKIP
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    start = time.perf_counter()
    # The kernel runs in the notebook's folder, so every path handed to it must be absolute.
    read_log, kernel_log = Path(read_log).resolve(), Path(kernel_log).resolve()
    nb = nbformat.read(str(path), as_version=4)
    read_log.parent.mkdir(parents=True, exist_ok=True)
    read_log.write_text("", encoding="utf-8")
    env = dict(os.environ)
    env.update(
        {
            READ_LOG_ENV: str(read_log),
            "PLOTLY_RENDERER": "plotly_mimetype",
            # ipykernel's debugger warns about frozen modules on every start; we never debug builds.
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
    )
    env.update(extra_env or {})
    current: dict[str, int] = {}

    def on_cell_execute(cell, cell_index, **_):
        current["index"] = cell_index

    client = NotebookClient(
        nb,
        timeout=cell_timeout,
        kernel_name=KERNEL_NAME,
        kernel_manager_class=_kernel_manager_class(kernels_root),
        resources={"metadata": {"path": str(path.parent.resolve())}},
        on_cell_execute=on_cell_execute,
        startup_timeout=120,
    )
    failure = None
    kernel_log.parent.mkdir(parents=True, exist_ok=True)
    with open(kernel_log, "wb") as kernel_stderr:
        try:
            await client.async_execute(env=env, stderr=kernel_stderr, stdout=kernel_stderr)
        except CellTimeoutError as exc:
            failure = _failure_from_outputs(nb, current.get("index"), exc)
            failure.ename, failure.evalue = "CellTimeoutError", f"the cell ran longer than {cell_timeout:g} s"
        except DeadKernelError as exc:
            failure = _failure_from_outputs(nb, current.get("index"), exc)
            failure.ename, failure.evalue = "DeadKernelError", "the kernel died (out of memory or crashed)"
        except CellExecutionError as exc:
            failure = _failure_from_outputs(nb, current.get("index"), exc)
        except Exception as exc:  # kernel could not start, ...: still report per notebook
            failure = NotebookFailure(None, None, "", type(exc).__name__, str(exc))
    return ExecutionOutcome(nb, _read_log(read_log), time.perf_counter() - start, failure)


def output_mentions_missing_data(output: dict) -> str | None:
    """The message of a ``PriceDataUnavailable`` shown by an output, or ``None``.

    Notebooks that catch the error and print it (``print(repr(exc))`` or
    ``print(f"PriceDataUnavailable: {exc}")``) or that let a cell tagged ``raises-exception``
    fail with it are recognised.

    Examples
    --------
    >>> output_mentions_missing_data({"output_type": "stream", "text": "PriceDataUnavailable: no AMZN"})
    'PriceDataUnavailable: no AMZN'
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
        return _ANSI.sub("", text).strip()
    return None
