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
from frstory.publish.sanitize import HeadingIds, sanitize_html
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
    assert sanitize_html("<td>&lt;script&gt;</td>") == "<td>&lt;script&gt;</td>"


def test_sanitizer_closes_unclosed_tags():
    assert sanitize_html("<div><p><em>x") == "<div><p><em>x</em></p></div>"


def test_sanitizer_makes_headings_level_two_or_lower_with_unique_ids():
    ids = HeadingIds()
    out = sanitize_html("<h1>Notes</h1><h2>Notes</h2>", min_heading=2, heading_ids=ids)
    assert out == '<h2 id="s-notes">Notes</h2><h2 id="s-notes-2">Notes</h2>'


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


def test_story_meta_falls_back_to_first_heading_for_the_title():
    nb = {"metadata": {}, "cells": [{"cell_type": "markdown", "source": "intro\n\n## Synthetic heading"}]}
    assert read_story_meta(nb, "x.ipynb").title == "Synthetic heading"


def test_reading_time_counts_words_and_charts():
    assert reading_minutes(230 * 3) == 3
    assert reading_minutes(0) == 1
    assert reading_minutes(230, figures=10) == 3


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
    assert spec["argv"][:3] == [sys.executable, "-m", "ipykernel_launcher"]


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
    assert nb.metadata["frstory"]["synthetic"] is True
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert "import frstory as fr" in pair.read_text() and "# %%" in pair.read_text()


def test_new_story_refuses_an_existing_slug(tmp_path):
    new_story("synthetic-story", tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(FrstoryError, match="already exists"):
        new_story("synthetic-story", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
