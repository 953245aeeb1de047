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
