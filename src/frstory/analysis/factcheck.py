"""Fact-checks: compare figures reported in the press with the price data.

Each claim (the claims contract in ``docs/architecture.md``) names a ticker, a date and a measure:

* ``close``: the as-traded close on ``check_date``.
* ``pct_change``: the change of the close on ``check_date`` from the previous NYSE session's
  close, in percent; on the day a stock split takes effect, adjusted for the split (from
  ``adj_close``, when the prices have it), as the press reports it.
* ``after_hours``: a price after the 4 p.m. close; daily data cannot check it.

Tolerance comes from how precisely the figure was reported: half a unit of its last reported
decimal (``1.79`` -> 0.005 percentage points, ``2631`` -> 0.5), plus the most that rounding the
data's closes to the cent can move the figure (:func:`cent_rounding_allowance`): the press
computes from cent-rounded closes, and a close in the data that is not on the cent grid (a
vendor's unrounded close) may lie up to half a cent from the one the press read. A figure within
the tolerance is ``confirmed``, outside it ``contradicted``; a claim the data cannot decide is
``not checkable`` with the reason in words.

Without ``adj_close`` the data cannot show a stock split: a change of the close beyond
:data:`~frstory.analysis.event_study.SPLIT_LIKE_JUMP` may be one, so the explanation says so, and a
reported change that does not match the as-traded one is ``not checkable`` rather than
``contradicted``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from frstory.analysis.returns import _check_price_frame
from frstory.errors import AnalysisError, DataValidationError

__all__ = ["check_claims", "reported_decimals", "cent_rounding_allowance", "VERDICTS"]

VERDICTS = ("confirmed", "contradicted", "not checkable")
_REQUIRED = ("id", "value", "unit", "check_ticker", "check_date", "check_measure")
_UNIT_FOR_MEASURE = {"close": "usd", "pct_change": "percent"}
#: Half a cent: the most a close rounded to the cent is from the unrounded close.
HALF_CENT = 0.005
#: A close within this fraction of itself of a whole cent is on the cent grid (what is left is the
#: float noise of storing it, at most about 6e-8 of the value in single precision).
_GRID_NOISE = 1e-7


def _cent_error(close: float) -> float:
    """How far the cent-rounded close the press read may be from ``close``: 0 on the cent grid, else half a cent."""
    off = abs(close - round(close, 2))
    return 0.0 if off <= max(_GRID_NOISE * abs(close), 1e-9) else HALF_CENT


def cent_rounding_allowance(previous: float, close: float, figure: float) -> float:
    """The most rounding two closes to the cent can move a percent change computed from them.

    A change ``figure = 100 * (k * close / previous - 1)`` (``k`` is 1, or the split ratio on the day
    a split takes effect) is computed by the press from closes rounded to the cent, each within
    ``e`` of the data's close (``e`` is half a cent, or 0 for a close already on the cent grid:
    :func:`_cent_error`). The ratio moves most when the close rises by ``e1`` and the previous close
    falls by ``e0``::

        k (close + e1) / (previous - e0) - k close / previous
            = k (e1 previous + e0 close) / (previous (previous - e0))
            = (1 + figure / 100) (e1 previous + e0 close) / (close (previous - e0))

    (the opposite signs move it less, as the denominator grows). The allowance is that bound in
    percentage points. It is large only for cheap shares: 0.0004 points for two closes near
    2,600 USD, 0.2 points for two near 5 USD.

    Parameters
    ----------
    previous, close : float
        The previous session's close and the day's close in the data (positive).
    figure : float
        The change computed from them, in percent.

    Returns
    -------
    float
        The allowance in percentage points (0 when both closes are on the cent grid).

    Examples
    --------
    >>> round(cent_rounding_allowance(100.0004, 101.7953, 1.7949), 4)  # unrounded closes near 100 USD
    0.0101
    >>> cent_rounding_allowance(2600.86, 2647.45, 1.7913)  # both on the cent grid: what the press read
    0.0
    """
    e0, e1 = _cent_error(previous), _cent_error(close)
    if e0 == e1 == 0.0:
        return 0.0
    return 100.0 * (1.0 + figure / 100.0) * (e1 * previous + e0 * close) / (close * (previous - e0))


def reported_decimals(value: float) -> int:
    """Number of decimals a figure was reported with, read from its shortest float representation.

    ``2647.45`` -> 2, ``1.79`` -> 2, ``2631.0`` -> 0. A figure reported with trailing zeros
    ("1.80") reads as fewer decimals (1), which gives a looser, never a stricter, tolerance.

    Examples
    --------
    >>> reported_decimals(2647.45), reported_decimals(-0.62), reported_decimals(2631.0)
    (2, 2, 0)
    """
    text = np.format_float_positional(abs(float(value)), trim="-")
    return len(text.split(".")[1]) if "." in text else 0


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or (isinstance(value, str) and not value.strip())


def check_claims(claims: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """Check reported figures against daily prices, one verdict per claim.

    Parameters
    ----------
    claims : pandas.DataFrame
        The claims frame of :func:`frstory.load_claims` (at least ``id, value, unit,
        check_ticker, check_date, check_measure``).
    prices : pandas.DataFrame
        Tidy price frame with **as-traded** closes (``fr.load_prices(...)`` with the default
        ``adjusted=False``): reported prices are as traded on the day.

    Returns
    -------
    pandas.DataFrame
        The claims with five columns added:

        * ``verdict``: ``confirmed``, ``contradicted`` or ``not checkable``;
        * ``data_value``: the figure in the data (a close in USD, or a change in percent);
        * ``difference``: reported value minus ``data_value``;
        * ``tolerance``: the largest difference still counted as confirmed (half a unit of the
          reported figure's last decimal, plus what rounding closes that are not on the cent grid
          to the cent can move the figure: half a cent for a close,
          :func:`cent_rounding_allowance` for a change);
        * ``explanation``: the check in words, or why it cannot be made (e.g. "needs intraday
          prices", "no price data for ...").

        Missing data never raises: the claim is ``not checkable`` with the reason (also a zero
        or negative close, and, without ``adj_close``, a report that misses a split-sized move).

    Raises
    ------
    DataValidationError
        When ``claims`` lacks a required column.
    AnalysisError
        When ``prices`` is not a price frame with ``date, ticker, close``, or holds adjusted
        closes (``attrs["adjusted"]``, as ``fr.load_prices(..., adjusted=True)`` sets it).

    Examples
    --------
    >>> import frstory as fr, pandas as pd
    >>> prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-12")
    >>> on_day = (prices["ticker"] == "SYNA") & (prices["date"] == "2020-06-10")
    >>> close = float(prices.loc[on_day, "close"].iloc[0])
    >>> claims = pd.DataFrame({"id": ["syn-close"], "value": [round(close, 2)], "unit": ["usd"],
    ...     "check_ticker": ["SYNA"], "check_date": ["2020-06-10"], "check_measure": ["close"]})
    >>> fr.check_claims(claims, prices)["verdict"].tolist()
    ['confirmed']
    """
    if not isinstance(claims, pd.DataFrame):
        raise DataValidationError(f"fr.check_claims needs the claims frame of fr.load_claims(), not {type(claims).__name__}")
    missing = [c for c in _REQUIRED if c not in claims.columns]
    if missing:
        raise DataValidationError(
            f"fr.check_claims: the claims frame has no column {', '.join(missing)}; pass the frame of "
            "fr.load_claims() (see the claims contract in docs/architecture.md)",
            [{"file": None, "line": None, "column": c, "value": None, "message": "missing column",
              "fix": "add the column"} for c in missing],
        )
    _check_price_frame(prices, ("date", "ticker", "close"), what="fr.check_claims")
    if prices.attrs.get("adjusted") is True:
        # Reported prices are as traded: an adjusted close (e.g. divided by a later split's ratio)
        # would call a correct figure "contradicted".
        raise AnalysisError(
            "fr.check_claims: the price frame holds adjusted closes (loaded with adjusted=True), but reported "
            "prices are as traded on the day; load the prices with fr.load_prices(..., adjusted=False)"
        )
    # Calendar days as claims give them: tz-aware dates are read on the exchange's (New York) clock.
    days = pd.DatetimeIndex(prices["date"])
    if days.tz is not None:
        days = days.tz_convert("America/New_York").tz_localize(None)
    prices = prices.assign(date=days.normalize())
    closes = {
        str(ticker): pd.Series(group["close"].to_numpy(dtype="float64", na_value=np.nan),
                               index=pd.DatetimeIndex(group["date"])).sort_index().pipe(
            lambda s: s[~s.index.duplicated()])
        for ticker, group in prices.groupby("ticker", sort=False, observed=True)
    }
    # Day-on-day changes come from fr.returns, the one calendar-aligned return computation.
    from frstory.analysis.returns import returns

    unique = prices.drop_duplicates(["ticker", "date"])
    # A zero, negative or infinite close (a placeholder or an error) leaves its changes missing instead of raising.
    close = unique["close"].astype("float64")
    changes = returns(unique[["date", "ticker", "close"]].assign(close=close.where((close > 0) & np.isfinite(close))))
    change_of = dict(zip(zip(changes["ticker"].astype(str), changes["date"]), changes["ret"]))
    split_change_of, split_known = (_split_day_changes(unique, close) if "adj_close" in unique.columns
                                    else ({}, set()))
    results = [_check_one(row, closes, change_of, split_change_of, split_known)
               for row in claims.to_dict("records")]
    out = claims.copy()
    for j, name in enumerate(("verdict", "data_value", "difference", "tolerance", "explanation")):
        out[name] = [r[j] for r in results]
    for name in ("data_value", "difference", "tolerance"):
        out[name] = out[name].astype("float64")
    out["verdict"] = out["verdict"].astype("string")
    out["explanation"] = out["explanation"].astype("string")
    return out


def _split_day_changes(unique: pd.DataFrame, close: pd.Series) -> tuple[dict, set]:
    """The adjusted change on each split day, by (ticker, day): the change the press reports then.

    As-traded closes fall by half on a 2-for-1 split day although holders lost nothing; the press
    reports the change against the previous close divided by the split ratio. A split shows as a
    jump of ``adj_close / close`` beyond :data:`~frstory.analysis.event_study.SPLIT_LIKE_JUMP` from
    one session to the next (a dividend moves it by a percent or two); on that day the change of
    the adjusted close is the split-adjusted change.

    Returns
    -------
    tuple of (dict, set)
        The split days' adjusted changes, and every (ticker, day) whose ratio to the session
        before could be read (on the others the data cannot tell whether a split took effect).
    """
    from frstory.analysis.event_study import SPLIT_LIKE_JUMP
    from frstory.analysis.returns import returns

    adjusted = unique["adj_close"].astype("float64")
    ok = (adjusted > 0) & np.isfinite(adjusted) & (close > 0) & np.isfinite(close)
    frame = unique[["date", "ticker"]]
    ratios = returns(frame.assign(close=(adjusted / close).where(ok)))
    ratio = ratios["ret"].to_numpy()
    adjusted_change = returns(frame.assign(close=adjusted.where(ok)))
    with np.errstate(invalid="ignore"):
        split = np.abs(np.log1p(ratio)) > np.log1p(SPLIT_LIKE_JUMP)
    rows = adjusted_change.loc[split]
    known = ratios.loc[np.isfinite(ratio)]
    return (dict(zip(zip(rows["ticker"].astype(str), rows["date"]), rows["ret"])),
            set(zip(known["ticker"].astype(str), known["date"])))


def _as_written(x: float) -> str:
    """A figure as given, in plain digits (``:g`` wrote 1234567.89 as "1.23457e+06")."""
    return np.format_float_positional(float(x), trim="-")


def _figure(x: float) -> str:
    """A difference or a tolerance in the explanation: up to four decimals, no exponent, no trailing zeros."""
    from frstory import prose

    # :g wrote a float-noise difference as "+4.547e-13"; four decimals show any difference that matters.
    text = prose.number(x, decimals=4, signed=True).rstrip("0").rstrip(".")
    return "0" if text in ("", "+0", "-0", "0") else text


def _check_one(claim: dict, closes: dict[str, pd.Series], change_of: dict, split_change_of: dict,
               split_known: set):
    from frstory.analysis.event_study import SPLIT_LIKE_JUMP
    from frstory.data.calendar import _as_day, nyse_calendar

    nan = math.nan
    measure = "" if _blank(claim["check_measure"]) else str(claim["check_measure"]).strip()
    if not measure:
        return "not checkable", nan, nan, nan, "no price check applies to this claim (it is a date, a count or words)"
    if measure == "after_hours":
        return ("not checkable", nan, nan, nan,
                "needs intraday prices: an after-hours price cannot be checked with daily closes")
    if measure not in _UNIT_FOR_MEASURE:
        return ("not checkable", nan, nan, nan,
                f"unknown check_measure {measure!r}: use close, pct_change or after_hours")
    value = claim["value"]
    if _blank(value):
        return "not checkable", nan, nan, nan, "the claim has no reported number to compare"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return ("not checkable", nan, nan, nan,
                f"value {value!r} is not a number; write the figure as a plain number such as 2647.45 "
                "(no thousands separators, currency signs or percent signs)")
    if not np.isfinite(value):
        return "not checkable", nan, nan, nan, "the claim has no reported number to compare"
    unit = "" if _blank(claim["unit"]) else str(claim["unit"]).strip()
    if unit != _UNIT_FOR_MEASURE[measure]:
        return ("not checkable", nan, nan, nan,
                f"unit {unit or '(empty)'!r} does not fit check_measure {measure!r}, which needs "
                f"{_UNIT_FOR_MEASURE[measure]!r}")
    ticker = "" if _blank(claim["check_ticker"]) else str(claim["check_ticker"]).strip()
    if not ticker:
        return "not checkable", nan, nan, nan, "no check_ticker: the claim does not say which price to check"
    try:
        # The calendar's reading of a day: ISO text only ("10/06/2020" is refused, not read as
        # 6 October), tz-aware times on the New York clock.
        day = _as_day(claim["check_date"], "check_date")
    except AnalysisError as exc:
        return "not checkable", nan, nan, nan, str(exc)
    series = closes.get(ticker)
    if series is None:
        return "not checkable", nan, nan, nan, f"no price data for {ticker} in the price frame"
    cal = nyse_calendar()
    if cal.first_session <= day <= cal.last_session and not cal.is_session(day):
        before = pd.Timestamp(cal.date_to_session(day, direction="previous")).tz_localize(None)
        return ("not checkable", nan, nan, nan,
                f"{day.date()} ({day:%A}) is not an NYSE session, so it has no close and no change; if the claim "
                f"reports the last close before it, set check_date to {before.date()}")
    close = series.get(day, nan)
    if not np.isfinite(close):
        first, last = series.index.min(), series.index.max()
        why = ("its close that session is missing from the price frame" if first <= day <= last
               else f"its prices run from {first.date()} to {last.date()}; load prices that cover the day")
        return "not checkable", nan, nan, nan, f"no price data for {ticker} on {day.date()} ({why})"
    if close <= 0:
        # A zero or negative close is a placeholder or an error, not a price to judge a report by.
        return ("not checkable", nan, nan, nan,
                f"the close of {ticker} on {day.date()} in the price frame is {_as_written(close)}, not a price "
                "(a placeholder or an error in the data); correct the price data")
    decimals = reported_decimals(value)
    rounding = 0.5 * 10.0 ** (-decimals)
    caveat = ""
    if measure == "close":
        data_value = float(close)
        allowance = _cent_error(data_value)
        what = f"{ticker}'s as-traded close on {day.date()} is {data_value:,.2f} USD"
    else:
        previous_day = pd.Timestamp(cal.previous_session(day)).tz_localize(None)
        previous = series.get(previous_day, nan)
        if not np.isfinite(previous):
            return ("not checkable", nan, nan, nan,
                    f"no price data for {ticker} on the previous session {previous_day.date()}")
        if previous <= 0:
            return ("not checkable", nan, nan, nan,
                    f"the close of {ticker} on the previous session {previous_day.date()} in the price frame is "
                    f"{_as_written(previous)}, not a price (a placeholder or an error in the data); correct the "
                    "price data")
        change = change_of.get((ticker, day), nan)
        if not np.isfinite(change):
            return ("not checkable", nan, nan, nan,
                    f"no change of {ticker}'s close on {day.date()} in the price frame")
        split_change = split_change_of.get((ticker, day), nan)
        if np.isfinite(split_change):
            data_value = split_change * 100.0
            what = (f"{ticker}'s close changed {data_value:+.4f}% on {day.date()} adjusted for the stock split "
                    f"that took effect that day (as traded {previous:,.2f} on {previous_day.date()} to {close:,.2f}, "
                    f"{change * 100.0:+.2f}% before adjusting)")
        else:
            data_value = change * 100.0
            what = (f"{ticker}'s close changed {data_value:+.4f}% on {day.date()} "
                    f"({previous:,.2f} on {previous_day.date()} to {close:,.2f})")
            if abs(change) > SPLIT_LIKE_JUMP and (ticker, day) not in split_known:
                # Only adj_close shows a split; without it a move this size may be one, and a reported
                # split-adjusted change would be judged against the as-traded one.
                caveat = (f"; a move of more than {SPLIT_LIKE_JUMP:.0%} is the size of a stock split, and without "
                          "adjusted closes (adj_close) the data cannot show whether one took effect that day, so this "
                          "is the as-traded change")
        allowance = cent_rounding_allowance(previous, close, data_value)
    tolerance = rounding + allowance
    difference = value - data_value
    # A hair of float slack so that exact ties at the tolerance still confirm.
    confirmed = abs(difference) <= tolerance + 1e-9
    reported = _as_written(value)
    if not confirmed and caveat:
        return ("not checkable", nan, nan, nan,
                f"{what}{caveat}; the reported {reported} differs from it by {_figure(difference)}, which a split "
                "that day could explain; load prices with adjusted closes to check it")
    verdict = "confirmed" if confirmed else "contradicted"
    relation = "within" if confirmed else "outside"
    parts = f"{decimals} reported decimal{'s' if decimals != 1 else ''}"
    if allowance:
        parts += f", plus {_figure(allowance).lstrip('+')} for closes rounded to the cent"
    explanation = (f"{what}{caveat}; the reported {reported} differs by {_figure(difference)}, {relation} the "
                   f"tolerance of {_figure(tolerance).lstrip('+')} ({parts})")
    return verdict, data_value, difference, tolerance, explanation
