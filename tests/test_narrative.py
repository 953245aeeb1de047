"""frstory.narrative: the counts and wording story notebooks build their prose from.

Unit tests use synthetic events (``fr.synthetic_events()``, edited per test and labelled as such);
the last group checks the counts the stories print against the committed events file.
"""

from __future__ import annotations

import doctest

import mistune
import pandas as pd
import pytest

import frstory as fr
from frstory import narrative
from frstory.errors import AnalysisError


def synthetic_events_with(**columns: dict[str, str | None]) -> pd.DataFrame:
    """``fr.synthetic_events()`` with cells replaced, e.g. ``place={"syn-ban-2": "..."}`` (still synthetic)."""
    events = fr.synthetic_events()
    for column, values in columns.items():
        for event_id, value in values.items():
            events.loc[events["id"] == event_id, column] = pd.NA if value is None else value
    return events


def synthetic_claims() -> pd.DataFrame:
    """Made-up claims in the claims-file format, one per editorial verdict."""
    rows = [
        ("syn-ok", "001_synthetic.txt", "Synthetic claim that checks out.", "confirmed", "Synthetic: right."),
        ("syn-loose", "002_synthetic.txt", "Synthetic claim that is roughly right.", "imprecise", "Synthetic: loose."),
        ("syn-bad-b", "003_synthetic.txt", "Synthetic claim that is wrong (B).", "wrong", "Synthetic: wrong B."),
        ("syn-bad-a", "002_synthetic.txt", "Synthetic claim that is wrong (A).", "wrong", "Synthetic: wrong A."),
        ("syn-quote", "003_synthetic.txt", "Synthetic opinion.", "not relevant", "Synthetic: nothing to check."),
    ]
    return pd.DataFrame(rows, columns=["id", "seed_file", "claim", "editorial_verdict", "editorial_note"])


# ---------------------------------------------------------------------------------------------
# event


def test_event_returns_the_row_with_that_id():
    row = narrative.event(fr.synthetic_events(), "syn-a-pause")
    assert row.name == "syn-a-pause"
    assert row["date"] == pd.Timestamp("2020-06-10")
    assert row["market_session"] == "post"


def test_an_unknown_event_id_raises_naming_it_and_suggesting_close_ids():
    with pytest.raises(AnalysisError) as info:
        narrative.event(fr.synthetic_events(), "syn-a-paus")
    message = str(info.value)
    assert "'syn-a-paus'" in message and "'syn-a-pause'" in message and "Fix" in message


def test_a_duplicated_event_id_raises_because_ids_must_be_unique():
    events = fr.synthetic_events()
    events = pd.concat([events, events.iloc[[0]]], ignore_index=True)
    with pytest.raises(AnalysisError, match="occurs 2 times"):
        narrative.event(events, "syn-study")


def test_event_rejects_a_frame_without_an_id_column():
    with pytest.raises(AnalysisError, match="no column 'id'"):
        narrative.event(pd.DataFrame({"date": []}), "syn-study")


# ---------------------------------------------------------------------------------------------
# wording helpers


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({}, "8 June 2020"),
    ({"weekday": True}, "Monday 8 June 2020"),
    ({"year": False}, "8 June"),
    ({"precision": "month"}, "June 2020"),
])
def test_long_date_writes_dates_as_prose_does(kwargs, expected):
    assert narrative.long_date("2020-06-08", **kwargs) == expected


def test_long_date_rejects_an_unknown_precision_and_a_non_date():
    with pytest.raises(AnalysisError, match="'year'"):
        narrative.long_date("2020-06-08", precision="year")
    with pytest.raises(AnalysisError, match="'not a date'"):
        narrative.long_date("not a date")


def test_escaped_text_renders_literally_in_the_publishers_markdown():
    # The publisher renders Markdown printed by code with mistune (raw HTML escaped).
    render = mistune.create_markdown(escape=True)
    text = "Synthetic *stars*, _under_ [a link](https://example.org) <b>tag</b> #1 | pipe"
    html = render(narrative.escape_markdown(text))
    assert "<em>" not in html and "<a " not in html and "<b>" not in html
    assert "*stars*" in html and "_under_" in html and "[a link](https://example.org)" in html


def test_escaped_text_cannot_start_a_heading_on_a_new_line():
    html = mistune.create_markdown(escape=True)("Synthetic line\n" + narrative.escape_markdown("one\n# two"))
    assert "<h1>" not in html


def test_escape_markdown_gives_empty_text_for_missing_values():
    assert narrative.escape_markdown(pd.NA) == "" and narrative.escape_markdown(None) == ""


@pytest.mark.parametrize(("actor", "expected"), [
    ("California (Gov. Gavin Newsom)", "California"),
    ("Washington State (Gov. Jay Inslee); Microsoft-backed", "Washington State"),
    ("Virginia (General Assembly; Gov. Ralph Northam)", "Virginia"),
    ("Portland (Maine) City Council", "Portland (Maine) City Council"),
    ("Portland (Maine) voters; City Council", "Portland (Maine) voters"),
    ("Oakland City Council", "Oakland City Council"),
])
def test_actor_name_keeps_the_place_and_drops_signers_and_partners(actor, expected):
    assert narrative.actor_name(actor) == expected


# ---------------------------------------------------------------------------------------------
# ban_measures and tally_bans


def test_ban_measures_lists_only_rows_with_a_ban_level_in_date_order():
    events = fr.synthetic_events().sample(frac=1.0, random_state=3)  # shuffled on purpose
    measures = narrative.ban_measures(events)
    assert measures["id"].tolist() == ["syn-ban-1", "syn-ban-2", "syn-ban-3", "syn-ban-4"]
    assert measures["date"].is_monotonic_increasing


def test_a_measure_is_a_limit_exactly_when_its_measure_column_says_limit():
    events = synthetic_events_with(measure={"syn-ban-1": "limit", "syn-ban-3": "ban"})
    limits = narrative.ban_measures(events).set_index("id")["is_limit"]
    assert limits.to_dict() == {"syn-ban-1": True, "syn-ban-2": False, "syn-ban-3": False, "syn-ban-4": False}


def test_the_notes_do_not_decide_whether_a_measure_is_a_limit():
    events = synthetic_events_with(notes={"syn-ban-1": "Synthetic. Restricts rather than bans."})
    assert not narrative.ban_measures(events).set_index("id").loc["syn-ban-1", "is_limit"]


def test_a_measures_jurisdiction_is_its_place():
    jurisdiction = narrative.ban_measures(fr.synthetic_events()).set_index("id")["jurisdiction"]
    assert jurisdiction.to_dict() == {"syn-ban-1": "Synthville, ZZ", "syn-ban-2": "Fakeport, ZZ",
                                      "syn-ban-3": "State of Synthesia", "syn-ban-4": "Mock County, ZZ"}


def test_two_measures_with_the_same_place_share_a_jurisdiction():
    events = synthetic_events_with(place={"syn-ban-2": "Synthville, ZZ"})
    jurisdiction = narrative.ban_measures(events).set_index("id")["jurisdiction"]
    assert jurisdiction["syn-ban-1"] == jurisdiction["syn-ban-2"] == "Synthville, ZZ"


@pytest.mark.parametrize(("column", "value"), [("place", None), ("place", "  "), ("measure", None), ("measure", "pause")])
def test_ban_measures_rejects_a_ban_row_without_a_valid_measure_or_place(column, value):
    events = synthetic_events_with(**{column: {"syn-ban-2": value}})
    with pytest.raises(AnalysisError, match=f"ban row 'syn-ban-2' has {column} "):
        narrative.ban_measures(events)


def test_tally_counts_after_exclusive_and_until_inclusive():
    events = fr.synthetic_events()
    tally = narrative.tally_bans(events, after="2019-05-14", until="2020-09-09")
    assert tally.measures["id"].tolist() == ["syn-ban-2", "syn-ban-3", "syn-ban-4"]
    assert (tally.first["id"], tally.latest["id"]) == ("syn-ban-2", "syn-ban-4")


def test_tally_counts_levels_in_city_county_state_order_and_says_them_in_words():
    tally = narrative.tally_bans(fr.synthetic_events())
    assert list(tally.by_level.items()) == [("city", 2), ("county", 1), ("state", 1)]
    assert tally.levels_phrase() == "2 city, 1 county and 1 state"


def test_tally_counts_a_place_with_two_measures_once_as_a_jurisdiction():
    events = synthetic_events_with(place={"syn-ban-2": "Synthville, ZZ"})
    tally = narrative.tally_bans(events)
    assert (tally.n_measures, tally.n_jurisdictions) == (4, 3)


def test_tally_counts_limits():
    assert narrative.tally_bans(fr.synthetic_events()).n_limits == 1  # syn-ban-3 has measure "limit"


def test_a_month_precision_measure_counts_from_the_first_of_its_month():
    # syn-ban-3 is dated 2019-12 (stored as 2019-12-01)
    assert narrative.tally_bans(fr.synthetic_events(), until="2019-12-01").n_measures == 3
    assert narrative.tally_bans(fr.synthetic_events(), until="2019-11-30").n_measures == 2


def test_an_empty_range_gives_zero_counts_and_no_first_or_latest():
    tally = narrative.tally_bans(fr.synthetic_events(), until="2018-12-31")
    assert (tally.n_measures, tally.n_jurisdictions, tally.n_limits) == (0, 0, 0)
    assert tally.first is None and tally.latest is None and tally.levels_phrase() == "none"


def test_tally_rejects_a_range_that_ends_before_it_starts():
    with pytest.raises(AnalysisError, match="until=2019-01-01 is before after=2020-01-01"):
        narrative.tally_bans(fr.synthetic_events(), after="2020-01-01", until="2019-01-01")


def test_tally_rejects_a_bound_that_is_not_a_date():
    with pytest.raises(AnalysisError, match="'soon' is not a date"):
        narrative.tally_bans(fr.synthetic_events(), until="soon")


@pytest.mark.parametrize("column", ["ban", "measure", "place"])
def test_ban_measures_names_a_missing_column(column):
    with pytest.raises(AnalysisError, match=f"no column '{column}'"):
        narrative.ban_measures(fr.synthetic_events().drop(columns=column))


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
    assert narrative.is_federal(pd.DataFrame({"actor": [actor]})).tolist() == [federal]


# ---------------------------------------------------------------------------------------------
# seed_corrections


def test_seed_corrections_lists_wrong_claims_before_imprecise_ones_by_article():
    table = narrative.seed_corrections(synthetic_claims())
    assert table.index.tolist() == ["syn-bad-a", "syn-bad-b", "syn-loose"]
    assert table.columns.tolist() == ["Article", "What it said", "Verdict", "What the record shows"]
    assert table.loc["syn-bad-a", "Article"] == "Seed 002"
    assert table.loc["syn-bad-b", "What the record shows"] == "Synthetic: wrong B."


def test_seed_corrections_can_list_other_verdicts():
    table = narrative.seed_corrections(synthetic_claims(), verdicts=("not relevant",))
    assert table.index.tolist() == ["syn-quote"]


def test_seed_corrections_rejects_an_unknown_verdict():
    with pytest.raises(AnalysisError, match="'false'"):
        narrative.seed_corrections(synthetic_claims(), verdicts=("false",))


def test_seed_corrections_names_a_missing_column():
    with pytest.raises(AnalysisError, match="no column 'editorial_note'"):
        narrative.seed_corrections(synthetic_claims().drop(columns="editorial_note"))


# ---------------------------------------------------------------------------------------------
# The counts the stories print, on the committed events file


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return fr.load_events()


def test_in_the_events_file_portland_maine_is_one_jurisdiction_with_two_measures(events):
    measures = narrative.ban_measures(events).set_index("id")
    assert measures.loc["portland-me-ballot", "jurisdiction"] == measures.loc["portland-me-council-ban", "jurisdiction"]
    assert measures["jurisdiction"].duplicated().sum() == 1


def test_in_the_events_file_the_three_restrictive_state_laws_are_the_limits(events):
    limits = narrative.ban_measures(events).query("is_limit")["id"]
    assert set(limits) == {"ca-ab1215", "wa-sb6280", "ma-police-reform-law"}


def test_in_the_events_file_the_whole_timeline_counts_14_measures_in_13_places(events):
    tally = narrative.tally_bans(events)
    assert (tally.n_measures, tally.n_jurisdictions, tally.n_limits) == (14, 13, 3)
    assert tally.by_level == {"city": 8, "county": 1, "state": 5}


def test_in_the_events_file_amazons_pause_and_extension_see_5_then_13_measures(events):
    at_pause = narrative.tally_bans(events, until=narrative.event(events, "amzn-moratorium")["date"])
    at_extension = narrative.tally_bans(events, until=narrative.event(events, "amzn-moratorium-extended")["date"])
    assert at_pause.n_measures == 5
    assert (at_extension.n_measures, at_extension.n_jurisdictions) == (13, 12)


def test_the_examples_in_the_docstrings_run():
    result = doctest.testmod(narrative, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
