"""Event-study charts: abnormal returns with a CAR line and confidence band, and a results table."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from frstory import prose
from frstory.charts._text import MINUS, escape_text, format_date, text_width_px
from frstory.charts.furniture import document, prepare
from frstory.charts.responsive import responsive
from frstory.charts.table import Table
from frstory.charts.theme import FONT_SIZES, INK, MUTED, OKABE_ITO
from frstory.charts.units import Unit, UnitName, get_unit, series_name
from frstory.errors import ChartInputError

__all__ = ["abnormal_returns", "event_study_table", "car_band", "car_over"]

_REQUIRED = ("ticker", "table", "sigma", "day0", "event_window", "n_estimation")
BAND_FILL = "rgba(0, 0, 0, 0.09)"


def _offset_text(offset: int) -> str:
    return prose.number(int(offset), signed=True, minus=MINUS)


def offset_span(first: int, last: int, one: str = "day", many: str = "days") -> str:
    """Offsets from day 0 in chart text: ``days −1 to +1``; one offset once (``day 0``), as
    :func:`frstory.prose.offsets` writes them, with the chart's minus sign.

    Examples
    --------
    >>> offset_span(1, 5), offset_span(0, 0), offset_span(-1, -1, "session", "sessions")
    ('days +1 to +5', 'day 0', 'session −1')
    """
    return prose.offsets(first, last, one=one, many=many, minus=MINUS)


def check_result(kind: str, result: object, name: str = "result") -> pd.DataFrame:
    """The result's table, sorted by offset, after checking the attributes the charts use."""
    for attribute in _REQUIRED:
        if not hasattr(result, attribute):
            raise ChartInputError(
                f"{kind}: {name} has no attribute {attribute!r} ({type(result).__name__}); expected an "
                "frstory.EventStudyResult. Fix: pass the result of fr.event_study(...)."
            )
    table = result.table
    if not isinstance(table, pd.DataFrame):
        raise ChartInputError(f"{kind}: {name}.table must be a DataFrame, got {type(table).__name__}.")
    missing = [c for c in ("offset", "date", "ar", "car") if c not in table.columns]
    if missing:
        raise ChartInputError(
            f"{kind}: {name}.table ({result.ticker}) has no column {missing[0]!r} (it has "
            f"{', '.join(map(repr, table.columns))}). Fix: build the table with frstory.analysis."
        )
    if table.empty:
        raise ChartInputError(f"{kind}: {name}.table ({result.ticker}) is empty. Fix: check the event window.")
    sigma = result.sigma
    if not isinstance(sigma, (int, float, np.floating)) or not math.isfinite(sigma) or sigma <= 0:
        raise ChartInputError(
            f"{kind}: {name}.sigma ({result.ticker}) is {sigma!r}; the confidence band needs a positive, finite "
            "residual standard deviation. Fix: check the estimation window."
        )
    for column in ("ar", "car"):
        if not pd.api.types.is_numeric_dtype(table[column].dtype):
            raise ChartInputError(
                f"{kind}: column {column!r} of {name}.table ({result.ticker}) must be numeric, got "
                f"{table[column].dtype} (e.g. {table[column].iloc[0]!r})."
            )
        if table[column].isna().all():
            raise ChartInputError(
                f"{kind}: column {column!r} of {name}.table ({result.ticker}) has no values (all missing), so there "
                "is nothing to draw. Fix: check the prices behind the event window."
            )
    out = table.sort_values("offset").reset_index(drop=True).copy()
    out["date"] = pd.to_datetime(out["date"])
    return out


def _legend_rows(names: Sequence[str], plot_px: float) -> int:
    """Rows a horizontal plotly legend needs for ``names`` in ``plot_px`` (40 px of symbol and gap each)."""
    rows, used = 1, 0.0
    for name in names:
        item = text_width_px(name, FONT_SIZES["label"]) + 40
        if used and used + item > plot_px:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def car_band(table: pd.DataFrame, sigma: float, start: int | None = None) -> np.ndarray:
    """Half-width of the 95 % band for CAR with no abnormal effect: ``1.96 * sigma * sqrt(n)``.

    ``n`` counts the sessions from the window start (``start`` or the first offset) to each row.

    Examples
    --------
    >>> table = pd.DataFrame({"offset": [-1, 0, 1]})
    >>> car_band(table, 0.01).round(4).tolist()
    [0.0196, 0.0277, 0.0339]
    """
    first = int(table["offset"].min()) if start is None else start
    n = table["offset"].to_numpy() - first + 1
    return 1.96 * sigma * np.sqrt(n.astype(float))


def car_over(result: object, start: int, end: int) -> tuple[float, float, float]:
    """``(car, t, p)`` over offsets ``start..end``: the result's own test, ``result.car(start, end)``.

    The CAR test has one implementation (:meth:`frstory.EventStudyResult.car`, which calls
    :func:`frstory.analysis.inference.car_test`), so a table agrees with ``fr.event_study`` to the
    last digit; an object without it is refused with a fix.
    """
    from frstory.errors import AnalysisError

    method = getattr(result, "car", None)
    if not callable(method):
        raise ChartInputError(
            f"event_study_table: {getattr(result, 'ticker', type(result).__name__)} has no car() method "
            f"({type(result).__name__}); the table's CAR, t and p come from it. "
            "Fix: pass the result of fr.event_study(...)."
        )
    try:
        found = method(start, end)
    except AnalysisError as exc:
        raise ChartInputError(f"event_study_table: {exc}") from None
    return float(found.car), float(found.t), float(found.p)


@responsive
@document
def abnormal_returns(
    result: object,
    *,
    band: bool = True,
    unit: UnitName | Unit = "points",
    names: dict[str, str] | None = None,
    step: str = "trading day",
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    source_url: str | None = None,
    notes: str | None = None,
    alt: str | None = None,
    template: object = "frstory",
    width: int = 900,
    height: int = 520,
) -> go.Figure:
    """Daily abnormal returns (bars) and their running sum, the CAR (line), around day 0.

    The grey band is where the CAR would fall 95 % of the time if the news had no effect:
    ``±1.96 · sigma · sqrt(n)`` with ``sigma`` the residual standard deviation from the
    estimation window and ``n`` the sessions summed so far. Day 0 is marked.

    Parameters
    ----------
    result : frstory.EventStudyResult
        One firm and one event (``table`` with ``offset, date, ar, car``; ``sigma``; ``day0``).
    band : bool
        Draw the 95 % no-effect band around zero.
    unit : {"points", "percent"}
        How abnormal returns are written on the axis, in the hover and the alt text: a return
        minus the expected return is a difference of percentages, so percentage points by default.
    names : mapping, optional
        Reader name of the ticker; default :func:`frstory.prose.display_name`. A ticker with no name
        raises :class:`frstory.prose.UnknownDisplayName` (as ``result.summary()`` does).
    step : str
        The word for one step along the x-axis, in the singular: ``"trading day"`` for prices,
        ``"weekday"`` for a weekday series such as readers.
    {furniture}

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from frstory.analysis.results import EventStudyResult
    >>> from frstory.charts import abnormal_returns
    >>> table = pd.DataFrame({"offset": [-1, 0, 1], "date": pd.to_datetime(["2020-06-10", "2020-06-11", "2020-06-12"]),
    ...                       "ar": [0.001, -0.03, 0.004]})
    >>> table["car"] = table["ar"].cumsum()
    >>> result = EventStudyResult("SYNA", "^SYNX", pd.Timestamp("2020-06-10"), "post", pd.Timestamp("2020-06-11"),
    ...                           "market", (-250, -11), (-1, 1), table, 0.0, 1.0, 0.5, 0.01, 240, [], "Synthetic")
    >>> fig = abnormal_returns(result, names={"SYNA": "Syna Inc"}, source="Synthetic example data (frstory.examples)")
    >>> [trace.name for trace in fig.data]
    ['95% range if no effect', '95% range if no effect', 'Abnormal return', 'Cumulative abnormal return']
    >>> fig.layout.meta["frstory"]["alt"].split(";")[0]
    'Syna Inc: the cumulative abnormal return reached -2.5 percentage points by day +1, inside the range expected 95% of the time with no effect'
    """
    kind = "abnormal_returns"
    table = check_result(kind, result)
    steps = prose.plural(2, str(step)).split(" ", 1)[1]
    steps = steps[:1].upper() + steps[1:]
    # Signed hover values: a return above or below the expected one.
    the_unit = get_unit(kind, unit).signed()
    scale = the_unit.scale
    start = int(result.event_window[0]) if result.event_window else int(table["offset"].min())
    half = car_band(table, float(result.sigma), start=min(start, int(table["offset"].min())))
    offsets = table["offset"].astype(int).tolist()
    day0 = pd.Timestamp(result.day0)
    label = getattr(result, "label", "") or ""
    # The legend above the plot wraps into as many rows as the plot's width needs.
    legend_names = (["95% range if no effect"] if band else []) + ["Abnormal return", "Cumulative abnormal return"]
    narrow = width < 520
    left = 52 if narrow else 64
    legend_rows = _legend_rows(legend_names, width - left - 24)
    canvas = prepare(kind, title=title, subtitle=subtitle, source=source, source_url=source_url, notes=notes,
                     template=template, width=width, height=height + 20 * (legend_rows - 1), extra_top=10 + 20 * legend_rows,
                     axis_room=52, left=left)
    dates = [format_date(d) for d in table["date"]]
    fig = go.Figure()
    if band:
        fig.add_trace(go.Scatter(x=offsets, y=scale * half, mode="lines", line={"width": 0}, name="95% range if no effect",
                                 legendgroup="band", showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=offsets, y=-scale * half, mode="lines", line={"width": 0}, fill="tonexty",
                                 fillcolor=BAND_FILL, name="95% range if no effect", legendgroup="band", hoverinfo="skip"))
    fig.add_trace(go.Bar(
        x=offsets, y=scale * table["ar"], name="Abnormal return", marker={"color": OKABE_ITO["sky_blue"]},
        customdata=[[d] for d in dates],
        hovertemplate="%{customdata[0]}: " + the_unit.hover() + "<extra>Abnormal return</extra>",
    ))
    fig.add_trace(go.Scatter(
        x=offsets, y=scale * table["car"], mode="lines+markers", name="Cumulative abnormal return",
        line={"color": OKABE_ITO["vermillion"], "width": 3}, marker={"size": 6},
        hovertemplate=the_unit.hover() + "<extra>Cumulative abnormal return</extra>",
    ))
    fig.add_hline(y=0, line={"color": "#8C8C8C", "width": 1})
    fig.add_vline(x=0, line={"color": INK, "width": 1, "dash": "dot"})
    fig.add_annotation(x=0, xref="x", y=1, yref="paper", yanchor="top", xanchor="left", xshift=4, showarrow=False,
                       text="Day 0" if narrow else f"Day 0: {escape_text(format_date(day0))}", font={"size": FONT_SIZES["label"], "color": MUTED},
                       bgcolor="rgba(255,255,255,0.85)", name="frstory-day0")
    values = np.concatenate([scale * table["ar"].to_numpy(), scale * table["car"].to_numpy(),
                             scale * half if band else np.array([0.0]), -scale * half if band else np.array([0.0])])
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    pad = (high - low) * 0.12 or 1.0
    fig.update_layout(
        # The hover title names the day ("Day +1"), not a bare offset such as "0".
        xaxis={"title": {"text": f"{steps} from day 0" if narrow else f"{steps} relative to day 0"},
               "unifiedhovertitle": {"text": "Day %{x:+d}"}, "tickvals": offsets,
               "ticktext": [_offset_text(o) for o in offsets], "range": [offsets[0] - 0.7, offsets[-1] + 0.7],
               "showgrid": False, "nticks": 30},
        yaxis={"title": {"text": "" if narrow else the_unit.title("abnormal return")}, **the_unit.axis(),
               "range": [low - pad, high + pad]},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom", "yref": "paper"},
        showlegend=True, hovermode="x unified", bargap=0.35,
    )
    # Every day gets a tick while they are 26 px apart; then every other, then every fifth.
    plot_px = canvas.frame.plot_width
    step = next((s for s in (1, 2, 5, 10, 20) if plot_px / len(offsets) * s >= 26), 50)
    if step > 1:
        fig.update_xaxes(tickvals=[o for o in offsets if o % step == 0], ticktext=[_offset_text(o) for o in offsets if o % step == 0])
    data = pd.DataFrame({"offset": offsets, "date": table["date"], "ar": table["ar"], "car": table["car"],
                         "band_low": -half, "band_high": half})
    data.insert(0, "ticker", str(result.ticker))
    worst = table.loc[table["ar"].abs().idxmax()]
    final_car, final_half = float(table["car"].iloc[-1]), float(half[-1])
    where = "outside" if abs(final_car) > final_half else "inside"
    about = f" around {label}" if label else ""
    who = series_name(result.ticker, names, ticker=True)
    # Inside a sentence an index takes its article: "the S&P 500's daily abnormal returns".
    whose = series_name(result.ticker, names, article=True, ticker=True) + "'s"
    # One day is named once ("day 0 (11 June 2020)"), not as "days 0 to 0 around day 0".
    # Alt text is prose, whose minus is ASCII (the ticks' U+2212 is chart text): "days -5 to +5", "-2.5 percentage points".
    days = prose.offsets(offsets[0], offsets[-1])
    days += f" ({format_date(day0)})" if offsets == [0] else f" around day 0 ({format_date(day0)})"
    # Finding first (where the running total ended, against the no-effect band), then the data.
    if len(offsets) == 1:
        # One day's abnormal return is the whole total: no "largest daily" return of one.
        on = "" if offsets == [0] else f" ({format_date(worst['date'])})"  # day 0's date follows below
        auto_alt = (
            f"{who}: the abnormal return on day {prose.number(offsets[0], signed=True)}{on} was "
            f"{the_unit.text(final_car, signed=True)}, {where} the range expected 95% of the time with no effect. "
            f"Bar and line chart of {whose} abnormal return{about}, {days}."
        )
    else:
        auto_alt = (
            f"{who}: the cumulative abnormal return reached {the_unit.text(final_car, signed=True)} by day "
            f"{prose.number(offsets[-1], signed=True)}, {where} the range expected 95% of the time with no effect; the largest daily "
            f"abnormal return was {the_unit.text(float(worst['ar']), signed=True)} on day {prose.number(int(worst['offset']), signed=True)} "
            f"({format_date(worst['date'])}). Bar and line chart of {whose} daily abnormal returns{about}, {days}."
        )
    return canvas.finish(fig, alt=alt, auto_alt=auto_alt, data=data)


@document
def event_study_table(
    results: Sequence[object],
    *,
    window: tuple[int, int] | None = None,
    unit: UnitName | Unit = "points",
    names: dict[str, str] | None = None,
    level: float = 0.05,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    source_url: str | None = None,
    notes: str | None = None,
    alt: str | None = None,
) -> Table:
    """An HTML table of several event-study results: stock, event and day 0, CAR, t, p (and n).

    Parameters
    ----------
    results : sequence of frstory.EventStudyResult
        One row each, in this order.
    window : (int, int), optional
        Offsets for the CAR; default each result's full event window.
    unit : {"points", "percent"}
        How the CAR is written (percentage points by default, as :func:`abnormal_returns` draws it).
    names : mapping, optional
        Reader names of the tickers; default :func:`frstory.prose.display_name`. A ticker with no
        name raises :class:`frstory.prose.UnknownDisplayName` (as ``result.summary()`` does).
    level : float
        Significance level the alt text counts against (0.05).
    {table_furniture}

    Returns
    -------
    frstory.charts.Table
        Shown as an HTML table (``_repr_html_``): a caption, one row per result with numbers
        formatted (CAR with its sign and unit, t to two decimals, p to three) and the source in
        the footer; ``chart_data(table)`` gives the unformatted numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> from frstory.analysis.results import EventStudyResult
    >>> from frstory.charts import event_study_table
    >>> table = pd.DataFrame({"offset": [0, 1], "date": pd.to_datetime(["2020-06-11", "2020-06-12"]),
    ...                       "ar": [-0.03, 0.004]})
    >>> table["car"] = table["ar"].cumsum()
    >>> result = EventStudyResult("SYNA", "^SYNX", pd.Timestamp("2020-06-10"), "post", pd.Timestamp("2020-06-11"),
    ...                           "market", (-250, -11), (0, 1), table, 0.0, 1.0, 0.5, 0.01, 240, [], "Synthetic")
    >>> out = event_study_table([result], names={"SYNA": "Syna Inc"}, source="Synthetic example data (frstory.examples)")
    >>> out.header, out.rows[0]
    (['Event, day 0', 'CAR, pp', 't', 'p'], ['Syna Inc: Synthetic, 11 June 2020', '−2.60', '−1.84', '0.067'])
    >>> out.notes
    'CAR: cumulative abnormal return over sessions 0 to +1 around day 0, in percentage points. Each estimation window has 240 sessions.'

    >>> out.alt.split(":")[0]
    'The cumulative abnormal return is not significant at the 5% level'
    """
    kind = "event_study_table"
    if isinstance(results, (str, bytes)) or not isinstance(results, Sequence) or len(results) == 0:
        raise ChartInputError(
            f"{kind}: results must be a non-empty list of EventStudyResult, got {type(results).__name__}"
            f"{' (empty)' if isinstance(results, Sequence) and not isinstance(results, (str, bytes)) else ''}. Fix: event_study_table([result_a, result_b], ...)."
        )
    from frstory.charts._validate import require_source

    source_text = require_source(kind, source)
    the_unit = get_unit(kind, unit)
    rows = []
    for i, result in enumerate(results):
        table = check_result(kind, result, name=f"results[{i}]")
        start, end = window if window is not None else (int(table["offset"].min()), int(table["offset"].max()))
        car, t, p = car_over(result, start, end)
        rows.append({
            "ticker": str(result.ticker), "name": series_name(result.ticker, names, ticker=True),
            "event": str(getattr(result, "label", "") or ""),
            "day0": pd.Timestamp(result.day0), "window_start": start, "window_end": end,
            "car": car, "t": t, "p": p, "n_estimation": int(result.n_estimation),
            "model": str(getattr(result, "model", "")),
        })
    data = pd.DataFrame(rows)
    same_window = data[["window_start", "window_end"]].drop_duplicates().shape[0] == 1
    # Written to fit a 320 px phone without sideways scrolling: the stock and its event share the
    # row header, the CAR column's heading is short (its window and unit go into the note) and
    # one estimation length for every row goes into the note too.
    same_n = data["n_estimation"].nunique() == 1
    unit_word = {"points": "pp", "percent": "%"}.get(the_unit.name, "")
    header = ["Event, day 0", "CAR" + (f", {unit_word}" if unit_word else ""), "t", "p"] + ([] if same_n else ["n"])

    def car_text(value: float, **kw: object) -> str:
        return the_unit.text(value, signed=True, decimals=2, **kw)  # type: ignore[arg-type]

    def car_cell(value: float) -> str:
        text = car_text(value, short=True, minus=MINUS)
        return text.removesuffix(" pp").removesuffix("%") if unit_word else text

    cells = []
    for r in data.itertuples():
        shown = car_cell(r.car) + ("" if same_window else f" ({_offset_text(r.window_start)}, {_offset_text(r.window_end)})")
        event = f"{r.name}: {r.event}, {format_date(r.day0)}" if r.event else f"{r.name}, {format_date(r.day0)}"
        cells.append([event, shown, prose.number(r.t, decimals=2, minus=MINUS),
                      "<0.001" if r.p < 0.001 else prose.number(r.p, decimals=3)]
                     + ([] if same_n else [prose.number(r.n_estimation)]))
    unit_name = {"points": "percentage points", "percent": "per cent"}.get(the_unit.name, "")
    first, last = int(data["window_start"][0]), int(data["window_end"][0])
    window_note = (("CAR: cumulative abnormal return on day 0" if (first, last) == (0, 0) else
                    f"CAR: cumulative abnormal return over {offset_span(first, last, 'session', 'sessions')} around day 0")
                   if same_window
                   else "CAR: cumulative abnormal return over the sessions in brackets") + (f", in {unit_name}." if unit_name else ".")
    # Finding first (how many are significant), then each row in words.
    n_sig = int((data["p"] < level).sum())
    noun = prose.plural(len(data), "cumulative abnormal return")
    level_text = f"{prose.number(100 * level, decimals=0 if float(100 * level).is_integer() else 1)}% level"
    if len(data) == 1:
        finding = f"The cumulative abnormal return is {'' if n_sig else 'not '}significant at the {level_text}"
    elif n_sig == 0:
        finding = f"None of the {noun} is significant at the {level_text}"
    else:
        finding = f"{n_sig} of the {noun} {'is' if n_sig == 1 else 'are'} significant at the {level_text}"
    parts = [
        f"{r.name} ({r.event or 'event'}, day 0 {format_date(r.day0)}): {car_text(r.car)}, "
        f"{prose.t_stat(r.t)}, {prose.p_value(r.p)}"
        for r in data.itertuples()
    ]
    auto_alt = prose.sentence(finding) + ": " + "; ".join(parts) + "."
    text = " ".join(str(alt).split()) if alt is not None and str(alt).strip() else auto_alt
    n_note = (f"Each estimation window has {int(data['n_estimation'].iloc[0]):,} sessions." if same_n
              else "n: sessions in the estimation window.")
    notes_text = ((notes + " ") if notes else "") + window_note + " " + n_note
    return Table(data=data, header=header, rows=cells, numeric=[False, True, True, True] + ([] if same_n else [True]),
                 title=title or "", subtitle=subtitle or "", source=source_text, source_url=source_url or "",
                 notes=notes_text, alt=text)
