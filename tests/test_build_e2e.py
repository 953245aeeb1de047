"""``frstory build`` end to end with real kernels and real processes: inline expressions,
parameters, partial builds, ``--keep-going``, files opened by notebooks, reproducible pages,
two builds at once and builds killed at random points.

Kernel launches are few: each project is small and built as few times as the behaviours need.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from notebook_factory import story_notebook

from frstory.cli import main as cli_main
from frstory.errors import BuildError
from frstory.publish import build

pytestmark = pytest.mark.slow
md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
HOSTILE = "[synthetic link](javascript:alert(1)) <img src=x onerror=alert(1)> **synthetic bold**"
FRSTORY = str(Path(sys.executable).parent / "frstory")


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _methods(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[text.index('id="methods"'):]


def _cli(*args: str) -> tuple[int, str]:
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code_ = cli_main(list(args))
    return code_, stderr.getvalue()


# -- inline expressions, files opened by the notebook, parameters, partial builds ---------------

def _inline_notebook(extra_markdown: str = "") -> nbformat.NotebookNode:
    parameters = code('ticker = "SYNA"\nfactor = 2')
    parameters.metadata["tags"] = ["parameters"]
    return story_notebook(
        {"title": "Synthetic shares of `{python} ticker`", "dek": "A total of `{python} total`.",
         "date": "2020-06-10", "synthetic": True},
        [
            md("Synthetic ticker `{python} ticker` has a total of `{python} total`; "
               "from data: `{python} hostile`." + extra_markdown),
            parameters,
            code("import csv\nfrom story import BASE\n"
                 "rows = list(csv.reader(open('../data/synthetic-own.csv')))\n"
                 "total = BASE * factor * (len(rows) - 1)\n"
                 f"hostile = {HOSTILE!r}"),
        ],
    )


@pytest.fixture(scope="module")
def inline_project(tmp_path_factory):
    """Two notebooks (one with inline expressions reading its own CSV and a story module), built once."""
    root = tmp_path_factory.mktemp("build-inline")
    (root / "notebooks" / "story").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "data" / "synthetic-own.csv").write_text("day,value\n1,10\n2,11\n")
    (root / "notebooks" / "story" / "__init__.py").write_text("BASE = 10\n")
    nbformat.write(_inline_notebook(), root / "notebooks" / "01-inline.ipynb")
    nbformat.write(story_notebook({"title": "Synthetic plain", "synthetic": True}, [md("Plain synthetic."), code("x = 1")]),
                   root / "notebooks" / "02-plain.ipynb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRSTORY_DATA_DIR", str(root / "frstory-data"))
        mp.chdir(root)
        first = build(root / "notebooks", root / "site", cache_dir=root / "cache", jobs=2, progress=None)
        yield root, first, mp


def test_inline_expressions_are_replaced_by_their_traceable_values(inline_project):
    root, first, _ = inline_project
    assert first.executed == ["01-inline.ipynb", "02-plain.ipynb"]
    page = (root / "site" / "01-inline.html").read_text()
    assert re.search(r'<span class="fr-value" title="Computed: total \(code cell 3\)"[^>]*>40</span>', page)
    assert re.search(r'<span class="fr-value" title="Computed: ticker \(code cell 2\)"[^>]*>SYNA</span>', page)
    assert "{python}" not in page


def test_values_from_data_show_literally_never_as_links_images_or_emphasis(inline_project):
    root, _, _ = inline_project
    page = (root / "site" / "01-inline.html").read_text()
    value = re.search(r'title="Computed: hostile[^>]*>(.*?)</span>', page).group(1)
    assert "<" not in value.replace("&lt;", "")
    assert "javascript:alert(1)" in value and "&lt;img src=x onerror=alert(1)&gt;" in value


def test_title_and_dek_use_the_notebooks_values(inline_project):
    root, _, _ = inline_project
    page = (root / "site" / "01-inline.html").read_text()
    assert '<h1 class="fr-story__title">Synthetic shares of SYNA</h1>' in page
    assert '<p class="fr-story__dek">A total of 40.</p>' in page


def test_files_the_notebook_opened_itself_are_listed_in_the_methods_box(inline_project):
    root, _, _ = inline_project
    methods = _methods(root / "site" / "01-inline.html")
    assert "<code>data/synthetic-own.csv</code>" in methods
    assert methods.count("synthetic-own.csv</code>") == 1
    # The story's own module is code the notebook imported, not data it read.
    assert "notebooks/story/__init__.py" not in methods


def test_a_failing_inline_expression_names_notebook_cell_and_expression(inline_project, tmp_path):
    root, _, _ = inline_project
    bad = tmp_path / "09-bad-inline.ipynb"
    nbformat.write(story_notebook({"title": "Synthetic bad"}, [code("x = 1"), md("Value: `{python} y + 1`.")]), bad)
    before = _tree(root / "site")
    status, stderr = _cli("build", str(bad), "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache")
    assert status == 1
    assert re.search(r"09-bad-inline\.ipynb: cell 2: NameError: name 'y' is not defined "
                     r"\(in the inline expression `\{python\} y \+ 1` of cell 2\)", stderr)
    assert _tree(root / "site") == before


def test_execute_notebook_injects_parameters_and_evaluates_inline_expressions(inline_project):
    from frstory.publish import execute_notebook

    root, _, _ = inline_project
    nb = execute_notebook(root / "notebooks" / "01-inline.ipynb", {"ticker": "SYNC"}, cache_dir=root / "cache")
    assert nb.metadata["frstory"]["title"] == "Synthetic shares of SYNC"
    assert nb.cells[2].metadata["tags"] == ["injected-parameters"]
    assert re.search(r'title="Computed: ticker \(code cell 3\)"[^>]*>SYNC</span>', nb.cells[0].source)
    assert {Path(r["path"]).name for r in nb.metadata["frstory_build"]["reads"]} == {"synthetic-own.csv", "__init__.py"}


@pytest.fixture(scope="module")
def with_parameters(inline_project):
    """``frstory build notebooks/01-inline.ipynb -p ticker SYNB -p factor 3`` on the built site."""
    root, _, _ = inline_project
    before = _tree(root / "site")
    status, stderr = _cli("build", "notebooks/01-inline.ipynb", "-p", "ticker", "SYNB", "-p", "factor", "3",
                          "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache")
    assert status == 0, stderr
    return root, before, stderr


def test_a_parameterised_build_makes_a_page_of_its_own_with_its_values(with_parameters):
    root, _, _ = with_parameters
    page = (root / "site" / "01-inline--synb-3.html").read_text()
    assert '<h1 class="fr-story__title">Synthetic shares of SYNB</h1>' in page
    # The injected-parameters cell is cell 3 now, so the total comes from cell 4.
    assert re.search(r'title="Computed: total \(code cell 4\)"[^>]*>60</span>', page)
    assert "<code>ticker = SYNB</code>, <code>factor = 3</code>" in _methods(root / "site" / "01-inline--synb-3.html")


def test_building_one_notebook_keeps_every_other_page(with_parameters):
    root, before, _ = with_parameters
    after = _tree(root / "site")
    for name in ("01-inline.html", "02-plain.html", "data/sources"):
        kept = {k: v for k, v in before.items() if k.startswith(name)}
        assert kept and all(after.get(k) == v for k, v in kept.items()), name
    index = (root / "site" / "index.html").read_text()
    assert index.count('href="01-inline.html"') == index.count('href="01-inline--synb-3.html"') == 1
    assert 'href="02-plain.html"' in index


def test_a_full_build_keeps_parameterised_pages_and_reuses_their_frozen_copies(with_parameters):
    root, _, _ = with_parameters
    report = build(root / "notebooks", root / "site", cache_dir=root / "cache", progress=None)
    assert report.executed == [] and len(report.cached) == 3
    assert (root / "site" / "01-inline--synb-3.html").is_file()


def test_editing_a_file_the_notebook_opened_reexecutes_it_and_only_it(with_parameters):
    root, _, _ = with_parameters
    (root / "data" / "synthetic-own.csv").write_text("day,value\n1,10\n2,11\n3,12\n")
    report = build(root / "notebooks", root / "site", cache_dir=root / "cache", jobs=2, progress=None)
    assert sorted(report.executed) == ["01-inline.ipynb", "01-inline.ipynb"]  # plain and parameterised pages
    assert {s.reason for s in report.stories if s.status == "executed"} == {
        f"data changed: {root / 'data' / 'synthetic-own.csv'}"}
    assert re.search(r'title="Computed: total[^>]*>60</span>', (root / "site" / "01-inline.html").read_text())


def test_editing_a_story_module_the_notebook_imported_reexecutes_it(with_parameters):
    root, _, _ = with_parameters
    (root / "notebooks" / "story" / "__init__.py").write_text("BASE = 100\n")
    report = build(root / "notebooks", root / "site", cache_dir=root / "cache", notebooks=[
        root / "notebooks" / "01-inline.ipynb"], progress=None)
    assert report.executed == ["01-inline.ipynb"]
    assert report.stories[0].reason.startswith("data changed:") and report.stories[0].reason.endswith("__init__.py")
    assert re.search(r'title="Computed: total[^>]*>600</span>', (root / "site" / "01-inline.html").read_text())


# -- --keep-going --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def keep_going(tmp_path_factory):
    """Two good notebooks built; then one edited, one broken and a new broken one added."""
    root = tmp_path_factory.mktemp("build-keep-going")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    nbformat.write(story_notebook({"title": "Synthetic good"}, [md("Version one."), code("x = 1")]), notebooks / "01-good.ipynb")
    nbformat.write(story_notebook({"title": "Synthetic flaky"}, [md("Flaky but fine."), code("y = 2")]),
                   notebooks / "02-flaky.ipynb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRSTORY_DATA_DIR", str(root / "frstory-data"))
        build(notebooks, root / "site", cache_dir=root / "cache", jobs=2, progress=None)
        before = _tree(root / "site")
        nbformat.write(story_notebook({"title": "Synthetic good"}, [md("Version two."), code("x = 1")]),
                       notebooks / "01-good.ipynb")
        nbformat.write(story_notebook({"title": "Synthetic flaky"}, [md("Flaky."), code("raise ValueError('synthetic')")]),
                       notebooks / "02-flaky.ipynb")
        nbformat.write(story_notebook({"title": "Synthetic new"}, [code("1 / 0")]), notebooks / "03-new.ipynb")
        with pytest.raises(BuildError) as info:
            build(notebooks, root / "site", cache_dir=root / "cache", jobs=2, progress=None, keep_going=True)
    return root, before, info.value


def test_keep_going_still_reports_the_failures(keep_going):
    _, _, error = keep_going
    assert error.report.failed == ["02-flaky.ipynb", "03-new.ipynb"] and error.report.published
    assert "02-flaky.ipynb: cell 2, line 1: ValueError: synthetic" in str(error)
    assert "kept the last good page of 02-flaky" in str(error)


def test_keep_going_publishes_the_notebooks_that_succeeded(keep_going):
    root, _, _ = keep_going
    assert "Version two." in (root / "site" / "01-good.html").read_text()


def test_a_failed_notebook_keeps_its_last_good_page(keep_going):
    root, before, _ = keep_going
    assert _tree(root / "site")["02-flaky.html"] == before["02-flaky.html"]
    assert 'href="02-flaky.html"' in (root / "site" / "index.html").read_text()


def test_a_failed_notebook_without_a_good_page_is_listed_as_unavailable(keep_going):
    root, _, _ = keep_going
    index = (root / "site" / "index.html").read_text()
    assert not (root / "site" / "03-new.html").exists() and "03-new.html" not in index
    unavailable = index[index.index("Unavailable"):]
    assert "03-new" in unavailable and "failed to build" in unavailable


def test_the_keep_going_exit_status_is_non_zero(keep_going, monkeypatch):
    root, _, _ = keep_going
    monkeypatch.chdir(root)
    status, stderr = _cli("build", "--keep-going", "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache")
    assert status == 1 and "2 of 3 notebooks failed; the others were published" in stderr


# -- processes: how frstory is started, reproducible pages, two builds at once, kills -------------

def _run(args: list[str], cwd: Path, epoch: int | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, **kwargs)


def _build_args(out: str, cache: str, *extra: str) -> list[str]:
    return ["build", "--notebooks", "notebooks", "--out", out, "--cache-dir", cache, *extra]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """One small notebook reading a data file twice (a loader and open()), built by
    ``python -m frstory.cli`` with SOURCE_DATE_EPOCH set."""
    root = tmp_path_factory.mktemp("build-tiny")
    (root / "notebooks").mkdir()
    (root / "data").mkdir()
    (root / "data" / "synthetic-tiny.csv").write_text("a\n1\n")
    nbformat.write(story_notebook({"title": "Synthetic tiny", "date": "2020-06-10", "synthetic": True}, [
        md("The file has `{python} len(rows)` rows."),
        code("from frstory.provenance import record_read\nrecord_read('synthetic', '../data/synthetic-tiny.csv')\n"
             "rows = open('../data/synthetic-tiny.csv').read().splitlines()"),
    ]), root / "notebooks" / "01-tiny.ipynb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRSTORY_DATA_DIR", str(root / "frstory-data"))
        first = _run([sys.executable, "-m", "frstory.cli", *_build_args("site-a", "cache-a")], root, epoch=1591747200)
        assert first.returncode == 0, first.stderr
        yield root, first, mp


def test_progress_without_a_terminal_is_plain_lines_per_notebook_and_cell(tiny):
    _, first, _ = tiny
    assert "  executing  notebooks/01-tiny.ipynb (not executed before)" in first.stderr
    assert "             notebooks/01-tiny.ipynb: cell 1 of 1" in first.stderr
    assert "\x1b[" not in first.stderr


def test_frstory_and_python_m_frstory_share_the_freeze_cache(tiny):
    root, _, _ = tiny
    second = _run([FRSTORY, *_build_args("site-b", "cache-a")], root, epoch=1591747200)
    assert second.returncode == 0, second.stderr
    assert "cached     notebooks/01-tiny.ipynb" in second.stderr and "executing" not in second.stderr


def test_identical_inputs_with_source_date_epoch_give_byte_identical_sites(tiny):
    root, _, _ = tiny
    again = _run([FRSTORY, *_build_args("site-c", "cache-c")], root, epoch=1591747200)
    assert again.returncode == 0 and "executing" in again.stderr  # a fresh cache: executed again
    assert _tree(root / "site-c") == _tree(root / "site-a")
    assert "2020" in (root / "site-c" / "01-tiny.html").read_text().split('class="fr-footer"')[1]


def test_two_builds_at_once_both_succeed_one_after_the_other(tiny):
    root, _, _ = tiny
    env = dict(os.environ)
    procs = [subprocess.Popen([FRSTORY, *_build_args("site-a", "cache-a", "--force")], cwd=root, env=env,
                              stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sum("waiting: another frstory build" in o for o in outputs) == 1
    record = json.loads(next((root / "cache-a" / "freeze").glob("01-tiny-*/record.json")).read_text())
    assert [(r["kind"], Path(r["path"]).name) for r in record["reads"]] == [("synthetic", "synthetic-tiny.csv")]
    assert _methods(root / "site-a" / "01-tiny.html").count("synthetic-tiny.csv</code>") == 1


def test_a_build_killed_at_any_point_leaves_the_old_site_or_the_new_one(tiny):
    root, _, _ = tiny
    args = [FRSTORY, *_build_args("site-k", "cache-a")]
    trees = {}
    for epoch in (1000000000, 2000000000):  # two versions of the site, both from the freeze cache
        started = time.monotonic()
        assert _run(args, root, epoch=epoch).returncode == 0
        duration = time.monotonic() - started
        trees[epoch] = _tree(root / "site-k")
    assert trees[1000000000] != trees[2000000000]
    rng = random.Random(20200610)
    current = 2000000000
    kills = 10
    for i in range(kills):
        target = 1000000000 if current == 2000000000 else 2000000000
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(target)}
        proc = subprocess.Popen(args, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        # Start-up (imports) is most of a cached build: spread the kills over its second half,
        # and past its end, where pages are written and swapped in.
        time.sleep(duration * (0.4 + 0.8 * (i + rng.random()) / kills))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        tree = _tree(root / "site-k")
        assert tree in (trees[current], trees[target]), f"kill {i} left a broken site"
        current = target if tree == trees[target] else current
    final = _run(args, root, epoch=1000000000)
    assert final.returncode == 0
    assert _tree(root / "site-k") == trees[1000000000]
    assert [p.name for p in root.iterdir() if p.name.startswith((".site-k.building-", ".site-k.old-"))] == []


def test_a_tampered_freeze_entry_is_executed_again_and_never_published(tiny):
    root, _, _ = tiny
    render_path = next((root / "cache-a" / "freeze").glob("01-tiny-*/render.json"))
    render = json.loads(render_path.read_text())
    render["body_html"] += "<p>synthetic-tampered</p>"
    render_path.write_text(json.dumps(render))
    result = _run([FRSTORY, *_build_args("site-t", "cache-a")], root)
    assert result.returncode == 0, result.stderr
    assert "executing  notebooks/01-tiny.ipynb (frozen copy altered since it was written)" in result.stderr
    assert "synthetic-tampered" not in (root / "site-t" / "01-tiny.html").read_text()


def test_params_file_and_slug_name_the_page(tiny):
    root, _, _ = tiny
    # The parameters a build may set are the ones the notebook's parameters cell defines.
    parameters = code("label = 'synthetic default'\nwindow = 3")
    parameters.metadata["tags"] = ["parameters"]
    (root / "notebooks-p").mkdir()
    nbformat.write(story_notebook({"title": "Synthetic tiny parameters", "date": "2020-06-10", "synthetic": True},
                                  [parameters]), root / "notebooks-p" / "01-tiny-p.ipynb")
    (root / "synthetic-params.yml").write_text("label: synthetic label\nwindow: 5\n")
    result = _run([FRSTORY, "build", "notebooks-p/01-tiny-p.ipynb", "--params", "synthetic-params.yml", "-p", "window", "7",
                   "--slug", "tiny-custom", "--notebooks", "notebooks", "--out", "site-t", "--cache-dir", "cache-a"], root)
    assert result.returncode == 0, result.stderr
    page = (root / "site-t" / "tiny-custom.html").read_text()
    assert "<code>label = synthetic label</code>, <code>window = 7</code>" in page
    assert (root / "site-t" / "01-tiny.html").is_file()  # the page built before is kept


# -- failures named in the paired jupytext script --------------------------------------------------

@pytest.fixture(scope="module")
def paired_failure(tmp_path_factory):
    """A synthetic story saved as a notebook and its jupytext percent script, failing in its fourth cell."""
    import jupytext

    root = tmp_path_factory.mktemp("build-paired-failure")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    nb = story_notebook({"title": "Synthetic pair"}, [
        md("A synthetic story."),
        code("divisor = 0", metadata={"tags": ["parameters"]}),
        md("Then it divides."),
        code("total = 10\nshare = total / divisor\nshare"),
    ])
    nbformat.write(nb, notebooks / "05-pair.ipynb")
    jupytext.write(nb, notebooks / "05-pair.py", fmt="py:percent")
    return root, notebooks


def _failure_text(root: Path, folder: Path, **kwargs) -> str:
    with pytest.MonkeyPatch.context() as mp, pytest.raises(BuildError) as info:
        mp.setenv("FRSTORY_DATA_DIR", str(root / "frstory-data"))
        mp.chdir(root)
        build(folder, root / "site", cache_dir=root / "cache", jobs=1, progress=None, **kwargs)
    return str(info.value)


def test_a_failure_names_its_line_in_the_paired_script(paired_failure):
    root, notebooks = paired_failure
    script = (notebooks / "05-pair.py").read_text().splitlines()
    line = script.index("share = total / divisor") + 1
    text = _failure_text(root, notebooks)
    assert f"notebooks/05-pair.ipynb: cell 4, line 2 (notebooks/05-pair.py, line {line}): ZeroDivisionError" in text


def test_a_parameterised_failure_counts_the_authors_cells_not_the_injected_one(paired_failure):
    root, notebooks = paired_failure
    text = _failure_text(root, notebooks, notebooks=[notebooks / "05-pair.ipynb"], parameters={"divisor": 0.0})
    assert "05-pair.ipynb: cell 4, line 2 (notebooks/05-pair.py, line " in text


def test_a_script_out_of_step_with_its_notebook_gets_no_line(paired_failure, tmp_path):
    root, notebooks = paired_failure
    import shutil

    stale = tmp_path / "project"
    shutil.copytree(root / "notebooks", stale / "notebooks")
    script = stale / "notebooks" / "05-pair.py"
    script.write_text(script.read_text().replace("share = total / divisor", "share = total / (divisor + 1)"))
    text = _failure_text(stale, stale / "notebooks")
    assert "cell 4, line 2: ZeroDivisionError" in text and ".py, line" not in text
