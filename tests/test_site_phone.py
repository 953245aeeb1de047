"""The built site as a reader meets it on a phone (320 CSS px, the narrowest phone in use): nothing
scrolls sideways, every control of the site's own is big enough for a finger, no text is too small
to read, and the search page keeps its words readable in dark mode.

One small synthetic site (two stories, a chart with linked sources, a table, a long printout) is
built once and served on 127.0.0.1; every check runs in a real headless Chromium.
"""

from __future__ import annotations

import functools
import http.server
import threading

import nbformat
import pytest
from notebook_factory import story_notebook
from test_site_reader import _serve

from frstory.publish.site import build

pytestmark = pytest.mark.slow

PHONE = 320
# Synthetic events (made up for this test): one per sources-list item, so the chart gets a sources
# section with links, as the real timeline story does.
EVENTS = {
    "kind": "synthetic_timeline",
    "title": "Synthetic events",
    "source": "Synthetic example data",
    "source_url": "https://example.org/synthetic-source",
    "alt": "Three synthetic events on a line.",
    "data": {
        "columns": ["date", "date_precision", "headline", "source_url", "id"],
        "rows": [
            ["2020-06-08", "day", "Synthetic launch of a synthetic product", "https://example.org/launch", "syn-1"],
            ["2020-06-09", "day", "Synthetic recall", "https://example.org/recall", "syn-2"],
            ["2020-06-10", "day", "Synthetic rumour", "https://example.org/rumour", "syn-3"],
        ],
    },
}
# A wide table of made-up words (synthetic): on a phone it must scroll inside its own box.
TABLE = ("import pandas as pd\n"
         "pd.DataFrame({'Publication': ['Synthetic Daily', 'Synthetic Weekly'],\n"
         "              'What it reported': ['A synthetic claim that runs on for a good many words'] * 2,\n"
         "              'Verdict': ['wrong', 'imprecise'],\n"
         "              'What the record shows': ['A synthetic correction that also runs on for many words'] * 2})")


def _story(title: str) -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    return story_notebook(
        {"title": title, "dek": "A made-up story for phone checks.", "date": "2020-06-12", "synthetic": True},
        [md("## First part\n\nWords, then an address that cannot wrap at a space: "
            "https://example.org/a/very/long/address/that/goes/on/and/on/without/any/space/at/all."),
         code("import plotly.graph_objects as go\n"
              f"meta = {EVENTS!r}\n"
              "go.Figure(go.Scatter(x=['2020-06-08', '2020-06-10'], y=[1, 2]))"
              ".update_layout(meta={'frstory': meta})"),
         md("## Second part\n\nA table and a long printout."),
         code(TABLE),
         code("print('\\n'.join(f'synthetic line {i}' for i in range(60)))"),
         md("## Third part\n\nMore words.")])


@pytest.fixture(scope="module")
def phone_site(tmp_path_factory):
    """Two synthetic stories built once and served: (site folder, http address)."""
    root = tmp_path_factory.mktemp("phone-site")
    (root / "notebooks").mkdir()
    nbformat.write(_story("Synthetic first story"), root / "notebooks" / "01-synthetic-first.ipynb")
    nbformat.write(_story("Synthetic second story"), root / "notebooks" / "02-synthetic-second.ipynb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRSTORY_DATA_DIR", str(root / "frstory-data"))
        report = build(root / "notebooks", root / "site", jobs=2, cache_dir=root / "cache", progress=None)
    assert report.ok, report.summary()
    assert (root / "site" / "search.html").is_file(), "the phone checks read the search page too"
    server = _serve(root / "site")
    try:
        yield root / "site", f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


PAGES = ["index.html", "search.html", "01-synthetic-first.html", "embed/01-synthetic-first-1.html"]


def _open(browser, url: str, scheme: str = "light"):
    """A page at phone width, its charts drawn (their live plotly layouts are what readers touch)."""
    context = browser.new_context(viewport={"width": PHONE, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_function("Array.from(document.querySelectorAll('.fr-chart'))"
                           ".every(c => c.querySelector('.main-svg'))", timeout=30_000)
    return context, page


def _search(page, words: str) -> None:
    page.get_by_role("textbox", name="Search the stories").fill(words)
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)


def test_no_page_scrolls_sideways_on_a_320_px_phone(browser, phone_site):
    _, url = phone_site
    overflow = {}
    for name in PAGES:
        context, page = _open(browser, f"{url}/{name}")
        if name == "search.html":
            _search(page, "synthetic")
        overflow[name] = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        context.close()
    assert overflow == dict.fromkeys(PAGES, 0)


# Every control the site itself draws: links, buttons, disclosures, fields. Links the author wrote
# in running prose are excepted (WCAG 2.5.8 exempts targets in a sentence), as are plotly's own.
CONTROLS = """() => Array.from(document.querySelectorAll('a[href], button, summary, input, select, textarea'))
    .filter(e => e.checkVisibility() && !e.closest('.fr-cell--markdown, .js-plotly-plot'))
    .map(e => { const r = e.getBoundingClientRect();
                return [e.textContent.trim().slice(0, 40) || e.outerHTML.slice(0, 60), Math.floor(r.width), Math.floor(r.height)]; })
    .filter(([, w, h]) => w < 24 || h < 24)"""


def test_every_control_of_the_site_is_at_least_24_px_to_a_finger(browser, phone_site):
    _, url = phone_site
    small = {}
    for name in PAGES:
        context, page = _open(browser, f"{url}/{name}")
        if name == "search.html":
            _search(page, "synthetic")
        # Open every disclosure, so that what it holds (the embed code, the folded lines) is measured too.
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        found = page.evaluate(CONTROLS)
        context.close()
        if found:
            small[name] = found
    assert small == {}


def test_no_text_outside_the_charts_is_smaller_than_12_px(browser, phone_site):
    _, url = phone_site
    context, page = _open(browser, f"{url}/01-synthetic-first.html")
    tiny = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
        .filter(e => !e.closest('svg') && e.checkVisibility()
                     && Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(e => [e.tagName, e.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(e).fontSize)])
        .filter(([, , size]) => size < 12)""")
    context.close()
    assert tiny == []


def test_search_results_and_the_query_are_readable_in_dark_mode(browser, phone_site):
    _, url = phone_site
    context, page = _open(browser, f"{url}/search.html", scheme="dark")
    _search(page, "synthetic")
    colours = page.evaluate("""() => {
        const c = s => getComputedStyle(document.querySelector(s));
        const input = c('#fr-search input');
        return {ink: c('body').color, paper: c('body').backgroundColor,
                result: c('.pagefind-ui__result-link').color, query: input.color, box: input.backgroundColor}; }""")
    context.close()
    # Pagefind's own colours were #393939 text on a white box: grey results on the dark page, and the
    # query typed white on white.
    assert colours["result"] == colours["query"] == colours["ink"]
    assert colours["box"] == colours["paper"]


def test_a_page_view_asks_the_server_for_nothing_that_is_missing(browser, phone_site):
    folder, _ = phone_site
    missing: list[str] = []

    class Recording(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_error(self, code, *args, **kwargs):
            missing.append(f"{code} {self.path}")
            super().send_error(code, *args, **kwargs)

    # A server of its own: a new origin, so the browser asks afresh for what it asks once per origin
    # (/favicon.ico, which no static host of this site has).
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Recording, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        context = browser.new_context(viewport={"width": PHONE, "height": 800})
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html", wait_until="load")
        page.wait_for_timeout(500)  # the icon is asked for after the load event
        context.close()
    finally:
        server.shutdown()
        server.server_close()
    assert missing == []
