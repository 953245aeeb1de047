"""Input checks shared by the chart functions; every failure is a ChartInputError that names the
chart, the frame, the column, the bad value and the fix."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from frstory.errors import ChartInputError

__all__ = ["require_source", "require_frame", "require_dates", "require_numeric", "require_fractions", "value_words",
           "require_one_row_per", "to_timestamp"]


#: Charts of prices (and returns computed from them), whose usual source is the price loader's.
PRICE_KINDS = frozenset({"price_with_events", "rebased_comparison", "small_multiples", "abnormal_returns",
                         "event_study_table"})


def require_source(kind: str, source: object) -> str:
    """The ``source`` line is required on every chart: readers must see where data came from.

    The error's example fits the chart: the price loader's line for a price chart, a generic
    one for anything else (a bar of counts has no Yahoo Finance behind it).

    Examples
    --------
    >>> require_source("bar", "  Newsroom   archive ")
    'Newsroom archive'
    >>> require_source("bar", None)
    Traceback (most recent call last):
    ...
    frstory.errors.ChartInputError: bar: the source keyword is required and was None. Fix: pass source= who published the data, e.g. source='Newsroom archive' or source='Eurostat'.
    """
    if source is None or not str(source).strip():
        example = ("source='Prices: Yahoo Finance via yfinance' (or whatever the data's origin is)"
                   if kind in PRICE_KINDS else "source= who published the data, e.g. source='Newsroom archive' or "
                   "source='Eurostat'")
        raise ChartInputError(f"{kind}: the source keyword is required and was {source!r}. Fix: pass {example}.")
    return " ".join(str(source).split())


def require_frame(kind: str, frame: object, name: str, columns: Iterable[str]) -> pd.DataFrame:
    """Check ``frame`` is a non-empty DataFrame holding ``columns``."""
    if not isinstance(frame, pd.DataFrame):
        raise ChartInputError(
            f"{kind}: {name} must be a pandas DataFrame, got {type(frame).__name__}. "
            f"Fix: pass the tidy frame from the loader (e.g. fr.load_prices / fr.load_events)."
        )
    # dict.fromkeys: a column asked for twice (events' label defaults to 'headline') is named once.
    missing = [c for c in dict.fromkeys(columns) if c not in frame.columns]
    if missing:
        raise ChartInputError(
            f"{kind}: {name} has no column {missing[0]!r} (missing: {', '.join(map(repr, missing))}; "
            f"it has {', '.join(map(repr, map(str, frame.columns)))}). Fix: rename the column to {missing[0]!r} "
            f"({kind} reads {name} in the frstory loader's format)."
        )
    if frame.empty:
        raise ChartInputError(
            f"{kind}: {name} is empty (0 rows), so there is nothing to draw. Fix: check the filters "
            "(tickers, dates) that produced it."
        )
    return frame


def require_dates(kind: str, frame: pd.DataFrame, column: str, name: str, *, allow_missing: bool = False) -> pd.Series:
    """``frame[column]`` as tz-naive datetime64; strings in ISO form are parsed, anything else raises."""
    series = frame[column]
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        raise ChartInputError(
            f"{kind}: column {column!r} of {name} is time-zone aware ({series.dtype}); frstory dates are "
            f"tz-naive exchange dates. Fix: {name}[{column!r}] = {name}[{column!r}].dt.tz_localize(None)."
        )
    if pd.api.types.is_datetime64_dtype(series.dtype):
        parsed = series
    elif pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        first = series.dropna().iloc[0] if series.notna().any() else None
        raise ChartInputError(
            f"{kind}: column {column!r} of {name} holds numbers ({series.dtype}, e.g. {first!r}), not dates. "
            f"Fix: convert it with pd.to_datetime({name}[{column!r}]) or pass the right column."
        )
    else:
        values = []
        for position, value in enumerate(series.tolist()):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                values.append(pd.NaT)
                continue
            try:
                ts = pd.Timestamp(value) if isinstance(value, (str, pd.Timestamp, np.datetime64)) else None
            except (ValueError, TypeError):
                ts = None
            if ts is None or pd.isna(ts):
                raise ChartInputError(
                    f"{kind}: column {column!r} of {name} has {value!r} in row {position} "
                    f"(index {series.index[position]!r}), which is not a date. Fix: use YYYY-MM-DD dates "
                    f"or datetime64 values in {column!r}."
                )
            if ts.tzinfo is not None:
                # The date as written ("2020-06-10T20:00-04:00" is 10 June), as to_timestamp does;
                # converting to UTC would move evening times to the next day.
                ts = ts.tz_localize(None)
            values.append(ts)
        parsed = pd.Series(pd.to_datetime(values), index=series.index, name=column)
    if not allow_missing and parsed.isna().any():
        position = int(np.flatnonzero(parsed.isna().to_numpy())[0])
        raise ChartInputError(
            f"{kind}: column {column!r} of {name} is missing a date in row {position} "
            f"(index {series.index[position]!r}). Fix: fill in the date or drop the row."
        )
    return parsed.astype("datetime64[ns]")


def require_numeric(kind: str, frame: pd.DataFrame, column: str, name: str) -> pd.Series:
    """``frame[column]`` as float64; text (even "11") or booleans raise, naming the first bad value.

    Numbers stored as text are refused rather than converted: they usually come from a CSV read
    without its decimal mark or thousands separator, where a silent conversion can misread
    "1,234" or "12,5". The fix converts them where the reader of the code can see it.

    Examples
    --------
    >>> require_numeric("bar", pd.DataFrame({"n": [1, 2]}), "n", "data").tolist()
    [1.0, 2.0]
    >>> require_numeric("bar", pd.DataFrame({"n": ["11", "12"]}), "n", "data")
    Traceback (most recent call last):
    ...
    frstory.errors.ChartInputError: bar: column 'n' of data holds text, not numbers: row 0 holds '11'. Fix: convert it where you load it, e.g. data['n'] = pd.to_numeric(data['n']) (pd.read_csv(..., thousands=',') for "1,234"), or pass the right column.
    """
    series = frame[column]
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
        # Numbers held as text (or booleans) are refused, not converted; Python floats in an object column are numbers.
        is_text = series.map(lambda v: isinstance(v, (str, bytes, bool, np.bool_))).to_numpy(dtype=bool)
        converted = pd.to_numeric(series.mask(is_text), errors="coerce")
        bad = is_text | (converted.isna() & series.notna()).to_numpy(dtype=bool)
        if bad.any() or pd.api.types.is_bool_dtype(series.dtype):
            position = int(np.flatnonzero(bad)[0]) if bad.any() else 0
            value = series.iloc[position]
            if isinstance(value, str) and not pd.isna(pd.to_numeric(value, errors="coerce")):
                raise ChartInputError(
                    f"{kind}: column {column!r} of {name} holds text, not numbers: row {position} holds {value!r}. "
                    f"Fix: convert it where you load it, e.g. {name}[{column!r}] = pd.to_numeric({name}[{column!r}]) "
                    "(pd.read_csv(..., thousands=',') for \"1,234\"), or pass the right column."
                )
            raise ChartInputError(
                f"{kind}: column {column!r} of {name} must be numeric; row {position} holds "
                f"{value!r}. Fix: clean the column (pd.to_numeric) or pass the right column."
            )
        series = converted
    values = series.astype("float64")
    # An infinite value has no place on an axis or in a sentence (it is usually a division by zero).
    infinite = np.isinf(values.to_numpy())
    if infinite.any():
        position = int(np.flatnonzero(infinite)[0])
        raise ChartInputError(
            f"{kind}: column {column!r} of {name} holds {values.iloc[position]} in row {position} "
            f"(index {series.index[position]!r}), which cannot be drawn. Fix: replace infinite values "
            f"({name}[{column!r}].replace([np.inf, -np.inf], np.nan)) or check the division that produced them."
        )
    return values


#: Largest size of a value in fractions (percent, points): 10 is 1,000%.
MAX_FRACTION = 10.0


def require_fractions(kind: str, values: pd.Series, column: str, unit: object) -> None:
    """Refuse values that look like per cent already where a unit takes fractions (0.12 for 12%).

    ``unit="percent"`` (or ``"points"``) multiplies by 100: values of 0 to 110 meant as per cent
    would read "11,000%". A size above :data:`MAX_FRACTION` (1,000%) is taken for that mistake.

    Examples
    --------
    >>> from frstory.charts.units import UNITS
    >>> require_fractions("line", pd.Series([0.1, 0.5]), "share", UNITS["percent"])
    >>> require_fractions("line", pd.Series([12.0, 110.0]), "share", UNITS["percent"])
    Traceback (most recent call last):
    ...
    frstory.errors.ChartInputError: line: column 'share' holds 110 with unit='percent', which would read 11,000%; percent and points take fractions (0.12 for 12%). Fix: pass share / 100, or unit='number' for values that are not shares.
    """
    name = getattr(unit, "name", unit)
    if name not in ("percent", "points"):
        return
    sizes = values.abs()
    if not (sizes > MAX_FRACTION).any():
        return
    worst = float(values.loc[sizes.idxmax()])
    shown = f"{worst:,.0f}" if worst.is_integer() else f"{worst:,g}"
    reads = f"{worst * 100:,.0f}%" if name == "percent" else f"{worst * 100:,.0f} percentage points"
    raise ChartInputError(
        f"{kind}: column {column!r} holds {shown} with unit={name!r}, which would read {reads}; percent and points "
        f"take fractions (0.12 for 12%). Fix: pass {column} / 100, or unit='number' for values that are not shares."
    )


#: Column names that read as words: lower-case letters and single spaces ("stories", "page views").
_WORDS = re.compile(r"[a-z]+( [a-z]+)*")


def value_words(kind: str, column: str, given: str | None, *, keyword: str | None = "y_title") -> str:
    """The words for a chart's values: ``given`` when the caller passed it, else the column's name
    when it reads as words ("stories"); a name written for code ("change_eur_m", "pctChg", "n2")
    is refused, since it would reach the axis title and the alt text. ``keyword`` is the chart's
    parameter for the words; ``None`` for a chart without one (the fix is then to rename the column).

    Examples
    --------
    >>> value_words("bar", "stories", None), value_words("bar", "change_eur_m", "change in profit")
    ('stories', 'change in profit')
    >>> value_words("bar", "change_eur_m", None)
    Traceback (most recent call last):
    ...
    frstory.errors.ChartInputError: bar: the values' column 'change_eur_m' is a name for code, not words for readers; the axis title and alt text would read "Change eur m". Fix: pass y_title= what the values are, e.g. y_title='change in net profit', or name the column in words.
    """
    if given is not None and str(given).strip():
        return " ".join(str(given).split())
    if _WORDS.fullmatch(str(column)) and len(str(column)) > 2:
        return str(column)
    shown = str(column).replace("_", " ")
    fix = (f"pass {keyword}= what the values are, e.g. {keyword}='change in net profit', or name the column in words"
           if keyword else f"name the column in words, e.g. data.rename(columns={{{str(column)!r}: 'page views'}}) "
           "and y='page views'")
    raise ChartInputError(
        f"{kind}: the values' column {column!r} is a name for code, not words for readers; the axis title and alt "
        f"text would read \"{shown[:1].upper() + shown[1:]}\". Fix: {fix}."
    )


def require_filled(kind: str, frame: pd.DataFrame, column: str, name: str, *, keyword: str | None = None,
                   row: str = "row", fix: str = "fill it in or drop the row") -> None:
    """Refuse a missing (or, in text, blank) value in ``column``: a category, series name or estimate
    that is not there would reach readers as "nan" or break the chart. Names the first such row and its index.

    Examples
    --------
    >>> require_filled("bar", pd.DataFrame({"desk": ["Metro", None]}), "desk", "data", keyword="x")
    Traceback (most recent call last):
    ...
    frstory.errors.ChartInputError: bar: column 'desk' (x=) of data is empty in row 1 (index 1). Fix: fill it in or drop the row (data.dropna(subset=['desk'])).
    """
    values = frame[column]
    missing = values.isna().to_numpy()
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        # A name of blanks reaches readers as nothing at all, just as a missing one would.
        missing = missing | values.map(lambda v: isinstance(v, str) and not v.strip()).to_numpy(dtype=bool)
    if missing.any():
        position = int(np.flatnonzero(missing)[0])
        role = f" ({keyword}=)" if keyword else ""
        raise ChartInputError(
            f"{kind}: column {column!r}{role} of {name} is empty in {row} {position} (index "
            f"{frame.index[position]!r}). Fix: {fix} ({name}.dropna(subset=[{column!r}]))."
        )


def to_timestamp(kind: str, value: object, what: str) -> pd.Timestamp:
    """A single date argument (``base_date``, ``day0`` ...) as a tz-naive Timestamp."""
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        ts = None
    if ts is None or pd.isna(ts) or isinstance(value, (int, float, bool)):
        raise ChartInputError(
            f"{kind}: {what} must be a date such as '2020-06-10', got {value!r}. Fix: pass an ISO date string "
            "or a pandas Timestamp."
        )
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def require_columns(kind: str, frame: object, keywords: dict[str, str | None], name: str = "data") -> pd.DataFrame:
    """Check ``frame`` holds the column each keyword names; the error names the keyword to pass.

    Examples
    --------
    >>> require_columns("line", pd.DataFrame({"month": [1], "n": [2]}), {"x": "month", "y": "n"}).shape
    (1, 2)
    """
    if not isinstance(frame, pd.DataFrame):
        raise ChartInputError(
            f"{kind}: {name} must be a tidy pandas DataFrame (one row per observation), got {type(frame).__name__}. "
            f"Fix: pd.DataFrame(...) with one column for each of {', '.join(k + '=' for k in keywords)}."
        )
    columns = [str(c) for c in frame.columns]
    for keyword, column in keywords.items():
        if column is None or column in frame.columns:
            continue
        suggestion = _suggest_column(frame, keyword, str(column), taken={str(c) for c in keywords.values() if c is not None})
        fix = f"pass {keyword}={suggestion!r}, or rename the column" if suggestion else (
            f"pass {keyword}= a column of numbers" if keyword in _NUMERIC_KEYWORDS else f"pass {keyword}= one of its columns")
        raise ChartInputError(
            f"{kind}: {name} has no column {column!r} for {keyword}= (it has {', '.join(map(repr, columns))}). "
            f"Fix: {fix}."
        )
    if keywords.get("x") is not None and keywords.get("x") == keywords.get("y"):
        # A value against itself is no chart (colouring by the x column, by contrast, is a choice).
        raise ChartInputError(
            f"{kind}: x= and y= both name column {keywords['x']!r}; a chart needs the values and what they are "
            "measured against in two columns. Fix: pass y= the column of values."
        )
    for keyword, column in keywords.items():
        if column is not None and (frame.columns == column).sum() > 1:
            raise ChartInputError(
                f"{kind}: {name} has {(frame.columns == column).sum()} columns named {column!r} (after a concat "
                f"along columns?), so {keyword}= is ambiguous. Fix: rename or drop the extra ones."
            )
    if frame.empty:
        raise ChartInputError(f"{kind}: {name} is empty (0 rows), so there is nothing to draw. Fix: check the filters that produced it.")
    return frame


#: Keywords that take a column of numbers; a suggestion for them must be one.
_NUMERIC_KEYWORDS = {"y", "estimate", "low", "high"}


def _suggest_column(frame: pd.DataFrame, keyword: str, wanted: str, *, taken: set[str]) -> str | None:
    """The column to suggest for ``keyword=`` in place of the missing ``wanted``, if one can serve.

    A close spelling among the columns that fit the keyword (numbers for ``y=`` and the like),
    else the only column that fits: for ``y=`` the only numeric one, for ``x=`` the only one of
    dates. ``None`` when nothing fits or several do: "pass y='date'" misled more than it helped.
    Columns other keywords already name are not suggested.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": pd.to_datetime(["2020-01-01"]), "close": [1.0], "ticker": ["SYNA"]})
    >>> _suggest_column(frame, "y", "price", taken={"date"}), _suggest_column(frame, "x", "day", taken={"close"})
    ('close', 'date')
    >>> _suggest_column(frame.drop(columns="close"), "y", "price", taken=set()) is None
    True
    """
    import difflib

    def numeric(column: object) -> bool:
        series = frame[column]
        if pd.api.types.is_bool_dtype(series.dtype):
            return False
        if pd.api.types.is_numeric_dtype(series.dtype):
            return True
        if series.dtype != object:
            return False
        # Text that require_numeric() takes: every value there is a number.
        values = series.dropna()
        return not values.empty and pd.to_numeric(values, errors="coerce").notna().all()

    def dates(column: object) -> bool:
        return pd.api.types.is_datetime64_any_dtype(frame[column].dtype)

    # A column name used twice is refused later (ambiguous); it is no suggestion either.
    names = {str(c): c for c in frame.columns if str(c) not in taken and (frame.columns == c).sum() == 1}
    if keyword in _NUMERIC_KEYWORDS:
        fitting = [n for n, c in names.items() if numeric(c)]
        close_to = fitting
    elif keyword == "x":
        # x= takes categories and numbers as well as dates, so any close spelling fits.
        fitting = [n for n, c in names.items() if dates(c)]
        close_to = list(names)
    else:
        fitting = close_to = list(names)
    guess = difflib.get_close_matches(wanted, close_to, n=1)
    if guess:
        return guess[0]
    if len(fitting) == 1 and keyword in _NUMERIC_KEYWORDS | {"x"}:
        return fitting[0]
    return None


def require_one_row_per(kind: str, frame: pd.DataFrame, keys: Mapping[str, str], *, name: str, row: str, what: str,
                        fix: str) -> None:
    """Refuse two rows for one point: the second would be drawn over the first (or, on a line, as a jump).

    ``keys`` maps the columns of ``frame`` that identify a point to the names the caller knows
    them by; ``row`` says how rows are numbered in the message (``"rows"``: positions;
    ``"index"``: the frame's labels); ``what`` is the rule and ``fix`` the way out.

    Examples
    --------
    >>> frame = pd.DataFrame({"_x": ["Metro", "Metro"], "n": [1, 2]})
    >>> require_one_row_per("bar", frame, {"_x": "desk"}, name="data", row="rows",
    ...                     what="a bar chart takes one row per bar", fix="aggregate them first")
    Traceback (most recent call last):
    ...
    frstory.errors.ChartInputError: bar: data has 2 rows for desk='Metro' (rows 0, 1); a bar chart takes one row per bar. Fix: aggregate them first.
    """
    columns = list(keys)
    repeated = frame.duplicated(columns, keep=False).to_numpy()
    if not repeated.any():
        return
    first = frame.iloc[int(np.argmax(repeated))]
    same = np.logical_and.reduce([(frame[c] == first[c]).to_numpy() for c in columns])
    rows = np.flatnonzero(repeated & same)

    def shown(value: object) -> object:
        return str(value.date()) if isinstance(value, pd.Timestamp) else value

    where = " and ".join(f"{keys[c]}={shown(first[c])!r}" for c in columns)
    numbers = rows[:5] if row == "rows" else frame.index[rows[:5]]
    raise ChartInputError(
        f"{kind}: {name} has {len(rows)} rows for {where} ({row} {', '.join(map(repr if row == 'index' else str, numbers))}); "
        f"{what}. Fix: {fix}."
    )
