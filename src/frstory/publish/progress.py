"""Build progress a person can follow: per notebook and per cell.

On a terminal, a live `rich <https://rich.readthedocs.io>`_ display shows one bar per executing
notebook (its code cells) under the build's log lines. When stderr is not a terminal (CI, a log
file, a pipe) the same events are plain lines, one per event, that read well in a log.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

__all__ = ["Progress", "PlainProgress", "RichProgress", "make_progress"]


class Progress:
    """The events a build reports. This base class reports nothing."""

    def line(self, text: str) -> None:
        """A log line (``cached  notebooks/01-x.ipynb``, warnings, the summary)."""

    def notebook_started(self, label: str, reason: str | None) -> None:
        """A kernel started executing ``label``."""

    def cell(self, label: str, number: int, total: int) -> None:
        """Code cell ``number`` of ``total`` of ``label`` started."""

    def notebook_finished(self, label: str, ok: bool, seconds: float) -> None:
        """``label`` finished executing (``ok`` False when it failed)."""

    def close(self) -> None:
        """The build is over: stop any live display."""


class PlainProgress(Progress):
    """One plain line per event, to ``write`` (default: stderr).

    Examples
    --------
    >>> lines = []; p = PlainProgress(lines.append)
    >>> p.notebook_started("nb.ipynb", "forced"); p.cell("nb.ipynb", 1, 2)
    >>> lines
    ['  executing  nb.ipynb (forced)', '             nb.ipynb: cell 1 of 2']
    """

    def __init__(self, write: Callable[[str], None] | None = None):
        self.write = write or (lambda text: print(text, file=sys.stderr, flush=True))

    def line(self, text: str) -> None:
        self.write(text)

    def notebook_started(self, label: str, reason: str | None) -> None:
        self.write(f"  executing  {label}" + (f" ({reason})" if reason else ""))

    def cell(self, label: str, number: int, total: int) -> None:
        self.write(f"             {label}: cell {number} of {total}")

    def notebook_finished(self, label: str, ok: bool, seconds: float) -> None:
        self.write(f"  {'done  ' if ok else 'FAILED'}     {label} {'in' if ok else 'after'} {seconds:.1f} s")


class RichProgress(Progress):
    """A live rich display on stderr: a bar per executing notebook, log lines above it."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as _Bars, TextColumn, TimeElapsedColumn

        self.console = Console(stderr=True, highlight=False)
        self.bars = _Bars(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("cells"), TimeElapsedColumn(), console=self.console, transient=True)
        self.tasks: dict[str, int] = {}
        self.bars.start()

    def line(self, text: str) -> None:
        self.console.print(text, markup=False)

    def notebook_started(self, label: str, reason: str | None) -> None:
        self.console.print(f"  executing  {label}" + (f" ({reason})" if reason else ""), markup=False)
        self.tasks[label] = self.bars.add_task(label, total=None)

    def cell(self, label: str, number: int, total: int) -> None:
        task = self.tasks.get(label)
        if task is not None:
            self.bars.update(task, total=total, completed=number - 1)

    def notebook_finished(self, label: str, ok: bool, seconds: float) -> None:
        task = self.tasks.pop(label, None)
        if task is not None:
            self.bars.remove_task(task)
        self.line(f"  {'done  ' if ok else 'FAILED'}     {label} {'in' if ok else 'after'} {seconds:.1f} s")

    def close(self) -> None:
        self.bars.stop()


def make_progress(progress: Callable[[str], None] | Progress | str | None) -> Progress:
    """The reporter for ``build(progress=...)``.

    ``"auto"``: rich on a terminal, plain lines otherwise; a callable receives plain lines;
    ``None``: silence; a :class:`Progress` is used as is.

    Examples
    --------
    >>> type(make_progress(None)).__name__, type(make_progress(print)).__name__
    ('Progress', 'PlainProgress')
    """
    if progress is None:
        return Progress()
    if isinstance(progress, Progress):
        return progress
    if progress == "auto":
        if sys.stderr.isatty():
            try:
                return RichProgress()
            except ImportError:  # rich missing from a hand-made environment: plain lines still work
                pass
        return PlainProgress()
    return PlainProgress(progress)  # type: ignore[arg-type]
