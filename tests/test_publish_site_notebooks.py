"""``frstory build`` on a folder of other people's notebooks: what the site as a whole does.

Titles written as headings, notebooks saved by old Jupyter versions (nbformat 3), files that are
not notebooks, and links between notebooks whose target page or heading the site does not have.
Every notebook here is synthetic, written with nbformat; each site is built with real kernels,
as few times as the behaviours need.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import nbformat
import pytest

from frstory.errors import BuildError
from frstory.publish import build
from frstory.publish.freeze import notebook_content_hash, read_notebook
from frstory.publish.site import MAX_LOCAL_IMAGE_BYTES, embed_local_images

pytestmark = pytest.mark.slow
md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
#: 1x1 PNGs (synthetic), black and white.
DOT_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
WHITE_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGP4DwQACfsD/fteaysAAAAASUVORK5CYII=")


def _write(folder: Path, name: str, cells: list, meta: dict | None = None) -> Path:
    nb = nbformat.v4.new_notebook(cells=cells)
    if meta is not None:
        nb.metadata["frstory"] = meta
    path = folder / name
    nbformat.write(nb, path)
    return path


def _old_notebook(path: Path) -> None:
    """A notebook as Jupyter wrote them before 2015 (nbformat 3: cells inside a worksheet)."""
    v3 = nbformat.v3
    nb = v3.new_notebook()
    nb.worksheets.append(v3.new_worksheet(cells=[
        v3.new_text_cell("markdown", source="# Synthetic old story\n\nWritten in an old format."),
        v3.new_code_cell(input="print(6 * 7)"),
    ]))
    path.write_text(v3.writes_json(nb), encoding="utf-8")


def _warnings(report, name: str) -> list[str]:
    return next(s.warnings for s in report.stories if s.notebook.name == name)


def _anchors(page: Path) -> list[str]:
    """The ``<a>`` elements of the page's story body (masthead and methods box left out)."""
    text = page.read_text(encoding="utf-8")
    return re.findall(r"<a\b[^>]*>.*?</a>", text[text.index("fr-story__title"):text.index('id="methods"')])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Six synthetic notebooks of other authors, built once and then once more unchanged."""
    root = tmp_path_factory.mktemp("site-notebooks")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    _write(notebooks, "01-images.ipynb", [
        md("# Images\n\nSee [the other story](02-other.ipynb), [its second part](02-other.ipynb#Second-part), "
           "[a part it lacks](02-other.ipynb#No-such-part) and [a missing story](09-missing.ipynb).\n\n"
           "Once more: [a missing story](09-missing.ipynb)."),
        code("1 + 1"),
    ])
    _write(notebooks, "02-other.ipynb", [md("# Synthetic other story\n\n## Second part\n\nText."), code("2")])
    _write(notebooks, "03-untitled.ipynb", [md("Synthetic text and no heading."), code("3")])
    _old_notebook(notebooks / "04-old.ipynb")
    (notebooks / "figures").mkdir()
    (notebooks / "figures" / "chart.png").write_bytes(DOT_PNG)
    _write(notebooks, "05-figures.ipynb", [
        md("![A synthetic chart](figures/chart.png)\n\n<img src=\"figures/chart.png\" alt=\"The same chart\">"),
        code("5"),
    ], {"title": "Synthetic figures"})
    _write(notebooks, "06-stderr.ipynb", [md("# Synthetic noisy story"),
                                          code("import sys\nprint('synthetic complaint', file=sys.stderr)")])
    old_bytes = (notebooks / "04-old.ipynb").read_bytes()
    kwargs = {"cache_dir": root / "cache", "progress": None, "jobs": 2}
    first = build(notebooks, root / "site", **kwargs)
    lines: list[str] = []
    second = build(notebooks, root / "site", **{**kwargs, "progress": lines.append})
    return {"root": root, "site": root / "site", "first": first, "second": second, "second_lines": lines,
            "old_bytes": old_bytes}


# -- titles ---------------------------------------------------------------------------------------

def test_a_title_the_author_wrote_as_the_first_heading_is_not_called_a_placeholder(site):
    assert not [w for w in _warnings(site["first"], "01-images.ipynb") if "placeholder" in w]


def test_a_page_titled_by_its_file_name_alone_is_still_warned_about(site):
    [warning] = [w for w in _warnings(site["first"], "03-untitled.ipynb") if "placeholder" in w]
    assert "the title '03-untitled' is the placeholder made from the file name" in warning
    assert "set frstory.title in the notebook metadata" in warning


# -- old notebook formats -------------------------------------------------------------------------

def test_a_notebook_saved_in_format_3_is_converted_and_published(site):
    page = (site["site"] / "04-old.html").read_text(encoding="utf-8")
    assert '<h1 class="fr-story__title">Synthetic old story</h1>' in page
    assert "Written in an old format." in page
    assert re.search(r"<pre[^>]*>42\s*</pre>", page)


def test_the_old_notebook_file_is_never_rewritten(site):
    assert (site["root"] / "notebooks" / "04-old.ipynb").read_bytes() == site["old_bytes"]


def test_a_converted_notebook_is_reused_from_the_freeze_cache(site):
    assert "04-old.ipynb" in site["second"].cached


def test_a_current_notebook_is_read_exactly_as_it_was_written(tmp_path):
    # Its freeze key must not change: frozen pages of every existing notebook stay valid.
    path = _write(tmp_path, "x.ipynb", [md("# Synthetic"), code("1")], {"title": "Synthetic"})
    as_written = json.loads(path.read_text(encoding="utf-8"))
    assert read_notebook(path) == as_written
    assert notebook_content_hash(read_notebook(path)) == notebook_content_hash(as_written)


def test_a_notebook_in_a_format_newer_than_nbformat_reads_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "future.ipynb"
    path.write_text(json.dumps({"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}), encoding="utf-8")
    with pytest.raises(BuildError, match=r"future\.ipynb: written in notebook format 5, .*pip install -U nbformat"):
        read_notebook(path)


def test_a_file_that_is_not_json_fails_naming_the_file_the_place_and_the_fix(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "01-broken.ipynb").write_text('{"cells": [\n  {"cell_type": "markdown",,}\n]}', encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(notebooks, tmp_path / "site", cache_dir=tmp_path / "cache", progress=None)
    [error] = [s.error for s in caught.value.report.stories]
    assert re.search(r"01-broken\.ipynb: not a readable notebook: the file is not valid JSON \(.* at line 2, "
                     r"column \d+\); fix it there or restore the file from version control", error)


# -- links between notebooks ----------------------------------------------------------------------

def test_a_link_to_a_notebook_the_site_lacks_becomes_its_text(site):
    anchors = _anchors(site["site"] / "01-images.html")
    assert "<a>a missing story</a>" in anchors
    assert not [a for a in anchors if "09-missing" in a]


def test_a_link_to_a_notebook_the_site_lacks_is_named_in_a_warning_with_the_fix(site):
    [warning] = [w for w in _warnings(site["first"], "01-images.ipynb") if "09-missing" in w]
    assert "the link 'a missing story' points at 09-missing.ipynb, which is not among the notebooks" in warning
    assert "readers see its text alone. Fix: put 09-missing.ipynb in" in warning


def test_a_link_to_a_heading_its_page_lacks_leads_to_the_top_of_that_page(site):
    anchors = _anchors(site["site"] / "01-images.html")
    assert '<a href="02-other.html" rel="noopener noreferrer">a part it lacks</a>' in anchors


def test_a_link_to_a_heading_its_page_lacks_is_named_in_a_warning_with_the_headings_it_has(site):
    [warning] = [w for w in _warnings(site["first"], "01-images.ipynb") if "#no-such-part" in w]
    assert "the link 'a part it lacks' points at the heading #no-such-part of 02-other.ipynb" in warning
    assert "Fix: link one of its headings by its text (its headings: #second-part" in warning


def test_links_to_pages_and_headings_the_site_has_are_kept(site):
    anchors = _anchors(site["site"] / "01-images.html")
    assert '<a href="02-other.html" rel="noopener noreferrer">the other story</a>' in anchors
    assert '<a href="02-other.html#s-second-part" rel="noopener noreferrer">its second part</a>' in anchors
    assert len([w for w in _warnings(site["first"], "01-images.ipynb") if "link" in w]) == 2, "a link twice warns once"


def test_a_build_that_finds_the_site_up_to_date_repeats_the_link_warnings(site):
    assert any("up to date" in line for line in site["second_lines"])
    repeated = _warnings(site["second"], "01-images.ipynb")
    assert [w for w in repeated if "09-missing.ipynb" in w]
    assert repeated == _warnings(site["first"], "01-images.ipynb")


def test_a_page_reused_from_the_freeze_cache_repeats_what_its_rendering_warned_of(site):
    [first] = [w for w in _warnings(site["first"], "06-stderr.ipynb") if "stderr" in w]
    assert "synthetic complaint" in first
    assert "06-stderr.ipynb" in site["second"].cached
    assert _warnings(site["second"], "06-stderr.ipynb") == _warnings(site["first"], "06-stderr.ipynb")


# -- images beside the notebook -------------------------------------------------------------------

def test_an_image_beside_the_notebook_is_embedded_in_its_page(site):
    page = (site["site"] / "05-figures.html").read_text(encoding="utf-8")
    embedded = "data:image/png;base64," + base64.b64encode(DOT_PNG).decode("ascii")
    assert f'<img src="{embedded}" alt="A synthetic chart"' in page
    assert re.search(f'<img src="{re.escape(embedded)}" alt="The same chart"', page)
    assert not _warnings(site["first"], "05-figures.ipynb")


def test_an_embedded_image_is_listed_with_its_hash_in_the_methods_box(site):
    page = (site["site"] / "05-figures.html").read_text(encoding="utf-8")
    methods = page[page.index('id="methods"'):]
    assert re.search(r"<code>notebooks/figures/chart\.png</code> \(image shown on the page\)", methods)


def test_an_image_outside_the_notebooks_folder_is_never_embedded(tmp_path):
    folder = tmp_path / "notebooks"
    (folder / "figures").mkdir(parents=True)
    (tmp_path / "private.png").write_bytes(DOT_PNG)
    (folder / "figures" / "link.png").symlink_to(tmp_path / "private.png")
    nb = {"cells": [md("![up](../private.png) ![linked](figures/link.png) <img src='/etc/x.png' alt='abs'>")]}
    page, reads, warnings = embed_local_images(nb, folder, "x.ipynb")
    assert page["cells"][0]["source"] == "up linked <img alt='abs'>"
    assert reads == []
    assert warnings == [f"x.ipynb: cell 1: the image '{target}' lies outside the notebook's folder; readers see "
                        f"its alt text. Fix: move it into {folder} (a folder inside it is fine) and link it from there"
                        for target in ("../private.png", "figures/link.png", "/etc/x.png")]


def test_an_image_written_in_code_is_shown_as_written_not_embedded(tmp_path):
    (tmp_path / "pic.png").write_bytes(DOT_PNG)
    source = ("Example:\n\n    <img src=\"pic.png\" />\n\nand `![x](pic.png)` in code, and\n\n"
              "```\n![fenced](missing.png)\n```\n\n![shown](pic.png)")
    page, reads, warnings = embed_local_images({"cells": [md(source)]}, tmp_path, "x.ipynb")
    shown = page["cells"][0]["source"]
    assert shown.startswith(source.split("![shown]")[0]), "code keeps its image references as written"
    assert shown.endswith("![shown](attachment:" + reads[0]["file_sha256"][:16] + ".png)")
    assert warnings == []


def test_an_image_larger_than_the_cap_is_left_out_with_a_warning(tmp_path):
    (tmp_path / "big.png").write_bytes(DOT_PNG + b"\0" * MAX_LOCAL_IMAGE_BYTES)
    page, reads, [warning] = embed_local_images({"cells": [md("![big](big.png)")]}, tmp_path, "x.ipynb")
    assert page["cells"][0]["source"] == "big"
    assert "x.ipynb: cell 1: the image 'big.png' is 5.2 MB, more than the 5 MB a page embeds" in warning


def test_a_file_that_is_not_the_image_its_name_says_is_left_out(tmp_path):
    (tmp_path / "page.png").write_text("<script>alert(1)</script>", encoding="utf-8")
    page, reads, [warning] = embed_local_images({"cells": [md("![x](page.png)")]}, tmp_path, "x.ipynb")
    assert "is not the PNG image its name says" in warning


def test_changing_an_embedded_image_rebuilds_its_page(site):
    (site["root"] / "notebooks" / "figures" / "chart.png").write_bytes(WHITE_PNG)
    report = build(site["root"] / "notebooks", site["site"], cache_dir=site["root"] / "cache", progress=None)
    assert report.executed == ["05-figures.ipynb"]
    page = (site["site"] / "05-figures.html").read_text(encoding="utf-8")
    assert base64.b64encode(WHITE_PNG).decode("ascii") in page


def test_a_notebook_named_like_a_page_of_the_site_gets_its_own_page_and_leaves_the_front_page(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for stem in ("index", "search"):
        _write(notebooks, f"{stem}.ipynb", [md(f"# A synthetic story kept in {stem}.ipynb\n\nText, and [the other]"
                                               f"({'search' if stem == 'index' else 'index'}.ipynb)."), code("1 + 1")])
    lines: list[str] = []
    build(notebooks, tmp_path / "site", cache_dir=tmp_path / "cache", progress=lines.append)
    site = tmp_path / "site"
    assert "A synthetic story kept in index.ipynb" in (site / "index-page.html").read_text(encoding="utf-8")
    assert "A synthetic story kept in search.ipynb" in (site / "search-page.html").read_text(encoding="utf-8")
    front = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="index-page.html"' in front and 'href="search-page.html"' in front
    assert any("index.ipynb is published as index-page.html" in line for line in lines)
    assert '<a href="search-page.html" rel="noopener noreferrer">the other</a>' in (site / "index-page.html").read_text()
    assert '<a href="index-page.html" rel="noopener noreferrer">the other</a>' in (site / "search-page.html").read_text()


def test_a_slug_the_site_uses_itself_is_refused_naming_it(tmp_path):
    notebook = _write(tmp_path, "x.ipynb", [md("# Synthetic")])
    with pytest.raises(BuildError, match="'index' is the name of a page the site itself writes"):
        build(tmp_path, tmp_path / "site", notebooks=[notebook], slug="index", cache_dir=tmp_path / "cache",
              progress=None)
