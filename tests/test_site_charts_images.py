"""Charts on the built site: static images drawn at build time, fast first chart, embeds, dark mode.

A small synthetic project (two charts, the second far below the first) is built once with a real
kaleido browser; the pages are opened from file:// and over loopback HTTP in a real Chromium.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from pathlib import Path

import nbformat
import pytest

from notebook_factory import story_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

META = {
    "title": "Synthetic closing price of SYNA",
    "subtitle": "Made-up numbers for an image test",
    "source": "Synthetic example data",
    "source_url": "https://example.org/synthetic",
    "notes": "Not real market data.",
    "alt": "Line chart of a synthetic price rising from 101.5 to 104.25 over three days.",
    "width": 700,
}
FIGURE = ("import plotly.graph_objects as go\nimport frstory.charts\n"
          "fig = go.Figure(go.Scatter(x=['2020-06-08', '2020-06-09', '2020-06-10'], y=[101.5, 103.0, 104.25]))\n"
          "fig.update_layout(template='frstory', height=360, meta={{'frstory': {meta!r}}})\nfig")
PAGE = "01-charts"


def _project(root: Path) -> None:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    (root / "notebooks").mkdir(parents=True)
    nb = story_notebook(
        {"title": "Synthetic charts", "dek": "Two synthetic charts.", "date": "2020-06-10", "synthetic": True},
        [md("Synthetic words before the first chart."), code(FIGURE.format(meta=META)),
         md("A long synthetic stretch of text. " * 600),
         code(FIGURE.format(meta={**META, "title": "A second synthetic chart"}))],
    )
    nbformat.write(nb, root / "notebooks" / f"{PAGE}.ipynb")


def _build(root: Path, out: str, cache: str, monkeypatch=None):
    from frstory.publish.site import build

    return build(root / "notebooks", root / out, jobs=1, cache_dir=root / cache, progress=None)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("site-charts")
    _project(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRSTORY_DATA_DIR", str(root / "data"))
        report = _build(root, "site", "cache")
    assert report.ok, report.summary()
    return root, report


@pytest.fixture(scope="module")
def site(project) -> Path:
    return project[0] / "site"


@pytest.fixture(scope="module")
def site_url(site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _page(browser, url: str, **context_options):
    context = browser.new_context(**{"viewport": {"width": 1000, "height": 800}, **context_options})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


# -- build-time images ----------------------------------------------------------------------------

def test_each_chart_has_a_svg_and_png_with_its_furniture_and_alt_text(site):
    folder = site / "img" / PAGE
    svg = (folder / "chart-1.svg").read_text(encoding="utf-8")
    assert f"<title id=\"frstory-title\">{META['title']}</title>" in svg
    assert f"<desc id=\"frstory-desc\">{META['alt']}</desc>" in svg
    assert "Source: Synthetic example data" in svg and "Not real market data." in svg
    png = (folder / "chart-1.png").read_bytes()
    assert png.startswith(b"\x89PNG") and b"iTXtTitle" in png and META["alt"].encode() in png
    assert (folder / "chart-2.svg").is_file() and (folder / "chart-2.png").is_file()


def test_each_chart_has_light_and_dark_stand_ins_for_phone_and_wide_screens(site):
    names = sorted(p.name for p in (site / "img" / PAGE).glob("chart-2-*.svg"))
    assert names == ["chart-2-350-dark.svg", "chart-2-350.svg", "chart-2-700-dark.svg", "chart-2-700.svg"]
    from frstory.charts.theme import DARK_BACKGROUND

    dark = (site / "img" / PAGE / "chart-2-700-dark.svg").read_text(encoding="utf-8")
    assert "rgb(22, 24, 27)" in dark  # DARK_BACKGROUND as plotly writes it
    assert DARK_BACKGROUND == "#16181B"


def test_the_first_charts_stand_ins_are_sharp_pngs_that_show_sooner_than_an_svg(site):
    folder = site / "img" / PAGE
    names = sorted(p.name for p in folder.glob("chart-1-*"))
    assert names == ["chart-1-350-dark.png", "chart-1-350.png", "chart-1-700-dark.png", "chart-1-700.png"]
    png = (folder / "chart-1-350.png").read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and width == 700, "drawn at 2x for phones' screens"
    page = (site / f"{PAGE}.html").read_text(encoding="utf-8")
    assert f'src="img/{PAGE}/chart-1-700.png"' in page and f'src="img/{PAGE}/chart-2-700.svg"' in page


def test_site_files_are_readable_by_a_web_server(site):
    assert all(p.stat().st_mode & 0o044 == 0o044 for p in (site / "img" / PAGE).iterdir())


def test_unchanged_charts_are_taken_from_the_cache_without_a_browser(project, monkeypatch):
    root, _ = project
    monkeypatch.setenv("FRSTORY_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    report = _build(root, "site-again", "cache")
    assert report.ok and not any(s.warnings for s in report.stories)
    assert sorted(p.name for p in (root / "site-again" / "img" / PAGE).iterdir()) == \
        sorted(p.name for p in (root / "site" / "img" / PAGE).iterdir())


def test_without_a_browser_the_build_succeeds_and_says_what_it_left_out(project, monkeypatch):
    root, _ = project
    monkeypatch.setenv("FRSTORY_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    report = _build(root, "site-no-browser", "cache-no-browser")
    assert report.ok
    warnings = " ".join(report.stories[0].warnings)
    assert "no static images for charts 1, 2" in warnings and "BROWSER_PATH" in warnings
    assert not (root / "site-no-browser" / "img").exists()
    assert "fr-chart-static" not in (root / "site-no-browser" / f"{PAGE}.html").read_text(encoding="utf-8")


def test_a_chart_drawn_in_a_tab_that_drew_other_charts_gives_the_same_bytes_as_in_a_fresh_browser():
    """The build reuses one browser tab for many images: what came before must not change an image."""
    import json

    from frstory.publish.images import ChartImages

    def figure(title: str, y: list[float]) -> str:  # synthetic figures, with a legend (its clip id is random)
        return json.dumps({"data": [{"type": "scatter", "name": "SYNA", "x": [1, 2, 3], "y": y},
                                    {"type": "scatter", "name": "SYNB", "x": [1, 2, 3], "y": y[::-1]}],
                           "layout": {"title": {"text": title}, "width": 500, "height": 300}})

    wanted = figure("Synthetic chart", [1.0, 2.0, 4.0])
    with ChartImages(None) as fresh:
        alone = fresh._chart_files(wanted)
    with ChartImages(None) as reused:
        reused._chart_files(figure("Another synthetic chart", [3.0, 1.0, 2.0]))
        after_another = reused._chart_files(wanted)
    assert alone.keys() == after_another.keys()
    assert [name for name in alone if alone[name] != after_another[name]] == []


def test_after_a_drawing_fails_the_next_chart_is_drawn_in_a_fresh_browser(monkeypatch):
    import json

    from frstory.publish import images

    chart = json.dumps({"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}],
                        "layout": {"title": {"text": "Synthetic bars"}, "width": 400, "height": 300}})
    with images.ChartImages(None) as drawer:
        drawer._chart_of(chart)
        failed_browser = drawer._browser
        monkeypatch.setattr(images, "_SECONDS_PER_IMAGE", 0.001)  # the browser "hangs": every image times out
        with pytest.raises(images._DrawError):
            drawer._chart_of(chart)
        monkeypatch.setattr(images, "_SECONDS_PER_IMAGE", 120)
        files = drawer._chart_of(chart)
        assert drawer._browser is not None and drawer._browser is not failed_browser
    assert all(files.values()) and files[".svg"].startswith(b"<svg")


def test_a_charts_images_are_drawn_while_its_notebook_still_runs(tmp_path, monkeypatch):
    # The cell after the chart waits (up to 30 s) for the chart's images to appear in the build's
    # image cache: they can only do so if the build draws them before the notebook ends.
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cache = tmp_path / "cache"
    wait = ("import pathlib, time\n"
            f"images = pathlib.Path({str(cache / 'images')!r})\n"
            "deadline = time.monotonic() + 30\n"
            "while time.monotonic() < deadline and not list(images.rglob('sizes.json')):\n"
            "    time.sleep(0.2)\n"
            "print('drawn before the notebook ended:', bool(list(images.rglob('sizes.json'))))")
    (tmp_path / "notebooks").mkdir()
    nbformat.write(story_notebook({"title": "Synthetic early images", "synthetic": True},
                                  [md("Synthetic."), code(FIGURE.format(meta=META)), code(wait)]),
                   tmp_path / "notebooks" / f"{PAGE}.ipynb")
    monkeypatch.setenv("FRSTORY_DATA_DIR", str(tmp_path / "data"))
    report = _build(tmp_path, "site", "cache")
    assert report.ok, report.summary()
    page = (tmp_path / "site" / f"{PAGE}.html").read_text(encoding="utf-8")
    assert "drawn before the notebook ended: True" in page
    # The page found those images under the text it embeds: one set was drawn, not a second.
    assert len(list((cache / "images").rglob("sizes.json"))) == 1
    assert f'src="img/{PAGE}/chart-1-700.png"' in page


_BARS = ('{"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], '
         '"layout": {"title": {"text": "Synthetic bars"}, "width": 400, "height": 300}}')


def test_a_browser_started_ahead_draws_the_first_chart():
    from frstory.publish import images

    with images.ChartImages(None) as drawer:
        drawer.warm_up()
        drawer._warming.join(timeout=60)
        started = drawer._browser
        assert started is not None
        files = drawer._chart_of(_BARS)
        assert drawer._browser is started
    assert all(files.values())


def test_a_browser_that_cannot_start_ahead_leaves_the_charts_without_images_and_the_build_going(monkeypatch):
    from frstory.publish import images

    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with images.ChartImages(None) as drawer:
        drawer.warm_up()
        drawer._warming.join(timeout=60)
        assert drawer.unavailable
        files = drawer._chart_of(_BARS)
    assert [name for name, image in files.items() if not name.startswith("@") and image is not None] == []


def test_a_failed_image_is_never_cached(project, monkeypatch):
    root, _ = project
    assert not (root / "cache-no-browser" / "images").exists() or \
        not any((root / "cache-no-browser" / "images").rglob("sizes.json"))


# -- fast first chart -------------------------------------------------------------------------------

def test_the_first_chart_shows_its_image_before_plotly_loads(browser, site):
    context, page, errors = _page(browser, "")
    try:
        page.route("**/plotly.min.js", lambda route: route.abort())
        page.goto((site / f"{PAGE}.html").as_uri())
        img = page.locator("#fr-fig-1 .fr-chart-static img")
        img.wait_for(state="visible")
        assert img.evaluate("i => i.complete && i.naturalWidth > 0")
        assert page.locator(".js-plotly-plot").count() == 0
    finally:
        context.close()


def test_only_the_first_charts_image_loads_before_the_reader_scrolls_to_the_others(browser, site):
    context, page, errors = _page(browser, "")
    try:
        page.route("**/plotly.min.js", lambda route: route.abort())  # keep the images on screen
        page.goto((site / f"{PAGE}.html").as_uri(), wait_until="load")
        loaded = "n => document.querySelector(`#fr-fig-${n} .fr-chart-static img`).naturalWidth > 0"
        first, second_before = page.evaluate(loaded, 1), page.evaluate(loaded, 2)
        page.locator("#fr-fig-2 .fr-chart-static img").scroll_into_view_if_needed()
        page.wait_for_function(f"({loaded})(2)")
    finally:
        context.close()
    assert (first, second_before) == (True, False), "the second chart, far below, waits until it is near"


def test_printing_loads_every_charts_image_including_those_not_yet_scrolled_to(browser, site):
    context, page, errors = _page(browser, "")
    try:
        page.route("**/plotly.min.js", lambda route: route.abort())
        page.goto((site / f"{PAGE}.html").as_uri(), wait_until="load")
        page.emulate_media(media="print")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # as the browser's print does
        page.wait_for_function("Array.from(document.querySelectorAll('.fr-chart-static img'))"
                               ".every(i => i.complete && i.naturalWidth > 0)", timeout=10_000)
    finally:
        context.close()


def test_plotly_is_not_loaded_by_the_page_itself(site):
    html_text = (site / f"{PAGE}.html").read_text(encoding="utf-8")
    assert "plotly.min.js" not in html_text


def test_a_chart_near_the_viewport_becomes_interactive_and_its_image_is_hidden_on_screen(browser, site):
    context, page, errors = _page(browser, "")
    try:
        page.goto((site / f"{PAGE}.html").as_uri())
        page.wait_for_selector("#fr-fig-1.fr-chart-live .main-svg")
        # The image stays in the page for printing only (test_site_reader checks the print side).
        page.wait_for_function("!document.querySelector('#fr-fig-1').hasAttribute('data-fr-static')"
                               " && !document.querySelector('#fr-fig-1 .fr-chart-static').checkVisibility()")
        assert errors == []
    finally:
        context.close()


def test_with_javascript_off_each_chart_is_its_image_with_its_text(browser, site):
    context, page, _ = _page(browser, "", java_script_enabled=False)
    try:
        page.goto((site / f"{PAGE}.html").as_uri())
        for n in (1, 2):
            img = page.locator(f"#fr-fig-{n} .fr-chart-static img")
            img.scroll_into_view_if_needed()
            page.wait_for_function(f"document.querySelector('#fr-fig-{n} .fr-chart-static img').naturalWidth > 0")
            assert img.is_visible()
        figure = page.locator("figure.fr-figure").first
        assert figure.locator(".fr-chart").get_attribute("aria-label") == META["alt"]
        text = figure.inner_text()
        assert META["title"] in text and "Source: Synthetic example data" in text
        assert "needs JavaScript" not in text
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_at_320_px_the_chart_fits_and_nothing_scrolls_sideways(browser, site, javascript):
    context, page, _ = _page(browser, "", viewport={"width": 320, "height": 700}, java_script_enabled=javascript)
    try:
        page.goto((site / f"{PAGE}.html").as_uri())
        page.wait_for_function("document.querySelector('#fr-fig-1 img, #fr-fig-1 .main-svg')")
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        box = page.locator("#fr-fig-1").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320
        if not javascript:  # the phone layout of the image, not the wide one scaled down
            src = page.evaluate("document.querySelector('#fr-fig-1 img').currentSrc")
            assert src.endswith("chart-1-350.png")
    finally:
        context.close()


# -- dark mode ------------------------------------------------------------------------------------

def test_in_dark_mode_the_static_image_is_the_dark_one(browser, site):
    context, page, _ = _page(browser, "", color_scheme="dark", java_script_enabled=False)
    try:
        page.goto((site / f"{PAGE}.html").as_uri())
        page.wait_for_function("document.querySelector('#fr-fig-1 img').naturalWidth > 0")
        assert page.evaluate("document.querySelector('#fr-fig-1 img').currentSrc").endswith("chart-1-700-dark.png")
    finally:
        context.close()


def test_in_dark_mode_the_page_and_the_live_chart_are_dark(browser, site):
    context, page, errors = _page(browser, "", color_scheme="dark")
    try:
        page.goto((site / f"{PAGE}.html").as_uri())
        page.wait_for_selector("#fr-fig-1.fr-chart-live .main-svg")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(22, 24, 27)"
        assert page.evaluate("document.getElementById('fr-fig-1')._fullLayout.paper_bgcolor") == "#16181B"
        assert page.evaluate("document.getElementById('fr-fig-1')._fullLayout.font.color") == "#E8E8E8"
        assert errors == []
    finally:
        context.close()


def test_a_live_chart_follows_a_change_of_scheme(browser, site):
    context, page, _ = _page(browser, "", color_scheme="light")
    try:
        page.goto((site / f"{PAGE}.html").as_uri())
        page.wait_for_selector("#fr-fig-1.fr-chart-live .main-svg")
        assert page.evaluate("document.getElementById('fr-fig-1')._fullLayout.paper_bgcolor") == "#FFFFFF"
        page.emulate_media(color_scheme="dark")
        page.wait_for_function("document.getElementById('fr-fig-1')._fullLayout.paper_bgcolor === '#16181B'")
    finally:
        context.close()


def test_the_dark_template_keeps_one_readable_colour_per_category():
    import plotly.io as pio

    from frstory.charts.theme import COLORWAY, DARK_BACKGROUND, DARK_TEMPLATE_NAME

    dark = list(pio.templates[DARK_TEMPLATE_NAME].layout.colorway)
    assert len(set(dark)) == len(COLORWAY)

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    background = luminance(DARK_BACKGROUND)
    assert min((luminance(c) + 0.05) / (background + 0.05) for c in dark) >= 4.5


# -- downloads and embeds ---------------------------------------------------------------------------

def test_download_links_give_the_images_with_furniture(site):
    html_text = (site / f"{PAGE}.html").read_text(encoding="utf-8")
    assert f'href="img/{PAGE}/chart-1.png" download' in html_text
    assert f'href="img/{PAGE}/chart-1.svg" download' in html_text


def test_each_chart_has_an_embed_page_with_only_the_chart(site):
    embed = (site / "embed" / f"{PAGE}-1.html").read_text(encoding="utf-8")
    assert META["title"] in embed and 'href="https://example.org/synthetic"' in embed
    assert f'aria-label="{META["alt"]}"' in embed
    assert "fr-story__title" not in embed and "fr-embed__code" not in embed and "Methods" not in embed
    assert re.search(r'src="\.\./img/01-charts/chart-1-700\.png"', embed)


def test_the_embed_code_frames_the_chart_at_its_own_height(browser, site, site_url):
    from frstory.publish.embeds import embed_code

    # Built without --base-url the page offers no code to paste (it would be relative); the code a
    # site with an address offers is the same iframe, here pointed at this test server's copy.
    assert 'id="fr-fig-1-embed"' not in (site / f"{PAGE}.html").read_text(encoding="utf-8")
    code = embed_code(f"embed/{PAGE}-1.html", "A synthetic chart", 300)
    (site / "host-test.html").write_text(f"<!DOCTYPE html><title>host</title><p>Host page</p>{code}",
                                         encoding="utf-8")
    context, page, errors = _page(browser, "")
    try:
        page.goto(f"{site_url}/host-test.html")
        frame = page.frame_locator("iframe")
        frame.locator(".main-svg").first.wait_for()
        page.wait_for_function("() => { const f = document.querySelector('iframe'); "
                               "const h = f.contentDocument.documentElement.getBoundingClientRect().height; "
                               "return Math.abs(f.getBoundingClientRect().height - Math.ceil(h)) <= 2; }")
        assert errors == []
    finally:
        context.close()
        (site / "host-test.html").unlink()


def test_a_source_link_that_is_not_http_is_drawn_as_text_not_linked():
    import json

    import plotly.graph_objects as go

    from frstory.publish.images import ChartImages

    meta = {"title": "Synthetic", "source": "Synthetic source", "source_url": "javascript:alert(1)", "alt": "x"}
    figure = json.loads(go.Figure(go.Bar(x=["a"], y=[1])).update_layout(meta={"frstory": meta}).to_json())
    with ChartImages(None) as images:
        files = images._chart_files(json.dumps(figure))
    svg = files[".svg"].decode("utf-8")
    assert "Synthetic source" in svg and "javascript:" not in svg
