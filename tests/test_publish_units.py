"""Publisher building blocks that need no kernel: sanitizer, freeze keys, figure JSON, scaffold checks."""

from __future__ import annotations

import json
import sys

import nbformat
import pytest

from frstory.errors import BuildError, FrstoryError
from frstory.publish.execute import KERNEL_NAME, NotebookFailure, ensure_kernelspec, output_mentions_missing_data
from frstory.publish.freeze import environment_hash, notebook_content_hash, source_hash, stale_reason
from frstory.publish.render import figure_json_for_script, read_story_meta, reading_minutes
from frstory.publish.render import StoryMeta, StoryRenderer
from frstory.publish.navigation import table_of_contents
from frstory.publish.sanitize import HeadingIds, looks_numeric, notebook_page_name, page_href, sanitize_html, \
    shift_headings, tidy_table
from frstory.publish.scaffold import new_story
from frstory.publish.site import SITE_MARKER, build


# -- sanitizer ----------------------------------------------------------------------------------

def test_sanitizer_drops_scripts_with_their_content():
    assert sanitize_html("<p>a<script>window.x=1</script>b</p>") == "<p>ab</p>"


def test_sanitizer_drops_event_handlers_and_javascript_links():
    out = sanitize_html('<a href="javascript:alert(1)" onclick="x()">t</a><img src=x onerror="y()">')
    assert "javascript" not in out and "onclick" not in out and "onerror" not in out


def test_sanitizer_keeps_http_links_and_marks_them_noopener():
    out = sanitize_html('<a href="https://example.org/synthetic">src</a>')
    assert out == '<a href="https://example.org/synthetic" rel="noopener noreferrer">src</a>'


def test_sanitizer_removes_pandas_style_block_and_border_attribute():
    pandas_html = ('<div><style scoped>.dataframe tbody tr th {vertical-align: top;}</style>'
                   '<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th>a</th></tr>'
                   '</thead><tbody><tr><td>1</td></tr></tbody></table></div>')
    out = sanitize_html(pandas_html)
    assert "<style" not in out and "border" not in out and "vertical-align" not in out and "style=" not in out
    assert '<table class="dataframe">' in out


def test_sanitizer_keeps_escaped_text_escaped():
    assert sanitize_html("<p>&lt;script&gt;</p>") == "<p>&lt;script&gt;</p>"


def test_sanitizer_closes_unclosed_tags():
    assert sanitize_html("<div><p><em>x") == "<div><p><em>x</em></p></div>"


def test_sanitizer_makes_headings_level_two_or_lower_with_unique_ids():
    ids = HeadingIds()
    out = sanitize_html("<h1>Notes</h1><h2>Notes</h2>", min_heading=2, heading_ids=ids)
    assert out == '<h2 id="s-notes">Notes</h2><h2 id="s-notes-2">Notes</h2>'


def test_a_notebooks_outline_moves_below_the_title_keeping_its_levels():
    body = '<h1 id="s-a">A</h1><h2 id="s-b">B</h2><h4 id="s-c">C</h4><h1 id="s-d">D</h1>'
    assert shift_headings(body) == '<h2 id="s-a">A</h2><h3 id="s-b">B</h3><h5 id="s-c">C</h5><h2 id="s-d">D</h2>'


def test_an_outline_that_starts_at_level_two_is_left_as_it_is():
    body = '<h2 id="s-a">A</h2><h3 id="s-b">B</h3>'
    assert shift_headings(body) == body


def test_an_outline_that_starts_lower_moves_up_to_level_two():
    assert shift_headings('<h3 id="s-a">A</h3><h4 id="s-b">B</h4>') == '<h2 id="s-a">A</h2><h3 id="s-b">B</h3>'


def test_a_shifted_heading_deeper_than_six_stays_at_six():
    body = '<h1 id="s-a">A</h1><h6 id="s-b">B</h6>'
    assert shift_headings(body) == '<h2 id="s-a">A</h2><h6 id="s-b">B</h6>'


def test_a_heading_an_output_showed_does_not_decide_or_follow_the_outline():
    body = '<h2 id="s-a">A</h2><div><h2>From an output</h2></div><h3 id="s-b">B</h3>'
    assert shift_headings(body) == body


# -- table of contents -----------------------------------------------------------------------------

def test_the_contents_list_the_top_sections_of_the_page():
    body = '<h2 id="s-a">A</h2><h3 id="s-a1">A1</h3><h2 id="s-b">B</h2>'
    assert [h["text"] for h in table_of_contents(body)] == ["A", "B"]


def test_under_a_single_top_heading_the_contents_list_the_sections_below_it():
    body = '<h2 id="s-intro">Intro</h2><h3 id="s-a">A</h3><p>x</p><h3 id="s-b">B</h3>'
    assert table_of_contents(body) == [{"id": "s-a", "text": "A"}, {"id": "s-b", "text": "B"}]


def test_headings_of_every_level_come_in_page_order():
    body = '<h3 id="s-a">A</h3><h2 id="s-b">B</h2><h4 id="s-c">C</h4>'
    assert [(h["text"], h["level"]) for h in table_of_contents(body, level=None)] == [("A", 3), ("B", 2), ("C", 4)]


# -- page names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("stem, page", [("02-amazon", "02-amazon"), ("Rich Output", "rich-output"),
                                        ("03_Pivot Tables (v2)", "03-pivot-tables-v2"), ("Données", "donnees"),
                                        ("机器学习练习 1", "机器学习练习-1"), ("???", "page")])
def test_a_page_is_named_after_its_notebook_in_lower_case_with_hyphens(stem, page):
    assert notebook_page_name(stem) == page


@pytest.mark.parametrize("href, target", [("Rich%20Output.ipynb#Some-heading", "rich-output.html#s-some-heading"),
                                          ("./03_Pivot.ipynb", "03-pivot.html")])
def test_a_link_to_a_notebook_points_at_the_name_its_page_gets(href, target):
    assert page_href(href) == target


def test_the_page_name_of_a_notebook_named_like_a_site_page_says_it_is_a_page():
    from frstory.publish.sanitize import site_page_name

    assert (site_page_name("Index"), site_page_name("Search"), site_page_name("Rich Output")) == \
        ("index-page", "search-page", "rich-output")


# -- tables: alignment by column content and pandas' index-name row ------------------------------

def _cells(markup: str, tag: str = "td") -> list[tuple[str, str]]:
    """``(class, text)`` of every ``tag`` cell, in document order."""
    import re

    cells = []
    for match in re.finditer(rf"<{tag}(\s[^>]*)?>(.*?)</{tag}>", markup, re.S):
        css = re.search(r'class="([^"]*)"', match.group(1) or "")
        cells.append((css.group(1) if css else "", match.group(2)))
    return cells


@pytest.mark.parametrize("text", ["1", "-2.5", "1,234,567.89", "+0.4 pp", "12.3%", "\u22121.2%", "(2.1)",
                                  "\u00b10.8", "$2,647.45", "1e-05", "-inf", " 42 "])
def test_number_like_cell_texts_are_numeric(text):
    assert looks_numeric(text)


@pytest.mark.parametrize("text", ["2020-06-10", "AMZN", "market model", "12,34", "%", "1.2.3", "none (fixed at 1)",
                                  "+0.0000 (\u00b10.010 allowed)", "Seed 004"])
def test_words_dates_and_mixed_cells_are_not_numeric(text):
    assert not looks_numeric(text)


def test_numeric_columns_are_right_classed_and_text_columns_left_classed():
    out = sanitize_html('<table><thead><tr><th>headline</th><th>change</th></tr></thead><tbody>'
                        '<tr><td>Synthetic A</td><td>\u22121.2%</td></tr><tr><td>Synthetic B</td><td>+0.4 pp</td></tr>'
                        '</tbody></table>')
    assert _cells(out, "th") == [("fr-text", "headline"), ("fr-num", "change")]
    assert [c for c, _ in _cells(out)] == ["fr-text", "fr-num", "fr-text", "fr-num"]


def test_one_word_in_a_column_makes_the_whole_column_text():
    out = tidy_table("<table><tbody><tr><td>1.5</td></tr><tr><td>none (fixed at 1)</td></tr></tbody></table>")
    assert [c for c, _ in _cells(out)] == ["fr-text", "fr-text"]


def test_missing_values_do_not_decide_a_column():
    out = tidy_table("<table><tbody><tr><td>NaN</td><td>&lt;NA&gt;</td></tr><tr><td>2.0</td><td>\u2014</td></tr>"
                     "<tr><td></td><td>x</td></tr></tbody></table>")
    assert [c for c, _ in _cells(out)] == ["fr-num", "fr-text", "fr-num", "fr-text", "fr-num", "fr-text"]


def test_existing_cell_classes_are_kept_and_text_stays_escaped():
    out = tidy_table('<table><tbody><tr><td class="hot">&lt;b&gt;1&lt;/b&gt;</td></tr></tbody></table>')
    assert out == '<table><tbody><tr><td class="hot fr-text">&lt;b&gt;1&lt;/b&gt;</td></tr></tbody></table>'


def test_row_and_column_spans_place_cells_in_their_real_columns():
    out = tidy_table('<table><thead><tr><th></th><th colspan="2">both numeric</th></tr></thead><tbody>'
                     '<tr><th rowspan="2">Synthetic group</th><td>1</td><td>2</td></tr>'
                     '<tr><td>3</td><td>4</td></tr></tbody></table>')
    assert _cells(out, "th") == [("fr-text", ""), ("fr-num", "both numeric"), ("fr-text", "Synthetic group")]
    assert {c for c, _ in _cells(out)} == {"fr-num"}


def test_pandas_index_name_row_is_folded_into_the_header():
    import pandas as pd

    frame = pd.DataFrame({"ticker": ["SYNA"], "close": [101.5]}, index=pd.Index(["2020-06-10"], name="date"))
    out = sanitize_html(frame.to_html())
    assert out.count("<tr>") == 2  # one header row, one body row
    assert [t for _, t in _cells(out, "th")] == ["date", "ticker", "close", "2020-06-10"]
    assert _cells(out, "th")[:3] == [("fr-text", "date"), ("fr-text", "ticker"), ("fr-num", "close")]


def test_two_level_index_names_are_folded_too():
    import pandas as pd

    index = pd.MultiIndex.from_tuples([("SYNA", "2020-06-10")], names=["ticker", "date"])
    out = sanitize_html(pd.DataFrame({"close": [1.0]}, index=index).to_html())
    assert [t for _, t in _cells(out, "th")][:3] == ["ticker", "date", "close"]
    assert out.count("<tr>") == 2


def test_header_with_column_level_names_is_left_as_pandas_wrote_it():
    import pandas as pd

    columns = pd.MultiIndex.from_tuples([("SYNA", "close"), ("SYNA", "ret")], names=["ticker", "field"])
    frame = pd.DataFrame([[1.0, 0.1]], columns=columns, index=pd.Index(["2020-06-10"], name="date"))
    out = sanitize_html(frame.to_html())
    assert out.count("<tr>") == 4  # two column levels, the index-name row, one body row


def test_index_name_row_is_not_folded_when_the_top_left_cell_is_taken():
    markup = ("<table><thead><tr><th>taken</th><th>a</th></tr><tr><th>date</th><th></th></tr></thead>"
              "<tbody><tr><th>2020-06-10</th><td>1</td></tr></tbody></table>")
    assert tidy_table(markup).count("<tr>") == 3


# -- code cells: one toggle per run of set-up cells ---------------------------------------------

def _executed(cells: list[tuple[str, str, list]]) -> nbformat.NotebookNode:
    """A notebook as if executed: (kind, source, outputs) per cell."""
    nb = nbformat.v4.new_notebook()
    for kind, source, outputs in cells:
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            cell = nbformat.v4.new_code_cell(source)
            cell.outputs = [nbformat.v4.new_output(**o) for o in outputs]
            nb.cells.append(cell)
    return nb


def _summaries(body: str) -> list[str]:
    import re

    return re.findall(r"<summary>(.*?)</summary>", body)


@pytest.fixture(scope="module")
def renderer():
    return StoryRenderer()


STDOUT = {"output_type": "stream", "name": "stdout", "text": "synthetic output\n"}
STDERR = {"output_type": "stream", "name": "stderr", "text": "synthetic warning\n"}


def test_setup_cells_without_visible_output_share_one_toggle_in_order(renderer):
    nb = _executed([("code", "first_setup = 1", []), ("code", "second_setup = 2", [STDERR]),
                    ("code", "third_setup = 3", []), ("code", "print('x')", [STDOUT])])
    body = renderer.render(nb, "synthetic")["body_html"]
    assert _summaries(body) == ["Show code (3 cells)", "Show code"]
    group = body[:body.index("</details>")]
    assert group.index("first_setup") < group.index("second_setup") < group.index("third_setup")
    assert "synthetic warning" not in body


def test_a_cell_with_output_keeps_its_own_toggle_right_before_the_output(renderer):
    nb = _executed([("code", "shown = 1", [STDOUT])])
    body = renderer.render(nb, "synthetic")["body_html"]
    assert body.index("<summary>Show code</summary>") < body.index("shown") < body.index("synthetic output")


def test_markdown_and_output_cells_end_a_run_of_setup_cells(renderer):
    nb = _executed([("code", "a = 1", []), ("markdown", "Synthetic prose.", []), ("code", "b = 2", []),
                    ("code", "c = 3", []), ("code", "print(c)", [STDOUT]), ("code", "d = 4", [])])
    assert _summaries(renderer.render(nb, "synthetic")["body_html"]) == [
        "Show code", "Show code (2 cells)", "Show code", "Show code"]


def test_removed_inputs_and_empty_cells_make_no_toggle(renderer):
    nb = _executed([("code", "hidden = 1", [STDOUT]), ("code", "  \n", []), ("code", "gone = 1", [])])
    nb.cells[0].metadata["tags"] = ["remove-input"]
    nb.cells[2].metadata["tags"] = ["remove-cell"]
    body = renderer.render(nb, "synthetic")["body_html"]
    assert _summaries(body) == [] and "synthetic output" in body and "gone" not in body


# -- methods box ------------------------------------------------------------------------------

def _story_page(prices: list[dict], meta: StoryMeta | None = None) -> str:
    from frstory.publish.site import _reader_prices, _template_env

    story = {"meta": meta or StoryMeta(title="Synthetic"), "page": "01-synthetic.html", "body_html": "", "figure_count": 0,
             "minutes": 1, "missing_data": [], "reads": [], "prices": _reader_prices(prices), "price_reads": True,
             "executed_at": "2020-06-11T00:00:00+00:00", "executed_at_display": "11 June 2020, 00:00 UTC",
             "cached": False, "notebook_name": "01-synthetic.ipynb"}
    common = {"site_title": "frstory", "site_description": "", "frstory_version": "0", "built_at_iso": "",
              "built_at_display": "", "git_commit": "unknown", "packages": []}
    return _template_env().get_template("story.html.j2").render(story=story, **common)


PRICE_ROW = {"ticker": "SYNA", "retrieved_at": "2020-06-11T00:00:00+00:00", "rows": "3",
             "first_date": "2020-06-08", "last_date": "2020-06-10"}


def test_methods_box_shows_a_dash_with_an_explanation_for_imported_prices():
    page = _story_page([{**PRICE_ROW, "source": "imported from /synthetic/market", "yfinance_version": ""}])
    row = page[page.index("<td>SYNA</td>"):]
    row = row[:row.index("</tr>")]
    assert '<span class="fr-methods__na" title="Not applicable: imported from a file, not fetched with yfinance" ' \
           'aria-hidden="true">—</span>' in row
    assert '<span class="fr-visually-hidden">Not applicable: imported from a file, not fetched with yfinance</span>' in row
    assert "not downloaded with yfinance" in page


def test_a_story_page_is_in_the_language_its_notebook_names():
    page = _story_page([], StoryMeta(title="Synthétique", lang="fr"))
    assert page.count('<html lang="fr">') == 1


def test_the_sites_own_words_on_a_page_in_another_language_say_they_are_english():
    page = _story_page([], StoryMeta(title="Synthétique", lang="fr"))
    for element in ('<header class="fr-masthead" lang="en">', '<footer class="fr-footer" lang="en">',
                    '<p class="fr-story__byline" lang="en">', '<h2 id="sources-title" lang="en">',
                    'data-pagefind-ignore lang="en">\n<h2 id="methods-title">'):
        assert element in page


def test_a_story_page_without_a_language_is_in_the_sites_and_marks_nothing_else():
    page = _story_page([])
    assert '<html lang="en">' in page and page.count(" lang=") == 1


def test_methods_box_names_each_series_and_writes_its_dates_in_words():
    page = _story_page([{**PRICE_ROW, "ticker": "^SYNX", "name": "Synthetic Market Index",
                         "source": "yfinance (Yahoo Finance chart API)", "yfinance_version": "1.7.0"}])
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    assert "<td>Synthetic Market Index</td>" in body and "^SYNX" not in body
    assert "<td>8–10 June 2020</td>" in body and "2020-06-08" not in body
    assert ">11 June 2020</td>" in body


def test_methods_box_falls_back_to_the_ticker_of_a_series_without_a_name():
    page = _story_page([{**PRICE_ROW, "source": "yfinance (Yahoo Finance chart API)", "yfinance_version": "1.7.0"}])
    assert "<td>SYNA</td>" in page


def test_methods_box_shows_the_yfinance_version_of_fetched_prices():
    page = _story_page([{**PRICE_ROW, "source": "yfinance (Yahoo Finance chart API)", "yfinance_version": "1.7.0"}])
    assert "<td>1.7.0</td>" in page
    assert "fr-methods__na" not in page and "not downloaded with yfinance" not in page


# -- figure JSON inside <script> ---------------------------------------------------------------

def test_figure_json_cannot_close_its_script_element():
    text = figure_json_for_script({"layout": {"title": "</script><!-- <b>&"}})
    assert "</" not in text and "<!--" not in text and "<" not in text
    assert json.loads(text) == {"layout": {"title": "</script><!-- <b>&"}}


# -- story metadata ----------------------------------------------------------------------------

def test_story_meta_rejects_a_non_iso_date_naming_the_notebook_and_fix():
    nb = {"metadata": {"frstory": {"title": "T", "date": "10/06/2020"}}, "cells": []}
    with pytest.raises(BuildError, match=r"nb\.ipynb: metadata frstory\.date '10/06/2020'.*YYYY-MM-DD"):
        read_story_meta(nb, "nb.ipynb")


def test_story_meta_falls_back_to_the_first_top_level_heading_for_the_title():
    # Synthetic: a notebook that opens with a section before its "#" title.
    cells = [{"cell_type": "markdown", "source": "## Synthetic section\n\ntext"},
             {"cell_type": "markdown", "source": "```python\n# a comment, not a heading\n```\n\n# Synthetic title"}]
    assert read_story_meta({"metadata": {}, "cells": cells}, "x.ipynb").title == "Synthetic title"


def test_story_meta_without_a_top_level_heading_takes_the_first_heading_for_the_title():
    nb = {"metadata": {}, "cells": [{"cell_type": "markdown", "source": "intro\n\n## Synthetic heading\n\n### Lower"}]}
    assert read_story_meta(nb, "x.ipynb").title == "Synthetic heading"


def test_story_meta_reads_the_language_a_story_is_written_in():
    nb = {"metadata": {"frstory": {"title": "T", "lang": "zh-Hans"}}, "cells": []}
    assert read_story_meta(nb, "x.ipynb").lang == "zh-Hans"
    assert read_story_meta({"metadata": {"frstory": {"title": "T"}}, "cells": []}, "x.ipynb").lang == ""


@pytest.mark.parametrize("lang", ['fr" onload="x', "French", "fr_FR", "-fr"])
def test_story_meta_rejects_a_language_that_is_not_a_language_tag_naming_the_notebook_and_fix(lang):
    nb = {"metadata": {"frstory": {"title": "T", "lang": lang}}, "cells": []}
    with pytest.raises(BuildError, match=r"nb\.ipynb: metadata frstory\.lang .* is not a language tag.*e\.g\. \"fr\""):
        read_story_meta(nb, "nb.ipynb")


def test_reading_time_counts_words_and_charts():
    assert reading_minutes(230 * 3) == 3
    assert reading_minutes(0) == 1
    assert reading_minutes(230, figures=10) == 3


# -- figures ---------------------------------------------------------------------------------------

def _figure_output(layout: dict) -> dict:
    figure = {"data": [{"type": "table", "cells": {"values": [["synthetic"]]}}], "layout": layout}
    return {"output_type": "display_data", "data": {"application/vnd.plotly.v1+json": figure}, "metadata": {}}


def test_a_short_figure_reserves_its_own_height_not_a_default(renderer):
    nb = _executed([("code", "short_table", [_figure_output({"height": 216})])])
    body = renderer.render(nb, "synthetic")["body_html"]
    assert 'style="min-height: 216px"' in body


def test_a_figure_without_a_height_leaves_sizing_to_the_stylesheet(renderer):
    nb = _executed([("code", "autosized", [_figure_output({})])])
    body = renderer.render(nb, "synthetic")["body_html"]
    assert "min-height" not in body


# -- freeze keys --------------------------------------------------------------------------------

def _nb(source: str, outputs=None) -> dict:
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = outputs or []
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell]
    return json.loads(nbformat.writes(nb))


def test_content_hash_ignores_outputs_and_execution_counts():
    executed = _nb("x = 1", [nbformat.v4.new_output("stream", text="1\n")])
    executed["cells"][0]["execution_count"] = 7
    assert notebook_content_hash(executed) == notebook_content_hash(_nb("x = 1"))


def test_content_hash_changes_with_code():
    assert notebook_content_hash(_nb("x = 1")) != notebook_content_hash(_nb("x = 2"))


def test_content_hash_changes_with_story_metadata():
    a, b = _nb("x"), _nb("x")
    b["metadata"]["frstory"] = {"title": "Another synthetic title"}
    assert notebook_content_hash(a) != notebook_content_hash(b)


def _record(tmp_path, data_text="a\n1\n"):
    data = tmp_path / "synthetic.csv"
    data.write_text(data_text)
    from frstory.provenance import sha256_file

    return data, {"content_hash": "c", "source_hash": "s", "environment_hash": "e",
                  "reads": [{"kind": "synthetic", "path": str(data), "sha256": sha256_file(data),
                             "file_sha256": sha256_file(data)}]}


def test_frozen_copy_is_valid_when_nothing_changed(tmp_path):
    _, record = _record(tmp_path)
    assert stale_reason(record, content="c", source="s", environment="e") is None


def test_frozen_copy_is_stale_when_a_data_file_it_read_changes(tmp_path):
    data, record = _record(tmp_path)
    data.write_text("a\n2\n")
    assert stale_reason(record, content="c", source="s", environment="e") == f"data changed: {data}"


def test_frozen_copy_is_stale_when_a_data_file_it_read_is_gone(tmp_path):
    data, record = _record(tmp_path)
    data.unlink()
    assert stale_reason(record, content="c", source="s", environment="e").startswith("data file missing")


@pytest.mark.parametrize("changed, reason", [
    ({"content": "c2"}, "notebook changed"),
    ({"source": "s2"}, "frstory source changed"),
    ({"environment": "e2"}, "environment changed"),
])
def test_frozen_copy_is_stale_when_notebook_source_or_environment_changes(tmp_path, changed, reason):
    _, record = _record(tmp_path)
    keys = {"content": "c", "source": "s", "environment": "e", **changed}
    assert stale_reason(record, **keys) == reason


def test_source_and_environment_hashes_are_stable():
    assert source_hash() == source_hash()
    assert environment_hash() == environment_hash()


# -- kernel and failure messages ----------------------------------------------------------------

def test_kernelspec_runs_this_interpreter(tmp_path):
    root = ensure_kernelspec(tmp_path)
    spec = json.loads((root / KERNEL_NAME / "kernel.json").read_text())
    assert spec["argv"][:3] == [sys.executable, "-m", "frstory.publish.kernel"]


def test_failure_message_names_notebook_cell_line_and_exception():
    failure = NotebookFailure(7, 3, "prices['AMZN']", "KeyError", "'AMZN'")
    assert failure.describe("notebooks/02-x.ipynb").splitlines()[0] == "notebooks/02-x.ipynb: cell 7, line 3: KeyError: 'AMZN'"


def test_printed_price_data_unavailable_is_recognised():
    output = {"output_type": "stream", "name": "stdout", "text": "PriceDataUnavailable('no SYNQ prices')\n"}
    assert output_mentions_missing_data(output) == "PriceDataUnavailable('no SYNQ prices')"


# -- output folder safety -----------------------------------------------------------------------

def test_build_refuses_to_replace_a_folder_it_did_not_build(tmp_path):
    (tmp_path / "notebooks").mkdir()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("synthetic")
    with pytest.raises(BuildError, match=f"refusing to replace .*precious.*{SITE_MARKER}"):
        build(tmp_path / "notebooks", precious, cache_dir=tmp_path / "cache", progress=None)
    assert (precious / "thesis.txt").read_text() == "synthetic"


def test_build_refuses_two_notebooks_that_would_share_a_page_naming_both(tmp_path):
    (tmp_path / "notebooks").mkdir()
    for name in ("Rich Output.ipynb", "rich-output.ipynb"):  # synthetic, empty
        nbformat.write(nbformat.v4.new_notebook(), tmp_path / "notebooks" / name)
    with pytest.raises(BuildError, match=r"rich-output\.html from Rich Output\.ipynb and rich-output\.ipynb.*"
                                         r"Fix: rename one of the notebooks"):
        build(tmp_path / "notebooks", tmp_path / "site", cache_dir=tmp_path / "cache")
    assert not (tmp_path / "site" / "rich-output.html").exists()


def test_build_names_a_missing_notebooks_folder(tmp_path):
    with pytest.raises(BuildError, match="does not exist.*--notebooks"):
        build(tmp_path / "nowhere", tmp_path / "site", cache_dir=tmp_path / "cache", progress=None)


# -- scaffold -----------------------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["Bad Slug", "trailing-", "two--hyphens", "ünïcode", "", "a" * 61])
def test_new_story_rejects_invalid_slugs(tmp_path, slug):
    with pytest.raises(FrstoryError, match="slug .* is not valid"):
        new_story(slug, tmp_path)


def test_new_story_numbers_files_and_writes_a_jupytext_pair(tmp_path):
    (tmp_path / "07-older.ipynb").write_text("{}")
    notebook, pair = new_story("synthetic-story", tmp_path, byline="Synthetic Desk")
    assert (notebook.name, pair.name) == ("08-synthetic-story.ipynb", "08-synthetic-story.py")
    nb = nbformat.read(notebook, as_version=4)
    assert nb.metadata["frstory"]["byline"] == "Synthetic Desk"
    assert nb.metadata["frstory"]["synthetic"] is False  # a real story unless --synthetic
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert "import frstory as fr" in pair.read_text() and "# %%" in pair.read_text()


def test_new_story_refuses_an_existing_slug(tmp_path):
    new_story("synthetic-story", tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(FrstoryError, match="already exists"):
        new_story("synthetic-story", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# -- the "Data missing" banner in reader words ----------------------------------------------------


def test_missing_prices_are_named_for_readers_with_dates_in_words_and_no_caret():
    from frstory.publish.missing import reader_missing_data

    messages = ["PriceDataUnavailable: no prices for ^GSPC from 2020-06-01 to 2020-06-30: they are not in the "
                "price cache or the project's committed data (offline). Fix: run `frstory data pull`",
                "Yahoo Finance's answer for SYNQ from 2020-06-01 to 2020-06-05 was rejected and nothing was stored"]
    assert reader_missing_data(messages) == ["S&P 500, 1–30 June 2020", "SYNQ, 1–5 June 2020"]


def test_a_series_named_twice_is_listed_once_and_an_unrecognised_message_adds_no_line():
    from frstory.publish.missing import reader_missing_data

    message = "no prices for SYNQ from 2020-06-01 to 2020-06-30: offline"
    assert reader_missing_data([message, message, "PriceDataUnavailable('no SYNQ prices')"]) == ["SYNQ, 1–30 June 2020"]


def _synthetic_claims_file(tmp_path):
    """A made-up claims file: one claim a page quotes, one it does not."""
    path = tmp_path / "claims.csv"
    path.write_text(
        "claim,publication,article_url,editorial_verdict,source_url\n"
        "SYNA closed at $10.00 on 1 June 2020.,Synthetic Times,https://example.org/a,confirmed,\n"
        "SYNB & SYNC merged in 2019.,Synthetic Post,https://example.org/b,refuted,https://example.org/c\n",
        encoding="utf-8")
    return path


def test_sources_list_the_claims_a_page_quotes_apart_from_the_rest_of_the_file(tmp_path):
    from frstory.publish.sources import page_sources

    reads = [{"kind": "claims", "path": str(_synthetic_claims_file(tmp_path))}]
    body = "<table><tr><td>SYNA closed at $10.00\n on 1 June 2020.</td></tr></table>"
    sources = page_sources([], reads, [], body)
    assert [c["claim"] for c in sources["claims"]] == ["SYNA closed at $10.00 on 1 June 2020."]
    assert [c["claim"] for c in sources["other_claims"]] == ["SYNB & SYNC merged in 2019."]
    assert sources["count"] == 3


def test_a_claim_is_recognised_on_the_page_through_its_html_escaping(tmp_path):
    from frstory.publish.sources import page_sources

    reads = [{"kind": "claims", "path": str(_synthetic_claims_file(tmp_path))}]
    sources = page_sources([], reads, [], "<p>SYNB &amp; SYNC merged in 2019.</p>")
    assert [c["claim"] for c in sources["claims"]] == ["SYNB & SYNC merged in 2019."]


def test_two_events_with_one_source_and_headline_on_different_days_are_both_listed():
    from frstory.publish.sources import chart_sources

    # Synthetic: a council that voted twice, both reported on one page with one headline.
    rows = [["2020-03-05", "Synthetic council limits face recognition", "https://example.org/votes"],
            ["2020-10-29", "Synthetic council limits face recognition", "https://example.org/votes"],
            ["2020-10-29", "Synthetic council limits face recognition", "https://example.org/votes"]]
    listed = chart_sources(["date", "headline", "source_url"], rows)
    assert [s["when"] for s in listed] == ["5 March 2020", "29 October 2020"]
