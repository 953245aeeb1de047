"""Specification of starting a new story in a project of its own, outside the frstory checkout.

A newcomer runs ``frstory new SLUG --notebooks DIR`` and ``frstory build --notebooks DIR``: the
story reads its project's data (not frstory's), the instructions can be pasted as printed, the
build warns about what is still the scaffold's and nothing else, a parameterised page can be
removed, and what a reader is offered works where the reader takes it.

Every event, price and title written here is synthetic (made up for these tests).
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import frstory as fr
from frstory.cli import main as cli_main
from frstory.data.events import event_columns
from frstory.errors import BuildError, DataValidationError
from frstory.paths import PROJECT_ROOT_ENV, curated_data_file, project_root
from frstory.publish.embeds import write_embed
from frstory.publish.render import StoryRenderer
from frstory.publish.site import build
from notebook_factory import story_notebook

REPO = Path(__file__).resolve().parents[1]

#: One synthetic event on the scaffold's date range (2020-05-01 to 2020-07-31).
SYNTHETIC_EVENT = ("syn-launch,2020-06-10,day,,post,corporate,Synthetic Desk,Synthetic launch,"
                   "A made-up event.,https://example.org/syn,high,,,")


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _isolate(mp: pytest.MonkeyPatch, root: Path) -> None:
    """An empty price cache and no committed prices, for module-scoped fixtures (the autouse
    fixture that does this for each test has not run yet when they are set up)."""
    mp.setenv("FRSTORY_DATA_DIR", str(root / "frstory-data"))
    (root / "no-committed").mkdir(exist_ok=True)
    mp.setenv("FRSTORY_COMMITTED_DATA", str(root / "no-committed"))
    mp.delenv(PROJECT_ROOT_ENV, raising=False)


def _write_events(project: Path) -> None:
    (project / "data").mkdir(parents=True, exist_ok=True)
    (project / "data" / "events.csv").write_text(",".join(event_columns()) + "\n" + SYNTHETIC_EVENT + "\n",
                                                 encoding="utf-8")


def _import_synthetic_prices(folder: Path, ticker: str) -> None:
    """Made-up prices stored under ``ticker`` in the (isolated) price cache, as `frstory data import` does."""
    from frstory.data.importer import import_directory

    frame = fr.synthetic_prices(["SYNA"], "2020-05-01", "2020-07-31")
    frame = frame[frame["ticker"] == "SYNA"].drop(columns="ticker")
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d")
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / f"{ticker}.csv", index=False)
    import_directory(folder)


# -- where a project's data is found ---------------------------------------------------------------

def test_the_build_names_the_project_its_notebooks_read_from(tmp_path, monkeypatch):
    monkeypatch.setenv(PROJECT_ROOT_ENV, str(tmp_path))
    _write_events(tmp_path)
    assert project_root() == tmp_path.resolve()
    assert curated_data_file("events.csv") == tmp_path.resolve() / "data" / "events.csv"


def test_outside_a_build_the_project_is_the_nearest_folder_with_frstory_toml(tmp_path, monkeypatch):
    monkeypatch.delenv(PROJECT_ROOT_ENV, raising=False)
    (tmp_path / "frstory.toml").write_text("", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    _write_events(tmp_path)
    monkeypatch.chdir(tmp_path / "notebooks")  # where Jupyter runs a notebook
    assert curated_data_file("events.csv") == tmp_path.resolve() / "data" / "events.csv"
    assert len(fr.load_events()) == 1


def test_inside_the_checkout_the_checkouts_own_data_is_used(monkeypatch):
    monkeypatch.delenv(PROJECT_ROOT_ENV, raising=False)
    monkeypatch.chdir(REPO / "notebooks")
    assert curated_data_file("events.csv") == REPO / "data" / "events.csv"


def test_a_project_without_an_events_file_is_told_which_file_to_add_and_its_header(tmp_path, monkeypatch):
    monkeypatch.setenv(PROJECT_ROOT_ENV, str(tmp_path))
    with pytest.raises(DataValidationError) as caught:
        fr.load_events()
    message = str(caught.value)
    assert f"add the project's own events.csv at {tmp_path.resolve() / 'data' / 'events.csv'}" in message
    assert "header: " + ",".join(event_columns()) in message
    assert str(REPO) not in message


@pytest.fixture(scope="module")
def fresh_project(tmp_path_factory):
    """``frstory new`` of a real story in a folder of its own, built once before its data exists."""
    root = tmp_path_factory.mktemp("newcomer")
    with pytest.MonkeyPatch.context() as mp:
        _isolate(mp, root)
        mp.chdir(root)
        new = _cli("new", "city-budget", "--notebooks", "notebooks")
        failed = _cli("build", "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache")
        yield root, new, failed, mp


def test_a_fresh_real_story_stops_on_its_projects_missing_events_file_not_on_frstorys(fresh_project):
    root, _, (status, _, stderr), _ = fresh_project
    assert status == 1
    assert f"{root.resolve() / 'data' / 'events.csv'}: this project has no events.csv" in stderr
    assert str(REPO / "data") not in stderr


def test_frstory_new_repeats_the_notebooks_folder_in_its_build_command(fresh_project):
    _, (status, stdout, _), _, _ = fresh_project
    assert status == 0
    assert stdout.rstrip().endswith("build it with: frstory build --notebooks notebooks")


def test_frstory_new_marks_the_project_with_a_frstory_toml(fresh_project):
    root, (_, stdout, _), _, _ = fresh_project
    assert (root / "frstory.toml").is_file() and f"created {root / 'frstory.toml'}" in stdout


def test_the_parameters_comment_names_the_notebooks_own_file(fresh_project):
    root = fresh_project[0]
    source = (root / "notebooks" / "01-city-budget.py").read_text(encoding="utf-8")
    assert 'frstory build notebooks/01-city-budget.ipynb -p ticker QQQ -p name "Invesco QQQ"' in source
    assert "THIS.ipynb" not in source


def test_the_scaffold_draws_with_frstory_charts_and_carries_no_fallback(fresh_project):
    source = (fresh_project[0] / "notebooks" / "01-city-budget.py").read_text(encoding="utf-8")
    assert "from frstory.charts import price_with_events" in source
    assert "ImportError" not in source and "go.Figure" not in source


@pytest.fixture(scope="module")
def built_project(fresh_project):
    """The same project once it has its events file and (made-up) prices: built twice, the second
    time with a parameterised page made in between."""
    root, _, _, mp = fresh_project
    _write_events(root)
    # Synthetic prices stored as SPY, so the scaffold builds unchanged (its default ticker).
    _import_synthetic_prices(root / "prices-in", "SPY")
    _import_synthetic_prices(root / "prices-in-b", "SYNB")
    first = _cli("build", "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache")
    param = _cli("build", "notebooks/01-city-budget.ipynb", "-p", "ticker", "SYNB", "-p", "name", "SYNB Corp", "--out", "site",
                 "--cache-dir", "cache")
    again = _cli("build", "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache")
    return root, first, param, again


def test_a_real_story_with_its_events_and_prices_builds_offline_data_only(built_project):
    root, (status, _, stderr), _, _ = built_project
    assert status == 0, stderr
    assert (root / "site" / "01-city-budget.html").is_file()


def test_the_scaffolds_placeholder_paragraphs_are_warned_about(built_project):
    stderr = built_project[1][2]
    assert re.search(r"01-city-budget\.ipynb: cells 1, 4 still hold the scaffold's placeholder text", stderr)


def test_the_scaffolds_title_made_from_the_slug_is_still_warned_about(built_project):
    stderr = built_project[1][2]
    assert "the title 'City budget' is the placeholder made from the file name" in stderr


def test_a_parameterised_build_publishes_a_page_of_its_own(built_project):
    root, _, (status, _, stderr), _ = built_project
    assert status == 0, stderr
    assert (root / "site" / "01-city-budget--synb-synb-corp.html").is_file()


def test_a_full_build_says_which_parameterised_pages_it_publishes_again(built_project):
    status, _, stderr = built_project[3]
    assert status == 0, stderr
    assert ("note: publishing again 1 parameterised page of earlier builds: 01-city-budget--synb-synb-corp "
            "(remove one with `frstory build --drop-page SLUG`)") in stderr


@pytest.fixture(scope="module")
def plain_project(tmp_path_factory):
    """A notebook titled by its author with the words of its file name, showing a plotly chart,
    built once without a base URL."""
    root = tmp_path_factory.mktemp("plain")
    (root / "notebooks").mkdir()
    chart = ('import plotly.express as px\nimport pandas as pd\n'
             'px.bar(pd.DataFrame({"q": ["a", "b"], "v": [1, -2]}), x="q", y="v", title="A synthetic chart")')
    nbformat.write(story_notebook({"title": "Plain plotly", "dek": "A synthetic chart.", "synthetic": True},
                                  [nbformat.v4.new_markdown_cell("Synthetic."), nbformat.v4.new_code_cell(chart)]),
                   root / "notebooks" / "06-plain-plotly.ipynb")
    # A story module beside the notebook (code the notebook imports, not data it reads).
    (root / "notebooks" / "synthetic_helper.py").write_text("DAYS = 30\n", encoding="utf-8")
    made_up = ('import frstory as fr\nimport synthetic_helper\n'
               'prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-30")\nlen(prices)')
    nbformat.write(story_notebook({"title": "Made-up prices", "dek": "Synthetic prices.", "synthetic": True},
                                  [nbformat.v4.new_markdown_cell("Synthetic."), nbformat.v4.new_code_cell(made_up)]),
                   root / "notebooks" / "07-made-up-prices.ipynb")
    with pytest.MonkeyPatch.context() as mp:
        _isolate(mp, root)
        mp.chdir(root)
        status, _, stderr = _cli("build", "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache")
    assert status == 0, stderr
    return root, stderr


def test_a_title_the_author_set_is_not_a_placeholder_even_when_it_spells_the_file_name(plain_project):
    stderr = plain_project[1]
    assert "06-plain-plotly" in stderr and "placeholder" not in stderr


def test_without_a_base_url_the_build_says_why_charts_have_no_embed_code(plain_project):
    root, stderr = plain_project
    if not list((root / "site" / "embed").glob("*.html")):
        pytest.skip("no chart images (no Chromium): no embed pages either")
    assert ("no embed code on the charts (their embeddable pages are linked): an embed code pasted into "
            "another site needs the chart's absolute address; give the site's address with --base-url URL "
            "(or base_url in frstory.toml)") in stderr


def test_without_a_base_url_a_chart_offers_its_embeddable_page_but_no_code_to_paste(plain_project):
    page = (plain_project[0] / "site" / "06-plain-plotly.html").read_text(encoding="utf-8")
    if "embeddable page" not in page:
        pytest.skip("no chart images (no Chromium): no embed pages either")
    assert "fr-embed__code" not in page


def test_drop_page_removes_a_parameterised_page_for_good(built_project):
    root = built_project[0]
    status, _, stderr = _cli("build", "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache",
                             "--drop-page", "01-city-budget--synb-synb-corp")
    assert status == 0, stderr
    assert not (root / "site" / "01-city-budget--synb-synb-corp.html").exists()
    assert "01-city-budget--synb-synb-corp" not in (root / "site" / "index.html").read_text(encoding="utf-8")
    status, _, stderr = _cli("build", "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache")
    assert status == 0 and not (root / "site" / "01-city-budget--synb-synb-corp.html").exists()
    assert "publishing again" not in stderr


def test_drop_page_refuses_the_page_of_a_notebook(built_project):
    status, _, stderr = _cli("build", "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache",
                             "--drop-page", "01-city-budget")
    assert status == 1
    assert "01-city-budget.html is the page of the notebook 01-city-budget.ipynb" in stderr
    assert "remove the notebook from the notebooks folder" in stderr


def test_drop_page_of_a_page_the_site_does_not_have_names_the_pages_it_has(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    with pytest.raises(BuildError, match=r"--drop-page 01-x--syna: the site .* has no page 01-x--syna\.html "
                                         r"\(its parameterised pages: none\)"):
        build(tmp_path / "notebooks", tmp_path / "site", cache_dir=tmp_path / "cache", progress=None,
              drop_pages=["01-x--syna"])


# -- embed code ------------------------------------------------------------------------------------

_BODY = ('<figure class="fr-figure"><p class="fr-figure__title">Synthetic chart</p>'
         '<div class="fr-chart" id="fr-fig-1"></div></figure>')


def test_without_a_base_url_an_embed_page_is_written_but_no_code_is_offered(tmp_path):
    embed = write_embed(tmp_path, _BODY, "fr-fig-1", "01-x", 1, "Synthetic story")
    assert (tmp_path / "embed" / "01-x-1.html").is_file() and embed.href == "embed/01-x-1.html"
    assert embed.code == ""


def test_with_a_base_url_the_embed_code_points_at_the_charts_absolute_address(tmp_path):
    embed = write_embed(tmp_path, _BODY, "fr-fig-1", "01-x", 1, "Synthetic story", "https://example.org/s/")
    assert embed.code.startswith('<iframe src="https://example.org/s/embed/01-x-1.html"')


# -- tables ----------------------------------------------------------------------------------------

def _table_page(html: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("## Synthetic section"))
    cell = nbformat.v4.new_code_cell("t")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "t"})]
    nb.cells.append(cell)
    return StoryRenderer().render(nb, "synthetic", "")["body_html"]


def _synthetic_table(**furniture) -> fr.charts.Table:
    return fr.charts.Table(pd.DataFrame({"q": ["Q1"]}), ["Quarter", "Change"], [["Q1", "+1.0%"]], [False, True],
                           source="Synthetic", **furniture)


def test_a_table_with_a_title_is_named_by_its_title_not_by_the_section():
    body = _table_page(_synthetic_table(title="Synthetic quarterly profit").to_html())
    assert 'aria-label="Table 1: Synthetic quarterly profit"' in body


def test_a_tables_alt_text_in_its_caption_describes_it_after_its_title():
    html = ('<table class="fr-table"><caption><strong>Synthetic quarterly profit</strong>'
            '<span class="fr-table__alt fr-visually-hidden">Synthetic profit change by quarter</span></caption>'
            '<thead><tr><th scope="col">Quarter</th></tr></thead><tbody><tr><td>Q1</td></tr></tbody></table>')
    body = _table_page(html)
    assert 'aria-label="Table 1: Synthetic quarterly profit. Synthetic profit change by quarter"' in body


def test_a_table_without_a_caption_is_still_named_by_its_section():
    body = _table_page(_synthetic_table().to_html())
    assert 'aria-label="Table 1: Synthetic section"' in body


def test_an_embed_page_has_one_heading_naming_its_chart(tmp_path):
    write_embed(tmp_path, _BODY, "fr-fig-1", "01-x", 1, "Synthetic story")
    page = (tmp_path / "embed" / "01-x-1.html").read_text(encoding="utf-8")
    assert page.count("<h1") == 1 and '<h1 class="fr-visually-hidden">' in page


def _methods(page: str) -> str:
    return page[page.index('id="methods"'):]


def test_a_page_drawn_from_synthetic_prices_says_they_are_made_up_not_that_none_were_used(plain_project):
    methods = _methods((plain_project[0] / "site" / "07-made-up-prices.html").read_text(encoding="utf-8"))
    assert "are synthetic: random walks for examples, not market data" in methods
    assert "No price data used" not in methods and "examples.py" not in methods


def test_a_page_without_prices_says_it_used_none(plain_project):
    methods = _methods((plain_project[0] / "site" / "06-plain-plotly.html").read_text(encoding="utf-8"))
    assert "No price data used." in methods and "synthetic: random walks" not in methods


def test_a_story_module_the_notebook_imports_is_not_listed_as_a_data_file(plain_project):
    methods = _methods((plain_project[0] / "site" / "07-made-up-prices.html").read_text(encoding="utf-8"))
    assert "synthetic_helper.py" not in methods


def test_strict_fails_a_build_that_warned(plain_project):
    root = plain_project[0]
    with pytest.MonkeyPatch.context() as mp:
        _isolate(mp, root)
        mp.chdir(root)
        status, _, stderr = _cli("build", "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache",
                                 "--strict")
    assert status == 1 and "names no source" in stderr
    assert "--strict: the build warned" in stderr


def test_strict_passes_a_build_without_warnings(tmp_path):
    (tmp_path / "notebooks").mkdir()
    nbformat.write(story_notebook({"title": "Synthetic words", "dek": "Only words.", "synthetic": True},
                                  [nbformat.v4.new_markdown_cell("Synthetic text with no chart and no number.")]),
                   tmp_path / "notebooks" / "01-words.ipynb")
    with pytest.MonkeyPatch.context() as mp:
        _isolate(mp, tmp_path)
        mp.chdir(tmp_path)
        status, _, stderr = _cli("build", "--notebooks", "notebooks", "--out", "site", "--cache-dir", "cache",
                                 "--strict")
    assert status == 0, stderr
