"""Fresh kernels forked from one process that has already imported the heavy libraries.

Starting a build kernel costs a Python start-up, the import of ipykernel and IPython, and then
the notebook's own imports of pandas, scipy, plotly...: on a small machine that is more CPU than
many stories' cells. A *fork server* (as :mod:`multiprocessing`'s ``forkserver`` start method,
or Android's zygote) pays those imports once per build: :func:`serve` imports them, then forks a
child per kernel. A child has run no notebook code; it is a fresh interpreter that finds the
modules of :data:`frstory.publish.pool.PREIMPORT` and ipykernel already in ``sys.modules``, as a
warm kernel does (its namespace is the notebook's own, execution counts start at 1). Every
notebook still gets a kernel of its own, and kernels are never reused.

What is reset in the child so that nothing of the server shows: the working folder, the whole
environment (the kernel's own, with its read log), the signal handlers, numpy's global random
state (re-seeded from the OS as a fresh import would; Python's :mod:`random` re-seeds itself
after a fork) and the audit hook (installed in the child only). What is shared: the string hash
seed (``PYTHONHASHSEED``) of the kernels of one build.

jupyter_client manages a kernel as a process it started, so the kernelspec starts a small
*launcher* (``python -m frstory.publish.forkserver -f CONNECTION_FILE``) that hands its
standard streams, environment and folder to the server, gets the child's pid, forwards signals
(interrupts) to it and exits when it exits; the child exits when its launcher is killed.
Linux only (``os.pidfd_open``); elsewhere the pool starts ordinary kernels.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys
import threading

__all__ = ["FORKED_KERNEL_NAME", "SOCKET_ENV", "available", "ensure_forked_kernelspec", "serve", "launch"]

FORKED_KERNEL_NAME = "frstory-python-forked"
_SERVER_PATH0 = sys.path[0] if sys.path else None  # the server's working folder, as `python -m` set it
SOCKET_ENV = "FRSTORY_FORKSERVER"
_FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def available() -> bool:
    """True where kernels can be forked (Linux: ``fork``, ``pidfd_open``, fd passing).

    Examples
    --------
    >>> isinstance(available(), bool)
    True
    """
    return (sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")
            and os.environ.get("FRSTORY_FORK_KERNELS", "1") != "0")


def ensure_forked_kernelspec(kernels_root) -> str:
    """Write the launcher's kernelspec next to the ordinary one; return its name."""
    from pathlib import Path

    from frstory.publish.freeze import write_atomic

    spec = {
        "argv": [sys.executable, "-m", "frstory.publish.forkserver", "-f", "{connection_file}"],
        "display_name": f"Python {sys.version_info.major}.{sys.version_info.minor} (frstory build, forked)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    path = Path(kernels_root) / FORKED_KERNEL_NAME / "kernel.json"
    text = json.dumps(spec, indent=1)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_atomic(path, text)
    return FORKED_KERNEL_NAME


def _wait_for_exit(pid: int) -> None:
    """Block until process ``pid`` (not necessarily a child) has exited."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        while True:
            ready, _, _ = select.select([fd], [], [])
            if ready:
                return
    finally:
        os.close(fd)


def _child(request: dict, fds: list[int]) -> None:
    """In the forked child: become the kernel the launcher asked for. Never returns."""
    try:
        os.setsid()
        for target, fd in enumerate(fds[:3]):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        for signum in (*_FORWARDED, signal.SIGCHLD, signal.SIGPIPE):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as Python sets it at start-up
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        if sys.path and sys.path[0] == _SERVER_PATH0:
            # `python -m` puts the working folder first on sys.path: the kernel's, not the server's.
            sys.path[0] = os.path.abspath(request["cwd"])
        if "numpy.random" in sys.modules:
            # A fresh `import numpy` seeds its global generator from the OS; a forked copy would
            # otherwise repeat the server's sequence in every notebook.
            sys.modules["numpy.random"].seed()
        launcher = int(request["launcher"])

        def exit_with_launcher() -> None:
            _wait_for_exit(launcher)
            os._exit(1)

        threading.Thread(target=exit_with_launcher, name="frstory-launcher-watch", daemon=True).start()
        sys.argv = [sys.executable, *request["argv"]]
        from frstory.publish import kernel

        kernel.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
        os._exit(code)
    except BaseException:
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def serve(socket_path: str) -> None:
    """Import the heavy libraries, then fork a kernel for each launcher that connects.

    Runs until its parent (the build) exits or it is terminated.
    """
    from frstory.publish.kernel import preimport

    preimport(os.environ.get("FRSTORY_PREIMPORT", ""))
    preimport("ipykernel.kernelapp,ipykernel.ipkernel,IPython")
    parent = os.getppid()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    server.listen(64)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel, not waited for
    print("ready", flush=True)
    while True:
        # Wake up now and then to notice a build that died without stopping us.
        ready, _, _ = select.select([server], [], [], 1.0)
        if os.getppid() != parent:
            os._exit(0)
        if not ready:
            continue
        conn, _ = server.accept()
        with conn:
            fds: list[int] = []
            try:
                message, fds, _, _ = socket.recv_fds(conn, 1 << 16, 8)
                while chunk := conn.recv(1 << 16):  # the launcher closes its side after the request
                    message += chunk
                request = json.loads(message.decode("utf-8"))
            except (OSError, ValueError):
                for fd in fds:
                    os.close(fd)
                continue
            pid = os.fork()
            if pid == 0:
                server.close()
                conn.close()
                _child(request, fds)
            for fd in fds:
                os.close(fd)
            try:
                conn.sendall(str(pid).encode("ascii"))
            except OSError:
                pass


def launch(argv: list[str]) -> int:
    """The launcher a kernelspec starts: ask the server for a kernel and stand in for it."""
    path = os.environ.get(SOCKET_ENV)
    if not path:
        print(f"frstory: {SOCKET_ENV} is not set: this launcher is only started by frstory build", file=sys.stderr)
        return 2
    request = {"argv": argv, "env": dict(os.environ), "cwd": os.getcwd(), "launcher": os.getpid()}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(path)
        socket.send_fds(conn, [json.dumps(request).encode("utf-8")], [0, 1, 2])
        conn.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := conn.recv(64):
            reply += chunk
    pid = int(reply.decode("ascii"))
    for signum in _FORWARDED:
        signal.signal(signum, lambda number, _frame: _forward(pid, number))
    _wait_for_exit(pid)
    return 0


def _forward(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve(sys.argv[2])
    else:
        sys.exit(launch(sys.argv[1:]))
