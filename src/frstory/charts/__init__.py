"""frstory.charts: newsroom-grade plotly charts in the frstory house style.

Every chart is a pure function: tidy frame(s) and keywords in, a
:class:`plotly.graph_objects.Figure` out. Each figure carries its furniture (title, subtitle,
source, notes, alt text and the data behind it) in ``fig.layout.meta["frstory"]`` only, plus its
layouts for narrower screens (:mod:`frstory.charts.responsive`); :func:`export` draws the
furniture on PNG/SVG/PDF/HTML files at any width. Tables are HTML tables (:class:`Table`).
Use :func:`chart_data` to get the tidy frame behind a chart for a "Get the data" CSV.

Importing this package registers the plotly template ``"frstory"`` (see :mod:`frstory.charts.theme`)
without changing ``plotly.io.templates.default``.
"""

from __future__ import annotations

from frstory.charts.counts import cumulative_count
from frstory.charts.event_study import abnormal_returns, event_study_table
from frstory.charts.export import export, with_furniture
from frstory.charts.furniture import chart_data
from frstory.charts.general import bar, line
from frstory.charts.labels import assign_lanes, layout_event_labels
from frstory.charts.multiples import small_multiples
from frstory.charts.prices import price_with_events, rebased_comparison
from frstory.charts.specification_curve import specification_curve
from frstory.charts.responsive import BREAKPOINTS, layout_for_width
from frstory.charts.table import Table
from frstory.charts.theme import (
    COLORWAY,
    HOUSE_COLORS,
    OKABE_ITO,
    TEMPLATE_NAME,
    color_for,
    house_template,
    register_colors,
    register_template,
)
from frstory.charts.timeline import timeline

__all__ = [
    "line",
    "bar",
    "price_with_events",
    "rebased_comparison",
    "timeline",
    "abnormal_returns",
    "event_study_table",
    "cumulative_count",
    "small_multiples",
    "specification_curve",
    "chart_data",
    "export",
    "with_furniture",
    "layout_for_width",
    "BREAKPOINTS",
    "Table",
    "color_for",
    "register_colors",
    "HOUSE_COLORS",
    "assign_lanes",
    "layout_event_labels",
    "house_template",
    "register_template",
    "TEMPLATE_NAME",
    "OKABE_ITO",
    "COLORWAY",
]
