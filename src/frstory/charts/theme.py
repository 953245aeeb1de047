"""The frstory house style: a plotly template named ``"frstory"``.

Importing :mod:`frstory.charts` registers the template in ``plotly.io.templates`` but never
changes ``plotly.io.templates.default``, so plotly figures you build yourself keep whatever default
you chose.

Extending the house style
-------------------------
Templates combine with ``+`` (later ones win)::

    import plotly.graph_objects as go
    import plotly.io as pio
    import frstory.charts  # registers "frstory"

    pio.templates["mine"] = go.layout.Template(layout={"font": {"size": 15}})
    fig = frstory.charts.price_with_events(prices, events, source="...", template="frstory+mine")

Switch it off with ``template="plotly_white"`` (any registered template) or ``template=None``
(plotly's current default template).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import plotly.graph_objects as go
import plotly.io as pio

__all__ = [
    "TEMPLATE_NAME",
    "colors_for",
    "FONT_STACK",
    "OKABE_ITO",
    "COLORWAY",
    "BACKGROUND",
    "INK",
    "MUTED",
    "GRID",
    "PEER_GREY",
    "BENCHMARK_GREY",
    "EVENT_GREY",
    "SHADE",
    "FONT_SIZES",
    "house_template",
    "register_template",
    "HOUSE_COLORS",
    "color_for",
    "register_colors",
    "DARK_TEMPLATE_NAME",
    "DARK_BACKGROUND",
    "DARK_COLORS",
    "dark_template",
    "dark_figure",
    "dark_svg",
]

TEMPLATE_NAME = "frstory"

#: System font stack: every reader's platform sans serif, with metric-compatible fallbacks.
FONT_STACK = (
    '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    '"Liberation Sans", sans-serif'
)

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish_green": "#009E73",
    "orange": "#E69F00",
    "reddish_purple": "#CC79A7",
    "sky_blue": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}
# Yellow last: it has too little contrast on white for thin lines.
COLORWAY = [
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["orange"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["black"],
    OKABE_ITO["yellow"],
]

#: The page and plot background (dark mode swaps it, like every house colour).
BACKGROUND = "#FFFFFF"
INK = "#222222"
MUTED = "#595959"
GRID = "#E5E5E5"
PEER_GREY = "#ABABAB"
BENCHMARK_GREY = "#5E5E5E"
EVENT_GREY = "#7A7A7A"
SHADE = "rgba(0, 0, 0, 0.07)"

#: The house colour of each known category or entity: the same colour on every chart of every page.
#: Event categories of the events contract are fixed here; a story adds its entities (tickers,
#: groups) with :func:`register_colors`. Anything else gets a colour from its name, never from
#: its position in a chart, so it is also the same everywhere.
HOUSE_COLORS: dict[str, str] = {
    "corporate": OKABE_ITO["blue"],
    "policy": OKABE_ITO["vermillion"],
    "protest": OKABE_ITO["bluish_green"],
    "research": OKABE_ITO["orange"],
    "incident": OKABE_ITO["reddish_purple"],
    "market": OKABE_ITO["sky_blue"],
}
_NAMED_COLORS = COLORWAY[:6]


def register_colors(mapping: dict[str, str]) -> None:
    """Give categories or entities their house colour (for every chart made afterwards).

    Parameters
    ----------
    mapping : dict of str to str
        Name (a category, ticker or group, compared case-insensitively) to a CSS colour.

    Examples
    --------
    >>> register_colors({"SYNA": "#0072B2"})
    >>> color_for("syna")
    '#0072B2'
    """
    for name, colour in mapping.items():
        if not isinstance(colour, str) or not colour.strip():
            from frstory.errors import ChartInputError

            raise ChartInputError(f"register_colors: colour for {name!r} must be a CSS colour string, got {colour!r}.")
        HOUSE_COLORS[str(name).lower()] = colour


def color_for(name: object, colors: dict[str, str] | None = None) -> str:
    """The house colour of a category or entity: ``colors`` first, then the house mapping, then its name.

    Examples
    --------
    >>> color_for("policy")
    '#D55E00'
    >>> color_for("Some group") == color_for("some group")
    True
    """
    return _fixed_color(name, colors) or _NAMED_COLORS[_name_slot(name)]


def _fixed_color(name: object, colors: dict[str, str] | None) -> str | None:
    """The colour ``colors`` or the house mapping gives ``name``, if any."""
    key = str(name).lower()
    if colors:
        for given, colour in colors.items():
            if str(given).lower() == key:
                return colour
    return HOUSE_COLORS.get(key)


def _name_slot(name: object) -> int:
    import zlib

    # A stable hash (not Python's salted hash()), so a name gets the same colour in every process.
    return zlib.crc32(str(name).lower().encode("utf-8")) % len(_NAMED_COLORS)


def colors_for(names: Sequence[object], colors: dict[str, str] | None = None) -> list[str]:
    """The colours of one chart's series: :func:`color_for` each, but no two series alike while colours remain.

    A name's colour comes from its name (so it is the same on every chart), and two names can
    hash to one colour: then the later series takes the next palette colour no other series of
    this chart has. Colours given in ``colors`` or registered with :func:`register_colors` are
    kept as they are.

    Examples
    --------
    >>> color_for("Business") == color_for("Science")
    True
    >>> a, b = colors_for(["Business", "Science"])
    >>> a == color_for("Business") and b != a
    True
    """
    fixed = [_fixed_color(name, colors) for name in names]
    used = {c for c in fixed if c}
    out = []
    for name, colour in zip(names, fixed, strict=True):
        if colour is None:
            start = _name_slot(name)
            free = [_NAMED_COLORS[(start + k) % len(_NAMED_COLORS)] for k in range(len(_NAMED_COLORS))]
            colour = next((c for c in free if c not in used), free[0])
            used.add(colour)
        out.append(colour)
    return out


#: Font sizes in px. Chart functions set these explicitly on the furniture, so the layout
#: arithmetic (label lanes, margins) holds under any template.
FONT_SIZES = {"title": 20, "subtitle": 14, "body": 13, "label": 12, "footer": 12, "tick": 12}


def house_template() -> go.layout.Template:
    """Build the ``frstory`` plotly template.

    Returns
    -------
    plotly.graph_objects.layout.Template
        Typography (system font stack), Okabe–Ito colourway, light horizontal gridlines and
        margins that leave room for the title block and the source/notes footer.

    Examples
    --------
    >>> house_template().layout.colorway[0]
    '#0072B2'
    """
    axis_common = {
        "color": INK,
        "tickfont": {"size": FONT_SIZES["tick"], "color": MUTED},
        "title": {"font": {"size": FONT_SIZES["body"], "color": MUTED}, "standoff": 8},
        "linecolor": "#8C8C8C",
        "tickcolor": "#8C8C8C",
        "gridcolor": GRID,
        "zeroline": False,
        "automargin": True,
    }
    layout = go.Layout(
        font={"family": FONT_STACK, "size": FONT_SIZES["body"], "color": INK},
        title={"font": {"size": FONT_SIZES["title"], "color": INK, "weight": 700}, "x": 0.0, "xanchor": "left"},
        colorway=COLORWAY,
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        xaxis={**axis_common, "showgrid": False, "showline": True, "ticks": "outside", "ticklen": 5},
        yaxis={**axis_common, "showgrid": True, "showline": False, "ticks": ""},
        hoverlabel={"font": {"family": FONT_STACK, "size": 13}, "bgcolor": "#FFFFFF", "bordercolor": "#8C8C8C"},
        hovermode="closest",
        legend={"font": {"size": FONT_SIZES["label"]}, "bgcolor": "rgba(255,255,255,0)", "orientation": "h"},
        margin={"l": 64, "r": 24, "t": 96, "b": 96, "autoexpand": True},
        annotationdefaults={"font": {"size": FONT_SIZES["label"], "color": INK}, "showarrow": False},
        shapedefaults={"line": {"color": EVENT_GREY, "width": 1}},
    )
    data = {
        "scatter": [go.Scatter(line={"width": 2})],
        "bar": [go.Bar(marker={"line": {"width": 0}})],
        "table": [
            go.Table(
                header={"fill": {"color": "#F2F2F2"}, "font": {"color": INK, "size": 13}, "line": {"color": "#D9D9D9"}},
                cells={"fill": {"color": "#FFFFFF"}, "font": {"color": INK, "size": 13}, "line": {"color": "#E5E5E5"}},
            )
        ],
    }
    return go.layout.Template(layout=layout, data=data)


def register_template() -> str:
    """Register (or refresh) the ``frstory`` template in :data:`plotly.io.templates`.

    Leaves ``plotly.io.templates.default`` untouched.

    Returns
    -------
    str
        The template name, ``"frstory"``.

    Examples
    --------
    >>> import plotly.io as pio
    >>> before = pio.templates.default
    >>> register_template()
    'frstory'
    >>> pio.templates.default == before
    True
    """
    pio.templates[TEMPLATE_NAME] = house_template()
    return TEMPLATE_NAME


register_template()


# -- dark mode ----------------------------------------------------------------------------------

DARK_TEMPLATE_NAME = "frstory-dark"
#: The page background of frstory.css in dark mode (the two must agree).
DARK_BACKGROUND = "#16181B"
DARK_INK = "#E8E8E8"
DARK_MUTED = "#A8ABB0"
DARK_GRID = "#33363B"

#: Light colour -> dark colour, for every colour the house style and the chart functions write
#: into a figure. Charts set many colours explicitly (label ink, event lines, shading), so a dark
#: template alone would leave dark text on a dark background: the dark variant of a figure is
#: the same figure with these colours swapped (:func:`dark_figure`; frstory.js applies the same
#: table to live charts). Category colours stay one per category: each keeps its hue and is
#: lightened only where it had less than 4.5:1 contrast on :data:`DARK_BACKGROUND` (blue 3.4:1
#: becomes 5.2:1; sky blue is lightened too so the two blues stay apart; black becomes ink).
DARK_COLORS: dict[str, str] = {
    INK: DARK_INK,
    MUTED: DARK_MUTED,
    GRID: DARK_GRID,
    "#EFEFEF": "#2A2D31",
    "#E3E3E3": "#3A3D42",
    "#D9D9D9": "#3A3D42",
    "#F2F2F2": "#24272B",
    "#B3B3B3": "#7D8085",
    BENCHMARK_GREY: "#9A9A9A",
    EVENT_GREY: "#8F8F8F",
    "#FFFFFF": DARK_BACKGROUND,
    "white": DARK_BACKGROUND,
    "rgba(255,255,255,0.9)": "rgba(22,24,27,0.9)",
    "rgba(255,255,255,0.85)": "rgba(22,24,27,0.85)",
    "rgba(255,255,255,0)": "rgba(22,24,27,0)",
    SHADE: "rgba(255, 255, 255, 0.08)",
    "rgba(0, 0, 0, 0.09)": "rgba(255, 255, 255, 0.10)",
    OKABE_ITO["blue"]: "#3D8FD6",
    OKABE_ITO["sky_blue"]: "#9AD4F5",
    OKABE_ITO["vermillion"]: "#E8743A",
    OKABE_ITO["black"]: DARK_INK,
}
# Colours compared as frstory.js compares them: lower case, without spaces.
_DARK_LOOKUP = {key.replace(" ", "").lower(): value for key, value in DARK_COLORS.items()}


def dark_figure(figure: dict) -> dict:
    """A copy of a figure (as a dict) with every house colour swapped for its dark-mode colour.

    Strings that are not a colour of :data:`DARK_COLORS` are left as they are, so data, text
    and colours a story chose itself are untouched.

    Examples
    --------
    >>> dark_figure({"layout": {"font": {"color": "#222222"}, "title": {"text": "#222222 is a colour"}}})
    {'layout': {'font': {'color': '#E8E8E8'}, 'title': {'text': '#222222 is a colour'}}}
    """
    def swap(value):
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        if isinstance(value, str) and len(value) < 40:
            return _DARK_LOOKUP.get(value.replace(" ", "").lower(), value)
        return value

    return swap(figure)


def _rgba(color: str) -> tuple[int, int, int, float] | None:
    """``(r, g, b, alpha)`` of a CSS colour as the house style writes them (#RGB, #RRGGBB, rgb(), rgba(), white).

    A few lines instead of a colour library: only the forms :data:`DARK_COLORS` uses are needed.
    """
    text = color.replace(" ", "").lower()
    if text == "white":
        return (255, 255, 255, 1.0)
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16), 1.0)
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        return (int(text[1] * 2, 16), int(text[2] * 2, 16), int(text[3] * 2, 16), 1.0)
    found = re.fullmatch(r"rgba?\((\d+),(\d+),(\d+)(?:,([\d.]+))?\)", text)
    if found:
        r, g, b, a = found.groups()
        return (int(r), int(g), int(b), float(a) if a is not None else 1.0)
    return None


def _dark_rgba_table() -> dict[tuple[int, int, int, float], tuple[int, int, int, float]]:
    table = {}
    for light, dark in DARK_COLORS.items():
        source, target = _rgba(light), _rgba(dark)
        if source is not None and target is not None:
            table[source] = target
    return table


_SVG_PAINT = re.compile(r"\b(fill|stroke): rgb\((\d+), (\d+), (\d+)\)(?:; \1-opacity: ([\d.]+))?")


def dark_svg(svg: str) -> str:
    """A light-style chart SVG drawn by plotly.js, in the dark house style, without drawing it again.

    plotly.js writes every colour of a chart as ``fill: rgb(r, g, b); fill-opacity: a`` (or
    ``stroke``), so swapping those pairs by :data:`DARK_COLORS` gives what drawing
    :func:`dark_figure` of the same figure gives, byte for byte up to plotly's random ids (a
    test draws both for every chart of the gallery). Only for figures whose colours all come from
    the house style: a colour plotly.js derives from another (a contrasting label inside a bar)
    would not follow.

    Examples
    --------
    >>> dark_svg('<text style="fill: rgb(34, 34, 34); fill-opacity: 1;">A</text>')
    '<text style="fill: rgb(232, 232, 232); fill-opacity: 1;">A</text>'
    >>> dark_svg('<path style="fill: rgb(0, 0, 0); fill-opacity: 0.09;"/>')
    '<path style="fill: rgb(255, 255, 255); fill-opacity: 0.1;"/>'
    """
    table = _DARK_RGBA

    def swap(match: re.Match) -> str:
        prop, r, g, b, alpha = match.groups()
        key = (int(r), int(g), int(b), float(alpha) if alpha is not None else 1.0)
        target = table.get(key)
        if target is None:
            return match.group(0)
        tr, tg, tb, ta = target
        out = f"{prop}: rgb({tr}, {tg}, {tb})"
        if alpha is not None:
            out += f"; {prop}-opacity: {ta:g}"
        elif ta != 1.0:  # plotly.js would have written the opacity of a translucent colour
            out += f"; {prop}-opacity: {ta:g}"
        return out

    return _SVG_PAINT.sub(swap, svg)


def dark_template() -> go.layout.Template:
    """The ``frstory-dark`` template: the house template with :data:`DARK_COLORS` applied.

    Examples
    --------
    >>> dark_template().layout.paper_bgcolor
    '#16181B'
    """
    return go.layout.Template(dark_figure(house_template().to_plotly_json()))


_DARK_RGBA = _dark_rgba_table()
pio.templates[DARK_TEMPLATE_NAME] = dark_template()
