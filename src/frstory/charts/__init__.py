"""frstory.charts: newsroom-grade plotly charts in the frstory house style.

Every chart is a pure function: tidy frame(s) and keywords in, a
:class:`plotly.graph_objects.Figure` out. Each figure carries its furniture (title, subtitle,
source, notes, alt text and the data behind it) in ``fig.layout.meta["frstory"]`` and draws the
title block and source/notes footer, so static exports show them too.
Use :func:`chart_data` to get the tidy frame behind a chart for a "Get the data" CSV.

Importing this package registers the plotly template ``"frstory"`` (see :mod:`frstory.charts.theme`)
without changing ``plotly.io.templates.default``.
"""

from __future__ import annotations

from frstory.charts.counts import cumulative_count
from frstory.charts.event_study import abnormal_returns, event_study_table
from frstory.charts.furniture import chart_data
from frstory.charts.labels import assign_lanes, layout_event_labels
from frstory.charts.multiples import small_multiples
from frstory.charts.prices import price_with_events, rebased_comparison
from frstory.charts.specification_curve import specification_curve
from frstory.charts.theme import COLORWAY, OKABE_ITO, TEMPLATE_NAME, house_template, register_template
from frstory.charts.timeline import timeline

__all__ = [
    "price_with_events",
    "rebased_comparison",
    "timeline",
    "abnormal_returns",
    "event_study_table",
    "cumulative_count",
    "small_multiples",
    "specification_curve",
    "chart_data",
    "assign_lanes",
    "layout_event_labels",
    "house_template",
    "register_template",
    "TEMPLATE_NAME",
    "OKABE_ITO",
    "COLORWAY",
]
