"""frstory.prose.escape_markdown: text from data is inlined into Markdown and prints as itself.

Each test renders the escaped text with the two real renderers the publisher uses: nbconvert's
markdown2html (Markdown cells) and mistune with escape=True (Markdown printed by code).
"""

from __future__ import annotations

import mistune
import pandas as pd
import pytest
from nbconvert.filters.markdown import markdown2html

from frstory import prose

RENDERERS = {
    "markdown cell": markdown2html,
    "printed markdown": mistune.create_markdown(escape=True, plugins=["table", "strikethrough"]),
}


@pytest.fixture(params=sorted(RENDERERS))
def render(request):
    renderer = RENDERERS[request.param]
    return lambda text: renderer(f"Headline: {prose.escape_markdown(text)}")


def test_a_javascript_link_is_printed_not_linked(render):
    html = render("[link](javascript:x)")
    assert "<a" not in html and "[link](javascript:x)" in html


def test_an_image_is_printed_not_loaded(render):
    html = render("![img](x)")
    assert "<img" not in html and "![img](x)" in html


def test_a_script_tag_is_printed_as_text(render):
    html = render("<script>alert(1)</script>")
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_asterisks_make_no_emphasis(render):
    html = render("*not bold* **nor this**")
    assert "<em>" not in html and "<strong>" not in html and "*not bold* **nor this**" in html


def test_underscores_make_no_emphasis(render):
    html = render("_not italic_")
    assert "<em>" not in html and "_not italic_" in html


def test_backticks_make_no_code(render):
    html = render("`rm -rf`")
    assert "<code>" not in html and "`rm -rf`" in html


def test_an_entity_prints_as_written(render):
    assert "&amp;lt;" in render("&lt;b&gt;")


def test_a_line_break_cannot_open_a_heading(render):
    html = render("first\n# second")
    assert "<h1" not in html and "first # second" in html


def test_a_leading_number_and_dot_do_not_open_a_list():
    assert "<ol" not in markdown2html(prose.escape_markdown("1. First"))


def test_a_bare_https_address_stays_a_working_link_in_a_markdown_cell():
    html = markdown2html(prose.escape_markdown("see https://example.org/a_b_c?q=*x* now"))
    assert 'href="https://example.org/a_b_c?q=*x*"' in html


def test_escaping_keeps_plain_text_unchanged():
    assert prose.escape_markdown("Shares fell on Thursday") == "Shares fell on Thursday"


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT])
def test_a_missing_value_gives_empty_text(missing):
    assert prose.escape_markdown(missing) == ""


def test_control_characters_are_dropped():
    assert prose.escape_markdown("a\x00b\x1bc") == "abc"
