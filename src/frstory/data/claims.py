"""The claims table (``data/claims.csv``): every figure the seed articles report, with the research
desk's verdict and, where prices can settle it, what to check.

As for events, two pandera schemas document the contract in ``docs/architecture.md``:
:data:`CLAIMS_CSV_SCHEMA` checks the CSV text line by line and :data:`CLAIMS_SCHEMA` the typed
frame :func:`load_claims` returns. Row rules shared by both: a numeric unit needs a value and
``date``/``text`` claims have none; ``check_ticker``, ``check_date`` and ``check_measure`` are
filled in together; the measure fits the unit (a close is in dollars, a change in percent); and
a close can only be checked on a day the NYSE traded.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from frstory.data.validation import (
    frame_dtype_rules,
    load_curated_csv,
    validate_frame,
    Rule,
    all_pass,
    has_columns,
    is_datetime_ns,
    is_http_url,
    is_iso_day,
    is_midnight,
    is_not_blank,
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
    "CLAIMS_CSV_SCHEMA",
    "CLAIMS_SCHEMA",
    "load_claims",
    "validate_claims",
]

CLAIM_COLUMNS: tuple[str, ...] = (
    "id", "seed_file", "claim", "value", "unit", "check_ticker", "check_date", "check_measure",
    "editorial_verdict", "editorial_note", "source_url",
)
UNITS: tuple[str, ...] = ("usd", "percent", "count", "years", "days", "date", "text")
#: Units whose claims carry a number in ``value``; ``date`` and ``text`` claims have none.
NUMERIC_UNITS: tuple[str, ...] = ("usd", "percent", "count", "years", "days")
CHECK_MEASURES: tuple[str, ...] = ("close", "pct_change", "after_hours")
VERDICTS: tuple[str, ...] = ("confirmed", "imprecise", "wrong", "unverified", "not relevant")
#: Which units each measure can check.
MEASURE_UNITS: dict[str, tuple[str, ...]] = {
    "close": ("usd",),
    "pct_change": ("percent",),
    "after_hours": ("usd", "percent"),
}

_OPTIONAL_COLUMNS = ("value", "check_ticker", "check_date", "check_measure", "source_url")
_CHECK_COLUMNS = ("check_ticker", "check_date", "check_measure")
_STRING_COLUMNS = tuple(c for c in CLAIM_COLUMNS if c not in ("value", "check_date"))
# A plain decimal as a spreadsheet writes it: no thousands separators, currency or percent signs.
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")
_SEED_FILE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

COLUMN_HELP = {
    "id": "a unique slug of lowercase letters, digits and '-', e.g. s001-amzn-close",
    "seed_file": "the file name of the seed article in ../shared/seeds, e.g. 001_b6b7e8cb5c07164d.txt",
    "claim": "the claim in our own words",
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


_ROW_RULES: dict[str, Rule] = {
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

_ROW_CHECKS = [
    pa.Check(_value_fits_unit, error="value_fits_unit"),
    *(pa.Check(_check_column_filled(c), error=f"{c}_filled") for c in _CHECK_COLUMNS),
    pa.Check(_measure_fits_unit, error="measure_fits_unit"),
    pa.Check(_close_on_session_day, error="close_on_session_day"),
]

_VALUE_RULES: dict[str, Rule] = {
    "id_slug": Rule("id", "is not a slug", "use only lowercase letters a-z, digits and '-', e.g. s001-amzn-close"),
    "seed_file_name": Rule(
        "seed_file", "is not a bare file name", "give only the seed's file name, e.g. 001_b6b7e8cb5c07164d.txt",
    ),
    "claim_blank": Rule("claim", "is blank", "state the claim in our own words"),
    "unit_known": Rule("unit", "is not a known unit", "use one of " + ", ".join(UNITS)),
    "check_ticker_format": Rule(
        "check_ticker", "is not a ticker", "write the ticker in capitals, e.g. AMZN, or leave it empty",
    ),
    "check_measure_known": Rule(
        "check_measure", "is not a check measure", "use close, pct_change or after_hours, or leave it empty",
    ),
    "verdict_known": Rule("editorial_verdict", "is not a verdict", "use one of " + ", ".join(VERDICTS)),
    "editorial_note_blank": Rule("editorial_note", "is blank", "say why the desk reached its verdict"),
    "source_url_http": Rule(
        "source_url", "is not an http(s) address",
        "give the full address starting with https:// (or http://), or leave it empty",
    ),
}


def _is_bare_file_name(series: pd.Series) -> pd.Series:
    return series.astype(object).map(
        lambda v: not isinstance(v, str) or bool(_SEED_FILE_RE.fullmatch(v))
    ).astype(bool)


def _value_checks(column: str) -> list[pa.Check]:
    return {
        "id": [pa.Check(is_slug, error="id_slug")],
        "seed_file": [pa.Check(_is_bare_file_name, error="seed_file_name")],
        "claim": [pa.Check(is_not_blank, error="claim_blank")],
        "unit": [pa.Check.isin(UNITS, error="unit_known")],
        "check_ticker": [pa.Check(is_ticker, error="check_ticker_format")],
        "check_measure": [pa.Check.isin(CHECK_MEASURES, error="check_measure_known")],
        "editorial_verdict": [pa.Check.isin(VERDICTS, error="verdict_known")],
        "editorial_note": [pa.Check(is_not_blank, error="editorial_note_blank")],
        "source_url": [pa.Check(is_http_url, error="source_url_http")],
    }.get(column, [])


# --- the CSV text schema ------------------------------------------------------------------------


def _is_plain_number(series: pd.Series) -> pd.Series:
    return series.astype(object).map(
        lambda v: not isinstance(v, str) or bool(_NUMBER_RE.fullmatch(v))
    ).astype(bool)


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
        checks.append(pa.Check(_is_plain_number, error="value_number"))
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
    """Load and validate the table of claims made in the seed articles.

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
        Columns ``id, seed_file, claim, value, unit, check_ticker, check_date, check_measure,
        editorial_verdict, editorial_note, source_url`` in file order. ``value`` is float64
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
    >>> claims.loc[claims["check_measure"] == "close", ["check_ticker", "value"]].values.tolist()
    [['AMZN', 2647.45]]
    """
    path = Path(path) if path is not None else curated_data_file("claims.csv")
    return load_curated_csv(
        path, kind="claims", columns=CLAIM_COLUMNS, csv_schema=CLAIMS_CSV_SCHEMA, csv_rules=_CSV_RULES, frame_schema=CLAIMS_SCHEMA,
        frame_rules=_FRAME_RULES, column_help=COLUMN_HELP, to_typed=_typed,
    )
