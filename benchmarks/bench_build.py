"""Benchmark ``frstory build`` against ``jupyter nbconvert --execute --to html`` (a script, not a test).

In one run, over the same notebooks:

1. cold build: ``frstory.publish.build`` with an empty freeze cache (parallel kernels, ``--jobs``);
2. baseline: ``jupyter nbconvert --execute --to html`` on each notebook, one after another, with
   ``PLOTLY_RENDERER=notebook`` so that nbconvert's pages actually contain the figures (with the
   default renderer nbconvert silently drops plotly figures under plotly >= 6);
3. no-op rebuild: the same build again with nothing changed, timed both in-process and as the
   ``frstory build`` command (interpreter start-up included). Other people editing ``src/frstory``
   while the benchmark runs make the next build re-execute ("frstory source changed"); such a
   rebuild is reported with its reasons and the no-op is measured again (up to 3 times);
4. page weight: each story page (+ its CSS/JS, excluding the one shared plotly.min.js) against
   nbconvert's page for the same notebook;
5. where the cold build's time goes: per notebook, wall time in the kernel, the part spent
   running cells (nbclient's timing metadata) and so kernel start-up/shutdown, and the time to
   render its page (re-rendered in process from the frozen copy).

Usage::

    python benchmarks/bench_build.py [NOTEBOOKS_DIR] [--jobs N] [--generated]

Without a folder it uses ``<repo>/notebooks`` when that holds notebooks, else it generates three
representative notebooks (synthetic data, a chart, a table) in a temporary folder. Results are
printed as a table and written to ``benchmarks/results/`` (gitignored).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from frstory.paths import REPO_ROOT
from frstory.publish import build, new_story

RESULTS_DIR = Path(__file__).resolve().parent / "results"
GOALS = {"cold_ratio": 0.5, "noop_seconds": 1.0, "page_kb": 300}

TABLE_CELL = """\
summary = (prices.groupby("ticker")["close"].agg(["first", "last", "min", "max"])
           .assign(change_pct=lambda t: (t["last"] / t["first"] - 1) * 100).round(2))
summary"""


def representative_notebooks(folder: Path) -> Path:
    """Three scaffold-style stories (synthetic prices, a chart, a summary table)."""
    for slug in ("synthetic-amazon", "synthetic-ibm", "synthetic-microsoft"):
        notebook, _ = new_story(slug, folder, synthetic=True)
        nb = nbformat.read(notebook, as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell("## The numbers\n\nA summary table of the synthetic prices."))
        nb.cells.append(nbformat.v4.new_code_cell(TABLE_CELL))
        nbformat.write(nb, notebook)
    return folder


def nbconvert_baseline(notebooks: list[Path], out: Path) -> tuple[float, dict[str, int]]:
    env = {**os.environ, "PLOTLY_RENDERER": "notebook"}
    sizes: dict[str, int] = {}
    start = time.perf_counter()
    for nb in notebooks:
        subprocess.run(
            [sys.executable, "-m", "nbconvert", "--execute", "--to", "html", "--output-dir", str(out), str(nb)],
            check=True, env=env, capture_output=True,
        )
        sizes[nb.stem] = (out / f"{nb.stem}.html").stat().st_size
    return time.perf_counter() - start, sizes


def _cell_seconds(executed: Path) -> float:
    """Seconds spent running cells, from nbclient's per-cell timing metadata."""
    nb = nbformat.read(executed, as_version=4)
    total = 0.0
    for cell in nb.cells:
        timing = cell.get("metadata", {}).get("execution") or {}
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            begin = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            total += (end - begin).total_seconds()
    return total


def build_profile(report, cache: Path) -> list[dict]:
    """Per notebook: kernel wall time, time in cells, start-up/shutdown overhead, render time."""
    from frstory.publish.freeze import FrozenEntry
    from frstory.publish.render import StoryRenderer

    renderer = StoryRenderer()
    rows = []
    for story in report.stories:
        entry = FrozenEntry.for_notebook(cache, story.notebook)
        cells = _cell_seconds(entry.executed_path)
        nb = nbformat.read(entry.executed_path, as_version=4)
        start = time.perf_counter()
        renderer.render(nb, story.notebook.stem)
        render_seconds = time.perf_counter() - start
        rows.append({"notebook": story.notebook.name, "kernel_seconds": round(story.seconds, 2),
                     "cells_seconds": round(cells, 2), "kernel_overhead_seconds": round(story.seconds - cells, 2),
                     "render_seconds": round(render_seconds, 3)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="?", type=Path, help="folder of notebooks (default: see above)")
    parser.add_argument("--jobs", type=int, default=None, help="parallel kernels for frstory build (default: CPUs)")
    parser.add_argument("--generated", action="store_true",
                        help="benchmark the generated representative notebooks even when notebooks/ has stories")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="frstory-bench-"))
    try:
        source = args.notebooks
        if source is None and not args.generated and REPO_ROOT is not None and any((REPO_ROOT / "notebooks").glob("*.ipynb")):
            source = REPO_ROOT / "notebooks"
        if source is None:
            source = representative_notebooks(work / "notebooks")
            origin = "generated (3 synthetic scaffold stories + a table each)"
        else:
            origin = str(source)
        notebooks = sorted(p for p in source.glob("*.ipynb"))
        if not notebooks:
            print(f"no notebooks in {source}", file=sys.stderr)
            return 2
        site, cache = work / "site", work / "cache"

        start = time.perf_counter()
        cold = build(source, site, jobs=args.jobs, cache_dir=cache, progress=None)
        cold_seconds = time.perf_counter() - start

        baseline_seconds, nbconvert_sizes = nbconvert_baseline(notebooks, work / "nbconvert")

        profile = build_profile(cold, cache)

        noop_attempts = []
        for _ in range(3):
            start = time.perf_counter()
            noop = build(source, site, jobs=args.jobs, cache_dir=cache, progress=None)
            noop_seconds = time.perf_counter() - start
            noop_attempts.append({"seconds": round(noop_seconds, 3), "executed": noop.executed,
                                  "reasons": sorted({s.reason for s in noop.stories if s.status == "executed"})})
            if not noop.executed:
                break
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "frstory.cli", "build", "--notebooks", str(source), "--out", str(site),
                        "--cache-dir", str(cache)], check=True, capture_output=True)
        noop_cli_seconds = time.perf_counter() - start

        shared = sum((site / "assets" / name).stat().st_size for name in ("frstory.css", "frstory.js"))
        plotly_js = (site / "assets" / "plotly.min.js").stat().st_size if (site / "assets" / "plotly.min.js").exists() else 0
        pages = []
        for nb in notebooks:
            ours = (site / f"{nb.stem}.html").stat().st_size
            pages.append({"notebook": nb.name, "frstory_bytes": ours, "frstory_with_css_js_bytes": ours + shared,
                          "nbconvert_bytes": nbconvert_sizes[nb.stem]})

        result = {
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "notebooks": origin,
            "count": len(notebooks),
            "cpus": os.cpu_count(),
            "jobs": args.jobs or os.cpu_count(),
            "cold_build_seconds": round(cold_seconds, 2),
            "cold_build_executed": len(cold.executed),
            "nbconvert_sequential_seconds": round(baseline_seconds, 2),
            "cold_ratio": round(cold_seconds / baseline_seconds, 3),
            "noop_rebuild_seconds_in_process": round(noop_seconds, 3),
            "noop_rebuild_seconds_cli": round(noop_cli_seconds, 3),
            "noop_rebuild_executed": len(noop.executed),
            "noop_attempts": noop_attempts,
            "profile": profile,
            "shared_plotly_js_bytes": plotly_js,
            "pages": pages,
            "nbconvert_note": "nbconvert run with PLOTLY_RENDERER=notebook so its pages show the figures",
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"bench_build-{stamp}.json").write_text(json.dumps(result, indent=1) + "\n")

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    lines = [
        f"frstory build benchmark ({result['count']} notebooks: {result['notebooks']}; "
        f"{result['cpus']} CPUs, --jobs {result['jobs']})",
        "",
        f"{'measure':<46}{'value':>14}  goal",
        f"{'cold build (frstory, parallel)':<46}{result['cold_build_seconds']:>12.2f} s",
        f"{'nbconvert --execute --to html, sequential':<46}{result['nbconvert_sequential_seconds']:>12.2f} s",
        f"{'cold ratio frstory / nbconvert':<46}{result['cold_ratio']:>14.2f}  <= {GOALS['cold_ratio']} "
        f"{verdict(result['cold_ratio'] <= GOALS['cold_ratio'])}",
        f"{'no-op rebuild, in process':<46}{result['noop_rebuild_seconds_in_process']:>12.3f} s  <= 1 s "
        f"{verdict(result['noop_rebuild_seconds_in_process'] <= GOALS['noop_seconds'])}",
        f"{'no-op rebuild, `frstory build` command':<46}{result['noop_rebuild_seconds_cli']:>12.3f} s  <= 1 s "
        f"{verdict(result['noop_rebuild_seconds_cli'] <= GOALS['noop_seconds'])}",
        f"{'shared assets/plotly.min.js (once per site)':<46}{plotly_js / 1024:>11.0f} KB",
        "",
        f"{'page':<40}{'frstory KB':>12}{'+css/js KB':>12}{'nbconvert KB':>14}  goal <= {GOALS['page_kb']} KB",
    ]
    for page in result["pages"]:
        lines.append(f"{page['notebook']:<40}{page['frstory_bytes'] / 1024:>12.1f}"
                     f"{page['frstory_with_css_js_bytes'] / 1024:>12.1f}{page['nbconvert_bytes'] / 1024:>14.1f}  "
                     f"{verdict(page['frstory_with_css_js_bytes'] / 1024 <= GOALS['page_kb'])}")
    lines += ["", "where the cold build's time goes (per notebook; kernels run --jobs at a time)",
              f"{'notebook':<40}{'kernel s':>10}{'in cells s':>12}{'start/stop s':>14}{'render s':>10}"]
    for row in result["profile"]:
        lines.append(f"{row['notebook']:<40}{row['kernel_seconds']:>10.2f}{row['cells_seconds']:>12.2f}"
                     f"{row['kernel_overhead_seconds']:>14.2f}{row['render_seconds']:>10.3f}")
    for attempt in result["noop_attempts"][:-1]:
        lines.append(f"note: a no-op rebuild re-executed {len(attempt['executed'])} notebooks "
                     f"({'; '.join(attempt['reasons'])}) and was measured again")
    table = "\n".join(lines)
    (RESULTS_DIR / f"bench_build-{stamp}.txt").write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
