"""Text from data, made safe for the CSVs a story page publishes.

(Markdown has one escaper, :func:`frstory.prose.escape_markdown`: notebooks that print data with
IPython's ``Markdown(...)`` write ``Markdown(f"**{prose.escape_markdown(row.headline)}**")``.)

* :func:`neutralise_csv_cell` and :func:`csv_text`: the "Get the data" CSVs follow the OWASP
  CSV-injection guidance, so a cell such as ``=HYPERLINK(...)`` opens in a spreadsheet as text,
  not as a formula.
* :func:`plain_text`: the words of an HTML fragment (a plotly title, a page body) for places that
  take plain text: alt text, file titles, searching a page for a claim's words.
"""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any, Iterable

__all__ = ["neutralise_csv_cell", "csv_text", "plain_text", "ANSI_ESCAPE"]

_TAG = re.compile(r"<[^>]+>")
#: Terminal colour codes (tracebacks and logging print them): not part of the words.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def plain_text(markup: Any, *, tags_as: str = "") -> str:
    """The text of an HTML fragment: tags dropped (or replaced by ``tags_as``), entities decoded.

    A plotly title (``{"text": ...}``) counts as its text. Input is trusted markup that frstory
    or nbconvert made (plotly's HTML subset, a sanitized page body); the result is text, to be
    escaped again wherever it goes into HTML.

    Examples
    --------
    >>> plain_text({"text": "<b>Shares fell</b> &amp; rose"})
    'Shares fell & rose'
    >>> plain_text("<p>One</p><p>two</p>", tags_as=" ")
    'One  two'
    """
    if isinstance(markup, dict):
        markup = markup.get("text", "")
    return html.unescape(_TAG.sub(tags_as, str(markup or ""))).strip()


#: OWASP: cells starting with these characters are read as formulas by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv_cell(value: Any) -> Any:
    """A CSV cell value that no spreadsheet runs as a formula (OWASP CSV injection).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    ``'``, which spreadsheets show as text. Numbers stay numbers (``-1.5`` is data, not a formula).

    Examples
    --------
    >>> neutralise_csv_cell('=HYPERLINK("http://x","y")'), neutralise_csv_cell(-1.5), neutralise_csv_cell("ok")
    ('\\'=HYPERLINK("http://x","y")', -1.5, 'ok')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(columns: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """CSV for a chart's "Get the data" file: header row, then rows; ``None`` is empty; cells neutralised.

    Examples
    --------
    >>> print(csv_text(["headline", "change"], [["=1+1", -0.5], [None, 2]]), end="")
    headline,change
    '=1+1,-0.5
    ,2
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise_csv_cell(str(c)) for c in columns])
    for row in rows:
        writer.writerow(["" if v is None else neutralise_csv_cell(v) for v in row])
    return buffer.getvalue()
