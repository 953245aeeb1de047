"""The facial-recognition story's own helpers (notebooks/story): bans and limits, federal actors,
the research desk's corrections.

Unit tests use synthetic events (``example_events()``, edited per test and labelled as such);
the last group checks the counts the stories print against the committed events file.
"""

from __future__ import annotations

import doctest
import sys
from pathlib import Path

import pandas as pd
import pytest

import frstory as fr
from frstory.errors import AnalysisError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notebooks"))
import story  # noqa: E402
import story.corrections as corrections  # noqa: E402
import story.federal as federal_module  # noqa: E402
import story.measures as measures_module  # noqa: E402
import story.wording as wording  # noqa: E402
from story.schema import example_events  # noqa: E402


def synthetic_events_with(**columns: dict[str, str | None]) -> pd.DataFrame:
    """``example_events()`` with cells replaced, e.g. ``place={"syn-rule-2": "..."}`` (still synthetic)."""
    events = example_events()
    for column, values in columns.items():
        for event_id, value in values.items():
            events.loc[events["id"] == event_id, column] = pd.NA if value is None else value
    return events


def synthetic_claims() -> pd.DataFrame:
    """Made-up claims in the claims-file format, one per editorial verdict."""
    rows = [
        ("syn-ok", "Synthetic Daily", "Synthetic claim that checks out.", "confirmed", "Synthetic: right."),
        ("syn-loose", "Example Wire", "Synthetic claim that is roughly right.", "imprecise", "Synthetic: loose."),
        ("syn-bad-b", "Mock Gazette", "Synthetic claim that is wrong (B).", "wrong", "Synthetic: wrong B."),
        ("syn-bad-a", "Example Wire", "Synthetic claim that is wrong (A).", "wrong", "Synthetic: wrong A."),
        ("syn-quote", "Mock Gazette", "Synthetic opinion.", "not relevant", "Synthetic: nothing to check."),
    ]
    return pd.DataFrame(rows, columns=["id", "publication", "claim", "editorial_verdict", "editorial_note"])


# ---------------------------------------------------------------------------------------------
# ban_measures and tally_bans


def test_ban_measures_lists_only_rows_with_a_ban_level_in_date_order():
    events = example_events().sample(frac=1.0, random_state=3)  # shuffled on purpose
    measures = measures_module.ban_measures(events)
    assert measures["id"].tolist() == ["syn-rule-1", "syn-rule-2", "syn-rule-3", "syn-rule-4"]
    assert measures["date"].is_monotonic_increasing


def test_a_measure_is_a_limit_exactly_when_its_measure_column_says_limit():
    events = synthetic_events_with(measure={"syn-rule-1": "limit", "syn-rule-3": "ban"})
    limits = measures_module.ban_measures(events).set_index("id")["is_limit"]
    assert limits.to_dict() == {"syn-rule-1": True, "syn-rule-2": False, "syn-rule-3": False, "syn-rule-4": False}


def test_the_notes_do_not_decide_whether_a_measure_is_a_limit():
    events = synthetic_events_with(notes={"syn-rule-1": "Synthetic. Restricts rather than bans."})
    assert not measures_module.ban_measures(events).set_index("id").loc["syn-rule-1", "is_limit"]


def test_a_measures_jurisdiction_is_its_place():
    jurisdiction = measures_module.ban_measures(example_events()).set_index("id")["jurisdiction"]
    assert jurisdiction.to_dict() == {"syn-rule-1": "Synthville, ZZ", "syn-rule-2": "Fakeport, ZZ",
                                      "syn-rule-3": "State of Synthesia", "syn-rule-4": "Mock County, ZZ"}


def test_two_measures_with_the_same_place_share_a_jurisdiction():
    events = synthetic_events_with(place={"syn-rule-2": "Synthville, ZZ"})
    jurisdiction = measures_module.ban_measures(events).set_index("id")["jurisdiction"]
    assert jurisdiction["syn-rule-1"] == jurisdiction["syn-rule-2"] == "Synthville, ZZ"


@pytest.mark.parametrize(("column", "value"), [("place", None), ("place", "  "), ("measure", None), ("measure", "pause")])
def test_ban_measures_rejects_a_ban_row_without_a_valid_measure_or_place(column, value):
    events = synthetic_events_with(**{column: {"syn-rule-2": value}})
    with pytest.raises(AnalysisError, match=f"ban row 'syn-rule-2' has {column} "):
        measures_module.ban_measures(events)


def test_tally_counts_after_exclusive_and_until_inclusive():
    events = example_events()
    tally = measures_module.tally_bans(events, after="2019-05-14", until="2020-09-09")
    assert tally.measures["id"].tolist() == ["syn-rule-2", "syn-rule-3", "syn-rule-4"]
    assert (tally.first["id"], tally.latest["id"]) == ("syn-rule-2", "syn-rule-4")


def test_tally_counts_levels_in_city_county_state_order_and_says_them_in_words():
    tally = measures_module.tally_bans(example_events())
    assert list(tally.by_level.items()) == [("city", 2), ("county", 1), ("state", 1)]
    assert tally.levels_phrase() == "2 city, 1 county and 1 state"


def test_tally_counts_a_place_with_two_measures_once_as_a_jurisdiction():
    events = synthetic_events_with(place={"syn-rule-2": "Synthville, ZZ"})
    tally = measures_module.tally_bans(events)
    assert (tally.n_measures, tally.n_jurisdictions) == (4, 3)


def test_tally_counts_limits():
    assert measures_module.tally_bans(example_events()).n_limits == 1  # syn-rule-3 has measure "limit"


def test_a_month_precision_measure_counts_from_the_first_of_its_month():
    # syn-rule-3 is dated 2019-12 (stored as 2019-12-01)
    assert measures_module.tally_bans(example_events(), until="2019-12-01").n_measures == 3
    assert measures_module.tally_bans(example_events(), until="2019-11-30").n_measures == 2


def test_an_empty_range_gives_zero_counts_and_no_first_or_latest():
    tally = measures_module.tally_bans(example_events(), until="2018-12-31")
    assert (tally.n_measures, tally.n_jurisdictions, tally.n_limits) == (0, 0, 0)
    assert tally.first is None and tally.latest is None and tally.levels_phrase() == "none"


def test_tally_rejects_a_range_that_ends_before_it_starts():
    with pytest.raises(AnalysisError, match="until=2019-01-01 is before after=2020-01-01"):
        measures_module.tally_bans(example_events(), after="2020-01-01", until="2019-01-01")


def test_tally_rejects_a_bound_that_is_not_a_date():
    with pytest.raises(AnalysisError, match="'soon' is not a date"):
        measures_module.tally_bans(example_events(), until="soon")


@pytest.mark.parametrize("column", ["ban", "measure", "place"])
def test_ban_measures_names_a_missing_column(column):
    with pytest.raises(AnalysisError, match=f"no column '{column}'"):
        measures_module.ban_measures(example_events().drop(columns=column))


# ---------------------------------------------------------------------------------------------
# is_federal


@pytest.mark.parametrize(("actor", "federal"), [
    ("Congressional Democrats (Reps. Bass, Nadler; Sens. Booker, Harris)", True),
    ("Sens. Ed Markey, Jeff Merkley; Reps. Pramila Jayapal, Ayanna Pressley", True),
    ("US House of Representatives", True),
    ("House Oversight and Reform Committee (Chair Elijah Cummings)", True),
    ("Massachusetts Legislature", False),
    ("Virginia (General Assembly; Gov. Ralph Northam)", False),
    ("King County Council (Washington)", False),
    ("Synthetic City A", False),
])
def test_is_federal_marks_congress_and_its_members_only(actor, federal):
    assert federal_module.is_federal(pd.DataFrame({"actor": [actor]})).tolist() == [federal]


# ---------------------------------------------------------------------------------------------
# corrections


def test_corrections_lists_wrong_claims_before_imprecise_ones_by_publication():
    table = corrections.corrections(synthetic_claims())
    assert table.index.tolist() == ["syn-bad-a", "syn-bad-b", "syn-loose"]
    assert table.columns.tolist() == ["Publication", "What it reported", "Verdict", "What the record shows"]
    assert table.loc["syn-bad-a", "Publication"] == "Example Wire"
    assert table.loc["syn-bad-b", "What the record shows"] == "Synthetic: wrong B."


def test_corrections_can_list_other_verdicts():
    table = corrections.corrections(synthetic_claims(), verdicts=("not relevant",))
    assert table.index.tolist() == ["syn-quote"]


def test_corrections_rejects_an_unknown_verdict():
    with pytest.raises(AnalysisError, match="'false'"):
        corrections.corrections(synthetic_claims(), verdicts=("false",))


def test_corrections_names_a_missing_column():
    with pytest.raises(AnalysisError, match="no column 'editorial_note'"):
        corrections.corrections(synthetic_claims().drop(columns="editorial_note"))


# ---------------------------------------------------------------------------------------------
# The counts the stories print, on the committed events file


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return story.load_events()


def test_in_the_events_file_portland_maine_is_one_jurisdiction_with_two_measures(events):
    measures = measures_module.ban_measures(events).set_index("id")
    assert measures.loc["portland-me-ballot", "jurisdiction"] == measures.loc["portland-me-council-ban", "jurisdiction"]
    assert measures["jurisdiction"].duplicated().sum() == 1


def test_in_the_events_file_the_three_restrictive_state_laws_are_the_limits(events):
    limits = measures_module.ban_measures(events).query("is_limit")["id"]
    assert set(limits) == {"ca-ab1215", "wa-sb6280", "ma-police-reform-law"}


def test_in_the_events_file_the_whole_timeline_counts_19_measures_in_18_places(events):
    tally = measures_module.tally_bans(events)
    assert (tally.n_measures, tally.n_jurisdictions, tally.n_limits) == (19, 18, 3)
    assert tally.by_level == {"city": 13, "county": 1, "state": 5}


def test_in_the_events_file_amazons_pause_and_extension_see_10_then_18_measures(events):
    at_pause = measures_module.tally_bans(events, until=fr.narrative.event(events, "amzn-moratorium")["date"])
    at_extension = measures_module.tally_bans(events, until=fr.narrative.event(events, "amzn-moratorium-extended")["date"])
    assert at_pause.n_measures == 10
    assert (at_extension.n_measures, at_extension.n_jurisdictions) == (18, 17)


@pytest.mark.parametrize("module", [story, measures_module, federal_module, corrections], ids=lambda m: m.__name__)
def test_the_examples_in_the_docstrings_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


# ---------------------------------------------------------------------------------------------
# What a re-run with other parameters may and may not say (synthetic events and prices)


def synthetic_event(**fields) -> pd.Series:
    """One made-up event row, named like an events-file id."""
    base = {"ticker": "SYNA", "headline": "Synthetic Co pauses a product", "date": pd.Timestamp("2020-06-10"),
            "date_precision": "day"}
    return pd.Series({**base, **fields}, name="syn-pause")


def test_a_page_says_its_announcement_only_of_the_company_that_made_the_news():
    assert story.news_label(synthetic_event(), "SYNA") == "its announcement of 10 June 2020"
    other = story.news_label(synthetic_event(ticker=None), "SYNB")
    assert "its announcement" not in other and "Synthetic Co pauses a product" in other


def test_an_event_known_only_to_the_month_is_refused_for_a_daily_study():
    with pytest.raises(AnalysisError, match=r"'syn-pause' is dated only to the month \(June 2020\)"):
        story.require_day(synthetic_event(date_precision="month", date=pd.Timestamp("2020-06-01")))


def test_history_start_gives_every_estimation_window_all_its_sessions_and_no_more():
    prices = fr.synthetic_prices(["SYNA"], start="2019-01-02", end="2020-12-31")
    window, excluded = (-120, -11), ("2020-02-01", "2020-04-30")
    start = story.history_start("2020-06-11", window, [excluded])
    options = dict(benchmark="^SYNX", estimation_window=window, exclude_period=excluded)
    enough = fr.robustness(prices[prices["date"] >= start], "SYNA", "2020-06-11", **options)
    assert enough["n_estimation"].tolist() == [110, 110, 110]
    one_short = fr.robustness(prices[prices["date"] > start], "SYNA", "2020-06-11", **options)
    assert one_short["n_estimation"].min() < 110


def test_a_side_by_side_comparison_needs_two_different_companies_and_a_placebo_outside_them():
    firms = pd.DataFrame({"id": ["syn-a-pause", "syn-b-pledge"], "ticker": ["SYNA", "SYNB"]})
    story.check_side_by_side(firms, "SYNC")  # fine: two companies, a third as placebo
    with pytest.raises(AnalysisError, match="at least two"):
        story.check_side_by_side(firms.iloc[:1], "SYNC")
    with pytest.raises(AnalysisError, match=r"more than one announcement of SYNA \(syn-a-pause, syn-a-again\)"):
        story.check_side_by_side(pd.DataFrame({"id": ["syn-a-pause", "syn-a-again"], "ticker": ["SYNA", "SYNA"]}), "SYNC")
    with pytest.raises(AnalysisError, match=r"placebo_ticker 'SYNB' made one of the announcements compared \(syn-b-pledge\)"):
        story.check_side_by_side(firms, "SYNB")


def test_estimates_that_round_alike_are_not_called_a_range():
    assert wording.ranges(pd.Series([-0.0011, -0.0009, -0.0012]), "these specifications") == (
        "is -0.1 percentage points in all of these specifications")
    assert wording.ranges(pd.Series([-0.003, 0.0]), "them") == "ranges from -0.3 percentage points to 0.0 percentage points across them"


def test_a_count_with_nothing_to_list_ends_the_sentence_without_a_colon():
    assert wording.listed([]) == "."
    assert wording.listed(["Synthetic Co on Monday 8 June 2020"]) == ": Synthetic Co on Monday 8 June 2020."


def test_a_count_says_the_end_of_the_year_only_when_it_runs_to_31_december():
    assert wording.by_end("2021-12-31") == "by the end of 2021"
    assert wording.by_end("2020-10-31") == "by 31 October 2020"


def test_the_measures_note_leaves_out_what_the_count_does_not_contain():
    note = wording.measures_note(2, 0)
    assert "0 place" not in note and "twice" not in note
    assert note.startswith("2 of the measures limit rather than ban.")
    assert "1 place counts twice" in wording.measures_note(2, 1)


def test_an_estimation_year_that_ends_before_the_crash_does_not_include_it():
    crash = ("2020-02-01", "2020-04-30")
    assert not wording.overlaps("2019-01-23", "2020-01-03", crash)  # news of January 2020
    assert wording.overlaps("2019-06-14", "2020-05-27", crash)  # news of June 2020
    assert not wording.overlaps("2020-06-03", "2021-05-14", crash)  # news of June 2021


@pytest.mark.parametrize("p", [0.05, 0.07, 0.0999])
def test_a_day_0_with_p_from_5_to_10_percent_is_borderline_as_the_event_study_summary_says(p):
    verdict = wording.abnormal_verdict(0.018, p, "Synthetic Co", detectable=0.019)
    assert verdict.startswith("borderline")
    assert "no evidence" not in verdict and "stood out" not in verdict


@pytest.mark.parametrize("names", ["{SYNQ: Synq Inc", "[SYNQ, Synq Inc]", {"SYNQ": 3}])
def test_names_that_are_not_ticker_name_pairs_are_refused_saying_how_to_write_them(names):
    with pytest.raises(AnalysisError, match=r"is not a list of ticker: name pairs; write it as names: \{ORCL: Oracle\}"):
        story.name_tickers(["SYNQ"], names)
