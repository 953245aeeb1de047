"""The page's HTML sanitizer: nh3 (the Ammonia sanitizer) with frstory's allow-list, plus table tidying.

Notebook outputs are built from data (headlines, tickers, table cells), so anything that reaches a
page goes through :func:`sanitize_html`. The sanitizing itself is nh3's: it parses like a browser
(html5ever), so unclosed elements, ``<svg>``/``<math>`` inside open elements or a stray
``<meta charset>`` cannot hang it or make it drop the rest of the document, and it always returns
well-formed markup. frstory only configures it: the tags a story needs (text, lists, tables,
figures, and MathML for typeset math), ``<script>``/``<style>``/``<svg>`` and other active or
foreign content dropped *with* their content, links only ``http(s)://``, ``#fragment`` or to
another notebook of the folder (``x.ipynb``, which becomes its page ``x.html``), images only
``http(s)`` or ``data:image/(png|jpeg|gif|webp|svg+xml)``, no inline styles (pandas' ``border="1"``
and ``style`` go, so tables look like the rest of the site).

pandas ``Styler`` tables keep their look safely (``keep_styles=True``): their ``<style>`` rules are
inlined into ``style`` attributes by css-inline, so a rule can only ever style its own cell (scoped
by construction, it cannot reach the page), and nh3 then keeps only the CSS properties in
:data:`STYLE_PROPERTIES` (colours, fonts, alignment, borders: nothing that loads a URL or moves an
element out of its table).

Two steps are frstory's own, because no kept library does them (nh3 only removes): headings (and
named anchors, ``<a id="intro">``) are given page-unique ids (and those of outputs are demoted below
the page title; :func:`shift_headings` moves a story's own outline below it, keeping its levels),
and tables are tidied
(:func:`tidy_table`): columns are classed ``fr-num``/``fr-text`` by what they hold, so numbers
right-align, and pandas' separate index-name header row is folded into the header. Both work on
nh3's output, which is well-formed, so a simple tree builder suffices.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

import nh3

__all__ = ["sanitize_html", "HeadingIds", "slugify_heading", "looks_numeric", "tidy_table", "STYLE_PROPERTIES",
           "notebook_page_name", "site_page_name", "RESERVED_PAGES", "notebook_page_href", "page_href", "shift_headings"]

_HTML_TAGS = frozenset(
    """a abbr b blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption
    figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary
    sup table tbody td tfoot th thead time tr u ul var section aside""".split()
)
#: MathML Core presentation elements: what latex2mathml writes for typeset math.
_MATHML_TAGS = frozenset(
    """math mi mn mo ms mtext mspace mrow mfrac msqrt mroot mstyle merror mpadded mphantom msub msup
    msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr mtd semantics annotation
    menclose""".split()
)
_TAGS = _HTML_TAGS | _MATHML_TAGS
# Dropped together with everything inside them (their text is code, styles or foreign content).
_DROP_WITH_CONTENT = frozenset(
    "script style template iframe object embed noscript textarea select title head frame frameset "
    "svg applet audio video canvas form button input link meta base".split()
)
_ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href", "id", "name"},  # id and name: a named anchor, given a page id by _finish
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope", "halign"},  # halign: read and removed by _tidy_table_node
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
    "details": {"open"},
    "math": {"display", "xmlns"},
    "mo": {"stretchy", "fence", "separator", "lspace", "rspace", "form", "largeop", "movablelimits", "accent"},
    "mi": {"mathvariant"},
    "mtext": {"mathvariant"},
    "mfrac": {"linethickness"},
    "mspace": {"width", "height", "depth"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant"},
    "mpadded": {"width", "height", "depth", "lspace", "voffset"},
    "mtable": {"columnalign", "rowspacing", "columnspacing", "displaystyle"},
    "mtd": {"columnalign", "columnspan", "rowspan"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "menclose": {"notation"},
    "annotation": {"encoding"},
}
#: CSS properties a ``Styler`` table may keep (inlined, per cell): looks only, nothing that loads
#: a URL (``list-style``, ``content``) or leaves the table (``position``, ``transform``, ``z-index``).
#: ``background`` and ``background-image`` stay only as a gradient of plain colours (the bars of
#: ``Styler.bar``), see :data:`_GRADIENT`.
STYLE_PROPERTIES = frozenset(
    """color background-color font-weight font-style font-size font-family font-variant text-align
    vertical-align text-decoration white-space border border-top border-right border-bottom border-left
    border-color border-style border-width border-collapse padding padding-top padding-right
    padding-bottom padding-left width min-width max-width opacity text-transform
    background background-image""".split()
)
_BACKGROUNDS = frozenset({"background", "background-image"})
# A gradient of colours, lengths and percentages: the only functions inside are colours and calc(),
# so no url(), image-set() or anything else that could load a file fits.
_GRADIENT = re.compile(r"^(?:repeating-)?(?:linear|radial|conic)-gradient\("
                       r"(?:[-#%.,\s\w]|(?:rgba?|hsla?|calc)\([-#%.,\s\w+*/]*\))*\)$", re.IGNORECASE)
_SAFE_HREF = re.compile(r"^(https?://|#)", re.IGNORECASE)
# A link to another notebook of the same folder (``02-x.ipynb#Some-heading``): its page is ``02-x.html``.
_NOTEBOOK_HREF = re.compile(r"^(?:\./)?([^/\\:?#\s]+)\.ipynb(?:#(.*))?$", re.IGNORECASE)
# An SVG shown by <img> cannot run scripts or load anything, unlike one inlined in the page.
_SAFE_IMG_SRC = re.compile(r"^(https?://|data:image/(png|jpeg|gif|webp|svg\+xml);base64,)", re.IGNORECASE)
_SAFE_CLASS = re.compile(r"[^A-Za-z0-9_ -]")
_NUMERIC_ATTRS = frozenset({"colspan", "rowspan", "span", "start", "width", "height"})
_NUMERIC = re.compile(r"^\d{1,4}$")
_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
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
    >>> [looks_numeric(t) for t in ["2020-06-10", "SYNA", "12,34", "%", "1.2.3"]]
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
    only when all of them are numeric, and ``fr-text`` when pandas asked for it (``halign="left"``,
    its labels over groups of columns; the attribute, not HTML, is removed).

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
    _tidy_table_node(tables[0])
    return tables[0].html()


def _tidy_table_node(table: _Node) -> None:
    """:func:`tidy_table` on a parsed table, in place."""
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
                halign = cell.get("halign")
                if halign is not None:
                    # pandas' label over a group of columns (MultiIndex) asks to start where its group
                    # starts (halign is not HTML: removed). Right-aligned, the label would sit over the
                    # group's last column, off a phone's screen while the first ones show.
                    cell.attrs = [(k, v) for k, v in cell.attrs if k != "halign"]
                    if halign.strip().lower() == "left":
                        cell.add_class("fr-text")
                        continue
                covered = range(column, column + cell.span("colspan"))
                if all(c in numeric for c in covered):
                    cell.add_class("fr-num")
                elif any(c in kinds for c in covered):
                    cell.add_class("fr-text")


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


# A section heading of a page body: the sanitizer gave it its id ("s-..."), and headings do not nest.
_SECTION_HEADING = re.compile(r'<h([1-6])((?:\s[^>]*)?\sid="s-[^"]*"[^>]*)>(.*?)</h\1>', re.DOTALL)


def shift_headings(body: str, top: int = 2) -> str:
    """Move a page body's section headings so its highest level is ``<h{top}>``, keeping the steps.

    A notebook's ``#`` and ``##`` are two levels of its outline: clamping both to ``<h2>`` (the
    page's ``<h1>`` is its title) would flatten them, so the whole outline moves instead, and a
    notebook whose sections start at ``##`` or ``###`` is laid out as one whose sections start at
    ``#``. Levels below ``<h6>`` stay ``<h6>``. Only headings with a section id (``s-...``, from
    Markdown and raw cells) move; headings inside outputs were already put below the title.

    Examples
    --------
    >>> shift_headings('<h1 id="s-a">A</h1><h2 id="s-b">B</h2><h3>in an output</h3>')
    '<h2 id="s-a">A</h2><h3 id="s-b">B</h3><h3>in an output</h3>'
    >>> shift_headings('<h3 id="s-a">A</h3><h5 id="s-b">B</h5>')
    '<h2 id="s-a">A</h2><h4 id="s-b">B</h4>'
    """
    levels = [int(m.group(1)) for m in _SECTION_HEADING.finditer(body)]
    if not levels or min(levels) == top:
        return body
    step = top - min(levels)

    def move(match: re.Match) -> str:
        level = min(6, int(match.group(1)) + step)
        return f"<h{level}{match.group(2)}>{match.group(3)}</h{level}>"

    return _SECTION_HEADING.sub(move, body)


def notebook_page_name(stem: str) -> str:
    """The file stem of notebook ``stem``'s page: lower case, words joined by hyphens.

    A page name with spaces or capitals makes links with ``%20`` and breaks when the site is
    copied to a file system that ignores case. Accents are dropped from Latin letters
    (``données`` is ``donnees``) so the name has one spelling whatever Unicode form a file system
    stores; letters of other scripts are kept. Two notebooks whose names differ only in case,
    spaces or punctuation get the same page name: the build refuses to write them both.

    Examples
    --------
    >>> notebook_page_name("Rich Output"), notebook_page_name("02_Données (v2)"), notebook_page_name("数据")
    ('rich-output', '02-donnees-v2', '数据')
    """
    folded = "".join(c for c in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(c))
    slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", folded).lower()).strip("-")
    return slug or "page"


#: Page names the site itself uses (``index.html``, ``search.html``): a notebook of that name is
#: published as ``<name>-page.html`` rather than overwrite them (or be overwritten).
RESERVED_PAGES = frozenset({"index", "search"})


def site_page_name(stem: str) -> str:
    """The file stem of notebook ``stem``'s page on the site: :func:`notebook_page_name`, unless
    the site itself uses that name (:data:`RESERVED_PAGES`); links to the notebook follow it.

    Examples
    --------
    >>> site_page_name("Rich Output"), site_page_name("index"), site_page_name("Search")
    ('rich-output', 'index-page', 'search-page')
    """
    slug = notebook_page_name(stem)
    return f"{slug}-page" if slug in RESERVED_PAGES else slug


def notebook_page_href(stem: str, fragment: str | None = None) -> str:
    """Where a link to notebook ``stem`` (and its heading anchor ``fragment``) points on the site.

    Jupyter names a heading's anchor by its text (``#Same-heading``); the page gives the heading
    the id :class:`HeadingIds` makes from the same text, so the link lands on it.

    Examples
    --------
    >>> notebook_page_href("02-math", "Why-it-matters"), notebook_page_href("Rich%20Output"), notebook_page_href("index")
    ('02-math.html#s-why-it-matters', 'rich-output.html', 'index-page.html')
    """
    from urllib.parse import unquote

    return f"{site_page_name(unquote(stem))}.html" + (f"#s-{slugify_heading(unquote(fragment))}" if fragment else "")


def page_href(value: str) -> str | None:
    """What a link's ``href`` becomes on a page: kept, pointed at a notebook's page, or ``None`` (dropped).

    Examples
    --------
    >>> page_href("https://example.org"), page_href("03-x.ipynb"), page_href("data.csv")
    ('https://example.org', '03-x.html', None)
    """
    value = value.strip()
    if _SAFE_HREF.match(value):
        return value
    notebook = _NOTEBOOK_HREF.match(value)
    return notebook_page_href(notebook[1], notebook[2]) if notebook else None


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    """nh3's per-attribute hook: the value checks an allow-list of names cannot express."""
    value = value.strip()
    if name == "href":
        return page_href(value)
    if name == "src":
        return value if tag == "img" and _SAFE_IMG_SRC.match(value) else None
    if name == "class":
        value = _SAFE_CLASS.sub("", value).strip()
        return value or None
    if name in _NUMERIC_ATTRS and tag in _HTML_TAGS:
        return value if _NUMERIC.match(value) else None
    if name == "scope":
        return value if value in {"row", "col", "rowgroup", "colgroup"} else None
    return value


def _inline_styles(markup: str) -> str:
    """Move a fragment's ``<style>`` rules into ``style`` attributes (css-inline), dropping the blocks."""
    import css_inline

    css = "\n".join(_STYLE_BLOCK.findall(markup))
    body = _STYLE_BLOCK.sub("", markup)
    if not css.strip():
        return body
    try:
        return css_inline.inline_fragment(body, css)
    except Exception:  # CSS css-inline cannot parse: the table keeps its content, loses its colours
        return body


def _filter_backgrounds(style: str) -> str:
    """``style`` without any ``background`` that is not a plain gradient (a URL could load a file).

    Examples
    --------
    >>> _filter_backgrounds('width:10em;background:linear-gradient(90deg, #d65f5f 40.0%, transparent 40.0%)')
    'width:10em;background:linear-gradient(90deg, #d65f5f 40.0%, transparent 40.0%)'
    >>> _filter_backgrounds('background-image:url("https://example.org/x.png");color:red')
    'color:red'
    """
    kept = []
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        if name.strip().lower() in _BACKGROUNDS and not _GRADIENT.match(value.strip()):
            continue
        if declaration.strip():
            kept.append(declaration)
    return ";".join(kept)


#: The alt text of an image its author gave none.
MISSING_ALT = "No description has been provided for this image"


def _finish(node: _Node, min_heading: int, heading_ids: HeadingIds | None) -> None:
    """Demote and id headings, drop nbconvert's pilcrow anchors, tidy tables (innermost first),
    give images without alt text one."""
    kept: list[_Node | str] = []
    for child in node.children:
        if isinstance(child, str):
            kept.append(child)
            continue
        if child.tag == "a" and "anchor-link" in (child.get("class") or "").split():
            continue  # nbconvert's pilcrow anchors: our headings carry their own ids
        _finish(child, min_heading, heading_ids)
        if child.tag in _HEADINGS:
            if int(child.tag[1]) < min_heading:
                child.tag = f"h{min_heading}"
            if heading_ids is not None:
                child.attrs = [(k, v) for k, v in child.attrs if k != "id"] + [("id", heading_ids.new(child.text()))]
        if child.tag == "a":
            # A named anchor (<a id="intro"></a>, the old way to make a link target in a notebook):
            # a page-unique id, "s-" prefixed like headings' so it cannot take a page element's id.
            # In outputs (no heading_ids) it is dropped.
            anchor = next((v for k, v in child.attrs if k in ("id", "name") and v), None)
            child.attrs = [(k, v) for k, v in child.attrs if k not in ("id", "name")]
            if child.get("href") is None:  # HTML allows rel only on a link (nh3 adds it to every <a>)
                child.attrs = [(k, v) for k, v in child.attrs if k != "rel"]
            if anchor and heading_ids is not None:
                child.attrs.append(("id", heading_ids.new(anchor)))
        style = child.get("style")
        if style is not None:
            kept_style = _filter_backgrounds(style)
            child.attrs = [(k, v) for k, v in child.attrs if k != "style"]
            if kept_style:
                child.attrs.append(("style", kept_style))
        if child.tag == "table":
            _tidy_table_node(child)
        if child.tag == "img" and not child.get("src"):
            # An image whose address was dropped (a file beside the notebook) shows nothing, and HTML
            # requires src: the reader gets its alt text instead.
            kept.append(child.get("alt") or "")
            continue
        if child.tag == "img" and all(k != "alt" for k, _ in child.attrs):
            # A screen reader reads an image without alt text by its address. Said plainly instead
            # (nbconvert's wording); the author's own alt, even an empty one, is kept.
            child.attrs = child.attrs + [("alt", MISSING_ALT)]
        kept.append(child)
    node.children = kept


def sanitize_html(markup: str, *, min_heading: int = 1, heading_ids: HeadingIds | None = None,
                  keep_styles: bool = False) -> str:
    """Keep only safe, valid HTML from ``markup`` (nh3 with frstory's allow-list).

    Parameters
    ----------
    markup : str
        HTML from a notebook output or rendered Markdown.
    min_heading : int
        Highest heading level allowed: 2 turns an output's ``<h1>`` into ``<h2>``, because the
        page's only ``<h1>`` is the story's title. Markdown cells keep their levels (1) and the
        renderer moves the whole outline below the title with :func:`shift_headings`.
    heading_ids : HeadingIds, optional
        When given, every heading gets a page-unique ``id`` for links to sections.
    keep_styles : bool
        Keep the look of a pandas ``Styler`` table: its ``<style>`` rules are inlined into the
        cells they select and filtered to :data:`STYLE_PROPERTIES`.

    Returns
    -------
    str
        Well-formed HTML: allowed tags only, text escaped, no scripts, styles or event handlers,
        links only ``http(s)://``, ``#fragment`` or ``x.html`` for a notebook ``x.ipynb``.

    Examples
    --------
    >>> sanitize_html('<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">a</a></p>')
    '<p>Hi <a>a</a></p>'
    >>> sanitize_html('<table border="1" class="dataframe"><tr><td>&lt;b&gt;</td><td>1.5</td></tr></table>')
    '<table class="dataframe"><tbody><tr><td class="fr-text">&lt;b&gt;</td><td class="fr-num">1.5</td></tr></tbody></table>'
    """
    attributes = {k: set(v) for k, v in _ATTRIBUTES.items()}
    if keep_styles:
        markup = _inline_styles(markup)
        attributes["*"].add("style")
    clean = nh3.clean(
        markup,
        tags=set(_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes=attributes,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "data"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        filter_style_properties=set(STYLE_PROPERTIES) if keep_styles else None,
    )
    builder = _TreeBuilder()
    builder.feed(clean)
    builder.close()
    _finish(builder.root, min_heading, heading_ids)
    return "".join(html.escape(c, quote=False) if isinstance(c, str) else c.html() for c in builder.root.children)
