"""Specifications of the event labels on charts.timeline (``labels=``).

A zoomed view gets a short label beside every marker; labels never overlap each other or the
markers, within a lane or across lanes, and never leave the plot area. This is checked twice:
from the boxes the figure implies (estimated text widths, as the layout computes them) and from
the SVG text boxes Chromium actually draws. Events here are synthetic (made-up SYN* companies),
except the one check of the real 18 May to 3 July 2020 view from data/events.csv.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

import frstory as fr
from frstory import charts
from frstory.charts._text import text_width_px
from frstory.charts.labels import layout_marker_labels
from frstory.charts.theme import FONT_SIZES
from frstory.charts.timeline import AUTO_LABEL_MAX_EVENTS, MARKER_PX
from frstory.errors import ChartInputError


def _story_events():
    # The curated timeline carries the story's extension columns, declared beside its notebooks.
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notebooks"))
    from story.schema import EVENT_EXTENSIONS

    return fr.load_events(extensions=EVENT_EXTENSIONS)

SOURCE = "Synthetic example data (frstory.examples)"
LABEL_PREFIX = "frstory-timeline-label-"
PNG_DIR = Path("/tmp/frstory-pngs")
#: Half the height of a 12 px label line (plotly sets lines 1.3 em apart).
HALF_LINE_PX = 1.3 * FONT_SIZES["label"] / 2


# ---------------------------------------------------------------------------------------------
# Synthetic inputs


def synthetic_crowded_weeks(n_same_day: int = 3) -> pd.DataFrame:
    """Synthetic events over six weeks: same-day clusters in several lanes, events at both edges,
    a period bar, and long headlines full of wide letters."""
    rows = [
        ("2020-05-19", "incident", "Synthetic incident on the first day of the range WWW MMM"),
        ("2020-05-26", "protest", "Synthetic protests begin and spread across many synthetic cities"),
        ("2020-05-28", "policy", "SYN civil liberties group sues SYND under a made-up privacy law"),
        ("2020-06-03", "protest", "Synthetic curfews in more than 200 synthetic cities"),
        ("2020-06-24", "policy", "Synthetic city bans face surveillance"),
        ("2020-06-25", "policy", "Synthetic lawmakers propose a moratorium on biometric surveillance"),
        ("2020-06-25", "policy", "Synthetic house passes a policing act"),
        ("2020-07-02", "market", "Synthetic index ends the quarter at a record MMMMMMMM"),
        ("2020-07-03", "corporate", "SYNE says something on the very last day of the range"),
    ]
    for k in range(n_same_day):
        for category, who in (("corporate", "SYN" + "ABC"[k % 3]), ("market", "^SYN" + "ABC"[k % 3]), ("policy", "Synthetic state")):
            rows.append(("2020-06-10", category, f"{who} makes synthetic announcement number {k + 1} about police sales"))
    frame = pd.DataFrame(rows, columns=["date", "category", "headline"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["date_precision"] = "day"
    frame["end_date"] = pd.NaT
    frame.loc[frame["headline"].str.startswith("Synthetic protests begin"), "end_date"] = pd.Timestamp("2020-06-07")
    frame["actor"] = "Synthetic actor"
    frame["source_url"] = "https://example.org/synthetic"
    frame["id"] = [f"syn-week-{i}" for i in range(len(frame))]
    return frame


def synthetic_spread(n: int, days: int, seed: int = 7) -> pd.DataFrame:
    """``n`` synthetic events spread over ``days`` days."""
    rng = np.random.default_rng(seed)
    categories = ["corporate", "policy", "protest", "research", "market"]
    dates = pd.Timestamp("2019-01-01") + pd.to_timedelta(np.sort(rng.integers(0, days, n)), unit="D")
    return pd.DataFrame({
        "id": [f"syn-spread-{i}" for i in range(n)],
        "date": dates,
        "date_precision": "day",
        "category": [categories[i % len(categories)] for i in range(n)],
        "headline": [f"Synthetic event {i}" for i in range(n)],
        "end_date": pd.NaT,
    })


def week_chart(events: pd.DataFrame | None = None, **kw):
    events = synthetic_crowded_weeks() if events is None else events
    kw = {"start": "2020-05-18", "end": "2020-07-03", "source": SOURCE, "title": "Synthetic week", **kw}
    return charts.timeline(events, **kw)


def label_annotations(fig) -> list:
    return [a for a in fig.layout.annotations if (a.name or "").startswith(LABEL_PREFIX)]


# ---------------------------------------------------------------------------------------------
# Geometry the figure implies (pixels from the figure's top-left corner)


def plot_box(fig) -> tuple[float, float, float, float]:
    m = fig.layout.margin
    return m.l, fig.layout.width - m.r, m.t, fig.layout.height - m.b


def to_screen(fig, x, y) -> tuple[float, float]:
    left, right, top, bottom = plot_box(fig)
    x0, x1 = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    y0, y1 = fig.layout.yaxis.range
    return (left + (pd.Timestamp(x) - x0) / (x1 - x0) * (right - left),
            top + (y1 - y) / (y1 - y0) * (bottom - top))


def estimated_label_boxes(fig) -> list[dict]:
    boxes = []
    for a in label_annotations(fig):
        text = html.unescape(a.text)
        x, y = to_screen(fig, a.x, a.y)
        width = text_width_px(text, a.font.size)
        # A number shared by close events on a narrow plot is centred over them.
        left = x + a.xshift - {"left": 0.0, "center": width / 2, "right": width}[a.xanchor]
        boxes.append({"text": text, "left": left, "right": left + width, "top": y - HALF_LINE_PX, "bottom": y + HALF_LINE_PX})
    return boxes


def marker_boxes(fig) -> list[dict]:
    left, right, _, _ = plot_box(fig)
    boxes = []
    for trace in fig.data:
        if trace.x is None or trace.x[0] is None:
            continue
        for x, y in zip(trace.x, trace.y, strict=True):
            cx, cy = to_screen(fig, x, y)
            if left <= cx <= right:  # markers outside the x-range are clipped away
                boxes.append({"left": cx - MARKER_PX / 2, "right": cx + MARKER_PX / 2, "top": cy - MARKER_PX / 2, "bottom": cy + MARKER_PX / 2})
    return boxes


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def assert_clear(labels: list[dict], markers: list[dict], area: tuple[float, float, float, float], slack: float = 0.0):
    left, right, top, bottom = area
    for a in labels:
        assert left - slack <= a["left"] and a["right"] <= right + slack, a
        assert top - slack <= a["top"] and a["bottom"] <= bottom + slack, a
        for m in markers:
            assert not overlap(a, m), (a, m)
    for a, b in itertools.combinations(labels, 2):
        assert not overlap(a, b), (a, b)


# ---------------------------------------------------------------------------------------------
# Structure: when labels are drawn


def test_auto_labels_every_event_of_a_zoomed_view():
    events = synthetic_crowded_weeks()
    fig = week_chart(events)
    assert sorted(a.name for a in label_annotations(fig)) == sorted(LABEL_PREFIX + i for i in events["id"])


def test_auto_leaves_a_crowded_overview_of_sixty_events_unlabelled():
    events = synthetic_spread(60, 700)
    assert label_annotations(charts.timeline(events, source=SOURCE)) == []
    assert pio.to_json(charts.timeline(events, source=SOURCE)) == pio.to_json(charts.timeline(events, source=SOURCE, labels=False))


def test_auto_labels_up_to_twenty_events_over_years_but_not_twenty_one():
    assert len(label_annotations(charts.timeline(synthetic_spread(AUTO_LABEL_MAX_EVENTS, 700), source=SOURCE))) == 20
    assert label_annotations(charts.timeline(synthetic_spread(AUTO_LABEL_MAX_EVENTS + 1, 700), source=SOURCE)) == []


def test_auto_labels_thirty_events_in_a_short_range():
    assert len(label_annotations(charts.timeline(synthetic_spread(30, 60), source=SOURCE))) == 30


def test_auto_counts_only_the_events_inside_the_x_range():
    events = synthetic_spread(40, 700)
    fig = charts.timeline(events, start="2019-01-01", end="2019-03-01", source=SOURCE)
    inside = events[(events["date"] >= "2019-01-01") & (events["date"] <= "2019-03-01")]
    assert 0 < len(inside) <= AUTO_LABEL_MAX_EVENTS
    assert sorted(a.name for a in label_annotations(fig)) == sorted(LABEL_PREFIX + i for i in inside["id"])


def test_labels_false_draws_none_and_labels_true_labels_an_overview():
    events = synthetic_spread(60, 700)
    assert label_annotations(week_chart(labels=False)) == []
    assert len(label_annotations(charts.timeline(events, source=SOURCE, labels=True))) == 60


def test_labels_must_be_true_false_or_auto():
    with pytest.raises(ChartInputError, match=r"labels must be True, False or 'auto', got 'yes'"):
        week_chart(labels="yes")


def test_labels_true_at_a_height_too_small_for_the_rows_names_the_height_needed():
    with pytest.raises(ChartInputError, match=r"at height=300 px .* Fix: height=None .*height>=\d+"):
        week_chart(labels=True, height=300)


def test_auto_at_a_height_too_small_for_the_rows_leaves_labels_off():
    assert label_annotations(week_chart(height=300)) == []


def test_a_given_height_with_room_spreads_the_rows_and_keeps_every_label():
    fitted = week_chart()
    taller = week_chart(height=fitted.layout.height + 200)
    assert len(label_annotations(taller)) == len(label_annotations(fitted))
    assert_clear(estimated_label_boxes(taller), marker_boxes(taller), plot_box(taller))


def test_events_on_one_date_in_one_lane_each_get_a_row_and_the_lanes_grow():
    few, many = week_chart(synthetic_crowded_weeks(1)), week_chart(synthetic_crowded_weeks(6))
    same_day = [a.y for a in label_annotations(many) if "Synthetic state makes" in a.text]
    assert len(same_day) == len(set(same_day)) == 6
    assert many.layout.height >= few.layout.height + 5 * 3 * 20  # five more rows in each of three lanes


def test_labels_are_headlines_cut_at_a_word_to_max_label_chars():
    fig = week_chart(max_label_chars=24)
    texts = sorted(html.unescape(a.text) for a in label_annotations(fig))
    assert "Synthetic city bans face\u2026" not in texts  # 24 chars would end on a cut word ...
    assert "Synthetic city bans\u2026" in texts  # ... so it is cut at the previous word
    assert all(len(t) <= 24 for t in texts)
    assert "SYNE says something on\u2026" in texts


def test_a_last_word_ending_exactly_at_the_limit_is_kept():
    events = synthetic_crowded_weeks()
    fig = week_chart(events, max_label_chars=len("Synthetic city bans face") + 1)
    assert "Synthetic city bans face\u2026" in [html.unescape(a.text) for a in label_annotations(fig)]


def test_labels_come_from_label_column_falling_back_to_the_headline():
    events = synthetic_crowded_weeks()
    events["short"] = pd.Series([None] * len(events), dtype="object")
    events.loc[0, "short"] = "Short synthetic label"
    texts = [html.unescape(a.text) for a in label_annotations(week_chart(events, label_column="short"))]
    assert "Short synthetic label" in texts
    assert "Synthetic city bans face surveillance" in texts


def test_an_event_without_any_label_text_is_refused_as_on_the_other_charts():
    # Its hover and its label would both be empty (the other charts' event marks refuse it too).
    events = synthetic_crowded_weeks()
    events["headline"] = events["headline"].astype("object")
    events.loc[4, "headline"] = None
    with pytest.raises(ChartInputError, match=r"column 'headline' of events is empty in row 4"):
        week_chart(events)


def test_a_missing_label_column_is_a_clear_error():
    with pytest.raises(ChartInputError, match=r"no column 'short' for the labels .* Fix: label_column='headline'"):
        week_chart(label_column="short")


def test_max_label_chars_must_be_a_whole_number_of_at_least_two():
    with pytest.raises(ChartInputError, match=r"max_label_chars must be a whole number >= 2, got 1"):
        week_chart(max_label_chars=1)


def test_labels_leave_the_data_and_the_hover_unchanged():
    events = synthetic_crowded_weeks()
    plain, labelled = week_chart(events, labels=False), week_chart(events, labels=True)
    pd.testing.assert_frame_equal(charts.chart_data(labelled), charts.chart_data(plain))
    assert len(charts.chart_data(labelled)) == len(events)
    assert [(t.name, t.hovertemplate, json.dumps(list(map(list, t.customdata)))) for t in labelled.data] == \
           [(t.name, t.hovertemplate, json.dumps(list(map(list, t.customdata)))) for t in plain.data]
    def furniture(fig):  # the narrow-screen layouts differ by design (labels or not); the rest is the same
        return {k: v for k, v in fig.layout.meta["frstory"].items() if k != "layouts"}

    assert furniture(labelled) == furniture(plain)


def test_a_label_hovers_with_its_markers_hover_text():
    fig = week_chart()
    label = next(a for a in label_annotations(fig) if a.name == LABEL_PREFIX + "syn-week-4")
    assert label.hovertext == ("<b>Synthetic city bans face surveillance</b><br>24 June 2020<br>Synthetic actor<br>"
                               "Source: example.org")


def test_a_period_label_sits_on_its_bar_and_the_bar_keeps_its_row_clear():
    fig = week_chart()
    bar = next(s for s in fig.layout.shapes if s.type == "rect")
    label = next(a for a in label_annotations(fig) if a.name == LABEL_PREFIX + "syn-week-1")
    assert bar.y0 < label.y < bar.y1
    curfews = next(a for a in label_annotations(fig) if a.name == LABEL_PREFIX + "syn-week-3")
    assert curfews.y != label.y  # 3 June lies under the bar, so it goes to another row


def test_markup_in_a_headline_is_escaped_in_the_label():
    events = synthetic_crowded_weeks()
    events.loc[4, "headline"] = "<b>Bold</b> & <script>window.__pwned=1</script>"
    label = next(a for a in label_annotations(week_chart(events)) if a.name == LABEL_PREFIX + "syn-week-4")
    assert label.text == "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;window.__pwned=1&lt;/script&gt;"


# ---------------------------------------------------------------------------------------------
# No overlaps: estimated boxes


@pytest.mark.parametrize("width", [900, 640, 420])
@pytest.mark.parametrize("same_day", [1, 3, 6])
def test_estimated_label_boxes_clear_each_other_the_markers_and_the_plot_edges(width, same_day):
    fig = week_chart(synthetic_crowded_weeks(same_day), width=width)
    labels = estimated_label_boxes(fig)
    # Each label hovers with the events it names (several for a shared number on a narrow plot).
    assert sum(len(a.hovertext.split("<br><br>")) for a in label_annotations(fig)) == 9 + 3 * same_day
    assert_clear(labels, marker_boxes(fig), plot_box(fig))


def test_estimated_label_boxes_of_the_real_june_2020_view_are_clear():
    events = _story_events()
    week = events[(events["date"] >= "2020-05-18") & (events["date"] <= "2020-07-03")]
    fig = charts.timeline(week, start="2020-05-18", end="2020-07-03", source="Events: data/events.csv")
    assert len(label_annotations(fig)) == len(week) == 16
    assert_clear(estimated_label_boxes(fig), marker_boxes(fig), plot_box(fig))


def test_layout_marker_labels_rows_never_overlap_for_random_inputs():
    rng = random.Random(11)
    for _ in range(200):
        width = rng.uniform(150, 1000)
        n = rng.randint(1, 25)
        xs = [rng.uniform(0, width) for _ in range(n)]
        texts = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz MW") for _ in range(rng.randint(1, 70))) for _ in range(n)]
        placed = layout_marker_labels(xs, texts, width, marker_px=11, gap=6)
        for item in placed:
            assert 0 <= item.x0_px and item.x1_px <= width, (item, width)
        spans = [(min(x - 5.5, p.x0_px), max(x + 5.5, p.x1_px), p.row) for x, p in zip(xs, placed, strict=True)]
        for (a0, a1, ra), (b0, b1, rb) in itertools.combinations(spans, 2):
            if ra == rb:
                assert a1 + 6 <= b0 or b1 + 6 <= a0, (a0, a1, b0, b1)


def test_layout_marker_labels_rows_read_in_date_order():
    placed = layout_marker_labels([100, 105, 110, 600], ["first", "second", "third", "later"], 800)
    assert [p.row for p in placed] == [0, 1, 2, 0]


def test_layout_marker_labels_runs_left_at_the_right_edge_and_shortens_when_neither_side_fits():
    assert layout_marker_labels([780], ["Synthetic label"], 800)[0].anchor == "right"
    squeezed = layout_marker_labels([100], ["Synthetic label with far too many words for this plot"], 200)[0]
    assert squeezed.text.endswith("\u2026") and squeezed.x1_px <= 200 and squeezed.x0_px >= 0
    assert layout_marker_labels([5], ["Wide"], 10)[0].text == ""


def test_layout_marker_labels_keeps_a_row_clear_to_the_end_of_a_bar():
    free = layout_marker_labels([0, 300], ["a", "b"], 800)
    blocked = layout_marker_labels([0, 300], ["a", "b"], 800, keep_clear_to_px=[400, None])
    assert [p.row for p in free] == [0, 0] and [p.row for p in blocked] == [0, 1]


# ---------------------------------------------------------------------------------------------
# No overlaps: measured in Chromium


_MEASURE_JS = """() => {
    const box = el => { const r = el.getBoundingClientRect();
                        return {text: el.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
    return {
        texts: Array.from(document.querySelectorAll('.annotation-text')).map(box),
        markers: Array.from(document.querySelectorAll('.scatterlayer path.point')).map(box),
        svg: box(document.querySelector('.main-svg')),
    };
}"""


def measure(open_page, fig, path: Path) -> dict:
    fig.write_html(path, include_plotlyjs="directory", full_html=True)
    report = open_page(path, wait_for=".js-plotly-plot .main-svg")
    assert report.problems == []
    measured = report.page.evaluate(_MEASURE_JS)
    wanted = [html.unescape(a.text) for a in label_annotations(fig)]
    measured["labels"] = [b for b in measured["texts"] if b["text"] in wanted]
    assert sorted(b["text"] for b in measured["labels"]) == sorted(wanted)
    return measured


@pytest.mark.browser
@pytest.mark.parametrize(("width", "same_day"), [(900, 3), (640, 6), (420, 1)])
def test_rendered_labels_clear_each_other_the_markers_and_the_plot_edges(open_page, tmp_path, width, same_day):
    fig = week_chart(synthetic_crowded_weeks(same_day), width=width)
    measured = measure(open_page, fig, tmp_path / "week.html")
    svg = measured["svg"]
    left, right, top, bottom = plot_box(fig)
    area = (svg["left"] + left, svg["left"] + right, svg["top"] + top, svg["top"] + bottom)
    visible = [m for m in measured["markers"] if m["right"] > area[0] and m["left"] < area[1]]
    assert len(visible) == len(marker_boxes(fig))
    assert_clear(measured["labels"], visible, area, slack=0.5)


@pytest.mark.browser
def test_rendered_labels_are_no_wider_than_estimated(open_page, tmp_path):
    fig = week_chart(synthetic_crowded_weeks(3))
    measured = measure(open_page, fig, tmp_path / "week.html")
    estimated = {b["text"]: b["right"] - b["left"] for b in estimated_label_boxes(fig)}
    for box in measured["labels"]:
        assert box["right"] - box["left"] <= estimated[box["text"]], box


@pytest.mark.browser
def test_rendered_labels_of_the_real_june_2020_view_are_clear(open_page, tmp_path):
    events = _story_events()
    week = events[(events["date"] >= "2020-05-18") & (events["date"] <= "2020-07-03")]
    fig = charts.timeline(week, start="2020-05-18", end="2020-07-03", source="Events: data/events.csv",
                          title="The week the companies stepped back")
    measured = measure(open_page, fig, tmp_path / "june.html")
    svg = measured["svg"]
    left, right, top, bottom = plot_box(fig)
    area = (svg["left"] + left, svg["left"] + right, svg["top"] + top, svg["top"] + bottom)
    assert_clear(measured["labels"], measured["markers"], area, slack=0.5)


@pytest.mark.browser
def test_markup_in_a_headline_shows_as_text_in_the_rendered_label(open_page, tmp_path):
    events = synthetic_crowded_weeks()
    events.loc[4, "headline"] = "<b>Bold</b> & <script>window.__pwned=1</script>"
    fig = week_chart(events, max_label_chars=80)
    path = tmp_path / "escape.html"
    fig.write_html(path, include_plotlyjs="directory", full_html=True)
    page = open_page(path, wait_for=".js-plotly-plot .main-svg").page
    texts = page.evaluate("Array.from(document.querySelectorAll('.annotation-text')).map(t => t.textContent)")
    assert "<b>Bold</b> & <script>window.__pwned=1</script>" in texts
    assert page.evaluate("""() => ({
        pwned: window.__pwned === undefined ? null : window.__pwned,
        injected: document.querySelectorAll('.js-plotly-plot script, .js-plotly-plot b').length,
        bold: Array.from(document.querySelectorAll('.annotation-text tspan'))
                   .filter(t => (t.getAttribute('style') || '').includes('bold')).length,
    })""") == {"pwned": None, "injected": 0, "bold": 0}


@pytest.mark.browser
def test_the_real_june_2020_view_exports_to_png_at_its_size():
    pytest.importorskip("kaleido")
    os.environ.setdefault("BROWSER_PATH", "/usr/bin/chromium")
    events = _story_events()
    week = events[(events["date"] >= "2020-05-18") & (events["date"] <= "2020-07-03")]
    fig = charts.timeline(week, start="2020-05-18", end="2020-07-03", source="Events: data/events.csv",
                          title="The week the companies stepped back", subtitle="18 May to 3 July 2020, by kind")
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    path = PNG_DIR / "timeline_labels_june_2020.png"  # for a person to look at
    fig.write_image(path, width=fig.layout.width, height=fig.layout.height)
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")) == (fig.layout.width, fig.layout.height)
