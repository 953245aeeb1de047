"""The sourced event timeline (``data/events.csv``) and its pandera schemas.

Two schemas document the contract in ``docs/architecture.md``:

* :data:`EVENTS_CSV_SCHEMA` checks the CSV *text* (formats such as ``YYYY-MM`` for a month), so
  that every problem can be reported at the line a journalist edits.
* :data:`EVENTS_SCHEMA` checks the typed frame that :func:`load_events` returns (and that
  :func:`frstory.synthetic_events` imitates): dtypes, midnight dates and the same rules.

Both share the cross-column rules: a date must match its precision, ``end_date`` cannot precede
``date``, ``ban`` belongs to policy events, and ``market_session`` must agree with the NYSE
calendar (``closed`` only on days the exchange was shut; a known ``time_et`` fixes the session).

A government measure is described by three columns that are filled together or not at all:
``ban`` (its level: city, county or state), ``measure`` (``ban`` or ``limit``: whether it bans
the technology outright or restricts it) and ``place`` (the jurisdiction, e.g. ``Portland, ME``).
Two measures of one place carry the same ``place`` text, so a count of places counts it once;
the rules therefore also reject one place at two levels, and two spellings of one place that
differ only in case or spacing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from frstory.data.calendar import MARKET_SESSIONS, nyse_calendar
from frstory.data.validation import (
    frame_dtype_rules,
    load_curated_csv,
    validate_frame,
    Rule,
    all_pass,
    has_columns,
    is_datetime_ns,
    is_midnight,
    is_string_dtype,
    nyse_open,
    text_or_none,
    is_hh_mm,
    is_http_url,
    is_iso_day,
    is_iso_month,
    is_not_blank,
    is_slug,
    is_ticker,
    parse_iso_day,
)
from frstory.paths import curated_data_file

__all__ = [
    "EVENT_COLUMNS",
    "CATEGORIES",
    "DATE_PRECISIONS",
    "CONFIDENCE_LEVELS",
    "BAN_LEVELS",
    "MEASURE_KINDS",
    "HEADLINE_MAX_CHARS",
    "EVENTS_CSV_SCHEMA",
    "EVENTS_SCHEMA",
    "load_events",
    "validate_events",
]

EVENT_COLUMNS: tuple[str, ...] = (
    "id", "date", "date_precision", "time_et", "market_session", "category", "actor", "headline",
    "description", "source_url", "confidence", "notes", "ticker", "end_date", "ban", "measure", "place",
)
CATEGORIES: tuple[str, ...] = ("corporate", "policy", "protest", "research", "incident", "market")
DATE_PRECISIONS: tuple[str, ...] = ("day", "month")
CONFIDENCE_LEVELS: tuple[str, ...] = ("high", "medium", "low")
BAN_LEVELS: tuple[str, ...] = ("city", "county", "state")
#: Values of ``measure``: an outright ban, or a law that restricts rather than bans.
MEASURE_KINDS: tuple[str, ...] = ("ban", "limit")
HEADLINE_MAX_CHARS = 90

_OPTIONAL_COLUMNS = ("time_et", "notes", "ticker", "end_date", "ban", "measure", "place")

COLUMN_HELP = {
    "id": "a unique slug of lowercase letters, digits and '-', e.g. amzn-moratorium",
    "date": "the US local date, YYYY-MM-DD (or YYYY-MM when date_precision is month)",
    "date_precision": "day or month",
    "market_session": "pre, regular, post, closed or unknown",
    "category": "one of " + ", ".join(CATEGORIES),
    "actor": "who acted, e.g. Amazon or San Francisco Board of Supervisors",
    "headline": f"a short headline of at most {HEADLINE_MAX_CHARS} characters",
    "description": "one or two sentences in our own words",
    "source_url": "the http(s) address of the source",
    "confidence": "high, medium or low",
    "measure": "ban or limit, when ban is set",
    "place": "the jurisdiction of a ban or limit, e.g. San Francisco, CA or Massachusetts",
}


def _oneof(values) -> str:
    return ", ".join(values)


# --- cross-column rules, shared by the CSV and the frame schemas -------------------------------


def _start_dates(frame: pd.DataFrame) -> pd.Series:
    """The first day each event covers, from text (CSV) or datetimes (frame); NaT when unreadable."""
    date = frame["date"]
    if pd.api.types.is_datetime64_any_dtype(date):
        return date
    text = text_or_none(date)
    month = is_iso_month(text) & text.notna()
    as_day = text.map(lambda v: v + "-01" if isinstance(v, str) else v).where(month, text)
    return parse_iso_day(as_day)


def _end_dates(frame: pd.DataFrame) -> pd.Series:
    end = frame["end_date"]
    return end if pd.api.types.is_datetime64_any_dtype(end) else parse_iso_day(text_or_none(end))


def _date_matches_precision(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "date", "date_precision"):
        return all_pass(frame)
    precision = frame["date_precision"].astype(object)
    date = frame["date"]
    if pd.api.types.is_datetime64_any_dtype(date):
        # In the frame a month is stored as its first day, and every date is a midnight.
        return ~(precision.eq("month") & date.notna() & (date.dt.day != 1))
    text = text_or_none(date)
    day_ok = is_iso_day(text) & text.notna()
    month_ok = is_iso_month(text) & text.notna()
    readable = day_ok | month_ok  # unreadable dates are reported by the date format rule
    wrong = readable & ((precision.eq("day") & ~day_ok) | (precision.eq("month") & ~month_ok))
    return ~wrong


def _end_not_before_start(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "date", "end_date"):
        return all_pass(frame)
    start, end = _start_dates(frame), _end_dates(frame)
    return ~(start.notna() & end.notna() & (end < start))


def _ban_is_policy(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "ban", "category"):
        return all_pass(frame)
    return frame["ban"].isna() | frame["category"].astype(object).eq("policy")


def _is_set(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].notna().astype(bool)


def _measure_needs_ban(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "ban", "measure"):
        return all_pass(frame)
    return ~(_is_set(frame, "measure") & ~_is_set(frame, "ban"))


def _ban_needs_measure(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "ban", "measure"):
        return all_pass(frame)
    return ~(_is_set(frame, "ban") & ~_is_set(frame, "measure"))


def _place_needs_ban(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "ban", "place"):
        return all_pass(frame)
    return ~(_is_set(frame, "place") & ~_is_set(frame, "ban"))


def _ban_needs_place(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "ban", "place"):
        return all_pass(frame)
    return ~(_is_set(frame, "ban") & ~_is_set(frame, "place"))


def _place_one_level(frame: pd.DataFrame) -> pd.Series:
    # A jurisdiction has one level; a place at two levels is two places given one name.
    if not has_columns(frame, "ban", "place"):
        return all_pass(frame)
    both = _is_set(frame, "ban") & _is_set(frame, "place")
    place, ban = frame["place"].astype(object), frame["ban"].astype(object)
    levels = ban[both].groupby(place[both]).nunique()
    mixed = set(levels.index[levels > 1])
    return ~(both & place.isin(mixed))


def _place_key(value: str) -> str:
    return " ".join(value.split()).casefold()


def _place_spelled_once(frame: pd.DataFrame) -> pd.Series:
    # Counting places compares exact text, so "Portland, ME" and "portland,  ME" would count twice.
    if not has_columns(frame, "place"):
        return all_pass(frame)
    place = text_or_none(frame["place"])
    named = place.notna()
    keys = place[named].map(_place_key)
    spellings = place[named].groupby(keys).nunique()
    clashing = set(spellings.index[spellings > 1])
    return ~(named & place.map(lambda v: v is not None and _place_key(v) in clashing))


def _month_session_unknown(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "date_precision", "market_session"):
        return all_pass(frame)
    return ~(frame["date_precision"].astype(object).eq("month") & ~frame["market_session"].astype(object).eq("unknown"))


def _day_rows(frame: pd.DataFrame) -> pd.Series:
    return frame["date_precision"].astype(object).eq("day")


def _closed_only_when_shut(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "date", "date_precision", "market_session"):
        return all_pass(frame)
    is_open = nyse_open(_start_dates(frame))
    closed = frame["market_session"].astype(object).eq("closed")
    return ~(closed & _day_rows(frame) & is_open.fillna(False).astype(bool))


def _closed_when_shut(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "date", "date_precision", "market_session"):
        return all_pass(frame)
    is_shut = ~nyse_open(_start_dates(frame)).fillna(True).astype(bool)
    # On a weekend or holiday the session is known whatever the hour: the next session reacts.
    not_closed = frame["market_session"].astype(object).isin(("pre", "regular", "post", "unknown"))
    return ~(not_closed & _day_rows(frame) & is_shut)


def _session_of(day: pd.Timestamp, hh_mm: str) -> str:
    cal = nyse_calendar()
    opens = pd.Timestamp(cal.session_open(day)).tz_convert("America/New_York")
    closes = pd.Timestamp(cal.session_close(day)).tz_convert("America/New_York")
    at = pd.Timestamp(f"{day:%Y-%m-%d} {hh_mm}").tz_localize("America/New_York")
    if at < opens:
        return "pre"
    return "regular" if at < closes else "post"


def _time_matches_session(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "date", "date_precision", "market_session", "time_et"):
        return all_pass(frame)
    days = _start_dates(frame)
    is_open = nyse_open(days).fillna(False).astype(bool)
    time_et = text_or_none(frame["time_et"])
    session = frame["market_session"].astype(object)
    timed = _day_rows(frame) & is_open & time_et.notna() & is_hh_mm(time_et) & session.isin(MARKET_SESSIONS)
    ok = pd.Series(True, index=frame.index)
    for i in frame.index[timed]:
        # "closed" on a session day is reported by its own rule; here only the time matters.
        if session[i] != "closed":
            ok[i] = session[i] == _session_of(days[i], time_et[i])
    return ok


_ROW_RULES: dict[str, Rule] = {
    "date_matches_precision": Rule(
        "date", "does not match date_precision (day needs YYYY-MM-DD, month needs YYYY-MM)",
        "write the date as YYYY-MM-DD for date_precision 'day', or as YYYY-MM with date_precision 'month'",
    ),
    "end_not_before_start": Rule(
        "end_date", "is before the event's date",
        "make end_date the last day of the period, on or after date (or leave it empty)",
    ),
    "ban_is_policy": Rule(
        "ban", "is set on an event whose category is not 'policy'",
        "set category to 'policy' for a government ban or limit, or leave ban empty",
    ),
    "measure_needs_ban": Rule(
        "measure", "is set but ban is empty",
        "set ban to city, county or state for a government ban or limit, or leave measure empty",
    ),
    "ban_needs_measure": Rule(
        "measure", "is empty although ban is set",
        "set measure to 'ban' for an outright ban or 'limit' for a law that restricts rather than bans",
    ),
    "place_needs_ban": Rule(
        "place", "is set but ban is empty",
        "set ban and measure for a government ban or limit, or leave place empty",
    ),
    "ban_needs_place": Rule(
        "place", "is empty although ban is set",
        "name the jurisdiction that enacted the measure, e.g. 'Portland, ME' or 'Massachusetts' "
        "(two measures of one place share the same place text)",
    ),
    "place_one_level": Rule(
        "place", "has measures at more than one ban level",
        "give all measures of one place the same ban level, or, if they are different places, "
        "name them apart (e.g. 'Washington' and 'King County, WA')",
    ),
    "place_spelled_once": Rule(
        "place", "is spelled differently on another row (the two differ only in case or spacing)",
        "write one place exactly the same way on every row, e.g. 'Portland, ME'",
    ),
    "month_session_unknown": Rule(
        "market_session", "cannot be known for an event dated only by month",
        "use market_session 'unknown' when date_precision is 'month'",
    ),
    "closed_only_when_shut": Rule(
        "market_session", "is 'closed' but the NYSE traded on that date",
        "use 'pre', 'regular' or 'post' for when the news came out that day, or 'unknown'",
    ),
    "closed_when_shut": Rule(
        "market_session", "is not 'closed' but the NYSE did not trade on that date (weekend or holiday)",
        "use 'closed' for news dated on a weekend or exchange holiday",
    ),
    "time_matches_session": Rule(
        "market_session", "disagrees with time_et (NYSE regular session 09:30-16:00 ET, earlier on half days)",
        "set market_session from time_et: before the open 'pre', during the session 'regular', after the close 'post'",
    ),
}

_ROW_CHECKS = [
    pa.Check(_date_matches_precision, error="date_matches_precision"),
    pa.Check(_end_not_before_start, error="end_not_before_start"),
    pa.Check(_ban_is_policy, error="ban_is_policy"),
    pa.Check(_measure_needs_ban, error="measure_needs_ban"),
    pa.Check(_ban_needs_measure, error="ban_needs_measure"),
    pa.Check(_place_needs_ban, error="place_needs_ban"),
    pa.Check(_ban_needs_place, error="ban_needs_place"),
    pa.Check(_place_one_level, error="place_one_level"),
    pa.Check(_place_spelled_once, error="place_spelled_once"),
    pa.Check(_month_session_unknown, error="month_session_unknown"),
    pa.Check(_closed_only_when_shut, error="closed_only_when_shut"),
    pa.Check(_closed_when_shut, error="closed_when_shut"),
    pa.Check(_time_matches_session, error="time_matches_session"),
]

# --- column rules shared by both schemas --------------------------------------------------------

_VALUE_RULES: dict[str, Rule] = {
    "id_slug": Rule("id", "is not a slug", "use only lowercase letters a-z, digits and '-', e.g. amzn-moratorium"),
    "date_precision_known": Rule("date_precision", "is not a date precision", "use 'day' or 'month'"),
    "time_et_format": Rule("time_et", "is not a 24-hour HH:MM time", "write Eastern time as HH:MM, e.g. 17:43, or leave it empty"),
    "market_session_known": Rule("market_session", "is not a market session", "use one of " + _oneof(MARKET_SESSIONS)),
    "category_known": Rule("category", "is not a known category", "use one of " + _oneof(CATEGORIES)),
    "actor_blank": Rule("actor", "is blank", "name who acted"),
    "headline_blank": Rule("headline", "is blank", "write a short headline"),
    "headline_length": Rule(
        "headline", f"is longer than {HEADLINE_MAX_CHARS} characters",
        f"shorten the headline to {HEADLINE_MAX_CHARS} characters or fewer; details go in description",
    ),
    "description_blank": Rule("description", "is blank", "describe the event in one or two sentences"),
    "source_url_http": Rule(
        "source_url", "is not an http(s) address",
        "give the full address of the source starting with https:// (or http://)",
    ),
    "confidence_known": Rule("confidence", "is not a confidence level", "use high, medium or low"),
    "ticker_format": Rule(
        "ticker", "is not a ticker", "write the listed ticker in capitals, e.g. AMZN, or leave it empty",
    ),
    "ban_known": Rule("ban", "is not a ban level", "use city, county or state, or leave it empty"),
    "measure_known": Rule(
        "measure", "is not a kind of measure",
        "use 'ban' for an outright ban or 'limit' for a law that restricts rather than bans "
        "(leave it empty when ban is empty)",
    ),
    "place_blank": Rule("place", "is blank", "name the jurisdiction, e.g. 'San Francisco, CA' or 'King County, WA'"),
}


def _headline_fits(series: pd.Series) -> pd.Series:
    return series.astype(object).map(lambda v: not isinstance(v, str) or len(v) <= HEADLINE_MAX_CHARS).astype(bool)


def _value_checks(column: str) -> list[pa.Check]:
    return {
        "id": [pa.Check(is_slug, error="id_slug")],
        "date_precision": [pa.Check.isin(DATE_PRECISIONS, error="date_precision_known")],
        "time_et": [pa.Check(is_hh_mm, error="time_et_format")],
        "market_session": [pa.Check.isin(MARKET_SESSIONS, error="market_session_known")],
        "category": [pa.Check.isin(CATEGORIES, error="category_known")],
        "actor": [pa.Check(is_not_blank, error="actor_blank")],
        "headline": [pa.Check(is_not_blank, error="headline_blank"), pa.Check(_headline_fits, error="headline_length")],
        "description": [pa.Check(is_not_blank, error="description_blank")],
        "source_url": [pa.Check(is_http_url, error="source_url_http")],
        "confidence": [pa.Check.isin(CONFIDENCE_LEVELS, error="confidence_known")],
        "ticker": [pa.Check(is_ticker, error="ticker_format")],
        "ban": [pa.Check.isin(BAN_LEVELS, error="ban_known")],
        "measure": [pa.Check.isin(MEASURE_KINDS, error="measure_known")],
        "place": [pa.Check(is_not_blank, error="place_blank")],
    }.get(column, [])


# --- the CSV text schema ------------------------------------------------------------------------

_CSV_RULES: dict[str, Rule] = {
    **_VALUE_RULES,
    **_ROW_RULES,
    "date_format": Rule(
        "date", "is not a real date written YYYY-MM-DD (or a month written YYYY-MM)",
        "write the date as YYYY-MM-DD, e.g. 2020-06-10 (or YYYY-MM with date_precision 'month')",
    ),
    "end_date_format": Rule(
        "end_date", "is not a real date written YYYY-MM-DD",
        "write the last day of the period as YYYY-MM-DD, or leave it empty",
    ),
}


def _csv_column(name: str) -> pa.Column:
    checks = list(_value_checks(name))
    if name == "date":
        checks.append(pa.Check(lambda s: is_iso_day(s) | is_iso_month(s), error="date_format"))
    if name == "end_date":
        checks.append(pa.Check(is_iso_day, error="end_date_format"))
    return pa.Column(None, checks=checks, nullable=name in _OPTIONAL_COLUMNS,
                     unique=name == "id", required=True)


#: pandera schema of ``events.csv`` as text (every cell a string, empty cells missing).
EVENTS_CSV_SCHEMA = pa.DataFrameSchema(
    {name: _csv_column(name) for name in EVENT_COLUMNS},
    checks=_ROW_CHECKS,
    strict=True,
    ordered=True,
    name="events.csv",
)

# --- the typed frame schema ---------------------------------------------------------------------


def _frame_column(name: str) -> pa.Column:
    checks = list(_value_checks(name))
    if name in ("date", "end_date"):
        checks = [
            pa.Check(is_datetime_ns, error=f"{name}:dtype"),
            pa.Check(is_midnight, error=f"{name}:midnight"),
        ]
    else:
        checks.insert(0, pa.Check(is_string_dtype, error=f"{name}:dtype"))
    return pa.Column(None, checks=checks, nullable=name in _OPTIONAL_COLUMNS,
                     unique=name == "id", required=True)


def _frame_month_is_first_day(frame: pd.DataFrame) -> pd.Series:
    # Text in a frame's date column is reported by the dtype rule; judging it here would only
    # add a second, misleading message.
    if not has_columns(frame, "date") or not pd.api.types.is_datetime64_any_dtype(frame["date"]):
        return all_pass(frame)
    return _date_matches_precision(frame)


_FRAME_ROW_CHECKS = [
    pa.Check(_frame_month_is_first_day, error="date_matches_precision") if c.error == "date_matches_precision" else c
    for c in _ROW_CHECKS
]

_FRAME_RULES: dict[str, Rule] = {**_VALUE_RULES, **_ROW_RULES}
_FRAME_RULES["date_matches_precision"] = Rule(
    "date", "is not the first of the month although date_precision is 'month'",
    "store a month-precision date as the first day of its month",
)
_FRAME_RULES.update(frame_dtype_rules(
    dates=("date", "end_date"), strings=[c for c in EVENT_COLUMNS if c not in ("date", "end_date")],
))

#: pandera schema of the frame :func:`load_events` returns (the contract in docs/architecture.md).
EVENTS_SCHEMA = pa.DataFrameSchema(
    {name: _frame_column(name) for name in EVENT_COLUMNS},
    checks=_FRAME_ROW_CHECKS,
    strict=True,
    ordered=True,
    name="events frame",
)


def _typed(text: pd.DataFrame) -> pd.DataFrame:
    """Convert validated CSV text to the contract's dtypes (months become their first day)."""
    out = pd.DataFrame(index=text.index)
    for name in EVENT_COLUMNS:
        if name == "date":
            out[name] = _start_dates(text)
        elif name == "end_date":
            out[name] = parse_iso_day(text_or_none(text[name]))
        else:
            out[name] = text[name].astype("string")
    return out


def validate_events(frame: pd.DataFrame, *, source: str | os.PathLike | None = None) -> pd.DataFrame:
    """Check a typed event frame against :data:`EVENTS_SCHEMA`; return it unchanged if it passes.

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame in the format of :func:`load_events` (e.g. from :func:`frstory.synthetic_events`).
    source : str or path-like, optional
        What to call the frame in messages; default ``"<events frame>"``.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself.

    Raises
    ------
    DataValidationError
        Listing every problem, with the row label, column, bad value and fix.

    Examples
    --------
    >>> from frstory.examples import synthetic_events
    >>> len(validate_events(synthetic_events())) > 0
    True
    """
    return validate_frame(frame, EVENTS_SCHEMA, _FRAME_RULES, kind="events", source=source, column_help=COLUMN_HELP)


def load_events(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load and validate the sourced event timeline.

    Every row is checked with pandera (:data:`EVENTS_CSV_SCHEMA`, then :data:`EVENTS_SCHEMA`);
    all problems are reported together, each naming the file, CSV line (header = line 1),
    column, bad value and fix.

    Parameters
    ----------
    path : str or path-like, optional
        An events CSV; default the curated ``data/events.csv``
        (:func:`frstory.paths.curated_data_file`).

    Returns
    -------
    pandas.DataFrame
        Columns ``id, date, date_precision, time_et, market_session, category, actor, headline,
        description, source_url, confidence, notes, ticker, end_date, ban, measure, place``.
        ``date`` and ``end_date`` are tz-naive midnight ``datetime64[ns]`` (a month-precision
        date is the first of its month; ``end_date`` is ``NaT`` for single-day events); the
        other columns are pandas ``string`` dtype with ``<NA>`` for empty cells. ``ban``,
        ``measure`` and ``place`` are set together, on government bans and limits only. Rows are in date order (ties
        keep file order). ``attrs`` holds ``source`` (the file) and ``sha256``.

    Raises
    ------
    DataValidationError
        When the file is missing, empty or not UTF-8, or any row breaks the schema; ``.problems``
        lists dicts with keys ``file, line, column, value, message, fix``.

    Examples
    --------
    >>> events = load_events()
    >>> events.loc[events["id"] == "amzn-moratorium", "market_session"].item()
    'post'
    """
    path = Path(path) if path is not None else curated_data_file("events.csv")
    return load_curated_csv(
        path, kind="events", columns=EVENT_COLUMNS, csv_schema=EVENTS_CSV_SCHEMA, csv_rules=_CSV_RULES, frame_schema=EVENTS_SCHEMA,
        frame_rules=_FRAME_RULES, column_help=COLUMN_HELP, to_typed=_typed, order_by="date",
    )
