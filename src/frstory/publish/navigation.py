"""Ways around the site: a story's table of contents and the previous/next story.

The table of contents is read back from the rendered body (its ``<h2 id=...>`` headings, whose ids
the sanitizer made unique) with the standard library's HTML parser, so it always matches what the
page shows. A story's outline starts at ``<h2>`` (:func:`frstory.publish.sanitize.shift_headings`);
when it has a single ``<h2>`` (a notebook that opens with a heading of its own under its title),
the contents list the sections under it, one level down.
"""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser

__all__ = ["table_of_contents", "neighbours"]


_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class _Headings(HTMLParser):
    def __init__(self, levels: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.levels = levels
        self.found: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.levels:
            anchor = dict(attrs).get("id")
            self._current = {"id": anchor, "text": "", "level": int(tag[1])} if anchor else None

    def handle_endtag(self, tag: str) -> None:
        if tag in self.levels and self._current is not None:
            self._current["text"] = " ".join(self._current["text"].split())
            if self._current["text"]:
                self.found.append(self._current)
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current["text"] += data


def table_of_contents(body_html: str, level: int | None = 2) -> list[dict]:
    """The ``<hN id=...>`` headings of a page body: ``[{"id": ..., "text": ...}, ...]`` in order.

    Headings without an id cannot be linked to and are left out. The text is plain (tags and
    entities resolved); the template escapes it again.

    Parameters
    ----------
    body_html : str
        A rendered page body.
    level : int or None
        The heading level to list (a page's sections are ``<h2>``; when the body has a single one,
        its ``<h3>`` are listed instead, as they are the sections a reader moves between), or
        ``None`` for the headings of every level, each with its ``level``.

    Examples
    --------
    >>> table_of_contents('<h2 id="a">Why <em>now</em>?</h2><p>x</p><h2>no id</h2><h2 id="b">A &amp; B</h2>')
    [{'id': 'a', 'text': 'Why now?'}, {'id': 'b', 'text': 'A & B'}]
    >>> table_of_contents('<h2 id="a">Intro</h2><h3 id="b">One</h3><h3 id="c">Two</h3>')
    [{'id': 'b', 'text': 'One'}, {'id': 'c', 'text': 'Two'}]
    """
    parser = _Headings(_HEADING_TAGS if level is None else (f"h{level}", f"h{level + 1}"))
    parser.feed(body_html)
    parser.close()
    if level is None:
        return parser.found
    top = [h for h in parser.found if h["level"] == level]
    below = [h for h in parser.found if h["level"] == level + 1]
    chosen = below if len(top) == 1 and len(below) > 1 else top
    return [{"id": h["id"], "text": h["text"]} for h in chosen]


def neighbours(pages: Sequence[dict], index: int) -> tuple[dict | None, dict | None]:
    """The previous and next page of ``pages[index]`` (``None`` at either end).

    Examples
    --------
    >>> neighbours([{"slug": "a"}, {"slug": "b"}, {"slug": "c"}], 0)
    (None, {'slug': 'b'})
    """
    previous = pages[index - 1] if index > 0 else None
    following = pages[index + 1] if index + 1 < len(pages) else None
    return previous, following
