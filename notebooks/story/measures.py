"""Government bans and limits of face recognition, as this story's timeline records them.

The story's events file carries three extra columns, declared in :mod:`story.schema`: ``ban`` (the
level of government: city, county or state), ``measure`` (``ban`` or ``limit``) and ``place`` (the
jurisdiction). These helpers count them for the story's prose; they are story code, not toolkit
code, because no other story has these columns.
"""

from __future__ import annotations

import pandas as pd

from frstory.errors import AnalysisError
from dataclasses import dataclass, field

from story._frames import as_day, require_columns
from story.schema import BAN_LEVELS, MEASURE_KINDS, example_events  # noqa: F401 (doctests)


def ban_measures(events: pd.DataFrame) -> pd.DataFrame:
    """The government bans and limits of the ``ban`` column, one row per measure, by date.

    Parameters
    ----------
    events : pandas.DataFrame
        The frame of :func:`frstory.load_events` (needs ``id, date, ban, measure, place, actor,
        headline``).

    Returns
    -------
    pandas.DataFrame
        Columns ``id, date, date_precision, level, actor, headline, source_url, is_limit,
        jurisdiction``, sorted by date then id. ``level`` is the ``ban`` value (city, county,
        state); ``is_limit`` is true when ``measure`` is ``limit`` (the measure restricts rather
        than bans); ``jurisdiction`` is the ``place`` (measures of one place share it).

    Raises
    ------
    frstory.AnalysisError
        When a column is missing, or a ban row has no ``place`` or a ``measure`` other than
        ``ban`` or ``limit`` (a frame that :func:`frstory.load_events` would reject).

    Examples
    --------
    >>> import frstory as fr
    >>> measures = ban_measures(example_events())
    >>> measures["level"].tolist(), measures["is_limit"].tolist()
    (['city', 'city', 'state', 'county'], [False, False, True, False])
    """
    columns = ("id", "date", "ban", "measure", "place", "actor", "headline")
    require_columns(events, columns, "story.measures.ban_measures", "fr.load_events()")
    levels = events["ban"].astype("string").str.strip()
    rows = events[levels.notna() & (levels != "")].copy()
    rows["level"] = levels[rows.index].str.lower()
    rows = rows.sort_values(["date", "id"], kind="stable").reset_index(drop=True)
    measure = rows["measure"].astype("string")
    place = rows["place"].astype("string")
    # Counting a measure of unknown kind or place would silently change the story's numbers.
    unknown_kind = ~measure.isin(list(MEASURE_KINDS)).fillna(False).astype(bool)
    no_place = place.fillna("").str.strip().eq("").astype(bool)
    for bad, column, fix in (
        (unknown_kind, "measure", "set measure to 'ban' or 'limit'"),
        (no_place, "place", "name the jurisdiction in place, e.g. 'Portland, ME'"),
    ):
        if bad.any():
            first = rows.loc[bad.idxmax()]
            raise AnalysisError(
                f"story.measures.ban_measures: ban row {first['id']!r} has {column} "
                f"{None if pd.isna(first[column]) else str(first[column])!r}; {fix} on every row whose ban "
                "is set (fr.load_events() checks this)"
            )
    precision = rows["date_precision"] if "date_precision" in rows.columns else pd.Series("day", index=rows.index)
    url = rows["source_url"] if "source_url" in rows.columns else pd.Series(pd.NA, index=rows.index)
    out = pd.DataFrame({
        "id": rows["id"].astype("string"),
        "date": pd.to_datetime(rows["date"]),
        "date_precision": precision.astype("string"),
        "level": rows["level"].astype("string"),
        "actor": rows["actor"].astype("string"),
        "headline": rows["headline"].astype("string"),
        "source_url": url.astype("string"),
        "is_limit": measure.eq("limit").to_numpy(dtype=bool),
        "jurisdiction": place.astype("string"),
    })
    return out


@dataclass(frozen=True)
class BanTally:
    """Bans and limits counted over a date range (see :func:`tally_bans`).

    Attributes
    ----------
    measures : pandas.DataFrame
        The measures counted (the columns of :func:`ban_measures`), by date.
    after, until : pandas.Timestamp or None
        The range: dates strictly after ``after`` and up to ``until`` inclusive.
    n_measures : int
        Rows counted.
    n_jurisdictions : int
        Distinct places among them (a place with two measures counts once).
    n_limits : int
        Measures that restrict rather than ban.
    by_level : dict of str to int
        Measures per level, in the order city, county, state (levels with none are left out).
    first, latest : pandas.Series or None
        The earliest and the latest measure counted (``None`` when none is).
    """

    measures: pd.DataFrame
    after: pd.Timestamp | None
    until: pd.Timestamp | None
    n_measures: int
    n_jurisdictions: int
    n_limits: int
    by_level: dict[str, int] = field(default_factory=dict)
    first: pd.Series | None = None
    latest: pd.Series | None = None

    def levels_phrase(self) -> str:
        """The counts by level in words, e.g. ``"8 city, 1 county and 5 state"``.

        Examples
        --------
        >>> import frstory as fr
        >>> tally_bans(example_events()).levels_phrase()
        '2 city, 1 county and 1 state'
        """
        parts = [f"{n} {level}" for level, n in self.by_level.items()]
        if not parts:
            return "none"
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def tally_bans(events: pd.DataFrame, *, after: object = None, until: object = None) -> BanTally:
    """Count the bans and limits dated after ``after`` (exclusive) and up to ``until`` (inclusive).

    A measure known only to the month counts from the first day of its month, as
    :func:`frstory.load_events` stores it.

    Parameters
    ----------
    events : pandas.DataFrame
        The frame of :func:`frstory.load_events`.
    after : date-like, optional
        Count only measures dated strictly after this day (e.g. the day of George Floyd's killing).
    until : date-like, optional
        Count only measures dated on or before this day (e.g. the day of an announcement).

    Returns
    -------
    BanTally

    Raises
    ------
    frstory.AnalysisError
        When a bound is not a date, ``until`` is before ``after``, or the frame lacks a column.

    Examples
    --------
    >>> import frstory as fr
    >>> tally = tally_bans(example_events(), until="2019-12-31")
    >>> tally.n_measures, tally.by_level, tally.first["id"]
    (3, {'city': 2, 'state': 1}, 'syn-rule-1')
    """
    start = None if after is None else as_day(after, "tally_bans: after")
    end = None if until is None else as_day(until, "tally_bans: until")
    if start is not None and end is not None and end < start:
        raise AnalysisError(
            f"tally_bans: until={end.date()} is before after={start.date()}; swap them or widen the range"
        )
    measures = ban_measures(events)
    keep = pd.Series(True, index=measures.index)
    if start is not None:
        keep &= measures["date"] > start
    if end is not None:
        keep &= measures["date"] <= end
    counted = measures[keep].reset_index(drop=True)
    counts = counted["level"].value_counts()
    ordered = [lv for lv in BAN_LEVELS if lv in counts.index] + sorted(lv for lv in counts.index if lv not in BAN_LEVELS)
    return BanTally(
        measures=counted,
        after=start,
        until=end,
        n_measures=len(counted),
        n_jurisdictions=int(counted["jurisdiction"].nunique()),
        n_limits=int(counted["is_limit"].sum()),
        by_level={str(lv): int(counts[lv]) for lv in ordered},
        first=counted.iloc[0] if len(counted) else None,
        latest=counted.iloc[-1] if len(counted) else None,
    )


