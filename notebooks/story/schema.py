"""The story's extra event columns, declared for :func:`frstory.load_events`.

The timeline records government bans and limits of face recognition with three columns the
generic events contract does not have:

* ``ban``: the level of government that acted (:data:`BAN_LEVELS`);
* ``measure``: whether it bans the technology outright or restricts it (:data:`MEASURE_KINDS`);
* ``place``: the jurisdiction, written the same way on every row (two measures of one place
  share it, so a count of places counts it once).

Load the story's timeline with ``fr.load_events(extensions=EVENT_EXTENSIONS)``. The levels and
kinds are defined here and only here; the story's helpers import them.
"""

from __future__ import annotations

import pandas as pd

from frstory.data.events import (
    EventExtension,
    ExtensionColumn,
    ExtensionRule,
    filled_together,
    one_value_per,
    only_when,
    spelled_once,
)

__all__ = ["BAN_LEVELS", "MEASURE_KINDS", "BAN", "MEASURE", "PLACE", "GOVERNMENT_MEASURES", "EVENT_EXTENSIONS",
           "example_events"]

#: Levels of government in the ``ban`` column, in the order prose and charts list them.
BAN_LEVELS: tuple[str, ...] = ("city", "county", "state")
#: Values of ``measure``: an outright ban, or a law that restricts rather than bans.
MEASURE_KINDS: tuple[str, ...] = ("ban", "limit")

BAN = ExtensionColumn("ban", "the level of government that enacted a ban or limit: " + ", ".join(BAN_LEVELS),
                      values=BAN_LEVELS)
MEASURE = ExtensionColumn("measure", "'ban' for an outright ban or 'limit' for a law that restricts rather than bans",
                          values=MEASURE_KINDS)
PLACE = ExtensionColumn("place", "the jurisdiction that enacted it, e.g. 'Portland, ME' or 'Massachusetts' "
                        "(two measures of one place share the same text)")

_PLACE_ONE_LEVEL = one_value_per("place", "ban")

#: The declaration: three columns set together, on policy events only, one place one level and one
#: spelling.
GOVERNMENT_MEASURES = EventExtension(
    "government measures",
    (BAN, MEASURE, PLACE),
    (
        only_when("ban", "category", ["policy"]),
        *filled_together(BAN, MEASURE, PLACE),
        ExtensionRule(
            _PLACE_ONE_LEVEL.key, "place", _PLACE_ONE_LEVEL.reads, _PLACE_ONE_LEVEL.check,
            "has measures at more than one ban level",
            "give all measures of one place the same ban level, or, if they are different places, "
            "name them apart (e.g. 'Washington' and 'King County, WA')",
        ),
        spelled_once("place"),
    ),
)

#: What to pass as ``extensions=`` to :func:`frstory.load_events` and
#: :func:`frstory.data.events.validate_events` for this story's timeline.
EVENT_EXTENSIONS: tuple[EventExtension, ...] = (GOVERNMENT_MEASURES,)

# Made-up measures for the synthetic timeline's policy rows, for examples and tests of the story's
# helpers (the places are invented and say so by their names).
_EXAMPLE_MEASURES = {
    "syn-rule-1": ("city", "ban", "Synthville, ZZ"),
    "syn-rule-2": ("city", "ban", "Fakeport, ZZ"),
    "syn-rule-3": ("state", "limit", "State of Synthesia"),
    "syn-rule-4": ("county", "ban", "Mock County, ZZ"),
}


def example_events() -> pd.DataFrame:
    """:func:`frstory.synthetic_events` with this story's columns: four made-up measures.

    Returns
    -------
    pandas.DataFrame
        The synthetic timeline plus ``ban``, ``measure`` and ``place`` (``<NA>`` on the other rows),
        valid under :data:`EVENT_EXTENSIONS`; ``attrs["synthetic"]`` is true.

    Examples
    --------
    >>> events = example_events()
    >>> events.dropna(subset="ban")[["ban", "measure", "place"]].values.tolist()[2]
    ['state', 'limit', 'State of Synthesia']
    """
    import frstory as fr
    from frstory.data.events import validate_events

    events = fr.synthetic_events()
    for position, column in enumerate(("ban", "measure", "place")):
        values = events["id"].map(lambda i: _EXAMPLE_MEASURES.get(i, (None, None, None))[position])
        events[column] = pd.array(values, dtype="string")
    return validate_events(events, source="story.schema.example_events()", extensions=EVENT_EXTENSIONS)
