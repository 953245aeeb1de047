"""Third-party notebooks (tests/corpus, plotly.py's documentation) render at least as well as nbconvert's.

Each notebook is executed once with real kernels, with plotly's renderer set to
``plotly_mimetype+notebook``, so every figure is both plotly JSON (what frstory draws) and the HTML
with inlined plotly.js that nbconvert shows. Both pages are opened offline in real Chromium (every
request that is not a local file is aborted) and measured the same way:

* figures drawn (a ``.js-plotly-plot`` with its SVG) against figures in the notebook;
* animated figures whose frames reached plotly (``gd._transitionData._frames``);
* math: MathML or MathJax elements on the page, and ``$...$`` left raw in prose or figure text;
* console and page errors.

``python tests/test_render_corpus.py`` prints the comparison table.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
NOTEBOOKS = sorted(CORPUS.glob("*.md"))
NOTEBOOKS = [p for p in NOTEBOOKS if p.name != "README.md"]
PLOTLY_MIME = "application/vnd.plotly.v1+json"

pytestmark = [pytest.mark.slow, pytest.mark.browser]

MEASURE = """() => {
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
  const drawn = plots.filter(gd => gd.querySelector('.main-svg'));
  const animated = drawn.filter(gd => gd._transitionData && (gd._transitionData._frames || []).length > 0);
  const rawMath = /\\$[^$\\s][^$]*\\$/;
  let rawProse = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || parent.closest('pre, code, script, style, svg, .highlight')) continue;
    if (rawMath.test(node.textContent)) rawProse += 1;
  }
  const rawFigure = Array.from(document.querySelectorAll('.js-plotly-plot svg text'))
    .filter(t => /^\\$.*\\$$/.test(t.textContent.trim())).length;
  return {drawn: drawn.length, animated: animated.length,
          math: document.querySelectorAll('math, mjx-container, .MathJax').length,
          raw_math_prose: rawProse, raw_math_figures: rawFigure};
}"""


def _execute(path: Path):
    import jupytext
    from nbclient import NotebookClient

    nb = jupytext.read(path)
    NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=True).execute()
    return nb


def _figures_in(nb) -> tuple[int, int]:
    figures = [o["data"][PLOTLY_MIME] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if PLOTLY_MIME in (o.get("data") or {})]
    return len(figures), sum(1 for f in figures if f.get("frames"))


def _frstory_page(nb, stem: str, out: Path) -> Path:
    import shutil

    from frstory.publish.render import TEMPLATES_DIR, StoryRenderer, page_script
    from frstory.publish.site import plotly_js_path

    body = StoryRenderer().render(nb, stem)["body_html"]
    shutil.copyfile(TEMPLATES_DIR / "assets" / "frstory.css", out / "frstory.css")
    (out / "frstory.js").write_text(page_script(), encoding="utf-8")
    if not (out / "plotly.min.js").exists():
        shutil.copyfile(plotly_js_path(), out / "plotly.min.js")
    page = out / f"{stem}.frstory.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>corpus</title>'
                    '<link rel="stylesheet" href="frstory.css"><script defer src="plotly.min.js"></script>'
                    f'<script defer src="frstory.js"></script></head><body><main>{body}</main></body></html>',
                    encoding="utf-8")
    return page


def _nbconvert_page(nb, stem: str, out: Path) -> Path:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nb)
    page = out / f"{stem}.nbconvert.html"
    page.write_text(body, encoding="utf-8")
    return page


def _measure(browser, page_path: Path) -> dict:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                      else route.abort())
        page = context.new_page()
        errors: list[str] = []
        exceptions: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: exceptions.append(str(e)))
        page.goto(page_path.as_uri(), wait_until="load", timeout=60_000)
        page.wait_for_timeout(1500)  # plotly finishes drawing after load
        result = page.evaluate(MEASURE)
        result["console_errors"] = len(errors) + len(exceptions)
        result["errors"] = errors[:3]
        result["exceptions"] = exceptions[:3]
        return result
    finally:
        context.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, browser):
    """Per notebook: figures and animations in it, and the measurements of both pages."""
    out = tmp_path_factory.mktemp("corpus")
    previous = os.environ.get("PLOTLY_RENDERER")
    os.environ["PLOTLY_RENDERER"] = "plotly_mimetype+notebook"
    try:
        executed = {p.stem: _execute(p) for p in NOTEBOOKS}
    finally:
        if previous is None:
            os.environ.pop("PLOTLY_RENDERER", None)
        else:
            os.environ["PLOTLY_RENDERER"] = previous
    rows = {}
    for stem, nb in executed.items():
        figures, animations = _figures_in(nb)
        rows[stem] = {
            "figures": figures, "animations": animations,
            "frstory": _measure(browser, _frstory_page(nb, stem, out)),
            "nbconvert": _measure(browser, _nbconvert_page(nb, stem, out)),
        }
    (out / "corpus-table.json").write_text(json.dumps(rows, indent=1))
    return rows


@pytest.mark.parametrize("stem", [p.stem for p in NOTEBOOKS])
def test_every_figure_of_a_corpus_notebook_is_drawn(corpus, stem):
    row = corpus[stem]
    assert row["figures"] > 0
    assert row["frstory"]["drawn"] == row["figures"] >= row["nbconvert"]["drawn"]


@pytest.mark.parametrize("stem", [p.stem for p in NOTEBOOKS])
def test_every_animation_keeps_its_frames(corpus, stem):
    row = corpus[stem]
    assert row["frstory"]["animated"] == row["animations"] >= row["nbconvert"]["animated"]


@pytest.mark.parametrize("stem", [p.stem for p in NOTEBOOKS])
def test_no_math_is_left_raw_in_prose_or_figures(corpus, stem):
    measured = corpus[stem]["frstory"]
    assert (measured["raw_math_prose"], measured["raw_math_figures"]) == (0, 0)


def test_figure_math_is_drawn_as_text_where_nbconvert_leaves_it_raw(corpus):
    frstory, nbconvert = corpus["plotly-LaTeX"]["frstory"], corpus["plotly-LaTeX"]["nbconvert"]
    assert frstory["raw_math_figures"] == 0 < nbconvert["raw_math_figures"]


#: Notebooks whose figures themselves load from the network: offline, those loads fail on any page.
NEEDS_NETWORK = {
    "plotly-images": "layout images whose source is an https URL",
    "plotly-text-and-annotations": "a geo map, whose topojson plotly.js fetches from plotly's CDN",
}


@pytest.mark.parametrize("stem", [p.stem for p in NOTEBOOKS if p.stem not in NEEDS_NETWORK])
def test_an_offline_corpus_page_throws_no_script_errors(corpus, stem):
    assert corpus[stem]["frstory"]["exceptions"] == []


@pytest.mark.parametrize("stem", [p.stem for p in NOTEBOOKS if p.stem not in NEEDS_NETWORK])
def test_an_offline_corpus_page_logs_no_console_errors(corpus, stem):
    assert corpus[stem]["frstory"]["errors"] == []


@pytest.mark.parametrize("stem", sorted(NEEDS_NETWORK))
def test_a_page_that_needs_the_network_logs_fewer_errors_than_nbconvert(corpus, stem):
    assert corpus[stem]["frstory"]["console_errors"] < corpus[stem]["nbconvert"]["console_errors"]


if __name__ == "__main__":  # print the comparison table (frstory | nbconvert)
    import sys
    import tempfile

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from conftest import CHROMIUM_ARGS, chromium_path

    class _Factory:
        def mktemp(self, name):
            return Path(tempfile.mkdtemp(prefix=name))

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        rows = corpus.__wrapped__(_Factory(), browser)
        browser.close()
    print("| notebook | figures in | drawn (frstory / nbconvert) | animations in | with frames (frstory / nbconvert) "
          "| math elements (frstory / nbconvert) | raw $...$ prose+figures (frstory / nbconvert) "
          "| console errors (frstory / nbconvert) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for stem, r in rows.items():
        f, n = r["frstory"], r["nbconvert"]
        print(f"| {stem} | {r['figures']} | {f['drawn']} / {n['drawn']} | {r['animations']} | "
              f"{f['animated']} / {n['animated']} | {f['math']} / {n['math']} | "
              f"{f['raw_math_prose'] + f['raw_math_figures']} / {n['raw_math_prose'] + n['raw_math_figures']} | "
              f"{f['console_errors']} / {n['console_errors']} |")
