"""Specification curve: estimates under every analysis choice, sorted, with the choices below.

Simonsohn, Simmons and Nelson (2020), "Specification curve analysis", *Nature Human Behaviour* 4,
1208-1214. The top panel shows each specification's estimate with its interval, sorted from lowest
to highest; the dot matrix below marks, for each specification (column), which option of each
choice (row) it used, so a reader sees at once which choices move the result.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from frstory import prose
from frstory.charts._common import pad_range
from frstory.charts._text import MINUS, escape_text, text_width_px, wrap_text
from frstory.charts._validate import require_filled, require_frame, require_numeric
from frstory.charts.furniture import document, prepare
from frstory.charts.responsive import responsive
from frstory.charts.units import Unit, UnitName, get_unit, series_name
from frstory.charts.theme import FONT_SIZES, INK, MUTED, OKABE_ITO, PEER_GREY
from frstory.errors import ChartInputError

__all__ = ["specification_curve"]

_CHOICE_TITLES = {"estimation": "Estimation window", "excluded": "Left out of estimation", "model": "Model",
                  "benchmark": "Benchmark"}
_ROW_PX = 22
_ROW_PX_WRAPPED = 34


def _label_lines(text: str, max_px: float) -> list[str]:
    """``text`` in at most two lines of ``max_px``: the choice, then its option; else cut with an ellipsis."""
    if text_width_px(text, FONT_SIZES["label"]) <= max_px:
        return [text]
    choice, _, option = text.partition(": ")
    if option and all(text_width_px(t, FONT_SIZES["label"]) <= max_px for t in (choice + ":", option)):
        return [choice + ":", option]
    lines = wrap_text(text, max_px, FONT_SIZES["label"]) or [""]
    if len(lines) <= 2 and all(text_width_px(line, FONT_SIZES["label"]) <= max_px for line in lines):
        return lines
    second = " ".join(lines[1:])
    while second and text_width_px(second + "\u2026", FONT_SIZES["label"]) > max_px:
        second = second[:-1]
    return [lines[0], second.rstrip() + "\u2026"]


@responsive
@document
def specification_curve(
    specs: pd.DataFrame,
    *,
    measure: str | None = "ar_0",
    estimate: str = "estimate",
    low: str = "low",
    high: str = "high",
    significant: str | None = "significant",
    choices: Sequence[str] = ("estimation", "excluded", "model", "benchmark"),
    y_title: str | None = None,
    unit: UnitName | Unit = "points",
    names: dict[str, str] | None = None,
    level: float | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    source_url: str | None = None,
    notes: str | None = None,
    alt: str | None = None,
    template: object = "frstory",
    width: int = 900,
    height: int | None = None,
) -> go.Figure:
    """Estimates with intervals across specifications, sorted, above a dot matrix of the choices.

    Parameters
    ----------
    specs : pandas.DataFrame
        One row per specification (the frame of :func:`frstory.specifications`, or any tidy frame
        with an estimate, its interval and one column per choice). Fractions (0.02 is 2%).
    measure : str or None
        Keep the rows whose ``measure`` column equals this (``"ar_0"`` day 0, ``"car"``); ``None``
        when the frame has one row per specification already.
    estimate, low, high : str
        Columns of the estimate and its interval.
    significant : str or None
        Boolean column: filled markers for significant estimates, hollow for the others.
    choices : sequence of str
        Choice columns drawn in the dot matrix, top to bottom; a column missing from ``specs`` is
        skipped, one with a single option is drawn all the same (the reader sees it was fixed).
    y_title : str, optional
        Axis title of the top panel; default from ``measure``.
    unit : {"points", "percent", "number", ...}
        How the estimates are written on the axis, in the hover and the alt text; default
        percentage points (an abnormal return is a difference of returns). Fractions in.
    names : mapping, optional
        Reader names for option values that are tickers (a benchmark); default
        :func:`frstory.prose.display_name` (``^GSPC``: S&P 500), else the value.
    level : float, optional
        Significance level the ``significant`` column was judged at and the intervals are drawn
        at (a ``1 - level`` interval), for the alt text and the hover; default
        ``specs.attrs["level"]``, else 0.05.
    {furniture}
        ``height`` defaults to fit the choices.

    Returns
    -------
    plotly.graph_objects.Figure
        The estimates (``Scatter`` with error bars), a zero line and one ``Scatter`` of dots per
        choice; ``chart_data(fig)`` gives the sorted specifications with their rank.

    Raises
    ------
    frstory.ChartInputError
        When a column is missing or not numeric, no row matches ``measure``, or no choice column
        is present.

    Examples
    --------
    >>> import pandas as pd
    >>> from frstory.charts import specification_curve
    >>> specs = pd.DataFrame({"estimate": [0.01, -0.02, 0.03], "low": [-0.01, -0.05, 0.005],
    ...                       "high": [0.03, 0.01, 0.055], "significant": [False, False, True],
    ...                       "model": ["Market model", "Constant mean", "Market-adjusted"]})
    >>> fig = specification_curve(specs, measure=None, choices=["model"], source="Synthetic example data")
    >>> [round(float(v), 2) for v in fig.data[0].y]
    [-2.0, 1.0, 3.0]
    >>> fig.layout.meta["frstory"]["alt"].split(";")[0]
    'One of 3 specifications finds an estimate significant at the 5% level'
    """
    kind = "specification_curve"
    the_unit = get_unit(kind, unit)
    from frstory.charts._validate import require_columns

    require_columns(kind, specs, {"estimate": estimate, "low": low, "high": high}, name="specs")
    frame = require_frame(kind, specs, "specs", [estimate, low, high])
    if isinstance(choices, str):
        choices = [choices]
    if measure is not None:
        if "measure" not in frame.columns:
            raise ChartInputError(
                f"{kind}: specs has no 'measure' column to pick {measure!r} from. Fix: pass measure=None when "
                "the frame has one row per specification."
            )
        frame = frame[frame["measure"] == measure]
        if frame.empty:
            raise ChartInputError(
                f"{kind}: no row of specs has measure {measure!r} (it has "
                f"{', '.join(map(repr, pd.unique(specs['measure'])))}). Fix: choose one of those."
            )
    present = [c for c in choices if c in frame.columns]
    if not present:
        raise ChartInputError(
            f"{kind}: none of the choice columns {', '.join(map(repr, choices))} is in specs. Fix: pass choices= "
            "the columns that hold each specification's options."
        )
    frame = frame.assign(**{col: require_numeric(kind, frame, col, "specs") for col in (estimate, low, high)})
    for col in (estimate, low, high, *present):
        # A specification without an estimate (or an option) cannot be placed on the curve or in the matrix.
        require_filled(kind, frame, col, "specs", row="specification",
                       fix="drop the specifications that could not be estimated, or fill it in")
    if significant and significant in frame.columns:
        values = frame[significant]
        flags_ok = pd.api.types.is_bool_dtype(values.dtype) or values.dropna().map(
            lambda v: isinstance(v, (bool, np.bool_)) or (isinstance(v, (int, float, np.integer, np.floating)) and v in (0, 1))).all()
        if not flags_ok:
            bad = values.dropna().iloc[0]
            raise ChartInputError(
                f"{kind}: column {significant!r} of specs must hold True/False, got {bad!r} ({values.dtype}); "
                f"text such as 'False' would count as significant. Fix: specs[{significant!r}] = "
                f"specs[{significant!r}].map({{'True': True, 'False': False}}), or pass significant=None."
            )
    frame = frame.sort_values(estimate, kind="mergesort").reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    flags = (frame[significant].fillna(False).astype(bool).to_numpy() if significant and significant in frame.columns
             else np.zeros(len(frame), bool))

    # Dot-matrix rows: each choice's options in order of appearance, grouped under the choice.
    options: list[tuple[str, str]] = []
    for col in present:
        for value in pd.unique(frame[col].astype(str)):
            options.append((col, value))
    # Option labels get at most 45% of the width; on a phone they wrap to two lines (rows grow to
    # hold them) and a longer second line ends in an ellipsis, so no label runs off the figure.
    room = width * (0.5 if width < 520 else 0.45) - 20
    # Option values that are tickers (a benchmark) reach readers as their names (^GSPC: S&P 500).
    texts = [f"{_CHOICE_TITLES.get(c, c)}: {series_name(v, names)}" for c, v in options]
    wrapped = [_label_lines(t, room) for t in texts]
    label_px = max(text_width_px(line, FONT_SIZES["label"]) for lines in wrapped for line in lines)
    row_px = _ROW_PX if all(len(lines) == 1 for lines in wrapped) else _ROW_PX_WRAPPED
    left = int(min(max(label_px + 20, 120), room + 20))
    matrix_px = row_px * len(options) + 16
    x_title = wrap_text("Specifications, sorted by estimate", width - left - 24 - 8, FONT_SIZES["label"])
    axis_room = 52 + 16 * (len(x_title) - 1)
    if height is None:
        from frstory.charts.furniture import footer_height, footer_lines, title_block
        _, _, top = title_block(kind, title, subtitle, width)
        bottom = axis_room + footer_height(footer_lines(kind, " ".join(str(source or "x").split()), None, notes, width))
        height = int(top + 300 + matrix_px + 40 + bottom)
    canvas = prepare(kind, title=title, subtitle=subtitle, source=source, source_url=source_url, notes=notes,
                     template=template, width=width, height=height, left=left, axis_room=axis_room, min_plot_height=200,
                     min_plot_width=90)
    share = min(0.7, max(0.25, matrix_px / canvas.frame.plot_height))
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06, row_heights=[1 - share, share])

    x = frame["rank"].to_numpy()
    scale = the_unit.scale
    values = scale * frame[estimate].to_numpy()
    lows, highs = scale * frame[low].to_numpy(), scale * frame[high].to_numpy()
    colour = OKABE_ITO["blue"]
    level = float(level if level is not None else getattr(specs, "attrs", {}).get("level", 0.05))
    # The interval is at the level of the frame (fr.specifications(level=0.10) gives 90% intervals), not always 95%.
    confidence = prose.number(100 * (1 - level), decimals=0 if round(100 * (1 - level), 6).is_integer() else 1)
    hover = [f"{' · '.join(escape_text(series_name(r[c], names)) for c in present)}" for _, r in frame.iterrows()]
    # Interval ends written like the axis (prose, through the unit), since a hovertemplate formats only one value per field.
    # Chart text: a minus sign as on the axis (U+2212), not prose's hyphen.
    ends = [[escape_text(the_unit.text(float(a), short=True, decimals=2, minus=MINUS)),
             escape_text(the_unit.text(float(b), short=True, decimals=2, minus=MINUS))]
            for a, b in zip(frame[low], frame[high], strict=True)]
    # Below zero the unit's d3 format would hover a hyphen; hover_points gives the axis's minus.
    value_hover, value_texts = the_unit.hover_points(values)
    if value_texts is not None:
        value_hover = "%{customdata[3]}"
    fig.add_trace(go.Scatter(
        x=x, y=values, mode="markers", name="Estimate",
        marker={"color": [colour if f else "white" for f in flags], "line": {"color": colour, "width": 1.5},
                "size": 7, "symbol": "circle"},
        error_y={"type": "data", "symmetric": False, "array": highs - values, "arrayminus": values - lows,
                 "color": PEER_GREY, "thickness": 1.2, "width": 0},
        customdata=[[a, b, h, *([value_texts[i]] if value_texts is not None else [])]
                    for i, ((a, b), h) in enumerate(zip(ends, hover, strict=True))],
        hovertemplate=(value_hover + f" ({confidence}% interval %{{customdata[0]}} to %{{customdata[1]}})"
                       "<br>%{customdata[2]}<extra></extra>"),
    ), row=1, col=1)
    fig.add_hline(y=0, line={"color": "#8C8C8C", "width": 1}, row=1, col=1)

    y_of = {opt: len(options) - i for i, opt in enumerate(options)}
    for col in present:
        used = frame[col].astype(str)
        fig.add_trace(go.Scatter(
            x=x, y=[y_of[(col, v)] for v in used], mode="markers", name=_CHOICE_TITLES.get(col, col),
            marker={"color": [colour if f else MUTED for f in flags], "size": 6, "symbol": "square"},
            hoverinfo="skip", showlegend=False,
        ), row=2, col=1)
    # Faint guides between choice groups.
    group_edges = [y_of[opt] + 0.5 for i, opt in enumerate(options) if i and options[i - 1][0] != opt[0]]
    for edge in group_edges:
        fig.add_hline(y=edge, line={"color": "#E5E5E5", "width": 1}, row=2, col=1)

    y_low, y_high = pad_range(float(np.nanmin(np.r_[lows, 0.0])), float(np.nanmax(np.r_[highs, 0.0])), 0.08)
    label = y_title or {"ar_0": "Day-0 abnormal return", "car": "Cumulative abnormal return"}.get(measure or "", "Estimate")
    # On a phone the subtitle carries the measure; a rotated title would not fit the short top panel.
    fig.update_yaxes(title_text="" if width < 520 else escape_text(label), **the_unit.axis(),
                     range=[y_low, y_high], row=1, col=1)
    fig.update_yaxes(tickvals=[y_of[o] for o in options],
                     ticktext=["<br>".join(escape_text(line) for line in lines) for lines in wrapped],
                     range=[0.4, len(options) + 0.6], showgrid=False, zeroline=False, row=2, col=1)
    fig.update_xaxes(range=[0.3, len(frame) + 0.7], showgrid=False, showticklabels=False, ticks="", row=1, col=1)
    fig.update_xaxes(title_text="<br>".join(x_title), range=[0.3, len(frame) + 0.7], showgrid=False,
                     tickvals=[], row=2, col=1)
    fig.update_layout(showlegend=False, hovermode="closest", font={"color": INK})

    data = frame[["rank", *present, estimate, low, high, *([significant] if significant in frame.columns else [])]]
    n_sig = int(flags.sum())
    level_text = f"{prose.number(100 * level, decimals=0 if round(100 * level, 6).is_integer() else 1)}% level"
    # Finding first (how many specifications find a significant estimate), then the spread and the matrix.
    n = len(frame)
    judged = bool(significant and significant in frame.columns)
    if not judged:
        # Without a significance column nothing was judged: "none finds an estimate significant" would be false.
        finding = ""
    elif n == 1:
        finding = (f"The one specification {'finds' if n_sig else 'does not find'} its estimate significant at "
                   f"the {level_text}")
    elif n_sig == n:
        finding = f"All {prose.plural(n, 'specification')} find estimates significant at the {level_text}"
    elif n_sig == 0:
        finding = f"None of the {prose.plural(n, 'specification')} finds an estimate significant at the {level_text}"
    else:
        finding = (f"{n_sig} of {prose.plural(n, 'specification')} {'finds' if n_sig == 1 else 'find'} "
                   f"{'an estimate' if n_sig == 1 else 'estimates'} significant at the {level_text}")
    # Mid-sentence the measure loses its capital, but an abbreviation ("CAR", "AR (0)") keeps its own.
    in_sentence = label[:1].lower() + label[1:] if label[1:2].islower() else label
    first, last = (the_unit.text(float(frame[estimate].iloc[i]), signed=True) for i in (0, -1))
    if judged:
        spread = (f"its estimate, {first}, is of the {in_sentence}" if n == 1 else
                  f"the estimates, sorted from {first} to {last}, are of the {in_sentence}")
    else:
        spread = (f"the one specification's estimate, {first}, is of the {in_sentence}" if n == 1 else
                  f"the estimates of the {prose.plural(n, 'specification')}, sorted from {first} to {last}, are of "
                  f"the {in_sentence}")
    markers = "with filled markers for significant estimates" if judged else "without a test of significance"
    auto_alt = (
        f"{prose.sentence(f'{finding}; {spread}' if finding else spread)}. Specification curve "
        f"{markers}; below, a dot matrix shows each specification's "
        f"{prose.join([_CHOICE_TITLES.get(c, c).lower() for c in present])}."
    )
    return canvas.finish(fig, alt=alt, auto_alt=auto_alt, data=data)
