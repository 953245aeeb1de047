"""The sourced event timeline (``data/events.csv``): its generic contract, and extensions a story
declares for its own columns.

Two schemas document the contract in ``docs/architecture.md``:

* :data:`EVENTS_CSV_SCHEMA` checks the CSV *text* (formats such as ``YYYY-MM`` for a month), so
  that every problem can be reported at the line a journalist edits.
* :data:`EVENTS_SCHEMA` checks the typed frame that :func:`load_events` returns (and that
  :func:`frstory.synthetic_events` imitates): dtypes, midnight dates and the same rules.

Both share the cross-column rules: a date must match its precision, ``end_date`` cannot precede
``date``, and ``market_session`` must agree with the NYSE calendar (``closed`` only on days the
exchange was shut; a known ``time_et`` fixes the session).

A story that needs more columns declares them as an :class:`EventExtension` (columns with a dtype
and allowed values, and rules across columns, checked with pandera like the file's own rules) and
passes it to the loader: ``fr.load_events(path, extensions=[...])``. The file then has the
generic columns followed by each extension's columns; a column nobody declared is an error that
says how to declare it. :func:`events_schema` builds the schemas for a set of extensions.
"""

from __future__ import annotations

import functools
import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from frstory.data.calendar import MARKET_SESSIONS, nyse_calendar
from frstory.data.validation import (
    CONTROL_CHARACTER_CHECK,
    CONTROL_CHARACTER_RULE,
    control_character_check,
    row_check,
    Extension,
    ExtensionColumn,
    ExtensionRule,
    as_extensions,
    filled_together,
    one_value_per,
    only_when,
    spelled_once,
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
    once_per_validation,
    text_or_none,
    is_hh_mm,
    is_http_url,
    is_iso_day,
    is_iso_month,
    is_not_blank,
    is_plain_number,
    is_slug,
    is_ticker,
    parse_iso_day,
)
from frstory.errors import did_you_mean
from frstory.paths import curated_data_file

__all__ = [
    "EVENT_COLUMNS",
    "CATEGORIES",
    "DATE_PRECISIONS",
    "CONFIDENCE_LEVELS",
    "HEADLINE_MAX_CHARS",
    "EVENTS_CSV_SCHEMA",
    "EVENTS_SCHEMA",
    "EventExtension",
    "ExtensionColumn",
    "ExtensionRule",
    "filled_together",
    "only_when",
    "spelled_once",
    "one_value_per",
    "event_columns",
    "events_schema",
    "load_events",
    "validate_events",
]

#: An events extension: extra columns and rules a story declares (:class:`frstory.data.validation.Extension`).
EventExtension = Extension

EVENT_COLUMNS: tuple[str, ...] = (
    "id", "date", "date_precision", "time_et", "market_session", "category", "actor", "headline",
    "description", "source_url", "confidence", "notes", "ticker", "end_date",
)
#: Kinds of event, the one list charts and loaders share; a story's finer kinds go in an extension column.
CATEGORIES: tuple[str, ...] = ("corporate", "policy", "protest", "research", "incident", "market")
DATE_PRECISIONS: tuple[str, ...] = ("day", "month")
CONFIDENCE_LEVELS: tuple[str, ...] = ("high", "medium", "low")
HEADLINE_MAX_CHARS = 90

_OPTIONAL_COLUMNS = ("time_et", "notes", "ticker", "end_date")

COLUMN_HELP = {
    "id": "a unique slug of lowercase letters, digits and '-', e.g. acme-recall",
    "date": "the US local date, YYYY-MM-DD (or YYYY-MM when date_precision is month)",
    "date_precision": "day or month",
    "market_session": "pre, regular, post, closed or unknown",
    "category": "one of " + ", ".join(CATEGORIES),
    "actor": "who acted, e.g. a company or a city council",
    "headline": f"a short headline of at most {HEADLINE_MAX_CHARS} characters",
    "description": "one or two sentences in our own words",
    "source_url": "the http(s) address of the source",
    "confidence": "high, medium or low",
}


def _oneof(values) -> str:
    return ", ".join(values)


def _closest_fix(text: str, values) -> str:
    """The fix for a value that is not one of ``values``, naming the closest one when there is one.

    Examples
    --------
    >>> _closest_fix("polcy", ["policy", "protest"])
    "use one of policy, protest (did you mean 'policy'?)"
    """
    return "use one of " + _oneof(values) + did_you_mean(text.strip().lower(), values)


# --- cross-column rules, shared by the CSV and the frame schemas -------------------------------


@once_per_validation  # the date rules and the start dates read them
def _text_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """The CSV text's ``date`` read both ways: ``day`` where it is a real ``YYYY-MM-DD`` date,
    ``month`` (its first day) where it is a real ``YYYY-MM`` month; NaT otherwise."""
    text = text_or_none(frame["date"])
    month = is_iso_month(text) & text.notna()
    first_days = parse_iso_day(text.map(lambda v: v + "-01" if isinstance(v, str) else v).where(month, None))
    return pd.DataFrame({"day": parse_iso_day(text), "month": first_days}, index=frame.index)


def _start_dates(frame: pd.DataFrame) -> pd.Series:
    """The first day each event covers, from text (CSV) or datetimes (frame); NaT when unreadable."""
    date = frame["date"]
    if pd.api.types.is_datetime64_any_dtype(date):
        return date
    dates = _text_dates(frame)
    return dates["day"].where(dates["day"].notna(), dates["month"]).rename("date")


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
    dates = _text_dates(frame)
    day_ok, month_ok = dates["day"].notna(), dates["month"].notna()
    readable = day_ok | month_ok  # unreadable dates are reported by the date format rule
    wrong = readable & ((precision.eq("day") & ~day_ok) | (precision.eq("month") & ~month_ok))
    return ~wrong


def _end_not_before_start(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "date", "end_date"):
        return all_pass(frame)
    start, end = _start_dates(frame), _end_dates(frame)
    return ~(start.notna() & end.notna() & (end < start))


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


def _sessions_at(days: pd.Series, hh_mm: pd.Series) -> pd.Series:
    """The session (pre, regular, post) each ``HH:MM`` Eastern time falls in on its NYSE session day.

    Compared as New York wall-clock times: a session day is never a daylight-saving change day
    (those are Sundays), so no time is ambiguous. One lookup for all rows, not one per row: a
    10,000-row timeline would otherwise spend most of its load time here.
    """
    cal = nyse_calendar()
    sessions = pd.DatetimeIndex(days)

    def local(times: pd.Series) -> pd.Series:
        return pd.Series(times.reindex(sessions).dt.tz_convert("America/New_York").dt.tz_localize(None).to_numpy(),
                         index=days.index)

    opens, closes = local(cal.opens), local(cal.closes)
    at = days + pd.to_timedelta(hh_mm.astype(str) + ":00")
    session = pd.Series("post", index=days.index, dtype=object)
    session[at < closes] = "regular"
    session[at < opens] = "pre"
    return session


def _time_matches_session(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "date", "date_precision", "market_session", "time_et"):
        return all_pass(frame)
    days = _start_dates(frame)
    is_open = nyse_open(days).fillna(False).astype(bool)
    time_et = text_or_none(frame["time_et"])
    session = frame["market_session"].astype(object)
    # "closed" on a session day is reported by its own rule; here only the time matters.
    timed = (_day_rows(frame) & is_open & time_et.notna() & is_hh_mm(time_et)
             & session.isin(MARKET_SESSIONS) & session.ne("closed"))
    ok = pd.Series(True, index=frame.index)
    if timed.any():
        ok[timed] = session[timed] == _sessions_at(days[timed], time_et[timed])
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
    row_check(_date_matches_precision, error="date_matches_precision"),
    row_check(_end_not_before_start, error="end_not_before_start"),
    row_check(_month_session_unknown, error="month_session_unknown"),
    row_check(_closed_only_when_shut, error="closed_only_when_shut"),
    row_check(_closed_when_shut, error="closed_when_shut"),
    row_check(_time_matches_session, error="time_matches_session"),
]

# --- column rules shared by both schemas --------------------------------------------------------

_VALUE_RULES: dict[str, Rule] = {
    "id_slug": Rule("id", "is not a slug", "use only lowercase letters a-z, digits and '-', e.g. acme-recall"),
    "date_precision_known": Rule("date_precision", "is not a date precision", "use 'day' or 'month'"),
    "time_et_format": Rule("time_et", "is not a 24-hour HH:MM time", "write Eastern time as HH:MM, e.g. 17:43, or leave it empty"),
    "market_session_known": Rule("market_session", "is not a market session", "use one of " + _oneof(MARKET_SESSIONS)),
    "category_known": Rule("category", "is not a known category", "use one of " + _oneof(CATEGORIES),
                           describe_fix=lambda text: _closest_fix(text, CATEGORIES)),
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
        "ticker", "is not a ticker", "write the listed ticker in capitals, e.g. SYNA, or leave it empty",
    ),
    CONTROL_CHARACTER_CHECK: CONTROL_CHARACTER_RULE,
}

#: Columns of free text, which pages print as written (the other columns have formats or fixed values).
_FREE_TEXT_COLUMNS = ("actor", "headline", "description", "notes")


def _headline_fits(series: pd.Series) -> pd.Series:
    return series.astype(object).map(lambda v: not isinstance(v, str) or len(v) <= HEADLINE_MAX_CHARS).astype(bool)


def _value_checks(column: str) -> list[pa.Check]:
    if column in _FREE_TEXT_COLUMNS:
        return [*_format_checks(column), control_character_check()]
    return _format_checks(column)


def _format_checks(column: str) -> list[pa.Check]:
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
    row_check(_frame_month_is_first_day, error="date_matches_precision") if c.error == "date_matches_precision" else c
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

# --- extension columns ---------------------------------------------------------------------------

def _is_float64(series: pd.Series) -> bool:
    return series.dtype == "float64"


def _extension_value_rules(ext: Extension, col: ExtensionColumn) -> dict[str, Rule]:
    declared = f"(declared by the extension '{ext.name}': {col.help})"
    rules = {
        f"{col.name}:blank": Rule(col.name, "is blank", f"write a value or leave the cell empty {declared}"),
        f"{col.name}:number": Rule(
            col.name, "is not a plain number",
            f"write digits with a '.' for decimals and a leading '-' if negative, e.g. 12.5 {declared}",
        ),
        f"{col.name}:date": Rule(col.name, "is not a real date written YYYY-MM-DD", f"write the day as YYYY-MM-DD {declared}"),
    }
    if col.values is not None:
        empty = "" if col.required else ", or leave it empty"
        rules[f"{col.name}:known"] = Rule(
            col.name, f"is not a known value of {col.name}", "use one of " + _oneof(col.values) + empty + f" {declared}",
        )
    return rules


def _extension_csv_checks(col: ExtensionColumn) -> list[pa.Check]:
    if col.dtype == "float64":
        return [pa.Check(is_plain_number, error=f"{col.name}:number")]
    if col.dtype == "date":
        return [pa.Check(is_iso_day, error=f"{col.name}:date")]
    checks = [pa.Check(is_not_blank, error=f"{col.name}:blank")]
    if col.values is not None:
        checks.append(pa.Check.isin(col.values, error=f"{col.name}:known"))
    else:  # free text
        checks.append(control_character_check())
    return checks


def _extension_frame_checks(col: ExtensionColumn) -> list[pa.Check]:
    if col.dtype == "float64":
        return [pa.Check(_is_float64, error=f"{col.name}:dtype")]
    if col.dtype == "date":
        return [pa.Check(is_datetime_ns, error=f"{col.name}:dtype"), pa.Check(is_midnight, error=f"{col.name}:midnight")]
    checks = [pa.Check(is_string_dtype, error=f"{col.name}:dtype"), pa.Check(is_not_blank, error=f"{col.name}:blank")]
    if col.values is not None:
        checks.append(pa.Check.isin(col.values, error=f"{col.name}:known"))
    else:  # free text
        checks.append(control_character_check())
    return checks


def _typed_column(text: pd.Series, dtype: str) -> pd.Series:
    # Lenient on purpose: unreadable cells become missing; the CSV schema has reported them.
    if dtype == "float64":
        return pd.to_numeric(text.astype(object), errors="coerce").astype("float64")
    if dtype == "date":
        return parse_iso_day(text_or_none(text))
    return text.astype("string")


def _typed(text: pd.DataFrame, columns: tuple[str, ...], dtypes: dict[str, str]) -> pd.DataFrame:
    """CSV text converted to the contract's dtypes (months become their first day)."""
    out = pd.DataFrame(index=text.index)
    for name in columns:
        if name not in text.columns:
            continue
        if name == "date":
            out[name] = _start_dates(text)
        elif name == "end_date":
            out[name] = parse_iso_day(text_or_none(text[name]))
        else:
            out[name] = _typed_column(text[name], dtypes.get(name, "string"))
    return out


@dataclass(frozen=True)
class _Contract:
    """The events contract for one set of extensions: columns, both schemas and their messages."""

    extensions: tuple[Extension, ...]
    columns: tuple[str, ...]
    typed: Callable[[pd.DataFrame], pd.DataFrame]
    csv_schema: pa.DataFrameSchema
    frame_schema: pa.DataFrameSchema
    csv_rules: dict
    frame_rules: dict
    column_help: dict

    def unknown_column_fix(self) -> str:
        declared = ", ".join(f"'{e.name}'" for e in self.extensions)
        passed = f" (the extensions passed, {declared}, do not declare it)" if self.extensions else ""
        return (
            "remove the column or correct its spelling; or, if the story needs it, declare it in an "
            "EventExtension (frstory.data.events) and load with fr.load_events(path, extensions=[...])" + passed
        )


class _TypedOnce:
    """``typed(frame)``, converted once per frame: each extension rule on the CSV text and then the
    loader type the same text frame, a third of the time of loading a story's events.

    Each call gets its own copy, so a rule that changes its view changes nothing for the next
    (with pandas 3 a shallow one: copy-on-write keeps a change to it from reaching the kept frame).
    """

    def __init__(self, typed: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
        self._typed = typed
        self._last: tuple[weakref.ref, pd.DataFrame] | None = None

    def __call__(self, frame: pd.DataFrame) -> pd.DataFrame:
        last = self._last
        if last is not None and last[0]() is frame:
            return last[1].copy(deep=not _COPY_ON_WRITE)
        result = self._typed(frame)
        self._last = (weakref.ref(frame), result)
        return result.copy(deep=not _COPY_ON_WRITE)


# pandas 3 always copies on write: a shallow copy's changes never reach the frame it came from.
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


def _rule_on_csv(rule: ExtensionRule, typed: Callable[[pd.DataFrame], pd.DataFrame]) -> pa.Check:
    # Extension rules see typed columns on the CSV text too, so one rule function serves both schemas.
    def check(frame: pd.DataFrame) -> pd.Series:
        if not has_columns(frame, *rule.reads):
            return all_pass(frame)
        view = typed(frame)
        ok = pd.Series(rule.check(view), index=frame.index).fillna(True).astype(bool)
        # A cell that does not parse is reported by its column's own check; judging the row on a
        # missing value here would add a second, misleading problem.
        for column in rule.reads:
            ok |= (frame[column].notna() & view[column].isna()).astype(bool)
        return ok

    return row_check(check, error=rule.key)


def _rule_on_frame(rule: ExtensionRule) -> pa.Check:
    def check(frame: pd.DataFrame) -> pd.Series:
        if not has_columns(frame, *rule.reads):
            return all_pass(frame)
        # A copy: a rule that changes what it is given must not change the frame being checked.
        return pd.Series(rule.check(frame.copy()), index=frame.index).fillna(True).astype(bool)

    return row_check(check, error=rule.key)


@functools.lru_cache(maxsize=32)
def _contract(extensions: tuple[Extension, ...]) -> _Contract:
    columns = list(EVENT_COLUMNS)
    dtypes: dict[str, str] = {}
    csv_rules: dict[str, Rule] = dict(_CSV_RULES)
    frame_rules: dict[str, Rule] = dict(_FRAME_RULES)
    column_help = dict(COLUMN_HELP)
    csv_columns = {name: _csv_column(name) for name in EVENT_COLUMNS}
    frame_columns = {name: _frame_column(name) for name in EVENT_COLUMNS}
    csv_checks, frame_checks = list(_ROW_CHECKS), list(_FRAME_ROW_CHECKS)
    for ext in extensions:
        for col in ext.columns:
            if col.name in columns:
                owner = "the generic events contract" if col.name in EVENT_COLUMNS else "another extension"
                raise ValueError(f"EventExtension {ext.name!r} declares column {col.name!r}, which {owner} already has")
            columns.append(col.name)
            dtypes[col.name] = col.dtype
            column_help[col.name] = col.help
            value_rules = _extension_value_rules(ext, col)
            csv_rules.update(value_rules)
            frame_rules.update(value_rules)
            frame_rules.update(frame_dtype_rules(
                dates=[col.name] if col.dtype == "date" else [],
                strings=[col.name] if col.dtype == "string" else [],
            ))
            if col.dtype == "float64":
                frame_rules[f"{col.name}:dtype"] = Rule(col.name, "is not float64", f"convert with frame['{col.name}'].astype('float64')")
            csv_columns[col.name] = pa.Column(None, checks=_extension_csv_checks(col), nullable=not col.required, required=True)
            frame_columns[col.name] = pa.Column(None, checks=_extension_frame_checks(col), nullable=not col.required, required=True)
    key = tuple(columns)
    typed = _TypedOnce(functools.partial(_typed, columns=key, dtypes=dtypes))
    for ext in extensions:
        for rule in ext.rules:
            if rule.key in csv_rules:
                raise ValueError(f"EventExtension {ext.name!r}: rule key {rule.key!r} is already used; give the rule its own key")
            unknown = [c for c in rule.reads if c not in columns]
            if unknown:
                raise ValueError(
                    f"EventExtension {ext.name!r}: rule {rule.key!r} reads {', '.join(map(repr, unknown))}, "
                    "which no contract column or extension declares"
                )
            csv_rules[rule.key] = frame_rules[rule.key] = rule.as_rule()
            csv_checks.append(_rule_on_csv(rule, typed))
            frame_checks.append(_rule_on_frame(rule))
    suffix = "" if not extensions else " + " + ", ".join(e.name for e in extensions)
    contract = _Contract(
        extensions=extensions,
        columns=key,
        typed=typed,
        csv_schema=pa.DataFrameSchema(csv_columns, checks=csv_checks, strict=True, ordered=True, name="events.csv" + suffix),
        frame_schema=pa.DataFrameSchema(frame_columns, checks=frame_checks, strict=True, ordered=True, name="events frame" + suffix),
        csv_rules=csv_rules,
        frame_rules=frame_rules,
        column_help=column_help,
    )
    return contract


def _contract_for(extensions) -> _Contract:
    return _contract(as_extensions(extensions))


def event_columns(extensions=()) -> tuple[str, ...]:
    """The columns of an events file, in order: the generic ones, then each extension's.

    Examples
    --------
    >>> ext = EventExtension("paint", (ExtensionColumn("colour", "the paint colour"),))
    >>> event_columns([ext])[-2:]
    ('end_date', 'colour')
    """
    return _contract_for(extensions).columns


def events_schema(extensions=(), *, csv: bool = False) -> pa.DataFrameSchema:
    """The pandera schema of the events frame (or, with ``csv=True``, of the CSV text) for a set
    of extensions; without extensions these are :data:`EVENTS_SCHEMA` and :data:`EVENTS_CSV_SCHEMA`.

    Examples
    --------
    >>> events_schema() is EVENTS_SCHEMA
    True
    """
    contract = _contract_for(extensions)
    return contract.csv_schema if csv else contract.frame_schema


#: pandera schema of ``events.csv`` as text (every cell a string, empty cells missing), no extensions.
EVENTS_CSV_SCHEMA = _contract(()).csv_schema

#: pandera schema of the frame :func:`load_events` returns without extensions (the contract in
#: docs/architecture.md).
EVENTS_SCHEMA = _contract(()).frame_schema


def validate_events(frame: pd.DataFrame, *, source: str | os.PathLike | None = None, extensions=()) -> pd.DataFrame:
    """Check a typed event frame against the events contract; return it unchanged if it passes.

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame in the format of :func:`load_events` (e.g. from :func:`frstory.synthetic_events`).
    source : str or path-like, optional
        What to call the frame in messages; default ``"<events frame>"``.
    extensions : EventExtension or sequence of them, optional
        The story's declared extra columns and rules (as given to :func:`load_events`).

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
    contract = _contract_for(extensions)
    return validate_frame(
        frame, contract.frame_schema, contract.frame_rules, kind="events", source=source,
        column_help=contract.column_help, unknown_column_fix=contract.unknown_column_fix(),
    )


def load_events(path: str | os.PathLike | None = None, *, extensions=()) -> pd.DataFrame:
    """Load and validate an event timeline.

    Every row is checked with pandera (the CSV schema, then the frame schema, see
    :func:`events_schema`); all problems are reported together, each naming the file, CSV line
    (header = line 1), column, bad value and fix.

    Parameters
    ----------
    path : str or path-like, optional
        An events CSV; default the curated ``data/events.csv``
        (:func:`frstory.paths.curated_data_file`).
    extensions : EventExtension or sequence of them, optional
        Extra columns (with dtype and allowed values) and cross-column rules a story declares;
        the file must have exactly the generic columns followed by each extension's columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, date, date_precision, time_et, market_session, category, actor, headline,
        description, source_url, confidence, notes, ticker, end_date``, then the extensions'
        columns. ``date`` and ``end_date`` are tz-naive midnight ``datetime64[ns]`` (a
        month-precision date is the first of its month; ``end_date`` is ``NaT`` for single-day
        events); text columns are pandas ``string`` dtype with ``<NA>`` for empty cells; an
        extension's ``float64`` and ``date`` columns have those dtypes. Rows are in date order
        (ties keep file order). ``attrs`` holds ``source`` (the file) and ``sha256``.

    Raises
    ------
    DataValidationError
        When the file is missing, empty or not UTF-8, has a column no extension declares, or any
        row breaks the schema; ``.problems`` lists dicts with keys ``file, line, column, value,
        message, fix``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.csv"
    >>> header = ",".join(event_columns()) + ",colour"
    >>> row = ("syn-launch,2020-06-10,day,,post,corporate,SYNA Inc,Synthetic launch,A made-up event.,"
    ...        "https://example.org/syn,high,,SYNA,,red")
    >>> _ = path.write_text(header + "\\n" + row + "\\n", encoding="utf-8")
    >>> paint = EventExtension("paint", (ExtensionColumn("colour", "the paint colour", values=("red", "blue")),))
    >>> load_events(path, extensions=[paint])["colour"].tolist()
    ['red']
    """
    contract = _contract_for(extensions)
    path = Path(path) if path is not None else curated_data_file("events.csv")
    return load_curated_csv(
        path, kind="events", columns=contract.columns, csv_schema=contract.csv_schema, csv_rules=contract.csv_rules,
        frame_schema=contract.frame_schema, frame_rules=contract.frame_rules, column_help=contract.column_help,
        to_typed=contract.typed, order_by="date", unknown_column_fix=contract.unknown_column_fix(),
    )
