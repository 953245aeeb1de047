"""Helpers that look up the rows a story's prose cites.

Story notebooks state their findings in sentences whose numbers are computed, never typed:

* :func:`event` looks up one event by its ``id`` (a papermill parameter) with a clear error;
* :func:`actor_name` shortens an events ``actor`` to who acted.

Numbers, dates and names in words belong to :mod:`frstory.prose`. Counts that only one story
needs (its own extra columns, its own vocabulary) live beside that story's notebooks.
"""

from __future__ import annotations

import re

import pandas as pd

from frstory.errors import AnalysisError, did_you_mean

__all__ = ["actor_name", "event", "require_columns"]



def require_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str, loader: str) -> None:
    """Raise a clear :class:`~frstory.errors.AnalysisError` unless ``frame`` is a DataFrame with ``columns``.

    ``what`` names the caller in the message and ``loader`` the call that gives the right frame.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"id": []}), ("id",), "my_helper", "fr.load_events()")
    """
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError(f"{what} needs the frame of {loader}, got {type(frame).__name__}; pass {loader}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(
            f"{what}: the frame has no column {', '.join(map(repr, missing))} (it has "
            f"{', '.join(map(repr, frame.columns))}); pass the frame of {loader}"
        )


def event(events: pd.DataFrame, event_id: str) -> pd.Series:
    """The row of ``events`` whose ``id`` is ``event_id``.

    Parameters
    ----------
    events : pandas.DataFrame
        The frame of :func:`frstory.load_events`.
    event_id : str
        An ``id`` from ``data/events.csv``, e.g. ``"syn-a-pause"``.

    Returns
    -------
    pandas.Series
        The event's columns (``date``, ``market_session``, ``headline`` ...); its name is the id.

    Raises
    ------
    frstory.AnalysisError
        When no event has that id (the message suggests the closest ids) or several do.

    Examples
    --------
    >>> import frstory as fr
    >>> event(fr.synthetic_events(), "syn-a-pause")["date"].date()
    datetime.date(2020, 6, 10)
    """
    require_columns(events, ("id",), "frstory.narrative.event", "fr.load_events()")
    ids = events["id"].astype("string")
    matches = events[ids == event_id]
    if len(matches) == 1:
        row = matches.iloc[0]
        row.name = event_id
        return row
    if len(matches) > 1:
        raise AnalysisError(
            f"event id {event_id!r} occurs {len(matches)} times in the events frame; ids must be unique, "
            "so fix the events file"
        )
    known = [str(i) for i in ids.dropna()]
    hint = did_you_mean(event_id, known, n=3, cutoff=0.5)
    raise AnalysisError(f"no event has id {event_id!r}{hint}. Fix: pass one of the ids in the events' id column "
                        "(for a story's timeline, its events file)")


def actor_name(actor: object) -> str:
    """The short name of an events ``actor``: who acted, without the people and notes around it.

    The events file writes actors as ``Place (who signed)`` or ``Body; partner``; prose needs
    ``Place``. A trailing parenthesis is dropped (``California (Gov. Gavin Newsom)`` ->
    ``California``) and so is anything after a semicolon outside parentheses; a parenthesis in
    the middle stays, because it tells places apart (``Springfield (Oregon) City Council``).

    Examples
    --------
    >>> actor_name("Example State (Gov. A. Person); industry-backed")
    'Example State'
    >>> actor_name("Example State (General Assembly; Gov. A. Person)"), actor_name("Springfield (Oregon) City Council")
    ('Example State', 'Springfield (Oregon) City Council')
    """
    if actor is None or (not isinstance(actor, str) and pd.isna(actor)):
        return ""
    text, depth = str(actor).strip(), 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth == 0:
            text = text[:position]
            break
    shorter = re.sub(r"\s*\([^()]*\)\s*$", "", text.strip())
    return shorter or text.strip()
