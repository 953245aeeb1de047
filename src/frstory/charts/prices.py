"""Price charts: a price line with event markers, and a rebased comparison."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from frstory.charts._common import (
    EventMark,
    batched,
    date_axis,
    draw_event_layer,
    end_label_growth,
    end_label_room,
    end_labels,
    event_marks,
    as_price_frame,
    is_price_column,
    is_monthly,
    pad_range,
    plural_phrase,
    plan_event_layer,
    rebase_frame,
    tidy_prices,
    value_margin,
    value_phrase,
    value_ticks,
    when,
)
from frstory import prose
from frstory.charts._text import escape_template, escape_text, format_date, format_date_range
from frstory.charts._validate import require_fractions, to_timestamp, value_words
from frstory.charts.furniture import document, prepare
from frstory.charts.responsive import responsive
from frstory.charts.theme import BENCHMARK_GREY, EVENT_GREY, PEER_GREY, colors_for
from frstory.charts.units import Unit, UnitName, get_unit, series_name
from frstory.errors import ChartInputError

__all__ = ["price_with_events", "rebased_comparison"]



def _is_index(ticker: str) -> bool:
    return str(ticker).startswith("^")


@responsive
@document
def price_with_events(
    prices: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    x: str = "date",
    y: str = "close",
    color: str = "ticker",
    unit: UnitName | Unit | None = None,
    currency: str = "USD",
    names: dict[str, str] | None = None,
    tickers: Sequence[str] | str | None = None,
    rebase_to: object = None,
    shade: bool | Sequence[tuple[object, object, str]] | None = None,
    start: object = None,
    end: object = None,
    label: str = "headline",
    max_label_chars: int = 28,
    colors: dict[str, str] | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    source_url: str | None = None,
    notes: str | None = None,
    alt: str | None = None,
    template: object = "frstory",
    width: int = 900,
    height: int = 540,
) -> go.Figure:
    """Line chart of one or more tickers with labelled vertical markers for events.

    Event labels sit in lanes above the plot; the lanes are computed from estimated label widths
    at this figure's width and x-range, so labels in a lane never overlap even for clustered
    dates (e.g. 8, 10 and 11 June 2020). Each event has hover text with its headline, date and
    source. Events with an ``end_date`` (or explicit ``shade`` tuples) are drawn as shaded periods.

    Parameters
    ----------
    prices : pandas.DataFrame
        Tidy prices with columns ``date``, ``ticker`` and ``close`` (the loader's format; ``y=``
        names another value column, ``x=`` and ``color=`` other date and series columns).
    events : pandas.DataFrame, optional
        Events in the :func:`frstory.load_events` format (needs ``date`` and ``headline``; uses
        ``end_date``, ``date_precision``, ``source_url`` and ``id`` when present). Events outside
        the plotted dates are left out.
    tickers : str or sequence of str, optional
        Tickers to draw, in this order; default: all in ``prices``.
    x, y, color : str
        Columns of dates, values and series; default the price loader's ``date``, ``close`` and
        ``ticker``. Any tidy frame works (monthly counts by desk: ``x="month", y="stories",
        color="desk"``); a missing column is an error naming the keyword to pass.
    unit : {"currency", "percent", "points", "count", "index", "number"}, optional
        What ``y`` holds. Default: price behaviour, US$ as traded (``index`` when rebased,
        ``number`` for market indices).
    currency : str
        ISO code of the prices' currency for ``unit="currency"`` (``"EUR"``: axis, hover and alt
        text in euros); default US dollars.
    names : mapping, optional
        Reader names for series; default :func:`frstory.prose.display_name` (``^GSPC`` -> S&P 500).
        Tickers (the series of a ``ticker`` column) need one, registered or here: a ticker without
        a name raises :class:`frstory.prose.UnknownDisplayName`, as ``EventStudyResult.summary()``
        does. Series of another column (``color="desk"``) are their own labels.
    rebase_to : date, optional
        Index every ticker to 100 on this date (the last session on or before it).
    shade : bool or sequence of (start, end, label), optional
        ``None``/``True`` (default) shade events that have an ``end_date``; ``False`` shades nothing
        (periods become ordinary markers at their start); tuples shade those periods.
    start, end : date, optional
        Limit the x-axis to these dates (inclusive).
    label : str
        Events column used for the short labels (shortened to ``max_label_chars``).
    max_label_chars : int
        Longest label; longer ones are cut at a word with an ellipsis.
    {furniture}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    frstory.ChartInputError
        Missing columns, an empty frame, dates that are not dates, an unknown ticker, a missing
        ``source`` or a non-http(s) source URL.

    Examples
    --------
    >>> import frstory as fr
    >>> from frstory.charts import price_with_events
    >>> prices = fr.synthetic_prices(["SYNA"], "2020-05-01", "2020-07-31")
    >>> fig = price_with_events(prices, fr.synthetic_events(), tickers="SYNA", names={"SYNA": "Syna Inc"},
    ...                         title="Syna through the June announcements",
    ...                         source="Synthetic example data (frstory.examples)")
    >>> [trace.name for trace in fig.data]
    ['Syna Inc', 'Events']
    """
    kind = "price_with_events"
    value = y
    if not is_price_column(value):
        value_words(kind, value, None, keyword=None)  # its name becomes the axis title and the alt text's words
    frame, chosen = tidy_prices(kind, as_price_frame(kind, prices, x=x, y=y, color=color), value=value, tickers=tickers)
    if start is not None:
        frame = frame[frame["date"] >= to_timestamp(kind, start, "start")]
    if end is not None:
        frame = frame[frame["date"] <= to_timestamp(kind, end, "end")]
    if frame.empty:
        raise ChartInputError(f"{kind}: no prices between start={start!r} and end={end!r}. Fix: widen the dates.")
    column = value
    base_sessions: dict[str, pd.Timestamp] = {}
    if rebase_to is not None:
        column = f"{value}_rebased"
        frame[column], base_sessions = rebase_frame(kind, frame, value, rebase_to)
    x_range = (frame["date"].min(), frame["date"].max())
    if x_range[0] == x_range[1]:
        x_range = (x_range[0] - pd.Timedelta(days=1), x_range[1] + pd.Timedelta(days=1))

    marks = event_marks(kind, events, label=label, max_label_chars=max_label_chars)
    periods: list[EventMark] = []
    points: list[EventMark] = []
    for mark in marks:
        if mark.end is not None and shade in (None, True):
            periods.append(mark)
        else:
            points.append(mark)
    if shade not in (None, False, True):
        for item in shade:  # type: ignore[union-attr]
            if not isinstance(item, (tuple, list)) or len(item) != 3:
                raise ChartInputError(
                    f"{kind}: each shade entry must be (start, end, label), got {item!r}. "
                    "Fix: shade=[('2020-05-26', '2020-06-20', 'Protests')]."
                )
            s, e, text = item
            s_ts, e_ts = to_timestamp(kind, s, "shade start"), to_timestamp(kind, e, "shade end")
            periods.append(EventMark(s_ts, e_ts, str(text), f"<b>{escape_text(text)}</b><br>"
                                     f"{escape_text(format_date(s_ts))} to {escape_text(format_date(e_ts))}", str(text)))
    in_range = lambda m: (m.end or m.date) >= x_range[0] and m.date <= x_range[1]  # noqa: E731
    points = [m for m in points if x_range[0] <= m.date <= x_range[1]]
    periods = [m for m in periods if in_range(m)]

    # Price behaviour is this chart's default only: US$ as traded, unless indices, volume or a rebase.
    if unit is None:
        as_dollars = rebase_to is None and value != "volume" and not any(_is_index(t) for t in chosen)
        unit = "currency" if as_dollars else ("index" if rebase_to is not None else ("count" if value == "volume" else "number"))
    the_unit = get_unit(kind, unit, currency)
    as_dollars = the_unit.name == "currency"
    require_fractions(kind, frame[column], value, the_unit)
    # Padded in display units (a zero line spans one of the unit either side), kept in the frame's.
    y_range = tuple(v / the_unit.scale for v in pad_range(float(frame[column].min()) * the_unit.scale,
                                                          float(frame[column].max()) * the_unit.scale, unit=the_unit))
    # Series of a ticker column are tickers: each needs a reader name (the same rule as EventStudyResult.summary).
    is_ticker = color == "ticker"
    label_of = {t: series_name(t, names, ticker=is_ticker) for t in chosen}
    right = end_label_room(list(label_of.values()), width)
    narrow = width < 520
    y_ticks, tick_px = value_ticks(the_unit, *(v * the_unit.scale for v in y_range))
    left = value_margin(tick_px, 56 if narrow else 64, title=not narrow)
    plot_width = width - left - right
    layer = plan_event_layer([*points, *periods], x_range, plot_width, width)
    axis_room = 44
    place = functools.partial(prepare, kind, title=title, subtitle=subtitle, source=source, source_url=source_url,
                              notes=notes, template=template, width=width, left=left, right=right,
                              extra_top=layer.extra_top, axis_room=axis_room, extra_bottom=layer.extra_bottom)
    canvas = place(height=height + layer.extra_bottom)
    grow = end_label_growth(list(label_of.values()), width, canvas.frame.plot_height)
    if grow:  # more (or longer) names than fit beside the plot: a taller plot, not labels off its edge
        canvas = place(height=height + layer.extra_bottom + grow)
    plot_height = canvas.frame.plot_height

    fig = batched(go.Figure())
    ends = []
    for ticker, colour in zip(chosen, colors_for(chosen, colors), strict=True):
        rows = frame[frame["ticker"] == ticker]
        name = escape_text(label_of[ticker])
        values = rows[column] * the_unit.scale
        hover, hover_texts = the_unit.hover_points(values)
        fig.add_trace(go.Scatter(
            # A single session as a line is invisible: a dot shows it (as line() does).
            x=rows["date"], y=values, mode="lines" if len(rows) > 1 else "markers", name=name,
            line={"color": colour, "width": 2.25}, marker={"color": colour}, customdata=hover_texts,
            hovertemplate=hover + f"<extra>{escape_template(label_of[ticker])}</extra>",
        ))
        ends.append((label_of[ticker], rows["date"].iloc[-1], float(rows[column].iloc[-1]) * the_unit.scale, colour,
                     len(chosen) > 1))
    if points:
        fig.add_trace(go.Scatter(
            x=[m.date for m in points], y=[y_range[1]] * len(points), mode="markers", name="Events",
            marker={"symbol": "triangle-down", "size": 9, "color": EVENT_GREY}, cliponaxis=False,
            customdata=[[m.hover] for m in points], hovertemplate="%{customdata[0]}<extra></extra>", showlegend=False,
        ))
    draw_event_layer(fig, layer, x_range=x_range, plot_height=plot_height, left=left, axis_room=axis_room)
    end_labels(fig, ends, y_range=y_range, plot_height=plot_height, width=width)
    if rebase_to is not None:
        y_title = f"{value_phrase(value).capitalize()}, {format_date(to_timestamp(kind, rebase_to, 'rebase_to'))} = 100"
    else:
        y_title = value_phrase(value).capitalize() + (f" ({the_unit.axis_word})" if as_dollars else "")
    fig.update_layout(
        xaxis=date_axis(x_range, canvas.frame.plot_width),
        # On a phone the subtitle carries the unit; the rotated axis title would eat the plot.
        yaxis={"range": [v * the_unit.scale for v in y_range], "title": {"text": "" if narrow else escape_text(y_title)},
               **the_unit.axis(), **y_ticks},
        showlegend=False, hovermode="x unified",
    )

    data = frame[["date", "ticker", value] + ([column] if column != value else [])].copy()
    data["ticker"] = data["ticker"].astype(str)
    # The span the data covers, not the padded axis a single session gets.
    # In sentences an index takes its article ("the S&P 500 rose"); the labels above do not.
    auto_alt = _price_alt(frame, chosen, column, value, (frame["date"].min(), frame["date"].max()), the_unit,
                          points + periods, rebase_to, {t: series_name(t, names, article=True, ticker=is_ticker) for t in chosen},
                          currency)
    return canvas.finish(fig, alt=alt, auto_alt=auto_alt, data=data.rename(columns={"date": x, "ticker": color}))


def _price_alt(frame, chosen, column, value, x_range, unit, marks, rebase_to, label_of, currency="USD") -> str:
    """Finding first (how each series moved over the chart), then its range and the events marked."""
    def text(v: float) -> str:
        return unit.text(v, currency=currency)

    monthly = is_monthly(frame["date"])
    same_year = x_range[0].year == x_range[1].year
    on = "in" if monthly else "on"

    def short(ts: pd.Timestamp) -> str:
        return when(ts, monthly, year=not same_year)

    findings = []
    for ticker in chosen:
        rows = frame[frame["ticker"] == ticker]
        first, last = float(rows[column].iloc[0]), float(rows[column].iloc[-1])
        if len(rows) == 1:  # one session: a level, not a move
            findings.append(f"{label_of[ticker]} was at {text(first)} {on} {when(rows['date'].iloc[0], monthly)}")
            continue
        if unit.name in ("currency", "index", "number") and first > 0:
            moved = prose.moved(last / first - 1)
        else:
            moved = "rose" if last > first else ("fell" if last < first else "was unchanged")
        findings.append(f"{label_of[ticker]} {moved}{',' if '%' in moved else ''} from {text(first)} {on} "
                        f"{short(rows['date'].iloc[0])} to {text(last)} {on} {when(rows['date'].iloc[-1], monthly)}")
    phrase = plural_phrase(value_phrase(value)) if len(chosen) > 1 else value_phrase(value)
    if rebase_to is not None:
        phrase += f" indexed to 100 on {format_date(to_timestamp('alt', rebase_to, 'rebase_to'))}"
    parts = [prose.sentence("; ".join(findings)) + "."]
    extremes = []
    for ticker in chosen:
        rows = frame[frame["ticker"] == ticker]
        low = rows.loc[rows[column].idxmin()]
        high = rows.loc[rows[column].idxmax()]
        who = f"{label_of[ticker]} " if len(chosen) > 1 else ""
        if len(rows) > 1:
            extremes.append(f"{who}low {text(low[column])} {on} {short(low['date'])}, "
                            f"high {text(high[column])} {on} {short(high['date'])}")
    span = (f"{prose.month(x_range[0])} to {prose.month(x_range[1])}" if monthly else format_date_range(*x_range))
    shape = f"Line chart of {prose.join([label_of[t] for t in chosen])} {phrase}, {span}"
    shape += "".join(f"; {e}" for e in extremes)
    if marks:
        shape += f"; {prose.plural(len(marks), 'event')} marked"
    parts.append(shape + ".")
    return " ".join(parts)


@responsive
@document
def rebased_comparison(
    prices: pd.DataFrame,
    base_date: object,
    *,
    highlight: str | Sequence[str],
    tickers: Sequence[str] | str | None = None,
    benchmarks: Sequence[str] | None = None,
    x: str = "date",
    y: str = "close",
    color: str = "ticker",
    names: dict[str, str] | None = None,
    unit: UnitName | Unit = "index",
    start: object = None,
    end: object = None,
    colors: dict[str, str] | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    source_url: str | None = None,
    notes: str | None = None,
    alt: str | None = None,
    template: object = "frstory",
    width: int = 900,
    height: int = 540,
) -> go.Figure:
    """Prices indexed to 100 on ``base_date``: the subject stands out against greyed peers.

    The highlighted ticker(s) get colour and a thicker line; benchmarks are dark grey and
    dashed, peers light grey. Every line is labelled directly at its end (labels are spread so
    they never overlap); a rule marks 100.

    Parameters
    ----------
    prices : pandas.DataFrame
        Tidy prices with ``date``, ``ticker`` and ``close`` (or the columns ``x=``, ``color=``, ``y=`` name).
    base_date : date
        Every line equals 100 on the last session on or before this date.
    highlight : str or sequence of str
        The subject ticker(s).
    tickers : sequence of str, optional
        Tickers to draw; default all.
    benchmarks : sequence of str, optional
        Tickers drawn as benchmarks; default: index tickers (those starting with ``^``).
    x, y, color : str
        Columns of dates, values and series (default ``date``, ``close``, ``ticker``).
    names : mapping, optional
        Reader names for series; default :func:`frstory.prose.display_name`. Tickers need one (as in
        :func:`price_with_events`): a ticker without a name raises :class:`frstory.prose.UnknownDisplayName`.
    unit : {"index", "number"}
        How the indexed values are written on the axis and in the hover (``index``: 100 = the base).
    start, end : date, optional
        Limit the x-axis to these dates.
    colors : dict of str to str, optional
        Colours for some categories/entities, overriding the house mapping (:func:`frstory.charts.theme.color_for`).
    {furniture}
        When ``subtitle`` is omitted it says what 100 means.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import frstory as fr
    >>> from frstory.charts import rebased_comparison
    >>> prices = fr.synthetic_prices(["SYNA", "SYNB"], "2020-05-01", "2020-07-31")
    >>> names = {"SYNA": "Syna Inc", "SYNB": "Synb Corp", "^SYNX": "the Synthetic Market Index"}
    >>> fig = rebased_comparison(prices, "2020-06-01", highlight="SYNA", names=names,
    ...                          source="Synthetic example data (frstory.examples)")
    >>> [trace.name for trace in fig.data]
    ['Synb Corp', 'Synthetic Market Index', 'Syna Inc']
    """
    kind = "rebased_comparison"
    value = y
    if not is_price_column(value):
        value_words(kind, value, None, keyword=None)  # its name becomes the subtitle and the alt text's words
    the_unit = get_unit(kind, unit)
    if the_unit.name not in ("index", "number"):
        # The lines are levels with 100 = the base: as a percentage 100 would read 10,000%.
        raise ChartInputError(
            f"{kind}: unit={the_unit.name!r} does not fit values indexed to 100. Fix: unit='index' (default) or 'number'."
        )
    frame, chosen = tidy_prices(kind, as_price_frame(kind, prices, x=x, y=y, color=color), value=value, tickers=tickers)
    is_ticker = color == "ticker"  # tickers need reader names, as in price_with_events
    label_of = {t: series_name(t, names, ticker=is_ticker) for t in chosen}
    highlighted = [highlight] if isinstance(highlight, str) else list(highlight)
    if not highlighted:
        raise ChartInputError(f"{kind}: highlight is empty. Fix: highlight='{chosen[0]}'.")
    for ticker in highlighted:
        if ticker not in chosen:
            raise ChartInputError(
                f"{kind}: highlight ticker {ticker!r} is not among the tickers drawn ({', '.join(chosen)}). "
                "Fix: add its prices or highlight one of those."
            )
    bench = [t for t in chosen if _is_index(t)] if benchmarks is None else list(benchmarks)
    if start is not None:
        frame = frame[frame["date"] >= to_timestamp(kind, start, "start")]
    if end is not None:
        frame = frame[frame["date"] <= to_timestamp(kind, end, "end")]
    if frame.empty:
        raise ChartInputError(f"{kind}: no prices between start={start!r} and end={end!r}. Fix: widen the dates.")
    base = to_timestamp(kind, base_date, "base_date")
    frame["index_100"], base_sessions = rebase_frame(kind, frame, value, base, what="base_date")
    x_range = (frame["date"].min(), frame["date"].max())
    y_low, y_high = pad_range(min(float(frame["index_100"].min()), 100.0), max(float(frame["index_100"].max()), 100.0))

    monthly = is_monthly(frame["date"])
    # The base as the data has it: the session (or the month) every line equals 100 on.
    base_sessions_shown = max(base_sessions.values()) if base_sessions else base
    if subtitle is None:
        subtitle = f"{value_phrase(value).capitalize()}, indexed to 100 {'in' if monthly else 'on'} {when(base_sessions_shown, monthly)}"
    narrow = width < 520
    y_ticks, tick_px = value_ticks(the_unit, y_low, y_high)
    place = functools.partial(prepare, kind, title=title, subtitle=subtitle, source=source, source_url=source_url,
                              notes=notes, template=template, width=width, right=end_label_room(list(label_of.values()), width),
                              left=value_margin(tick_px, 48 if narrow else 64, title=not narrow))
    canvas = place(height=height)
    grow = end_label_growth(list(label_of.values()), width, canvas.frame.plot_height)
    if grow:  # more (or longer) names than fit beside the plot: a taller plot, not labels off its edge
        canvas = place(height=height + grow)
    others = [t for t in chosen if t not in highlighted]
    # Draw order puts the subject on top of the greyed lines.
    order = [t for t in others if t not in bench] + [t for t in others if t in bench] + highlighted
    fig = go.Figure()
    ends = []
    colour_of = dict(zip(highlighted, colors_for(highlighted, colors), strict=True))
    for ticker in order:
        rows = frame[frame["ticker"] == ticker]
        if ticker in highlighted:
            colour, line, bold = colour_of[ticker], {"width": 3.25}, True
        elif ticker in bench:
            colour, line, bold = BENCHMARK_GREY, {"width": 1.75, "dash": "dash"}, False
        else:
            colour, line, bold = PEER_GREY, {"width": 1.75}, False
        hover, hover_texts = the_unit.hover_points(rows["index_100"])
        fig.add_trace(go.Scatter(
            x=rows["date"], y=rows["index_100"], mode="lines", name=escape_text(label_of[ticker]), line={"color": colour, **line},
            customdata=hover_texts, hovertemplate=hover + "<extra>" + escape_template(label_of[ticker]) + "</extra>",
        ))
        ends.append((label_of[ticker], rows["date"].iloc[-1], float(rows["index_100"].iloc[-1]), colour, bold))
    fig.add_hline(y=100, line={"color": "#8C8C8C", "width": 1}, layer="below")
    if x_range[0] < base <= x_range[1]:
        fig.add_vline(x=base, line={"color": "#8C8C8C", "width": 1, "dash": "dot"}, layer="below")
    end_labels(fig, ends, y_range=(y_low, y_high), plot_height=canvas.frame.plot_height, width=width)
    fig.update_layout(
        xaxis=date_axis(x_range, canvas.frame.plot_width),
        yaxis={"range": [y_low, y_high], **the_unit.axis(), **y_ticks,
               "title": {"text": "" if narrow else f"Index, {escape_text(when(base_sessions_shown, monthly))} = 100"}},
        showlegend=False, hovermode="x unified",
    )
    data = frame[["date", "ticker", value, "index_100"]].copy()
    data["ticker"] = data["ticker"].astype(str)
    def change(ticker: str) -> float:
        return float(frame.loc[frame["ticker"] == ticker, "index_100"].iloc[-1]) / 100 - 1

    # Finding first: how the subject moved from the base date, then the others for comparison.
    # Names as a sentence writes them: "the S&P 500" (the end labels take no article).
    say = {t: series_name(t, names, article=True, ticker=is_ticker) for t in chosen}
    subject = prose.join([f"{say[t]} {prose.moved(change(t))}" for t in highlighted])
    others = [t for t in chosen if t not in highlighted]
    comparison = (f", against {prose.join([f'{prose.percent(change(t), signed=True)} for {say[t]}' for t in others])}"
                  if others else "")
    base_text, end_text = when(base_sessions_shown, monthly), when(x_range[1], monthly)
    finding = prose.sentence(f"{subject} from {base_text} to {end_text}{comparison}") + "."
    listed = ", ".join(f"{say[t]} (highlighted)" if t in highlighted else say[t] for t in chosen)
    span = f"{prose.month(x_range[0])} to {prose.month(x_range[1])}" if monthly else format_date_range(*x_range)
    auto_alt = (
        f"{finding} Line chart of {plural_phrase(value_phrase(value))} indexed to 100 {'in' if monthly else 'on'} "
        f"{base_text} for {listed}, {span}."
    )
    data = data.rename(columns={"date": x, "ticker": color})
    return canvas.finish(fig, alt=alt, auto_alt=auto_alt, data=data)
