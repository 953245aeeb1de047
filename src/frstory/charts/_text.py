"""Text helpers: escaping for plotly's HTML subset, safe links, width estimates and date wording."""

from __future__ import annotations

import math
import re
import unicodedata
from urllib.parse import quote, urlsplit

import pandas as pd

from frstory import prose
from frstory.errors import ChartInputError

__all__ = [
    "escape_text",
    "escape_template",
    "safe_url",
    "source_site",
    "link",
    "text_width_px",
    "wrap_text",
    "fit_lines",
    "format_date",
    "format_date_range",
    "format_number",
    "shorten",
]

MINUS = "\u2212"


def escape_text(value: object) -> str:
    """Make text from data safe for plotly's HTML-like text rendering.

    plotly.js turns ``<b>``, ``<a>``, ``<br>``, ``<span>`` ... into markup and silently drops
    unknown tags such as ``<script>``; it decodes ``&amp; &lt; &gt;`` (and numeric entities) only
    *after* splitting tags, so escaping those three characters shows the text literally.
    Newlines become spaces, because plotly breaks lines only at ``<br>``.

    Examples
    --------
    >>> escape_text("<b>AT&T</b>")
    '&lt;b&gt;AT&amp;T&lt;/b&gt;'
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def escape_template(value: object) -> str:
    """:func:`escape_text` for text placed inside a hovertemplate (a series name in ``<extra>``).

    plotly fills in ``%{...}`` anywhere in a hovertemplate, so a name from data such as
    "Up %{y}" would show a number instead of itself. Writing the brace as a numeric entity,
    which plotly decodes only after filling the template in, shows it literally.

    Examples
    --------
    >>> escape_template("<b>Up %{y}</b>")
    '&lt;b&gt;Up %&#123;y}&lt;/b&gt;'
    """
    return escape_text(value).replace("%{", "%&#123;")


def safe_url(url: object, *, what: str = "source_url") -> str:
    """Return ``url`` fit for an ``href`` if it is an absolute http(s) link, else raise.

    Characters that could end the attribute or open a tag are percent-encoded.

    Raises
    ------
    ChartInputError
        When the URL is not ``http://`` or ``https://`` with a host.

    Examples
    --------
    >>> safe_url("https://example.org/a b")
    'https://example.org/a%20b'
    """
    text = "" if url is None else str(url).strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ChartInputError(
            f"{what} {text!r} is not an http(s) link; only absolute http:// or https:// URLs are "
            "linked from charts. Fix: give the full https://... address or leave it out."
        )
    return quote(text, safe=":/?#[]@!$&()*+,;=%~-._")


def source_site(url: object, *, what: str = "source_url") -> str:
    """The site of a checked http(s) URL, for hover text: ``nytimes.com``, not a raw address.

    Examples
    --------
    >>> source_site("https://www.example.org/2020/06/a-long-path?x=1")
    'example.org'
    """
    host = urlsplit(safe_url(url, what=what)).hostname or ""
    return host.removeprefix("www.")


def link(text: object, url: object, *, what: str = "source_url") -> str:
    """An escaped plotly ``<a>`` link (http(s) only).

    Examples
    --------
    >>> link("Data <desk>", "https://example.org")
    '<a href="https://example.org" target="_blank">Data &lt;desk&gt;</a>'
    """
    return f'<a href="{safe_url(url, what=what)}" target="_blank">{escape_text(text)}</a>'


# Advance widths in em of Arial/Helvetica/Liberation Sans (the fonts the stack resolves to).
_NARROW = dict.fromkeys("iljI|!.,:;'`", 0.278) | {" ": 0.278, "f": 0.3, "t": 0.3, "r": 0.34}
_PUNCT = dict.fromkeys("-()[]{}/\\\"", 0.34) | {"\u2013": 0.556, "\u2014": 1.0, "\u2026": 1.0}
_WIDE = {"m": 0.833, "w": 0.722, "M": 0.833, "W": 0.944, "@": 1.015, "%": 0.889, "&": 0.667}
#: Margin for fonts wider than Arial (DejaVu Sans is about 10 % wider).
WIDTH_SAFETY = 1.12


def _char_em(ch: str) -> float:
    if ch in _NARROW:
        return _NARROW[ch]
    if ch in _PUNCT:
        return _PUNCT[ch]
    if ch in _WIDE:
        return _WIDE[ch]
    if ch.isdigit():
        return 0.556
    if ch.isupper():
        return 0.70
    if ch.islower():
        return 0.54
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        # Chinese, Japanese and Korean characters (and full-width forms) are set a full em wide.
        return 1.0
    return 0.6


def text_width_px(text: str, font_size: float, *, bold: bool = False) -> float:
    """Estimated rendered width of plain ``text`` in pixels (an upper-leaning estimate).

    Examples
    --------
    >>> 50 < text_width_px("SYNB exits", 12) < 80
    True
    """
    em = sum(_char_em(ch) for ch in text)
    return em * font_size * WIDTH_SAFETY * (1.07 if bold else 1.0)


# A day and its month stay on one line ("1 June", "June 1"), as newspapers set them.
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}) (?=(?:{_MONTHS})\b)|\b((?:{_MONTHS})) (?=\d{{1,2}}\b)")
_GLUE = "\x00"  # not white space to str.split(), unlike a no-break space


def wrap_text(text: str, max_px: float, font_size: float, *, bold: bool = False) -> list[str]:
    """Greedy word wrap of plain text so each line fits ``max_px`` at ``font_size``.

    A day number and its month are never split across lines.

    Examples
    --------
    >>> wrap_text("one two three four", 60, 12)
    ['one two', 'three four']
    >>> wrap_text("indexed to 100 on 1 June 2020", 130, 12)
    ['indexed to 100 on', '1 June 2020']
    """
    glued = _DAY_MONTH.sub(lambda m: (m.group(1) or m.group(2)) + _GLUE, " ".join(str(text).split()))
    return [line.replace(_GLUE, " ") for line in _wrap_words(glued.split(), max_px, font_size, bold=bold)]


def _wrap_words(words: list[str], max_px: float, font_size: float, *, bold: bool) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and text_width_px(candidate.replace(_GLUE, " "), font_size, bold=bold) > max_px:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def fit_lines(text: str, max_px: float, font_size: float, *, max_lines: int = 2, bold: bool = False) -> list[str]:
    """Plain ``text`` in at most ``max_lines`` lines that each fit ``max_px``, cut short with "…" if need be.

    The text wraps at spaces (a day stays with its month, as in :func:`wrap_text`); when it
    does not fit whole, the last line takes the rest, shortened at a word where a whole word
    fits and inside its first word where none does, until it and "…" fit. A single word wider
    than ``max_px`` on an earlier line is shortened the same way. Every line returned fits
    ``max_px`` by :func:`text_width_px`; text that fits whole comes back whole. Pass plain text
    and escape the lines afterwards (:func:`escape_text`), so that no cut falls inside ``&amp;``.

    Parameters
    ----------
    text : str
        Plain (unescaped) text; runs of white space count as one space.
    max_px : float
        Width every line must fit, px.
    font_size : float
        Font size, px.
    max_lines : int
        Most lines to return.
    bold : bool
        Measure bold text.

    Returns
    -------
    list of str
        The lines, none empty; where not even "…" fits ``max_px``, only the lines before it.

    Examples
    --------
    >>> fit_lines("Business and markets", 200, 12)
    ['Business and markets']
    >>> fit_lines("Metro, regional and suburban news from the northern desks", 110, 12)
    ['Metro, regional', 'and suburban…']
    """
    if max_lines < 1:
        raise ValueError(f"fit_lines: max_lines must be at least 1, got {max_lines!r}")
    lines = wrap_text(text, max_px, font_size, bold=bold)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1:])]
    fitted: list[str] = []
    for line in lines:
        if text_width_px(line, font_size, bold=bold) <= max_px:
            fitted.append(line)
            continue
        # shorten() cuts at a word while one fits and inside the first word otherwise; one
        # character less at a time finds the longest cut that fits (widths add up per character).
        for n in range(len(line) - 1, 0, -1):
            cut = shorten(line, n)
            if text_width_px(cut, font_size, bold=bold) <= max_px:
                break
        else:
            return fitted
        fitted.append(cut)
    return fitted


def format_date(value: object, precision: str = "day") -> str:
    """Newsroom date: ``8 June 2020``, or ``June 2020`` for month-precision dates.

    Examples
    --------
    >>> format_date(pd.Timestamp("2020-06-08"))
    '8 June 2020'
    """
    ts = pd.Timestamp(value)
    if precision == "month":
        return f"{ts:%B %Y}"
    return f"{ts.day} {ts:%B %Y}"


def format_date_range(start: object, end: object) -> str:
    """``1 May to 31 July 2020`` (the year once when both dates share it; one day once):
    :func:`frstory.prose.date_range` in words, as chart text and alt text write spans.

    Examples
    --------
    >>> format_date_range("2019-12-02", "2020-01-31"), format_date_range("2020-06-11", "2020-06-11")
    ('2 December 2019 to 31 January 2020', '11 June 2020')
    """
    return prose.date_range(start, end, dash=False)


def format_number(value: float, *, decimals: int = 0, prefix: str = "", suffix: str = "", signed: bool = False) -> str:
    """Thousands separators, a true minus sign and an optional plus sign.

    Examples
    --------
    >>> format_number(-1234.5, decimals=1, prefix="$")
    '−$1,234.5'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = MINUS if value < 0 else ("+" if signed and value > 0 else "")
    return f"{sign}{prefix}{abs(value):,.{decimals}f}{suffix}"


def shorten(text: str, max_chars: int) -> str:
    """Cut ``text`` at a word boundary to at most ``max_chars`` characters, adding an ellipsis.

    Examples
    --------
    >>> shorten("SYNA pauses a product line", 14)
    'SYNA pauses a…'
    >>> shorten("SYNA pauses a product line", 12)  # "pauses" ends exactly at the cut: kept
    'SYNA pauses…'
    """
    text = " ".join(str(text).split())
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    # Drop a word only when the cut falls inside it; a word that ends at the cut stays whole.
    if text[max_chars - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "\u2026"
