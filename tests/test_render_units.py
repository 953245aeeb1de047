"""Specifications of the story renderer that need no kernel: every output type, math, limits, safety."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys

import nbformat
import pytest

from frstory.prose import escape_markdown
from frstory.publish.escaping import csv_text
from frstory.publish.math import figure_math_to_text
from frstory.publish.render import StoryRenderer, read_story_meta
from frstory.publish.sanitize import sanitize_html


@pytest.fixture(scope="module")
def renderer():
    return StoryRenderer()


def _render(renderer, outputs=(), markdown=None, title="", source="x"):
    nb = nbformat.v4.new_notebook()
    if markdown is not None:
        nb.cells.append(nbformat.v4.new_markdown_cell(markdown))
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.v4.new_output(**o) for o in outputs]
    nb.cells.append(cell)
    return renderer.render(nb, "synthetic", title)


def _display(data, metadata=None):
    return {"output_type": "display_data", "data": data, "metadata": metadata or {}}


# -- the old hand-written sanitizer hung or lost text on these; nh3 must not ---------------------

HOSTILE = ["<p>a <svg onload=x> b</p>", "<div><math><mi>x</div> tail", "<p><iframe src=x> b</p>",
           "<p><noscript> b</p>", "<p>a <input> b</p>"]


@pytest.mark.parametrize("markup", HOSTILE)
def test_unclosed_foreign_or_void_elements_do_not_hang_the_sanitizer(markup):
    code = f"from frstory.publish.sanitize import sanitize_html; print(sanitize_html({markup!r}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "onload" not in done.stdout and "<iframe" not in done.stdout and "<input" not in done.stdout


def test_text_after_a_meta_charset_is_kept():
    assert sanitize_html("<meta charset=utf-8><p>after the meta</p>") == "<p>after the meta</p>"


def test_mathml_survives_the_sanitizer_without_its_links():
    out = sanitize_html('<math><mrow href="javascript:x"><mi>x</mi></mrow></math>')
    assert out == "<math><mrow><mi>x</mi></mrow></math>"


def test_an_image_written_without_alt_text_is_given_one_and_an_authors_alt_is_kept(renderer):
    page = _render(renderer, markdown=('<img src="https://example.org/a.png"> '
                                       '<img src="https://example.org/b.png" alt=""> ![A chart](https://example.org/c.png)'),
                   outputs=[_display({"text/html": '<p><img src="https://example.org/d.png"></p>'})])["body_html"]
    alts = re.findall(r'<img\b[^>]*?\balt="([^"]*)"', page)
    assert alts == ["No description has been provided for this image", "", "A chart",
                    "No description has been provided for this image"]
    assert page.count("<img") == 4


# -- output types -------------------------------------------------------------------------------

def test_an_svg_only_output_is_shown_as_an_image_that_cannot_run_scripts(renderer):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>x()</script><rect/></svg>'
    body = _render(renderer, [_display({"image/svg+xml": svg})])["body_html"]
    src = re.search(r'<img[^>]*src="data:image/svg\+xml;base64,([^"]+)"', body).group(1)
    assert base64.b64decode(src).decode() == svg
    assert "<script" not in body


def test_a_jpeg_output_is_shown_with_its_alt_text(renderer):
    body = _render(renderer, [_display({"image/jpeg": "/9j/AA==\n"}, {"image/jpeg": {"alt": "Synthetic photo"}})])
    assert '<img src="data:image/jpeg;base64,/9j/AA==" alt="Synthetic photo">' in body["body_html"]


def test_a_latex_output_is_typeset_as_mathml(renderer):
    body = _render(renderer, [_display({"text/latex": r"$$\frac{a}{b}$$", "text/plain": "<Latex>"})])["body_html"]
    assert "<mfrac>" in body and "$$" not in body and "&lt;Latex&gt;" not in body


def test_math_in_a_markdown_cell_is_typeset_as_mathml_and_prices_in_data_markdown_are_not(renderer):
    body = _render(renderer, [_display({"text/markdown": "Shares fell from $5 to $4."})],
                   markdown="Energy: $E = mc^2$ and $$\\sum_i x_i$$")["body_html"]
    assert body.count("<math") == 2 and "$E" not in body
    assert "Shares fell from $5 to $4." in body


def test_a_styler_table_keeps_its_colours_inline_and_nothing_that_loads_or_escapes(renderer):
    pd = pytest.importorskip("pandas")
    styler = pd.DataFrame({"change": [-1.5, 2.0]}).style.map(
        lambda v: "color: red; background-image: url(https://example.org/t.png); position: fixed" if v < 0 else "")
    body = _render(renderer, [_display({"text/html": styler.to_html(), "text/plain": "x"})])["body_html"]
    assert "<style" not in body and "url(" not in body and "position" not in body
    assert re.search(r'<td[^>]*style="color: ?red;?"[^>]*>-1.5', body.replace("-1.500000", "-1.5"))


def test_a_plain_dataframe_keeps_no_inline_styles(renderer):
    pd = pytest.importorskip("pandas")
    body = _render(renderer, [_display({"text/html": pd.DataFrame({"a": [1]}).to_html(), "text/plain": "x"})])
    assert "style" not in body["body_html"] and 'aria-label="Table 1"' in body["body_html"]


def test_a_widget_becomes_a_static_note(renderer):
    widget = {"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2},
              "text/plain": "IntSlider(value=3)"}
    body = _render(renderer, [_display(widget)])["body_html"]
    assert "fr-output--widget" in body
    assert "Widgets need a running Python kernel" in body and "IntSlider" not in body


def test_javascript_outputs_never_reach_the_page(renderer):
    body = _render(renderer, [_display({"application/javascript": "alert(1)", "text/plain": "<js>"})])["body_html"]
    assert "alert(1)" not in body and "&lt;js&gt;" not in body
    assert "This output was a script, which published pages leave out" in body


# -- figures --------------------------------------------------------------------------------------

def _figure_json(body: str) -> dict:
    text = re.search(r'<script[^>]*data-fr-figure="fr-fig-1"[^>]*>(.*?)</script>', body, re.S).group(1)
    return json.loads(text)


def test_an_animated_figure_keeps_its_frames(renderer):
    figure = {"data": [{"type": "scatter", "y": [1]}], "layout": {},
              "frames": [{"name": "a", "data": [{"y": [2]}]}, {"name": "b", "data": [{"y": [3]}]}]}
    body = _render(renderer, [_display({"application/vnd.plotly.v1+json": figure})])["body_html"]
    assert [f["name"] for f in _figure_json(body)["frames"]] == ["a", "b"]


def test_math_labels_in_a_figure_become_plotly_text():
    figure = figure_math_to_text({"layout": {"xaxis": {"title": {"text": r"$\alpha^2$"}}}, "data": [{"name": "$5"}]})
    assert figure["layout"]["xaxis"]["title"]["text"] == "α<sup>2</sup>"
    assert figure["data"][0]["name"] == "$5"


def test_furniture_comes_from_meta_and_the_figure_is_otherwise_drawn_as_given(renderer):
    meta = {"frstory": {"title": "Synthetic title", "source": "Synthetic source", "source_url": "javascript:x",
                        "alt": "Synthetic alt"}}
    annotation = {"text": "kept annotation", "name": "frstory-footer"}
    figure = {"data": [], "layout": {"meta": meta, "annotations": [annotation], "margin": {"t": 90}}}
    body = _render(renderer, [_display({"application/vnd.plotly.v1+json": figure})])["body_html"]
    drawn = _figure_json(body)["layout"]
    assert drawn["annotations"] == [annotation] and drawn["margin"] == {"t": 90}
    assert '<p class="fr-figure__title" id="fr-fig-1-title">Synthetic title</p>' in body
    assert "Source: Synthetic source</p>" in body and "href=\"javascript" not in body


# -- limits -----------------------------------------------------------------------------------------

def test_a_notebook_printing_50_mb_publishes_a_small_page_with_a_notice(renderer):
    body = _render(renderer, [{"output_type": "stream", "name": "stdout", "text": "y" * 50_000_000}])["body_html"]
    assert len(body) < 6_000_000
    assert "Output cut: it is 50,000,000 characters long; the page shows the first 5,000,000." in body


def test_an_oversized_image_is_replaced_by_a_notice(renderer):
    body = _render(renderer, [_display({"image/png": "A" * 6_000_000})])["body_html"]
    assert "<img" not in body and "Output not shown: this image/png output is 6,000,000 characters" in body


# -- titles -------------------------------------------------------------------------------------

def test_a_title_taken_from_a_heading_is_plain_text():
    nb = {"metadata": {}, "cells": [{"cell_type": "markdown", "source": "### The *real* [cost](https://example.org)"}]}
    assert read_story_meta(nb, "x.ipynb").title == "The real cost"


def test_a_level_three_first_heading_that_is_the_title_is_not_shown_twice(renderer):
    body = _render(renderer, markdown="### The *real* cost\n\nSynthetic prose.", title="The real cost")["body_html"]
    assert "real" not in body and "Synthetic prose." in body


# -- text from data -------------------------------------------------------------------------------

def test_escaped_data_shown_as_markdown_has_no_live_links_or_images(renderer):
    headline = "Synthetic [click](https://example.org) ![x](https://example.org/t.png) **loud** <b>"
    body = _render(renderer, [_display({"text/markdown": f"Headline: {escape_markdown(headline)}"})])["body_html"]
    assert "<a" not in body and "<img" not in body and "<strong>" not in body and "<b>" not in body
    assert "Synthetic [click](https://example.org) ![x](https://example.org/t.png) **loud** &lt;b&gt;" in body


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"https://example.org\")", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_csv_cells_are_neutralised(cell):
    assert csv_text(["headline"], [[cell]]).splitlines()[1].lstrip('"').startswith("'")


def test_numbers_in_csv_stay_numbers():
    assert csv_text(["change"], [[-1.5]]) == "change\n-1.5\n"


def test_a_figure_with_a_large_html_copy_is_still_drawn_from_its_json(renderer):
    figure = {"data": [{"type": "scatter", "y": [1]}], "layout": {}}
    output = _display({"application/vnd.plotly.v1+json": figure, "text/html": "<div>" + "p" * 6_000_000 + "</div>"})
    body = _render(renderer, [output])["body_html"]
    assert _figure_json(body)["data"] == [{"type": "scatter", "y": [1]}] and "Output not shown" not in body


def test_a_table_pandas_cut_short_is_named_in_the_warnings(renderer):
    pd = pytest.importorskip("pandas")
    long_text = pd.DataFrame({"who": ["Synthetic A, Synthetic B, Synthetic C and Synthetic D (placebo)"]})
    many_rows = pd.DataFrame({"n": range(100)})
    with pd.option_context("display.max_colwidth", 50, "display.max_rows", 60):
        outputs = [_display({"text/html": frame._repr_html_(), "text/plain": "x"}) for frame in (long_text, many_rows)]
    warnings = _render(renderer, outputs, markdown="## Synthetic tables")["warnings"]
    assert any("Table 1: Synthetic tables shows text cut short with '...'" in w for w in warnings)
    assert any("Table 2: Synthetic tables shows rows or columns left out" in w for w in warnings)
    assert all("pd.set_option('display.max_colwidth', None)" in w for w in warnings if "Table" in w)


def test_a_whole_table_raises_no_warning(renderer):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"who": ["Synthetic A and Synthetic B"], "note": ["Ends with an ellipsis…"]})
    warnings = _render(renderer, [_display({"text/html": frame._repr_html_(), "text/plain": "x"})])["warnings"]
    assert not any("Table" in w for w in warnings)


def test_the_author_is_warned_of_a_chart_without_a_layout_for_phones(renderer):
    import plotly.io as pio

    from frstory import charts

    # One-word names too long for a phone: wrapping at spaces cannot make them fit.
    rows = [{"month": f"2020-{m:02d}-01", "n": m * (s + 1), "series": f"Averyveryverylongsyntheticseriesname{s}withoutspaces"}
            for s in range(4) for m in range(1, 7)]
    import pandas as pd

    fig = charts.line(pd.DataFrame(rows), x="month", y="n", y_title="stories", color="series", unit="count", source="Synthetic",
                      title="Synthetic long names")
    warnings = _render(renderer, [_display({"application/vnd.plotly.v1+json": json.loads(pio.to_json(fig))})])["warnings"]
    (warning,) = [w for w in warnings if "no layout" in w]
    assert "chart 1 (Synthetic long names) has no layout for containers 280" in warning
    assert warning.count("Fix:") == 1 and "series names" in warning


def test_the_author_is_warned_of_a_chart_that_names_no_source(renderer):
    # A synthetic plain plotly figure: no frstory furniture, so no source line for readers.
    figure = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], "layout": {"title": {"text": "Synthetic bars"}}}
    warnings = _render(renderer, [_display({"application/vnd.plotly.v1+json": figure})])["warnings"]
    (warning,) = [w for w in warnings if "names no source" in w]
    assert warning.startswith("synthetic: chart 1 (Synthetic bars) names no source") and "Fix: draw it with" in warning


def test_a_chart_with_a_source_is_not_warned_about_it(renderer):
    figure = {"data": [{"type": "bar", "x": ["a"], "y": [1]}],
              "layout": {"meta": {"frstory": {"title": "Synthetic", "source": "Synthetic source"}}}}
    warnings = _render(renderer, [_display({"application/vnd.plotly.v1+json": figure})])["warnings"]
    assert not [w for w in warnings if "names no source" in w]
