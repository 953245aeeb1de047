"""``frstory build --scheduler ADDRESS``: execute notebooks as tasks on a Dask distributed cluster.

Each notebook to execute is one task (:func:`execute_on_worker`): the worker runs it in a fresh
build kernel (:mod:`frstory.publish.execute`, the same code as a local build) and returns the
executed notebook, the data files it read (relative to the project folder, with their SHA-256)
and, on failure, where it failed. Pages are rendered and frozen by the client, in its freeze
cache, which is keyed by content (:mod:`frstory.publish.freeze`): a later local build reuses what
the cluster executed, and a cluster build reuses what a local build executed.

Dask is an optional extra (``pip install 'frstory[dask]'``) and is imported only here.

Workers need frstory and the same environment as the client (else the freeze key's environment
part differs and the client's next local build executes again) and the project: by default at
the path it has on the client, else at ``$FRSTORY_WORKER_PROJECT_ROOT`` on the worker.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from frstory.errors import BuildError

__all__ = ["WORKER_ROOT_ENV", "connect", "execute_on_worker", "execute_on_cluster"]

#: On a worker, where the project (the folder holding ``notebooks/`` and ``data/``) lives when it
#: is not at the client's path.
WORKER_ROOT_ENV = "FRSTORY_WORKER_PROJECT_ROOT"
INSTALL_HINT = "pip install 'frstory[dask]'"


def connect(address: str, timeout: float = 10):
    """A ``distributed.Client`` connected to the scheduler at ``address``.

    Raises
    ------
    BuildError
        When Dask is not installed (naming the extra to install) or the scheduler cannot be
        reached within ``timeout`` seconds (naming the address and how to fix it).

    Examples
    --------
    >>> connect("tcp://127.0.0.1:1", timeout=1)  # doctest: +SKIP
    Traceback (most recent call last):
    frstory.errors.BuildError: cannot reach the Dask scheduler at tcp://127.0.0.1:1 ...
    """
    try:
        from distributed import Client
    except ImportError:
        raise BuildError(f"--scheduler {address}: executing on a Dask cluster needs Dask: {INSTALL_HINT}") from None
    try:
        return Client(address, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BuildError(
            f"cannot reach the Dask scheduler at {address} ({detail}): check the address (e.g. "
            "tcp://scheduler-host:8786), that the scheduler is running (`dask scheduler`) and that this "
            "machine can reach its port; or build locally without --scheduler") from None


def _project_relative(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def execute_on_worker(request: dict) -> dict:
    """Run one notebook on this (worker) machine; the task function of a cluster build.

    Parameters
    ----------
    request : dict
        ``notebook`` (the notebook as JSON, exactly as the client keyed it), ``relpath`` (its
        path inside the project), ``project_root`` (the project folder on the client),
        ``parameters``, ``cell_timeout`` and ``read_ignore`` (project-relative folders whose
        files are not data).

    Returns
    -------
    dict
        ``notebook`` (executed, JSON), ``reads`` (with ``relpath``), ``seconds``, ``failure``
        (``None`` or the fields of :class:`~frstory.publish.execute.NotebookFailure`) and
        ``worker`` (host name).

    Examples
    --------
    >>> execute_on_worker({"notebook": nb, "relpath": "notebooks/01-x.ipynb", "project_root": "/p",
    ...                    "parameters": {}, "cell_timeout": 600, "read_ignore": []})  # doctest: +SKIP
    """
    import dataclasses

    from frstory.paths import price_cache_dir
    from frstory.publish.execute import ensure_kernelspec, run_notebook
    from frstory.publish.freeze import environment_hash, portable_reads, source_hash

    root = Path(os.environ.get(WORKER_ROOT_ENV) or request["project_root"])
    path = root / request["relpath"]
    host = socket.gethostname()
    if not path.parent.is_dir():
        return {"notebook": request["notebook"], "reads": [], "seconds": 0.0, "worker": host, "failure": {
            "cell": None, "line": None, "source_line": "", "ename": "ProjectMissingOnWorker",
            "evalue": (f"worker {host} has no {Path(request['relpath']).parent.as_posix()}/ folder of the project: "
                       f"put the project at the same path on every worker, or set {WORKER_ROOT_ENV} there"),
            "traceback": ""}}
    work = Path(tempfile.mkdtemp(prefix="frstory-worker-"))
    try:
        read_ignore = [root / rel for rel in request.get("read_ignore", [])] + [work, price_cache_dir()]
        outcome = asyncio.run(run_notebook(
            path, kernels_root=ensure_kernelspec(work), read_log=work / "reads.jsonl",
            kernel_log=work / "kernel.log", cell_timeout=request.get("cell_timeout", 600),
            parameters=request.get("parameters") or None, read_ignore=read_ignore, notebook=request["notebook"],
            project_root=root))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        # Plain JSON in the kernel's key order (nbformat.writes would sort the keys, and the page
        # would then differ from a local build's in the order of a figure's JSON).
        "notebook": json.dumps(outcome.notebook),
        "reads": portable_reads(outcome.reads, root),
        "seconds": outcome.seconds,
        "failure": dataclasses.asdict(outcome.failure) if outcome.failure is not None else None,
        "warnings": list(outcome.warnings),
        "worker": host,
        # What the page was really executed with: the client records these, not its own.
        "source_hash": source_hash(),
        "environment_hash": environment_hash(),
    }


def _outcome(result: dict, project_root: Path):
    """The client-side :class:`~frstory.publish.execute.ExecutionOutcome` of a worker's result."""
    import nbformat

    from frstory.publish.execute import ExecutionOutcome, NotebookFailure
    from frstory.publish.freeze import local_reads

    notebook = result["notebook"]
    nb = nbformat.from_dict(json.loads(notebook) if isinstance(notebook, str) else notebook)
    failure = NotebookFailure(**result["failure"]) if result.get("failure") else None
    return ExecutionOutcome(nb, local_reads(result.get("reads", []), project_root), float(result.get("seconds", 0)),
                            failure, result.get("source_hash"), result.get("environment_hash"),
                            warnings=list(result.get("warnings", [])))


def execute_on_cluster(client: Any, jobs: Sequence[Any], cell_timeout: float, read_ignore: Sequence[Path],
                       arrived: Callable[[int, Any], None]) -> None:
    """Submit one task per job through ``client`` (from :func:`connect`, closed at the end); call
    ``arrived(index, outcome)`` for each as soon as it finishes (in completion order; every job
    is reported exactly once)."""
    from frstory.publish.execute import ExecutionOutcome, NotebookFailure

    try:
        from distributed import as_completed

        futures = {}
        for index, job in enumerate(jobs):
            root = job.project_root
            ignore = []
            for folder in read_ignore:
                try:
                    ignore.append(_project_relative(Path(folder), root))
                except ValueError:
                    continue
            request = {"notebook": job.source, "relpath": _project_relative(job.path, root),
                       "project_root": str(root), "parameters": job.parameters, "cell_timeout": cell_timeout,
                       "read_ignore": ignore}
            # pure=False: the same notebook may read different data on a later build.
            future = client.submit(execute_on_worker, request, pure=False, key=f"frstory-{job.slug}-{os.urandom(4).hex()}")
            futures[future] = index
        for future in as_completed(list(futures), loop=client.loop):
            index = futures[future]
            job = jobs[index]
            try:
                outcome = _outcome(future.result(), job.project_root)
            except Exception as exc:  # the task itself failed (e.g. frstory missing on the worker)
                detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                outcome = ExecutionOutcome(None, [], 0.0, NotebookFailure(
                    None, None, "", type(exc).__name__,
                    f"{detail} (the Dask task failed on the worker: workers need frstory installed in the "
                    "same environment as this machine, and the project)"))
            arrived(index, outcome)
    finally:
        client.close()
