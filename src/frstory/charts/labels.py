"""Label placement that never collides: lanes for event labels, spreading for line-end labels.

plotly places annotations exactly where it is told and does not avoid overlaps (plotly.js
#4674), so the chart functions compute pixel positions themselves from estimated text widths at
the figure's width and its x-range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from frstory.charts._text import shorten, text_width_px

__all__ = [
    "LABEL_PAD_PX",
    "LabelBox",
    "MarkerLabel",
    "assign_lanes",
    "layout_event_labels",
    "layout_marker_labels",
    "spread_positions",
]

#: Horizontal room between the event line and its label, and between labels in one lane.
LABEL_PAD_PX = 4.0


@dataclass(frozen=True)
class LabelBox:
    """Where one event label goes: its lane (0 = nearest the plot) and pixel extent on the x-axis."""

    lane: int
    x0_px: float
    x1_px: float
    anchor: str  # "left": text runs right from the event line; "right": it runs left


def assign_lanes(intervals: Sequence[tuple[float, float]], gap: float = 6.0) -> list[int]:
    """Give each ``(x0, x1)`` interval the lowest lane where it clears the previous one by ``gap``.

    Greedy interval partitioning in order of left edge: optimal in the number of lanes for
    intervals, and labels that share a lane never overlap.

    Examples
    --------
    >>> assign_lanes([(0, 50), (20, 70), (60, 90)])
    [0, 1, 0]
    """
    order = sorted(range(len(intervals)), key=lambda i: (intervals[i][0], intervals[i][1]))
    lane_ends: list[float] = []
    lanes = [0] * len(intervals)
    for i in order:
        x0, x1 = intervals[i]
        for lane, end in enumerate(lane_ends):
            if x0 >= end + gap:
                lanes[i] = lane
                lane_ends[lane] = x1
                break
        else:
            lanes[i] = len(lane_ends)
            lane_ends.append(x1)
    return lanes


def layout_event_labels(
    dates: Sequence[pd.Timestamp],
    labels: Sequence[str],
    x_range: tuple[pd.Timestamp, pd.Timestamp],
    plot_width_px: float,
    *,
    font_size: float = 12,
    gap: float = 6.0,
) -> list[LabelBox]:
    """Place short labels next to vertical event lines in non-overlapping lanes.

    A label runs to the right of its line unless that would cross the plot's right edge, in
    which case it runs to the left.

    Parameters
    ----------
    dates : sequence of Timestamp
        Event dates on the x-axis.
    labels : sequence of str
        Plain (unescaped) label text, one per date.
    x_range : (Timestamp, Timestamp)
        The axis range the figure sets.
    plot_width_px : float
        Width of the plotting area in pixels (figure width minus left and right margins).
    font_size : float
        Label font size in px.
    gap : float
        Minimum horizontal space between labels in one lane, px.

    Returns
    -------
    list of LabelBox

    Examples
    --------
    >>> days = pd.to_datetime(["2020-06-08", "2020-06-10", "2020-06-11"])
    >>> boxes = layout_event_labels(days, ["SYNB exits", "SYNA pauses", "SYNC pledges"],
    ...                             (pd.Timestamp("2020-05-01"), pd.Timestamp("2020-07-31")), 800)
    >>> sorted(b.lane for b in boxes)
    [0, 1, 2]
    """
    start, end = pd.Timestamp(x_range[0]), pd.Timestamp(x_range[1])
    span = (end - start).total_seconds() or 1.0
    intervals, anchors = [], []
    for date, label in zip(dates, labels, strict=True):
        x = (pd.Timestamp(date) - start).total_seconds() / span * plot_width_px
        width = text_width_px(label, font_size) + 2 * LABEL_PAD_PX
        if x + width <= plot_width_px or x - width < 0:
            intervals.append((x, x + width))
            anchors.append("left")
        else:
            intervals.append((x - width, x))
            anchors.append("right")
    lanes = assign_lanes(intervals, gap=gap)
    return [LabelBox(lane, x0, x1, anchor) for lane, (x0, x1), anchor in zip(lanes, intervals, anchors, strict=True)]


@dataclass(frozen=True)
class MarkerLabel:
    """A label beside a marker: its row, the text (maybe shortened to fit) and its pixel extent.

    ``row`` 0 is the first row of the group (the caller decides where rows go on screen);
    ``x0_px``/``x1_px`` bound the text; ``text`` is ``""`` when not even an ellipsis fits.
    """

    row: int
    x0_px: float
    x1_px: float
    anchor: str  # "left": text runs right from the marker; "right": it runs left
    text: str


def layout_marker_labels(
    x_px: Sequence[float],
    labels: Sequence[str],
    plot_width_px: float,
    *,
    font_size: float = 12,
    marker_px: float = 11.0,
    gap: float = 6.0,
    keep_clear_to_px: Sequence[float | None] | None = None,
) -> list[MarkerLabel]:
    """Put each marker and its label on a row so that nothing in a row overlaps.

    A label runs right from its marker, or left when it would cross the plot's right edge; when
    neither side has room, it is shortened (at a word, with an ellipsis) to fit the wider side,
    so every label stays inside ``[0, plot_width_px]``. Each item then occupies its marker plus
    its label (plus, optionally, everything up to ``keep_clear_to_px``, e.g. the end of a
    period's bar); taken in order of their markers, items go to the first row where they start
    ``gap`` px after everything already there, so rows read in date order from the top.

    Parameters
    ----------
    x_px : sequence of float
        Marker centres, px from the plot's left edge (within ``[0, plot_width_px]``).
    labels : sequence of str
        Plain (unescaped) label text, one per marker.
    plot_width_px : float
        Width of the plotting area in px.
    font_size : float
        Label font size in px.
    marker_px : float
        Marker diameter in px.
    gap : float
        Minimum horizontal space between the extents of two items in a row, px.
    keep_clear_to_px : sequence of float or None, optional
        Per item, a right end (px) its row must keep clear up to (``None``: no extra room).

    Returns
    -------
    list of MarkerLabel
        In the order of ``x_px``.

    Examples
    --------
    >>> rows = layout_marker_labels([100, 110, 400], ["SYNB exits", "SYNA pauses", "Later"], 800)
    >>> [r.row for r in rows], rows[0].anchor
    ([0, 1, 0], 'left')
    >>> layout_marker_labels([790], ["SYNC pledges"], 800)[0].anchor
    'right'
    """
    if keep_clear_to_px is None:
        keep_clear_to_px = [None] * len(x_px)
    half = marker_px / 2
    placed: list[tuple[float, float, str, str]] = []
    extents: list[tuple[float, float]] = []
    for x, label, clear_to in zip(x_px, labels, keep_clear_to_px, strict=True):
        text = " ".join(str(label).split())
        right_room = plot_width_px - (x + half + LABEL_PAD_PX)
        left_room = x - half - LABEL_PAD_PX
        width = text_width_px(text, font_size)
        if width > right_room and width > left_room:
            room = max(right_room, left_room)
            # Cut one character at a time: the estimate is per character, so this finds the longest fit.
            full = text
            for n in range(len(full) - 1, 0, -1):
                text = shorten(full, n)
                width = text_width_px(text, font_size)
                if width <= room:
                    break
            if width > room:
                text, width = "", 0.0
        if width <= right_room:
            x0, x1, anchor = x + half + LABEL_PAD_PX, x + half + LABEL_PAD_PX + width, "left"
        else:
            x0, x1, anchor = x - half - LABEL_PAD_PX - width, x - half - LABEL_PAD_PX, "right"
        placed.append((x0, x1, anchor, text))
        start, end = min(x - half, x0), max(x + half, x1)
        if clear_to is not None:
            end = max(end, float(clear_to))
        extents.append((start, end))
    # Greedy in marker order (not left-edge order as in assign_lanes), so rows read top to bottom in
    # date order. Any item's extent contains its marker, so a later item can never lie wholly left
    # of an earlier one: starting after the furthest right end in a row is all a row needs.
    rows = [0] * len(extents)
    row_ends: list[float] = []
    for i in sorted(range(len(extents)), key=lambda i: (x_px[i], i)):
        start, end = extents[i]
        for row, row_end in enumerate(row_ends):
            if start >= row_end + gap:
                rows[i] = row
                row_ends[row] = max(row_end, end)
                break
        else:
            rows[i] = len(row_ends)
            row_ends.append(end)
    return [MarkerLabel(row, x0, x1, anchor, text) for row, (x0, x1, anchor, text) in zip(rows, placed, strict=True)]


def spread_positions(positions: Sequence[float], min_gap: float, low: float, high: float) -> list[float]:
    """Move 1-D positions (px) apart by at least ``min_gap``, staying within ``[low, high]`` when possible.

    Used for labels at line ends, which collide when two series finish close together.

    Examples
    --------
    >>> spread_positions([100, 102, 300], 16, 0, 400)
    [93.0, 109.0, 300.0]
    """
    if not positions:
        return []
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [float(positions[i]) for i in order]
    # Clusters are centred on their members' mean, so labels stay close to their lines.
    clusters: list[list[int]] = []
    for k in range(len(placed)):
        clusters.append([k])
        while len(clusters) > 1:
            prev, last = clusters[-2], clusters[-1]
            prev_top = _cluster_start(prev, placed, min_gap) + (len(prev) - 1) * min_gap
            if _cluster_start(last, placed, min_gap) >= prev_top + min_gap:
                break
            clusters[-2:] = [prev + last]
    result_sorted: list[float] = []
    for cluster in clusters:
        first = _cluster_start(cluster, placed, min_gap)
        result_sorted.extend(first + j * min_gap for j in range(len(cluster)))
    overflow = result_sorted[-1] - high
    if overflow > 0:
        result_sorted = [p - overflow for p in result_sorted]
        for j in range(len(result_sorted) - 2, -1, -1):
            result_sorted[j] = min(result_sorted[j], result_sorted[j + 1] - min_gap)
    underflow = low - result_sorted[0]
    if underflow > 0:
        result_sorted[0] = low
        for j in range(1, len(result_sorted)):
            result_sorted[j] = max(result_sorted[j], result_sorted[j - 1] + min_gap)
    out = [0.0] * len(positions)
    for j, i in enumerate(order):
        out[i] = float(result_sorted[j])
    return out


def _cluster_start(cluster: list[int], placed: list[float], min_gap: float) -> float:
    mean = sum(placed[k] for k in cluster) / len(cluster)
    return mean - (len(cluster) - 1) * min_gap / 2
