"""Turn an executed notebook into the body of a story page (nbconvert, with frstory's template).

What readers get instead of nbconvert's defaults:

* Plotly figures are rendered from their ``application/vnd.plotly.v1+json`` output (nbconvert
  drops those under plotly >= 6) as a ``<figure>`` with the chart furniture from
  ``fig.layout.meta["frstory"]``: title and subtitle as real text, source, notes, the alt text as
  the chart's accessible name and a "Get the data" CSV link. The figure JSON sits in a
  ``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, so no data string can
  close the script element; one shared script draws every figure.
* Code is folded into ``<details class="fr-code">``. A code cell with visible output gets its own
  "Show code" right before that output; a run of consecutive code cells with no visible output
  (imports, loading, set-up) shares one "Show code (N cells)", so a story does not open with a
  stack of identical toggles. Prompts are gone, ``stderr`` noise is dropped.
* Cells tagged ``remove-cell`` are skipped, ``remove-input`` hides the code and ``remove-output``
  the outputs.
* Every HTML/Markdown output goes through :func:`frstory.publish.sanitize.sanitize_html` (which
  also removes pandas' ``<style scoped>`` and ``border="1"``, aligns table columns by content and
  folds pandas' index-name header row into the header).

The body is rendered by nbconvert's HTML exporter with the package's own template
(``templates/nbconvert/frstory``). Grouping code cells needs to look across cell boundaries, which
a one-cell-at-a-time template cannot do, so :func:`mark_code_folds` first marks each cell of a
run with ``metadata.frstory_fold`` (on a copy: the frozen notebook is never changed).
"""

from __future__ import annotations

import copy
import html
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from frstory.errors import BuildError
from frstory.publish.execute import output_mentions_missing_data
from frstory.publish.sanitize import HeadingIds, sanitize_html

__all__ = [
    "TEMPLATES_DIR",
    "code_summary",
    "mark_code_folds",
    "StoryMeta",
    "read_story_meta",
    "figure_json_for_script",
    "reading_minutes",
    "StoryRenderer",
]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
WORDS_PER_MINUTE = 230
SECONDS_PER_FIGURE = 12
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_HTTP_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
#: Annotations frstory.charts draws for static exports; the page shows the same text as HTML.
_DRAWN_FURNITURE = {"frstory-subtitle", "frstory-footer"}


@dataclass
class StoryMeta:
    """What the page and the index card say about a story (from ``nb.metadata["frstory"]``)."""

    title: str
    dek: str = ""
    byline: str = ""
    date: str | None = None  # ISO YYYY-MM-DD
    synthetic: bool = False

    @property
    def display_date(self) -> str:
        """``10 June 2020`` (or an empty string when the story has no date)."""
        if not self.date:
            return ""
        day = date.fromisoformat(self.date)
        return f"{day.day} {day:%B %Y}"


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def read_story_meta(nb: dict, label: str) -> StoryMeta:
    """Validate and return the story metadata of a notebook.

    Parameters
    ----------
    nb : dict
        The notebook (raw JSON or ``NotebookNode``).
    label : str
        How to name the notebook in error messages (its path).

    Raises
    ------
    BuildError
        When a field has the wrong type or the date is not ``YYYY-MM-DD``.

    Examples
    --------
    >>> read_story_meta({"metadata": {"frstory": {"title": "T", "date": "2020-06-10"}}}, "x").display_date
    '10 June 2020'
    """
    meta = (nb.get("metadata") or {}).get("frstory") or {}
    if not isinstance(meta, dict):
        raise BuildError(f"{label}: metadata 'frstory' is {type(meta).__name__}, not a mapping: "
                         "set it to {\"title\": ..., \"dek\": ..., \"byline\": ..., \"date\": \"YYYY-MM-DD\"}")
    for key in ("title", "dek", "byline", "date"):
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            raise BuildError(f"{label}: metadata frstory.{key} is {value!r} ({type(value).__name__}): "
                             f"write it as a string")
    when = (meta.get("date") or "").strip() or None
    if when is not None:
        try:
            if not _ISO_DATE.match(when):
                raise ValueError(when)
            date.fromisoformat(when)
        except ValueError:
            raise BuildError(f"{label}: metadata frstory.date {when!r} is not an ISO date: "
                             "write it as YYYY-MM-DD, e.g. \"2020-06-10\"") from None
    synthetic = meta.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise BuildError(f"{label}: metadata frstory.synthetic is {synthetic!r}: use true or false")
    title = (meta.get("title") or "").strip()
    if not title:
        # Fall back to the first Markdown heading, then the file name, so a draft still builds.
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "markdown":
                match = re.search(r"^#{1,6}\s+(.+)$", _source(cell), re.MULTILINE)
                if match:
                    title = match.group(1).strip()
                    break
        title = title or Path(label).stem
    return StoryMeta(title=title, dek=(meta.get("dek") or "").strip(), byline=(meta.get("byline") or "").strip(),
                     date=when, synthetic=synthetic)


def figure_json_for_script(figure: dict) -> str:
    """Serialise a figure for a ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` become JSON ``\\u`` escapes, so ``</script>`` or ``<!--`` inside any
    string cannot end or confuse the element; ``JSON.parse`` restores them exactly.

    Examples
    --------
    >>> figure_json_for_script({"t": "</script><!--"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(figure, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def reading_minutes(words: int, figures: int = 0) -> int:
    """Estimated reading time: 230 words a minute plus 12 seconds a chart, at least 1 minute.

    Examples
    --------
    >>> reading_minutes(460), reading_minutes(10), reading_minutes(460, figures=5)
    (2, 1, 3)
    """
    return max(1, math.ceil(words / WORDS_PER_MINUTE + figures * SECONDS_PER_FIGURE / 60))


def _plain(text: Any) -> str:
    """Text of a plotly title (which may hold plotly's HTML subset) without tags."""
    if isinstance(text, dict):
        text = text.get("text", "")
    return html.unescape(re.sub(r"<[^>]+>", "", str(text or ""))).strip()


def _strip_drawn_furniture(layout: dict, furniture: dict) -> bool:
    """Remove the title, subtitle and footer that frstory.charts draws inside a figure.

    The charts package draws its furniture on the figure so that PNG exports carry it; on the
    page the same text is real HTML (selectable, reflowing, read by screen readers), so the
    drawn copy and the margins reserved for it go. The figure records the pixels it reserved in
    ``meta["frstory"]["bands"]``, so the plot area keeps its exact size.

    Returns
    -------
    bool
        False when the figure was not finished by frstory.charts (nothing changed).
    """
    annotations = layout.get("annotations") or []
    if not any(isinstance(a, dict) and a.get("name") == "frstory-footer" for a in annotations):
        return False
    bands = furniture.get("bands")
    try:
        top_band, bottom_band = int(bands["top"]), int(bands["bottom"])
    except (TypeError, KeyError, ValueError):  # a figure that does not say what it reserved: keep its drawing
        return False
    margin = layout.setdefault("margin", {})
    old_top, old_bottom = int(margin.get("t", top_band)), int(margin.get("b", bottom_band))
    margin["t"] = max(12, old_top - top_band + 12)
    margin["b"] = max(12, old_bottom - bottom_band)
    if isinstance(layout.get("height"), (int, float)):
        layout["height"] = layout["height"] - (old_top - margin["t"]) - (old_bottom - margin["b"])
    layout["annotations"] = [a for a in annotations if not (isinstance(a, dict) and a.get("name") in _DRAWN_FURNITURE)]
    layout.pop("title", None)
    return True


def _nan_free(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_nan_free(v) for v in value]
    if isinstance(value, dict):
        return {k: _nan_free(v) for k, v in value.items()}
    return value


class _StoryContext:
    def __init__(self, stem: str, title: str = ""):
        self.stem = stem
        self.title = title
        self.first_markdown = True
        self.figures: list[dict] = []
        self.warnings: list[str] = []
        self.missing_data: list[str] = []
        self.words = 0
        self.tables = 0
        self.heading_ids = HeadingIds()


def _tags(cell: dict) -> set[str]:
    return set((cell.get("metadata") or {}).get("tags", []) or [])


def code_summary(cell_count: int) -> str:
    """The label of a code disclosure: ``Show code`` or ``Show code (N cells)``.

    Examples
    --------
    >>> code_summary(1), code_summary(4)
    ('Show code', 'Show code (4 cells)')
    """
    return "Show code" if cell_count == 1 else f"Show code ({cell_count} cells)"


def _output_shows_something(output: dict) -> bool:
    """Whether :meth:`StoryRenderer._output` draws anything for ``output`` (stderr is dropped)."""
    kind = output.get("output_type")
    if kind == "stream":
        return output.get("name") == "stdout" and bool(str(output.get("text", "")).strip())
    if kind == "error":
        return True
    data = output.get("data") or {}
    return any(m in data for m in (PLOTLY_MIME, "text/html", "text/markdown", "image/png", "image/jpeg", "text/plain"))


def mark_code_folds(nb: Any) -> Any:
    """A copy of ``nb`` whose output-less code cells carry ``metadata.frstory_fold``.

    Each run of consecutive code cells that show code but no output (imports, loading, set-up)
    becomes one disclosure: its first cell gets ``open``, its last ``close`` and all of them the
    run's ``count``. Cells with visible output keep their own "Show code" next to the output.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import a"),
    ...                                      nbformat.v4.new_code_cell("b = 1")])
    >>> [c.metadata["frstory_fold"] for c in mark_code_folds(nb).cells]
    [{'open': True, 'close': False, 'count': 2}, {'open': False, 'close': True, 'count': 2}]
    """
    nb = copy.deepcopy(nb)
    run: list[dict] = []

    def close_run() -> None:
        for i, cell in enumerate(run):
            cell.setdefault("metadata", {})["frstory_fold"] = {
                "open": i == 0, "close": i == len(run) - 1, "count": len(run),
            }
        run.clear()

    for cell in nb.get("cells", []):
        tags = _tags(cell)
        if "remove-cell" in tags:
            continue
        if cell.get("cell_type") != "code":
            close_run()
            continue
        shows_code = bool(_source(cell).strip()) and "remove-input" not in tags
        shows_output = "remove-output" not in tags and any(_output_shows_something(o) for o in cell.get("outputs", []))
        if shows_output:
            close_run()
        elif shows_code:
            run.append(cell)
    close_run()
    return nb


class StoryRenderer:
    """Renders executed notebooks with the package's nbconvert template (``templates/nbconvert``).

    One renderer is reused for a whole build (building the nbconvert exporter is the slow part).

    Examples
    --------
    >>> renderer = StoryRenderer()  # doctest: +SKIP
    >>> result = renderer.render(executed_nb, "01-moratoria")  # doctest: +SKIP
    >>> result["body_html"], result["figures"][0]["file"]  # doctest: +SKIP
    """

    def __init__(self) -> None:
        import mistune
        from nbconvert import HTMLExporter
        from nbconvert.filters.markdown import markdown2html

        self._exporter = HTMLExporter(
            template_name="frstory", extra_template_basedirs=[str(TEMPLATES_DIR / "nbconvert")]
        )
        self._exporter.register_filter("fr_markdown_cell", self._markdown_cell)
        self._exporter.register_filter("fr_output", self._output)
        self._exporter.register_filter("fr_tags", lambda cell: sorted(_tags(cell)))
        self._exporter.register_filter("fr_code_summary", code_summary)
        self._markdown2html = markdown2html
        # Markdown printed by code is data: raw HTML in it is shown as text, never interpreted.
        self._data_markdown = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
        self._ctx = _StoryContext("")

    # -- filters used by templates/nbconvert/frstory/index.html.j2 -----------------------------------
    def _markdown_cell(self, source: str) -> str:
        if self._ctx.first_markdown:
            self._ctx.first_markdown = False
            # A notebook that opens with "# <title>" would show its title twice on the page.
            match = re.match(r"\s*#\s+(.+?)\s*(?:\n|$)", source)
            if match and self._ctx.title and match.group(1).strip().lower() == self._ctx.title.strip().lower():
                source = source[match.end():]
        self._ctx.words += len(_WORD.findall(re.sub(r"<[^>]+>|\(https?://[^)]*\)", " ", source)))
        return sanitize_html(self._markdown2html(source), min_heading=2, heading_ids=self._ctx.heading_ids)

    def _output(self, output: dict) -> str:
        message = output_mentions_missing_data(output)
        if message:
            self._ctx.missing_data.append(message)
        kind = output.get("output_type")
        if kind == "stream":
            if output.get("name") != "stdout":
                return ""  # warnings and logging are for the author, not the reader
            return f'<pre class="fr-output fr-output--text">{html.escape(_ANSI.sub("", output.get("text", "")))}</pre>'
        if kind == "error":
            css = "fr-error fr-error--missing-data" if message else "fr-error"
            return (f'<div class="{css}" role="note"><p><strong>{html.escape(str(output.get("ename", "Error")))}'
                    f"</strong>: {html.escape(_ANSI.sub('', str(output.get('evalue', ''))))}</p></div>")
        data = output.get("data") or {}
        if PLOTLY_MIME in data and isinstance(data[PLOTLY_MIME], dict):
            return self._figure(data[PLOTLY_MIME])
        if "text/html" in data:
            self._ctx.tables += 1
            body = sanitize_html(str(data["text/html"]), min_heading=2, heading_ids=self._ctx.heading_ids)
            if "<table" in body:
                label = f"Table {self._ctx.tables}"
                return (f'<div class="fr-output fr-output--table" role="region" tabindex="0" '
                        f'aria-label="{label}">{body}</div>')
            return f'<div class="fr-output fr-output--html">{body}</div>'
        if "text/markdown" in data:
            text = str(data["text/markdown"])
            self._ctx.words += len(_WORD.findall(text))
            body = sanitize_html(self._data_markdown(text), min_heading=2, heading_ids=self._ctx.heading_ids)
            return f'<div class="fr-output fr-output--markdown">{body}</div>'
        for mime in ("image/png", "image/jpeg"):
            if mime in data:
                alt = ((output.get("metadata") or {}).get(mime) or {}).get("alt") or "Image produced by the analysis"
                b64 = re.sub(r"\s+", "", str(data[mime]))
                return (f'<div class="fr-output fr-output--image"><img src="data:{mime};base64,{html.escape(b64)}" '
                        f'alt="{html.escape(str(alt))}"></div>')
        if "text/plain" in data:
            return f'<pre class="fr-output fr-output--text">{html.escape(_ANSI.sub("", str(data["text/plain"])))}</pre>'
        return ""

    # -- figures ----------------------------------------------------------------------------------
    def _figure(self, figure: dict) -> str:
        ctx = self._ctx
        number = len(ctx.figures) + 1
        fid = f"fr-fig-{number}"
        figure = copy.deepcopy(figure)
        layout = figure.setdefault("layout", {})
        meta = layout.get("meta")
        furniture = meta.get("frstory") if isinstance(meta, dict) and isinstance(meta.get("frstory"), dict) else {}
        record: dict[str, Any] = {"number": number, "file": None, "rows": 0}
        csv_info = self._chart_data(furniture.get("data"), number) if furniture else None
        if furniture:
            # The CSV carries the data; the page does not need a second copy inside the figure JSON.
            meta["frstory"] = {k: v for k, v in furniture.items() if k != "data"}
        title = str(furniture.get("title") or "").strip()
        subtitle = str(furniture.get("subtitle") or "").strip()
        source = str(furniture.get("source") or "").strip()
        source_url = str(furniture.get("source_url") or "").strip()
        notes = str(furniture.get("notes") or "").strip()
        alt = str(furniture.get("alt") or "").strip()
        if furniture and not _strip_drawn_furniture(layout, furniture) and title:
            layout.pop("title", None)  # shown as HTML above the chart instead
        if not title:
            title = _plain(layout.get("title"))
        label = alt or (f"Chart: {title}" if title else f"Chart {number} (no description provided)")
        # A fixed width would overflow phones; the container decides the width.
        layout.pop("width", None)
        layout["autosize"] = True
        figure["config"] = {"responsive": True, "displaylogo": False, "displayModeBar": False,
                            **{k: v for k, v in (figure.get("config") or {}).items() if k not in {"responsive"}}}

        parts = [f'<figure class="fr-figure" aria-labelledby="{fid}-title">' if title else '<figure class="fr-figure">']
        if title:
            parts.append(f'<p class="fr-figure__title" id="{fid}-title">{html.escape(title)}</p>')
        describedby = []
        if subtitle:
            parts.append(f'<p class="fr-figure__subtitle" id="{fid}-subtitle">{html.escape(subtitle)}</p>')
            describedby.append(f"{fid}-subtitle")
        if notes:
            describedby.append(f"{fid}-notes")
        described = f' aria-describedby="{" ".join(describedby)}"' if describedby else ""
        # Reserve the figure's own height, so the page neither jumps when plotly draws nor keeps a
        # gap under a short figure (a table); figures without a height get the stylesheet's default.
        height = layout.get("height")
        sized = isinstance(height, (int, float)) and height > 0
        reserve = f' style="min-height: {int(height)}px"' if sized else ""
        # Chart labels are laid out for the design width and checked down to 640 px (the
        # stylesheet's .fr-chart min-width); on a narrower screen the chart keeps 640 px and its
        # frame scrolls sideways (focusable, so keyboards can scroll it) instead of clipping labels.
        parts.append(
            f'<div class="fr-chart-frame" tabindex="0" role="group" aria-label="{html.escape(title or label)}'
            ' (scrolls sideways on narrow screens)">'
            f'<div class="fr-chart" id="{fid}"{reserve} role="img" aria-label="{html.escape(label)}"{described}>'
            '<p class="fr-chart__fallback">This chart is interactive and needs JavaScript.'
            + (" Its data is available below." if csv_info else "") + "</p></div></div>"
        )
        parts.append(f'<script type="application/json" data-fr-figure="{fid}">{figure_json_for_script(_nan_free(figure))}</script>')
        caption = []
        if notes:
            caption.append(f'<p class="fr-figure__notes" id="{fid}-notes">{html.escape(notes)}</p>')
        if source:
            shown = html.escape(source)
            if _HTTP_URL.match(source_url):
                shown = f'<a href="{html.escape(source_url)}" rel="noopener noreferrer">{shown}</a>'
            caption.append(f'<p class="fr-figure__source">Source: {shown}</p>')
        if csv_info:
            record.update(csv_info)
            rows = len(csv_info["rows"])
            caption.append(
                f'<p class="fr-figure__data"><a class="fr-getdata" href="data/{html.escape(quote(csv_info["file"]))}" download>'
                f'Get the data</a> <span class="fr-figure__data-size">(CSV, {rows} row{"s" if rows != 1 else ""})</span></p>'
            )
        if caption:
            parts.append('<figcaption class="fr-figure__caption">' + "".join(caption) + "</figcaption>")
        parts.append("</figure>")
        record["title"] = title
        ctx.figures.append(record)
        ctx.words += len(_WORD.findall(" ".join([title, subtitle, notes])))
        return "".join(parts)

    def _chart_data(self, data: Any, number: int) -> dict | None:
        """Columns and rows for the figure's CSV (the contract of ``fig.layout.meta["frstory"]["data"]``)."""
        if data is None:
            return None
        where = f"{self._ctx.stem}: figure {number}: layout.meta['frstory']['data']"
        if not isinstance(data, dict) or not isinstance(data.get("columns"), list) or not isinstance(data.get("rows"), list):
            self._ctx.warnings.append(f"{where} must be {{'columns': [...], 'rows': [[...], ...]}}; no CSV written")
            return None
        columns = [str(c) for c in data["columns"]]
        for i, row in enumerate(data["rows"]):
            if not isinstance(row, list) or len(row) != len(columns):
                self._ctx.warnings.append(
                    f"{where}: row {i + 1} has {len(row) if isinstance(row, list) else 'no list of'} values "
                    f"for {len(columns)} columns {columns}; no CSV written"
                )
                return None
        return {"file": f"{self._ctx.stem}-fig-{number}.csv", "columns": columns, "rows": data["rows"]}

    # -- public -----------------------------------------------------------------------------------
    def render(self, nb: Any, stem: str, title: str = "") -> dict:
        """Render an executed notebook.

        Parameters
        ----------
        nb : nbformat.NotebookNode
            The executed notebook.
        stem : str
            The page's file stem (``01-moratoria``), used for CSV names.
        title : str
            The story title; a leading ``# <title>`` heading is dropped (the page shows it).

        Returns
        -------
        dict
            ``body_html``, ``figures`` (number, title, file, columns, rows), ``words``,
            ``missing_data`` (messages of ``PriceDataUnavailable`` the notebook showed) and
            ``warnings``.
        """
        self._ctx = _StoryContext(stem, title)
        body, _ = self._exporter.from_notebook_node(mark_code_folds(nb), resources={"metadata": {"name": stem}})
        ctx = self._ctx
        return {
            "body_html": body.strip(),
            "figures": ctx.figures,
            "words": ctx.words,
            "missing_data": ctx.missing_data,
            "warnings": ctx.warnings,
        }
