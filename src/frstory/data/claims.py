"""The claims table (``data/claims.csv``): what the articles a story checks reported, with the
research desk's verdict and, where prices can settle it, what to check.

Each claim names its article by publication, title and address (``article`` is a stable slug for
code, never shown to readers). ``claim`` states it in our own words, without quotation marks;
``quote`` holds the article's exact words when a page prints them in quotation marks (a data test
checks them against the article text). As for events, two pandera schemas document the contract
in ``docs/architecture.md``: :data:`CLAIMS_CSV_SCHEMA` checks the CSV text line by line and
:data:`CLAIMS_SCHEMA` the typed frame :func:`load_claims` returns. Row rules shared by both: a
numeric unit needs a value and ``date``/``text`` claims have none; ``check_ticker``,
``check_date`` and ``check_measure`` are filled in together; the measure fits the unit (a close
is in dollars, a change in percent); a close is a price above 0; a close can only be checked on
a day the NYSE traded; and
the rows of one article agree on its publication, title and address.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from frstory.data.validation import (
    CONTROL_CHARACTER_CHECK,
    CONTROL_CHARACTER_RULE,
    control_character_check,
    row_check,
    frame_dtype_rules,
    load_curated_csv,
    validate_frame,
    one_value_per,
    Rule,
    all_pass,
    has_columns,
    is_datetime_ns,
    is_http_url,
    is_iso_day,
    is_midnight,
    is_not_blank,
    is_plain_number,
    is_slug,
    is_string_dtype,
    is_ticker,
    nyse_open,
    parse_iso_day,
    text_or_none,
)
from frstory.paths import curated_data_file

__all__ = [
    "CLAIM_COLUMNS",
    "UNITS",
    "NUMERIC_UNITS",
    "CHECK_MEASURES",
    "VERDICTS",
    "ARTICLE_COLUMNS",
    "CLAIMS_CSV_SCHEMA",
    "CLAIMS_SCHEMA",
    "load_claims",
    "validate_claims",
]

CLAIM_COLUMNS: tuple[str, ...] = (
    "id", "article", "publication", "article_title", "article_url", "claim", "quote", "value", "unit",
    "check_ticker", "check_date", "check_measure", "editorial_verdict", "editorial_note", "source_url",
)
UNITS: tuple[str, ...] = ("usd", "percent", "count", "years", "days", "date", "text")
#: Units whose claims carry a number in ``value``; ``date`` and ``text`` claims have none.
NUMERIC_UNITS: tuple[str, ...] = ("usd", "percent", "count", "years", "days")
CHECK_MEASURES: tuple[str, ...] = ("close", "pct_change", "after_hours")
#: The research desk's verdicts, defined here only, from the most to the least serious (the order
#: in which a page lists corrections).
VERDICTS: tuple[str, ...] = ("wrong", "imprecise", "unverified", "confirmed", "not relevant")
#: Columns that describe the article; every row of one ``article`` gives them the same values.
ARTICLE_COLUMNS: tuple[str, ...] = ("publication", "article_title", "article_url")
#: Which units each measure can check.
MEASURE_UNITS: dict[str, tuple[str, ...]] = {
    "close": ("usd",),
    "pct_change": ("percent",),
    "after_hours": ("usd", "percent"),
}

_OPTIONAL_COLUMNS = ("article_url", "quote", "value", "check_ticker", "check_date", "check_measure", "source_url")
_CHECK_COLUMNS = ("check_ticker", "check_date", "check_measure")
_STRING_COLUMNS = tuple(c for c in CLAIM_COLUMNS if c not in ("value", "check_date"))
# Readers know articles by their publication; a desk's file names and the word "seed" mean nothing
# to them (e.g. "Seed 004 said"), so claims and notes must not use them.
_DESK_TERMS_RE = re.compile(r"\bseeds?\b|\b\w+\.txt\b", re.IGNORECASE)
_QUOTE_MARKS = "\"\u201c\u201d\u00ab\u00bb"

COLUMN_HELP = {
    "id": "a unique slug of lowercase letters, digits and '-', e.g. wire-close-price",
    "article": "a slug naming the article for code (never shown), e.g. wire-2020-06-10",
    "publication": "the publication that ran the article, e.g. Reuters",
    "article_title": "the article's headline as published",
    "claim": "the claim in our own words, without quotation marks",
    "unit": "one of " + ", ".join(UNITS),
    "editorial_verdict": "one of " + ", ".join(VERDICTS),
    "editorial_note": "why the desk reached its verdict, in our own words",
}


# --- row rules shared by both schemas -----------------------------------------------------------


def _values_present(frame: pd.DataFrame) -> pd.Series:
    return frame["value"].notna()


def _value_fits_unit(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "value", "unit"):
        return all_pass(frame)
    unit = frame["unit"].astype(object)
    has_value = _values_present(frame)
    numeric = unit.isin(NUMERIC_UNITS)
    wordy = unit.isin(("date", "text"))
    return ~((numeric & ~has_value) | (wordy & has_value))


def _check_column_filled(column: str):
    def rule(frame: pd.DataFrame) -> pd.Series:
        if not has_columns(frame, *_CHECK_COLUMNS):
            return all_pass(frame)
        others = [c for c in _CHECK_COLUMNS if c != column]
        any_other = frame[others[0]].notna() | frame[others[1]].notna()
        return ~(frame[column].isna() & any_other)

    rule.__name__ = f"_{column}_filled"
    return rule


def _measure_fits_unit(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "check_measure", "unit"):
        return all_pass(frame)
    measure, unit = frame["check_measure"].astype(object), frame["unit"].astype(object)
    ok = pd.Series(True, index=frame.index)
    for name, units in MEASURE_UNITS.items():
        ok &= ~(measure.eq(name) & ~unit.isin(units))
    return ok


def _check_dates(frame: pd.DataFrame) -> pd.Series:
    dates = frame["check_date"]
    return dates if pd.api.types.is_datetime64_any_dtype(dates) else parse_iso_day(text_or_none(dates))


def _close_on_session_day(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "check_date", "check_measure"):
        return all_pass(frame)
    daily = frame["check_measure"].astype(object).isin(("close", "pct_change", "after_hours"))
    shut = ~nyse_open(_check_dates(frame)).fillna(True).astype(bool)
    return ~(daily & shut)


def _close_is_a_price(frame: pd.DataFrame) -> pd.Series:
    if not has_columns(frame, "value", "check_measure"):
        return all_pass(frame)
    # Unreadable numbers are reported by the value's own check.
    value = pd.to_numeric(frame["value"].astype(object), errors="coerce")
    return ~(frame["check_measure"].astype(object).eq("close") & (value <= 0)).astype(bool)


_ROW_RULES: dict[str, Rule] = {
    "close_is_a_price": Rule(
        "value", "is not a price above 0, but check_measure 'close' compares it with a closing price",
        "give the closing price as the article reported it (a sign or a zero is a typo), or, for a "
        "change, use unit 'percent' with check_measure 'pct_change'",
    ),
    "value_fits_unit": Rule(
        "value", "does not fit the unit (usd, percent, count, years and days need a number; date and text claims have none)",
        "give the number as reported for a numeric unit, or leave value empty and use unit 'date' or 'text'",
    ),
    "check_ticker_filled": Rule(
        "check_ticker", "is empty although check_date or check_measure is filled in",
        "fill in check_ticker, check_date and check_measure together, or leave all three empty",
    ),
    "check_date_filled": Rule(
        "check_date", "is empty although check_ticker or check_measure is filled in",
        "fill in check_ticker, check_date and check_measure together, or leave all three empty",
    ),
    "check_measure_filled": Rule(
        "check_measure", "is empty although check_ticker or check_date is filled in",
        "fill in check_ticker, check_date and check_measure together, or leave all three empty",
    ),
    "measure_fits_unit": Rule(
        "check_measure", "cannot check a claim in this unit (close needs usd, pct_change needs percent, "
        "after_hours needs usd or percent)",
        "choose the measure that matches the unit, or correct the unit",
    ),
    "close_on_session_day": Rule(
        "check_date", "is not an NYSE trading day, so there is no close to check against",
        "use the trading day the claim refers to (the session whose close is quoted)",
    ),
}

def _article_agrees(column: str):
    same = one_value_per("article", column)

    def rule(frame: pd.DataFrame) -> pd.Series:
        if not has_columns(frame, "article", column):
            return all_pass(frame)
        # An empty address is a value too: one row linking the article and another not is a slip.
        filled = frame.assign(**{column: frame[column].astype(object).where(frame[column].notna(), "")})
        return same.check(filled)

    rule.__name__ = f"_article_{column}_agrees"
    return rule


for _column in ARTICLE_COLUMNS:
    _ROW_RULES[f"article_{_column}_agrees"] = Rule(
        _column, "differs from another row of the same article",
        f"give every row of one article the same {_column} (or, if they are different articles, give them different article slugs)",
    )

_ROW_CHECKS = [
    *(row_check(_article_agrees(c), error=f"article_{c}_agrees") for c in ARTICLE_COLUMNS),
    row_check(_value_fits_unit, error="value_fits_unit"),
    *(row_check(_check_column_filled(c), error=f"{c}_filled") for c in _CHECK_COLUMNS),
    row_check(_measure_fits_unit, error="measure_fits_unit"),
    row_check(_close_is_a_price, error="close_is_a_price"),
    row_check(_close_on_session_day, error="close_on_session_day"),
]

_VALUE_RULES: dict[str, Rule] = {
    "id_slug": Rule("id", "is not a slug", "use only lowercase letters a-z, digits and '-', e.g. wire-close-price"),
    "article_slug": Rule("article", "is not a slug", "use only lowercase letters a-z, digits and '-', e.g. wire-2020-06-10"),
    "publication_blank": Rule("publication", "is blank", "name the publication that ran the article, e.g. Reuters"),
    "article_title_blank": Rule("article_title", "is blank", "give the article's headline as published"),
    "article_url_http": Rule(
        "article_url", "is not an http(s) address",
        "give the article's full address starting with https:// (or http://), or leave it empty",
    ),
    "claim_blank": Rule("claim", "is blank", "state the claim in our own words"),
    "claim_quotes": Rule(
        "claim", "contains quotation marks",
        "state the claim in our own words without quotation marks, and put the article's exact words in quote",
    ),
    "quote_blank": Rule("quote", "is blank", "copy the article's exact words, or leave quote empty"),
    "quote_marks": Rule(
        "quote", "starts or ends with a quotation mark",
        "copy only the article's words; pages add the quotation marks",
    ),
    "unit_known": Rule("unit", "is not a known unit", "use one of " + ", ".join(UNITS)),
    "check_ticker_format": Rule(
        "check_ticker", "is not a ticker", "write the ticker in capitals, e.g. SYNA, or leave it empty",
    ),
    "check_measure_known": Rule(
        "check_measure", "is not a check measure", "use close, pct_change or after_hours, or leave it empty",
    ),
    "verdict_known": Rule("editorial_verdict", "is not a verdict", "use one of " + ", ".join(VERDICTS)),
    "editorial_note_blank": Rule("editorial_note", "is blank", "say why the desk reached its verdict"),
    "claim_desk_terms": Rule(
        "claim", "names a desk file or 'seed', which readers cannot know",
        "name the publication instead (the article columns say which article it is)",
    ),
    "editorial_note_desk_terms": Rule(
        "editorial_note", "names a desk file or 'seed', which readers cannot know",
        "name the publication instead, and keep desk notes out of published text",
    ),
    "source_url_http": Rule(
        "source_url", "is not an http(s) address",
        "give the full address starting with https:// (or http://), or leave it empty",
    ),
    CONTROL_CHARACTER_CHECK: CONTROL_CHARACTER_RULE,
}

#: Columns of free text, which pages print as written (the other columns have formats or fixed values).
_FREE_TEXT_COLUMNS = ("publication", "article_title", "claim", "quote", "editorial_note")


def _has_no_quote_marks(series: pd.Series) -> pd.Series:
    return series.astype(object).map(
        lambda v: not isinstance(v, str) or not any(mark in v for mark in _QUOTE_MARKS)
    ).astype(bool)


def _not_wrapped_in_quote_marks(series: pd.Series) -> pd.Series:
    return series.astype(object).map(
        lambda v: not isinstance(v, str) or not (v.strip()[:1] in _QUOTE_MARKS or v.strip()[-1:] in _QUOTE_MARKS)
    ).astype(bool)


def _has_no_desk_terms(series: pd.Series) -> pd.Series:
    return series.astype(object).map(lambda v: not isinstance(v, str) or not _DESK_TERMS_RE.search(v)).astype(bool)


def _value_checks(column: str) -> list[pa.Check]:
    if column in _FREE_TEXT_COLUMNS:
        return [*_format_checks(column), control_character_check()]
    return _format_checks(column)


def _format_checks(column: str) -> list[pa.Check]:
    return {
        "id": [pa.Check(is_slug, error="id_slug")],
        "article": [pa.Check(is_slug, error="article_slug")],
        "publication": [pa.Check(is_not_blank, error="publication_blank")],
        "article_title": [pa.Check(is_not_blank, error="article_title_blank")],
        "article_url": [pa.Check(is_http_url, error="article_url_http")],
        "claim": [
            pa.Check(is_not_blank, error="claim_blank"),
            pa.Check(_has_no_quote_marks, error="claim_quotes"),
            pa.Check(_has_no_desk_terms, error="claim_desk_terms"),
        ],
        "quote": [
            pa.Check(is_not_blank, error="quote_blank"),
            pa.Check(_not_wrapped_in_quote_marks, error="quote_marks"),
        ],
        "unit": [pa.Check.isin(UNITS, error="unit_known")],
        "check_ticker": [pa.Check(is_ticker, error="check_ticker_format")],
        "check_measure": [pa.Check.isin(CHECK_MEASURES, error="check_measure_known")],
        "editorial_verdict": [pa.Check.isin(VERDICTS, error="verdict_known")],
        "editorial_note": [
            pa.Check(is_not_blank, error="editorial_note_blank"),
            pa.Check(_has_no_desk_terms, error="editorial_note_desk_terms"),
        ],
        "source_url": [pa.Check(is_http_url, error="source_url_http")],
    }.get(column, [])


# --- the CSV text schema ------------------------------------------------------------------------


_CSV_RULES: dict[str, Rule] = {
    **_VALUE_RULES,
    **_ROW_RULES,
    "value_number": Rule(
        "value", "is not a plain number",
        "write digits with a '.' for decimals and a leading '-' if negative, without $, %, "
        "spaces or thousands separators (e.g. 2647.45, -0.62, 300000)",
    ),
    "check_date_format": Rule(
        "check_date", "is not a real date written YYYY-MM-DD",
        "write the trading day as YYYY-MM-DD, e.g. 2020-06-10, or leave it empty",
    ),
}


def _csv_column(name: str) -> pa.Column:
    checks = list(_value_checks(name))
    if name == "value":
        checks.append(pa.Check(is_plain_number, error="value_number"))
    if name == "check_date":
        checks.append(pa.Check(is_iso_day, error="check_date_format"))
    return pa.Column(None, checks=checks, nullable=name in _OPTIONAL_COLUMNS, unique=name == "id", required=True)


#: pandera schema of ``claims.csv`` as text (every cell a string, empty cells missing).
CLAIMS_CSV_SCHEMA = pa.DataFrameSchema(
    {name: _csv_column(name) for name in CLAIM_COLUMNS},
    checks=_ROW_CHECKS,
    strict=True,
    ordered=True,
    name="claims.csv",
)

# --- the typed frame schema ---------------------------------------------------------------------


def _is_float64(series: pd.Series) -> bool:
    return series.dtype == "float64"


def _frame_column(name: str) -> pa.Column:
    checks = list(_value_checks(name))
    if name == "value":
        checks = [pa.Check(_is_float64, error="value:dtype")]
    elif name == "check_date":
        checks = [pa.Check(is_datetime_ns, error="check_date:dtype"), pa.Check(is_midnight, error="check_date:midnight")]
    else:
        checks.insert(0, pa.Check(is_string_dtype, error=f"{name}:dtype"))
    return pa.Column(None, checks=checks, nullable=name in _OPTIONAL_COLUMNS, unique=name == "id", required=True)


_FRAME_RULES: dict[str, Rule] = {**_VALUE_RULES, **_ROW_RULES}
_FRAME_RULES["value:dtype"] = Rule("value", "is not float64", "convert with frame['value'].astype('float64')")
_FRAME_RULES.update(frame_dtype_rules(dates=("check_date",), strings=_STRING_COLUMNS))

#: pandera schema of the frame :func:`load_claims` returns (the contract in docs/architecture.md).
CLAIMS_SCHEMA = pa.DataFrameSchema(
    {name: _frame_column(name) for name in CLAIM_COLUMNS},
    checks=_ROW_CHECKS,
    strict=True,
    ordered=True,
    name="claims frame",
)


def _typed(text: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=text.index)
    for name in CLAIM_COLUMNS:
        if name == "value":
            out[name] = pd.to_numeric(text[name], errors="raise").astype("float64")
        elif name == "check_date":
            out[name] = parse_iso_day(text_or_none(text[name]))
        else:
            out[name] = text[name].astype("string")
    return out


def validate_claims(frame: pd.DataFrame, *, source: str | os.PathLike | None = None) -> pd.DataFrame:
    """Check a typed claims frame against :data:`CLAIMS_SCHEMA`; return it unchanged if it passes.

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame in the format of :func:`load_claims`.
    source : str or path-like, optional
        What to call the frame in messages; default ``"<claims frame>"``.

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
    >>> claims = load_claims()
    >>> validate_claims(claims) is claims
    True
    """
    return validate_frame(frame, CLAIMS_SCHEMA, _FRAME_RULES, kind="claims", source=source, column_help=COLUMN_HELP)


def load_claims(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load and validate the table of claims made in the articles a story checks.

    Every row is checked with pandera (:data:`CLAIMS_CSV_SCHEMA`, then :data:`CLAIMS_SCHEMA`); all
    problems are reported together, each naming the file, CSV line (header = line 1), column,
    bad value and fix.

    Parameters
    ----------
    path : str or path-like, optional
        A claims CSV; default the curated ``data/claims.csv``
        (:func:`frstory.paths.curated_data_file`).

    Returns
    -------
    pandas.DataFrame
        Columns ``id, article, publication, article_title, article_url, claim, quote, value, unit,
        check_ticker, check_date, check_measure, editorial_verdict, editorial_note, source_url`` in
        file order. ``value`` is float64
        (``NaN`` for date and text claims), ``check_date`` tz-naive midnight ``datetime64[ns]``
        (``NaT`` when there is nothing to check), the rest pandas ``string`` with ``<NA>`` for
        empty cells. ``attrs`` holds ``source`` (the file) and ``sha256``.

    Raises
    ------
    DataValidationError
        When the file is missing, empty or not UTF-8, or any row breaks the schema; ``.problems``
        lists dicts with keys ``file, line, column, value, message, fix``.

    Examples
    --------
    >>> claims = load_claims()
    >>> claims.loc[claims["check_measure"] == "close", "value"].tolist()
    [2647.45]
    """
    path = Path(path) if path is not None else curated_data_file("claims.csv")
    return load_curated_csv(
        path, kind="claims", columns=CLAIM_COLUMNS, csv_schema=CLAIMS_CSV_SCHEMA, csv_rules=_CSV_RULES, frame_schema=CLAIMS_SCHEMA,
        frame_rules=_FRAME_RULES, column_help=COLUMN_HELP, to_typed=_typed,
    )
