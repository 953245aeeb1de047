"""Timeline of events in swim lanes by category."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from frstory.charts._common import date_axis
from frstory.charts._text import escape_text, format_date, format_date_range, safe_url
from frstory.charts._validate import require_dates, require_frame
from frstory.charts.furniture import prepare
from frstory.charts.labels import assign_lanes
from frstory.charts.theme import COLORWAY, FONT_SIZES, MUTED
from frstory.errors import ChartInputError

__all__ = ["timeline", "CATEGORY_ORDER"]

#: Lane order from docs/architecture.md; other categories follow alphabetically.
CATEGORY_ORDER = ("corporate", "policy", "protest", "research", "incident", "market")
MARKER_PX = 11
LANE_HEIGHT_PX = 64


def _stack_offsets(x_px: Sequence[float], min_px: float) -> list[int]:
    """Stack levels within a lane: markers closer than ``min_px`` go on different levels."""
    return assign_lanes([(x - min_px / 2, x + min_px / 2) for x in x_px], gap=0.0)


def _level_offset(level: int, max_level: int) -> float:
    """Vertical offset (in lane units) for a stack level: 0, +s, -s, +2s, -2s ... within ±0.38."""
    if level == 0:
        return 0.0
    rungs = (max_level + 1) // 2
    step = min(0.19, 0.38 / max(rungs, 1))
    k = (level + 1) // 2
    return k * step if level % 2 else -k * step


def timeline(
    events: pd.DataFrame,
    *,
    categories: Sequence[str] | None = None,
    start: object = None,
    end: object = None,
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
    """Events as markers in one swim lane per category across the years.

    Markers that would touch on crowded dates are stacked within their lane; events whose date
    is known only to the month are hollow (and say so in the hover); periods with an
    ``end_date`` get a bar to their end. Hover shows the headline, date, actor and source URL.

    Parameters
    ----------
    events : pandas.DataFrame
        Events in the :func:`frstory.load_events` format (needs ``date``, ``category`` and
        ``headline``; uses ``date_precision``, ``actor``, ``source_url``, ``end_date`` and ``id``).
    categories : sequence of str, optional
        Lanes top to bottom; default: the categories present, in the contract's order.
    start, end : date, optional
        x-axis limits; default the events' span with a margin.
    title, subtitle, source, source_url, notes, alt, template, width
        Furniture and size; ``source`` is required.
    height : int, optional
        Default fits the lanes.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import frstory as fr
    >>> from frstory.charts import timeline
    >>> fig = timeline(fr.synthetic_events(), source="Synthetic example data (frstory.examples)")
    >>> list(fig.layout.yaxis.ticktext)
    ['Corporate', 'Policy', 'Protest', 'Research', 'Market']
    """
    kind = "timeline"
    frame = require_frame(kind, events, "events", ["date", "category", "headline"])
    dates = require_dates(kind, frame, "date", "events")
    ends = require_dates(kind, frame, "end_date", "events", allow_missing=True) if "end_date" in frame.columns else None
    frame = frame.assign(_date=dates, _end=ends if ends is not None else pd.NaT).reset_index(drop=True)
    if frame["category"].isna().any():
        position = int(np.flatnonzero(frame["category"].isna().to_numpy())[0])
        raise ChartInputError(f"{kind}: column 'category' of events is empty in row {position}. Fix: fill in a category.")
    present = list(dict.fromkeys(frame["category"].astype(str)))
    if categories is None:
        lanes = [c for c in CATEGORY_ORDER if c in present] + sorted(c for c in present if c not in CATEGORY_ORDER)
    else:
        lanes = list(categories)
        # Events outside the chosen lanes are left out on purpose (e.g. a policy-only timeline).
        frame = frame[frame["category"].astype(str).isin(lanes)].reset_index(drop=True)
        if frame.empty:
            raise ChartInputError(f"{kind}: none of the events is in categories {lanes}. Fix: use some of {present}.")
    first = frame["_date"].min()
    last = max(frame["_date"].max(), frame["_end"].max() if frame["_end"].notna().any() else frame["_date"].max())
    span = max(last - first, pd.Timedelta(days=30))
    x0 = pd.Timestamp(start) if start is not None else first - span * 0.03
    x1 = pd.Timestamp(end) if end is not None else last + span * 0.03

    precision = frame["date_precision"].astype(str) if "date_precision" in frame.columns else pd.Series("day", index=frame.index)
    has_month = bool((precision == "month").any())
    if height is None:
        # Measure the furniture on a tall canvas, then fit the height to the lanes; a lane with
        # many events on one date gets the room to stack them without touching.
        probe = prepare(kind, title=title, subtitle=subtitle, source=source, source_url=source_url, notes=notes,
                        template=template, width=width, height=2000, left=96, extra_top=26, axis_room=40)
        scale = probe.frame.plot_width / (x1 - x0).total_seconds()
        deepest = 1
        for category in lanes:
            lane_dates = frame.loc[frame["category"].astype(str) == category, "_date"].sort_values()
            levels = _stack_offsets([(d - x0).total_seconds() * scale for d in lane_dates], MARKER_PX + 2)
            deepest = max(deepest, max(levels, default=0) + 1)
        lane_height = max(LANE_HEIGHT_PX, round(deepest * (MARKER_PX + 2) / 0.8))
        height = probe.frame.top + probe.frame.bottom + lane_height * len(lanes) + 20
    canvas = prepare(kind, title=title, subtitle=subtitle, source=source, source_url=source_url, notes=notes,
                     template=template, width=width, height=height, left=96, extra_top=26, axis_room=40,
                     min_plot_height=40 * len(lanes))
    plot_width = canvas.frame.plot_width
    to_px = plot_width / (x1 - x0).total_seconds()

    fig = go.Figure()
    rows = []
    for lane_index, category in enumerate(lanes):
        y_base = len(lanes) - 1 - lane_index
        colour = COLORWAY[lane_index % len(COLORWAY)]
        sub = frame[frame["category"].astype(str) == category].sort_values("_date", kind="stable")
        if sub.empty:
            continue
        x_px = [((d - x0).total_seconds()) * to_px for d in sub["_date"]]
        levels = _stack_offsets(x_px, MARKER_PX + 2)
        max_level = max(levels)
        offsets = [_level_offset(lv, max_level) for lv in levels]
        for is_month in (False, True):
            mask = [(p == "month") == is_month for p in precision[sub.index]]
            part = sub[mask]
            if part.empty:
                continue
            ys = [y_base + off for off, m in zip(offsets, mask, strict=True) if m]
            custom = []
            for _, row in part.iterrows():
                p = "month" if is_month else "day"
                when = format_date(row["_date"], p)
                if pd.notna(row["_end"]):
                    when += f" to {format_date(row['_end'])}"
                if is_month:
                    when += " (only the month is known)"
                actor = escape_text(row["actor"]) if "actor" in part.columns and pd.notna(row["actor"]) else ""
                url = ""
                if "source_url" in part.columns and pd.notna(row["source_url"]) and str(row["source_url"]).strip():
                    event_id = row["id"] if "id" in part.columns else f"row {row.name}"
                    url = "Source: " + escape_text(safe_url(row["source_url"], what=f"{kind}: events column 'source_url' for event {event_id}"))
                custom.append([escape_text(row["headline"]), escape_text(when), actor, url])
                rows.append({
                    "date": row["_date"], "end_date": row["_end"], "date_precision": p, "category": category,
                    "actor": row["actor"] if "actor" in part.columns else None, "headline": row["headline"],
                    "source_url": row["source_url"] if "source_url" in part.columns else None,
                    "id": row["id"] if "id" in part.columns else None,
                })
            fig.add_trace(go.Scatter(
                x=part["_date"], y=ys, mode="markers",
                name=escape_text(category.capitalize()) + (" (month only)" if is_month else ""),
                legendgroup=category, showlegend=False,
                # Hollow = a white-filled circle with a thick outline ("circle-open" would take
                # its outline colour from marker.color and cannot be filled).
                marker={"size": MARKER_PX, "color": "#FFFFFF" if is_month else colour, "symbol": "circle",
                        "line": {"color": colour, "width": 2.5 if is_month else 1}},
                customdata=custom,
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<br>%{customdata[3]}<extra></extra>",
            ))
        for _, row in sub[sub["_end"].notna()].iterrows():
            fig.add_shape(type="rect", xref="x", yref="y", x0=row["_date"], x1=row["_end"], y0=y_base - 0.12, y1=y_base + 0.12,
                          fillcolor=colour, opacity=0.25, line={"width": 0}, layer="below")
    # Key for filled and hollow markers, shown only when both kinds occur.
    if has_month:
        for name, fill in (("Exact date", MUTED), ("Only the month is known", "#FFFFFF")):
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, showlegend=True, hoverinfo="skip",
                                     marker={"size": MARKER_PX, "symbol": "circle", "color": fill,
                                             "line": {"color": MUTED, "width": 2.5}}))
    fig.update_layout(
        xaxis={**date_axis((x0, x1)), "showgrid": True, "gridcolor": "#EFEFEF"},
        yaxis={"range": [-0.6, len(lanes) - 0.4], "tickvals": list(range(len(lanes)))[::-1],
               "ticktext": [escape_text(c.capitalize()) for c in lanes], "showgrid": True, "zeroline": False,
               "fixedrange": True, "tickfont": {"size": FONT_SIZES["body"], "color": "#222222"}},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1, "yanchor": "bottom", "yref": "paper"},
        showlegend=has_month, hovermode="closest",
    )
    data = pd.DataFrame(rows).sort_values(["date", "category"], kind="stable").reset_index(drop=True)
    counts = data["category"].value_counts()
    busiest = counts.index[0]
    auto_alt = (
        f"Timeline of {len(data)} events in {len(lanes)} categories ({', '.join(lanes)}), "
        f"{format_date_range(data['date'].min(), data['date'].max())}; most events: {busiest} ({counts.iloc[0]})"
        + (f"; {int((data['date_precision'] == 'month').sum())} dated to the month only" if has_month else "")
        + "."
    )
    return canvas.finish(fig, alt=alt, auto_alt=auto_alt, data=data)
