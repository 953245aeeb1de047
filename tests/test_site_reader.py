"""What readers and editors find on the built site: sources one click away, search, a table of
contents, previous/next links, an Atom feed, a sitemap, social cards, print and accessibility.

The real stories are built once (with ``--base-url``) and served on 127.0.0.1; a small synthetic
project, built without a base URL, covers hostile source data and what the build leaves out.
Every browser check runs in a real headless Chromium.
"""

from __future__ import annotations

import csv
import html
import functools
import http.server
import os
import re
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from notebook_factory import story_notebook

from frstory.cli import main as cli_main
from frstory.publish.site import build

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
BASE_URL = "https://example.org/stories/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
STORIES = ["01-timeline.html", "02-amazon-and-the-market.html", "03-three-companies.html", "04-a-year-later.html"]
PAGES = ["index.html", "00-chart-gallery.html", *STORIES, "search.html"]
PWNED = "__frstory_pwned"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def site(market_dir, tmp_path_factory):
    """The real stories and the gallery, built with a base URL: (folder, http address)."""
    from frstory.data.importer import import_directory

    work = tmp_path_factory.mktemp("reader-site")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRSTORY_DATA_DIR", str(work / "data"))
        mp.delenv("FRSTORY_READ_LOG", raising=False)
        import_directory(market_dir)
        report = build(ROOT / "notebooks", work / "site", jobs=2, cache_dir=work / "cache", progress=None,
                       base_url=BASE_URL)
    assert report.ok, report.summary()
    server = _serve(work / "site")
    try:
        yield work / "site", f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


SYNTHETIC_EVENTS = {
    "kind": "synthetic_timeline",
    "title": "Synthetic events",
    "source": "Synthetic example data",
    "alt": "Two synthetic events on a line.",
    "data": {
        "columns": ["date", "date_precision", "headline", "source_url", "id"],
        "rows": [
            ["2020-06-08", "day", "Synthetic launch", "https://example.org/launch?a=1&b=2", "syn-launch"],
            ["2020-06", "month", f"<script>window.{PWNED}=1</script> synthetic recall", "https://example.org/recall",
             "syn-recall"],
            ["2020-06-10", "day", "Synthetic rumour", "javascript:alert(1)", "syn-rumour"],
            ["2020-06-11", "day", "Synthetic undated source", None, "syn-none"],
        ],
    },
}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A one-story synthetic project built without a base URL: (site folder, progress lines)."""
    root = tmp_path_factory.mktemp("reader-synthetic")
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    (root / "notebooks").mkdir()
    nb = story_notebook(
        {"title": "Synthetic sources", "dek": "Events from made-up sources.", "date": "2020-06-12", "synthetic": True},
        [md("## First part\n\nWords."),
         code("import plotly.graph_objects as go\n"
              f"meta = {SYNTHETIC_EVENTS!r}\n"
              "go.Figure(go.Scatter(x=['2020-06-08', '2020-06-10'], y=[1, 1])).update_layout(meta={'frstory': meta})"),
         md("## Second part\n\nMore words.")])
    nbformat.write(nb, root / "notebooks" / "01-synthetic-sources.ipynb")
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRSTORY_DATA_DIR", str(root / "frstory-data"))
        report = build(root / "notebooks", root / "site", jobs=1, cache_dir=root / "cache", progress=lines.append)
    assert report.ok, report.summary()
    return root / "site", lines


def _page(browser, url: str, width: int = 1280, media: str | None = None):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    if media:
        page.emulate_media(media=media)
    return context, page, errors


# -- 1. sources one click away ------------------------------------------------------------------
def test_every_event_a_chart_marks_is_a_link_in_the_sources_section(browser, site):
    folder, url = site
    with (folder / "data" / "01-timeline-fig-1.csv").open(encoding="utf-8") as handle:
        expected = {row["source_url"] for row in csv.DictReader(handle) if row["source_url"].startswith("https://")}
    context, page, _ = _page(browser, f"{url}/01-timeline.html")
    hrefs = page.locator("#sources-fr-fig-1 a.fr-sources__link").evaluate_all("links => links.map(a => a.href)")
    context.close()
    assert expected and set(hrefs) == expected


def test_a_charts_source_line_takes_the_reader_to_its_sources(browser, site):
    _, url = site
    context, page, _ = _page(browser, f"{url}/01-timeline.html")
    page.locator("#fr-fig-1").locator("xpath=ancestor::figure").locator("a.fr-figure__sources").click()
    in_view = page.locator("#sources-fr-fig-1").evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= -1 && r.top < window.innerHeight; }")
    context.close()
    assert page.url.endswith("#sources-fr-fig-1") and in_view


def test_the_corrections_table_links_the_source_it_cites(browser, site):
    _, url = site
    context, page, _ = _page(browser, f"{url}/01-timeline.html")
    row = page.locator(".fr-output--table tr", has_text="Reuters (via Business Times)")
    href = row.locator("a").get_attribute("href")
    context.close()
    assert href.startswith("https://www.businesstimes.com.sg/")


def _claims_and_their_section(folder):
    """The committed claims file's rows, and story 02's claims section as built."""
    with (ROOT / "data" / "claims.csv").open(encoding="utf-8") as handle:
        claims = list(csv.DictReader(handle))
    text = (folder / "02-amazon-and-the-market.html").read_text(encoding="utf-8")
    return claims, text[text.index('id="sources-claims"'):text.index('id="methods"')]


def test_claims_the_story_read_are_listed_with_their_article_and_source(site):
    claims, section = _claims_and_their_section(site[0])
    for claim in claims:
        if claim["source_url"]:
            assert claim["source_url"].replace("&", "&amp;") in section, claim["id"]


def test_the_claims_a_page_checks_are_listed_first_and_the_rest_of_the_file_folded_away(site):
    claims, section = _claims_and_their_section(site[0])
    shown, folded = section.split('<details class="fr-sources__more">')
    assert "Claims checked on this page" in shown
    listed = [html.unescape(item) for item in re.findall(r"<li>(.*?) <span", shown)]
    # The page's fact-check table holds the figures daily prices can check (not the after-hours ones).
    price_claims = [c for c in claims if c["check_ticker"] == "AMZN" and c["check_measure"] in ("close", "pct_change")]
    assert sorted(listed) == sorted(c["claim"] for c in price_claims) and listed
    assert f"The other {len(claims) - len(listed)} claims in the desk's fact-check file" in folded


def test_the_price_data_lists_its_original_copies_with_links(site):
    folder, _ = site
    text = (folder / "02-amazon-and-the-market.html").read_text(encoding="utf-8")
    section = text[text.index('id="sources-data"'):text.index('id="methods"')]
    assert re.search(r'<li>Amazon: <a class="fr-sources__link" href="https://github\.com/[^"]+/AMZN\.csv"', section)
    assert "<li>S&amp;P 500: " in section and "<li>^GSPC" not in section, "series by the names readers know"


def test_the_methods_box_names_each_price_series_and_writes_dates_in_words(site):
    folder, _ = site
    text = (folder / "02-amazon-and-the-market.html").read_text(encoding="utf-8")
    table = text[text.index('<table class="fr-methods__table">'):text.index("</table>", text.index('class="fr-methods__table"'))]
    rows = re.findall(r"<tr><td>([^<]*)</td>", table)
    assert rows == ["Amazon", "S&amp;P 500", "Nasdaq Composite"]
    assert not re.search(r"<td>\d{4}-\d{2}-\d{2}", table), "no ISO date as a cell"
    assert "(prices of S&amp;P 500)" in text and "(prices:^GSPC)" not in text


def test_source_links_are_http_only_and_source_text_is_escaped(synthetic):
    folder, _ = synthetic
    text = (folder / "01-synthetic-sources.html").read_text(encoding="utf-8")
    section = text[text.index('id="sources"'):text.index('id="methods"')]
    assert 'href="https://example.org/launch?a=1&amp;b=2"' in section
    assert "javascript:" not in section and "Synthetic rumour" not in section
    assert f"&lt;script&gt;window.{PWNED}=1&lt;/script&gt; synthetic recall" in section
    assert "June 2020" in section and "8 June 2020" in section  # a month-only date stays a month


# -- 3. search, contents, previous/next ----------------------------------------------------------
def test_search_finds_stories_from_a_static_index(browser, site):
    _, url = site
    context, page, errors = _page(browser, f"{url}/search.html")
    page.get_by_role("textbox", name="Search the stories").fill("moratorium")
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
    found = page.locator(".pagefind-ui__result-link").evaluate_all("links => links.map(a => a.pathname)")
    context.close()
    assert errors == [] and any(p.endswith(".html") and "search" not in p for p in found)


def test_search_opened_from_a_folder_says_how_to_serve_it(browser, site):
    folder, _ = site
    context, page, errors = _page(browser, (folder / "search.html").as_uri())
    note = page.locator(".fr-search__offline")
    visible, text = note.is_visible(), note.inner_text()
    context.close()
    assert errors == [] and visible and "python -m http.server" in text


def test_the_table_of_contents_links_every_section_of_the_story(browser, site):
    _, url = site
    context, page, _ = _page(browser, f"{url}/02-amazon-and-the-market.html")
    toc = page.locator(".fr-toc a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    headings = page.locator(".fr-story__body h2[id]").evaluate_all("hs => hs.map(h => '#' + h.id)")
    context.close()
    assert headings and toc == headings + ["#sources", "#methods"]


def test_next_links_walk_through_every_story_in_the_index_order(browser, site):
    _, url = site
    context, page, _ = _page(browser, f"{url}/{STORIES[0]}")
    visited = [STORIES[0]]
    while page.locator("a[rel=next]").count():
        page.locator("a[rel=next]").click()
        page.wait_for_load_state("load")
        visited.append(page.url.rsplit("/", 1)[1])
    back = page.locator("a[rel=prev]").get_attribute("href")
    context.close()
    assert visited == [*STORIES, "00-chart-gallery.html"] and back == STORIES[-1]


# -- 4. feed, sitemap, social cards -------------------------------------------------------------
def test_the_atom_feed_has_one_entry_per_story_with_its_canonical_address(site):
    folder, _ = site
    feed = ET.parse(folder / "feed.xml").getroot()
    links = sorted(e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry"))
    assert feed.tag == f"{ATOM}feed" and feed.find(f"{ATOM}title").text
    assert links == sorted(BASE_URL + p for p in ["00-chart-gallery.html", *STORIES])


def test_the_sitemap_lists_every_page_at_its_absolute_address(site):
    folder, _ = site
    urls = [u.find(f"{SITEMAP}loc").text for u in ET.parse(folder / "sitemap.xml").getroot()]
    assert sorted(urls) == sorted(BASE_URL + p for p in PAGES if p != "search.html")


def test_story_pages_carry_open_graph_and_twitter_cards_with_their_canonical_url(browser, site):
    folder, url = site
    context, page, _ = _page(browser, f"{url}/02-amazon-and-the-market.html")
    meta = page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll(
        'meta[property^="og:"], meta[name^="twitter:"], link[rel=canonical]')).map(
        m => [m.getAttribute('property') || m.getAttribute('name') || 'canonical', m.content || m.href]))""")
    title = page.locator("h1").inner_text()
    context.close()
    assert meta["canonical"] == meta["og:url"] == BASE_URL + "02-amazon-and-the-market.html"
    assert meta["og:title"] == meta["twitter:title"] == title and meta["og:type"] == "article"
    # The build drew the lead chart's PNG, so the card is a large image of it.
    lead = "img/02-amazon-and-the-market/chart-1.png"
    assert meta["og:image"] == BASE_URL + lead and meta["twitter:card"] == "summary_large_image"
    assert (folder / lead).read_bytes().startswith(b"\x89PNG")


def test_the_social_image_is_the_lead_charts_png_when_the_build_wrote_one(tmp_path):
    from frstory.publish.site import _lead_image

    assert _lead_image(tmp_path, "01-a") is None
    (tmp_path / "img" / "01-a").mkdir(parents=True)
    (tmp_path / "img" / "01-a" / "chart-1.png").write_bytes(b"\x89PNG")
    assert _lead_image(tmp_path, "01-a") == "img/01-a/chart-1.png"


def test_without_a_base_url_the_build_says_it_left_the_sitemap_out(synthetic):
    folder, lines = synthetic
    assert not (folder / "sitemap.xml").exists()
    assert any("no sitemap.xml" in line and "--base-url" in line for line in lines)


def test_a_site_whose_project_never_named_it_is_reminded_to(synthetic, tmp_path):
    _, lines = synthetic  # no frstory.toml: the pages say "frstory" where the site's name goes
    assert any("the site is called 'frstory', frstory's default" in line and "frstory.toml" in line for line in lines)


def test_a_named_site_gets_no_reminder(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "frstory.toml").write_text('title = "The Synthetic Desk"\n')
    nbformat.write(story_notebook({"title": "Synthetic named", "synthetic": True},
                                  [nbformat.v4.new_markdown_cell("Words.")]), tmp_path / "notebooks" / "01-named.ipynb")
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRSTORY_DATA_DIR", str(tmp_path / "frstory-data"))
        build(tmp_path / "notebooks", tmp_path / "site", jobs=1, cache_dir=tmp_path / "cache", progress=lines.append)
    assert "<title>The Synthetic Desk</title>" in (tmp_path / "site" / "index.html").read_text()
    assert not any("the site is called" in line for line in lines)


def test_without_a_base_url_the_feed_links_pages_relatively(synthetic):
    folder, _ = synthetic
    entry = ET.parse(folder / "feed.xml").getroot().find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == "01-synthetic-sources.html"
    assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")


def test_a_base_url_that_is_not_http_is_refused_with_its_fix(synthetic, capsys):
    folder, _ = synthetic
    code = cli_main(["build", "--notebooks", str(folder.parent / "notebooks"), "--out", str(folder),
                     "--base-url", "javascript:alert(1)"])
    err = capsys.readouterr().err
    assert code == 1 and "--base-url" in err and "https://" in err and "Traceback" not in err


# -- 6. print -----------------------------------------------------------------------------------
def test_print_leaves_out_buttons_code_contents_and_navigation(browser, site):
    _, url = site
    context, page, _ = _page(browser, f"{url}/02-amazon-and-the-market.html", media="print")
    shown = {sel: page.locator(sel).evaluate_all("els => els.some(e => e.checkVisibility())")
             for sel in (".fr-toggle-code", "details.fr-code", ".fr-toc", ".fr-pager", ".fr-masthead__nav",
                         ".fr-getdata", ".modebar", ".fr-figure__downloads", "details.fr-embed")}
    context.close()
    assert shown == dict.fromkeys(shown, False)


def test_print_writes_out_the_address_of_every_source_link(browser, site):
    _, url = site
    context, page, _ = _page(browser, f"{url}/01-timeline.html", media="print")
    link = page.locator("#sources-fr-fig-1 a.fr-sources__link").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    href = link.get_attribute("href")
    context.close()
    assert href in after


def test_print_shows_a_charts_static_image_instead_of_the_live_chart(browser, site):
    _, url = site
    context, page, _ = _page(browser, f"{url}/02-amazon-and-the-market.html")
    page.wait_for_function("Array.from(document.querySelectorAll('.fr-chart')).every(c => c.querySelector('.main-svg'))",
                           timeout=60_000)
    chart = page.locator(".fr-chart-live").first
    visible = "e => e.checkVisibility()"
    on_screen = (chart.locator(".fr-chart-static").evaluate(visible), chart.locator(".plot-container").evaluate(visible))
    page.emulate_media(media="print")
    on_paper = (chart.locator(".fr-chart-static").evaluate(visible), chart.locator(".plot-container").evaluate(visible))
    context.close()
    assert on_screen == (False, True), "on screen the hydrated chart shows the live plot, not its image"
    assert on_paper == (True, False), "printed, the chart is its build-time image"


def test_story_two_prints_on_fewer_pages_than_before(browser, site):
    _, url = site
    context, page, _ = _page(browser, f"{url}/02-amazon-and-the-market.html")
    page.wait_for_function("Array.from(document.querySelectorAll('.fr-chart')).every(c => c.querySelector('.main-svg'))",
                           timeout=30_000)
    pdf = page.pdf(format="A4")
    context.close()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 0 < pages <= 7  # issue 13: it printed as 7 A4 pages with buttons and code; now neither


# -- 7. accessibility ----------------------------------------------------------------------------
def _axe_js() -> str:
    candidates = [os.environ.get("FRSTORY_AXE_JS", ""),
                  str(ROOT / ".ci" / "axe" / "node_modules" / "axe-core" / "axe.min.js")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    pytest.skip("axe-core not found: npm install --prefix .ci/axe axe-core (as .ci/run does), "
                "or set FRSTORY_AXE_JS to axe.min.js")


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_axe_finds_no_violations_on_any_page(browser, site, width):
    axe = _axe_js()
    _, url = site
    found = {}
    for name in PAGES:
        context, page, _ = _page(browser, f"{url}/{name}", width=width)
        page.wait_for_function("Array.from(document.querySelectorAll('.fr-chart'))"
                               ".every(c => c.querySelector('.main-svg'))", timeout=30_000)
        if name == "search.html":
            page.wait_for_selector("#fr-search input[aria-label]", timeout=10_000)
        page.add_script_tag(content=axe)
        violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))""")
        context.close()
        if violations:
            found[name] = violations
    assert found == {}


def test_each_chart_is_announced_once_as_a_figure_with_its_description(browser, site):
    _, url = site
    context, page, _ = _page(browser, f"{url}/02-amazon-and-the-market.html")
    figure = page.locator("figure.fr-figure").first
    title = figure.locator(".fr-figure__title").inner_text()
    alt = figure.locator(".fr-chart").get_attribute("aria-label")
    tree = figure.aria_snapshot()
    context.close()
    assert tree.count(title) == 1 and tree.count(alt) == 1


def test_every_table_has_a_caption_naming_what_it_shows(site):
    folder, _ = site
    for name in STORIES:
        text = (folder / name).read_text(encoding="utf-8")
        tables = re.findall(r"<table\b[^>]*>\s*(<caption[^>]*>(.*?)</caption>)?", text)
        assert tables and all(caption.strip() for _, caption in tables), name
