"""Tables as real HTML tables (not plotly ``go.Table`` traces).

An HTML table is read by screen readers cell by cell, reflows on a phone, can be selected and
copied, and never clips its rows (plotly table traces scroll inside a fixed height, so rows a
story rests on can be hidden). Notebooks and the publisher show it through ``_repr_html_``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from frstory import prose
from frstory.charts._text import safe_url
from frstory.charts._validate import require_source
from frstory.errors import ChartInputError

__all__ = ["Table"]


@dataclass(frozen=True)
class Table:
    """A formatted table with the same furniture as the charts, shown as HTML.

    Parameters
    ----------
    data : pandas.DataFrame
        The tidy numbers behind the table (what :func:`frstory.charts.chart_data` returns).
    header : sequence of str
        Column headings (plain text).
    rows : sequence of sequence of str
        Formatted cell text (plain text, escaped when rendered), one inner sequence per row.
    numeric : sequence of bool
        Per column: numbers (right-aligned, tabular figures) or words.
    title, subtitle, source, source_url, notes, alt : str
        Furniture, as for every chart; ``alt`` summarises the table in one sentence.

    Examples
    --------
    >>> t = Table(pd.DataFrame({"x": [1]}), ["Name", "Value"], [["A <b>", "1.0%"]], [False, True],
    ...           title="One row", source="Synthetic")
    >>> "<caption>" in t._repr_html_() and "A &lt;b&gt;" in t._repr_html_()
    True
    >>> Table(pd.DataFrame({"x": [1]}), ["Name", "Value"], [["A", "1.0%"], ["B"]], [False, True], source="Synthetic")
    Traceback (most recent call last):
    ...
    frstory.errors.ChartInputError: table: row 1 (starting 'B') has 1 cell for 2 headings. Fix: give every row one cell per heading (an empty string for a blank cell).
    """

    data: pd.DataFrame
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    numeric: Sequence[bool]
    title: str = ""
    subtitle: str = ""
    source: str = ""
    source_url: str = ""
    notes: str = ""
    alt: str = ""
    meta: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        require_source("table", self.source)
        width = len(self.header)
        headings = prose.plural(width, "heading")
        if len(self.numeric) != width:
            raise ChartInputError(
                f"table: numeric has {prose.plural(len(self.numeric), 'flag')} for {headings}. "
                f"Fix: pass one True/False per heading, e.g. numeric={[False] + [True] * (width - 1)!r}."
            )
        for i, row in enumerate(self.rows):
            if len(row) != width:
                raise ChartInputError(
                    f"table: row {i} ({_preview(row)}) has {prose.plural(len(row), 'cell')} for {headings}. "
                    "Fix: give every row one cell per heading (an empty string for a blank cell)."
                )
        if self.source_url:
            safe_url(self.source_url, what="table: source_url")

    @property
    def furniture(self) -> dict[str, str]:
        """Title, subtitle, source, notes and alt text, as charts keep them in ``meta["frstory"]``."""
        return {"kind": "table", "title": self.title, "subtitle": self.subtitle, "source": self.source,
                "source_url": self.source_url, "notes": self.notes, "alt": self.alt}

    def to_html(self) -> str:
        """The table as HTML: caption (title, subtitle), header row, body, and source/notes in the footer."""
        e = html.escape
        cls = ["fr-num" if n else "fr-text" for n in self.numeric]
        caption = ""
        if self.title or self.subtitle or self.alt:
            caption = "<caption>" + (f"<strong>{e(self.title)}</strong>" if self.title else "")
            caption += (("<br>" if self.title else "") + f"<span>{e(self.subtitle)}</span>") if self.subtitle else ""
            # Read by screen readers with the caption (and named by the page's table label), not shown.
            caption += f'<span class="fr-table__alt fr-visually-hidden">{e(self.alt)}</span>' if self.alt else ""
            caption += "</caption>"
        head = "".join(f'<th scope="col" class="{c}">{e(h)}</th>' for h, c in zip(self.header, cls))
        body = "".join(
            "<tr>" + "".join(
                (f'<th scope="row" class="{c}">{e(v)}</th>' if i == 0 else f'<td class="{c}">{e(v)}</td>')
                for i, (v, c) in enumerate(zip(row, cls))
            ) + "</tr>"
            for row in self.rows
        )
        source = e(self.source)
        if self.source_url:
            source = f'<a href="{e(safe_url(self.source_url, what="table: source_url"))}">{source}</a>'
        foot = f"Source: {source}" + (f"<br>Note: {e(self.notes)}" if self.notes else "")
        return (f'<table class="fr-table">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
                f'<tfoot><tr><td colspan="{len(self.header)}">{foot}</td></tr></tfoot></table>')

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        frame = pd.DataFrame([list(r) for r in self.rows], columns=list(self.header))
        lines = [self.title] if self.title else []
        lines.append(frame.to_string(index=False))
        lines.append(f"Source: {self.source}")
        return "\n".join(lines)


def _preview(row: Sequence[str]) -> str:
    """A row's first cell, to find it by: ``starting 'Acme'``; ``empty`` for a row of none."""
    cells = list(row)
    if not cells:
        return "empty"
    first = str(cells[0])
    return f"starting {(first[:30] + '…') if len(first) > 30 else first!r}"
