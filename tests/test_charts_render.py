"""frstory.charts in a real headless Chromium (Playwright) and exported to PNG by kaleido.

The PNGs are also written to /tmp/frstory-pngs/ so a person can look at them.
"""

from __future__ import annotations

import os
from pathlib import Path

import plotly.io as pio
import pytest
from test_charts_fixtures import SOURCE, every_chart, synthetic_events, synthetic_prices, synthetic_result, synthetic_names  # noqa: F401 (autouse: the made-up tickers' names)

from frstory import charts

pytestmark = pytest.mark.browser

PNG_DIR = Path("/tmp/frstory-pngs")


@pytest.fixture(scope="module")
def figures():
    return every_chart(title="Synthetic chart: every family renders", subtitle="Made-up tickers and events",
                       notes="All numbers are synthetic.")


@pytest.fixture(scope="module")
def html_dir(tmp_path_factory, figures):
    """Every chart exported as standalone HTML (furniture drawn by charts.export), plotly.js inlined."""
    out = tmp_path_factory.mktemp("charts-html")
    for kind, fig in figures.items():
        charts.export(fig, out / f"{kind}.html")
    return out


def _boxes(page, selector: str) -> list[dict]:
    return page.evaluate(
        """sel => Array.from(document.querySelectorAll(sel)).map(el => {
               const r = el.getBoundingClientRect();
               return {text: el.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
           })""",
        selector,
    )


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.parametrize("kind", ["price_with_events", "rebased_comparison", "timeline", "abnormal_returns",
                                  "cumulative_count", "small_multiples", "small_multiples_results"])
def test_every_exported_chart_renders_in_chromium_with_its_furniture(open_page, html_dir, figures, kind):
    report = open_page(html_dir / f"{kind}.html", wait_for=".js-plotly-plot .main-svg")
    assert report.problems == []
    page = report.page
    n_traces = page.evaluate("document.querySelector('.js-plotly-plot').data.length")
    assert n_traces == len(figures[kind].data)
    drawn = charts.with_furniture(figures[kind])
    width, height = drawn.layout.width, drawn.layout.height
    footer = [b for b in _boxes(page, ".annotation-text") if b["text"].startswith("Source:")]
    assert len(footer) == 1
    # The footer is inside the figure and clear of the x-axis tick labels (nothing cut off or overprinted).
    assert 0 <= footer[0]["left"] and footer[0]["right"] <= width and footer[0]["bottom"] <= height
    for tick in _boxes(page, ".xtick text"):
        assert not _overlap(tick, footer[0]), (tick, footer[0])
    title = _boxes(page, ".gtitle")[0]
    assert title["top"] >= 0 and title["right"] <= width


@pytest.mark.parametrize("width", [900, 640])
def test_event_labels_do_not_overlap_when_rendered(open_page, tmp_path, width):
    """Three events in four days (8, 10 and 11 June) plus a same-day pair: measured SVG text boxes."""
    fig = charts.price_with_events(synthetic_prices(), synthetic_events(), tickers="SYNA", start="2020-05-01",
                                   source=SOURCE, width=width)
    path = tmp_path / "labels.html"
    fig.write_html(path, include_plotlyjs=True)
    page = open_page(path, wait_for=".js-plotly-plot .main-svg").page
    wanted = {"SYNB exits the business", "SYNA pauses a product line", "SYNC pledges a change",
              "Synthetic market falls", "Synthetic protests begin"}
    boxes = [b for b in _boxes(page, ".annotation-text") if b["text"] in wanted]
    assert {b["text"] for b in boxes} == wanted
    for i, a in enumerate(boxes):
        assert 0 <= a["left"] and a["right"] <= width and a["top"] >= 0
        for b in boxes[i + 1:]:
            assert not _overlap(a, b), (a, b)


def test_markup_in_data_is_shown_as_text_never_run(open_page, tmp_path):
    events = synthetic_events()
    events["short"] = events["headline"]
    events.loc[6, "short"] = "<script>window.__pwned = 1</script>"
    events.loc[6, "headline"] = "<b>Bold</b> & <img src=x onerror='window.__pwned=2'>"
    prices = synthetic_prices()
    prices["ticker"] = prices["ticker"].replace({"SYNB": "<i>SYNB</i>"})
    fig = charts.price_with_events(prices, events, start="2020-05-01", label="short", max_label_chars=60,
                                   names={"<i>SYNB</i>": "<i>SYNB</i>"},
                                   title="<b>Not bold</b> <a href='javascript:alert(1)'>x</a>", source="<em>desk</em>")
    path = tmp_path / "escape.html"
    charts.export(fig, path)
    report = open_page(path, wait_for=".js-plotly-plot .main-svg")
    page = report.page
    texts = [b["text"] for b in _boxes(page, ".annotation-text")]
    assert "<script>window.__pwned = 1</script>" in texts
    assert "<i>SYNB</i>" in texts
    assert "Source: <em>desk</em>" in texts
    assert page.evaluate("document.querySelector('.gtitle').textContent") == "<b>Not bold</b> <a href='javascript:alert(1)'>x</a>"
    # Hover over the SYNA event: the headline shows literally in the hover label.
    trace = [t.name for t in fig.data].index("Events")  # export keeps the traces in order
    point = [i for i, c in enumerate(fig.data[trace].customdata) if "Bold" in c[0]][0]
    page.evaluate(f"Plotly.Fx.hover(document.querySelector('.js-plotly-plot'), [{{curveNumber: {trace}, pointNumber: {point}}}])")
    hover = page.evaluate("document.querySelector('.hoverlayer').textContent")
    assert "<b>Bold</b> & <img src=x onerror='window.__pwned=2'>" in hover
    injected = page.evaluate("""() => ({
        pwned: window.__pwned === undefined ? null : window.__pwned,
        elements: document.querySelectorAll('.js-plotly-plot script, .js-plotly-plot img, .js-plotly-plot em, .js-plotly-plot i').length,
        links: Array.from(document.querySelectorAll('.main-svg a')).map(a => a.getAttribute('href') || a.getAttribute('xlink:href')),
        italic: Array.from(document.querySelectorAll('.main-svg tspan')).filter(t => (t.getAttribute('style') || '').includes('italic')).length,
    })""")
    assert injected == {"pwned": None, "elements": 0, "links": [], "italic": 0}
    assert report.problems == []


def test_table_cells_escape_markup(open_page, tmp_path):
    result = synthetic_result(label="<b>event</b> <script>window.__pwned=1</script>")
    table = charts.event_study_table([result], source=SOURCE)
    path = tmp_path / "table.html"
    path.write_text(f"<!DOCTYPE html><html lang='en'><title>t</title><body>{table._repr_html_()}</body></html>")
    page = open_page(path).page
    cells = page.evaluate("Array.from(document.querySelectorAll('tbody th, td')).map(t => t.textContent)")
    assert "SYNA: <b>event</b> <script>window.__pwned=1</script>, 11 June 2020" in cells
    assert page.evaluate("window.__pwned === undefined")


_PNG_STATS_JS = """async (subject) => {
    const img = document.querySelector('img');
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0, blue = 0;
    const [br, bg, bb] = [parseInt(subject.slice(1, 3), 16), parseInt(subject.slice(3, 5), 16), parseInt(subject.slice(5, 7), 16)];
    const colours = new Set();
    for (let i = 0; i < px.length; i += 4) {
        const [r, g, b, a] = [px[i], px[i + 1], px[i + 2], px[i + 3]];
        if (a > 0 && !(r === 255 && g === 255 && b === 255)) ink++;
        if (r === br && g === bg && b === bb) blue++;
        colours.add((r << 16) | (g << 8) | b);
    }
    return {width: canvas.width, height: canvas.height, ink: ink / (px.length / 4), blue, colours: colours.size};
}"""


def _png_stats(open_page, path: Path, subject: str = "#0072B2") -> dict:
    """Decode a PNG in Chromium (an <img> drawn on a canvas) and summarise its pixels (``blue``: pixels of ``subject``)."""
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = open_page(path).page
    return page.evaluate(_PNG_STATS_JS, subject)


def test_every_chart_exports_to_png_with_kaleido(figures, open_page):
    pytest.importorskip("kaleido")
    os.environ.setdefault("BROWSER_PATH", "/usr/bin/chromium")
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    paths = [PNG_DIR / f"{kind}.png" for kind in figures]
    for path in paths:
        path.unlink(missing_ok=True)
    figs = list(figures.values())
    # write_images ignores layout.width/height (it falls back to 700x500), so pass them on.
    pio.write_images(figs, paths, width=[f.layout.width for f in figs], height=[f.layout.height for f in figs])
    for kind, fig, path in zip(figures, figs, paths, strict=True):
        subject = next((t.line.color for t in fig.data if t.type == "scatter" and t.line.color and "SYNA" in (t.name or "")),
                       "#0072B2")
        stats = _png_stats(open_page, path, subject)
        assert (stats["width"], stats["height"]) == (fig.layout.width, fig.layout.height)
        assert 0.02 < stats["ink"] < 0.6, (kind, stats)
        assert stats["colours"] > 50, (kind, stats)  # antialiased text and several colours, not a blank canvas
        if kind in ("price_with_events", "rebased_comparison", "small_multiples"):
            assert stats["blue"] > 200, (kind, stats)  # the subject's line is drawn in its house colour
