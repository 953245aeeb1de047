"""Every chart of every story and of the gallery, measured in a real Chromium from 320 to 1280 px.

The site is built once from the real notebooks (the real market snapshot imported into a
temporary price cache), served over loopback HTTP and opened at each width. At every width:
the document never scrolls sideways, and every label (annotations, legend entries, tick labels)
lies inside its chart and overlaps no other label. Screenshots land in
/tmp/frstory-responsive/ for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
WIDTHS = (320, 390, 640, 800, 1280)
SHOTS = Path("/tmp/frstory-responsive")

# Label boxes of every drawn chart, in page coordinates, grouped per chart.
MEASURE = """() => {
  const box = el => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  return Array.from(document.querySelectorAll('.js-plotly-plot')).map((plot, i) => {
    const svg = plot.querySelector('.main-svg');
    const labels = [];
    const add = (el, kind) => {
      const r = box(el);
      const text = (el.textContent || '').trim();
      if (r.right - r.left < 0.5 || r.bottom - r.top < 0.5 || !text) { return; }
      labels.push({kind, text: text.slice(0, 60), ...r});
    };
    plot.querySelectorAll('g.annotation-text-g text, g.annotation .annotation-text').forEach(el => add(el, 'annotation'));
    plot.querySelectorAll('.legendtext').forEach(el => add(el, 'legend'));
    plot.querySelectorAll('.xtick text, .ytick text').forEach(el => add(el, 'tick'));
    // Every axis title, of subplots too (g-x2title, g-y3title ...).
    plot.querySelectorAll('.infolayer g[class^="g-x"][class$="title"] text, .infolayer g[class^="g-y"][class$="title"] text')
      .forEach(el => add(el, 'axis title'));
    return {chart: plot.id || String(i), frame: box(svg), labels};
  });
}"""


# Every HTML table: its box, its scrolling container's, each row's and the smallest font in it.
TABLES = """() => Array.from(document.querySelectorAll('table')).map((table, i) => {
  const box = el => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height}; };
  let holder = table.parentElement;
  while (holder && holder !== document.body && getComputedStyle(holder).overflowX === 'visible') { holder = holder.parentElement; }
  const rows = Array.from(table.rows).map(row => box(row));
  const cells = Array.from(table.querySelectorAll('th, td'));
  const fonts = cells.map(c => parseFloat(getComputedStyle(c).fontSize));
  const clipped = cells.filter(c => c.scrollWidth > c.clientWidth + 1 && getComputedStyle(c).overflow !== 'visible').length;
  return {
    table: (table.className || 'table') + ' ' + i, house: table.classList.contains('fr-table'),
    caption: (table.caption ? table.caption.textContent : (table.textContent || '')).trim().slice(0, 50),
    box: box(table), holder: holder ? box(holder) : null,
    holderScrolls: holder ? holder.scrollWidth - holder.clientWidth : 0,
    holderClipsRows: holder ? holder.scrollHeight - holder.clientHeight : 0,
    rows, nRows: table.rows.length, minFont: Math.min(...fonts, 99), clipped,
  };
})"""


def _table_problems(tables: list[dict], width: int) -> list[str]:
    """Rows all shown, text readable (11 px at least), nothing clipped; frstory tables fit the screen."""
    found = []
    for t in tables:
        name = f"table {t['caption']!r}"
        if any(r["height"] < 1 for r in t["rows"]):
            found.append(f"{name}: a row has no height (hidden)")
        if t["holderClipsRows"] > 1:
            found.append(f"{name}: its box hides {t['holderClipsRows']:.0f}px of rows")
        if t["minFont"] < 11:
            found.append(f"{name}: text {t['minFont']}px is too small to read")
        if t["clipped"]:
            found.append(f"{name}: {t['clipped']} cells cut their text")
        # The results tables of frstory.charts are written to fit a phone: no sideways scrolling at all.
        if t["house"] and (t["holderScrolls"] > 1 or t["box"]["right"] > width + 0.5):
            found.append(f"{name}: {t['box']['width']:.0f}px wide, it needs sideways scrolling at {width}px")
        if t["box"]["left"] < -0.5 or (t["holder"] is None and t["box"]["right"] > width + 0.5):
            found.append(f"{name}: runs off the screen")
    return found


def _overlap(a: dict, b: dict, slack: float = 0.5) -> bool:
    return (a["left"] < b["right"] - slack and b["left"] < a["right"] - slack
            and a["top"] < b["bottom"] - slack and b["top"] < a["bottom"] - slack)


def _inside(label: dict, frame: dict, slack: float = 1.0) -> bool:
    return (label["left"] >= frame["left"] - slack and label["right"] <= frame["right"] + slack
            and label["top"] >= frame["top"] - slack and label["bottom"] <= frame["bottom"] + slack)


def _problems(charts: list[dict]) -> list[str]:
    found = []
    for chart in charts:
        labels = chart["labels"]
        for label in labels:
            if not _inside(label, chart["frame"]):
                found.append(f"{chart['chart']}: {label['kind']} {label['text']!r} leaves the chart")
        for i, a in enumerate(labels):
            for b in labels[i + 1:]:
                # Duplicated text nodes of one annotation (plotly draws some twice) are not a collision.
                if a is b or (a["text"] == b["text"] and a["kind"] == b["kind"] and _overlap(a, b, 0) and
                              abs(a["left"] - b["left"]) < 1 and abs(a["top"] - b["top"]) < 1):
                    continue
                if _overlap(a, b):
                    found.append(f"{chart['chart']}: {a['kind']} {a['text']!r} overlaps {b['kind']} {b['text']!r}")
    return found


@pytest.fixture(scope="module")
def site(market_dir, tmp_path_factory):
    """The real stories and the gallery, built into a site and served on 127.0.0.1."""
    from frstory.data.importer import import_directory
    from frstory.publish.site import build

    work = tmp_path_factory.mktemp("responsive-site")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRSTORY_DATA_DIR", str(work / "data"))
        mp.delenv("FRSTORY_READ_LOG", raising=False)
        import_directory(market_dir)
        report = build(ROOT / "notebooks", work / "site", jobs=2, cache_dir=work / "cache", progress=None)
    assert report.ok, report.summary()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(work / "site"))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pages = sorted(p.name for p in (work / "site").glob("*.html") if p.name != "index.html")
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()


def _open(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    # Charts become interactive as they near the viewport: bring each one into view in turn.
    for chart in page.locator(".fr-chart").all():
        chart.scroll_into_view_if_needed()
        chart.locator(".main-svg").first.wait_for(timeout=30_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function("Array.from(document.querySelectorAll('.fr-chart'))"
                           ".every(chart => chart.querySelector('.main-svg') && !chart.hasAttribute('data-fr-static'))",
                           timeout=30_000)
    page.wait_for_timeout(300)  # plotly finishes text layout (and a re-layout) after the first frame
    return context, page, errors


def test_the_site_has_the_gallery_and_every_story(site):
    _, pages = site
    assert "00-chart-gallery.html" in pages and len(pages) >= 5


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways_and_no_label_collides_or_leaves_its_chart(browser, site, width):
    base, pages = site
    SHOTS.mkdir(exist_ok=True)
    problems, charts_seen = [], 0
    for name in pages:
        context, page, errors = _open(browser, f"{base}/{name}", width)
        try:
            assert errors == [], f"{name} at {width}px: {errors}"
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                problems.append(f"{name}: the page scrolls {overflow}px sideways")
            charts = page.evaluate(MEASURE)
            charts_seen += len(charts)
            problems += [f"{name} @{width}px {p}" for p in _problems(charts)]
            for chart in charts:
                if chart["frame"]["right"] > width + 0.5 or chart["frame"]["left"] < -0.5:
                    problems.append(f"{name} @{width}px {chart['chart']}: the chart is wider than the screen")
            if width in (390, 1280):
                page.screenshot(path=str(SHOTS / f"{name.removesuffix('.html')}-{width}.png"), full_page=True)
        finally:
            context.close()
    assert charts_seen >= 30, charts_seen  # 20 in the gallery alone
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", (320, 390))
def test_every_table_is_readable_on_a_phone_with_every_row_shown(browser, site, width):
    base, pages = site
    problems, tables_seen, house_tables = [], 0, 0
    for name in pages:
        context, page, _ = _open(browser, f"{base}/{name}", width)
        try:
            tables = page.evaluate(TABLES)
            tables_seen += len(tables)
            house_tables += sum(t["house"] for t in tables)
            problems += [f"{name} @{width}px {p}" for p in _table_problems(tables, width)]
            if name.startswith("03-"):
                results = [t for t in tables if t["house"]]
                assert results and all(t["nRows"] >= 1 + 3 + 1 + 1 for t in results), \
                    "story 03: header, three companies, at least one placebo, footer"
        finally:
            context.close()
    assert house_tables >= 4, house_tables  # gallery 2, story 03 1, story 04 1
    assert problems == [], "\n".join(problems)


def test_a_chart_switches_layout_when_its_screen_narrows(browser, site):
    base, _ = site
    context, page, _ = _open(browser, f"{base}/00-chart-gallery.html", 1280)
    try:
        wide = page.evaluate("document.querySelector('.js-plotly-plot')._fullLayout.width")
        page.set_viewport_size({"width": 390, "height": 900})
        page.wait_for_timeout(800)
        narrow = page.evaluate("document.querySelector('.js-plotly-plot')._fullLayout.width")
        assert wide > 700 and narrow < 400
        assert _problems(page.evaluate(MEASURE)) == []
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    finally:
        context.close()


@pytest.mark.parametrize("width", (320, 390, 1280))
def test_with_javascript_off_every_chart_is_an_image_that_fits_the_screen(browser, site, width):
    base, pages = site
    problems, images = [], 0
    for name in pages:
        context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
        page = context.new_page()
        try:
            page.goto(f"{base}/{name}", wait_until="load")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                problems.append(f"{name} @{width}px: the page scrolls {overflow}px sideways")
            boxes = page.evaluate("Array.from(document.querySelectorAll('.fr-chart-static img'))"
                                  ".map(i => [i.getBoundingClientRect().left, i.getBoundingClientRect().right])")
            images += len(boxes)
            problems += [f"{name} @{width}px: a chart image is wider than the screen" for left, right in boxes
                         if left < -0.5 or right > width + 0.5]
        finally:
            context.close()
    assert images >= 20, images
    assert problems == []
