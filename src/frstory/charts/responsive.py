"""Responsive by construction: every chart carries its own layouts for narrower screens.

plotly places labels where it is told and never moves them out of each other's way (plotly.js
#4674), and a layout computed for 900 px does not fit a phone. So each chart function is run
once more for every breakpoint width below the one asked for, and the differences (margins,
height, label annotations and their rows, axis ticks, the data of traces whose positions depend
on the width) are stored in ``fig.layout.meta["frstory"]["layouts"]``, each layout as a patch of
the full one (:func:`merge_patch`: only the keys and labels that change). The page script
(``frstory.js``) shows the layout made for the widest breakpoint that still fits its container
and switches when the container is resized.

Why picking "the widest breakpoint that fits" is safe: every label is placed in pixels at the
breakpoint's width, anchored at a data position at one end of its box. On a wider container
the anchors move apart (the plot area only grows) while the boxes keep their size, so two boxes
that were clear of each other stay clear, and a box inside the plot stays inside.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import json
from collections.abc import Callable
from typing import Any, TypeVar

import plotly.graph_objects as go
import plotly.io as pio

__all__ = ["BREAKPOINTS", "responsive", "layout_for_width", "figure_for_width", "merge_patch", "apply_patch"]

#: Widths (px of the chart's container) a layout is computed for, besides the requested width.
#: 280 fits a 320 px phone (1 rem page margins), 350 a 390 px phone; story columns are at most 800 px.
BREAKPOINTS: tuple[int, ...] = (280, 350, 480, 640)

F = TypeVar("F", bound=Callable[..., go.Figure])

# Layout keys that never differ between breakpoints, or that are the page's business.
_SKIP_LAYOUT = {"template", "meta", "width", "autosize"}

# True while a chart function runs again for a narrower breakpoint. Only what differs between
# widths is kept of that figure, so :func:`frstory.charts.furniture.finish_figure` leaves out the
# keys :data:`_SKIP_LAYOUT` ignores anyway: plotly validates (deep-copies) the template and the
# chart's data table on every assignment, a fifth of the cost of each narrower layout.
_NARROW_PASS: contextvars.ContextVar[bool] = contextvars.ContextVar("frstory_narrow_pass", default=False)


def in_narrow_pass() -> bool:
    """Whether the chart being built is only a narrower layout of another (see :func:`responsive`)."""
    return _NARROW_PASS.get()


def _as_json(fig: go.Figure) -> dict[str, Any]:
    return json.loads(pio.to_json(fig, validate=False))


_ITEMS = "$items"
_MISSING = object()


def merge_patch(base: Any, target: Any) -> Any:
    """The patch that turns ``base`` into ``target``: a JSON Merge Patch (RFC 7386), plus lists.

    As in RFC 7386, objects are patched key by key and ``None`` removes a key. Beyond it, a list
    of objects (a chart's labels at another width) is patched item by item, as
    ``{"$items": [patch, ...]}``: most labels keep their font and text and only move, so the page
    carries a few numbers per label and width, not every label again. Item ``i`` patches the
    base's item ``i``; the list takes the patch's length (a label added at this width comes
    whole). Any other value is replaced whole. :func:`apply_patch` (and ``frstory.js``) apply it.

    Examples
    --------
    >>> merge_patch({"a": 1, "b": {"c": 2, "d": 3}}, {"a": 1, "b": {"c": 4}})
    {'b': {'c': 4, 'd': None}}
    >>> merge_patch([{"x": 1, "text": "A"}, {"x": 2, "text": "B"}], [{"x": 1, "text": "A"}, {"x": 5, "text": "B"}])
    {'$items': [{}, {'x': 5}]}
    >>> merge_patch([{"x": 1}, {"x": 2}], [{"x": 1}, {"x": 2}, {"x": 3, "text": "key"}])
    {'$items': [{}, {}, {'x': 3, 'text': 'key'}]}
    """
    if isinstance(base, dict) and isinstance(target, dict):
        patch = {k: merge_patch(base[k], v) if k in base else v
                 for k, v in target.items() if base.get(k, _MISSING) != v}
        patch.update({k: None for k in base if k not in target})
        return patch
    if isinstance(base, list) and isinstance(target, list) and base and target \
            and all(isinstance(item, dict) for item in (*base, *target)):
        return {_ITEMS: [merge_patch(base[i], item) if i < len(base) else item for i, item in enumerate(target)]}
    return target


def apply_patch(base: Any, patch: Any) -> Any:
    """``base`` with a :func:`merge_patch` applied (a new value; ``base`` is not changed).

    Examples
    --------
    >>> apply_patch({"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"c": 4, "d": None}})
    {'a': 1, 'b': {'c': 4}}
    >>> apply_patch([{"x": 1}, {"x": 2}], {"$items": [{}, {"x": 5}]})
    [{'x': 1}, {'x': 5}]
    >>> apply_patch([{"x": 1}, {"x": 2}], {"$items": [{"x": 7}]})
    [{'x': 7}]
    """
    if isinstance(patch, dict) and set(patch) == {_ITEMS} and isinstance(base, list):
        return [apply_patch(base[i] if i < len(base) else None, change) for i, change in enumerate(patch[_ITEMS])]
    if isinstance(patch, dict):
        out = dict(base) if isinstance(base, dict) else {}
        for key, value in patch.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = apply_patch(out.get(key), value)
        return out
    return patch


def _variant(base: dict[str, Any], small: dict[str, Any], width: int) -> dict[str, Any]:
    """What the ``width`` layout changes relative to ``base``: a :func:`merge_patch` of the layout, and trace keys."""
    kept = {k: v for k, v in base["layout"].items() if k not in _SKIP_LAYOUT}
    wanted = {k: v for k, v in small["layout"].items() if k not in _SKIP_LAYOUT}
    variant: dict[str, Any] = {"width": width, "patch": merge_patch(kept, wanted)}
    base_data, small_data = base.get("data", []), small.get("data", [])
    if len(base_data) != len(small_data) or any(a.get("type") != b.get("type") for a, b in zip(base_data, small_data)):
        variant["data"] = small_data
        variant["replace_data"] = True
    else:
        changed = [{k: v for k, v in b.items() if a.get(k) != v} for a, b in zip(base_data, small_data)]
        if any(changed):
            variant["data"] = changed
    return variant


def responsive(func: F) -> F:
    """Decorate a chart function so its figure carries layouts for the :data:`BREAKPOINTS` below its width.

    The wrapped function must take ``width`` as a keyword. Building the narrow layouts runs the
    chart function again at each narrower breakpoint; a breakpoint at which the chart cannot be
    drawn (it raises) is skipped, and the page then uses the next wider layout.

    Examples
    --------
    >>> import frstory as fr
    >>> from frstory import charts
    >>> prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-30")
    >>> fig = charts.price_with_events(prices, tickers="SYNA", names={"SYNA": "Syna Inc"}, source="Synthetic")
    >>> [v["width"] for v in fig.layout.meta["frstory"]["layouts"]]
    [280, 350, 480, 640]
    """
    signature = inspect.signature(func)
    default_width = signature.parameters["width"].default

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> go.Figure:
        fig = func(*args, **kwargs)
        width = kwargs.get("width", default_width)
        base = _as_json(fig)
        variants, missing = [], []
        for breakpoint_px in BREAKPOINTS:
            if breakpoint_px >= width:
                break
            token = _NARROW_PASS.set(True)
            try:
                small = func(*args, **{**kwargs, "width": breakpoint_px})
            except Exception as exc:  # noqa: BLE001 - a layout that cannot be made at this width is not offered,
                # but said (the publisher warns the author: screens that narrow get a wider layout).
                missing.append({"width": breakpoint_px, "why": str(exc).split("\n")[0][:300]})
                continue
            finally:
                _NARROW_PASS.reset(token)
            variants.append(_variant(base, _as_json(small), breakpoint_px))
        meta = dict(fig.layout.meta or {})
        furniture = dict(meta.get("frstory") or {})
        furniture["width"] = int(width)
        furniture["layouts"] = variants
        if missing:
            furniture["no_layout"] = missing
        meta["frstory"] = furniture
        fig.layout.meta = meta
        return fig

    return wrapper  # type: ignore[return-value]


def layout_for_width(fig: go.Figure | dict, width: float) -> go.Figure:
    """The figure as the page shows it in a container ``width`` px wide (the same choice as frstory.js).

    Parameters
    ----------
    fig : plotly.graph_objects.Figure or dict
        A figure made by a :mod:`frstory.charts` function.
    width : float
        Container width in px.

    Returns
    -------
    plotly.graph_objects.Figure
        A new figure, ``width`` px wide, with the layout of the widest breakpoint that fits.

    Examples
    --------
    >>> import frstory as fr
    >>> from frstory import charts
    >>> prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-30")
    >>> layout_for_width(charts.price_with_events(prices, tickers="SYNA", names={"SYNA": "Syna Inc"}, source="Synthetic"), 300).layout.width
    300
    """
    return go.Figure(figure_for_width(fig, width))


def figure_for_width(fig: go.Figure | dict, width: float) -> dict:
    """:func:`layout_for_width` as a plain figure dict (JSON types), without building a ``go.Figure``.

    The publisher draws six images of every chart from these; validating each through plotly's
    object model cost more than the rest of the image pipeline in Python.

    Examples
    --------
    >>> import frstory as fr
    >>> from frstory import charts
    >>> prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-30")
    >>> figure_for_width(charts.price_with_events(prices, tickers="SYNA", names={"SYNA": "Syna Inc"}, source="Synthetic"), 300)["layout"]["width"]
    300
    """
    source = fig.to_dict() if isinstance(fig, go.Figure) else fig
    figure = json.loads(pio.to_json(source, validate=False))
    layout = figure.setdefault("layout", {})
    furniture = (layout.get("meta") or {}).get("frstory") or {}
    chosen = None
    for variant in furniture.get("layouts") or []:
        if variant["width"] <= width and (chosen is None or variant["width"] > chosen["width"]):
            chosen = variant
    variants = furniture.get("layouts") or []
    if chosen is None and variants and width < min(v["width"] for v in variants):
        chosen = min(variants, key=lambda v: v["width"])
    if chosen is not None and width < furniture.get("width", 0):
        if "patch" in chosen:
            layout = figure["layout"] = apply_patch(layout, chosen["patch"])
        for key, value in (chosen.get("layout") or {}).items():  # figures made before patches: whole keys
            if value is None:
                layout.pop(key, None)
            else:
                layout[key] = value
        if chosen.get("replace_data"):
            figure["data"] = chosen["data"]
        elif chosen.get("data"):
            figure["data"] = [{**trace, **change} for trace, change in zip(figure["data"], chosen["data"])]
    layout["width"] = int(width)
    return figure
