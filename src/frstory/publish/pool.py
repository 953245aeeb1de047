"""Kernels started ahead of need, so a notebook never waits for its kernel to start.

A build kernel takes about a second to start (a Python process, ipykernel, the audit hook) and
the first cell of a story spends more importing pandas and friends. :class:`KernelPool` starts
the kernel of the next notebook while the others execute or render, so by the time a slot is
free its kernel is already answering.

Every notebook still runs in a fresh interpreter: a warm kernel is handed to exactly one
notebook and killed afterwards, never reused. The only thing a warm kernel has done before
the notebook's first cell is import the libraries of :data:`PREIMPORT` (in the kernel process,
before IPython starts: no variable is defined in the notebook's namespace and execution counts
start at 1), so ``import pandas`` in the first cell finds the module already loaded. On Linux
the kernels are forked from one server process that did those imports once for the whole build
(:mod:`frstory.publish.forkserver`), so a kernel costs a fork instead of an interpreter start-up
plus the imports; elsewhere (or with ``FRSTORY_FORK_KERNELS=0``) each warm kernel is an ordinary
process that imports them itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frstory.publish.execute import KERNEL_NAME, _kernel_manager_class, kernel_env

__all__ = ["PREIMPORT", "WARM", "WarmKernel", "KernelPool"]

#: Third-party libraries a warm kernel imports before it serves a notebook (when installed): the
#: ones stories import in their first cell and frstory's own loaders and charts pull in. Each
#: imports without a warning here (a test checks it), so pre-importing shows nothing a
#: notebook's own import would have shown. frstory's own start-up work is :data:`WARM`.
PREIMPORT: tuple[str, ...] = (
    "numpy",
    "pandas",
    "scipy.stats",
    "plotly.graph_objects",
    "plotly.io",
    "nbformat",  # plotly's first figure display imports it
    "exchange_calendars",  # frstory's trading calendar
)

#: frstory's own start-up work, done ahead as well (``module`` is imported, ``module:function``
#: called): the charts (0.3 s: they register the house templates, leaving plotly's default alone)
#: and the NYSE calendar (0.4 s to build). Neither reads a setting a notebook could change first
#: (frstory reads its data folders when a loader runs, not on import), so a notebook sees what a
#: fresh interpreter would give it, sooner.
WARM: tuple[str, ...] = ("frstory.charts", "frstory.data.calendar:nyse_calendar")


def _last_lines(path: Path, count: int = 5) -> str:
    """The last ``count`` non-empty lines of a log file, joined with " | " ("" when there are none).

    Examples
    --------
    >>> import tempfile
    >>> log = Path(tempfile.mkdtemp()) / "kernel.log"
    >>> _ = log.write_text("starting\\n\\nTraceback (most recent call last):\\nMemoryError\\n")
    >>> _last_lines(log, 2)
    'Traceback (most recent call last): | MemoryError'
    """
    try:
        lines = [line.strip() for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines()]
    except OSError:
        return ""
    return " | ".join([line for line in lines if line][-count:])


#: Kernels started for one notebook before its start counts as failed (see :meth:`KernelPool.start`).
_START_ATTEMPTS = 2


class _KernelDied(RuntimeError):
    """The kernel process exited before it answered (a :class:`RuntimeError`, as before)."""


async def _alive(km: Any) -> bool:
    try:
        return bool(await km.is_alive())
    except Exception:  # noqa: BLE001 - a manager that cannot tell: treat the kernel as gone
        return False


@dataclass
class WarmKernel:
    """A started kernel with open channels, waiting for its notebook."""

    km: Any  # jupyter_client AsyncKernelManager
    kc: Any  # its AsyncKernelClient, channels started
    read_log: Path
    stderr_path: Path
    cwd: Path


class KernelPool:
    """Start build kernels ahead of need; each is used for one notebook, then killed.

    Parameters
    ----------
    kernels_root : Path
        Folder from :func:`frstory.publish.execute.ensure_kernelspec`.
    log_dir : Path
        Where each kernel's read log and stderr file go.
    read_ignore : list of Path, optional
        Folders whose files are never reads (the cache, the site).
    preimport : tuple of str
        Modules each kernel imports before serving (default :data:`PREIMPORT` and :data:`WARM`).
    startup_timeout : float
        Seconds a kernel may take to answer.

    Examples
    --------
    >>> async def run(pool, notebook):  # doctest: +SKIP
    ...     kernel = await pool.start(notebook.parent, notebook.parent.parent)
    ...     outcome = await run_notebook(notebook, kernels_root=root, read_log=None, kernel_log=None,
    ...                                  kernel=kernel)
    ...     await pool.dispose(kernel)
    """

    def __init__(self, kernels_root: Path, log_dir: Path, *, read_ignore: list[Path] | None = None,
                 preimport: tuple[str, ...] = PREIMPORT + WARM, startup_timeout: float = 120, fork: bool | None = None):
        from frstory.publish import forkserver

        self.kernels_root = Path(kernels_root)
        self.log_dir = Path(log_dir)
        self.read_ignore = list(read_ignore or [])
        self.preimport = tuple(preimport)
        self.startup_timeout = startup_timeout
        #: Fork kernels from a server that imported the libraries once (:mod:`frstory.publish.forkserver`).
        self.fork = forkserver.available() if fork is None else fork
        self._numbers = itertools.count(1)
        self._managers: set[Any] = set()  # every kernel started and not yet killed
        self._disposals: set[asyncio.Task] = set()
        self._server: asyncio.subprocess.Process | None = None
        self._server_dir: str | None = None
        self._server_lock = asyncio.Lock()

    async def _fork_server(self, project_root: Path) -> str | None:
        """The fork server's socket, starting the server on first use; ``None`` when it cannot run."""
        import shutil
        import sys
        import tempfile

        from frstory.publish import forkserver

        async with self._server_lock:
            if self._server_dir is not None:
                return str(Path(self._server_dir) / "s") if self._server is not None else None
            # A short folder of its own: a Unix socket's path is limited to about 100 bytes.
            self._server_dir = tempfile.mkdtemp(prefix="frstory-fork-")
            socket_path = str(Path(self._server_dir) / "s")
            forkserver.ensure_forked_kernelspec(self.kernels_root)
            env = kernel_env(self.log_dir / "forkserver.reads.jsonl", project_root, self.read_ignore,
                             preimport=self.preimport)
            self.log_dir.mkdir(parents=True, exist_ok=True)
            try:
                with open(self.log_dir / "forkserver.log", "wb") as log:
                    self._server = await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "frstory.publish.forkserver", "--serve", socket_path, env=env,
                        stdout=asyncio.subprocess.PIPE, stderr=log, stdin=asyncio.subprocess.DEVNULL)
                line = await asyncio.wait_for(self._server.stdout.readline(), self.startup_timeout)
                if line.strip() != b"ready":
                    raise RuntimeError("the fork server did not start")
            except Exception:  # no fork server: ordinary kernels still work, only slower to start
                if self._server is not None:
                    with contextlib.suppress(ProcessLookupError):
                        self._server.kill()
                    await self._server.wait()
                self._server = None
                shutil.rmtree(self._server_dir, ignore_errors=True)
                return None
            return socket_path

    async def start(self, cwd: Path, project_root: Path) -> WarmKernel:
        """Start a kernel in ``cwd`` logging reads under ``project_root``; return it once it answers.

        A kernel that dies before it answers is replaced once: on a loaded machine a kernel
        process now and then exits while starting (about one build in 25 here) and the next one
        starts. A second death, or a kernel that does not answer in ``startup_timeout``, fails
        with what the (last) kernel wrote.
        """
        for attempt in range(1, _START_ATTEMPTS + 1):
            try:
                return await self._start_one(cwd, project_root)
            except _KernelDied:
                if attempt == _START_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _start_one(self, cwd: Path, project_root: Path) -> WarmKernel:
        number = next(self._numbers)
        read_log = (self.log_dir / f"kernel-{number}.reads.jsonl").resolve()
        stderr_path = (self.log_dir / f"kernel-{number}.log").resolve()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        read_log.write_text("", encoding="utf-8")
        socket_path = await self._fork_server(project_root) if self.fork else None
        env = kernel_env(read_log, project_root, self.read_ignore, preimport=self.preimport)
        if socket_path is not None:
            from frstory.publish.forkserver import FORKED_KERNEL_NAME, SOCKET_ENV

            env[SOCKET_ENV] = socket_path
        km = _kernel_manager_class(self.kernels_root)(
            kernel_name=FORKED_KERNEL_NAME if socket_path is not None else KERNEL_NAME)
        self._managers.add(km)
        try:
            # The kernel's stdout/stderr (start-up warnings) go to its log file, not the console.
            with open(stderr_path, "wb") as stderr:
                await km.start_kernel(env=env, cwd=str(Path(cwd).resolve()), stdout=stderr, stderr=stderr)
            kc = km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=self.startup_timeout)
            except BaseException:
                kc.stop_channels()
                raise
        except Exception as exc:
            died = not isinstance(exc, (TimeoutError, asyncio.TimeoutError)) and not await _alive(km)
            await self._kill(km)
            # The kernel's log goes with the build's other run logs: say now what it said.
            said = _last_lines(stderr_path)
            error = _KernelDied if died else RuntimeError
            raise error(f"{exc}" + (f"; the kernel wrote: {said}" if said else "")) from exc
        except BaseException:
            await self._kill(km)
            raise
        return WarmKernel(km, kc, read_log, stderr_path, Path(cwd))

    def dispose(self, kernel: WarmKernel) -> None:
        """Kill a kernel whose notebook has finished, in the background (nothing waits for it)."""
        kernel.kc.stop_channels()
        task = asyncio.ensure_future(self._kill(kernel.km))
        self._disposals.add(task)
        task.add_done_callback(self._disposals.discard)

    async def _kill(self, km: Any) -> None:
        self._managers.discard(km)
        # The notebook is finished and its outputs, reads and logs are written: a graceful
        # shutdown would only add a round trip and a wait.
        with contextlib.suppress(Exception):
            if await km.is_alive():
                await km.shutdown_kernel(now=True)
        with contextlib.suppress(Exception):
            await km.cleanup_resources()

    async def close(self) -> None:
        """Kill every kernel still alive (the build ended or was interrupted) and wait for it."""
        await asyncio.gather(*(self._kill(km) for km in list(self._managers)), return_exceptions=True)
        if self._disposals:
            await asyncio.gather(*list(self._disposals), return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(ProcessLookupError):
                self._server.terminate()
            await self._server.wait()
            self._server = None
        if self._server_dir is not None:
            import shutil

            shutil.rmtree(self._server_dir, ignore_errors=True)
