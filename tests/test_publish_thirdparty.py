"""Notebooks frstory did not write: what the publisher does with the habits of other authors.

Third-party notebooks show plotly figures with plotly's HTML renderers, display HTML with scripts
and embedded pages, attach images to Markdown cells, link to each other and to their own headings
by Jupyter's anchors, typeset ``align`` environments and keep raw cells. Each output here is made
by the library that makes it in a notebook (plotly, IPython's display formatter) from synthetic
data; ``tests/test_render_corpus.py`` covers plotly's own documentation notebooks, and two real
Jupyter notebooks in ``tests/corpus`` (IPython's and Jupyter's examples) are rendered here with the
outputs their authors committed.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import nbformat
import pytest

from frstory.publish.render import StoryRenderer

md, code, raw = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell, nbformat.v4.new_raw_cell
PLOTLY_MIME = "application/vnd.plotly.v1+json"
#: A 1x1 PNG (synthetic).
DOT_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


@pytest.fixture(scope="module")
def renderer():
    return StoryRenderer()


def _outputs(*objects) -> list:
    """Display outputs of IPython objects, as the kernel's display formatter writes them."""
    from IPython.core.formatters import format_display_data

    outputs = []
    for obj in objects:
        data, metadata = format_display_data(obj)
        outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata))
    return outputs


def _html_output(markup: str) -> dict:
    return nbformat.v4.new_output("display_data", data={"text/html": markup, "text/plain": "<HTML>"})


def _render(renderer, cells: list, stem: str = "synthetic") -> dict:
    return renderer.render(nbformat.v4.new_notebook(cells=cells), stem)


def _code_with(outputs: list, source: str = "x") -> nbformat.NotebookNode:
    cell = code(source)
    cell.outputs = outputs
    return cell


def _figures(body: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'<script type="application/json" data-fr-figure="[^"]+">(.*?)</script>',
                                               body, re.S)]


def _animated_figure():
    import pandas as pd
    import plotly.express as px

    frame = pd.DataFrame({"year": [2001, 2001, 2002, 2002, 2003, 2003], "x": [1, 2, 2, 3, 3, 4],
                          "y": [5, 4, 6, 5, 7, 6], "group": ["a", "b"] * 3})  # synthetic
    return px.scatter(frame, x="x", y="y", color="group", animation_frame="year", range_x=[0, 5], range_y=[0, 8])


# -- plotly figures shown as HTML ------------------------------------------------------------------

def test_a_figure_shown_with_plotlys_notebook_renderer_is_drawn_from_its_data_with_its_frames(renderer):
    import plotly.io as pio

    fig = _animated_figure()
    bundle = pio.renderers["notebook_connected"].to_mimebundle(fig.to_dict())
    body = _render(renderer, [_code_with([_html_output(bundle["text/html"])])])["body_html"]
    [figure] = _figures(body)
    assert [f["name"] for f in figure["frames"]] == ["2001", "2002", "2003"]
    assert [t["x"] for t in figure["data"]] == [t["x"] for t in json.loads(fig.to_json())["data"]]
    assert len(figure["layout"]["sliders"][0]["steps"]) == 3 and "fr-output--notice" not in body


def test_a_figure_shown_as_html_keeps_its_config(renderer):
    from IPython.display import HTML

    fig = _animated_figure()
    html = fig.to_html(include_plotlyjs="cdn", full_html=False, config={"scrollZoom": True})
    [figure] = _figures(_render(renderer, [_code_with(_outputs(HTML(html)))])["body_html"])
    assert figure["config"]["scrollZoom"] is True


# -- HTML outputs that lose part of themselves --------------------------------------------------------

def test_an_html_output_whose_script_is_left_out_is_followed_by_a_note_saying_so(renderer):
    from IPython.display import HTML

    shown = HTML('<p>Counter: <span id="c">0</span></p><script>document.getElementById("c").textContent = 42</script>')
    body = _render(renderer, [_code_with(_outputs(shown))])["body_html"]
    assert "Counter: <span>0</span>" in body and "<script" not in body
    assert re.search(r'<p class="fr-output fr-output--notice" role="note">This output contained a script, which '
                     r'published pages leave out', body)


def test_the_author_is_told_which_cell_lost_its_script_counting_cells_a_tag_removed(renderer):
    from IPython.display import HTML

    removed = code("hidden = 1")
    removed.metadata["tags"] = ["remove-cell"]
    cells = [md("# Synthetic"), removed, _code_with(_outputs(HTML("<p>x</p><script>draw()</script>")))]
    warnings = _render(renderer, cells, stem="third")["warnings"]
    assert len(warnings) == 1 and warnings[0].startswith("third: cell 3: an HTML output contains a script")
    assert "Fix: " in warnings[0]


def test_an_output_that_was_only_an_embedded_page_is_replaced_by_a_note(renderer):
    from IPython.display import IFrame

    body = _render(renderer, [_code_with(_outputs(IFrame("https://example.org/synthetic", 300, 200)))])["body_html"]
    assert "fr-output--html" not in body and "IFrame" not in body
    assert ("This output was an embedded page, which published pages leave out; run the notebook to see it."
            in body)


def test_plotly_is_named_in_the_fix_for_a_figure_shown_in_an_iframe(renderer):
    markup = '<iframe scrolling="no" width="100%" height="545px" src="iframe_figures/figure_4.html"></iframe>'
    [warning] = _render(renderer, [_code_with([_html_output(markup)])])["warnings"]
    assert "plotly's default renderer" in warning


# -- Markdown cells: attachments, links, anchors --------------------------------------------------------

def test_an_image_attached_to_a_markdown_cell_is_shown(renderer):
    svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>').decode()
    cell = md("![A synthetic dot](attachment:dot.png) ![A synthetic square](attachment:square.svg)")
    cell["attachments"] = {"dot.png": {"image/png": DOT_PNG}, "square.svg": {"image/svg+xml": svg}}
    body = _render(renderer, [cell])["body_html"]
    assert f'<img src="data:image/png;base64,{DOT_PNG}" alt="A synthetic dot">' in body
    assert f'<img src="data:image/svg+xml;base64,{svg}" alt="A synthetic square">' in body


def test_an_attachment_the_cell_lacks_is_named_for_the_author_and_the_page_still_renders(renderer):
    result = _render(renderer, [md("Intro."), md("![A synthetic dot](attachment:gone.png)")], stem="third")
    assert "<p>A synthetic dot</p>" in result["body_html"]
    assert [w.split(";")[0] for w in result["warnings"]] == [
        "third: cell 2: the image 'attachment:gone.png' is not attached to the cell"]


def test_a_link_to_another_notebook_points_at_its_page_and_heading(renderer):
    body = _render(renderer, [md("See [the method](02-method.ipynb#How-we-counted) and [notes](./03-notes.ipynb).")]
                   )["body_html"]
    assert '<a href="02-method.html#s-how-we-counted"' in body and '<a href="03-notes.html"' in body


def test_a_link_to_a_notebook_whose_name_has_spaces_points_at_its_page_name(renderer):
    body = _render(renderer, [md("See [rich output](Rich%20Output.ipynb#Synthetic-section) and "
                                 "[tables](<03 Pivot Tables.ipynb>).")])["body_html"]
    assert '<a href="rich-output.html#s-synthetic-section"' in body and '<a href="03-pivot-tables.html"' in body


# -- a notebook's outline --------------------------------------------------------------------------------

def _headings(body: str) -> list[tuple[str, str]]:
    return re.findall(r'<(h[1-6]) id="s-[^"]*">(.*?)</h[1-6]>', body)


def test_a_notebooks_top_headings_and_their_sections_stay_two_levels_below_the_title(renderer):
    cells = [md("# Synthetic title\n\nIntro."), md("## First section"), md("### A detail"), md("# Second part"),
             md("## Its section")]
    body = renderer.render(nbformat.v4.new_notebook(cells=cells), "synthetic", "Synthetic title")["body_html"]
    assert _headings(body) == [("h3", "First section"), ("h4", "A detail"), ("h2", "Second part"),
                               ("h3", "Its section")]


def test_a_notebook_whose_sections_start_at_two_hashes_has_them_as_the_pages_sections(renderer):
    cells = [md("## First section\n\nText."), md("### A detail"), md("## Second section")]
    body = _render(renderer, cells)["body_html"]
    assert _headings(body) == [("h2", "First section"), ("h3", "A detail"), ("h2", "Second section")]


def test_the_leading_title_heading_is_not_repeated_and_the_outline_under_it_starts_at_level_two(renderer):
    cells = [md("# Synthetic title\n\nIntro."), md("## First section"), md("## Second section")]
    body = renderer.render(nbformat.v4.new_notebook(cells=cells), "synthetic", "Synthetic title")["body_html"]
    assert "Synthetic title" not in body
    assert _headings(body) == [("h2", "First section"), ("h2", "Second section")]


def test_an_html_heading_in_markdown_and_a_raw_cell_heading_take_their_place_in_the_outline(renderer):
    cells = [md("# Part"), md("<h2>Section in HTML</h2>"), raw("<h3>Raw detail</h3>")]
    cells[2].metadata["raw_mimetype"] = "text/html"
    body = renderer.render(nbformat.v4.new_notebook(cells=cells), "synthetic", "Another title")["body_html"]
    assert _headings(body) == [("h2", "Part"), ("h3", "Section in HTML"), ("h4", "Raw detail")]


def test_a_table_is_named_after_the_nearest_heading_above_it_at_any_level(renderer):
    import pandas as pd

    cells = [md("# Synthetic part"), md("## Synthetic section"), md("#### Synthetic counts"),
             _code_with(_outputs(pd.DataFrame({"n": [1, 2]})))]
    body = renderer.render(nbformat.v4.new_notebook(cells=cells), "synthetic", "T")["body_html"]
    assert '<caption class="fr-visually-hidden">Table 1: Synthetic counts</caption>' in body


def test_a_jupyter_heading_anchor_lands_on_the_first_heading_with_that_text(renderer):
    cells = [md("Jump to [the caveats](#Caveats-and-limits) or [in MyST style](#caveats-and-limits)."),
             md("## Caveats and limits\n\nOne."), md("## Caveats and limits\n\nTwo.")]
    body = _render(renderer, cells)["body_html"]
    assert body.count('href="#s-caveats-and-limits"') == 2
    assert '<h2 id="s-caveats-and-limits">' in body and '<h2 id="s-caveats-and-limits-2">' in body


def test_a_link_to_a_named_anchor_lands_on_it_and_the_anchor_cannot_take_a_page_id(renderer):
    cells = [md('Read [the intro](#intro) first.'), md('<a id="intro"></a>Synthetic intro. <a name="methods"></a>')]
    body = _render(renderer, cells)["body_html"]
    assert 'href="#s-intro"' in body and re.search(r'<a [^>]*id="s-intro"', body)
    assert 'id="methods"' not in body and 'id="s-methods"' in body


def test_a_link_to_the_pages_own_ids_is_kept(renderer):
    body = _render(renderer, [md("## Sources\n\nSee [the figure](#fr-fig-1)."),
                              _code_with([nbformat.v4.new_output("display_data", data={PLOTLY_MIME: {"data": []}})])]
                   )["body_html"]
    assert 'href="#fr-fig-1"' in body


def test_an_image_of_a_file_beside_the_notebook_shows_its_alt_text_and_a_dropped_link_its_text(renderer):
    body = _render(renderer, [md("![A synthetic chart](chart.png) from [the data](synthetic.csv)")])["body_html"]
    assert "<p>A synthetic chart from <a>the data</a></p>" in body


def test_an_image_or_link_to_a_file_beside_the_notebook_is_named_for_the_author(renderer):
    warnings = _render(renderer, [md("![A synthetic chart](chart.png) from [the data](synthetic.csv)")],
                       stem="third")["warnings"]
    assert [w.split(" is left out")[0] for w in warnings] == [
        "third: cell 1: the image 'chart.png'", "third: cell 1: the link to 'synthetic.csv'"]


# -- pandas Styler tables ----------------------------------------------------------------------------------

def test_the_bars_of_a_styler_bar_table_survive_as_gradients_in_their_cells(renderer):
    import pandas as pd

    styler = pd.DataFrame({"change": [1.0, -2.0]}).style.bar(align="mid", color=["#d65f5f", "#5fba7d"])
    body = _render(renderer, [_code_with([_html_output(styler.to_html())])])["body_html"]
    cells = re.findall(r'<td style="([^"]*)"[^>]*>(-?[\d.]+)</td>', body)
    assert [value for _, value in cells] == ["1.000000", "-2.000000"]
    assert all("background:linear-gradient(90deg," in style for style, _ in cells)


def test_a_background_that_is_not_a_plain_gradient_is_dropped_from_a_styler_cell(renderer):
    import pandas as pd

    styler = pd.DataFrame({"change": [1.0]}).style.map(
        lambda v: "color: red; background: linear-gradient(red, blue), url(https://example.org/t.png)")
    body = _render(renderer, [_code_with([_html_output(styler.to_html())])])["body_html"]
    assert "example.org" not in body and re.search(r'<td style="color: ?red;?"', body)


@pytest.mark.browser
def test_a_styler_highlight_stays_readable_in_dark_mode(renderer, browser, tmp_path):
    import shutil

    import pandas as pd

    from frstory.publish.render import TEMPLATES_DIR

    styler = pd.DataFrame({"a": [1, 3], "b": [2, 0]}).style.highlight_max(color="yellow").map(
        lambda v: "color: #0000ff" if v == 0 else "")
    body = _render(renderer, [_code_with([_html_output(styler.to_html())])])["body_html"]
    shutil.copyfile(TEMPLATES_DIR / "assets" / "frstory.css", tmp_path / "frstory.css")
    page_path = tmp_path / "styler.html"
    page_path.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>synthetic</title>'
                         f'<link rel="stylesheet" href="frstory.css"></head><body><main>{body}</main></body></html>',
                         encoding="utf-8")
    context = browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(page_path.as_uri())
        colours = page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('tbody td'))
            .map(td => [td.textContent.trim(), getComputedStyle(td).color]))""")
    finally:
        context.close()
    assert colours["3"] == "rgb(34, 34, 34)"  # yellow background, no colour of its own: dark text
    assert colours["0"] == "rgb(0, 0, 255)"  # the author's own colour is kept
    assert colours["1"] == "rgb(232, 232, 232)"  # unstyled cells follow the page


# -- images ------------------------------------------------------------------------------------------------

def test_an_image_output_keeps_the_display_size_the_notebook_gave_it(renderer):
    from IPython.display import Image

    body = _render(renderer, [_code_with(_outputs(Image(data=base64.b64decode(DOT_PNG), width=120)))])["body_html"]
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="[^"]+" width="120">', body)


# -- printed output ----------------------------------------------------------------------------------------

def test_a_progress_line_rewritten_with_carriage_returns_shows_as_it_ended_in_one_block(renderer):
    pieces = ["\rSynthetic progress 0%", "\rSynthetic progress 50%", "\rSynthetic progress 100%", "\n", "done\n"]
    cell = _code_with([nbformat.v4.new_output("stream", name="stdout", text=t) for t in pieces])
    body = _render(renderer, [cell])["body_html"]
    assert re.findall(r'<pre class="fr-output fr-output--text">(.*?)</pre>', body, re.S) == [
        "Synthetic progress 100%\ndone\n"]


# -- scripts, errors, long printouts, pandas tables --------------------------------------------------------

def test_a_javascript_output_is_replaced_by_a_note_and_named_for_the_author(renderer):
    from IPython.display import Javascript

    result = _render(renderer, [_code_with(_outputs(Javascript("document.title = 'synthetic'")))], stem="third")
    assert "IPython.core.display.Javascript" not in result["body_html"]
    assert ('<p class="fr-output fr-output--notice" role="note">This output was a script, which published pages '
            "leave out; run the notebook to see it.</p>") in result["body_html"]
    [warning] = result["warnings"]
    assert warning.startswith("third: cell 1: the output is JavaScript, which published pages leave out; readers see "
                              "a note saying so. Fix: ")


def _error(ename: str, evalue: str) -> dict:
    """An error output as IPython writes it: a coloured traceback ending in the summary line (synthetic)."""
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[
        "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
        "\x1b[0;31mZeroDivisionError\x1b[0m  Traceback (most recent call last)",
        "Cell \x1b[0;32mIn[2], line 1\x1b[0m\n\x1b[0;32m----> 1\x1b[0m synthetic_ratio(1, 0)",
        f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


def test_an_error_a_cell_shows_keeps_its_traceback_folded_under_its_summary(renderer):
    body = _render(renderer, [_code_with([_error("ZeroDivisionError", "division by zero")])])["body_html"]
    assert "<p><strong>ZeroDivisionError</strong>: division by zero</p>" in body
    [traceback] = re.findall(r'<details class="fr-error__traceback"><summary>Show traceback</summary><pre>(.*?)</pre>',
                             body, re.S)
    assert "----&gt; 1 synthetic_ratio(1, 0)" in traceback and "\x1b" not in traceback


def test_a_traceback_shows_no_machines_folders(renderer):
    error = _error("KeyError", "'synthetic'")
    error["traceback"][2:2] = [
        "File \x1b[0;32m/home/synthetic-user/.venv/lib/python3.11/site-packages/pandas/core/frame.py:4102\x1b[0m, in "
        "\x1b[0;36mDataFrame.__getitem__\x1b[0m",
        "File \x1b[0;32m/srv/newsroom/stories/helpers.py:7\x1b[0m, in \x1b[0;36mpick\x1b[0m",
    ]
    body = _render(renderer, [_code_with([error])])["body_html"]
    [traceback] = re.findall(r'<summary>Show traceback</summary><pre>(.*?)</pre>', body, re.S)
    assert "File pandas/core/frame.py:4102, in DataFrame.__getitem__" in traceback
    assert "File helpers.py:7, in pick" in traceback
    assert "synthetic-user" not in body and "/srv/" not in body


def test_a_missing_data_error_shows_its_summary_alone(renderer):
    body = _render(renderer, [_code_with([_error("PriceDataUnavailable", "no prices for SYNA")])])["body_html"]
    assert "fr-error--missing-data" in body and "Show traceback" not in body


def test_a_long_printout_shows_its_first_and_last_lines_and_folds_the_ones_between(renderer):
    printed = nbformat.v4.new_output("stream", name="stdout", text="".join(f"synthetic {n}\n" for n in range(1, 501)))
    body = _render(renderer, [_code_with([printed])])["body_html"]
    head, middle, tail = re.findall(r'<pre class="fr-output fr-output--text">(.*?)</pre>', body, re.S)
    assert head.splitlines() == [f"synthetic {n}" for n in range(1, 21)]
    assert middle.splitlines() == [f"synthetic {n}" for n in range(21, 491)]
    assert tail.splitlines() == [f"synthetic {n}" for n in range(491, 501)]
    assert "<summary>Show the 470 lines in between</summary>" in body


def test_a_printout_of_a_hundred_lines_is_shown_whole(renderer):
    printed = nbformat.v4.new_output("stream", name="stdout", text="".join(f"synthetic {n}\n" for n in range(100)))
    body = _render(renderer, [_code_with([printed])])["body_html"]
    assert "fr-output__fold" not in body and body.count("synthetic ") == 100


def test_a_pandas_label_over_a_group_of_columns_starts_where_its_group_starts(renderer):
    import pandas as pd

    columns = pd.MultiIndex.from_product([["fare", "survived"], ["first", "second"]])  # synthetic
    frame = pd.DataFrame([[1.5, 2.5, 3, 4]], index=["a"], columns=columns)
    body = _render(renderer, [_code_with(_outputs(frame))])["body_html"]
    assert '<th colspan="2" class="fr-text">fare</th>' in body and "halign" not in body


def test_an_ellipsis_in_a_table_pandas_did_not_write_is_not_taken_for_a_cut(renderer):
    from IPython.display import HTML

    table = HTML("<table><tr><th>step</th></tr><tr><td>...</td></tr></table>")  # synthetic
    assert _render(renderer, [md("## Synthetic"), _code_with(_outputs(table))])["warnings"] == []


# -- math and raw cells ----------------------------------------------------------------------------------

def test_an_align_environment_in_a_latex_output_is_typeset_as_aligned_rows(renderer):
    from IPython.display import Latex

    body = _render(renderer, [_code_with(_outputs(Latex(r"\begin{align} a &= 1 \\ b &= 2 \end{align}")))]
                   )["body_html"]
    assert body.count("<mtr>") == 2 and "&amp;" not in body


# Each multi-line environment as notebooks write it (IPython's "Rich Output" example uses eqnarray,
# Jupyter's "Typesetting Equations" align between single dollars); synthetic formulas.
MULTI_LINE_MATH = {
    "eqnarray": r"\begin{eqnarray} a &=& \frac{1}{2} \\ b &=& 2 \end{eqnarray}",
    "eqnarray*": r"\begin{eqnarray*} a &=& 1 \\ b &=& 2 \end{eqnarray*}",
    "aligned": r"$$x = \begin{aligned} a &= 1 \\ b &= 2 \end{aligned}$$",
    "gather": r"\begin{gather} a = 1 \\ b = 2 \end{gather}",
    "gathered": r"$$\begin{gathered} a = 1 \\ b = 2 \end{gathered}$$",
    "multline": r"\begin{multline} a + b \\ = 2 \end{multline}",
    "alignat": r"\begin{alignat}{2} a &= 1 &\quad c &= 3 \\ b &= 2 & d &= 4 \end{alignat}",
    "flalign*": r"\begin{flalign*} a &= 1 \\ b &= 2 \end{flalign*}",
}


@pytest.mark.parametrize("environment", sorted(MULTI_LINE_MATH))
def test_a_multi_line_environment_in_markdown_is_typeset_as_rows_without_a_literal_ampersand(renderer, environment):
    body = _render(renderer, [md(MULTI_LINE_MATH[environment])])["body_html"]
    assert body.count("<mtr>") == 2 and "&amp;" not in body and "begin" not in body


def test_an_eqnarray_in_a_latex_output_is_typeset_as_rows(renderer):
    from IPython.display import Latex

    body = _render(renderer, [_code_with(_outputs(Latex(MULTI_LINE_MATH["eqnarray"])))])["body_html"]
    assert body.count("<mtr>") == 2 and "&amp;" not in body


def test_math_inside_text_inside_a_formula_is_typeset(renderer):
    body = _render(renderer, [md(r"$$\prod_j \frac{1}{1-q^j}, \quad \text{for $|q|<1$}.$$")])["body_html"]
    assert "$" not in body and "<mtext>for\xa0</mtext>" in body and "<mi>q</mi>" in body


def test_an_equation_label_is_not_printed(renderer):
    body = _render(renderer, [md(r"\begin{align} a &= 1 \label{eq:synthetic} \\ b &= 2 \end{align}")])["body_html"]
    assert "label" not in body and "synthetic" not in body and body.count("<mtr>") == 2


def test_an_environment_between_single_dollars_is_display_math_as_in_jupyter(renderer):
    body = _render(renderer, [md("Display:\n\n$\\begin{align} a &= 1 \\\\ b &= 2 \\end{align}$")])["body_html"]
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mrow><mtable' in body


def test_a_raw_html_cell_is_shown_sanitized(renderer):
    cell = raw('<p class="credit">Synthetic credit</p><script>alert(1)</script>')
    cell.metadata["raw_mimetype"] = "text/html"
    body = _render(renderer, [cell])["body_html"]
    assert '<p class="credit">Synthetic credit</p>' in body and "alert" not in body


def test_a_raw_cell_for_another_format_is_not_shown(renderer):
    cell = raw(r"\newpage synthetic")
    cell.metadata["raw_mimetype"] = "text/latex"
    assert "newpage" not in _render(renderer, [cell, md("After.")])["body_html"]


# -- text in other languages ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ("Съешь же ещё этих мягких французских булок", 7),  # Russian: words of another alphabet
    ("naïve café, don’t", 3),
    ("看起来在两类间有一个清晰的决策边界", 17),  # Chinese: no spaces, every character read
], ids=["russian", "accented-latin", "chinese"])
def test_the_reading_time_counts_the_words_of_any_language(renderer, text, words):
    assert _render(renderer, [md(text)])["words"] == words


# -- real notebooks, with the outputs their authors committed (tests/corpus, see its README) ---------------

CORPUS = Path(__file__).resolve().parent / "corpus"


def _corpus_page(renderer, name: str) -> dict:
    return renderer.render(nbformat.read(CORPUS / name, as_version=4), Path(name).stem)


def _prose(body: str) -> str:
    return re.sub(r"<(pre|code)\b.*?</\1>", "", body, flags=re.S)


def test_ipythons_rich_output_example_typesets_its_latex_outputs(renderer):
    body = _corpus_page(renderer, "ipython-rich-output.ipynb")["body_html"]
    # Math(...), then Latex(eqnarray) and %%latex align, four rows each.
    assert body.count('<div class="fr-output fr-output--math">') == 3 and body.count("<mtr>") == 8
    assert "<mi>&amp;</mi>" not in body


def test_ipythons_rich_output_example_shows_a_note_for_each_of_its_scripts(renderer):
    result = _corpus_page(renderer, "ipython-rich-output.ipynb")
    assert result["body_html"].count("This output was a script, which published pages leave out") == 4
    assert "Javascript object" not in result["body_html"] and len(result["warnings"]) == 4


def test_jupyters_typesetting_equations_example_typesets_every_formula(renderer):
    body = _corpus_page(renderer, "jupyter-typesetting-equations.ipynb")["body_html"]
    prose = _prose(body)
    assert "$" not in prose and "\\begin" not in prose and "fr-math-error" not in body
    # Every environment, even between single dollars, is display math; one inline formula.
    assert body.count('display="block"') == 11 and body.count('display="inline"') == 1


# -- a built site, in a real browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def notebook_renderer_site(tmp_path_factory):
    """One notebook (synthetic data) whose animated figure is shown with plotly's "notebook" renderer, built."""
    from frstory.publish import build

    root = tmp_path_factory.mktemp("thirdparty")
    (root / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook(cells=[
        md("# Synthetic animation\n\nShown with plotly's notebook renderer, as many notebooks do."),
        code("import pandas as pd\nimport plotly.express as px\nimport plotly.io as pio\n"
             "pio.renderers.default = 'notebook'\n"
             "frame = pd.DataFrame({'year': [2001, 2001, 2002, 2002], 'x': [1, 2, 2, 3], 'y': [5, 4, 6, 5],"
             " 'group': ['a', 'b', 'a', 'b']})\n"
             "px.scatter(frame, x='x', y='y', color='group', animation_frame='year', range_x=[0, 4], range_y=[0, 7])"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, root / "notebooks" / "01-synthetic.ipynb")
    build(root / "notebooks", root / "site", jobs=1, cache_dir=root / "cache")
    return root / "site"


@pytest.mark.slow
def test_plotlys_loader_script_leaves_nothing_on_the_built_page(notebook_renderer_site):
    page = (notebook_renderer_site / "01-synthetic.html").read_text(encoding="utf-8")
    assert page.count("data-fr-figure=") == 1
    assert "fr-output--html" not in page and "fr-output--notice" not in page


@pytest.mark.slow
@pytest.mark.browser
def test_an_animation_shown_with_plotlys_notebook_renderer_plays_offline(notebook_renderer_site, browser):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    try:
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                      else route.abort())
        page = context.new_page()
        page.goto((notebook_renderer_site / "01-synthetic.html").as_uri(), wait_until="load")
        page.wait_for_function("() => document.querySelector('#fr-fig-1 .main-svg')", timeout=20_000)
        assert page.evaluate("() => document.querySelector('#fr-fig-1')._transitionData._frames.length") == 2
        page.locator("#fr-fig-1 .updatemenu-button").first.click()
        page.wait_for_function("() => document.querySelector('#fr-fig-1')._fullLayout.sliders[0].active === 1",
                               timeout=10_000)
    finally:
        context.close()


@pytest.fixture(scope="module")
def wide_content_site(tmp_path_factory):
    """One notebook (synthetic) with what cannot wrap: long formulas, a long code line, a long HTML word."""
    from frstory.publish import build

    root = tmp_path_factory.mktemp("wide")
    (root / "notebooks").mkdir()
    long_sum = " + ".join(f"\\frac{{x_{{{n}}}}}{{y_{{{n}}}}}" for n in range(1, 25))
    nb = nbformat.v4.new_notebook(cells=[
        md("# Synthetic wide content"),
        md(f"A long formula ([synthetic reference](https://example.org/synthetic)):\n\n$$S = {long_sum}$$"),
        md(f"A long formula inline: $S = {long_sum}$, then words."),
        md("A long line of code:\n\n```python\nsynthetic = [" + ", ".join(str(n) for n in range(80)) + "]\n```"),
        md("A determinant:\n\n$$\\begin{vmatrix} a & b \\\\ c & d \\\\ e & f \\end{vmatrix}$$"),
        code("from IPython.display import HTML\nHTML('<div>' + 'synthetic' * 60 + '</div>')"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, root / "notebooks" / "01-wide.ipynb")
    build(root / "notebooks", root / "site", jobs=1, cache_dir=root / "cache")
    return root / "site"


@pytest.mark.slow
def test_a_page_whose_prose_links_out_is_not_said_to_link_to_no_sources(wide_content_site):
    page = (wide_content_site / "01-wide.html").read_text(encoding="utf-8")
    sources = page[page.index('<section class="fr-sources"'):page.index('<section class="fr-methods"')]
    assert 'href="https://example.org/synthetic"' in page and "links to no outside sources" not in sources
    assert "No chart, checked claim or price series on this page has a source to list" in sources


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("selector", ['math[display="block"]', 'p:has(> math[display="inline"])',
                                      ".fr-cell--markdown pre", ".fr-output--html"])
def test_on_a_phone_what_cannot_wrap_scrolls_inside_its_own_box_not_the_page(wide_content_site, browser, selector):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto((wide_content_site / "01-wide.html").as_uri(), wait_until="load")
        assert page.evaluate("() => document.scrollingElement.scrollWidth") == 360
        box = page.evaluate(f"""() => {{ const el = document.querySelector('{selector}');
            return {{scroll: el.scrollWidth, width: el.clientWidth, right: el.getBoundingClientRect().right}}; }}""")
        assert box["scroll"] > box["width"] and box["right"] <= 360
    finally:
        context.close()


def _math_font_installed() -> bool:
    import shutil
    import subprocess

    if not shutil.which("fc-list"):
        return False
    fonts = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    return any(name in fonts for name in ("STIX Two Math", "Cambria Math", "Latin Modern Math", "DejaVu Math TeX Gyre",
                                          "Noto Sans Math"))


@pytest.mark.slow
@pytest.mark.browser
def test_the_bars_of_a_determinant_stretch_to_its_height(wide_content_site, browser):
    if not _math_font_installed():
        pytest.skip("no font with a MATH table is installed (apt-get install fonts-dejavu-extra)")
    page = browser.new_page()
    try:
        page.goto((wide_content_site / "01-wide.html").as_uri(), wait_until="load")
        bars, table = page.evaluate("""() => { const t = document.querySelectorAll('mtable')[0];
            const bars = [...t.parentElement.querySelectorAll(':scope > mo')].map(m => m.getBoundingClientRect().height);
            return [bars, t.getBoundingClientRect().height]; }""")
        assert len(bars) == 2 and all(bar >= 0.9 * table for bar in bars)
    finally:
        page.close()


def test_what_a_cell_printed_to_stderr_is_left_out_of_the_page_and_named_for_the_author(renderer):
    # Synthetic: a library's warning, in colour as IPython prints it, then a second line.
    printed = nbformat.v4.new_output("stream", name="stderr",
                                     text="\x1b[31m/lib/x.py:3: FutureWarning: synthetic default changes\x1b[0m\n  x()\n")
    result = _render(renderer, [md("# Synthetic"), _code_with([printed])], stem="third")
    assert "FutureWarning" not in result["body_html"]
    [warning] = result["warnings"]
    assert warning.startswith("third: cell 2: printed to stderr, which pages leave out: "
                              "'/lib/x.py:3: FutureWarning: synthetic default changes' (and 1 more line). Fix: ")


def test_a_cell_printing_nothing_to_stderr_warns_of_nothing(renderer):
    quiet = nbformat.v4.new_output("stream", name="stderr", text="\n  \n")
    assert _render(renderer, [_code_with([quiet])])["warnings"] == []


# -- a site of notebooks with names, languages and folds of their own ---------------------------------------

@pytest.fixture(scope="module")
def own_names_site(tmp_path_factory):
    """Two synthetic notebooks: one named with spaces and capitals, one in French that links to it, prints
    a long printout and shows a traceback."""
    from frstory.publish import build

    root = tmp_path_factory.mktemp("names")
    (root / "notebooks").mkdir()
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    rich = nbformat.v4.new_notebook(cells=[md("# Synthetic rich output\n\n## Synthetic section\n\nText.")],
                                    metadata=kernel)
    nbformat.write(rich, root / "notebooks" / "Rich Output.ipynb")
    failing = code("synthetic_total = 0\n1 / synthetic_total")
    failing.metadata["tags"] = ["raises-exception"]
    french = nbformat.v4.new_notebook(cells=[
        md("Voir [la section](Rich%20Output.ipynb#Synthetic-section)."),
        code("print('\\n'.join(f'synthétique {n}' for n in range(500)))"),
        failing,
        code("import plotly.graph_objects as go\ngo.Figure(go.Bar(x=['a', 'b'], y=[1, 2]))"),
    ], metadata={**kernel, "frstory": {"title": "Synthétique", "lang": "fr"}})
    nbformat.write(french, root / "notebooks" / "02-synthetique.ipynb")
    report = build(root / "notebooks", root / "site", jobs=1, cache_dir=root / "cache")
    return root / "site", report


@pytest.mark.slow
def test_a_notebook_named_with_spaces_and_capitals_gets_a_lower_case_hyphenated_page(own_names_site):
    site, _ = own_names_site
    assert (site / "rich-output.html").is_file() and not (site / "Rich Output.html").exists()
    assert 'href="rich-output.html"' in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_link_to_a_notebook_named_with_spaces_lands_on_its_page_and_heading(own_names_site):
    site, report = own_names_site
    page = (site / "02-synthetique.html").read_text(encoding="utf-8")
    assert 'href="rich-output.html#s-synthetic-section"' in page
    assert 'id="s-synthetic-section"' in (site / "rich-output.html").read_text(encoding="utf-8")
    assert not [w for story in report.stories for w in story.warnings if "link" in w]


@pytest.mark.slow
def test_a_story_in_french_is_a_french_page_and_its_card_says_so(own_names_site):
    site, _ = own_names_site
    assert '<html lang="fr">' in (site / "02-synthetique.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in (site / "rich-output.html").read_text(encoding="utf-8")
    assert '<h2 class="fr-card__title" lang="fr"><a href="02-synthetique.html">' in \
        (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_embed_page_of_a_chart_in_a_french_story_is_french(own_names_site):
    site, _ = own_names_site
    assert '<html lang="fr" data-fr-embed="">' in (site / "embed" / "02-synthetique-1.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.browser
def test_printing_opens_folded_printouts_and_tracebacks_and_closes_them_afterwards(own_names_site, browser):
    site, _ = own_names_site
    page = browser.new_page()
    try:
        page.goto((site / "02-synthetique.html").as_uri(), wait_until="load")
        state = """() => ['.fr-output__fold', '.fr-error__traceback', '.fr-code'].map(s =>
            [...document.querySelectorAll('details' + s)].map(d => d.open && d.checkVisibility()))"""
        assert page.evaluate(state) == [[False], [False], [False, False, False]]
        page.emulate_media(media="print")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        assert page.evaluate(state) == [[True], [True], [False, False, False]], "on paper: output open, code left out"
        page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
        page.emulate_media(media="screen")
        assert page.evaluate(state) == [[False], [False], [False, False, False]]
    finally:
        page.close()
