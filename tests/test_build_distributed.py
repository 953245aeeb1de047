"""``frstory build --scheduler``: notebooks executed on a Dask cluster give the same site as a
local build, and the freeze cache, keyed by content, is shared between the two.

A real ``distributed.LocalCluster`` (worker processes, each starting real kernels) on loopback.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from notebook_factory import story_notebook

from frstory.cli import main as cli_main
from frstory.errors import BuildError
from frstory.publish import build

pytestmark = pytest.mark.slow
distributed = pytest.importorskip("distributed")
md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
EPOCH = "1591747200"


def _cli(*args: str) -> tuple[int, str]:
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        status = cli_main(list(args))
    return status, stderr.getvalue()


def _pages(site: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(site.glob("*.html"))}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Two synthetic stories: one reads a data file (inline value + table), one draws a chart."""
    root = tmp_path_factory.mktemp("build-dask")
    (root / "notebooks").mkdir()
    (root / "data").mkdir()
    (root / "data" / "synthetic-shares.csv").write_text("day,price\n1,10.5\n2,11.25\n3,9.75\n")
    nbformat.write(story_notebook({"title": "Synthetic shares", "date": "2020-06-10", "synthetic": True}, [
        md("The synthetic price ended at `{python} last`."),
        code("import pandas as pd\nprices = pd.read_csv('../data/synthetic-shares.csv')\n"
             "last = prices['price'].iloc[-1]\nprices"),
    ]), root / "notebooks" / "01-shares.ipynb")
    nbformat.write(story_notebook({"title": "Synthetic chart", "date": "2020-06-11", "synthetic": True}, [
        md("A synthetic line."),
        code("import plotly.graph_objects as go\ngo.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2]))"),
    ]), root / "notebooks" / "02-chart.ipynb")
    return root


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      host="127.0.0.1") as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def both_sites(project, cluster):
    """The same project built locally and with --scheduler (the real CLI), each with its own cache."""
    root = project
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        mp.setenv("FRSTORY_DATA_DIR", str(root / "frstory-data"))
        mp.chdir(root)
        local = build(root / "notebooks", root / "site-local", cache_dir=root / "cache-local", progress=None)
        status, stderr = _cli("build", "--notebooks", "notebooks", "--out", "site-dask", "--cache-dir",
                              "cache-dask", "--scheduler", cluster)
        assert status == 0, stderr
    return root, local, stderr


def test_a_cluster_build_gives_the_same_pages_as_a_local_build(both_sites):
    root, local, _ = both_sites
    assert local.executed == ["01-shares.ipynb", "02-chart.ipynb"]
    assert _pages(root / "site-dask") == _pages(root / "site-local")


def test_a_cluster_build_says_where_the_notebooks_run(both_sites, cluster):
    _, _, stderr = both_sites
    assert f"2 to execute, on the Dask cluster at {cluster}" in stderr


def test_a_later_local_build_reuses_what_the_cluster_executed(both_sites):
    root, _, _ = both_sites
    again = build(root / "notebooks", root / "site-dask", cache_dir=root / "cache-dask", progress=None)
    assert again.executed == [] and again.cached == ["01-shares.ipynb", "02-chart.ipynb"]


def test_a_cluster_build_reuses_what_a_local_build_executed(both_sites, cluster):
    root, _, _ = both_sites
    again = build(root / "notebooks", root / "site-local", cache_dir=root / "cache-local", progress=None,
                  scheduler=cluster)
    assert again.executed == []


def test_a_frozen_entry_is_reused_from_another_checkout_of_the_project(both_sites, tmp_path):
    root, _, _ = both_sites
    import shutil

    copy = tmp_path / "elsewhere"
    shutil.copytree(root / "notebooks", copy / "notebooks")
    shutil.copytree(root / "data", copy / "data")
    again = build(copy / "notebooks", copy / "site", cache_dir=root / "cache-dask", progress=None)
    assert again.executed == []


def test_data_changed_on_the_client_makes_the_clusters_copy_stale(both_sites, tmp_path):
    root, _, _ = both_sites
    import shutil

    copy = tmp_path / "edited"
    shutil.copytree(root / "notebooks", copy / "notebooks")
    shutil.copytree(root / "data", copy / "data")
    shutil.copytree(root / "cache-dask", copy / "cache")
    (copy / "data" / "synthetic-shares.csv").write_text("day,price\n1,10.5\n2,11.25\n3,8.5\n")
    again = build(copy / "notebooks", copy / "site", cache_dir=copy / "cache", progress=None)
    assert again.executed == ["01-shares.ipynb"]
    assert again.stories[0].reason.startswith("data changed:")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_named_with_how_to_fix_it(project, tmp_path):
    address = f"tcp://127.0.0.1:{_free_port()}"
    lines: list[str] = []
    with pytest.raises(BuildError) as caught:
        build(project / "notebooks", tmp_path / "site", cache_dir=tmp_path / "cache", progress=lines.append,
              scheduler=address)
    message = str(caught.value)
    assert f"cannot reach the Dask scheduler at {address}" in message and "dask scheduler" in message
    assert not (tmp_path / "site").exists()
    assert not any("executing" in line for line in lines)  # stopped before announcing any notebook


def test_without_dask_installed_the_error_names_the_extra_to_install(project, tmp_path):
    # distributed made unimportable in a child interpreter, as in an install without the extra.
    script = ("import sys; sys.modules['distributed'] = None; from frstory.cli import main; "
              f"sys.exit(main(['build', '--notebooks', {str(project / 'notebooks')!r}, '--out', "
              f"{str(tmp_path / 'site')!r}, '--cache-dir', {str(tmp_path / 'cache')!r}, "
              "'--scheduler', 'tcp://127.0.0.1:8786']))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "FRSTORY_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 1
    assert "pip install 'frstory[dask]'" in result.stderr and "Traceback" not in result.stderr
