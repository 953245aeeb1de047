"""Daily returns and rebased ("indexed to 100") prices from the tidy price frame.

Both functions take the frame of :func:`frstory.load_prices` (one row per ticker and NYSE session,
columns ``date, ticker, open, high, low, close, adj_close, volume``) and return it with one column
added, so the result can go straight into a chart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from frstory.errors import AnalysisError

__all__ = ["returns", "rebase", "RETURN_COLUMNS"]

#: Name of the column :func:`returns` adds, by ``kind``.
RETURN_COLUMNS = {"simple": "ret", "log": "log_ret"}


def _check_price_frame(prices: pd.DataFrame, columns: Iterable[str], *, what: str) -> None:
    """Raise :class:`AnalysisError` unless ``prices`` is a frame holding ``columns``."""
    if not isinstance(prices, pd.DataFrame):
        raise AnalysisError(
            f"{what} needs the tidy price frame of fr.load_prices(...) (a pandas DataFrame), "
            f"not {type(prices).__name__}"
        )
    missing = [c for c in columns if c not in prices.columns]
    if missing:
        raise AnalysisError(
            f"{what}: the price frame has no column {', '.join(repr(c) for c in missing)} "
            f"(it has {', '.join(map(str, prices.columns))}); pass the frame of fr.load_prices(...) "
            "or choose another price= column"
        )


def _sorted_unique(prices: pd.DataFrame, *, what: str) -> pd.DataFrame:
    """``prices`` sorted by ticker and date; duplicated (ticker, date) rows are an error."""
    out = prices.sort_values(["ticker", "date"], kind="stable", ignore_index=True)
    dup = out.duplicated(["ticker", "date"])
    if dup.any():
        row = out.loc[dup.idxmax()]
        raise AnalysisError(
            f"{what}: ticker {row['ticker']} has {int(dup.sum()) + 1} or more rows for "
            f"{pd.Timestamp(row['date']).date()} (duplicated ticker and date); keep one row per "
            "ticker and session, e.g. prices.drop_duplicates(['ticker', 'date'])"
        )
    return out


def _check_positive(frame: pd.DataFrame, values: np.ndarray, price: str, *, what: str) -> None:
    """Raise :class:`AnalysisError` at the first zero, negative or infinite price (``NaN`` is missing, allowed).

    A zero close stands for a missing one in some files; divided by, it gives -100% then inf. A
    negative or infinite one is a data error too: its returns (-105%, then -2000%) are not moves.
    """
    bad = (values <= 0) | np.isinf(values)
    if bad.any():
        row = frame.loc[int(np.flatnonzero(bad)[0])]
        raise AnalysisError(
            f"{what}: ticker {row['ticker']} has a {price} of {float(row[price]):g} on "
            f"{pd.Timestamp(row['date']).date()}; a traded price is always positive and finite, so set it "
            "to NaN if it is missing (a missing price gives missing values, not wrong ones) or fix the data"
        )


def _exchange_days(dates) -> pd.DatetimeIndex:
    """Dates as days of the exchange: time-zone-aware ones on the New York clock, times dropped."""
    days = pd.DatetimeIndex(dates)
    if days.tz is not None:
        days = days.tz_convert("America/New_York").tz_localize(None)
    return days.normalize()


def _previous_session_row(frame: pd.DataFrame) -> np.ndarray:
    """For each row (sorted by ticker, date): the row of the same ticker one NYSE session earlier, else -1.

    The calendar alignment of :func:`frstory.data.calendar.session_positions`, shared with
    :func:`frstory.event_study`: a missing session leaves a gap (no two-session return), and a row
    dated on a weekend or holiday neither has a return nor serves as the previous price.
    """
    from frstory.data.calendar import session_positions

    pos, on_calendar = session_positions(_exchange_days(frame["date"]))
    rows = np.flatnonzero(on_calendar)  # rows off the calendar are ignored, as event studies ignore them
    tickers = frame["ticker"].to_numpy(dtype=object)[rows]
    pos = pos[rows]
    ok = np.concatenate([[False], (tickers[1:] == tickers[:-1]) & ((pos[1:] - pos[:-1]) == 1)])
    out = np.full(len(frame), -1, dtype=np.int64)
    out[rows[ok]] = rows[np.flatnonzero(ok) - 1]
    return out


def returns(
    prices: pd.DataFrame,
    kind: Literal["simple", "log"] = "simple",
    *,
    price: str = "close",
) -> pd.DataFrame:
    """Daily returns per ticker, from one session's price to the next.

    Parameters
    ----------
    prices : pandas.DataFrame
        Tidy price frame (``date``, ``ticker`` and the ``price`` column at least).
    kind : {"simple", "log"}
        ``simple``: ``p_t / p_(t-1) - 1`` in a column named ``ret``. ``log``: ``ln(p_t / p_(t-1))``
        in a column named ``log_ret``. Both are fractions (0.0179 is +1.79%).
    price : str
        Price column to use: ``close`` (as traded, the default) or ``adj_close`` (adjusted for
        splits and dividends). As-traded close returns are wrong across a split day.

    Returns
    -------
    pandas.DataFrame
        ``prices`` sorted by ``ticker, date`` with the return column added. The first row of each
        ticker is ``NaN`` (no previous session), as is any return next to a missing price or a
        missing session.
        ``attrs`` are kept; ``attrs["return_kind"]`` and ``attrs["return_price"]`` record the
        choices.

    Raises
    ------
    AnalysisError
        When a column is missing, ``kind`` is unknown, a (ticker, date) appears twice, or a price is
        zero, negative or infinite (a missing price should be ``NaN``).

    Notes
    -----
    Returns are taken between consecutive NYSE sessions, aligned exactly as in
    :func:`frstory.event_study`: when a session is missing from the frame, the next session's
    return is ``NaN`` (never a two-session return), and rows dated on a day that is not a session
    get ``NaN``.

    Examples
    --------
    >>> import frstory as fr
    >>> prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-05")
    >>> r = fr.returns(prices)
    >>> r.groupby("ticker")["ret"].apply(lambda s: bool(s.isna().iloc[0])).tolist()
    [True, True]
    """
    if kind not in RETURN_COLUMNS:
        raise AnalysisError(f"kind {kind!r} is not one of 'simple', 'log': choose how to compound returns")
    _check_price_frame(prices, ("date", "ticker", price), what="fr.returns")
    out = _sorted_unique(prices, what="fr.returns")
    values = out[price].to_numpy(dtype="float64", na_value=np.nan)
    before = _previous_session_row(out)
    previous = np.where(before >= 0, values[np.maximum(before, 0)], np.nan)
    _check_positive(out, values, price, what="fr.returns")
    if kind == "simple":
        ret = values / previous - 1.0
    else:
        with np.errstate(invalid="ignore"):
            ret = np.log(values / previous)
    out[RETURN_COLUMNS[kind]] = ret
    out.attrs = {**prices.attrs, "return_kind": kind, "return_price": price}
    return out


def rebase(
    prices: pd.DataFrame,
    base_date,
    to: float = 100.0,
    *,
    price: str = "close",
    sessions: bool = True,
) -> pd.DataFrame:
    """Prices indexed to ``to`` (100 by default) on a base session, per ticker.

    Parameters
    ----------
    prices : pandas.DataFrame
        Tidy price frame (``date``, ``ticker`` and the ``price`` column at least).
    base_date : date-like
        The day every series is set to ``to``. When it is not an NYSE session (a weekend or a
        holiday), the last session on or before it is used.
    to : float
        The value on the base session.
    price : str
        Price column to rebase (``close`` or ``adj_close``). Use ``adj_close`` (or prices loaded
        with ``adjusted=True``) when a split falls inside the period.
    sessions : bool
        ``True``: the base is an NYSE session (prices). ``False``: the base is the last date of
        the data on or before ``base_date`` (values that do not follow the market's calendar,
        such as monthly counts).

    Returns
    -------
    pandas.DataFrame
        ``prices`` sorted by ``ticker, date`` with two columns added: ``rebased``
        (``price / price on the base session * to``) and ``base_date`` (the session used).

    Raises
    ------
    AnalysisError
        When a column is missing, ``base_date`` is not a date or lies before every session, a
        ticker has no price on the base session, or (with ``sessions``) a price is zero, negative or
        infinite; the message names the ticker.

    Examples
    --------
    >>> import frstory as fr
    >>> prices = fr.synthetic_prices(["SYNA"], "2020-06-01", "2020-06-30")
    >>> out = fr.rebase(prices, "2020-06-13")  # a Saturday: Friday 12 June is used
    >>> float(out.loc[out["date"] == "2020-06-12", "rebased"].iloc[0])
    100.0
    """
    from frstory.data.calendar import _as_day, nyse_calendar

    _check_price_frame(prices, ("date", "ticker", price), what="fr.rebase")
    day = _as_day(base_date, "base_date")
    out = _sorted_unique(prices, what="fr.rebase")
    if sessions:
        # Prices are never zero or negative (counts, rebased with sessions=False, may well be zero).
        _check_positive(out, out[price].to_numpy(dtype="float64", na_value=np.nan), price, what="fr.rebase")
    if sessions:
        cal = nyse_calendar()
        if day < cal.first_session:
            raise AnalysisError(f"base_date {day.date()} is before the NYSE calendar starts ({cal.first_session.date()})")
        session = pd.Timestamp(cal.date_to_session(min(day, cal.last_session), direction="previous")).tz_localize(None)
    # Time-zone-aware dates (as returns() takes them) are compared as the exchange's days.
    days = pd.Series(_exchange_days(out["date"]), index=out.index)
    if not sessions:
        earlier = days[days <= day]
        if earlier.empty:
            raise AnalysisError(f"base_date {day.date()} is before the first date of the data ({days.min().date()})")
        session = pd.Timestamp(earlier.max())
    on_base = out.loc[days == session, ["ticker", price]]
    base_values = dict(zip(on_base["ticker"], on_base[price].astype("float64")))
    problems = []
    for ticker in pd.unique(out["ticker"]):
        value = base_values.get(ticker, np.nan)
        if not (value > 0):  # also catches NaN
            problems.append(f"{ticker} ({'no row' if ticker not in base_values else f'{price} = {value!r}'})")
    if problems:
        shown = f"{day.date()}" + (f", i.e. the session {session.date()}" if session != day else "")
        raise AnalysisError(
            f"fr.rebase: no usable {price} on the base date {shown} for {', '.join(problems)}; "
            f"{_base_suggestion(out.assign(date=days), price, session)}"
        )
    base = out["ticker"].map(base_values).astype("float64")
    out["rebased"] = out[price].astype("float64") / base * to
    out["base_date"] = session
    out.attrs = {**prices.attrs, "rebased_to": to, "base_date": session.date().isoformat()}
    return out


def _base_suggestion(frame: pd.DataFrame, price: str, session: pd.Timestamp) -> str:
    """The fix for a base date some ticker lacks: the nearest session on which every ticker has a price."""
    usable = frame[frame[price].astype("float64") > 0]
    counts = usable.groupby("date")["ticker"].nunique()
    common = counts.index[counts.to_numpy() == frame["ticker"].nunique()]
    if len(common) == 0:
        return "no session has a price for every ticker, so rebase the tickers separately or fill in the data"
    before, after = common[common <= session], common[common > session]
    best = before.max() if len(before) else after.min()
    where = "the last session before it" if len(before) else "the first session after it"
    return (f"pass base_date='{best.date()}' ({where} on which every ticker has a price) "
            "or fill in the missing price")
