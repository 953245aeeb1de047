"""Page parameters: ``frstory build NOTEBOOK -p NAME VALUE`` and ``--params FILE.yml``.

Papermill's semantics, so a notebook written for papermill builds unchanged: values are YAML
scalars (``-p year 2020`` is an int, ``-p ticker SYNA`` a string), and a code cell tagged
``injected-parameters`` assigning them is inserted right after the cell tagged ``parameters``.
Papermill itself is not called: its ``execute_notebook`` runs the kernel too, and the publisher
runs its own (with the read log and inline expressions).

Stricter than papermill, because a wrong name would publish a wrong page (the default story under
a page name that promises another): a name the ``parameters`` cell does not assign is refused
(:class:`ParameterError`, "did you mean 'ticker'?"), and so is any parameter for a notebook with
no ``parameters`` cell, where papermill would only warn and inject at the top.
"""

from __future__ import annotations

import ast
import datetime as _dt
import hashlib
import keyword
import re
from pathlib import Path
from typing import Any

from frstory.errors import BuildError, did_you_mean

__all__ = ["parse_value", "read_params_file", "ParameterError", "parameter_names", "check_parameters",
           "inject_parameters", "parameter_slug", "SLUG_SAFE"]

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


class ParameterError(BuildError):
    """A parameter the notebook cannot take: a name its ``parameters`` cell does not assign, or
    any parameter for a notebook without a ``parameters`` cell.

    Attributes
    ----------
    cell : int or None
        1-based position of the ``parameters`` cell (Markdown cells count, as in build errors),
        ``None`` when the notebook has none.
    """

    def __init__(self, message: str, cell: int | None):
        super().__init__(message)
        self.cell = cell


def _tags(cell: Any) -> list:
    return list((cell.get("metadata") or {}).get("tags") or [])


INJECTED_TAG = "injected-parameters"


def is_injected(cell: Any) -> bool:
    """Whether ``cell`` is the parameters cell a build injected (not one of the author's cells)."""
    return INJECTED_TAG in _tags(cell)


def parameter_names(nb: Any) -> tuple[int, list[str] | None] | None:
    """The first ``parameters`` cell's position and the names it assigns, or ``None`` without one.

    Names are those of the cell's top-level assignments (``x = 1``, ``a, b = 1, 2``) and
    annotated assignments (``x: int = 1``), in the order written. The names are ``None`` when the
    cell is not Python (its own SyntaxError then fails the build, at that cell).

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("ticker = 'A'  # a default\\nwindow: int = 5\\nx, y = 1, 2")
    >>> cell.metadata["tags"] = ["parameters"]
    >>> parameter_names(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("intro"), cell]))
    (2, ['ticker', 'window', 'x', 'y'])
    >>> parameter_names(nbformat.v4.new_notebook()) is None
    True
    """
    from frstory.publish.freeze import source_text
    from frstory.publish.inline import parse_cell  # one reading of a cell's Python (magics and all)

    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code" and "parameters" in _tags(cell):
            tree = parse_cell(source_text(cell.get("source", "")))
            if tree is None:
                return index + 1, None
            names: list[str] = []
            for node in tree.body:
                targets = node.targets if isinstance(node, ast.Assign) else (
                    [node.target] if isinstance(node, ast.AnnAssign) else [])
                for target in targets:
                    # a, b = ... and [a, *rest] = ... bind every name they list
                    for leaf in ast.walk(target):
                        if isinstance(leaf, ast.Name) and leaf.id not in names:
                            names.append(leaf.id)
            return index + 1, names
    return None


def check_parameters(nb: Any, parameters: dict[str, Any], label: str | None = None) -> None:
    """Refuse parameters ``nb``'s ``parameters`` cell does not assign (see :class:`ParameterError`).

    Parameters
    ----------
    nb : dict or NotebookNode
        The notebook, before parameters are injected.
    parameters : dict
        ``{name: value}`` from ``-p`` and ``--params``.
    label : str, optional
        How the message names the notebook (``notebooks/02-x.ipynb``, followed by the cell); without
        it the message names neither, for a caller that does (a build failure names both).

    Raises
    ------
    ParameterError
        Naming the unknown names, the closest defined name of each and the names the cell defines.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("ticker = 'A'\\nwindow = 5"); cell.metadata["tags"] = ["parameters"]
    >>> check_parameters(nbformat.v4.new_notebook(cells=[cell]), {"tickr": "RWE.DE"}, "notebooks/02-x.ipynb")
    Traceback (most recent call last):
    ...
    frstory.publish.params.ParameterError: notebooks/02-x.ipynb: cell 1: the parameters cell does not define 'tickr' \
(did you mean 'ticker'?), so -p/--params cannot set it; it defines: ticker, window. Fix the name, or give it \
a default in that cell
    """
    if not parameters:
        return
    head = f"{label}: " if label else ""
    found = parameter_names(nb)
    given = ", ".join(parameters)
    if found is None:
        raise ParameterError(
            f"{head}-p/--params give {given}, but the notebook has no cell tagged 'parameters' for them to "
            "replace, so the page would show the story with its own values under a name that promises others. "
            "Fix: tag the cell that assigns the defaults 'parameters' (in a jupytext .py file: "
            "# %% tags=[\"parameters\"]; in Jupyter: the cell's Tags)", None)
    cell, names = found
    if names is None:
        return  # not Python: that cell's own SyntaxError fails the build, with its line
    unknown = [name for name in parameters if name not in names]
    if not unknown:
        return
    described = []
    for name in unknown:
        described.append(f"{name!r}" + did_you_mean(name, names))
    defines = ", ".join(names) if names else "no names"
    where = f"{label}: cell {cell}: " if label else ""
    raise ParameterError(
        f"{where}the parameters cell does not define {' or '.join(described)}, so -p/--params cannot set "
        f"{'it' if len(unknown) == 1 else 'them'}; it defines: {defines}. Fix the name, or give "
        f"{'it' if len(unknown) == 1 else 'them'} a default in that cell", cell)


def inject_parameters(nb: Any, parameters: dict[str, Any]) -> Any:
    """Insert papermill's ``injected-parameters`` cell into ``nb`` (in place) and return it.

    An existing injected cell (a notebook saved from a papermill run) is replaced.

    Raises
    ------
    ParameterError
        When the ``parameters`` cell does not assign a name given (:func:`check_parameters`), or
        there is no such cell.

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
    cell.metadata["tags"] = [INJECTED_TAG]
    nb.cells = [c for c in nb.cells if not is_injected(c)]
    check_parameters(nb, parameters)
    position, _ = parameter_names(nb)  # 1-based: the injected cell goes right after it
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
