"""Ways around the site: a story's table of contents and the previous/next story.

The table of contents is read back from the rendered body (its ``<h2 id=...>`` headings, whose ids
the sanitizer made unique) with the standard library's HTML parser, so it always matches what the
page shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser

__all__ = ["table_of_contents", "neighbours"]


class _Headings(HTMLParser):
    def __init__(self, level: str) -> None:
        super().__init__(convert_charrefs=True)
        self.level = level
        self.found: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == self.level:
            anchor = dict(attrs).get("id")
            self._current = {"id": anchor, "text": ""} if anchor else None

    def handle_endtag(self, tag: str) -> None:
        if tag == self.level and self._current is not None:
            self._current["text"] = " ".join(self._current["text"].split())
            if self._current["text"]:
                self.found.append(self._current)
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current["text"] += data


def table_of_contents(body_html: str, level: int = 2) -> list[dict]:
    """The ``<hN id=...>`` headings of a page body: ``[{"id": ..., "text": ...}, ...]`` in order.

    Headings without an id cannot be linked to and are left out. The text is plain (tags and
    entities resolved); the template escapes it again.

    Examples
    --------
    >>> table_of_contents('<h2 id="a">Why <em>now</em>?</h2><p>x</p><h2>no id</h2><h2 id="b">A &amp; B</h2>')
    [{'id': 'a', 'text': 'Why now?'}, {'id': 'b', 'text': 'A & B'}]
    """
    parser = _Headings(f"h{level}")
    parser.feed(body_html)
    parser.close()
    return parser.found


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
