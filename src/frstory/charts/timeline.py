"""Timeline of events in swim lanes by category."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from frstory import prose
from frstory.charts._common import (
    KEY_BELOW_PX,
    KEY_LABEL_CHARS,
    _number_labels,
    add_numbered_key,
    batched,
    date_axis,
    numbered_key_height,
    numbered_key_lines,
)
from frstory.charts._text import (
    escape_text,
    fit_lines,
    format_date,
    source_site,
    shorten,
    text_width_px,
)
from frstory.charts._validate import require_dates, require_filled, require_frame, to_timestamp
from frstory.charts.furniture import document, prepare
from frstory.charts.responsive import responsive
from frstory.charts.labels import LABEL_PAD_PX, assign_lanes, layout_marker_labels
from frstory.charts.theme import FONT_SIZES, INK, MUTED, colors_for
from frstory.errors import ChartInputError

__all__ = ["AUTO_LABEL_MAX_EVENTS", "AUTO_LABEL_SHORT_RANGE_DAYS", "CATEGORY_ORDER", "timeline"]

#: Lane order from docs/architecture.md; other categories follow alphabetically.
CATEGORY_ORDER = ("corporate", "policy", "protest", "research", "incident", "market")
MARKER_PX = 11
LANE_HEIGHT_PX = 64
#: ``labels="auto"`` labels a view showing at most this many events ...
AUTO_LABEL_MAX_EVENTS = 20
#: ... or one whose x-range is at most this many days long (and shows at most twice as many events).
AUTO_LABEL_SHORT_RANGE_DAYS = 92
#: Labelled lanes: height of one row (a marker and its label), and the padding above and below a lane's rows.
ROW_PX = 20
LANE_PAD_PX = 7
#: Rows closer than this (after a user-given ``height`` squeezes them) would print labels on top of each other.
MIN_ROW_PX = 16
LANE_RULE = "#E3E3E3"


def _upper_first(text: str) -> str:
    """``policy`` -> ``Policy`` but ``US Congress`` stays as it is (str.capitalize would write ``Us congress``)."""
    return text[:1].upper() + text[1:]


def _stack_offsets(x_px: Sequence[float], min_px: float, clear_to_px: Sequence[float] | None = None) -> list[int]:
    """Stack levels within a lane: markers closer than ``min_px`` go on different levels.

    With ``clear_to_px`` (per marker, the right end of its period's bar, or its own ``x``), a
    marker also keeps its level clear up to there, so no later marker sits on the bar.

    Examples
    --------
    >>> _stack_offsets([0, 5, 30], 13)
    [0, 1, 0]
    >>> _stack_offsets([0, 30], 13, clear_to_px=[50, 30])
    [0, 1]
    """
    ends = x_px if clear_to_px is None else clear_to_px
    return assign_lanes([(x - min_px / 2, max(x + min_px / 2, end)) for x, end in zip(x_px, ends, strict=True)], gap=0.0)


def _level_offset(level: int, max_level: int) -> float:
    """Vertical offset (in lane units) for a stack level: 0, +s, -s, +2s, -2s ... within ±0.38."""
    if level == 0:
        return 0.0
    rungs = (max_level + 1) // 2
    step = min(0.19, 0.38 / max(rungs, 1))
    k = (level + 1) // 2
    return k * step if level % 2 else -k * step


def _shown(frame: pd.DataFrame, x0: pd.Timestamp, x1: pd.Timestamp) -> pd.Series:
    """Events visible in ``[x0, x1]``: the date, or any part of a period, falls inside it."""
    last = frame["_end"].where(frame["_end"].notna(), frame["_date"])
    return (frame["_date"] <= x1) & (last >= x0)


def _want_labels(kind: str, labels: object, n_shown: int, x0: pd.Timestamp, x1: pd.Timestamp) -> bool:
    if labels is True or labels is False:
        return bool(labels)
    if labels != "auto":
        raise ChartInputError(f"{kind}: labels must be True, False or 'auto', got {labels!r}. Fix: labels='auto' (default).")
    short = (x1 - x0) <= pd.Timedelta(days=AUTO_LABEL_SHORT_RANGE_DAYS)
    return n_shown <= AUTO_LABEL_MAX_EVENTS or (short and n_shown <= 2 * AUTO_LABEL_MAX_EVENTS)


#: Lane names take at most this share of the chart's width (in up to two lines) before they are shortened.
LANE_NAME_SHARE = 0.36


def _lane_names(lanes: list[str], width: int) -> tuple[list[str], int]:
    """Escaped lane names (wrapped to two lines within :data:`LANE_NAME_SHARE` of ``width``) and the left margin they need.

    A fixed 96 px margin cut longer names off at the chart's left edge ("…with a long name").

    Examples
    --------
    >>> _lane_names(["policy", "protest"], 280)
    (['Policy', 'Protest'], 96)
    >>> _lane_names(["court rulings and appeals"], 280)
    (['Court rulings<br>and appeals'], 96)
    """
    size = FONT_SIZES["body"]
    room = max(96.0, LANE_NAME_SHARE * width) - 12
    names, widest = [], 0.0
    for lane in lanes:
        lines = fit_lines(_upper_first(str(lane)), room, size)
        widest = max([widest, *(text_width_px(line, size) for line in lines)])
        names.append("<br>".join(escape_text(line) for line in lines))
    return names, max(96, int(np.ceil(widest)) + 12)


@dataclass(frozen=True)
class _LanePlan:
    """Where one labelled lane's markers and labels go, in px down from the top of its content.

    ``y_of`` maps each event of the lane to its marker's centre; each label names the events
    ``members`` and is drawn at ``date`` (``None``: its one member's marker), anchored ``anchor``
    and shifted ``xshift`` px, with its text's centre ``y`` px down.
    """

    y_of: dict[int, float]
    labels: list[tuple[list[int], str, str, float, pd.Timestamp | None, float]]
    height: float


def _word_rows(
    frame: pd.DataFrame, lanes: list[str], label_text: pd.Series, shown: pd.Series,
    x0: pd.Timestamp, x1: pd.Timestamp, plot_width: float,
) -> list[_LanePlan]:
    """Each event with its own label beside its marker, markers and labels in rows that never overlap."""
    to_px = plot_width / (x1 - x0).total_seconds()
    offset = MARKER_PX / 2 + LABEL_PAD_PX
    plans = []
    for category in lanes:
        sub = frame[(frame["category"].astype(str) == category) & shown].sort_values("_date", kind="stable")
        anchors = [max(d, x0) for d in sub["_date"]]
        clear_to = [None if pd.isna(e) else min(e, x1) for e in sub["_end"]]
        placed = layout_marker_labels(
            [(a - x0).total_seconds() * to_px for a in anchors], list(label_text[sub.index]), plot_width,
            font_size=FONT_SIZES["label"], marker_px=MARKER_PX,
            keep_clear_to_px=[None if c is None else (c - x0).total_seconds() * to_px for c in clear_to],
        )
        y_of = {index: (item.row + 0.5) * ROW_PX for index, item in zip(sub.index, placed, strict=True)}
        labels = [([index], item.text, item.anchor, offset if item.anchor == "left" else -offset, None, y_of[index])
                  for index, item in zip(sub.index, placed, strict=True) if item.text]
        plans.append(_LanePlan(y_of, labels, (max((item.row for item in placed), default=0) + 1) * ROW_PX))
    return plans


def _numbered_rows(
    frame: pd.DataFrame, lanes: list[str], shown: pd.Series, x0: pd.Timestamp, x1: pd.Timestamp, plot_width: float,
) -> tuple[list[int], list[_LanePlan]]:
    """Numbers for a narrow plot: the events in key order, and each lane's rows of numbers over its markers.

    Events are numbered lane by lane (top to bottom), in date order within a lane, so the
    events of one lane have consecutive numbers and close ones can share one label ("5–9", by
    :func:`frstory.charts._common._number_labels`, as on the other charts' event labels) that
    names just them. A number per marker in rows of their own stacked twelve events of three
    weeks into twelve rows on a phone. The labels take at most a few rows above the lane's
    markers, which are stacked only where they would touch (or sit on a period's bar).
    """
    to_px = plot_width / (x1 - x0).total_seconds()
    step = MARKER_PX + 2
    order: list[int] = []
    plans = []
    for category in lanes:
        sub = frame[(frame["category"].astype(str) == category) & shown].sort_values("_date", kind="stable")
        anchors = [max(d, x0) for d in sub["_date"]]
        xs = [(a - x0).total_seconds() * to_px for a in anchors]
        ends = [x if pd.isna(e) else (min(e, x1) - x0).total_seconds() * to_px for x, e in zip(xs, sub["_end"], strict=True)]
        levels = _stack_offsets(xs, step, ends)
        groups, texts, boxes, at = _number_labels(anchors, (x0, x1), plot_width, first=len(order) + 1)
        label_rows = max((box.lane for box in boxes), default=-1) + 1
        members = list(sub.index)
        order.extend(members)
        y_of = {index: label_rows * ROW_PX + (level + 0.5) * step for index, level in zip(members, levels, strict=True)}
        labels = [([members[i] for i in group], text, box.anchor,
                    {"left": LABEL_PAD_PX, "right": -LABEL_PAD_PX}.get(box.anchor, 0.0), date,
                    (label_rows - box.lane - 0.5) * ROW_PX)
                  for group, text, box, date in zip(groups, texts, boxes, at, strict=True)]
        plans.append(_LanePlan(y_of, labels, label_rows * ROW_PX + (max(levels, default=-1) + 1) * step))
    return order, plans


@responsive
@document
def timeline(
    events: pd.DataFrame,
    *,
    categories: Sequence[str] | None = None,
    start: object = None,
    end: object = None,
    labels: bool | Literal["auto"] = "auto",
    label_column: str = "headline",
    max_label_chars: int = 64,
    colors: dict[str, str] | None = None,
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

    With labels, every event in view gets a short label beside its marker (to its right, or to
    its left near the right edge). Each lane then holds rows: an event and its label share a row,
    and two events share a row only when their markers, labels and bars are clear of each other,
    so no labels overlap, within a lane or across lanes; lanes grow to hold their rows. Labels
    are computed from estimated text widths at this ``width`` and x-range and never run past the
    plot area (a label with no room on either side is shortened further). Label text comes from
    data and is escaped; hovering over a label shows its marker's hover text.

    A plot narrower than :data:`frstory.charts._common.KEY_BELOW_PX` (a phone) has no room for
    words: events are numbered lane by lane, in date order within a lane, and listed in a key
    under the chart. Close events of a lane share one number label ("5–9") centred over their
    markers, which hovers with every event it names; a lane's numbers take at most a few rows
    (two as a rule) above its markers, which are stacked only where they would touch.

    Parameters
    ----------
    events : pandas.DataFrame
        Events in the :func:`frstory.load_events` format (needs ``date``, ``category`` and
        ``headline``; uses ``date_precision``, ``actor``, ``source_url``, ``end_date`` and ``id``).
    categories : sequence of str, optional
        Lanes top to bottom; default: the categories present, in the contract's order.
    start, end : date, optional
        x-axis limits; default the events' span with a margin.
    labels : bool or "auto"
        Label the markers. ``"auto"`` (default) labels a view showing at most
        ``AUTO_LABEL_MAX_EVENTS`` (20) events, or at most 40 events in an x-range of at most
        ``AUTO_LABEL_SHORT_RANGE_DAYS`` (92) days, and leaves a crowded overview (say 50 events
        over years) to hover; with a given ``height`` too small for the rows it leaves labels off,
        where ``labels=True`` raises.
    label_column : str
        Events column the labels come from (missing values fall back to ``headline``).
    max_label_chars : int
        Longest label; longer ones are cut at a word with an ellipsis.
    colors : dict of str to str, optional
        Colours for some categories/entities, overriding the house mapping (:func:`frstory.charts.theme.color_for`).
    {furniture}
        ``height`` defaults to fit the lanes.

    Returns
    -------
    plotly.graph_objects.Figure
        Labels are annotations named ``frstory-timeline-label-<id>``; ``chart_data`` is the
        same with or without them.

    Examples
    --------
    >>> import frstory as fr
    >>> from frstory.charts import timeline
    >>> fig = timeline(fr.synthetic_events(), source="Synthetic example data (frstory.examples)")
    >>> list(fig.layout.yaxis.ticktext)
    ['Corporate', 'Policy', 'Protest', 'Research', 'Market']
    >>> fig.layout.meta["frstory"]["alt"].split(",")[0]
    'Policy events are the most frequent: 4 of 10 events'
    >>> labelled = timeline(fr.synthetic_events(), labels=True, source="Synthetic example data")
    >>> sum(a.name.startswith("frstory-timeline-label-") for a in labelled.layout.annotations)
    10
    """
    kind = "timeline"
    frame = require_frame(kind, events, "events", ["date", "category", "headline"])
    dates = require_dates(kind, frame, "date", "events")
    ends = require_dates(kind, frame, "end_date", "events", allow_missing=True) if "end_date" in frame.columns else None
    frame = frame.assign(_date=dates, _end=ends if ends is not None else pd.NaT).reset_index(drop=True)
    require_filled(kind, frame, "category", "events", fix="fill in a category")
    # The headline is every event's hover text and its label's fallback, as on the other charts' event marks.
    require_filled(kind, frame, "headline", "events", fix="fill in the headline")
    present = list(dict.fromkeys(frame["category"].astype(str)))
    if categories is None:
        lanes = [c for c in CATEGORY_ORDER if c in present] + sorted(c for c in present if c not in CATEGORY_ORDER)
    else:
        lanes = [categories] if isinstance(categories, str) else list(categories)
        # Events outside the chosen lanes are left out on purpose (e.g. a policy-only timeline).
        frame = frame[frame["category"].astype(str).isin(lanes)].reset_index(drop=True)
        if frame.empty:
            raise ChartInputError(f"{kind}: none of the events is in categories {lanes}. Fix: use some of {present}.")
    first = frame["_date"].min()
    last = max(frame["_date"].max(), frame["_end"].max() if frame["_end"].notna().any() else frame["_date"].max())
    span = max(last - first, pd.Timedelta(days=30))
    x0 = to_timestamp(kind, start, "start") if start is not None else first - span * 0.03
    x1 = to_timestamp(kind, end, "end") if end is not None else last + span * 0.03
    if x0 >= x1:
        raise ChartInputError(
            f"{kind}: start ({x0.date()}) must come before end ({x1.date()}). Fix: swap them or widen the dates."
        )

    precision = frame["date_precision"].astype(str) if "date_precision" in frame.columns else pd.Series("day", index=frame.index)
    has_month = bool((precision == "month").any())
    if not isinstance(max_label_chars, (int, np.integer)) or isinstance(max_label_chars, bool) or max_label_chars < 2:
        raise ChartInputError(f"{kind}: max_label_chars must be a whole number >= 2, got {max_label_chars!r}. Fix: e.g. max_label_chars=40.")
    shown = _shown(frame, x0, x1)
    # The marker key (exact date / month only) sits above the plot: one row, or two on a phone.
    narrow = width < 520
    legend_px = 46 if has_month else 8  # plotly may wrap even a short horizontal legend to two rows
    labelled = _want_labels(kind, labels, int(shown.sum()), x0, x1)
    lane_names, left = _lane_names(lanes, int(width))
    # Measure the furniture on a tall canvas: margins and plot width do not depend on the height.
    probe = prepare(kind, title=title, subtitle=subtitle, source=source, source_url=source_url, notes=notes,
                    template=template, width=width, height=2000, left=left, extra_top=legend_px, axis_room=40)
    # A marker on the first or last date must not be cut by the plot's edge: on a phone, whose lane
    # names leave a plot of some 160 px, 3% of the span is only a few pixels.
    room = MARKER_PX / 2 + 2
    if (start is None or end is None) and probe.frame.plot_width > 4 * room:
        margin = max(span * 0.03, span * (room / (probe.frame.plot_width - 2 * room)))
        x0 = x0 if start is not None else first - margin
        x1 = x1 if end is not None else last + margin
        shown = _shown(frame, x0, x1)
    lane_px: list[float] = []
    plans: list[_LanePlan] = []
    numbered = False
    key_lines: list[str] = []
    key_px = 0
    if labelled:
        if label_column not in frame.columns:
            raise ChartInputError(
                f"{kind}: events has no column {label_column!r} for the labels (it has "
                f"{', '.join(map(repr, map(str, frame.columns)))}). Fix: label_column='headline' or labels=False."
            )
        text = frame[label_column].where(frame[label_column].notna(), frame["headline"])
        label_text = pd.Series(["" if pd.isna(t) else shorten(str(t), int(max_label_chars)) for t in text], index=frame.index)
        numbered = probe.frame.plot_width < KEY_BELOW_PX
        if numbered:
            # Too narrow for words beside the markers: numbers, and a numbered key below.
            order, plans = _numbered_rows(frame, lanes, shown, x0, x1, probe.frame.plot_width)
            # The key wraps, so it gives each label in full (beside the markers they stop at max_label_chars).
            key_lines = numbered_key_lines([shorten(" ".join(str(text[i]).split()), max(int(max_label_chars), KEY_LABEL_CHARS))
                                            for i in order], int(width))
            key_px = numbered_key_height(key_lines)
        else:
            plans = _word_rows(frame, lanes, label_text, shown, x0, x1, probe.frame.plot_width)
        # A lane is never lower than 40 px, the room a category name needs (and prepare's minimum).
        lane_px = [max(plan.height + 2 * LANE_PAD_PX, 40) for plan in plans]
        if height is None:
            height = max(200, probe.frame.top + probe.frame.bottom + round(sum(lane_px)) + key_px)
        elif (height - probe.frame.top - probe.frame.bottom) / sum(lane_px) * ROW_PX < MIN_ROW_PX:
            need = probe.frame.top + probe.frame.bottom + round(sum(lane_px) * MIN_ROW_PX / ROW_PX)
            if labels is True:
                raise ChartInputError(
                    f"{kind}: at height={height} px the rows of labelled events would be closer than "
                    f"{MIN_ROW_PX} px. Fix: height=None (fits the rows), height>={need}, or labels=False."
                )
            labelled, key_lines, key_px = False, [], 0
    if height is None:
        # Fit the height to the lanes; a lane with many events on one date gets the room to
        # stack them without touching.
        scale = probe.frame.plot_width / (x1 - x0).total_seconds()
        deepest = 1
        for category in lanes:
            lane_dates = frame.loc[frame["category"].astype(str) == category, "_date"].sort_values()
            levels = _stack_offsets([(d - x0).total_seconds() * scale for d in lane_dates], MARKER_PX + 2)
            deepest = max(deepest, max(levels, default=0) + 1)
        lane_height = max(LANE_HEIGHT_PX, round(deepest * (MARKER_PX + 2) / 0.8))
        height = max(200, probe.frame.top + probe.frame.bottom + lane_height * len(lanes) + 20)
    canvas = prepare(kind, title=title, subtitle=subtitle, source=source, source_url=source_url, notes=notes,
                     template=template, width=width, height=height, left=left, extra_top=legend_px, axis_room=40,
                     extra_bottom=key_px, min_plot_height=40 * len(lanes))
    plot_width = canvas.frame.plot_width
    to_px = plot_width / (x1 - x0).total_seconds()
    if labelled:
        # The y-axis counts pixels of the fitted layout from the bottom; lane tops run down from the top.
        total_px = float(sum(lane_px))
        lane_tops = [total_px - float(sum(lane_px[:i])) for i in range(len(lanes))]
        lane_centres = [top - size / 2 for top, size in zip(lane_tops, lane_px, strict=True)]

    fig = batched(go.Figure())
    rows = []
    # Each event's hover text and annotation name, for the labels drawn after the markers.
    hover_of: dict[int, str] = {}
    name_of: dict[int, object] = {}
    for lane_index, (category, colour) in enumerate(zip(lanes, colors_for(lanes, colors), strict=True)):
        y_base = len(lanes) - 1 - lane_index
        sub = frame[frame["category"].astype(str) == category].sort_values("_date", kind="stable")
        if sub.empty:
            continue
        if labelled:
            # The lane's content is centred in it; events outside the x-range (clipped away) go to its first row.
            plan = plans[lane_index]
            content_top = lane_tops[lane_index] - (lane_px[lane_index] - plan.height) / 2
            first_y = min(plan.y_of.values(), default=ROW_PX / 2)
            y_of = {index: content_top - plan.y_of.get(index, first_y) for index in sub.index}
        else:
            x_px = [((d - x0).total_seconds()) * to_px for d in sub["_date"]]
            levels = _stack_offsets(x_px, MARKER_PX + 2)
            max_level = max(levels)
            y_of = {index: y_base + _level_offset(lv, max_level) for index, lv in zip(sub.index, levels, strict=True)}
        for is_month in (False, True):
            mask = [(p == "month") == is_month for p in precision[sub.index]]
            part = sub[mask]
            if part.empty:
                continue
            ys = [y_of[index] for index in part.index]
            custom = []
            for index, row in part.iterrows():
                p = "month" if is_month else "day"
                when = format_date(row["_date"], p)
                if pd.notna(row["_end"]):
                    when += f" to {format_date(row['_end'])}"
                if is_month:
                    when += " (only the month is known)"
                # Optional lines carry their own <br>, so a missing actor or source leaves no blank line.
                actor = "<br>" + escape_text(row["actor"]) if "actor" in part.columns and pd.notna(row["actor"]) and str(row["actor"]).strip() else ""
                url = ""
                if "source_url" in part.columns and pd.notna(row["source_url"]) and str(row["source_url"]).strip():
                    event_id = row["id"] if "id" in part.columns else f"row {row.name}"
                    url = "<br>Source: " + escape_text(source_site(row["source_url"], what=f"{kind}: events column 'source_url' for event {event_id}"))
                custom.append([escape_text(row["headline"]), escape_text(when), actor, url])
                hover_of[index] = f"<b>{custom[-1][0]}</b><br>" + "".join(custom[-1][1:])
                name_of[index] = row["id"] if "id" in part.columns and pd.notna(row["id"]) else f"row-{index}"
                rows.append({
                    "date": row["_date"], "end_date": row["_end"], "date_precision": p, "category": category,
                    "actor": row["actor"] if "actor" in part.columns else None, "headline": row["headline"],
                    "source_url": row["source_url"] if "source_url" in part.columns else None,
                    "id": row["id"] if "id" in part.columns else None,
                })
            fig.add_trace(go.Scatter(
                x=part["_date"], y=ys, mode="markers",
                name=escape_text(_upper_first(category)) + (" (month only)" if is_month else ""),
                legendgroup=category, showlegend=False,
                # Hollow = a white-filled circle with a thick outline ("circle-open" would take
                # its outline colour from marker.color and cannot be filled).
                marker={"size": MARKER_PX, "color": "#FFFFFF" if is_month else colour, "symbol": "circle",
                        "line": {"color": colour, "width": 2.5 if is_month else 1}},
                customdata=custom,
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}%{customdata[2]}%{customdata[3]}<extra></extra>",
            ))
        for index, row in sub[sub["_end"].notna()].iterrows():
            if labelled:
                # A numbered lane stacks its markers MARKER_PX + 2 apart: a bar stays within its level.
                bar_y, half_bar = y_of[index], 0.4 * (MARKER_PX + 2) if numbered else 0.35 * ROW_PX
            else:
                bar_y, half_bar = y_base, 0.12
            fig.add_shape(type="rect", xref="x", yref="y", x0=row["_date"], x1=row["_end"], y0=bar_y - half_bar,
                          y1=bar_y + half_bar, fillcolor=colour, opacity=0.25, line={"width": 0}, layer="below")
    for lane_index, plan in enumerate(plans if labelled else []):
        content_top = lane_tops[lane_index] - (lane_px[lane_index] - plan.height) / 2
        for members, text, anchor, xshift, date, y in plan.labels:
            # A number shared by close events hovers with every one of them.
            fig.add_annotation(
                x=max(frame.at[members[0], "_date"], x0) if date is None else date, xref="x",
                y=content_top - y, yref="y", xanchor=anchor, yanchor="middle", xshift=xshift,
                text=escape_text(text), hovertext="<br><br>".join(hover_of[i] for i in members), showarrow=False,
                align="left", font={"size": FONT_SIZES["label"], "color": INK},
                name=f"frstory-timeline-label-{name_of[members[0]]}",
            )
    add_numbered_key(fig, key_lines, left_margin=96, below_px=40)
    # Key for filled and hollow markers, shown only when both kinds occur.
    if has_month:
        for name, fill in (("Exact date", MUTED), ("Only the month is known", "#FFFFFF")):
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, showlegend=True, hoverinfo="skip",
                                     marker={"size": MARKER_PX, "symbol": "circle", "color": fill,
                                             "line": {"color": MUTED, "width": 2.5}}))
    ticks = {"ticktext": lane_names, "zeroline": False, "fixedrange": True,
             "tickfont": {"size": FONT_SIZES["body"], "color": "#222222"}}
    if labelled:
        # Rules between lanes instead of a grid line through each lane, which would strike through labels.
        for top in lane_tops[1:]:
            fig.add_shape(type="line", xref="paper", x0=0, x1=1, yref="y", y0=top, y1=top,
                          line={"color": LANE_RULE, "width": 1}, layer="below")
        yaxis = {"range": [0, total_px], "tickvals": lane_centres, "showgrid": False, **ticks}
    else:
        yaxis = {"range": [-0.6, len(lanes) - 0.4], "tickvals": list(range(len(lanes)))[::-1], "showgrid": True, **ticks}
    fig.update_layout(
        xaxis={**date_axis((x0, x1), plot_width), "showgrid": True, "gridcolor": "#EFEFEF"},
        yaxis=yaxis,
        # On a phone the key starts under the lane names, not at the plot, whose width it would overrun.
        legend={"orientation": "h", "x": -(left - 8) / plot_width if narrow else 1, "xanchor": "left" if narrow else "right", "y": 1,
                "yanchor": "bottom", "yref": "paper"},
        showlegend=has_month, hovermode="closest",
    )
    data = pd.DataFrame(rows).sort_values(["date", "category"], kind="stable").reset_index(drop=True)
    # Finding first (which kind of event is most frequent), then the span and the lanes.
    counts = data["category"].value_counts()
    top = [str(c) for c in counts.index if counts[c] == counts.iloc[0]]
    n = len(data)
    each = " each" if len(top) > 1 else ""
    finding = (f"{prose.join([_upper_first(t) if i == 0 else t for i, t in enumerate(top)])} "
               f"{'events are' if len(top) > 1 or counts.iloc[0] != 1 else 'event is'} the most frequent: "
               f"{prose.number(counts.iloc[0])}{each} of {prose.plural(n, 'event')}")
    if n == 1 or len(top) == len(lanes) and len(top) > 1:
        finding = f"{prose.plural(n, 'event')}, {prose.number(counts.iloc[0])} in each category" if n > 1 else "One event"
    month_only = int((data["date_precision"] == "month").sum())
    auto_alt = (
        f"{prose.sentence(finding)}, {prose.date_range(data['date'].min(), data['date'].max(), dash=False)}. Timeline in "
        f"{prose.plural(len(lanes), 'category')} ({prose.join(lanes)})"
        + (f"; {prose.plural(month_only, 'event')} dated to the month only" if has_month else "")
        + "."
    )
    return canvas.finish(fig, alt=alt, auto_alt=auto_alt, data=data)
