"""Turn an executed notebook into the body of a story page, on nbconvert's own layers.

* **Preprocessors** (:mod:`frstory.publish.preprocessors`): nbconvert's tag remover
  (``remove-cell``, ``remove-input``, ``remove-output``) and stream coalescer, output size limits with a visible
  notice, sanitizing of every HTML/Markdown/LaTeX output (nh3, :mod:`frstory.publish.sanitize`) and
  the grouping of set-up code cells under one "Show code (N cells)".
* **Template** (``templates/nbconvert/frstory``): ``index.html.j2`` overrides nbconvert's blocks
  per output type (figure, table/HTML, Markdown, math, SVG/PNG/JPEG image, text, stream, error,
  widget, notice) and hands each to a macro in ``outputs.html.j2``.
* **Filters** (this module): what needs Python: Markdown cells with math typeset as MathML
  (:mod:`frstory.publish.math`, no CDN) and their attached images embedded, raw cells meant for
  HTML, figure preparation, counters for words and tables. Links to another notebook point at its
  page and Jupyter's ``#Heading-text`` anchors at the heading's id; a link or image the page must
  leave out (a file beside the notebook) is named in the build's warnings.

Plotly figures are drawn from their ``application/vnd.plotly.v1+json`` output (nbconvert drops
those under plotly >= 6), data, layout, **frames** and config, so animations and sliders play.
Chart furniture (title, subtitle, notes, source, alt text, "Get the data" CSV) is read from
``fig.layout.meta["frstory"]`` and shown as HTML around the chart; the figure itself is drawn as
it is (frstory.charts draws no furniture of its own). ``$...$`` labels in a figure become plotly
text with Unicode symbols, superscripts and subscripts (plotly.js would need MathJax). The figure
JSON sits in a ``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, so no data
string can close the script element; one shared script (``assets/frstory.js``) draws every figure.
"""

from __future__ import annotations

import base64
import copy
import functools
import html
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from frstory.errors import BuildError
from frstory.publish.escaping import ANSI_ESCAPE, plain_text
from frstory.publish.execute import output_mentions_missing_data
from frstory.publish.freeze import source_text
from frstory.publish.math import equation_mark, figure_math_to_text, latex_to_mathml, number_equations
from frstory.publish.sanitize import HeadingIds, page_href, sanitize_html, shift_headings, slugify_heading
from frstory.publish.navigation import table_of_contents
from frstory.publish.sources import chart_sources, http_url

__all__ = [
    "TEMPLATES_DIR",
    "checked_lang",
    "code_summary",
    "UI_LANG",
    "ui_lang_attr",
    "mark_code_folds",
    "StoryMeta",
    "read_story_meta",
    "markdown_heading_text",
    "figure_json_for_script",
    "reading_minutes",
    "fold_lines",
    "StoryRenderer",
]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def __getattr__(name: str) -> Any:
    # nbconvert takes 0.6 s to import: it is loaded when a page is rendered, not when a build
    # that renders nothing (everything frozen, the site up to date) imports this module.
    if name == "mark_code_folds":
        from frstory.publish.preprocessors import mark_code_folds

        return mark_code_folds
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
WORDS_PER_MINUTE = 230
SECONDS_PER_FIGURE = 12
# A word of any alphabet; Chinese and Japanese write no spaces, so each of their characters counts as
# one (about 260 are read a minute, close to the 230 words of English).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W_{_CJK}](?:[^\W_{_CJK}]|['’-])*")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A BCP 47 language tag as HTML's lang attribute takes it ("fr", "zh-Hans", "pt-BR", "es-419"): an ISO 639
# language code (2 or 3 letters; BCP 47's longer ones are reserved), then subtags of letters and digits.
# Checked for shape, not against the registry: it is what keeps "French" or a quote out of the page.
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
# A fenced code block of Markdown (to its closing fence or the cell's end): its "# ..." lines are code.
_FENCED_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[`~]*[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
_BASE64 = re.compile(r"^[A-Za-z0-9+/=]*$")
_EMPTY_HEADER = re.compile(r"<th((?:\s[^>]*)?)>\s*</th>")
# pandas' HTML display cuts long text to display.max_colwidth characters ending in "..." and
# leaves rows or columns out behind a row or column of "..." cells (display.max_rows/max_columns).
_CUT_TEXT = re.compile(r"<t[dh]\b[^>]*>[^<]*[^.<\s]\.\.\.</t[dh]>")
_CUT_ROWS = re.compile(r"<t[dh]\b[^>]*>\.\.\.</t[dh]>")
# A table written by pandas: a DataFrame's HTML (class "dataframe") or a Styler's (its cell classes).

_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S | re.I)
_CAPTION_ALT = re.compile(r'<span\b[^>]*\bclass="[^"]*\bfr-table__alt\b[^"]*"[^>]*>(.*?)</span>', re.S | re.I)
_CAPTION_TITLE = re.compile(r"<strong\b[^>]*>(.*?)</strong>", re.S | re.I)


def _table_caption(safe_html: str) -> tuple[str, str]:
    """The (title, alt text) a table output gives itself in its first ``<caption>``; ``""`` for none.

    An :class:`frstory.charts.Table` caption holds its title in ``<strong>`` (then a subtitle)
    and its alt text in ``<span class="fr-table__alt">``; any other caption is all title.

    Examples
    --------
    >>> _table_caption('<table class="fr-table"><caption><strong>Profit</strong><br><span>By quarter</span>'
    ...                '<span class="fr-table__alt fr-visually-hidden">Profit fell</span></caption></table>')
    ('Profit', 'Profit fell')
    >>> _table_caption("<table><caption>Plain &amp; simple</caption></table>"), _table_caption("<table></table>")
    (('Plain & simple', ''), ('', ''))
    """
    found = _CAPTION.search(safe_html)
    if found is None:
        return "", ""
    caption = found.group(1)
    alt_match = _CAPTION_ALT.search(caption)
    alt = " ".join(plain_text(alt_match.group(1)).split()) if alt_match else ""
    rest = _CAPTION_ALT.sub("", caption)
    ours = re.search(r'<table\b[^>]*\bclass="[^"]*\bfr-table\b', safe_html) is not None
    strong = _CAPTION_TITLE.search(rest) if ours else None
    title = plain_text(strong.group(1) if strong else rest, tags_as=" ")
    return " ".join(title.split()), alt

_PANDAS_TABLE = re.compile(r'class="(?:[^"]*\s)?(?:dataframe|col_heading|row_heading|data)(?:\s[^"]*)?"')


_DISPLAY_ENVIRONMENT = re.compile(r"\s*\\begin\{(?:equation|align|alignat|gather|multline|flalign|eqnarray)\*?\}")


_FRAGMENT_HREF = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r'\sid="([^"]+)"')
# A link or image of rendered Markdown that is neither on the web, in the page nor another notebook.
_LINKED_URL = re.compile(r'<(a|img)\b[^>]*?\s(?:href|src)="([^"]+)"', re.IGNORECASE)


def _link_fragments(body: str) -> str:
    """Point ``#Heading-text`` links (Jupyter's anchors, or MyST's lower-case ones) at the heading's id.

    Examples
    --------
    >>> _link_fragments('<a href="#Why-it-matters">x</a><h2 id="s-why-it-matters">Why it matters</h2>')
    '<a href="#s-why-it-matters">x</a><h2 id="s-why-it-matters">Why it matters</h2>'
    """
    ids = set(_ID.findall(body))

    def point(match: re.Match) -> str:
        target = html.unescape(match.group(1))
        if target in ids:
            return match.group(0)
        heading = "s-" + slugify_heading(unquote(target))
        return f'href="#{heading}"' if heading in ids else match.group(0)

    return _FRAGMENT_HREF.sub(point, body)


def _source(cell: dict) -> str:
    return source_text(cell.get("source", ""))


def markdown_heading_text(markdown: str) -> str:
    """The plain text of a Markdown heading's content: no ``*``, links or HTML, entities decoded.

    Examples
    --------
    >>> markdown_heading_text("The *real* [cost](https://example.org) of `x` &amp; y")
    'The real cost of x & y'
    """
    import nh3
    from nbconvert.filters.markdown import markdown2html

    return html.unescape(nh3.clean(markdown2html(markdown), tags=set())).strip()


@dataclass
class StoryMeta:
    """What the page and the index card say about a story (from ``nb.metadata["frstory"]``)."""

    title: str
    dek: str = ""
    byline: str = ""
    date: str | None = None  # ISO YYYY-MM-DD
    synthetic: bool = False
    #: The language the story is written in (a BCP 47 tag such as ``fr`` or ``zh-Hans``), for the
    #: page's ``<html lang>``; empty for the site's language.
    lang: str = ""

    @property
    def display_date(self) -> str:
        """``10 June 2020`` (or an empty string when the story has no date)."""
        if not self.date:
            return ""
        from frstory import prose  # the one owner of dates in words

        return prose.date(date.fromisoformat(self.date))


def checked_lang(value: str, what: str, whose: str = "story") -> str:
    """``value`` stripped, when it is empty or shaped like a BCP 47 language tag.

    Parameters
    ----------
    value : str
        The tag as written (``"fr"``, ``"de-CH"``, ``"zh-Hans"``).
    what : str
        Where it was written, for the error (``"x.ipynb: metadata frstory.lang"``).
    whose : str
        What is written in that language (``"story"``, ``"site"``), for the error.

    Raises
    ------
    BuildError
        When ``value`` is not shaped like a language tag.

    Examples
    --------
    >>> checked_lang(" fr-CH ", "frstory.toml: lang")
    'fr-CH'
    """
    value = value.strip()
    if value and not _LANG_TAG.match(value):
        raise BuildError(f"{what} {value!r} is not a language tag: write the language the {whose} is written in "
                         "as a BCP 47 tag, e.g. \"fr\", \"de-CH\" or \"zh-Hans\"")
    return value


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
    for key in ("title", "dek", "byline", "date", "lang"):
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
    lang = checked_lang(meta.get("lang") or "", f"{label}: metadata frstory.lang", "story")
    synthetic = meta.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise BuildError(f"{label}: metadata frstory.synthetic is {synthetic!r}: use true or false")
    title = (meta.get("title") or "").strip()
    if not title:
        # Fall back to the first top-level (#) Markdown heading, else the first heading of any level,
        # then the file name, so a draft still builds. A notebook may open with a ## section before
        # its # title; the # heading is what its author called the whole.
        headings = [match for cell in nb.get("cells", []) if cell.get("cell_type") == "markdown"
                    for match in _HEADING.finditer(_FENCED_CODE.sub("", _source(cell)))]
        first = next((m for m in headings if m.group(1) == "#"), headings[0] if headings else None)
        title = (markdown_heading_text(first.group(2)) if first else "") or Path(label).stem
    return StoryMeta(title=title, dek=(meta.get("dek") or "").strip(), byline=(meta.get("byline") or "").strip(),
                     date=when, synthetic=synthetic, lang=lang)


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


def _page_figure(figure: dict, furniture: dict) -> dict:
    """Make ``figure`` (a copy, math already as text) the figure a page embeds, in place."""
    layout = figure.setdefault("layout", {})
    if furniture:
        # The CSV carries the data; the page does not need a second copy inside the figure JSON.
        layout["meta"]["frstory"] = {k: v for k, v in furniture.items() if k != "data"}
    if str(furniture.get("title") or "").strip():
        # The furniture's title is the figure's one title: shown as HTML above the chart, so
        # plotly must not draw a second copy of it (a figure's own title shows when no
        # furniture title is given). Nothing else in the figure is touched.
        layout.pop("title", None)
    # A fixed width would overflow phones; the container decides the width.
    layout.pop("width", None)
    layout["autosize"] = True
    figure["config"] = {"responsive": True, "displaylogo": False, "displayModeBar": False,
                        **{k: v for k, v in (figure.get("config") or {}).items() if k != "responsive"}}
    return figure


def _furniture_of(figure: dict) -> dict:
    meta = (figure.get("layout") or {}).get("meta")
    return meta["frstory"] if isinstance(meta, dict) and isinstance(meta.get("frstory"), dict) else {}


def page_figure_json(figure: dict) -> str:
    """The text of a plotly output's ``<script data-fr-figure>`` element on its page.

    The build draws a chart's static images while its notebook still runs; the images are keyed
    by this text, so the page, rendered later, finds them drawn. ``StoryRenderer`` writes the
    same text (it calls the same functions).

    Examples
    --------
    >>> page_figure_json({"data": [], "layout": {"width": 500, "meta": {"frstory": {"title": "T", "data": {}}}}})
    '{"data":[],"layout":{"meta":{"frstory":{"title":"T"}},"autosize":true},"config":{"responsive":true,"displaylogo":false,"displayModeBar":false}}'
    """
    converted = figure_math_to_text(copy.deepcopy(dict(figure)))
    return figure_json_for_script(_nan_free(_page_figure(converted, _furniture_of(converted))))


def dark_colour_table() -> dict[str, str]:
    """The dark-mode colour swaps of :data:`frstory.charts.theme.DARK_COLORS`, keyed as frstory.js
    compares colours (lower case, no spaces).

    Examples
    --------
    >>> dark_colour_table()["#222222"]
    '#E8E8E8'
    """
    from frstory.charts.theme import DARK_COLORS

    return {key.replace(" ", "").lower(): value for key, value in DARK_COLORS.items()}


_DARK_MARK = "/*frstory:dark-colours*/null"


def page_script() -> str:
    """``assets/frstory.js`` as the site serves it: with :func:`dark_colour_table` written in.

    The table is the same for every chart of a site, so the script carries it once (it was an
    attribute of every chart, 11 KB of the gallery page).

    Examples
    --------
    >>> "/*frstory:dark-colours*/" in page_script(), '"#222222":"#E8E8E8"' in page_script()
    (False, True)
    """
    script = (TEMPLATES_DIR / "assets" / "frstory.js").read_text(encoding="utf-8")
    if _DARK_MARK not in script:
        raise RuntimeError(f"{TEMPLATES_DIR / 'assets' / 'frstory.js'}: the mark {_DARK_MARK!r} is missing")
    table = json.dumps(dark_colour_table(), separators=(",", ":"), sort_keys=True)
    return script.replace(_DARK_MARK, table, 1)


def reading_minutes(words: int, figures: int = 0) -> int:
    """Estimated reading time: 230 words a minute plus 12 seconds a chart, at least 1 minute.

    Examples
    --------
    >>> reading_minutes(460), reading_minutes(10), reading_minutes(460, figures=5)
    (2, 1, 3)
    """
    return max(1, math.ceil(words / WORDS_PER_MINUTE + figures * SECONDS_PER_FIGURE / 60))


def _nan_free(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_nan_free(v) for v in value]
    if isinstance(value, dict):
        return {k: _nan_free(v) for k, v in value.items()}
    return value


#: The language of the words the publisher itself writes into pages ("Show code", "Get the data",
#: notices, navigation): English, with no translations (a wrong one is worse than a marked original).
UI_LANG = "en"


def ui_lang_attr(page_lang: str) -> str:
    """The ``lang`` attribute for the publisher's own words on a page written in ``page_lang``.

    On a page in another language than :data:`UI_LANG`, the words say they are English, so a
    screen reader voices them in English rather than reading "Show code" with French sounds.
    Regional variants of English (``en-GB``) need no mark.

    Examples
    --------
    >>> ui_lang_attr("fr"), ui_lang_attr("en-GB"), ui_lang_attr("")
    (' lang="en"', '', '')
    """
    primary = (page_lang or UI_LANG).split("-")[0].lower()
    return "" if primary == UI_LANG else f' lang="{UI_LANG}"'


def code_summary(cell_count: int) -> str:
    """The label of a code disclosure: ``Show code`` or ``Show code (N cells)``.

    Examples
    --------
    >>> code_summary(1), code_summary(4)
    ('Show code', 'Show code (4 cells)')
    """
    return "Show code" if cell_count == 1 else f"Show code ({cell_count} cells)"


#: A printout longer than this many lines shows its first and last lines, the rest folded away.
FOLD_LINES = 100
_FOLD_HEAD, _FOLD_TAIL = 20, 10


def fold_lines(text: str) -> dict[str, Any]:
    """Split a long printout into the lines shown (first and last) and the lines folded between them.

    Jupyter puts an output of more than 100 lines in a scrolling box; a page shows its first 20
    and last 10 lines and folds the rest under a disclosure, so a loop that printed 5,000 lines
    does not bury what follows it. Nothing is left out: the folded lines are on the page.

    Examples
    --------
    >>> parts = fold_lines("".join(f"line {n}\\n" for n in range(1, 201)))
    >>> parts["head"].splitlines()[-1], parts["folded"], parts["tail"].splitlines()[0]
    ('line 20', 170, 'line 191')
    >>> fold_lines("short\\n")["folded"]
    0
    """
    lines = str(text).splitlines(keepends=True)
    if len(lines) <= FOLD_LINES:
        return {"head": str(text), "middle": "", "tail": "", "folded": 0}
    middle = lines[_FOLD_HEAD:-_FOLD_TAIL]
    return {"head": "".join(lines[:_FOLD_HEAD]), "middle": "".join(middle),
            "tail": "".join(lines[-_FOLD_TAIL:]), "folded": len(middle)}


def _markdown_with_mathml() -> Any:
    """nbconvert's Markdown parser (with its math syntax) whose math renders as MathML, not ``$...$``.

    Images attached to the cell (``![](attachment:name.png)``) are embedded from the renderer's
    ``attachments`` (set per cell); one the cell does not hold is named in ``missing_attachments``
    and shown by its alt text, where nbconvert would stop the whole page.
    """
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class MathMLRenderer(IPythonRenderer):
        missing_attachments: list[str]

        def block_math(self, body: str) -> str:
            return latex_to_mathml(body, display=True, number=equation_mark)

        def inline_math(self, body: str) -> str:
            # Jupyter's MathJax typesets an equation environment as display math even between single
            # dollars ($\begin{align}...$, common in notebooks); inline it would overflow the line.
            return latex_to_mathml(body, display=_DISPLAY_ENVIRONMENT.match(body) is not None, number=equation_mark)

        def latex_environment(self, name: str, body: str) -> str:
            return latex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True, number=equation_mark)

        def _embed_image_or_attachment(self, src: str) -> str:
            name = src[len("attachment:"):] if src.startswith("attachment:") else None
            if name is not None and not isinstance((self.attachments or {}).get(name), dict):
                self.missing_attachments.append(name)
                return ""
            return super()._embed_image_or_attachment(src)

    renderer = MathMLRenderer(escape=False, exclude_anchor_links=True)
    renderer.missing_attachments = []
    return MarkdownWithMath(renderer=renderer)


class _StoryContext:
    def __init__(self, stem: str, title: str = "", lang: str = ""):
        self.stem = stem
        self.title = title
        #: The page's language (``StoryMeta.lang``; empty: English): the publisher's own words are marked English.
        self.lang = lang
        self.first_markdown = True
        self.figures: list[dict] = []
        self.warnings: list[str] = []
        self.missing_data: list[str] = []
        self.words = 0
        self.tables = 0
        self.heading_ids = HeadingIds()
        #: Links to other notebooks: the page each points at, by the notebook's name as the author wrote
        #: it ("Foo Bar.ipynb" for foo-bar.html), so a warning about a missing one names that file.
        self.notebook_links: dict[str, str] = {}
        #: The text of the latest section heading: what a table under it is about (its caption).
        self.last_heading = ""


# A file path in a traceback: absolute (POSIX, home-relative or Windows), through at least one
# folder, up to a file name with its extension (so code such as "1 /total.sum()" is left alone).
_TRACEBACK_PATH = re.compile(r"(?<![\w./\\])(?:~|[A-Za-z]:)?[/\\](?:[^\s:,'\"()<>]*[/\\])([^\s/\\:,'\"()<>]+\.\w+)")
_SITE_PACKAGES = re.compile(r"(?:~|[A-Za-z]:)?[/\\][^\s:,'\"()<>]*?[/\\](?:site|dist)-packages[/\\]")


def traceback_text(traceback: str) -> str:
    """A traceback as a page shows it: colour codes out, and no machine's folders.

    A traceback names the files it passed through by their full paths, which say whose machine
    ran the notebook and how it is laid out. An installed package's file keeps its path inside
    the package; any other file keeps its name.

    Examples
    --------
    >>> print(traceback_text("File /srv/env/lib/python3.11/site-packages/pandas/core/frame.py:12, in f\\n"
    ...                      "File /srv/newsroom/story/helpers.py:3\\nratio = 1 /total.sum()"))
    File pandas/core/frame.py:12, in f
    File helpers.py:3
    ratio = 1 /total.sum()
    """
    text = _SITE_PACKAGES.sub("", ANSI_ESCAPE.sub("", str(traceback or "")))
    return _TRACEBACK_PATH.sub(lambda m: m.group(1), text)


@functools.cache
def _styled_tokens() -> frozenset[str]:
    """The code-token classes (Pygments' short names) the house CSS gives a style."""
    css = (TEMPLATES_DIR / "assets" / "frstory.css").read_text(encoding="utf-8")
    return frozenset(re.findall(r"\.highlight \.([\w-]+)", css))


_TOKEN_SPAN = re.compile(r'<span class="([\w-]+)">([^<]*)</span>')


def unstyled_spans_removed(code_html: str) -> str:
    """Highlighted code without the spans of tokens the house CSS leaves as plain text.

    Pygments wraps every token, names, punctuation and operators included, in a span; frstory.css
    colours keywords, strings, numbers, comments and built-ins only, so the other spans change
    nothing a reader sees. They were 30 KB of a twenty-chart page.

    Examples
    --------
    >>> unstyled_spans_removed('<span class="n">x</span><span class="o">=</span><span class="mi">1</span>')
    'x=<span class="mi">1</span>'
    """
    styled = _styled_tokens()
    return _TOKEN_SPAN.sub(lambda m: m.group(0) if m.group(1) in styled else m.group(2), code_html)


def _body_exporter_class() -> type:
    """nbconvert's HTML exporter without the pass it makes over the finished page.

    ``HTMLExporter.from_notebook_node`` renders the template, then parses the whole page again
    with BeautifulSoup's pure-Python parser only to give ``<img>`` tags without ``alt`` a stock
    one and JupyterLab's cell wrappers a ``tabindex``. frstory's template has no JupyterLab
    wrappers, gives every output image its alt text, and :func:`~frstory.publish.sanitize.sanitize_html`
    gives one to an ``<img>`` written in HTML or Markdown without it; the re-parse was more than
    half of the time to render a page. The set-up before the template (the code highlighter for
    the notebook's language, the widget-state filter) is nbconvert's own, repeated here.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class BodyExporter(HTMLExporter):
        def from_notebook_node(self, nb: Any, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            self.register_filter("highlight_code", lambda *args, **kw: unstyled_spans_removed(highlight(*args, **kw)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return BodyExporter


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
        import jinja2
        from traitlets.config import Config

        from frstory.publish.preprocessors import (DISPLAY_PRIORITY, CodeFoldPreprocessor, OutputLimitPreprocessor,
                                                   SanitizePreprocessor)

        config = Config()
        config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
        # nbconvert's own tag remover (on by default in its HTML exporter), with the tags frstory documents.
        config.TagRemovePreprocessor.enabled = True
        config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
        config.TagRemovePreprocessor.remove_input_tags = {"remove-input"}
        config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
        # One text block per run of printed output, as Jupyter shows it: flushed pieces joined, and a
        # line a "\r" rewrote (a progress counter) shown as it ended, not once per update.
        config.CoalesceStreamsPreprocessor.enabled = True
        self._exporter = _body_exporter_class()(
            config=config, template_name="frstory", extra_template_basedirs=[str(TEMPLATES_DIR / "nbconvert")]
        )
        for preprocessor in (OutputLimitPreprocessor(), SanitizePreprocessor(), CodeFoldPreprocessor()):
            self._exporter.register_preprocessor(preprocessor, enabled=True)
        filters = {
            "fr_markdown_cell": self._markdown_cell,
            "fr_raw_cell": self._raw_cell,
            "fr_figure": self._figure,
            "fr_observe": self._observe,
            "fr_missing_data": lambda output: bool(output_mentions_missing_data(output)),
            "fr_cell_shows_something": self._cell_shows_something,
            "fr_code_summary": code_summary,
            "fr_table_label": self._table_label,
            "fr_captioned": self._captioned,
            "fr_count_words": self._count_words,
            "fr_data_uri": self._data_uri,
            "fr_image_alt": self._image_alt,
            "fr_image_size": self._image_size,
            "fr_image_alt_lang": self._image_alt_lang,
            # Jinja works out a filter of a constant ('' | fr_ui_lang) once, when it compiles the template,
            # unless the filter takes the context: this one is asked again for every page.
            "fr_ui_lang": jinja2.pass_context(lambda _context, _value=None: ui_lang_attr(self._ctx.lang)),
            "fr_plain": lambda text: ANSI_ESCAPE.sub("", str(text or "")),
            "fr_traceback": traceback_text,
            "fr_fold_lines": fold_lines,
        }
        for name, function in filters.items():
            self._exporter.register_filter(name, function)
        self._markdown = _markdown_with_mathml()
        self._ctx = _StoryContext("")

    # -- filters used by templates/nbconvert/frstory/index.html.j2 -----------------------------------
    def _markdown_cell(self, cell: dict) -> str:
        source = _source(cell)
        renderer = self._markdown.renderer
        renderer.attachments = dict(cell.get("attachments") or {})
        renderer.missing_attachments = []
        if self._ctx.first_markdown:
            self._ctx.first_markdown = False
            # A notebook that opens with its title as a heading (any level) would show it twice.
            match = _HEADING.match(source.lstrip("\n"))
            if match and self._ctx.title and \
                    markdown_heading_text(match.group(2)).lower() == self._ctx.title.strip().lower():
                source = source.lstrip("\n")[match.end():]
        self._ctx.words += len(_WORD.findall(re.sub(r"<[^>]+>|\(https?://[^)]*\)|\$[^$]*\$", " ", source)))
        rendered = self._markdown.render(source)
        # Levels kept as written: render() moves the page's whole outline below its title.
        body = sanitize_html(rendered, min_heading=1, heading_ids=self._ctx.heading_ids)
        where = f"{self._ctx.stem}: cell {(cell.get('metadata') or {}).get('frstory_cell', '?')}"
        for name in renderer.missing_attachments:
            self._ctx.warnings.append(
                f"{where}: the image 'attachment:{name}' is not attached to the cell; readers see its alt text. "
                "Fix: paste or drag the image into the cell again in Jupyter, or link an http(s) address")
        self._note_notebook_links(rendered)
        for tag, url in _LINKED_URL.findall(rendered):
            what = "image" if tag.lower() == "img" else "link"
            url = html.unescape(url)
            if (page_href(url) if what == "link" else re.match(r"(https?://|data:image/)", url, re.I)) is not None:
                continue  # kept by the sanitizer (a link to another notebook points at its page)
            self._ctx.warnings.append(
                f"{where}: the image '{url}' is left out (a page shows images from http(s) addresses, attached "
                "to their cell or in the notebook's folder); readers see its alt text. Fix: put the image in the "
                "notebook's folder and link it by a relative path, paste it into the cell in Jupyter, or link an "
                "http(s) address" if what == "image" else
                f"{where}: the link to '{url}' is left out (a page links http(s) addresses, its own headings "
                "and other notebooks of the folder, not files beside the notebook); readers see its text alone. "
                "Fix: link an http(s) address or another notebook (name.ipynb)")
        headings = table_of_contents(body, level=None)
        if headings:
            self._ctx.last_heading = headings[-1]["text"]
        return body

    def _note_notebook_links(self, markup: str) -> None:
        """Remember, for each link of ``markup`` (before sanitizing) to another notebook, its name as written."""
        for tag, url in _LINKED_URL.findall(markup):
            url = html.unescape(url).strip()
            href = page_href(url) if tag.lower() == "a" else None
            if href is None or href.startswith("#") or http_url(href):
                continue
            written = unquote(url.split("#", 1)[0])
            self._ctx.notebook_links.setdefault(href.split("#", 1)[0], written.removeprefix("./"))

    def _raw_cell(self, cell: dict) -> str:
        """A raw cell meant for HTML pages (``raw_mimetype`` text/html or text/markdown), sanitized;
        any other raw cell (LaTeX, reST, none) is for other formats and shows nothing, as in nbconvert."""
        mime = str((cell.get("metadata") or {}).get("raw_mimetype") or "").lower()
        if mime == "text/markdown":
            return self._markdown_cell(cell)
        if mime == "text/html":
            self._note_notebook_links(_source(cell))
            return sanitize_html(_source(cell), min_heading=1, heading_ids=self._ctx.heading_ids)
        return ""

    def _observe(self, output: dict) -> str:
        message = output_mentions_missing_data(output)
        if message:
            self._ctx.missing_data.append(message)
        return ""

    @staticmethod
    def _cell_shows_something(cell: dict) -> bool:
        removed = (cell.get("metadata") or {}).get("transient", {}).get("remove_source", False)
        from frstory.publish.preprocessors import output_shows_something

        return (bool(_source(cell).strip()) and not removed) or any(output_shows_something(o) for o in cell.get("outputs", []))

    def _table_label(self, safe_html: str) -> str:
        """The name screen readers hear for a table output: ``Table N: <its title>. <its alt>``.

        The title is the table's own (the ``<strong>`` of an :class:`frstory.charts.Table`
        caption, else the caption's text), else the heading of the section it is in; the
        description is its alt text (a caption's ``<span class="fr-table__alt">``), when it has one.
        """
        if "<table" not in safe_html:
            return ""
        self._ctx.tables += 1
        title, alt = _table_caption(safe_html)
        # "Table 3" alone tells a screen reader nothing: name the table, else the section it is in.
        about = title or self._ctx.last_heading
        label = f"Table {self._ctx.tables}: {about}" if about else f"Table {self._ctx.tables}"
        if alt and alt != about:
            label += ("" if label.endswith((".", "?", "!")) else ".") + f" {alt}"
        self._warn_if_cut(safe_html, label)
        return label

    def _warn_if_cut(self, safe_html: str, label: str) -> None:
        """Say so when pandas' display left part of a table out: readers cannot see what is cut."""
        cut = []
        if not _PANDAS_TABLE.search(safe_html):
            return  # a table pandas did not write: its "..." is its author's, not a display limit
        if _CUT_TEXT.search(safe_html):
            cut.append("text cut short with '...' (pandas display.max_colwidth, 50 characters by default)")
        if _CUT_ROWS.search(safe_html):
            cut.append("rows or columns left out behind '...' (pandas display.max_rows / display.max_columns)")
        if cut:
            self._ctx.warnings.append(
                f"{self._ctx.stem}: {label} shows {' and '.join(cut)}: readers see only part of it. Fix: in the "
                "notebook, pd.set_option('display.max_colwidth', None) (or max_rows / max_columns), or show a "
                "shorter table")

    def _captioned(self, safe_html: str, label: str) -> str:
        """Give a table without a ``<caption>`` one (visually hidden, read by screen readers), and
        make pandas' empty corner header cell a plain cell (an empty header names no column)."""
        if not label or safe_html.count("<table") != 1:
            return safe_html
        safe_html = _EMPTY_HEADER.sub(r"<td\1></td>", safe_html)
        if "<caption" in safe_html:
            return safe_html
        # "Table 3" is the publisher's word, the heading after it the author's.
        ours, colon, about = label.partition(": ")
        mark = ui_lang_attr(self._ctx.lang)
        text = f"<span{mark}>{html.escape(ours)}</span>{colon}{html.escape(about)}" if mark else html.escape(label)
        caption = f'<caption class="fr-visually-hidden">{text}</caption>'
        return re.sub(r"(<table\b[^>]*>)", lambda m: m.group(1) + caption, safe_html, count=1)

    def _count_words(self, safe_html: str) -> str:
        self._ctx.words += len(_WORD.findall(re.sub(r"<[^>]+>", " ", safe_html)))
        return safe_html

    @staticmethod
    def _data_uri(data: Any, mime: str) -> str:
        if mime == "image/svg+xml":
            # As an <img>, an SVG cannot run scripts or load anything: no sanitizing of SVG needed.
            text = "".join(data) if isinstance(data, list) else str(data)
            return f"data:{mime};base64,{base64.b64encode(text.encode('utf-8')).decode('ascii')}"
        b64 = re.sub(r"\s+", "", "".join(data) if isinstance(data, list) else str(data))
        return f"data:{mime};base64,{b64}" if _BASE64.match(b64) else ""

    @staticmethod
    def _image_alt(output: dict, mime: str) -> str:
        meta = (output.get("metadata") or {}).get(mime) or {}
        return str(meta.get("alt") or "Image produced by the analysis") if isinstance(meta, dict) else \
            "Image produced by the analysis"

    def _image_alt_lang(self, output: dict, mime: str) -> str:
        """The ``lang`` attribute of an output image whose alt text is the publisher's stock one."""
        meta = (output.get("metadata") or {}).get(mime) or {}
        return "" if isinstance(meta, dict) and meta.get("alt") else ui_lang_attr(self._ctx.lang)

    @staticmethod
    def _image_size(output: dict, mime: str) -> dict[str, int]:
        """The display size the notebook asked for (``Image(width=...)``; matplotlib's retina PNGs
        are drawn at twice it), as ``<img>`` width and height: whole CSS pixels only."""
        meta = (output.get("metadata") or {}).get(mime) or {}
        if not isinstance(meta, dict):
            return {}
        size = {}
        for name in ("width", "height"):
            value = meta.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 100_000:
                size[name] = int(round(value))
        return size

    # -- figures ----------------------------------------------------------------------------------
    def _figure(self, figure: dict) -> dict:
        """Everything the ``figure`` macro shows for one plotly figure (and the record for the site)."""
        ctx = self._ctx
        number = len(ctx.figures) + 1
        fid = f"fr-fig-{number}"
        figure = figure_math_to_text(copy.deepcopy(dict(figure)))
        layout = figure.setdefault("layout", {})
        furniture = _furniture_of(figure)
        record: dict[str, Any] = {"number": number, "file": None, "rows": 0}
        csv_info = self._chart_data(furniture.get("data"), number) if furniture else None
        text = {k: str(furniture.get(k) or "").strip() for k in ("title", "subtitle", "source", "source_url", "notes", "alt")}
        title = text["title"] or plain_text(layout.get("title"))
        label = text["alt"] or (f"Chart: {title}" if title else f"Chart {number} (no description provided)")
        figure = _page_figure(figure, furniture)  # what page_figure_json gives, which the images are keyed by
        height = layout.get("height")
        describedby = [f"{fid}-subtitle"] if text["subtitle"] else []
        describedby += [f"{fid}-notes"] if text["notes"] else []
        if csv_info:
            record.update(csv_info)
        record["title"] = title
        # What the page's "Sources" section lists for this chart (frstory.publish.sources).
        record["sources"] = chart_sources(csv_info["columns"], csv_info["rows"]) if csv_info else []
        record["source"] = text["source"]
        record["source_url"] = http_url(text["source_url"])
        ctx.figures.append(record)
        ctx.words += len(_WORD.findall(" ".join([title, text["subtitle"], text["notes"]])))
        if not text["source"]:
            # A newsroom chart says where its data came from; a plain plotly figure has no place for it.
            ctx.warnings.append(
                f"{ctx.stem}: chart {number} ({title or 'untitled'}) names no source, so readers cannot tell where "
                "its data came from. Fix: draw it with frstory.charts (source= is required there), or set "
                "fig.layout.meta = {'frstory': {'source': 'Who published the data'}}")
        missing = [m for m in furniture.get("no_layout") or [] if isinstance(m, dict) and "width" in m]
        if missing:
            widths = ", ".join(str(m["width"]) for m in missing)
            ctx.warnings.append(
                f"{ctx.stem}: chart {number} ({title or 'untitled'}) has no layout for containers {widths} px wide "
                f"({str(missing[0].get('why', '')).split(' Fix:')[0].rstrip('.')}); screens that narrow get a wider layout, which may not fit. Fix: "
                "shorten the title, notes, labels or series names, or draw fewer series")
        return {
            "id": fid,
            # The title is shown above the chart only when it comes from the furniture: a plain
            # plotly figure draws its own title, which stays where plotly put it.
            "title": text["title"],
            "subtitle": text["subtitle"],
            "notes": text["notes"],
            "source": text["source"],
            "source_href": http_url(text["source_url"]),
            # The chart's sources are listed in the page's Sources section, under this anchor.
            "sources_count": len(record["sources"]),
            "sources_href": f"#sources-{fid}",
            "label": label,
            "describedby": describedby,
            # Reserve the figure's own height, so the page does not jump when plotly draws.
            "height": int(height) if isinstance(height, (int, float)) and height > 0 else None,
            "json": figure_json_for_script(_nan_free(figure)),
            "csv": {"href": quote(csv_info["file"]), "rows": len(csv_info["rows"])} if csv_info else None,
        }

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
    def render(self, nb: Any, stem: str, title: str = "", lang: str = "") -> dict:
        """Render an executed notebook.

        Parameters
        ----------
        nb : nbformat.NotebookNode
            The executed notebook (not changed: nbconvert's preprocessors work on a copy).
        stem : str
            The page's file stem (``01-moratoria``), used for CSV names.
        title : str
            The story title; a leading heading with the same text is dropped (the page shows it).
        lang : str
            The story's language (``StoryMeta.lang``, a checked BCP 47 tag; empty for English): on a
            page in another language, the words the publisher writes ("Show code", "Get the data",
            notices) are marked ``lang="en"``.

        Returns
        -------
        dict
            ``body_html``, ``figures`` (number, title, file, columns, rows), ``words``,
            ``missing_data`` (messages of ``PriceDataUnavailable`` the notebook showed), ``warnings``
            and ``notebook_links`` (the notebook each link to another page names, as written, by page).
        """
        import nbformat

        self._ctx = _StoryContext(stem, title, lang)
        nb = nbformat.from_dict(nb)  # nbconvert's exporter works on its own deep copy
        for number, cell in enumerate(nb.cells, start=1):
            # Warnings name cells as build errors do; removing tagged cells would renumber them.
            cell.setdefault("metadata", {})["frstory_cell"] = number
        body, resources = self._exporter.from_notebook_node(nb, resources={"metadata": {"name": stem}})
        ctx = self._ctx
        ctx.warnings += resources.get("frstory_warnings", [])
        return {
            "body_html": number_equations(_link_fragments(shift_headings(body.strip()))),
            "figures": ctx.figures,
            "words": ctx.words,
            "missing_data": ctx.missing_data,
            "warnings": ctx.warnings,
            "notebook_links": ctx.notebook_links,
        }
