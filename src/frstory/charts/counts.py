"""Cumulative counts of events over time, one line per group (e.g. measures by level of government)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from frstory import prose
from frstory.charts._common import batched, date_axis, end_label_growth, end_label_room, end_labels
from frstory.charts._text import escape_text, format_date, format_date_range
from frstory.charts._validate import require_dates, require_frame, to_timestamp
from frstory.charts.furniture import document, prepare
from frstory.charts.responsive import responsive
from frstory.charts.theme import BACKGROUND, INK, colors_for
from frstory.charts.units import Unit, UnitName, get_unit
from frstory.errors import ChartInputError

__all__ = ["cumulative_count"]

TOTAL_GREY = "#B3B3B3"


def singular_of(noun: str) -> str:
    """The singular of a plural noun phrase: ``measures`` -> ``measure``, ``bans and limits`` -> ``ban or limit``.

    Each word is singularised by inflection (the Rails inflector prose uses for plurals); "and"
    becomes "or", because one item is one or the other. Pass ``noun_singular=`` where this is wrong.

    Examples
    --------
    >>> singular_of("measures"), singular_of("bans and limits"), singular_of("city ordinances")
    ('measure', 'ban or limit', 'city ordinance')
    """
    from inflection import singularize

    words = str(noun).split()
    return " ".join("or" if w == "and" else (singularize(w) if i == len(words) - 1 or words[i + 1] in ("and", "or") else w)
                    for i, w in enumerate(words))


@responsive
@document
def cumulative_count(
    events: pd.DataFrame,
    *,
    by: str,
    noun: str,
    noun_singular: str | None = None,
    unit: UnitName | Unit = "count",
    label: str = "headline",
    groups: Sequence[str] | None = None,
    total: bool = True,
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
    height: int = 500,
) -> go.Figure:
    """Step chart of how many events of each kind had happened by each date, plus the total.

    Only rows with a value in ``by`` count (say a ``level`` column holding ``city``, ``state``
    ...). Each step's hover lists the events behind it; lines are labelled at their ends.

    Parameters
    ----------
    events : pandas.DataFrame
        Events with ``date``, ``by`` and ``label`` columns (the :func:`frstory.load_events` format).
    by : str
        Required: the column whose values are the groups; rows with no value there are not counted.
    label : str
        Column shown on hover for each event.
    groups : sequence of str, optional
        Groups to draw, in order; default those present, in order of their first event.
    total : bool
        Add a line for all groups together.
    noun : str
        Required: what is counted, in the plural (``"measures"``), for the axis, hover and alt text.
    noun_singular : str, optional
        The singular, for counts of one (``"1 measure"``); default from ``noun`` (:func:`singular_of`).
    unit : {"count", "number"}
        How the counts are written on the axis and in the hover (whole numbers with thousands separators).
    start, end : date, optional
        x-axis limits; default the span of the counted events with a margin.
    colors : dict of str to str, optional
        Colours for some categories/entities, overriding the house mapping (:func:`frstory.charts.theme.color_for`).
    {furniture}

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import frstory as fr
    >>> from frstory.charts import cumulative_count
    >>> events = fr.synthetic_events()
    >>> events["level"] = events["id"].map({"syn-rule-1": "city", "syn-rule-2": "city", "syn-rule-3": "state"})
    >>> fig = cumulative_count(events, by="level", noun="measures", source="Synthetic example data (frstory.examples)")
    >>> [trace.name for trace in fig.data]
    ['Total', 'City', 'State']
    >>> fig.layout.meta["frstory"]["alt"].split(".")[0]
    'Three measures by December 2019: 2 city and 1 state'
    """
    kind = "cumulative_count"
    the_unit = get_unit(kind, unit)
    one = noun_singular or singular_of(noun)

    def counted_as(n: int) -> str:
        return prose.plural(n, one, plural_form=noun) if the_unit.name == "count" else f"{the_unit.text(n)} {noun}"

    from frstory.charts._validate import require_columns

    require_columns(kind, events, {"by": by, "label": label}, name="events")
    frame = require_frame(kind, events, "events", ["date", by, label])
    dates = require_dates(kind, frame, "date", "events")
    values = frame[by].astype("string").str.strip()
    counted = frame.assign(_date=dates, _group=values)[values.notna() & (values != "")]
    if counted.empty:
        raise ChartInputError(
            f"{kind}: no event has a value in column {by!r} of events, so there is nothing to count. "
            f"Fix: fill in {by!r} for the events to count, or pass by=<the column that names each event's group>."
        )
    present = list(dict.fromkeys(counted["_group"].tolist()))
    if groups is None:
        chosen = list(dict.fromkeys(counted.sort_values("_date", kind="stable")["_group"].tolist()))
    else:
        # Groups are compared as text, as the column is read (a column of 1, 2, 3 takes groups=[1, 2]).
        chosen = [str(g) for g in groups]
        missing = [g for g in chosen if g not in present]
        if missing:
            raise ChartInputError(
                f"{kind}: group {missing[0]!r} does not occur in column {by!r} of events (it has "
                f"{', '.join(map(repr, present))}). Fix: choose groups from those."
            )
        counted = counted[counted["_group"].isin(chosen)]
    counted = counted.sort_values("_date", kind="stable").reset_index(drop=True)
    first, last = counted["_date"].min(), counted["_date"].max()
    span = max(last - first, pd.Timedelta(days=60))
    x0 = to_timestamp(kind, start, "start") if start is not None else first - span * 0.04
    x1 = to_timestamp(kind, end, "end") if end is not None else last + span * 0.06
    precision = counted["date_precision"].astype(str) if "date_precision" in counted.columns else pd.Series("day", index=counted.index)

    # Only the first letter is raised: str.capitalize would write "New York" as "New york".
    series = [(g[:1].upper() + g[1:], counted[counted["_group"] == g], colour, 2.25)
              for g, colour in zip(chosen, colors_for(chosen, colors), strict=True)]
    if total and len(chosen) > 1:
        # Drawn first, wide and grey: where one group is the whole total, its line stays visible on top.
        series.insert(0, ("Total", counted, TOTAL_GREY, 6.0))
    final = {name: len(rows) for name, rows, _, _ in series}
    names = [f"{name} ({final[name]})" for name, _, _, _ in series]
    place = functools.partial(prepare, kind, title=title, subtitle=subtitle, source=source, source_url=source_url,
                              notes=notes, template=template, width=width, right=end_label_room(names, width),
                              left=48 if width < 520 else 64)
    canvas = place(height=height)
    grow = end_label_growth(names, width, canvas.frame.plot_height)
    if grow:  # more (or longer) names than fit beside the plot: a taller plot, not labels off its edge
        canvas = place(height=height + grow)
    fig = batched(go.Figure())
    ends = []
    y_high = max(final.values()) * 1.12 + 0.3
    for (name, rows, colour, line_width), end_name in zip(series, names, strict=True):
        by_date = rows.groupby("_date", sort=True)
        step_dates, step_counts, hovers = [], [], []
        running = 0
        for date, day_rows in by_date:
            running += len(day_rows)
            step_dates.append(date)
            step_counts.append(running)
            day_precision = precision[day_rows.index]
            when = format_date(date, "month" if (day_precision == "month").all() else "day")
            items = "<br>".join(f"• {escape_text(v)}" for v in day_rows[label].fillna(day_rows["headline"] if "headline" in day_rows else ""))
            hovers.append(f"<b>{escape_text(name)}: {escape_text(counted_as(running))}</b> by {escape_text(when)}<br>{items}")
        fig.add_trace(go.Scatter(
            x=[x0, *step_dates, x1], y=[0, *step_counts, running], mode="lines+markers", name=escape_text(name),
            line={"shape": "hv", "color": colour, "width": line_width},
            # The outline plotly.js gives sized markers is a fixed white, which dark mode would not
            # swap: the house background is, so the rings stay the page's colour in either scheme.
            marker={"size": [0, *([7] * len(step_dates)), 0], "color": colour,
                    "line": {"color": BACKGROUND, "width": 1}},
            # The ends of the line say where the count stands, so no hover box is ever empty.
            customdata=[[f"<b>{escape_text(name)}: {escape_text(counted_as(0))}</b> by {escape_text(format_date(x0))}"],
                        *[[h] for h in hovers],
                        [f"<b>{escape_text(name)}: {escape_text(counted_as(running))}</b> by {escape_text(format_date(x1))}"]],
            hovertemplate="%{customdata[0]}<extra></extra>",
        ))
        ends.append((end_name, x1, float(running), INK if name == "Total" else colour, name == "Total"))
    end_labels(fig, ends, y_range=(0, y_high), plot_height=canvas.frame.plot_height, width=width)
    fig.update_layout(
        xaxis=date_axis((x0, x1), canvas.frame.plot_width),
        yaxis={"range": [0, y_high], "title": {"text": escape_text(f"Cumulative {noun}")}, "rangemode": "tozero",
               **the_unit.axis(), "dtick": 1 if y_high <= 12 else None},
        showlegend=False, hovermode="closest",
    )
    data = pd.DataFrame({
        "date": counted["_date"], by: counted["_group"].astype(str), "label": counted[label].astype("string"),
    })
    if "id" in counted.columns:
        data.insert(0, "id", counted["id"].astype("string"))
    data["count_in_group"] = data.groupby(by).cumcount() + 1
    data["total"] = range(1, len(data) + 1)
    data = data.astype({"label": object})
    if "id" in data.columns:
        data = data.astype({"id": object})
    last_precision = "month" if (precision[counted["_date"] == last] == "month").all() else "day"
    # Finding first (how many by the last event, split by group), then what the chart shows.
    # Each group as its column writes it ("2 city", "1 New York"), not lowered or capitalised.
    split = prose.join([f"{the_unit.text(int((counted['_group'] == g).sum()))} {g}" for g in chosen])
    # The lines by the groups' own names: the column's name ("ban", "level_of_gov") is no reader's word.
    lines = f"one line {'each ' if len(chosen) > 1 else ''}for {prose.join(chosen)}"
    if total and len(chosen) > 1:
        lines += ", and one for the total"
    auto_alt = (
        prose.sentence(f"{counted_as(len(counted))} by {format_date(last, last_precision)}: {split}") + ". "
        f"Step chart of cumulative {noun}, {lines}, {format_date_range(first, last)}."
    )
    return canvas.finish(fig, alt=alt, auto_alt=auto_alt, data=data)
