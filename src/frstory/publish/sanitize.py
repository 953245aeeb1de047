"""An allow-list HTML sanitizer for notebook outputs and Markdown on story pages.

Notebook outputs are built from data (headlines, tickers, table cells), so anything that reaches a
page goes through :func:`sanitize_html`: only harmless tags and attributes survive, ``<script>`` and
``<style>`` are dropped *with their content*, links must be http(s) or in-page anchors, and inline
styles and obsolete presentational attributes (pandas' ``border="1"``) are removed so that pages
pass the HTML checker and look like the rest of the site.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

__all__ = ["sanitize_html", "HeadingIds", "slugify_heading"]

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
    >>> sanitize_html('<table border="1" class="dataframe"><tr><td>&lt;b&gt;</td></tr></table>')
    '<table class="dataframe"><tr><td>&lt;b&gt;</td></tr></table>'
    """
    parser = _Sanitizer(min_heading, heading_ids)
    parser.feed(markup)
    return parser.close_all()
