"""Specs: names fitted to a width in at most two lines, and event numbers that share rows on phones.

Every frame here is synthetic, made up for the spec (names, prices and events alike).
"""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

import frstory as fr
from frstory import charts
from test_charts_fixtures import synthetic_names  # noqa: F401 (autouse: the made-up tickers' names)
from frstory.charts._text import fit_lines, text_width_px, wrap_text
from frstory.charts.theme import FONT_SIZES
from frstory.charts.timeline import LANE_NAME_SHARE

SOURCE = "Synthetic example data"
SIZE = FONT_SIZES["tick"]

# Made-up names: short, long, one long word, non-ASCII, with markup characters.
NAMES = [
    "Metro",
    "Business and markets",
    "Metro, regional and suburban news from the northern desks of the synthetic paper",
    "Internationalisierungsbestrebungen",
    "Supercalifragilistic desk with a tail",
    "Société Générale des Synthétiques et Compagnie",
    "Zürich Straßenbahn Abteilung für Übersichten",
    "R&D <lab> & the synthetic <b>bold</b> desk of AT&T-like companies",
    "a",
    "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii",
    "WWWWWWWWWWWWWWWWWWWWWW MMMMMMMMMMMMMMMMMMM",
    "Closing prices from 1 June to 30 June 2020 across every synthetic exchange",
]
WIDTHS = [30, 60, 88.8, 120, 240, 600]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", NAMES)
def test_fitted_lines_each_fit_the_width_and_lose_nothing_when_the_name_fits_whole(name, width):
    lines = fit_lines(name, width, SIZE)
    assert 1 <= len(lines) <= 2
    assert all(line and text_width_px(line, SIZE) <= width for line in lines), lines
    whole = wrap_text(name, width, SIZE)
    if len(whole) <= 2 and all(text_width_px(line, SIZE) <= width for line in whole):
        assert " ".join(lines) == " ".join(name.split())
    else:
        assert any(line.endswith("\u2026") for line in lines)
        # What is kept is the name's own text, in order: lines are cut short, never made up.
        at = 0
        for line in lines:
            kept = line.removesuffix("\u2026")
            at = name.find(kept, at)
            assert at >= 0, (kept, name)
            at += len(kept)


def test_fitted_lines_give_up_a_word_rather_than_cut_inside_it_where_a_whole_word_fits():
    lines = fit_lines("Metro, regional and suburban news from the northern desks", 110, SIZE)
    assert lines == ["Metro, regional", "and suburban\u2026"]


def test_a_single_word_too_wide_for_the_line_is_cut_inside_it():
    (line,) = fit_lines("Internationalisierungsbestrebungen", 88.8, SIZE)
    assert line.startswith("International") and line.endswith("\u2026")


def test_fitted_lines_keep_to_max_lines():
    lines = fit_lines(NAMES[2], 120, SIZE, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("\u2026")


def _bar_names_on_a_phone(names: list[str], width: int = 280) -> list[str]:
    frame = pd.DataFrame({"desk": names, "stories": range(10, 10 + len(names))})
    fig = charts.bar(frame, x="desk", y="stories", unit="count", source=SOURCE)
    phone = charts.layout_for_width(fig, width)
    return phone, [a.text for a in phone.layout.annotations if a.name == "frstory-bar-name"]


def test_bar_names_above_their_bars_on_a_phone_fit_the_plot_and_never_cut_an_escaped_character():
    # Long enough to be cut short at 280 px, with "&" and "<" all the way along.
    name = "R&D <lab> & the synthetic <b>bold</b> desk & AT&T-like companies & <more> & <more> & <more> & the rest"
    phone, names = _bar_names_on_a_phone([name, "Sport"])
    shown = next(text for text in names if text != "Sport")
    assert shown.endswith("\u2026")
    for line in shown.split("<br>"):
        # Every "&" opens a whole entity, and the line a reader sees fits the bars' width.
        assert all(re.match(r"&(amp|lt|gt);", line[i:]) for i in range(len(line)) if line[i] == "&"), line
        assert text_width_px(html.unescape(line), SIZE) <= 280 - 16 - 24
    assert html.unescape(shown.replace("<br>", " ")).removesuffix("\u2026") in name


def test_two_long_bar_names_cut_alike_on_a_phone_keep_their_own_bars():
    stem = "Regional news desk covering the northern suburbs and the outlying towns of the county"
    phone, names = _bar_names_on_a_phone([f"{stem}, north", f"{stem}, south", "Sport"])
    assert names[0] == names[1]  # the cut falls before the words that tell them apart ...
    assert len(set(phone.data[0].y)) == 3  # ... but each bar has a row of its own


@pytest.mark.parametrize("lane", ["Internationalisierungsbestrebungen", "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii",
                                  "Courts, rulings, appeals and the long tail of synthetic litigation",
                                  "R&D <lab> & AT&T-like <b>companies</b>"])
def test_timeline_lane_names_fit_their_share_of_a_phone_in_two_lines(lane):
    events = fr.synthetic_events().assign(category=lane)
    layout = charts.layout_for_width(charts.timeline(events, source=SOURCE), 280).layout
    (name,) = layout.yaxis.ticktext
    lines = name.split("<br>")
    room = max(96.0, LANE_NAME_SHARE * 280) - 12
    assert len(lines) <= 2
    assert all(text_width_px(html.unescape(line), FONT_SIZES["body"]) <= room for line in lines), lines


# --- event numbers on phones ---------------------------------------------------------------

PHONE = 280


def _close_events(dates: list[str]) -> pd.DataFrame:
    """Made-up events, one per date, with headlines that say which they are."""
    return pd.DataFrame({"id": [f"syn-{i}" for i in range(len(dates))], "date": pd.to_datetime(dates),
                         "category": "policy",
                         "headline": [f"Synthetic event {i + 1} happens to a made-up firm" for i in range(len(dates))]})


# Eight events within three weeks, on a chart of a year: at 280 px they are a few px apart.
EIGHT_CLOSE = ["2020-05-29", "2020-06-01", "2020-06-03", "2020-06-08", "2020-06-10", "2020-06-11",
               "2020-06-15", "2020-06-18"]


def _phone_event_labels(events: pd.DataFrame, start: str = "2020-01-02", end: str = "2020-12-31"):
    prices = fr.synthetic_prices(["SYNA"], start, end)
    fig = charts.price_with_events(prices, events, tickers="SYNA", max_label_chars=64, source=SOURCE)
    # A staircase of labels could leave no room for the plot: then there was no phone layout at all.
    assert PHONE not in [m["width"] for m in fig.layout.meta["frstory"].get("no_layout", [])]
    layout = charts.layout_for_width(fig, PHONE).layout
    labels = [a for a in layout.annotations if (a.name or "").startswith("frstory-event-label-")]
    x0, x1 = (pd.Timestamp(v) for v in layout.xaxis.range)
    plot_px = PHONE - layout.margin.l - layout.margin.r
    boxes = []
    for a in labels:
        at = (pd.Timestamp(a.x) - x0) / (x1 - x0) * plot_px + a.xshift
        width = text_width_px(a.text, FONT_SIZES["label"])
        left = {"left": at, "right": at - width, "center": at - width / 2}[a.xanchor]
        boxes.append((a.yshift, left, left + width))
    key = next(a.text for a in layout.annotations if a.name == "frstory-key")
    return labels, boxes, key


def _numbers(text: str) -> list[int]:
    """The event numbers a label names: "3", "3,4" or "3–5"."""
    first, last = re.fullmatch(r"(\d+)(?:[,\u2013](\d+))?", text).groups()
    return list(range(int(first), int(last or first) + 1))


def test_close_event_numbers_on_a_phone_share_labels_in_at_most_two_rows_not_a_staircase():
    labels, boxes, _ = _phone_event_labels(_close_events(EIGHT_CLOSE))
    assert len({row for row, _, _ in boxes}) <= 2  # one row per event stacked them eight rows high


@pytest.mark.parametrize("dates", [
    EIGHT_CLOSE,
    ["2020-02-03", "2020-02-05", "2020-03-20", "2020-06-01", "2020-06-02", "2020-06-03", "2020-10-30", "2020-12-28"],
    [f"2020-{m:02d}-{d:02d}" for m in range(1, 13) for d in (3, 17)],  # two a month, all year
    [f"2020-06-{d:02d}" for d in range(1, 29)],  # every day of four weeks
])
def test_phone_event_labels_never_overlap_and_name_every_event_once_in_order(dates):
    labels, boxes, key = _phone_event_labels(_close_events(dates))
    numbers = [n for a in labels for n in _numbers(a.text)]
    assert numbers == list(range(1, len(dates) + 1))
    for i, (row, left, right) in enumerate(boxes):
        for other_row, other_left, other_right in boxes[i + 1:]:
            assert row != other_row or right <= other_left or other_right <= left, (labels[i].text, boxes)
    # The key under the chart still gives every event in full.
    plain = " ".join(re.sub(r"<[^>]+>", " ", key).replace("\u2003", " ").split())
    for n in range(1, len(dates) + 1):
        assert f"{n} Synthetic event {n} happens to a made-up firm" in plain


def test_a_shared_event_number_label_shows_every_event_it_names_on_hover():
    labels, _, _ = _phone_event_labels(_close_events(EIGHT_CLOSE))
    shared = next(a for a in labels if len(_numbers(a.text)) > 1)
    for n in _numbers(shared.text):
        assert f"Synthetic event {n} happens" in shared.hovertext


def test_chinese_japanese_and_korean_characters_are_measured_a_full_em_wide():
    # Synthetic desk names. Such characters are set one em wide; measured as an average Latin
    # letter (0.6 em) a name of them ran past the room fitted for it.
    for name in ("市政新闻部", "ニュース編集部", "지역 뉴스"):
        wide = sum(1 for ch in name if not ch.isspace())
        assert text_width_px(name, 12) >= wide * 12


# --- direct labels at line ends -------------------------------------------------------------

def _end_label_boxes(layout) -> list[tuple[float, float, str]]:
    """Each end label's vertical extent (px from the plot's bottom) and its text, as the layout places it."""
    low, high = layout.yaxis.range
    plot_px = layout.height - layout.margin.t - layout.margin.b
    line_px = FONT_SIZES["label"] * 1.3
    boxes = []
    for note in layout.annotations:
        if note.name != "frstory-end-label":
            continue
        centre = (note.y - low) / (high - low) * plot_px + note.yshift
        half = (note.text.count("<br>") + 1) * line_px / 2
        boxes.append((centre - half, centre + half, re.sub(r"<[^>]+>", " ", note.text)))
    return boxes


@pytest.mark.parametrize("width", [280, 350, 480, None])
def test_twelve_long_series_names_all_label_their_lines_inside_the_plot_and_tell_them_apart(width):
    # Synthetic: twelve series whose names (40-60 characters) differ only after their first words.
    # On a 280 px phone four labels showed and the top one lost its first line past the plot's edge.
    names = [f"Synthetic series number {i} with a rather long descriptive name" for i in range(12)]
    days = pd.date_range("2020-01-01", periods=30, freq="D")
    frame = pd.DataFrame([{"date": day, "series": name, "value": 100 + 3 * i + (j % 5)}
                          for i, name in enumerate(names) for j, day in enumerate(days)])
    fig = charts.line(frame, color="series", unit="index", source=SOURCE)
    layout = charts.layout_for_width(fig, width).layout if width else fig.layout
    boxes = sorted(_end_label_boxes(layout))
    plot_px = layout.height - layout.margin.t - layout.margin.b
    assert len(boxes) == 12
    assert all(-0.5 <= bottom and top <= plot_px + 0.5 for bottom, top, _ in boxes), (plot_px, boxes)
    assert all(upper[0] >= lower[1] - 0.5 for lower, upper in zip(boxes, boxes[1:])), boxes
    texts = [" ".join(text.split()) for _, _, text in boxes]
    assert len(set(texts)) == 12, texts
    # A label cut short says so, and the line's hover names the series in full.
    assert all(text in names or text.endswith("\u2026") for text in texts), texts
    assert {trace.name for trace in fig.data} == set(names)
