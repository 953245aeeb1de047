"""nbconvert preprocessors that prepare an executed notebook for a story page.

They run in this order inside the page exporter (:class:`frstory.publish.render.StoryRenderer`),
each on nbconvert's own copy of the notebook (the frozen notebook is never changed):

1. ``TagRemovePreprocessor`` (nbconvert's, configured by :func:`tag_remover`): ``remove-cell``,
   ``remove-input`` and ``remove-output`` tags.
2. :class:`OutputLimitPreprocessor`: an output over :data:`MAX_OUTPUT_CHARS` (or any output once the
   page holds :data:`MAX_PAGE_CHARS`) is cut, with a visible notice, so a notebook that prints
   50 MB does not publish a 50 MB page.
3. :class:`SanitizePreprocessor`: every HTML, Markdown and LaTeX output becomes sanitized HTML
   (:func:`frstory.publish.sanitize.sanitize_html`), so the template can show it as it is.
4. :class:`CodeFoldPreprocessor`: marks runs of set-up code cells that share one "Show code".
"""

from __future__ import annotations

import json
from typing import Any

from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from traitlets import Integer

from frstory.publish.math import latex_output_to_mathml
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
      (its cells carry ``T_`` ids) keeps its styles, inlined and filtered.
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
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data")
            if not data:
                continue
            if WIDGET_MIME in data:
                # A widget needs a live kernel; its text/plain ("IntSlider(value=3)") means nothing to a reader.
                output["data"] = {NOTICE_MIME: {"kind": "widget", "message": WIDGET_NOTE}}
                continue
            if PLOTLY_MIME in data:
                # The page draws the figure from its JSON; its HTML copy (plotly.js inlined) is not shown.
                data.pop("text/html", None)
            if "text/html" in data:
                markup = str(data["text/html"])
                data["text/html"] = sanitize_html(markup, min_heading=2, keep_styles='id="T_' in markup)
            if "text/markdown" in data:
                data["text/markdown"] = sanitize_html(self._data_markdown(str(data["text/markdown"])), min_heading=2)
            if "text/latex" in data:
                data["text/latex"] = sanitize_html(latex_output_to_mathml(str(data["text/latex"])))
        return cell, resources


def output_shows_something(output: dict) -> bool:
    """Whether the page draws anything for ``output`` (``stderr`` and JavaScript-only outputs are dropped)."""
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
