"""Small multiples: several series (companies, desks ...) on shared axes, each around its own day 0."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from frstory import prose
from frstory.charts._common import VALUE_PHRASES, pad_range, rebase_frame, tidy_prices, value_phrase
from frstory.charts._text import MINUS, escape_text, format_date, text_width_px, wrap_text
from frstory.charts._validate import to_timestamp
from frstory.charts.event_study import BAND_FILL, _offset_text, car_band, check_result
from frstory.charts.furniture import document, prepare
from frstory.charts.responsive import responsive
from frstory.charts.units import Unit, UnitName, get_unit, series_name
from frstory.charts.theme import COLORWAY, FONT_SIZES, INK
from frstory.errors import ChartInputError

__all__ = ["small_multiples"]

#: x-axis settings that make plotly write a hovered offset as the ticks do ("+1", "0", "−1"):
#: a bare ``%{x}`` in a hovertemplate is the axis's label, and d3's "+d" alone signs day 0 ("Day +0").
#: (A unified hover's title is no such template: it sees only the raw value.)
OFFSET_HOVER = {"hoverformat": "+d", "labelalias": {"+0": "0", f"{MINUS}0": "0"}}


def step_of(dates: pd.Series, value: str) -> str:
    """The word for one step along the x-axis: ``trading day`` for prices, else from the spacing of the dates.

    Examples
    --------
    >>> step_of(pd.Series(pd.date_range("2020-01-01", periods=4, freq="MS")), "stories")
    'month'
    >>> step_of(pd.Series(pd.date_range("2020-01-01", periods=4, freq="D")), "close")
    'trading day'
    """
    if value in VALUE_PHRASES:
        return "trading day"
    gaps = pd.Series(dates.drop_duplicates().sort_values()).diff().dropna()
    days = float(gaps.median() / pd.Timedelta(days=1)) if len(gaps) else 1.0
    for word, low, high in (("day", 0, 1.5), ("week", 6, 8), ("month", 27, 32), ("quarter", 88, 93), ("year", 360, 367)):
        if low <= days <= high:
            return word
    return "step"


def _zero(step: str) -> str:
    """What the aligned step is called: ``day 0`` (trading days, days), ``month 0``..."""
    return "day 0" if step.endswith("day") else f"{step} 0"


def _panels_from_prices(kind, prices, day0, window, value, tickers, step):
    if day0 is None:
        raise ChartInputError(
            f"{kind}: day0 is required with a price frame: a date for all tickers or a mapping such as "
            "{'SYNB': '2020-06-08', 'SYNA': '2020-06-11'}. Fix: pass day0=..."
        )
    if isinstance(day0, Mapping):
        order = list(day0) if tickers is None else ([tickers] if isinstance(tickers, str) else list(tickers))
        frame, chosen = tidy_prices(kind, prices, value=value, tickers=order, name="data")
        days = {t: to_timestamp(kind, day0[t], f"day0[{t!r}]") if t in day0 else None for t in chosen}
        missing = [t for t, d in days.items() if d is None]
        if missing:
            raise ChartInputError(f"{kind}: day0 has no date for ticker {missing[0]!r}. Fix: add it to the mapping.")
    else:
        frame, chosen = tidy_prices(kind, prices, value=value, tickers=tickers, name="data")
        common = to_timestamp(kind, day0, "day0")
        days = dict.fromkeys(chosen, common)
    panels = []
    for ticker in chosen:
        rows = frame[frame["ticker"] == ticker].reset_index(drop=True)
        after = np.flatnonzero((rows["date"] >= days[ticker]).to_numpy())
        if len(after) == 0:
            raise ChartInputError(
                f"{kind}: {ticker} has no session on or after day0 {days[ticker].date()} (last price "
                f"{rows['date'].max().date()}). Fix: load prices that cover the event."
            )
        pos0 = int(after[0])
        if pos0 == 0:
            # Every panel is indexed to the step before day 0, so that step must be in the data.
            raise ChartInputError(
                f"{kind}: {ticker} has no value before day0 {days[ticker].date()} (its first is on "
                f"{rows['date'].iloc[0].date()}), so it cannot be indexed to the {step} before {_zero(step)}. "
                f"Fix: load data from before day0, or check day0."
            )
        offsets = np.arange(len(rows)) - pos0
        # The base row (offset -1) is kept for the rebase even when the window starts at day 0.
        keep = (offsets >= min(window[0], -1)) & (offsets <= window[1])
        part = rows[keep].copy()
        part["offset"] = offsets[keep]
        base_rows = part[part["offset"] == -1]
        # The one rebase implementation (frstory.analysis), on this panel's base row.
        part["index_100"], _ = rebase_frame(kind, part, value, base_rows["date"].iloc[0], sessions=False,
                                          what=f"the {step} before day0",
                                          fix=f"check {ticker}'s {value} on that date, or choose another day0")
        part = part[part["offset"] >= window[0]]
        day0_session = rows["date"].iloc[pos0]
        when = prose.month(day0_session) if step in ("month", "quarter") else format_date(day0_session)
        panels.append({
            "name": ticker, "ticker": ticker, "title": f"{ticker}: {_zero(step)} {when}", "x": part["offset"].tolist(),
            "dates": [prose.month(d) if step in ("month", "quarter") else format_date(d) for d in part["date"]],
            "y": part["index_100"].to_numpy(), "band": None,
            "data": part.assign(panel=ticker, ticker=str(ticker), day0=day0_session)[
                ["panel", "ticker", "day0", "offset", "date", value, "index_100"]],
        })
    before = "session" if step == "trading day" else step
    return panels, f"{value_phrase(value)} indexed to 100 the {before} before {_zero(step)}", 100.0


def _panels_from_results(kind, results, band, names=None):
    panels = []
    for i, result in enumerate(results):
        table = check_result(kind, result, name=f"results[{i}]")
        half = car_band(table, float(result.sigma), start=min(int(result.event_window[0]), int(table["offset"].min())))
        label = getattr(result, "label", "") or ""
        who = series_name(result.ticker, names, ticker=True)
        panels.append({
            "name": who + (f" ({label})" if label else ""), "ticker": result.ticker, "is_ticker": True, "label": label,
            "title": f"{who}: {label}" if label else f"{who}: day 0 {format_date(result.day0)}",
            "x": table["offset"].astype(int).tolist(), "y": table["car"].to_numpy(),
            "band": half if band else None, "dates": [format_date(d) for d in table["date"]],
            "data": pd.DataFrame({
                "panel": f"{result.ticker} {label}".strip(), "ticker": str(result.ticker), "day0": pd.Timestamp(result.day0),
                "offset": table["offset"].astype(int), "date": table["date"], "car": table["car"],
                "band_low": -half, "band_high": half,
            }),
        })
    return panels, "cumulative abnormal return", 0.0


_TITLE_LINE_PX = 18


def _panel_title_lines(text: str, max_px: float) -> list[str]:
    lines = wrap_text(text, max_px, FONT_SIZES["body"]) or [""]
    if len(lines) <= 2:
        return lines
    second = lines[1]
    while second and text_width_px(second + "…", FONT_SIZES["body"]) > max_px:
        second = second[:-1]
    return [lines[0], second.rstrip() + "…"]


@responsive
@document
def small_multiples(
    data: pd.DataFrame | Sequence[object],
    *,
    day0: object | Mapping[str, object] = None,
    window: tuple[int, int] = (-5, 10),
    x: str = "date",
    y: str = "close",
    color: str = "ticker",
    names: dict[str, str] | None = None,
    unit: UnitName | Unit | None = None,
    step: str | None = None,
    offset_title: str | None = None,
    tickers: Sequence[str] | str | None = None,
    band: bool = True,
    columns: int | None = None,
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
    """One panel per series on shared axes, each aligned on its own day 0.

    With a price frame each panel shows the price indexed to 100 on the session before day 0,
    against trading days relative to day 0; with event-study results each panel shows the CAR
    (per cent) with its 95 % no-effect band. Shared axes make the reactions comparable.

    Parameters
    ----------
    data : pandas.DataFrame or sequence of frstory.EventStudyResult
        Tidy prices (``date, ticker, value``) or event-study results.
    day0 : date or mapping of ticker to date
        Prices only: each ticker's day 0 (the first session on or after it is used).
    window : (int, int)
        Prices only: sessions relative to day 0 to show.
    x, y, color : str
        Frames only: the columns of dates, values and series (default the price loader's
        ``date``, ``close`` and ``ticker``); any tidy frame works, e.g. monthly counts by desk.
    names : mapping, optional
        Reader names for series (default :func:`frstory.prose.display_name`, else the key). Tickers
        (a ``ticker`` column's series, results' stocks) need a name, registered or here: one without
        raises :class:`frstory.prose.UnknownDisplayName`, never a raw ticker in a panel title.
    unit : {"index", "points", "percent", "number"}, optional
        How values are written on the axis, in the hover and the alt text; default ``"index"``
        for a frame (each panel is indexed to 100), ``"points"`` for results (a CAR is a
        difference of returns, in percentage points).
    step : str, optional
        The word for one step along the x-axis, in the singular (``"month"``); default
        ``"trading day"`` for results and price columns (``close``, ``adj_close`` ...), else from
        the spacing of the dates (day, week, month, quarter, year).
    offset_title : str, optional
        x-axis title; default "Trading days relative to day 0" ("Months relative to month 0" ...).
    tickers : sequence of str, optional
        Prices only: panels in this order; default the ``day0`` mapping's order (or all tickers).
    band : bool
        Results only: draw the 95 % no-effect band.
    columns : int, optional
        Most panels per row (default 3); fewer on narrow widths, so each panel keeps about 250 px.
    {furniture}
        ``height`` defaults to fit the rows of panels.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import frstory as fr
    >>> from frstory.charts import small_multiples
    >>> prices = fr.synthetic_prices(["SYNA", "SYNB"], "2020-05-01", "2020-07-31")
    >>> fig = small_multiples(prices, day0={"SYNB": "2020-06-08", "SYNA": "2020-06-11"},
    ...                       names={"SYNA": "Syna Inc", "SYNB": "Synb Corp"},
    ...                       source="Synthetic example data (frstory.examples)")
    >>> [trace.name for trace in fig.data]
    ['Synb Corp', 'Syna Inc']
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"month": list(pd.date_range("2020-01-01", periods=6, freq="MS")) * 2,
    ...                        "desk": ["Metro"] * 6 + ["Business"] * 6,
    ...                        "stories": [3, 5, 4, 12, 30, 18, 8, 9, 7, 6, 5, 4]})
    >>> fig = small_multiples(counts, x="month", y="stories", color="desk", day0="2020-04-01", window=(-2, 2),
    ...                       source="Newsroom archive (made up)")
    >>> fig.layout.xaxis.title.text, fig.layout.meta["frstory"]["alt"].split(". ")[0]
    ('Months relative to month 0', 'From the month before month 0 to month +2, Metro rose 350.0% and Business fell 42.9%')
    """
    kind = "small_multiples"
    if isinstance(window, (str, bytes)) or len(window) != 2 or not all(isinstance(w, (int, np.integer)) for w in window) or window[0] > 0 or window[1] < 0:
        raise ChartInputError(f"{kind}: window must be (start, end) offsets around day 0 with start <= 0 <= end, got {window!r}. Fix: window=(-5, 10).")
    if isinstance(data, pd.DataFrame):
        from frstory.charts._common import as_price_frame

        frame = as_price_frame(kind, data, x=x, y=y, color=color, name="data")
        if y not in VALUE_PHRASES:
            from frstory.charts._validate import value_words

            value_words(kind, y, None, keyword=None)  # its name becomes the panels' measure in the alt text
        if step is None:
            from frstory.charts._validate import require_dates

            step = step_of(require_dates(kind, frame, "date", "data"), y)
        panels, measure, reference = _panels_from_prices(kind, frame, day0, window, y, tickers, step)
        for panel in panels:
            # Panels of a ticker column are tickers: each needs a reader name, never the raw ticker.
            panel["is_ticker"] = color == "ticker"
            shown = series_name(panel["name"], names, ticker=panel["is_ticker"])
            panel["title"] = panel["title"].replace(str(panel["name"]), shown, 1)
            panel["name"] = shown
    elif isinstance(data, Sequence) and not isinstance(data, (str, bytes)) and len(data) > 0:
        step = step or "trading day"
        panels, measure, reference = _panels_from_results(kind, data, band, names)
    else:
        raise ChartInputError(
            f"{kind}: data must be a price DataFrame or a non-empty list of EventStudyResult, got "
            f"{type(data).__name__}. Fix: small_multiples(prices, day0=...) or small_multiples([result_a, result_b])."
        )
    the_unit = get_unit(kind, unit if unit is not None else ("points" if reference == 0 else "index"))
    # Indexed levels (100 = the base) and CARs (fractions) each make sense in some units only:
    # a level of 100 written as a percentage would read 10,000%.
    fits = ("index", "number") if reference else ("points", "percent", "number")
    if the_unit.name not in fits:
        raise ChartInputError(
            f"{kind}: unit={the_unit.name!r} does not fit {measure} (panels of "
            f"{'a frame are indexed to 100' if reference else 'results show CARs as fractions'}). "
            f"Fix: pass unit= one of {', '.join(map(repr, fits))}, or leave it out."
        )
    scale = the_unit.scale if reference == 0 else 1.0
    n = len(panels)
    # Panels stay at least ~250 px wide: a narrow screen gets fewer columns (one on a phone).
    cols = max(1, min(columns or 3, n, int(width // 250)))
    rows = math.ceil(n / cols)
    spacing = 0.035
    probe = prepare(kind, title=title, subtitle=subtitle, source=source, source_url=source_url, notes=notes,
                    template=template, width=width, height=2000, extra_top=24, axis_room=52)
    # Panel titles wrap to their panel's width (two lines at most, then an ellipsis) and the space
    # above each row of panels grows with them, so long labels never run into the next panel.
    panel_px = probe.frame.plot_width * (1 - (cols - 1) * spacing) / cols
    title_lines = [_panel_title_lines(p["title"], panel_px) for p in panels]
    extra_lines = max(len(lines) for lines in title_lines) - 1
    title_room, row_gap = 24 + _TITLE_LINE_PX * extra_lines, 50 + _TITLE_LINE_PX * extra_lines
    if height is None:
        height = probe.frame.top + _TITLE_LINE_PX * extra_lines + probe.frame.bottom + rows * (230 if cols > 1 else 190) + (rows - 1) * row_gap
    canvas = prepare(kind, title=title, subtitle=subtitle, source=source, source_url=source_url, notes=notes,
                     template=template, width=width, height=height, extra_top=title_room, axis_room=52)
    vertical_gap = row_gap / canvas.frame.plot_height if rows > 1 else 0.0
    fig = make_subplots(rows=rows, cols=cols, shared_xaxes="all", shared_yaxes="all",
                        subplot_titles=["<br>".join(escape_text(line) for line in lines) for lines in title_lines],
                        horizontal_spacing=spacing, vertical_spacing=vertical_gap)
    fig.update_annotations(font={"size": FONT_SIZES["body"], "color": INK}, xanchor="left", align="left", x=None)
    all_values = [reference]
    steps_word = prose.plural(2, step).split(" ", 1)[1]
    # One template for every panel: a CAR below zero hovers the axis's label, with its minus sign (U+2212).
    value_hover, _ = the_unit.hover_points([scale * float(v) for p in panels for v in p["y"] if np.isfinite(v)])
    hover = ("<b>" + escape_text(_zero(step).split()[0].capitalize()) + " %{x}</b>, %{customdata[0]}: " + value_hover
             + "<extra>%{fullData.name}</extra>")
    # Traces and the day-0/reference lines are collected and added in one call each: plotly's
    # add_trace/add_vline/add_hline re-process every shape and axis on each call, which made a
    # 4-panel chart cost 1.2 s (it is built once per breakpoint).
    traces, trace_rows, trace_cols, shapes = [], [], [], []
    for i, panel in enumerate(panels):
        row, col = i // cols + 1, i % cols + 1
        colour = COLORWAY[0]
        if panel["band"] is not None:
            traces.append(go.Scatter(x=panel["x"], y=scale * panel["band"], mode="lines", line={"width": 0},
                                     showlegend=False, hoverinfo="skip", name="95% range if no effect"))
            traces.append(go.Scatter(x=panel["x"], y=-scale * panel["band"], mode="lines", line={"width": 0},
                                     fill="tonexty", fillcolor=BAND_FILL, showlegend=False, hoverinfo="skip",
                                     name="95% range if no effect"))
            trace_rows += [row, row]
            trace_cols += [col, col]
            all_values.extend((scale * panel["band"]).tolist())
            all_values.extend((-scale * panel["band"]).tolist())
        traces.append(go.Scatter(
            x=panel["x"], y=scale * np.asarray(panel["y"], dtype=float), mode="lines+markers",
            name=escape_text(panel["name"]), line={"color": colour, "width": 2.5}, marker={"size": 4}, showlegend=False,
            customdata=[[escape_text(d)] for d in panel["dates"]], hovertemplate=hover,
        ))
        trace_rows.append(row)
        trace_cols.append(col)
        all_values.extend((scale * np.asarray(panel["y"], dtype=float)).tolist())
        # What fig.add_vline/add_hline(row=, col=) draw: a line across the panel's own axes.
        x_axis, y_axis = ("x", "y") if i == 0 else (f"x{i + 1}", f"y{i + 1}")
        shapes.append({"type": "line", "x0": 0, "x1": 0, "xref": x_axis, "y0": 0, "y1": 1, "yref": f"{y_axis} domain",
                       "line": {"color": INK, "width": 1, "dash": "dot"}})
        shapes.append({"type": "line", "x0": 0, "x1": 1, "xref": f"{x_axis} domain", "y0": reference, "y1": reference,
                       "yref": y_axis, "line": {"color": "#8C8C8C", "width": 1}})
    fig.add_traces(traces, rows=trace_rows, cols=trace_cols)
    fig.update_layout(shapes=shapes)
    # Subplot titles left-aligned over their panels.
    for i, annotation in enumerate(fig.layout.annotations[:n]):
        axis = fig.layout["xaxis" if i == 0 else f"xaxis{i + 1}"]
        annotation.update(x=axis.domain[0], xanchor="left")
    finite = [v for v in all_values if np.isfinite(v)]
    y_low, y_high = pad_range(min(finite), max(finite), 0.08)
    offsets = sorted({o for p in panels for o in p["x"]})
    ticks = [o for o in offsets if o % 5 == 0] if len(offsets) > 12 else offsets
    fig.update_xaxes(tickvals=ticks, ticktext=[_offset_text(o) for o in ticks], range=[offsets[0] - 0.5, offsets[-1] + 0.5],
                     **OFFSET_HOVER)
    if offset_title is None:
        steps = steps_word[:1].upper() + steps_word[1:]
        offset_title = f"{steps} from {_zero(step)}" if width < 520 else f"{steps} relative to {_zero(step)}"
    fig.update_xaxes(title_text=escape_text(offset_title), row=rows, col=1)
    for row in range(1, rows + 1):
        fig.update_yaxes(title_text="CAR" if reference == 0 else "Index", row=row, col=1)
    fig.update_yaxes(range=[y_low, y_high], **the_unit.axis())
    fig.update_layout(showlegend=False, hovermode="closest")
    data_frame = pd.concat([p["data"] for p in panels], ignore_index=True)
    # Finding first (where each panel ended), then what the panels show.
    # Alt text is prose, whose minus is ASCII (the ticks' U+2212 is chart text).
    end = f"{_zero(step).split()[0]} {prose.number(offsets[-1], signed=True)}"
    # Panel titles name a series as a label does; a sentence gives an index its article ("the S&P 500 rose").
    def say(panel: dict) -> str:
        name = series_name(panel["ticker"], names, article=True, ticker=panel["is_ticker"])
        return name + (f" ({panel['label']})" if panel.get("label") else "")

    if reference == 0:
        moves = [f"{say(p)} {the_unit.text(float(p['y'][-1]), signed=True)}" for p in panels]
        finding = f"Cumulative abnormal return by {end}: {'; '.join(moves)}"
    else:
        before = "session" if step == "trading day" else step
        moves = [f"{say(p)} {prose.moved(float(p['y'][-1]) / 100 - 1)}" for p in panels]
        finding = f"From the {before} before {_zero(step)} to {end}, {prose.join(moves)}"
    auto_alt = (
        f"{prose.sentence(finding)}. Small multiples, {prose.plural(n, 'panel')} of {measure} around each "
        f"series' own {_zero(step)}, {prose.offsets(offsets[0], offsets[-1], one=step, many=steps_word)}, on shared axes."
    )
    return canvas.finish(fig, alt=alt, auto_alt=auto_alt, data=data_frame)
