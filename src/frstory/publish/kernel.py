"""The build kernel: ipykernel with an audit hook that logs every project file the notebook opens.

frstory's loaders report what they read (:func:`frstory.provenance.record_read`), but a notebook
may also call ``pd.read_csv("mydata.csv")`` or import a module from ``notebooks/story/``. Python's
audit hooks (PEP 578) see every ``open`` (``open()``, ``io.open_code`` used by imports, and
C libraries going through Python's file objects), so this launcher installs one before the kernel
starts and appends each file it sees inside the project to ``FRSTORY_READ_LOG``, as JSON lines
``{"kind": "file", "path": ...}``. The publisher hashes those files for the freeze cache and
lists them in the methods box.

Started by the kernelspec (``python -m frstory.publish.kernel -f CONNECTION_FILE``). Environment:

``FRSTORY_READ_LOG``
    The log file (no hook without it).
``FRSTORY_PROJECT_ROOT``
    Only files under this folder are logged.
``FRSTORY_READ_IGNORE``
    ``os.pathsep``-separated folders never logged (the freeze cache, the site being built).
``FRSTORY_PREIMPORT``
    Comma-separated modules imported before ipykernel starts (a kernel warmed ahead of need,
    :mod:`frstory.publish.pool`). They land in ``sys.modules`` only: the notebook's namespace is
    untouched, so its ``import pandas`` is merely instant.
"""

from __future__ import annotations

import json
import os
import sys
import threading

__all__ = ["install_read_hook", "preimport", "main"]

# Folders of tools, not of data: a file there is never a story's input.
_IGNORED_PARTS = {".git", ".venv", "venv", "site-packages", "dist-packages", ".ipynb_checkpoints",
                  "node_modules", ".frstory-cache"}


def install_read_hook(log_path: str, project_root: str, ignore: list[str] | tuple[str, ...] = ()) -> None:
    """Log (once each) the files under ``project_root`` that this process opens for reading.

    Parameters
    ----------
    log_path : str
        JSON-lines file to append to.
    project_root : str
        Only files under this folder count.
    ignore : sequence of str
        Folders under the root whose files never count.

    Examples
    --------
    A hook lasts as long as its process, so this one runs in a child Python:

    >>> import pathlib, subprocess, sys, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp()); _ = (root / "a.csv").write_text("x\\n1\\n")
    >>> code = (f"from frstory.publish.kernel import install_read_hook as hook; "
    ...         f"hook({str(root / 'log')!r}, {str(root)!r}); open({str(root / 'a.csv')!r}).read()")
    >>> _ = subprocess.run([sys.executable, "-c", code], check=True)
    >>> (root / "log").read_text().count("a.csv")
    1
    """
    root = os.path.realpath(project_root)
    skip = tuple(os.path.realpath(p) + os.sep for p in ignore if p)
    skip += tuple({os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__))) + os.sep  # covered by source_hash
    log_real = os.path.realpath(log_path)
    seen: set[str] = set()
    state = threading.local()
    lock = threading.Lock()

    def wanted(path: str) -> str | None:
        real = os.path.realpath(path)
        if real == log_real or not real.startswith(root + os.sep) or real.startswith(skip + (package,)):
            return None
        parts = real.split(os.sep)
        if "__pycache__" in parts:
            # An import of a module whose bytecode is cached opens only the .pyc: count its source.
            folder = os.path.dirname(os.path.dirname(real))
            real = os.path.join(folder, os.path.basename(real).split(".", 1)[0] + ".py")
            parts = real.split(os.sep)
        if _IGNORED_PARTS.intersection(parts) or not os.path.isfile(real):
            return None
        return real

    def hook(event: str, args: tuple) -> None:
        if event != "open" or getattr(state, "busy", False):
            return
        path, mode = args[0], args[1]
        if isinstance(path, int) or path is None:
            return
        if isinstance(mode, str) and any(c in mode for c in "wax+"):
            return
        if isinstance(mode, int) and mode & (os.O_WRONLY | os.O_RDWR):
            return
        flags = args[2] if len(args) > 2 else 0
        if isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR):
            return
        state.busy = True  # our own open() below would call this hook again
        try:
            path = os.fsdecode(path)
            if not os.path.isabs(path):
                path = os.path.join(os.getcwd(), path)
            real = wanted(path)
            if real is None or real in seen:
                return
            with lock:
                if real in seen:
                    return
                seen.add(real)
                with open(log_real, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"kind": "file", "path": real}) + "\n")
        except Exception:  # an audit hook must never break the notebook's own open()
            pass
        finally:
            state.busy = False

    sys.addaudithook(hook)


def preimport(names: str) -> list[str]:
    """Import the comma-separated modules ``names`` (skipping any that fail); return those done.

    ``module:function`` imports ``module`` and calls its ``function()`` (to build a cached object
    ahead, such as a trading calendar).

    Examples
    --------
    >>> preimport("json, no_such_module_here, functools:cache")
    ['json']
    >>> preimport("os:getpid")
    ['os:getpid']
    """
    import importlib

    done = []
    for name in (n.strip() for n in names.split(",")):
        if not name:
            continue
        module, _, function = name.partition(":")
        try:
            loaded = importlib.import_module(module)
            if function:
                getattr(loaded, function)()
        except Exception:  # not installed, broken or not callable so: the notebook's own call will say so
            continue
        done.append(name)
    return done


def main() -> None:
    """Install the hook (when the publisher asked for it) and run ipykernel."""
    log, root = os.environ.get("FRSTORY_READ_LOG"), os.environ.get("FRSTORY_PROJECT_ROOT")
    if log and root:
        ignore = [p for p in os.environ.get("FRSTORY_READ_IGNORE", "").split(os.pathsep) if p]
        install_read_hook(log, root, ignore)
    preimport(os.environ.get("FRSTORY_PREIMPORT", ""))
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":  # pragma: no cover
    main()
