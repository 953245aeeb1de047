"""Pieces shared by several chart families: price-frame checks, rebasing, end labels, events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from frstory.charts._text import escape_text, format_date, shorten, source_site, text_width_px, wrap_text
from frstory.charts._validate import require_dates, require_frame, require_numeric, require_one_row_per, to_timestamp
from frstory.charts.labels import spread_positions
from frstory.charts.theme import FONT_SIZES, INK
from frstory.errors import ChartInputError

if TYPE_CHECKING:
    from frstory.charts.units import Unit

__all__ = ["tidy_prices", "rebase_frame", "plural_phrase", "is_monthly", "when", "EventMark", "event_marks", "end_labels", "pad_range", "value_phrase"]

VALUE_PHRASES = {
    "close": "closing price",
    "adj_close": "adjusted closing price",
    "open": "opening price",
    "high": "daily high",
    "low": "daily low",
    "volume": "volume",
}


def value_phrase(value: str) -> str:
    """What a column holds, in words: ``close`` -> ``closing price``, ``page_views`` -> ``page views``."""
    return VALUE_PHRASES.get(value, value.replace("_", " "))


def plural_phrase(phrase: str) -> str:
    """The plural of a noun phrase, left alone when it is one already (``stories``), through prose's inflector.

    Examples
    --------
    >>> plural_phrase("closing price"), plural_phrase("stories")
    ('closing prices', 'stories')
    """
    from frstory import prose

    return prose.plural(2, phrase).split(" ", 1)[1]


def is_monthly(dates: pd.Series) -> bool:
    """True for monthly data (every date the 1st of a month, at least 28 days apart): written "June 2020"."""
    unique = pd.Series(pd.Series(dates).drop_duplicates().sort_values())
    return bool(len(unique) > 1 and (unique.dt.day == 1).all() and (unique.diff().dropna() >= pd.Timedelta(days=28)).all())


def when(value: object, monthly: bool, *, year: bool = True) -> str:
    """A point on the x-axis in reader text: ``June 2020`` for monthly data, ``8 June 2020`` for dates, else as is."""
    from frstory import prose

    if isinstance(value, pd.Timestamp):
        return prose.month(value, year=year) if monthly else prose.date(value, year=year)
    return str(value)


def as_price_frame(kind: str, data: object, *, x: str, y: str, color: str, name: str = "prices") -> pd.DataFrame:
    """``data`` with its ``x`` and ``color`` columns named ``date`` and ``ticker`` (the loader's names).

    Lets the price charts take any tidy frame (monthly counts by desk, say); a missing column is an
    error naming the keyword to pass.
    """
    from frstory.charts._validate import require_columns

    frame = require_columns(kind, data, {"x": x, "y": y, "color": color}, name=name)
    if x == "date" and color == "ticker":
        return frame
    keep = [c for c in frame.columns if c not in {"date", "ticker"} or c in {x, color}]
    return frame[keep].rename(columns={x: "date", color: "ticker"})


def tidy_prices(
    kind: str,
    prices: object,
    *,
    value: str,
    tickers: Sequence[str] | str | None,
    name: str = "prices",
) -> tuple[pd.DataFrame, list[str]]:
    """Checked ``date, ticker, <value>`` frame (sorted, NaN values dropped) and the tickers to draw."""
    frame = require_frame(kind, prices, name, ["date", "ticker", value])
    out = pd.DataFrame(
        {
            "date": require_dates(kind, frame, "date", name),
            "ticker": frame["ticker"].astype("string"),
            value: require_numeric(kind, frame, value, name),
        }
    )
    available = list(dict.fromkeys(out["ticker"].dropna().tolist()))
    if tickers is None:
        chosen = available
    else:
        chosen = [tickers] if isinstance(tickers, str) else list(tickers)
        if not chosen:
            raise ChartInputError(f"{kind}: tickers is empty. Fix: name at least one of {', '.join(available)}.")
        for ticker in chosen:
            if ticker not in available:
                raise ChartInputError(
                    f"{kind}: ticker {ticker!r} is not in column 'ticker' of {name} (it has "
                    f"{', '.join(map(repr, available))}). Fix: load prices for {ticker!r} or drop it from tickers."
                )
    out = out[out["ticker"].isin(chosen) & out[value].notna()]
    if out.empty:
        raise ChartInputError(
            f"{kind}: column {value!r} of {name} has no values for {', '.join(chosen)}. Fix: check the frame."
        )
    # Two values for one series and date would be drawn as a vertical jump and break rebasing.
    require_one_row_per(kind, out, {"ticker": "ticker", "date": "date"}, name=name, row="index",
                        what="each series takes one value per date",
                        fix=f"keep one row per ticker and date, e.g. {name}.drop_duplicates(['ticker', 'date'], keep='last')")
    out = out.sort_values(["ticker", "date"], kind="stable").reset_index(drop=True)
    return out, chosen


def is_price_column(value: str) -> bool:
    """True for the price loader's columns (``close``, ``adj_close`` ...): values that follow the NYSE calendar."""
    return value in VALUE_PHRASES


def rebase_frame(kind: str, frame: pd.DataFrame, value: str, base_date: object, *, what: str = "rebase_to",
                 sessions: bool | None = None, fix: str | None = None) -> tuple[pd.Series, dict[str, pd.Timestamp]]:
    """``100 * value / value on the base session`` per ticker, aligned with ``frame``'s rows.

    The arithmetic is :func:`frstory.analysis.returns.rebase` (the one implementation); this only
    aligns its result with the chart's frame and words its errors for the chart keyword. The base
    is an NYSE session for price columns and the last date of the data on or before ``base_date``
    for anything else (monthly counts have no trading sessions); ``sessions`` overrides that.
    """
    from frstory.analysis.returns import rebase
    from frstory.errors import AnalysisError

    base = to_timestamp(kind, base_date, what)
    try:
        out = rebase(frame[["date", "ticker", value]], base, price=value,
                     sessions=is_price_column(value) if sessions is None else sessions)
    except AnalysisError as err:
        # With a fix of the chart's own, the analysis error's hint (its keywords, not the chart's) is left out.
        reason = str(err).split("; ")[0].removeprefix("fr.rebase: ") if fix else str(err)
        raise ChartInputError(f"{kind}: cannot index to 100 at {what}={base.date()}: {reason}. "
                              f"Fix: {fix or f'choose another {what}'}.") from err
    keyed = out.set_index(["ticker", "date"])["rebased"]
    index = pd.MultiIndex.from_arrays([frame["ticker"], frame["date"]])
    rebased = pd.Series(keyed.reindex(index).to_numpy(dtype="float64"), index=frame.index)
    sessions = {str(t): pd.Timestamp(d) for t, d in out.groupby("ticker", sort=False)["base_date"].first().items()}
    return rebased, sessions


def pad_range(low: float, high: float, fraction: float = 0.06, *, unit: Unit | None = None) -> tuple[float, float]:
    """A y-range with breathing room (display units); a flat series is drawn from zero.

    Padding a constant 0.0003 by a share of itself ticked 0.0002985 to 0.0003015, suggesting
    variation the data does not have; from zero, the line lies flat at its level and the ticks
    are round (0, 0.0001, ... 0.0003), as a chart editor draws it. With the chart's ``unit``,
    a series that is zero throughout lies on a zero line between minus one and one of the unit
    (1%, 1 pp, $1; a count from 0 to 1), where it had ticks of ±0.06 that no value of the data
    explains, and a currency without minor units (yen) gets two whole amounts or more to tick
    (:func:`whole_amounts`).

    Examples
    --------
    >>> pad_range(10.0, 20.0)
    (9.4, 20.6)
    >>> [round(v, 7) for v in pad_range(0.0003, 0.0003)]
    [-1.8e-05, 0.000318]
    >>> from frstory.charts.units import UNITS
    >>> pad_range(0.0, 0.0, unit=UNITS["percent"]), pad_range(0.0, 0.0, unit=UNITS["count"])
    ((-0.0112, 0.0112), (-0.06, 1.06))
    """
    span = high - low
    if np.isfinite(span) and span <= 1e-9 * max(abs(low), abs(high)):
        low, high = min(low, 0.0), max(high, 0.0)
        span = high - low
    if unit is not None and np.isfinite(span) and span == 0:
        one = 0.01 if unit.name == "percent" else 1.0
        low, high = (0.0 if unit.name == "count" else -one), one
        span = high - low
    if not np.isfinite(span) or span == 0:
        span = 1.0
    padded = (low - span * fraction, high + span * fraction)
    return whole_amounts(unit, *padded, fraction) if unit is not None else padded


def whole_amounts(unit: Unit, low: float, high: float, fraction: float = 0.06) -> tuple[float, float]:
    """``low``-``high``, widened to hold two whole amounts where ``unit`` writes values whole (yen, counts).

    A yen axis ticks whole yen only (no "¥1,234.50"), so a range of less than a yen, such as
    ¥1,234.16 to ¥1,234.84, had no tick at all, and bars under a yen the single tick "¥0". The
    range then runs from the whole amount below ``low`` to the one above ``high`` (at least one
    apart), padded by ``fraction`` of that; any other range is returned as it is.

    Examples
    --------
    >>> from frstory.charts.units import get_unit
    >>> yen = get_unit("line", "currency", "JPY")
    >>> whole_amounts(yen, 1234.16, 1234.84), whole_amounts(yen, 0.0, 0.756, 0.0)
    ((1233.94, 1235.06), (0.0, 1.0))
    >>> whole_amounts(get_unit("line", "currency", "EUR"), 1234.16, 1234.84)
    (1234.16, 1234.84)
    """
    if not unit.whole or not (np.isfinite(low) and np.isfinite(high)):
        return low, high
    if np.floor(high + 1e-9) - np.ceil(low - 1e-9) >= 1:
        return low, high
    first, last = float(np.floor(low + 1e-9)), float(np.ceil(high - 1e-9))
    last = max(last, first + 1.0)
    pad = (last - first) * fraction
    return round(first - pad, 9), round(last + pad, 9)


@dataclass(frozen=True)
class EventMark:
    """One event (or shaded period) to mark on a time axis."""

    date: pd.Timestamp
    end: pd.Timestamp | None
    label: str
    hover: str  # escaped, ready for plotly
    event_id: str
    #: The label in full, for a numbered key under the chart, which wraps instead of cutting it short.
    key: str = ""


def event_marks(
    kind: str,
    events: pd.DataFrame | None,
    *,
    label: str = "headline",
    max_label_chars: int = 28,
    name: str = "events",
) -> list[EventMark]:
    """Events as marks: dates checked, labels shortened, hover text escaped, source URLs http(s) only."""
    if events is None:
        return []
    frame = require_frame(kind, events, name, ["date", "headline", label])
    dates = require_dates(kind, frame, "date", name)
    ends = require_dates(kind, frame, "end_date", name, allow_missing=True) if "end_date" in frame.columns else None
    marks = []
    for pos in range(len(frame)):
        row = frame.iloc[pos]
        event_id = str(row["id"]) if "id" in frame.columns and pd.notna(row["id"]) else f"row {pos}"
        if pd.isna(row["headline"]) or not str(row["headline"]).strip():
            raise ChartInputError(
                f"{kind}: column 'headline' of {name} is empty for event {event_id} (row {pos}); it is the event's "
                f"hover text and its label's fallback. Fix: fill in the headline or drop the event."
            )
        precision = str(row["date_precision"]) if "date_precision" in frame.columns and pd.notna(row["date_precision"]) else "day"
        end = ends.iloc[pos] if ends is not None and pd.notna(ends.iloc[pos]) else None
        when = format_date(dates.iloc[pos], precision)
        if end is not None:
            when = f"{when} to {format_date(end)}"
        hover = [f"<b>{escape_text(row['headline'])}</b>", escape_text(when)]
        if "source_url" in frame.columns and pd.notna(row["source_url"]) and str(row["source_url"]).strip():
            site = source_site(row["source_url"], what=f"{kind}: {name} column 'source_url' for event {event_id}")
            hover.append("Source: " + escape_text(site))
        text = row[label] if pd.notna(row[label]) else row["headline"]
        marks.append(EventMark(dates.iloc[pos], end, shorten(str(text), max_label_chars), "<br>".join(hover), event_id,
                               key=shorten(" ".join(str(text).split()), max(max_label_chars, KEY_LABEL_CHARS))))
    return marks


#: The share of a chart's width its direct labels may take before they wrap onto more lines: at
#: 280 px (a 320 px phone) "Nasdaq Composite" on one line left the plot 93 px. At 0.4 a label
#: wrapped to just under 112 px left a 280 px line chart (52 px of ticks) 116 px, under the 120 px
#: a plot needs, so a series named "Desk with long name 1" had no phone layout; 0.36 leaves 123.
END_LABEL_SHARE = 0.36


def end_label_lines(name: str, width: int | None = None) -> list[str]:
    """The lines of a direct label on a chart ``width`` px wide (unwrapped without a width).

    A label wider than :data:`END_LABEL_SHARE` of the chart wraps at spaces; a single word wider
    than that stays whole (the margin then grows to fit it).

    Examples
    --------
    >>> end_label_lines("Nasdaq Composite", 280)
    ['Nasdaq', 'Composite']
    >>> end_label_lines("Nasdaq Composite", 900)
    ['Nasdaq Composite']
    """
    text = " ".join(str(name).split())
    if width is None:
        return [text]
    return wrap_text(text, END_LABEL_SHARE * width - 16, FONT_SIZES["label"], bold=True) or [text]


#: Line height of a direct label, px per line.
_END_LINE_PX = FONT_SIZES["label"] * 1.3


def _cut_label(lines: list[str], cap: int, max_px: float) -> list[str]:
    """The wrapped ``lines`` of a label in at most ``cap`` lines, the last cut short with "…" to fit."""
    if len(lines) <= cap:
        return lines
    # The cut line may be as wide as the line it replaces (a word wider than max_px stays whole).
    room = max(max_px, text_width_px(lines[cap - 1], FONT_SIZES["label"], bold=True))
    rest = " ".join(lines[cap - 1:])
    for n in range(len(rest) - 1, 0, -1):
        cut = shorten(rest, n)
        if text_width_px(cut, FONT_SIZES["label"], bold=True) <= room:
            break
    return [*lines[: cap - 1], cut]


def end_label_texts(names: Sequence[str], width: int | None, plot_height: float) -> list[list[str]]:
    """The lines of each direct label at a chart ``width`` px wide whose plot is ``plot_height`` high.

    Labels wrapped as :func:`end_label_lines` says, unless so many lines do not fit one above
    the other: then each is cut short ("…") to as many lines as the plot has room for, but never
    so short that two labels read alike (names that differ only in their tails keep more lines;
    :func:`end_label_height` says how much taller the plot must then be). A cut label stays
    identifiable: the line's hover label names the series in full.

    Examples
    --------
    >>> names = [f"Synthetic series {i} with a rather long descriptive name" for i in range(12)]
    >>> len(end_label_lines(names[0], 280)), [len(lines) for lines in end_label_texts(names, 280, 380)][:3]
    (5, [2, 2, 2])
    >>> end_label_texts(names, 280, 380)[0]
    ['Synthetic', 'series 0…']
    """
    lines = [end_label_lines(name, width) for name in names]
    tallest = max((len(item) for item in lines), default=1)
    if width is None or len(lines) * tallest * _END_LINE_PX <= plot_height:
        return lines
    max_px = END_LABEL_SHARE * width - 16
    distinct = len(set(map(str, names)))
    for cap in range(max(1, int(plot_height // (len(lines) * _END_LINE_PX))), tallest):
        cut = [_cut_label(item, cap, max_px) for item in lines]
        if len({tuple(item) for item in cut}) == distinct:
            return cut
    return lines


def end_label_height(names: Sequence[str], width: int | None, plot_height: float) -> float:
    """The plot height (px) the direct labels of ``names`` need: ``plot_height`` or more.

    A chart whose labels do not fit one above the other even when cut short (many series, or
    names that differ only at their ends) grows by the difference, as a bar chart grows with its
    bars: a label pushed off the plot's edge was cut in half or lost.
    """
    if not names:
        return plot_height
    texts = end_label_texts(names, width, plot_height)
    return max(plot_height, len(texts) * max(len(item) for item in texts) * _END_LINE_PX)


def end_label_growth(names: Sequence[str], width: int | None, plot_height: float) -> int:
    """How many px taller a chart must be for the direct labels of ``names`` to fit (0 if they do)."""
    return int(np.ceil(end_label_height(names, width, plot_height) - plot_height))


def end_labels(
    fig: go.Figure,
    ends: list[tuple[str, pd.Timestamp, float, str, bool]],
    *,
    y_range: tuple[float, float],
    plot_height: float,
    width: int | None = None,
    xref: str = "x",
    yref: str = "y",
) -> None:
    """Direct labels at line ends, spread vertically so that none overlap.

    ``ends`` holds ``(name, last_date, last_value, colour, bold)`` per line. With the chart's
    ``width`` long names wrap as :func:`end_label_lines` says (pass the same width to
    :func:`end_label_room`), cut short where the plot has no room for all their lines
    (:func:`end_label_texts`; make the plot :func:`end_label_height` high so that all fit).
    """
    if not ends:
        return
    low, high = y_range
    to_px = plot_height / (high - low)
    positions = [(v - low) * to_px for _, _, v, _, _ in ends]
    lines = end_label_texts([name for name, _, _, _, _ in ends], width, plot_height)
    # One gap for all: labels of different heights are spread as far apart as the tallest needs.
    line_px = _END_LINE_PX * max(len(item) for item in lines)
    spread = spread_positions(positions, line_px, line_px / 2, plot_height - line_px / 2)
    for (name, date, value, colour, bold), original, placed, rows in zip(ends, positions, spread, lines, strict=True):
        text = "<br>".join(escape_text(row) for row in rows)
        fig.add_annotation(
            x=date, y=value, xref=xref, yref=yref, xanchor="left", yanchor="middle", xshift=6,
            yshift=placed - original, text=f"<b>{text}</b>" if bold else text, showarrow=False, align="left",
            font={"color": colour, "size": FONT_SIZES["label"]}, name="frstory-end-label",
        )


def end_label_room(names: Sequence[str], width: int | None = None) -> int:
    """Right margin (px) that fits the widest direct label (wrapped as on a chart ``width`` px wide)."""
    widest = max((text_width_px(line, FONT_SIZES["label"], bold=True)
                  for n in names for line in end_label_lines(str(n), width)), default=0.0)
    return int(np.ceil(widest)) + 16


_MONTH_DAYS, _YEAR_DAYS = 30.4375, 365.25

#: How far (px) a date label may reach past the plot's left and right edges and still be drawn:
#: plotly hides a tick label that would leave the figure ("hide past div"), and date axes have at
#: least 48 px of margin on the left and 24 on the right (label widths are upper-leaning estimates).
_LEFT_ROOM, _RIGHT_ROOM = 48, 24


def _round_up(value: float, steps: Sequence[float]) -> float:
    """plotly.js's ``Lib.roundUp``: the first step above ``value`` (not equal to it), else the last.

    Examples
    --------
    >>> _round_up(2.0, (1, 2, 3, 6, 12)), _round_up(2.004, (1, 2, 3, 6, 12)), _round_up(20, (1, 2, 3, 6, 12))
    (3, 3, 12)
    """
    return next((step for step in steps if step > value), steps[-1])


def _plotly_date_step(days: float, nticks: int) -> tuple[str, int] | None:
    """The step plotly.js (``Axes.autoTicks``) takes on a date axis ``days`` long with ``nticks``: ``("D", 7)``, ``("M", 24)``."""
    rough = days / max(nticks, 1)
    if 2 * rough > _YEAR_DAYS:
        years = rough / _YEAR_DAYS
        base = 10 ** np.floor(np.log(years) / np.log(10))
        return "M", int(round(12 * base * _round_up(years / base, (2, 5, 10))))
    if 2 * rough > _MONTH_DAYS:
        return "M", int(_round_up(rough / _MONTH_DAYS, (1, 2, 3, 6, 12)))
    if 2 * rough > 1:
        return "D", int(_round_up(rough, (1, 2, 3, 7, 14)))
    return None


def _date_ticks(x0: pd.Timestamp, x1: pd.Timestamp, unit: str, step: int, start: pd.Timestamp) -> list[pd.Timestamp]:
    """Ticks every ``step`` days (``unit="D"``) or months (``"M"``) counted from ``start``, inside ``x0``-``x1``."""
    if unit == "D":
        grid = pd.date_range(x0.ceil("D"), x1, freq="D")
        return [d for d in grid if (d - start).days % step == 0]
    grid = pd.date_range(x0 if x0 == x0.normalize() and x0.day == 1 else x0 + pd.offsets.MonthBegin(1), x1, freq="MS")
    return [d for d in grid if ((d.year - start.year) * 12 + d.month - start.month) % step == 0]


def _date_label(day: pd.Timestamp, fmt: str) -> str:
    return {"day": f"{day.day} {day:%b}", "month": f"{day:%b %Y}", "year": f"{day:%Y}"}[fmt]


def _ticks_fit(ticks: list[pd.Timestamp], fmt: str, x0: pd.Timestamp, x1: pd.Timestamp, plot_px: float,
               *, plotlys: bool = False) -> bool:
    """Whether at least two distinct labels of ``ticks`` are drawn, 60 px apart with room between them.

    For plotly's own ticks (``plotlys``), spaced by ``nticks`` already, only whether two labels
    are drawn is in question, and labels are taken at their usual width, not the upper-leaning
    estimate: a close call keeps plotly's choice rather than replacing ticks that were fine.
    """
    from frstory.charts._text import WIDTH_SAFETY

    span = (x1 - x0) / pd.Timedelta(days=1)
    shown = []
    for day in ticks:
        px = (day - x0) / pd.Timedelta(days=1) / span * plot_px
        half = text_width_px(_date_label(day, fmt), FONT_SIZES["tick"]) / (2 * WIDTH_SAFETY if plotlys else 2)
        if px - half >= -_LEFT_ROOM and px + half <= plot_px + _RIGHT_ROOM:
            shown.append((px, _date_label(day, fmt), 2 * half))
    if len({label for _, label, _ in shown}) < 2:
        return False
    if plotlys:
        return True
    need = max(60.0, max(width for _, _, width in shown) + 4)
    return all(b[0] - a[0] >= need for a, b in zip(shown, shown[1:]))


def _two_ticks(x0: pd.Timestamp, x1: pd.Timestamp, nticks: int, plot_px: float) -> dict:
    """``dtick``/``tick0`` that put two labelled ticks on the axis where plotly's own choice draws one, else nothing.

    plotly steps days by 1, 2, 3, 7 or 14 (from Sundays), months by 1, 2, 3, 6 or 12 (from
    January) and years by 2, 5, 10 (from 2000), and hides a label that would leave the figure:
    six months from 2 January on a phone got the single tick "Apr 2020", two years from January
    2019 the single tick "2020", a month from 1 January the single "Jan 2019" (February's
    label ran off the right edge). Then the same step, or the next smaller one whose labels
    still fit, starts at the first day (month, January) inside the range; failing that a larger
    one; failing that twelve months from the first month, labelled "Sep 2019" (a tick in
    September labelled by its year, "2019", would misdate it).

    Examples
    --------
    >>> _two_ticks(pd.Timestamp("2019-01-15"), pd.Timestamp("2020-12-15"), 2, 204)
    {'dtick': 'M12', 'tick0': '2019-02-01', 'tickformat': '%b %Y', 'tickformatstops': []}
    """
    days = (x1 - x0) / pd.Timedelta(days=1)
    plotly = _plotly_date_step(days, nticks)
    if plotly is None:
        return {}
    unit, step = plotly
    # Which labels plotly's tickformatstops (see date_axis) give each step.
    fmt_of = {"D": "day", "M": "month", "Y": "year"}
    own_fmt = "day" if unit == "D" else "year" if step >= 12 else "month"
    origin = pd.Timestamp("2000-01-02" if unit == "D" else "2000-01-01")
    if _ticks_fit(_date_ticks(x0, x1, unit, step, origin), own_fmt, x0, x1, plot_px, plotlys=True):
        return {}
    first_day = x0.ceil("D")
    first_month = x0 if x0 == x0.normalize() and x0.day == 1 else x0 + pd.offsets.MonthBegin(1)
    first_january = first_month if first_month.month == 1 else pd.Timestamp(year=first_month.year + 1, month=1, day=1)
    candidates = ([("D", s, first_day) for s in (1, 2, 3, 7, 14)] + [("M", s, first_month) for s in (1, 2, 3, 6)]
                  + [("Y", s, first_january) for s in (12, 24, 60, 120, 240, 600)])
    size = {"D": 1.0, "M": _MONTH_DAYS, "Y": _MONTH_DAYS}
    own_size = step * size[unit]
    smaller = [c for c in candidates if c[1] * size[c[0]] <= own_size + 1e-9][::-1]
    larger = [c for c in candidates if c[1] * size[c[0]] > own_size + 1e-9]
    for kind, n, start in smaller + larger:
        ticks = _date_ticks(x0, x1, "D" if kind == "D" else "M", n, start)
        if _ticks_fit(ticks, fmt_of[kind], x0, x1, plot_px):
            return {"dtick": 86_400_000 * n if kind == "D" else f"M{n}", "tick0": start.strftime("%Y-%m-%d")}
    if _ticks_fit(_date_ticks(x0, x1, "M", 12, first_month), "month", x0, x1, plot_px):
        # tickformatstops would write a twelve-month step as years: the format is the month's instead.
        return {"dtick": "M12", "tick0": first_month.strftime("%Y-%m-%d"), "tickformat": "%b %Y", "tickformatstops": []}
    return {}


def date_axis(x_range: tuple[pd.Timestamp, pd.Timestamp], plot_px: float | None = None) -> dict:
    """x-axis settings for dates written the newsroom way (``8 Jun``, ``Jun 2020``, ``2020``).

    With ``plot_px`` the number of ticks is capped at one per 80 px, room for the widest
    label (``Jun 2020``): plotly's own spacing assumes shorter labels and lets them collide on a phone.
    Where even one tick per 48 px leaves a year or more between ticks, the labels are years
    (``2020``), and 48 px is room enough.

    Examples
    --------
    >>> date_axis((pd.Timestamp("2016-01-01"), pd.Timestamp("2022-12-31")), 230)["nticks"]
    4
    >>> date_axis((pd.Timestamp("2020-05-01"), pd.Timestamp("2020-07-31")), 230)["nticks"]
    2
    """
    # A cap of two ticks over seven years showed one ("2020") on a phone: no span at all.
    days = (pd.Timestamp(x_range[1]) - pd.Timestamp(x_range[0])).days
    yearly = bool(plot_px) and days / max(1, int(plot_px // 48)) >= 330
    # Upright ticks: plotly rotates crowded ones, which then run into whatever sits below the axis.
    extra = {"nticks": max(2, int(plot_px // (48 if yearly else 80))), "tickangle": 0} if plot_px else {}
    if plot_px and days < 2 * extra["nticks"]:
        # A span of a few days: plotly ticks at noon too, and dates without hours read "1 Jun, 1 Jun, 2 Jun".
        extra.update(dtick=86_400_000 * max(1, int(np.ceil(days / extra["nticks"]))),
                     tick0=pd.Timestamp(x_range[0]).normalize().strftime("%Y-%m-%d"))
    elif plot_px:
        extra.update(_two_ticks(pd.Timestamp(x_range[0]), pd.Timestamp(x_range[1]), extra["nticks"], plot_px))
    # extra last: a step of twelve months from September brings its own format ("Sep 2019", not "2019").
    return {
        "range": [x_range[0], x_range[1]],
        "type": "date",
        "hoverformat": "%-d %B %Y",
        "tickformatstops": [
            {"dtickrange": [None, 86_400_000 * 27], "value": "%-d %b"},
            {"dtickrange": [86_400_000 * 27, "M11"], "value": "%b %Y"},
            {"dtickrange": ["M11", None], "value": "%Y"},
        ],
        **extra,
    }


def _nice_step(span: float, count: int) -> float:
    """The smallest 1-2-5 step that cuts ``span`` into at most ``count`` intervals (how plotly picks dtick)."""
    rough = span / max(count, 1)
    base = 10 ** np.floor(np.log10(rough))
    return float(next(m * base for m in (1, 2, 5, 10) if m * base >= rough * (1 - 1e-9)))


#: Display values this large are written with plotly's suffixes (``$2.5M``, ``1.2B``).
COMPACT_FROM = 1e6


def _js_round(x: float) -> int:
    """JavaScript's ``Math.round`` (halves up, not to even)."""
    return int(np.floor(x + 0.5))


def _plotly_compact(value: float, dtick: float, top: float) -> str:
    """``abs(value)`` as plotly.js writes a tick with ``exponentformat="B"`` and no tickformat: ``2.5M``.

    A port of ``numFormat`` and ``autoTickRound`` (plotly.js ``axes.js``): decimals two digits
    past ``dtick``'s first, one exponent for the whole axis from its largest end ``top``.

    Examples
    --------
    >>> _plotly_compact(-1.5e6, 5e5, 3.2e6), _plotly_compact(-2e6, 1e6, 3.2e6), _plotly_compact(-2e9, 1e9, 8e9)
    ('1.5M', '2M', '2B')
    """
    import re

    tickround = 2 - int(np.floor(np.log(dtick) / np.log(10) + 0.01))
    digits = int(np.floor(np.log(top) / np.log(10) + 0.01))
    exponent = (3 * _js_round((digits - 1) / 3) if digits <= 14 else digits) if abs(digits) > 3 else 0
    number = abs(value)
    if number < 10.0 ** -tickround / 2:
        return "0"
    if exponent:
        number *= 10.0 ** -exponent
        tickround += exponent
    if tickround == 0:
        text = str(_js_round(number))
    elif tickround < 0:
        text = str(_js_round(number / 10 ** -tickround) * 10 ** -tickround)
    else:
        text = re.sub(r"\.?0+$", "", f"{number:.{min(20, tickround)}f}")
    whole, _, fraction = text.partition(".")
    text = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    if not exponent:
        return text
    return text + ("B" if exponent == 9 else {-3: "m", 3: "k", 6: "M", 12: "T"}.get(exponent, f"e+{exponent}"))


def _minus_before_prefix(unit, low: float, high: float, write,
                         step: tuple[float, float] | None = None) -> dict[str, str]:
    """plotly ``labelalias`` entries that move the minus of negative ticks before the unit's prefix.

    plotly writes ``tickprefix`` before the whole label, sign included: "$−5M", where the
    house style (and :func:`frstory.prose.money`) writes "−$5M". Which ticks plotly draws
    depends on the axis length, which the chart does not know here, so every negative tick of
    every step plotly could take (one to 30 ticks over the range) gets an entry; with ``step``
    (``(dtick, tick0)``, a step the chart sets, such as :func:`value_dtick`'s 2.5 million) the
    ticks of that step only. ``write(value, dtick)`` is the label of ``abs(value)`` as plotly
    writes it.
    """
    from frstory.charts.units import MINUS

    span = high - low
    if not (unit.prefix and low < 0 and np.isfinite(span) and span > 0):
        return {}
    steps = [step] if step is not None else [(_plotly_linear_step(span, count), 0.0) for count in range(1, 31)]
    aliases = {}
    for dtick, tick0 in steps:
        for k in range(int(np.floor((low - tick0) / dtick)), int(np.ceil((0 - tick0) / dtick)) + 1):
            value = tick0 + k * dtick
            if low - dtick * 1e-6 <= value < -dtick * 1e-6:
                text = write(value, dtick)
                aliases[f"{unit.prefix}{MINUS}{text}{unit.suffix}"] = f"{MINUS}{unit.prefix}{text}{unit.suffix}"
    return aliases


def value_ticks(unit, low: float, high: float, *, step: tuple[float, float] | None = None) -> tuple[dict, float]:
    """Tick format for a value axis over ``low``-``high`` (display units), and the widest tick label in px.

    A unit's own format fits the values it usually holds; this one fits the range drawn: enough
    decimals that neighbouring ticks differ (an index over two days read "100, 100, 100"), none
    that say nothing (``$1,500,000.00``), and ``$2.5M`` for millions, which at ``,.2f`` ran
    past the left edge of a phone. The width lets a chart make its left margin fit the labels.

    What d3-format cannot write in the house style, plotly's ``labelalias`` rewrites: zero on a
    points axis unsigned ("0.0 pp", not "+0.0 pp") and a negative amount with its minus before
    the symbol, as :func:`frstory.prose.money` writes it ("−$4,000", not "$−4,000").
    The tick steps stay plotly's, which fit the axis's length in pixels, unless ``step``
    (``(dtick, tick0)``, from :func:`value_dtick`) sets one: then the settings hold it, with the
    aliases of its own ticks ("−€2.5M" for a step of 2.5 million).

    Examples
    --------
    >>> from frstory.charts.units import UNITS
    >>> value_ticks(UNITS["index"], 99.9, 100.05)[0]["tickformat"]
    ',.2f'
    >>> value_ticks(UNITS["currency"], 2.1e6, 2.9e6)[0]["exponentformat"]
    'B'
    >>> value_ticks(UNITS["currency"], -5000, 8000)[0]["labelalias"]["$−4,000"]
    '−$4,000'
    >>> value_ticks(UNITS["currency"], -3e6, 8e6, step=(2.5e6, 0.0))[0]["labelalias"]
    {'$−2.5M': '−$2.5M'}
    """
    from frstory.charts.theme import FONT_SIZES
    from frstory.charts.units import signed_zero_aliases

    top = max(abs(low), abs(high))
    # plotly's labelalias rewrites the labels d3-format cannot write in the house style.
    aliases: dict[str, str] = {}
    span = high - low if np.isfinite(high - low) and high > low else (top or 1.0)
    # The finest step plotly takes (at most ten ticks): decimals enough for it are enough for any.
    finest = _nice_step(span, 10)
    if unit.name == "percent":
        finest *= 100
    decimals = max(0, int(np.ceil(-np.log10(finest) - 1e-9)))
    compact = unit.name in ("currency", "number", "count", "index") and top >= COMPACT_FROM
    if compact:
        # No d3 format: plotly's own writes 2.5M and 1.2B ("B" exponents), with the decimals it needs.
        axis = {"tickformat": "", "exponentformat": "B", "separatethousands": True}
        aliases = _minus_before_prefix(unit, low, high, lambda v, dtick: _plotly_compact(v, dtick, top), step)
        exponent = 3 * int(np.floor(np.log10(top) / 3))
        places = max(0, decimals - exponent)
        suffix = {3: "k", 6: "M", 9: "B", 12: "T"}.get(exponent, f"e{exponent}")
        samples = [f"{v / 10 ** exponent:,.{places}f}{suffix}" for v in (low, high)]
    elif unit.name == "currency":
        places = 0 if decimals == 0 else max(2, decimals)
        axis = {"tickformat": f",.{places}f"}
        if unit.minor_digits == 0 and places:
            # No "¥1,234.50" in a currency without minor units: whole amounts, a step of one (places
            # above zero means a span of 5 or less, where plotly's own step could be 0.5: "¥2, ¥2, ¥3").
            places = 0
            axis = {"tickformat": ",.0f", "dtick": 1, "tick0": 0}
            step = step or (1.0, 0.0)
        aliases = _minus_before_prefix(unit, low, high, lambda v, dtick: f"{abs(v):,.{places}f}", step)
        samples = [f"{v:,.{places}f}" for v in (low, high)]
    elif unit.name == "index":
        axis = {"tickformat": f",.{decimals}f"}
        samples = [f"{v:,.{decimals}f}" for v in (low, high)]
    elif unit.name == "percent":
        axis = {"tickformat": f".{decimals}%"}
        samples = [f"{v * 100:,.{decimals}f}%" for v in (low, high)]
    elif unit.name == "points":
        places = max(1, decimals)
        axis = {"tickformat": f"+.{places}f"}
        aliases = signed_zero_aliases(unit)
        samples = [f"{v:+,.{places}f}" for v in (low, high)]
    elif unit.name == "count":
        # Whole numbers only: a count axis over 0-2 had ticks every 0.5, written 0, 1, 1, 2, 2.
        axis = {"tickformat": ",d", **({"dtick": 1, "tick0": 0} if span <= 5 else {})}
        samples = [f"{v:,.0f}" for v in (low, high)]
    else:
        axis = {}
        samples = [f"{v:,.{min(decimals, 6)}f}".rstrip("0").rstrip(".") if decimals else f"{v:,.0f}" for v in (low, high)]
    widest = max(text_width_px(unit.prefix + s.replace("-", "−") + unit.suffix, FONT_SIZES["tick"]) for s in samples)
    if aliases:
        axis["labelalias"] = aliases
    if step is not None:
        axis.update(dtick=step[0], tick0=step[1])
    return axis, widest


def _plotly_linear_step(span: float, count: int) -> float:
    """The tick step plotly.js (``Axes.autoTicks``) takes on a linear axis ``span`` long asked for ``count`` ticks.

    The rough step rounded up to 2, 5 or 10 times a power of ten (a step equal to one goes up too).

    Examples
    --------
    >>> _plotly_linear_step(63_720, 2), _plotly_linear_step(10, 5)
    (50000.0, 5.0)
    """
    rough = span / max(count, 1)
    base = 10.0 ** np.floor(np.log(rough) / np.log(10))
    return float(base * next((m for m in (2, 5, 10) if m > rough / base), 10))


def value_dtick(low: float, high: float, count: int, plot_px: float, label_px: float,
                within: tuple[float, float] | None = None, *, whole: bool = False) -> tuple[float, float] | None:
    """A tick step ``(dtick, tick0)`` for a value axis where plotly's own, asked for ``count`` ticks, labels one value only.

    Two labels must fit side by side, so a narrow axis asks plotly for two ticks; over -33,000 to
    30,720 plotly then steps by 50,000 and writes "0" alone, which gives no scale. The step
    returned is the largest round step from zero (1, 2, 2.5, 3, 4 or 5 times a power of ten)
    that puts two ticks or more inside ``low``-``high``, if their ``label_px``-wide labels stay
    clear of each other. Where none does (on a phone, "€0" and "€5,000" over -€3,300 to €9,984
    ran into each other), the two ticks are round amounts near either end, as round as leaves
    their labels room (-€3,000 and €9,000: a step of 12,000 from -3,000). ``None`` when
    plotly's step already shows two, or when no step fits (the axis keeps plotly's). With
    ``within``, only ticks inside that part of the axis count: where the data lie, not room
    left beside them for value labels (which made a phone's axis read "−€10M, €0" alone).
    ``whole`` (counts, yen) takes whole steps only: a tick at -2.5 written whole read "−¥3".

    Examples
    --------
    >>> value_dtick(-33_000, 30_720, 2, 130, 55)
    (30000.0, 0.0)
    >>> value_dtick(-3_300, 9_984, 2, 130, 50)
    (12000.0, -3000.0)
    >>> value_dtick(-4, 1.3, 2, 140, 20, whole=True)
    (4.0, 0.0)
    >>> value_dtick(0, 95, 5, 400, 30) is None
    True
    """
    span = high - low
    if not (np.isfinite(span) and span > 0 and plot_px > 0):
        return None

    first, last = within if within is not None else (low, high)

    def shown(step: float) -> int:
        return int(np.floor(last / step + 1e-9) - np.ceil(first / step - 1e-9)) + 1

    def fits(step: float) -> bool:
        return step / span * plot_px >= label_px + 6

    step = _plotly_linear_step(span, count)
    if shown(step) >= 2:
        return None
    # Steps of 3 and 4 too: on a narrow axis the only step with two labels that fit can be one.
    power = 10.0 ** np.floor(np.log10(step))
    candidates = sorted({m * power / 10 ** k for m in (1, 2, 2.5, 3, 4, 5) for k in range(0, 3)}, reverse=True)
    best = next((c for c in candidates if c < step and shown(c) >= 2 and (not whole or c.is_integer())), None)
    if best is not None and fits(best):
        return float(f"{best:.12g}"), 0.0
    # Steps from zero are too close: two ticks near either end, the roundest whose labels fit.
    top = max(abs(first), abs(last))
    if not (np.isfinite(top) and top > 0):
        return None
    unit = 10.0 ** np.floor(np.log10(top))
    for _ in range(3):
        if whole and unit < 1:
            break
        a, b = np.ceil(first / unit - 1e-9) * unit, np.floor(last / unit + 1e-9) * unit
        if b > a and fits(b - a):
            return float(f"{b - a:.12g}"), float(f"{a:.12g}")
        unit /= 10
    return None


def value_margin(widest: float, default: int, *, title: bool = False) -> int:
    """A left margin (px) at least ``default`` that holds tick labels ``widest`` px wide (and a rotated title)."""
    return max(default, int(np.ceil(widest)) + 10 + (22 if title else 0))


#: The longest label a numbered key writes (it wraps; labels beside the marks stop at ``max_label_chars``).
KEY_LABEL_CHARS = 160

#: Below this plot width, direct labels give way to numbers and a numbered key under the chart.
KEY_BELOW_PX = 440
_KEY_LINE = 1.3


def numbered_key_lines(labels: Sequence[str], width: int, *, font_size: float = FONT_SIZES["label"]) -> list[str]:
    """Escaped lines of a numbered key (``1  First label``), wrapped to fit ``width`` px.

    Examples
    --------
    >>> numbered_key_lines(["SYNB exits", "SYNA pauses"], 300)
    ['<b>1</b> SYNB exits', '<b>2</b> SYNA pauses']
    """
    from frstory.charts._text import wrap_text

    lines = []
    for number, label in enumerate(labels, start=1):
        prefix = f"{number} "
        wrapped = wrap_text(prefix + " ".join(str(label).split()), width - 16, font_size)
        for i, line in enumerate(wrapped):
            if i == 0:
                lines.append(f"<b>{number}</b> " + escape_text(line[len(prefix):]))
            else:
                lines.append("\u2003" + escape_text(line))
    return lines


def numbered_key_height(lines: Sequence[str], font_size: float = FONT_SIZES["label"]) -> int:
    """Pixels a numbered key needs below the x-axis."""
    return int(round(len(lines) * _KEY_LINE * font_size)) + 8 if lines else 0


def add_numbered_key(fig: go.Figure, lines: Sequence[str], *, left_margin: int, below_px: int) -> None:
    """Draw a numbered key in the bottom margin, ``below_px`` under the plot, aligned with the figure's left edge."""
    if not lines:
        return
    fig.add_annotation(
        text="<br>".join(lines), name="frstory-key", showarrow=False, align="left",
        xref="paper", x=0, xanchor="left", xshift=-(left_margin - 8),
        yref="paper", y=0, yanchor="top", yshift=-below_px,
        font={"size": FONT_SIZES["label"], "color": INK},
    )


def batched(fig: go.Figure) -> go.Figure:
    """Make ``fig.add_annotation``/``fig.add_shape`` collect plain dicts until :func:`flush`.

    plotly copies and re-validates the whole annotation tuple on every ``add_annotation``, which
    makes a chart with n labels cost O(n^2); charts are built once per breakpoint, so that adds
    up. Setting all of them at once validates each label once.
    """
    pending: dict[str, list[dict]] = {"annotations": [], "shapes": []}
    object.__setattr__(fig, "add_annotation", lambda **kw: pending["annotations"].append(kw))
    object.__setattr__(fig, "add_shape", lambda **kw: pending["shapes"].append(kw))
    object.__setattr__(fig, "_frstory_pending", pending)
    return fig


def flush(fig: go.Figure) -> go.Figure:
    """Apply what :func:`batched` collected and restore plotly's own methods."""
    pending = fig.__dict__.pop("_frstory_pending", None)
    if pending is None:
        return fig
    fig.__dict__.pop("add_annotation", None)
    fig.__dict__.pop("add_shape", None)
    fig.update_layout(
        annotations=[*fig.layout.annotations, *pending["annotations"]],
        shapes=[*fig.layout.shapes, *pending["shapes"]],
    )
    return fig


#: Vertical distance between event-label lanes above the plot, px.
LANE_PX = 20


@dataclass(frozen=True)
class EventLayer:
    """Event marks on a date axis with their labels planned for one plot width.

    Labels sit in lanes above the plot, or, when they would stack more than five deep, run past
    the plot or the plot is narrower than :data:`KEY_BELOW_PX`, become numbers with a numbered
    key under the chart; numbers of events close together then share one label ("3–5").

    ``marks`` and ``dates`` (where each mark's line is) hold one entry per mark; ``texts`` and
    ``boxes`` one per label; ``groups`` the positions in ``marks`` each label names and
    ``label_dates`` where on the axis it sits (by default one label per mark, at its line).
    """

    marks: list[EventMark]
    dates: list[pd.Timestamp]
    texts: list[str]
    boxes: list
    key_lines: list[str]
    groups: list[list[int]] | None = None
    label_dates: list[pd.Timestamp] | None = None

    def label_groups(self) -> list[list[int]]:
        """Positions in ``marks`` that each label names."""
        return self.groups if self.groups is not None else [[i] for i in range(len(self.marks))]

    @property
    def n_lanes(self) -> int:
        return max((b.lane for b in self.boxes), default=-1) + 1

    @property
    def extra_top(self) -> int:
        return self.n_lanes * LANE_PX + (8 if self.n_lanes else 0)

    @property
    def extra_bottom(self) -> int:
        return numbered_key_height(self.key_lines)


def plan_event_layer(marks: Sequence[EventMark], x_range: tuple[pd.Timestamp, pd.Timestamp], plot_width: float,
                     width: int) -> EventLayer:
    """Lanes (or numbers and a key) for the labels of ``marks`` at this plot width."""
    from frstory.charts.labels import layout_event_labels

    ordered = sorted(marks, key=lambda m: m.date)
    dates = [max(m.date, x_range[0]) for m in ordered]
    texts = [m.label for m in ordered]
    boxes = layout_event_labels(dates, texts, x_range, plot_width, font_size=FONT_SIZES["label"])
    lanes = max((b.lane for b in boxes), default=-1) + 1
    numbered = bool(ordered) and (
        plot_width < KEY_BELOW_PX or lanes > 5 or any(b.x1_px > plot_width or b.x0_px < 0 for b in boxes)
    )
    key_lines: list[str] = []
    if numbered:
        key_lines = numbered_key_lines([m.key or m.label for m in ordered], width)
        groups, texts, boxes, label_dates = _number_labels(dates, x_range, plot_width)
        return EventLayer(ordered, dates, texts, boxes, key_lines, groups, label_dates)
    return EventLayer(ordered, dates, texts, boxes, key_lines)


#: Event numbers share a label while their group's lines span less than this many times the room
#: one number takes; wider groups would name lines too far apart to tell which number is which.
_NUMBER_GROUP_REACH = 3.0


def _number_labels(dates: Sequence[pd.Timestamp], x_range: tuple[pd.Timestamp, pd.Timestamp], plot_width: float,
                   *, gap: float = 6.0, first: int = 1) -> tuple[list[list[int]], list[str], list, list[pd.Timestamp]]:
    """Groups of consecutive event numbers sharing a label, the labels ("3", "3,4", "3–5"), their boxes and dates.

    Numbers closer than the room a number takes could only stack in rising lanes (eight events
    in three weeks of a year on a phone made a staircase eight lanes high). So events whose lines
    lie within that room of their group's first line share one label, centred over their lines
    (kept inside the plot); while the labels still need more than two lanes the room grows, up
    to :data:`_NUMBER_GROUP_REACH` times. A lone number sits beside its line, as words do. Each
    box spans the label and its group's lines, so no other label of its lane covers them.
    ``first`` is the number of the first date (a timeline numbers its lanes one after another).

    Examples
    --------
    >>> days = pd.to_datetime(["2020-06-01", "2020-06-03", "2020-06-08", "2020-11-01"])
    >>> groups, texts, boxes, at = _number_labels(days, (pd.Timestamp("2020-01-01"), pd.Timestamp("2020-12-31")), 160)
    >>> groups, texts, [(b.lane, b.anchor) for b in boxes]
    ([[0, 1, 2], [3]], ['1\u20133', '4'], [(0, 'center'), (0, 'left')])
    """
    from frstory.charts.labels import LABEL_PAD_PX, LabelBox, assign_lanes, layout_event_labels

    size = FONT_SIZES["label"]
    start, end = pd.Timestamp(x_range[0]), pd.Timestamp(x_range[1])
    span = end - start
    seconds = span.total_seconds() or 1.0
    xs = [(pd.Timestamp(d) - start).total_seconds() / seconds * plot_width for d in dates]
    one = text_width_px(str(len(xs) + first - 1), size) + 2 * LABEL_PAD_PX + gap
    reach = one
    while True:
        groups: list[list[int]] = []
        for i, x in enumerate(xs):
            if groups and x - xs[groups[-1][0]] < reach:
                groups[-1].append(i)
            else:
                groups.append([i])
        texts = [str(g[0] + first) if len(g) == 1 else f"{g[0] + first},{g[-1] + first}" if len(g) == 2
                 else f"{g[0] + first}\u2013{g[-1] + first}" for g in groups]
        intervals, anchors, centres = [], [], []
        for g, text in zip(groups, texts, strict=True):
            if len(g) == 1:
                (box,) = layout_event_labels([dates[g[0]]], [text], x_range, plot_width, font_size=size)
                intervals.append((box.x0_px, box.x1_px))
                anchors.append(box.anchor)
                centres.append(pd.Timestamp(dates[g[0]]))
                continue
            half = text_width_px(text, size) / 2 + LABEL_PAD_PX
            centre = min(max(sum(xs[i] for i in g) / len(g), half), max(plot_width - half, half))
            intervals.append((min(xs[g[0]], centre - half), max(xs[g[-1]], centre + half)))
            anchors.append("center")
            centres.append((start + span * (centre / plot_width)).round("min") if plot_width else start)
        lanes = assign_lanes(intervals, gap=gap)
        if max(lanes, default=0) < 2 or reach >= _NUMBER_GROUP_REACH * one:
            break
        reach = min(reach * 1.5, _NUMBER_GROUP_REACH * one)
    boxes = [LabelBox(lane, x0, x1, anchor) for lane, (x0, x1), anchor in zip(lanes, intervals, anchors, strict=True)]
    return groups, texts, boxes, centres


def draw_event_layer(fig: go.Figure, layer: EventLayer, *, x_range: tuple[pd.Timestamp, pd.Timestamp],
                     plot_height: float, left: int, axis_room: int) -> None:
    """Shaded periods, dotted event lines, their labels in lanes and the numbered key (if any)."""
    from frstory.charts.labels import LABEL_PAD_PX
    from frstory.charts.theme import EVENT_GREY, SHADE

    for mark in layer.marks:
        if mark.end is not None:
            fig.add_shape(type="rect", xref="x", yref="paper", x0=max(mark.date, x_range[0]),
                          x1=min(mark.end, x_range[1]), y0=0, y1=1, fillcolor=SHADE, line={"width": 0},
                          layer="below", name=f"frstory-period-{mark.event_id}")
    groups = layer.label_groups()
    label_dates = layer.label_dates or [layer.dates[g[0]] for g in groups]
    for group, box, text, at in zip(groups, layer.boxes, layer.texts, label_dates, strict=True):
        lift = 4 + box.lane * LANE_PX
        for i in group:
            mark, date = layer.marks[i], layer.dates[i]
            if mark.end is None:
                # A line runs up beside its own label, but stops under a label centred over a group's lines.
                top = lift + LANE_PX - 4 if box.anchor != "center" else lift - 1
                fig.add_shape(type="line", xref="x", yref="paper", x0=date, x1=date, y0=0,
                              y1=1 + top / plot_height,
                              line={"color": EVENT_GREY, "width": 1, "dash": "dot"}, layer="above",
                              name=f"frstory-event-line-{mark.event_id}")
        fig.add_annotation(
            x=at, xref="x", y=1, yref="paper", yanchor="bottom", yshift=lift, xanchor=box.anchor,
            xshift={"left": LABEL_PAD_PX, "right": -LABEL_PAD_PX}.get(box.anchor, 0.0),
            text=escape_text(text), hovertext="<br><br>".join(layer.marks[i].hover for i in group), showarrow=False,
            align="left", font={"size": FONT_SIZES["label"], "color": INK}, bgcolor="rgba(255,255,255,0.9)", borderpad=1,
            name=f"frstory-event-label-{layer.marks[group[0]].event_id}",
        )
    add_numbered_key(fig, layer.key_lines, left_margin=left, below_px=axis_room)
