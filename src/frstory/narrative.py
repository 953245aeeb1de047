"""Helpers that turn the events and claims frames into the facts a story's prose cites.

Story notebooks state their findings in sentences whose numbers are computed, never typed.
The counts they need again and again live here, as pure functions of the frames returned by
:func:`frstory.load_events` and :func:`frstory.load_claims`:

* :func:`event` looks up one event by its ``id`` (a papermill parameter) with a clear error;
* :func:`ban_measures` and :func:`tally_bans` count the government bans and limits of the
  ``ban`` column, by level (``ban``), by kind (``measure``: ban or limit) and by jurisdiction
  (``place``);
* :func:`is_federal` marks events whose actor is the US Congress or its members;
* :func:`seed_corrections` lists where the seed articles were wrong or imprecise;
* :func:`actor_name`, :func:`long_date` and :func:`escape_markdown` format values for Markdown
  prose.

Whether a measure bans or only limits, and which measures belong to one place, are columns of
the events contract (``measure`` and ``place``, validated by :func:`frstory.load_events`), not
readings of the free-text notes: two measures of one place (Portland, Maine: a council ban, then
a stronger ballot measure) share the same ``place`` and count once as a jurisdiction.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import pandas as pd

from frstory.prose import p_value as format_p  # re-exported until the notebooks call frstory.prose.p_value
from frstory.errors import AnalysisError

__all__ = [
    "BAN_LEVELS",
    "BanTally",
    "actor_name",
    "ban_measures",
    "escape_markdown",
    "event",
    "format_p",
    "is_federal",
    "long_date",
    "seed_corrections",
    "tally_bans",
]

#: Levels of the ``ban`` column, in the order prose lists them.
BAN_LEVELS: tuple[str, ...] = ("city", "county", "state")

# Members and chambers of the US Congress, as the events file names them ("Sens. Markey",
# "Reps. Bass", "US House of Representatives", "Congressional Democrats", "House Oversight
# and Reform Committee"). State legislatures are named after their state, so they do not match.
_FEDERAL_ACTOR = re.compile(
    r"\bCongress(?:ional)?\b|\bUS (?:House|Senate)\b|\bHouse\b[\w ]*\bCommittee\b|\bSens?\.|\bReps?\.",
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_VERDICT_ORDER = ("wrong", "imprecise", "unverified", "confirmed", "not relevant")


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str, loader: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError(f"{what} needs the frame of {loader}, got {type(frame).__name__}; pass {loader}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(
            f"{what}: the frame has no column {', '.join(map(repr, missing))} (it has "
            f"{', '.join(map(repr, frame.columns))}); pass the frame of {loader}"
        )


def _as_day(value: object, what: str) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"{what} {value!r} is not a date; give a date such as '2020-06-10'") from exc
    if pd.isna(day):
        raise AnalysisError(f"{what} {value!r} is not a date; give a date such as '2020-06-10'")
    return day.tz_localize(None).normalize() if day.tz is not None else day.normalize()


def event(events: pd.DataFrame, event_id: str) -> pd.Series:
    """The row of ``events`` whose ``id`` is ``event_id``.

    Parameters
    ----------
    events : pandas.DataFrame
        The frame of :func:`frstory.load_events`.
    event_id : str
        An ``id`` from ``data/events.csv``, e.g. ``"amzn-moratorium"``.

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
    _require_columns(events, ("id",), "frstory.narrative.event", "fr.load_events()")
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
    close = difflib.get_close_matches(str(event_id), known, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(map(repr, close))}?" if close else "see the id column of data/events.csv"
    raise AnalysisError(f"no event has id {event_id!r}; {hint} Fix: pass one of the ids in the events frame")


def long_date(day: object, *, weekday: bool = False, year: bool = True, precision: object = "day") -> str:
    """A date as prose writes it: ``8 June 2020`` (``Monday 8 June 2020`` with ``weekday``).

    With ``precision="month"`` (an event known only to the month, stored as the 1st) the day is
    left out: ``December 2020``.

    Examples
    --------
    >>> long_date("2020-06-08"), long_date("2020-06-08", weekday=True, year=False)
    ('8 June 2020', 'Monday 8 June')
    >>> long_date("2020-12-01", precision="month")
    'December 2020'
    """
    ts = _as_day(day, "long_date: day")
    if precision == "month":
        return f"{ts:%B}" + (f" {ts.year}" if year else "")
    if precision != "day":
        raise AnalysisError(f"long_date: precision {precision!r} is not 'day' or 'month' (the events' date_precision)")
    text = f"{ts.day} {ts:%B}" + (f" {ts.year}" if year else "")
    return f"{ts:%A} {text}" if weekday else text


def actor_name(actor: object) -> str:
    """The short name of an events ``actor``: who acted, without the people and notes around it.

    The events file writes actors as ``Place (who signed)`` or ``Body; partner``; prose needs
    ``Place``. A trailing parenthesis is dropped (``California (Gov. Gavin Newsom)`` ->
    ``California``) and so is anything after a semicolon outside parentheses; a parenthesis in
    the middle stays, because it tells places apart (``Portland (Maine) City Council``).

    Examples
    --------
    >>> actor_name("Washington State (Gov. Jay Inslee); Microsoft-backed")
    'Washington State'
    >>> actor_name("Virginia (General Assembly; Gov. Ralph Northam)"), actor_name("Portland (Maine) City Council")
    ('Virginia', 'Portland (Maine) City Council')
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


def escape_markdown(text: object) -> str:
    """Text from data made literal in Markdown: markup characters are backslash-escaped.

    Headlines and notes can contain ``*``, ``_``, ``[`` or ``<``; escaped, they print as
    themselves instead of turning into emphasis, links or HTML. Newlines become spaces, so a
    value cannot start a heading or a list. Missing values give ``""``.

    Examples
    --------
    >>> escape_markdown("Seed *004* <b>[link](x)</b>")
    'Seed \\\\*004\\\\* \\\\<b\\\\>\\\\[link\\\\]\\\\(x\\\\)\\\\</b\\\\>'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    flat = re.sub(r"\s*[\r\n]+\s*", " ", str(text))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


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
    >>> measures = ban_measures(fr.synthetic_events())
    >>> measures["level"].tolist(), measures["is_limit"].tolist()
    (['city', 'city', 'state', 'county'], [False, False, True, False])
    """
    columns = ("id", "date", "ban", "measure", "place", "actor", "headline")
    _require_columns(events, columns, "frstory.narrative.ban_measures", "fr.load_events()")
    levels = events["ban"].astype("string").str.strip()
    rows = events[levels.notna() & (levels != "")].copy()
    rows["level"] = levels[rows.index].str.lower()
    rows = rows.sort_values(["date", "id"], kind="stable").reset_index(drop=True)
    measure = rows["measure"].astype("string")
    place = rows["place"].astype("string")
    # Counting a measure of unknown kind or place would silently change the story's numbers.
    unknown_kind = ~measure.isin(["ban", "limit"]).fillna(False).astype(bool)
    no_place = place.fillna("").str.strip().eq("").astype(bool)
    for bad, column, fix in (
        (unknown_kind, "measure", "set measure to 'ban' or 'limit'"),
        (no_place, "place", "name the jurisdiction in place, e.g. 'Portland, ME'"),
    ):
        if bad.any():
            first = rows.loc[bad.idxmax()]
            raise AnalysisError(
                f"frstory.narrative.ban_measures: ban row {first['id']!r} has {column} "
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
        >>> tally_bans(fr.synthetic_events()).levels_phrase()
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
    >>> tally = tally_bans(fr.synthetic_events(), until="2019-12-31")
    >>> tally.n_measures, tally.by_level, tally.first["id"]
    (3, {'city': 2, 'state': 1}, 'syn-ban-1')
    """
    start = None if after is None else _as_day(after, "tally_bans: after")
    end = None if until is None else _as_day(until, "tally_bans: until")
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
    _require_columns(events, ("actor",), "frstory.narrative.is_federal", "fr.load_events()")
    actors = events["actor"].astype("string").fillna("")
    return actors.str.contains(_FEDERAL_ACTOR).astype(bool)


def seed_corrections(claims: pd.DataFrame, verdicts: tuple[str, ...] = ("wrong", "imprecise")) -> pd.DataFrame:
    """A reader's table of the seed articles' claims that the research desk found wanting.

    Parameters
    ----------
    claims : pandas.DataFrame
        The frame of :func:`frstory.load_claims`.
    verdicts : tuple of str
        Editorial verdicts to include (default: ``wrong`` and ``imprecise``).

    Returns
    -------
    pandas.DataFrame
        Columns ``Article``, ``What it said``, ``Verdict`` and ``What the record shows``, one row
        per claim: wrong before imprecise, then by article and the claims file's order. The
        article is named after its seed file (``Seed 004`` for ``004_....txt``). Its index holds
        the claim ids.

    Raises
    ------
    frstory.AnalysisError
        When a verdict is not one the claims file uses, or a column is missing.

    Examples
    --------
    >>> claims = pd.DataFrame({"id": ["c1", "c2"], "seed_file": ["004_ab.txt", "001_cd.txt"],
    ...     "claim": ["The test was in June.", "Rekognition launched in 2016."],
    ...     "editorial_verdict": ["wrong", "confirmed"], "editorial_note": ["It was July.", "Right."]})
    >>> seed_corrections(claims)["What the record shows"].tolist()
    ['It was July.']
    """
    _require_columns(claims, ("id", "seed_file", "claim", "editorial_verdict", "editorial_note"),
                     "frstory.narrative.seed_corrections", "fr.load_claims()")
    unknown = [v for v in verdicts if v not in _VERDICT_ORDER]
    if unknown:
        raise AnalysisError(
            f"seed_corrections: verdict {unknown[0]!r} is not one of {', '.join(map(repr, _VERDICT_ORDER))}; "
            "choose verdicts the claims file uses"
        )
    verdict = claims["editorial_verdict"].astype("string")
    chosen = claims[verdict.isin(list(verdicts)).fillna(False).astype(bool)].copy()
    chosen["_rank"] = chosen["editorial_verdict"].map({v: i for i, v in enumerate(_VERDICT_ORDER)})
    chosen["_position"] = range(len(chosen))
    chosen = chosen.sort_values(["_rank", "seed_file", "_position"], kind="stable")
    seed_number = chosen["seed_file"].astype("string").str.extract(r"^(\d+)", expand=False)
    article = ("Seed " + seed_number).fillna(chosen["seed_file"].astype("string"))
    out = pd.DataFrame({
        "Article": article.to_numpy(),
        "What it said": chosen["claim"].astype("string").to_numpy(),
        "Verdict": chosen["editorial_verdict"].astype("string").to_numpy(),
        "What the record shows": chosen["editorial_note"].astype("string").to_numpy(),
    }, index=pd.Index(chosen["id"].astype("string").to_numpy(), name="claim"))
    return out
