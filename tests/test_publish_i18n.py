"""A story page in another language than English, and what the page numbers and embeds wherever it is written.

* The publisher's own words ("Show code", "Get the data", notices, navigation) are English: on a
  page whose notebook says ``frstory.lang`` is another language they carry ``lang="en"``, so a
  screen reader voices them in English; the feed says the site's language, and each entry its story's.
* A warning about a link to a notebook the site lacks names the file as the link wrote it.
* An image by reference (``![alt][ref]``) is embedded like an inline one, under the same rules.
* Equation numbers run through the page in reading order (MathJax's ``tags: 'ams'``).

Every notebook, image and feed entry here is synthetic.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest

from frstory.errors import BuildError
from frstory.publish.feeds import atom_feed
from frstory.publish.math import latex_to_mathml
from frstory.publish.render import StoryMeta, StoryRenderer
from frstory.publish.site import embed_local_images, site_config

from notebook_factory import story_notebook

md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
#: A 1x1 PNG (synthetic).
DOT_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
DOT_B64 = base64.b64encode(DOT_PNG).decode("ascii")


@pytest.fixture(scope="module")
def renderer():
    return StoryRenderer()


def _body(renderer, cells: list, lang: str = "", outputs: list | None = None) -> str:
    """The rendered body of a synthetic notebook of ``cells`` (the last code cell gets ``outputs``)."""
    nb = nbformat.v4.new_notebook(cells=cells)
    if outputs is not None:
        nb.cells[-1].outputs = [nbformat.v4.new_output(**o) for o in outputs]
    return renderer.render(nb, "synthetic", "", lang)["body_html"]


def _equation_numbers(body: str) -> list[str]:
    return re.findall(r"<mtext>(\([^<]*\))</mtext>", body)


# -- the publisher's words on a page in another language ------------------------------------------

def test_show_code_on_a_french_page_is_marked_english(renderer):
    body = _body(renderer, [md("Texte synthétique."), code("x = 1")], lang="fr")
    assert '<summary lang="en">Show code</summary>' in body


def test_show_traceback_on_a_french_page_is_marked_english(renderer):
    error = {"output_type": "error", "ename": "ValueError", "evalue": "synthétique",
             "traceback": ["Traceback (most recent call last)", "ValueError: synthétique"]}
    body = _body(renderer, [code("raise ValueError()")], lang="fr", outputs=[error])
    assert '<summary lang="en">Show traceback</summary>' in body


def test_the_fold_of_a_long_printout_on_a_french_page_is_marked_english(renderer):
    printout = {"output_type": "stream", "name": "stdout", "text": "".join(f"ligne {n}\n" for n in range(300))}
    body = _body(renderer, [code("print()")], lang="fr", outputs=[printout])
    assert re.search(r'<summary lang="en">Show the 270 lines in between</summary>', body)


def test_a_notice_on_a_french_page_is_marked_english(renderer):
    widget = {"output_type": "display_data", "metadata": {},
              "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "synthetic", "version_major": 2,
                                                                   "version_minor": 0}, "text/plain": "w"}}
    body = _body(renderer, [code("w")], lang="fr", outputs=[widget])
    assert re.search(r'<p class="fr-output fr-output--notice[^"]*" role="note" lang="en">', body)


def test_the_stock_alt_text_of_an_image_on_a_french_page_is_marked_english_and_the_authors_is_not(renderer):
    stock = {"output_type": "display_data", "data": {"image/png": DOT_B64}, "metadata": {}}
    authors = {"output_type": "display_data", "data": {"image/png": DOT_B64},
               "metadata": {"image/png": {"alt": "Un point noir"}}}
    body = _body(renderer, [code("x")], lang="fr", outputs=[stock, authors])
    assert 'alt="Image produced by the analysis" lang="en"' in body
    assert re.search(r'alt="Un point noir">', body)


def test_a_table_caption_on_a_french_page_marks_only_the_word_table_english(renderer):
    table = {"output_type": "display_data", "metadata": {},
             "data": {"text/html": "<table><tr><th>a</th></tr><tr><td>1</td></tr></table>"}}
    body = _body(renderer, [md("## Les taux"), code("t")], lang="fr", outputs=[table])
    assert '<caption class="fr-visually-hidden"><span lang="en">Table 1</span>: Les taux</caption>' in body


@pytest.mark.parametrize("lang", ["", "en", "en-GB"])
def test_a_page_in_english_marks_nothing(renderer, lang):
    error = {"output_type": "error", "ename": "ValueError", "evalue": "synthetic", "traceback": ["a", "b"]}
    body = _body(renderer, [code("raise ValueError()")], lang=lang, outputs=[error])
    assert "lang=" not in body


def _site_page(template: str, site_lang: str = "", **context) -> str:
    from frstory.publish.site import _template_env

    common = {"site_title": "Le bureau synthétique", "site_description": "", "frstory_version": "0",
              "built_at_iso": "", "built_at_display": "", "git_commit": "unknown", "packages": [],
              "site_lang": site_lang}
    return _template_env().get_template(template).render(**common, **context)


def _story(meta: StoryMeta, sources: dict | None = None) -> dict:
    return {"meta": meta, "page": "01-synthetic.html", "body_html": "", "figure_count": 1, "minutes": 1,
            "missing_data": [], "reads": [], "prices": [], "price_reads": False, "executed_at": "",
            "executed_at_display": "", "cached": False, "notebook_name": "01-synthetic.ipynb",
            "sources": sources or {"charts": [], "claims": [], "datasets": []}}


def test_a_chart_heading_in_the_sources_of_a_french_page_marks_only_the_word_chart_english():
    sources = {"charts": [{"number": 1, "title": "Les taux", "source": "Banque synthétique", "source_url": "",
                           "sources": []}], "claims": [], "datasets": []}
    page = _site_page("story.html.j2", story=_story(StoryMeta("Synthétique", lang="fr"), sources))
    assert '<span lang="en">Chart 1</span>: Les taux</h3>' in page
    assert '<p><span lang="en">Source:</span> Banque synthétique</p>' in page


def test_the_index_of_a_french_site_is_french_and_marks_the_publishers_words_english():
    card = {**_story(StoryMeta("Une histoire", date="2020-06-10")), "figure_count": 2, "unavailable": False}
    page = _site_page("index.html.j2", site_lang="fr", stories=[card])
    assert '<html lang="fr">' in page
    assert re.search(r'<p class="fr-card__meta" lang="en">.*min read · 2 charts</p>', page)
    assert '<a class="fr-skip" href="#main" lang="en">' in page


def test_an_english_story_on_a_french_site_marks_the_site_name_french():
    page = _site_page("story.html.j2", site_lang="fr", story=_story(StoryMeta("Synthetic", lang="en")))
    assert '<html lang="en">' in page and '<header class="fr-masthead" lang="fr">' in page
    assert '<a class="fr-skip" href="#main">' in page  # the publisher's English needs no mark here


# -- the feed ---------------------------------------------------------------------------------------

def _feed(stories: list[StoryMeta], site_lang: str) -> str:
    cards = [{"meta": meta, "page": f"{n}.html", "slug": str(n), "unavailable": False}
             for n, meta in enumerate(stories)]
    return atom_feed(cards, site_title="Synthetic desk", site_description="", base_url="",
                     built_at=datetime(2020, 6, 11, tzinfo=timezone.utc), site_lang=site_lang).decode("utf-8")


def test_the_feed_says_the_sites_language():
    feed = _feed([StoryMeta("Un titre synthétique")], site_lang="fr")
    assert re.search(r'<feed [^>]*xml:lang="fr"', feed)


def test_a_feed_entry_in_another_language_than_the_sites_says_its_own():
    feed = _feed([StoryMeta("Synthetic title"), StoryMeta("Ein synthetischer Titel", lang="de")], site_lang="en")
    assert re.search(r'<entry xml:lang="de">\s*<id>[^<]*</id>\s*<title>Ein synthetischer Titel</title>', feed)
    assert feed.count("xml:lang=") == 2  # the feed's and the German entry's; the English entry inherits


def test_the_site_language_is_read_from_frstory_toml(tmp_path):
    (tmp_path / "frstory.toml").write_text('title = "Synthetic desk"\nlang = "fr-CH"\n', encoding="utf-8")
    assert site_config(tmp_path)["lang"] == "fr-CH"


def test_a_site_language_that_is_not_a_language_tag_is_an_error_naming_the_file(tmp_path):
    (tmp_path / "frstory.toml").write_text('lang = "French"\n', encoding="utf-8")
    with pytest.raises(BuildError, match=r"frstory\.toml: lang 'French' is not a language tag: .*e\.g\. \"fr\""):
        site_config(tmp_path)


# -- links to other notebooks -----------------------------------------------------------------------

def test_a_link_to_another_notebook_is_recorded_by_the_name_it_was_written_with(renderer):
    nb = nbformat.v4.new_notebook(cells=[md("See [the other one](Foo%20Bar.ipynb#A-part) and [a third](./03-x.ipynb).")])
    links = renderer.render(nb, "synthetic")["notebook_links"]
    assert links == {"foo-bar.html": "Foo Bar.ipynb", "03-x.html": "03-x.ipynb"}


# -- images by reference ----------------------------------------------------------------------------

def _embedded(folder: Path, source: str) -> tuple[dict, list[dict], list[str]]:
    return embed_local_images(nbformat.v4.new_notebook(cells=[md(source)]), folder, "x.ipynb")


def test_an_image_by_reference_to_a_file_in_the_folder_is_embedded(tmp_path, renderer):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "dot.png").write_bytes(DOT_PNG)
    page, reads, warnings = _embedded(tmp_path, "A dot: ![A synthetic dot][dot]\n\n[dot]: figures/dot.png\n")
    body = renderer.render(page, "synthetic")["body_html"]
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="A synthetic dot"', body)
    assert warnings == [] and [Path(r["path"]).name for r in reads] == ["dot.png"]


def test_an_image_by_reference_outside_the_folder_is_left_out_with_a_warning(tmp_path):
    (tmp_path / "dot.png").write_bytes(DOT_PNG)
    (tmp_path / "story").mkdir()
    page, reads, warnings = _embedded(tmp_path / "story", "![A synthetic dot][dot]\n\n[dot]: ../dot.png\n")
    assert page["cells"][0]["source"].startswith("A synthetic dot\n")
    assert reads == [] and "the image '../dot.png' lies outside the notebook's folder" in warnings[0]


def test_an_image_by_reference_to_the_web_is_left_as_written(tmp_path):
    source = "![A logo][logo]\n\n[logo]: https://example.org/logo.png\n"
    page, reads, warnings = _embedded(tmp_path, source)
    assert page["cells"][0]["source"] == source and reads == [] and warnings == []


# -- equation numbers -------------------------------------------------------------------------------

def test_two_align_blocks_number_their_rows_through_the_page(renderer):
    body = _body(renderer, [md("$$\\begin{align} a &= 1 \\\\ b &= 2 \\end{align}$$\n\nText.\n\n"
                               "\\begin{align} c &= 3 \\end{align}")])
    assert _equation_numbers(body) == ["(1)", "(2)", "(3)"]


def test_math_printed_by_code_is_numbered_in_reading_order_with_the_markdowns(renderer):
    latex = {"output_type": "display_data", "metadata": {},
             "data": {"text/latex": "\\begin{align} b &= 2 \\end{align}", "text/plain": "b"}}
    nb = nbformat.v4.new_notebook(cells=[md("$$\\begin{equation} a = 1 \\end{equation}$$"), code("b"),
                                         md("$$\\begin{align} c &= 3 \\end{align}$$")])
    nb.cells[1].outputs = [nbformat.v4.new_output(**latex)]
    body = renderer.render(nb, "synthetic")["body_html"]
    order = [re.search(r"<mi>(\w)</mi>.*?<mtext>(\(\d\))</mtext>", m).groups()
             for m in re.findall(r"<math.*?</math>", body)]
    assert order == [("a", "(1)"), ("b", "(2)"), ("c", "(3)")]


def test_starred_nonumber_and_tag_rows_take_no_number(renderer):
    body = _body(renderer, [md("$$\\begin{align*} a &= 1 \\end{align*}$$\n\n"
                               "$$\\begin{align} b &= 2 \\nonumber \\\\ c &= 3 \\tag{T} \\\\ d &= 4 \\end{align}$$")])
    assert _equation_numbers(body) == ["(T)", "(1)"]


def test_a_formula_converted_alone_numbers_from_one():
    assert _equation_numbers(latex_to_mathml("\\begin{gather} a \\\\ b \\end{gather}", display=True)) == ["(1)", "(2)"]


# -- a whole site in French (real kernel) --------------------------------------------------------------

@pytest.fixture(scope="module")
def french_site(tmp_path_factory):
    from frstory.publish import build

    root = tmp_path_factory.mktemp("site-fr")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    nbformat.write(story_notebook({"title": "Une histoire synthétique", "lang": "fr"}, [
        md("Voir [l'autre histoire](Foo%20Bar.ipynb)."), code("1 + 1")]), notebooks / "01-histoire.ipynb")
    report = build(notebooks, root / "site", cache_dir=root / "cache", progress=None)
    return {"site": root / "site", "report": report}


@pytest.mark.slow
def test_a_french_page_marks_the_skip_link_and_navigation_english(french_site):
    page = (french_site["site"] / "01-histoire.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    assert '<a class="fr-skip" href="#main" lang="en">Skip to content</a>' in page
    assert '<header class="fr-masthead" lang="en">' in page
    assert '<summary lang="en">Show code</summary>' in page


@pytest.mark.slow
def test_the_feed_of_an_english_site_marks_a_french_story_french(french_site):
    feed = (french_site["site"] / "feed.xml").read_text(encoding="utf-8")
    assert re.search(r'<feed [^>]*xml:lang="en"', feed) and '<entry xml:lang="fr">' in feed


@pytest.mark.slow
def test_a_link_to_a_missing_notebook_is_named_as_the_author_wrote_it(french_site):
    [warning] = [w for s in french_site["report"].stories for w in s.warnings if "points at" in w]
    assert "the link 'l'autre histoire' points at Foo Bar.ipynb, which is not among the notebooks" in warning
    assert "Fix: put Foo Bar.ipynb in" in warning
