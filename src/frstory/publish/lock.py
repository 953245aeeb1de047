"""One build at a time per site, and a site swap with no moment in which the site is missing.

* :class:`SiteLock` holds an exclusive ``flock`` on ``.<site>.lock`` beside the site for the
  whole build. The kernel drops the lock when its holder dies, even by ``SIGKILL``, so a crashed
  build never leaves a stale lock behind. A second build waits (saying so) or, with
  ``wait=False``, stops with a message naming the running build.
* :func:`swap_in` makes a fully written staging folder the site with Linux's
  ``renameat2(RENAME_EXCHANGE)``: the old and new folders trade names in one atomic step, so a
  reader (or a crash) sees either the old site or the new one, never none. ``site/`` stays a
  real folder, browsable from ``file://``. Where the exchange is unsupported (another OS or file
  system) two renames are used, with a gap of one system call.
* :func:`remove_leftovers` deletes ``.<site>.building-*`` and ``.<site>.old-*`` folders left by a
  crashed build; it runs while the lock is held, when no other build can own them.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from frstory.errors import BuildError

__all__ = ["SiteLock", "staging_path", "swap_in", "remove_leftovers", "exchange"]

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _lock_path(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.lock"


class SiteLock:
    """Exclusive lock on building the site at ``out_dir`` (a context manager).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with SiteLock(pathlib.Path(tempfile.mkdtemp()) / "site") as lock:
    ...     lock.held
    True
    """

    def __init__(self, out_dir: Path, *, wait: bool = True, say: Callable[[str], None] | None = None):
        self.out_dir = Path(out_dir)
        self.path = _lock_path(self.out_dir)
        self.wait = wait
        self.say = say or (lambda _line: None)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def _holder(self) -> str:
        try:
            pid = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            pid = ""
        return f" (process {pid})" if pid.isdigit() else ""

    def __enter__(self) -> SiteLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self._holder()
                if not self.wait:
                    raise BuildError(
                        f"another frstory build{holder} is writing the site {self.out_dir.name}/; "
                        "wait for it to finish, or run without --no-wait to queue behind it") from None
                self.say(f"waiting: another frstory build{holder} is writing the site {self.out_dir.name}/")
                started = time.monotonic()
                fcntl.flock(fd, fcntl.LOCK_EX)
                self.say(f"the other build finished after {time.monotonic() - started:.1f} s; building")
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            # The lock file stays: deleting it would race with a build about to lock it.
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def staging_path(out_dir: Path) -> Path:
    """A fresh ``.<site>.building-<pid>-<random>`` folder name beside the site."""
    parent = Path(os.path.realpath(out_dir.parent))
    return parent / f".{out_dir.name}.building-{os.getpid()}-{secrets.token_hex(4)}"


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap the names of ``a`` and ``b``; False when the system cannot.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "a").mkdir(); (d / "b").mkdir()
    >>> _ = (d / "a" / "x").write_text("1"); exchange(d / "a", d / "b") and (d / "b" / "x").exists()
    True
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(staging: Path, out_dir: Path) -> None:
    """Make the complete folder ``staging`` the site at ``out_dir`` and delete the old site."""
    if not os.path.lexists(out_dir):
        os.rename(staging, out_dir)
        return
    if exchange(staging, out_dir):
        old = staging  # the exchange left the previous site under the staging name
    else:
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
        os.rename(out_dir, old)
        try:
            os.rename(staging, out_dir)
        except BaseException:
            os.rename(old, out_dir)
            raise
    _remove(old)


def _remove(path: Path) -> None:
    if os.path.islink(path):
        os.unlink(path)  # a site that was a symlink: never delete what it pointed to
    else:
        shutil.rmtree(path, ignore_errors=True)


def remove_leftovers(out_dir: Path) -> list[str]:
    """Delete staging and backup folders of earlier builds of this site; return their names.

    Call only while holding :class:`SiteLock` for ``out_dir``.
    """
    parent = Path(os.path.realpath(out_dir.parent))
    removed = []
    if not parent.is_dir():
        return removed
    for prefix in (f".{out_dir.name}.building-", f".{out_dir.name}.old-"):
        for path in parent.glob(prefix + "*"):
            _remove(path)
            removed.append(path.name)
    return sorted(removed)
