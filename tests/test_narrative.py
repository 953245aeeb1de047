"""frstory.narrative: looking up the rows a story cites, and wording helpers.

Unit tests use synthetic events (``fr.synthetic_events()``, edited per test and labelled as such);
the last group checks the counts the stories print against the committed events file.
"""

from __future__ import annotations

import doctest

import pandas as pd
import pytest

import frstory as fr
from frstory import narrative
from frstory.errors import AnalysisError


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
    assert message.startswith("no event has id 'syn-a-paus' (did you mean 'syn-a-pause'")
    assert ". Fix: pass one of the ids in the events' id column" in message


def test_a_duplicated_event_id_raises_because_ids_must_be_unique():
    events = fr.synthetic_events()
    events = pd.concat([events, events.iloc[[0]]], ignore_index=True)
    with pytest.raises(AnalysisError, match="occurs 2 times"):
        narrative.event(events, "syn-study")


def test_event_rejects_a_frame_without_an_id_column():
    with pytest.raises(AnalysisError, match="no column 'id'"):
        narrative.event(pd.DataFrame({"date": []}), "syn-study")


# ---------------------------------------------------------------------------------------------
# actor_name


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


def test_the_examples_in_the_docstrings_run():
    result = doctest.testmod(narrative, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
