"""Static exports (PNG, SVG, PDF, standalone HTML) that carry the furniture and the alt text.

On a page the furniture is HTML around the chart; a static file has no page, so this module
draws the title, subtitle, source and notes on the figure, at the requested width, using the
chart's own layout for that width (:mod:`frstory.charts.responsive`) so nothing is clipped. The
alt text travels with the file: SVG ``<title>``/``<desc>``, PNG ``Title``/``Description`` text
chunks, and an ``aria-label`` plus a visible caption in standalone HTML.
"""

from __future__ import annotations

import html
import os
import struct
import tempfile
import zlib
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from frstory.charts._text import escape_text, link, wrap_text
from frstory.charts.responsive import figure_for_width
from frstory.charts.theme import FONT_SIZES, MUTED
from frstory.errors import ChartInputError

__all__ = ["export", "with_furniture", "furniture_figure"]

EDGE_PX = 16
_LINE = 1.3
_FORMATS = {".png", ".svg", ".pdf", ".html", ".htm"}


def _furniture(fig: go.Figure | dict) -> dict:
    from frstory.charts.table import Table

    if isinstance(fig, Table):
        raise ChartInputError(
            "export: a frstory Table is an HTML table, not a figure, so it has no image to write. "
            "Fix: write table.to_html() to a file, or chart the numbers with charts.bar."
        )
    if not isinstance(fig, (go.Figure, dict)):
        raise ChartInputError(
            f"export: fig must be a figure made by frstory.charts, got {type(fig).__name__}. "
            "Fix: pass the figure a chart function returned, e.g. export(charts.line(...), 'chart.svg')."
        )
    meta = fig.layout.meta if isinstance(fig, go.Figure) else (fig.get("layout") or {}).get("meta")
    info = meta.get("frstory") if isinstance(meta, dict) else None
    if not isinstance(info, dict):
        raise ChartInputError(
            "export: this figure has no layout.meta['frstory'] (it was not made by frstory.charts). "
            "Fix: build it with a frstory.charts function, or use fig.write_image for plain plotly figures."
        )
    return info


def with_furniture(fig: go.Figure, width: int | None = None) -> go.Figure:
    """A copy of ``fig`` laid out for ``width`` px with its title, subtitle, source and notes drawn on it.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A figure made by a :mod:`frstory.charts` function.
    width : int, optional
        Width in px; default the width the chart was made for.

    Returns
    -------
    plotly.graph_objects.Figure
        Taller than ``fig`` by the title block and footer; the plot area keeps its size.

    Examples
    --------
    >>> import frstory as fr
    >>> from frstory import charts
    >>> prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-30")
    >>> fig = charts.price_with_events(prices, tickers="SYNA", names={"SYNA": "Syna Inc"}, title="A title", source="Synthetic")
    >>> drawn = with_furniture(fig, width=360)
    >>> drawn.layout.width, drawn.layout.title.text
    (360, 'A title')
    """
    return go.Figure(furniture_figure(fig, width))


def furniture_figure(fig: go.Figure | dict, width: int | None = None) -> dict:
    """:func:`with_furniture` as a plain figure dict, without building a ``go.Figure``.

    The publisher draws every chart's download images from it (validating each through
    plotly's object model was most of their cost in Python).

    Examples
    --------
    >>> import frstory as fr
    >>> from frstory import charts
    >>> prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-30")
    >>> fig = charts.price_with_events(prices, tickers="SYNA", names={"SYNA": "Syna Inc"}, title="A title", source="Synthetic")
    >>> furniture_figure(fig, width=360)["layout"]["title"]["text"]
    'A title'
    """
    info = _furniture(fig)
    own_width = fig.layout.width if isinstance(fig, go.Figure) else (fig.get("layout") or {}).get("width")
    # "is None", not "or": width=0 is a mistake to report, not a request for the default.
    width = int(width if width is not None else (own_width or info.get("width") or 900))
    if width < 200:
        raise ChartInputError(f"export: width must be at least 200 px, got {width}. Fix: width=360 or wider.")
    out = figure_for_width(fig, width)
    layout = out["layout"]
    usable = width - 2 * EDGE_PX
    title_lines = wrap_text(info.get("title") or "", usable, FONT_SIZES["title"], bold=True)
    subtitle_lines = wrap_text(info.get("subtitle") or "", usable, FONT_SIZES["subtitle"])
    top = EDGE_PX + round(len(title_lines) * _LINE * FONT_SIZES["title"])
    subtitle_top = top + 6
    top += (6 + round(len(subtitle_lines) * _LINE * FONT_SIZES["subtitle"])) if subtitle_lines else 0
    top += 10
    footer = []
    source_url = info.get("source_url") or None
    for line in wrap_text(f"Source: {info.get('source', '')}", usable, FONT_SIZES["footer"]):
        footer.append(link(line, source_url, what="export: source_url") if source_url else escape_text(line))
    if info.get("notes"):
        footer.extend(escape_text(line) for line in wrap_text(f"Note: {info['notes']}", usable, FONT_SIZES["footer"]))
    bottom = round(len(footer) * _LINE * FONT_SIZES["footer"]) + 12
    margin = dict(layout.get("margin") or {})
    old_top, old_bottom, left = int(margin.get("t") or 0), int(margin.get("b") or 0), int(margin.get("l") or 0)
    height = int(layout.get("height") or 500) + top + bottom
    layout["height"] = height
    layout["margin"] = {**margin, "t": old_top + top, "b": old_bottom + bottom}
    annotations = list(layout.get("annotations") or [])
    if title_lines:
        title = layout.get("title") if isinstance(layout.get("title"), dict) else {}
        layout["title"] = {
            **title,
            "text": "<br>".join(escape_text(t) for t in title_lines), "x": (EDGE_PX + 2) / width, "xref": "container",
            "xanchor": "left", "y": 1 - EDGE_PX / height, "yref": "container", "yanchor": "top",
            "font": {**(title.get("font") or {}), "size": FONT_SIZES["title"], "weight": 700},
        }
    if subtitle_lines:
        annotations.append(dict(
            text="<br>".join(escape_text(t) for t in subtitle_lines), name="frstory-subtitle", showarrow=False,
            xref="paper", x=0, xanchor="left", xshift=-(left - EDGE_PX), align="left",
            yref="paper", y=1, yanchor="top", yshift=old_top + top - subtitle_top,
            font={"size": FONT_SIZES["subtitle"], "color": MUTED},
        ))
    annotations.append(dict(
        text="<br>".join(footer), name="frstory-footer", showarrow=False, align="left",
        xref="paper", x=0, xanchor="left", xshift=-(left - EDGE_PX),
        yref="paper", y=0, yanchor="bottom", yshift=-(old_bottom + bottom - 8),
        font={"size": FONT_SIZES["footer"], "color": MUTED},
    ))
    layout["annotations"] = annotations
    return out


def _png_text_chunk(keyword: str, text: str) -> bytes:
    # iTXt (UTF-8) chunk, uncompressed: keyword, null, flag 0, method 0, empty language and translated keyword.
    body = keyword.encode("latin-1") + b"\x00\x00\x00\x00\x00" + text.encode("utf-8")
    return struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body) & 0xFFFFFFFF)


def _png_with_text(png: bytes, title: str, description: str) -> bytes:
    """Insert Title and Description text chunks right after the PNG header chunk (IHDR)."""
    ihdr_end = 8 + 4 + 4 + 13 + 4
    chunks = b"".join(_png_text_chunk(k, v) for k, v in (("Title", title), ("Description", description)) if v)
    return png[:ihdr_end] + chunks + png[ihdr_end:]


def _svg_with_text(svg: str, title: str, description: str) -> str:
    """Put ``<title>`` and ``<desc>`` first inside the root ``<svg>`` and point ``aria-labelledby`` at them."""
    start = svg.find("<svg")
    end = svg.find(">", start)
    if start < 0 or end < 0:
        return svg
    root = svg[start:end]
    if root.endswith("/"):
        return svg
    tag = root + ' role="img" aria-labelledby="frstory-title frstory-desc"'
    inner = (f'<title id="frstory-title">{html.escape(title or description)}</title>'
             f'<desc id="frstory-desc">{html.escape(description)}</desc>')
    return svg[:start] + tag + ">" + inner + svg[end + 1:]


def _standalone_html(fig: go.Figure, info: dict, include_plotlyjs: bool | str) -> str:
    div = pio.to_html(fig, include_plotlyjs=include_plotlyjs, full_html=False, config={"displaylogo": False})
    e = html.escape
    title = info.get("title") or "Chart"
    caption = [f"<p>{e(info['notes'])}</p>"] if info.get("notes") else []
    caption.append(f"<p>Source: {e(info.get('source', ''))}</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n"
        "<style>body { margin: 0; font-family: system-ui, sans-serif; } figure { margin: 0; } "
        "figcaption { padding: 0 16px; font-size: 0.85rem; color: #595959; }</style>\n"
        "</head>\n<body>\n<figure>\n"
        f'<div role="img" aria-label="{e(info.get("alt", ""))}">{div}</div>\n'
        f'<figcaption><p>{e(info.get("alt", ""))}</p>{"".join(caption)}</figcaption>\n'
        "</figure>\n</body>\n</html>\n"
    )


def _write_atomically(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(
    fig: go.Figure,
    path: str | os.PathLike,
    *,
    width: int | None = None,
    scale: float = 2.0,
    include_plotlyjs: bool | str = True,
) -> Path:
    """Write a chart to PNG, SVG, PDF or standalone HTML at ``width`` px, furniture and alt text included.

    The chart is laid out again for ``width`` (its layout for the widest breakpoint that fits,
    see :mod:`frstory.charts.responsive`), then its title, subtitle, source and notes are drawn
    around the plot, so a narrow export is re-flowed, not clipped.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A figure made by a :mod:`frstory.charts` function.
    path : path-like
        Target file; the format comes from its suffix (``.png``, ``.svg``, ``.pdf``, ``.html``).
    width : int, optional
        Width in px (CSS pixels); default the width the chart was made for.
    scale : float
        Pixel density of PNG exports (2 = sharp on high-density screens).
    include_plotlyjs : bool or str
        HTML only: as in :func:`plotly.io.to_html` (``True`` inlines plotly.js so the file works
        offline).

    Returns
    -------
    pathlib.Path
        The file written (atomically: a failed export leaves no partial file).

    Raises
    ------
    ChartInputError
        Unknown suffix, a figure not made by frstory.charts, or a width below 200 px.

    Examples
    --------
    >>> import frstory as fr, tempfile, pathlib
    >>> from frstory import charts
    >>> prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-30")
    >>> fig = charts.price_with_events(prices, tickers="SYNA", names={"SYNA": "Syna Inc"}, title="Syna in June", source="Synthetic")
    >>> out = charts.export(fig, pathlib.Path(tempfile.mkdtemp()) / "syna.html", width=360)
    >>> "<title>Syna in June</title>" in out.read_text()
    True
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in _FORMATS:
        raise ChartInputError(
            f"export: cannot tell the format of {target.name!r} from its suffix. Fix: end the name in .png, .svg, "
            ".pdf or .html."
        )
    info = _furniture(fig)
    drawn = with_furniture(fig, width)
    alt = str(info.get("alt") or "")
    title = str(info.get("title") or "")
    if suffix in {".html", ".htm"}:
        payload = _standalone_html(drawn, info, include_plotlyjs).encode("utf-8")
    else:
        image = pio.to_image(drawn, format=suffix[1:], width=drawn.layout.width, height=drawn.layout.height,
                             scale=scale if suffix == ".png" else 1)
        if suffix == ".svg":
            payload = _svg_with_text(image.decode("utf-8"), title, alt).encode("utf-8")
        elif suffix == ".png":
            payload = _png_with_text(image, title, alt)
        else:
            payload = image
    _write_atomically(target, payload)
    return target
