"""Which events were acts of the US Congress or its members: this story's actors, named as its
events file names them."""

from __future__ import annotations

import re

import pandas as pd

from story._frames import require_columns

# Members and chambers of the US Congress, as the events file names them ("Sens. Markey",
# "Reps. Bass", "US House of Representatives", "Congressional Democrats", "House Oversight
# and Reform Committee"). State legislatures are named after their state, so they do not match.
_FEDERAL_ACTOR = re.compile(
    r"\bCongress(?:ional)?\b|\bUS (?:House|Senate)\b|\bHouse\b[\w ]*\bCommittee\b|\bSens?\.|\bReps?\.",
)


def is_federal(events: pd.DataFrame) -> pd.Series:
    """Which events were acts of the US Congress or its members (bills, votes, hearings).

    Read from the ``actor`` column: "Sens. ...", "Reps. ...", "Congressional ...", "US House"
    or "US Senate", or a House committee. State legislatures and city councils do not match.

    Parameters
    ----------
    events : pandas.DataFrame
        The frame of :func:`frstory.load_events` (needs ``actor``).

    Returns
    -------
    pandas.Series of bool
        Aligned with ``events``.

    Examples
    --------
    >>> frame = pd.DataFrame({"actor": ["Sens. Ed Markey, Jeff Merkley", "Massachusetts Legislature",
    ...                                 "US House of Representatives", None]})
    >>> is_federal(frame).tolist()
    [True, False, True, False]
    """
    require_columns(events, ("actor",), "story.federal.is_federal", "fr.load_events()")
    actors = events["actor"].astype("string").fillna("")
    return actors.str.contains(_FEDERAL_ACTOR).astype(bool)


