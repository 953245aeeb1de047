"""Kernels started ahead of need: every notebook still gets a fresh interpreter of its own, the
pre-imported libraries are invisible to it, and kernels are killed after their notebook.

Real kernels, real processes; one small project built once for all specifications.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from notebook_factory import story_notebook

from frstory.publish import build, execute_notebook
from frstory.publish.freeze import FrozenEntry
from frstory.publish.pool import PREIMPORT

pytestmark = pytest.mark.slow
md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell

# The kernel process's start time, from /proc (Linux): boot time + start ticks after boot.
BORN = ("(next(int(l.split()[1]) for l in open('/proc/stat') if l.startswith('btime'))"
        " + int(open('/proc/self/stat').read().rsplit(')', 1)[1].split()[19]) / os.sysconf('SC_CLK_TCK'))")
NAMESPACE = ("import json, os, random, sys, time\nimport numpy\n"
             "print(json.dumps({'names': sorted(k for k in globals() if not k.startswith('_')),"
             f" 'pid': os.getpid(), 'born': {BORN},"
             " 'random': [random.random(), float(numpy.random.random())], 'path': sys.path, 'cwd': os.getcwd(),"
             " 'leaked': hasattr(sys, 'synthetic_leak') or 'synthetic_secret' in globals()}))")


def _notebook(*cells) -> nbformat.NotebookNode:
    return story_notebook({"title": "Synthetic pool check", "date": "2020-06-10", "synthetic": True},
                          [md("Synthetic."), *cells])


def _printed(executed: nbformat.NotebookNode, index: int = 1) -> dict:
    text = "".join(o.get("text", "") for o in executed.cells[index].outputs if o.get("output_type") == "stream")
    return json.loads(text.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    """Three notebooks built one at a time (--jobs 1): the first leaves state behind and takes
    3 s, the others report their namespace, process and birth time."""
    root = tmp_path_factory.mktemp("build-pool")
    (root / "notebooks").mkdir()
    nbformat.write(_notebook(code(NAMESPACE), code(
        "import sys, time\nsynthetic_secret = 42\nsys.synthetic_leak = True\ntime.sleep(3)\n"
        "print(json.dumps({'ended': time.time()}))")), root / "notebooks" / "01-first.ipynb")
    for name in ("02-second", "03-third"):
        nbformat.write(_notebook(code(NAMESPACE)), root / "notebooks" / f"{name}.ipynb")
    report = build(root / "notebooks", root / "site", cache_dir=root / "cache", jobs=1, progress=None)
    executed = {}
    for story in report.stories:
        entry = FrozenEntry.for_notebook(root / "cache", story.notebook)
        executed[story.notebook.stem] = nbformat.read(entry.executed_path, as_version=4)
    return root, report, executed


def test_state_left_by_one_notebook_is_never_seen_by_the_next(pooled):
    _, _, executed = pooled
    assert _printed(executed["02-second"])["leaked"] is False
    assert _printed(executed["03-third"])["leaked"] is False


def test_every_notebook_runs_in_a_process_of_its_own(pooled):
    _, _, executed = pooled
    pids = {_printed(nb)["pid"] for nb in executed.values()}
    assert len(pids) == 3


def test_the_next_kernel_is_started_while_the_current_notebook_runs(pooled):
    _, _, executed = pooled
    ended = _printed(executed["01-first"], 2)["ended"]
    # /proc gives the boot time in whole seconds, so birth times are up to 1 s early: a margin.
    assert _printed(executed["02-second"])["born"] < ended - 1.5


def test_unseeded_random_numbers_differ_between_notebooks_as_in_fresh_interpreters(pooled):
    _, _, executed = pooled
    draws = [tuple(_printed(nb)["random"]) for nb in executed.values()]
    assert len({d[0] for d in draws}) == 3 and len({d[1] for d in draws}) == 3


def test_each_kernel_is_killed_after_its_notebook(pooled):
    _, _, executed = pooled
    assert [pid for pid in (_printed(nb)["pid"] for nb in executed.values()) if _alive(pid)] == []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_warm_kernel_shows_the_notebook_the_same_namespace_as_a_cold_one(pooled):
    root, _, executed = pooled
    cold = execute_notebook(root / "notebooks" / "02-second.ipynb", cache_dir=root / "cold-cache")
    assert _printed(executed["02-second"])["names"] == _printed(cold)["names"]
    assert _printed(executed["02-second"])["path"] == _printed(cold)["path"]
    assert _printed(executed["02-second"])["cwd"] == _printed(cold)["cwd"]
    assert executed["02-second"].cells[1].execution_count == cold.cells[1].execution_count == 1


def test_the_preimported_libraries_import_without_a_warning():
    # A warning raised while importing ahead would never reach the notebook's output.
    imports = "; ".join(f"import {name}" for name in PREIMPORT)
    result = subprocess.run([sys.executable, "-W", "error", "-c", imports], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_frstory_imports_none_of_the_heavy_libraries():
    code_ = ("import sys, frstory, frstory.publish, frstory.publish.execute, frstory.publish.freeze, "
             "frstory.publish.pool, frstory.publish.distributed; "
             "print(sorted(m for m in ('pandas', 'numpy', 'plotly', 'scipy', 'nbclient', 'distributed') "
             "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code_], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_build_command_loads_no_renderer_until_a_page_is_rendered():
    # An unchanged rebuild renders nothing: nbconvert (0.6 s to import) must not be on its path.
    code_ = ("import sys, frstory.cli, frstory.publish.site, frstory.publish.render; "
             "print(sorted(m for m in ('nbconvert', 'pandas', 'plotly') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code_], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_without_forking_each_notebook_still_gets_a_fresh_kernel_with_the_same_namespace(tmp_path, monkeypatch):
    # The path taken where fork is unavailable (not Linux) or switched off.
    monkeypatch.setenv("FRSTORY_FORK_KERNELS", "0")
    (tmp_path / "notebooks").mkdir()
    for name in ("01-a", "02-b"):
        nbformat.write(_notebook(code(NAMESPACE)), tmp_path / "notebooks" / f"{name}.ipynb")
    report = build(tmp_path / "notebooks", tmp_path / "site", cache_dir=tmp_path / "cache", jobs=1, progress=None)
    printed = [_printed(nbformat.read(FrozenEntry.for_notebook(tmp_path / "cache", s.notebook).executed_path,
                                      as_version=4)) for s in report.stories]
    cold = _printed(execute_notebook(tmp_path / "notebooks" / "01-a.ipynb", cache_dir=tmp_path / "cold"))
    assert printed[0]["pid"] != printed[1]["pid"]
    assert printed[0]["names"] == printed[1]["names"] == cold["names"]


def _pool_importing(tmp_path, monkeypatch, module: str, source: str):
    """An unforked pool whose kernels import the synthetic module ``module`` (written from ``source``) first."""
    from frstory.publish.execute import ensure_kernelspec
    from frstory.publish.pool import KernelPool

    (tmp_path / f"{module}.py").write_text(source)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    return KernelPool(ensure_kernelspec(tmp_path / "cache"), tmp_path / "logs", preimport=(module,),
                      fork=False, startup_timeout=60)


def test_a_kernel_that_dies_while_starting_reports_what_it_wrote(tmp_path, monkeypatch):
    # The kernel's log is deleted with the build's run logs: the error must carry what it said.
    import asyncio

    pool = _pool_importing(tmp_path, monkeypatch, "synthetic_dies_on_start",
                           "import os, sys\nsys.stderr.write('synthetic start-up failure\\n')\nsys.stderr.flush()\nos._exit(3)\n")

    async def start() -> None:
        try:
            await pool.start(tmp_path, tmp_path)
        finally:
            await pool.close()

    with pytest.raises(RuntimeError, match="the kernel wrote: synthetic start-up failure"):
        asyncio.run(start())


def test_a_kernel_that_dies_while_starting_is_replaced_once(tmp_path, monkeypatch):
    # On a loaded machine a kernel now and then exits while starting: the notebook gets the next one.
    import asyncio

    marker = tmp_path / "died-once"
    pool = _pool_importing(tmp_path, monkeypatch, "synthetic_dies_once",
                           "import os, pathlib\n"
                           f"marker = pathlib.Path({str(marker)!r})\n"
                           "if not marker.exists():\n"
                           "    marker.write_text('died')\n"
                           "    os._exit(3)\n")

    async def start_and_ask() -> dict:
        try:
            kernel = await pool.start(tmp_path, tmp_path)
            reply = await kernel.kc.kernel_info(reply=True, timeout=30)
            pool.dispose(kernel)
            return reply
        finally:
            await pool.close()

    reply = asyncio.run(start_and_ask())
    assert reply["content"]["status"] == "ok"
    assert marker.read_text() == "died", "the first kernel did die"
