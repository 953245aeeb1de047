"""Text from data made safe to inline into Markdown: it prints as itself, never as markup."""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["escape_markdown"]

# Every ASCII punctuation character CommonMark lets a backslash escape and that can start markup:
# emphasis (* _ ~), code (`), links and images ([ ] ( ) !), raw HTML and autolinks (< >), entities
# (&), headings (#), lists (+ -), tables (|), math in Jupyter and nbconvert ($), and the backslash.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-!|~$&])")
# "1. " or "1) " at the start would open an ordered list.
_LIST_NUMBER = re.compile(r"^(\s*\d+)([.)])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A bare http(s) address, which nbconvert's Markdown renderer turns into a link by itself: escaped,
# its backslashes would end up in the address ("a%5C_b") and break it, so it is kept as written.
# It stops before whitespace, quotes, backslashes and angle brackets (no raw HTML can start in it).
_URL = re.compile(r"https?://[^\s<>\"'\\`]+")


def escape_markdown(text: object) -> str:
    """Text from data (a headline, a note, a name) made literal in Markdown.

    Markup characters are backslash-escaped, so ``[link](javascript:x)`` prints as written
    instead of becoming a link, ``![img](x)`` loads no image, ``<script>`` is text, and ``*``,
    ``_`` and ``$`` start no emphasis or math. A bare ``http(s)://`` address is kept as written,
    so the renderer can link it (the only links data may make). Line breaks become spaces so a value cannot open a
    heading, a list or a new paragraph; control characters are dropped. Missing values (None,
    NaN) give ``""``.

    Parameters
    ----------
    text : object
        The value; anything other than a string is converted with ``str``.

    Returns
    -------
    str

    Examples
    --------
    >>> print(escape_markdown("[link](javascript:x) <script> *bold* _it_"))
    \\[link\\]\\(javascript:x\\) \\<script\\> \\*bold\\* \\_it\\_
    >>> print(escape_markdown("1. First"))
    1\\. First
    """
    if text is None or (not isinstance(text, str) and pd.api.types.is_scalar(text) and pd.isna(text)):
        return ""
    flat = re.sub(r"\s*[\r\n]+\s*", " ", _CONTROL.sub("", str(text)))
    pieces, start = [], 0
    for url in _URL.finditer(flat):
        pieces += [_SPECIAL.sub(r"\\\1", flat[start:url.start()]), url.group()]
        start = url.end()
    pieces.append(_SPECIAL.sub(r"\\\1", flat[start:]))
    return _LIST_NUMBER.sub(r"\1\\\2", "".join(pieces))
