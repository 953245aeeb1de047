"""Page parameters: ``frstory build NOTEBOOK -p NAME VALUE`` and ``--params FILE.yml``.

Papermill's semantics, so a notebook written for papermill builds unchanged: values are YAML
scalars (``-p year 2020`` is an int, ``-p ticker SYNA`` a string), and a code cell tagged
``injected-parameters`` assigning them is inserted right after the cell tagged ``parameters``
(at the top when there is none). Papermill itself is not called: its ``execute_notebook`` runs
the kernel too, and the publisher runs its own (with the read log and inline expressions).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import keyword
import re
from pathlib import Path
from typing import Any

from frstory.errors import BuildError

__all__ = ["parse_value", "read_params_file", "inject_parameters", "parameter_slug", "SLUG_SAFE"]

SLUG_SAFE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SCALARS = (str, int, float, bool, type(None))


def parse_value(text: str) -> Any:
    """A ``-p`` value read as a YAML scalar, as papermill does; dates stay text.

    Examples
    --------
    >>> parse_value("SYNA"), parse_value("3"), parse_value("0.5"), parse_value("true")
    ('SYNA', 3, 0.5, True)
    >>> parse_value("2020-06-11")
    '2020-06-11'
    """
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(value, (_dt.date, _dt.datetime)):
        return text  # a notebook compares dates as ISO text; a datetime.date would need an import
    if not isinstance(value, _SCALARS):
        return text  # "-p x [1]" means the text "[1]"; lists and mappings go in --params FILE.yml
    return value


def _check_name(name: Any, where: str) -> str:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise BuildError(f"{where}: parameter name {name!r} is not a Python identifier: "
                         "use letters, digits and underscores, e.g. ticker or event_id")
    return name


def _check_value(value: Any, where: str) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_check_value(v, where) for v in value]
    if isinstance(value, dict):
        return {str(k): _check_value(v, where) for k, v in value.items()}
    if not isinstance(value, _SCALARS):
        raise BuildError(f"{where}: value {value!r} is not a string, number, true/false, null, list or mapping")
    return value


def read_params_file(path: str | Path) -> dict[str, Any]:
    """The parameters in a YAML file: a mapping of names to values.

    Raises
    ------
    BuildError
        When the file is missing, is not YAML, or is not a mapping of identifiers.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.yml"; _ = p.write_text("ticker: SYNA\\nwindow: 5\\n")
    >>> read_params_file(p)
    {'ticker': 'SYNA', 'window': 5}
    """
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BuildError(f"--params {path}: cannot read it ({exc.strerror or exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark is not None else str(path)
        raise BuildError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)}); "
                         "write one 'name: value' per line") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BuildError(f"{path}: expected 'name: value' lines (a mapping), found a {type(data).__name__}")
    return {_check_name(k, str(path)): _check_value(v, f"{path}, {k}") for k, v in data.items()}


def inject_parameters(nb: Any, parameters: dict[str, Any]) -> Any:
    """Insert papermill's ``injected-parameters`` cell into ``nb`` (in place) and return it.

    An existing injected cell (a notebook saved from a papermill run) is replaced.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> cell = nbformat.v4.new_code_cell("ticker = 'A'"); cell.metadata["tags"] = ["parameters"]
    >>> nb.cells = [cell]
    >>> inject_parameters(nb, {"ticker": "SYNA"}).cells[1].source
    "# Parameters\\nticker = 'SYNA'\\n"
    """
    import nbformat

    if not parameters:
        return nb
    lines = ["# Parameters"]
    for name, value in parameters.items():
        lines.append(f"{_check_name(name, 'parameters')} = {_check_value(value, name)!r}")
    cell = nbformat.v4.new_code_cell("\n".join(lines) + "\n")
    cell.metadata["tags"] = ["injected-parameters"]

    def tags(c) -> list:
        return list((c.get("metadata") or {}).get("tags") or [])

    nb.cells = [c for c in nb.cells if "injected-parameters" not in tags(c)]
    position = next((i + 1 for i, c in enumerate(nb.cells) if "parameters" in tags(c)), 0)
    nb.cells.insert(position, cell)
    return nb


def parameter_slug(stem: str, parameters: dict[str, Any]) -> str:
    """The page slug for a notebook built with parameters: its stem plus the values, readable.

    Long suffixes are cut and end in a short hash of the parameters, so two sets never share a
    page.

    Examples
    --------
    >>> parameter_slug("02-market", {"ticker": "SYNA", "event_id": "syn-a-pause"})
    '02-market--syna-syn-a-pause'
    >>> parameter_slug("02-market", {})
    '02-market'
    """
    if not parameters:
        return stem
    words = "-".join(str(v) for v in parameters.values())
    suffix = re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-") or "params"
    if len(suffix) > 60:
        digest = hashlib.sha256(repr(sorted(parameters.items())).encode("utf-8")).hexdigest()[:8]
        suffix = suffix[:50].rstrip("-") + "-" + digest
    return f"{stem}--{suffix}"
