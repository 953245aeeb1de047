"""nbconvert preprocessors that prepare an executed notebook for a story page.

They run in this order inside the page exporter (:class:`frstory.publish.render.StoryRenderer`),
each on nbconvert's own copy of the notebook (the frozen notebook is never changed):

1. ``TagRemovePreprocessor`` (nbconvert's, configured by :func:`tag_remover`): ``remove-cell``,
   ``remove-input`` and ``remove-output`` tags; then nbconvert's ``CoalesceStreamsPreprocessor``
   (printed output in one block per run, ``\r`` progress lines as they ended).
2. :class:`OutputLimitPreprocessor`: an output over :data:`MAX_OUTPUT_CHARS` (or any output once the
   page holds :data:`MAX_PAGE_CHARS`) is cut, with a visible notice, so a notebook that prints
   50 MB does not publish a 50 MB page.
3. :class:`SanitizePreprocessor`: every HTML, Markdown and LaTeX output becomes sanitized HTML
   (:func:`frstory.publish.sanitize.sanitize_html`), so the template can show it as it is.
4. :class:`CodeFoldPreprocessor`: marks runs of set-up code cells that share one "Show code".
"""

from __future__ import annotations

import json
import re
from typing import Any

from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from traitlets import Integer

from frstory.publish.escaping import ANSI_ESCAPE
from frstory.publish.math import equation_mark, latex_output_to_mathml
from frstory.publish.sanitize import sanitize_html

__all__ = [
    "PLOTLY_MIME",
    "WIDGET_MIME",
    "NOTICE_MIME",
    "MAX_OUTPUT_CHARS",
    "MAX_PAGE_CHARS",
    "tag_remover",
    "OutputLimitPreprocessor",
    "SanitizePreprocessor",
    "CodeFoldPreprocessor",
    "output_shows_something",
    "mark_code_folds",
    "plotly_figure_from_html",
]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: frstory's own output type: a notice that replaced an output (too large for a page).
NOTICE_MIME = "application/vnd.frstory.notice+json"
#: Largest single output on a page (characters of text, HTML, base64 image or figure JSON).
MAX_OUTPUT_CHARS = 5_000_000
#: Largest total of outputs on one page; outputs after that are replaced by a notice.
MAX_PAGE_CHARS = 20_000_000
#: What the page can draw, best first; anything else (JavaScript, PDF) is not shown.
DISPLAY_PRIORITY = [PLOTLY_MIME, NOTICE_MIME, WIDGET_MIME, "text/html", "text/markdown", "image/svg+xml",
                    "text/latex", "image/png", "image/jpeg", "text/plain"]
_STREAM_NAMES = {"stdout"}
WIDGET_NOTE = ("An interactive widget was here. Widgets need a running Python kernel, so this published page "
               "cannot show it; run the notebook to use it.")
# What the sanitizer drops from an HTML output that a reader of the notebook would have seen or
# that would have drawn something: named in the note the page shows instead.
_LEFT_OUT = (
    (re.compile(r"<script\b(?![^>]*\btype=[\"']?application/(?:ld\+)?json)", re.IGNORECASE), "a script"),
    (re.compile(r"<(?:iframe|object|embed)\b", re.IGNORECASE), "an embedded page"),
    (re.compile(r"<(?:video|audio)\b", re.IGNORECASE), "a video or audio player"),
    (re.compile(r"<canvas\b", re.IGNORECASE), "a drawing made by a script"),
)
_NEW_PLOT = re.compile(r"Plotly\.newPlot\(\s*")
_ADD_FRAMES = re.compile(r"Plotly\.addFrames\(\s*(?:'[^']*'|\"[^\"]*\")\s*,\s*")
_COMMA = re.compile(r"\s*,\s*")
_TAG = re.compile(r"<[^>]*>")


def plotly_figure_from_html(markup: str) -> dict | None:
    """The figure in an HTML output written by plotly (``fig.to_html()``, the ``notebook`` renderers).

    Such an output draws its figure with a script (``Plotly.newPlot(id, data, layout, config)``,
    then ``Plotly.addFrames`` for an animation), which no published page runs; the JSON arguments
    are read back instead, so the page draws the figure like any other.

    Returns
    -------
    dict or None
        ``{"data", "layout", "config", "frames"}``, or ``None`` when ``markup`` does not hold
        exactly one figure written that way.

    Examples
    --------
    >>> html = ('<div id="f"></div><script>Plotly.newPlot("f", [{"y": [1]}], {"height": 300}, '
    ...         '{"responsive": true})</script>')
    >>> plotly_figure_from_html(html)
    {'data': [{'y': [1]}], 'layout': {'height': 300}, 'config': {'responsive': True}}
    >>> plotly_figure_from_html("<p>no figure</p>") is None
    True
    """
    calls = list(_NEW_PLOT.finditer(markup))
    if len(calls) != 1:
        return None
    decoder = json.JSONDecoder()
    args: list[Any] = []
    position = calls[0].end()
    try:
        while len(args) < 4:
            value, position = decoder.raw_decode(markup, position)
            args.append(value)
            comma = _COMMA.match(markup, position)
            if comma is None:
                break
            position = comma.end()
    except ValueError:
        return None
    if len(args) < 3 or not isinstance(args[1], list) or not isinstance(args[2], dict):
        return None
    figure: dict[str, Any] = {"data": args[1], "layout": args[2]}
    if len(args) > 3 and isinstance(args[3], dict):
        figure["config"] = args[3]
    frames = _ADD_FRAMES.search(markup, position)
    if frames:
        try:
            value, _ = decoder.raw_decode(markup, frames.end())
        except ValueError:
            return None
        if isinstance(value, list):
            figure["frames"] = value
    return figure


def _left_out(markup: str) -> list[str]:
    """What of ``markup`` the page cannot show (scripts, embedded pages, players), in words."""
    return [what for pattern, what in _LEFT_OUT if pattern.search(markup)]


def _shows_anything(safe_html: str) -> bool:
    return "<img" in safe_html or "<math" in safe_html or bool(_TAG.sub("", safe_html).strip())


def _tags(cell: dict) -> set[str]:
    return set((cell.get("metadata") or {}).get("tags", []) or [])


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def tag_remover() -> TagRemovePreprocessor:
    """nbconvert's tag remover, configured with the Jupyter Book tag names frstory documents.

    Examples
    --------
    >>> sorted(tag_remover().remove_cell_tags)
    ['remove-cell']
    """
    return TagRemovePreprocessor(
        enabled=True,
        remove_cell_tags={"remove-cell"},
        remove_input_tags={"remove-input"},
        remove_all_outputs_tags={"remove-output"},
    )


def _output_size(output: dict) -> int:
    if output.get("output_type") == "stream":
        return len(output.get("text", ""))
    if output.get("output_type") == "error":
        return len(str(output.get("evalue", "")))
    data = output.get("data") or {}
    # Only the representation the page shows counts (a figure may also carry a 4 MB HTML copy).
    shown = next((m for m in DISPLAY_PRIORITY if m in data), None)
    if shown is None:
        return 0
    value = data[shown]
    return len(value) if isinstance(value, str) else len(json.dumps(value, default=str))


def _notice(message: str) -> dict:
    from nbformat.v4 import new_output

    return new_output("display_data", data={NOTICE_MIME: {"message": message}})


class OutputLimitPreprocessor(Preprocessor):
    """Cut oversized outputs and say so on the page.

    A ``stdout`` stream or ``text/plain`` result over the limit keeps its first
    ``max_output_chars`` characters followed by a notice; any other output over the limit (an image,
    a figure, an HTML table) is replaced by a notice naming its size. Once the page's outputs add up
    to ``max_page_chars``, later outputs are replaced by notices too.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("print('x' * 50)")
    >>> cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 50)]
    >>> nb, _ = OutputLimitPreprocessor(max_output_chars=10).preprocess(nbformat.v4.new_notebook(cells=[cell]), {})
    >>> nb.cells[0].outputs[0].text
    'xxxxxxxxxx'
    >>> nb.cells[0].outputs[1].data["application/vnd.frstory.notice+json"]["message"]
    'Output cut: it is 50 characters long; the page shows the first 10.'
    """

    max_output_chars = Integer(MAX_OUTPUT_CHARS).tag(config=True)
    max_page_chars = Integer(MAX_PAGE_CHARS).tag(config=True)

    def preprocess(self, nb, resources):
        total = 0
        for cell in nb.cells:
            if cell.get("cell_type") != "code":
                continue
            kept = []
            for output in cell.get("outputs", []):
                size = _output_size(output)
                if total >= self.max_page_chars:
                    kept.append(_notice(f"Output not shown: this page already holds {total:,} characters of "
                                        f"output, the most a page may hold ({self.max_page_chars:,})."))
                    continue
                if size <= self.max_output_chars:
                    total += size
                    kept.append(output)
                    continue
                limit = self.max_output_chars
                data = output.get("data") or {}
                if output.get("output_type") == "stream":
                    output["text"] = output["text"][:limit]
                    kept += [output, _notice(f"Output cut: it is {size:,} characters long; the page shows the "
                                             f"first {limit:,}.")]
                    total += limit
                elif set(data) == {"text/plain"}:
                    data["text/plain"] = data["text/plain"][:limit]
                    kept += [output, _notice(f"Output cut: it is {size:,} characters long; the page shows the "
                                             f"first {limit:,}.")]
                    total += limit
                else:
                    kind = next((m for m in DISPLAY_PRIORITY if m in data), output.get("output_type", "output"))
                    kept.append(_notice(f"Output not shown: this {kind} output is {size:,} characters, over "
                                        f"the {limit:,} a page shows. Make it smaller (fewer rows or points) "
                                        "to publish it."))
            cell.outputs = kept
        return nb, resources


class SanitizePreprocessor(Preprocessor):
    """Replace every HTML, Markdown and LaTeX output by sanitized HTML, ready for the page.

    * ``text/html``: :func:`~frstory.publish.sanitize.sanitize_html`; a pandas ``Styler`` table
      (its cells carry ``T_`` ids) keeps its styles, inlined and filtered. A plotly figure shown
      as HTML (``fig.to_html()``, the ``notebook`` renderers) becomes the figure itself
      (:func:`plotly_figure_from_html`); plotly's loader script is dropped. An output that loses a
      script, an embedded page or a player is followed (or, when nothing of it is left, replaced)
      by a note saying so, and the build warns its author, naming the cell.
    * ``text/markdown`` (Markdown printed by code, i.e. data): raw HTML in it is shown as text,
      never interpreted; it is not scanned for math, so "$5 and $6" stays prices.
    * ``text/latex``: MathML (:func:`frstory.publish.math.latex_output_to_mathml`).
    * ipywidgets: a static note saying the widget needs a live kernel.

    Headings become ``<h2>`` or lower (the page's ``<h1>`` is the story title).
    """

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        import mistune

        self._data_markdown = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])

    def preprocess_cell(self, cell, resources, index):
        if cell.get("cell_type") != "code":
            return cell, resources
        kept = []
        for output in cell.get("outputs", []):
            kept.append(output)
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                self._stderr_warning(cell, index, str(output.get("text", "")), resources)
                continue
            data = output.get("data")
            if not data:
                continue
            if WIDGET_MIME in data:
                # A widget needs a live kernel; its text/plain ("IntSlider(value=3)") means nothing to a reader.
                output["data"] = {NOTICE_MIME: {"kind": "widget", "message": WIDGET_NOTE}}
                continue
            if "application/javascript" in data and not any(m in data for m in DISPLAY_PRIORITY if m != "text/plain"):
                # IPython's Javascript(...) and %%javascript: their text/plain is a Python repr
                # ("<IPython.core.display.Javascript object>") that says nothing to a reader.
                kept[-1] = self._left_out_notice(cell, index, "", ["a script"], False, resources,
                                                 output_kind="the output is JavaScript")
                continue
            if PLOTLY_MIME in data:
                # The page draws the figure from its JSON; its HTML copy (plotly.js inlined) is not shown.
                data.pop("text/html", None)
            if "text/html" in data:
                markup = str(data["text/html"])
                figure = plotly_figure_from_html(markup) if "Plotly.newPlot" in markup else None
                if figure is not None:
                    # A figure shown with plotly's HTML renderers: drawn from its data like any other.
                    output["data"] = {PLOTLY_MIME: figure}
                    continue
                safe = sanitize_html(markup, min_heading=2, keep_styles='id="T_' in markup)
                shows = _shows_anything(safe)
                if "window.PlotlyConfig" in markup and not shows:
                    kept.pop()  # plotly's notebook renderers first show a script that only loads plotly.js
                    continue
                data["text/html"] = safe
                left_out = _left_out(markup)
                if left_out:
                    notice = self._left_out_notice(cell, index, markup, left_out, shows, resources)
                    if shows:
                        kept.append(notice)
                    else:  # nothing of it is left: the note takes its place
                        kept[-1] = notice
                        continue
            if "text/markdown" in data:
                data["text/markdown"] = sanitize_html(self._data_markdown(str(data["text/markdown"])), min_heading=2)
            if "text/latex" in data:
                # Numbered with the page's Markdown math, in reading order, when the page is whole.
                data["text/latex"] = sanitize_html(latex_output_to_mathml(str(data["text/latex"]), number=equation_mark))
        cell.outputs = kept
        return cell, resources

    @staticmethod
    def _where(cell: dict, index: int, resources: dict) -> str:
        """How a warning names the cell: ``stem: cell N``, numbered as build errors number cells."""
        number = (cell.get("metadata") or {}).get("frstory_cell", index + 1)
        return f"{(resources.get('metadata') or {}).get('name', 'notebook')}: cell {number}"

    def _stderr_warning(self, cell: dict, index: int, text: str, resources: dict) -> None:
        """Tell the author what a cell printed to stderr: pages leave it out, and it is often a warning."""
        lines = [line.strip() for line in ANSI_ESCAPE.sub("", text).splitlines() if line.strip()]
        if not lines:
            return
        first = lines[0] if len(lines[0]) <= 160 else lines[0][:159] + "\u2026"
        more = f" (and {len(lines) - 1} more line{'s' if len(lines) > 2 else ''})" if len(lines) > 1 else ""
        resources.setdefault("frstory_warnings", []).append(
            f"{self._where(cell, index, resources)}: printed to stderr, which pages leave out: {first!r}{more}. "
            "Fix: if it warns of a problem, fix its cause; if it is expected, silence it in the notebook "
            "(warnings.filterwarnings, or the library's logging level)")

    def _left_out_notice(self, cell: dict, index: int, markup: str, left_out: list[str], partly: bool,
                         resources: dict, output_kind: str = "") -> dict:
        """The reader's note under an HTML output that lost part of itself (or a script output, which
        loses all of itself: ``output_kind`` names it for the author), and the author's warning."""
        what = " and ".join(left_out)
        # plotly's "iframe" renderer writes the figure to iframe_figures/ beside the notebook.
        plotly = "plotly" in markup.lower() or "iframe_figures/" in markup
        fix = ("show the figure with plotly's default renderer (no renderer= argument, pio.renderers.default "
               "left unset), so the page draws it from its data" if plotly else
               "show the result as a table, image, Markdown or plotly figure instead")
        resources.setdefault("frstory_warnings", []).append(
            f"{self._where(cell, index, resources)}: {output_kind or 'an HTML output contains ' + what}, which published "
            f"pages leave out; readers see a note saying so. Fix: {fix}")
        if partly:
            return _notice(f"This output contained {what}, which published pages leave out, so it may look "
                           "different here than in the notebook.")
        return _notice(f"This output was {what}, which published pages leave out; run the notebook to see it.")


def output_shows_something(output: dict) -> bool:
    """Whether the page draws anything for ``output`` (``stderr`` and outputs of no shown type are dropped)."""
    kind = output.get("output_type")
    if kind == "stream":
        return output.get("name") in _STREAM_NAMES and bool(str(output.get("text", "")).strip())
    if kind == "error":
        return True
    return any(m in (output.get("data") or {}) for m in DISPLAY_PRIORITY)


def _shows_code(cell: dict) -> bool:
    removed = (cell.get("metadata") or {}).get("transient", {}).get("remove_source", False)
    return bool(_source(cell).strip()) and not removed and "remove-input" not in _tags(cell)


def _mark_folds(cells: list) -> None:
    run: list[dict] = []

    def close_run() -> None:
        for i, cell in enumerate(run):
            cell.setdefault("metadata", {})["frstory_fold"] = {
                "open": i == 0, "close": i == len(run) - 1, "count": len(run),
            }
        run.clear()

    for cell in cells:
        tags = _tags(cell)
        if "remove-cell" in tags:
            continue
        if cell.get("cell_type") != "code":
            close_run()
            continue
        shows_output = "remove-output" not in tags and any(output_shows_something(o) for o in cell.get("outputs", []))
        if shows_output:
            close_run()
        elif _shows_code(cell):
            run.append(cell)
    close_run()


class CodeFoldPreprocessor(Preprocessor):
    """Group each run of code cells that show code but no output under one "Show code (N cells)".

    Grouping needs to look across cell boundaries, which a one-cell-at-a-time template cannot:
    each cell of a run gets ``metadata.frstory_fold = {open, close, count}``.
    """

    def preprocess(self, nb, resources):
        _mark_folds(nb.cells)
        return nb, resources


def mark_code_folds(nb: Any) -> Any:
    """A copy of ``nb`` whose output-less code cells carry ``metadata.frstory_fold``.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import a"),
    ...                                      nbformat.v4.new_code_cell("b = 1")])
    >>> [c.metadata["frstory_fold"] for c in mark_code_folds(nb).cells]
    [{'open': True, 'close': False, 'count': 2}, {'open': False, 'close': True, 'count': 2}]
    """
    import copy

    nb = copy.deepcopy(nb)
    _mark_folds(nb.get("cells", []))
    return nb
