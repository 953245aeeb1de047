"""General charts for any tidy data: :func:`line` and :func:`bar`, plotly.express style.

A tidy frame (one row per observation) plus column keywords (``x``, ``y``, ``color``), a
``unit`` that formats axes, hover and alt text, and the shared furniture keywords. Events from
a timeline can be marked on a date axis (``events=``) with labels that never collide.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from frstory import prose
from frstory.charts._common import (
    batched,
    date_axis,
    draw_event_layer,
    end_label_growth,
    end_label_room,
    end_labels,
    event_marks,
    is_monthly,
    pad_range,
    plan_event_layer,
    value_dtick,
    value_margin,
    value_ticks,
    when,
    whole_amounts,
)
from frstory.charts._text import MINUS, escape_template, escape_text, fit_lines, text_width_px, wrap_text
from frstory.charts._validate import (
    require_columns,
    require_dates,
    require_filled,
    require_fractions,
    require_numeric,
    require_one_row_per,
    to_timestamp,
    value_words,
)
from frstory.charts.furniture import FURNITURE_DOC, document, prepare
from frstory.charts.responsive import responsive
from frstory.charts.theme import COLORWAY, FONT_SIZES, INK, PEER_GREY, colors_for
from frstory.charts.units import Unit, UnitName, get_unit, series_name
from frstory.errors import ChartInputError

__all__ = ["FURNITURE_DOC", "document", "line", "bar"]

def _x_values(kind: str, frame: pd.DataFrame, x: str) -> tuple[pd.Series, bool]:
    """The x column as dates (``True``) when it holds dates, else as it is (categories or numbers)."""
    series = frame[x]
    if pd.api.types.is_datetime64_any_dtype(series.dtype) or (
        series.dtype == object and series.dropna().map(lambda v: isinstance(v, (pd.Timestamp, np.datetime64))).all()
    ):
        return require_dates(kind, frame, x, "data"), True
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        try:
            return require_dates(kind, frame, x, "data"), True
        except ChartInputError:
            require_filled(kind, frame, x, "data", keyword="x")
            return series.astype(str), False
    require_filled(kind, frame, x, "data", keyword="x")
    return series, False


def require_unique(kind: str, work: pd.DataFrame, x: str, group: str | None, color: str | None, what: str) -> None:
    """One row per point: a second row for the same x (in the same series) would be drawn over the first.

    ``work`` holds ``_x`` and, when there are series, their names in column ``group``; ``x`` and
    ``color`` are the caller's column names, for the message.
    """
    by = [x, color] if group else [x]
    require_one_row_per(kind, work, {"_x": x, **({group: color} if group else {})}, name="data", row="rows", what=what,
                        fix=f"aggregate them first, e.g. data.groupby({by!r}, as_index=False).sum(), "
                            "or pass color= the column that tells them apart")


def _at(value: object, monthly: bool) -> str:
    """A point on the x-axis after its preposition: ``on 8 June 2020``, ``in June 2020``, ``in Metro``."""
    on = isinstance(value, pd.Timestamp) and not monthly
    return ("on " if on else "in ") + _when(value, monthly)


_is_monthly = is_monthly
_when = when


def _series(kind: str, frame: pd.DataFrame, color: str | None) -> list[tuple[str, pd.DataFrame]]:
    if color is None:
        return [("", frame)]
    keys = list(dict.fromkeys(frame[color].astype(str)))
    return [(key, frame[frame[color].astype(str) == key]) for key in keys]


def _plural_words(words: str) -> bool:
    """Whether ``words`` (what the values are, e.g. "votes") take a plural verb: their last word is a plural noun.

    Examples
    --------
    >>> _plural_words("votes"), _plural_words("share read online"), _plural_words("news")
    (True, False, False)
    """
    from inflection import singularize  # the inflector prose.plural uses

    last = words.split()[-1].lower() if words.split() else ""
    return bool(last) and singularize(last) != last


def _tied_at(ys, i: int, xs: list, unit: Unit, currency: str, monthly: bool) -> str:
    """Where point ``i``'s value is reached: ``in March 2020``, or every point that reads the same.

    A peak reached twice is not "the" peak of one month ("in March 2020 and again in May 2020";
    more often: "three times, first in March 2020").
    """
    said = unit.text(ys[i], currency=currency)
    at = [j for j, y in enumerate(ys) if unit.text(y, currency=currency) == said]
    if len(at) == 1:
        return _at(xs[i], monthly)
    if len(at) == 2:
        return f"{_at(xs[at[0]], monthly)} and again {_at(xs[at[1]], monthly)}"
    return f"{prose.spelled(len(at))} times, first {_at(xs[at[0]], monthly)}"


def _line_alt(parts: list[tuple[str, pd.DataFrame]], unit: Unit, currency: str, what: str, monthly: bool) -> str:
    """Finding first (how each series moved, first to last), then the range of the data."""
    sentences = []
    for name, rows in parts:
        # Positions, not rows: a row of an int x and a float y would turn the year 2015 into 2015.0.
        xs, ys = rows["_x"].tolist(), rows["_y"].to_numpy()
        first, last = 0, len(rows) - 1
        peak, low = int(np.argmax(ys)), int(np.argmin(ys))
        who = name or what
        # A series is named in the singular ("Metro desk"); the values' own words may be plural ("votes").
        be = "was" if name or not _plural_words(what) else "were"
        if len(rows) == 1:
            sentences.append(prose.sentence(f"{who} {be} {unit.text(ys[0], currency=currency)} {_at(xs[0], monthly)}") + ".")
            continue
        verb = "rose" if ys[last] > ys[first] else ("fell" if ys[last] < ys[first] else f"{be} unchanged")
        text = (f"{who} {verb} from {unit.text(ys[first], currency=currency)} {_at(xs[first], monthly)} "
                f"to {unit.text(ys[last], currency=currency)} {_at(xs[last], monthly)}")
        if xs[peak] not in (xs[first], xs[last]):
            text += f", peaking at {unit.text(ys[peak], currency=currency)} {_tied_at(ys, peak, xs, unit, currency, monthly)}"
        elif xs[low] not in (xs[first], xs[last]):
            text += f", with a low of {unit.text(ys[low], currency=currency)} {_tied_at(ys, low, xs, unit, currency, monthly)}"
        sentences.append(prose.sentence(text) + ".")
    n = len(parts)
    kind = "Line chart" + (f" of {prose.plural(n, 'series')}" if n > 1 else "")
    return " ".join(sentences) + f" {kind}, {prose.plural(len(parts[0][1]), 'point')}" + (" each." if n > 1 else ".")


@responsive
@document
def line(
    data: pd.DataFrame,
    *,
    x: str = "date",
    y: str = "value",
    color: str | None = None,
    unit: UnitName | Unit = "number",
    currency: str = "USD",
    names: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
    highlight: str | Sequence[str] | None = None,
    y_title: str | None = None,
    x_title: str | None = None,
    events: pd.DataFrame | None = None,
    event_label: str = "headline",
    max_label_chars: int = 28,
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
    height: int = 480,
) -> go.Figure:
    """A line per series of a tidy frame, labelled at its end, with optional event marks.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy data: one row per observation.
    x : str
        Column for the x-axis (dates, numbers or categories); default ``"date"``.
    y : str
        Column of values; default ``"value"``.
    color : str, optional
        Column naming the series (one line each, in its house colour, labelled at its end).
    unit : {"number", "count", "currency", "percent", "points", "index"}
        What the values are; formats the axis, hover and alt text (percent and points take
        fractions). See :mod:`frstory.charts.units`.
    currency : str
        ISO code for ``unit="currency"``. Give amounts in full (12_500_000 for €12.5 million): the
        axis writes ``€12.5M``, the alt text ``€12.5 million``.
    names : mapping, optional
        Reader names for series keys; default :func:`frstory.prose.display_name`, else the key.
        The series of a ``ticker`` column are tickers and need a name (registered, or here):
        one without raises :class:`frstory.prose.UnknownDisplayName`, never a raw ticker.
    colors : mapping, optional
        Colours for some series, overriding the house mapping.
    highlight : str or sequence of str, optional
        Series to draw in colour; the others turn grey.
    y_title : str, optional
        What the values are, in words (``"change in net profit"``): the axis title and the alt
        text's subject. Default the ``y`` column's name when it reads as words (``"stories"``);
        a name written for code (``"change_eur_m"``) is refused, asking for ``y_title``.
    x_title : str, optional
        What the x values are, in words (``"quarter"``): the title of an x-axis of numbers or
        categories. Default the ``x`` column's name when it reads as words (``"year"``); a name
        written for code (``"quarter_label"``) is refused, asking for ``x_title``. A date axis
        has no title (its dates say what they are), so it takes none.
    events : pandas.DataFrame, optional
        Events (``date``, ``headline``) to mark on a date axis.
    event_label : str
        Events column for the labels.
    max_label_chars : int
        Longest event label.
    start, end : date, optional
        Limit a date axis.
    {furniture}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    frstory.ChartInputError
        A missing column (naming the keyword to pass), non-numeric values, an unknown unit, a
        column name written for code that would title an axis.

    Examples
    --------
    >>> import pandas as pd
    >>> from frstory import charts
    >>> stories = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=6, freq="MS"),
    ...                         "stories": [3, 5, 4, 12, 30, 18]})
    >>> fig = charts.line(stories, x="month", y="stories", unit="count", source="Newsroom archive")
    >>> fig.layout.meta["frstory"]["alt"].split(".")[0]
    'Stories rose from 3 in January 2020 to 18 in June 2020, peaking at 30 in May 2020'

    An x-axis of categories is titled in words, from ``x_title`` or a column named in words:

    >>> quarters = pd.DataFrame({"quarter_label": ["Q1", "Q2", "Q3"], "stories": [3, 5, 4]})
    >>> fig = charts.line(quarters, x="quarter_label", y="stories", unit="count", x_title="quarter",
    ...                   source="Newsroom archive")
    >>> fig.layout.xaxis.title.text
    'Quarter'
    """
    kind = "line"
    frame = require_columns(kind, data, {"x": x, "y": y, "color": color})
    the_unit = get_unit(kind, unit, currency)
    xs, is_date = _x_values(kind, frame, x)
    work = pd.DataFrame({"_x": xs, "_y": require_numeric(kind, frame, y, "data")}, index=frame.index)
    if color is not None:
        require_filled(kind, frame, color, "data", keyword="color")
        work[color] = frame[color].astype(str)
    # Positions from here on: the caller's index may repeat labels (a concat), which .loc would multiply.
    work = work.reset_index(drop=True)
    require_unique(kind, work, x, color, color, "a line takes one row per point")
    if is_date:
        if start is not None:
            work = work[work["_x"] >= to_timestamp(kind, start, "start")]
        if end is not None:
            work = work[work["_x"] <= to_timestamp(kind, end, "end")]
    work = work.dropna(subset=["_y"])
    if work.empty:
        raise ChartInputError(f"{kind}: no values to draw in column {y!r} (between start and end). Fix: check the data.")
    require_fractions(kind, work["_y"], y, the_unit)
    if is_date:
        work = work.sort_values("_x", kind="stable")
    parts = _series(kind, work, color)
    highlighted = [highlight] if isinstance(highlight, str) else list(highlight or [])
    monthly = _is_monthly(work["_x"]) if is_date else False
    what = value_words(kind, y, y_title)
    x_words = _x_words(kind, x, x_title, is_date)
    # A ticker column holds tickers, which need reader names; any other column's values are their own labels.
    labels = [series_name(key, dict(names or {}), ticker=color == "ticker") for key, _ in parts] if color is not None else []
    narrow = width < 520
    scaled = work["_y"] * the_unit.scale
    y_range = pad_range(float(min(scaled.min(), 0 if the_unit.name == "count" else scaled.min())), float(scaled.max()),
                        unit=the_unit)
    y_ticks, tick_px = value_ticks(the_unit, *y_range)
    left = value_margin(tick_px, 52 if narrow else 64, title=not narrow)
    right = end_label_room(labels, width) if labels else 24
    x_range = (work["_x"].min(), work["_x"].max()) if is_date else None
    marks = []
    if events is not None:
        if not is_date:
            raise ChartInputError(f"{kind}: events can only be marked on a date axis, but x={x!r} holds no dates. Fix: drop events= or pass x=<a date column>.")
        marks = [m for m in event_marks(kind, events, label=event_label, max_label_chars=max_label_chars)
                 if (m.end or m.date) >= x_range[0] and m.date <= x_range[1]]
    layer = plan_event_layer(marks, x_range, width - left - right, width) if marks else None
    axis_room = 44
    place = functools.partial(prepare, kind, title=title, subtitle=subtitle, source=source, source_url=source_url,
                              notes=notes, template=template, width=width, left=left, right=right,
                              extra_top=layer.extra_top if layer else 0, axis_room=axis_room,
                              extra_bottom=layer.extra_bottom if layer else 0)
    canvas = place(height=height + (layer.extra_bottom if layer else 0))
    grow = end_label_growth(labels, width, canvas.frame.plot_height) if labels else 0
    if grow:  # more (or longer) names than fit beside the plot: a taller plot, not labels off its edge
        canvas = place(height=height + (layer.extra_bottom if layer else 0) + grow)
    fig = batched(go.Figure())
    ends = []
    coloured = [key for key, _ in parts if key and (not highlighted or key in highlighted)]
    colour_of = dict(zip(coloured, colors_for(coloured, dict(colors or {})), strict=True))
    for (key, rows), label in zip(parts, labels or [""] * len(parts), strict=True):
        # Series not highlighted are grey (coloured holds only the highlighted, when there are any).
        colour = colour_of.get(key, PEER_GREY) if key else COLORWAY[0]
        name = label or what
        values = rows["_y"] * the_unit.scale
        hover, hover_texts = the_unit.hover_points(values)
        fig.add_trace(go.Scatter(
            x=rows["_x"], y=values, mode="lines" if len(rows) > 1 else "markers", name=escape_text(name),
            line={"color": colour, "width": 3 if key in highlighted else 2.25}, marker={"color": colour},
            customdata=hover_texts, hovertemplate=hover + "<extra>" + escape_template(name) + "</extra>",
        ))
        if label:
            ends.append((label, rows["_x"].iloc[-1], float(rows["_y"].iloc[-1] * the_unit.scale), colour, key in highlighted))
    if layer is not None:
        draw_event_layer(fig, layer, x_range=x_range, plot_height=canvas.frame.plot_height, left=left, axis_room=axis_room)
    if ends:
        end_labels(fig, ends, y_range=y_range, plot_height=canvas.frame.plot_height, width=width)
    axis_title = what[:1].upper() + what[1:] + (f" ({the_unit.axis_word})" if the_unit.name == "currency" else "")
    xaxis: dict[str, Any] = date_axis(x_range, canvas.frame.plot_width) if is_date else {"title": {"text": escape_text(x_words[:1].upper() + x_words[1:])}}
    if is_date and monthly:
        xaxis["hoverformat"] = "%B %Y"
    fig.update_layout(
        xaxis=xaxis,
        yaxis={"range": list(y_range), "title": {"text": "" if narrow else escape_text(axis_title)}, **the_unit.axis(),
               **y_ticks},
        showlegend=False, hovermode="x unified",
    )
    out = work.rename(columns={"_x": x, "_y": y})
    out = out.loc[:, ~out.columns.duplicated()]  # color= the x column: the table holds it once
    # A sentence names an index with its article ("the S&P 500 rose"); the end labels take none.
    said = [series_name(key, dict(names or {}), article=True, ticker=color == "ticker") for key, _ in parts] if color is not None else []
    auto_alt = _line_alt([(lab or "", rows) for (_, rows), lab in zip(parts, said or [""] * len(parts))],
                         the_unit.fitted(work["_y"]), currency, what, monthly)
    return canvas.finish(fig, alt=alt, auto_alt=auto_alt, data=out.reset_index(drop=True))


def _x_words(kind: str, x: str, given: str | None, is_date: bool) -> str:
    """The x-axis title's words, by the rule of :func:`value_words` for the values: ``given``, else
    the ``x`` column's name when it reads as words; a name written for code is refused. A date
    axis has no title, so ``given`` there would be dropped unseen: it is refused too.

    Examples
    --------
    >>> _x_words("line", "year", None, False), _x_words("line", "quarter_label", "quarter", False)
    ('year', 'quarter')
    >>> _x_words("line", "quarter_label", None, False)
    Traceback (most recent call last):
    ...
    frstory.errors.ChartInputError: line: the x column 'quarter_label' is a name for code, not words for readers; the x-axis title would read "Quarter label". Fix: pass x_title= what the x values are, e.g. x_title='quarter', or name the column in words.
    """
    if is_date:
        if given is not None:
            raise ChartInputError(f"{kind}: x_title={given!r} would title a date axis, which has no title (its dates "
                                  "say what they are). Fix: drop x_title=.")
        return ""
    try:
        return value_words(kind, x, given, keyword="x_title")
    except ChartInputError:
        # value_words speaks of the values and the alt text; this name would reach the x-axis title only.
        shown = str(x).replace("_", " ")
        raise ChartInputError(
            f"{kind}: the x column {x!r} is a name for code, not words for readers; the x-axis title would read "
            f"\"{shown[:1].upper() + shown[1:]}\". Fix: pass x_title= what the x values are, e.g. x_title='quarter', "
            "or name the column in words."
        ) from None


def _bar_alt(frame: pd.DataFrame, unit: Unit, currency: str, what: str, monthly: bool, groups: list[str],
             names: Mapping[str, str] | None = None) -> str:
    """Finding first (the highest and lowest bar), then what the chart holds."""

    def where(row: pd.Series) -> str:
        # The group as the legend names it (S&P 500), not its key in the data (^GSPC).
        return _at(row["_x"], monthly) + (f" ({series_name(row['_g'], dict(names or {}))})" if groups else "")

    top = frame.loc[frame["_y"].idxmax()]
    low = frame.loc[frame["_y"].idxmin()]
    What = what[:1].upper() + what[1:]
    said = [unit.text(v, currency=currency) for v in frame["_y"]]

    def end(word: str, row: pd.Series) -> str:
        # Bars that read the same as the end bar tie with it: "the" highest of several would be false.
        value = unit.text(row["_y"], currency=currency)
        tied = [r for (_, r), t in zip(frame.iterrows(), said) if t == value]
        if len(tied) == 1:
            return f"{word} {where(row)}, at {value}"
        if len(tied) <= 3:
            return f"{word} {prose.join([where(r) for r in tied])}, at {value}"
        return f"{word}, at {value}, in {prose.plural(len(tied), 'bar', spell=True)}, the first {where(tied[0])}"

    if len(frame) == 1:
        finding = f"{What}: {unit.text(top['_y'], currency=currency)} {where(top)}."
    elif unit.text(top["_y"], currency=currency) == unit.text(low["_y"], currency=currency):
        # "highest in A, at 12; lowest in A, at 12" would name one bar as both ends.
        finding = f"{What}: {unit.text(top['_y'], currency=currency)} in every bar."
    else:
        finding = f"{What}: {end('highest', top)}; {end('lowest', low)}."
    shape = f"Bar chart of {prose.plural(len(frame), 'bar')}" + (f" in {prose.plural(len(groups), 'group')}" if groups else "")
    return f"{finding} {shape}."


@responsive
@document
def bar(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str | None = None,
    unit: UnitName | Unit = "number",
    currency: str = "USD",
    names: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
    text: bool = False,
    y_title: str | None = None,
    events: pd.DataFrame | None = None,
    event_label: str = "headline",
    max_label_chars: int = 28,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    source_url: str | None = None,
    notes: str | None = None,
    alt: str | None = None,
    template: object = "frstory",
    width: int = 900,
    height: int = 480,
) -> go.Figure:
    """Bars of a tidy frame: over time (a date ``x``) or by category, grouped by ``color``.

    Categories are written out in full: on a screen too narrow for them under upright bars,
    the bars turn horizontal with their names beside them.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy data: one row per bar.
    x : str
        Column for the bars' positions: dates (monthly counts, say) or categories.
    y : str
        Column of values (bar lengths).
    color : str, optional
        Column of groups: bars side by side, each group in its house colour, with a legend.
    unit : {"number", "count", "currency", "percent", "points", "index"}
        What the values are (formats axis, hover, text and alt text).
    currency : str
        ISO code for ``unit="currency"``. Give amounts in full (12_500_000 for €12.5 million): the
        axis writes ``€12.5M``, the alt text ``€12.5 million`` (see the second example).
    names : mapping, optional
        Reader names for groups (tickers in a ``ticker`` column need one, as in :func:`line`).
    colors : mapping, optional
        Colours for some groups (overriding the house mapping).
    text : bool
        Write each bar's value at its end.
    y_title : str, optional
        What the values are, in words: the value axis title and the alt text's subject. Default
        the ``y`` column's name when it reads as words (``"stories"``); a name written for code
        (``"change_eur_m"``) is refused, asking for ``y_title``.
    events : pandas.DataFrame, optional
        Events to mark (only with dates on ``x``).
    event_label : str
        Events column for the labels.
    max_label_chars : int
        Longest event label.
    {furniture}

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from frstory import charts
    >>> desks = pd.DataFrame({"desk": ["Business", "Metro", "Politics"], "stories": [12, 30, 18]})
    >>> fig = charts.bar(desks, x="desk", y="stories", unit="count", source="Newsroom archive")
    >>> fig.layout.meta["frstory"]["alt"].split(";")[0]
    'Stories: highest in Metro, at 30'

    Amounts in millions: multiply them out, and say what they are with ``y_title``.

    >>> profit = pd.DataFrame({"quarter": ["Q1 2023", "Q2 2023", "Q3 2023"], "change_eur_m": [4.2, -1.5, 12.5]})
    >>> profit["change"] = profit["change_eur_m"] * 1_000_000  # full euros, not millions
    >>> fig = charts.bar(profit, x="quarter", y="change", unit="currency", currency="EUR",
    ...                  y_title="change in net profit", source="Company reports")
    >>> fig.layout.meta["frstory"]["alt"].split(";")[0]
    'Change in net profit: highest in Q3 2023, at €12.5 million'
    """
    kind = "bar"
    frame = require_columns(kind, data, {"x": x, "y": y, "color": color})
    the_unit = get_unit(kind, unit, currency)
    xs, is_date = _x_values(kind, frame, x)
    work = pd.DataFrame({"_x": xs, "_y": require_numeric(kind, frame, y, "data")}, index=frame.index)
    if color is not None:
        require_filled(kind, frame, color, "data", keyword="color")
    work["_g"] = frame[color].astype(str) if color is not None else ""
    # Positions from here on: the caller's index may repeat labels (a concat), which .loc would multiply.
    work = work.reset_index(drop=True)
    require_unique(kind, work, x, "_g" if color is not None else None, color, "a bar chart takes one row per bar")
    work = work.dropna(subset=["_y"])
    if work.empty:
        raise ChartInputError(f"{kind}: column {y!r} has no values. Fix: check the data.")
    require_fractions(kind, work["_y"], y, the_unit)
    the_unit = the_unit.fitted(work["_y"])  # whole numbers written whole in the labels and the alt text
    if is_date:
        work = work.sort_values("_x", kind="stable")
    groups = list(dict.fromkeys(work["_g"])) if color is not None else []
    # A ticker column holds tickers, which need reader names; any other column's values are their own labels.
    group_names = {g: series_name(g, dict(names or {}), ticker=color == "ticker") for g in groups}
    monthly = _is_monthly(work["_x"]) if is_date else False
    what = value_words(kind, y, y_title)
    narrow = width < 520
    categories = list(dict.fromkeys(work["_x"])) if not is_date else []
    scaled = work["_y"] * the_unit.scale
    # Room for the values written at the bars' ends: a fixed 40 px cut "$5,400,000" short.
    text_px = (max(text_width_px(the_unit.text(v, currency=currency, minus=MINUS), FONT_SIZES["label"]) for v in work["_y"]) + 8
               if text else 0)
    text_room = int(np.ceil(text_px)) if text and scaled.max() > 0 else 0
    # Upright bars need each category name to fit its slot in at most two lines; otherwise go horizontal.
    plot_guess = width - 64 - 24
    slot = plot_guess / max(len(categories), 1)
    # Keep a fifth of each slot free: the width estimate is approximate and names must not touch.
    wrapped = {c: wrap_text(str(c), slot * 0.8, FONT_SIZES["tick"]) for c in categories}
    horizontal = bool(categories) and any(len(lines) > 2 or any(text_width_px(w, FONT_SIZES["tick"]) > slot * 0.8 for w in lines)
                                          for lines in wrapped.values())
    above = False  # names above their bars instead of beside them (phones)
    if horizontal:
        # Names beside the bars, in up to two lines within 45% of the width ...
        longest = max(text_width_px(str(c), FONT_SIZES["tick"]) for c in categories)
        # ... and never so wide that the bars (and their values) get less than 120 px on a phone.
        left = int(min(np.ceil(longest) + 16, width * 0.45, width - (24 + text_room) - 120))
        names_px = left - 16
        beside = {c: wrap_text(str(c), names_px, FONT_SIZES["tick"]) for c in categories}
        # A name that would be cut short goes above its bar instead, across the whole plot
        # (as Datawrapper lays out bars on phones): "Business and…" tells a reader nothing.
        above = any(len(lines) > 2 or any(text_width_px(w, FONT_SIZES["tick"]) > names_px for w in lines)
                    for lines in beside.values())
        if above:
            left = 16
            names_px = width - left - 24 - text_room
        # Fitted as plain text and escaped after, so a cut never falls inside "&amp;".
        cat_text = {c: "<br>".join(escape_text(w) for w in fit_lines(str(c), names_px, FONT_SIZES["tick"]))
                    for c in categories}
        axis_room, extra_bottom = 36, 0
    else:
        low, high = min(0.0, float(scaled.min())), max(0.0, float(scaled.max()))
        left = value_margin(value_ticks(the_unit, low, high + (high - low) * 0.08)[1], 52 if narrow else 64, title=not narrow)
        lines = max((len(v) for v in wrapped.values()), default=1)
        cat_text = {c: "<br>".join(escape_text(w) for w in wrapped[c]) for c in categories}
        axis_room, extra_bottom = 30 + 16 * lines, 0
    # Each bar's place on the category axis. Above their bars the names are annotations and the
    # axis is hidden: there it is the full name, for two long names cut alike ("Regional news…")
    # would put both bars on one row, one drawn over the other.
    cat_key = {c: escape_text(c) for c in categories} if above else cat_text
    marks = []
    if events is not None:
        if not is_date:
            raise ChartInputError(f"{kind}: events can only be marked when x holds dates (x={x!r} does not). Fix: drop events=.")
        x_range = (work["_x"].min() - pd.Timedelta(days=15), work["_x"].max() + pd.Timedelta(days=15))
        marks = [m for m in event_marks(kind, events, label=event_label, max_label_chars=max_label_chars)
                 if (m.end or m.date) >= x_range[0] and m.date <= x_range[1]]
    layer = plan_event_layer(marks, x_range, width - left - 24, width) if marks else None
    legend_px = 26 if groups else 0
    n_bars = len(categories) if horizontal else 0
    if horizontal:
        name_px = max(len(t.split("<br>")) for t in cat_text.values()) * 16 + 4 if above else 0
        height = max(200, height if not narrow else 0, 60 + n_bars * (max(len(groups), 1) * 22 + name_px) + axis_room + legend_px)
    canvas = prepare(kind, title=title, subtitle=subtitle, source=source, source_url=source_url, notes=notes,
                     template=template, width=width, height=height + (layer.extra_bottom if layer else 0), left=left,
                     right=24 + (text_room if horizontal else (40 if text else 0)), extra_top=(layer.extra_top if layer else 0) + legend_px,
                     axis_room=axis_room, extra_bottom=extra_bottom + (layer.extra_bottom if layer else 0))
    fig = batched(go.Figure())
    colour_of = dict(zip(groups, colors_for(groups, dict(colors or {})), strict=True))
    for group in groups or [""]:
        rows = work[work["_g"] == group]
        name = group_names[group] if group else what
        colour = colour_of[group] if group else COLORWAY[0]
        values = rows["_y"] * the_unit.scale
        positions = [cat_key[c] for c in rows["_x"]] if categories else rows["_x"]
        axis = "x" if horizontal else "y"
        hover, hover_texts = the_unit.hover_points(values, axis)
        fig.add_trace(go.Bar(
            x=values if horizontal else positions, y=positions if horizontal else values,
            orientation="h" if horizontal else "v", name=escape_text(name), marker={"color": colour},
            # Chart text writes the minus sign the axis does (U+2212), not prose's hyphen.
            text=[the_unit.text(v / the_unit.scale, currency=currency, minus=MINUS) for v in values] if text else None,
            textposition="outside" if text else None, cliponaxis=False,
            customdata=hover_texts, hovertemplate=hover + "<extra>" + escape_template(name) + "</extra>",
        ))
    low = min(0.0, float(scaled.min()))
    high = max(0.0, float(scaled.max()))
    if low == high:
        # Every bar is zero: an axis up to one of the unit, where plotly's own -1 to 1 read "$−1.00".
        high = 0.01 if the_unit.name == "percent" else 1.0
    # Bars under one yen (or one of a count) get a whole amount to tick, not "¥0" alone.
    value_range = list(whole_amounts(the_unit, low, high + (high - low) * 0.08, 0.0))
    if not horizontal and text:
        # Values written outside upright bars sit below a negative bar and above a positive one:
        # room for a line of them inside the plot, or the lowest would cover the category names
        # under the plot (and the highest the legend above it) on a short phone plot.
        need = (FONT_SIZES["label"] * 1.25 + 6) / max(canvas.frame.plot_height, 1.0)
        below, above_share = (need if low < 0 else 0.0), (need if high > 0 else 0.0)
        for _ in range(2):  # a second pass for the room each end's growth takes from the other
            total = (value_range[1] - value_range[0]) / max(1 - below - above_share, 0.2)
            value_range[0] = min(value_range[0], low - total * below)
            value_range[1] = max(value_range[1], high + total * above_share)
    if horizontal and text and low < 0:
        # Values of negative bars are written left of them: room for them inside the plot, not over the names.
        share = min(0.5, text_px / max(canvas.frame.plot_width, 1.0))
        value_range[0] = low - (value_range[1] - low) * share / (1 - share)
    ticks, tick_px = value_ticks(the_unit, *value_range)
    # Labels of ticks where the data lie (the room left of them for value labels needs none).
    data_tick_px = value_ticks(the_unit, low, value_range[1])[1]
    value_axis = {"range": value_range, "title": {"text": "" if narrow else escape_text(what[:1].upper() + what[1:])},
                  **the_unit.axis(), **ticks, "showgrid": True}
    if horizontal:
        # Upright value ticks, as many as fit side by side: plotly slanted "$3,000,000" ones across the footer.
        nticks = max(2, int(canvas.frame.plot_width // (tick_px + 24)))
        value_axis.update(tickangle=0, nticks=nticks)
        step = value_dtick(value_range[0], value_range[1], nticks, canvas.frame.plot_width, data_tick_px,
                           within=(low, value_range[1]), whole=the_unit.whole)
        if step is not None:  # plotly's own step would label one value only
            # The step's own ticks take the minus before the symbol too ("−€2.5M", not "€−2.5M").
            value_axis.update(labelalias=None)
            value_axis.update(value_ticks(the_unit, *value_range, step=step)[0])
    if is_date:
        x_axis: dict[str, Any] = date_axis((work["_x"].min() - pd.Timedelta(days=15), work["_x"].max() + pd.Timedelta(days=15)),
                                           canvas.frame.plot_width)
        if monthly:
            x_axis["hoverformat"] = "%B %Y"
    else:
        order = [cat_key[c] for c in categories]
        x_axis = {"type": "category", "categoryorder": "array", "categoryarray": order[::-1] if horizontal else order,
                  "tickangle": 0, "automargin": False}
    if layer is not None:
        draw_event_layer(fig, layer, x_range=x_range, plot_height=canvas.frame.plot_height, left=left, axis_room=axis_room)
    bargap = 0.25
    if above:
        # Each category's slot holds its bars (22 px a series) with the name on top of them.
        slot_px = canvas.frame.plot_height / max(n_bars, 1)
        bars_px = max(len(groups), 1) * 22
        bargap = min(0.9, max(0.1, 1 - bars_px / slot_px))
        for c in categories:
            fig.add_annotation(
                x=0, xref="paper", xanchor="left", y=cat_key[c], yref="y", yanchor="bottom",
                yshift=slot_px * (1 - bargap) / 2 + 2, text=cat_text[c], showarrow=False, align="left",
                font={"size": FONT_SIZES["tick"], "color": INK}, name="frstory-bar-name",
            )
    fig.update_layout(
        xaxis={**value_axis, "showgrid": True} if horizontal else x_axis,
        yaxis={**x_axis, "showgrid": False, "showticklabels": not above} if horizontal else value_axis,
        barmode="group", bargap=bargap, showlegend=bool(groups), hovermode="closest",
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom", "yref": "paper"},
    )
    out = work.rename(columns={"_x": x, "_y": y}).drop(columns=["_g"] if color is None else [])
    if color is not None:
        out = out.rename(columns={"_g": color})
        out = out.loc[:, ~out.columns.duplicated()]  # bars coloured by their own category: the table holds it once
    auto_alt = _bar_alt(work, the_unit, currency, what, monthly, groups, group_names)
    return canvas.finish(fig, alt=alt, auto_alt=auto_alt, data=out.reset_index(drop=True))
