"""Story notebooks 01-timeline and 04-a-year-later.

Static checks (pairing, no outputs, metadata, parameters) need nothing but the repository. The
executed checks import the real snapshot (``../shared/market``, via the ``market_dir`` fixture)
into a temporary price cache, run each notebook once in a real kernel with one extra cell that
prints the story's key variables as JSON, and compare them with figures computed here straight from
the snapshot's CSV files and ``data/events.csv``.
"""

from __future__ import annotations

import ast
import csv
import html
import json
import re
from pathlib import Path

import jupytext
import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from yahoo_replay import unused_base_url

from frstory.data.importer import import_directory

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
STORIES = ("01-timeline", "04-a-year-later")
PLOTLY_MIME = "application/vnd.plotly.v1+json"
FACTS_MARKER = "FRSTORY-TEST-FACTS "


# ---------------------------------------------------------------------------------------------
# Helpers


def read_notebook(story: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{story}.ipynb", as_version=4)


def cell_summary(nb) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", ()))) for c in nb.cells]


def kernel_env(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """Environment the kernel inherits: this price cache, and no way to reach Yahoo."""
    monkeypatch.setenv("FRSTORY_DATA_DIR", str(data_dir))
    monkeypatch.setenv("FRSTORY_YAHOO_BASE_URL", unused_base_url())
    monkeypatch.setenv("FRSTORY_YAHOO_TIMEOUT", "5")
    monkeypatch.delenv("FRSTORY_READ_LOG", raising=False)


def execute(nb: nbformat.NotebookNode, data_dir: Path) -> nbformat.NotebookNode:
    with pytest.MonkeyPatch.context() as mp:
        kernel_env(mp, data_dir)
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb


def execute_with_facts(story: str, data_dir: Path, facts: dict[str, str]) -> tuple[nbformat.NotebookNode, dict]:
    """Run the story with one extra cell printing ``facts`` (name -> expression) as JSON."""
    nb = read_notebook(story)
    body = ", ".join(f"{name!r}: {expression}" for name, expression in facts.items())
    nb.cells.append(nbformat.v4.new_code_cell(
        f"import json as _json\nprint({FACTS_MARKER!r} + _json.dumps({{{body}}}, default=str))"))
    execute(nb, data_dir)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    line = next(line for line in text.splitlines() if line.startswith(FACTS_MARKER))
    nb.cells.pop()
    return nb, json.loads(line[len(FACTS_MARKER):])


def outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def markdown_outputs(nb) -> list[str]:
    return [o["data"]["text/markdown"] for o in outputs(nb) if "text/markdown" in o.get("data", {})]


def figure_furniture(nb) -> list[dict]:
    return [o["data"][PLOTLY_MIME]["layout"]["meta"]["frstory"] for o in outputs(nb) if PLOTLY_MIME in o.get("data", {})]


def snapshot_close(market_dir: Path, file: str) -> pd.Series:
    frame = pd.read_csv(market_dir / file, parse_dates=["date"])
    return frame.set_index("date")["close"]


def ban_rows(until: str | None = None, after: str | None = None) -> list[str]:
    """Ids of the events file's ban rows in a date range, read with the csv module."""
    with open(ROOT / "data" / "events.csv", newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["ban"].strip()]
    def start(row):  # a month-precision date counts from the first of its month
        return row["date"] if len(row["date"]) == 10 else row["date"] + "-01"

    return [r["id"] for r in rows
            if (until is None or start(r) <= until) and (after is None or start(r) > after)]


def claim_texts(verdicts: set[str]) -> list[str]:
    with open(ROOT / "data" / "claims.csv", newline="", encoding="utf-8") as handle:
        return [r["claim"] for r in csv.DictReader(handle) if r["editorial_verdict"] in verdicts]


# ---------------------------------------------------------------------------------------------
# Static: what is committed


@pytest.mark.parametrize("story", STORIES)
def test_the_ipynb_and_its_py_pair_hold_the_same_cells(story):
    from_ipynb = jupytext.read(NOTEBOOKS / f"{story}.ipynb")
    from_py = jupytext.read(NOTEBOOKS / f"{story}.py")
    assert cell_summary(from_ipynb) == cell_summary(from_py)
    assert from_py.metadata["frstory"] == from_ipynb.metadata["frstory"]


@pytest.mark.parametrize("story", STORIES)
def test_the_committed_ipynb_has_no_outputs_or_execution_counts(story):
    for cell in read_notebook(story).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("story", STORIES)
def test_the_notebook_carries_complete_metadata_for_the_publisher(story):
    metadata = read_notebook(story).metadata
    front = metadata["frstory"]
    assert set(front) == {"title", "dek", "byline", "date", "synthetic"}
    assert front["title"].strip() and front["dek"].strip()
    assert front["byline"] == "frstory data desk" and front["date"] == "2026-11-22" and front["synthetic"] is False
    assert metadata["jupytext"]["formats"] == "ipynb,py:percent"
    assert metadata["jupytext"]["notebook_metadata_filter"] == "frstory"
    assert metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("story", STORIES)
def test_the_first_cell_is_the_papermill_parameters_cell_of_plain_assignments(story):
    cells = read_notebook(story).cells
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [0] and cells[0].cell_type == "code"
    statements = ast.parse(cells[0].source).body
    assert statements and all(isinstance(s, ast.Assign) for s in statements)


@pytest.mark.parametrize("story", STORIES)
def test_markdown_cells_type_no_numbers_because_prose_numbers_are_computed(story):
    for cell in read_notebook(story).cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"\d", cell.source), cell.source


@pytest.mark.parametrize("story", STORIES)
def test_title_and_dek_type_no_numbers_either(story):
    front = read_notebook(story).metadata["frstory"]
    assert not re.search(r"\d", front["title"] + front["dek"])


# ---------------------------------------------------------------------------------------------
# Executed on the real snapshot


@pytest.fixture(scope="module")
def price_cache(market_dir, tmp_path_factory) -> Path:
    """A price cache filled from the real snapshot, shared by this module's notebook runs."""
    data_dir = tmp_path_factory.mktemp("story-prices")
    with pytest.MonkeyPatch.context() as mp:
        kernel_env(mp, data_dir)
        import_directory(market_dir)
    return data_dir


@pytest.fixture(scope="module")
def timeline_run(price_cache):
    return execute_with_facts("01-timeline", price_cache, {
        "amazon_day0": "str(amazon_day0.date())",
        "market_move_day0": "market_move_day0",
        "retreat_days": "retreat_days",
        "days_after_floyd": "days_after_floyd",
        "total": "total.measures['id'].tolist()",
        "total_places": "total.n_jurisdictions",
        "after_floyd": "after_floyd.measures['id'].tolist()",
        "before_pause": "before_pause.measures['id'].tolist()",
    })


@pytest.fixture(scope="module")
def year_later_run(price_cache):
    return execute_with_facts("04-a-year-later", price_cache, {
        "day0": "str(study.day0.date())",
        "market_session": "study.market_session",
        "covered": "[str(d.date()) for d in covered]",
        "table": "study.table.assign(date=study.table['date'].astype(str)).to_dict('records')",
        "car": "car.car", "t": "car.t", "p": "car.p", "sigma": "study.sigma",
        "at_pause": "at_pause.measures['id'].tolist()",
        "at_extension": "at_extension.measures['id'].tolist()",
        "new_in_year": "new_in_year.measures['id'].tolist()",
        "federal": "federal['id'].tolist()",
        "federal_measures": "int(federal_measures)",
    })


@pytest.mark.slow
@pytest.mark.market
@pytest.mark.parametrize("run", ["timeline_run", "year_later_run"])
def test_the_story_runs_without_errors_or_warnings(run, request):
    nb, _ = request.getfixturevalue(run)
    bad = [o for o in outputs(nb) if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
    assert bad == []


@pytest.mark.slow
@pytest.mark.market
@pytest.mark.parametrize("run", ["timeline_run", "year_later_run"])
def test_the_findings_are_the_first_thing_a_reader_sees(run, request):
    nb, _ = request.getfixturevalue(run)
    first = outputs(nb)[0]
    assert "text/markdown" in first["data"] and first["data"]["text/markdown"].startswith("**")


@pytest.mark.slow
@pytest.mark.market
@pytest.mark.parametrize(("run", "kinds"), [
    ("timeline_run", ["timeline", "timeline", "cumulative_count"]),
    ("year_later_run", ["abnormal_returns", "timeline"]),  # the specifications table is an HTML table
])
def test_every_chart_carries_its_furniture(run, kinds, request):
    nb, _ = request.getfixturevalue(run)
    furniture = figure_furniture(nb)
    assert [f["kind"] for f in furniture] == kinds
    for f in furniture:
        assert f["title"].strip() and f["subtitle"].strip() and f["alt"].strip()
        assert "data/events.csv" in f["source"]
        assert f["data"]["rows"], f["kind"]


@pytest.mark.slow
@pytest.mark.market
def test_timeline_amazon_reacts_on_11_june_when_the_sp500_fell_about_six_percent(timeline_run, market_dir):
    nb, facts = timeline_run
    gspc = snapshot_close(market_dir, "GSPC.csv")
    expected = gspc[pd.Timestamp("2020-06-11")] / gspc[pd.Timestamp("2020-06-10")] - 1
    assert facts["amazon_day0"] == "2020-06-11"
    assert facts["market_move_day0"] == pytest.approx(expected, abs=1e-12)
    assert -0.060 < facts["market_move_day0"] < -0.058
    assert f"the S&P 500 fell {abs(expected):.1%}" in markdown_outputs(nb)[0]


@pytest.mark.slow
@pytest.mark.market
def test_timeline_dates_the_retreat_from_the_events_file(timeline_run):
    nb, facts = timeline_run
    # IBM 2020-06-08 to Microsoft 2020-06-11; Floyd killed 2020-05-25
    assert (facts["retreat_days"], facts["days_after_floyd"]) == (3, 14)
    findings = markdown_outputs(nb)[0]
    assert "within 3 days in June 2020" in findings and "14 days after George Floyd" in findings


@pytest.mark.slow
@pytest.mark.market
def test_timeline_counts_the_bans_in_the_events_file(timeline_run):
    nb, facts = timeline_run
    by_2021, after_floyd = ban_rows(until="2021-12-31"), ban_rows(after="2020-05-25", until="2021-12-31")
    assert facts["total"] == by_2021 and facts["after_floyd"] == after_floyd
    assert facts["before_pause"] == ban_rows(until="2020-06-10")
    assert (facts["total"][0], facts["total"][-1]) == ("sf-ban", "king-county-ban")
    assert facts["total_places"] == len(by_2021) - 1  # Portland, Maine, passed two measures
    findings = markdown_outputs(nb)[0]
    assert f"counts {len(by_2021)} such measures" in findings
    assert f"in {len(by_2021) - 1} places; {len(after_floyd)} of them came after Floyd's killing" in findings


@pytest.mark.slow
@pytest.mark.market
def test_timeline_states_the_seed_corrections_from_the_claims_file(timeline_run):
    nb, _ = timeline_run
    findings = markdown_outputs(nb)[0]
    assert "came out in July 2018 and falsely matched 28 members of Congress" in findings
    assert "Somerville, not Oakland, was the second city" in findings
    assert "2.4% support for a ban" in findings and "votes cast, not of shareholders" in findings
    tables = [o["data"]["text/html"] for o in outputs(nb) if "text/html" in o.get("data", {}) and "Verdict" in o["data"]["text/html"]]
    assert len(tables) == 1
    for claim in claim_texts({"wrong", "imprecise"}):
        assert html.escape(claim, quote=False) in tables[0]  # whole sentences, not truncated cells
    for claim in claim_texts({"confirmed", "unverified", "not relevant"}):
        assert html.escape(claim, quote=False) not in tables[0]


@pytest.mark.slow
@pytest.mark.market
def test_year_later_day0_is_ambiguous_so_the_window_covers_18_and_19_may(year_later_run):
    _, facts = year_later_run
    assert facts["market_session"] == "unknown"
    assert facts["day0"] == "2021-05-18"
    assert facts["covered"] == ["2021-05-18", "2021-05-19"]


@pytest.mark.slow
@pytest.mark.market
def test_year_later_returns_match_the_snapshot_and_the_car_sums_them(year_later_run, market_dir):
    _, facts = year_later_run
    amzn = snapshot_close(market_dir, "AMZN.csv")
    table = {row["offset"]: row for row in facts["table"]}
    for offset, (day, previous) in {0: ("2021-05-18", "2021-05-17"), 1: ("2021-05-19", "2021-05-18")}.items():
        assert table[offset]["ret"] == pytest.approx(amzn[pd.Timestamp(day)] / amzn[pd.Timestamp(previous)] - 1, abs=1e-12)
    assert facts["car"] == pytest.approx(table[0]["ar"] + table[1]["ar"], abs=1e-12)


@pytest.mark.slow
@pytest.mark.market
def test_year_later_findings_quote_the_computed_result(year_later_run):
    nb, facts = year_later_run
    findings = markdown_outputs(nb)[0]
    better = "better" if facts["car"] > 0 else "worse"
    assert f"{abs(facts['car']) * 100:.1f} percentage points {better}" in findings
    assert f"(t = {facts['t']:.2f}, p = {facts['p']:.2f})" in findings
    assert f"±{facts['sigma']:.1%}" in findings
    assert ("left no measurable mark" in findings) == (facts["p"] >= 0.10)


@pytest.mark.slow
@pytest.mark.market
def test_year_later_compares_the_bans_at_the_pause_and_at_the_extension(year_later_run):
    nb, facts = year_later_run
    assert facts["at_pause"] == ban_rows(until="2020-06-10")
    assert facts["at_extension"] == ban_rows(until="2021-05-18")
    assert facts["new_in_year"] == ban_rows(after="2020-06-10", until="2021-05-18")
    assert facts["federal"] == ["fr-moratorium-act", "house-passes-hr7120"]
    assert facts["federal_measures"] == 0
    findings = markdown_outputs(nb)[0]
    assert f"counted {len(facts['at_pause'])} government bans or limits" in findings
    assert f"at the extension it counted {len(facts['at_extension'])} in" in findings
    assert "passed no federal ban or limit" in findings


@pytest.mark.slow
@pytest.mark.market
def test_a_parameter_changes_the_story_through_papermill(price_cache, tmp_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "01-by-2020.ipynb"
    with pytest.MonkeyPatch.context() as mp:
        kernel_env(mp, price_cache)
        papermill.execute_notebook(str(NOTEBOOKS / "01-timeline.ipynb"), str(out), kernel_name="python3",
                                   parameters={"count_until": "2020-12-31"}, cwd=str(NOTEBOOKS), progress_bar=False)
    findings = markdown_outputs(nbformat.read(out, as_version=4))[0]
    assert f"By the end of 2020 the timeline counts {len(ban_rows(until='2020-12-31'))} such measures" in findings


@pytest.mark.slow
@pytest.mark.parametrize("story", STORIES)
def test_without_cached_prices_the_story_stops_with_price_data_unavailable(story, tmp_path):
    # An empty cache and an unreachable Yahoo: the notebook must not hide the error.
    nb = read_notebook(story)
    with pytest.raises(CellExecutionError) as info:
        execute(nb, tmp_path)
    assert info.value.ename == "PriceDataUnavailable"
