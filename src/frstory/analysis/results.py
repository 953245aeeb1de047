"""Result objects of the event-study functions (kept separate so charts can import them cheaply)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["CarResult", "EventStudyResult", "TABLE_COLUMNS", "SUMMARY_COLUMNS", "display_name", "format_p"]

#: Columns of :attr:`EventStudyResult.table`, in order.
TABLE_COLUMNS = ("offset", "date", "ret", "benchmark_ret", "expected", "ar", "car", "ar_t", "car_t")

#: Columns of :meth:`EventStudyResult.to_frame` and of :func:`frstory.event_studies`, in order.
SUMMARY_COLUMNS = (
    "ticker", "event_id", "label", "event_date", "market_session", "day0", "benchmark", "model",
    "price", "estimation_start", "estimation_end", "alpha", "beta", "r2", "sigma", "n_estimation",
    "ret_0", "benchmark_ret_0", "ar_0", "ar_0_t", "ar_0_p", "car_start", "car_end", "car", "car_t",
    "car_p", "n_warnings", "warnings",
)

#: Names readers know, for tickers in the story; anything else is shown as its ticker.
DISPLAY_NAMES = {
    "AMZN": "Amazon",
    "MSFT": "Microsoft",
    "IBM": "IBM",
    "GOOGL": "Alphabet",
    "GOOG": "Alphabet",
    "^GSPC": "the S&P 500",
    "^IXIC": "the Nasdaq Composite",
    "^NDX": "the Nasdaq-100",
    "^DJI": "the Dow Jones Industrial Average",
}

_MODEL_PARAMETERS = {"market": 2, "constant_mean": 1, "market_adjusted": 0}


def display_name(ticker: str) -> str:
    """The name a reader knows for ``ticker`` ("Amazon", "the S&P 500"), else the ticker itself.

    Examples
    --------
    >>> display_name("^GSPC"), display_name("SYNA")
    ('the S&P 500', 'SYNA')
    """
    return DISPLAY_NAMES.get(ticker, ticker)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _long_date(day: pd.Timestamp, *, weekday: bool = True, year: bool = True) -> str:
    day = pd.Timestamp(day)
    text = f"{day.day} {day:%B}" + (f" {day.year}" if year else "")
    return f"{day:%A} {text}" if weekday else text


def _pct(fraction: float) -> str:
    """A fraction as an unsigned percentage with one decimal (two for tiny values): 0.034 -> '3.4'."""
    value = abs(fraction) * 100
    return f"{value:.2f}" if 0 < value < 0.05 else f"{value:.1f}"


def _move(fraction: float, up: str = "rose", down: str = "fell", flat: str = "was flat") -> str:
    if not np.isfinite(fraction):
        return "has no return"
    if _pct(fraction) in ("0.0", "0.00"):
        return flat
    return f"{up if fraction > 0 else down} {_pct(fraction)}%"


def format_p(p: float) -> str:
    """A p-value for readers: two decimals, three near the 5% line so its side is visible.

    Examples
    --------
    >>> format_p(0.8812), format_p(0.0493), format_p(0.0507), format_p(0.0004)
    ('p = 0.88', 'p = 0.049', 'p = 0.051', 'p < 0.001')
    """
    if not np.isfinite(p):
        return "p not available"
    if p < 0.001:
        return "p < 0.001"
    if p < 0.01 or 0.04 <= p < 0.06:
        return f"p = {p:.3f}"
    return f"p = {p:.2f}"


def _tp(t: float, p: float) -> str:
    return f"t = {t:.1f}; {format_p(p)}"


def _significance(t: float, p: float) -> str:
    if not np.isfinite(p):
        return "of unknown significance"
    if p < 0.01:
        return f"far outside the range of ordinary daily noise ({_tp(t, p)})"
    if p < 0.05:
        return f"outside the range of ordinary daily noise, statistically significant at the 5% level ({_tp(t, p)})"
    if p < 0.10:
        return f"borderline: larger than most ordinary days, but not clearly beyond the noise ({_tp(t, p)})"
    return f"within the range of ordinary daily noise ({_tp(t, p)})"


@dataclass(frozen=True)
class CarResult:
    """Cumulative abnormal return over sessions ``start..end`` (inclusive, relative to day 0)."""

    start: int
    end: int
    car: float
    t: float
    p: float


@dataclass
class EventStudyResult:
    """One firm, one event: abnormal returns around day 0 against a benchmark.

    Attributes
    ----------
    ticker, benchmark : str
        The stock studied and the index its expected return comes from.
    event_date : pandas.Timestamp
        The announcement's calendar date.
    market_session : str
        When the news came out (``pre``, ``regular``, ``post``, ``closed``, ``unknown``).
    day0 : pandas.Timestamp
        First NYSE session whose close can reflect the news.
    model : str
        ``market``, ``market_adjusted`` or ``constant_mean``.
    estimation_window, event_window : tuple of int
        Inclusive windows in sessions relative to day 0.
    table : pandas.DataFrame
        Columns :data:`TABLE_COLUMNS`, one row per event-window session that lies inside the data.
    alpha, beta, r2, sigma : float
        Model estimates (``nan`` where the model has none); ``sigma`` is the residual standard
        deviation over the estimation window, used for the t-statistics.
    n_estimation : int
        Sessions in the estimation window with returns for both series.
    warnings : list of str
        Plain-language caveats a reader must see next to the result.
    label : str
        Short description of the event, for tables and charts.
    event_id : str
        Identifier of the event (the events file's ``id``), or ``""``.
    price : str
        Price column the returns come from (``close`` or ``adj_close``).
    n_params : int
        Parameters the model estimates (market 2, constant mean 1, market-adjusted 0); the
        t-distribution of the tests has ``n_estimation - n_params`` degrees of freedom.
    estimation_start, estimation_end : pandas.Timestamp or None
        First and last session of the estimation sample actually used.
    excluded : tuple of (Timestamp, Timestamp)
        Date ranges left out of the estimation sample (see ``exclude=`` of
        :func:`frstory.event_study`).
    excluded_sessions : int
        Sessions of the plain estimation window that ``excluded`` removed (the window was
        extended back by as many sessions).
    """

    ticker: str
    benchmark: str
    event_date: pd.Timestamp
    market_session: str
    day0: pd.Timestamp
    model: str
    estimation_window: tuple[int, int]
    event_window: tuple[int, int]
    table: pd.DataFrame
    alpha: float
    beta: float
    r2: float
    sigma: float
    n_estimation: int
    warnings: list[str] = field(default_factory=list)
    label: str = ""
    event_id: str = ""
    price: str = "close"
    n_params: int = 2
    estimation_start: pd.Timestamp | None = None
    estimation_end: pd.Timestamp | None = None
    excluded: tuple = ()
    excluded_sessions: int = 0

    @property
    def dof(self) -> int:
        """Degrees of freedom of the t-tests: ``n_estimation - n_params``."""
        return int(self.n_estimation) - int(self.n_params)

    def car(self, start: int | None = None, end: int | None = None) -> CarResult:
        """Cumulative abnormal return over sessions ``start..end`` relative to day 0 (inclusive).

        The t-statistic is ``CAR / (sigma * sqrt(L))`` with ``L`` the number of abnormal returns
        summed (missing days are skipped); the p-value is two-sided from Student's t with
        :attr:`dof` degrees of freedom.

        Parameters
        ----------
        start, end : int, optional
            Offsets inside the event window; default the whole window.

        Returns
        -------
        CarResult

        Raises
        ------
        frstory.AnalysisError
            When the sub-window is empty or reaches outside the event window.

        Examples
        --------
        >>> import frstory as fr
        >>> prices = fr.synthetic_prices(["SYNA"], benchmark="^SYNX")
        >>> res = fr.event_study(prices, "SYNA", "2020-06-10", benchmark="^SYNX")
        >>> res.car(0, 1).start, res.car(0, 1).end
        (0, 1)
        """
        from scipy import stats

        from frstory.errors import AnalysisError

        lo, hi = self.event_window
        start = lo if start is None else int(start)
        end = hi if end is None else int(end)
        if not (lo <= start <= end <= hi):
            raise AnalysisError(
                f"car({start}, {end}) of {self.ticker}: the sub-window must lie inside the event "
                f"window {lo}..{hi} with start <= end; widen event_window= or choose offsets in it"
            )
        rows = self.table[(self.table["offset"] >= start) & (self.table["offset"] <= end)]
        ar = rows["ar"].to_numpy(dtype="float64")
        ar = ar[np.isfinite(ar)]
        if ar.size == 0:
            return CarResult(start, end, math.nan, math.nan, math.nan)
        car = float(ar.sum())
        t = car / (self.sigma * math.sqrt(ar.size))
        p = float(2 * stats.t.sf(abs(t), self.dof))
        return CarResult(start, end, car, float(t), p)

    def _day0_row(self) -> pd.Series | None:
        rows = self.table[self.table["offset"] == 0]
        return rows.iloc[0] if len(rows) else None

    def _timing(self) -> str:
        event = pd.Timestamp(self.event_date)
        about = f" ({self.label})" if self.label else ""
        if pd.Timestamp(self.day0) == event:
            return {
                "pre": f"the day of the announcement{about}, which came before the market opened",
                "regular": f"the day of the announcement{about}, made during trading hours",
            }.get(
                self.market_session,
                f"the day of the announcement{about}; its time of day is not known, so part of the "
                "reaction may only show the next session",
            )
        if self.market_session == "post":
            return (f"the first session after the announcement{about}, made after the close on "
                    f"{_long_date(event, year=False)}")
        return (f"the first session after the announcement{about} on {_long_date(event, year=False)}, "
                "when the market was closed")

    def _model_clause(self, name: str, bench: str) -> str:
        period = ""
        if self.estimation_start is not None and self.estimation_end is not None:
            period = (f" over {self.n_estimation} sessions from {_long_date(self.estimation_start, weekday=False)} "
                      f"to {_long_date(self.estimation_end, weekday=False)}")
            if self.excluded_sessions:
                ranges = " and ".join(
                    f"{_long_date(a, weekday=False)} to {_long_date(b, weekday=False)}" for a, b in self.excluded
                )
                period += f", leaving out {ranges}"
        if self.model == "market":
            return (f"Given how {name} usually moves with the market (beta {self.beta:.2f}: on average "
                    f"{self.beta:.2f}% for each 1% move of {bench}, estimated{period})")
        if self.model == "market_adjusted":
            return (f"Assuming {name} simply moves one-for-one with {bench} (the market-adjusted model; "
                    f"daily noise measured{period})")
        return (f"Judged against its average daily return ({'+' if self.alpha >= 0 else '-'}{_pct(self.alpha)}%, "
                f"measured{period})")

    def summary(self) -> str:
        """One plain-language paragraph with the numbers, their uncertainty and the caveats.

        Everything is formatted from the result: percentages with one decimal, beta with two,
        t with one and p with two decimals. Warnings are appended as sentences.

        Examples
        --------
        >>> import frstory as fr
        >>> prices = fr.synthetic_prices(["SYNA"], benchmark="^SYNX")
        >>> text = fr.event_study(prices, "SYNA", "2020-06-10", benchmark="^SYNX").summary()
        >>> text.startswith("SYNA's shares")
        True
        """
        name, bench = display_name(self.ticker), display_name(self.benchmark)
        parts: list[str] = []
        row = self._day0_row()
        if row is not None and np.isfinite(row["ret"]) and np.isfinite(row["ar"]):
            day0 = _cap(_long_date(self.day0))
            c0 = self.car(0, 0)
            expected = row["expected"]
            parts.append(
                f"{name}'s shares {_move(row['ret'])} on {day0}, {self._timing()}; "
                f"{bench} {_move(row['benchmark_ret'])} that day."
            )
            better = "better" if row["ar"] > 0 else "worse"
            verb = _move(expected, up="rise", down="fall", flat="stay flat")
            parts.append(
                f"{self._model_clause(name, bench)}, {name} would have been expected to {verb}; "
                f"it did {_pct(row['ar'])} percentage points {better} than that. "
                f"That abnormal return is {_significance(c0.t, c0.p)}: on an ordinary day "
                f"{name}'s abnormal return is within about ±{_pct(self.sigma)}% (one standard deviation)."
            )
        else:
            parts.append(
                f"The abnormal return of {name} on day 0 ({_long_date(self.day0)}) cannot be computed "
                "from the data given."
            )
        whole = self.car()
        lo, hi = self.event_window
        if np.isfinite(whole.car) and (lo, hi) != (0, 0):
            first, last = self.table["date"].iloc[0], self.table["date"].iloc[-1]
            direction = "+" if whole.car >= 0 else "-"
            parts.append(
                f"Over the event window ({lo:+d} to {hi:+d} sessions around day 0, "
                f"{_long_date(first, weekday=False, year=False)} to {_long_date(last, weekday=False)}) the "
                f"cumulative abnormal return is {direction}{_pct(whole.car)} percentage points, "
                f"{_significance(whole.t, whole.p)}."
            )
        if self.warnings:
            parts.append("Caveats: " + " ".join(self.warnings))
        return " ".join(parts)

    def to_frame(self) -> pd.DataFrame:
        """The result as one tidy row (columns :data:`SUMMARY_COLUMNS`), as in ``fr.event_studies``.

        ``ar_0``/``ret_0`` are day 0's values (``nan`` when day 0 is outside the event window),
        ``car`` covers the whole event window (``car_start..car_end``) and ``warnings`` joins the
        warnings with newlines (``n_warnings`` counts them).

        Examples
        --------
        >>> import frstory as fr
        >>> prices = fr.synthetic_prices(["SYNA"], benchmark="^SYNX")
        >>> fr.event_study(prices, "SYNA", "2020-06-10", benchmark="^SYNX").to_frame().shape[0]
        1
        """
        row = self._day0_row()
        c0 = self.car(0, 0) if row is not None else CarResult(0, 0, math.nan, math.nan, math.nan)
        whole = self.car()
        record = {
            "ticker": self.ticker,
            "event_id": self.event_id,
            "label": self.label,
            "event_date": pd.Timestamp(self.event_date),
            "market_session": self.market_session,
            "day0": pd.Timestamp(self.day0),
            "benchmark": self.benchmark,
            "model": self.model,
            "price": self.price,
            "estimation_start": self.estimation_start,
            "estimation_end": self.estimation_end,
            "alpha": self.alpha,
            "beta": self.beta,
            "r2": self.r2,
            "sigma": self.sigma,
            "n_estimation": int(self.n_estimation),
            "ret_0": float(row["ret"]) if row is not None else math.nan,
            "benchmark_ret_0": float(row["benchmark_ret"]) if row is not None else math.nan,
            "ar_0": c0.car,
            "ar_0_t": c0.t,
            "ar_0_p": c0.p,
            "car_start": self.event_window[0],
            "car_end": self.event_window[1],
            "car": whole.car,
            "car_t": whole.t,
            "car_p": whole.p,
            "n_warnings": len(self.warnings),
            "warnings": "\n".join(self.warnings),
        }
        return pd.DataFrame([record], columns=list(SUMMARY_COLUMNS))
