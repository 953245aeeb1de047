"""Benchmark ``frstory build`` against ``jupyter nbconvert --execute --to html`` (a script, not a test).

In one run, on two sets of notebooks (the stories of ``notebooks/`` and 20 generated synthetic
stories), each measured as follows:

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
   render its page (re-rendered in process from the frozen copy);
6. what bounds the ratio: the CPU seconds the whole machine was busy during the cold build
   (kernels, the browser drawing static chart images, the build itself: /proc/stat), and the
   same cold build again as the ``frstory build`` command with the browser made unavailable, so
   without the static images that nbconvert's pages do not have;
7. the floor: the cells' own time spread over the cores, ``sum(cell seconds) / cores``. Warm
   kernels import :data:`frstory.publish.pool.PREIMPORT` before the first cell, so the floor is
   also given with that import time added back once per notebook (measured here, in a fresh
   interpreter): that is the work a build cannot avoid without sharing an interpreter.

Usage::

    python benchmarks/bench_build.py [NOTEBOOKS_DIR] [--jobs N] [--generated N]

``NOTEBOOKS_DIR`` defaults to ``<repo>/notebooks``; ``--generated 0`` skips the generated set,
``--no-stories`` the stories. Results are printed as tables and written to
``benchmarks/results/`` (gitignored).
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
GOALS = {"cold_ratio": 0.3, "noop_seconds": 1.0, "page_kb": 300}

TABLE_CELL = """\
summary = (prices.groupby("ticker")["close"].agg(["first", "last", "min", "max"])
           .assign(change_pct=lambda t: (t["last"] / t["first"] - 1) * 100).round(2))
summary"""


def representative_notebooks(folder: Path, count: int = 20) -> Path:
    """``count`` scaffold-style stories (synthetic prices, a chart, a summary table)."""
    for number in range(1, count + 1):
        notebook, _ = new_story(f"synthetic-{number:02d}", folder, synthetic=True)
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


def preimport_seconds() -> float:
    """Seconds a fresh interpreter takes to import what warm kernels pre-import (median of 3)."""
    from frstory.publish.pool import PREIMPORT

    code = ("import time; t = time.perf_counter()\n" + "".join(f"import {m}\n" for m in PREIMPORT)
            + "print(time.perf_counter() - t)")
    times = sorted(float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                        text=True).stdout) for _ in range(3))
    return times[1]


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy (not idle or waiting), from /proc/stat (Linux).

    A build's work is spread over processes (kernels, the browser, the build itself); the
    machine-wide count sees all of them. 0.0 where /proc/stat does not exist.
    """
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, *rest = (int(v) for v in fields)
    steal = rest[0] if rest else 0
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def measure(source: Path, origin: str, jobs: int | None, work: Path, imports: float) -> dict:
    """Cold build, sequential nbconvert, no-op rebuilds, page weights and profile of one set."""
    notebooks = sorted(p for p in source.glob("*.ipynb"))
    site, cache = work / "site", work / "cache"
    load_before = load_average()
    busy_before = busy_cpu_seconds()
    start = time.perf_counter()
    cold = build(source, site, jobs=jobs, cache_dir=cache, progress=None)
    cold_seconds = time.perf_counter() - start
    cold_cpu = busy_cpu_seconds() - busy_before

    # The same cold build without static chart images (the browser made unavailable, as on a
    # machine without Chromium): nbconvert's pages have none, so this says what the images cost.
    # As the `frstory build` command, so that it pays its own imports as the first build did.
    command = [sys.executable, "-m", "frstory.cli", "build", "--notebooks", str(source),
               "--out", str(work / "site-no-images"), "--cache-dir", str(work / "cache-no-images")]
    busy_before = busy_cpu_seconds()
    start = time.perf_counter()
    subprocess.run(command + (["--jobs", str(jobs)] if jobs else []), check=True, capture_output=True,
                   env={**os.environ, "BROWSER_PATH": str(work / "no-browser")})
    no_images_seconds = time.perf_counter() - start
    no_images_cpu = busy_cpu_seconds() - busy_before

    baseline_seconds, nbconvert_sizes = nbconvert_baseline(notebooks, work / "nbconvert")
    load_after = load_average()

    profile = build_profile(cold, cache)

    noop_attempts = []
    for _ in range(3):
        start = time.perf_counter()
        noop = build(source, site, jobs=jobs, cache_dir=cache, progress=None)
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
    cpus = os.cpu_count() or 1
    cells = sum(row["cells_seconds"] for row in profile)
    return {
        "notebooks": origin,
        "count": len(notebooks),
        "cpus": cpus,
        "jobs": jobs or cpus,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "cold_build_seconds": round(cold_seconds, 2),
        "cold_build_executed": len(cold.executed),
        "nbconvert_sequential_seconds": round(baseline_seconds, 2),
        "cold_ratio": round(cold_seconds / baseline_seconds, 3),
        "cold_build_busy_cpu_seconds": round(cold_cpu, 1),
        "cold_build_no_images_seconds": round(no_images_seconds, 2),
        "cold_build_no_images_busy_cpu_seconds": round(no_images_cpu, 1),
        "cold_no_images_ratio": round(no_images_seconds / baseline_seconds, 3),
        "floor_seconds": round(cells / cpus, 2),
        "floor_ratio": round(cells / cpus / baseline_seconds, 3),
        "floor_with_imports_seconds": round((cells + imports * len(notebooks)) / cpus, 2),
        "floor_with_imports_ratio": round((cells + imports * len(notebooks)) / cpus / baseline_seconds, 3),
        "noop_rebuild_seconds_in_process": round(noop_seconds, 3),
        "noop_rebuild_seconds_cli": round(noop_cli_seconds, 3),
        "noop_rebuild_executed": len(noop.executed),
        "noop_attempts": noop_attempts,
        "profile": profile,
        "shared_plotly_js_bytes": plotly_js,
        "pages": pages,
    }


def table(result: dict) -> list[str]:
    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    plotly_js = result["shared_plotly_js_bytes"]
    lines = [
        f"frstory build benchmark ({result['count']} notebooks: {result['notebooks']}; "
        f"{result['cpus']} CPUs, --jobs {result['jobs']}; load average before {result['load_average_before']}, "
        f"after {result['load_average_after']})",
        "",
        f"{'measure':<52}{'value':>12}  goal",
        f"{'cold build (frstory, parallel, warm kernels)':<52}{result['cold_build_seconds']:>10.2f} s",
        f"{'nbconvert --execute --to html, sequential':<52}{result['nbconvert_sequential_seconds']:>10.2f} s",
        f"{'cold ratio frstory / nbconvert':<52}{result['cold_ratio']:>12.2f}  <= {GOALS['cold_ratio']} "
        f"{verdict(result['cold_ratio'] <= GOALS['cold_ratio'])}",
        f"{'  CPU busy on the whole machine meanwhile':<52}{result['cold_build_busy_cpu_seconds']:>10.1f} s  "
        f"(of {result['cold_build_seconds'] * result['cpus']:.1f} core-seconds)",
        f"{'cold build without static chart images':<52}{result['cold_build_no_images_seconds']:>10.2f} s  "
        f"(ratio {result['cold_no_images_ratio']:.2f}; CPU busy {result['cold_build_no_images_busy_cpu_seconds']:.1f} s)",
        f"{'floor: sum of cell times / cores':<52}{result['floor_seconds']:>10.2f} s  "
        f"(ratio {result['floor_ratio']:.2f})",
        f"{'floor with the pre-imports added back':<52}{result['floor_with_imports_seconds']:>10.2f} s  "
        f"(ratio {result['floor_with_imports_ratio']:.2f})",
        f"{'no-op rebuild, in process':<52}{result['noop_rebuild_seconds_in_process']:>10.3f} s  <= 1 s "
        f"{verdict(result['noop_rebuild_seconds_in_process'] <= GOALS['noop_seconds'])}",
        f"{'no-op rebuild, `frstory build` command':<52}{result['noop_rebuild_seconds_cli']:>10.3f} s  <= 1 s "
        f"{verdict(result['noop_rebuild_seconds_cli'] <= GOALS['noop_seconds'])}",
        f"{'shared assets/plotly.min.js (once per site)':<52}{plotly_js / 1024:>9.0f} KB",
        "",
        f"{'page':<40}{'frstory KB':>12}{'+css/js KB':>12}{'nbconvert KB':>14}  goal <= {GOALS['page_kb']} KB",
    ]
    for page in result["pages"]:
        lines.append(f"{page['notebook']:<40}{page['frstory_bytes'] / 1024:>12.1f}"
                     f"{page['frstory_with_css_js_bytes'] / 1024:>12.1f}{page['nbconvert_bytes'] / 1024:>14.1f}  "
                     f"{verdict(page['frstory_with_css_js_bytes'] / 1024 <= GOALS['page_kb'])}")
    lines += ["", "where the cold build's time goes (per notebook; kernels run --jobs at a time, started ahead)",
              f"{'notebook':<40}{'kernel s':>10}{'in cells s':>12}{'other s':>10}{'render s':>10}"]
    for row in result["profile"]:
        lines.append(f"{row['notebook']:<40}{row['kernel_seconds']:>10.2f}{row['cells_seconds']:>12.2f}"
                     f"{row['kernel_overhead_seconds']:>10.2f}{row['render_seconds']:>10.3f}")
    for attempt in result["noop_attempts"][:-1]:
        lines.append(f"note: a no-op rebuild re-executed {len(attempt['executed'])} notebooks "
                     f"({'; '.join(attempt['reasons'])}) and was measured again")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="?", type=Path, help="folder of story notebooks (default: <repo>/notebooks)")
    parser.add_argument("--jobs", type=int, default=None, help="parallel kernels for frstory build (default: CPUs)")
    parser.add_argument("--generated", type=int, default=20, metavar="N",
                        help="also benchmark N generated synthetic stories (default 20; 0 to skip)")
    parser.add_argument("--no-stories", action="store_true", help="benchmark only the generated notebooks")
    args = parser.parse_args(argv)

    sets: list[tuple[str, Path | None]] = []
    if not args.no_stories:
        source = args.notebooks or (REPO_ROOT / "notebooks" if REPO_ROOT is not None else None)
        if source is not None and any(source.glob("*.ipynb")):
            sets.append((str(source), source))
    if args.generated > 0:
        sets.append((f"generated ({args.generated} synthetic scaffold stories + a table each)", None))
    if not sets:
        print("nothing to benchmark: no notebooks and --generated 0", file=sys.stderr)
        return 2

    imports = preimport_seconds()
    results = []
    for origin, source in sets:
        work = Path(tempfile.mkdtemp(prefix="frstory-bench-"))
        try:
            if source is None:
                source = representative_notebooks(work / "notebooks", args.generated)
            results.append(measure(source, origin, args.jobs, work, imports))
        finally:
            shutil.rmtree(work, ignore_errors=True)

    when = datetime.now(timezone.utc).isoformat(timespec="seconds")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"bench_build-{stamp}.json").write_text(
        json.dumps({"when": when, "preimport_seconds": round(imports, 3), "sets": results}, indent=1) + "\n")
    lines = [f"run {when}; importing the pre-imported libraries in a fresh interpreter: {imports:.2f} s", ""]
    for result in results:
        lines += table(result) + [""]
    lines.append("summary: " + "; ".join(
        f"{r['count']} {'generated' if r['notebooks'].startswith('generated') else 'stories'}: cold "
        f"{r['cold_build_seconds']:.1f} s / nbconvert {r['nbconvert_sequential_seconds']:.1f} s = "
        f"{r['cold_ratio']:.2f}x (floor {r['floor_ratio']:.2f}x, {r['floor_with_imports_ratio']:.2f}x with imports)"
        for r in results))
    text = "\n".join(lines)
    (RESULTS_DIR / f"bench_build-{stamp}.txt").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
