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

A value that is not a ``str`` (a float, NaN, None, a date...) is published the same way, and the
build warns (:func:`value_warning`): house style writes it with a :mod:`frstory.prose` helper.

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
from frstory.publish.freeze import source_text

__all__ = ["INLINE", "InlineExpression", "find_expressions", "value_html", "parse_cell",
           "substitute", "defining_cells", "describe_value", "value_warning", "evaluation_code", "EVAL_MIME"]

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
            source = source_text(cell.get("source", ""))
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


def parse_cell(source: str) -> ast.Module | None:
    """A code cell's Python syntax tree, or ``None`` when it is not Python.

    Examples
    --------
    >>> [type(node).__name__ for node in parse_cell("%matplotlib inline\\nx = 1").body]
    ['Assign']
    >>> parse_cell("x = (") is None
    True
    """
    try:
        return ast.parse(source)
    except SyntaxError:
        # IPython magics make a cell unparsable as Python; drop magic lines and try again.
        try:
            return ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            return None


def _assigned_names(source: str) -> set[str]:
    """Names a code cell binds at its top level (assignments, imports, defs, loops, with)."""
    tree = parse_cell(source)
    if tree is None:
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
            cells.append((index + 1, _assigned_names(source_text(cell.get("source", "")))))
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
            source = source_text(cell.get("source", ""))

            def replace(match: re.Match) -> str:
                expression = match.group(1)
                return value_html(next(it), expression, computing_cell(expression, definitions))

            cell["source"] = INLINE.sub(replace, source)
    return nb


def describe_value(value: object) -> dict | None:
    """Why ``str(value)`` is not fit for a reader, or ``None`` when it is.

    The house style writes every number and date a reader sees with :mod:`frstory.prose`, whose
    helpers return text; so a ``str`` (or a subclass) is taken as written. Anything else is shown
    as ``str(value)`` all the same (a page never breaks over style), and this says what it was:
    ``{"kind": ..., "type": ..., "shown": str(value)}`` with ``kind`` one of ``missing`` (None,
    NaN, NA, NaT), ``number``, ``int``, ``bool``, ``date``, ``duration`` or ``other``.

    Runs in the build's kernel too (:func:`evaluation_code` ships its source), so it imports only
    the standard library and recognises numpy and pandas types without importing them.

    Examples
    --------
    >>> describe_value("5.4%") is None, describe_value(14) is None
    (True, True)
    >>> describe_value(0.12345)
    {'kind': 'number', 'type': 'float', 'shown': '0.12345'}
    >>> describe_value(float("nan"))["kind"], describe_value(None)["kind"], describe_value(1234)["kind"]
    ('missing', 'missing', 'int')
    """
    import datetime
    import numbers

    if isinstance(value, str):
        return None
    cls = type(value)
    module = cls.__module__.split(".")[0]
    type_name = cls.__name__ if module == "builtins" else f"{module}.{cls.__name__}"
    note = {"type": type_name, "shown": str(value)}
    missing = value is None or cls.__name__ in {"NAType", "NaTType"}
    if not missing and (isinstance(value, (numbers.Number, datetime.date, datetime.timedelta)) or (
            module == "numpy" and cls.__name__ in {"datetime64", "timedelta64"})):
        try:
            missing = bool(value != value)  # NaN (and numpy's NaT) is the value unequal to itself
        except (TypeError, ValueError):
            pass
    if missing:
        return {"kind": "missing", **note}
    if isinstance(value, bool) or (module == "numpy" and cls.__name__ in {"bool_", "bool"}):
        return {"kind": "bool", **note}
    if isinstance(value, numbers.Integral):
        # str() of a whole number between -999 and 999 is exactly what prose.number writes (no
        # thousands separator is due, and prose.number writes the same sign), so such a count,
        # rank or offset is in house style as it is; from 1,000 on prose.number adds the
        # separator ("1,234"), which str() leaves out.
        return None if -1000 < value < 1000 else {"kind": "int", **note}
    if isinstance(value, numbers.Number):
        return {"kind": "number", **note}
    if isinstance(value, datetime.date) or (module == "numpy" and cls.__name__ == "datetime64") or (
            module == "pandas" and cls.__name__ == "Period"):
        return {"kind": "date", **note}
    if isinstance(value, datetime.timedelta) or (module == "numpy" and cls.__name__ == "timedelta64"):
        return {"kind": "duration", **note}
    return {"kind": "other", **note}


def _is_year(expression: str) -> bool:
    """True for ``something.year``: a calendar year, which house style writes without a separator."""
    try:
        node = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, ast.Attribute) and node.attr == "year"


def value_warning(expression: InlineExpression, note: dict | None) -> str | None:
    """The build's warning for an inline value :func:`describe_value` found unfit, or ``None``.

    The message starts with where the expression is (``cell 4``, numbered as build errors number
    cells); the build puts the notebook in front.

    Examples
    --------
    >>> e = InlineExpression("cell 4", 3, "share")
    >>> print(value_warning(e, describe_value(0.12345)))
    cell 4: `{python} share` gave the float 0.12345, which the page shows as it is; write \
`{python} prose.percent(share)` or prose.number(...) (or another frstory.prose helper)
    >>> value_warning(e, describe_value("12.3%")) is None
    True
    """
    if note is None:
        return None
    kind, code = note.get("kind"), expression.expression
    if kind == "int" and _is_year(code):
        return None
    shown = str(note.get("shown", ""))
    shown = shown if len(shown) <= 60 else shown[:59] + "\u2026"
    gave = f"{expression.where}: `{{python}} {code}` gave "
    if kind == "missing":
        what = "None" if note.get("type") == "NoneType" else f"the {note.get('type')} {shown}"
        return (f"{gave}{what}, so the page shows '{shown}' where a reader expects a value: compute one, or "
                "write the sentence without it when there is none (frstory.prose helpers refuse missing values)")
    what = f"the {note.get('type')} {shown}"
    fixes = {
        "number": f"write `{{python}} prose.percent({code})` or prose.number(...) (or another frstory.prose helper)",
        "int": f"write `{{python}} prose.number({code})`, which adds the thousands separator",
        "bool": "write the words the sentence needs, e.g. `{python} 'yes' if ... else 'no'`",
        "date": f"write `{{python}} prose.date({code})` (or prose.month(...))",
        "duration": f"write `{{python}} prose.plural(({code}).days, 'day')`",
    }
    fix = fixes.get(kind) or "make it text with a frstory.prose helper (prose.join(...) for a list)"
    if kind == "other":
        what = f"a {note.get('type')} ({shown})"
    return f"{gave}{what}, which the page shows as it is; {fix}"


def evaluation_code(expressions: list[str]) -> str:
    """Code for the kernel: evaluate each expression in the user namespace, publish the results.

    Each result is ``{"value": str(result), "note": describe_value(result)}`` or
    ``{"error": "Name: message"}``; the helper leaves no name behind in the namespace.
    """
    import inspect
    import textwrap

    describe = textwrap.indent(inspect.getsource(describe_value), "    ")
    return (
        "def __frstory_inline(expressions):\n"
        "    import IPython\n"
        "    from IPython.display import publish_display_data\n"
        f"{describe}"
        "    namespace = IPython.get_ipython().user_ns\n"
        "    results = []\n"
        "    for expression in expressions:\n"
        "        try:\n"
        "            value = eval(expression, namespace)\n"
        "            shown = str(value)\n"
        "        except BaseException as exc:\n"
        "            results.append({'error': f'{type(exc).__name__}: {exc}'})\n"
        "            continue\n"
        "        try:\n"
        "            note = describe_value(value)\n"
        "        except Exception:  # a style note must never fail a page\n"
        "            note = None\n"
        "        results.append({'value': shown, 'note': note})\n"
        f"    publish_display_data({{{EVAL_MIME!r}: results}})\n"
        f"__frstory_inline({expressions!r})\n"
        "del __frstory_inline\n"
    )
