"""Time to the first chart visible, before and after the build-time static images, on a slow phone.

Both sites are built in the same run: "before" from a git worktree of a base commit (default
``main``) with that commit's own code, "after" from this checkout. Each story page is opened from
``file://`` in Debian Chromium with the CPU throttled 4x (CDP ``Emulation.setCPUThrottlingRate``,
as Lighthouse does for a mid-range phone) and a 390 x 844 viewport; the page records the first
animation frame at which a chart is drawn and laid out (on a phone a story's first chart may be
below the fold): a drawn plotly SVG (``.js-plotly-plot .main-svg``)
or a loaded static chart image (``.fr-chart-static img``). Median of ``--runs`` loads per page.

    python benchmarks/bench_first_chart.py                     # builds both sites (minutes)
    python benchmarks/bench_first_chart.py --sites BEFORE AFTER  # reuse two built sites

Speed is reported, never asserted (tests check behaviour).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THROTTLE = 4
TIMEOUT_MS = 60_000
BUILD = """
import os, sys
from pathlib import Path
from frstory.publish.site import build
root, out = Path(sys.argv[1]), Path(sys.argv[2])
report = build(root / "notebooks", out / "site", jobs=2, cache_dir=out / "cache", progress=None)
print(report.summary())
"""
# Polls each animation frame from the first script run: the time of the first frame with a
# chart ready to see (an image once decoded and laid out, a plotly chart once its SVG exists).
PROBE = """
(() => {
  // Rendered and laid out (a story's first chart may sit below the fold of a phone).
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const tick = () => {
    const img = Array.from(document.querySelectorAll('.fr-chart-static img')).find(i => i.complete && i.naturalWidth > 0 && visible(i));
    const svg = Array.from(document.querySelectorAll('.js-plotly-plot .main-svg')).find(visible);
    if (img || svg) { window.__frFirstChart = performance.now(); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""


def build_site(source_root: Path, out: Path) -> Path:
    """Build the notebooks of ``source_root`` with that checkout's own frstory (its ``src``)."""
    env = dict(os.environ, PYTHONPATH=str(source_root / "src"),
               FRSTORY_DATA_DIR=str(out / "data"), FRSTORY_COMMITTED_DATA=str(ROOT / "data" / "market"))
    env.pop("FRSTORY_READ_LOG", None)
    subprocess.run([sys.executable, "-c", BUILD, str(source_root), str(out)], check=True, env=env)
    return out / "site"


def first_chart_ms(browser, page_path: Path) -> float | None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.add_init_script(PROBE)
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
        page.goto(page_path.resolve().as_uri(), wait_until="commit")
        page.wait_for_function("window.__frFirstChart !== undefined", timeout=TIMEOUT_MS)
        return float(page.evaluate("window.__frFirstChart"))
    except Exception:  # noqa: BLE001 - a page whose chart never shows is reported as such
        return None
    finally:
        context.close()


def measure(sites: dict[str, Path], runs: int) -> dict[str, dict[str, float | None]]:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CHROMIUM_ARGS, chromium_path

    results: dict[str, dict[str, float | None]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            # Story pages only: the index and the search page have no chart to wait for.
            pages = sorted(p.name for p in sites["after"].glob("*.html") if p.name not in ("index.html", "search.html"))
            for name in pages:
                results[name] = {}
                for label, site in sites.items():
                    times = [t for t in (first_chart_ms(browser, site / name) for _ in range(runs)) if t is not None]
                    results[name][label] = statistics.median(times) if times else None
        finally:
            browser.close()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="git ref of the 'before' pages (default main)")
    parser.add_argument("--sites", nargs=2, type=Path, metavar=("BEFORE", "AFTER"), help="two built sites")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="frstory-bench-first-chart-"))
    try:
        if args.sites:
            before, after = args.sites
        else:
            base = work / "base"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.base], check=True,
                           capture_output=True)
            try:
                before = build_site(base, work / "before")
            finally:
                pass
            after = build_site(ROOT, work / "after")
        results = measure({"before": before, "after": after}, args.runs)
        print(f"first chart visible, CPU throttled {THROTTLE}x, 390x844, file://, median of {args.runs} "
              "(ms; '-' = no chart within 60 s)")
        print(f"{'page':<36} {'before':>9} {'after':>9} {'ratio':>7}")
        for name, row in results.items():
            b, a = row["before"], row["after"]
            ratio = f"{b / a:.1f}x" if a and b else "-"
            print(f"{name:<36} {b if b is not None else '-':>9.0f} {a if a is not None else '-':>9.0f} {ratio:>7}"
                  if a is not None and b is not None else f"{name:<36} {str(b):>9} {str(a):>9} {ratio:>7}")
    finally:
        if not args.sites:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(work / "base")],
                           capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
