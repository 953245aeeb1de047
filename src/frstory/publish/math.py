"""Math on story pages without a CDN: LaTeX becomes MathML at build time (latex2mathml).

Browsers typeset MathML natively (Chromium since version 109, Firefox and Safari long before), so a
page needs no MathJax and no network. Two places hold math:

* Markdown cells and ``text/latex`` outputs (``IPython.display.Math``/``Latex``):
  :func:`latex_to_mathml` (the MathML then passes the page's sanitizer like any other HTML).
  Markdown printed by code is data and is not scanned for math: its "$5 and $6" stay prices.
* Equation numbers run through the page, as Jupyter's MathJax numbers them (``tags: 'ams'``):
  every row of ``align``, ``gather``, ``eqnarray``..., and each ``equation`` and ``multline``, takes
  the next number unless starred or marked ``\\nonumber``/``\\notag``; ``\\tag{x}`` shows ``(x)``.
  A page's formulas are converted in two passes (its outputs' before its Markdown's), so each
  number is written as :data:`EQUATION_NUMBER` and :func:`number_equations` numbers the finished
  page in reading order.
* Plotly figure text: plotly.js typesets ``$...$`` labels only with MathJax, which a page that
  works offline does not have (plotly would show the raw LaTeX). :func:`figure_math_to_text`
  rewrites such labels into plotly's own text subset (Unicode symbols, ``<sup>``, ``<sub>``) from
  the same MathML, so ``$\\alpha_{1c}^2$`` draws as α<sub>1c</sub><sup>2</sup>. Structures that
  subset cannot draw (matrices, large operators with limits) are written linearly, e.g.
  ``(a)/(b)`` for a fraction: readable, not typeset. That trade-off is deliberate: bundling MathJax
  (~2 MB) for a few labels would double the weight of every story page.
"""

from __future__ import annotations

import html
import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

__all__ = ["EQUATION_NUMBER", "equation_mark", "latex_to_mathml", "latex_output_to_mathml", "number_equations",
           "math_to_plotly_text", "figure_math_to_text"]

_MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"
# A plotly string is typeset by plotly.js when it starts and ends with "$" (see plotly.js svg_text_utils).
# Relations and binary operators get spaces around them, as a typesetter would leave.
_SPACED_OPERATORS = frozenset("= + \u2212 \u00b1 \u00d7 \u00f7 \u2264 \u2265 < > \u2248 \u2260 \u2192 \u22c5 \u2261 \u221d".split())
_PLOTLY_MATH = re.compile(r"^\$(.+)\$$", re.DOTALL)
# Display math in a text/latex output: $$...$$, \[...\], \begin{equation}...; else inline $...$.
_LATEX_BLOCK = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\begin\{((?:equation|align|alignat|gather|multline|flalign|eqnarray)"
                          r"\*?)\}(.+?)\\end\{\3\}", re.DOTALL)
_LATEX_INLINE = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$|\\\((.+?)\\\)", re.DOTALL)
# Multi-line environments latex2mathml does not know: it writes their "&" as a letter and joins their
# lines into one (browsers ignore its <mspace linebreak>). Each is written as one it typesets the
# same way: column-aligned rows (align*/align), or an array in display style (eqnarray's
# right-centre-left columns; gather's and multline's centred lines).
_DISPLAY_ARRAY = "{\\displaystyle\\begin{array}"
_ENVIRONMENTS = {
    "eqnarray": (_DISPLAY_ARRAY + "{rcl}", "\\end{array}}"),
    "eqnarray*": (_DISPLAY_ARRAY + "{rcl}", "\\end{array}}"),
    "gather": (_DISPLAY_ARRAY + "{c}", "\\end{array}}"),
    "gather*": (_DISPLAY_ARRAY + "{c}", "\\end{array}}"),
    "gathered": (_DISPLAY_ARRAY + "{c}", "\\end{array}}"),
    "multline": (_DISPLAY_ARRAY + "{c}", "\\end{array}}"),
    "multline*": (_DISPLAY_ARRAY + "{c}", "\\end{array}}"),
    "aligned": ("\\begin{align*}", "\\end{align*}"),
    "alignedat": ("\\begin{align*}", "\\end{align*}"),
    "alignat*": ("\\begin{align*}", "\\end{align*}"),
    "flalign*": ("\\begin{align*}", "\\end{align*}"),
    "alignat": ("\\begin{align}", "\\end{align}"),
    "flalign": ("\\begin{align}", "\\end{align}"),
}
_BEGIN_END = re.compile(r"\\(begin|end)\{(" + "|".join(re.escape(name) for name in _ENVIRONMENTS) + r")\}"
                        r"(\{\d+\})?")
# \label{...} only names an equation for \ref, which a page does not resolve: latex2mathml would print it.
_LABEL = re.compile(r"\\label\{[^{}]*\}")
# Math inside text (\text{for $|q|<1$}), which MathJax typesets and latex2mathml would print as "$".
_TEXT_WITH_MATH = re.compile(r"\\(text|textrm|mbox)\{([^{}]*\$[^{}]*)\}")
# Environments MathJax numbers with tags: 'ams' (their starred forms are unnumbered), and the
# commands that leave a row unnumbered or give it its own tag.
_NUMBERED = ("equation", "align", "alignat", "flalign", "gather", "multline", "eqnarray")
_WHOLE_ENVIRONMENT = re.compile(r"^\\begin\{(" + "|".join(_NUMBERED) + r")(\*?)\}(\{\d+\})?(.*)\\end\{\1\2\}$", re.DOTALL)
_NO_NUMBER = re.compile(r"\\(?:nonumber|notag)(?![A-Za-z])")
_TAG = re.compile(r"\\tag(\*?)\{([^{}]*)\}")
_ROW_LEVEL = re.compile(r"<mtable\b|</mtable>|</mtr>")
#: What an equation number is written as until :func:`number_equations` numbers the page (a
#: character of Unicode's private use area, which no notebook text holds).
EQUATION_NUMBER = "\ue000"
_NUMBER_CELL = "<mtd><mtext>{}</mtext></mtd>"
# The array of a rewritten environment draws its cells in display style, as the environment did.
_DISPLAY_TABLE = '<mstyle displaystyle="true" scriptlevel="0"><mtable>'


def _typesettable(tex: str) -> str:
    r"""``tex`` with what latex2mathml would print literally rewritten into what it typesets.

    Examples
    --------
    >>> _typesettable(r"\begin{aligned} a &= 1 \label{one} \end{aligned}")
    '\\begin{align*} a &= 1  \\end{align*}'
    >>> _typesettable(r"\text{for $|q|<1$}")
    '\\text{for }{|q|<1}\\text{}'
    """
    def environment(match: re.Match) -> str:
        begin, end = _ENVIRONMENTS[match.group(2)]
        # Only alignat's {n} (its number of column pairs) is an argument; any other "{...}" is content.
        argument = "" if match.group(2).rstrip("*") in {"alignat", "alignedat"} else match.group(3) or ""
        return (begin if match.group(1) == "begin" else end) + argument

    def text(match: re.Match) -> str:
        pieces = match.group(2).split("$")
        if len(pieces) % 2 == 0:  # an odd "$": a dollar sign, not math
            return match.group(0)
        return "".join(f"\\{match.group(1)}{{{p}}}" if i % 2 == 0 else f"{{{p}}}" for i, p in enumerate(pieces))

    tex = _TEXT_WITH_MATH.sub(text, _LABEL.sub("", tex))
    return _BEGIN_END.sub(environment, tex)


def _top_level_rows(body: str) -> list[str]:
    r"""The rows of an environment's body: split at each ``\\`` outside braces and inner environments.

    Examples
    --------
    >>> for row in _top_level_rows(r"a &= 1 \\ b &= \begin{matrix} 1 \\ 2 \end{matrix} \\ c_{\\}"):
    ...     print(row.strip())
    a &= 1
    b &= \begin{matrix} 1 \\ 2 \end{matrix}
    c_{\\}
    """
    rows, braces, inner, start, i = [], 0, 0, 0, 0
    while i < len(body):
        if body[i] == "\\":
            if body.startswith("\\\\", i) and braces == 0 and inner == 0:
                rows.append(body[start:i])
                start = i = i + 2
                continue
            inner += body.startswith("\\begin{", i) - body.startswith("\\end{", i)
            i += 2  # a command's first letter, or an escaped brace
            continue
        braces += (body[i] == "{") - (body[i] == "}")
        i += 1
    rows.append(body[start:])
    return rows


def _row_label(row: str, numbered: bool, number: Callable[[], str]) -> tuple[str, str | None]:
    """A row without its ``\\tag``/``\\nonumber``, and the label it shows (``None``: none)."""
    tag = _TAG.search(row)
    plain = _NO_NUMBER.sub("", _TAG.sub("", row))
    if tag:
        return plain, html.escape(tag.group(2) if tag.group(1) else f"({tag.group(2)})")
    if _NO_NUMBER.search(row) or not numbered:
        return plain, None
    return plain, number()


def _label_rows(markup: str, labels: list[str | None]) -> str:
    """MathML with each row of its outermost table followed by a cell holding its label, if any."""
    out, last, depth, row = [], 0, 0, 0
    for match in _ROW_LEVEL.finditer(markup):
        token = match.group(0)
        if token.startswith("<mtable"):
            depth += 1
        elif token == "</mtable>":
            depth -= 1
        elif depth == 1:
            if row < len(labels) and labels[row] is not None:
                out += [markup[last:match.start()], _NUMBER_CELL.format(labels[row])]
                last = match.start()
            row += 1
    return "".join(out) + markup[last:]


def _numbered_mathml(tex: str, number: Callable[[], str]) -> str | None:
    """MathML for ``tex`` when it is one numbered environment (numbers from ``number()``), else ``None``."""
    match = _WHOLE_ENVIRONMENT.match(tex)
    if match is None:
        return None
    name, star, argument, body = match.groups()
    if f"\\end{{{name}{star}}}" in body:
        return None  # two environments side by side, not one: converted as written
    numbered = not star
    if name == "equation" or name == "multline":
        # One number for the whole; multline shows it on its last line.
        plain, label = _row_label(body, numbered, number)
        if name == "equation":
            markup = _convert(plain, display=True)
            if label is None or not markup.startswith("<math"):
                return markup
            head, inner = markup.split(">", 1)
            return (f'{head}><mtable displaystyle="true"><mtr><mtd>{inner[:-len("</math>")]}</mtd>'
                    f"{_NUMBER_CELL.format(label)}</mtr></mtable></math>")
        rows = _top_level_rows(plain)
        labels = [None] * (len(rows) - 1) + [label]
    else:
        rows, labels = [], []
        for row in _top_level_rows(body):
            plain, label = _row_label(row, numbered, number)
            rows.append(plain)
            labels.append(label)
        while len(rows) > 1 and not rows[-1].strip():  # a closing "\\" adds no line
            rows.pop()
            labels.pop()
    markup = _convert(f"\\begin{{{name}*}}{argument or ''}" + "\\\\".join(rows) + f"\\end{{{name}*}}", display=True)
    return _label_rows(markup, labels) if markup.startswith("<math") else markup


def _convert(tex: str, *, display: bool) -> str:
    from latex2mathml.converter import convert

    try:
        markup = convert(_typesettable(tex.strip()), display="block" if display else "inline")
        return markup.replace(_DISPLAY_TABLE, _DISPLAY_TABLE[:-1] + ' displaystyle="true">')
    except Exception:  # latex2mathml raises many types for unsupported commands; show the source instead
        return f'<code class="fr-math-error">{html.escape(tex)}</code>'


def _numbers_from_one() -> Callable[[], str]:
    """Labels (1), (2), ... for a formula numbered on its own."""
    count = itertools.count(1)
    return lambda: f"({next(count)})"


def equation_mark() -> str:
    """The label of a page's numbered equation until :func:`number_equations` numbers the page.

    Examples
    --------
    >>> number_equations(latex_to_mathml(r"\\begin{equation} x \\end{equation}", display=True, number=equation_mark)).count("(1)")
    1
    """
    return EQUATION_NUMBER


def number_equations(markup: str, start: int = 1) -> str:
    """``markup`` with each :data:`EQUATION_NUMBER` replaced by the next number, in reading order.

    Examples
    --------
    >>> number_equations(f"<mtext>{EQUATION_NUMBER}</mtext> <mtext>{EQUATION_NUMBER}</mtext>")
    '<mtext>(1)</mtext> <mtext>(2)</mtext>'
    """
    count = itertools.count(start)
    return re.sub(EQUATION_NUMBER, lambda _: f"({next(count)})", markup)


def latex_to_mathml(tex: str, *, display: bool = False, number: Callable[[], str] | None = None) -> str:
    """MathML for a LaTeX formula, or the formula as escaped code when it cannot be converted.

    Parameters
    ----------
    tex : str
        The formula without its ``$`` delimiters.
    display : bool
        Block (display) math rather than inline math.
    number : callable, optional
        Gives the label of each numbered equation (:func:`equation_mark` for a page numbered by
        :func:`number_equations`); by default the formula's equations are numbered from (1).

    Returns
    -------
    str
        ``<math>...</math>`` markup (not yet sanitized: it goes through the page's sanitizer), or
        ``<code class="fr-math-error">...</code>`` holding the escaped LaTeX.

    Examples
    --------
    >>> latex_to_mathml("x^2")
    '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow></math>'
    >>> import re
    >>> re.findall(r"<mtext>([^<]*)</mtext>", latex_to_mathml(r"\\begin{align} a &= 1 \\\\ b &= 2 \\tag{*} \\end{align}", display=True))
    ['(1)', '(*)']
    """
    number = number or _numbers_from_one()
    numbered = _numbered_mathml(tex.strip(), number) if display else None
    return numbered if numbered is not None else _convert(tex, display=display)


def latex_output_to_mathml(text: str, number: Callable[[], str] | None = None) -> str:
    """A ``text/latex`` output (``$$...$$``, ``\\[...\\]``, ``\\begin{equation}``, ``$...$``) as HTML with MathML.

    Text outside the math is escaped; a ``text/latex`` output without delimiters is one formula.
    ``number`` labels its numbered equations, as in :func:`latex_to_mathml`.

    Examples
    --------
    >>> latex_output_to_mathml("$$a$$").startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">')
    True
    >>> "<mtable" in latex_output_to_mathml(r"\\begin{align} a &= 1 \\\\ b &= 2 \\end{align}")
    True
    """
    number = number or _numbers_from_one()
    if not _LATEX_BLOCK.search(text) and not _LATEX_INLINE.search(text):
        return latex_to_mathml(text, display=True, number=number)
    parts: list[str] = []

    def inline(chunk: str) -> str:
        out, last = [], 0
        for match in _LATEX_INLINE.finditer(chunk):
            out.append(html.escape(chunk[last:match.start()]))
            out.append(latex_to_mathml(match.group(1) or match.group(2)))
            last = match.end()
        out.append(html.escape(chunk[last:]))
        return "".join(out)

    last = 0
    for match in _LATEX_BLOCK.finditer(text):
        parts.append(inline(text[last:match.start()]))
        # An environment goes whole: its \begin{align} is what makes "&" align and "\\" break lines.
        parts.append(latex_to_mathml(match.group(1) or match.group(2) or match.group(0), display=True, number=number))
        last = match.end()
    parts.append(inline(text[last:]))
    return "".join(parts)


def _plotly_text(node: ET.Element) -> str:
    """Plotly's text subset for one MathML element (recursively)."""
    tag = node.tag.replace(_MATHML_NS, "")
    kids = list(node)
    if tag in {"mo", "mi"} and (node.text or "").strip() in _SPACED_OPERATORS:
        return f" {html.escape(node.text.strip(), quote=False)} "
    if tag in {"mi", "mn", "mo", "mtext", "ms"}:
        return html.escape((node.text or "").replace("\u00a0", " "), quote=False)
    if tag == "mspace":
        return " "
    if tag in {"msup", "msub", "msubsup"} and kids:
        base = _plotly_text(kids[0])
        if tag == "msup" and len(kids) > 1:
            return f"{base}<sup>{_plotly_text(kids[1])}</sup>"
        if tag == "msub" and len(kids) > 1:
            return f"{base}<sub>{_plotly_text(kids[1])}</sub>"
        if len(kids) > 2:
            return f"{base}<sub>{_plotly_text(kids[1])}</sub><sup>{_plotly_text(kids[2])}</sup>"
        return base
    if tag in {"munder", "mover", "munderover"} and kids:
        return " ".join(_plotly_text(k) for k in kids)
    if tag == "mfrac" and len(kids) == 2:
        num, den = (_plotly_text(k) for k in kids)
        wrap = lambda s: s if re.fullmatch(r"[\w.α-ωΑ-Ω]+", s) else f"({s})"  # noqa: E731
        return f"{wrap(num)}/{wrap(den)}"
    if tag == "msqrt":
        return f"√({''.join(_plotly_text(k) for k in kids)})"
    if tag == "mroot" and len(kids) == 2:
        return f"<sup>{_plotly_text(kids[1])}</sup>√({_plotly_text(kids[0])})"
    if tag == "mtr":
        return ", ".join(_plotly_text(k) for k in kids)
    if tag == "mtable":
        return "; ".join(_plotly_text(k) for k in kids)
    # A leading operator is unary (the minus of -1): no space after it.
    return "".join(_plotly_text(k).strip() if i == 0 and k.tag.endswith(("}mo", "}mi")) else _plotly_text(k)
                   for i, k in enumerate(kids))


def math_to_plotly_text(tex: str) -> str:
    """A LaTeX formula in plotly's text subset: Unicode symbols with ``<sup>``/``<sub>``.

    Examples
    --------
    >>> math_to_plotly_text(r"\\alpha_{1c} = 352 \\pm 11")
    'α<sub>1c</sub> = 352 ± 11'
    >>> math_to_plotly_text(r"\\frac{1}{x^2}")
    '1/(x<sup>2</sup>)'
    """
    markup = latex_to_mathml(tex)
    if not markup.startswith("<math"):
        return html.escape(tex, quote=False)
    try:
        root = ET.fromstring(markup)
    except ET.ParseError:
        return html.escape(tex, quote=False)
    return re.sub(r"\s{2,}", " ", _plotly_text(root)).strip()


def figure_math_to_text(value: Any) -> Any:
    """A copy of a figure (or any part of one) with every ``$...$`` string rewritten for plotly.

    Walks data, layout and frames, so titles, axis titles, annotations, legend entries, hover
    templates and slider labels are all covered.

    Examples
    --------
    >>> figure_math_to_text({"layout": {"title": {"text": "$\\\\beta^2$"}}, "data": [{"name": "plain $5"}]})
    {'layout': {'title': {'text': 'β<sup>2</sup>'}}, 'data': [{'name': 'plain $5'}]}
    """
    if isinstance(value, str):
        match = _PLOTLY_MATH.match(value)
        return math_to_plotly_text(match.group(1)) if match else value
    if isinstance(value, list):
        return [figure_math_to_text(v) for v in value]
    if isinstance(value, dict):
        return {k: figure_math_to_text(v) for k, v in value.items()}
    return value
