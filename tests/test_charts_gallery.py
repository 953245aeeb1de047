"""The chart gallery notebook executes end to end with a real kernel and stays output-free in git."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "notebooks" / "00-chart-gallery.ipynb"
PAIRED = ROOT / "notebooks" / "00-chart-gallery.py"


def test_gallery_is_committed_without_outputs_and_says_it_is_synthetic():
    nb = nbformat.read(GALLERY, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
    meta = nb.metadata["frstory"]
    assert meta["title"] == "The frstory chart gallery" and meta["synthetic"] is True and meta["byline"] == "frstory"
    assert {"dek", "date"} <= set(meta)
    assert "synthetic" in nb.cells[0].source.lower() and nb.cells[0].cell_type == "markdown"
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1


def test_gallery_is_paired_with_its_percent_script():
    jupytext = pytest.importorskip("jupytext")
    nb = nbformat.read(GALLERY, as_version=4)
    assert nb.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    script = jupytext.read(PAIRED)
    assert [c.source for c in script.cells] == [c.source for c in nb.cells]


@pytest.fixture(scope="module")
def executed():
    """The gallery executed once by a real kernel (in its own folder, as the build runs it)."""
    from nbclient import NotebookClient

    nb = nbformat.read(GALLERY, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(GALLERY.parent)}}).execute()
    return nb


def _figures(nb) -> list[dict]:
    return [
        output["data"]["application/vnd.plotly.v1+json"]
        for cell in nb.cells if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "application/vnd.plotly.v1+json" in output.get("data", {})
    ]


def _reader_text(figure: dict) -> list[str]:
    """Every text of a figure a reader sees or hears, at every layout: alt text, series, labels, ticks."""
    from frstory.charts.responsive import figure_for_width

    meta = figure["layout"]["meta"]["frstory"]
    shown = [figure, *(figure_for_width(figure, v["width"]) for v in meta["layouts"])]
    layouts, traces = [f["layout"] for f in shown], [f["data"] for f in shown]
    texts = [meta["alt"], meta["title"], meta["subtitle"], meta["notes"]]
    texts += [str(t.get("name", "")) for data in traces for t in data]
    texts += [str(a.get("text", "")) for layout in layouts for a in layout.get("annotations") or []]
    texts += [str(tick) for layout in layouts for key, axis in layout.items()
              if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict) for tick in axis.get("ticktext") or []]
    return texts


@pytest.mark.slow
def test_gallery_executes_and_every_chart_carries_furniture(executed):
    nb = executed
    figures = _figures(nb)
    kinds = [f["layout"]["meta"]["frstory"]["kind"] for f in figures]
    assert kinds == ["price_with_events", "rebased_comparison", "timeline", "timeline", "abnormal_returns",
                     "abnormal_returns", "line", "bar", "bar", "line", "price_with_events", "rebased_comparison",
                     "small_multiples", "cumulative_count", "cumulative_count", "small_multiples", "small_multiples",
                     "small_multiples", "specification_curve", "specification_curve"]
    tables = [o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", []) if "fr-table" in o.get("data", {}).get("text/html", "")]
    assert len(tables) == 2, "the event-study results (of prices, of readers) are HTML tables"
    for figure in figures:
        meta = figure["layout"]["meta"]["frstory"]
        assert meta["source"] == "Synthetic example data (frstory.examples)"
        assert meta["alt"] and meta["data"]["rows"]
        json.dumps(meta, allow_nan=False)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


@pytest.mark.slow
def test_gallery_charts_show_readers_no_raw_ticker(executed):
    import re

    raw = [(f["layout"]["meta"]["frstory"]["kind"], text) for f in _figures(executed) for text in _reader_text(f)
           if re.search(r"\^[A-Z]+", text)]
    assert raw == []


def test_gallery_shows_every_chart_function_on_data_that_are_not_prices():
    """Each chart function is called at least once on the made-up newsroom data (stories, readers, corrections, newsroom)."""
    import ast

    from frstory import charts

    tree = ast.parse(PAIRED.read_text())
    price_data = {"prices", "events", "syna", "synb", "syna_specs"}
    non_price = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                and node.func.value.id == "charts" and node.args:
            names = {n.id for n in ast.walk(node.args[0]) if isinstance(n, ast.Name)}
            if names and not names & price_data:
                non_price.add(node.func.attr)
    chart_functions = {"line", "bar", "price_with_events", "rebased_comparison", "timeline", "abnormal_returns",
                       "event_study_table", "cumulative_count", "small_multiples", "specification_curve"}
    assert chart_functions <= set(charts.__all__)
    assert chart_functions - non_price == set()


def _page_figures(nb) -> list[dict]:
    """Each gallery chart as its page embeds it (the JSON its images are drawn from)."""
    from frstory.publish.render import page_figure_json

    return [json.loads(page_figure_json(figure)) for figure in _figures(nb)]


@pytest.mark.slow
@pytest.mark.browser
def test_every_gallery_charts_dark_stand_in_made_from_its_light_one_is_the_dark_chart_drawn(executed, chart_drawer):
    """The build swaps the house colours of a drawn light SVG instead of drawing the dark one: the same bytes."""
    from frstory.charts.responsive import figure_for_width
    from frstory.charts.theme import dark_figure, dark_svg
    from frstory.publish.images import _stable_ids, static_widths

    differ = []
    for number, figure in enumerate(_page_figures(executed), start=1):
        for width in static_widths(figure):
            shown = figure_for_width({k: figure[k] for k in ("data", "layout")}, width)
            height = int(shown["layout"]["height"])
            light, dark = chart_drawer.draw_many([(shown, "svg", width, height, 1.0),
                                                        (dark_figure(shown), "svg", width, height, 1.0)])
            if _stable_ids(dark_svg(light.decode("utf-8")).encode("utf-8")) != _stable_ids(dark):
                differ.append((number, width))
    assert differ == []


@pytest.mark.slow
@pytest.mark.browser
def test_every_gallery_charts_download_png_painted_from_its_svg_is_the_png_plotly_draws(executed, chart_drawer):
    """The build paints the drawn furniture SVG on a canvas instead of drawing the chart again: the same PNG."""
    from frstory.charts.export import furniture_figure
    from frstory.publish.images import design_width

    differ = []
    for number, figure in enumerate(_page_figures(executed), start=1):
        width = design_width(figure)
        full = furniture_figure({k: figure[k] for k in ("data", "layout")}, width)
        height = int(full["layout"]["height"])
        svg, drawn = chart_drawer.draw_many([(full, "svg", width, height, 1.0), (full, "png", width, height, 2.0)])
        painted = chart_drawer.rasterize(svg, width, height, 2.0)
        if painted != drawn:
            differ.append(number)
    assert differ == []


@pytest.mark.slow
@pytest.mark.browser
def test_every_gallery_charts_png_stand_ins_painted_from_its_svg_are_the_pngs_plotly_draws(executed, chart_drawer):
    """A page's first chart has PNG stand-ins: the build paints the drawn (and colour-swapped) SVG at 2x."""
    from frstory.charts.responsive import figure_for_width
    from frstory.charts.theme import dark_figure, dark_svg
    from frstory.publish.images import PHONE_WIDTH

    differ = []
    for number, figure in enumerate(_page_figures(executed), start=1):
        shown = figure_for_width({k: figure[k] for k in ("data", "layout")}, PHONE_WIDTH)
        height = int(shown["layout"]["height"])
        svg, light, dark = chart_drawer.draw_many([
            (shown, "svg", PHONE_WIDTH, height, 1.0), (shown, "png", PHONE_WIDTH, height, 2.0),
            (dark_figure(shown), "png", PHONE_WIDTH, height, 2.0)])
        painted_dark = chart_drawer.rasterize(dark_svg(svg.decode("utf-8")).encode("utf-8"), PHONE_WIDTH, height, 2.0)
        if chart_drawer.rasterize(svg, PHONE_WIDTH, height, 2.0) != light or painted_dark != dark:
            differ.append(number)
    assert differ == []
