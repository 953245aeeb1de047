"""Stories 02 and 03 re-run with other parameters publish no false sentence.

Each notebook is executed as ``frstory build`` executes it (parameters injected after the
``parameters`` cell, inline expressions evaluated), once per company announcement of the timeline
for story 02 and for another set of events for story 03. The sentences that were wrong when the
notebooks were written for Amazon only are checked against an event study computed here, in the
test process, from the same committed data.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from story_pages import NOTEBOOKS_DIR, lede, reader_paragraphs, reader_text, story_environment

import frstory as fr
import story
from frstory import prose
from frstory.errors import BuildError
from frstory.publish import execute_notebook


@pytest.fixture(autouse=True)
def _committed(committed_market):
    """Loads in the test process see the committed data too."""
    return committed_market


STORY_02 = NOTEBOOKS_DIR / "02-amazon-and-the-market.ipynb"
STORY_03 = NOTEBOOKS_DIR / "03-three-companies.ipynb"
STORY_01 = NOTEBOOKS_DIR / "01-timeline.ipynb"
STORY_04 = NOTEBOOKS_DIR / "04-a-year-later.ipynb"
#: Every company announcement of the timeline with a listed company, and who made it.
COMPANY_EVENTS = {
    "ibm-exits-fr": "IBM",
    "amzn-moratorium": "Amazon",
    "msft-police-pledge": "Microsoft",
    "amzn-moratorium-extended": "Amazon",
}
COMPANIES = {"IBM", "Amazon", "Microsoft", "Alphabet"}


def reference_study(event_id: str, estimation_window: tuple[int, int] = (-250, -11),
                    event_window: tuple[int, int] = (-5, 5)) -> fr.EventStudyResult:
    """Story 02's event study (its default windows unless given), computed here from the committed data."""
    events = story.load_events()
    event = fr.narrative.event(events, event_id)
    ticker = story.ticker_of(event)
    start = pd.Timestamp(event["date"]) - pd.Timedelta(days=500)
    prices = fr.load_prices([ticker, "^GSPC"], start, pd.Timestamp(event["date"]) + pd.Timedelta(days=45))
    return fr.event_study(prices, ticker, event["date"], market_session=event["market_session"],
                          benchmark="^GSPC", estimation_window=estimation_window, event_window=event_window)


def run_story(tmp_path_factory, notebook, parameters: dict):
    """``notebook`` executed with ``parameters`` as ``frstory build`` executes it."""
    mp = story_environment(tmp_path_factory)
    try:
        return execute_notebook(notebook, parameters)
    finally:
        mp.undo()


@pytest.fixture(scope="module", params=list(COMPANY_EVENTS))
def rerun(request, tmp_path_factory):
    """(event id, executed story 02 for that event, reference event study)."""
    event_id = request.param
    return event_id, run_story(tmp_path_factory, STORY_02, {"event_id": event_id}), reference_study(event_id)


@pytest.mark.slow
def test_the_title_and_lede_name_the_company_that_announced(rerun):
    event_id, nb, _ = rerun
    company = COMPANY_EVENTS[event_id]
    assert company in nb.metadata["frstory"]["title"]
    others = COMPANIES - {company}
    assert not [name for name in others if name in lede(nb) or name in nb.metadata["frstory"]["title"]]


@pytest.mark.slow
def test_the_lede_says_after_the_close_only_when_the_event_came_after_the_close(rerun):
    event_id, nb, _ = rerun
    event = fr.narrative.event(story.load_events(), event_id)
    assert ("after the close" in lede(nb)) == (event["market_session"] == "post")


@pytest.mark.slow
def test_the_lede_states_the_stock_and_index_moves_the_data_show(rerun):
    event_id, nb, res = rerun
    day0 = res.table.set_index("offset").loc[0]
    company = COMPANY_EVENTS[event_id]
    verb = "rose" if day0["ret"] > 0 else "fell"
    assert f"{company}'s shares {verb} {abs(100 * day0['ret']):.1f}%" in lede(nb)
    index_verb = "rose" if day0["benchmark_ret"] > 0 else "fell"
    assert f"The S&P 500 {index_verb} {abs(100 * day0['benchmark_ret']):.1f}%" in lede(nb)


@pytest.mark.slow
def test_the_lede_calls_the_abnormal_return_noise_exactly_when_the_test_does(rerun):
    _, nb, res = rerun
    p = res.car(0, 0).p
    assert ("within ordinary daily noise" in lede(nb)) == (p >= 0.10)
    assert ("borderline" in lede(nb)) == (0.05 <= p < 0.10), "as the event study's own summary says"
    assert ("beyond ordinary daily noise" in lede(nb)) == (p < 0.05)


@pytest.mark.slow
def test_worst_day_since_appears_only_on_a_day_the_index_fell(rerun):
    _, nb, res = rerun
    fell = res.table.set_index("offset").loc[0, "benchmark_ret"] < 0
    assert "worst day since" not in lede(nb) or fell


@pytest.mark.slow
def test_no_sentence_written_for_amazon_survives_a_rerun_for_another_company(rerun):
    event_id, nb, _ = rerun
    text = " ".join(reader_paragraphs(nb))
    assert "the fall was the market's" not in text
    if COMPANY_EVENTS[event_id] != "Amazon":
        assert "Rekognition" not in lede(nb)
        assert "Amazon announced" not in text


@pytest.mark.slow
def test_the_fact_check_speaks_only_of_figures_about_this_share_price(rerun):
    event_id, nb, _ = rerun
    text = " ".join(reader_paragraphs(nb))
    company = COMPANY_EVENTS[event_id]
    if event_id == "amzn-moratorium":
        assert "Both figures about Amazon's share price that daily prices can check are confirmed by the data." in text
    else:
        assert f"None of the figures in the articles is about {company}'s share price around this announcement" in text
    assert "hold up" not in text


@pytest.mark.slow
def test_the_robustness_verdict_says_the_method_decides_only_when_specifications_disagree(rerun):
    _, nb, _ = rerun
    text = " ".join(reader_paragraphs(nb))
    verdict = next(p for p in reader_paragraphs(nb) if "specifications we tried" in p)
    if "depends on the choices of the method" in verdict:
        assert verdict.startswith("Only")
    assert "decided by the choice of model" not in text


@pytest.mark.slow
def test_reader_text_carries_no_ids_raw_tickers_or_unevaluated_expressions(rerun):
    _, nb, _ = rerun
    text = " ".join(reader_paragraphs(nb)) + nb.metadata["frstory"]["title"] + nb.metadata["frstory"]["dek"]
    ids = set(story.load_events()["id"])
    assert "{python}" not in text
    assert "^GSPC" not in text and "^IXIC" not in text
    assert not [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert "clustered_with" not in text


# --------------------------------------------------------------------------------------------
# Story 03 for another set of events


@pytest.fixture(scope="module")
def three_rerun(tmp_path_factory):
    return run_story(tmp_path_factory, STORY_03, {"firm_event_ids": ["ibm-exits-fr", "amzn-moratorium-extended"],
                                                  "placebo_ticker": "MSFT"})


@pytest.mark.slow
def test_story_03_rerun_titles_the_page_for_its_own_events(three_rerun):
    assert three_rerun.metadata["frstory"]["title"] == "Two companies, 345 days"
    assert three_rerun.metadata["frstory"]["dek"].startswith("IBM and Amazon announced")


@pytest.mark.slow
def test_story_03_rerun_counts_with_words_that_fit_two_companies(three_rerun):
    assert lede(three_rerun).startswith("**Neither of the two companies had")


@pytest.mark.slow
def test_story_03_rerun_says_when_the_placebo_had_news_of_its_own(three_rerun):
    text = " ".join(reader_paragraphs(three_rerun))
    assert "Microsoft is not a clean placebo here" in text or "It is not a clean placebo here" in text
    assert "A company with no announcement of its own passes" not in text
    assert "against a company with no such announcement" not in three_rerun.metadata["frstory"]["dek"]


@pytest.mark.slow
def test_story_03_rerun_reader_text_carries_no_ids_or_column_names(three_rerun):
    text = " ".join(reader_paragraphs(three_rerun))
    ids = set(story.load_events()["id"])
    assert not [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert "clustered_with" not in text and "{python}" not in text


# --------------------------------------------------------------------------------------------
# Parameters as a journalist types them: `frstory build NOTEBOOK -p NAME VALUE` passes each value
# as text ("(0, 0)", "[MSFT, IBM]"), and windows and periods the authors did not try.

#: Story 02 for IBM with a window of day 0 alone, half a year of estimation and June 2020 left out.
NARROW = {"event_id": "ibm-exits-fr", "event_window": "(0, 0)", "estimation_window": "[-120, -6]",
          "excluded_period": "2020-06-01, 2020-06-30"}


@pytest.fixture(scope="module")
def narrow_rerun(tmp_path_factory):
    return run_story(tmp_path_factory, STORY_02, NARROW)


@pytest.fixture(scope="module")
def wide_rerun(tmp_path_factory):
    """Story 02 with an event window of a month after the news around a chart of two weeks, against two companies."""
    return run_story(tmp_path_factory, STORY_02, {"event_window": [-1, 20], "chart_days": 7,
                                                  "comparison": "[MSFT, IBM]"})


def failure_of(tmp_path_factory, notebook, parameters: dict) -> str:
    """The build error of ``notebook`` run with ``parameters``."""
    with pytest.raises(BuildError) as failed:
        run_story(tmp_path_factory, notebook, parameters)
    return str(failed.value)


@pytest.mark.slow
def test_window_parameters_typed_as_text_are_read_as_the_pairs_they_mean(narrow_rerun):
    res = reference_study("ibm-exits-fr", (-120, -6), (0, 0))
    assert (f"estimated over {res.n_estimation} sessions from {prose.date(res.estimation_start)} to "
            f"{prose.date(res.estimation_end)}") in reader_text(narrow_rerun)


@pytest.mark.slow
def test_a_window_of_day_0_alone_is_said_to_hold_nothing_else(narrow_rerun):
    text = reader_text(narrow_rerun)
    assert "The event window holds day 0 alone" in text
    assert "The largest single abnormal return in the window" not in text


@pytest.mark.slow
def test_the_market_model_is_said_to_learn_from_the_sessions_it_used(narrow_rerun):
    res = reference_study("ibm-exits-fr", (-120, -6), (0, 0))
    text = reader_text(narrow_rerun)
    assert "the year before the news" not in text
    assert (f"from the {res.n_estimation} sessions before the news, {prose.date(res.estimation_start)} to "
            f"{prose.date(res.estimation_end)}") in text


@pytest.mark.slow
def test_a_period_left_out_other_than_the_covid_crash_is_named_by_its_dates(narrow_rerun):
    text = reader_text(narrow_rerun)
    assert "Covid" not in text
    assert "June 2020 to June 2020" not in text
    assert "re-estimates the market model without June 2020." in text


@pytest.mark.slow
def test_an_event_window_longer_than_the_chart_is_studied_to_its_last_session(wide_rerun):
    text = reader_text(wide_rerun)
    assert "Over the event window (sessions -1 to +20 around day 0" in text
    assert "truncated" not in text


@pytest.mark.slow
def test_a_window_with_one_session_before_day_0_speaks_of_that_session(wide_rerun):
    text = reader_text(wide_rerun)
    assert "On session -1, before the news could be priced, the abnormal return was" in text
    assert "sessions -1 to -1" not in text


@pytest.mark.slow
def test_companies_to_compare_typed_as_a_list_are_each_named(wide_rerun):
    assert "Amazon against the S&P 500, Microsoft and IBM" in reader_text(wide_rerun)


@pytest.mark.slow
def test_companies_to_compare_do_not_stand_for_the_market_in_the_specifications(wide_rerun):
    event = fr.narrative.event(story.load_events(), "amzn-moratorium")
    prices = fr.load_prices(["AMZN", "^GSPC"], "2019-01-02", "2020-12-31")
    only_the_index = fr.specifications(prices, "AMZN", event["date"], market_session=event["market_session"],
                                       benchmarks=["^GSPC"], exclude_periods=[("2020-02-01", "2020-04-30")],
                                       car_window=(-1, 1))
    n = int((only_the_index["measure"] == "ar_0").sum())
    assert f"of the {prose.spelled(n)} specifications we tried" in reader_text(wide_rerun)


@pytest.mark.slow
def test_news_that_is_not_a_company_announcement_is_refused_naming_the_event(tmp_path_factory):
    error = failure_of(tmp_path_factory, STORY_02, {"event_id": "george-floyd-killed", "ticker": "AMZN"})
    assert "event_id 'george-floyd-killed' is not a company announcement" in error
    assert "-p event_id amzn-moratorium" in error


@pytest.mark.slow
def test_a_mistyped_event_id_is_refused_naming_the_parameter_and_the_id_meant(tmp_path_factory):
    error = failure_of(tmp_path_factory, STORY_02, {"event_id": "amzn-moratorum"})
    assert "event_id 'amzn-moratorum' is not an event of the timeline (did you mean 'amzn-moratorium'" in error


@pytest.mark.slow
def test_a_window_that_is_not_a_pair_is_refused_saying_how_to_write_one(tmp_path_factory):
    error = failure_of(tmp_path_factory, STORY_02, {"estimation_window": "-120"})
    assert "estimation_window must hold two values" in error
    assert '-p estimation_window "(-250, -11)"' in error


@pytest.mark.slow
def test_an_event_window_without_day_0_is_refused(tmp_path_factory):
    error = failure_of(tmp_path_factory, STORY_02, {"event_window": [1, 5]})
    assert "event_window (1, 5) does not contain day 0" in error


@pytest.fixture(scope="module")
def three_text_rerun(tmp_path_factory):
    """Story 03 for two companies on one day 0, with IBM as placebo, typed as text on the command line."""
    return run_story(tmp_path_factory, STORY_03, {
        "firm_event_ids": "[amzn-moratorium, msft-police-pledge]", "placebo_ticker": "IBM",
        "headline_window": "(0, 0)", "excluded_period": "(2020-06-01, 2020-06-30)"})


@pytest.mark.slow
def test_story_03_reads_the_announcements_typed_as_a_list(three_text_rerun):
    assert three_text_rerun.metadata["frstory"]["dek"].startswith("Amazon and Microsoft announced")


@pytest.mark.slow
def test_story_03_names_the_covid_crash_only_when_it_is_the_period_left_out(three_text_rerun):
    text = reader_text(three_text_rerun)
    assert "Covid" not in text
    assert "With June 2020 left out of the estimation window" in text


@pytest.mark.slow
def test_story_03_describes_the_headline_window_it_used(three_text_rerun):
    text = reader_text(three_text_rerun)
    assert "the cumulative abnormal return over that session alone" in text
    assert "that session and the next" not in text and "the next session belongs in the window" not in text
    assert "leaves out the next session" in text


@pytest.fixture(scope="module")
def four_rerun(tmp_path_factory):
    """Story 04 with a window of four sessions and half a year of estimation (after the pause)."""
    return run_story(tmp_path_factory, STORY_04, {"car_window": "(-1, 2)", "estimation_window": "(-120, -6)"})


@pytest.mark.slow
def test_story_04_gives_day_0_and_the_next_session_as_the_first_that_could_react(four_rerun):
    assert ("either Tuesday 18 May 2021 or Wednesday 19 May 2021; we measure over sessions -1 to +2, which hold both"
            in lede(four_rerun))


@pytest.mark.slow
def test_story_04_says_whether_its_estimation_sessions_contain_the_pause(four_rerun):
    text = reader_text(four_rerun)
    assert "in the year before the news" not in text
    assert "do not contain its own pause of 10 June 2020" in text


@pytest.mark.slow
def test_story_04_refuses_a_window_that_leaves_out_a_session_that_could_react_first(tmp_path_factory):
    error = failure_of(tmp_path_factory, STORY_04, {"car_window": [0, 0]})
    assert "car_window (0, 0) must hold day 0 and the session after it" in error


@pytest.mark.slow
def test_story_01_reads_the_companies_typed_as_a_list(tmp_path_factory):
    nb = run_story(tmp_path_factory, STORY_01, {"company_events": "[amzn-moratorium, msft-police-pledge]"})
    assert nb.metadata["frstory"]["dek"].startswith("Amazon and Microsoft stepped back")


@pytest.mark.slow
def test_an_index_the_story_does_not_name_is_refused_saying_how_to_name_it(tmp_path_factory):
    error = failure_of(tmp_path_factory, STORY_02, {"comparison": "SYNIDX"})
    assert "ticker 'SYNIDX' has no name readers know" in error
    assert "names: {SYNIDX: Name readers know} in a --params file" in error


@pytest.mark.slow
def test_a_name_given_as_a_parameter_lets_the_rerun_go_on(tmp_path_factory):
    # Named, the synthetic index passes the check and the story goes on to load its prices (there are none).
    error = failure_of(tmp_path_factory, STORY_02, {"comparison": "SYNIDX", "names": {"SYNIDX": "the Synthetic Index"}})
    assert "has no name readers know" not in error and "no prices for SYNIDX" in error


@pytest.mark.slow
def test_names_typed_as_text_are_read_as_the_mapping_they_mean(tmp_path_factory):
    error = failure_of(tmp_path_factory, STORY_04, {"alternative_benchmark": "SYNIDX", "names": "{SYNIDX: the Synthetic Index}"})
    assert "has no name readers know" not in error and "SYNIDX" in error
