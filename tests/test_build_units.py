"""Fast specifications of the build machinery: freeze key, lock and swap, parameters, inline
expressions, the audit hook, site configuration, progress and the scaffold. No kernels."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from frstory.errors import BuildError
from frstory.publish import inline
from frstory.publish.freeze import FrozenEntry, environment_hash, notebook_content_hash, source_hash, stale_reason
from frstory.publish.lock import SiteLock, exchange, remove_leftovers, swap_in
from frstory.publish.params import inject_parameters, parameter_slug, parse_value, read_params_file
from frstory.publish.progress import PlainProgress, RichProgress, make_progress
from frstory.publish.scaffold import PLACEHOLDER_DEK, new_story
from frstory.publish.site import SITE_DESCRIPTION, site_config

KEYS = {"content": "c", "source": "s", "environment": "e"}


def _record(reads=(), parameters=None) -> dict:
    from frstory.publish.freeze import parameters_key

    return {"content_hash": "c", "source_hash": "s", "environment_hash": "e", "reads": list(reads),
            "parameters_key": parameters_key(parameters)}


# -- the freeze key: one test per part -----------------------------------------------------------

def test_freeze_key_changes_when_a_cell_source_changes():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    before = notebook_content_hash(nb)
    nb.cells[0].source = "x = 2"
    assert stale_reason(_record(), **{**KEYS, "content": notebook_content_hash(nb)}) == "notebook changed"
    assert notebook_content_hash(nb) != before


def test_freeze_key_changes_when_the_story_metadata_changes():
    nb = nbformat.v4.new_notebook()
    nb.metadata["frstory"] = {"title": "Synthetic A"}
    before = notebook_content_hash(nb)
    nb.metadata["frstory"]["title"] = "Synthetic B"
    assert notebook_content_hash(nb) != before


def test_freeze_key_changes_when_a_frstory_source_file_changes(tmp_path):
    package = tmp_path / "pkg"
    (package / "publish" / "templates" / "site").mkdir(parents=True)
    (package / "a.py").write_text("A = 1\n")
    template = package / "publish" / "templates" / "site" / "page.html.j2"
    template.write_text("<p>1</p>")
    first = source_hash(package)
    (package / "a.py").write_text("A = 2\n")
    second = source_hash(package)
    template.write_text("<p>2</p>")
    assert len({first, second, source_hash(package)}) == 3
    assert stale_reason(_record(), **{**KEYS, "source": second}) == "frstory source changed"


def test_freeze_key_changes_when_an_installed_package_changes(tmp_path):
    (tmp_path / "pandas-2.2.0.dist-info").mkdir()
    before = environment_hash([str(tmp_path)])
    (tmp_path / "pandas-2.2.0.dist-info").rename(tmp_path / "pandas-2.3.0.dist-info")
    after = environment_hash([str(tmp_path)])
    assert before != after
    assert stale_reason(_record(), **{**KEYS, "environment": after}) == "environment changed"


@pytest.mark.parametrize("changed", [0, 1])
def test_freeze_key_changes_when_any_data_file_read_changes(tmp_path, changed):
    from frstory.provenance import sha256_file

    files = [tmp_path / "synthetic-a.csv", tmp_path / "synthetic-b.csv"]
    for f in files:
        f.write_text("a\n1\n")
    record = _record([{"kind": "file", "path": str(f), "file_sha256": sha256_file(f)} for f in files])
    assert stale_reason(record, **KEYS) is None
    files[changed].write_text("a\n2\n")
    assert stale_reason(record, **KEYS) == f"data changed: {files[changed]}"


def test_freeze_key_changes_when_the_parameters_change():
    record = _record(parameters={"ticker": "SYNA", "window": 5})
    assert stale_reason(record, **KEYS, parameters={"window": 5, "ticker": "SYNA"}) is None
    assert stale_reason(record, **KEYS, parameters={"ticker": "SYNB", "window": 5}) == "parameters changed"
    assert stale_reason(record, **KEYS) == "parameters changed"


def test_environment_key_does_not_depend_on_how_frstory_was_started(tmp_path):
    # `frstory build` puts the script's bin/ first on sys.path, `python -m` the working directory;
    # a folder there holding a distribution must not change the key, nor must sys.executable.
    script_dir = tmp_path / "bin"
    (script_dir / "stray-1.0.dist-info").mkdir(parents=True)
    code = "from frstory.publish.freeze import environment_hash; print(environment_hash())"
    (script_dir / "key.py").write_text(code + "\n")
    as_script = subprocess.run([sys.executable, str(script_dir / "key.py")], capture_output=True, text=True,
                               check=True).stdout
    as_command = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                cwd=script_dir).stdout
    assert as_script.strip() == as_command.strip() == environment_hash()


def test_a_frozen_entry_altered_after_writing_is_refused(tmp_path):
    entry = FrozenEntry.for_page(tmp_path, "01-synthetic", "c")
    entry.store({"content_hash": "c"}, "{}", {"content_hash": "c", "body_html": "<p>ok</p>"})
    assert entry.load() is not None and entry.problem is None
    render = json.loads(entry.render_path.read_text())
    render["body_html"] = "<script>window.__frstory_pwned=1</script>"
    entry.render_path.write_text(json.dumps(render))
    assert entry.load() is None
    assert entry.problem == "frozen copy altered since it was written"


def test_a_parameterised_page_has_its_own_freeze_slot(tmp_path):
    plain = FrozenEntry.for_page(tmp_path, "02-synthetic", "c")
    other = FrozenEntry.for_page(tmp_path, "02-synthetic--synb", "c", {"ticker": "SYNB"})
    assert plain.directory != other.directory


def test_the_freeze_slot_is_keyed_by_content_not_by_where_the_notebook_is(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    for checkout in ("checkout-a", "checkout-b"):
        (tmp_path / checkout / "notebooks").mkdir(parents=True)
        nbformat.write(nb, tmp_path / checkout / "notebooks" / "01-synthetic.ipynb")
    a, b = (FrozenEntry.for_notebook(tmp_path / "cache", tmp_path / c / "notebooks" / "01-synthetic.ipynb")
            for c in ("checkout-a", "checkout-b"))
    assert a.directory == b.directory


def test_the_freeze_slot_changes_with_the_notebooks_content(tmp_path):
    before = FrozenEntry.for_page(tmp_path, "01-synthetic", notebook_content_hash(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])))
    after = FrozenEntry.for_page(tmp_path, "01-synthetic", notebook_content_hash(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 2")])))
    assert before.directory != after.directory


def test_data_reads_recorded_in_one_checkout_are_checked_in_another(tmp_path):
    from frstory.provenance import sha256_file
    from frstory.publish.freeze import local_reads, portable_reads

    for checkout in ("worker", "laptop"):
        (tmp_path / checkout / "data").mkdir(parents=True)
        (tmp_path / checkout / "data" / "synthetic-a.csv").write_text("a\n1\n")
    worker_file = tmp_path / "worker" / "data" / "synthetic-a.csv"
    recorded = portable_reads([{"kind": "file", "path": str(worker_file), "file_sha256": sha256_file(worker_file)}],
                              tmp_path / "worker")
    here = local_reads(recorded, tmp_path / "laptop")
    assert here[0]["path"] == str(tmp_path / "laptop" / "data" / "synthetic-a.csv")
    assert stale_reason(_record(here), **KEYS) is None
    (tmp_path / "laptop" / "data" / "synthetic-a.csv").write_text("a\n2\n")
    assert stale_reason(_record(here), **KEYS).startswith("data changed:")


# -- lock, swap and leftovers ------------------------------------------------------------------

def test_a_second_build_that_may_not_wait_stops_with_a_clear_message(tmp_path):
    site = tmp_path / "site"
    with SiteLock(site):
        with pytest.raises(BuildError, match="another frstory build .* is writing the site site/"):
            with SiteLock(site, wait=False):
                pass


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path):
    site, lines, order = tmp_path / "site", [], []
    first = SiteLock(site).__enter__()

    def second():
        with SiteLock(site, say=lines.append):
            order.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)
    order.append("first done")
    first.__exit__(None, None, None)
    thread.join(5)
    assert order == ["first done", "second"]
    assert lines[0].startswith("waiting: another frstory build")


def test_swap_exchanges_the_folders_atomically_and_removes_the_old_site(tmp_path):
    site, staging = tmp_path / "site", tmp_path / ".site.building-1"
    site.mkdir(); (site / "old.html").write_text("old")
    staging.mkdir(); (staging / "new.html").write_text("new")
    swap_in(staging, site)
    assert [p.name for p in site.iterdir()] == ["new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_exchange_is_supported_here_so_there_is_no_gap(tmp_path):
    (tmp_path / "a").mkdir(); (tmp_path / "b").mkdir(); (tmp_path / "a" / "x").write_text("1")
    assert exchange(tmp_path / "a", tmp_path / "b") is True
    assert (tmp_path / "b" / "x").is_file()


def test_leftovers_of_interrupted_builds_are_removed_and_nothing_else(tmp_path):
    for name in (".site.building-1-ab", ".site.old-2-cd", ".other.building-3", "site"):
        (tmp_path / name).mkdir()
    assert remove_leftovers(tmp_path / "site") == [".site.building-1-ab", ".site.old-2-cd"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.building-3", "site"]


# -- parameters ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [("SYNA", "SYNA"), ("5", 5), ("0.25", 0.25), ("false", False),
                                         ("null", None), ("2020-06-11", "2020-06-11"), ("[1, 2]", "[1, 2]")])
def test_parameter_values_are_yaml_scalars_like_papermill(text, value):
    assert parse_value(text) == value


def test_injected_parameters_cell_follows_the_parameters_cell():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("intro"), nbformat.v4.new_code_cell("a = 1"),
                                         nbformat.v4.new_code_cell("b = a")])
    nb.cells[1].metadata["tags"] = ["parameters"]
    inject_parameters(nb, {"a": "SYNB"})
    assert nb.cells[2].metadata["tags"] == ["injected-parameters"]
    assert nb.cells[2].source == "# Parameters\na = 'SYNB'\n"
    assert nb.cells[3].source == "b = a"


def test_parameterised_pages_get_readable_distinct_slugs():
    assert parameter_slug("02-synthetic", {"ticker": "SYNB", "event": "syn-1"}) == "02-synthetic--synb-syn-1"
    long_a = parameter_slug("02-s", {"x": "a" * 80})
    long_b = parameter_slug("02-s", {"x": "a" * 79 + "b"})
    assert long_a != long_b and len(long_a) < 70


def test_params_file_errors_name_the_file_and_line(tmp_path):
    bad = tmp_path / "p.yml"
    bad.write_text("ticker: SYNA\n  bad: [\n")
    with pytest.raises(BuildError, match=r"p\.yml, line \d+: not valid YAML"):
        read_params_file(bad)
    bad.write_text("- a\n- b\n")
    with pytest.raises(BuildError, match="expected 'name: value' lines"):
        read_params_file(bad)
    bad.write_text("2bad: 1\n")
    with pytest.raises(BuildError, match="not a Python identifier"):
        read_params_file(bad)


# -- inline expressions --------------------------------------------------------------------------

def test_inline_expressions_are_found_in_markdown_and_story_metadata_only():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("A `{python} a` and ``code`` and `{python} f'{b:.1%}'`."),
        nbformat.v4.new_code_cell("# `{python} not_me`")])
    nb.metadata["frstory"] = {"title": "On `{python} ticker`"}
    found = inline.find_expressions(nb)
    assert [(e.where, e.expression) for e in found] == [
        ("metadata frstory.title", "ticker"), ("cell 1", "a"), ("cell 1", "f'{b:.1%}'")]


def test_a_value_from_data_can_never_become_markup():
    from nbconvert.filters.markdown import markdown2html

    hostile = "[click](javascript:alert(1)) ![i](x.png) <img src=x onerror=y> **bold** &lt; `c` # h"
    rendered = markdown2html(f"Value: {inline.value_html(hostile, 'x', 2)}")
    assert "<a" not in rendered and "<img" not in rendered and "<strong" not in rendered and "<code" not in rendered
    assert '<span class="fr-value" title="Computed: x (code cell 2)" data-fr-cell="2">' in rendered


def test_a_value_names_the_code_cell_that_computed_it():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("fall = 0.05"), nbformat.v4.new_markdown_cell("Fell `{python} f'{fall:.1%}'`."),
        nbformat.v4.new_code_cell("import math\nfall = round(fall, 3)")])
    inline.substitute(nb, ["5.0%"])
    assert 'title="Computed: f&#x27;{fall:.1%}&#x27; (code cell 3)"' in nb.cells[1].source


def test_story_metadata_gets_the_plain_value():
    nb = nbformat.v4.new_notebook()
    nb.metadata["frstory"] = {"title": "Shares of `{python} ticker`", "dek": "Fell `{python} fall`"}
    inline.substitute(nb, ["SYN<B>", "5%"])
    assert nb.metadata["frstory"] == {"title": "Shares of SYN<B>", "dek": "Fell 5%"}


# -- the audit hook --------------------------------------------------------------------------------

def test_the_read_hook_logs_project_files_opened_or_imported_and_nothing_else(tmp_path):
    project = tmp_path / "project"
    (project / "notebooks" / "story").mkdir(parents=True)
    (project / "data").mkdir()
    (project / "data" / "mine.csv").write_text("a\n1\n")
    (project / "notebooks" / "story" / "__init__.py").write_text("X = 1\n")
    (project / "cache").mkdir()
    (project / "cache" / "ignored.txt").write_text("x")
    (tmp_path / "outside.csv").write_text("a\n")
    log = tmp_path / "reads.jsonl"
    code = (
        "import sys\n"
        "from frstory.publish.kernel import install_read_hook\n"
        f"install_read_hook({str(log)!r}, {str(project)!r}, [{str(project / 'cache')!r}])\n"
        "sys.path.insert(0, 'notebooks')\n"
        "import story\n"
        "open('data/mine.csv').read(); open('data/mine.csv').read()\n"
        f"open({str(tmp_path / 'outside.csv')!r}).read()\n"
        "open('cache/ignored.txt').read()\n"
        "open('data/written.csv', 'w').write('x')\n"
    )
    for _ in range(2):  # the second run imports the module from its cached bytecode
        log.write_text("")
        subprocess.run([sys.executable, "-c", code], cwd=project, check=True)
        logged = [json.loads(line)["path"] for line in log.read_text().splitlines()]
        assert sorted(logged) == sorted([str(project / "notebooks" / "story" / "__init__.py"),
                                         str(project / "data" / "mine.csv")])


# -- site configuration --------------------------------------------------------------------------

def test_site_title_and_description_default_to_neutral_text(tmp_path):
    assert site_config(tmp_path) == {"title": "frstory", "description": SITE_DESCRIPTION, "base_url": "", "lang": "",
                                     "title_given": False}


def test_site_configuration_is_read_from_frstory_toml_or_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.frstory]\ntitle = "Synthetic Desk"\n')
    assert site_config(tmp_path)["title"] == "Synthetic Desk"
    (tmp_path / "frstory.toml").write_text('description = "Synthetic stories"\nbase_url = "https://example.org/s"\n')
    config = site_config(tmp_path)
    assert (config["title"], config["description"], config["base_url"]) == (
        "frstory", "Synthetic stories", "https://example.org/s/")


def test_a_base_url_that_is_not_http_is_refused(tmp_path):
    (tmp_path / "frstory.toml").write_text('base_url = "javascript:alert(1)"\n')
    with pytest.raises(BuildError, match="frstory.toml: base_url .* must start with http"):
        site_config(tmp_path)


# -- progress ------------------------------------------------------------------------------------

def test_progress_is_plain_lines_when_stderr_is_not_a_terminal(monkeypatch):
    import io

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    progress = make_progress("auto")
    assert isinstance(progress, PlainProgress)
    progress.notebook_started("01-synthetic.ipynb", "forced")
    progress.cell("01-synthetic.ipynb", 2, 7)
    progress.notebook_finished("01-synthetic.ipynb", True, 1.25)
    assert sys.stderr.getvalue().splitlines() == [
        "  executing  01-synthetic.ipynb (forced)", "             01-synthetic.ipynb: cell 2 of 7",
        "  done       01-synthetic.ipynb in 1.2 s"]


def test_progress_is_a_live_display_on_a_terminal(monkeypatch):
    class Terminal:
        def isatty(self):
            return True

        def write(self, text):
            return len(text)

        def flush(self):
            pass

    monkeypatch.setattr(sys, "stderr", Terminal())
    progress = make_progress("auto")
    try:
        assert isinstance(progress, RichProgress)
        progress.notebook_started("01-synthetic.ipynb", None)
        progress.cell("01-synthetic.ipynb", 3, 4)
        task = progress.bars.tasks[0]
        assert (task.description, task.completed, task.total) == ("01-synthetic.ipynb", 2, 4)
    finally:
        progress.close()


# -- scaffold ------------------------------------------------------------------------------------

def test_new_story_is_real_by_default_and_synthetic_only_on_request(tmp_path):
    real, _ = new_story("synthetic-real", tmp_path)
    example, _ = new_story("synthetic-example", tmp_path, synthetic=True)
    real_nb, example_nb = nbformat.read(real, as_version=4), nbformat.read(example, as_version=4)
    assert real_nb.metadata["frstory"]["synthetic"] is False
    assert "fr.load_prices(" in real_nb.cells[2].source and "synthetic" not in real_nb.cells[2].source
    assert example_nb.metadata["frstory"]["synthetic"] is True
    assert "fr.synthetic_prices(" in example_nb.cells[2].source


def test_new_story_metadata_travels_in_the_py_pair(tmp_path):
    import jupytext

    _, pair = new_story("synthetic-pair", tmp_path, title="Synthetic title", byline="Synthetic Desk")
    meta = jupytext.read(pair).metadata["frstory"]
    assert meta["title"] == "Synthetic title" and meta["byline"] == "Synthetic Desk"
    assert meta["dek"] == PLACEHOLDER_DEK and meta["synthetic"] is False and meta["date"]


# -- command-line checks that need no kernel ------------------------------------------------------

def test_parameters_without_a_notebook_are_refused_with_an_example(tmp_path, capsys):
    from frstory.cli import main

    (tmp_path / "notebooks").mkdir()
    status = main(["build", "--notebooks", str(tmp_path / "notebooks"), "-p", "ticker", "SYNB"])
    assert status == 1
    assert "need the NOTEBOOK to build with them, e.g. frstory build notebooks/02-x.ipynb -p ticker SYNA" in (
        capsys.readouterr().err)


def test_an_invalid_slug_is_refused(tmp_path, capsys):
    from frstory.cli import main

    notebook = tmp_path / "01-synthetic.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    assert main(["build", str(notebook), "--slug", "Bad Slug", "--out", str(tmp_path / "site")]) == 1
    assert "--slug 'Bad Slug' is not valid" in capsys.readouterr().err
