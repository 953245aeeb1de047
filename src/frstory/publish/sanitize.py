"""An allow-list HTML sanitizer for notebook outputs and Markdown on story pages.

Notebook outputs are built from data (headlines, tickers, table cells), so anything that reaches a
page goes through :func:`sanitize_html`: only harmless tags and attributes survive, ``<script>`` and
``<style>`` are dropped *with their content*, links must be http(s) or in-page anchors, and inline
styles and obsolete presentational attributes (pandas' ``border="1"``) are removed so that pages
pass the HTML checker and look like the rest of the site.

Tables get two repairs on the way (:func:`tidy_table`): every body and header cell is marked
``fr-num`` or ``fr-text`` by what its column holds, so the stylesheet right-aligns numbers and
left-aligns words, and pandas' separate index-name header row is folded into the header row above.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

__all__ = ["sanitize_html", "HeadingIds", "slugify_heading", "looks_numeric", "tidy_table"]

_ALLOWED_TAGS = frozenset(
    """a abbr b blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption
    figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary
    sup table tbody td tfoot th thead time tr u ul var section aside""".split()
)
# Dropped together with everything inside them (their text is code, styles or foreign content).
_DROP_WITH_CONTENT = frozenset(
    "script style template iframe object embed noscript textarea select title head frame frameset "
    "svg math applet audio video canvas form button input link meta base".split()
)
_VOID = frozenset({"br", "hr", "img", "col"})
_GLOBAL_ATTRS = frozenset({"class", "title", "lang", "dir"})
_TAG_ATTRS = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
    "details": {"open"},
}
_SAFE_HREF = re.compile(r"^(https?://|#)", re.IGNORECASE)
_SAFE_IMG_SRC = re.compile(r"^(https?://|data:image/(png|jpeg|gif|webp);base64,)", re.IGNORECASE)
_SAFE_CLASS = re.compile(r"[^A-Za-z0-9_ -]")
_NUMERIC = re.compile(r"^\d{1,4}$")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# A table cell that reads as a number: 1,234.5  -0.3  −1.2%  +0.4 pp  (2.1)  ±0.8  $2,647.45  1e-05
_NUMBER = re.compile(
    r"""^[+\-\u2212\u00b1]?\(?[+\-\u2212\u00b1]?[$\u20ac\u00a3\u00a5]?
        (?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+\-\u2212]?\d+)?
        \s?(?:%|pp|p\.p\.|bp|bps|x|\u00d7)?\)?(?:%|\s?pp)?$""",
    re.VERBOSE,
)
#: Cell texts that mean "no value": they neither make a column textual nor numeric.
_EMPTY_CELL = frozenset({"", "nan", "<na>", "nat", "none", "null", "n/a", "na", "-", "\u2013", "\u2014", "\u2026", "..."})


def looks_numeric(text: str) -> bool:
    """True when a table cell's text reads as a number (signs, %, pp, commas, parentheses allowed).

    Examples
    --------
    >>> [looks_numeric(t) for t in ["1,234.5", "\u22120.3%", "+1.2 pp", "(2.1)", "\u00b10.8", "inf"]]
    [True, True, True, True, True, True]
    >>> [looks_numeric(t) for t in ["2020-06-10", "AMZN", "12,34", "%", "1.2.3"]]
    [False, False, False, False, False]
    """
    text = " ".join(text.split())
    if text.lower().lstrip("+-\u2212") in {"inf", "infinity"}:
        return True
    return bool(re.search(r"\d", text)) and _NUMBER.match(text) is not None


class _Node:
    """An element of an already sanitized table (tag, attributes, children: nodes or text)."""

    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: list[tuple[str, str | None]]):
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []

    def get(self, name: str) -> str | None:
        return next((v for k, v in self.attrs if k == name), None)

    def span(self, name: str) -> int:
        value = self.get(name) or "1"
        return max(1, int(value)) if value.isdigit() else 1

    def add_class(self, css: str) -> None:
        current = (self.get("class") or "").split()
        if css not in current:
            self.attrs = [(k, v) for k, v in self.attrs if k != "class"] + [("class", " ".join(current + [css]))]

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def elements(self, *tags: str) -> list[_Node]:
        return [c for c in self.children if isinstance(c, _Node) and c.tag in tags]

    def html(self) -> str:
        attrs = "".join(f" {k}" if v is None else f' {k}="{html.escape(v, quote=True)}"' for k, v in self.attrs)
        if self.tag in _VOID:
            return f"<{self.tag}{attrs}>"
        inner = "".join(html.escape(c, quote=False) if isinstance(c, str) else c.html() for c in self.children)
        return f"<{self.tag}{attrs}>{inner}</{self.tag}>"


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, list(attrs))
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _table_rows(table: _Node) -> list[tuple[str, list[_Node]]]:
    """``(section, rows)`` groups in order; rows directly inside ``<table>`` count as body rows."""
    groups: list[tuple[str, list[_Node]]] = []
    loose: list[_Node] | None = None
    for child in table.elements("thead", "tbody", "tfoot", "tr"):
        if child.tag == "tr":
            if loose is None:
                loose = []
                groups.append(("tbody", loose))
            loose.append(child)
        else:
            loose = None
            groups.append((child.tag, child.elements("tr")))
    return groups


def _grid(rows: list[_Node]) -> list[list[tuple[int, _Node]]]:
    """For each row, ``(first column, cell)`` of its cells, honouring colspan and rowspan."""
    taken: dict[tuple[int, int], bool] = {}
    placed: list[list[tuple[int, _Node]]] = []
    for r, row in enumerate(rows):
        column, cells = 0, []
        for cell in row.elements("td", "th"):
            while taken.get((r, column)):
                column += 1
            cells.append((column, cell))
            for dr in range(cell.span("rowspan")):
                for dc in range(cell.span("colspan")):
                    taken[(r + dr, column + dc)] = True
            column += cell.span("colspan")
        placed.append(cells)
    return placed


def _fold_index_name_row(head: _Node) -> None:
    """Move pandas' index-name row (``<tr><th>date</th><th></th>...``) into the header row above.

    Only when the names land in cells that are empty and the rows line up cell for cell, so a
    header with column-level names (MultiIndex columns) is left as pandas wrote it.
    """
    rows = head.elements("tr")
    if len(rows) < 2:
        return
    names, above = rows[-1], rows[-2]
    name_cells, above_cells = names.elements("td", "th"), above.elements("td", "th")
    texts = [c.text().strip() for c in name_cells]
    filled = [i for i, t in enumerate(texts) if t]
    if not filled or len(name_cells) != len(above_cells) or any(c.tag != "th" for c in name_cells):
        return
    levels = filled[-1] + 1
    if levels >= len(texts) or any(c.span("colspan") > 1 or c.span("rowspan") > 1 for c in name_cells + above_cells):
        return
    if any(above_cells[i].text().strip() for i in range(levels)):
        return
    for i in range(levels):
        above_cells[i].children = list(name_cells[i].children)
    head.children = [c for c in head.children if c is not names]


def tidy_table(table_html: str) -> str:
    """Align a sanitized table's columns by content and fold pandas' index-name header row.

    A column is numeric when every non-empty body cell in it :func:`looks_numeric` (``NaN``,
    ``<NA>`` and dashes count as empty); its cells, and the header cells above it, get class
    ``fr-num``, other columns ``fr-text``. A header cell spanning several columns is ``fr-num``
    only when all of them are numeric.

    Examples
    --------
    >>> tidy_table('<table><thead><tr><th>x</th><th>n</th></tr></thead>'
    ...            '<tbody><tr><td>a</td><td>1.5%</td></tr></tbody></table>')
    '<table><thead><tr><th class="fr-text">x</th><th class="fr-num">n</th></tr></thead><tbody><tr><td class="fr-text">a</td><td class="fr-num">1.5%</td></tr></tbody></table>'
    """
    builder = _TreeBuilder()
    builder.feed(table_html)
    builder.close()
    tables = builder.root.elements("table")
    if len(tables) != 1:
        return table_html
    table = tables[0]
    for head in table.elements("thead"):
        _fold_index_name_row(head)
    groups = _table_rows(table)
    kinds: dict[int, set[str]] = {}
    placed = [(section, _grid(rows)) for section, rows in groups]
    for section, grid in placed:
        if section == "thead":
            continue
        for row in grid:
            for column, cell in row:
                if cell.span("colspan") > 1:
                    continue
                text = " ".join(cell.text().split())
                if text.lower() in _EMPTY_CELL:
                    continue
                kinds.setdefault(column, set()).add("num" if looks_numeric(text) else "text")
    numeric = {c for c, k in kinds.items() if k == {"num"}}
    for section, grid in placed:
        for row in grid:
            for column, cell in row:
                covered = range(column, column + cell.span("colspan"))
                if all(c in numeric for c in covered):
                    cell.add_class("fr-num")
                elif any(c in kinds for c in covered):
                    cell.add_class("fr-text")
    return table.html()


def slugify_heading(text: str) -> str:
    """A URL fragment for a heading: lower case, ASCII letters, digits and hyphens.

    Examples
    --------
    >>> slugify_heading("What the tech companies did (June 2020)")
    'what-the-tech-companies-did-june-2020'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].rstrip("-") or "section"


class HeadingIds:
    """Hands out unique heading ids for one page (``s-<slug>``, ``s-<slug>-2``, ...)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def new(self, text: str) -> str:
        """A page-unique id for a heading with ``text``."""
        base = "s-" + slugify_heading(text)
        candidate, n = base, 1
        while candidate in self._used:
            n += 1
            candidate = f"{base}-{n}"
        self._used.add(candidate)
        return candidate


class _Sanitizer(HTMLParser):
    def __init__(self, min_heading: int, heading_ids: HeadingIds | None):
        super().__init__(convert_charrefs=True)
        self.min_heading = min_heading
        self.heading_ids = heading_ids
        self.out: list[str] = []
        self.open: list[str] = []
        self.drop_depth = 0
        self.drop_tag: str | None = None
        self.heading: tuple[int, str, list[str]] | None = None  # (out index, tag, text parts)
        self.table_starts: list[int] = []  # out index of each open <table>

    # -- helpers -------------------------------------------------------------------------
    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        allowed = _GLOBAL_ATTRS | _TAG_ATTRS.get(tag, set())
        kept: list[str] = []
        for name, value in attrs:
            name = name.lower()
            if name not in allowed:
                continue
            value = "" if value is None else value.strip()
            if name == "href" and not _SAFE_HREF.match(value):
                continue
            if name == "src" and not _SAFE_IMG_SRC.match(value):
                continue
            if name in {"colspan", "rowspan", "span", "start", "width", "height"} and not _NUMERIC.match(value):
                continue
            if name == "class":
                value = _SAFE_CLASS.sub("", value).strip()
                if not value:
                    continue
            if name == "scope" and value not in {"row", "col", "rowgroup", "colgroup"}:
                continue
            if name in {"open", "reversed"}:
                kept.append(name)
                continue
            kept.append(f'{name}="{html.escape(value, quote=True)}"')
        if tag == "a" and any(k.startswith("href=\"http") for k in kept):
            kept.append('rel="noopener noreferrer"')
        if tag == "img" and not any(k.startswith("alt=") for k in kept):
            kept.append('alt=""')
        return "".join(" " + k for k in kept)

    def _mapped(self, tag: str) -> str:
        if tag in _HEADINGS and int(tag[1]) < self.min_heading:
            return f"h{self.min_heading}"
        return tag

    # -- parser callbacks ----------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        if self.drop_depth:
            if tag == self.drop_tag:
                self.drop_depth += 1
            return
        if tag in _DROP_WITH_CONTENT or (tag == "a" and "anchor-link" in (dict(attrs).get("class") or "")):
            # nbconvert's pilcrow anchors are replaced by our own heading ids.
            self.drop_tag, self.drop_depth = tag, 1
            return
        if tag not in _ALLOWED_TAGS:
            return
        out_tag = self._mapped(tag)
        if tag in _HEADINGS and self.heading_ids is not None and self.heading is None:
            self.heading = (len(self.out), out_tag, [])
            self.out.append("")  # patched with the id once the heading's text is known
            self.open.append(out_tag)
            return
        if tag == "table":
            self.table_starts.append(len(self.out))
        self.out.append(f"<{out_tag}{self._attrs(tag, attrs)}>")
        if tag not in _VOID:
            self.open.append(out_tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag.lower() not in _VOID and not self.drop_depth and tag.lower() in _ALLOWED_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        tag = tag.lower()
        if self.drop_depth:
            if tag == self.drop_tag:
                self.drop_depth -= 1
            return
        if tag not in _ALLOWED_TAGS or tag in _VOID:
            return
        out_tag = self._mapped(tag)
        if out_tag not in self.open:
            return
        while self.open:
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if self.heading is not None and top == self.heading[1]:
                index, htag, parts = self.heading
                self.out[index] = f'<{htag} id="{self.heading_ids.new("".join(parts))}">'
                self.heading = None
            if top == "table" and self.table_starts:
                start = self.table_starts.pop()
                # A heading still open around the table keeps an index into self.out: leave it be.
                if self.heading is None or self.heading[0] < start:
                    self.out[start:] = [tidy_table("".join(self.out[start:]))]
            if top == out_tag:
                break

    def handle_data(self, data):
        if self.drop_depth:
            return
        if self.heading is not None:
            self.heading[2].append(data)
        self.out.append(html.escape(data, quote=False))

    def close_all(self) -> str:
        self.close()
        while self.open:
            self.handle_endtag(self.open[-1])
        return "".join(self.out)


def sanitize_html(markup: str, *, min_heading: int = 1, heading_ids: HeadingIds | None = None) -> str:
    """Keep only safe, valid HTML from ``markup``.

    Parameters
    ----------
    markup : str
        HTML from a notebook output or rendered Markdown.
    min_heading : int
        Highest heading level allowed: 2 turns a story's ``#`` headings into ``<h2>``, because
        the page's only ``<h1>`` is the title from the notebook metadata.
    heading_ids : HeadingIds, optional
        When given, every heading gets a page-unique ``id`` for links to sections.

    Returns
    -------
    str
        Well-formed HTML: allowed tags only, text escaped, no scripts, styles or event handlers,
        links only ``http(s)://`` or ``#fragment``.

    Examples
    --------
    >>> sanitize_html('<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">a</a></p>')
    '<p>Hi <a>a</a></p>'
    >>> sanitize_html('<table border="1" class="dataframe"><tr><td>&lt;b&gt;</td><td>1.5</td></tr></table>')
    '<table class="dataframe"><tr><td class="fr-text">&lt;b&gt;</td><td class="fr-num">1.5</td></tr></table>'
    """
    parser = _Sanitizer(min_heading, heading_ids)
    parser.feed(markup)
    return parser.close_all()
