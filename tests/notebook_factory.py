"""Synthetic notebooks for publisher tests, built in memory (shared by the build and publish specs)."""

from __future__ import annotations

import nbformat


def story_notebook(meta: dict, cells: list) -> nbformat.NotebookNode:
    """A notebook with frstory story metadata ``meta``, the python3 kernelspec and ``cells``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["frstory"] = meta
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = cells
    return nb
