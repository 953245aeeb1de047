"""Inline expressions in Markdown cells: Quarto's `` `{python} expr` `` syntax.

After a notebook's code cells have run, every inline expression is evaluated in the same kernel
(:mod:`frstory.publish.execute` does that) and the code span is replaced by the value, so prose
stays prose: an editor rewrites a sentence without touching Python, and every number in it is
computed.

HTML contract (for the Markdown renderer, its sanitizer and ``frstory.js``)
-----------------------------------------------------------------------------
A value in a Markdown cell becomes this inline HTML inside the Markdown source::

    <span class="fr-value" title="Computed: EXPR (code cell N)" data-fr-cell="N">VALUE</span>

* ``VALUE`` is ``str(result)``, HTML-escaped *and* Markdown-escaped (backslash before every
  ASCII punctuation character Markdown could act on), so data can never inject a link, an
  image, emphasis or a tag: it always shows literally.
* ``EXPR`` is the expression as written (HTML-escaped in the attribute).
* ``N`` is the 1-based position (Markdown cells count, as in build errors) of the last code cell
  that assigns a name the expression uses: the cell a reader opens with "Show code" to see how
  the value was computed. Without such a cell (an expression of literals or built-ins) the
  ``(code cell N)`` part and ``data-fr-cell`` are left out.

The sanitizer must therefore keep ``<span>`` with ``class``, ``title`` and ``data-fr-cell``.
In story metadata (``title`` and ``dek``), values are substituted as plain ``str(result)``: the
site templates escape them.
"""

from __future__ import annotations

import ast
import html
import re
from dataclasses import dataclass
from typing import Any

from frstory.prose.markdown import escape_markdown  # one owner of Markdown escaping

__all__ = ["INLINE", "InlineExpression", "find_expressions", "value_html",
           "substitute", "defining_cells", "EVAL_MIME"]

#: `` `{python} expr` ``: a code span whose text starts with ``{python}``.
INLINE = re.compile(r"(?<!`)`\{python\}[ \t]+([^`\n]+?)[ \t]*`(?!`)")
#: The MIME type the evaluation cell publishes its results under (never shown on a page).
EVAL_MIME = "application/vnd.frstory.inline+json"


@dataclass(frozen=True)
class InlineExpression:
    """One inline expression: where it is and what it says."""

    where: str  # "cell 4" or "metadata title"
    cell: int | None  # 0-based notebook index of its Markdown cell
    expression: str


def find_expressions(nb: Any) -> list[InlineExpression]:
    """Every inline expression of a notebook, in order: story metadata first, then cells.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x is `{python} x + 1`.")])
    >>> [e.expression for e in find_expressions(nb)]
    ['x + 1']
    """
    found: list[InlineExpression] = []
    meta = (nb.get("metadata") or {}).get("frstory") or {}
    if isinstance(meta, dict):
        for key in ("title", "dek"):
            if isinstance(meta.get(key), str):
                found += [InlineExpression(f"metadata frstory.{key}", None, m.group(1))
                          for m in INLINE.finditer(meta[key])]
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            found += [InlineExpression(f"cell {index + 1}", index, m.group(1)) for m in INLINE.finditer(source)]
    return found


def value_html(value: str, expression: str, cell_number: int | None) -> str:
    """The traceable inline HTML for one value (see the module docstring).

    Examples
    --------
    >>> value_html("5.4%", "fall", 3)
    '<span class="fr-value" title="Computed: fall (code cell 3)" data-fr-cell="3">5\\\\.4%</span>'
    """
    title = f"Computed: {expression}" + (f" (code cell {cell_number})" if cell_number else "")
    cell_attr = f' data-fr-cell="{cell_number}"' if cell_number else ""
    return (f'<span class="fr-value" title="{html.escape(title, quote=True)}"{cell_attr}>'
            f"{escape_markdown(value)}</span>")


def _assigned_names(source: str) -> set[str]:
    """Names a code cell binds at its top level (assignments, imports, defs, loops, with)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        # IPython magics make a cell unparsable as Python; drop magic lines and try again.
        try:
            tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def defining_cells(nb: Any) -> list[tuple[int, set[str]]]:
    """``(1-based cell number, names bound)`` of each code cell, in order."""
    cells = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            cells.append((index + 1, _assigned_names("".join(source) if isinstance(source, list) else str(source))))
    return cells


def computing_cell(expression: str, definitions: list[tuple[int, set[str]]]) -> int | None:
    """The last code cell that binds a name ``expression`` uses, or ``None``.

    Examples
    --------
    >>> computing_cell("f'{fall:.1%}'", [(2, {"fall", "x"}), (5, {"y"})])
    2
    """
    try:
        used = {n.id for n in ast.walk(ast.parse(expression, mode="eval")) if isinstance(n, ast.Name)}
    except SyntaxError:
        return None
    hits = [number for number, names in definitions if names & used]
    return hits[-1] if hits else None


def substitute(nb: Any, values: list[str]) -> Any:
    """Replace each inline expression of ``nb`` (in :func:`find_expressions` order) by its value.

    Markdown cells get :func:`value_html`; story metadata gets the plain value.
    """
    expressions = find_expressions(nb)
    if len(values) != len(expressions):
        raise ValueError(f"{len(expressions)} inline expressions but {len(values)} values")
    definitions = defining_cells(nb)
    it = iter(values)
    meta = (nb.get("metadata") or {}).get("frstory") or {}
    if isinstance(meta, dict):
        for key in ("title", "dek"):
            if isinstance(meta.get(key), str):
                meta[key] = INLINE.sub(lambda _m: next(it), meta[key])
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)

            def replace(match: re.Match) -> str:
                expression = match.group(1)
                return value_html(next(it), expression, computing_cell(expression, definitions))

            cell["source"] = INLINE.sub(replace, source)
    return nb


def evaluation_code(expressions: list[str]) -> str:
    """Code for the kernel: evaluate each expression in the user namespace, publish the results.

    Each result is ``{"value": str(result)}`` or ``{"error": "Name: message"}``; the helper leaves
    no name behind in the namespace.
    """
    return (
        "def __frstory_inline(expressions):\n"
        "    import IPython\n"
        "    from IPython.display import publish_display_data\n"
        "    namespace = IPython.get_ipython().user_ns\n"
        "    results = []\n"
        "    for expression in expressions:\n"
        "        try:\n"
        "            results.append({'value': str(eval(expression, namespace))})\n"
        "        except BaseException as exc:\n"
        "            results.append({'error': f'{type(exc).__name__}: {exc}'})\n"
        f"    publish_display_data({{{EVAL_MIME!r}: results}})\n"
        f"__frstory_inline({expressions!r})\n"
        "del __frstory_inline\n"
    )
