"""Newsroom furniture for every chart: title, subtitle, source, notes, alt text and the data.

All of it is stored in ``fig.layout.meta["frstory"]`` and nowhere else: the publisher shows it as
HTML around the chart, and :func:`frstory.charts.export` draws it on PNG/SVG/HTML exports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from frstory.charts._text import escape_text, link, safe_url, wrap_text
from frstory.charts.theme import FONT_SIZES, TEMPLATE_NAME, register_template
from frstory.errors import ChartInputError

__all__ = ["FURNITURE_DOC", "TABLE_FURNITURE_DOC", "document", "Frame", "Canvas", "prepare", "finish_figure", "chart_data", "json_table", "resolve_template", "EDGE_PX"]

#: Space between the figure edge and the title block / footer, px.
EDGE_PX = 16
#: Space above the plot (or the label bands above it) so the top tick label is not cut.
TOP_PX = 12
_LINE = 1.3  # plotly.js line spacing, in em of the text's font size
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


#: The furniture keywords every chart and table shares, documented once (as plotly.express does)
#: and substituted into each docstring for ``{furniture}`` (charts) or ``{table_furniture}``.
TABLE_FURNITURE_DOC = """title : str, optional
        The headline: the finding in a sentence. Kept in ``fig.layout.meta["frstory"]``; the page
        shows it above the chart and :func:`frstory.charts.export` draws it on static files.
    subtitle : str, optional
        What is plotted: measure, unit and period.
    source : str
        Required: where the data comes from.
    source_url : str, optional
        http(s) link for the source.
    notes : str, optional
        Caveats, shown under the chart.
    alt : str, optional
        Alternative text; when omitted it is written from the data, finding first."""

FURNITURE_DOC = TABLE_FURNITURE_DOC + """
    template : str, plotly Template or None
        ``"frstory"`` (house style), any registered template or combination such as
        ``"frstory+mine"``, or ``None`` for plotly's default.
    width, height : int
        Design size in px. Layouts for narrower screens are computed as well
        (:mod:`frstory.charts.responsive`), so the chart reads from 320 px up."""


def document(func):
    """Substitute the shared furniture documentation for ``{furniture}`` (or ``{table_furniture}``) in ``func``'s docstring."""
    if func.__doc__:
        func.__doc__ = func.__doc__.replace("{furniture}", FURNITURE_DOC).replace("{table_furniture}", TABLE_FURNITURE_DOC)
    return func


@dataclass(frozen=True)
class Frame:
    """Pixel geometry of a figure: size and margins (left, right, top, bottom)."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def plot_width(self) -> float:
        return float(self.width - self.left - self.right)

    @property
    def plot_height(self) -> float:
        return float(self.height - self.top - self.bottom)


def resolve_template(kind: str, template: object) -> object:
    """Check a ``template=`` argument: a registered name (``"a+b"`` combinations too), a Template, or None."""
    if template is None or isinstance(template, (dict, go.layout.Template)):
        return template
    if not isinstance(template, str):
        raise ChartInputError(
            f"{kind}: template must be a template name, a plotly Template or None, got {type(template).__name__}. "
            "Fix: template='frstory' (default), 'plotly_white' or None."
        )
    if TEMPLATE_NAME not in pio.templates:  # someone removed it; put the house style back
        register_template()
    for part in template.split("+"):
        if part not in pio.templates:
            raise ChartInputError(
                f"{kind}: template {part!r} is not registered in plotly.io.templates. Fix: register it first "
                f"(pio.templates[{part!r}] = go.layout.Template(...)) or use one of "
                f"{', '.join(sorted(pio.templates))}."
            )
    return template


def title_block(kind: str, title: str | None, subtitle: str | None, width: int) -> tuple[list[str], list[str], int]:
    """Wrapped title and subtitle lines and the height in px they need above the plot."""
    usable = width - 2 * EDGE_PX
    title_lines = wrap_text(title, usable, FONT_SIZES["title"], bold=True) if title else []
    subtitle_lines = wrap_text(subtitle, usable, FONT_SIZES["subtitle"]) if subtitle else []
    height = EDGE_PX
    height += round(len(title_lines) * _LINE * FONT_SIZES["title"])
    height += 6 + round(len(subtitle_lines) * _LINE * FONT_SIZES["subtitle"]) if subtitle_lines else 0
    return title_lines, subtitle_lines, height + 10


def footer_lines(kind: str, source: str, source_url: str | None, notes: str | None, width: int) -> list[str]:
    """Escaped footer lines: the source (linked when a URL is given), then the notes."""
    usable = width - 2 * EDGE_PX
    lines = []
    for line in (wrap_text(f"Source: {source}", usable, FONT_SIZES["footer"])):
        lines.append(link(line, source_url, what=f"{kind}: source_url") if source_url else escape_text(line))
    if notes:
        lines.extend(escape_text(line) for line in wrap_text(f"Note: {notes}", usable, FONT_SIZES["footer"]))
    return lines


def footer_height(lines: list[str]) -> int:
    return round(len(lines) * _LINE * FONT_SIZES["footer"]) + 12


def json_table(frame: pd.DataFrame) -> dict[str, list]:
    """``{"columns": [...], "rows": [[...], ...]}`` with ISO date strings and ``None`` for missing values.

    A float column whose values are all whole numbers (counts the chart read as floats) is written
    whole, so the "Get the data" CSV reads ``14``, not ``14.0``.

    Examples
    --------
    >>> json_table(pd.DataFrame({"date": pd.to_datetime(["2020-06-10"]), "close": [float("nan")]}))
    {'columns': ['date', 'close'], 'rows': [['2020-06-10', None]]}
    >>> json_table(pd.DataFrame({"stories": [14.0, 3.0], "share": [0.5, 1.0]}))["rows"]
    [[14, 0.5], [3, 1.0]]
    """
    columns: dict[str, list] = {}
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_float_dtype(series.dtype):
            finite = series.dropna()
            if not finite.empty and np.isfinite(finite).all() and (finite == finite.round()).all() \
                    and finite.abs().max() < 2 ** 53:
                series = series.astype("Int64")
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            midnight = series.dropna().dt.normalize().eq(series.dropna()).all()
            fmt = "%Y-%m-%d" if midnight else "%Y-%m-%dT%H:%M:%S"
            values = [None if pd.isna(v) else v.strftime(fmt) for v in series]
        else:
            values = []
            for v in series.tolist():
                if v is None or (not isinstance(v, (str, list, dict)) and pd.isna(v)):
                    values.append(None)
                elif isinstance(v, np.generic):
                    values.append(v.item())
                elif isinstance(v, pd.Timestamp):
                    values.append(v.strftime("%Y-%m-%d"))
                else:
                    values.append(v)
        columns[str(name)] = values
    rows = [list(r) for r in zip(*columns.values(), strict=True)] if columns else []
    return {"columns": list(columns), "rows": rows}


def finish_figure(
    fig: go.Figure,
    *,
    kind: str,
    frame: Frame,
    title: str | None,
    subtitle: str | None,
    source: str,
    source_url: str | None,
    notes: str | None,
    alt: str,
    data: pd.DataFrame,
    template: object,
    title_lines: list[str] | None = None,
    subtitle_lines: list[str] | None = None,
    footer: list[str] | None = None,
) -> go.Figure:
    """Apply size, margins, template and ``meta["frstory"]`` to ``fig``.

    The furniture (title, subtitle, source, notes, alt text) lives only in
    ``meta["frstory"]``: the page shows it as HTML around the chart and
    :func:`frstory.charts.export` draws it on static exports, so nothing is drawn here that a
    publisher would have to delete.
    """
    from frstory.charts._common import flush
    from frstory.charts.responsive import in_narrow_pass

    size = {
        "width": frame.width,
        "height": frame.height,
        "margin": {"l": frame.left, "r": frame.right, "t": frame.top, "b": frame.bottom, "autoexpand": False},
    }
    if in_narrow_pass():  # only the keys a narrower layout can change are kept of this figure
        flush(fig)
        fig.update_layout(**size)
        return fig
    layout: dict[str, Any] = {
        **size,
        "meta": {
            "frstory": {
                "kind": kind,
                "title": title or "",
                "subtitle": subtitle or "",
                "source": source,
                "source_url": source_url or "",
                "notes": notes or "",
                "alt": alt,
                "data": json_table(data),
            }
        },
    }
    if template is not None:
        layout["template"] = template
    flush(fig)
    fig.update_layout(**layout)
    return fig


def chart_data(fig: go.Figure | dict | Any) -> pd.DataFrame:
    """The tidy DataFrame behind a frstory chart, for a "Get the data" CSV.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure or dict
        A figure made by a :mod:`frstory.charts` function (or its ``to_dict()``/JSON form).

    Returns
    -------
    pandas.DataFrame
        The columns and rows stored in ``fig.layout.meta["frstory"]["data"]``; columns holding
        only ISO dates (``YYYY-MM-DD``) are parsed back to datetime64.

    Raises
    ------
    ChartInputError
        When the figure carries no frstory metadata.

    Examples
    --------
    >>> import frstory as fr
    >>> from frstory.charts import price_with_events, chart_data
    >>> prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-30")
    >>> fig = price_with_events(prices, None, tickers=["SYNA"], names={"SYNA": "Syna Inc"}, source="Synthetic example data")
    >>> chart_data(fig).columns.tolist()
    ['date', 'ticker', 'close']
    """
    from frstory.charts.table import Table

    if isinstance(fig, Table):
        return fig.data.copy()
    if not isinstance(fig, (go.Figure, dict)):
        raise ChartInputError(
            f"chart_data: fig must be a figure or table made by frstory.charts, got {type(fig).__name__}. "
            "Fix: pass what a chart function returned, e.g. chart_data(charts.line(...))."
        )
    meta = fig.layout.meta if isinstance(fig, go.Figure) else (fig.get("layout") or {}).get("meta")
    info = meta.get("frstory") if isinstance(meta, dict) else None
    if not isinstance(info, dict) or not isinstance(info.get("data"), dict):
        raise ChartInputError(
            "chart_data: this figure has no layout.meta['frstory']['data']; it was not made by frstory.charts "
            "(or its meta was replaced). Fix: build it with a frstory.charts function."
        )
    table = info["data"]
    frame = pd.DataFrame(table.get("rows", []), columns=table.get("columns", []))
    for name in frame.columns:
        values = frame[name].dropna()
        if len(values) and all(isinstance(v, str) and _ISO_DATE.match(v) for v in values):
            frame[name] = pd.to_datetime(frame[name], format="%Y-%m-%d")
    return frame


def check_source_url(kind: str, source_url: str | None) -> str | None:
    """Validate an optional ``source_url`` (http(s) only)."""
    if source_url is None or source_url == "":
        return None
    return safe_url(source_url, what=f"{kind}: source_url")


@dataclass(frozen=True)
class Canvas:
    """Everything a chart function needs to lay out its figure and finish it with furniture."""

    kind: str
    frame: Frame
    title: str | None
    subtitle: str | None
    source: str
    source_url: str | None
    notes: str | None
    template: object
    title_lines: list[str]
    subtitle_lines: list[str]
    footer: list[str]
    extra_top: int

    @property
    def plot_top_px(self) -> int:
        """Distance from the figure top to where the extra top band (lanes, legend) starts."""
        return self.frame.top - self.extra_top

    def finish(self, fig: go.Figure, *, alt: str | None, auto_alt: str, data: pd.DataFrame) -> go.Figure:
        """Apply the furniture; ``alt`` wins over the generated ``auto_alt`` when given."""
        text = " ".join(str(alt).split()) if alt is not None and str(alt).strip() else auto_alt
        return finish_figure(
            fig,
            kind=self.kind,
            frame=self.frame,
            title=self.title,
            subtitle=self.subtitle,
            source=self.source,
            source_url=self.source_url,
            notes=self.notes,
            alt=text,
            data=data,
            template=self.template,
            title_lines=self.title_lines,
            subtitle_lines=self.subtitle_lines,
            footer=self.footer,
        )


def prepare(
    kind: str,
    *,
    title: str | None,
    subtitle: str | None,
    source: object,
    source_url: str | None,
    notes: str | None,
    template: object,
    width: int,
    height: int,
    left: int = 64,
    right: int = 24,
    extra_top: int = 0,
    axis_room: int = 44,
    extra_bottom: int = 0,
    min_plot_height: int = 120,
    min_plot_width: int = 120,
) -> Canvas:
    """Validate the furniture keywords and work out the margins they need at this size."""
    from frstory.charts._validate import require_source

    source_text = require_source(kind, source)
    url = check_source_url(kind, source_url)
    template = resolve_template(kind, template)
    for name, value in (("width", width), ("height", height)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 200:
            raise ChartInputError(f"{kind}: {name} must be a whole number of pixels >= 200, got {value!r}. Fix: e.g. {name}=900.")
    # Title block and footer are HTML on the page (and drawn by export()), not part of the plot.
    title_lines, subtitle_lines, footer = [], [], []
    bottom = axis_room + extra_bottom
    top = TOP_PX + extra_top
    frame = Frame(int(width), int(height), int(left), int(right), int(top), int(bottom))
    if frame.plot_height < min_plot_height or frame.plot_width < min_plot_width:
        raise ChartInputError(
            f"{kind}: at {width}x{height} px the title, labels and footer leave only "
            f"{frame.plot_width:.0f}x{frame.plot_height:.0f} px for the plot. Fix: pass a larger height= "
            "(or width=), or shorten the title, subtitle and notes."
        )
    return Canvas(kind, frame, title, subtitle, source_text, url and str(source_url).strip(), notes, template,
                  title_lines, subtitle_lines, footer, int(extra_top))
