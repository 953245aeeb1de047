"""Text from data, made safe for the CSVs a story page publishes.

(Markdown has one escaper, :func:`frstory.prose.escape_markdown`: notebooks that print data with
IPython's ``Markdown(...)`` write ``Markdown(f"**{prose.escape_markdown(row.headline)}**")``.)

* :func:`neutralise_csv_cell` and :func:`csv_text`: the "Get the data" CSVs follow the OWASP
  CSV-injection guidance, so a cell such as ``=HYPERLINK(...)`` opens in a spreadsheet as text,
  not as a formula.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable

__all__ = ["neutralise_csv_cell", "csv_text"]

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
