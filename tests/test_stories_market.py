"""The market stories: 02-amazon-and-the-market and 03-three-companies.

Static checks read the committed files. The slow checks execute each notebook once in a real
kernel on the real market snapshot (imported into a temporary price cache), then read the facts the
notebook computed from one extra cell appended to the in-memory copy.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
STORIES = ("02-amazon-and-the-market", "03-three-companies")
PLOTLY = "application/vnd.plotly.v1+json"


def _read_ipynb(story: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS_DIR / f"{story}.ipynb", as_version=4)


def _execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}).execute()
    return nb


def _with_facts_cell(nb: nbformat.NotebookNode, expression: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` with one more cell printing ``json.dumps(expression)`` between markers."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    code = f"import json as _json\nprint('@@FACTS@@' + _json.dumps({expression}, default=str))"
    nb.cells.append(nbformat.v4.new_code_cell(code))
    return nb


def _facts(nb: nbformat.NotebookNode) -> dict:
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return json.loads(text.split("@@FACTS@@", 1)[1])


def _outputs(nb: nbformat.NotebookNode, *, skip_last: bool = True):
    """(cell index, output) for every output, in reading order (the facts cell left out)."""
    cells = nb.cells[:-1] if skip_last else nb.cells
    return [(i, o) for i, c in enumerate(cells) if c.cell_type == "code" for o in c.get("outputs", [])]


def _markdown_outputs(nb) -> list[str]:
    return [o["data"]["text/markdown"] for _, o in _outputs(nb) if "text/markdown" in o.get("data", {})]


def _figures(nb) -> list[dict]:
    return [o["data"][PLOTLY] for _, o in _outputs(nb) if PLOTLY in o.get("data", {})]


def _html_tables(nb) -> list[str]:
    return [o["data"]["text/html"] for _, o in _outputs(nb)
            if "text/html" in o.get("data", {}) and PLOTLY not in o["data"]]


def _squash(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# The committed files


@pytest.mark.parametrize("story", STORIES)
def test_paired_py_and_ipynb_hold_the_same_cells(story):
    from_ipynb = jupytext.read(NOTEBOOKS_DIR / f"{story}.ipynb")
    from_py = jupytext.read(NOTEBOOKS_DIR / f"{story}.py")
    assert [(c.cell_type, c.source.strip()) for c in from_ipynb.cells] == \
        [(c.cell_type, c.source.strip()) for c in from_py.cells]
    assert from_ipynb.metadata["jupytext"]["formats"] == "ipynb,py:percent"


@pytest.mark.parametrize("story", STORIES)
def test_committed_notebook_has_no_outputs(story):
    for cell in _read_ipynb(story).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("story", STORIES)
def test_metadata_names_title_dek_byline_date_and_real_data(story):
    meta = _read_ipynb(story).metadata["frstory"]
    assert set(meta) == {"title", "dek", "byline", "date", "synthetic"}
    assert meta["title"].strip() and meta["dek"].strip()
    assert meta["byline"] == "frstory data desk"
    assert meta["date"] == "2026-11-22"
    assert meta["synthetic"] is False


@pytest.mark.parametrize("story", STORIES)
def test_parameters_cell_holds_only_assignments(story):
    tagged = [c for c in _read_ipynb(story).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse(tagged[0].source)
    assert tree.body and all(isinstance(node, ast.Assign) for node in tree.body)


@pytest.mark.parametrize("story", STORIES)
def test_static_prose_types_no_numbers(story):
    # Numbers belong in Markdown built from results; "S&P 500" is a name, not a number.
    for cell in _read_ipynb(story).cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"\d", cell.source.replace("S&P 500", "")), cell.source


@pytest.mark.parametrize("story", STORIES)
def test_notebook_defines_at_most_a_few_helpers(story):
    code = "\n".join(c.source for c in _read_ipynb(story).cells if c.cell_type == "code")
    tree = ast.parse(code)
    # Named helpers: function definitions and lambdas bound to a name (inline .map lambdas are not helpers).
    helpers = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
               or (isinstance(n, ast.Assign) and isinstance(n.value, ast.Lambda))]
    assert len(helpers) <= 8
    assert not any(isinstance(n, ast.ClassDef) for n in ast.walk(tree))


@pytest.mark.slow
@pytest.mark.parametrize("story", STORIES)
def test_without_prices_the_notebook_stops_with_price_data_unavailable(story):
    # The autouse fixture points FRSTORY_DATA_DIR at an empty cache.
    with pytest.raises(CellExecutionError) as info:
        _execute(_read_ipynb(story))
    assert info.value.ename == "PriceDataUnavailable"


# --------------------------------------------------------------------------------------------
# Executed on the real snapshot


@pytest.fixture(scope="module")
def filled_cache(market_dir, tmp_path_factory):
    """A price cache filled from the real snapshot; FRSTORY_DATA_DIR points at it for the module."""
    from frstory.data.importer import import_directory

    data_dir = tmp_path_factory.mktemp("stories-market-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRSTORY_DATA_DIR", str(data_dir))
        mp.delenv("FRSTORY_READ_LOG", raising=False)
        import_directory(market_dir)
        yield data_dir


def _run_with_facts(story: str, expression: str, data_dir: Path) -> nbformat.NotebookNode:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRSTORY_DATA_DIR", str(data_dir))
        return _execute(_with_facts_cell(_read_ipynb(story), expression))


AMAZON_FACTS = """{
    "event_date": event["date"], "day0": res.day0, "ret_0": float(day0["ret"]),
    "benchmark_ret_0": float(day0["benchmark_ret"]), "worst_since": worst_since,
    "specifications": robust["specification"].tolist(), "ar_0": robust["ar_0"].tolist(),
    "ar_0_t": robust["ar_0_t"].tolist(), "ar_0_p": robust["ar_0_p"].tolist(), "beta": robust["beta"].tolist(),
    "base_date": base_date, "change": {k: float(v) for k, v in change.items()},
    "verdicts": checked["verdict"].tolist(), "data_values": checked["data_value"].tolist(),
    "n_claims": len(claims), "n_intraday": int(needs_intraday.sum()), "n_no_price": int(no_price_check.sum()),
    "warnings": res.warnings, "summary": res.summary(),
}"""


@pytest.fixture(scope="module")
def amazon(filled_cache):
    nb = _run_with_facts("02-amazon-and-the-market", AMAZON_FACTS, filled_cache)
    return nb, _facts(nb)


@pytest.mark.slow
@pytest.mark.market
def test_amazon_day0_is_the_session_after_the_post_close_announcement(amazon):
    _, facts = amazon
    assert facts["event_date"].startswith("2020-06-10")
    assert facts["day0"].startswith("2020-06-11")


@pytest.mark.slow
@pytest.mark.market
def test_amazon_day0_is_the_sp500_fall_of_about_six_percent(amazon):
    nb, facts = amazon
    assert facts["benchmark_ret_0"] == pytest.approx(-0.059, abs=0.001)
    assert facts["worst_since"].startswith("2020-03-16")
    findings = _squash(_markdown_outputs(nb)[0])
    assert f"fell {100 * abs(facts['benchmark_ret_0']):.1f}% that day" in findings
    assert f"fell {100 * abs(facts['ret_0']):.1f}% on Thursday 11 June 2020" in findings


@pytest.mark.slow
@pytest.mark.market
def test_amazon_findings_come_first_and_loading_cells_are_silent(amazon):
    nb, _ = amazon
    first_cell, first = _outputs(nb)[0]
    assert "text/markdown" in first["data"]
    earlier_code = [c for c in nb.cells[:first_cell] if c.cell_type == "code"]
    assert earlier_code and all(c.outputs == [] for c in earlier_code)


@pytest.mark.slow
@pytest.mark.market
def test_amazon_answer_depends_on_the_estimation_window(amazon):
    nb, facts = amazon
    default, adjusted, no_crash = range(3)
    assert facts["ar_0"][default] == pytest.approx(0.002, abs=0.003)
    assert facts["ar_0_t"][default] == pytest.approx(0.15, abs=0.1)
    assert facts["ar_0"][no_crash] == pytest.approx(0.025, abs=0.003)
    assert facts["ar_0_p"][no_crash] < 0.05 < facts["ar_0_p"][default]
    assert "without 1 February 2020 to 30 April 2020" in facts["specifications"][no_crash]
    findings = _squash(_markdown_outputs(nb)[0])
    for spec in (default, adjusted, no_crash):
        assert f"{100 * facts['ar_0'][spec]:+.1f} percentage points" in findings
        assert f"p = {facts['ar_0_p'][spec]:.2f}" in findings
    assert f"beta of only {facts['beta'][default]:.2f}" in findings
    assert "fragile" in findings


@pytest.mark.slow
@pytest.mark.market
def test_amazon_shows_the_event_study_summary_and_its_market_warning(amazon):
    nb, facts = amazon
    assert facts["warnings"] and "fell 5.9%" in facts["warnings"][0]
    markdown = [_squash(m) for m in _markdown_outputs(nb)]
    assert _squash(facts["summary"]) in markdown
    assert any(_squash(facts["warnings"][0]) in m for m in markdown)


@pytest.mark.slow
@pytest.mark.market
def test_amazon_is_rebased_to_the_last_close_before_ibms_letter(amazon):
    nb, facts = amazon
    assert facts["base_date"].startswith("2020-06-08")
    rebased = next(f for f in _figures(nb) if f["layout"]["meta"]["frstory"]["kind"] == "rebased_comparison")
    assert f"{100 * abs(facts['change']['AMZN']):.1f}%" in rebased["layout"]["meta"]["frstory"]["title"]


@pytest.mark.slow
@pytest.mark.market
def test_amazon_fact_check_confirms_the_seed_close_and_change(amazon):
    nb, facts = amazon
    assert facts["verdicts"] == ["confirmed", "confirmed"]
    assert facts["data_values"][0] == pytest.approx(2647.45, abs=0.01)
    assert facts["n_intraday"] == 2
    assert facts["n_intraday"] + facts["n_no_price"] + len(facts["verdicts"]) == facts["n_claims"]
    assert any("2,647.45" in table and "confirmed" in table for table in _html_tables(nb))
    closing = _squash(_markdown_outputs(nb)[-1])
    assert f"{len(facts['verdicts'])} of the {facts['n_claims']} claims" in closing
    assert f"remaining {facts['n_no_price']}" in closing


@pytest.mark.slow
@pytest.mark.market
def test_amazon_charts_carry_source_alt_and_title(amazon):
    nb, _ = amazon
    kinds = []
    for figure in _figures(nb):
        meta = figure["layout"]["meta"]["frstory"]
        kinds.append(meta["kind"])
        assert meta["source"].strip() and meta["alt"].strip() and meta["title"].strip()
        assert "Yahoo Finance" in meta["source"]
    assert kinds == ["price_with_events", "rebased_comparison", "abnormal_returns"]


@pytest.mark.slow
@pytest.mark.market
def test_amazon_runs_without_errors(amazon):
    nb, _ = amazon
    assert not [o for _, o in _outputs(nb) if o.output_type == "error"]


THREE_FACTS = """{
    "day0": {r.event_id: r.day0 for r in side_by_side.itertuples()},
    "tickers": {r.event_id: r.ticker for r in side_by_side.itertuples()},
    "ar_0": {r.event_id: r.ar_0 for r in side_by_side.itertuples()},
    "ar_0_p": {r.event_id: r.ar_0_p for r in side_by_side.itertuples()},
    "single_ar_0": {r.event_id: float(r.table.set_index("offset").loc[0, "ar"]) for r in results},
    "clustered_with": side_by_side["clustered_with"].tolist(), "note": side_by_side.attrs["note"],
    "robust_rows": len(robust), "robust_events": robust["event_id"].nunique(),
    "significant_without_crash": without_crash["event_id"].tolist(),
}"""


@pytest.fixture(scope="module")
def three(filled_cache):
    nb = _run_with_facts("03-three-companies", THREE_FACTS, filled_cache)
    return nb, _facts(nb)


@pytest.mark.slow
@pytest.mark.market
def test_three_companies_have_their_own_reaction_sessions(three):
    _, facts = three
    assert facts["day0"]["ibm-exits-fr"].startswith("2020-06-09")
    assert facts["day0"]["amzn-moratorium"].startswith("2020-06-11")
    assert facts["day0"]["msft-police-pledge"].startswith("2020-06-11")


@pytest.mark.slow
@pytest.mark.market
def test_placebo_is_alphabet_once_on_each_distinct_day0(three):
    _, facts = three
    placebos = [e for e, t in facts["tickers"].items() if t == "GOOGL"]
    assert len(placebos) == 2
    assert sorted(facts["day0"][e][:10] for e in placebos) == ["2020-06-09", "2020-06-11"]


@pytest.mark.slow
@pytest.mark.market
def test_side_by_side_rows_equal_the_single_event_studies(three):
    _, facts = three
    for event_id, ar in facts["ar_0"].items():
        assert facts["single_ar_0"][event_id] == pytest.approx(ar, abs=1e-12)


@pytest.mark.slow
@pytest.mark.market
def test_three_companies_explain_why_not_to_pool(three):
    nb, facts = three
    assert all(facts["clustered_with"])
    markdown = " ".join(_squash(m) for m in _markdown_outputs(nb))
    assert _squash(facts["note"]) in markdown
    assert "N = 3" in markdown


@pytest.mark.slow
@pytest.mark.market
def test_three_companies_findings_quote_each_firms_abnormal_return(three):
    nb, facts = three
    findings = _squash(_markdown_outputs(nb)[0])
    for event_id in ("ibm-exits-fr", "amzn-moratorium", "msft-police-pledge"):
        assert f"{100 * facts['ar_0'][event_id]:+.1f} percentage points" in findings
        assert f"p = {facts['ar_0_p'][event_id]:.2f}" in findings
    assert findings.startswith("**None of the 3 companies")


@pytest.mark.slow
@pytest.mark.market
def test_without_the_covid_crash_the_placebo_also_passes(three):
    nb, facts = three
    significant = facts["significant_without_crash"]
    assert "amzn-moratorium" in significant
    assert any(e.startswith("placebo-googl") for e in significant)
    assert "A company with no news of its own passes the same test" in _squash(_markdown_outputs(nb)[0])


@pytest.mark.slow
@pytest.mark.market
def test_three_companies_robustness_covers_every_row_three_ways(three):
    nb, facts = three
    assert facts["robust_events"] == 5 and facts["robust_rows"] == 15
    assert any("Market-adjusted" in t and "Without the crash" in t and "Alphabet (placebo)" in t
               for t in _html_tables(nb))


@pytest.mark.slow
@pytest.mark.market
def test_three_companies_charts_carry_source_alt_and_title(three):
    nb, _ = three
    figures = _figures(nb)
    assert [f["layout"]["meta"]["frstory"]["kind"] for f in figures] == ["small_multiples"]
    assert any('<table class="fr-table">' in t and "<caption>" in t for t in _html_tables(nb)), "the results table is HTML"
    for figure in figures:
        meta = figure["layout"]["meta"]["frstory"]
        assert meta["source"].strip() and meta["alt"].strip() and meta["title"].strip()
    assert not [o for _, o in _outputs(nb) if o.output_type == "error"]


@pytest.mark.slow
@pytest.mark.market
def test_parameters_drive_the_prose(filled_cache, tmp_path):
    """Run through papermill with the Nasdaq as benchmark: the findings follow the parameter."""
    import papermill

    out = tmp_path / "02-nasdaq.ipynb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRSTORY_DATA_DIR", str(filled_cache))
        papermill.execute_notebook(str(NOTEBOOKS_DIR / "02-amazon-and-the-market.ipynb"), str(out),
                                   parameters={"benchmark": "^IXIC"}, kernel_name="python3",
                                   cwd=str(NOTEBOOKS_DIR), progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    findings = _squash(next(o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})))
    assert "But the Nasdaq Composite fell 5.3% that day" in findings
