"""Specifications of a phone timeline's numbers when events crowd a lane.

Below :data:`frstory.charts._common.KEY_BELOW_PX` of plot, a timeline labels its markers with
numbers and lists the events in a numbered key under the chart. A number per marker, each in a
row of its own, stacked twelve events of three weeks into twelve rows of one lane on a phone.
Now the close events of a lane share one number label ("5–16", as on the other charts' event
labels) that hovers with every event it names; a lane's numbers take at most two rows (three
for any input), no two labels overlap each other or a marker, and every label stays inside the
plot. Checked on the geometry the figure implies (the project's text-width estimate), not on
pixels. Events are synthetic (made-up SYN* companies and cities), except the checks of the real
story's timeline from data/events.csv.
"""

from __future__ import annotations

import html
import itertools
import random
import re

import pandas as pd
import pytest

from frstory import charts
from frstory.charts.timeline import MARKER_PX
from test_charts_timeline_labels import (
    _story_events,
    assert_clear,
    estimated_label_boxes,
    label_annotations,
    marker_boxes,
    plot_box,
    to_screen,
)

SOURCE = "Synthetic example data"
#: Chart widths of the phone layouts: a 320 px phone's 280 px column, and wider phones.
PHONES = [280, 320, 360]


def crowded_lane() -> pd.DataFrame:
    """Synthetic: twelve policy events within three weeks, and two other lanes over a year."""
    days = [0, 1, 2, 4, 5, 7, 9, 11, 12, 15, 18, 20]
    rows = [(pd.Timestamp("2020-06-01") + pd.Timedelta(days=d), "policy", f"Synthetic city {i + 1} votes on a synthetic ban")
            for i, d in enumerate(days)]
    rows += [(pd.Timestamp(d), "corporate", f"SYN{c} makes a synthetic announcement")
             for d, c in [("2020-02-10", "A"), ("2020-06-08", "B"), ("2020-06-10", "C"), ("2020-10-01", "D")]]
    rows += [(pd.Timestamp(d), "protest", f"Synthetic protest number {k}") for k, d in enumerate(["2020-04-01", "2020-06-05"], 1)]
    frame = pd.DataFrame(rows, columns=["date", "category", "headline"])
    frame["id"] = [f"syn-crowd-{i}" for i in range(len(frame))]
    return frame


def random_crowd(seed: int) -> pd.DataFrame:
    """Synthetic: up to 40 events over a year in three lanes, bunched into a few busy weeks."""
    rng = random.Random(seed)
    centres = [rng.randint(0, 365) for _ in range(rng.randint(1, 4))]
    rows = []
    for i in range(rng.randint(5, 40)):
        day = min(max(rng.choice(centres) + rng.randint(-10, 10), 0), 365)
        rows.append((pd.Timestamp("2021-01-01") + pd.Timedelta(days=day), rng.choice(["corporate", "policy", "protest"]),
                     f"Synthetic event {i} " + "w" * rng.randint(0, 30)))
    frame = pd.DataFrame(rows, columns=["date", "category", "headline"])
    frame["id"] = [f"syn-random-{i}" for i in range(len(frame))]
    return frame


def numbers(text: str) -> list[int]:
    """The event numbers a label names: "5–9" is five to nine, "5,6" five and six."""
    text = html.unescape(text)
    if "\u2013" in text:
        first, last = text.split("\u2013")
        return list(range(int(first), int(last) + 1))
    return [int(n) for n in text.split(",")]


def key_entries(fig) -> dict[int, str]:
    """The numbered key under the chart: each number's text, its wrapped lines joined."""
    (key,) = [a.text for a in fig.layout.annotations if a.name == "frstory-key"]
    entries: dict[int, str] = {}
    for line in key.split("<br>"):
        head = re.match(r"<b>(\d+)</b> (.*)", line)
        if head:
            number = int(head.group(1))
            entries[number] = head.group(2)
        else:
            entries[number] += " " + line.lstrip("\u2003")
    return {n: html.unescape(t) for n, t in entries.items()}


def hover_headlines(annotation) -> list[str]:
    """The headlines a label hovers with (each event's hover starts with its headline in bold)."""
    return [html.unescape(re.match(r"<b>(.*?)</b>", part).group(1)) for part in annotation.hovertext.split("<br><br>")]


def label_rows_by_lane(fig, events: pd.DataFrame) -> dict[str, int]:
    """How many rows of labels each lane has (labels of one row share their y)."""
    lane_of = dict(zip(events["headline"], events["category"], strict=True))
    rows: dict[str, set] = {}
    for a in label_annotations(fig):
        lanes = {lane_of[h] for h in hover_headlines(a)}
        assert len(lanes) == 1, a  # a label names events of one lane only
        rows.setdefault(lanes.pop(), set()).add(round(a.y, 6))
    return {lane: len(ys) for lane, ys in rows.items()}


def week_of_the_story() -> pd.DataFrame:
    events = _story_events()
    return events[(events["date"] >= "2020-05-18") & (events["date"] <= "2020-07-03")]


# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", PHONES)
def test_twelve_events_in_three_weeks_take_at_most_two_rows_of_numbers_in_their_lane(width):
    fig = charts.timeline(crowded_lane(), labels=True, source=SOURCE, width=width)
    assert label_rows_by_lane(fig, crowded_lane())["policy"] <= 2


@pytest.mark.parametrize("width", PHONES)
def test_close_events_of_a_lane_share_one_number_that_hovers_with_every_one_of_them(width):
    fig = charts.timeline(crowded_lane(), labels=True, source=SOURCE, width=width)
    key = key_entries(fig)
    policy = [a for a in label_annotations(fig) if "Synthetic city" in a.hovertext]
    assert len(policy) < 12
    for a in policy:
        # The numbers on the label are exactly the key's numbers of the events it hovers with.
        assert [key[n] for n in numbers(a.text)] == hover_headlines(a), a.text


@pytest.mark.parametrize("width", PHONES)
def test_every_event_on_a_phone_is_named_by_exactly_one_number(width):
    fig = charts.timeline(crowded_lane(), labels=True, source=SOURCE, width=width)
    named = sorted(n for a in label_annotations(fig) for n in numbers(a.text))
    assert named == list(range(1, len(crowded_lane()) + 1)) == sorted(key_entries(fig))


def test_phone_numbers_run_lane_by_lane_from_the_top_in_date_order():
    # Consecutive numbers within a lane are what lets close events share one label ("5–16").
    events = crowded_lane()
    key = key_entries(charts.timeline(events, labels=True, source=SOURCE, width=280))
    lanes = ["corporate", "policy", "protest"]
    expected = events.assign(lane=events["category"].map(lanes.index)).sort_values(["lane", "date"], kind="stable")
    assert [key[n] for n in sorted(key)] == list(expected["headline"])


@pytest.mark.parametrize("width", PHONES)
def test_phone_labels_of_a_crowded_lane_clear_each_other_the_markers_and_the_plot_edges(width):
    fig = charts.timeline(crowded_lane(), labels=True, source=SOURCE, width=width)
    assert_clear(estimated_label_boxes(fig), marker_boxes(fig), plot_box(fig))


@pytest.mark.parametrize("width", PHONES)
def test_markers_of_a_crowded_lane_on_a_phone_never_touch(width):
    fig = charts.timeline(crowded_lane(), labels=True, source=SOURCE, width=width)
    centres = [to_screen(fig, x, y) for trace in fig.data if trace.x[0] is not None for x, y in zip(trace.x, trace.y, strict=True)]
    for (ax, ay), (bx, by) in itertools.combinations(centres, 2):
        assert abs(ax - bx) >= MARKER_PX or abs(ay - by) >= MARKER_PX, ((ax, ay), (bx, by))


@pytest.mark.parametrize("seed", range(12))
def test_random_crowded_phone_timelines_keep_labels_clear_in_at_most_three_rows_a_lane(seed):
    events = random_crowd(seed)
    width = PHONES[seed % len(PHONES)]
    fig = charts.timeline(events, labels=True, source=SOURCE, width=width)
    assert_clear(estimated_label_boxes(fig), marker_boxes(fig), plot_box(fig))
    assert max(label_rows_by_lane(fig, events).values()) <= 3
    assert sorted(n for a in label_annotations(fig) for n in numbers(a.text)) == list(range(1, len(events) + 1))


@pytest.mark.parametrize("width", PHONES)
def test_the_real_week_on_a_phone_takes_at_most_two_rows_of_numbers_a_lane_and_its_labels_are_clear(width):
    week = week_of_the_story()
    fig = charts.timeline(week, start="2020-05-18", end="2020-07-03", labels=True, source="Events: frstory timeline", width=width)
    assert max(label_rows_by_lane(fig, week).values()) <= 2
    assert_clear(estimated_label_boxes(fig), marker_boxes(fig), plot_box(fig))
    assert sorted(n for a in label_annotations(fig) for n in numbers(a.text)) == list(range(1, len(week) + 1))


def test_a_phone_layout_of_a_wide_chart_groups_its_numbers_too():
    # The page shows a phone the layout the responsive wrapper built for 280 px.
    events = crowded_lane()
    phone = charts.layout_for_width(charts.timeline(events, labels=True, source=SOURCE), 280)
    assert label_rows_by_lane(phone, events)["policy"] <= 2
    assert len(label_annotations(phone)) < len(events)


def test_a_desktop_timeline_still_gives_each_event_its_own_label_in_words():
    events = crowded_lane()
    fig = charts.timeline(events, labels=True, source=SOURCE, width=900)
    labels = label_annotations(fig)
    assert all(hover_headlines(a) == [html.unescape(a.text)] for a in labels)
    assert sorted(html.unescape(a.text) for a in labels) == sorted(events["headline"])
    assert not any(a.name == "frstory-key" for a in fig.layout.annotations)


@pytest.mark.parametrize("width", [280, 320, 1000])
def test_markers_on_the_first_and_last_dates_stay_inside_the_plot(width):
    # Synthetic events spread over a year, the first and last on the range's edges.
    events = pd.DataFrame({
        "date": pd.to_datetime(["2020-01-02", "2020-05-01", "2020-09-01", "2020-12-31"]),
        "category": ["award", "product", "staffing", "award"],
        "headline": ["Synthetic first", "Synthetic second", "Synthetic third", "Synthetic last"],
    })
    fig = charts.timeline(events, title="Synthetic", source="Synthetic", width=width)
    x0, x1 = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    plot_px = fig.layout.width - fig.layout.margin.l - fig.layout.margin.r
    domain = fig.layout.xaxis.domain or (0, 1)
    px_per_second = plot_px * (domain[1] - domain[0]) / (x1 - x0).total_seconds()
    radius = max(trace.marker.size for trace in fig.data if trace.mode and "markers" in trace.mode) / 2
    assert (events["date"].min() - x0).total_seconds() * px_per_second >= radius
    assert (x1 - events["date"].max()).total_seconds() * px_per_second >= radius
