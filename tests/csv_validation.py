"""Helpers for the specifications of the curated-CSV loaders (events, claims); no tests here.

The files they write are synthetic: rows defined in the test modules, never real data.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path


def write_rows(path: Path, rows: Sequence[dict], edits: dict[int, dict] | None, columns: Sequence[str]) -> Path:
    """Write ``rows`` as CSV (row i is on line i + 2), with ``edits[i]`` applied to row i."""
    rows = [dict(r) for r in rows]
    for index, changes in (edits or {}).items():
        rows[index].update(changes)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def assert_reported(error, path, *, line, column, value, fix):
    """The message and ``.problems`` name the file, line, column, bad value and the fix."""
    matches = [p for p in error.problems if p["line"] == line and p["column"] == column]
    assert matches, f"no problem reported at line {line}, column {column!r}: {error.problems}"
    found = matches[0]
    assert found["file"] == str(path)
    assert found["value"] == value
    assert fix in found["fix"]
    text = str(error)
    shown = "(empty)" if value is None else repr(value)
    assert f"{path}, line {line}, column '{column}': {shown} {found['message']}." in text
    assert f"Fix: {found['fix']}" in text
    return found
